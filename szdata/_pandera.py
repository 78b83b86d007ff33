"""Pandera schemas (polars backend) of every table, built from the Table Schemas.

Built directly from :mod:`szdata._schema` rather than with pandera's
``from_frictionless_schema``, which turns dates into text (bounds compared as text), makes
integers non-nullable and drops foreign keys and formats. The polars backend is used
because the pandas one re-parses value by value when a single date is bad (a hundred times
slower, see the library findings).

The schemas check a *typed* frame: read the text cells with
:func:`szdata._validate._typed.typed_frame` first (``pandera.polars`` cannot cast strings to
dates itself). :func:`szdata.validate` does not use these schemas: its structural layer
makes the same checks as plain polars expressions, without the 1 s import of
``pandera.polars``, and names rule, row and column; a test proves both layers reject the
same broken cells.

Examples
--------
>>> import polars as pl
>>> from szdata._pandera import schema_for, typed_table
>>> schema = schema_for("units")
>>> schema.validate(typed_table("units")).height > 0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl

    from szdata._package import Package
    from szdata._schema import Field, TableSchema


def _checks(field: Field) -> list[pa.Check]:
    import pandera.polars as pa

    checks = []
    if field.enum is not None:
        checks.append(pa.Check.isin(list(field.enum)))
    if field.minimum is not None:
        checks.append(pa.Check.ge(field.minimum))
    if field.maximum is not None:
        checks.append(pa.Check.le(field.maximum))
    if field.pattern is not None:
        checks.append(pa.Check.str_matches(f"^(?:{field.pattern})$"))
    if field.min_length is not None or field.max_length is not None:
        checks.append(pa.Check.str_length(field.min_length, field.max_length))
    return checks


def schema_from_table_schema(schema: TableSchema) -> pa.DataFrameSchema:
    """The ``pandera.polars`` schema of one Table Schema (columns exact and in order)."""
    import pandera.polars as pa

    from szdata._dtypes import polars_value_dtype

    pk = list(schema.primary_key)
    columns = {
        f.name: pa.Column(
            polars_value_dtype(f),
            checks=_checks(f),
            nullable=not (f.required or f.name in pk),
            unique=f.unique or pk == [f.name],
            required=True,
            description=f.description or None,
            title=f.title or None,
        )
        for f in schema.fields
    }
    return pa.DataFrameSchema(
        columns,
        name=schema.name,
        strict=True,
        ordered=True,
        unique=pk if len(pk) > 1 else None,
        description=schema.description or None,
    )


def schema_for(name: str, package: Package | None = None) -> pa.DataFrameSchema:
    """The ``pandera.polars`` schema of table ``name`` (default: the installed package)."""
    from szdata._package import open_package

    pkg = package if package is not None else open_package()
    return schema_from_table_schema(pkg.schema(name))


def typed_table(name: str, package: Package | None = None) -> pl.DataFrame:
    """Table ``name`` read as text and cast to its schema's types, ready for :func:`schema_for`."""
    from szdata._package import open_package
    from szdata._readers import read_text_table
    from szdata._validate._typed import typed_frame

    pkg = package if package is not None else open_package()
    return typed_frame(read_text_table(pkg.path_of(name)), pkg.schema(name))
