"""Loading data files (rules, presets, resources, corpora): YAML checked by JSON Schema.

Every data file the bot reads goes through :func:`load_yaml`, so a mistake in one gets
the same kind of message everywhere: the file, the entry and the field, in one line.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

from bot.errors import DataError, UsageError

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[a-z]+)?")   # "en", "de", "zh-hans"


def language_file(folder: str | Path, lang: object, what: str) -> Path:
    """``<folder>/<lang>.yaml``, the *what* (e.g. "reply rules") for language *lang*.

    A value that is no language code, or a language without a file, is the caller's
    mistake: a UsageError naming the languages the folder has.
    """
    folder = Path(folder)
    path = folder / f"{lang}.yaml" if isinstance(lang, str) else folder
    if not isinstance(lang, str) or not LANGUAGE_RE.fullmatch(lang) or not path.is_file():
        available = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
        raise UsageError(f"there are no {what} for language {lang!r}: no {path.name} in "
                         f"{folder} (available: {available}).")
    return path


class _StringLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates stay strings for the schema."""


_StringLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def read_yaml(path: str | Path, what: str = "data file") -> Any:
    """Parse one YAML file; a missing file or bad syntax is a :class:`DataError`."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StringLoader)
    except FileNotFoundError:
        raise DataError(f"{path.name}: the {what} is missing from {path.parent}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise DataError(f"{path.name}: entry at {where}, field (YAML syntax): "
                        f"{getattr(exc, 'problem', exc)}.") from None


def read_trained(path: str | Path) -> Any:
    """Parse a trained model's JSON file; a missing file (with how to make it) or bad
    syntax is a :class:`DataError`."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path.name}: the trained model is missing from {path.parent}; "
                        f"scripts/train_models.py makes it.") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path.name}: entry at line {exc.lineno}, field (JSON syntax): "
                        f"{exc.msg}.") from None


@lru_cache(maxsize=None)
def read_schema(path: str | Path) -> dict[str, Any]:
    """Read a JSON Schema file (cached: schemas do not change while we run)."""
    with Path(path).open(encoding="utf-8") as handle:
        return json.load(handle)


def validate(data: Any, schema: Mapping[str, Any], file: str,
             definition: str | None = None) -> None:
    """Raise :class:`DataError` naming file, entry and field for the best schema error.

    With *definition*, validate against ``$defs/<definition>`` of *schema*.
    """
    bulk: list[tuple[list[Any], list[Any], Mapping[str, Any]]] = []
    if definition is not None:
        schema = {"$schema": schema.get("$schema"), "$defs": schema["$defs"],
                  "$ref": f"#/$defs/{definition}"}
    else:
        data = _thinned(data, schema, [], bulk)
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        for path, values, item in bulk:
            _check_bulk(path, values, item, file)
        return
    _raise(list(error.absolute_path), error, file)


# A long list whose items have a plain schema (a string, a number with bounds) is checked
# in a loop of our own: jsonschema takes seconds over the hundreds of thousands of values
# of a learned model file.  The schema still sees its first item.
_BULK_AT = 64
_PLAIN_ITEM = {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
               "description"}
_PLAIN_LIST = {"type", "items", "description"}
_COMPOSED = {"$ref", "anyOf", "oneOf", "allOf", "if", "not", "patternProperties",
             "dependentSchemas", "unevaluatedProperties", "unevaluatedItems"}


def _thinned(data: Any, schema: Any, path: list[Any], bulk: list) -> Any:
    """*data* with each long list of plain items cut to its first item (recorded in
    *bulk* with its path and item schema); only where *schema* is plain properties,
    additionalProperties and items, so what stays is checked as before."""
    if not isinstance(schema, Mapping) or _COMPOSED & schema.keys():
        return data
    if isinstance(data, list):
        item = schema.get("items")
        if (len(data) > _BULK_AT and schema.keys() <= _PLAIN_LIST
                and isinstance(item, Mapping) and item.keys() <= _PLAIN_ITEM
                and item.get("type") in ("string", "number", "integer")):
            bulk.append((path, data, item))
            return data[:1]
        return data
    if isinstance(data, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {key: _thinned(value, properties[key] if key in properties else extra,
                              [*path, key], bulk)
                for key, value in data.items()}
    return data


def _check_bulk(path: list[Any], values: list[Any], item: Mapping[str, Any], file: str) -> None:
    """Check every value of a thinned list against its plain *item* schema."""
    kind = item["type"]
    for index, value in enumerate(values):
        if kind == "string":
            wrong = not isinstance(value, str)
        elif kind == "integer":
            wrong = not isinstance(value, int) or isinstance(value, bool)
        else:
            wrong = not isinstance(value, (int, float)) or isinstance(value, bool)
        if wrong:
            message = f"{value!r} is not of type '{kind}'"
        elif kind == "string":
            continue
        elif not math.isfinite(value):
            message = f"{value!r} is not a finite number"
        elif "minimum" in item and value < item["minimum"]:
            message = f"{value!r} is less than the minimum of {item['minimum']}"
        elif "maximum" in item and value > item["maximum"]:
            message = f"{value!r} is greater than the maximum of {item['maximum']}"
        elif "exclusiveMinimum" in item and value <= item["exclusiveMinimum"]:
            message = (f"{value!r} is less than or equal to the minimum of "
                       f"{item['exclusiveMinimum']}")
        elif "exclusiveMaximum" in item and value >= item["exclusiveMaximum"]:
            message = (f"{value!r} is greater than or equal to the maximum of "
                       f"{item['exclusiveMaximum']}")
        else:
            continue
        _raise([*path, index], None, file, message)


def _raise(path: list[Any], error: Any, file: str, message: str | None = None) -> None:
    """The :class:`DataError` for a schema error at *path* (the error's or *message*)."""
    # The entry is the deepest list item on the path; what lies below it is the field.
    last_index = max((i for i, part in enumerate(path) if isinstance(part, int)), default=-1)
    entry = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[:last_index + 1])
    entry = entry.lstrip(".") or "top level"
    field_name = ".".join(str(p) for p in path[last_index + 1:]) or "(the entry itself)"
    message = message or error.message
    message = message if len(message) <= 160 else message[:157] + "..."
    if error is not None and "propertyNames" in error.schema_path:
        # The error sits on the entry; the offending field is the instance itself.
        field_name, message = str(error.instance), "this kind of entry has no such field"
    raise DataError(f"{file}: entry {entry}, field '{field_name}': {message.rstrip('.')}.")


def load_yaml(path: str | Path, schema_path: str | Path, definition: str | None = None,
              what: str = "data file") -> Any:
    """Read *path* and validate it against the JSON Schema at *schema_path*."""
    path = Path(path)
    data = read_yaml(path, what)
    validate(data, read_schema(str(schema_path)), path.name, definition)
    return data
