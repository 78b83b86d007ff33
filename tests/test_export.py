"""``szdata export``: SQLite, DuckDB and Parquet with the schemas' keys, types and constraints."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import szdata
from szdata._cli import main
from szdata._errors import PackageError, SzdataError
from szdata._export import FORMATS, dependency_order
from szdata._package import open_package
from tests.conftest import REPO

PKG = open_package(REPO)
NAMES = PKG.table_names()
SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "DATE"}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / open_package(root).resource(name)["path"]).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(root: Path, name: str, rows: list[dict[str, str]]) -> None:
    path = root / open_package(root).resource(name)["path"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    return {f: szdata.export(f, out / f"szdata.{f}") for f in FORMATS}


def _counts(root: Path = REPO) -> dict[str, int]:
    return {n: len(_rows(root, n)) for n in NAMES}


def _fk_pairs() -> list[tuple[str, object]]:
    return [(n, fk) for n in NAMES for fk in PKG.schema(n).foreign_keys]


# -- the order of creation ------------------------------------------------------------------


def test_dependency_order_puts_referenced_tables_first() -> None:
    order = dependency_order(PKG)
    assert sorted(order) == sorted(NAMES)
    for name, fk in _fk_pairs():
        if fk.resource != name:
            assert order.index(fk.resource) < order.index(name), (name, fk.resource)


def test_dependency_cycle_is_refused(package_copy: Path) -> None:
    schema_path = package_copy / "schemas/units.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["foreignKeys"] = [
        {"fields": ["unit"], "reference": {"resource": "figures", "fields": ["figure_id"]}}
    ]
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(PackageError, match=r"tables \['figures', 'units'\] form a cycle"):
        szdata.export("sqlite", package_copy / "x.sqlite", path=package_copy)
    assert not (package_copy / "x.sqlite").exists()


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    return con


@pytest.fixture
def sqlite_copy(exported: dict[str, Path], tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection, with foreign keys on, to a throwaway copy of the SQLite export."""
    db = tmp_path / "copy.sqlite"
    shutil.copy(exported["sqlite"], db)
    con = _sqlite(db)
    yield con
    con.close()


def test_sqlite_row_counts(exported: dict[str, Path]) -> None:
    con = _sqlite(exported["sqlite"])
    assert {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in NAMES} == (
        _counts()
    )
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("name", NAMES)
def test_sqlite_columns_keys_and_types(exported: dict[str, Path], name: str) -> None:
    con = _sqlite(exported["sqlite"])
    schema = PKG.schema(name)
    info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
    assert [c[1] for c in info] == schema.field_names
    for (_, column, ctype, notnull, _, pk), f in zip(info, schema.fields, strict=True):
        assert ctype == SQLITE_TYPES[f.type], column
        assert bool(notnull) == f.required, column
        assert pk == (schema.primary_key.index(column) + 1 if column in schema.primary_key else 0)
    fks = {(row[3], row[2], row[4]) for row in con.execute(f'PRAGMA foreign_key_list("{name}")')}
    assert fks == {
        (c, fk.resource, r)
        for fk in schema.foreign_keys
        for c, r in zip(fk.fields, fk.reference_fields, strict=True)
    }


def test_sqlite_values_are_typed(exported: dict[str, Path]) -> None:
    con = _sqlite(exported["sqlite"])
    row = con.execute(
        "SELECT value, typeof(value), start, typeof(start), refers_to, item_id FROM figures "
        "WHERE figure_id = '000_7a64f3334c1b3195.f198'"
    ).fetchone()
    assert row == (20.0, "real", 198, "integer", "2020-04-07", None)


def _figure_row(con: sqlite3.Connection | object, **changes: object) -> dict[str, object]:
    cur = con.execute("SELECT * FROM figures LIMIT 1")  # type: ignore[attr-defined]
    columns = [d[0] for d in cur.description]
    row = dict(zip(columns, cur.fetchone(), strict=True))
    row.update({"figure_id": "new.f1", **changes})
    return row


def _insert(con, row: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    cols = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO figures ({cols}) VALUES ({marks})", list(row.values()))


BAD_FIGURES = [
    pytest.param({"article_id": "no-such-article"}, id="dangling-article"),
    pytest.param({"unit": "furlong"}, id="dangling-unit"),
    pytest.param({"quote": None}, id="not-null"),
    pytest.param({"qualifier": "roughly"}, id="enum"),
    pytest.param({"value": -1}, id="minimum"),
    pytest.param({"refers_to": "2030-01-01"}, id="date-maximum"),
    pytest.param({"quote": ""}, id="min-length"),
    pytest.param({"figure_id": "000_7a64f3334c1b3195.f198"}, id="primary-key"),
]


@pytest.mark.parametrize("changes", BAD_FIGURES)
def test_sqlite_refuses_bad_rows(
    sqlite_copy: sqlite3.Connection, changes: dict[str, object]
) -> None:
    _insert(sqlite_copy, _figure_row(sqlite_copy, figure_id="ok.f1"))  # a good row goes in
    with pytest.raises(sqlite3.IntegrityError):
        _insert(sqlite_copy, _figure_row(sqlite_copy, **changes))


def test_sqlite_refuses_a_malformed_date(sqlite_copy: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        _insert(sqlite_copy, _figure_row(sqlite_copy, refers_to="2020-4-7"))


# -- DuckDB ----------------------------------------------------------------------------------


def test_duckdb_row_counts(exported: dict[str, Path]) -> None:
    import duckdb

    con = duckdb.connect(str(exported["duckdb"]), read_only=True)
    assert {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in NAMES} == (
        _counts()
    )


@pytest.mark.parametrize("name", NAMES)
def test_duckdb_columns_keys_and_types(exported: dict[str, Path], name: str) -> None:
    import duckdb

    con = duckdb.connect(str(exported["duckdb"]), read_only=True)
    schema = PKG.schema(name)
    described = con.execute(f'DESCRIBE "{name}"').fetchall()
    assert [c[0] for c in described] == schema.field_names
    for (column, ctype, null, key, *_), f in zip(described, schema.fields, strict=True):
        assert ctype == DUCKDB_TYPES[f.type], column
        assert (null == "NO") == (f.required or column in schema.primary_key), column
        assert (key == "PRI") == (column in schema.primary_key), column
    constraints = con.execute(
        "SELECT constraint_type, constraint_column_names, referenced_table "
        "FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'FOREIGN KEY'",
        [name],
    ).fetchall()
    assert {(tuple(c[1]), c[2]) for c in constraints} == {
        (fk.fields, fk.resource) for fk in schema.foreign_keys
    }
    comment = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchone()[0]
    assert comment == schema.description


def test_duckdb_values_are_typed(exported: dict[str, Path]) -> None:
    import datetime as dt

    import duckdb

    con = duckdb.connect(str(exported["duckdb"]), read_only=True)
    row = con.execute(
        "SELECT value, start, refers_to, item_id FROM figures "
        "WHERE figure_id = '000_7a64f3334c1b3195.f198'"
    ).fetchone()
    assert row == (20.0, 198, dt.date(2020, 4, 7), None)


@pytest.mark.parametrize("changes", BAD_FIGURES)
def test_duckdb_refuses_bad_rows(
    exported: dict[str, Path], tmp_path: Path, changes: dict[str, object]
) -> None:
    import duckdb

    db = tmp_path / "copy.duckdb"
    shutil.copy(exported["duckdb"], db)
    con = duckdb.connect(str(db))
    _insert(con, _figure_row(con, figure_id="ok.f1"))  # a good row goes in
    with pytest.raises(duckdb.ConstraintException):
        _insert(con, _figure_row(con, **changes))


# -- Parquet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_parquet_types_and_counts(exported: dict[str, Path], name: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(exported["parquet"] / f"{name}.parquet")
    schema = PKG.schema(name)
    assert table.num_rows == _counts()[name]
    assert table.column_names == schema.field_names
    expected = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    expected["date"] = pa.date32()
    for f in schema.fields:
        field = table.schema.field(f.name)
        assert field.nullable == (not f.required), f.name
        assert field.metadata[b"description"].decode() == f.description
        if f.enum is not None:
            assert pa.types.is_dictionary(field.type), f.name
            assert table.column(f.name).chunk(0).dictionary.to_pylist() == list(f.enum)
        else:
            assert field.type == expected[f.type], f.name
    meta = table.schema.metadata
    assert meta[b"szdata_version"].decode() == PKG.version
    on_disk = json.loads((REPO / PKG.resource(name)["schema"]).read_text(encoding="utf-8"))
    assert json.loads(meta[b"table_schema"]) == on_disk


def test_parquet_reads_back_into_pandas_like_load(exported: dict[str, Path]) -> None:
    import pandas as pd

    frame = pd.read_parquet(exported["parquet"] / "figures.parquet")
    loaded = szdata.load("figures")
    assert list(frame["qualifier"].cat.categories) == list(loaded["qualifier"].cat.categories)
    assert frame["value"].tolist() == loaded["value"].tolist()


# -- self-references, atomic output, errors --------------------------------------------------


@pytest.mark.parametrize("fmt", ["sqlite", "duckdb"])
def test_children_before_parents_are_loaded(package_copy: Path, fmt: str) -> None:
    rows = _rows(package_copy, "organizations")
    _write(package_copy, "organizations", rows[::-1])  # every child now precedes its parent
    out = szdata.export(fmt, package_copy / f"x.{fmt}", path=package_copy)
    if fmt == "sqlite":
        con = _sqlite(out)
    else:
        import duckdb

        con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT count(*) FROM organizations").fetchone()[0] == len(rows)


@pytest.mark.parametrize("fmt", ["sqlite", "duckdb"])
def test_dangling_reference_fails_the_export_and_writes_nothing(
    package_copy: Path, fmt: str
) -> None:
    rows = _rows(package_copy, "figures")
    rows[0]["unit"] = "furlong"
    _write(package_copy, "figures", rows)
    out = package_copy / "out"
    out.mkdir()
    with pytest.raises(SzdataError, match="table 'figures' breaks a constraint of its schema"):
        szdata.export(fmt, out / f"x.{fmt}", path=package_copy)
    assert list(out.iterdir()) == [], "no file and no temporary file is left behind"


@pytest.mark.parametrize("fmt", FORMATS)
def test_existing_output_is_refused_then_replaced_with_overwrite(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"x.{fmt}"
    szdata.export(fmt, out)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(SzdataError, match="exists; choose another name or pass overwrite=True"):
        szdata.export(fmt, out)
    assert szdata.export(fmt, out, overwrite=True) == out
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_missing_folder_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(SzdataError, match=r"the folder .* does not exist"):
        szdata.export("sqlite", tmp_path / "no" / "x.sqlite")
    with pytest.raises(SzdataError, match="unknown export format 'csv'"):
        szdata.export("csv", tmp_path / "x")  # type: ignore[arg-type]


def test_a_type_error_in_the_package_writes_nothing(package_copy: Path, tmp_path: Path) -> None:
    rows = _rows(package_copy, "figures")
    rows[0]["start"] = "1,000"
    _write(package_copy, "figures", rows)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SzdataError, match="column 'start': '1,000'"):
        szdata.export("parquet", out / "pq", path=package_copy)
    assert list(out.iterdir()) == []


# -- command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"x.{fmt}"
    assert main(["export", fmt, str(out)]) == 0
    assert f"wrote {out} ({fmt})" in capsys.readouterr().out
    assert out.exists()
    assert main(["export", fmt, str(out)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["export", fmt, str(out), "--force"]) == 0


def test_cli_export_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "xlsx", str(tmp_path / "x")]) == 2
    assert "unknown format 'xlsx'; use one of sqlite, duckdb, parquet" in capsys.readouterr().err
    assert main(["export", "sqlite", str(tmp_path / "x"), "--path", str(tmp_path)]) == 2
    assert "no data package descriptor" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fmt", "existing", "message"),
    [
        ("sqlite", "folder", "is a folder; this export writes a file"),
        ("parquet", "file", "is a file; this export writes a folder"),
    ],
    ids=["file-over-folder", "folder-over-file"],
)
def test_overwrite_never_swaps_a_file_for_a_folder(
    tmp_path: Path, fmt: str, existing: str, message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir() if existing == "folder" else out.write_text("keep me")
    with pytest.raises(SzdataError, match=message):
        szdata.export(fmt, out, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary file is left"
    assert out.is_dir() if existing == "folder" else out.read_text() == "keep me"
