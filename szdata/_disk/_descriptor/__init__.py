"""The descriptor and the Table Schemas, checked before szdata uses them.

:func:`szdata._disk._package.open_package`, which every command and function goes through,
calls :func:`check_package`. Each subject has its module:

- :mod:`~szdata._disk._descriptor._json`: size limits, nesting depth, strict JSON;
- :mod:`~szdata._disk._descriptor._profile`: the Data Package v2 and Table Schema v2 profiles,
  shipped in ``profiles/`` (offline), run with :mod:`jsonschema`;
- :mod:`~szdata._disk._descriptor._resources`: the tables and raw texts szdata knows;
- :mod:`~szdata._disk._descriptor._schemas`: what szdata reads of a Table Schema, foreign keys.

Every refusal is a :class:`~szdata._core._errors.DescriptorError` (exit status 2) naming the file
and the JSON path, as ``datapackage.json: resources[3].type: ...``. The checks run in
order and all of them run: none is skipped because another could not run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from szdata._disk._descriptor._json import (
    MAX_DEPTH,
    MAX_DESCRIPTOR_BYTES,
    MAX_SCHEMA_BYTES,
    read_json_data,
)
from szdata._disk._limits import limit

__all__ = [
    "MAX_DEPTH",
    "MAX_DESCRIPTOR_BYTES",
    "MAX_SCHEMA_BYTES",
    "check_package",
    "opened_from",
    "printed",
]


def check_package(root: Path, rel: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read and check the descriptor ``root/rel`` and every table's schema.

    Returns
    -------
    tuple
        The descriptor, and each table's Table Schema (parsed) by table name.

    Raises
    ------
    DescriptorError
        The first rule broken, naming the file and the JSON path.
    PackageError
        A file that cannot be read (a link, a pipe, missing, too large).
    """
    from szdata._disk._descriptor._json import loads, read_json_bytes
    from szdata._disk._descriptor._profile import check_descriptor_profile, check_schema_profile
    from szdata._disk._descriptor._resources import (
        check_paths_safe,
        check_resources,
        check_sources,
        check_table_files,
    )
    from szdata._disk._descriptor._schemas import check_references, check_schema

    variable = "SZDATA_MAX_DESCRIPTOR_BYTES"
    data = read_json_bytes(
        root, rel, limit_bytes=limit(variable, MAX_DESCRIPTOR_BYTES), variable=variable
    )
    schema_limit = limit("SZDATA_MAX_SCHEMA_BYTES", MAX_SCHEMA_BYTES)
    known = _checked_before(root, rel, data, schema_limit)
    if known is not None:
        return known
    verdict = _Verdict("descriptor", data)
    # duplicate keys and lone surrogates: decided by the bytes, checked until they pass once
    # (a descriptor this process printed from its objects holds neither); a descriptor a
    # build printed with its objects is not parsed again
    descriptor, checked = _printed_object(data)
    if descriptor is None:
        descriptor = loads(data, rel, strict=not verdict.passed and not _printed_here(data))
    read: dict[str, bytes] = {}

    def document() -> None:  # what the descriptor's bytes alone decide, in this order
        check_paths_safe(descriptor, rel)
        check_descriptor_profile(descriptor, rel, checked=checked)
        check_resources(descriptor, rel, None)
        check_sources(descriptor, rel)

    _once(verdict, document)
    check_table_files(descriptor, rel, root)  # what the files on disk decide: every time
    found: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {}
    for i, res in enumerate(descriptor["resources"]):
        if res.get("type") != "table":
            continue
        ref = res["schema"]
        if isinstance(ref, str):
            file, base = _schema_file(root, ref, rel, i, res["name"]), ()
            schema_data, schema = read_json_data(
                root, file, limit_bytes=schema_limit, variable="SZDATA_MAX_SCHEMA_BYTES"
            )
            read[file] = schema_data
            _once(
                _Verdict("schema", schema_data),
                functools.partial(check_schema_profile, schema, file, base),
            )
        else:
            file, base, schema = rel, ("resources", i, "schema"), ref
            check_schema_profile(schema, file, base)
        check_schema(schema, file, base)
        found[res["name"]] = (file, base, schema)
    check_references(found)
    result = descriptor, {name: schema for name, (_, _, schema) in found.items()}
    if len(data) <= _REMEMBERED_BYTES:
        _CHECKED[:] = [(rel, data, read, result), *_CHECKED[: _REMEMBERED - 1]]
    return result


_REMEMBERED = 2
"""How many checked descriptors a process keeps (a command opens its package and its draft)."""

_REMEMBERED_BYTES = 32 << 20
"""The largest descriptor a process keeps the bytes of (32 MiB: 40,000 articles). A larger
one is checked each time it is opened rather than held twice in memory."""

_CHECKED: list[tuple[str, bytes, dict[str, bytes], Any]] = []
"""The descriptors this process checked and passed, newest first: the name, its bytes, the
bytes of each schema file it read, and what :func:`check_package` returned."""


def _checked_before(
    root: Path, rel: str, data: bytes, schema_limit: int
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """What :func:`check_package` returned for these very descriptor bytes, when the schema
    files under ``root`` are the bytes it read then: every check of the documents passed
    already, in this process. Only the files the descriptor names are looked at again (they
    can differ under another ``root``, or have changed). ``None``: check it all.

    A command opens its package, then a draft copy of it, then the draft again after each
    change: at 10,000 articles the descriptor is 8 MB, parsed and checked in about 60 ms.
    The result is shared, read-only (as every caller uses a package's descriptor).
    """
    from szdata._core._errors import SzdataError
    from szdata._disk._descriptor._resources import check_table_files
    from szdata._disk._files import read_file

    for name, before, schemas, result in _CHECKED:
        if name != rel or before != data:
            continue
        try:
            for file, schema_data in schemas.items():
                if read_file(root, file, limit=schema_limit) != schema_data:
                    return None
        except (OSError, SzdataError):  # a schema gone or unreadable: the whole check says why
            return None
        check_table_files(result[0], rel, root)
        return result
    return None


_PRINTED: set[bytes] = set()
"""The SHA-256 of the descriptors this process printed (:func:`printed`)."""

_PRINTED_OBJECTS: list[tuple[bytes, dict[str, Any], dict[str, set[int]]]] = []
"""The last descriptors printed with their objects (newest first, as many as
:data:`_REMEMBERED`): the SHA-256, the object, the positions of its entries checked."""


def printed(
    data: bytes,
    descriptor: dict[str, Any] | None = None,
    checked: dict[str, set[int]] | None = None,
) -> None:
    """Record that this process printed the descriptor ``data`` (a build): a key printed
    twice or a lone surrogate cannot be in it, since a dict holds a key once, no UTF-8
    encoding holds a lone surrogate, and the entries a build keeps as the committed
    descriptor prints them were read strictly when it was opened (or had passed before).

    ``descriptor``: what ``json.loads(data)`` gives, built with the bytes, so that opening
    ``data`` parses nothing; ``checked``: the positions in its ``resources`` and
    ``sources`` of entries that are entries of a descriptor this process opened and
    checked (:func:`opened_from`), which the profile does not check again (a build of some
    articles keeps the other 10,000 articles' entries). Every other check runs as for any
    descriptor. Only the last few objects are kept (a loop of builds holds no more)."""
    import hashlib

    digest = hashlib.sha256(data).digest()
    _PRINTED.add(digest)
    if descriptor is not None:
        kept = [entry for entry in _PRINTED_OBJECTS if entry[0] != digest]
        _PRINTED_OBJECTS[:] = [(digest, descriptor, checked or {}), *kept[: _REMEMBERED - 1]]


def _printed_here(data: bytes) -> bool:
    if not _PRINTED:
        return False
    import hashlib

    return hashlib.sha256(data).digest() in _PRINTED


def _printed_object(data: bytes) -> tuple[dict[str, Any] | None, dict[str, set[int]]]:
    if not _PRINTED_OBJECTS:
        return None, {}
    import hashlib

    digest = hashlib.sha256(data).digest()
    for known, descriptor, checked in _PRINTED_OBJECTS:
        if known == digest:
            return descriptor, checked
    return None, {}


def opened_from(data: bytes) -> dict[str, Any] | None:
    """The descriptor this process opened and checked from these very bytes (shared,
    read-only), if it still holds it."""
    for _name, before, _schemas, result in _CHECKED:
        if before == data:
            return result[0]
    return None


class _Verdict:
    """Whether a document's bytes passed :func:`_once`'s checks before (the cache asked once:
    the key is the SHA-256 of a descriptor of up to 100 MB)."""

    def __init__(self, kind: str, data: bytes) -> None:
        from szdata._disk import _cache

        self.key = None
        if _cache.cache_dir() is not None:
            self.key = _cache.digest("profile-verdict", _profile_version(), kind, data)
        self.passed = self.key is not None and _cache.get("verdicts", self.key) == b"ok"

    def remember(self) -> None:
        """Record that the bytes passed."""
        from szdata._disk import _cache

        if self.key is not None:
            _cache.put("verdicts", self.key, b"ok")


def _once(verdict: _Verdict, check: Callable[[], None]) -> None:
    """Run the ``check`` of a document's bytes unless these very bytes passed it before.

    The verdict is cached by the SHA-256 of the bytes, the profiles and the checking code
    (:mod:`szdata._disk._cache`), so that a command does not import :mod:`jsonschema` and
    check 100,000 resources again while the descriptor and schemas are unchanged: the
    profile, and for the descriptor everything its bytes alone decide (safe paths, the
    resources szdata knows, web addresses, strict JSON). What the files on disk decide is
    checked every time. Only a pass is remembered: a refusal is found again, with its
    message, every time.
    """
    if verdict.passed:
        return
    check()
    verdict.remember()


@functools.cache
def _profile_version() -> str:
    """The digest of what a verdict of :func:`_once` depends on besides the document: the
    shipped profiles and the code of the checks."""
    from szdata._core import _address
    from szdata._disk import _cache, _paths
    from szdata._disk._descriptor._profile import PROFILES, _profile_text

    here = Path(__file__).parent
    code = [(here / f).read_bytes() for f in ("__init__.py", "_profile.py", "_json.py")]
    code += [(here / "_resources.py").read_bytes()]
    code += [Path(m.__file__).read_bytes() for m in (_paths, _address) if m.__file__]
    return _cache.digest(*code, *(_profile_text(name) for name in PROFILES))


def _schema_file(root: Path, ref: str, rel: str, i: int, name: str) -> str:
    """The schema path ``ref`` of ``resources[i]``, refused if unsafe or missing."""
    from szdata._core._errors import DescriptorError, PackageError
    from szdata._disk._files import regular_file
    from szdata._disk._paths import check_relative_path

    where = f"resources[{i}].schema"
    try:
        check_relative_path(ref, what=f"the schema of resource {name!r}")
    except PackageError as exc:
        raise DescriptorError(rel, where, str(exc)) from None
    try:
        exists = regular_file(root, ref)
    except PackageError as exc:  # a link, a folder, a pipe
        raise DescriptorError(rel, where, str(exc)) from None
    if not exists:
        raise DescriptorError(
            rel, where, f"the schema of resource {name!r} is missing: {root / ref}"
        )
    return ref
