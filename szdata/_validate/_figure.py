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
    frame = combined(figures, ["value", "quote", "qualifier", "unit"])
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

    assert units.text is not None  # the units as loaded: a malformed file is reported, not raised
    words = UnitWords.from_records(
        {k: v or "" for k, v in row.items()} for row in units.text.iter_rows(named=True)
    )
    reread = read_quotes(frame.get_column("quote"), words)
    joined = frame.lazy().join(reread.lazy(), on="quote", how="inner")
    readable = pl.col("__qe").is_null()
    # a qualifier or unit outside its vocabulary is reported by the structural layer
    qualifiers = list(figures.schema.field("qualifier").enum or ())
    known_qualifier = pl.col("qualifier").is_in(qualifiers) if qualifiers else pl.lit(True)
    assert units.typed is not None
    known_unit = pl.col("unit").is_in(units.typed.get_column("unit").drop_nulls().implode())
    close = (value - pl.col("__qv")).abs() <= 1e-9 * pl.max_horizontal(value.abs(), pl.lit(1.0))
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
            lambda v, d: f"value {v} is not the {d['v']:g} that the quote {d['q']!r} states",
            detail=pl.struct(v=pl.col("__qv"), q=pl.col("quote")),
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
