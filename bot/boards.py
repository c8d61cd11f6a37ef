"""Board presets: one wiki's conventions (dates, namespaces, templates) as data.

A preset lives in ``bot/data/presets/<name>.yaml`` and is checked against
``presets.schema.json``.  :func:`load_preset` compiles it once into the regular
expressions :mod:`bot.threads` scans with.  The canonical English namespace names
(``User``, ``User talk``, ``Special:Contributions``) work on every wiki, so they are
always added to the preset's local names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from bot.datafiles import DATA_DIR, load_yaml
from bot.errors import DataError

PRESET_DIR = DATA_DIR / "presets"
SCHEMA = PRESET_DIR / "presets.schema.json"

_CANONICAL = {
    "user": ("User",),
    "user_talk": ("User talk",),
    "special": ("Special",),
    "contributions": ("Contributions",),
}
_FIELDS = ("hour", "minute", "day", "month", "year", "zone")


def template_key(name: str) -> str:
    """A template name as MediaWiki compares them: first letter case-free, _ = space."""
    name = " ".join(name.replace("_", " ").split())
    if name.lower().startswith("template:"):
        name = name[9:].lstrip()
    return name[:1].lower() + name[1:]


def _name_pattern(name: str) -> str:
    """Regex for a namespace or template name: spaces as [ _]+, first letter any case."""
    parts = [re.escape(word) for word in name.split()]
    body = r"[ _]+".join(parts)
    first = name[:1]
    if first.lower() != first.upper():
        body = f"[{re.escape(first.upper())}{re.escape(first.lower())}]" + body[len(re.escape(first)):]
    return body


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so "User talk" wins over "User".
    unique = sorted(set(names), key=len, reverse=True)
    return "|".join(_name_pattern(n) for n in unique)


@dataclass(frozen=True)
class Preset:
    """A compiled preset.  Build one with :func:`load_preset`."""

    name: str
    language: str
    month_numbers: Mapping[str, int]
    zones: Mapping[str, timezone]
    timestamp_re: re.Pattern[str]
    zone_re: re.Pattern[str]  # the zone and the punctuation around it: a cheap first pass
    user_link_re: re.Pattern[str]
    unsigned: Mapping[str, Mapping[str, int | str]]
    wrap: Mapping[str, Mapping[str, object]]
    wrap_end: frozenset[str]
    markers: Mapping[str, str]
    entries: frozenset[str]
    template_re: re.Pattern[str] = field(repr=False)
    # Everything bot.threads scans with is compiled here, once per preset, so the parser
    # keeps no per-preset caches of its own.
    # How far a timestamp written with single spaces reaches before and after its
    # zone_re hit: the parser searches that window first, a wider one only if it fails.
    stamp_before: int = field(default=64, repr=False)
    stamp_after: int = field(default=16, repr=False)
    unsigned_re: re.Pattern[str] | None = field(default=None, repr=False)
    closure_re: re.Pattern[str] | None = field(default=None, repr=False)  # wrap + markers
    entry_re: re.Pattern[str] | None = field(default=None, repr=False)  # list-board lines
    # The one string zone_re matches when the preset has a single zone ("(UTC)"): the
    # parser then finds zones with str.find, several times faster than the pattern.
    zone_literal: str | None = field(default=None, repr=False)

    def is_unsigned(self, template: str) -> bool:
        return template_key(template) in self.unsigned


def _compile(raw: Mapping) -> Preset:
    ts = raw["timestamp"]
    months: dict[str, int] = {}
    for number, spellings in enumerate(ts["months"], start=1):
        for spelling in [spellings] if isinstance(spellings, str) else spellings:
            months[spelling] = number
    zones = {abbr: timezone.utc if hours == 0 else timezone(timedelta(hours=hours))
             for abbr, hours in ts["zones"].items()}
    pieces = {
        "hour": r"(?P<hour>[0-2]?\d)",
        "minute": r"(?P<minute>[0-5]\d)",
        "day": r"(?P<day>[0-3]?\d)",
        "month": "(?P<month>" + "|".join(re.escape(m) for m in sorted(months, key=len,
                                                                      reverse=True)) + ")",
        "year": r"(?P<year>\d{4})",
        "zone": "(?P<zone>" + "|".join(re.escape(z) for z in zones) + ")",
    }
    pattern = r"(?<!\d)"  # "112:34" is not a time
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", ts["format"]):
        # A space in the format also matches a non-breaking space or several spaces.
        pattern += re.escape(literal).replace(r"\ ", r"[ \u00a0]+")
        if name:
            if name not in pieces:
                raise DataError(f"{raw['name']}.yaml: entry timestamp, field 'format': "
                                f"unknown placeholder {{{name}}}.")
            pattern += pieces.pop(name)
    if any(name in pieces for name in _FIELDS):
        raise DataError(f"{raw['name']}.yaml: entry timestamp, field 'format': "
                        f"missing {', '.join('{' + p + '}' for p in pieces)}.")

    ns = raw["namespaces"]
    names = {key: list(_CANONICAL[key]) + list(ns.get(key, ())) for key in _CANONICAL}
    # [[User:X]], [[User talk:X]], [[Special:Contributions/X]], with optional leading ':'
    # and any case in the first letter of the namespace; the name stops at | ] # / or [
    # and has no spaces at either end.  It is matched as words and the spaces between
    # them, possessively (Python 3.11+): a lazy [^...]+? tried the rest of the pattern
    # after every character and made this, the parser's costliest pattern, twice as
    # slow; possessive runs also rule out any backtracking blow-up on long lines.
    user_name = r"[^\[\]|#/\n _]++(?:[ _]++[^\[\]|#/\n _]++)*+"
    user_link = (
        r"\[\[[ _]*:?[ _]*(?:"
        rf"(?P<ns>{_alternation(names['user'] + names['user_talk'])})[ _]*:[ _]*(?P<name>{user_name})"
        "|"
        rf"(?:{_alternation(names['special'])})[ _]*:[ _]*(?:{_alternation(names['contributions'])})"
        rf"[ _]*/[ _]*(?P<contrib>{user_name})"
        r")[ _]*(?:/[^\[\]|\n]*)?(?:#[^\[\]|\n]*)?(?:\||\]\])"
    )
    closures = raw.get("closures", {})
    unsigned = {template_key(k): v for k, v in raw.get("unsigned", {}).items()}
    wrap = {template_key(k): v for k, v in closures.get("wrap", {}).items()}
    markers = {template_key(k): v for k, v in closures.get("markers", {}).items()}
    entries = frozenset(template_key(k) for k in raw.get("entries", ()))
    # The zone with the format's punctuation right beside it ("(UTC)"): a pattern that
    # starts with a literal character is scanned for far faster than "CET|CEST|MEZ|..."
    # on a page full of capitalised words.
    before, _, after = ts["format"].partition("{zone}")
    zone_left = re.search(r"[^\s{}]*$", before).group()
    zone_right = re.match(r"[^\s{}]*", after).group()
    zone_names = "|".join(re.escape(z) for z in sorted(zones, key=len, reverse=True))
    zone_pattern = f"{re.escape(zone_left)}(?:{zone_names}){re.escape(zone_right)}"
    # Longest text each placeholder prints, to size the window searched around a zone.
    widths = {"hour": 2, "minute": 2, "day": 2, "month": max(map(len, months)), "year": 4}

    def width(part: str) -> int:
        return sum(len(literal) + widths.get(name, 0)
                   for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", part))
    return Preset(
        name=raw["name"],
        language=raw["language"],
        month_numbers=months,
        zones=zones,
        timestamp_re=re.compile(pattern),
        zone_re=re.compile(zone_pattern),
        user_link_re=re.compile(user_link),
        unsigned=unsigned,
        wrap=wrap,
        wrap_end=frozenset(template_key(k) for k in closures.get("wrap_end", ())),
        markers=markers,
        entries=entries,
        template_re=re.compile(r"\{\{[ _]*(?:[Tt]emplate[ _]*:[ _]*)?(?:subst:|safesubst:)?"
                               r"[ _]*([^{}|\n]+?)[ _]*(?=\||\}\})"),
        stamp_before=width(before) - len(zone_left),
        stamp_after=width(after) - len(zone_right),
        unsigned_re=_template_start_re(unsigned) if unsigned else None,
        closure_re=_template_start_re([*wrap, *markers]) if wrap or markers else None,
        entry_re=re.compile(r"^([*#:]*)[ \t]*\{\{[ _]*(?:" + _alternation(entries)
                            + r")[ _]*\|[ _]*(?:1[ _]*=[ _]*)?([^{}|\n]+?)[ _]*(?:\||\}\})",
                            re.M) if entries else None,
        zone_literal=zone_left + next(iter(zones)) + zone_right if len(zones) == 1 else None,
    )


def _template_start_re(names: Iterable[str]) -> re.Pattern[str]:
    """``{{name`` (or ``{{subst:name``) for any of *names*; group 1 is the name as written."""
    return re.compile(r"\{\{[ _]*(?:subst:|safesubst:)?[ _]*(" + _alternation(names)
                      + r")[ _]*(?=\||\}\})")


def preset_names() -> list[str]:
    """The presets that ship with the bot."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_preset(name: str = "enwiki", directory: str | None = None) -> Preset:
    """Load, validate and compile the preset *name* (cached)."""
    folder = Path(directory) if directory else PRESET_DIR
    path = folder / f"{name}.yaml"
    if not path.exists():
        raise DataError(f"{name}.yaml: no such board preset in {folder} "
                        f"(known: {', '.join(preset_names())}).")
    raw = load_yaml(path, SCHEMA, what="board preset")
    if raw["name"] != name:
        raise DataError(f"{name}.yaml: entry top level, field 'name': says {raw['name']!r}, "
                        f"expected {name!r}.")
    return _compile(raw)
