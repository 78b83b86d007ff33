"""Export the package to SQLite, DuckDB or Parquet, with the Table Schemas' keys and types.

- **SQLite** (one ``.sqlite`` file, standard library ``sqlite3``) and **DuckDB** (one ``.duckdb``
  file): every table with its PRIMARY KEY, FOREIGN KEYs, NOT NULL, UNIQUE and CHECK
  constraints for enums, bounds, minimum lengths (and, in SQLite, the ISO form of dates),
  created in foreign-key order and filled with the keys enforced. DuckDB always enforces
  foreign keys; **SQLite enforces them only on connections that run**
  ``PRAGMA foreign_keys = ON`` (SQLite's default is off, per connection). Patterns are not
  expressed in SQL; :func:`szdata.validate` checks them. SQLite stores dates as ISO 8601 text
  (declared ``DATE``); DuckDB as ``DATE``. DuckDB tables and columns carry the schema's
  descriptions as comments.
- **Parquet**: a folder with one ``<table>.parquet`` per table, written by pyarrow with logical
  types: ``date32`` dates, dictionary-encoded enums (dictionary = the enum, in order), ``int64``
  integers (nullable), ``double`` numbers, ``string`` text; required columns are non-nullable.
  Each file's metadata holds the Table Schema (key ``table_schema``) and the package version
  (key ``szdata_version``); each field's metadata holds its description.

Output is atomic: everything is written to a temporary path beside ``out`` and moved into
place at the end, so a failed export leaves no half-written file. An existing ``out`` is
refused unless ``overwrite=True``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from szdata._errors import PackageError, SzdataError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import polars as pl
    import pyarrow as pa

    from szdata._dtypes import Dialect
    from szdata._package import Package
    from szdata._schema import TableSchema

ExportFormat = Literal["sqlite", "duckdb", "parquet"]
"""The formats :func:`export` writes."""

FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)


def export(
    format: ExportFormat,
    out: str | os.PathLike[str],
    *,
    path: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Export every table of the package to ``out``.

    Parameters
    ----------
    format
        ``"sqlite"``, ``"duckdb"`` (a database file) or ``"parquet"`` (a folder of files).
    out
        The file or folder to write.
    path
        Another copy of the package; default: the installed package.
    overwrite
        Replace ``out`` when it exists (default: refuse).

    Returns
    -------
    pathlib.Path
        ``out``.

    Examples
    --------
    >>> import sqlite3, tempfile, pathlib, szdata
    >>> db = szdata.export("sqlite", pathlib.Path(tempfile.mkdtemp()) / "szdata.sqlite")
    >>> con = sqlite3.connect(db)
    >>> con.execute("PRAGMA foreign_keys = ON").fetchall()
    []
    >>> con.execute("SELECT count(*) FROM figures").fetchone()[0] > 0
    True
    """
    from szdata._loader import _check_raw_files, _read_typed
    from szdata._package import open_package

    if format not in FORMATS:
        raise SzdataError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    target = Path(out)
    if target.exists() and not overwrite:
        raise SzdataError(f"{target} exists; choose another name or pass overwrite=True (--force)")
    if not target.parent.is_dir():
        raise SzdataError(f"cannot write {target}: the folder {target.parent} does not exist")
    pkg = open_package(path)
    _check_raw_files(pkg)
    order = dependency_order(pkg)
    frames = {name: _read_typed(pkg, name) for name in order}
    writer = {"sqlite": _write_sqlite, "duckdb": _write_duckdb, "parquet": _write_parquet}[format]
    with _staged(target, directory=format == "parquet") as tmp:
        writer(tmp, pkg, order, frames)
    return target


def dependency_order(pkg: Package) -> list[str]:
    """The tables in an order where each comes after the tables its foreign keys reference.

    Ties keep the descriptor's order; self-references are allowed (rows are then inserted
    parents first).

    Raises
    ------
    PackageError
        When foreign keys reference an unknown table or form a cycle between tables.
    """
    names = pkg.table_names()
    deps: dict[str, set[str]] = {}
    for name in names:
        refs = {fk.resource for fk in pkg.schema(name).foreign_keys} - {name}
        unknown = refs - set(names)
        if unknown:
            raise PackageError(
                f"the schema of {name!r} has a foreign key to unknown table(s) {sorted(unknown)}"
            )
        deps[name] = refs
    order: list[str] = []
    while len(order) < len(names):
        ready = [n for n in names if n not in order and deps[n] <= set(order)]
        if not ready:
            cycle = sorted(set(names) - set(order))
            raise PackageError(f"the foreign keys of tables {cycle} form a cycle")
        order.append(ready[0])
    return order


# -- SQL -------------------------------------------------------------------------------------


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(schema: TableSchema, dialect: Dialect) -> str:
    """The ``CREATE TABLE`` statement of a table, from its Table Schema.

    Examples
    --------
    >>> from szdata import open_package
    >>> print(create_table_sql(open_package().schema("units"), "sqlite"))  # doctest: +ELLIPSIS
    CREATE TABLE "units" (
      "unit" TEXT NOT NULL,
      "dimension" TEXT NOT NULL CHECK ("dimension" IN ('count', ...)),
    ...
      PRIMARY KEY ("unit")
    )
    """
    from szdata._dtypes import sql_checks, sql_type

    lines = []
    for f in schema.fields:
        col = _q(f.name)
        parts = [col, sql_type(f, dialect)]
        if f.required:
            parts.append("NOT NULL")
        if f.unique and schema.primary_key != (f.name,):
            parts.append("UNIQUE")
        parts += [f"CHECK ({check})" for check in sql_checks(f, col, dialect)]
        lines.append(" ".join(parts))
    if schema.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_q, schema.primary_key))})")
    for fk in schema.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_q, fk.fields))}) "
            f"REFERENCES {_q(fk.resource)} ({', '.join(map(_q, fk.reference_fields))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_q(schema.name)} (\n  {body}\n)"


def _levels(frame: pl.DataFrame, schema: TableSchema) -> list[pl.DataFrame]:
    """The rows split so that rows a self-referencing foreign key points to come first."""
    import polars as pl

    selfrefs = [fk for fk in schema.foreign_keys if fk.resource == schema.name]
    if not selfrefs or frame.is_empty():
        return [frame]
    key = list(schema.primary_key)
    remaining = frame.with_row_index("_row")
    done = frame.select(key).clear()
    levels: list[pl.DataFrame] = []
    while not remaining.is_empty():
        ready = pl.lit(True)
        for fk in selfrefs:
            refs = done.select(
                [pl.col(r).alias(c) for c, r in zip(fk.fields, fk.reference_fields, strict=True)]
            )
            found = remaining.join(refs, on=list(fk.fields), how="semi")["_row"]
            null = pl.any_horizontal([pl.col(c).is_null() for c in fk.fields])
            ready = ready & (null | pl.col("_row").is_in(found.implode()))
        level = remaining.filter(ready)
        if level.is_empty():  # dangling or cyclic references: let the database refuse them
            level = remaining
        levels.append(level.drop("_row"))
        done = pl.concat([done, level.select(key)])
        remaining = remaining.filter(~pl.col("_row").is_in(level["_row"].implode()))
    return levels


def _sql_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Enums as text and, for SQLite, dates as ISO text."""
    import polars as pl

    return frame.with_columns(
        [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if isinstance(t, pl.Enum)]
    )


def _write_sqlite(
    tmp: Path, pkg: Package, order: list[str], frames: dict[str, pl.DataFrame]
) -> None:
    import sqlite3

    import polars as pl

    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("BEGIN")
        for name in order:
            schema = pkg.schema(name)
            con.execute(create_table_sql(schema, "sqlite"))
            cols = ", ".join(map(_q, schema.field_names))
            marks = ", ".join("?" * len(schema.fields))
            sql = f"INSERT INTO {_q(name)} ({cols}) VALUES ({marks})"
            for level in _levels(frames[name], schema):
                level = _sql_frame(level).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
                with _constraint_errors(name):
                    con.executemany(sql, level.iter_rows())
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise SzdataError(f"foreign keys broken in the export: {problems[:5]}")
        con.execute("COMMIT")
    finally:
        con.close()


def _write_duckdb(
    tmp: Path, pkg: Package, order: list[str], frames: dict[str, pl.DataFrame]
) -> None:
    import duckdb

    con = duckdb.connect(str(tmp))
    try:
        con.execute("BEGIN TRANSACTION")
        for name in order:
            schema = pkg.schema(name)
            con.execute(create_table_sql(schema, "duckdb"))
            con.execute(f"COMMENT ON TABLE {_q(name)} IS {_text(schema.description)}")
            for f in schema.fields:
                con.execute(f"COMMENT ON COLUMN {_q(name)}.{_q(f.name)} IS {_text(f.description)}")
            cols = ", ".join(map(_q, schema.field_names))
            for level in _levels(frames[name], schema):
                con.register("_szdata_rows", _sql_frame(level).to_arrow())
                with _constraint_errors(name):
                    con.execute(f"INSERT INTO {_q(name)} ({cols}) SELECT {cols} FROM _szdata_rows")
                con.unregister("_szdata_rows")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@contextlib.contextmanager
def _constraint_errors(table: str) -> Iterator[None]:
    """A database constraint failure inside the block becomes an error naming the table."""
    try:
        yield
    except Exception as exc:
        if type(exc).__name__ in ("IntegrityError", "ConstraintException"):
            raise SzdataError(
                f"table {table!r} breaks a constraint of its schema: {exc} "
                "(hint: run `szdata validate` to find the row)"
            ) from None
        raise


# -- Parquet ---------------------------------------------------------------------------------


def _arrow_table(frame: pl.DataFrame, schema: TableSchema, metadata: dict[str, str]) -> pa.Table:
    import polars as pl
    import pyarrow as pa

    from szdata._dtypes import arrow_schema

    target = arrow_schema(schema.fields)
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
    return pa.Table.from_arrays(arrays, schema=target).replace_schema_metadata(metadata)


def _schema_text(pkg: Package, name: str) -> str:
    """The table's Table Schema as written in the package (JSON text)."""
    ref = pkg.resource(name).get("schema")
    if isinstance(ref, dict):
        return json.dumps(ref, ensure_ascii=False)
    return pkg.file(ref).read_text(encoding="utf-8")


def _write_parquet(
    tmp: Path, pkg: Package, order: list[str], frames: dict[str, pl.DataFrame]
) -> None:
    import pyarrow.parquet as pq

    for name in order:
        metadata = {"table_schema": _schema_text(pkg, name), "szdata_version": pkg.version}
        table = _arrow_table(frames[name], pkg.schema(name), metadata)
        pq.write_table(table, tmp / f"{name}.parquet")


# -- atomic output ---------------------------------------------------------------------------


@contextlib.contextmanager
def _staged(target: Path, *, directory: bool) -> Iterator[Path]:
    """A temporary file or folder beside ``target``, moved over it when the block succeeds."""
    prefix = f".{target.name}."
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".szdata-tmp", dir=target.parent))
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's 0o700 would make the export private
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".szdata-tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # the databases create the file themselves
    try:
        yield tmp
        if target.exists() and target.is_dir() != directory:
            raise SzdataError(
                f"{target} is a {'file' if directory else 'folder'}; this export writes a "
                f"{'folder' if directory else 'file'}: choose another name"
            )
        if directory and target.exists():
            old = Path(tempfile.mkdtemp(prefix=prefix, suffix=".old", dir=target.parent))
            os.replace(target, old)  # an empty folder may be replaced by rename
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
