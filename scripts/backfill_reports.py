#!/usr/bin/env python3
"""Build reporter history from a board and its archives.

Reads every thread on the board (and, with -archives, on its archive pages),
finds the revision that opened each report in the board's history (the reporter is
whoever saved it, whatever the signature says), and works out how each ended from its
closure or, when the closure says nothing, from the block log.  The history feeds the
repeat-reporter detection of the watch job and stays in the state store (derived
labels only, never report text).  Resumable: pages already read are skipped unless
they changed; an interrupted run carries on where it stopped.

Usage::

    pwb backfill_reports -board:NAME [-archives] [-since:YYYY-MM-DD]
                         [-deployment:PATH] [-simulate]

Options:

-board:NAME       The board, as named in the configuration (repeatable; default: all).
-archives         Also read the board's archive pages (titles starting with the
                  board's "archives" prefix, by default "<board>/Archiv").
-since:DATE       Only reports opened on or after DATE (and only archive pages
                  edited since then).  Default: the start of the retention period
                  (retention_days in the configuration); older history would be
                  purged anyway.
-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).

With -simulate nothing is stored; the counts are still printed.  The global
Pywikibot options are accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pywikibot

from bot.errors import ConfigError
from bot.scripting import Progress, parse_options, run_script


def main(*args: str) -> int:
    """Parse options and backfill."""
    options = parse_options(args, values=("since",), flags=("archives",), repeated=("board",))
    if options is None:
        return 2
    path, boards, since = options.get("deployment"), options["board"], options.get("since")
    archives = options.get("archives", False)

    def work() -> int:
        from bot.backfill import backfill_board
        from bot.config import load_config
        from bot.cycle import trusted_lookup
        from bot.store import Store
        from bot.watcher import BoardFetcher

        start = None
        if since:
            try:
                start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            except ValueError:
                raise ConfigError(f"-since:{since}: expected a date as YYYY-MM-DD") from None
        config = load_config(path)
        config.apply_to_pywikibot()
        if start is None:
            start = datetime.now(timezone.utc) - timedelta(days=config.retention_days)
        store = Store(config.state_url)
        selected = [config.board(n) for n in boards] if boards else list(config.boards)
        simulate = bool(pywikibot.config.simulate)
        for board in selected:
            wiki = config.wikis[board.wiki]
            site = pywikibot.Site(wiki.code, wiki.family)
            fetcher = BoardFetcher(site)
            trusted = trusted_lookup(config, {wiki.name: site})
            bar = Progress(f"{wiki.name} {board.name}")
            with store.job_lock(f"backfill-{board.wiki}-{board.name}"):
                done = backfill_board(
                    fetcher, board, store, trusted=trusted, archives=archives, since=start,
                    simulate=simulate,
                    progress=lambda i, n, title, r: bar.update(i, n, f"{r.reports} reports"))
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(done.outcomes.items())) or "none"
            pywikibot.stdout(
                f"{wiki.name} {board.name}: {done.read} page(s) read, {done.skipped} "
                f"skipped (unchanged or older); {done.reports} report(s), {done.new} new, "
                f"{done.attributed} attributed to the revision that opened them; "
                f"outcomes: {outcomes}; {done.requests} request(s) in {done.seconds:.1f} s"
                + (" [simulated: nothing stored]" if simulate else ""))
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
