"""What one revision did to a board, at thread level.

:func:`diff_threads` compares the threads of two texts of the same board.  Threads are
matched by identity, not position: first by their key (the earliest signature's author
and time, which survives renames and moves), then by heading, then by shared comments,
so a renamed, moved, emptied or repeated heading is not taken for a new report.
Comments are compared as a multiset of (author, time), so two comments in the same
minute are both seen.

The caller attaches the revision's id and user: the account that saved the revision is
the reporter of a thread it opened, whatever the signature says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.threads import Comment, Thread, parse_board
from bot.usernames import canonical_user_name

CHANGE_KINDS = ("thread-opened", "thread-removed", "comment-added", "thread-closed",
                "thread-reopened")


@dataclass(frozen=True)
class Change:
    """One thing a revision did: ``kind`` is one of :data:`CHANGE_KINDS`.

    ``author``/``timestamp`` come from the signature (of the comment added, of the
    report's first comment, or of the closure).
    """

    kind: str
    heading: str
    thread_key: str
    author: str | None = None
    timestamp: datetime | None = None
    result: str | None = None  # thread-closed: the closing result, signature removed


@lru_cache(maxsize=16)
def threads_of(text: str, preset: str, layout: str) -> tuple[Thread, ...]:
    # The watcher diffs r1->r2, r2->r3...: each text is parsed once, not twice.
    return tuple(parse_board(text, preset, layout))


def _signature(comment: Comment) -> tuple[str, datetime | None]:
    return canonical_user_name(comment.author) if comment.author else "", comment.timestamp


def _match(old: tuple[Thread, ...], new: tuple[Thread, ...]) -> dict[int, int]:
    """Map new-thread index -> old-thread index for threads that are the same."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    by_key = {t.key: i for i, t in enumerate(old)}
    for j, thread in enumerate(new):
        i = by_key.get(thread.key)
        if i is not None and i not in used:
            pairs[j] = i
            used.add(i)
    by_heading: dict[str, list[int]] = {}
    for i, thread in enumerate(old):
        if i not in used:
            by_heading.setdefault(thread.heading, []).append(i)
    for j, thread in enumerate(new):
        if j in pairs:
            continue
        candidates = by_heading.get(thread.heading)
        if candidates:
            i = candidates.pop(0)
            pairs[j] = i
            used.add(i)
    # Last, a thread whose first comment was refactored away still shares the others.
    leftover_old = {i: {_signature(c) for c in old[i].comments if c.timestamp}
                    for i in range(len(old)) if i not in used}
    if leftover_old:
        for j, thread in enumerate(new):
            if j in pairs:
                continue
            mine = {_signature(c) for c in thread.comments if c.timestamp}
            best = max(leftover_old, key=lambda i: len(mine & leftover_old[i]), default=None)
            if best is not None and mine & leftover_old[best]:
                pairs[j] = best
                del leftover_old[best]
    return pairs


def diff_threads(old_text: str, new_text: str, preset: str = "enwiki",
                 layout: str = "threads") -> list[Change]:
    """The thread-level changes from *old_text* to *new_text*, in the new page's order
    (removed threads last)."""
    old = threads_of(old_text or "", preset, layout)
    new = threads_of(new_text or "", preset, layout)
    pairs = _match(old, new)
    changes: list[Change] = []
    for j, thread in enumerate(new):
        i = pairs.get(j)
        if i is None:
            first = thread.comments[0] if thread.comments else None
            changes.append(Change("thread-opened", thread.heading, thread.key,
                                  first.author if first else None,
                                  first.timestamp if first else None))
            for comment in thread.comments[1:]:
                changes.append(Change("comment-added", thread.heading, thread.key,
                                      comment.author, comment.timestamp))
            if thread.closure is not None:
                changes.append(Change("thread-closed", thread.heading, thread.key,
                                      thread.closure.closer, thread.closure.timestamp,
                                      thread.closure.result))
            continue
        before = old[i]
        seen = Counter(_signature(c) for c in before.comments)
        for comment in thread.comments:
            sig = _signature(comment)
            if seen[sig] > 0:
                seen[sig] -= 1
                continue
            changes.append(Change("comment-added", thread.heading, thread.key,
                                  comment.author, comment.timestamp))
        if before.closure is None and thread.closure is not None:
            changes.append(Change("thread-closed", thread.heading, thread.key,
                                  thread.closure.closer, thread.closure.timestamp,
                                  thread.closure.result))
        elif before.closure is not None and thread.closure is None:
            changes.append(Change("thread-reopened", thread.heading, thread.key))
    matched_old = set(pairs.values())
    for i, thread in enumerate(old):
        if i not in matched_old:
            changes.append(Change("thread-removed", thread.heading, thread.key,
                                  thread.author, thread.opened))
    return changes
