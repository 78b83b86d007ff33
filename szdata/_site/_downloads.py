"""The site's downloads: a copy of the data package, and its exports when they can be built.

``package/`` holds the descriptor, every file it names (the tables' CSVs and the raw texts)
and the Table Schemas the tables point to, copied byte for byte at the same relative paths,
so the copy is itself a valid data package. ``exports/`` holds the SQLite database and the
Parquet files written by :func:`szdata.export`; they need the optional export extra, so they
are built only when its libraries are importable (or when asked for: then a missing library
is an error). Every link is relative, so the site works from a folder or from any server.

Examples
--------
>>> human_size(2364), human_size(5_301_000)
('2.3 KB', '5.1 MB')
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._core._errors import PackageError, SzdataError
from szdata._core._sizes import human_size
from szdata._site._data import Problem
from szdata._site._errors import SiteError

if TYPE_CHECKING:
    from szdata._disk._package import Package

PACKAGE_DIR = "package"
EXPORTS_DIR = "exports"
EXPORTS: tuple[tuple[str, str, str], ...] = (
    ("sqlite", "szdata.sqlite", "SQLite database"),
    ("parquet", "parquet", "Parquet"),
)
"""``(format, name in exports/, label)`` of the exports the site offers."""


@dataclass(frozen=True)
class Link:
    """A downloadable file: what it is, its address relative to the site root, its size."""

    label: str
    href: str
    size: str


@dataclass
class Downloads:
    """Every file the site offers, by what it belongs to."""

    descriptor: Link | None = None
    database: Link | None = None
    tables: dict[str, list[Link]] = field(default_factory=dict)
    raw: dict[str, Link] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def copy_package(pkg: Package, root: Path, problems: list[Problem]) -> Downloads:
    """Copy the package's descriptor, schemas, tables and raw texts into ``root/package/``."""
    out = Downloads()
    dest = root / PACKAGE_DIR
    descriptor = _copy(pkg, "datapackage.json", dest / "datapackage.json")
    out.descriptor = Link("datapackage.json", f"{PACKAGE_DIR}/datapackage.json", descriptor)
    tables = set(pkg.table_names())
    for res in pkg.descriptor.get("resources", []):
        name = str(res.get("name") or "")
        paths = [("data", res.get("path"))]
        if isinstance(res.get("schema"), str):
            paths.append(("schema", res["schema"]))
        for what, rel in paths:
            try:
                size = _copy(pkg, str(rel or ""), dest / str(rel), raw=name not in tables)
            except (PackageError, OSError) as exc:
                problems.append(
                    Problem(
                        "datapackage.json",
                        None,
                        what,
                        f"resource {name!r}: {rel!r} cannot be copied into the site ({exc})",
                        "every file the descriptor names must exist in the package",
                    )
                )
                continue
            href = f"{PACKAGE_DIR}/{rel}"
            if name in tables:
                label = "CSV" if what == "data" else "Table Schema"
                out.tables.setdefault(name, []).append(Link(label, href, size))
            elif what == "data":
                out.raw[str(rel)] = Link("raw text", href, size)
    return out


def add_exports(pkg: Package, root: Path, downloads: Downloads, *, required: bool) -> None:
    """Write the exports into ``root/exports/`` and link them from ``downloads``.

    Raises
    ------
    SiteError
        When ``required`` and a library of the export extra is missing.
    """
    folder = root / EXPORTS_DIR
    folder.mkdir()
    for fmt, name, label in EXPORTS:
        target = folder / name
        try:
            from szdata._export import export

            export(fmt, target, path=pkg.root)  # type: ignore[arg-type]
        except (ImportError, SzdataError) as exc:
            _remove(target)
            if _missing_library(exc):
                if required:
                    raise SiteError(
                        f"the {label} export needs a library that is not installed ({exc}); "
                        "hint: pip install 'szdata[export]', or build the site without --exports"
                    ) from None
                downloads.notes.append(
                    f"{label}: not built, a library of the export extra is missing ({exc}); "
                    "install it with pip install 'szdata[export]'"
                )
            else:
                downloads.notes.append(f"{label}: not built: {exc}")
            continue
        if target.is_dir():
            for part in sorted(target.glob("*.parquet")):
                href = f"{EXPORTS_DIR}/{name}/{part.name}"
                downloads.tables.setdefault(part.stem, []).append(
                    Link(label, href, human_size(part.stat().st_size))
                )
        else:
            downloads.database = Link(
                label, f"{EXPORTS_DIR}/{name}", human_size(target.stat().st_size)
            )
    if not any(folder.iterdir()):
        folder.rmdir()


def _missing_library(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ImportError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _copy(pkg: Package, rel: str, dst: Path, *, raw: bool = False) -> str:
    """Copy the package's file ``rel`` to ``dst``: a regular file inside the package, read
    without following links (a raw text within its size limit), never anything else.

    Raises
    ------
    PackageError
        When ``rel`` is unsafe, missing, a link, a pipe, a device, a folder, or too large.
    """
    from szdata._disk._files import max_raw_bytes, read_file

    data = read_file(pkg.root, rel, limit=max_raw_bytes() if raw else None)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return human_size(len(data))
