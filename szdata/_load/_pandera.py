"""Pandera schemas of every table, built from the Table Schemas: validate your own data frames.

:func:`pandera_schema` gives the schema of a table for polars (``pandera.polars``) or pandas
(``pandera.pandas``), with the dtypes :func:`szdata.load` gives, so that a table you loaded,
transformed and want to write back or share can be checked against the package's contract:
types, required cells, enums, bounds (dates compared as dates), patterns, lengths, unique
columns and the primary key. Validate with ``lazy=True`` to get every failing row at once
(``exc.failure_cases``). The schemas cannot see other tables, so foreign keys and the
rules across tables and files are left to :func:`szdata.validate`.

Built directly from :mod:`szdata._schemas._schema` rather than with pandera's
``from_frictionless_schema``, which turns dates into text (bounds compared as text), makes
integers non-nullable and drops foreign keys and formats. pandera is imported only when a
schema is asked for (about 0.5 s).

polars: enum columns are ``Enum`` as :func:`szdata.load` gives them; a ``String`` column is
accepted too and cast (a value outside the enum is a failure case). pandas: ``string``,
``category`` (the enum's values), ``Int64``, ``float64``, ``datetime64[s]``, ``boolean``.

:func:`szdata.validate` does not use these schemas: its structural layer makes the same
checks as plain polars expressions on the CSV text, naming rule, row and column; a test
proves both layers reject the same broken cells.

Examples
--------
>>> import szdata
>>> schema = szdata.pandera_schema("units", backend="polars")
>>> schema.validate(szdata.load("units", backend="polars")).height > 0
True
>>> szdata.pandera_schema("units", backend="pandas").validate(szdata.load("units")).shape[0] > 0
True
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from szdata._core._extras import resolve_backend
from szdata._core._typing import Backend

if TYPE_CHECKING:
    import polars as pl

    from szdata._disk._package import Package
    from szdata._schemas._schema import Field, TableSchema


def pandera_schema(
    name: str, *, backend: Backend = "auto", path: str | os.PathLike[str] | None = None
) -> Any:
    """The Pandera schema of table ``name``, for frames like :func:`szdata.load` returns.

    Parameters
    ----------
    name
        A table name, one of :func:`szdata.tables`.
    backend
        ``"auto"`` (default): the backend :func:`szdata.load` picks by default, pandas
        when it is installed, else polars, so that ``pandera_schema(name)`` validates
        ``load(name)`` on every install. ``"polars"`` gives a
        ``pandera.polars.DataFrameSchema``, ``"pandas"`` a ``pandera.pandas.DataFrameSchema``.
    path
        Another copy of the package, whose own schemas are used; default: the installed
        package.

    Returns
    -------
    pandera.api.dataframe.container.DataFrameSchema
        Strict (exactly the table's columns, in order), with a check for each constraint.

    Raises
    ------
    PackageError
        An unknown table.
    UsageError
        An unknown backend.

    Examples
    --------
    >>> import polars as pl, szdata
    >>> figures = szdata.load("figures", backend="polars")
    >>> doubled = figures.with_columns(pl.col("value") * -1)  # a transformation gone wrong
    >>> try:
    ...     szdata.pandera_schema("figures", backend="polars").validate(doubled, lazy=True)
    ... except Exception as exc:
    ...     cases = exc.failure_cases
    >>> sorted(set(cases["check"]))
    ['greater_than_or_equal_to(0)']
    """
    from szdata._disk._package import open_package

    frames = resolve_backend(backend)
    pkg = open_package(path)
    pkg.check_table(name)
    return schema_from_table_schema(pkg.schema(name), backend=frames)


def _checks(field: Field, pa: Any, backend: str) -> list[Any]:
    bound = _pandas_bound if backend == "pandas" else (lambda v, f: v)
    checks = []
    if field.enum is not None:
        checks.append(pa.Check.isin(list(field.enum)))
    if field.minimum is not None:
        checks.append(pa.Check.ge(bound(field.minimum, field)))
    if field.maximum is not None:
        checks.append(pa.Check.le(bound(field.maximum, field)))
    if field.pattern is not None:
        checks.append(pa.Check.str_matches(f"^(?:{field.pattern})$"))
    if field.min_length is not None or field.max_length is not None:
        checks.append(pa.Check.str_length(field.min_length, field.max_length))
    return checks


def _pandas_bound(value: Any, field: Field) -> Any:
    if field.type == "date":
        import pandas as pd

        return pd.Timestamp(value)
    return value


def schema_from_table_schema(schema: TableSchema, *, backend: str = "polars") -> Any:
    """The Pandera schema of one Table Schema (columns exact and in order)."""
    if backend == "pandas":
        from szdata._core._extras import require

        require("pandas", "pandas", feature="backend='pandas'", instead="pass backend='polars'")
        import pandera.pandas as pa

        from szdata._schemas._dtypes import pandas_dtype as dtype_of
    else:
        import pandera.polars as pa

        from szdata._schemas._dtypes import polars_dtype as dtype_of
    from szdata._schemas._dtypes import is_enum

    pk = list(schema.primary_key)
    columns = {
        f.name: pa.Column(
            dtype_of(f),
            checks=_checks(f, pa, backend),
            nullable=not (f.required or f.name in pk),
            unique=f.unique or pk == [f.name],
            required=True,
            coerce=backend == "polars" and is_enum(f),
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


def schema_for(name: str, package: Package | None = None) -> Any:
    """The ``pandera.polars`` schema of table ``name`` (default: the installed package)."""
    from szdata._disk._package import open_package

    pkg = package if package is not None else open_package()
    return schema_from_table_schema(pkg.schema(name))


def typed_table(name: str, package: Package | None = None) -> pl.DataFrame:
    """Table ``name`` read as text and cast to its schema's types, ready for :func:`schema_for`.

    Unlike :func:`szdata.load`, a cell outside its enum is kept (as text), so that the
    schema can report it.
    """
    from szdata._disk._package import open_package
    from szdata._disk._readers import table_frame
    from szdata._schemas._typed import typed_frame

    pkg = package if package is not None else open_package()
    return typed_frame(table_frame(pkg, name), pkg.schema(name))
