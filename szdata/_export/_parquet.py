"""The Parquet export: a folder of ``<table>.parquet`` files and a marker saying szdata wrote it.

See :mod:`szdata._export` for what the files hold; the Arrow types come from
:mod:`szdata._schemas._dtypes`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    import polars as pl
    import pyarrow as pa

    from szdata._schemas._schema import TableSchema

MARKER = ".szdata-export"
"""The file in every folder szdata exports to: JSON naming the format and the versions.
Only a folder holding it (and nothing but ``*.parquet`` files besides) is replaced by a
later export with ``--force``."""


def arrow_table(frame: pl.DataFrame, schema: TableSchema, metadata: dict[str, str]) -> pa.Table:
    """A typed polars frame as an Arrow table of the schema's Arrow types.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> from szdata._schemas._schema import Field, TableSchema
    >>> schema = TableSchema("t", "T", "", (Field(name="d", type="date"),))
    >>> arrow_table(pl.DataFrame({"d": [dt.date(2020, 3, 20)]}), schema, {}).column("d")[0]
    <pyarrow.TimestampScalar: '2020-03-20T00:00:00.000'>
    """
    import polars as pl
    import pyarrow as pa

    from szdata._schemas._dtypes import arrow_schema

    target = arrow_schema(schema.fields, metadata)
    arrays = []
    for f in target:
        col = frame[f.name]
        if isinstance(col.dtype, pl.Enum):
            codes = pa.array(col.to_physical().cast(pl.Int32).to_list(), pa.int32())
            arrays.append(
                pa.DictionaryArray.from_arrays(codes, pa.array(col.dtype.categories.to_list()))
            )
        else:
            arrays.append(col.to_arrow().cast(f.type))
    return pa.Table.from_arrays(arrays, schema=target)


def write_parquet(
    tmp: Path,
    tables: list[tuple[TableSchema, pl.DataFrame]],
    schema_texts: dict[str, str],
    marker: dict[str, Any],
) -> None:
    """Write one Parquet file per table into the new folder ``tmp``, then the marker."""
    import pyarrow.parquet as pq

    for schema, frame in tables:
        metadata = {
            "table_schema": schema_texts[schema.name],
            "szdata_version": str(marker["szdata_version"]),
            "package_version": str(marker["version"]),
        }
        pq.write_table(arrow_table(frame, schema, metadata), tmp / f"{schema.name}.parquet")
    (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def foreign_entries(folder: Path) -> list[str] | None:
    """The entries of ``folder`` that a Parquet export did not write; ``None`` if no marker.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> foreign_entries(d) is None
    True
    >>> _ = (d / MARKER).write_text('{"format": "parquet"}')
    >>> _ = (d / "figures.parquet").write_bytes(b"")
    >>> _ = (d / "my-notes.txt").write_text("mine")
    >>> foreign_entries(d)
    ['my-notes.txt']
    """
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        if json.loads(marker.read_text(encoding="utf-8")).get("format") != "parquet":
            return None
        entries = sorted(folder.iterdir())
    except (OSError, ValueError, AttributeError):
        return None
    return [
        p.name
        for p in entries
        if p.name != MARKER and (p.suffix != ".parquet" or p.is_symlink() or not p.is_file())
    ]


def remove_own_files(folder: Path) -> None:
    """Delete the marker and the ``*.parquet`` files of an old export, then the folder if empty.

    Anything else in it stays (and so does the folder).
    """
    import contextlib

    for p in folder.iterdir():
        if p.name == MARKER or (p.suffix == ".parquet" and p.is_file() and not p.is_symlink()):
            p.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()
