#!/usr/bin/env python3
"""Forget on time: enforce the retention period and drop what the wikis hid.

Deletes stored events older than the configured ``retention_days``, and for every
stored report whose revision was since revision-deleted, suppressed or deleted on the
wiki, drops everything derived from its text (triage labels, targets, fingerprint,
heading).  The private pages are redrawn by the next watch cycle.

Usage::

    pwb purge_state [-deployment:PATH]

Options:

-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pywikibot

from bot.scripting import parse_options, run_script


def main(*args: str) -> int:
    """Parse options and purge."""
    options = parse_options(args)
    if options is None:
        return 2
    path = options.get("deployment")

    def work() -> int:
        from bot.config import load_config
        from bot.store import Store
        from bot.watcher import BoardFetcher

        config = load_config(path)
        store = Store(config.state_url)
        hidden: list[tuple[str, int]] = []
        for wiki in config.wikis.values():
            revids = sorted({e.revid for e in store.events(wiki=wiki.name)
                             if e.kind == "thread-opened" and e.heading}
                            | {h.revid for h in store.history(wiki=wiki.name)
                               if h.revid and h.heading})
            if revids:
                fetcher = BoardFetcher(pywikibot.Site(wiki.code, wiki.family))
                hidden += [(wiki.name, r) for r in sorted(fetcher.hidden(revids))]
        cutoff = datetime.now(timezone.utc) - timedelta(days=config.retention_days)
        if pywikibot.config.simulate:
            pywikibot.stdout(f"would forget events before {cutoff:%Y-%m-%d} and scrub "
                             f"{len(hidden)} report(s) from hidden revisions")
            return 0
        deleted, scrubbed = store.purge(older_than=cutoff, hidden_revids=hidden)
        pywikibot.stdout(f"forgot {deleted} event(s) older than {config.retention_days} "
                         f"days; scrubbed {scrubbed} report(s) from hidden revisions")
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
