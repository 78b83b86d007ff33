"""``szdata.pandera_schema`` and ``szdata.model``: derived from the Table Schemas, they accept
what :func:`szdata.load` gives and refuse what the schemas refuse."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import szdata
from szdata._core._errors import PackageError, UsageError
from szdata._disk._package import open_package
from szdata._schemas._schema import Field, TableSchema
from tests.conftest import REPO

PKG = open_package(REPO)
NAMES = PKG.table_names()


@pytest.mark.parametrize("name", NAMES)
def test_polars_schema_follows_the_table_schema_and_accepts_load(name: str) -> None:
    from szdata._schemas._dtypes import polars_dtype

    schema = PKG.schema(name)
    pa_schema = szdata.pandera_schema(name, backend="polars")
    assert type(pa_schema).__module__.startswith("pandera.api.polars")
    assert list(pa_schema.columns) == schema.field_names
    assert pa_schema.strict is True and pa_schema.ordered is True
    for field in schema.fields:
        col = pa_schema.columns[field.name]
        assert col.nullable is not (field.required or field.name in schema.primary_key)
        assert str(col.dtype) == str(polars_dtype(field))
        assert col.unique is (field.unique or list(schema.primary_key) == [field.name])
        names = {c.name for c in col.checks}
        assert ("isin" in names) is (field.enum is not None)
        assert ("greater_than_or_equal_to" in names) is (field.minimum is not None)
        assert ("less_than_or_equal_to" in names) is (field.maximum is not None)
        assert ("str_matches" in names) is (field.pattern is not None)
        length = field.min_length is not None or field.max_length is not None
        assert ("str_length" in names) is length
    loaded = szdata.load(name, backend="polars")
    assert pa_schema.validate(loaded, lazy=True).equals(loaded)


@pytest.mark.parametrize("name", NAMES)
def test_pandas_schema_has_loads_dtypes_and_accepts_load(name: str) -> None:
    schema = PKG.schema(name)
    pa_schema = szdata.pandera_schema(name, backend="pandas")
    assert type(pa_schema).__module__.startswith("pandera.api.pandas")
    loaded = szdata.load(name)
    assert list(pa_schema.columns) == schema.field_names == list(loaded.columns)
    from pandera.engines import pandas_engine

    from szdata._schemas._dtypes import pandas_dtype

    for field in schema.fields:
        col = pa_schema.columns[field.name]
        # built from load's dtype, which it accepts (pandera names strings its own way)
        assert col.dtype == pandas_engine.Engine.dtype(pandas_dtype(field)), field.name
        assert col.dtype.check(pandas_engine.Engine.dtype(loaded[field.name].dtype)), field.name
        assert col.nullable is not (field.required or field.name in schema.primary_key)
    validated = pa_schema.validate(loaded, lazy=True)
    assert validated.dtypes.to_dict() == loaded.dtypes.to_dict()


def _polars_figures():  # type: ignore[no-untyped-def]
    return szdata.load("figures", backend="polars").head(3)


def _set(frame, column: str, row: int, value: Any):  # type: ignore[no-untyped-def]
    """``frame`` (polars or pandas) with one cell changed; the column becomes plain if needed."""
    if hasattr(frame, "with_columns"):
        import polars as pl

        values = frame[column].cast(pl.String if isinstance(value, str) else frame[column].dtype)
        values = values.to_list()
        values[row] = value
        kind = pl.String if isinstance(value, str) or value is None else frame[column].dtype
        if isinstance(frame[column].dtype, pl.Enum) and value is None:
            kind = frame[column].dtype
        return frame.with_columns(pl.Series(column, values, dtype=kind, strict=False))
    import pandas as pd

    frame = frame.copy()
    if isinstance(value, str) and not pd.api.types.is_string_dtype(frame[column].dtype):
        frame[column] = frame[column].astype(object)
    frame.loc[frame.index[row], column] = value
    return frame


# (case, column, change on a 3-row frame of figures); the row models refuse the same cells
CASES: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("type", "value", lambda f: _set(f, "value", 0, "abc")),
    ("required", "quote", lambda f: _set(f, "quote", 0, None)),
    ("enum", "qualifier", lambda f: _set(f, "qualifier", 0, "roughly")),
    ("minimum", "value", lambda f: _set(f, "value", 0, -1.0)),
    ("pattern", "figure_id", lambda f: _set(f, "figure_id", 0, "Bad Id")),
    ("min-length", "quote", lambda f: _set(f, "quote", 0, "")),
    ("unique", "figure_id", lambda f: _set(f, "figure_id", 1, f["figure_id"][0])),
]


def _date_beyond(frame):  # type: ignore[no-untyped-def]
    beyond = dt.date(2030, 1, 1)
    if hasattr(frame, "with_columns"):
        import polars as pl

        return frame.with_columns(pl.Series("refers_to", [beyond] * frame.height))
    import pandas as pd

    frame = frame.copy()
    frame["refers_to"] = pd.Series([pd.Timestamp(beyond)] * len(frame), dtype="datetime64[s]")
    return frame


CASES.append(("maximum-date", "refers_to", _date_beyond))


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@pytest.mark.parametrize(("case", "column", "change"), CASES, ids=[c[0] for c in CASES])
def test_pandera_refuses_what_the_schema_refuses(
    backend: str, case: str, column: str, change: Callable[[Any], Any]
) -> None:
    import pandera.errors

    frame = _polars_figures() if backend == "polars" else _polars_figures().to_pandas()
    if backend == "pandas":
        frame = frame.astype(szdata.load("figures").dtypes.to_dict())
    schema = szdata.pandera_schema("figures", backend=backend)
    schema.validate(frame, lazy=True)  # the frame as it is passes
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schema.validate(change(frame), lazy=True)
    failing = info.value.failure_cases
    columns = set(failing["column"].to_list() if backend == "polars" else failing["column"])
    assert column in columns, failing


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_a_composite_primary_key_is_checked(backend: str) -> None:
    import pandera.errors

    from szdata._load._pandera import schema_from_table_schema

    table = TableSchema(
        name="t",
        title="T",
        description="",
        fields=(Field(name="a", type="string"), Field(name="n", type="integer")),
        primary_key=("a", "n"),
    )
    schema = schema_from_table_schema(table, backend=backend)
    rows = {"a": ["x", "x", "y"], "n": [1, 2, 1]}
    if backend == "polars":
        import polars as pl

        good, bad = pl.DataFrame(rows), pl.DataFrame({"a": ["x", "x"], "n": [1, 1]})
    else:
        import pandas as pd

        good = pd.DataFrame(rows).astype({"a": "string", "n": "Int64"})
        bad = pd.DataFrame({"a": ["x", "x"], "n": [1, 1]}).astype({"a": "string", "n": "Int64"})
    schema.validate(good)
    with pytest.raises(pandera.errors.SchemaErrors):
        schema.validate(bad, lazy=True)


ROW_CASES = [c for c in CASES if c[0] not in ("unique",)]


@pytest.mark.parametrize(("case", "column", "change"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_the_row_model_refuses_the_same_cells(
    case: str, column: str, change: Callable[[Any], Any]
) -> None:
    from pydantic import ValidationError

    model = szdata.model("figures")
    frame = _polars_figures()
    model(**frame.row(0, named=True))
    with pytest.raises(ValidationError) as info:
        model(**change(frame).row(0, named=True))
    assert column in {e["loc"][0] for e in info.value.errors()}


def test_model_is_the_models_class_and_follows_a_fork(package_copy: Path) -> None:
    from pydantic import ValidationError

    import szdata.models

    assert szdata.model("figures") is szdata.models.Figure
    path = package_copy / "schemas" / "units.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["constraints"]["maxLength"] = 3
    path.write_text(json.dumps(schema), encoding="utf-8")
    unit = szdata.model("units", path=package_copy)
    with pytest.raises(ValidationError, match="at most 3 characters"):
        unit(unit="square_metre", dimension="area", description="m2")
    polars_schema = szdata.pandera_schema("units", backend="polars", path=package_copy)
    assert {c.name for c in polars_schema.columns["unit"].checks} >= {"str_length"}


def test_unknown_names_are_refused() -> None:
    with pytest.raises(PackageError, match="no table 'figure'; known tables"):
        szdata.pandera_schema("figure")
    with pytest.raises(PackageError, match="no table 'figure'; known tables"):
        szdata.model("figure")
    with pytest.raises(
        UsageError, match="unknown backend 'spark'; use one of auto, pandas, polars"
    ):
        szdata.pandera_schema("figures", backend="spark")


def test_public_names_and_a_light_import() -> None:
    for name in ("pandera_schema", "model", "MissingExtra"):
        assert name in szdata.__all__ and getattr(szdata, name).__doc__
    code = (
        "import sys, szdata; szdata.pandera_schema; "
        "print([m for m in ('pandera', 'pandas', 'polars') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"
