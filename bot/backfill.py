"""Building reporter history from a board and its archives (``pwb backfill_reports``).

Cost model, per batch of archive pages: one request for their texts (more only when
the API splits a large answer), the board's history over the span the batch covers
(ids, users and summaries, 500 revisions a request), and the block log over that span
when a report's outcome needs it.  Each page's reports and the page's position are
stored in one transaction: an interrupted backfill goes on where it stopped, and a
page read before is read again only when it has changed since.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.blocks import Block, outcome_from_blocks, window
from bot.changes import threads_of
from bot.config import Board
from bot.history import BoardHistory, BoardRevision, HistoryEntry, new_section_pattern
from bot.reporters import complaint_fingerprint
from bot.reports import closure_outcome, report_text, targets_of
from bot.boards import load_preset
from bot.store import Store
from bot.threads import Thread
from bot.watcher import BoardFetcher

log = logging.getLogger("nbh.backfill")

PAGES_PER_BATCH = 10
# The board's history is read from a little before a batch's first signature to a
# while after its last one (closures come later); never further than the page's
# last edit.
BEFORE = timedelta(days=1)
AFTER = timedelta(days=30)


@dataclass
class BackfillReport:
    """What a backfill did."""

    pages: int = 0          # pages considered (board and archives)
    read: int = 0           # pages read now
    skipped: int = 0        # unchanged since an earlier backfill, or older than -since
    reports: int = 0        # reports found on the pages read
    new: int = 0            # reports not known before
    attributed: int = 0     # reports whose opening revision was found
    outcomes: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0


def archive_pages(fetcher: BoardFetcher, board: Board, *, archives: bool,
                  since: datetime | None) -> tuple[dict[str, tuple[int, datetime]], int]:
    """The pages to read (title -> latest revision) and how many were left out as
    older than *since*."""
    pages: dict[str, tuple[int, datetime]] = {}
    head = fetcher.latest([board.title]).get(board.title)
    if head is not None:
        pages[board.title] = head
    if archives:
        found = fetcher.subpages(board.archive_prefix)
        # Oldest archives first, as a human would read them ("Archive 2" before "10").
        for title in sorted(found, key=_natural):
            pages.setdefault(title, found[title])
    old = [t for t, (_, when) in pages.items() if since is not None and when < since]
    for title in old:
        del pages[title]
    return pages, len(old)


def _natural(title: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", title)]


def _unattributed(board: Board, source: str, text: str, thread: Thread,
                  since: datetime | None) -> HistoryEntry | None:
    """A report as the page shows it, before its revision is looked up."""
    if not thread.comments or thread.opened is None:
        return None  # unsigned: nothing to date it by or attribute it to
    if since is not None and thread.opened < since:
        return None
    preset = load_preset(board.preset)
    signer = thread.comments[0].author
    if thread.closure is not None:
        # A closing template often sits above the report; its names (the closer, the
        # result) are not what the report was about.  Blanked, so offsets still hold.
        c = thread.closure
        text = text[:c.start] + " " * (c.end - c.start) + text[c.end:]
    body = report_text(text, thread)
    return HistoryEntry(
        wiki=board.wiki, board=board.title, thread_key=thread.key, heading=thread.heading,
        reporter=None, revid=0, opened=thread.opened, source=source,
        targets=targets_of(text, thread, preset, signer),
        fingerprint=complaint_fingerprint(body) if body.strip() else None)


def read_page(board: Board, source: str, text: str, history: BoardHistory,
              trusted: Callable[[str, str], bool], blocks: list[Block],
              since: datetime | None = None) -> list[HistoryEntry]:
    """Every report on one page, attributed from the board's history, with its outcome."""
    entries = []
    for thread in threads_of(text, board.preset, board.layout):
        entry = _unattributed(board, source, text, thread, since)
        if entry is None:
            continue
        first = thread.comments[0]
        opening = history.opening((thread.raw_heading, thread.heading), first.author,
                                  first.timestamp)
        if opening is not None and opening.user:
            entry = replace(entry, reporter=opening.user, revid=opening.revid,
                            opened=opening.timestamp)
        closure = thread.closure
        if closure is not None:
            # The closer is whoever saved the closing signature; unverified closers
            # are not trusted, so a forged closure never counts.
            saved = history.signed_by(closure.closer, closure.timestamp)
            closer = saved.user if saved else closure.closer
            entry = replace(
                entry, closed=closure.timestamp or thread.comments[-1].timestamp,
                closer=closer,
                closer_trusted=bool(saved and saved.user and trusted(board.wiki, saved.user)),
                outcome=closure_outcome(closure.result, preset=board.preset),
                evidence=f"closure:{closure.template}"[:255])
        entries.append(_with_block_outcome(entry, blocks))
    return entries


def _undecided(entry: HistoryEntry) -> bool:
    return entry.outcome in (None, "unknown")


def _with_block_outcome(entry: HistoryEntry, blocks: list[Block]) -> HistoryEntry:
    """*entry* with the outcome the block log gives it, when its closure said nothing."""
    if not _undecided(entry):
        return entry
    found = outcome_from_blocks(blocks, reporter=entry.reporter, targets=entry.targets,
                                opened=entry.opened, closed=entry.closed)
    if found is None:
        return entry
    outcome, evidence, performer = found
    return entry.with_outcome(outcome, evidence, performer, True)


def backfill_board(fetcher: BoardFetcher, board: Board, store: Store, *,
                   trusted: Callable[[str, str], bool], archives: bool = False,
                   since: datetime | None = None, simulate: bool = False,
                   progress: Callable[[int, int, str, BackfillReport], None] | None = None,
                   batch: int = PAGES_PER_BATCH) -> BackfillReport:
    """Read *board* (and with *archives* its archive pages) into the reporter history."""
    started = time.monotonic()
    report = BackfillReport()
    pages, report.skipped = archive_pages(fetcher, board, archives=archives, since=since)
    report.pages = len(pages) + report.skipped
    todo = [t for t, (revid, _) in pages.items()
            if store.backfill_position(board.wiki, t) != revid]
    report.skipped += len(pages) - len(todo)
    message = fetcher.message("newsectionsummary") or "/* $1 */ new section"
    pattern = new_section_pattern(message)
    done = report.pages - len(todo)
    for start in range(0, len(todo), batch):
        titles = todo[start:start + batch]
        texts = fetcher.contents(titles, per_request=batch)
        drafts = [(title, texts[title]) for title in titles if title in texts]
        stamps = [t.opened for _, (_, _, text) in drafts
                  for t in threads_of(text, board.preset, board.layout) if t.opened]
        if stamps:
            first = min(stamps) - BEFORE
            last = min(max(stamps) + AFTER, max(when for _, (_, when, _) in drafts))
            history = BoardHistory(fetcher.history(board.title, first, max(first, last)),
                                   pattern)
        else:
            history = BoardHistory([], pattern)
        # Each page is read once; the block log is then asked once, over the span of
        # the batch's reports whose closure said nothing.
        read = [(title, revid, read_page(board, title, text, history, trusted, [], since))
                for title, (revid, _, text) in drafts]
        spans = [window(e.opened, e.closed) for _, _, entries in read for e in entries
                 if _undecided(e)]
        blocks = fetcher.blocks(min(s for s, _ in spans), max(e for _, e in spans)) \
            if spans else []
        for title, revid, entries in read:
            entries = [_with_block_outcome(e, blocks) for e in entries]
            report.read += 1
            report.reports += len(entries)
            report.attributed += sum(1 for e in entries if e.reporter)
            for entry in entries:
                report.outcomes[entry.outcome or "unknown"] = \
                    report.outcomes.get(entry.outcome or "unknown", 0) + 1
            if not simulate:
                report.new += store.record_history(board.wiki, title, revid, entries)
            done += 1
            if progress:
                progress(done, report.pages, title, report)
        for title in titles:
            if title not in texts:
                log.warning("Skipping page, gone or hidden since it was listed: [[%s]]", title)
    report.requests = fetcher.requests
    report.seconds = time.monotonic() - started
    return report


__all__ = ["BackfillReport", "BoardRevision", "archive_pages", "backfill_board", "read_page"]
