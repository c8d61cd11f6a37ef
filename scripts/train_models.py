#!/usr/bin/env python3
"""Train the learned second opinions from the development corpora.

Three models, of the kind bot/learned.py defines: triage's (bot/data/triage/model.json,
one per report), triage's second look at doxxing suggestions
(bot/data/triage/second_look.json; it trains one first model per development file, so
it takes a few minutes) and the reply checker's (bot/data/replies/model.json, one per
sentence; how sentences get their labels is told in bot/replies.py).  And triage's
weighing of rules and model (bot/data/triage/weighing.json, bot/triage/weighing.py),
fitted on the same first models' opinions.

A maintainers' tool, not a bot script: it never talks to a wiki, so it runs with the
venv's Python rather than ``pwb``, and it needs scikit-learn (the ``test`` extra).
Held-out files are never read: the benchmarks measure the models on them.  Retrain after
changing a development file or, for replies, a rule (the rules label the sentences).

Usage::

    .venv/bin/python scripts/train_models.py [--only triage|second-look|weighing|replies] [--check]

``--check`` writes nothing and exits 1 when a committed model differs from a fresh
training (the tests check the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _models() -> dict:
    """Each model's file, a function making its fresh text, and what one example is."""
    from bot import replies
    from bot.triage import learned, weighing

    return {"triage": (learned.MODEL, learned.fresh_model_text, "reports"),
            "second-look": (learned.SECOND_LOOK_MODEL, learned.fresh_second_look_text,
                            "reports"),
            "weighing": (weighing.WEIGHING, learned.fresh_weighing_text, "reports"),
            "replies": (replies.MODEL, replies.fresh_model_text, "sentences")}


def main(argv: list[str] | None = None) -> int:
    """Train, then write or compare the model files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("triage", "second-look", "weighing", "replies"),
                        help="train this model only (all four by default)")
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed models instead of writing them")
    args = parser.parse_args(argv)
    stale = 0
    for name, (path, fresh, examples) in _models().items():
        if args.only and name != args.only:
            continue
        text = fresh()
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"{name}: the model is up to date" if same
                  else f"{name}: the model differs from a fresh training")
            stale += not same
            continue
        path.write_text(text, encoding="utf-8")
        data = json.loads(text)
        if "word" in data:
            print(f"{name}: wrote {path}: {data['reports']} {examples}, "
                  f"{len(data['word']['terms'])} word and {len(data['char']['terms'])} "
                  f"character features")
        else:
            print(f"{name}: wrote {path}: {data['reports']} {examples}, lines "
                  + ", ".join(f"{c} {w['line']}" for c, w in data["categories"].items()))
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
