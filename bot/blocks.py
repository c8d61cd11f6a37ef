"""What the block log says about how a report ended.

Used only when the closing text says nothing usable (``unknown``) or the thread was
archived without a closure: a block of the reporter soon after the report is a
boomerang, a block of a user the report named is an action on it.  Blocks are made
by administrators, so such an outcome counts as a trusted decision; the evidence is
the log id, never the block reason (it may quote the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from bot.usernames import canonical_user_name

BLOCK_ACTIONS = ("block", "reblock")
# How long after the closure (or, with none, after the report) a block still counts
# as the board's decision.
GRACE = timedelta(hours=24)
OPEN_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Block:
    """One entry of the block log."""

    logid: int
    user: str       # the blocked account or IP
    performer: str | None
    timestamp: datetime
    action: str = "block"


def window(opened: datetime, closed: datetime | None) -> tuple[datetime, datetime]:
    """The time span in which a block answers a report."""
    end = (closed + GRACE) if closed and closed >= opened else opened + OPEN_WINDOW
    return opened, end


def outcome_from_blocks(blocks: Iterable[Block], *, reporter: str | None,
                        targets: Iterable[str], opened: datetime,
                        closed: datetime | None) -> tuple[str, str, str | None] | None:
    """(outcome, evidence, performer) the block log gives a report, or None.

    The reporter blocked in the window is a boomerang (it outweighs a target's block:
    both blocked usually means both misbehaved, and the reporter's part is what the
    history is about).
    """
    start, end = window(opened, closed)
    names = {canonical_user_name(t) for t in targets}
    who = canonical_user_name(reporter) if reporter else None
    found: tuple[str, str, str | None] | None = None
    for block in sorted(blocks, key=lambda b: b.timestamp):
        if block.action not in BLOCK_ACTIONS or not start <= block.timestamp <= end:
            continue
        blocked = canonical_user_name(block.user)
        if who and blocked == who:
            return "boomerang", f"block-log:{block.logid}:reporter", block.performer
        if blocked in names and found is None:
            found = ("actioned", f"block-log:{block.logid}:target", block.performer)
    return found
