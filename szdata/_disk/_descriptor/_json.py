"""Read a JSON file of the package with limits: size, nesting depth, and strict JSON only.

``json.loads`` of an array nested 2,000 deep raises :class:`RecursionError`, and
``NaN``, ``Infinity`` or a number of 5,000 digits are not JSON (or not a number Python
reads). Each is a :class:`~szdata._core._errors.DescriptorError` naming the file.

Examples
--------
>>> json_path(("resources", 3, "schema"))
'resources[3].schema'
>>> json_path(())
'$'
>>> json_path(("fields", 0, "odd key"))
'fields[0]["odd key"]'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from szdata._core._errors import DescriptorError, PackageError

MAX_DEPTH = 64
"""The deepest nesting of arrays and objects accepted in a descriptor or a schema."""

MAX_DESCRIPTOR_BYTES = 512 * 1024 * 1024
"""The largest ``datapackage.json`` read (512 MiB; ``SZDATA_MAX_DESCRIPTOR_BYTES``
overrides it). A package of a million figures has a descriptor of about 100 MB."""

MAX_SCHEMA_BYTES = 4 * 1024 * 1024
"""The largest Table Schema file read (4 MiB; ``SZDATA_MAX_SCHEMA_BYTES`` overrides it)."""

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def json_path(parts: Iterable[Any]) -> str:
    """A JSON path written as a person reads it: ``resources[3].schema``, ``$`` for the top."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out or "$"


def _not_json(value: str) -> Any:
    raise ValueError(f"{value} is not JSON (JSON has no NaN or Infinity)")


class _DuplicateKey(ValueError):
    """A key printed twice in one JSON object."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        shown = json.dumps(key, ensure_ascii=False)
        raise _DuplicateKey(f"the key {shown} is printed twice in one object")
    return out


_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
"""A ``\\uD800``-``\\uDFFF`` escape that is not half of a pair: no character of UTF-8."""


def loads(data: bytes, file: str, *, strict: bool = True) -> Any:
    """Parse ``data``, the bytes of ``file``, as strict JSON, refusing what Python cannot read.

    ``strict`` also refuses what JSON allows but leaves ambiguous or unwritable: a key printed
    twice in one object (readers disagree on which one counts: Python keeps the last) and an
    escaped lone surrogate (``"\\ud800"``, which no UTF-8 file can hold). A descriptor whose
    bytes passed before is read without these two checks
    (:func:`szdata._disk._descriptor.check_package`).

    Examples
    --------
    >>> loads(b'{"a": [1]}', "x.json")
    {'a': [1]}
    >>> loads(b"[" * 2000 + b"]" * 2000, "x.json")
    Traceback (most recent call last):
    ...
    szdata._core._errors.DescriptorError: x.json: $: is nested deeper than Python can read ...
    >>> loads(b'{"a": 1, "a": 2}', "x.json")
    Traceback (most recent call last):
    ...
    szdata._core._errors.DescriptorError: x.json: $: is not valid JSON: the key "a" is printed ...
    """
    if data.startswith(b"\xef\xbb\xbf"):  # as Notepad writes; RFC 8259 forbids it
        raise DescriptorError(
            file,
            "$",
            "starts with a byte-order mark, which JSON does not allow (frictionless and "
            "Python's json refuse it too)",
            hint="re-save the file as UTF-8 without a byte-order mark",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(file, "$", f"is not UTF-8 ({exc})") from None
    if strict and "\\u" in text and (m := _LONE_SURROGATE.search(text)) is not None:
        raise DescriptorError(
            file,
            "$",
            f"is not valid JSON: {m.group()[-6:]} escapes half a UTF-16 pair "
            "(a lone surrogate), which is no character",
            hint="write the character itself, or both halves of its pair",
        )
    try:
        if strict:
            return json.loads(text, parse_constant=_not_json, object_pairs_hook=_unique_keys)
        return json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise DescriptorError(
            file, "$", f"is nested deeper than Python can read (the limit is {MAX_DEPTH} levels)"
        ) from None
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            file, "$", f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:  # NaN, Infinity; an integer of more than 4,300 digits
        raise DescriptorError(file, "$", f"is not valid JSON: {exc}") from None


def read_json(root: Path, rel: str, *, limit_bytes: int, variable: str) -> Any:
    """The parsed JSON file ``root/rel``: a regular file inside the package, size-limited.

    ``variable`` is the environment variable that raises the limit, named in the refusal.
    """
    return read_json_data(root, rel, limit_bytes=limit_bytes, variable=variable)[1]


def read_json_data(root: Path, rel: str, *, limit_bytes: int, variable: str) -> tuple[bytes, Any]:
    """The bytes of the JSON file ``root/rel`` and its parsed value (see :func:`read_json`)."""
    data = read_json_bytes(root, rel, limit_bytes=limit_bytes, variable=variable)
    return data, loads(data, rel)


def read_json_bytes(root: Path, rel: str, *, limit_bytes: int, variable: str) -> bytes:
    """The bytes of the JSON file ``root/rel``, read as :func:`read_json` reads them."""
    from szdata._disk._files import read_file

    hint = f"a descriptor or a Table Schema is small; set {variable} to read a larger one"
    try:
        data = read_file(root, rel, limit=limit_bytes, limit_hint=hint)
    except DescriptorError:
        raise
    except PackageError as exc:  # a link, a pipe, a folder, too large
        raise DescriptorError(rel, "$", str(exc)) from None
    return data


def check_depth(value: Any, file: str, base: tuple[Any, ...] = (), *, depth: int = 0) -> None:
    """Refuse ``value`` (found at ``base``, ``depth`` levels down) if nested past :data:`MAX_DEPTH`.

    Walked with a stack, not recursion, so that no depth crashes the walk itself.

    Examples
    --------
    >>> check_depth({"a": [[1]]}, "x.json")
    >>> check_depth({"a": [[[[1]]]]}, "x.json", depth=MAX_DEPTH - 3)
    Traceback (most recent call last):
    ...
    szdata._core._errors.DescriptorError: x.json: a[0][0]: is nested more than 64 levels deep ...
    """
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(value, depth, base)]
    while stack:
        node, level, where = stack.pop()
        if isinstance(node, dict):
            items: Iterable[tuple[Any, Any]] = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if level >= MAX_DEPTH:
            shown = json_path(where[:12]) + ("[…]" if len(where) > 12 else "")
            raise DescriptorError(
                file,
                shown,
                f"is nested more than {MAX_DEPTH} levels deep",
                hint="a descriptor or a Table Schema needs a handful of levels",
            )
        for key, child in items:
            if isinstance(child, (dict, list)):
                stack.append((child, level + 1, (*where, key)))
