"""Read text cells as their Table Schema type, with polars, without raising on bad cells.

A cell that cannot be read as its type becomes null in the typed frame; the structural
check ``structure.type`` reports it, and every other rule sees only well-typed values.
Both the validator and the Pandera schemas (:mod:`szdata._load._pandera`) use these casts, so
that a type is read one way everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from szdata._schemas._schema import Field, TableSchema

# The lexical forms of the Table Schema standard (defaults, no groupChar, no bareNumber).
INTEGER_FORM = r"^[+-]?[0-9]+$"
DATE_FORM = r"^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}$"
"""YYYY-MM-DD from year 1 (a date Python, pydantic and frictionless can hold; polars would
read year 0 as 1 BC)."""
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")

TYPE_WORDS = {
    "integer": "an integer (digits only, no separators)",
    "number": "a number (digits with an optional '.' decimal point, no separators)",
    "date": "a date in ISO form YYYY-MM-DD",
    "boolean": "a boolean (true or false)",
}


def cast_expr(field: Field, column: str | None = None) -> pl.Expr:
    """An expression reading the text column of ``field`` as its type (null when unreadable).

    Examples
    --------
    >>> import polars as pl
    >>> from szdata._schemas._schema import Field
    >>> df = pl.DataFrame({"d": ["2020-03-20", "2020-3-20", None, "0000-04-07"]})
    >>> df.select(cast_expr(Field(name="d", type="date")))["d"].to_list()
    [datetime.date(2020, 3, 20), None, None, None]
    """
    import polars as pl

    col = pl.col(column or field.name)
    if field.type == "integer":
        out = col.cast(pl.Int64, strict=False)  # accepts exactly INTEGER_FORM (a test checks)
    elif field.type == "number":
        out = col.cast(pl.Float64, strict=False)
    elif field.type == "date":
        out = pl.when(col.str.contains(DATE_FORM)).then(col.str.to_date("%Y-%m-%d", strict=False))
    elif field.type == "boolean":
        out = (
            pl.when(col.is_in(TRUE_VALUES))
            .then(pl.lit(True))
            .when(col.is_in(FALSE_VALUES))
            .then(pl.lit(False))
        )
    else:
        out = col
    return out.alias(field.name)


def typed_frame(text: pl.DataFrame, schema: TableSchema) -> pl.DataFrame:
    """The typed version of an all-text frame: every schema column cast, others kept.

    Examples
    --------
    >>> import polars as pl
    >>> from szdata._disk._package import open_package
    >>> schema = open_package().schema("items")
    >>> text = pl.DataFrame({f: ["1"] for f in schema.field_names})
    >>> typed_frame(text, schema)["item_no"].dtype
    Int64
    """
    names = set(schema.field_names)
    # lazily: polars then runs the casts in parallel
    casts = [cast_expr(f) for f in schema.fields if f.name in names]
    return text.lazy().with_columns(casts).collect()
