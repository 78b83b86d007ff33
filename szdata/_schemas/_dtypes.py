"""Table Schema types -> polars, pandas, pyarrow and SQL types, from :mod:`szdata._schemas._schema`.

One mapping, written once, used by the loader (:func:`szdata.load`), the exports
(:func:`szdata.export`), the Pandera schemas and the data dictionary. The choices:

============  ==============  ===========================  ======================  ===============
Table Schema  polars          pandas                       pyarrow (Parquet)       SQLite / DuckDB
============  ==============  ===========================  ======================  ===============
string        ``String``      ``string`` (``pd.NA``)       ``string``              TEXT / VARCHAR
string+enum   ``Enum(enum)``  ``category`` (enum order)    ``dictionary<string>``  + CHECK IN
integer       ``Int64``       ``Int64`` (nullable)         ``int64``               INTEGER/BIGINT
number        ``Float64``     ``float64``                  ``double``              REAL / DOUBLE
date          ``Date``        ``datetime64[s]`` (``NaT``)  ``timestamp[ms]``       TEXT / DATE
boolean       ``Boolean``     ``boolean`` (nullable)       ``bool``                INTEGER/BOOLEAN
============  ==============  ===========================  ======================  ===============

pandas dates are ``datetime64[s]`` (not Python ``date`` objects) because that is what
pandas users expect: the ``.dt`` accessor, comparisons with ``"2020-03-20"`` strings,
resampling. Every value is a midnight; nothing is lost.

Parquet has no type that both pandas and polars read back as their date type: pandas
reads a Parquet DATE as Python ``date`` objects, polars reads a TIMESTAMP as ``Datetime``.
The Parquet export writes dates as midnight timestamps (Parquet's smallest unit is the
millisecond), so that ``pandas.read_parquet`` gives ``datetime64[ms]`` like :func:`szdata.load`
gives ``datetime64[s]``; in polars, ``.dt.date()`` gives back ``Date``. SQLite has no date
type: dates are ISO 8601 text, checked to be real dates.

Examples
--------
>>> from szdata._schemas._schema import Field
>>> f = Field(name="kind", type="string", enum=("briefing", "news"))
>>> polars_dtype(f)
Enum(categories=['briefing', 'news'])
>>> str(pandas_dtype(Field(name="n", type="integer")))
'Int64'
>>> arrow_type(Field(name="d", type="date"))
TimestampType(timestamp[ms])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from szdata._core._errors import PackageError
from szdata._schemas._schema import Field

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

Dialect = Literal["sqlite", "duckdb"]
"""The SQL databases :mod:`szdata._export` writes."""

SUPPORTED_TYPES: tuple[str, ...] = ("string", "integer", "number", "date", "boolean")
"""The Table Schema field types szdata reads; any other type is refused with a clear error."""

_SQL_TYPES: dict[Dialect, dict[str, str]] = {
    # SQLite's STRICT tables know only INTEGER, REAL, TEXT, BLOB and ANY: dates are ISO 8601
    # text (checked to be real dates), booleans 0/1.
    "sqlite": {
        "string": "TEXT",
        "integer": "INTEGER",
        "number": "REAL",
        "date": "TEXT",
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
    szdata._core._errors.PackageError: column 'x.t' has type 'time', which szdata cannot read; ...
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
        "date": pa.timestamp("ms"),
        "boolean": pa.bool_(),
    }[check_type(field)]


POLARS_ENUM_KEY = "_PL_ENUM_VALUES2"
"""The Arrow field metadata key polars writes for an ``Enum`` column and reads back as one."""


def _polars_enum_values(values: tuple[object, ...]) -> str:
    """Enum values in polars' own metadata form: each as ``<UTF-8 length>;<value>``."""
    return "".join(f"{len(str(v).encode('utf-8'))};{v}" for v in values)


def arrow_schema(
    fields: tuple[Field, ...] | list[Field], metadata: dict[str, str] | None = None
) -> pa.Schema:
    """The Arrow schema of a table, so that pandas and polars read it back as :func:`load` gives.

    Each field carries its description and nullability; an enum field also carries its values
    in the metadata polars reads as an ``Enum``. The schema's ``pandas`` metadata names each
    column's pandas dtype (``string``, ``Int64``, ``boolean``), which ``pandas.read_parquet``
    restores. ``metadata`` is added to the schema's metadata.

    Examples
    --------
    >>> schema = arrow_schema([Field(name="k", type="string", enum=("b", "a"), required=True)])
    >>> schema.field("k").nullable, schema.field("k").metadata[b"_PL_ENUM_VALUES2"]
    (False, b'1;b1;a')
    """
    import json

    import pyarrow as pa

    arrow_fields = []
    for f in fields:
        meta = {"description": f.description} if f.description else {}
        if is_enum(f):
            meta[POLARS_ENUM_KEY] = _polars_enum_values(f.enum or ())
        arrow_fields.append(pa.field(f.name, arrow_type(f), not f.required, meta or None))
    pandas_columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": _PANDAS_TYPES[check_type(f)] if not is_enum(f) else "categorical",
            "numpy_type": "int32" if is_enum(f) else _PANDAS_NUMPY_TYPES[f.type],
            "metadata": {"num_categories": len(f.enum or ()), "ordered": False}
            if is_enum(f)
            else None,
        }
        for f in fields
    ]
    pandas_meta = {
        "index_columns": [],
        "column_indexes": [],
        "columns": pandas_columns,
        "creator": {"library": "szdata"},
    }
    return pa.schema(arrow_fields, metadata={"pandas": json.dumps(pandas_meta), **(metadata or {})})


_PANDAS_TYPES = {
    "string": "unicode",
    "integer": "int64",
    "number": "float64",
    "date": "datetime",
    "boolean": "bool",
}
_PANDAS_NUMPY_TYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "date": "datetime64[ms]",
    "boolean": "boolean",
}
"""The pandas dtype names of :func:`pandas_dtype`, as pandas' Parquet metadata spells them."""


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
    """The CHECK expressions of a column: every constraint of its schema the database can say.

    ``column`` is the already quoted column name. Enums, bounds (dates compared as dates),
    lengths and patterns; in SQLite also that a date is a real calendar date in ISO form
    (``date(x, '+0 days') IS x`` refuses ``2020-02-30`` and ``2020-4-7``) and that a
    boolean is 0 or 1. A pattern becomes ``regexp_full_match`` in DuckDB and, in SQLite,
    GLOB conditions where they accept exactly what the pattern accepts
    (:func:`szdata._schemas._glob.glob_condition`); :func:`sql_unchecked` names the rest.

    Examples
    --------
    >>> sql_checks(Field(name="n", type="integer", minimum=1), '"n"', "sqlite")
    ['"n" >= 1']
    >>> print(*sql_checks(Field(name="d", type="date"), '"d"', "sqlite"))
    date("d", '+0 days') IS "d"
    >>> print(*sql_checks(Field(name="h", type="string", pattern="[0-9a-f]{64}"), '"h"', "duckdb"))
    regexp_full_match("h", '[0-9a-f]{64}')
    """
    checks: list[str] = []
    if field.type == "date" and dialect == "sqlite":
        checks.append(f"date({column}, '+0 days') IS {column}")
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
    pattern = _pattern_check(field, column, dialect)
    if pattern is not None:
        checks.append(pattern)
    return checks


def _pattern_check(field: Field, column: str, dialect: Dialect) -> str | None:
    from szdata._schemas._glob import glob_condition, regex_subset

    if field.pattern is None or field.type != "string":
        return None
    if dialect == "duckdb":
        if not regex_subset(field.pattern):
            return None
        return f"regexp_full_match({column}, {sql_literal(field.pattern, field, dialect)})"
    return glob_condition(field.pattern, column)


def sql_unchecked(field: Field, dialect: Dialect) -> list[str]:
    """The constraints of a column that ``dialect`` cannot check (they are in the docs).

    Examples
    --------
    >>> sql_unchecked(Field(name="o", type="string", pattern="[a-z]+(-[a-z]+)*"), "sqlite")
    ['pattern [a-z]+(-[a-z]+)*']
    >>> sql_unchecked(Field(name="u", type="string", format="uri"), "duckdb")
    ['format uri']
    """
    out = []
    if field.pattern is not None and _pattern_check(field, '"x"', dialect) is None:
        out.append(f"pattern {field.pattern}")
    if field.format and field.format != "default":
        out.append(f"format {field.format}")
    return out


SPAN_COLUMNS: tuple[str, str] = ("start", "end")
"""The integer columns of a span of a raw text: a table with both has ``start < end``."""


def table_checks(fields: tuple[Field, ...] | list[Field], dialect: Dialect) -> list[str]:
    """The CHECK expressions across columns: ``start < "end"`` in a table of spans.

    Examples
    --------
    >>> fields = [Field(name="start", type="integer"), Field(name="end", type="integer")]
    >>> table_checks(fields, "sqlite")
    ['"start" < "end"']
    """
    types = {f.name: f.type for f in fields}
    start, end = SPAN_COLUMNS
    if types.get(start) == types.get(end) == "integer":
        return [f'"{start}" < "{end}"']
    return []
