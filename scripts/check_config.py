#!/usr/bin/env python3
"""Validate a deployment configuration and print what would run.

Checks the file against its schema (one clear line naming the file, the key and what
is wrong), then that every board's preset exists, that private destinations point at
a wiki configured as private, and that mail recipients are listed.  With -online it
also asks each wiki whether the boards exist and checks that anonymous readers are
refused on the private wiki.

Usage::

    pwb check_config [-deployment:PATH] [-online]

Options:

-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the
                  demo configuration for the local wikis).
-online           Also check the wikis themselves (one read request per wiki).
"""

from __future__ import annotations

import pywikibot

from bot.boards import load_preset
from bot.config import load_config
from bot.errors import ConfigError, DataError
from bot.scripting import parse_options, run_script


def problems_of(config) -> list[str]:
    """What is wrong beyond the schema (presets, private destinations)."""
    found = []
    for board in config.boards:
        try:
            load_preset(board.preset)
        except DataError as exc:
            found.append(f"board {board.wiki}:{board.name}: {exc}")
    private = config.private
    if private is not None:
        wiki = config.wikis.get(private.wiki)
        if wiki is None:
            found.append(f"private.wiki: no wiki called {private.wiki!r} in wikis")
        elif not wiki.private:
            found.append(f"private.wiki: {private.wiki!r} is not marked private: true")
        if (private.urgent_page or private.triage_queue) and not private.emergency_recipients:
            found.append("private.emergency_recipients: empty, so nobody is mailed about "
                         "possible emergencies")
    return found


def main(*args: str) -> int:
    """Parse options, validate, print the plan."""
    options = parse_options(args, flags=("online",))
    if options is None:
        return 2
    path, online = options.get("deployment"), options.get("online", False)

    def work() -> int:
        config = load_config(path)
        out = pywikibot.stdout
        out(f"configuration: {config.path}")
        out(f"state store: {config.masked_state_url}")
        out(f"retention: {config.retention_days} days; trusted closers: "
            f"{', '.join(config.trusted_groups)}")
        for wiki in config.wikis.values():
            kind = "private" if wiki.private else "public"
            out(f"wiki {wiki.name} ({wiki.family}:{wiki.code}, {kind}); run page "
                f"{wiki.run_page or '(none)'}; backlog {wiki.backlog_page or '(none)'}")
            for board in wiki.boards:
                out(f"  board {board.name}: {board.title} [{board.preset}, {board.layout}]; "
                    f"archives {board.archive_prefix}…")
        if config.private:
            p = config.private
            out(f"private outputs on {p.wiki}: queue {p.triage_queue}, urgent {p.urgent_page}, "
                f"flags {p.flags_page}, drafts {p.drafts_page}, outcomes {p.outcomes_page}")
            out(f"  emergency mail to: {', '.join(p.emergency_recipients) or '(nobody)'}; "
                f"flag mail to: {', '.join(p.flag_recipients) or '(nobody)'}")
        problems = problems_of(config)
        if online:
            problems += _online_problems(config)
        for problem in problems:
            pywikibot.error(problem)
        if problems:
            raise ConfigError(f"{config.path}: {len(problems)} problem(s), listed above")
        out("configuration OK")
        return 0

    return run_script(work)


def _online_problems(config) -> list[str]:
    from bot.publish import anonymous_read_refused
    from bot.watcher import BoardFetcher

    found = []
    for wiki in config.wikis.values():
        site = pywikibot.Site(wiki.code, wiki.family)
        if wiki.private:
            site.login()  # a private wiki answers nothing before login
        if wiki.boards:
            latest = BoardFetcher(site).latest([b.title for b in wiki.boards])
            found += [f"board {wiki.name}:{b.name}: [[{b.title}]] does not exist"
                      for b in wiki.boards if latest.get(b.title) is None]
        if wiki.private:
            api_url = f"{site.protocol()}://{site.hostname()}{site.apipath()}"
            if not anonymous_read_refused(api_url):
                found.append(f"wiki {wiki.name}: marked private but anonymous readers "
                             f"can read it")
    return found


if __name__ == "__main__":
    raise SystemExit(main())
