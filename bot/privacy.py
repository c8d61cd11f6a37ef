"""What may not appear on a public page or in an edit summary.

A public write is refused when its text names a sensitive triage category or carries
personal information (phone numbers, e-mail addresses, street addresses).  Problems
are described by kind only, never by quoting what was found.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers
import yaml

PRIVACY_FILE = Path(__file__).resolve().parent / "data" / "privacy.yaml"
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_STREET_RE = re.compile(
    r"\b\d{1,5}[a-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}"
    r"(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.|Lane|Drive|Boulevard|Blvd\.?|Court|Way)\b"
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|weg|gasse|allee|platz)\s+\d{1,4}[a-z]?\b")
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Our own bot-password grants, API tokens and similar never belong on a page either.
_SECRET_RE = re.compile(r"\b[0-9a-w]{32}\b|\+\\\\|csrftoken", re.IGNORECASE)


@lru_cache(maxsize=1)
def _terms_re() -> re.Pattern[str]:
    data = yaml.safe_load(PRIVACY_FILE.read_text(encoding="utf-8"))
    terms = [t for lang_terms in data["sensitive_terms"].values() for t in lang_terms]
    alternatives = "|".join(re.escape(_normalise(t)).replace(r"\ ", r"[\s_-]+")
                            for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _normalise(text: str) -> str:
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _phone_numbers(text: str) -> bool:
    # Leniency VALID: a real-looking number, not any run of digits (dates, revision ids).
    for region in ("US", "DE", "GB"):
        for _ in phonenumbers.PhoneNumberMatcher(text, region,
                                                 leniency=phonenumbers.Leniency.VALID):
            return True
    return False


def public_text_problems(text: str) -> list[str]:
    """Kinds of private material found in *text* (empty: fine for a public page)."""
    problems = []
    normal = _normalise(text)
    if _terms_re().search(normal):
        problems.append("names a sensitive category")
    if _EMAIL_RE.search(normal):
        problems.append("contains an e-mail address")
    if _STREET_RE.search(unicodedata.normalize("NFKC", text)):
        problems.append("contains a street address")
    if _phone_numbers(normal):
        problems.append("contains a phone number")
    if _SECRET_RE.search(text):
        problems.append("contains something like a secret or token")
    return problems
