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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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
    rels = tuple(pkg.resource(n)["path"] for n in CURATED)
    stamps = tuple(_stamp(pkg.root / rel) for rel in rels)
    headers = tuple(tuple(pkg.schema(n).field_names) for n in CURATED)
    return _read(str(pkg.root), rels, headers, stamps)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.lstat()
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
    return CuratedRows(organizations=orgs, aliases=aliases, units=units)
