"""The bot's main job, one cycle end to end: watch the boards, store the events,
refresh the public backlog page.  Later stages (triage, reporter flags) hang off the
events this returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.backlog import render_backlog
from bot.config import Board, Config
from bot.events import Event
from bot.messages import summary
from bot.publish import Publisher
from bot.store import Store
from bot.watcher import BoardFetcher, watch_wiki

log = logging.getLogger("nbh.cycle")


@dataclass
class CycleReport:
    """What one cycle did (for printing and for tests)."""

    events: list[Event] = field(default_factory=list)
    changed_boards: list[Board] = field(default_factory=list)
    requests: int = 0
    edits: int = 0


def run_cycle(config: Config, store: Store, publisher: Publisher | None, *,
              board_names: list[str] | None = None,
              backfill: timedelta | None = None) -> CycleReport:
    """Run one watch cycle over every configured wiki."""
    import pywikibot

    report = CycleReport()
    selected = {config.board(n) for n in board_names} if board_names else None
    for wiki in config.wikis.values():
        boards = tuple(b for b in wiki.boards if selected is None or b in selected)
        if not boards:
            continue
        fetcher = BoardFetcher(pywikibot.Site(wiki.code, wiki.family))
        events, changed = watch_wiki(fetcher, wiki, store, boards=boards, backfill=backfill)
        report.events += events
        report.changed_boards += changed
        if changed and wiki.backlog_page and publisher is not None:
            texts = fetcher.texts([b.title for b in wiki.boards])
            page, open_count = render_backlog(list(wiki.boards), texts)
            if publisher.save(wiki.name, wiki.backlog_page, page,
                              summary=summary("backlog-summary", open=open_count,
                                              boards=len(texts))):
                report.edits += 1
        report.requests += fetcher.requests
    return report
