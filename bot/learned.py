"""Linear models learned from labelled texts, kept as data and scored in plain Python.

A logistic regression per category over word 1-2-grams and character 3-4-grams (sublinear
tf-idf), as scikit-learn trains it; a model file (JSON, with a schema) holds the
vocabulary, the idf weights and the coefficients, so the bot needs no machine-learning
library at run time.  Training (maintainers only) needs scikit-learn, the ``test``
extra; :func:`clean` is the one preprocessing both sides use.

Two second opinions use it: triage's (:mod:`bot.triage.learned`, one report at a time)
and the reply checker's (:mod:`bot.replies`, one sentence at a time).  Each has its own
model file, schema (which names its categories), categories and training files.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import mul
from pathlib import Path
from typing import Iterable, Mapping

from bot.datafiles import read_schema, read_trained, read_yaml, validate
from bot.errors import DataError

# Names and signatures say who wrote, not what happened: they are not features.
_SIGNATURE_LINK = re.compile(
    r"\[\[\s*(?:user|user talk|benutzer|benutzerin|benutzer diskussion|benutzerin diskussion|"
    r"special:contributions|spezial:beiträge)\s*:[^\[\]]*\]\]", re.IGNORECASE)
_TIMESTAMP = re.compile(r"\d\d:\d\d, \d+\.? \w+\.? \d{4} \((?:utc|cet|cest)\)", re.IGNORECASE)
_WORD = re.compile(r"(?u)\b\w\w+\b")   # scikit-learn's default token pattern
_SPACES = re.compile(r"\s\s+")


def clean(text: str) -> str:
    """The text the model reads: lower case, without user links and signature times."""
    return _TIMESTAMP.sub("", _SIGNATURE_LINK.sub("", text)).lower()


def word_ngrams(text: str, low: int = 1, high: int = 2) -> list[str]:
    """Word n-grams of an already cleaned text, as scikit-learn's word analyzer makes them."""
    tokens = _WORD.findall(text)
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries (scikit-learn's ``char_wb`` analyzer)."""
    grams: list[str] = []
    for word in _SPACES.sub(" ", text).split():
        word = f" {word} "
        for n in range(low, high + 1):
            if len(word) <= n:  # a word no longer than n counts once, whole
                grams.append(word)
                break
            grams += [word[i:i + n] for i in range(len(word) - n + 1)]
    return grams


def _tfidf(grams: Iterable[str], rows: Mapping[str, tuple[float, ...]]
           ) -> tuple[list[float], list[tuple[float, ...]]]:
    """Sublinear tf times idf, L2-normalised, over the known terms only: the weights, and
    beside each its term's row (idf first, then one coefficient per category)."""
    weights, found = [], []
    for gram, count in Counter(grams).items():
        row = rows.get(gram)
        if row is not None:
            weights.append((1.0 + math.log(count)) * row[0])
            found.append(row)
    norm = math.sqrt(sum(w * w for w in weights))
    return ([w / norm for w in weights] if norm else []), found


@dataclass(frozen=True)
class LearnedModel:
    """One trained model: vocabulary with idf, and one linear classifier per category.

    A term's row holds its idf and then its coefficient for each of ``categories``, so
    scoring a report looks each of its terms up once, whatever the number of categories.
    """

    languages: frozenset[str]
    reports: int                       # labelled texts trained on (reports; reply sentences)
    threshold: float
    char_range: tuple[int, int]
    categories: tuple[str, ...]
    intercepts: tuple[float, ...]
    word_rows: Mapping[str, tuple[float, ...]]
    char_rows: Mapping[str, tuple[float, ...]]

    def probabilities(self, text: str) -> dict[str, float]:
        """Each modelled category's probability for *text*."""
        cleaned = clean(text)
        word_weights, word_found = _tfidf(word_ngrams(cleaned), self.word_rows)
        char_weights, char_found = _tfidf(char_ngrams(cleaned, *self.char_range),
                                          self.char_rows)
        weights = word_weights + char_weights
        # Columns of the found rows: column 0 is the idf, column k the k-th category's
        # coefficients; each dot product then runs in C (sum over map).
        columns = list(zip(*(word_found + char_found)))[1:] or [()] * len(self.categories)
        result = {}
        for category, intercept, column in zip(self.categories, self.intercepts, columns):
            z = intercept + sum(map(mul, weights, column))
            result[category] = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
        return result


def model_from_data(data: dict, file: str, schema: str | Path) -> LearnedModel:
    """Build a :class:`LearnedModel` from the contents of a model file, validated
    against *schema*."""
    validate(data, read_schema(str(schema)), file)
    word_terms, char_terms = data["word"]["terms"], data["char"]["terms"]
    if len(word_terms) != len(data["word"]["idf"]) or len(char_terms) != len(data["char"]["idf"]):
        raise DataError(f"{file}: entry word/char, field 'idf': one idf per term is needed.")
    categories = tuple(data["categories"])
    for category, spec in data["categories"].items():
        if len(spec["word"]) != len(word_terms) or len(spec["char"]) != len(char_terms):
            raise DataError(f"{file}: entry categories.{category}, field 'word/char': one "
                            f"coefficient per term is needed.")
    specs = [data["categories"][c] for c in categories]

    def rows(kind: str, terms: list[str]) -> dict[str, tuple[float, ...]]:
        return {row[0]: row[1:] for row in zip(
            terms, data[kind]["idf"], *(spec[kind] for spec in specs))}

    return LearnedModel(
        languages=frozenset(data["languages"]), reports=int(data["reports"]),
        threshold=float(data["threshold"]), char_range=tuple(data["char"]["range"]),
        categories=categories,
        intercepts=tuple(float(data["categories"][c]["intercept"]) for c in categories),
        word_rows=rows("word", word_terms), char_rows=rows("char", char_terms))


def load_model(path: str | Path, schema: str | Path) -> LearnedModel:
    """The trained model at *path*, validated against *schema*, read once per process
    (the same file however its path is written; :func:`forget_models` after retraining)."""
    return _load_model(Path(path).resolve(), Path(schema).resolve())


def forget_models() -> None:
    """Read model files afresh at their next use."""
    _load_model.cache_clear()


@lru_cache(maxsize=None)
def _load_model(path: Path, schema: Path) -> LearnedModel:
    return model_from_data(read_trained(path), path.name, schema)


# -- training (maintainers only: needs scikit-learn, the ``test`` extra) ---------------
CHAR_RANGE = (3, 4)
MIN_DF = 3
C = 10.0


def fit(cases: list[dict], categories: Iterable[str]):
    """The fitted scikit-learn parts: word and character vectorizers, and one logistic
    regression per category of *categories*."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [c["text"] for c in cases]
    word = TfidfVectorizer(preprocessor=clean, ngram_range=(1, 2), min_df=MIN_DF,
                           sublinear_tf=True)
    char = TfidfVectorizer(preprocessor=clean, analyzer="char_wb", ngram_range=CHAR_RANGE,
                           min_df=MIN_DF, sublinear_tf=True)
    matrix = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    models = {}
    for category in categories:
        labels = [category in c["labels"] for c in cases]
        models[category] = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
        models[category].fit(matrix, labels)
    return word, char, models


def train(cases: list[dict], *, sources: Iterable[str], categories: Iterable[str],
          threshold: float, about: str) -> dict:
    """The contents of a model file trained on *cases* (``text``, ``lang``, ``labels``).

    Word 1-2-grams and character 3-4-grams inside words, each seen in at least three
    texts; sublinear tf-idf; one class-balanced logistic regression per category of
    *categories*.  The settings were chosen by leaving one author's file out at a time.
    *threshold* is the probability from which a caller takes the model's word.
    """
    word, char, models = fit(cases, categories)
    split = len(word.vocabulary_)
    word_terms = sorted(word.vocabulary_, key=word.vocabulary_.get)
    char_terms = sorted(char.vocabulary_, key=char.vocabulary_.get)
    coefficients = {}
    for category, model in models.items():
        coef = model.coef_[0]
        coefficients[category] = {
            "intercept": round(float(model.intercept_[0]), 6),
            "word": [round(float(v), 6) for v in coef[:split]],
            "char": [round(float(v), 6) for v in coef[split:]]}
    return {
        "about": about, "trained_on": sorted(sources), "reports": len(cases),
        "languages": sorted({c["lang"] for c in cases}), "threshold": threshold,
        "word": {"terms": word_terms, "idf": [round(float(v), 6) for v in word.idf_]},
        "char": {"range": list(CHAR_RANGE), "terms": char_terms,
                 "idf": [round(float(v), 6) for v in char.idf_]},
        "categories": coefficients}


def corpus_cases(directory: Path, names: Iterable[str], what: str) -> list[dict]:
    """The cases of the labelled corpus files *names* (``<name>.yaml`` in *directory*)."""
    return [case for name in names
            for case in read_yaml(directory / f"{name}.yaml", what)["cases"]]


def model_json(data: dict) -> str:
    """A model file's text for the contents *data* (compact, the same bytes each time)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
