"""Figure rules: a figure's value, qualifier and unit agree with its quote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import has_columns
from szdata._validate._load import Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    from szdata._validate._report import Issue


def check_figure_values(ctx: Context) -> list[Issue]:
    """``figure.value-finite`` and the figure rules that read the quote again."""
    import polars as pl

    figures = ctx.table("figures")
    if not has_columns(figures, "value", "quote", "qualifier", "unit"):
        return []
    assert figures is not None
    has_max = has_columns(figures, "value_max")
    frame = combined(figures, ["value", "quote", "qualifier", "unit", *(["value_max"] * has_max)])
    if not has_max:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("value_max"))
    value = pl.col("value")
    issues = run_masks(
        figures,
        frame,
        [
            MaskCheck(
                "figure.value-finite",
                "value",
                value.is_nan() | value.is_infinite(),
                lambda v: f"value {v!r} is not a finite number",
            )
        ],
    )
    units = ctx.table("units")
    if units is None:
        return issues
    from szdata._quantities import UnitWords
    from szdata._validate._quotes import read_quotes

    words = UnitWords.load(ctx.package)
    reread = read_quotes(frame.get_column("quote"), words)
    joined = frame.lazy().join(reread.lazy(), on="quote", how="inner")
    readable = pl.col("__qe").is_null()
    # a qualifier or unit outside its vocabulary is reported by the structural layer
    qualifiers = list(figures.schema.field("qualifier").enum or ())
    known_qualifier = pl.col("qualifier").is_in(qualifiers) if qualifiers else pl.lit(True)
    assert units.typed is not None
    known_unit = pl.col("unit").is_in(units.typed.get_column("unit").drop_nulls().implode())
    # exact: the value must be the float nearest the quote's exact value (see _quotes)
    close = value == pl.col("__qv")
    top, read_top = pl.col("value_max"), pl.col("__qm")
    top_ok = top.eq_missing(read_top) | (top.is_not_null() & ~top.is_finite())
    checks = [
        MaskCheck(
            "figure.value-from-quote",
            "quote",
            ~readable,
            lambda v, d: d,
            detail=pl.col("__qe"),
        ),
        MaskCheck(
            "figure.value-from-quote",
            "value",
            readable & value.is_finite() & ~close,
            lambda v, d: f"value {v} is not the {d['v']!r} that the quote {d['q']!r} states",
            detail=pl.struct(v=pl.col("__qv"), q=pl.col("quote")),
        ),
        MaskCheck(
            "figure.value-from-quote",
            "value_max",
            readable & ~top_ok,
            lambda v, d: (
                f"value_max {v or '(empty)'} is not the upper end "
                f"{'(none)' if d['m'] is None else repr(d['m'])} that the quote {d['q']!r} states"
            ),
            detail=pl.struct(m=read_top, q=pl.col("quote")),
        ),
        MaskCheck(
            "figure.qualifier-from-quote",
            "qualifier",
            readable & known_qualifier & (pl.col("qualifier") != pl.col("__qq")),
            lambda v, d: (
                f"qualifier {v!r} disagrees with the quote {d['q']!r}, which reads {d['e']!r}"
            ),
            detail=pl.struct(q=pl.col("quote"), e=pl.col("__qq")),
        ),
        MaskCheck(
            "figure.unit-from-quote",
            "unit",
            readable
            & known_unit
            & pl.col("__qu").is_not_null()
            & (pl.col("unit") != pl.col("__qu")),
            lambda v, d: (
                f"unit {v!r} disagrees with the quote {d['q']!r}, whose unit is {d['e']!r}"
            ),
            detail=pl.struct(q=pl.col("quote"), e=pl.col("__qu")),
        ),
    ]
    return issues + run_masks(figures, joined, checks)
