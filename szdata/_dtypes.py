"""Table Schema types -> polars, pandas, pyarrow and SQL types, derived from :mod:`szdata._schema`.

One mapping, written once, used by the loader (:func:`szdata.load`), the exports
(:func:`szdata.export`) and the data dictionary. The choices:

============  ==============  ===========================  ======================  ===============
Table Schema  polars          pandas                       pyarrow (Parquet)       SQL
============  ==============  ===========================  ======================  ===============
string        ``String``      ``string`` (``pd.NA``)       ``string``              ``TEXT``
string+enum   ``Enum(enum)``  ``category`` (enum order)    ``dictionary<string>``  ``TEXT`` + CHECK
integer       ``Int64``       ``Int64`` (nullable)         ``int64``               ``BIGINT``
number        ``Float64``     ``float64``                  ``double``              ``DOUBLE``
date          ``Date``        ``datetime64[s]`` (``NaT``)  ``date32``              ``DATE``
boolean       ``Boolean``     ``boolean`` (nullable)       ``bool``                ``BOOLEAN``
============  ==============  ===========================  ======================  ===============

pandas dates are ``datetime64[s]`` (not Python ``date`` objects) because that is what
pandas users expect: the ``.dt`` accessor, comparisons with ``"2020-03-20"`` strings,
resampling. Every value is a midnight; nothing is lost.

Examples
--------
>>> from szdata._schema import Field
>>> f = Field(name="kind", type="string", enum=("briefing", "news"))
>>> polars_dtype(f)
Enum(categories=['briefing', 'news'])
>>> str(pandas_dtype(Field(name="n", type="integer")))
'Int64'
>>> arrow_type(Field(name="d", type="date"))
DataType(date32[day])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from szdata._errors import PackageError
from szdata._schema import Field

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

Dialect = Literal["sqlite", "duckdb"]
"""The SQL databases :mod:`szdata._export` writes."""

SUPPORTED_TYPES: tuple[str, ...] = ("string", "integer", "number", "date", "boolean")
"""The Table Schema field types szdata reads; any other type is refused with a clear error."""

_SQL_TYPES: dict[Dialect, dict[str, str]] = {
    # SQLite has no date type: ISO 8601 text, checked with date(); declared DATE for readers.
    "sqlite": {
        "string": "TEXT",
        "integer": "INTEGER",
        "number": "REAL",
        "date": "DATE",
        "boolean": "INTEGER",
    },
    "duckdb": {
        "string": "VARCHAR",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "date": "DATE",
        "boolean": "BOOLEAN",
    },
}


def check_type(field: Field, *, table: str = "") -> str:
    """The field's type, refused with a clear error when szdata cannot read it.

    Examples
    --------
    >>> check_type(Field(name="n", type="integer"))
    'integer'
    >>> check_type(Field(name="t", type="time"), table="x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    szdata._errors.PackageError: column 'x.t' has type 'time', which szdata cannot read; ...
    """
    if field.type not in SUPPORTED_TYPES:
        where = f"{table}.{field.name}" if table else field.name
        raise PackageError(
            f"column {where!r} has type {field.type!r}, which szdata cannot read; "
            f"use one of {', '.join(SUPPORTED_TYPES)} in its Table Schema"
        )
    return field.type


def is_enum(field: Field) -> bool:
    """Whether the column is a string with an enumerated list of values (a categorical)."""
    return field.type == "string" and field.enum is not None


def polars_dtype(field: Field) -> pl.DataType:
    """The polars type of a column: ``String``, ``Enum``, ``Int64``, ``Float64``, ``Date``...

    Examples
    --------
    >>> polars_dtype(Field(name="d", type="date"))
    Date
    """
    import polars as pl

    if is_enum(field):
        return pl.Enum([str(v) for v in field.enum or ()])
    return polars_value_dtype(field)


def polars_value_dtype(field: Field) -> pl.DataType:
    """The polars type of a column's values as read, enums kept as ``String``.

    This is what the validator casts text cells to before checking them, and what the
    Pandera schemas expect.

    Examples
    --------
    >>> polars_value_dtype(Field(name="q", type="string", enum=("exact",)))
    String
    """
    import polars as pl

    return {
        "string": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "date": pl.Date,
        "boolean": pl.Boolean,
    }[check_type(field)]()


def pandas_dtype(field: Field) -> Any:
    """The pandas dtype of a column (see the module's table).

    Examples
    --------
    >>> pandas_dtype(Field(name="k", type="string", enum=("b", "a"))).categories.tolist()
    ['b', 'a']
    """
    import pandas as pd

    if is_enum(field):
        return pd.CategoricalDtype([str(v) for v in field.enum or ()], ordered=False)
    return {
        "string": pd.StringDtype(),
        "integer": pd.Int64Dtype(),
        "number": "float64",
        "date": "datetime64[s]",
        "boolean": pd.BooleanDtype(),
    }[check_type(field)]


def pandas_dtypes(fields: tuple[Field, ...] | list[Field]) -> dict[str, Any]:
    """Column name -> pandas dtype, for :meth:`pandas.DataFrame.astype`."""
    return {f.name: pandas_dtype(f) for f in fields}


def arrow_type(field: Field) -> pa.DataType:
    """The Arrow (Parquet) type of a column: enums are dictionaries of strings.

    Examples
    --------
    >>> arrow_type(Field(name="k", type="string", enum=("a",)))
    DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
    """
    import pyarrow as pa

    if is_enum(field):
        return pa.dictionary(pa.int32(), pa.string())
    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }[check_type(field)]


def arrow_schema(fields: tuple[Field, ...] | list[Field]) -> pa.Schema:
    """The Arrow schema of a table; each field carries its description and nullability."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(
                f.name,
                arrow_type(f),
                nullable=not f.required,
                metadata={"description": f.description} if f.description else None,
            )
            for f in fields
        ]
    )


def sql_type(field: Field, dialect: Dialect) -> str:
    """The SQL column type of a field in ``dialect``.

    Examples
    --------
    >>> sql_type(Field(name="n", type="integer"), "duckdb")
    'BIGINT'
    """
    return _SQL_TYPES[dialect][check_type(field)]


def sql_literal(value: Any, field: Field, dialect: Dialect) -> str:
    """A constraint bound or enum value as an SQL literal of the field's type.

    Examples
    --------
    >>> import datetime as dt
    >>> sql_literal(dt.date(2020, 1, 1), Field(name="d", type="date"), "duckdb")
    "DATE '2020-01-01'"
    >>> sql_literal("it's", Field(name="s", type="string"), "sqlite")
    "'it''s'"
    """
    if field.type in ("integer", "number") and not isinstance(value, bool):
        return repr(value)
    text = "'" + str(getattr(value, "isoformat", lambda: value)()).replace("'", "''") + "'"
    if field.type == "date" and dialect == "duckdb":
        return f"DATE {text}"
    return text


def sql_checks(field: Field, column: str, dialect: Dialect) -> list[str]:
    """The CHECK expressions of a column: enum, bounds, minimum length and (SQLite) date form.

    ``column`` is the already quoted column name. Patterns are not checked in SQL (SQLite
    has no regular expressions); :func:`szdata.validate` checks them.

    Examples
    --------
    >>> sql_checks(Field(name="n", type="integer", minimum=1), '"n"', "sqlite")
    ['"n" >= 1']
    """
    checks: list[str] = []
    if field.type == "date" and dialect == "sqlite":
        checks.append(f"date({column}) IS {column}")
    if field.type == "boolean" and dialect == "sqlite":
        checks.append(f"{column} IN (0, 1)")
    if field.enum is not None:
        values = ", ".join(sql_literal(v, field, dialect) for v in field.enum)
        checks.append(f"{column} IN ({values})")
    if field.minimum is not None:
        checks.append(f"{column} >= {sql_literal(field.minimum, field, dialect)}")
    if field.maximum is not None:
        checks.append(f"{column} <= {sql_literal(field.maximum, field, dialect)}")
    if field.min_length is not None:
        checks.append(f"length({column}) >= {int(field.min_length)}")
    if field.max_length is not None:
        checks.append(f"length({column}) <= {int(field.max_length)}")
    return checks
