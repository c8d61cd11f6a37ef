"""Benchmark for bot/replies.py: per-code quality on the labelled corpus, and speed.

Run: /work/main/.venv/bin/python benchmarks/bench_replies.py [--repeat N]

1. Per-code precision and recall of ``check()`` on the dev split (dev.yaml and
   de_dev.yaml under tests/data/replies/, rules tuned on them) and the held-out split
   (heldout.yaml and de_heldout.yaml, not used for tuning), next to a naive keyword
   baseline measured on the same cases; good replies (no expected codes) that got a
   warning or error; the issue's targets on the held-out split (recall >= 0.9 and
   precision >= 0.85 for each code with five or more examples, no warning on a good
   reply); micro figures per language.  Only error and warning findings count; info
   findings are advice.
2. Throughput: ``check()`` against the keyword baseline over the corpus repeated
   ``--repeat`` times, in the same run; also the one-off cost of loading the rules.
3. The held-out hand-labelled sentences (five authors, mostly the three codes missed most;
   split sentences-heldout): the committed checker's per-code precision and recall.
The summary is the last line.  ``--sentences`` instead leaves one hand-labelled sentence
author (tests/data/replies/sentences/) out at a time and compares the model trained on
the others with one trained on the development replies alone.
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

from bot import replies  # noqa: E402

DATA = REPO / "tests" / "data" / "replies"

# The baseline a functionary might write in ten minutes: substrings per code, and
# "missing" checks by one keyword.  Same codes, same cases, same run.
NAIVE_KEYWORDS = {
    "disbelief-or-blame": ["fault", "blame", "overreact", "exaggerat", "schuld", "übertreib"],
    "threatens-or-discourages-victim": ["you will be blocked", "further reports", "drop it",
                                        "weitere meldungen", "gesperrt"],
    "suggests-contacting-harasser": ["talk to him", "contact him", "his talk page",
                                     "mit ihm", "diskussionsseite"],
    "personal-opinion-on-guilt": ["i think", "i believe", "in my opinion", "ich glaube",
                                  "meiner meinung"],
    "pushes-advocacy": ["social media", "press", "go public", "soziale medien", "presse"],
    "counselling-advice": ["therap", "breath", "meditat", "yoga", "counsel"],
    "legal-advice": ["sue", "lawyer", "legal", "court", "anwalt", "gericht", "anzeige"],
    "emotional-outcome": ["great news", "congratulations", "sorry", "gute nachricht",
                          "leider"],
    "shares-confidential-details": ["real name", "checkuser", "lives in", "@gmail",
                                    "wohnt"],
    "judgmental-to-subject": ["this time", "lucky", "diesmal", "glück"],
    "promises-outcome": ["promise", "will be banned", "verspreche"],
    "presumes-feelings": ["you feel", "you must be", "upset", "wie du dich fühlst"],
}
NAIVE_REQUIRED = {"no-support-resources": ("http", "reporter"),
                  "no-emergency-route": ("emergency", "reporter")}


def naive_check(text: str, audience: str) -> set[str]:
    """The keyword baseline: codes whose keyword occurs, or whose keyword is missing."""
    lower = text.lower()
    codes = {code for code, words in NAIVE_KEYWORDS.items() if any(w in lower for w in words)}
    codes |= {code for code, (word, who) in NAIVE_REQUIRED.items()
              if audience == who and word not in lower}
    if len(lower.split()) < 30:
        codes.add("too-terse")
    return codes


# Each split is read from several files: the first corpus, and German cases added later.
# heldout-b: 45 German replies by another author, written after the German rules and
# never seen by whoever tuned them; heldout-c: 70 replies (en, de) by a third author,
# likewise: the most honest figures here; heldout-d: 70 replies (en, de) by a fourth
# author, added after the checker generalised poorly to heldout-c; heldout-e: 70 replies
# (en, de) by a fifth, added with the reply model in place.  untuned-m and untuned-n:
# the thirteenth and fourteenth development authors (80 and 90 replies), whose cue
# classes were taken out after review; the rules and the model never learned from them,
# but their misses have been read, so they sit between the development and held-out
# files.  heldout-f and heldout-g: 80 and 70 replies (en, de) by two more held-out authors
# (session 24), each written beside a file whose misses the rules were then tuned on
# (dev-rules-only: dev_o, dev_q, then dev_r and dev_s of session 25; the model learns only
# their good replies, replies.RULES_ONLY_FILES).
# heldout-h: 70 replies (en, de) by a held-out author of session 25, written beside dev_r
# (also rules-only) with the same slant: replies that recount the conversation, the other
# party's words and the person's own questions.
# heldout-i: 73 replies (en, de) by a held-out author of session 27, written beside dev_t
# (rules-only) with the same slant: replies full of plain facts (platforms, the press, the
# other party's apology, the person's own police report or therapist, what the logs show).
# heldout-j: 72 replies (en, de) by a third held-out author of session 27, briefed with no
# slant, written while the rules were tuned on dev_t and first measured after that.
# heldout-k: 74 replies (en, de) by a fourth, briefed likewise, written after the session's
# last change to the checker.
SPLITS = {"dev": replies.TRAINING_FILES,  # what the reply model is trained on
          "heldout": ("heldout", "de_heldout"),
          "heldout-b": ("de_heldout_b",),
          "heldout-c": ("heldout_c",),
          "heldout-d": ("heldout_d",),
          "heldout-e": ("heldout_e",),
          "heldout-f": ("heldout_f",),
          "heldout-g": ("heldout_g",),
          "heldout-h": ("heldout_h",),
          "heldout-i": ("heldout_i",),
          "heldout-j": ("heldout_j",),
          "heldout-k": ("heldout_k",),
          "untuned-m": ("untuned_m",),
          "untuned-n": ("untuned_n",),
          "dev-rules-only": replies.RULES_ONLY_FILES}


def load(split: str) -> list[dict]:
    """All cases of one split (see SPLITS), in file order."""
    cases: list[dict] = []
    for name in SPLITS[split]:
        cases += yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]
    return cases


def ours(case: dict, model=None) -> set[str]:
    """The codes check() raises as warning or error (with *model*: that trained model
    instead of the committed one)."""
    findings = replies.check(case["text"], lang=case["lang"], outcome=case["outcome"],
                             audience=case["audience"], model=model)
    return {f.code for f in findings if f.severity in ("error", "warning")}


def scores(cases: list[dict], predict) -> tuple[dict[str, tuple[int, float, float]], int]:
    """Per code: (examples, precision, recall); and good replies that got any code."""
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    good_flagged = 0
    for case in cases:
        expected, got = set(case["expect"]), predict(case)
        for code in expected:
            support[code] += 1
        for code in got & expected:
            tp[code] += 1
        for code in got - expected:
            fp[code] += 1
        for code in expected - got:
            fn[code] += 1
        if not expected and got:
            good_flagged += 1
    table = {}
    for code in sorted(set(support) | set(fp)):
        precision = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else float("nan")
        recall = tp[code] / (tp[code] + fn[code]) if tp[code] + fn[code] else float("nan")
        table[code] = (support[code], precision, recall)
    return table, good_flagged


def micro(table_cases: list[dict], predict) -> tuple[float, float]:
    tp = fp = fn = 0
    for case in table_cases:
        expected, got = set(case["expect"]), predict(case)
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    return tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0


def fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:5.2f}"


def report(name: str, cases: list[dict]) -> dict:
    table, good_flagged = scores(cases, ours)
    base, base_good = scores(cases, lambda c: naive_check(c["text"], c["audience"]))
    good = sum(1 for c in cases if not c["expect"])
    langs = Counter(c["lang"] for c in cases)
    per_lang = ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items()))
    print(f"\n== {name}: {len(cases)} replies ({per_lang}), {good} good")
    print(f"{'code':34s} {'n':>3s}   ours P   R    | keywords P   R")
    for code in sorted(set(table) | set(base)):
        n, p, r = table.get(code, (0, float("nan"), float("nan")))
        _, bp, br = base.get(code, (0, float("nan"), float("nan")))
        print(f"{code:34s} {n:3d}   {fmt(p)} {fmt(r)} |       {fmt(bp)} {fmt(br)}")
    mp, mr = micro(cases, ours)
    bp, br = micro(cases, lambda c: naive_check(c["text"], c["audience"]))
    print(f"{'all codes (micro)':34s}       {fmt(mp)} {fmt(mr)} |       {fmt(bp)} {fmt(br)}")
    print(f"good replies with a warning or error: ours {good_flagged}/{good}, "
          f"keywords {base_good}/{good}")
    by_lang = []
    for lang in sorted(langs):
        subset = [c for c in cases if c["lang"] == lang]
        lp, lr = micro(subset, ours)
        _, lang_flagged = scores(subset, ours)
        lang_good = sum(1 for c in subset if not c["expect"])
        by_lang.append(f"{lang} P {fmt(lp).strip()} R {fmt(lr).strip()} "
                       f"good flagged {lang_flagged}/{lang_good}")
    print("per language (ours, micro): " + "; ".join(by_lang))
    misses = [code for code, (n, p, r) in table.items()
              if n >= 5 and not (r >= 0.9 and p >= 0.85)]
    eligible = [code for code, (n, _, _) in table.items() if n >= 5]
    print(f"targets (codes with >= 5 examples: R >= 0.9, P >= 0.85): "
          f"{len(eligible) - len(misses)}/{len(eligible)} met"
          + (f"; missed: {', '.join(misses)}" if misses else ""))
    return {"micro": (mp, mr), "base": (bp, br), "good": (good_flagged, good),
            "targets": (len(eligible) - len(misses), len(eligible))}


# Hand-labelled sentences of five more authors (the first four only for the three codes
# missed most, the fifth for every phrasing code), never read while tuning and never
# trained on.
HELDOUT_SENTENCES = ("heldout_i", "heldout_j", "heldout_k", "heldout_l", "heldout_m")


def sentence_cases(name: str) -> list[dict]:
    """One hand-labelled sentence file's sentences as cases (``expect`` = their codes)."""
    items = yaml.safe_load((DATA / "sentences" / f"{name}.yaml").read_text(
        encoding="utf-8"))["sentences"]
    return [{"id": s["id"], "expect": s["codes"], "text": s["text"], "lang": s["lang"],
             "outcome": s["outcome"], "audience": s["audience"]} for s in items]


def phrasing(case: dict, model=None) -> set[str]:
    """Only the codes a sentence's wording decides: one sentence owes no resources."""
    return ours(case, model) & set(replies.MODEL_CODES)


def held_out_sentences() -> dict:
    """The committed checker (rules and model) on the held-out sentences, per code."""
    cases = [c for name in HELDOUT_SENTENCES for c in sentence_cases(name)]
    table, flagged = scores(cases, phrasing)
    healthy = sum(1 for c in cases if not c["expect"])
    print(f"\n== sentences-heldout: {len(cases)} single sentences "
          f"({', '.join(HELDOUT_SENTENCES)}), {healthy} healthy")
    for code, (n, p, r) in table.items():
        print(f"{code:34s} {n:3d}   {fmt(p)} {fmt(r)}")
    mp, mr = micro(cases, phrasing)
    print(f"{'all codes (micro)':34s}       {fmt(mp)} {fmt(mr)}")
    print(f"healthy sentences with a warning or error: {flagged}/{healthy}")
    return {"micro": (mp, mr), "good": (flagged, healthy)}


def sentence_authors() -> None:
    """Leave one hand-labelled sentence author out: rules plus a model trained on the
    development replies and the other authors' sentences, against rules plus a model
    trained on the development replies alone, on the left-out author's sentences (the
    phrasing codes only).  Needs scikit-learn."""
    from bot.learned import LearnedModel, corpus_cases, model_from_data, train

    development = replies.training_rows(corpus_cases(DATA, replies.TRAINING_FILES,
                                                     "reply corpus"))

    def fitted(names: tuple[str, ...]) -> LearnedModel:
        rows = development + replies.sentence_rows(DATA / "sentences", names)
        data = train(rows, sources=replies.model_sources(names),
                     categories=replies.MODEL_CODES, threshold=replies.MODEL_THRESHOLD,
                     about="leaving one sentence author out")
        return model_from_data(data, "model.json", replies.MODEL_SCHEMA)

    print(f"\n== leaving one sentence author out (threshold {replies.MODEL_THRESHOLD}): "
          f"rules + model trained without the author's sentences | development replies only")
    baseline = fitted(())
    pooled: list[dict] = []
    found: list[dict[str, set[str]]] = [{}, {}]   # per model: case id -> codes
    for name in replies.SENTENCE_FILES:
        cases = sentence_cases(name)
        pooled += cases
        rest = tuple(n for n in replies.SENTENCE_FILES if n != name)
        row = []
        for codes, model in zip(found, (fitted(rest), baseline)):
            codes.update((c["id"], phrasing(c, model)) for c in cases)
            p, r = micro(cases, lambda c: codes[c["id"]])
            _, flagged = scores(cases, lambda c: codes[c["id"]])
            row.append(f"P {p:.2f} R {r:.2f} healthy flagged "
                       f"{flagged}/{sum(not c['expect'] for c in cases)}")
        print(f"{name}: {row[0]} | {row[1]}")
    summary = []
    for codes in found:
        p, r = micro(pooled, lambda c: codes[c["id"]])
        _, flagged = scores(pooled, lambda c: codes[c["id"]])
        summary.append(f"P {p:.2f} R {r:.2f}, healthy flagged {flagged}")
    print(f"SUMMARY sentences: leaving one author out {summary[0]}; development replies "
          f"only {summary[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50,
                        help="how many times the corpus is checked for the timing")
    parser.add_argument("--sentences", action="store_true",
                        help="only leave one hand-labelled sentence author out at a time "
                             "(retrains the model nine times; needs scikit-learn)")
    args = parser.parse_args()
    if args.sentences:
        sentence_authors()
        return
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()}")

    start = time.perf_counter()
    for lang in replies.available_languages():
        replies.rules_for(lang)
    load_ms = (time.perf_counter() - start) * 1000
    print(f"rules loaded and compiled for {', '.join(replies.available_languages())} "
          f"in {load_ms:.0f} ms")

    cases = {split: load(split) for split in SPLITS}
    results = {split: report(split, cases[split]) for split in SPLITS}
    sentences = held_out_sentences()

    corpus = cases["dev"] + cases["heldout"]
    size = sum(len(c["text"]) for c in corpus) * args.repeat
    n = len(corpus) * args.repeat
    start = time.perf_counter()
    for _ in range(args.repeat):
        for case in corpus:
            replies.check(case["text"], lang=case["lang"], outcome=case["outcome"],
                          audience=case["audience"])
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(args.repeat):
        for case in corpus:
            naive_check(case["text"], case["audience"])
    t_naive = time.perf_counter() - start
    print(f"\nthroughput over {n} replies ({size / 1e6:.2f} MB): check() {n / t_ours:,.0f} "
          f"replies/s ({size / t_ours / 1e6:.2f} MB/s); keyword baseline "
          f"{n / t_naive:,.0f} replies/s; check() takes x{t_ours / t_naive:.1f} the "
          f"baseline's time")

    d, h = results["dev"], results["heldout"]

    def files(prefix: str) -> str:
        return "; ".join(f"{split} P {r['micro'][0]:.2f} R {r['micro'][1]:.2f}, good flagged "
                         f"{r['good'][0]}/{r['good'][1]}"
                         for split, r in results.items() if split.startswith(prefix))

    print(f"SUMMARY replies: dev micro P {d['micro'][0]:.2f} R {d['micro'][1]:.2f} "
          f"(keywords {d['base'][0]:.2f}/{d['base'][1]:.2f}); heldout micro P "
          f"{h['micro'][0]:.2f} R {h['micro'][1]:.2f} (keywords {h['base'][0]:.2f}/"
          f"{h['base'][1]:.2f}); good replies flagged dev {d['good'][0]}/{d['good'][1]}, "
          f"heldout {h['good'][0]}/{h['good'][1]}; "
          f"other authors' held-out files: {files('heldout-')}; "
          f"untuned development authors: {files('untuned-')}; "
          f"rules-only development: {files('dev-')}; "
          f"held-out sentences P {sentences['micro'][0]:.2f} R {sentences['micro'][1]:.2f}, "
          f"healthy flagged {sentences['good'][0]}/{sentences['good'][1]}; "
          f"check() {n / t_ours:,.0f} replies/s, "
          f"x{t_ours / t_naive:.1f} the keyword baseline's time")


if __name__ == "__main__":
    main()
