#!/usr/bin/env python3
"""Suggest triage categories for one report, with evidence and a route.

For the functionary on duty: point at a page (a thread on it), a file, or paste a
report, and read what the bot would suggest and why.  Suggestions only.  With -post
the report is also added to the private triage queue (and, if it looks like an
emergency, to the urgent list, with the emergency mail); without it nothing is
written or stored.

Usage::

    pwb triage_report -page:TITLE [-thread:HEADING] [-wiki:NAME] [-post]
    pwb triage_report -board:NAME [-thread:HEADING] [-post]
    pwb triage_report -file:PATH [-lang:xx] [-post]
    pwb triage_report -text:"..." [-lang:xx] [-post]

Options:

-page:TITLE       A page on a configured public wiki (a board, a talk page...).
-board:NAME       A configured board (the same as -page with its title).
-thread:HEADING   The thread to triage (plain text, as shown on the page).  Default:
                  the page's newest thread, or the whole page if it has none.
-wiki:NAME        The wiki of -page, as named in the configuration (needed only when
                  several public wikis are configured).
-file:PATH        Read the report's text from a file ("-" for standard input).
-text:TEXT        The report's text.
-lang:CODE        The rules' language for -file/-text (default en; a page uses its
                  board preset's language).  -language:CODE is the same.
-post             Add the report to the private triage queue and refresh the
                  private pages now.  Posting the same report again adds nothing.
-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).

The global Pywikibot options (-simulate, -user, ...) are accepted.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timezone

import pywikibot

from bot.scripting import parse_options, run_script


def _report_from_page(config, options: dict):
    """(text, thread or None, board-like source, wiki, latest revid) for -page/-board."""
    from bot.config import Board
    from bot.errors import ConfigError
    from bot.threads import parse_board
    from bot.watcher import BoardFetcher

    if "board" in options:
        board = config.board(options["board"])
    else:
        title = options["page"]
        public = [w for w in config.wikis.values() if not w.private]
        if "wiki" in options:
            public = [w for w in public if w.name == options["wiki"]]
        if len(public) != 1:
            names = ", ".join(w.name for w in config.wikis.values() if not w.private)
            raise ConfigError(f"-page: name the wiki with -wiki:NAME (public wikis: {names})")
        wiki = public[0]
        board = next((b for b in wiki.boards if b.title == title), None) or Board(
            wiki=wiki.name, name="page", title=title,
            preset=wiki.boards[0].preset if wiki.boards else "enwiki")
    wiki = config.wikis[board.wiki]
    site = pywikibot.Site(wiki.code, wiki.family)
    found = BoardFetcher(site).contents([board.title])
    if board.title not in found:
        raise ConfigError(f"[[{board.title}]] does not exist on {wiki.name} (or is hidden)")
    revid, _, page = found[board.title]
    threads = parse_board(page, board.preset, board.layout)
    wanted = options.get("thread")
    if wanted is not None:
        thread = next((t for t in threads if t.heading == wanted), None)
        if thread is None:
            raise ConfigError(f"no thread headed {wanted!r} on {board.title}")
    else:
        thread = threads[-1] if threads else None
    return page, thread, board, site, revid


def main(*args: str) -> int:
    """Parse options and print the suggestions."""
    options = parse_options(args, values=("text", "file", "board", "page", "thread", "wiki",
                                          "language"),
                            flags=("post",), language=True,
                            one_of=("page", "board", "file", "text"))
    if options is None:
        return 2
    language = options["lang"] or options.get("language")

    def work() -> int:
        from bot.boards import load_preset
        from bot.config import load_config
        from bot.events import Event
        from bot.reports import analyse_report, report_text
        from bot.triage import is_emergency, suggest

        config = load_config(options.get("deployment"))
        now = datetime.now(timezone.utc)
        if "board" in options or "page" in options:
            page, thread, board, site, revid = _report_from_page(config, options)
            lang = load_preset(board.preset).language
            text = report_text(page, thread) if thread else page
            heading = thread.heading if thread else board.title
            facts = analyse_report(page, thread, preset=board.preset, reporter=None) \
                if thread else None
            first = thread.comments[0] if thread and thread.comments else None
            event = Event(
                wiki=board.wiki, board=board.title, kind="thread-opened", revid=revid,
                rev_time=(thread.opened if thread and thread.opened else now), user=None,
                thread_key=thread.key if thread and thread.key else _text_key(text),
                heading=heading, author=first.author if first else None,
                comment_time=first.timestamp if first else None, uncertain=True)
        else:
            site, facts = None, None
            lang = language or "en"
            if "file" in options:
                path = options["file"]
                text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
                heading = f"Report from {'standard input' if path == '-' else path}"
            else:
                text = options["text"]
                heading = "Report pasted by a functionary"
            event = Event(wiki="manual", board="posted by hand", kind="thread-opened",
                          revid=0, rev_time=now, user=None, thread_key=_text_key(text),
                          heading=heading, uncertain=True)
        suggestions = suggest(text, lang=lang)
        shown = [s for s in suggestions if s.score > 0]
        pywikibot.stdout(f"Report: {event.heading}" + (f" ({event.board})" if site else ""))
        if not shown:
            pywikibot.stdout("No category suggested.")
        for s in shown:
            mark = "suggested" if s.score >= 0.5 else "weak"
            pywikibot.stdout(f"{s.category}\t{s.score:.2f}\t{mark}\t{s.route}")
            for reason in s.evidence:
                pywikibot.stdout(f"\t- {reason}")
        if "post" in options:
            from dataclasses import replace

            from bot.reports import MAX_CATEGORIES

            categories = tuple((s.category, round(float(s.score), 3))
                               for s in suggestions[:MAX_CATEGORIES] if s.score > 0)
            event = replace(event, categories=categories, emergency=is_emergency(suggestions),
                            targets=facts.targets if facts else (),
                            fingerprint=facts.fingerprint if facts else None)
            post(config, event, site)
        return 0

    return run_script(work)


def _text_key(text: str) -> str:
    return "text:" + hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:16]


def post(config, event, site) -> None:
    """Store the report and refresh the private pages now (emergency mail included)."""
    from bot.cycle import report_url, trusted_lookup
    from bot.errors import ConfigError
    from bot.functionaries import publish_private
    from bot.publish import Publisher
    from bot.scripting import NoticeboardBot
    from bot.store import Store

    if config.private is None or not config.private.triage_queue:
        raise ConfigError(f"{config.path}: private.triage_queue is not configured")
    if pywikibot.config.simulate:
        pywikibot.stdout("would add the report to the private triage queue [simulated]")
        return
    store = Store(config.state_url)
    # Every public wiki: the private pages are redrawn whole, closers' trust included.
    sites = {w.name: pywikibot.Site(w.code, w.family)
             for w in config.wikis.values() if not w.private}
    publisher = Publisher(config, NoticeboardBot(always=True))
    # The watcher redraws the same pages and sends the same mail: take turns with it.
    with store.job_lock("watch", wait=120):
        new = store.record_events([event])
        done = publish_private(config, store, publisher,
                               url_of=lambda e: report_url(sites, config, e),
                               trusted=trusted_lookup(config, sites))
        if not done.failures:
            store.mark_fresh("private")
        store.mark_reported([event])
    pywikibot.stdout(("added to" if new else "already on") + " the private triage queue"
                     + (f"; {done.mails} emergency mail(s) sent" if done.mails else "")
                     + (f"; not saved, tried again next cycle: {done.failures[0]}"
                        if done.failures else ""))


if __name__ == "__main__":
    raise SystemExit(main())
