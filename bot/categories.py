"""The triage categories of DESIGN.md: ids, routing suggestions, which may be public."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.datafiles import DATA_DIR, load_yaml


@dataclass(frozen=True)
class Category:
    id: str
    public: bool
    emergency: bool
    route: str
    personal: bool = False    # evidence never quotes the report (personal information)


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    """Every category by id (validated ``data/categories.yaml``)."""
    raw = load_yaml(DATA_DIR / "categories.yaml", DATA_DIR / "categories.schema.json")
    return {key: Category(key, **value) for key, value in raw["categories"].items()}


def category_route(category: str) -> str:
    """The routing suggestion for *category* (empty for an unknown id)."""
    found = categories().get(category)
    return found.route if found else ""
