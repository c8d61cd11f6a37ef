#!/usr/bin/env python3
"""Set or correct how a report ended, as a functionary.

The bot reads outcomes from closures and the block log; when it reads one wrongly
(or a thread ended without a closure), a functionary's word replaces it.  The same
can be done on the private wiki with ``{{Noticeboard helper outcome|report=ID|outcome=X}}``
on the configured outcomes page.  Outcomes set this way always count in reporter
history.  Report ids are shown on the private triage queue and by -list.

Usage::

    pwb report_outcome -report:ID -outcome:OUTCOME [-deployment:PATH]
    pwb report_outcome -list [-deployment:PATH]

Options:

-report:ID        The report's id (ten hexadecimal characters).
-outcome:OUTCOME  actioned, no-action, unfounded, boomerang, withdrawn, duplicate or
                  unknown (unknown takes the report out of the history's counts).
-list             Print every known report: id, wiki, board, reporter, outcome.
-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).

The private pages are redrawn on the watcher's next cycle.  With -simulate nothing
is stored.
"""

from __future__ import annotations

import re

import pywikibot

from bot.errors import ConfigError
from bot.scripting import parse_options, run_script


def main(*args: str) -> int:
    """Parse options and set the outcome."""
    options = parse_options(args, values=("report", "outcome"), flags=("list",))
    if options is None:
        return 2
    path, listing = options.get("deployment"), options.get("list", False)
    rid = options["report"].strip().lower() if "report" in options else None
    outcome = options["outcome"].strip().lower() if "outcome" in options else None
    if not listing and (rid is None or outcome is None):
        pywikibot.bot.suggest_help(missing_parameters=[p for p, v in (
            ("-report", rid), ("-outcome", outcome)) if v is None])
        return 2

    def work() -> int:
        from bot.config import load_config
        from bot.functionaries import report_rows
        from bot.history import report_id
        from bot.reporters import OUTCOMES
        from bot.store import Store

        store = Store(load_config(path).state_url)
        known: dict[str, tuple[str, str, str, str]] = {}
        for entry in store.history():
            known[report_id(entry.key)] = (entry.wiki, entry.board, entry.reporter or "?",
                                           entry.outcome or "unknown")
        for row in report_rows(store.events()):
            known[row.id] = (row.opened.wiki, row.opened.board, row.opened.user or "?",
                             (row.closed.outcome if row.closed else None) or "unknown")
        overrides = store.outcomes_set()
        if listing:
            for key, (wiki, board, reporter, read) in known.items():
                set_to = overrides.get(key)
                shown = f"{set_to[0]} (set by a functionary; read as {read})" if set_to else read
                pywikibot.stdout(f"{key}\t{wiki}\t{board}\t{reporter}\t{shown}")
            return 0
        if not re.fullmatch(r"[0-9a-f]{10}", rid):
            raise ConfigError(f"-report:{rid}: a report id is ten hexadecimal characters "
                              f"(see -list or the private triage queue)")
        if outcome not in OUTCOMES:
            raise ConfigError(f"-outcome:{outcome}: expected one of {', '.join(OUTCOMES)}")
        if rid not in known:
            raise ConfigError(f"no report with id {rid} in the state store (see -list)")
        if pywikibot.config.simulate:
            pywikibot.stdout(f"would set report {rid} to {outcome} [simulated]")
            return 0
        changed = store.set_outcome(rid, outcome, source="script")
        pywikibot.stdout(f"report {rid} ({known[rid][0]} {known[rid][1]}, reporter "
                         f"{known[rid][2]}): outcome {outcome}"
                         + ("" if changed else " (unchanged)"))
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
