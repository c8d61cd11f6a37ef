"""Benchmark for bot/reporters.py: outcome accuracy and detection throughput.

Run: /work/main/.venv/bin/python benchmarks/bench_reporters.py [--records N]

1. Outcome classification accuracy on tests/data/reporters/{dev,heldout}.yaml against a
   naive keyword baseline ("blocked" -> action, ...), plus the count of harmful errors
   (a close that did not judge the reporter read as unfounded or boomerang).
2. Complaint fingerprints per second.
3. find_repeat_reporters on synthetic histories (default 100k records) against a naive
   baseline that finds each reporter's records by scanning the whole list (O(n x
   reporters)); both run at the smaller sizes and must agree, the naive one is
   extrapolated quadratically to the full size.
The summary is the last line.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import reporters  # noqa: E402
from bot.reporters import (  # noqa: E402
    ReportRecord, classify_outcome, complaint_fingerprint, default_policy,
    find_repeat_reporters, reporter_id,
)

DATA = REPO / "tests" / "data" / "reporters"
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def naive_outcome(text: str, lang: str) -> str:
    """A keyword baseline: the first keyword found decides."""
    t = text.lower()
    for words, outcome in (
            (("boomerang", "bumerang"), "boomerang"),
            (("blocked", "banned", "gesperrt"), "actioned"),
            (("withdrawn", "zurückgezogen"), "withdrawn"),
            (("frivolous", "unfounded", "unbegründet"), "unfounded"),
            (("no action", "keine"), "no-action")):
        if any(w in t for w in words):
            return outcome
    return "unknown"


def accuracy(cases, classify) -> tuple[float, int]:
    right = harmful = 0
    for case in cases:
        got = classify(case["text"], case["lang"])
        right += got == case["expected"]
        harmful += (case["expected"] in ("actioned", "no-action", "withdrawn", "unknown")
                    and got in ("unfounded", "boomerang"))
    return right / len(cases), harmful


WORDS = ("article talk page revert source edit war editor harassment follow every change "
         "remove content personal attack diff warning block admin discussion consensus "
         "please stop reverted again insult wrong citation policy neutral biased").split()


def synthetic(n: int, seed: int = 7) -> list[ReportRecord]:
    """Histories with a heavy tail of prolific reporters, mixed outcomes and complaints."""
    rng = random.Random(seed)
    n_reporters = max(50, n // 5)
    weights = [1 / (i + 1) ** 0.9 for i in range(n_reporters)]
    names = [f"Reporter {i}" if i % 10 else f"192.0.{i // 250 % 256}.{i % 250}"
             for i in range(n_reporters)]
    who = rng.choices(range(n_reporters), weights, k=n)
    outcomes = ("actioned", "no-action", "unfounded", "boomerang", "withdrawn", "unknown")
    outcome_weights = (45, 25, 8, 2, 5, 15)
    # A pool of complaints, some re-posted with small edits (forum shopping).
    pool = []
    for _ in range(400):
        words = [rng.choice(WORDS) for _ in range(rng.randint(15, 60))]
        pool.append(complaint_fingerprint(" ".join(words)))
    boards = ("ANI", "AN", "AIV", "Harassment", "RFPP")
    records = []
    for i, r in enumerate(who):
        opened = NOW - timedelta(minutes=rng.randint(0, 400 * 24 * 60))
        records.append(ReportRecord(
            wiki=rng.choice(("enwiki", "enwiki", "dewiki")), board=rng.choice(boards),
            thread_key=f"k{i}", reporter=names[r],
            targets=(f"Target {rng.randint(0, n // 3)}",) if rng.random() < 0.8
            else (f"Target {r % 7}",),
            opened=opened, outcome=rng.choices(outcomes, outcome_weights)[0],
            complaint_hash=rng.choice(pool) if rng.random() < 0.3 else None,
            closer_trusted=rng.random() < 0.95))
        if records[-1].complaint_hash and rng.random() < 0.05:
            # the same complaint again on another board a few hours later
            first = records[-1]
            records.append(ReportRecord(
                wiki=first.wiki, board=rng.choice([b for b in boards if b != first.board]),
                thread_key=f"k{i}r", reporter=first.reporter, targets=first.targets,
                opened=first.opened + timedelta(hours=rng.uniform(0.5, 30)),
                outcome=rng.choice(("unknown", "no-action")),
                complaint_hash=first.complaint_hash))
    return records


def naive_find(records, policy, now):
    """Baseline: find each reporter's records by scanning the whole list."""
    seen, flags = set(), []
    for record in records:
        who = reporter_id(record.reporter)
        if who in seen:
            continue
        seen.add(who)
        mine = {}
        for other in records:  # the quadratic part
            if reporter_id(other.reporter) == who and other.opened <= now:
                mine[other.key] = other
        if len(mine) >= 2:
            flag = reporters._detect(who, list(mine.values()), policy, now)
            if flag is not None:
                flags.append(flag)
    return sorted(flags, key=lambda f: (-f.score, f.reporter))


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--naive-sizes", default="2000,5000")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"python {platform.python_version()} {platform.system()}")

    figures = {}
    for name in ("dev", "heldout"):
        cases = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["outcomes"]
        ours, ours_harm = accuracy(cases, lambda t, lang: classify_outcome(t, lang=lang))
        base, base_harm = accuracy(cases, naive_outcome)
        figures[name] = (ours, base)
        print(f"outcomes {name:8s} n={len(cases):3d}  rules {ours:6.1%} (harmful {ours_harm})"
              f"  keyword baseline {base:6.1%} (harmful {base_harm})")

    texts = [" ".join(random.Random(i).choices(WORDS, k=80)) for i in range(2000)]
    _, took = timed(lambda: [complaint_fingerprint(t) for t in texts])
    print(f"fingerprints: {len(texts) / took:,.0f} complaints/s (80 words each)")

    policy = default_policy()
    ratio_at, ratio = 0, 0.0
    naive_fit = None
    for size in [int(s) for s in args.naive_sizes.split(",") if s]:
        records = synthetic(size)
        fast, t_fast = timed(find_repeat_reporters, records, policy, now=NOW)
        slow, t_slow = timed(naive_find, records, policy, now=NOW)
        same = [(f.reporter, f.evidence_key) for f in fast] == \
               [(f.reporter, f.evidence_key) for f in slow]
        print(f"detect n={size:7d}: ours {t_fast:7.3f}s  naive {t_slow:7.3f}s  "
              f"x{t_slow / t_fast:6.1f}  same flags: {same}  flags: {len(fast)}")
        if not same:
            raise SystemExit("the naive baseline and find_repeat_reporters disagree")
        ratio_at, ratio = size, t_slow / t_fast
        naive_fit = t_slow / size ** 2
    records = synthetic(args.records)
    n_full = len(records)  # a few re-posted complaints come on top of --records
    flags, t_full = timed(find_repeat_reporters, records, policy, now=NOW)
    reasons = {}
    for flag in flags:
        for code in flag.codes:
            reasons[code] = reasons.get(code, 0) + 1
    reporters_n = len({reporter_id(r.reporter) for r in records})
    print(f"detect n={n_full:7d}: ours {t_full:7.3f}s ({n_full / t_full:,.0f} "
          f"records/s, {reporters_n} reporters, {len(flags)} flagged: {reasons})")
    extrapolated = naive_fit * n_full ** 2 if naive_fit else float("nan")
    print(f"naive at n={n_full} (quadratic extrapolation): {extrapolated:,.0f}s "
          f"= x{extrapolated / t_full:,.0f}")
    print(f"SUMMARY outcomes dev {figures['dev'][0]:.1%} vs baseline {figures['dev'][1]:.1%}, "
          f"heldout {figures['heldout'][0]:.1%} vs baseline {figures['heldout'][1]:.1%}; "
          f"find_repeat_reporters {n_full} records in {t_full:.2f}s "
          f"({n_full / t_full:,.0f}/s), x{ratio:.0f} faster than naive at n={ratio_at} "
          f"(~x{extrapolated / t_full:,.0f} extrapolated at full size)")


if __name__ == "__main__":
    main()
