"""One writer at a time: a lock on the package folder for every command that writes it.

``add``, ``correct``, ``review`` and ``build`` read the package, compute new files and
write them; two of them running at once would each write what it computed from the same
old files, and one's rows would be lost. :func:`package_lock` makes them take turns: it
takes an exclusive, advisory lock on ``<package>/.szdata.lock`` (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows), released when the block ends or the process dies. A second
writer waits up to ``timeout`` seconds, then gives up with :class:`~szdata.LockTimeout`
naming the command that holds the lock. Readers (``validate``, ``load``) take no lock: every
file is replaced atomically, so they see the old files or the new ones. A writer that takes
the lock first removes the temporary files a killed writer left behind
(:func:`szdata._disk._atomic.remove_leftover_temp_files`).

The lock is re-entrant within a process (``review`` rebuilds under the lock it holds).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with package_lock(root, command="build"):
...     with package_lock(root, command="build"):  # the same process may take it again
...         (root / LOCK_FILE).is_file()
True
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from szdata._core._errors import LockTimeout, UsageError

LOCK_FILE = ".szdata.lock"
DEFAULT_TIMEOUT = 10.0
"""Seconds a second writer waits for the first one (``SZDATA_LOCK_TIMEOUT`` overrides)."""
_POLL = 0.05

_held: dict[str, tuple[int, int]] = {}  # resolved root -> (fd, depth), this process
_guard = threading.Lock()


def _timeout(timeout: float | None) -> float:
    """The seconds to wait: ``timeout``, else ``SZDATA_LOCK_TIMEOUT``, else the default.

    Raises
    ------
    UsageError
        When ``SZDATA_LOCK_TIMEOUT`` is not a number of seconds from 0 (``nan``, ``inf``,
        ``-1`` and ``abc`` are refused, as every ``SZDATA_*`` setting is: exit status 2).
    """
    if timeout is not None:
        return timeout
    value = os.environ.get("SZDATA_LOCK_TIMEOUT")
    if value is None:
        return DEFAULT_TIMEOUT
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", value):  # as numbers are written in tables
        raise UsageError(
            f"SZDATA_LOCK_TIMEOUT={value!r} is not a number of seconds from 0 "
            f"(e.g. {DEFAULT_TIMEOUT:g})"
        )
    seconds = float(value)
    return seconds


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows CI job
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "another szdata command"
    return text[:200] or "another szdata command"


def _clean_leftovers(folder: Path) -> None:
    """Remove the temporary files a killed writer left (no writer is at work: we hold the
    lock); a package that cannot be listed is left to the command to refuse."""
    from szdata._core._errors import PackageError
    from szdata._disk._atomic import remove_leftover_temp_files

    with contextlib.suppress(PackageError, OSError):
        remove_leftover_temp_files(folder)


@contextlib.contextmanager
def package_lock(root: str | Path, *, command: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the package's write lock for the block (waiting up to ``timeout`` seconds).

    Parameters
    ----------
    root
        The package folder.
    command
        What takes the lock (``"add"``), shown to a writer that has to wait.
    timeout
        Seconds to wait for another writer; default :data:`DEFAULT_TIMEOUT` or the
        ``SZDATA_LOCK_TIMEOUT`` environment variable.

    Raises
    ------
    LockTimeout
        When another process holds the lock for longer than ``timeout``.
    """
    folder = Path(root).resolve()
    key = str(folder)
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    path = folder / LOCK_FILE
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        from szdata._core._errors import PackageError

        raise PackageError(
            f"cannot take the write lock {path}: {exc.strerror} (hint: the package folder must "
            "be writable, and .szdata.lock must be a plain file)"
        ) from None
    try:
        deadline = time.monotonic() + _timeout(timeout)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"the package at {folder} is being written by {_holder(path)}; waited "
                    f"{_timeout(timeout):g} s (hint: wait for it to finish and run "
                    "`szdata " + command + "` again; set SZDATA_LOCK_TIMEOUT to wait longer)"
                )
            time.sleep(_POLL)
        note = f"`szdata {command}` (process {os.getpid()})".encode()
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, note, 0) if hasattr(os, "pwrite") else os.write(fd, note)
        with _guard:
            _held[key] = (fd, 1)
        _clean_leftovers(folder)
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)
