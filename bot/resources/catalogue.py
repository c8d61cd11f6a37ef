"""The canonical source of support resources: loading, validating, selecting.

The source is ``bot/data/resources/resources.yaml`` by default; a JSON page on a wiki
can feed :func:`parse_resources` instead.  JSON Schema checks the shape
(``resources.schema.json``); this module adds what a schema cannot: phone numbers
valid for their region (``phonenumbers``), region codes that exist, real dates not in
the future, unique ids.  Every error names the file, the entry and the field, so a
bad source is rejected before any page is edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import phonenumbers
from phonenumbers import shortnumberinfo

from bot.datafiles import DATA_DIR, read_schema, read_yaml, validate
from bot.errors import DataError, UsageError

RESOURCES_DIR = DATA_DIR / "resources"
DEFAULT_PATH = RESOURCES_DIR / "resources.yaml"
SCHEMA_PATH = RESOURCES_DIR / "resources.schema.json"

# Page order: what someone in danger needs first comes first.
KINDS = ("emergency", "wikimedia-contact", "crisis-line", "mental-health",
         "victim-support", "legal-aid", "online-harassment")
INTERNATIONAL = "international"
MANY_LANGUAGES = "mul"
FALLBACK_LANGUAGE = "en"


def is_country_code(code: str) -> bool:
    """Whether *code* is an ISO 3166-1 country code known to ``phonenumbers`` (exact case:
    ``"DE"`` is one, ``"de"`` and ``"international"`` are not)."""
    return code in phonenumbers.SUPPORTED_REGIONS


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


def localise(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """Text for *lang* and the language it is really in (English when missing).

    ``de-formal`` falls back to ``de`` before English.
    """
    for code in (lang, lang.split("-")[0], FALLBACK_LANGUAGE):
        if code in texts:
            return texts[code], code
    code = next(iter(texts))
    return texts[code], code


@dataclass(frozen=True)
class Phone:
    """A number as people dial it, with the ``tel:`` target built from it."""

    number: str
    dial: str  # digits with '+' for international numbers: safe in a tel: URL
    region: str | None = None
    note: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __hash__(self) -> int:
        return hash((self.number, self.region))


@dataclass(frozen=True)
class Resource:
    """One support resource from the canonical source (immutable)."""

    id: str
    kind: str
    names: Mapping[str, str]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    source: str
    last_verified: dt.date
    descriptions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    url: str | None = None
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    hours: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    free: bool | None = None
    directory: bool = False

    def __hash__(self) -> int:
        return hash((self.id, self.last_verified))

    @property
    def international(self) -> bool:
        return INTERNATIONAL in self.regions

    def name(self, lang: str) -> tuple[str, str]:
        """The name for *lang* and the language it is in."""
        return localise(self.names, lang)

    def description(self, lang: str) -> tuple[str, str] | None:
        return localise(self.descriptions, lang) if self.descriptions else None

    def serves_language(self, lang: str) -> bool:
        return (MANY_LANGUAGES in self.languages or lang in self.languages
                or lang.split("-")[0] in self.languages)

    def serves_region(self, region: str) -> bool:
        return self.international or region.upper() in self.regions

    def age_days(self, today: dt.date | None = None) -> int:
        return ((today or dt.date.today()) - self.last_verified).days


@dataclass(frozen=True)
class Catalogue:
    """The whole source: resources and page wording per language."""

    resources: tuple[Resource, ...]
    labels: Mapping[str, Mapping[str, Any]]

    def labels_for(self, lang: str) -> dict[str, Any]:
        """All wording for *lang*, English filling the gaps key by key."""
        english = self.labels[FALLBACK_LANGUAGE]
        chosen = dict(self.labels.get(lang.split("-")[0], {}))
        chosen.update(self.labels.get(lang, {}))
        merged: dict[str, Any] = {}
        for key, value in english.items():
            if isinstance(value, Mapping):
                merged[key] = {**value, **chosen.get(key, {})}
            else:
                merged[key] = chosen.get(key, value)
        return merged


def _fail(file: str, index: int, field_name: str, message: str) -> DataError:
    return DataError(f"{file}: entry resources[{index}], field '{field_name}': {message}.")


def _phone(raw: Mapping[str, Any], regions: tuple[str, ...], file: str, index: int,
           position: int) -> Phone:
    where = f"contact.phones[{position}].number"
    number = raw["number"]
    region = raw.get("region")
    if number.startswith("+"):
        check_regions: tuple[str | None, ...] = (None,)
    elif region:
        check_regions = (region,)
    else:
        # A short code without its own region must work in every region of the entry.
        check_regions = tuple(r for r in regions if r != INTERNATIONAL)
        if not check_regions:
            raise _fail(file, index, where, "a number without '+' needs a 'region'")
    dial = ""
    for check in check_regions:
        try:
            parsed = phonenumbers.parse(number, check)
        except phonenumbers.NumberParseException as exc:
            raise _fail(file, index, where, f"not a phone number ({exc})") from None
        valid = phonenumbers.is_valid_number(parsed)
        short = (not valid and check is not None
                 and shortnumberinfo.is_valid_short_number_for_region(parsed, check))
        if not (valid or short or raw.get("format_exception")):
            place = f"in {check}" if check else "anywhere"
            raise _fail(file, index, where,
                        f"{number!r} is not a valid number {place} (check the digits and "
                        f"the region, or add a sourced 'format_exception')")
        if valid and check is None and INTERNATIONAL not in regions:
            # A full international number must belong to a region the entry serves.
            home = phonenumbers.region_code_for_number(parsed)
            if home not in regions:
                raise _fail(file, index, where, f"{number!r} is a number in {home}, which "
                                                f"is not among the entry's regions")
        if valid:
            dial = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        else:  # short codes are dialled as they are, inside their region
            dial = str(parsed.national_number)
    return Phone(number=number, dial=dial, region=region,
                 note=_frozen(raw.get("note")))


def _date(text: str, file: str, index: int, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(file, index, "last_verified", f"{text!r} is not a real date") from None
    if day > today:
        raise _fail(file, index, "last_verified", f"{text} is in the future")
    return day


def _resource(raw: Mapping[str, Any], file: str, index: int, today: dt.date) -> Resource:
    regions = tuple(raw["regions"])
    for position, region in enumerate(regions):
        if region != INTERNATIONAL and not is_country_code(region):
            raise _fail(file, index, f"regions[{position}]",
                        f"{region!r} is not an ISO 3166-1 country code")
    contact = raw["contact"]
    phones = tuple(_phone(p, regions, file, index, i)
                   for i, p in enumerate(contact.get("phones", ())))
    return Resource(
        id=raw["id"], kind=raw["kind"], names=_frozen(raw["name"]),
        descriptions=_frozen(raw.get("description")), regions=regions,
        languages=tuple(raw["languages"]), url=contact.get("url"), phones=phones,
        email=contact.get("email"), hours=_frozen(contact.get("hours")),
        free=raw.get("free"), directory=bool(raw.get("directory", False)),
        source=raw["source"], last_verified=_date(raw["last_verified"], file, index, today),
    )


def parse_catalogue(data: Any, file: str = "resources", *,
                    today: dt.date | None = None) -> Catalogue:
    """Validate already-read source data (a YAML file or a wiki's JSON page).

    *file* names the source in error messages.
    """
    validate(data, read_schema(str(SCHEMA_PATH)), file)
    today = today or dt.date.today()
    seen: dict[str, int] = {}
    resources = []
    for index, raw in enumerate(data["resources"]):
        if raw["id"] in seen:
            raise _fail(file, index, "id", f"{raw['id']!r} is already used by "
                                           f"resources[{seen[raw['id']]}]")
        seen[raw["id"]] = index
        resources.append(_resource(raw, file, index, today))
    labels = {lang: MappingProxyType(dict(value)) for lang, value in data["labels"].items()}
    return Catalogue(resources=tuple(resources), labels=MappingProxyType(labels))


def load_catalogue(path: str | Path | None = None, *,
                   today: dt.date | None = None) -> Catalogue:
    """Read and validate the source file (default: the repository's resources.yaml)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    return parse_catalogue(read_yaml(path, "resource list"), path.name, today=today)


def load_resources(path: str | Path | None = None) -> tuple[Resource, ...]:
    """The validated resources of the source file at *path* (default: the repository's)."""
    return load_catalogue(path).resources


def select(resources: Iterable[Resource], *, lang: str, region: str | None = None,
           kinds: Iterable[str] | None = None) -> list[Resource]:
    """Resources for a page or reply in *lang* for *region*, in page order.

    A resource is chosen when it serves the region (or is international; no *region*
    means every region) and the language (``mul`` serves all), and its kind is in
    *kinds* (``None``: all).  Emergency contacts ignore *kinds* and the language:
    the way to help in danger is never filtered out.  Order: by kind as in
    :data:`KINDS`, then resources of the region before international ones, then name.

    *region* is a country code in any case (``de`` is ``DE``) or ``international``;
    anything else is a :class:`~bot.errors.UsageError`, as is an unknown kind.
    """
    if (region is not None and region.lower() != INTERNATIONAL
            and not (region.isascii() and is_country_code(region.upper()))):
        raise UsageError(f"{region!r} is not a country code (ISO 3166-1, like US, GB or DE)")
    wanted = set(kinds) if kinds is not None else None
    unknown = (wanted or set()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown resource kind(s): {', '.join(sorted(unknown))}")
    chosen = []
    for resource in resources:
        if region is not None and not resource.serves_region(region):
            continue
        if resource.kind != "emergency":
            if wanted is not None and resource.kind not in wanted:
                continue
            if not resource.serves_language(lang):
                continue
        chosen.append(resource)
    return sorted(chosen, key=lambda r: (KINDS.index(r.kind), r.international,
                                         r.name(lang)[0].casefold(), r.id))


def stale(resources: Iterable[Resource], *, max_age_days: int,
          today: dt.date | None = None) -> list[Resource]:
    """Resources whose ``last_verified`` is older than *max_age_days*, oldest first."""
    old = [r for r in resources if r.age_days(today) > max_age_days]
    return sorted(old, key=lambda r: (r.last_verified, r.id))
