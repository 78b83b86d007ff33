"""``szdata.tables/load/load_all/records/describe``, their checks, and ``szdata info``."""

from __future__ import annotations

import csv
import doctest
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import szdata
from szdata._commands._main import main
from szdata._core._errors import PackageError, UsageError, ValidationFailed
from szdata._core._typing import TABLE_NAMES, TableName
from szdata._disk._package import open_package
from szdata._disk._paths import check_relative_path, check_relative_paths, surely_safe
from tests.conftest import REPO

PKG = open_package(REPO)
NAMES = PKG.table_names()
HEAVY = ("pandas", "polars", "frictionless", "pandera", "pydantic", "pyarrow", "duckdb")


def _csv_rows(root: Path, name: str) -> list[dict[str, str]]:
    path = root / open_package(root).resource(name)["path"]
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_rows(root: Path, name: str, rows: list[dict[str, str]]) -> None:
    path = root / open_package(root).resource(name)["path"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _set_cell(root: Path, name: str, row: int, column: str, value: str) -> None:
    rows = _csv_rows(root, name)
    rows[row][column] = value
    _write_rows(root, name, rows)


# -- names, version, light import -------------------------------------------------------------


def test_tables_are_the_descriptor_tables_and_the_literal() -> None:
    assert szdata.tables() == NAMES
    assert tuple(NAMES) == TABLE_NAMES == get_args(TableName)


def test_version_comes_from_the_descriptor() -> None:
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert szdata.__version__ == szdata.data_version == descriptor["version"]


@pytest.mark.parametrize(
    "name", ["tables", "load", "load_all", "records", "describe", "export", "Tables"]
)
def test_public_names_are_exported(name: str) -> None:
    assert name in szdata.__all__
    assert callable(getattr(szdata, name))
    assert getattr(szdata, name).__doc__


def test_import_szdata_loads_no_heavy_library() -> None:
    code = (
        "import sys, szdata; szdata.tables(); szdata.describe('figures'); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


def test_import_szdata_does_not_import_jsonschema() -> None:
    """jsonschema checks the descriptor when a package is opened, not at import."""
    code = "import sys, szdata; print('jsonschema' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "module",
    [
        "szdata._load._loader",
        "szdata._schemas._dtypes",
        "szdata._export",
        "szdata._load._codebook",
        "szdata._commands.info",
        "szdata._commands.show",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    if module == "szdata._load._loader":
        pytest.importorskip("szdata.models", reason="records() needs szdata.models")
    result = doctest.testmod(
        importlib.import_module(module), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0


# -- dtypes from the Table Schema -----------------------------------------------------------


def _expected_pandas(field) -> str:  # type: ignore[no-untyped-def]
    if field.enum is not None:
        return "category"
    return {
        "string": "string",
        "integer": "Int64",
        "number": "float64",
        "date": "datetime64[s]",
        "boolean": "boolean",
    }[field.type]


@pytest.mark.parametrize("name", NAMES)
def test_pandas_dtypes_follow_the_schema(name: str) -> None:
    import pandas as pd

    frame = szdata.load(name)
    schema = PKG.schema(name)
    assert list(frame.columns) == schema.field_names
    assert len(frame) == len(_csv_rows(REPO, name))
    for f in schema.fields:
        dtype = frame[f.name].dtype
        assert str(dtype) == _expected_pandas(f), f.name
        if f.enum is not None:
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == list(f.enum), "categories in the schema's order"


@pytest.mark.parametrize("name", NAMES)
def test_polars_dtypes_follow_the_schema(name: str) -> None:
    import polars as pl

    frame = szdata.load(name, backend="polars")
    schema = PKG.schema(name)
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == schema.field_names
    expected = {
        "string": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "date": pl.Date,
        "boolean": pl.Boolean,
    }
    for f in schema.fields:
        dtype = frame.schema[f.name]
        if f.enum is not None:
            assert dtype == pl.Enum(list(f.enum)), f.name
        else:
            assert dtype == expected[f.type], f.name


@pytest.mark.parametrize("name", NAMES)
def test_values_round_trip_to_the_csv_text(name: str) -> None:
    import polars as pl

    frame = szdata.load(name, backend="polars")
    as_text = frame.select(
        pl.col(c).cast(pl.String) if frame.schema[c] != pl.Float64 else pl.col(c)
        for c in frame.columns
    )
    for row, stored in zip(as_text.iter_rows(named=True), _csv_rows(REPO, name), strict=True):
        for column, cell in stored.items():
            value = row[column]
            if cell == "":
                assert value is None, (column, cell)
            elif isinstance(value, float):
                assert value == float(cell), (column, cell)
            else:
                assert value == cell, (column, cell)


def test_gold_values_are_typed() -> None:
    import datetime as dt

    import pandas as pd

    figures = szdata.load("figures").set_index("figure_id")
    money = figures.loc["004_4c9b5674638746a7.f1731"]
    assert money["value"] == 250_000_000.0
    assert money["unit"] == "CNY"
    assert money["quote"] == "250 million yuan"
    news = figures.loc["000_7a64f3334c1b3195.f198"]
    assert news["item_id"] is pd.NA, "an empty cell is a missing value, not ''"
    assert news["refers_to"] == pd.Timestamp("2020-04-07")
    dates = szdata.load("dates", backend="polars")
    assert dates["date"][0] == dt.date(2020, 4, 7)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(
        UsageError, match="unknown backend 'numpy'; use one of auto, pandas, polars"
    ):
        szdata.load("figures", backend="numpy")  # type: ignore[arg-type]


@pytest.mark.parametrize("call", ["load", "describe", "records"])
def test_unknown_table_names_the_known_ones(call: str) -> None:
    with pytest.raises(PackageError, match="no table 'figure'; known tables: organizations"):
        getattr(szdata, call)("figure")


# -- load_all ----------------------------------------------------------------------------------


def test_load_all_gives_every_table_by_attribute_and_name() -> None:
    pkg = szdata.load_all(backend="polars")
    assert list(pkg) == NAMES
    assert len(pkg) == len(NAMES)
    assert "figures" in pkg
    assert pkg.figures.equals(pkg["figures"])
    assert pkg.items.columns == PKG.schema("items").field_names, "a table named like a method"
    assert set(pkg.to_dict()) == set(NAMES)
    assert set(NAMES) <= set(dir(pkg))
    assert repr(pkg).startswith("Tables(organizations=")


def test_load_all_unknown_table_and_read_only() -> None:
    pkg = szdata.load_all()
    with pytest.raises(AttributeError, match="no table 'figure'; tables: organizations"):
        _ = pkg.figure
    with pytest.raises(KeyError, match="no table 'figure'"):
        _ = pkg["figure"]
    with pytest.raises(AttributeError, match="read-only"):
        pkg.figures = None


# -- another copy of the package (path=) ----------------------------------------------------


@pytest.mark.parametrize("form", ["folder", "descriptor", "str"])
def test_path_reads_another_copy(package_copy: Path, form: str) -> None:
    _set_cell(package_copy, "units", 0, "description", "changed in a fork")
    path = {
        "folder": package_copy,
        "descriptor": package_copy / "datapackage.json",
        "str": str(package_copy),
    }[form]
    assert szdata.load("units", path=path)["description"][0] == "changed in a fork"
    assert szdata.load_all(path=path).units["description"][0] == "changed in a fork"
    assert szdata.load("units")["description"][0] != "changed in a fork"
    assert szdata.tables(path=path) == NAMES
    assert szdata.describe("units", path=path).table == "units"


def test_missing_package_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="no data package descriptor at"):
        szdata.load("figures", path=tmp_path)


# -- safety: unsafe paths, headers, raw hashes, bad cells -----------------------------------


@pytest.mark.parametrize(
    "bad_path",
    [
        "/etc/passwd",
        "../outside.csv",
        "data/../../outside.csv",
        "~/figures.csv",
        "$HOME/figures.csv",
        "%USERPROFILE%/figures.csv",
        "https://example.org/figures.csv",
        "file:///etc/passwd",
        "C:/data/figures.csv",
    ],
    ids=[
        "absolute",
        "dotdot",
        "inner-dotdot",
        "home",
        "env",
        "win-env",
        "url",
        "file-url",
        "drive",
    ],
)
def test_unsafe_descriptor_paths_are_refused(package_copy: Path, bad_path: str) -> None:
    descriptor = package_copy / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    next(r for r in data["resources"] if r["name"] == "figures")["path"] = bad_path
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackageError, match="resource 'figures' has an unsafe path") as info:
        szdata.load("units", path=package_copy)
    assert repr(bad_path) in str(info.value)


@settings(max_examples=400, deadline=None)
@example(["data/a.csv", "C:/x.csv"])
@example(["data/a.csv", "https://example.org/x.csv"])
@example(["a/../b", "/etc/passwd", "~/x", "$HOME", "%APPDATA%", "a\\b"])
@example(["data/a.csv", " "])
@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "b", "/", ".", ":", "~", "$", "%", "%A%", "\\", "C", " ", "\n"]),
            max_size=6,
        ).map("".join),
        min_size=1,
        max_size=5,
    )
)
def test_the_batch_path_check_never_clears_an_unsafe_path(paths: list[str]) -> None:
    """``surely_safe`` (one test over all the paths) is only ever a shortcut."""
    unsafe = []
    for p in paths:
        try:
            check_relative_path(p, what="p")
        except PackageError:
            unsafe.append(p)
    if surely_safe(paths):
        assert unsafe == []
    if unsafe:
        with pytest.raises(PackageError, match=r"has (an unsafe|no) path") as info:
            check_relative_paths(paths, lambda i: f"path {i}")
        assert f"path {paths.index(unsafe[0])} has" in str(info.value)  # the first one
    else:
        check_relative_paths(paths, lambda i: f"path {i}")


def test_an_unsafe_raw_text_path_among_many_is_refused(package_copy: Path) -> None:
    descriptor = package_copy / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    raw = [r for r in data["resources"] if r["name"].startswith("raw-")]
    copies = [dict(raw[0], name=f"raw-copy-{n}") for n in range(500)]
    copies[321]["path"] = "data/raw/../../../etc/passwd"
    data["resources"] += copies
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackageError, match="resource 'raw-copy-321' has an unsafe path"):
        open_package(package_copy)


def test_unsafe_schema_path_is_refused(package_copy: Path) -> None:
    descriptor = package_copy / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    next(r for r in data["resources"] if r["name"] == "units")["schema"] = "../units.json"
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackageError, match=r"unsafe path '\.\./units\.json'"):
        szdata.load("units", path=package_copy)


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda h: h[::-1], "same columns in another order"),
        (lambda h: h[:-1], "missing description"),
        (lambda h: [*h, "extra"], "unexpected extra"),
        (lambda h: ["Unit", *h[1:]], "missing unit; unexpected Unit"),
    ],
    ids=["reordered", "missing", "extra", "renamed"],
)
def test_header_differing_from_schema_is_refused(package_copy, change, detail) -> None:  # type: ignore[no-untyped-def]
    path = package_copy / "data/curation/units.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = ",".join(change(lines[0].split(",")))
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(PackageError, match="header differs from the schema of 'units'") as info:
        szdata.load("units", path=package_copy)
    assert detail in str(info.value)
    assert "units.csv" in str(info.value)


def _raw(copy: Path) -> Path:
    return copy / "data/raw/004_4c9b5674638746a7.txt"


def test_raw_text_with_another_hash_is_refused(package_copy: Path) -> None:
    raw = _raw(package_copy)
    data = raw.read_bytes()
    raw.write_bytes(data.replace(b"Shenzhen", b"Shenzhan", 1))  # same length, other bytes
    with pytest.raises(PackageError, match=r"004_4c9b5674638746a7\.txt: the raw text's sha256 is"):
        szdata.raw_text("004_4c9b5674638746a7", path=package_copy)


def test_raw_text_with_another_length_is_refused(package_copy: Path) -> None:
    raw = _raw(package_copy)
    raw.write_bytes(raw.read_bytes() + b"\n")
    with pytest.raises(PackageError, match="has 5302 bytes but the descriptor records 5301"):
        szdata.load_all(path=package_copy)


@pytest.mark.parametrize(
    "call",
    [
        lambda p: szdata.load_all(path=p),
        lambda p: szdata.raw_text("004_4c9b5674638746a7", path=p),
        lambda p: szdata.export("sqlite", p.parent / "out.sqlite", path=p),
    ],
    ids=["load_all", "raw_text", "export"],
)
def test_whole_package_reads_check_the_raw_texts(package_copy: Path, call) -> None:  # type: ignore[no-untyped-def]
    raw = _raw(package_copy)
    raw.write_bytes(raw.read_bytes().replace(b"Shenzhen", b"Shenzhan", 1))
    with pytest.raises(PackageError, match="the raw text's sha256"):
        call(package_copy)


def test_loading_one_table_reads_only_that_table(package_copy: Path) -> None:
    _raw(package_copy).write_bytes(b"tampered")
    assert len(szdata.load("units", path=package_copy)) > 0
    with pytest.raises(PackageError, match="has 8 bytes but the descriptor records 5301"):
        szdata.raw_text("004_4c9b5674638746a7", path=package_copy)


def test_raw_text_is_what_every_span_points_into() -> None:
    for table in ("figures", "dates", "mentions"):
        frame = szdata.load(table, backend="polars")
        for row in frame.iter_rows(named=True):
            assert szdata.raw_text(row["article_id"])[row["start"] : row["end"]] == row["quote"]


def test_raw_text_of_an_unknown_article_is_refused() -> None:
    with pytest.raises(PackageError, match="no article 'nope'"):
        szdata.raw_text("nope")


def test_raw_change_after_a_good_read_is_still_caught(package_copy: Path) -> None:
    szdata.raw_text("004_4c9b5674638746a7", path=package_copy)  # hash remembered for size+time
    raw = _raw(package_copy)
    stat = raw.stat()
    raw.write_bytes(raw.read_bytes().replace(b"Shenzhen", b"Shenzhan", 1))
    os.utime(raw, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(PackageError, match="the raw text's sha256"):
        szdata.raw_text("004_4c9b5674638746a7", path=package_copy)


@pytest.mark.parametrize(
    ("table", "column", "value", "rule"),
    [
        ("figures", "refers_to", "2020-13-01", "rule type: date"),
        ("figures", "refers_to", "20 March 2020", "rule type: date"),
        ("figures", "start", "1,731", "rule type: integer"),
        ("figures", "start", "17.0", "rule type: integer"),
        ("figures", "value", "250 million", "rule type: number"),
        ("figures", "qualifier", "roughly", "rule enum: one of exact, more_than"),
    ],
    ids=["bad-date", "words-date", "grouped-int", "decimal-int", "words-number", "enum"],
)
def test_cell_not_of_its_type_is_an_error_naming_file_row_column(
    package_copy: Path, table: str, column: str, value: str, rule: str
) -> None:
    _set_cell(package_copy, table, 2, column, value)
    with pytest.raises(ValidationFailed) as info:
        szdata.load(table, path=package_copy)
    message = str(info.value)
    assert message.startswith(f"data/{table}.csv: row 4, column {column!r}: {value!r}")
    assert rule in message
    assert "hint:" in message


# -- records and describe --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_records_are_validated_models(name: str) -> None:
    models = pytest.importorskip("szdata.models")
    rows = szdata.records(name)
    assert len(rows) == len(_csv_rows(REPO, name))
    assert all(isinstance(r, models.model_for(name)) for r in rows)
    first = rows[0].model_dump()
    assert list(first)[: len(PKG.schema(name).fields)] == PKG.schema(name).field_names


def test_records_refuse_a_row_breaking_its_model(package_copy: Path) -> None:
    pytest.importorskip("szdata.models")
    _set_cell(package_copy, "figures", 1, "value", "-5")
    with pytest.raises(ValidationFailed, match=r"data/figures\.csv: row 3, column 'value': -5\.0"):
        szdata.records("figures", path=package_copy)


@pytest.mark.parametrize("name", NAMES)
def test_describe_is_the_schema(name: str) -> None:
    schema = PKG.schema(name)
    book = szdata.describe(name)
    assert book.table == name
    assert book.description == schema.description
    assert book.primary_key == schema.primary_key
    assert [c.name for c in book.columns] == schema.field_names
    assert [c.description for c in book.columns] == [f.description for f in schema.fields]
    for column, field in zip(book.columns, schema.fields, strict=True):
        assert ("required" in column.constraints) == field.required
        if field.enum:
            assert f"one of {', '.join(field.enum)}" in column.constraints
        if field.minimum is not None:
            assert f">= {field.minimum}" in column.constraints
    text = str(book)
    assert all(f"  {c.name} (" in text for c in book.columns)
    assert book.to_markdown().count("\n| `") == len(schema.fields)
    assert [r["name"] for r in book.to_records()] == schema.field_names


def test_markdown_cells_escape_pipes() -> None:
    markdown = szdata.describe("units").to_markdown()
    row = next(line for line in markdown.splitlines() if line.startswith("| `words`"))
    assert "separated by `\\|`" in row
    assert row.count(" | ") == 3, "the escaped pipe does not split the cell"


# -- command line: info and show --------------------------------------------------------------


def test_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == szdata.__version__
    assert [t["name"] for t in data["tables"]] == NAMES
    assert {t["name"]: t["rows"] for t in data["tables"]} == {
        n: len(_csv_rows(REPO, n)) for n in NAMES
    }
    assert data["raw_texts"] == len(PKG.raw_resources())
    assert data["sources"][0]["path"].startswith("http")


def test_info_text(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["info"]) == 0
    package, out = capsys.readouterr().out.split("\n", 1)
    assert package.startswith("package: ")
    assert out.startswith(f"szdata {szdata.__version__}: ")
    for name in NAMES:
        assert f"  {name} " in out
    assert "sources:" in out


def test_info_on_another_copy(package_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv_rows(package_copy, "units")
    _write_rows(package_copy, "units", rows[:3])
    assert main(["info", "--json", "--path", str(package_copy)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {t["name"]: t["rows"] for t in data["tables"]}["units"] == 3
    assert data["root"] == str(package_copy.resolve())


# `szdata show` is tested in tests/test_show.py.


def test_records_of_a_fork_follow_its_own_schemas(package_copy: Path) -> None:
    pytest.importorskip("szdata.models")
    schema_path = package_copy / "schemas/figures.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "value")["constraints"]["minimum"] = -10
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    _set_cell(package_copy, "figures", 1, "value", "-5")
    assert szdata.records("figures", path=package_copy)[1].value == -5.0


def test_missing_raw_text_is_refused_where_it_is_read(package_copy: Path) -> None:
    _raw(package_copy).unlink()
    assert len(szdata.load("figures", path=package_copy)) > 0  # tables do not need it
    with pytest.raises(PackageError, match=r"004_4c9b5674638746a7\.txt: the raw text of resource"):
        szdata.raw_text("004_4c9b5674638746a7", path=package_copy)
    with pytest.raises(PackageError, match="is missing"):
        szdata.load_all(path=package_copy)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"a,b\n1,caf\xe9\n", r"is not UTF-8 \(invalid continuation byte at byte 9, line 2\)"),
        (b"a,caf\xe9\n1,2\n", r"is not UTF-8 \(invalid continuation byte at byte 5, line 1\)"),
        (
            b"a,b\n1,2\n" * 1000 + b'3,"x\xff"\n',
            r"is not UTF-8 \(invalid start byte at byte 8004, line 2001\)",
        ),
        (b"", "is empty: a table needs at least its header row"),
        (b" \r\n\n", "is empty: a table needs at least its header row"),
        (b'a,b\n1,"2\n', r"\[structure.csv-syntax\]"),
    ],
    ids=["cell", "header", "late-cell", "empty", "blank", "unclosed-quote"],
)
def test_reading_a_table_as_text_refuses_what_is_not_utf8_csv(
    tmp_path: Path, content: bytes, error: str
) -> None:
    from szdata._disk._readers import read_text_table

    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(PackageError, match=error) as info:
        read_text_table(path)
    assert str(path) in str(info.value)


def test_reading_a_table_as_text_keeps_every_cell_as_stored(tmp_path: Path) -> None:
    from szdata._disk._readers import read_text_table

    path = tmp_path / "t.csv"
    path.write_bytes('id,n,note\nx,007,caf\u00e9\ny,," a, b "\n'.encode())
    frame = read_text_table(path)
    assert frame.columns == ["id", "n", "note"]
    assert frame.rows() == [("x", "007", "caf\u00e9"), ("y", None, " a, b ")]
