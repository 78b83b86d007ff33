"""Change a package all at once or not at all: a draft copy, built and validated first.

``add``, ``correct`` and ``review`` change curated files and raw texts, rebuild the tables,
and must never leave the package invalid or half-written. :func:`draft` holds the
package's write lock (:mod:`szdata._disk._lock`) and gives a :class:`Draft`: a copy of the
package in a temporary folder (its raw texts read beneath it, from the package: see
:func:`~szdata._disk._files.underlay`).
The command writes its changes into the copy, builds it and validates it (every layer but
review); :meth:`Draft.commit` then moves every changed file into the package together
(:class:`~szdata._disk._atomic.StagedFiles`), while the lock is still held, so that no other
writer's rows are lost in between. Leaving the block on an error changes nothing.

Examples
--------
>>> import tempfile, pathlib, shutil
>>> from szdata._disk._package import default_root
>>> root = pathlib.Path(tempfile.mkdtemp()) / "pkg"
>>> _ = shutil.copytree(default_root(), root, ignore=shutil.ignore_patterns(
...     "szdata", "tests", ".*", "benchmarks", "docs", "*.md", "*.toml"))
>>> with draft(root, command="doctest") as d:
...     d.write("data/curation/units.csv", d.read("data/curation/units.csv"))
...     d.changed()
[]
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._disk._files import list_folder, read_file, read_files, underlay

if TYPE_CHECKING:
    from szdata._curate._build import BuildResult
    from szdata._disk._package import Package
    from szdata._validate import Report

RAW_DIR = "data/raw"
SCHEMAS_DIR = "schemas"
DESCRIPTOR = "datapackage.json"


@dataclass
class Draft:
    """A copy of a package to change, build and validate before any file of it changes."""

    root: Path
    """The package the draft will replace files of."""
    copy: Path
    """The draft's folder."""
    files: set[str] = field(default_factory=set)
    """Every file of the draft (relative), the ones written included."""
    _package: Package | None = field(default=None, repr=False)
    """The draft opened as a package, until a file of it is written."""
    written: set[str] = field(default_factory=set)
    """The files written into the draft (the others are the package's, byte for byte)."""
    _sha256: dict[str, str] = field(default_factory=dict, repr=False)
    """The SHA-256 of the files the last build wrote, by file, until a file is written again."""
    _taken: dict[str, str | None] = field(default_factory=dict, repr=False)
    """The SHA-256 of each file a build replaced, as the draft took it from the package."""
    _hashing: Callable[[], None] | None = field(default=None, repr=False)
    """Waits for the digests of the files the draft took from the package, computed in a
    thread from its start (:func:`~szdata._disk._cache.hash_ahead`) while the command
    reads its input: every check of the draft hashes them first."""

    def _hashed(self) -> None:
        """Wait until the digests of the files taken from the package are known."""
        if self._hashing is not None:
            self._hashing()
            self._hashing = None

    def read(self, rel: str) -> bytes:
        """The draft's bytes of ``rel``."""
        return read_file(self.copy, rel)

    def write(self, rel: str, data: bytes) -> None:
        """Write ``rel`` into the draft."""
        target = self.copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()  # a file is replaced, never written through
        target.write_bytes(data)
        self.files.add(rel)
        self.written.add(rel)
        self._sha256.pop(rel, None)
        self._package = None

    def package(self) -> Package:
        """The draft as a package (opened once, and again after a file is written)."""
        from szdata._disk._package import open_package

        if self._package is None:
            self._package = open_package(self.copy)
        return self._package

    def is_built(self) -> bool:
        """Whether the draft's committed tables are what the build produces (nothing written).

        A command that adds or corrects rows checks this first: otherwise its own changes
        could not be told apart from the ones a stale build would bring. The texts' parses
        may come from the parse cache (:mod:`szdata._curate._parses`); a difference is
        checked again without it, so that a stale or tampered cache never refuses a draft.
        First, a build of these very inputs may be known to give these files
        (:func:`~szdata._curate._build.known_built`): then nothing is built.
        """
        from szdata._curate._build import build_package

        if self.known_built():
            return True
        self._hashed()
        pkg = self.package()
        return (
            build_package(pkg, check=True, cache=True).ok
            or build_package(pkg, check=True, cache=False).ok
        )

    def known_built(self) -> bool:
        """Whether the draft's committed tables are known, from the cache of builds, to be
        what the build produces (:func:`~szdata._curate._build.known_built`); ``False``:
        build to know. The raw texts are hashed while the thread still reads the tables,
        which is waited for only before their digests are compared."""
        from szdata._curate._build import known_built

        return known_built(self.package(), before_tables=self._hashed)

    def build(self, touched: list[str] | None = None) -> BuildResult:
        """Rebuild the draft's tables (no lock: the draft is this process's own).

        ``touched``: the draft was built (:meth:`is_built`), then only files about these
        articles changed (their raw texts added, their review rows, decisions about their
        rows): only their rows are built again
        (:func:`~szdata._curate._build.build_touched`). Otherwise everything is built
        (without the parse cache: the rows written are never taken from it).
        """
        from szdata._curate._build import build_package, build_touched, built_files
        from szdata._disk._cache import file_sha256

        self._hashed()
        pkg = self.package()
        # as the package has them (hashed by is_built: known to this process)
        taken = [rel for rel in built_files(pkg) if rel not in self.written]
        self._taken.update(zip(taken, file_sha256(self.copy, taken), strict=True))
        # the draft is a temporary folder: its files need no syncing to disk
        result = build_touched(pkg, touched, durable=False) if touched else None
        if result is None:
            result = build_package(pkg, check=False, durable=False)
        self._package = None
        self.files.update(result.contents)
        self.written.update(result.changed)
        self._sha256 = dict(result.sha256)
        return result

    def known_valid(self) -> bool:
        """Whether the draft, as it is now, is known to have no error (before the command
        changes it): then :meth:`validate` may check only the articles it changes."""
        from szdata._validate._verdicts import known_clean

        self._hashed()
        return known_clean(self.package())

    def validate(self, touched: list[str] | None = None) -> Report:
        """Validate the draft, every layer; the caller decides which issues refuse it.

        ``touched``: the draft was :meth:`known_valid` before only the files about these
        articles changed: their rows are validated, and their keys against every row
        (:func:`szdata._validate.validate_articles`); a draft so found without error is
        recorded as such, for the next command.
        """
        from szdata._validate import validate, validate_articles

        self._hashed()
        if not touched:
            return validate(self.copy)
        report = validate_articles(self.package(), touched)
        if report.ok:
            from szdata._validate._verdicts import remember_clean

            remember_clean(self.package(), self._sha256)  # the files built, not hashed again
        return report

    def changed(self) -> list[str]:
        """The files of the draft whose bytes differ from the package's, sorted (only a file
        written into the draft can). A file the last build wrote is compared by its digest
        with the package's file as the draft took it (the lock held, no other command
        changed it since): 45 MB of tables are not read twice more."""
        out = []
        for rel in sorted(self.written):
            if rel in self._sha256 and self._taken.get(rel) is not None:
                same = self._taken[rel] == self._sha256[rel]
            else:
                (old,) = read_files(self.root, [rel], missing_ok=True)
                same = old == (self.copy / rel).read_bytes()
            if not same:
                out.append(rel)
        return out

    def commit(self) -> list[Path]:
        """Move every changed file into the package, together; the files written."""
        from szdata._disk._atomic import StagedFiles

        changed = self.changed()
        # raw texts first: every other file is derived from them (see szdata._disk._atomic)
        changed.sort(key=lambda rel: (not rel.startswith(RAW_DIR + "/"), rel))
        with StagedFiles() as staged:
            for rel in changed:  # the draft's own files: moved in, not copied
                staged.move(self.root / rel, self.copy / rel)
        return [self.root / rel for rel in changed]


def _linked(root: Path, real_root: str, rel: str, target: Path) -> bool:
    """Whether ``root/rel``, a regular file with no link on its way, was linked at
    ``target`` (``False``: copy it)."""
    source = os.path.join(root, rel)
    try:
        if os.path.realpath(source) != os.path.join(real_root, rel):
            return False  # a link on the way: read it, which refuses it
        if not stat.S_ISREG(os.lstat(source).st_mode):
            return False
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system, or links not allowed: copy
        return False
    return True


def _mirror(pkg: Package, dest: Path) -> set[str]:
    """Copy the package's descriptor, schemas and tables into ``dest``; the files of the draft.

    A regular file reached through no link is linked rather than copied (45 MB of tables at
    10,000 articles), when ``dest`` is on its file system: the draft never writes through a
    file, it replaces it (:meth:`Draft.write`, and the build's staged files), so the
    package's file is never changed by the draft. Anything else is read as every read in
    the package is, refusing a link, a pipe or a folder.

    The raw texts are not copied: the draft reads them beneath its own ``data/raw/``, from
    the package (:func:`~szdata._disk._files.underlay`), where they stay as they are for as
    long as the draft lives (the lock is held, and no command changes or removes a raw
    text). Every read of one refuses a link, a pipe or a folder as a read in the package
    does.
    """
    files: set[str] = set()
    real_root = os.path.realpath(pkg.root)

    def copy(rel: str) -> None:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _linked(pkg.root, real_root, rel, target):
            target.write_bytes(read_file(pkg.root, rel))
        files.add(rel)

    copy(DESCRIPTOR)
    for name in list_folder(pkg.root, SCHEMAS_DIR, suffix=".json"):
        copy(f"{SCHEMAS_DIR}/{name}")
    for name in pkg.table_names():
        copy(pkg.resource(name)["path"])
    (dest / RAW_DIR).mkdir(parents=True, exist_ok=True)
    files.update(f"{RAW_DIR}/{name}" for name in list_folder(pkg.root, RAW_DIR, suffix=".txt"))
    return files


@contextlib.contextmanager
def draft(root: str | Path, *, command: str) -> Iterator[Draft]:
    """A :class:`Draft` of the package at ``root``, under the package's write lock.

    Raises
    ------
    LockTimeout
        When another command holds the lock for too long.
    PackageError
        When the package cannot be read (a link where a file should be, ...).
    """
    from szdata._curate._build import ahead_of_build
    from szdata._disk._cache import forget_ahead, hash_ahead
    from szdata._disk._lock import package_lock
    from szdata._disk._package import open_package

    with package_lock(root, command=command):
        pkg = open_package(root)
        with tempfile.TemporaryDirectory(prefix=f"szdata-{command}-") as tmp:
            copy = Path(tmp) / "package"
            copy.mkdir()
            files = _mirror(pkg, copy)
            # the copy's descriptor and schemas are the package's, byte for byte: opened as
            # they were, in the copy
            opened = dataclasses.replace(pkg, root=copy.resolve())
            taken = sorted(f for f in files if not f.startswith(RAW_DIR + "/"))
            d = Draft(
                root=pkg.root,
                copy=copy,
                files=files,
                _package=opened,
                # the tables, read and hashed while the command reads its input, and what
                # a draft's build reads of them
                _hashing=hash_ahead(copy, taken, keep=ahead_of_build(opened)),
            )
            try:
                with underlay(copy, RAW_DIR, pkg.root):
                    yield d
            finally:
                d._hashed()  # before the folder is removed
                forget_ahead()
