"""Read the raw texts named by ``articles.raw_path``: bytes, SHA-256, and one text column.

A package of 100,000 articles has 100,000 raw texts, so the per-file work is kept to what
Python must do (open, read, hash) and the rest is vectorised: the texts go, a batch at a
time, into a polars ``Binary`` column, whose cast to ``String`` checks that every text is
UTF-8 at once. :class:`RawReader` does this in a background thread.
"""

from __future__ import annotations

import hashlib
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


def read_raw_files(root: str, paths: list[str], stop: threading.Event | None = None) -> RawFiles:
    """Read every file of ``paths`` (relative to ``root``), hash it and decode it.

    ``stop``, when set, ends the reading early (the result is then incomplete).

    Every file is opened as :func:`szdata._disk._files.read_raw_text` opens it: a regular
    file inside the package, without following links, no larger than the raw-text limit; a
    missing file gives a null text.

    Raises
    ------
    PackageError
        For the first path, in list order, that is unsafe (absolute, ``..``, ...), a link,
        a pipe, a device or a folder, too large, cannot be read, or is not UTF-8.

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

    from szdata._disk._files import max_raw_bytes, read_files

    sizes: list[int | None] = []
    digests: list[str | None] = []
    chunks: list[pl.Series] = []
    batch: list[bytes | None] = []
    sha256 = hashlib.sha256
    checked = (  # each path checked as it comes, so that errors come in list order
        paths if surely_safe(paths) else (check_relative_path(p, what="the path") for p in paths)
    )
    contents = read_files(root, checked, limit=max_raw_bytes(), missing_ok=True)
    try:
        for n in range(len(paths)):
            if n % _BATCH == 0:
                if batch:
                    chunks.append(_as_text(paths[n - len(batch) : n], batch))
                    batch = []
                if stop is not None and stop.is_set():
                    break
            try:
                content = next(contents)
            except PackageError:
                _as_text(paths[n - len(batch) : n], batch)  # an earlier file not UTF-8 first
                raise
            batch.append(content)
            sizes.append(None if content is None else len(content))
            digests.append(None if content is None else sha256(content).hexdigest())
    finally:
        contents.close()
    if batch:
        chunks.append(_as_text(paths[len(sizes) - len(batch) : len(sizes)], batch))
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
