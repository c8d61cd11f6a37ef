"""Turning untrusted text into wikitext that renders as plain text.

Report headings, user names and quotes come from people we do not trust.  Before any
of it goes into a page the bot writes, every character that can start markup
(templates, links, tables, signatures, magic words, HTML, free URLs) becomes an HTML
entity, line breaks become spaces and invisible direction/zero-width controls are
dropped, so a report cannot inject templates, categories, links or signatures.
"""

from __future__ import annotations

import re

# Entities rather than <nowiki>: a </nowiki> inside the text cannot break out of them,
# and they are safe inside table cells and template parameters alike.
_ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    "[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;", "|": "&#124;",
    "~": "&#126;", "=": "&#61;", "!": "&#33;", "_": "&#95;", ":": "&#58;",
    "*": "&#42;", "#": "&#35;", ";": "&#59;", "-": "&#45;", "/": "&#47;",
}
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
# Bidi embeddings/overrides/isolates, zero-width characters, BOM, soft hyphen.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_SPACES_RE = re.compile(r"[\s\u0085\u2028\u2029]+")


def escape(text: object, *, max_length: int | None = None) -> str:
    """Return *text* as inline wikitext that displays literally.

    ``max_length`` shortens the visible text (before escaping) with an ellipsis.
    """
    plain = _INVISIBLE_RE.sub("", str(text))
    plain = _SPACES_RE.sub(" ", plain).strip()
    if max_length is not None and len(plain) > max_length:
        plain = plain[: max(0, max_length - 1)].rstrip() + "\u2026"
    return _ESCAPE_RE.sub(lambda m: _ENTITIES[m.group(0)], plain)


def link_target(title: str) -> str:
    """Return a page title made safe for the target part of ``[[...]]``.

    Titles come from the API, so they are valid titles; this only guards against the
    characters that would end the link or start a template early.
    """
    cleaned = _INVISIBLE_RE.sub("", title)
    if any(c in cleaned for c in "[]{}|<>\n"):
        raise ValueError(f"not a valid page title: {title!r}")
    # A leading colon keeps File:/Category: links as links, not inclusions.
    return ":" + cleaned if not cleaned.startswith(":") else cleaned
