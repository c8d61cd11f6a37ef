"""Resource list pages: rendering the bot's part and splicing it into a page.

A resource page belongs to people except for the part between the bot's markers::

    <!-- nbh-resources:ID start -->
    ...the bot's part...
    <!-- nbh-resources:ID end -->

:func:`splice` replaces only that part and returns the rest of the page byte for byte;
a page without markers is refused (or, when asked, the part is appended), never
overwritten.  :func:`describe_changes` says which entries a new part adds, removes or
updates, for the edit summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Literal

from bot.errors import NoticeboardError
from bot.rendering import render
from bot.resources.catalogue import (
    INTERNATIONAL, KINDS, MANY_LANGUAGES, Catalogue, Resource, load_catalogue, localise,
    select,
)

TEMPLATE = "resources/list.wikitext.j2"
MARKER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ROW_RE = re.compile(r'^\|-\s*id="nbh-res-([a-z0-9-]+)"[^\n]*$', re.MULTILINE)
_ROW_END_RE = re.compile(r"^(?:\|-|\|\}|=)", re.MULTILINE)
# What may stay literally in an external link target.  Everything else is
# percent-encoded: []{}|<>"' and whitespace end or break the link.  Runs of '~' (three
# or more become a signature on save) and of '_' ('__TOC__'-style magic words) are
# encoded too; encoding an unreserved character does not change the URL (RFC 3986, 2.3).
_URL_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                      "-._~:/?#@!$&()*+,;=%")
_MARKUP_RUN_RE = re.compile(r"_{2,}|~{2,}")
_SCHEMES = ("https://", "http://", "mailto:", "tel:")


class MarkerError(NoticeboardError):
    """A page's bot markers are missing, repeated or out of order."""


def safe_link_target(url: str) -> str:
    """Return *url* fit for ``[url label]``: allowed scheme, markup characters encoded."""
    if not url.lower().startswith(_SCHEMES):
        raise ValueError(f"refusing a link with an unexpected scheme: {url[:40]!r}")
    encoded = "".join(c if c in _URL_KEEP else "".join(f"%{b:02X}" for b in c.encode("utf-8"))
                      for c in url)
    return _MARKUP_RUN_RE.sub(lambda m: "".join(f"%{ord(c):02X}" for c in m.group(0)),
                              encoded)


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return load_catalogue()


def _fell_back(found: str, wanted: str) -> bool:
    return found.split("-")[0] != wanted.split("-")[0]


def _row(resource: Resource, lang: str, labels: dict[str, Any]) -> dict[str, Any]:
    name, name_lang = resource.name(lang)
    description = resource.description(lang)
    hours = localise(resource.hours, lang)[0] if resource.hours else ""
    cost = {True: labels["free"], False: labels["not_free"]}.get(resource.free,
                                                                 labels["cost_unknown"])
    languages = [labels["many_languages"] if code == MANY_LANGUAGES else code
                 for code in resource.languages]
    regions = [labels["international"] if code == INTERNATIONAL else code
               for code in resource.regions]
    return {
        "id": resource.id,
        "kind": resource.kind,
        "name": name,
        # Names are mostly proper names, the same in every language: the English
        # marker goes on the description, or on the name when there is none.
        "name_fallback": not description and _fell_back(name_lang, lang),
        "description": description[0] if description else "",
        "description_fallback": bool(description) and _fell_back(description[1], lang),
        "url": safe_link_target(resource.url) if resource.url else None,
        "phones": [{"number": p.number, "dial": safe_link_target("tel:" + p.dial)[4:],
                    "note": localise(p.note, lang)[0] if p.note else ""}
                   for p in resource.phones],
        "email": resource.email or "",
        "mailto": safe_link_target("mailto:" + resource.email) if resource.email else "",
        "hours": hours,
        "directory": resource.directory,
        "languages": languages,
        "regions": regions,
        "cost": cost,
        "verified": resource.last_verified.isoformat(),
    }


def render_list(resources: Iterable[Resource], *, lang: str, region: str | None = None,
                catalogue: Catalogue | None = None, heading_level: int = 3) -> str:
    """The bot's part of a resource page for *lang* and *region* (wikitext).

    The resources are chosen with :func:`select` (emergency contacts always), grouped
    by kind, emergency first.  Wording comes from *catalogue*'s labels (default: the
    repository's source); missing translations show in English, marked as such.
    """
    catalogue = catalogue or _default_catalogue()
    labels = catalogue.labels_for(lang)
    chosen = select(resources, lang=lang, region=region)
    groups = []
    for kind in KINDS:
        rows = [_row(r, lang, labels) for r in chosen if r.kind == kind]
        if rows:
            groups.append({"kind": kind, "label": labels["kinds"][kind], "rows": rows})
    if not 2 <= heading_level <= 6:
        raise ValueError("heading_level must be between 2 and 6")
    return render(TEMPLATE, style="page", groups=groups, rows=[], labels=labels,
                  heading="=" * heading_level).strip("\n") + "\n"


def render_for_reply(resources: Iterable[Resource], lang: str, *,
                     catalogue: Catalogue | None = None) -> str:
    """A short bullet list of *resources* for a reply draft, in the order given.

    The caller chooses the resources (usually :func:`select` with kinds for the case);
    duplicates are dropped.  The result is wikitext meant for
    :func:`bot.drafts.draft_reply`'s ``resources``.
    """
    catalogue = catalogue or _default_catalogue()
    labels = catalogue.labels_for(lang)
    seen: set[str] = set()
    rows = []
    for resource in resources:
        if resource.id not in seen:
            seen.add(resource.id)
            rows.append(_row(resource, lang, labels))
    return render(TEMPLATE, style="reply", rows=rows, groups=[], labels=labels,
                  heading="").strip("\n") + ("\n" if rows else "")


def markers(marker_id: str) -> tuple[str, str]:
    """The start and end marker for *marker_id*, as the bot writes them."""
    if not MARKER_ID_RE.match(marker_id):
        raise ValueError(f"not a usable marker id: {marker_id!r} (letters, digits, '.', "
                         f"'_' and '-' only)")
    return (f"<!-- nbh-resources:{marker_id} start -->",
            f"<!-- nbh-resources:{marker_id} end -->")


@lru_cache(maxsize=64)
def _marker_re(marker_id: str) -> re.Pattern[str]:
    markers(marker_id)  # validates the id
    # People retype markers; tolerate spacing and case, not a different id.
    return re.compile(rf"<!--\s*nbh-resources:{re.escape(marker_id)}\s+(start|end)\s*-->",
                      re.IGNORECASE)


def _locate(page_text: str, marker_id: str) -> tuple[int, int] | None:
    """Span of the text between the markers (``None``: no markers at all)."""
    found = list(_marker_re(marker_id).finditer(page_text))
    starts = [m for m in found if m.group(1).lower() == "start"]
    ends = [m for m in found if m.group(1).lower() == "end"]
    if not found:
        return None
    if len(starts) != 1 or len(ends) != 1:
        raise MarkerError(f"the page has {len(starts)} start and {len(ends)} end markers "
                          f"for nbh-resources:{marker_id}; it needs exactly one of each, "
                          f"so the bot leaves it alone")
    if ends[0].start() < starts[0].end():
        raise MarkerError(f"the end marker for nbh-resources:{marker_id} comes before its "
                          f"start marker; the bot leaves the page alone")
    return starts[0].end(), ends[0].start()


def current_section(page_text: str, marker_id: str) -> str | None:
    """The bot's part now on the page, without markers (``None``: no markers)."""
    span = _locate(page_text, marker_id)
    return None if span is None else page_text[span[0]:span[1]].strip("\n")


def splice(page_text: str, section: str, marker_id: str, *,
           missing: Literal["error", "append"] = "error") -> tuple[str, bool]:
    """Put *section* between the page's markers; return (new text, changed).

    Everything outside the markers (and the markers themselves) is kept byte for byte.
    With no markers, ``missing="error"`` raises :class:`MarkerError` and
    ``missing="append"`` adds markers and section at the end of the page.
    """
    if missing not in ("error", "append"):
        raise ValueError("missing must be 'error' or 'append'")
    body = section.strip("\n")
    if "nbh-resources:" in body:
        # A rendered section never contains markers: data text is escaped.  If one
        # does, splicing it would make the next run's markers ambiguous.
        raise ValueError("the section itself contains a resource marker")
    inner = f"\n{body}\n"
    span = _locate(page_text, marker_id)
    if span is None:
        if missing == "error":
            raise MarkerError(f"the page has no nbh-resources:{marker_id} markers; add "
                              f"'{markers(marker_id)[0]}' and "
                              f"'{markers(marker_id)[1]}' where the list belongs")
        start, end = markers(marker_id)
        separator = "" if not page_text or page_text.endswith("\n") else "\n"
        return f"{page_text}{separator}{start}{inner}{end}\n", True
    begin, finish = span
    if page_text[begin:finish] == inner:
        return page_text, False
    return page_text[:begin] + inner + page_text[finish:], True


def entry_rows(section: str) -> dict[str, str]:
    """The table rows of a rendered section by resource id (for change summaries)."""
    rows: dict[str, str] = {}
    for match in _ROW_RE.finditer(section):
        # The row is its id line (which carries the kind) up to the next row or table end.
        following = _ROW_END_RE.search(section, match.end() + 1)
        rows[match.group(1)] = section[match.start():following.start() if following else None]
    return rows


@dataclass(frozen=True)
class SectionChanges:
    """Which entries a new section adds, removes or updates (ids, sorted)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    wording: bool = False  # something outside the entries changed (labels, notes)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.updated or self.wording)

    def as_text(self) -> str:
        """English, id-only summary text: ids name no person and no category."""
        parts = [f"{verb} {', '.join(ids)}" for verb, ids in
                 (("added", self.added), ("removed", self.removed),
                  ("updated", self.updated)) if ids]
        if self.wording:
            parts.append("wording")
        return "; ".join(parts) or "no change"


def describe_changes(old_section: str | None, new_section: str) -> SectionChanges:
    """Compare the bot's part before (``None``: none yet) and after an update."""
    old_rows = entry_rows(old_section or "")
    new_rows = entry_rows(new_section)
    added = tuple(sorted(set(new_rows) - set(old_rows)))
    removed = tuple(sorted(set(old_rows) - set(new_rows)))
    updated = tuple(sorted(i for i in set(old_rows) & set(new_rows)
                           if old_rows[i].strip() != new_rows[i].strip()))
    # Anything else that changed (labels, notes) while no entry did is "wording".
    wording = (old_section is not None and not (added or removed or updated)
               and old_section.strip() != new_section.strip())
    return SectionChanges(added, removed, updated, wording)
