#!/usr/bin/env python3
"""List each configured noticeboard with its latest revision.

A first check that the wiring works: it reads the deployment configuration, asks
each wiki for the latest revision of all of its boards in one batched request, and
prints what it found.  It never edits.

Usage::

    pwb board_status [-deployment:PATH]

Options:

-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the
                  demo configuration for the local wikis).

The global Pywikibot options (-simulate, -lang, -family, -user, ...) are accepted.
"""

from __future__ import annotations

import pywikibot

from bot.config import load_config
from bot.scripting import parse_options, run_script
from bot.watcher import BoardFetcher


def main(*args: str) -> int:
    """Parse options and print the board table."""
    options = parse_options(args)
    if options is None:
        return 2
    config_path = options.get("deployment")

    def work() -> int:
        config = load_config(config_path)
        for wiki in config.wikis.values():
            if not wiki.boards:
                continue
            fetcher = BoardFetcher(pywikibot.Site(wiki.code, wiki.family))
            latest = fetcher.latest([b.title for b in wiki.boards])
            for board in wiki.boards:
                head = latest.get(board.title)
                state = (f"r{head[0]} at {head[1]:%Y-%m-%d %H:%M} UTC" if head
                         else "missing")
                pywikibot.stdout(f"{wiki.name}\t{board.name}\t{board.title}\t{state}")
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
