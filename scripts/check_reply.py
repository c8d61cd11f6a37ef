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

from bot.scripting import parse_options, run_script


def main(*args: str) -> int:
    """Parse options and print the findings."""
    options = parse_options(args, values=("file", "page", "outcome", "audience"),
                            language=True, one_of=("file", "page"))
    if options is None:
        return 2
    language = options["lang"]

    def work() -> int:
        from bot.errors import UsageError, WikiError
        from bot.replies import check

        if "file" in options:
            path = options["file"]
            try:
                text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
            except UnicodeDecodeError:
                raise UsageError(f"{path}: not UTF-8 text") from None
            except OSError as exc:
                raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
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
