"""Translatable edit summaries: one JSON message file per language."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MESSAGE_DIR = Path(__file__).resolve().parent / "data" / "messages"


@lru_cache(maxsize=None)
def _messages(lang: str) -> dict[str, str]:
    path = MESSAGE_DIR / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def summary(key: str, lang: str = "en", **params: object) -> str:
    """The edit summary *key* in *lang*, falling back to English."""
    template = _messages(lang).get(key) or _messages("en")[key]
    return template.format(**params)
