"""Drafting replies to reporters and subjects from templates (handbook H7).

A draft is a starting point for a functionary: it states the outcome neutrally,
acknowledges the person, and (for the reporter) offers support resources and the
emergency route.  The bot never sends a draft by itself.  Every draft passes
:func:`bot.replies.check`; the tests prove it for every outcome, audience and language.

Templates live in ``templates/replies/<outcome>-<audience>.<lang>.j2``.  Names and
free-text details are escaped with ``|wikitext`` there; ``resources`` is wikitext the
resources module rendered from the canonical list, and is inserted as it is.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot import replies
from bot.errors import UsageError
from bot.rendering import TEMPLATE_DIR, render

# The details a functionary may add, and what each is for.  Anything else is a mistake.
DETAIL_FIELDS: Mapping[str, str] = {
    "action": "what was done, in plain words (e.g. 'the account was blocked for one week')",
    "case": "a case or ticket id the person can refer to",
    "appeal": "how the subject can appeal, replacing the default sentence",
    "signature": "the name to sign with",
    "legal_question": "true when the person asked for legal advice (we say we cannot give it)",
    "counselling_request": "true when the person asked for counselling (we say we cannot give it)",
}
_FLAG_FIELDS = ("legal_question", "counselling_request")

# The subject of a malicious report hears exactly what the subject of a mistaken one
# hears: whether the report was made in bad faith is not theirs to be told.
_TEMPLATE_OUTCOME = {"malicious-report-subject": "mistaken-report"}


def available_languages() -> tuple[str, ...]:
    """Languages with reply templates."""
    folder = TEMPLATE_DIR / "replies"
    return tuple(sorted({p.name.split(".")[-2] for p in folder.glob("*-*.*.j2")}))


def _details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    details = dict(details or {})
    unknown = sorted(set(details) - set(DETAIL_FIELDS))
    if unknown:
        raise UsageError(f"unknown detail(s) {', '.join(unknown)}; "
                         f"use {', '.join(DETAIL_FIELDS)}")
    filled: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        value = details.get(name)
        if name in _FLAG_FIELDS:
            filled[name] = bool(value)
        else:
            filled[name] = str(value).strip() if value is not None else ""
    return filled


def template_name(outcome: str, audience: str, lang: str) -> str:
    """The template (under ``templates/``) for a resolved outcome, audience and language."""
    return f"replies/{_TEMPLATE_OUTCOME.get(outcome, outcome)}-{audience}.{lang}.j2"


def draft_reply(*, outcome: str, audience: str | None = None, lang: str = "en",
                reporter: str | None = None, subject: str | None = None,
                resources: str = "", details: Mapping[str, Any] | None = None) -> str:
    """Render a reply draft.

    *outcome*: one of :data:`bot.replies.OUTCOMES` (or the alias
    ``malicious-or-mistaken``); *audience*: ``"reporter"`` or ``"subject"`` (default as
    in :func:`bot.replies.resolve`).  *reporter*/*subject* are user names; a draft to
    the subject never names the reporter.  *resources*: pre-rendered wikitext of support
    resources (empty: a short default pointing to Trust and Safety and a helpline
    directory).  *details*: optional fields from :data:`DETAIL_FIELDS`.
    """
    resolved, audience = replies.resolve(outcome, audience)
    assert resolved is not None  # an outcome is required here, so resolve() returns one
    if lang not in available_languages():
        raise UsageError(f"no reply templates for language {lang!r}; "
                         f"available: {', '.join(available_languages())}")
    text = render(template_name(resolved, audience, lang),
                  reporter=(reporter or "").strip() or None,
                  subject=(subject or "").strip() or None,
                  resources=resources.strip(), details=_details(details))
    # Blank lines left by optional parts collapse to one, so drafts read cleanly.
    lines, blank = [], False
    for line in text.strip().splitlines():
        if line.strip():
            lines.append(line.rstrip())
            blank = False
        elif not blank:
            lines.append("")
            blank = True
    return "\n".join(lines) + "\n"


def resources_for_reply(lang: str, region: str | None = None) -> str:
    """Support resources for a reply, from the canonical list, by language and region
    (an ISO 3166-1 country code such as ``DE``; None: every region).  :func:`select`
    raises :class:`UsageError` for a region that is not a country code."""
    from bot.resources import load_resources, render_for_reply, select

    chosen = select(load_resources(), lang=lang, region=region)
    return render_for_reply(chosen, lang)
