"""The two sides of ``szdata diff``: the package at a git revision, or in the working tree.

A side is opened as every command opens a package (:func:`szdata._disk._package.open_package`:
the descriptor and the Table Schemas checked before anything is read), so a side whose
package cannot be read is refused the same way, its error naming the side
(``BASE origin/main (1a2b3c4d5e6f): datapackage.json: resources[3].path: ...``).

The working tree is read where it is. A revision is read from git, never checked out: its
``datapackage.json``, the Table Schemas it names and the tables the diff reads are streamed
out of git (:func:`szdata._disk._git.write_blobs`) into a temporary folder, removed when the
diff is done. The tables that are the same on both sides (git says which files changed) are
never read: an empty file stands in for them, so that the descriptor's checks, which want
every table to exist, pass; :meth:`Side.read` refuses to read a stand-in. Raw texts are not
copied: the diff reads only those that changed, straight from git or the disk.

Examples
--------
>>> import tempfile
>>> with open_sides(tempfile.mkdtemp(), "HEAD") as sides:  # doctest: +ELLIPSIS
...     pass
Traceback (most recent call last):
...
szdata._core._errors.UsageError: szdata diff: ... is not in a git repository ...
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._core._errors import PackageError, UsageError
from szdata._core._typing import TABLE_NAMES
from szdata._disk import _git
from szdata._disk._package import DESCRIPTOR, check_relative_path, open_package

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._disk._readers import CsvTable

WORKING_TREE = "the working tree"
"""How a side that is the working tree (``HEAD`` by default) is named."""

RAW_FOLDER = "data/raw"
"""The folder of the raw texts (``data/raw/*.txt``), relative to the package root."""


@dataclass
class Side:
    """One side of the diff: the package at a revision, or in the working tree.

    Parameters
    ----------
    name
        ``BASE`` or ``HEAD``, as the command line names the arguments.
    ref
        The revision as given (``origin/main``); ``None`` for the working tree.
    commit
        The commit ``ref`` names; ``None`` for the working tree.
    package
        The package, opened and checked.
    unread
        The tables not copied out of git (the same on both sides): never to be read.
    """

    name: str
    ref: str | None
    commit: str | None
    package: Package
    unread: frozenset[str] = frozenset()
    _tables: dict[str, CsvTable] = field(default_factory=dict, repr=False)

    def describe(self) -> str:
        """The side in words: ``BASE origin/main (1a2b3c4d5e6f)`` or ``HEAD (the working tree)``.

        Examples
        --------
        >>> Side("HEAD", None, None, None).describe()  # type: ignore[arg-type]
        'HEAD (the working tree)'
        >>> Side("BASE", "main", "1a2b3c4d5e6f7a8b", None).describe()  # type: ignore[arg-type]
        'BASE main (1a2b3c4d5e6f)'
        """
        if self.commit is None:
            return f"{self.name} ({WORKING_TREE})"
        return f"{self.name} {self.ref} ({self.commit[:12]})"

    def has(self, table: str) -> bool:
        """Whether the side's descriptor names the table."""
        return table in self.package.table_names()

    def path(self, table: str) -> str | None:
        """The table's file, relative to the package root (``None`` when it has none)."""
        if not self.has(table):
            return None
        return str(self.package.resource(table)["path"])

    def read(self, table: str) -> CsvTable:
        """The table as the one CSV reader reads it (cells as stored, issues kept, not raised).

        Raises
        ------
        PackageError
            When the file is not UTF-8 or cannot be read; the message names the side.
        """
        from szdata._disk._readers import read_table

        if table in self.unread:
            raise AssertionError(f"{self.name}: {table} was not copied out of git")
        if table not in self._tables:
            with named(self):
                self._tables[table] = read_table(self.package, table)
        return self._tables[table]

    def read_bytes(self, table: str) -> bytes:
        """The bytes of the table's file (a regular file inside the package).

        Raises
        ------
        PackageError
            When the file cannot be read; the message names the side.
        """
        from szdata._disk._files import read_file

        if table in self.unread:
            raise AssertionError(f"{self.name}: {table} was not copied out of git")
        with named(self):
            return read_file(self.package.root, str(self.package.resource(table)["path"]))


@contextlib.contextmanager
def named(side: Side | str) -> Iterator[None]:
    """Prefix the message of a :class:`~szdata.PackageError` or usage error with the side."""
    label = side if isinstance(side, str) else side.describe()
    try:
        yield
    except PackageError as exc:
        raise PackageError(f"{label}: {exc}") from None
    except UsageError as exc:
        raise UsageError(f"{label}: {exc}") from None


@dataclass(frozen=True)
class Sides:
    """Both sides, and the files that differ between them (paths relative to the root)."""

    base: Side
    head: Side
    changed: dict[str, str]
    """Path -> ``A`` (added), ``M`` (modified) or ``D`` (deleted), from ``base`` to ``head``."""
    root: Path
    """The package root in the working tree (where git runs)."""
    prefix: str = ""
    """The root's path inside the repository (``""`` at its top, else ending with ``/``)."""

    def raw_texts(self, side: Side, paths: list[str]) -> dict[str, bytes]:
        """The bytes of the raw texts ``paths`` that ``side`` has (one git call per side).

        Raises
        ------
        PackageError
            When a text of the working tree is not a regular file, or too large; the
            message names the side.
        """
        from szdata._disk._files import max_raw_bytes, read_files

        if not paths:
            return {}
        with named(side):
            if side.commit is None:
                for path in paths:
                    check_relative_path(path, what="a raw text")
                found = read_files(self.root, paths, limit=max_raw_bytes())
                return {p: data for p, data in zip(paths, found, strict=True) if data is not None}
            entries = _git.ls_tree(self.root, side.commit, self.prefix, paths, what=side.name)
            oids = sorted({e.oid for e in entries.values()})
            data = _git.blobs(self.root, oids, what=side.name)
            return {path: data[e.oid] for path, e in entries.items()}


@contextlib.contextmanager
def open_sides(root: str | Path, base: str | None, head: str | None = None) -> Iterator[Sides]:
    """Open both sides of a diff of the package at ``root`` (its folder in a git clone).

    Parameters
    ----------
    root
        The package's folder in the working tree of a git repository.
    base
        The revision compared with; ``None`` for :func:`szdata._disk._git.default_base`.
    head
        The revision compared; ``None`` for the working tree.

    Raises
    ------
    UsageError
        When ``root`` is not in a git repository, a revision is unknown, or there is no
        default base (exit status 2); the message names the side.
    PackageError
        When a side's package cannot be read (exit status 2); the message names the side.
    """
    root = Path(root).absolute()
    prefix = _git.prefix_of(root, what="szdata diff")
    if base is None:
        base = _git.default_base(root, what="BASE")
        if base is None:
            raise UsageError(
                f"BASE: no revision to compare with: {root} has neither "
                f"{_git.DEFAULT_UPSTREAM} nor a parent commit (hint: give one, e.g. "
                "`szdata diff HEAD`, or fetch the main branch: `git fetch origin main`)"
            )
    base_commit, _ = _git.resolve(root, base, what="BASE")
    head_commit = None if head is None else _git.resolve(root, head, what="HEAD")[0]
    with contextlib.ExitStack() as stack:
        base_rev = _Revision.start(stack, root, prefix, "BASE", base, base_commit)
        head_rev = None
        if head is not None and head_commit is not None:
            head_rev = _Revision.start(stack, root, prefix, "HEAD", head, head_commit)
            head_tables, head_schemas = head_rev.tables, head_rev.schemas
        else:
            head_tables, head_schemas = _descriptor_paths(_disk_descriptor(root))
        # only what the package is made of: never a virtual environment or a built site
        wanted = {DESCRIPTOR, RAW_FOLDER, *base_rev.tables.values(), *base_rev.schemas}
        wanted |= {*head_tables.values(), *head_schemas}
        changed = {
            c.path: c.status
            for c in _git.changed_paths(root, base_commit, head_commit, sorted(wanted), what="BASE")
        }
        same = {
            t
            for t, p in base_rev.tables.items()
            if head_tables.get(t) == p and p not in changed and t not in _ALWAYS
        }
        base_side = base_rev.open(same)
        if head_rev is not None:
            head_side = head_rev.open(same)
        else:
            with named(f"HEAD ({WORKING_TREE})"):
                head_side = Side("HEAD", None, None, open_package(root))
        yield Sides(base_side, head_side, changed, root, prefix)


def _disk_descriptor(root: Path) -> bytes:
    """The working tree's descriptor, or nothing when it cannot be read (opening says why)."""
    from szdata._disk._files import read_file

    try:
        return read_file(root, DESCRIPTOR)
    except PackageError:
        return b""


def _descriptor_paths(data: bytes) -> tuple[dict[str, str], list[str]]:
    """The tables' files and the schema files a descriptor names (safe paths only).

    A descriptor that is not JSON, or a path that is unsafe, gives nothing here: the
    package's own checks refuse it with their message when the side is opened.
    """
    try:
        descriptor = json.loads(data)
    except (ValueError, RecursionError):
        return {}, []
    tables: dict[str, str] = {}
    schemas: list[str] = []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, dict) or res.get("name") not in TABLE_NAMES:
            continue
        for key, into in (("path", None), ("schema", schemas)):
            value = res.get(key)
            if not isinstance(value, str):
                continue
            try:
                check_relative_path(value, what="a path")
            except PackageError:
                continue
            if into is None:
                tables[str(res["name"])] = value
            else:
                into.append(value)
    return tables, schemas


@dataclass
class _Revision:
    """A revision being copied out of git: its descriptor first, then what the diff reads."""

    root: Path
    prefix: str
    name: str
    ref: str
    commit: str
    tmp: Path
    tables: dict[str, str]
    schemas: list[str]

    @property
    def label(self) -> str:
        return f"{self.name} {self.ref} ({self.commit[:12]})"

    @classmethod
    def start(
        cls, stack: contextlib.ExitStack, root: Path, prefix: str, name: str, ref: str, commit: str
    ) -> _Revision:
        """Copy the revision's descriptor into a new temporary folder (removed by ``stack``)."""
        tmp = Path(tempfile.mkdtemp(prefix=f"szdata-diff-{name.lower()}-"))
        stack.callback(shutil.rmtree, tmp, True)
        with named(f"{name} {ref} ({commit[:12]})"):
            links: set[str] = set()
            found = _git.ls_tree(root, commit, prefix, [DESCRIPTOR], what=name, links=links)
            if links:
                raise PackageError(
                    f"{DESCRIPTOR} is a symbolic link at this revision; szdata reads no link "
                    "(hint: commit the file itself)"
                )
            if DESCRIPTOR not in found:
                raise PackageError(
                    f"no {DESCRIPTOR} in {prefix or 'the top folder'} at this revision "
                    "(hint: is it a revision of this package?)"
                )
            _git.write_blobs(root, {found[DESCRIPTOR].oid: tmp / DESCRIPTOR}, what=name)
        tables, schemas = _descriptor_paths((tmp / DESCRIPTOR).read_bytes())
        return cls(root, prefix, name, ref, commit, tmp, tables, schemas)

    def open(self, same: set[str]) -> Side:
        """Copy the schemas and tables (stand-ins for ``same``) out of git; open the package."""
        with named(self.label):
            wanted = [*self.tables.values(), *self.schemas]
            links: set[str] = set()
            files = _git.ls_tree(
                self.root, self.commit, self.prefix, wanted, what=self.name, links=links
            )
            if links:
                raise PackageError(
                    f"{sorted(links)[0]} is a symbolic link at this revision; szdata reads no "
                    "link (hint: commit the file itself)"
                )
            stand_ins = {self.tables[t] for t in same}
            targets: dict[str, list[Path]] = {}
            for rel in dict.fromkeys(wanted):
                if rel not in files:
                    continue  # missing at this revision: the package's checks say so
                dest = self.tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if rel in stand_ins:
                    dest.write_bytes(b"")  # the same on both sides: never read
                else:
                    targets.setdefault(files[rel].oid, []).append(dest)
            _write_all(self.root, targets, self.name)
            package = open_package(self.tmp)
        return Side(self.name, self.ref, self.commit, package, frozenset(same))


_ALWAYS = frozenset({"articles", "decisions"})
"""Tables read on both sides whatever changed: they name articles and explain changes."""


def _write_all(root: Path, targets: dict[str, list[Path]], what: str) -> None:
    """Write each blob into its files (a blob may be two files with the same bytes)."""
    first = {oid: paths[0] for oid, paths in targets.items()}
    _git.write_blobs(root, first, what=what)
    for paths in targets.values():
        for extra in paths[1:]:
            shutil.copyfile(paths[0], extra)


def sha256(data: bytes | None) -> str | None:
    """The SHA-256 of ``data`` (``None`` for no data).

    Examples
    --------
    >>> sha256(b"")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return None if data is None else hashlib.sha256(data).hexdigest()
