"""Export the package to SQLite, DuckDB or Parquet, with the Table Schemas' keys and constraints.

Every export holds the package's tables and two more:

- ``raw_texts`` (``article_id``, ``raw_path``, ``sha256``, ``text``): the raw text of each
  article, decoded from UTF-8, so that every span holds inside the database:
  ``substr(text, start + 1, "end" - start) = quote`` (SQLite's and DuckDB's ``substr``
  count characters, as the spans do). The raw texts are their publishers' texts, kept as
  evidence; the package's licences do not cover them.
- ``package`` (one row): the package's ``name``, ``title``, ``version``, ``created``,
  ``licenses`` and ``sources`` (JSON text, as in ``datapackage.json``) and the
  ``szdata_version`` that wrote the export.

The formats:

- **SQLite** (one file, standard library ``sqlite3``): ``STRICT`` tables (a number column
  refuses ``'abc'``), PRIMARY KEY, FOREIGN KEY, NOT NULL and UNIQUE constraints, and a
  CHECK for each constraint SQLite can express: enums, bounds, lengths, ``start < "end"``
  in the tables of spans, real calendar dates (``date(x, '+0 days') IS x``: no
  ``2020-02-30``), and patterns as GLOB conditions where those accept exactly what the
  pattern accepts (``sha256`` is 64 lower-case hexadecimal characters). Dates are ISO 8601
  text. SQLite enforces foreign keys only on connections that run
  ``PRAGMA foreign_keys = ON`` (its default is off, per connection).
- **DuckDB** (one file): the same constraints, patterns as ``regexp_full_match``; dates
  are ``DATE``; tables and columns carry the schema's descriptions as comments. DuckDB
  always enforces foreign keys. The file uses 16 KB blocks (DuckDB's default 256 KB
  blocks make a small export megabytes).
- **Parquet** (a folder of ``<table>.parquet``, written by pyarrow): enums
  dictionary-encoded in the schema's order, ``int64`` integers, ``double`` numbers,
  ``string`` text, dates as midnight timestamps (see :mod:`szdata._schemas._dtypes`), required
  columns non-nullable, so that ``pandas.read_parquet`` and ``polars.read_parquet`` give
  :func:`szdata.load`'s types. Each file's metadata holds the Table Schema
  (``table_schema``), ``package_version`` and ``szdata_version``; each field's, its
  description.

Every foreign-key column is indexed: SQLite gets a ``CREATE INDEX`` for each; DuckDB builds
an ART index for each FOREIGN KEY constraint itself (an explicit index would be a second
copy, 16 KB more per key). DuckDB and Parquet need the ``export`` extra (duckdb, pyarrow);
without it :class:`szdata.MissingExtra` names it.

What SQL does not check (:func:`szdata.validate` does; a test keeps this list in step
with :func:`unchecked_constraints`):

- in SQLite, the pattern of ``organizations.organization_id``,
  ``[a-z0-9]+(-[a-z0-9]+)*``: a repeated group, which GLOB cannot say; and, for the
  same reason, ``D[0-9]{4,}( D[0-9]{4,})*`` of ``articles.decision_ids``,
  ``items.decision_ids``, ``figures.decision_ids``, ``dates.decision_ids`` and
  ``mentions.decision_ids``;
- in both, the ``uri`` format of ``articles.url``;
- every rule across rows or files: quotes equal to the raw text's characters, items in
  order, and the other rules of ``szdata validate``.

Output is atomic and never replaces what szdata did not write: everything is written
beside ``out`` and moved into place at the end (a failed export leaves nothing behind);
an existing ``out`` is replaced only with ``overwrite=True`` (``--force``) and only when it
is an export szdata wrote (a database holding szdata's ``package`` table, or a folder
holding the ``.szdata-export`` marker and nothing but Parquet files). Any other ``out``
is refused, as is ``out`` inside the package. The same package gives the same files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from szdata._core._errors import PackageError, UsageError
from szdata._disk._paths import overlaps_package
from szdata._schemas._schema import Field, ForeignKey, TableSchema

if TYPE_CHECKING:
    from collections.abc import Iterator

    import polars as pl

    from szdata._disk._package import Package

ExportFormat = Literal["sqlite", "duckdb", "parquet"]
"""The formats :func:`export` writes."""

FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
EXTENSIONS: dict[str, str] = {"sqlite": ".sqlite", "duckdb": ".duckdb", "parquet": ""}
"""The usual name ending of each format's output (a Parquet export is a folder)."""
_NEEDS: dict[str, tuple[str, ...]] = {
    "sqlite": (),
    "duckdb": ("duckdb", "pyarrow"),
    "parquet": ("pyarrow",),
}
"""The optional libraries (the ``export`` extra) each format needs."""

RAW_TEXTS = "raw_texts"
PACKAGE = "package"
RAW_TEXTS_DESCRIPTION = (
    "The raw text of each article, decoded from UTF-8, as its publisher published it: the "
    "publishers' texts, kept byte for byte as evidence and not covered by the package's "
    "licences. Every span of the other tables points into it: "
    'substr(text, start + 1, "end" - start) = quote.'
)


def export(
    format: ExportFormat,
    out: str | os.PathLike[str],
    *,
    path: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Export every table of the package, its raw texts and its metadata to ``out``.

    Parameters
    ----------
    format
        ``"sqlite"``, ``"duckdb"`` (a database file) or ``"parquet"`` (a folder of files).
    out
        The file or folder to write; it must not be inside the package.
    path
        Another copy of the package; default: the installed package.
    overwrite
        Replace ``out`` when it is an earlier export szdata wrote (default: refuse). Any
        other existing ``out`` is always refused.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    UsageError
        An unknown format, or an ``out`` that cannot or may not be written.
    MissingExtra
        DuckDB or Parquet without the ``export`` extra.

    Examples
    --------
    >>> import sqlite3, tempfile, pathlib, szdata
    >>> db = szdata.export("sqlite", pathlib.Path(tempfile.mkdtemp()) / "szdata.sqlite")
    >>> con = sqlite3.connect(db)
    >>> con.execute("PRAGMA foreign_keys = ON").fetchall()
    []
    >>> con.execute("SELECT count(*) > 0 FROM figures").fetchone()[0]
    1
    >>> con.execute('SELECT count(*) FROM figures JOIN raw_texts USING (article_id) '
    ...             'WHERE substr(text, start + 1, "end" - start) != quote').fetchone()[0]
    0
    """
    return run_export(format, out, path=path, overwrite=overwrite)


def run_export(
    format: str,
    out: str | os.PathLike[str],
    *,
    path: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    replace_option: str = "overwrite=True",
) -> Path:
    """:func:`export`, with the name of the option that replaces an old export in messages.

    The command line passes ``replace_option="--force"`` so that its messages speak CLI.
    """
    from szdata._disk._package import open_package
    from szdata._load._loader import _check_raw_files, _read_typed

    if format not in FORMATS:
        raise UsageError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    _require_extra(format)
    pkg = open_package(path)
    target = checked_target(out, format, pkg.root, overwrite=overwrite, option=replace_option)
    _check_raw_files(pkg)
    order = dependency_order(pkg)
    tables = [(pkg.schema(n), _read_typed(pkg, n)) for n in order]
    tables += extra_tables(pkg, dict(zip(order, (f for _, f in tables), strict=True)))
    with _staged(target, directory=format == "parquet") as tmp:
        if format == "sqlite":
            from szdata._export._sql import write_sqlite

            write_sqlite(tmp, tables)
        elif format == "duckdb":
            from szdata._export._sql import write_duckdb

            write_duckdb(tmp, tables)
        else:
            from szdata._export._parquet import write_parquet

            texts = {s.name: _schema_text(pkg, s) for s, _ in tables}
            write_parquet(tmp, tables, texts, _marker(pkg, format))
    return target


def _require_extra(format: str) -> None:
    from szdata._core._extras import require

    for module in _NEEDS[format]:
        require(module, "export", feature=f"the {format} export")


def code_version() -> str:
    """The version of the szdata code (``unknown`` when run from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("szdata")
    except PackageNotFoundError:  # pragma: no cover - not installed
        return "unknown"


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


# -- the tables every export adds ------------------------------------------------------------


def raw_texts_schema(articles: TableSchema) -> TableSchema:
    """The ``raw_texts`` table: its key and path columns are those of ``articles``.

    Examples
    --------
    >>> from szdata import open_package
    >>> raw_texts_schema(open_package().schema("articles")).field_names
    ['article_id', 'raw_path', 'sha256', 'text']
    """
    key = articles.primary_key
    text = Field(
        name="text",
        type="string",
        title="Text",
        description="The raw text, decoded from UTF-8; spans count its characters from 0.",
        required=True,
    )
    return TableSchema(
        name=RAW_TEXTS,
        title="Raw texts (the publishers' texts)",
        description=RAW_TEXTS_DESCRIPTION,
        fields=(*(articles.field(n) for n in (*key, "raw_path", "sha256")), text),
        primary_key=key,
        foreign_keys=(ForeignKey(key, articles.name, key),),
    )


PACKAGE_SCHEMA = TableSchema(
    name=PACKAGE,
    title="The package",
    description="Which package and version this export holds, its licences and sources, "
    "and the szdata that wrote it (one row).",
    fields=(
        Field(name="name", type="string", required=True, description="The package's name."),
        Field(name="title", type="string", description="The package's title."),
        Field(name="version", type="string", required=True, description="The data version."),
        Field(name="created", type="string", description="When the package was created."),
        Field(name="licenses", type="string", description="The licences, as JSON."),
        Field(name="sources", type="string", description="The sources, as JSON."),
        Field(
            name="szdata_version",
            type="string",
            required=True,
            description="The version of szdata that wrote this export.",
        ),
    ),
    primary_key=("name",),
)
"""The ``package`` table of every export."""


def extra_tables(
    pkg: Package, frames: dict[str, pl.DataFrame]
) -> list[tuple[TableSchema, pl.DataFrame]]:
    """The ``raw_texts`` (when the package has articles) and ``package`` tables, with rows.

    Raises
    ------
    PackageError
        When a table of the package has one of their names, or a raw text differs from
        its article's ``sha256`` or is not UTF-8.
    """
    import polars as pl

    taken = {RAW_TEXTS, PACKAGE} & set(frames)
    if taken:
        raise PackageError(
            f"the package has table(s) {sorted(taken)}, a name the exports use for their own "
            "tables; rename them in datapackage.json"
        )
    out = []
    articles = frames.get("articles")
    schema = pkg.schema("articles") if articles is not None else None
    if schema is not None and {"raw_path", "sha256"} <= set(schema.field_names):
        raw = raw_texts_schema(schema)
        rows = articles.select(raw.field_names[:-1])  # type: ignore[union-attr]
        texts = [
            _raw_text(pkg, p, h) for p, h in zip(rows["raw_path"], rows["sha256"], strict=True)
        ]
        out.append((raw, rows.with_columns(pl.Series("text", texts, dtype=pl.String))))
    d = pkg.descriptor
    row = {
        "name": str(d.get("name", "")),
        "title": d.get("title"),
        "version": pkg.version,
        "created": d.get("created"),
        "licenses": json.dumps(d.get("licenses", []), ensure_ascii=False),
        "sources": json.dumps(d.get("sources", []), ensure_ascii=False),
        "szdata_version": code_version(),
    }
    frame = pl.DataFrame([row], schema=dict.fromkeys(row, pl.String))
    out.append((PACKAGE_SCHEMA, frame))
    return out


def _raw_text(pkg: Package, raw_path: str, sha256: str) -> str:
    from szdata._disk._files import read_raw_text

    data = read_raw_text(pkg.root, raw_path)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PackageError(
            f"{raw_path}: its SHA-256 differs from the article's sha256 "
            "(hint: run `szdata validate` to see which)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(f"{raw_path} is not UTF-8: {exc}") from None


def _marker(pkg: Package, format: str) -> dict[str, Any]:
    return {
        "format": format,
        "package": pkg.descriptor.get("name", ""),
        "version": pkg.version,
        "szdata_version": code_version(),
    }


def _schema_text(pkg: Package, schema: TableSchema) -> str:
    """A table's Table Schema as JSON text: as written in the package, or built for extras."""
    if schema.name in pkg.table_names():
        ref = pkg.resource(schema.name).get("schema")
        if isinstance(ref, dict):
            return json.dumps(ref, ensure_ascii=False)
        return pkg.file(ref).read_text(encoding="utf-8")
    fields = []
    for f in schema.fields:
        d: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
        constraints = {
            k: v
            for k, v in (("required", f.required), ("unique", f.unique), ("pattern", f.pattern))
            if v
        }
        if constraints:
            d["constraints"] = constraints
        fields.append(d)
    descriptor: dict[str, Any] = {
        "title": schema.title,
        "description": schema.description,
        "fields": fields,
        "primaryKey": list(schema.primary_key),
    }
    if schema.foreign_keys:
        descriptor["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                "reference": {"resource": fk.resource, "fields": list(fk.reference_fields)},
            }
            for fk in schema.foreign_keys
        ]
    return json.dumps(descriptor, ensure_ascii=False)


def unchecked_constraints(pkg: Package) -> dict[str, dict[str, list[str]]]:
    """Per database, the ``table.column`` constraints its export cannot check in SQL.

    Examples
    --------
    >>> from szdata import open_package
    >>> unchecked_constraints(open_package())["sqlite"]["organizations.organization_id"]
    ['pattern [a-z0-9]+(-[a-z0-9]+)*']
    """
    from szdata._schemas._dtypes import sql_unchecked

    out: dict[str, dict[str, list[str]]] = {}
    for dialect in ("sqlite", "duckdb"):
        found = {}
        for name in pkg.table_names():
            for f in pkg.schema(name).fields:
                missing = sql_unchecked(f, dialect)  # type: ignore[arg-type]
                if missing:
                    found[f"{name}.{f.name}"] = missing
        out[dialect] = found
    return out


# -- where the export goes -------------------------------------------------------------------


def checked_target(
    out: str | os.PathLike[str],
    format: str,
    package_root: Path,
    *,
    overwrite: bool,
    option: str = "overwrite=True",
) -> Path:
    """The absolute path to write, once it is sure the export may write there.

    Raises
    ------
    UsageError
        When ``out`` is inside the package, a symbolic link, of the wrong kind (a folder
        for a database, a file for Parquet), an existing output szdata did not write, an
        earlier export without ``overwrite`` (named as ``option``), or in a folder that is
        missing.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> checked_target(d / "x.sqlite", "sqlite", d / "pkg", overwrite=False).name
    'x.sqlite'
    >>> other = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (other / "notes.txt").write_text("mine")
    >>> checked_target(other, "parquet", d / "pkg", overwrite=True, option="--force")
    Traceback (most recent call last):
    ...
    szdata._core._errors.UsageError: ... is a folder that szdata did not write ...
    """
    target = Path(os.path.abspath(out))
    kind = "folder" if format == "parquet" else "file"
    example = target / f"szdata{EXTENSIONS[format] or '-parquet'}"
    root = package_root.resolve()
    if overlaps_package(target, root):
        raise UsageError(
            f"{target} is inside the package at {root}, or holds it; an export is written "
            "outside the "
            f"package, so that the package holds only its own files (hint: e.g. "
            f"{root.parent / ('szdata' + (EXTENSIONS[format] or '-parquet'))})"
        )
    if target.is_symlink():
        raise UsageError(
            f"{target} is a symbolic link; szdata writes its exports only to real files and "
            "folders: give the path it points to, or another name"
        )
    if target.exists():
        if target.is_dir() and kind == "file":
            raise UsageError(
                f"{target} is a folder; a {format} export is one file (hint: give a file "
                f"name, e.g. {example})"
            )
        if not target.is_dir() and kind == "folder":
            raise UsageError(
                f"{target} is a file; a parquet export is a folder: choose another name"
            )
        _check_own_output(target, format, overwrite=overwrite, option=option, example=example)
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"cannot write {target}: {parent} is a file, not a folder")
    if not parent.is_dir():
        raise UsageError(
            f"cannot write {target}: the folder {parent} does not exist (hint: create it "
            "first, or choose another place)"
        )
    return target


def _check_own_output(
    target: Path, format: str, *, overwrite: bool, option: str, example: Path
) -> None:
    never = "szdata never replaces or deletes what it did not write"
    if format == "parquet":
        from szdata._export._parquet import MARKER, foreign_entries

        foreign = foreign_entries(target)
        if foreign is None:
            raise UsageError(
                f"{target} is a folder that szdata did not write (it has no {MARKER} "
                f"marker); {never} (hint: give a new folder name, e.g. {example})"
            )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise UsageError(
                f"{target} is an earlier parquet export but now also holds files szdata did "
                f"not write ({shown}); {never} (hint: move them out, or choose another name)"
            )
    else:
        from szdata._export._sql import is_sql_export

        if not is_sql_export(target, format):  # type: ignore[arg-type]
            raise UsageError(
                f"{target} exists and is not a {format} export written by szdata; {never} "
                "(hint: choose another name, or delete the file yourself)"
            )
    if not overwrite:
        raise UsageError(
            f"{target} exists (an earlier szdata export); pass {option} to replace it, or "
            "choose another name"
        )


@contextlib.contextmanager
def _staged(target: Path, *, directory: bool) -> Iterator[Path]:
    """A temporary file or folder beside ``target``, moved over it when the block succeeds."""
    prefix = f".{target.name}."
    try:
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
    except OSError as exc:
        raise UsageError(
            f"cannot write {target}: {exc.strerror or exc} (hint: choose a folder you can write to)"
        ) from None
    try:
        try:
            yield tmp
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
        if directory and target.exists():
            from szdata._export._parquet import remove_own_files

            old = Path(tempfile.mkdtemp(prefix=prefix, suffix=".old", dir=target.parent))
            os.replace(target, old)  # checked to be szdata's own export
            os.replace(tmp, target)
            remove_own_files(old)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
