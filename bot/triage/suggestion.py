"""The triage result for one report: a category, how sure, why, and where it should go."""

from __future__ import annotations

from dataclasses import dataclass

SUGGESTED_AT = 0.5
EMERGENCY = frozenset({"threat-of-violence", "self-harm"})


@dataclass(frozen=True)
class Suggestion:
    """One suggested category for a report.  A suggestion, never a decision.

    ``evidence`` may quote words of the report; for a category that is not ``public``
    it must stay on private pages and mails (the caller's job, see bot/publish.py).
    """

    category: str
    score: float
    evidence: tuple[str, ...]
    route: str
    public: bool

    @property
    def suggested(self) -> bool:
        """True when the score reaches the suggestion threshold (0.5)."""
        return self.score >= SUGGESTED_AT

    @property
    def emergency(self) -> bool:
        """True for the categories that take the emergency path when suggested."""
        return self.category in EMERGENCY
