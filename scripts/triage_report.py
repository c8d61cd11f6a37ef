#!/usr/bin/env python3
"""Suggest triage categories for one report, with evidence and a route.

For the functionary on duty: paste a report, point at a file, or name a thread on a
configured board, and read what the bot would suggest and why.  Suggestions only:
nothing is written to any wiki, and nothing is stored.

Usage::

    pwb triage_report -text:"..." [-language:en]
    pwb triage_report -file:PATH [-language:en]
    pwb triage_report -board:NAME -thread:"Heading" [-deployment:PATH]

Options:

-text:TEXT        The report's text.
-file:PATH        Read the report's text from a file ("-" for standard input).
-board:NAME       A configured board; with -thread, triage that thread as it stands.
-thread:HEADING   The thread's heading (plain text, as shown on the page).
-language:CODE    Rules to use for -text/-file (default en; a board uses its preset's).
-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).
"""

from __future__ import annotations

import sys

import pywikibot

from bot.scripting import run_script, split_option


def main(*args: str) -> int:
    """Parse options and print the suggestions."""
    options: dict[str, str] = {"language": "en"}
    for arg in pywikibot.handle_args(args):
        name, value = split_option(arg)
        if name in ("text", "file", "board", "thread", "language", "deployment"):
            options[name] = value
        else:
            pywikibot.bot.suggest_help(unknown_parameters=[arg])
            return 2
    if not any(k in options for k in ("text", "file", "board")):
        pywikibot.bot.suggest_help(missing_parameters=["-text, -file or -board"])
        return 2

    def work() -> int:
        from bot.errors import ConfigError
        from bot.triage import suggest

        language = options["language"]
        if "board" in options:
            from bot.boards import load_preset
            from bot.config import load_config
            from bot.reports import report_text
            from bot.threads import parse_board
            from bot.watcher import BoardFetcher

            config = load_config(options.get("deployment"))
            board = config.board(options["board"])
            wiki = config.wikis[board.wiki]
            fetcher = BoardFetcher(pywikibot.Site(wiki.code, wiki.family))
            page = fetcher.texts([board.title]).get(board.title, "")
            wanted = options.get("thread", "")
            thread = next((t for t in parse_board(page, board.preset, board.layout)
                           if t.heading == wanted), None)
            if thread is None:
                raise ConfigError(f"no thread headed {wanted!r} on {board.title}")
            text = report_text(page, thread)
            language = load_preset(board.preset).language
        elif "file" in options:
            path = options["file"]
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        else:
            text = options["text"]
        suggestions = suggest(text, lang=language)
        shown = [s for s in suggestions if s.score > 0]
        if not shown:
            pywikibot.stdout("No category suggested.")
        for s in shown:
            mark = "suggested" if s.score >= 0.5 else "weak"
            pywikibot.stdout(f"{s.category}\t{s.score:.2f}\t{mark}\t{s.route}")
            for reason in s.evidence:
                pywikibot.stdout(f"\t- {reason}")
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
