"""Pydantic row models of every table, generated at import from the Table Schemas.

Nothing here is typed by hand: each model's fields, types, required cells, enums, bounds,
patterns and lengths come from ``schemas/*.schema.json`` through :mod:`szdata._schemas._schema`,
so a model cannot drift from its schema (a test compares them field by field). Use them
for single records; validate whole tables with :func:`szdata.validate`, which is vectorised.

Examples
--------
>>> from szdata.models import Figure, model_for
>>> model_for("figures") is Figure
True
>>> f = Figure(figure_id="004_4c9b5674638746a7.f1731", article_id="004_4c9b5674638746a7",
...            value=250000000, unit="CNY", qualifier="exact", start=1731, end=1747,
...            quote="250 million yuan", origin="parser", review_status="reviewed")
>>> f.value, f.item_id
(250000000.0, None)
>>> Figure.__primary_key__
('figure_id',)
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from szdata._core._typing import TABLE_NAMES, TableName

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._schemas._schema import Field, TableSchema

__all__ = [
    "Alias",
    "Article",
    "Date",
    "Decision",
    "Figure",
    "Item",
    "Mention",
    "Organization",
    "Review",
    "Row",
    "Unit",
    "build_models",
    "model",
    "model_for",
]

CLASS_NAMES: dict[TableName, str] = {
    "organizations": "Organization",
    "aliases": "Alias",
    "units": "Unit",
    "articles": "Article",
    "reviews": "Review",
    "items": "Item",
    "figures": "Figure",
    "dates": "Date",
    "mentions": "Mention",
    "decisions": "Decision",
}
"""Table name -> model class name (a test checks the keys are exactly the table names)."""

PYTHON_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "date": dt.date,
    "boolean": bool,
}
"""Table Schema type -> Python type of the model field."""


class Row(BaseModel):
    """Base class of the row models: immutable, no unknown fields.

    ``__table__``, ``__primary_key__`` and ``__foreign_keys__`` (``(fields, resource,
    reference_fields)`` triples) say where the row lives and what it refers to; dunder names
    so that they never collide with a column. The models cannot check keys across rows:
    :func:`szdata.validate` does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    __table__: ClassVar[str] = ""
    __primary_key__: ClassVar[tuple[str, ...]] = ()
    __foreign_keys__: ClassVar[tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = ()


def _annotation(field: Field) -> Any:
    base: Any = PYTHON_TYPES.get(field.type, str)
    if field.enum is not None:
        base = Literal[tuple(field.enum)]  # type: ignore[valid-type]
    return base if field.required else base | None


def _field_info(field: Field, in_key: bool) -> Any:
    kwargs: dict[str, Any] = {
        "description": field.description or None,
        "title": field.title or None,
    }
    if field.minimum is not None:
        kwargs["ge"] = field.minimum
    if field.maximum is not None:
        kwargs["le"] = field.maximum
    if field.pattern is not None:
        kwargs["pattern"] = f"^(?:{field.pattern})$"
    if field.min_length is not None:
        kwargs["min_length"] = field.min_length
    if field.max_length is not None:
        kwargs["max_length"] = field.max_length
    extra: dict[str, Any] = {}
    if field.format:
        extra["format"] = field.format
    if field.unique:
        extra["unique"] = True
    if in_key:
        extra["primaryKey"] = True
    if extra:
        kwargs["json_schema_extra"] = extra
    if field.example is not None:
        kwargs["examples"] = [field.example]
    default = ... if field.required else None
    return PydanticField(default, **kwargs)


def model_from_schema(schema: TableSchema, class_name: str | None = None) -> type[Row]:
    """A row model for one Table Schema.

    Examples
    --------
    >>> from szdata._disk._package import open_package
    >>> Unit = model_from_schema(open_package().schema("units"), "Unit")
    >>> Unit(unit="CNY", dimension="currency", description="Chinese yuan").words is None
    True
    """
    required = set(schema.primary_key)
    fields = {
        f.name: (
            _annotation(f if not (f.name in required and not f.required) else _required(f)),
            _field_info(f, f.name in required),
        )
        for f in schema.fields
    }
    name = class_name or CLASS_NAMES.get(schema.name, schema.name.title())  # type: ignore[call-overload]
    model = create_model(  # type: ignore[call-overload]
        name,
        __base__=Row,
        __module__=__name__,
        __doc__=f"{schema.title}: {schema.description}",
        **fields,
    )
    model.__table__ = schema.name
    model.__primary_key__ = schema.primary_key
    model.__foreign_keys__ = tuple(
        (fk.fields, fk.resource, fk.reference_fields) for fk in schema.foreign_keys
    )
    return model


def _required(field: Field) -> Field:
    from dataclasses import replace

    return replace(field, required=True)


def build_models(package: Package | None = None) -> dict[str, type[Row]]:
    """Row models for every table of ``package`` (default: the installed package)."""
    from szdata._disk._package import open_package

    pkg = package if package is not None else open_package()
    return {name: model_from_schema(pkg.schema(name)) for name in pkg.table_names()}


_MODELS = build_models()
_missing = set(TABLE_NAMES) - set(_MODELS)
if _missing:  # pragma: no cover - the descriptor and TableName disagree
    raise ImportError(f"datapackage.json has no tables {sorted(_missing)}")

Organization = _MODELS["organizations"]
Alias = _MODELS["aliases"]
Unit = _MODELS["units"]
Article = _MODELS["articles"]
Review = _MODELS["reviews"]
Item = _MODELS["items"]
Figure = _MODELS["figures"]
Date = _MODELS["dates"]
Mention = _MODELS["mentions"]
Decision = _MODELS["decisions"]


def model_for(name: TableName) -> type[Row]:
    """The row model of table ``name``.

    Raises
    ------
    KeyError
        When ``name`` is not a table of the package, naming the known tables.

    Examples
    --------
    >>> model_for("mentions").__name__
    'Mention'
    """
    try:
        return _MODELS[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; known tables: {', '.join(_MODELS)}") from None


def model(name: str, *, path: str | os.PathLike[str] | None = None) -> type[Row]:
    """The Pydantic row model of table ``name``, generated from its Table Schema.

    Parameters
    ----------
    name
        A table name, one of :func:`szdata.tables`.
    path
        Another copy of the package, whose own schemas are used; default: the installed
        package (its models are :mod:`szdata.models`' classes).

    Raises
    ------
    PackageError
        An unknown table.

    Examples
    --------
    >>> import szdata
    >>> Figure = szdata.model("figures")
    >>> Figure(figure_id="x.f1", article_id="x", value=-1, unit="CNY", qualifier="exact",
    ...        start=0, end=1, quote="1", origin="parser", review_status="reviewed")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Figure
    value
      Input should be greater than or equal to 0 ...
    """
    from szdata._disk._package import open_package

    pkg = open_package(path)
    pkg.check_table(name)
    if path is None and name in _MODELS:
        return _MODELS[name]
    return model_from_schema(pkg.schema(name))
