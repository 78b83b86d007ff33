"""The rows of the curated vocabularies the parser reads: organizations, aliases and units.

Read once per state of the files (their modification time and size), through the one CSV
reader. :class:`~szdata._parse._registry.Registry` and
:class:`~szdata._parse._quantities.UnitWords` are built from these rows; each keeps one object
per state, so that the caches keyed by them hit.

Examples
--------
>>> rows = curated_rows()
>>> "count" in {r["unit"] for r in rows.units}
True
>>> curated_rows() is rows
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from szdata._disk._package import Package

CURATED = ("organizations", "aliases", "units")
"""The curated tables the parser's vocabularies are read from."""


@dataclass(frozen=True, eq=False)
class CuratedRows:
    """The non-blank rows of the three curated tables, as text."""

    organizations: tuple[dict[str, str], ...]
    aliases: tuple[dict[str, str], ...]
    units: tuple[dict[str, str], ...]


def curated_rows(package: Package | None = None) -> CuratedRows:
    """The curated rows of ``package`` (default: the installed package), cached per file state.

    Raises
    ------
    PackageError
        When a curated file is malformed (its header, or its CSV syntax).
    """
    pkg = package if package is not None else _installed()
    root, rels, headers, paths = _plan(pkg)
    stamps = tuple(_stamp(path) for path in paths)
    return _read(root, rels, headers, stamps)


_Plan = tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]
_PLANS: dict[int, tuple[Package, _Plan]] = {}


def _plan(pkg: Package) -> _Plan:
    """The root, files, headers and full paths of the curated tables of one opened package
    (asked of it once: a parse asks for the registry every time)."""
    known = _PLANS.get(id(pkg))
    if known is not None and known[0] is pkg:
        return known[1]
    rels = tuple(pkg.resource(n)["path"] for n in CURATED)
    headers = tuple(tuple(pkg.schema(n).field_names) for n in CURATED)
    plan = (str(pkg.root), rels, headers, tuple(os.path.join(pkg.root, rel) for rel in rels))
    if len(_PLANS) >= 8:
        _PLANS.clear()
    _PLANS[id(pkg)] = (pkg, plan)  # the package is kept: its id is not reused meanwhile
    return plan


def _stamp(path: str) -> tuple[int, int]:
    try:
        info = os.lstat(path)
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=1)
def _installed() -> Package:
    """The installed package (its descriptor is read once)."""
    from szdata._disk._package import open_package

    return open_package()


@lru_cache(maxsize=8)
def _read(
    root: str,
    rels: tuple[str, ...],
    headers: tuple[tuple[str, ...], ...],
    stamps: tuple[tuple[int, int], ...],
) -> CuratedRows:
    from szdata._disk._readers import read_csv

    orgs, aliases, units = (
        tuple(
            r
            for r in read_csv(root, rel).check(list(h)).records()
            if any(v.strip() for v in r.values())
        )
        for rel, h in zip(rels, headers, strict=True)
    )
    return _interned(CuratedRows(organizations=orgs, aliases=aliases, units=units))


_INTERNED: dict[tuple[object, ...], CuratedRows] = {}


def _interned(rows: CuratedRows) -> CuratedRows:
    """The one object of rows with this content in this process.

    A draft is a copy of its package in another folder, with the same curated files: its
    rows are then the package's object, so the registry and the parser's regexes built for
    the package serve the draft too (compiling them again cost 35-40 ms of every ``add``,
    ``review`` and ``correct``).

    Examples
    --------
    >>> a = CuratedRows(organizations=({"name": "X"},), aliases=(), units=())
    >>> b = CuratedRows(organizations=({"name": "X"},), aliases=(), units=())
    >>> _interned(a) is _interned(b)
    True
    """
    key = tuple(
        tuple(tuple(row.items()) for row in table)
        for table in (rows.organizations, rows.aliases, rows.units)
    )
    found = _INTERNED.get(key)
    if found is None:
        if len(_INTERNED) >= 8:
            _INTERNED.clear()
        found = _INTERNED[key] = rows
    return found
