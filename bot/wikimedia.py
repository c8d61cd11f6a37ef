"""Wikimedia conventions that triage, the report reader and the reply checker share.

The data is ``bot/data/wikimedia.yaml``: the templates that name an account, and the
domains of public role addresses.  Each reader builds its patterns from here, so there is
one list to extend.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.datafiles import DATA_DIR, load_yaml

DATA_FILE = DATA_DIR / "wikimedia.yaml"
SCHEMA_FILE = DATA_FILE.with_suffix(".schema.json")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_yaml(DATA_FILE, SCHEMA_FILE, what="Wikimedia conventions")


def user_templates(*, subject_only: bool = False) -> tuple[str, ...]:
    """Names (lower case) of templates whose first parameter is an account name; with
    *subject_only*, those a report uses for the account it is about."""
    kinds = _data()["user_templates"]
    return tuple(kinds["subject"] if subject_only else (*kinds["subject"], *kinds["addressing"]))


def forget() -> None:
    """Forget the loaded data (after editing the file in a running process)."""
    _data.cache_clear()
    subject_template_re.cache_clear()


def _alternation(names: tuple[str, ...]) -> str:
    # A space in a template name may be written "_".
    return "|".join(re.escape(n).replace(r"\ ", "[ _]") for n in sorted(names))


def user_template_pattern(*, subject_only: bool = False) -> str:
    """A pattern matching a whole account-naming template call, ``{{name|...}}``."""
    return (r"\{\{\s*(?:" + _alternation(user_templates(subject_only=subject_only))
            + r")\s*\|[^{}]*\}\}")


@lru_cache(maxsize=1)
def subject_template_re() -> re.Pattern[str]:
    """Account-naming templates a report points with; group 1 is the account name
    (the first parameter, positional or ``1=``)."""
    return re.compile(r"\{\{\s*(?:" + _alternation(user_templates(subject_only=True))
                      + r")\s*\|\s*(?:1\s*=\s*)?([^{}|\n]+?)\s*(?:\|[^{}]*)?\}\}", re.I)


def public_email_domains() -> tuple[str, ...]:
    """Domains whose addresses (and their subdomains') are public role addresses."""
    return tuple(_data()["public_email_domains"])


def public_email_pattern() -> str:
    """A pattern matching an address at one of :func:`public_email_domains`."""
    domains = "|".join(re.escape(d) for d in sorted(public_email_domains()))
    # The domain must end there: "x@wikimedia.org.example.net" is not a role address.
    # Tried from the start of an address only: from every dot of a long run it was slow.
    return r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)*(?:" + domains + r")(?![\w-]|\.[\w-])"
