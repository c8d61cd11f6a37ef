#!/usr/bin/env python3
"""Check a reply to a reporter or a subject against the handbook's rules.

Prints one line per finding (severity, code, what to change, where); the exit status
is 1 when there is an error, so it can gate a script.

Usage::

    pwb check_reply -file:PATH [-lang:xx] [-outcome:OUTCOME] [-audience:WHO]
    pwb check_reply -page:TITLE [-lang:xx] [-outcome:OUTCOME]

Options:

-file:PATH        Read the reply from a file ("-" for standard input).
-page:TITLE       Read the reply from a wiki page (the drafts page, say).
-lang:xx          Language of the reply (default en).
-outcome:OUTCOME  The case's outcome, for rules that depend on it.
-audience:WHO     reporter (default) or subject.
"""

from __future__ import annotations

import sys

import pywikibot

from bot.scripting import run_script, split_option, take_language


def main(*args: str) -> int:
    """Parse options and print the findings."""
    language, rest = take_language(args)
    options: dict[str, str] = {}
    for arg in pywikibot.handle_args(rest):
        name, value = split_option(arg)
        if name in ("file", "page", "outcome", "audience"):
            options[name] = value
        else:
            pywikibot.bot.suggest_help(unknown_parameters=[arg])
            return 2
    if "file" not in options and "page" not in options:
        pywikibot.bot.suggest_help(missing_parameters=["-file or -page"])
        return 2

    def work() -> int:
        from bot.errors import WikiError
        from bot.replies import check

        if "file" in options:
            path = options["file"]
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        else:
            page = pywikibot.Page(pywikibot.Site(), options["page"])
            if not page.exists():
                raise WikiError(f"[[{options['page']}]] does not exist")
            text = page.text
        findings = check(text, lang=language or "en", outcome=options.get("outcome"),
                         audience=options.get("audience"))
        for f in findings:
            where = f" at {f.start}-{f.end}" if f.start is not None else ""
            pywikibot.stdout(f"[{f.severity}] {f.code}{where}: {f.message}")
        errors = sum(f.severity == "error" for f in findings)
        pywikibot.stdout(f"{len(findings)} finding(s), {errors} error(s)")
        return 1 if errors else 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
