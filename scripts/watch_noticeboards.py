#!/usr/bin/env python3
"""Watch the configured noticeboards for new reports, comments and closures.

Each cycle asks every wiki, in one batched request, for the latest revision of its
boards; only boards that changed cost more.  What each new revision did (thread
opened, comment added, thread closed or reopened, thread removed or archived) is
stored once and printed, attributed to the account that saved the revision.  The
public backlog page is refreshed when a board changed.

Usage::

    pwb watch_noticeboards [-deployment:PATH] [-board:NAME] [-once | -loop:SECONDS]
                           [-follow [-stream:URL]] [-backfill:DAYS] [-json] [-simulate]

Options:

-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).
-board:NAME       Only this board (repeatable); NAME as in the configuration.
-once             Run one cycle and stop (the default).
-loop:SECONDS     Run a cycle every SECONDS until interrupted.
-follow           React to board edits within seconds through the wikis' event
                  stream (EventStreams recent changes); when the stream is down, poll
                  every -loop seconds (default 60), and poll for safety every ten
                  intervals even while it is up (events can be lost).
-stream:URL       The event stream to follow (default: Wikimedia's EventStreams).
-backfill:DAYS    On a board seen for the first time, replay the last DAYS of
                  history instead of starting at its current revision.
-json             Print one JSON object per event, for piping.
-always           Save without asking (the default for this bot: its edits are
                  routine; -simulate still saves nothing).

The global Pywikibot options (-simulate, -user, -v, ...) are accepted.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pywikibot

from bot.config import load_config
from bot.cycle import run_cycle
from bot.events import Event
from bot.publish import Publisher
from bot.scripting import NoticeboardBot, run_script, setup_logging, split_option
from bot.store import AlreadyRunning, Store


def describe(event: Event) -> str:
    """One human line for an event."""
    who = event.user or "(hidden user)"
    extra = f" by {event.author}" if event.author and event.author != event.user else ""
    target = f" -> {event.archive}" if event.archive else ""
    flag = " [uncertain]" if event.uncertain else ""
    return (f"{event.wiki} {event.board}: {event.kind} r{event.revid} ({who}{extra}) "
            f"\"{event.heading}\"{target}{flag}")


class WatchBot(NoticeboardBot):
    """Runs watch cycles; each item of its generator is one cycle."""

    update_options = {"always": True, "loop": 0, "json": False, "backfill": 0,
                      "config": None, "board": None, "follow": False, "stream": None}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.treat_page_type = int  # the generator yields cycle numbers, not pages
        self.config = load_config(self.opt.config)
        self.store = Store(self.config.state_url)
        self.publisher = Publisher(self.config, self)

    @property
    def generator(self):
        cycle = 0
        while True:
            cycle += 1
            yield cycle
            if not self.opt.loop or self.opt.follow:
                return
            time.sleep(self.opt.loop)

    def treat(self, cycle: int) -> None:
        backfill = timedelta(days=self.opt.backfill) if self.opt.backfill else None
        if self.opt.follow:
            from bot.follow import WIKIMEDIA_STREAM_URL, follow

            # follow() takes the job lock for each cycle it runs.
            follow(self.config, self.store, self.publisher,
                   stream_url=self.opt.stream or WIKIMEDIA_STREAM_URL,
                   poll_interval=self.opt.loop or 60, board_names=self.opt.board,
                   backfill=backfill,
                   on_report=lambda report, trigger: self.show(report, trigger.reason))
            return
        try:
            # A scheduled run and a manual one must not process the same revisions.
            with self.store.job_lock("watch", wait=60 if self.opt.loop else 0):
                report = run_cycle(self.config, self.store, self.publisher,
                                   board_names=self.opt.board, backfill=backfill,
                                   unreported=True)
        except AlreadyRunning as exc:
            pywikibot.warning(f"cycle {cycle} skipped: {exc}")
            return
        self.show(report, f"cycle {cycle}")

    def show(self, report, label: str) -> None:
        """Print a cycle's events (and, unless -json, a one-line summary)."""
        for event in report.events:
            pywikibot.stdout(json.dumps(event.as_dict(), ensure_ascii=False)
                             if self.opt.json else describe(event))
        if not pywikibot.config.simulate:
            self.store.mark_reported(report.events)
        if not self.opt.json:
            pywikibot.info(f"{label}: {len(report.events)} new event(s), "
                           f"{len(report.changed_boards)} changed board(s), "
                           f"{report.requests} read request(s)"
                           + (f" (+{report.private_requests} on the private wiki)"
                              if report.private_requests else "")
                           + f", {report.edits} edit(s), "
                           f"{report.mails} mail(s)")


def main(*args: str) -> int:
    """Parse options and run the watcher."""
    options: dict = {}
    boards: list[str] = []
    for arg in pywikibot.handle_args(args):
        name, value = split_option(arg)
        if name == "deployment":
            options["config"] = value
        elif name == "board":
            boards.append(value)
        elif name == "once":
            options["loop"] = 0
        elif name == "loop":
            options["loop"] = float(value or 60)
        elif name == "backfill":
            options["backfill"] = float(value or 7)
        elif name == "follow":
            options["follow"] = True
            options.setdefault("loop", 60)
        elif name == "stream":
            options["stream"] = value
        elif name == "json":
            options["json"] = True
        elif name == "always":
            options["always"] = True
        else:
            pywikibot.bot.suggest_help(unknown_parameters=[arg])
            return 2
    if boards:
        options["board"] = boards
    setup_logging()
    return run_script(lambda: WatchBot(**options).run())


if __name__ == "__main__":
    raise SystemExit(main())
