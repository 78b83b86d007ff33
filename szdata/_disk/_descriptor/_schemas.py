"""The Table Schemas as szdata reads them, checked before any table is read.

After the Table Schema v2 profile (:func:`szdata._disk._descriptor._profile.check_schema_profile`)
these rules refuse, naming the file and the JSON path:

- two fields of one name;
- a type or format szdata does not read (:data:`szdata._schemas._dtypes.SUPPORTED_TYPES`;
  formats: ``default``, and ``uri`` for strings), a property or constraint szdata does
  not check (:data:`FIELD_KEYS`, :data:`CONSTRAINTS`, :data:`SCHEMA_KEYS`) — a rule is
  never silently skipped — and ``missingValues`` other than ``[""]``;
- a ``pattern`` that is not a regular expression, a bound that is not a value of the
  field's type, an ``enum`` value of another type;
- a primary key or foreign key naming a field that does not exist, a foreign key to a
  table szdata does not know, or to fields that table does not have.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from szdata._core._errors import DescriptorError
from szdata._disk._descriptor._json import json_path

SCHEMA_KEYS = frozenset(
    {"$schema", "title", "description", "fields", "primaryKey", "foreignKeys", "missingValues"}
)
"""The Table Schema properties szdata reads."""
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FIELD_KEYS = frozenset({"name", "type", "title", "description", "example", "format", "constraints"})
"""The field properties szdata reads."""
CONSTRAINTS = frozenset(
    {"required", "unique", "enum", "minimum", "maximum", "pattern", "minLength", "maxLength"}
)
"""The field constraints szdata checks (``szdata validate``'s structural layer)."""
FORMATS: dict[str, tuple[str, ...]] = {"string": ("default", "uri")}
"""The formats szdata reads, per type (``default`` for every other type)."""

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "date": (str,),
}


def check_schema(schema: dict[str, Any], file: str, base: tuple[Any, ...] = ()) -> None:
    """Refuse a Table Schema (passed the profile) that szdata cannot read as it says."""

    def fail(parts: tuple[Any, ...], message: str, hint: str = "") -> DescriptorError:
        return DescriptorError(file, json_path((*base, *parts)), message, hint=hint)

    for key in schema:
        if key not in SCHEMA_KEYS:
            raise fail((key,), _unread("Table Schema property", key, SCHEMA_KEYS))
    if schema.get("missingValues", [""]) != [""]:
        raise fail(
            ("missingValues",),
            f"szdata reads only the empty cell as missing, not {schema['missingValues']!r}",
            hint='use "missingValues": [""]',
        )
    fields = schema["fields"]
    seen: dict[str, int] = {}
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise fail(("fields", i), "a field is an object with a string name")
        if _NAME_CONTROL.search(f["name"]):
            raise fail(
                ("fields", i, "name"),
                f"{f['name']!r} is not a column name: it holds a control character "
                "(a NUL byte, a line break), which no CSV header, database or file format keeps",
                hint="name the column with printable characters",
            )
        if f["name"] in seen:
            raise fail(
                ("fields", i, "name"),
                f"{f['name']!r} is also the name of fields[{seen[f['name']]}]",
                hint="every column has its own name",
            )
        seen[f["name"]] = i
        _check_field(f, ("fields", i), fail)
    _check_keys(schema, set(seen), fail)


def _unread(what: str, key: str, known: frozenset[str]) -> str:
    return (
        f"szdata does not read the {what} {key!r}, so it would not check it "
        f"(it reads {', '.join(sorted(known))})"
    )


def _check_field(f: dict[str, Any], at: tuple[Any, ...], fail: Any) -> None:
    from szdata._schemas._dtypes import SUPPORTED_TYPES

    for key in f:
        if key not in FIELD_KEYS:
            raise fail((*at, key), _unread("field property", key, FIELD_KEYS))
    ftype = f.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        raise fail(
            (*at, "type"),
            f"type {ftype!r} is not one szdata reads ({', '.join(SUPPORTED_TYPES)})",
        )
    fmt = f.get("format", "default")
    if fmt not in FORMATS.get(ftype, ("default",)):
        raise fail(
            (*at, "format"),
            f"format {fmt!r} of a {ftype} is not one szdata reads "
            f"({', '.join(FORMATS.get(ftype, ('default',)))})",
        )
    constraints = f.get("constraints", {})
    if not isinstance(constraints, dict):
        raise fail((*at, "constraints"), "constraints are an object")
    for key, value in constraints.items():
        where = (*at, "constraints", key)
        if key not in CONSTRAINTS:
            raise fail(where, _unread("constraint", key, CONSTRAINTS))
        if key in ("required", "unique") and type(value) is not bool:
            raise fail(where, f"{key} is true or false, not {value!r}")
        elif key in ("minLength", "maxLength") and (type(value) is not int or value < 0):
            raise fail(where, f"{key} is a whole number of characters, not {value!r}")
        elif key == "pattern":
            _check_pattern(value, where, fail)
        elif key in ("minimum", "maximum"):
            _check_value(ftype, value, where, fail)
        elif key == "enum":
            if not isinstance(value, list) or not value:
                raise fail(where, f"enum is a non-empty list of values, not {value!r}")
            for j, item in enumerate(value):
                _check_value(ftype, item, (*where, j), fail)


def _check_pattern(value: Any, where: tuple[Any, ...], fail: Any) -> None:
    if not isinstance(value, str):
        raise fail(where, f"a pattern is a regular expression (a string), not {value!r}")
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        raise fail(where, f"{value!r} is not a regular expression: {exc}") from None
    construct = unportable(value)
    if construct:
        raise fail(
            where,
            f"{value!r} uses {construct}, which the Rust regex engine of polars and pydantic "
            "(szdata's validate, load and models) does not support",
            hint="write it without lookaround, backreferences, atomic groups or \\Z",
        )


_UNPORTABLE = {
    "(?=": "a lookahead",
    "(?!": "a negative lookahead",
    "(?<=": "a lookbehind",
    "(?<!": "a negative lookbehind",
    "(?>": "an atomic group",
    "(?P=": "a named backreference",
    "(?(": "a conditional",
}


def unportable(pattern: str) -> str:
    """The first construct of ``pattern`` outside the common subset of Python's and Rust's
    regular expressions ("" when there is none).

    Examples
    --------
    >>> unportable(r"[a-z0-9][a-z0-9_-]{0,63}\\.f(0|[1-9][0-9]*)")
    ''
    >>> unportable(r"(a)\\1"), unportable(r"a(?=b)"), unportable(r"a++"), unportable(r"[(?=]")
    ('a backreference', 'a lookahead', 'a possessive quantifier', '')
    """
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt.isdigit() and nxt != "0":
                return "a backreference"
            if nxt == "Z":
                return "\\Z (Rust writes \\z)"
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # a leading ] is a literal
        elif c == "(":
            for start, what in _UNPORTABLE.items():
                if pattern.startswith(start, i):
                    return what
        elif c in "*+?}" and pattern[i + 1 : i + 2] == "+":
            return "a possessive quantifier"
        i += 1
    return ""


def _check_value(ftype: str, value: Any, where: tuple[Any, ...], fail: Any) -> None:
    """Refuse a bound or enum value that is not a value of the field's type."""
    kinds = _PYTHON_TYPES[ftype]
    ok = isinstance(value, kinds) and (ftype == "boolean" or type(value) is not bool)
    if ok and ftype == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            ok = False
    if ok and ftype == "number" and value != value:  # NaN
        ok = False
    if not ok:
        shown = "an ISO date (YYYY-MM-DD)" if ftype == "date" else f"a {ftype}"
        raise fail(where, f"{value!r} is not {shown}, the field's type")


def _check_keys(schema: dict[str, Any], names: set[str], fail: Any) -> None:
    pk = schema.get("primaryKey", [])
    for j, name in enumerate([pk] if isinstance(pk, str) else pk):
        if name not in names:
            where = ("primaryKey",) if isinstance(pk, str) else ("primaryKey", j)
            raise fail(where, f"the primary key names {name!r}, which is not a field")
    for i, fk in enumerate(schema.get("foreignKeys", [])):
        local = fk["fields"]
        for j, name in enumerate([local] if isinstance(local, str) else local):
            if name not in names:
                where = ("foreignKeys", i, "fields", *(() if isinstance(local, str) else (j,)))
                raise fail(where, f"the foreign key names {name!r}, which is not a field")


def check_references(schemas: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
    """Refuse foreign keys to tables szdata does not know, or to fields those do not have.

    ``schemas`` maps each table to ``(file, base path, schema)``, every schema checked.
    """
    for table, (file, base, schema) in schemas.items():
        for i, fk in enumerate(schema.get("foreignKeys", [])):
            ref = fk["reference"]
            target = ref.get("resource") or table
            at = (*base, "foreignKeys", i, "reference")
            if target not in schemas:
                raise DescriptorError(
                    file,
                    json_path((*at, "resource")),
                    f"the foreign key refers to {target!r}, which is not a table of the package "
                    f"({', '.join(schemas)})",
                )
            names = {f["name"] for f in schemas[target][2]["fields"]}
            ref_fields = ref["fields"]
            listed = [ref_fields] if isinstance(ref_fields, str) else ref_fields
            local = fk["fields"]
            count = len([local] if isinstance(local, str) else local)
            if len(listed) != count:
                raise DescriptorError(
                    file,
                    json_path((*at, "fields")),
                    f"the reference names {len(listed)} field(s) for the foreign key's {count}: "
                    "they pair up one to one",
                )
            for j, name in enumerate(listed):
                if name not in names:
                    where = (*at, "fields", *(() if isinstance(ref_fields, str) else (j,)))
                    raise DescriptorError(
                        file,
                        json_path(where),
                        f"the foreign key refers to {target}.{name}, which is not a field of "
                        f"{target!r}",
                    )
