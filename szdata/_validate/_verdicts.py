"""The report of a package whose every file was validated before, byte for byte, reused.

A report depends on the files :func:`szdata.validate` reads (the descriptor, the Table
Schemas, the tables and the raw texts), on what else is in the package's folders (a raw
text no article lists, a temporary file: :func:`_listing`), on the code (szdata's and
polars'), on the day (no date may be in the future), on ``--strict`` and on the
``SZDATA_*`` limits. A rule that reads anything else must add it here. After a
validation, :func:`remember` stores the report in the cache (:mod:`szdata._disk._cache`)
under the digest of all of these but the files, with the list of the files read and the
digest of their bytes; :func:`recall` gives it back only when every one of those files has
the same bytes again. So an unchanged package is validated again in the time it takes to
read and hash its files; a change of any byte validates it all again. ``--base`` (git) is
never cached, and ``SZDATA_NO_CACHE=1`` (CI) turns the cache off.

Examples
--------
>>> from szdata._disk._package import open_package
>>> pkg = open_package()
>>> _key(pkg.root, strict=False) != _key(pkg.root, strict=True)  # per --strict, per day, ...
True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szdata._disk import _cache
from szdata._validate._report import Issue, Report

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._validate._load import Context

_KIND = "reports"
_NOT_INPUTS = frozenset({"SZDATA_CACHE_DIR", "SZDATA_NO_CACHE", "SZDATA_DEBUG"})


@functools.cache
def _code_version() -> str:
    """The digest of szdata's code and shipped profiles, and of the libraries it runs on."""
    from importlib.metadata import PackageNotFoundError, version

    here = Path(__file__).resolve().parents[1]
    files = sorted(p for p in here.rglob("*") if p.suffix in (".py", ".json") and p.is_file())
    libraries = []
    for name in ("polars", "jsonschema"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} -")
    h = hashlib.sha256()
    for f in files:
        h.update(_cache.digest(str(f.relative_to(here)), f.read_bytes()).encode())
    return _cache.digest(h.hexdigest(), platform.python_version(), *libraries)


def _key(root: Path, strict: bool) -> str | None:
    from szdata._disk._files import read_files

    (descriptor,) = read_files(root, ["datapackage.json"], missing_ok=True)
    if descriptor is None:
        return None
    limits = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("SZDATA_") and k not in _NOT_INPUTS
    )
    return _cache.digest(
        "report",
        _code_version(),
        dt.date.today().isoformat(),
        "strict" if strict else "",
        json.dumps(limits),
        descriptor,
    )


def _files_digest(root: Path, files: list[str], known: dict[str, str] | None = None) -> str | None:
    """The digest of the SHA-256 of each file (``known``: some already computed)."""
    known = known or {}
    todo = [f for f in files if f not in known]
    hashes: dict[str, str | None] = dict(known)
    try:
        hashes.update(zip(todo, _cache.file_sha256(root, todo), strict=True))
    except Exception:  # an unreadable file: validate, which says why
        return None
    if any(hashes[rel] is None for rel in files):
        return None
    listing = _listing(root)
    if listing is None:
        return None
    return _cache.digest(*(f"{rel}\0{hashes[rel]}" for rel in files), listing)


def _listing(root: Path) -> str | None:
    """The digest of what is on disk besides the files read: every entry under ``data/`` and
    ``schemas/`` with its kind, and the temporary files at the root (what the rules on the
    package's folder read: ``provenance.raw-unlisted``, ``provenance.temp-file``, ...)."""
    from szdata._disk._atomic import TEMP_SUFFIX
    from szdata._disk._files import walk_folder

    try:
        parts = [
            f"{rel}\0{kind}"
            for folder in ("data", "schemas")
            for rel, kind in walk_folder(root, folder)
        ]
        parts += sorted(n for n in os.listdir(root) if n.endswith(TEMP_SUFFIX))
    except Exception:  # a folder that cannot be listed: validate, which says why
        return None
    return _cache.digest(*parts)


def recall(root: Path, *, strict: bool) -> Report | None:
    """The report of the package at ``root`` if its very files were validated before; else
    ``None``. The package need not be opened: the descriptor's bytes are in the key, so a
    report is only ever stored for bytes that opened (and their checks passed)."""
    from szdata._core._errors import SzdataError

    if _cache.cache_dir() is None:  # SZDATA_NO_CACHE: not even the key is worth its cost
        return None
    try:
        key = _key(root, strict)
    except SzdataError:  # a descriptor that cannot be read: opening the package says why
        return None
    data = None if key is None else _cache.get(_KIND, key)
    if data is None:
        return None
    try:
        entry = json.loads(data)
        files = entry["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return None
        if _files_digest(root, files) != entry["digest"]:
            return None
        report = entry["report"]
        issues = [Issue(**i) for i in report["issues"]]
        summary = dict(report["package"])
        summary["root"] = str(root)  # the same files may be in another folder
        return Report(issues=issues, package=summary, strict=bool(report["strict"]))
    except (ValueError, KeyError, TypeError):
        return None


def remember(package: Package, ctx: Context, report: Report) -> None:
    """Store ``report`` under the digest of everything it depends on (see the module)."""
    if _cache.cache_dir() is None:
        return
    key = _key(package.root, report.strict)
    if key is None:
        return
    files = {"datapackage.json"}
    for name in package.table_names():
        res = package.resource(name)
        files.add(res["path"])
        if isinstance(res.get("schema"), str):
            files.add(res["schema"])
    for res in package.descriptor.get("resources", []):
        if isinstance(res.get("path"), str):
            files.add(res["path"])
    known: dict[str, str] = {}  # the SHA-256 the validation computed as it read them
    for table in ctx.tables.values():
        if table.sha256:
            known[table.file] = table.sha256
    if ctx.raw_facts is not None:
        for rel, digest in zip(ctx.raw_facts[0], ctx.raw_facts[2], strict=True):
            if isinstance(rel, str) and digest is not None:
                files.add(rel)
                known[rel] = digest
    ordered = sorted(files)
    digest = _files_digest(package.root, ordered, known)
    if digest is None:
        return
    entry: dict[str, Any] = {"files": ordered, "digest": digest, "report": report.to_dict()}
    _cache.put(_KIND, key, json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8"))


def _all_files(package: Package) -> list[str]:
    """Every file validation reads: the descriptor, schemas, tables and listed raw texts."""
    files = {"datapackage.json"}
    for name in package.table_names():
        res = package.resource(name)
        if isinstance(res.get("schema"), str):
            files.add(res["schema"])
    for res in package.descriptor.get("resources", []):
        if isinstance(res.get("path"), str):
            files.add(res["path"])
    return sorted(files)


def known_clean(package: Package) -> bool:
    """Whether ``package``, byte for byte, is known to have no error (today, by this code).

    From a report :func:`remember` stored (with no error), or a pass :func:`remember_clean`
    recorded. The files are read and hashed to know.
    """
    key = _key(package.root, strict=False)
    if key is None:
        return False
    for kind in ("clean", _KIND):
        data = _cache.get(kind, key)
        if data is None:
            continue
        try:
            entry = json.loads(data)
            files = entry["files"]
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                continue
            if kind == _KIND and entry["report"]["errors"] != 0:
                continue
            if _files_digest(package.root, files) == entry["digest"]:
                return True
        except (ValueError, KeyError, TypeError):
            continue
    return False


def remember_clean(package: Package, known: dict[str, str] | None = None) -> None:
    """Record that ``package``, byte for byte, has no error (a draft validated as a change
    of a package known clean, :func:`szdata._validate.validate_articles`)."""
    if _cache.cache_dir() is None:
        return
    key = _key(package.root, strict=False)
    if key is None:
        return
    files = _all_files(package)
    digest = _files_digest(package.root, files, known)
    if digest is not None:
        entry = {"files": files, "digest": digest}
        _cache.put("clean", key, json.dumps(entry).encode("utf-8"))
