"""Report-to-store latency: follow mode (event stream) versus polling every 10 s and 60 s.

Three followers run side by side in this process on the same local wiki, each with
its own SQLite store: one follows the local stream server (which replays the wiki's
recent changes as EventStreams does), two poll.  A user then adds signed comments to
a board of its own at random moments (exponential gaps, so edits fall at every phase
of the poll cycles); for each edit and each follower the time from the API's "saved"
to the event being in that follower's store is measured.  Same edits, same wiki, same
run: the ratios hold whatever the machine.  For edits at random moments a poller's
expected latency is half its interval plus a cycle; with a few dozen edits the
measured median of the 60 s poller still varies by several seconds between runs.
Read requests per hour depend on how busy the board is: a follower pays per edit, a
poller per interval.

    .venv/bin/python benchmarks/bench_follow.py [--edits 20] [--mean-gap 15] [--quick]

Follow-mode figures include the local stream server's own poll of the wiki
(``--stream-poll``, 0.5 s by default); Wikimedia's EventStreams has its own delay
of about a second, so figures on the real wikis will be of the same order.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.localwiki import LocalWikis  # noqa: E402
from bot.seeding import Seeder  # noqa: E402

BOARD_TITLE = "Project:Follow benchmark board"
REPORTER = "Careful Reporter"


def _comment(n: int) -> str:
    # A signature time of its own per comment: two comments by one user in the same
    # minute would be one comment to the diff.
    return (f"\n:Benchmark comment {n}. [[User:{REPORTER}|{REPORTER}]] "
            f"{10 + n // 60:02d}:{n % 60:02d}, 4 December 2026 (UTC)\n")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--mean-gap", type=float, default=15.0,
                        help="mean seconds between edits (exponential gaps)")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--stream-poll", type=float, default=0.5)
    parser.add_argument("--quick", action="store_true", help="4 edits, 6 s apart on average")
    args = parser.parse_args(argv)
    if args.quick:
        args.edits, args.mean_gap = 4, 6.0

    wikis = LocalWikis()
    wikis.start()
    os.environ.update(wikis.environment())

    from bot.config import Board, load_config
    from bot.follow import Follower
    from bot.store import Store
    from bot.streamserver import StreamServer

    admin = Seeder(wikis).session("public", "Admin", anonymous=False)
    reporter = Seeder(wikis).session("public", REPORTER, anonymous=False)
    # A fresh board each run: one thread that the comments go to.
    admin.call("POST", action="edit", title=BOARD_TITLE, token=admin.token,
               summary="benchmark board", text=(
                   "== Benchmark thread ==\nComments for the follow benchmark. "
                   "[[User:Admin|Admin]] 09:00, 4 December 2026 (UTC)\n"))
    config = load_config()
    wiki = config.wikis["localpub"]
    config = dataclasses.replace(config, wikis={"localpub": dataclasses.replace(
        wiki, backlog_page=None,
        boards=(Board(wiki="localpub", name="follow-bench", title=BOARD_TITLE),))})

    stored: dict[str, dict[int, float]] = {}
    modes = {"follow": dict(stream_url="", poll_interval=60.0, safety_interval=600.0),
             "poll 10 s": dict(stream_url=None, poll_interval=10.0),
             "poll 60 s": dict(stream_url=None, poll_interval=60.0)}
    stop = threading.Event()
    tmp = tempfile.TemporaryDirectory()
    server = StreamServer(api_url=wikis.api_url("public"),
                          poll_interval=args.stream_poll).start()
    modes["follow"]["stream_url"] = server.url
    followers, threads = {}, []
    started = time.monotonic()
    for mode, options in modes.items():
        seen = stored.setdefault(mode, {})
        store = Store(f"sqlite:///{tmp.name}/{mode.replace(' ', '')}.sqlite")
        follower = Follower(config, store, None, **options)
        followers[mode] = follower

        def record(report, trigger, seen=seen) -> None:
            now = time.monotonic()
            for event in report.events:
                seen.setdefault(event.revid, now)

        thread = threading.Thread(target=follower.run, name=mode, daemon=True, kwargs=dict(
            stop=stop, on_report=record,
            max_seconds=args.edits * args.mean_gap * 4 + 300))
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + 30
    while not followers["follow"].stream_live and time.monotonic() < deadline:
        time.sleep(0.1)
    if not followers["follow"].stream_live:
        raise SystemExit("the follower never connected to the local stream server")

    rng = random.Random(args.seed)
    saved: dict[int, float] = {}
    print(f"{args.edits} edits, mean gap {args.mean_gap:.0f} s; the three followers run "
          f"side by side", flush=True)
    for n in range(1, args.edits + 1):
        time.sleep(max(1.5, rng.expovariate(1 / args.mean_gap)))
        result = reporter.call("POST", action="edit", title=BOARD_TITLE,
                               appendtext=_comment(n), summary=f"benchmark comment {n}",
                               token=reporter.token)["edit"]
        saved[int(result["newrevid"])] = time.monotonic()
    # The slowest poller needs at most one interval (and a cycle) after the last edit.
    deadline = time.monotonic() + 60 + 60
    while time.monotonic() < deadline and not all(
            set(saved) <= set(stored[m]) for m in modes):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(30)
    server.stop()
    elapsed = time.monotonic() - started

    medians = {}
    for mode in modes:
        latencies = [stored[mode][r] - t for r, t in saved.items() if r in stored[mode]]
        missing = len(saved) - len(latencies)
        stats = followers[mode].stats
        medians[mode] = statistics.median(latencies) if latencies else float("nan")
        expected = (f" (random-phase expectation ~{modes[mode]['poll_interval'] / 2:.0f} s)"
                    if modes[mode]["stream_url"] is None else "")
        print(f"{mode:>10}: n={len(latencies)} median {medians[mode]:6.2f} s  "
              f"p90 {_percentile(latencies, 0.9) if latencies else float('nan'):6.2f} s  "
              f"max {max(latencies, default=float('nan')):6.2f} s  missing {missing}  | "
              f"{stats.cycles} cycles {dict(stats.by_reason)}, {stats.requests} read "
              f"requests ({stats.requests * 3600 / elapsed:.0f}/hour){expected}")
    print(f"stream server: polled the wiki {server.polls} times (every "
          f"{args.stream_poll} s; EventStreams replaces this on the real wikis)")
    follow = medians["follow"]
    print(f"RESULT report-to-store latency, median of {len(saved)} edits: follow "
          f"{follow:.2f} s; poll 10 s {medians['poll 10 s']:.2f} s "
          f"({medians['poll 10 s'] / follow:.1f}x follow); poll 60 s "
          f"{medians['poll 60 s']:.2f} s ({medians['poll 60 s'] / follow:.1f}x follow)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
