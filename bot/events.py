"""What the watcher found: one :class:`Event` per thing a revision did to a board."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

EVENT_KINDS = ("thread-opened", "comment-added", "thread-closed", "thread-reopened",
               "thread-removed", "thread-archived")


@dataclass(frozen=True)
class Event:
    """A change on a board, attributed to the revision that made it.

    ``user`` is the account that saved the revision (None when revision-deleted);
    for ``thread-opened`` that account is the reporter, whatever the signature says.
    ``author``/``comment_time`` come from the comment's signature.
    """

    wiki: str
    board: str
    kind: str
    revid: int
    rev_time: datetime
    user: str | None
    thread_key: str
    heading: str
    author: str | None = None
    comment_time: datetime | None = None
    archive: str | None = None
    uncertain: bool = False  # changes seen across a hidden revision
    # Derived labels (bot.reports), never the report's text:
    categories: tuple[tuple[str, float], ...] = ()  # thread-opened: triage suggestions
    emergency: bool = False
    targets: tuple[str, ...] = ()
    fingerprint: str | None = None
    outcome: str | None = None  # thread-closed: what the closing result states

    @property
    def key(self) -> str:
        """A stable identity: the same event found twice has the same key."""
        parts = (self.wiki, self.board, str(self.revid), self.kind, self.thread_key,
                 self.author or "", self.comment_time.isoformat() if self.comment_time else "")
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()

    def as_dict(self) -> dict:
        """A JSON-ready dict (for ``-json``)."""
        return {
            "wiki": self.wiki, "board": self.board, "kind": self.kind, "revid": self.revid,
            "rev_time": self.rev_time.isoformat(), "user": self.user,
            "thread": self.thread_key, "heading": self.heading, "author": self.author,
            "comment_time": self.comment_time.isoformat() if self.comment_time else None,
            "archive": self.archive, "uncertain": self.uncertain,
            "outcome": self.outcome, "targets": list(self.targets),
        }
