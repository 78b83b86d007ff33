"""The Pydantic row models agree with the Table Schemas, field by field."""

from __future__ import annotations

import csv
import datetime as dt
import types
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

import szdata.models as models
from szdata._core._typing import TABLE_NAMES
from szdata._disk._package import open_package
from tests.conftest import REPO

PKG = open_package(REPO)
PY_TYPES = {"string": str, "integer": int, "number": float, "date": dt.date, "boolean": bool}


def _metadata(info, kind: str):
    for m in info.metadata:
        for attr in (kind,):
            if hasattr(m, attr):
                return getattr(m, attr)
    return None


def _strip_optional(annotation):
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        assert len(rest) == 1
        return rest[0], True
    return annotation, False


def test_class_names_cover_the_tables() -> None:
    assert set(models.CLASS_NAMES) == set(TABLE_NAMES) == set(PKG.table_names())


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_model_matches_schema_field_by_field(name: str) -> None:
    model = models.model_for(name)
    schema = PKG.schema(name)
    assert model.__name__ == models.CLASS_NAMES[name]
    assert getattr(models, model.__name__) is model
    assert list(model.model_fields) == schema.field_names  # names and order
    assert model.__table__ == name
    assert model.__primary_key__ == schema.primary_key
    assert model.__foreign_keys__ == tuple(
        (fk.fields, fk.resource, fk.reference_fields) for fk in schema.foreign_keys
    )
    for field in schema.fields:
        info = model.model_fields[field.name]
        required = field.required or field.name in schema.primary_key
        base, optional = _strip_optional(info.annotation)
        assert info.is_required() is required, field.name
        assert optional is (not required), field.name
        if field.enum is not None:
            assert typing.get_origin(base) is typing.Literal
            assert typing.get_args(base) == field.enum
        else:
            assert base is PY_TYPES[field.type], field.name
        assert _metadata(info, "ge") == field.minimum, field.name
        assert _metadata(info, "le") == field.maximum, field.name
        assert _metadata(info, "min_length") == field.min_length, field.name
        assert _metadata(info, "max_length") == field.max_length, field.name
        pattern = _metadata(info, "pattern")
        assert pattern == (None if field.pattern is None else f"^(?:{field.pattern})$")
        assert info.description == (field.description or None)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_shipped_row_is_a_valid_record(name: str) -> None:
    model = models.model_for(name)
    with PKG.path_of(name).open(encoding="utf-8", newline="") as fh:
        rows = [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(fh)]
    assert rows
    for row in rows:
        model(**row)


@pytest.mark.parametrize(
    ("change", "error_type"),
    [
        ({"qualifier": "roughly"}, "literal_error"),
        ({"value": -1}, "greater_than_equal"),
        ({"refers_to": "2024-01-01"}, "less_than_equal"),
        ({"refers_to": "2019-11-30"}, "greater_than_equal"),
        ({"figure_id": "Bad Id"}, "string_pattern_mismatch"),
        ({"quote": ""}, "string_too_short"),
        ({"start": "ten"}, "int_parsing"),
        ({"unit": None}, "string_type"),
        ({"colour": "red"}, "extra_forbidden"),
    ],
    ids=lambda x: x if isinstance(x, str) else next(iter(x)),
)
def test_figure_model_rejects_bad_cells(change: dict, error_type: str) -> None:
    good = {
        "figure_id": "004_4c9b5674638746a7.f1731",
        "article_id": "004_4c9b5674638746a7",
        "value": 250000000,
        "unit": "CNY",
        "qualifier": "exact",
        "start": 1731,
        "end": 1747,
        "quote": "250 million yuan",
        "origin": "parser",
        "review_status": "reviewed",
    }
    models.Figure(**good)
    with pytest.raises(ValidationError) as info:
        models.Figure(**(good | change))
    assert [e["type"] for e in info.value.errors()] == [error_type]


def test_models_are_frozen() -> None:
    unit = models.Unit(unit="CNY", dimension="currency", description="yuan")
    with pytest.raises(ValidationError):
        unit.unit = "USD"


def test_model_for_unknown_table_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known tables: organizations"):
        models.model_for("nope")  # type: ignore[arg-type]


def test_build_models_reads_another_package(package_copy: Path) -> None:
    import json

    path = package_copy / "schemas" / "units.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["constraints"]["maxLength"] = 3
    path.write_text(json.dumps(schema), encoding="utf-8")
    unit = models.build_models(open_package(package_copy))["units"]
    with pytest.raises(ValidationError, match="at most 3 characters"):
        unit(unit="square_metre", dimension="area", description="m2")


# The Pandera schemas are tested in tests/test_public_schemas.py.
