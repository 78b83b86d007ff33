"""Write files so that an interrupted run leaves every file either old or new, never half-written.

Each file is written to a temporary file in its own folder (same file system), flushed and
synced, then moved over the target with :func:`os.replace`, which is atomic on POSIX and
Windows. :class:`StagedFiles` does this for several files at once: everything is written to
temporary files first, then all are moved into place in one short step during which
``SIGINT``, ``SIGTERM`` and ``SIGHUP`` are held back.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".szdata-tmp"


def _mode_for(target: Path) -> int:
    """The permissions a written file gets: the target's own when it exists (a file replaced
    keeps them), else what the user's umask gives a new file (as ``open`` would)."""
    try:
        st = os.lstat(target)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return stat.S_IMODE(st.st_mode)
    return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    """The process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


WRITE_PIECE = 1 << 20
"""The most one ``write`` call hands the kernel (1 MiB)."""


def write_in_pieces(fh: BinaryIO, data: bytes | memoryview) -> None:
    """Write all of ``data`` to the unbuffered file ``fh``, :data:`WRITE_PIECE` bytes at a time.

    One call per piece rather than one for the whole: on the Linux machines this project is
    measured on, one ``write`` of 15 MB into a new file took 36 ms and the same bytes in
    1 MiB pieces 3 ms (a build of 10,000 articles writes 60 MB: ``szdata add`` there spent
    0.125 s writing, then 0.015 s). A short write is resumed where it stopped.

    Examples
    --------
    >>> import io
    >>> out = io.BytesIO()
    >>> write_in_pieces(out, b"x" * (WRITE_PIECE + 5))
    >>> len(out.getvalue())
    1048581
    """
    view = memoryview(data).cast("B")
    at, end = 0, len(view)
    while at < end:
        written = fh.write(view[at : at + WRITE_PIECE])
        at += end - at if written is None else written


def _write_temp(target: Path, data: bytes, *, durable: bool = True) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes it private (0600); the file is the package's
            os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb", buffering=0) as fh:
            write_in_pieces(fh, data)
            if durable:
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return Path(name)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> atomic_write_bytes(p, b"a,b\\n")
    >>> p.read_bytes()
    b'a,b\\n'
    """
    target = Path(path)
    tmp = _write_temp(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` encoded as UTF-8 (LF line endings kept as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGINT, signal.SIGTERM}
    if hasattr(signal, "SIGHUP"):
        held.add(signal.SIGHUP)
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class StagedFiles:
    """Stage several file writes, then commit them together.

    Use as a context manager: files added with :meth:`write` go to temporary files; leaving
    the block without an error moves them all into place (in the order written) with signals
    held; an error, or an interruption before the commit, removes the temporary files and
    leaves the targets untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with StagedFiles() as staged:
    ...     staged.write(d / "a.txt", b"A")
    ...     staged.write(d / "b.txt", b"B")
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt', 'b.txt']
    """

    def __init__(self, *, durable: bool = True) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._durable = durable
        """Each file synced to disk before it is moved into place; ``False`` for the files of
        a temporary folder (a draft's), which no power cut needs to find whole."""

    def write(self, path: str | Path, data: bytes) -> None:
        """Stage ``data`` for ``path``."""
        target = Path(path)
        self._pending.append((_write_temp(target, data, durable=self._durable), target))

    def move(self, path: str | Path, source: str | Path) -> None:
        """Stage the file ``source`` (a temporary file of this process's, which nothing else
        writes) for ``path``: linked next to ``path`` and synced rather than copied, when
        both are on one file system; else its bytes are written."""
        target, source = Path(path), Path(source)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, tmp, follow_symlinks=False)
            os.chmod(tmp, _mode_for(target))  # the target's permissions, as a written file gets
            if self._durable:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError:  # another file system, or no links: the bytes are written
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            self.write(target, source.read_bytes())
            return
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._pending.append((tmp, target))

    @property
    def targets(self) -> list[Path]:
        """The files staged so far, in order."""
        return [target for _, target in self._pending]

    def discard(self) -> None:
        """Remove every temporary file; the targets stay as they were."""
        for tmp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._pending.clear()

    def commit(self) -> None:
        """Move every staged file into place, holding back interrupting signals meanwhile."""
        with _signals_held():
            for tmp, target in self._pending:
                os.replace(tmp, target)
            self._pending.clear()

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


TEMP_FOLDERS = ("", "schemas", "data")
"""Where a writer stages its files: next to each file it writes (the descriptor at the root,
the schemas, everything under ``data/``)."""


def leftover_temp_files(
    root: str | Path, *, walked: dict[str, list[tuple[str, str]]] | None = None
) -> list[str]:
    """The temporary files (``*.szdata-tmp``) in the package at ``root``, relative to it.

    A writer killed inside its commit window (``kill -9``, a power cut) leaves its staged
    files behind; an interrupted one (Ctrl-C, SIGTERM) removes them itself. The writing
    commands remove the leftovers when they take the package's lock
    (:func:`remove_leftover_temp_files`); ``szdata validate``, which takes no lock (a writer
    may be at work), reports them (``provenance.temp-file``). Git ignores them
    (``.gitignore``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> (root / "data" / ".figures.csv.x1y2.szdata-tmp").write_bytes(b"half")
    4
    >>> leftover_temp_files(root)
    ['data/.figures.csv.x1y2.szdata-tmp']

    ``walked``: what :func:`~szdata._disk._files.walk_folder` found in some of the folders
    already (by folder), not walked again (100,000 raw texts are a tenth of a second).
    """
    from szdata._disk._files import walk_folder

    base = Path(root)
    found: list[str] = []
    for folder in TEMP_FOLDERS:
        if folder:
            entries = (walked or {}).get(folder)
            if entries is None:
                entries = walk_folder(base, folder)
            found += [rel for rel, _ in entries if rel.endswith(TEMP_SUFFIX)]
        else:
            with contextlib.suppress(OSError):
                found += [n for n in os.listdir(base) if n.endswith(TEMP_SUFFIX)]
    return sorted(found)


def remove_leftover_temp_files(root: str | Path) -> list[str]:
    """Remove the leftovers :func:`leftover_temp_files` finds; call it holding the lock.

    Returns the files removed (relative to ``root``). A file that cannot be removed is
    left (and reported by ``szdata validate``).
    """
    removed = []
    for rel in leftover_temp_files(root):
        with contextlib.suppress(OSError):
            os.unlink(Path(root) / rel)
            removed.append(rel)
    return removed
