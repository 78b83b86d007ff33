"""Indented JSON, byte for byte what ``json.dumps(obj, indent=n, ensure_ascii=False)`` writes.

The standard library encodes indented JSON in pure Python, one generator step per value:
about 0.7 s for the report of a package of a million figures (100,000 articles in its
summary, every issue of a 1% broken copy). Reports are lists of flat records with the
same keys, so :func:`dumps_indented` renders each record from one template (values
encoded by the C string encoder) and is about three times faster. Anything else than
dicts with string keys, lists, strings, integers, floats, booleans and ``None`` makes it
hand the whole object to :func:`json.dumps`; a test compares both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any


class _Unsupported(Exception):
    """A value :func:`dumps_indented` leaves to :func:`json.dumps`."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _null(_value: None) -> str:
    return "null"


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: _bool,
    type(None): _null,
}


def _unsupported(value: object) -> str:
    raise _Unsupported(type(value).__name__)


class _Writer:
    def __init__(self, indent: int) -> None:
        self.indent = indent
        self.out: list[str] = []

    def pad(self, level: int) -> str:
        return "\n" + " " * (self.indent * level)

    def value(self, obj: object, level: int) -> None:
        scalar = _SCALARS.get(type(obj))
        if scalar is not None:
            self.out.append(scalar(obj))
        elif type(obj) is dict:
            self.mapping(obj, level)
        elif type(obj) is list:
            self.sequence(obj, level)
        else:
            raise _Unsupported(type(obj).__name__)

    def mapping(self, obj: dict[Any, Any], level: int) -> None:
        if not obj:
            self.out.append("{}")
            return
        inner, sep = self.pad(level + 1), "{"
        for key, item in obj.items():
            if type(key) is not str:
                raise _Unsupported("a key that is not a string")
            self.out.append(f"{sep}{inner}{encode_basestring(key)}: ")
            sep = ","
            self.value(item, level + 1)
        self.out.append(self.pad(level) + "}")

    def sequence(self, obj: list[Any], level: int) -> None:
        if not obj:
            self.out.append("[]")
            return
        inner, sep = self.pad(level + 1), "["
        if all(type(item) is dict and item for item in obj):
            self.records(obj, level + 1)
        else:
            for item in obj:
                self.out.append(sep + inner)
                sep = ","
                self.value(item, level + 1)
        self.out.append(self.pad(level) + "]")

    def records(self, rows: list[dict[Any, Any]], level: int) -> None:
        """Dicts: each from the template of its keys; a nested value (a list, a dict) is
        rendered on its own, once per object (rows often share one, as the licence list
        of 100,000 raw-text resources of a descriptor)."""
        keys: tuple[Any, ...] = ()
        template = ""
        inner, sep = self.pad(level), "["
        scalar = _SCALARS.get
        nested: dict[int, str] = {}
        flat = True

        def render(value: Any) -> str:
            encode = scalar(type(value))
            if encode is not None:
                return encode(value)
            known = nested.get(id(value))
            if known is None:
                sub = _Writer(self.indent)
                sub.value(value, level + 1)
                known = nested[id(value)] = "".join(sub.out)
            return known

        for row in rows:
            if tuple(row) != keys:
                keys = tuple(row)
                if not all(type(k) is str for k in keys):
                    raise _Unsupported("a key that is not a string")
                p = self.pad(level + 1).replace("%", "%%")
                fields = ",".join(f"{p}{encode_basestring(k).replace('%', '%%')}: %s" for k in keys)
                template = "{" + fields + self.pad(level) + "}"
                flat = True
            if flat:
                try:
                    cells = tuple([scalar(type(v), _unsupported)(v) for v in row.values()])
                except _Unsupported:  # a nested value: from now on, values rendered one by one
                    flat = False
            if not flat:
                cells = tuple(map(render, row.values()))
            self.out.append(sep + inner + template % cells)
            sep = ","


def dumps_indented(obj: Any, indent: int = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False, default=str)``, faster.

    Examples
    --------
    >>> print(dumps_indented({"ok": True, "issues": [{"row": 2, "value": None}]}))
    {
      "ok": true,
      "issues": [
        {
          "row": 2,
          "value": null
        }
      ]
    }
    >>> dumps_indented({"when": __import__("datetime").date(2020, 3, 20)})
    '{\\n  "when": "2020-03-20"\\n}'
    """
    writer = _Writer(indent)
    try:
        writer.value(obj, 0)
    except _Unsupported:
        return json.dumps(obj, indent=indent, ensure_ascii=False, default=str)
    return "".join(writer.out)
