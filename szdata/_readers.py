"""Read the package's CSV files: as text exactly as stored, or typed from the Table Schema."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._errors import PackageError

if TYPE_CHECKING:
    import polars as pl


def read_header(path: Path) -> list[str]:
    """The header row of a CSV file, as stored.

    Raises
    ------
    PackageError
        When the file is not UTF-8.
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    except UnicodeDecodeError as exc:
        raise PackageError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_text_table(path: Path) -> pl.DataFrame:
    """Read a CSV file with every column as text; empty cells become nulls.

    Nothing is inferred or converted, so every cell can be checked as stored.

    Raises
    ------
    PackageError
        When the file is not UTF-8 or not CSV.
    """
    import polars as pl

    data = path.read_bytes()
    if not data or data.isspace():  # not data.strip(): that copies the file
        raise PackageError(f"{path} is empty: a table needs at least its header row")
    eol = data.find(b"\n")
    _check_utf8(path, data if eol < 0 else data[: eol + 1])  # polars reads headers leniently
    try:
        return pl.read_csv(
            io.BytesIO(data),
            infer_schema=False,
            empty_string_is_null=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        _check_utf8(path, data)  # the cells are checked by polars; this finds where
        raise PackageError(f"{path} cannot be read as CSV: {exc}") from None


def _check_utf8(path: Path, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
