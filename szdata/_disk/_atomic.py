"""Write files so that an interrupted run leaves every file either old or new, never half-written.

Each file is written to a temporary file in its own folder (same file system), flushed and
synced, then moved over the target with :func:`os.replace`, which is atomic on POSIX and
Windows. :class:`StagedFiles` does this for several files at once: everything is written to
temporary files first, then all are moved into place in one short step during which
``SIGINT``, ``SIGTERM`` and ``SIGHUP`` are held back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".szdata-tmp"


def _write_temp(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
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

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def write(self, path: str | Path, data: bytes) -> None:
        """Stage ``data`` for ``path``."""
        target = Path(path)
        self._pending.append((_write_temp(target, data), target))

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
