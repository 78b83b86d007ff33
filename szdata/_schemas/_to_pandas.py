"""A typed polars frame -> a pandas frame with the schema's dtypes, with or without pyarrow.

polars' own :meth:`polars.DataFrame.to_pandas` goes through Arrow and so needs pyarrow, a
170 MB package that only the ``export`` extra installs (it writes Parquet). Where pyarrow is
installed that path is used (it is about ten times faster on text columns); otherwise each
column is converted through NumPy, which pandas needs anyway. Both give the same frame, with
the dtypes of :func:`szdata._schemas._dtypes.pandas_dtype` (a test compares them).

Examples
--------
>>> import polars as pl
>>> from szdata._schemas._schema import Field
>>> fields = (Field(name="n", type="integer"), Field(name="k", type="string", enum=("a", "b")))
>>> frame = pl.DataFrame({"n": [1, None], "k": pl.Series(["b", None], dtype=pl.Enum(["a", "b"]))})
>>> df = to_pandas(frame, fields, use_pyarrow=False)
>>> df["n"].tolist(), df["k"].tolist()
([1, <NA>], ['b', nan])
>>> str(df["n"].dtype), list(df["k"].cat.categories)
('Int64', ['a', 'b'])
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from szdata._core._extras import require
from szdata._schemas._dtypes import check_type, is_enum, pandas_dtype, pandas_dtypes
from szdata._schemas._schema import Field

if TYPE_CHECKING:
    import polars as pl


def to_pandas(
    frame: pl.DataFrame, fields: tuple[Field, ...] | list[Field], *, use_pyarrow: bool | None = None
) -> Any:
    """The frame as a ``pandas.DataFrame`` with each column's schema dtype.

    Parameters
    ----------
    frame
        A frame typed by :func:`szdata._schemas._dtypes.polars_dtype` (enums as ``pl.Enum``).
    fields
        The Table Schema fields of its columns, in order.
    use_pyarrow
        Convert through Arrow; default: when pyarrow is installed.

    Raises
    ------
    MissingExtra
        pandas is not installed (the ``pandas`` extra).
    """
    pd = require("pandas", "pandas", feature="backend='pandas'", instead="pass backend='polars'")
    if use_pyarrow is None:
        use_pyarrow = find_spec("pyarrow") is not None
    if use_pyarrow:
        return frame.to_pandas().astype(pandas_dtypes(fields))
    columns = {f.name: _column(frame[f.name], f, pd) for f in fields}
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def _column(series: pl.Series, field: Field, pd: Any) -> Any:
    import polars as pl

    dtype = pandas_dtype(field)
    nulls = series.is_null().to_numpy()
    if is_enum(field):
        codes = series.to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
        return pd.Categorical.from_codes(codes, dtype=dtype)
    kind = check_type(field)
    if kind == "integer":
        values = series.cast(pl.Int64).fill_null(0).to_numpy()
        return pd.arrays.IntegerArray(values, nulls)
    if kind == "boolean":
        values = series.cast(pl.Boolean).fill_null(False).to_numpy()
        return pd.arrays.BooleanArray(values, nulls)
    if kind == "number":
        return series.cast(pl.Float64).to_numpy()
    if kind == "date":
        return series.to_numpy().astype(dtype)
    return pd.array(series.to_numpy(), dtype=dtype)
