#!/usr/bin/env python3
"""Train the reply checker's model (bot/data/replies/model.json) from the development corpora.

A maintainers' tool, not a bot script: it never talks to a wiki, so it runs with the
venv's Python rather than ``pwb``, and it needs scikit-learn (the ``test`` extra).
Held-out files are never read: ``benchmarks/bench_replies.py`` measures the checker on them.
How sentences get their labels is told in :mod:`bot.replies`.

Usage::

    .venv/bin/python scripts/train_reply_model.py [--check]

``--check`` writes nothing and exits 1 when the committed model differs from a fresh
training (the tests check the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    """Train, then write or compare the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed model instead of writing it")
    args = parser.parse_args(argv)
    from bot.replies import MODEL, fresh_model_text

    text = fresh_model_text()
    if args.check:
        same = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
        print("the model is up to date" if same else "the model differs from a fresh training")
        return 0 if same else 1
    MODEL.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {MODEL}: {data['reports']} sentences, {len(data['word']['terms'])} word "
          f"and {len(data['char']['terms'])} character features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
