"""Backfill cost against the local wiki: archive pages per second, API requests per page.

A board with PAGES archive pages of THREADS reports each is written once on the local
public wiki by real accounts (new-section edits signed with ~~~~, so every report can
be attributed from the board's history).  Then, in this run and on the same pages:

* ours: ``bot.backfill.backfill_board`` (batched texts, the board's history per batch,
  the block log only when a closure says nothing);
* naive: one request per archive page, and one history query per report around its
  signature to find who saved it (how one would write it first).

Both attribute every report; the summary (last line) gives pages/s and requests/page
for each and their ratios.

    .venv/bin/python benchmarks/bench_backfill.py [--pages 20] [--threads 15]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.localwiki import LocalWikis  # noqa: E402
from bot.seeding import Seeder, apply_seed  # noqa: E402

BOARD = "Project:Backfill bench board"
REPORTERS = ("Careful Reporter", "Page Patroller 9", "Mira Talvik")


def _text(session, title: str) -> str | None:
    pages = session.call("GET", action="query", prop="revisions", rvprop="content",
                         rvslots="main", titles=title)["query"]["pages"]
    revs = pages[0].get("revisions")
    return revs[0]["slots"]["main"]["content"] if revs else None


def build(wikis: LocalWikis, pages: int, threads: int) -> None:
    """Write the board's history and archives unless a run before did."""
    seeder = Seeder(wikis)
    admin = seeder.session("public", "Admin Ada", anonymous=False)
    last = f"{BOARD}/Archive {pages}"
    if _text(admin, last) is not None:
        return
    sessions = [seeder.session("public", name, anonymous=False) for name in REPORTERS]
    for p in range(1, pages + 1):
        title = f"{BOARD}/Archive {p}"
        if _text(admin, title) is not None:
            continue
        admin.call("POST", action="edit", title=BOARD, text="Reports go below.\n",
                   summary="reset", token=admin.token)
        for t in range(threads):
            who = sessions[(p + t) % len(sessions)]
            body = (f"[[User:Target {p}-{t}]] has been reverting my edits on [[Article {t}]] "
                    f"for a week and calling me names in edit summaries; see "
                    f"[[Special:Diff/{1000 + t}]] and [[Special:Diff/{2000 + t}]]. " * 3
                    + "~~~~")
            who.call("POST", action="edit", title=BOARD, section="new",
                     sectiontitle=f"Report {p}.{t} about Target {p}-{t}", text=body,
                     token=who.token)
        text = _text(admin, BOARD)
        threads_text = text[text.index("\n==") + 1:]
        closed = threads_text.replace("\n== ", "\n{{archive bottom}}\n== ")
        admin.call("POST", action="edit", title=title, token=admin.token,
                   text="{{Archive header}}\n" + closed + "\n{{archive bottom}}\n",
                   summary=f"Archiving {threads} discussions from [[{BOARD}]]")
    admin.call("POST", action="edit", title=BOARD, text="Reports go below.\n",
               summary="reset", token=admin.token)


def naive(fetcher, board, titles: list[str]) -> int:
    """Per page one text request; per report one history query: attributed count."""
    from bot.changes import threads_of
    from bot.history import BoardHistory

    attributed = 0
    for title in titles:
        _, _, text = fetcher.contents([title])[title]
        for thread in threads_of(text, board.preset, board.layout):
            first = thread.comments[0] if thread.comments else None
            if first is None or first.timestamp is None:
                continue
            revs = fetcher.history(board.title, first.timestamp,
                                   first.timestamp + timedelta(minutes=2))
            if BoardHistory(revs).signed_by(first.author, first.timestamp):
                attributed += 1
    return attributed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--threads", type=int, default=15)
    args = parser.parse_args()

    wikis = LocalWikis()
    wikis.start()
    apply_seed(wikis, phase="initial")
    os.environ.update(wikis.environment())
    started = time.monotonic()
    build(wikis, args.pages, args.threads)
    print(f"board written in {time.monotonic() - started:.0f} s (once; reused later)")

    import pywikibot

    from bot.backfill import archive_pages, backfill_board
    from bot.config import Board, load_config
    from bot.cycle import trusted_lookup
    from bot.store import Store
    from bot.watcher import BoardFetcher

    config = load_config()
    site = pywikibot.Site("localpub", "localpub")
    board = Board(wiki="localpub", name="bench", title=BOARD)
    trusted = trusted_lookup(config, {"localpub": site})
    BoardFetcher(site).latest([BOARD])  # log in and read site info before timing

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.sqlite")
        fetcher = BoardFetcher(site)
        t0 = time.perf_counter()
        ours = backfill_board(fetcher, board, store, trusted=trusted, archives=True)
        ours_s = time.perf_counter() - t0

    listing = BoardFetcher(site)
    titles = [t for t in archive_pages(listing, board, archives=True, since=None)[0]
              if t != BOARD]
    fetcher = BoardFetcher(site)
    t0 = time.perf_counter()
    naive_attributed = naive(fetcher, board, titles)
    naive_s = time.perf_counter() - t0

    pages = ours.read - 1  # the (empty) board page itself is read too
    ours_rate, naive_rate = pages / ours_s, len(titles) / naive_s
    ours_req, naive_req = ours.requests / max(pages, 1), fetcher.requests / len(titles)
    print(f"ours : {pages} archive pages, {ours.reports} reports, {ours.attributed} attributed, "
          f"{ours.requests} requests, {ours_s:.2f} s")
    print(f"naive: {len(titles)} archive pages, {naive_attributed} attributed, "
          f"{fetcher.requests} requests, {naive_s:.2f} s")
    print(f"SUMMARY backfill: {ours_rate:.1f} archive pages/s ({ours_req:.2f} requests/page) vs "
          f"naive {naive_rate:.1f} pages/s ({naive_req:.1f} requests/page): "
          f"{ours_rate / naive_rate:.1f}x faster, {naive_req / ours_req:.1f}x fewer requests; "
          f"attributed {ours.attributed}/{ours.reports} vs {naive_attributed}")


if __name__ == "__main__":
    main()
