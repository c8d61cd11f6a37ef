"""API cost of a watch cycle against the local wiki, versus a naive re-read.

For 1, 10 and 50 boards: requests and response bytes of an idle cycle and of a cycle
after one board got one edit, next to a naive watcher that re-reads every board's
full text each cycle (batched, the cheapest naive way).  Both run in this process
against the same wiki, so the ratios hold whatever the machine's speed.

    .venv/bin/python benchmarks/bench_watch.py
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.localwiki import LocalWikis  # noqa: E402
from bot.seeding import Seeder, apply_seed  # noqa: E402

SIZES = (1, 10, 50)


def main() -> None:
    wikis = LocalWikis()
    wikis.start()
    apply_seed(wikis, phase="initial")
    os.environ.update(wikis.environment())

    import pywikibot
    from pywikibot.comms import http

    from bot.config import load_config
    from bot.cycle import run_cycle
    from bot.store import Store
    from bot.watcher import BoardFetcher

    received = {"bytes": 0}

    def count(response, *args, **kwargs):
        received["bytes"] += len(response.content)

    http.session.hooks["response"].append(count)

    config = load_config()
    wiki = config.wikis["localpub"]
    site = pywikibot.Site("localpub", "localpub")
    board_text = BoardFetcher(site).texts([wiki.boards[0].title])[wiki.boards[0].title]
    admin = Seeder(wikis).session("public", "Admin", anonymous=False)
    titles = [f"Project:Bench board {n}" for n in range(max(SIZES))]
    existing = BoardFetcher(site).latest(titles)
    for title in titles:
        if existing.get(title) is None:
            admin.call("POST", action="edit", title=title, text=board_text,
                       summary="benchmark board", token=admin.token)

    def measure(fn):
        before_bytes = received["bytes"]
        requests = fn()
        return requests, received["bytes"] - before_bytes

    rows = []
    for size in SIZES:
        boards = tuple(dataclasses.replace(wiki.boards[0], name=f"b{n}", title=titles[n])
                       for n in range(size))
        cfg = dataclasses.replace(config, wikis={"localpub": dataclasses.replace(
            wiki, boards=boards, backlog_page=None)})
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/bench.sqlite")
            run_cycle(cfg, store, None)
            idle = measure(lambda: run_cycle(cfg, store, None).requests)
            admin.call("POST", action="edit", title=titles[0], appendtext=(
                "\n:One more comment. [[User:Admin|Admin]] 12:00, 1 December 2026 (UTC)\n"),
                summary="benchmark edit", token=admin.token)
            one_edit = measure(lambda: run_cycle(cfg, store, None).requests)

        def naive() -> int:
            fetcher = BoardFetcher(site)
            fetcher.texts([b.title for b in boards])
            return fetcher.requests

        naive_cost = measure(naive)
        rows.append((size, idle, one_edit, naive_cost))
        print(f"{size:>3} boards: idle {idle[0]} req {idle[1]:>8} B | one edit {one_edit[0]} req "
              f"{one_edit[1]:>8} B | naive re-read {naive_cost[0]} req {naive_cost[1]:>9} B")
    size, idle, one_edit, naive_cost = rows[-1]
    print(f"RESULT watch cycle, {size} boards: idle {idle[0]} request(s) / {idle[1]} B, "
          f"one edit {one_edit[0]} / {one_edit[1]} B; naive re-read {naive_cost[0]} / "
          f"{naive_cost[1]} B; bytes naive/idle = {naive_cost[1] / max(idle[1], 1):.0f}x, "
          f"naive/one-edit = {naive_cost[1] / max(one_edit[1], 1):.1f}x")


if __name__ == "__main__":
    main()
