#!/usr/bin/env python3
"""Train the triage model (bot/data/triage/model.json) from the development corpora.

Maintainers run this after adding or relabelling development reports; it needs
scikit-learn (``pip install -e '.[test]'``).  Held-out files are never read: the model is
measured on them by ``benchmarks/bench_triage.py``.

Usage::

    pwb train_triage_model [-check]

Options:

-check   Do not write: exit 1 when the committed model differs from a fresh training
         (CI runs this through the tests).
"""

from __future__ import annotations

import json

import pywikibot

from bot.scripting import parse_options, run_script


def main(*args: str) -> int:
    """Train, then write or compare the model file."""
    options = parse_options(args, flags=("check",))
    if options is None:
        return 2

    def work() -> int:
        from bot.triage.learned import MODEL, fresh_model_text

        text = fresh_model_text()
        if options.get("check"):
            same = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
            pywikibot.stdout("the model is up to date" if same
                             else "the model differs from a fresh training")
            return 0 if same else 1
        MODEL.write_text(text, encoding="utf-8")
        data = json.loads(text)
        pywikibot.stdout(f"wrote {MODEL.name}: {data['reports']} reports, "
                         f"{len(data['word']['terms'])} word and "
                         f"{len(data['char']['terms'])} character features")
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
