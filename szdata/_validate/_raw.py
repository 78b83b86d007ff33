"""Read the raw texts named by ``articles.raw_path``: bytes, SHA-256, and one text column.

A package of 100,000 articles has 100,000 raw texts, so the per-file work is kept to what
Python must do (open, read, hash) and the rest is vectorised: the texts go, a batch at a
time, into a polars ``Binary`` column, whose cast to ``String`` checks that every text is
UTF-8 at once. :class:`RawReader` does this in a background thread.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from szdata._core._errors import PackageError
from szdata._disk._paths import check_relative_path, surely_safe

if TYPE_CHECKING:
    import polars as pl


@dataclass
class RawFiles:
    """The raw texts of a list of paths, in the same order.

    ``texts`` is null, and ``sizes`` and ``digests`` ``None``, where there is no file.
    """

    texts: pl.Series
    sizes: list[int | None]
    digests: list[str | None]


_BATCH = 2048
"""Files read into Python bytes before they go into polars: the bytes of all the texts
never exist twice at once."""


def _utf8_error(path: str, content: bytes) -> PackageError | None:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return PackageError(
            f"{path} is not UTF-8: {exc.reason} at byte {exc.start} [text.utf8]; "
            "raw texts are kept as published in UTF-8"
        )
    return None


def _as_text(paths: list[str], batch: list[bytes | None]) -> pl.Series:
    """One batch of files as a ``String`` series.

    Raises
    ------
    PackageError
        Naming the first file of the batch that is not UTF-8.
    """
    import polars as pl

    try:
        return pl.Series(batch, dtype=pl.Binary).cast(pl.String)  # checks UTF-8 at once
    except pl.exceptions.PolarsError:
        pass
    for path, content in zip(paths, batch, strict=True):
        error = None if content is None else _utf8_error(path, content)
        if error is not None:
            raise error
    raise PackageError("a raw text is not UTF-8 [text.utf8]")  # pragma: no cover


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_READ = 1 << 16
"""Bytes asked for by the first read: a raw text is a few kilobytes, so that one read
usually gets it all, without asking the file system its size first."""


def _read_file(path: str) -> bytes | None:
    """The bytes of a regular file; ``None`` when there is no regular file at ``path``.

    ``O_NONBLOCK`` keeps a named pipe from blocking ``open``; the file's type is asked
    only when the first read is empty or full (a pipe, a device, a big file).
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise PackageError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        try:
            data = os.read(fd, _READ)
        except IsADirectoryError:
            return None
        if 0 < len(data) < _READ:  # a short read of a regular file is all of it
            return data
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except BlockingIOError:  # a pipe without data
        return None
    finally:
        os.close(fd)


def read_raw_files(root: str, paths: list[str], stop: threading.Event | None = None) -> RawFiles:
    """Read every file of ``paths`` (relative to ``root``), hash it and decode it.

    ``stop``, when set, ends the reading early (the result is then incomplete).

    Raises
    ------
    PackageError
        For the first path, in list order, that is unsafe (absolute, ``..``, ...), cannot
        be read, or is not UTF-8.

    Examples
    --------
    >>> from szdata._disk._package import open_package
    >>> pkg = open_package()
    >>> path = pkg.raw_resources()[0]["path"]
    >>> raw = read_raw_files(str(pkg.root), [path, "data/raw/none.txt"])
    >>> raw.texts.null_count(), raw.sizes[1], len(raw.digests[0])
    (1, None, 64)
    """
    import polars as pl

    sizes: list[int | None] = []
    digests: list[str | None] = []
    chunks: list[pl.Series] = []
    batch: list[bytes | None] = []
    sha256 = hashlib.sha256
    prefix = root.rstrip(os.sep) + os.sep
    checked = surely_safe(paths)  # else each path is checked as it comes
    for n, rel in enumerate(paths):
        if n % _BATCH == 0:
            if batch:
                chunks.append(_as_text(paths[n - len(batch) : n], batch))
                batch = []
            if stop is not None and stop.is_set():
                break
        try:
            content = _read_file(
                prefix + (rel if checked else check_relative_path(rel, what="the path"))
            )
        except PackageError:
            _as_text(paths[n - len(batch) : n], batch)  # an earlier file not UTF-8 comes first
            raise
        batch.append(content)
        sizes.append(None if content is None else len(content))
        digests.append(None if content is None else sha256(content).hexdigest())
    if batch:
        chunks.append(_as_text(paths[len(paths) - len(batch) :], batch))
    texts = pl.concat(chunks) if chunks else pl.Series(dtype=pl.String)
    return RawFiles(texts=texts, sizes=sizes, digests=digests)


class RawReader:
    """Reads raw texts in a background thread, while the tables are read and checked.

    The thread spends its time in system calls (open, read), which release the GIL, so
    that it overlaps with polars reading CSV files. :meth:`result` waits for it and
    raises what it raised; :meth:`cancel` stops it when validation ends early.

    Examples
    --------
    >>> from szdata._disk._package import open_package
    >>> pkg = open_package()
    >>> reader = RawReader(str(pkg.root), [pkg.raw_resources()[0]["path"]])
    >>> reader.result().texts.len()
    1
    """

    def __init__(self, root: str, paths: list[str]) -> None:
        self._stop = threading.Event()
        self._result: RawFiles | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(root, paths), name="szdata-raw-texts", daemon=True
        )
        self._thread.start()

    def _run(self, root: str, paths: list[str]) -> None:
        try:
            self._result = read_raw_files(root, paths, self._stop)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> RawFiles:
        """The files read (waits for the thread).

        Raises
        ------
        PackageError
            As :func:`read_raw_files`.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop reading (no-op when done)."""
        self._stop.set()
        self._thread.join()
