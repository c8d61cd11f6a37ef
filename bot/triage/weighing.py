"""The weighing: for doxxing in long reports, the rules' score and the learned model's
probability decide together whether the category is suggested.

Taking the higher of the two (as for the other categories) lets every rule hit on a hard
negative through, and the model can only raise a score.  Long threads suffer most: a
phone number in a signature, a town named in passing.  A small logistic regression over
both (and their product, the model's log-odds, and the language, whose rules file
calibrates its weights differently) is fitted on development reports, each scored by
rules and by a model trained without the report's author.  Its line is the highest at
which, leaving one author out, it finds as many true doxxing suggestions in long reports
as the engine made on its own (not always the same ones).

Only reports longer than :data:`FROM_CHARS` are weighed.  Short ones keep the engine's
decision: weighed, a terse "an IP added <a phone number> to the page" or "mein
richtiger Name sei ..." was withdrawn because the model had not learned its words.
Threats and self-harm are not weighed: their suggestion sends the emergency mail, and a
weighing for them withdrew a plain "he won't stop threatening to kill me".
benchmarks/HISTORY.md (session 22) has the figures.

The weighing is data, ``bot/data/triage/weighing.json`` (schema
``weighing.schema.json``); ``scripts/train_models.py`` rebuilds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from bot.datafiles import DATA_DIR, read_schema, read_trained, validate
from bot.errors import DataError

WEIGHING = DATA_DIR / "triage" / "weighing.json"
SCHEMA = DATA_DIR / "triage" / "weighing.schema.json"
CATEGORIES = ("doxxing",)
FEATURES = ("rules", "model", "product", "rules_suggests", "model_suggests", "model_log_odds")
FROM_CHARS = 800   # reports up to this long are not weighed (see above)
_LINE = 0.5   # where the rules' score and the model's probability each suggest
_EDGE = 1e-6


def features(rules: float, model: float, lang: str, languages: Sequence[str]) -> list[float]:
    """The weighing's inputs for one category of one report: :data:`FEATURES`, then one
    indicator per language of *languages* after the first."""
    p = min(1.0 - _EDGE, max(_EDGE, model))
    return ([rules, model, rules * model, float(rules >= _LINE), float(model >= _LINE),
             math.log(p / (1.0 - p))] + [float(lang == other) for other in languages[1:]])


@dataclass(frozen=True)
class Weighing:
    """Per category: coefficients, intercept and line; the languages it knows."""

    languages: tuple[str, ...]
    reports: int
    from_chars: int
    weights: dict[str, tuple[tuple[float, ...], float, float]]

    def chance(self, category: str, rules: float, model: float, lang: str) -> float:
        """The weighed probability that *category* applies."""
        coefficients, intercept, _ = self.weights[category]
        z = intercept + sum(c * x for c, x in zip(
            coefficients, features(rules, model, lang, self.languages)))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def suggests(self, category: str, rules: float, model: float, lang: str) -> bool:
        """Whether the weighing suggests *category* for these scores."""
        return self.chance(category, rules, model, lang) >= self.weights[category][2]


def weighing_from_data(data: dict, file: str) -> Weighing:
    """A :class:`Weighing` from a weighing file's contents, validated."""
    validate(data, read_schema(str(SCHEMA)), file)
    languages = tuple(data["languages"])
    width = len(FEATURES) + len(languages) - 1
    weights = {}
    for category, spec in data["categories"].items():
        if len(spec["coefficients"]) != width:
            raise DataError(f"{file}: entry categories.{category}, field 'coefficients': "
                            f"{width} are needed ({', '.join(FEATURES)}, then one per "
                            f"language after the first).")
        weights[category] = (tuple(spec["coefficients"]), float(spec["intercept"]),
                             float(spec["line"]))
    return Weighing(languages=languages, reports=int(data["reports"]),
                    from_chars=int(data["from_chars"]), weights=weights)


def load_weighing(path: str | Path = WEIGHING) -> Weighing:
    """The weighing at *path* (the committed one by default), read once per process."""
    return _load(Path(path).resolve())


@lru_cache(maxsize=None)
def _load(path: Path) -> Weighing:
    return weighing_from_data(read_trained(path), path.name)


# -- training (maintainers only: needs scikit-learn) -----------------------------------
def _fit(rows: list[tuple[list[float], bool]]):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=5000).fit(
        [x for x, _ in rows], [y for _, y in rows])


def _line(by_author: dict[str, list[tuple[list[float], bool, bool, bool]]]) -> float:
    """The highest line at which the authors' left-out weighed chances find every true
    case the engine finds on them, among the reports long enough to be weighed."""
    scored, needed = [], 0
    for held, rows in by_author.items():
        model = _fit([(x, y) for name, other in by_author.items() if name != held
                      for x, y, _, _ in other])
        long = [row for row in rows if row[3]]
        if not long:
            continue
        chances = model.predict_proba([x for x, _, _, _ in long])[:, 1]
        scored += [(float(c), y) for c, (_, y, _, _) in zip(chances, long)]
        needed += sum(1 for _, y, engine, _ in long if y and engine)
    found = 0
    for chance, label in sorted(scored, key=lambda item: -item[0]):
        found += label
        if found >= needed:
            return round(chance, 6)
    return round(min(chance for chance, _ in scored), 6)


def train(opinions: Iterable[dict], *, sources: Iterable[str], about: str) -> dict:
    """A weighing file's contents from *opinions*: per development report its ``author``
    (file), ``lang``, ``labels``, its length (``chars``), the rules' scores before the
    model (``rules``), the model's probabilities from a model without the author
    (``model``) and the engine's suggestions without a weighing (``engine``)."""
    opinions = list(opinions)
    languages = sorted({o["lang"] for o in opinions})
    weights = {}
    for category in CATEGORIES:
        by_author: dict[str, list[tuple[list[float], bool, bool, bool]]] = {}
        for o in opinions:
            by_author.setdefault(o["author"], []).append((
                features(o["rules"].get(category, 0.0), o["model"].get(category, 0.0),
                         o["lang"], languages),
                category in o["labels"], category in o["engine"], o["chars"] > FROM_CHARS))
        model = _fit([(x, y) for rows in by_author.values() for x, y, _, _ in rows])
        weights[category] = {
            "coefficients": [round(float(v), 6) for v in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 6),
            "line": _line(by_author)}
    return {"about": about, "trained_on": sorted(set(sources)), "reports": len(opinions),
            "languages": languages, "features": list(FEATURES), "from_chars": FROM_CHARS,
            "categories": weights}
