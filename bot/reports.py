"""What the bot derives from one report when it first sees it: triage labels, the
users it is about, and a fingerprint of the complaint; and from its closure, the
outcome.

Only these derived labels are stored, never the report's text (DESIGN: store ids,
hashes and labels).  They are computed from the revision that opened or closed the
thread, so they describe the report as it was posted, whatever happens to it later.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.boards import Preset, load_preset
from bot.errors import DataError
from bot.threads import Thread
from bot.usernames import canonical_user_name, normalise_name
from bot.wikimedia import subject_template_re

MAX_CATEGORIES = 5


@dataclass(frozen=True)
class ReportFacts:
    """Derived labels of one report."""

    categories: tuple[tuple[str, float], ...] = ()  # (category id, score), best first
    emergency: bool = False
    targets: tuple[str, ...] = ()
    fingerprint: str | None = None


def report_text(text: str, thread: Thread) -> str:
    """The report itself: the thread's text up to the end of its first comment."""
    end = thread.comments[0].end if thread.comments else thread.end
    return text[thread.body_start:end] if thread.kind == "thread" else text[thread.start:end]


def targets_of(text: str, thread: Thread, preset: Preset, reporter: str | None) -> tuple[str, ...]:
    """Users the report names (links and user templates), the reporter excluded."""
    body = report_text(text, thread)
    first = thread.comments[0] if thread.comments else None
    signer = canonical_user_name(first.author) if first and first.author else None
    names: list[str] = []
    if thread.kind == "entry" and thread.heading:
        names.append(thread.heading)
    names += [m.group("name") or m.group("contrib")
              for m in preset.user_link_re.finditer(thread.raw_heading)]
    subjects = subject_template_re()   # the shared list (bot/data/wikimedia.yaml)
    names += subjects.findall(thread.raw_heading)
    found = [(m.start(), m.group("name") or m.group("contrib"))
             for m in preset.user_link_re.finditer(body)]
    found += [(m.start(), m.group(1)) for m in subjects.finditer(body)]
    names += [name for _, name in sorted(found)]
    exclude = {canonical_user_name(n) for n in (reporter, signer) if n}
    seen: dict[str, str] = {}
    for name in names:
        clean = normalise_name(name.strip())
        key = canonical_user_name(clean) if clean else ""
        if key and key not in exclude and key not in seen:
            seen[key] = clean
    return tuple(seen.values())


def analyse_report(text: str, thread: Thread, *, preset: str, reporter: str | None) -> ReportFacts:
    """Triage labels, targets and fingerprint of *thread* as it stands in *text*."""
    from bot.reporters import complaint_fingerprint
    from bot.triage import is_emergency, suggest

    conventions = load_preset(preset)
    body = report_text(text, thread)
    suggestions = suggest(body, lang=conventions.language)
    categories = tuple((s.category, round(float(s.score), 3))
                       for s in suggestions[:MAX_CATEGORIES] if s.score > 0)
    return ReportFacts(categories=categories, emergency=is_emergency(suggestions),
                       targets=targets_of(text, thread, conventions, reporter),
                       fingerprint=complaint_fingerprint(body) if body.strip() else None)


def closure_outcome(result: str | None, *, preset: str) -> str:
    """The outcome a closing result states (``unknown`` when it says nothing)."""
    from bot.reporters import classify_outcome

    if not result:
        return "unknown"
    language = load_preset(preset).language
    try:
        return classify_outcome(result, lang=language)
    except DataError:  # no outcome rules for this language: it says nothing we can read
        return "unknown"
