"""Benchmark for bot/triage: suggestion quality and throughput against a keyword baseline.

Run: /work/main/.venv/bin/python benchmarks/bench_triage.py
     [--only dev|dev-untrained|dev-plain|heldout]
     [--reports N] [--misses]

1. Per-category precision, recall and F1 on each split: "dev" (the development files the
   learned model is trained on), "dev-untrained" (the long multi-reply threads kept out of
   its training, see bot/triage/learned.py), "dev-plain" (short, plain reports, also kept
   out of it) and "heldout" (every heldout*.yaml, never tuned on); each file also on its
   own (a category counts as predicted when its score is 0.5 or more).  Macro-F1 over the
   categories present, recall of the emergency categories (threat-of-violence, self-harm),
   and the most frequent confusions (a missed label next to what was suggested
   instead).  The same figures for a naive baseline: one keyword list per category,
   substring matching, "no 'diff' in the text" for needs-evidence.  --misses lists the
   development splits' wrong cases.
2. Throughput in reports per second for both, on N reports cycled from the corpora
   (default 5000), measured in this run.
The summary is the last line.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.triage import EMERGENCY, suggest  # noqa: E402
from bot.triage.learned import PLAIN_FILES, TRAINING_FILES, UNTRAINED_FILES  # noqa: E402

DATA = REPO / "tests" / "data" / "triage"
# A split is the union of its files; each file is also reported alone.
# The development files are the ones the learned model is trained on, and the long threads
# and short plain reports kept out of its training (a test checks that together they are
# every dev*.yaml); the held-out split is every heldout*.yaml.
SPLITS = {"dev": TRAINING_FILES, "dev-untrained": UNTRAINED_FILES, "dev-plain": PLAIN_FILES,
          "heldout": tuple(sorted(p.stem for p in DATA.glob("heldout*.yaml")))}
SEPARATE = tuple(name for names in SPLITS.values() for name in names if name not in SPLITS)

# The naive baseline: what a first attempt with a keyword list looks like.
NAIVE = {
    "threat-of-violence": ("kill", "threat", "hurt", "shoot", "bomb", "umbring", "droh"),
    "self-harm": ("suicide", "kill myself", "end my life", "selbstmord", "suizid"),
    "doxxing": ("address", "phone", "real name", "dox", "klarname", "adresse"),
    "off-wiki-harassment": ("twitter", "facebook", "email", "e-mail", "reddit", "discord", "mail"),
    "image-based-abuse": ("photo", "image", "picture", "file:", "bild", "foto"),
    "sexual-harassment": ("sexual", "sexy", "body", "sexuell"),
    "legal-threat": ("sue", "lawyer", "legal", "court", "anwalt", "klage"),
    "hate-or-discrimination": ("racist", "slur", "homophobic", "antisemit", "rassis"),
    "hounding": ("follow", "hound", "stalk", "verfolg"),
    "personal-attack": ("idiot", "moron", "stupid", "insult", "called me", "beleidig"),
    "impersonation": ("impersonat", "pretend", "fake"),
    "sockpuppetry": ("sock", "multiple accounts", "evasion"),
    "content-dispute": ("source", "revert", "pov", "content", "quelle"),
}


def naive_suggest(text: str) -> set[str]:
    t = text.lower()
    found = {cat for cat, words in NAIVE.items() if any(w in t for w in words)}
    if "diff" not in t:
        found.add("needs-evidence")
    return found


def engine_suggest(text: str, lang: str) -> set[str]:
    return {s.category for s in suggest(text, lang=lang) if s.suggested}


def load(name: str) -> list[dict]:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]


def evaluate(cases: list[dict], predict) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    confusion: Counter = Counter()
    misses = []
    for case in cases:
        gold, got = set(case["labels"]), predict(case)
        for c in got & gold:
            tp[c] += 1
        for c in got - gold:
            fp[c] += 1
        for c in gold - got:
            fn[c] += 1
            for other in (got - gold) or {"(nothing)"}:
                confusion[(c, other)] += 1
        if got != gold:
            misses.append((case["id"], sorted(gold - got), sorted(got - gold)))
    cats = sorted(set(tp) | set(fp) | set(fn))
    rows = {}
    for c in cats:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else (1.0 if not fn[c] else 0.0)
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows[c] = (p, r, f, tp[c] + fn[c])
    present = [c for c in cats if rows[c][3]]
    macro = sum(rows[c][2] for c in present) / len(present) if present else 0.0
    em_tp = sum(tp[c] for c in EMERGENCY)
    em_all = sum(tp[c] + fn[c] for c in EMERGENCY)
    exact = sum(1 for c in cases if predict(c) == set(c["labels"]))
    return {"rows": rows, "macro": macro, "em": (em_tp, em_all), "confusion": confusion,
            "misses": misses, "exact": exact, "n": len(cases)}


def report(name: str, result: dict, base: dict, show_misses: bool) -> None:
    print(f"\n== {name}: {result['n']} reports; exact label sets {result['exact']}"
          f" (baseline {base['exact']})")
    print(f"{'category':24} {'P':>5} {'R':>5} {'F1':>5} {'n':>3}   baseline P/R/F1")
    for c, (p, r, f, n) in result["rows"].items():
        bp, br, bf, _ = base["rows"].get(c, (0.0, 0.0, 0.0, n))
        print(f"{c:24} {p:5.2f} {r:5.2f} {f:5.2f} {n:3}   {bp:.2f}/{br:.2f}/{bf:.2f}")
    print(f"macro-F1 {result['macro']:.3f} (baseline {base['macro']:.3f}); emergency recall "
          f"{result['em'][0]}/{result['em'][1]} (baseline {base['em'][0]}/{base['em'][1]})")
    top = result["confusion"].most_common(6)
    if top:
        print("confusions (missed label -> suggested instead): "
              + "; ".join(f"{a} -> {b} x{n}" for (a, b), n in top))
    if show_misses:
        for case_id, missed, extra in result["misses"]:
            print(f"  {case_id}: missed {missed} extra {extra}")


def throughput(texts: list[tuple[str, str]], n: int) -> tuple[float, float]:
    batch = [texts[i % len(texts)] for i in range(n)]
    for text, lang in texts:  # warm the rule cache
        suggest(text, lang=lang)
    start = time.perf_counter()
    for text, lang in batch:
        suggest(text, lang=lang)
    engine = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for text, _ in batch:
        naive_suggest(text)
    naive = n / (time.perf_counter() - start)
    return engine, naive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=tuple(SPLITS))
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--misses", action="store_true", help="list every wrong case")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"Python {platform.python_version()}")
    splits = [args.only] if args.only else list(SPLITS)
    results = {}
    all_texts = []
    for name in splits:
        files = {f: load(f) for f in SPLITS[name]}
        cases = [c for f in SPLITS[name] for c in files[f]]
        all_texts += [(c["text"], c["lang"]) for c in cases]
        ours = evaluate(cases, lambda c: engine_suggest(c["text"], c["lang"]))
        base = evaluate(cases, lambda c: naive_suggest(c["text"]))
        results[name] = (ours, base)
        # Held-out misses are never listed: tuning must not see them.
        report(f"{name} ({' + '.join(f + '.yaml' for f in SPLITS[name])})", ours, base,
               args.misses and name.startswith("dev"))
        for f in SPLITS[name]:
            if f in SEPARATE:  # misses are listed once, in the split above
                f_ours = evaluate(files[f], lambda c: engine_suggest(c["text"], c["lang"]))
                f_base = evaluate(files[f], lambda c: naive_suggest(c["text"]))
                results[f] = (f_ours, f_base)
                report(f"{f}.yaml alone", f_ours, f_base, False)
    engine, naive = throughput(all_texts, args.reports)
    print(f"\nthroughput: {engine:,.0f} reports/s (baseline {naive:,.0f} reports/s, "
          f"ratio {engine / naive:.3f})")
    parts = []
    for name, (ours, base) in results.items():
        parts.append(f"{name} macro-F1 {ours['macro']:.2f} (baseline {base['macro']:.2f}), "
                     f"emergency recall {ours['em'][0]}/{ours['em'][1]}")
    print("SUMMARY triage: " + "; ".join(parts)
          + f"; {engine:,.0f} reports/s vs baseline {naive:,.0f}")


if __name__ == "__main__":
    main()
