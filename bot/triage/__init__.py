"""Triage: suggest categories, evidence and a route for one report.  Humans decide.

Public API (a contract other modules rely on):

- :func:`suggest` ``(text, *, lang="en") -> list[Suggestion]``, best first;
- :func:`suggest_report` the same with the links a report cites and its board;
- :class:`Suggestion` (``category``, ``score``, ``evidence``, ``route``, ``public``,
  ``suggested``), :data:`EMERGENCY` and :func:`is_emergency`;
- :func:`load_rules` to read a language's rules (optionally from another directory)
  and :func:`score_report` to apply given rules.

Rules are data in ``bot/data/triage/<lang>.yaml``; an unknown language or a broken file
raises :class:`bot.errors.DataError` naming the file, the entry and the field.
"""

from __future__ import annotations

from typing import Iterable

from bot.triage.rules import TriageRules, clear_cache, load_rules
from bot.triage.scorer import MAX_CHARS, score_report
from bot.triage.suggestion import EMERGENCY, SUGGESTED_AT, Suggestion

__all__ = ["EMERGENCY", "MAX_CHARS", "SUGGESTED_AT", "Suggestion", "TriageRules",
           "clear_cache", "is_emergency", "load_rules", "score_report", "suggest",
           "suggest_report"]


def suggest(text: str, *, lang: str = "en", second_look: bool = True) -> list[Suggestion]:
    """Ranked category suggestions for one report's text (highest score first).

    Without *second_look*, the first opinion: a doxxing suggestion the second look would
    withdraw stays (a public page errs towards withholding)."""
    return score_report(text, load_rules(lang), second_look=second_look)


def suggest_report(text: str, *, lang: str = "en", links: Iterable[str] = (),
                   board: str | None = None) -> list[Suggestion]:
    """Suggestions for a whole report.

    *links* are further links the report cites (URLs, ``Special:Diff/…``, ``File:…``),
    counted like links in the text.  *board* is the board's page title: on boards whose
    reports by convention cite no diffs (vandalism boards), ``needs-evidence`` is not
    suggested.
    """
    return score_report(text, load_rules(lang), links=links, board=board)


def is_emergency(suggestions: Iterable[Suggestion]) -> bool:
    """True when an emergency category (threat of violence, self-harm) is suggested."""
    return any(s.category in EMERGENCY and s.suggested for s in suggestions)
