"""The SQLite and DuckDB exports: tables, constraints and indexes from the Table Schemas.

See :mod:`szdata._export` for what each database gets; the column types and CHECK
expressions come from :mod:`szdata._schemas._dtypes`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from szdata._core._errors import SzdataError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import polars as pl

    from szdata._schemas._dtypes import Dialect
    from szdata._schemas._schema import TableSchema

SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""
DUCKDB_MAGIC = (8, b"DUCK")
"""Where DuckDB's magic bytes are in its database files (offset, bytes)."""
DUCKDB_BLOCK_SIZE = 16384
"""DuckDB's default 256 KB blocks make a small export megabytes; 16 KB blocks keep it small."""
MARKER_TABLE = "package"
"""The table every SQL export carries; with its ``szdata_version`` column it marks the file
as written by szdata (:func:`is_sql_export`)."""


def q(identifier: str) -> str:
    """An SQL identifier, quoted.

    Examples
    --------
    >>> q('end'), q('a"b')
    ('"end"', '"a""b"')
    """
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(schema: TableSchema, dialect: Dialect) -> str:
    """The ``CREATE TABLE`` statement of a table, from its Table Schema.

    Examples
    --------
    >>> from szdata import open_package
    >>> print(create_table_sql(open_package().schema("units"), "sqlite"))  # doctest: +ELLIPSIS
    CREATE TABLE "units" (
      "unit" TEXT NOT NULL CHECK ("unit" NOT GLOB '*[^A-Za-z_]*' AND length("unit") >= 1),
      "dimension" TEXT NOT NULL CHECK ("dimension" IN ('count', ...)),
    ...
      PRIMARY KEY ("unit")
    ) STRICT
    """
    from szdata._schemas._dtypes import sql_checks, sql_type, table_checks

    lines = []
    for f in schema.fields:
        col = q(f.name)
        parts = [col, sql_type(f, dialect)]
        if f.required or f.name in schema.primary_key:
            parts.append("NOT NULL")
        if f.unique and schema.primary_key != (f.name,):
            parts.append("UNIQUE")
        parts += [f"CHECK ({check})" for check in sql_checks(f, col, dialect)]
        lines.append(" ".join(parts))
    lines += [f"CHECK ({check})" for check in table_checks(schema.fields, dialect)]
    if schema.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(q, schema.primary_key))})")
    for fk in schema.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(q, fk.fields))}) "
            f"REFERENCES {q(fk.resource)} ({', '.join(map(q, fk.reference_fields))})"
        )
    body = ",\n  ".join(lines)
    strict = " STRICT" if dialect == "sqlite" else ""
    return f"CREATE TABLE {q(schema.name)} (\n  {body}\n){strict}"


def index_sql(schema: TableSchema) -> list[str]:
    """One ``CREATE INDEX`` per foreign key, so that joins and deletes on it are fast.

    Examples
    --------
    >>> from szdata import open_package
    >>> index_sql(open_package().schema("aliases"))
    ['CREATE INDEX "aliases_organization_id_idx" ON "aliases" ("organization_id")']
    """
    out = []
    for fk in schema.foreign_keys:
        name = q(f"{schema.name}_{'_'.join(fk.fields)}_idx")
        out.append(f"CREATE INDEX {name} ON {q(schema.name)} ({', '.join(map(q, fk.fields))})")
    return out


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


def _plain(frame: pl.DataFrame, *, dates_as_text: bool) -> pl.DataFrame:
    """Enums as text and, for SQLite, dates as ISO text."""
    import polars as pl

    exprs = [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if isinstance(t, pl.Enum)]
    if dates_as_text:
        exprs.append(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    return frame.with_columns(exprs) if exprs else frame


def write_sqlite(tmp: Path, tables: list[tuple[TableSchema, pl.DataFrame]]) -> None:
    """Write ``tables`` (in foreign-key order) into a new SQLite file at ``tmp``."""
    import sqlite3

    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("BEGIN")
        for schema, frame in tables:
            con.execute(create_table_sql(schema, "sqlite"))
            cols = ", ".join(map(q, schema.field_names))
            marks = ", ".join("?" * len(schema.fields))
            sql = f"INSERT INTO {q(schema.name)} ({cols}) VALUES ({marks})"
            for level in _levels(frame, schema):
                with _constraint_errors(schema.name):
                    con.executemany(sql, _plain(level, dates_as_text=True).iter_rows())
            for statement in index_sql(schema):
                con.execute(statement)
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise SzdataError(f"foreign keys broken in the export: {problems[:5]}")
        con.execute("COMMIT")
        con.execute("VACUUM")  # compact and deterministic: pages in table order
    finally:
        con.close()


def write_duckdb(tmp: Path, tables: list[tuple[TableSchema, pl.DataFrame]]) -> None:
    """Write ``tables`` (in foreign-key order) into a new DuckDB file at ``tmp``."""
    import duckdb

    con = duckdb.connect()
    try:
        path = str(tmp).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS export (BLOCK_SIZE {DUCKDB_BLOCK_SIZE})")
        con.execute("USE export")
        con.execute("BEGIN TRANSACTION")
        for schema, frame in tables:
            name = q(schema.name)
            con.execute(create_table_sql(schema, "duckdb"))
            con.execute(f"COMMENT ON TABLE {name} IS {_text(schema.description)}")
            for f in schema.fields:
                con.execute(f"COMMENT ON COLUMN {name}.{q(f.name)} IS {_text(f.description)}")
            cols = ", ".join(map(q, schema.field_names))
            for level in _levels(frame, schema):
                con.register("_szdata_rows", _plain(level, dates_as_text=False).to_arrow())
                with _constraint_errors(schema.name):
                    con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _szdata_rows")
                con.unregister("_szdata_rows")
            # no CREATE INDEX: DuckDB builds an ART index for each FOREIGN KEY itself
        con.execute("COMMIT")
        con.execute("CHECKPOINT export")
        con.execute("USE memory")
        con.execute("DETACH export")
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
        if type(exc).__name__ in ("IntegrityError", "ConstraintException", "ConversionException"):
            raise SzdataError(
                f"table {table!r} breaks a constraint of its schema: {exc} "
                "(hint: run `szdata validate` to find the row)"
            ) from None
        raise


# -- is it an export szdata wrote? -----------------------------------------------------------


def is_sql_export(path: Path, dialect: Dialect) -> bool:
    """Whether ``path`` is a ``dialect`` database file that szdata wrote (never modified here).

    It must start with the database's magic bytes and hold the ``package`` table with its
    ``szdata_version`` column. The file is opened read-only.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> other = pathlib.Path(tempfile.mkdtemp()) / "notes.sqlite"
    >>> _ = other.write_text("my notes")
    >>> is_sql_export(other, "sqlite")
    False
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    query = f"SELECT szdata_version FROM {q(MARKER_TABLE)} LIMIT 1"
    if dialect == "sqlite":
        import sqlite3
        from urllib.parse import quote

        if head != SQLITE_MAGIC:
            return False
        try:
            con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
            try:
                return con.execute(query).fetchone() is not None
            finally:
                con.close()
        except sqlite3.Error:
            return False
    offset, magic = DUCKDB_MAGIC
    if head[offset : offset + len(magic)] != magic:
        return False
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute(query).fetchone() is not None
    except duckdb.Error:
        return False
    finally:
        con.close()
