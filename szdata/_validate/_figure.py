"""Figure rules: a figure's value, qualifier and unit agree with its quote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import decided, has_columns
from szdata._validate._load import LINE, Context
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
    from szdata._parse._quantities import UnitWords
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


AGE = "age"
"""The counted phrase of an age ("a 70-year-old"), which the parser names, not prints."""
_WINDOW = 200
"""Characters after a quote in which its counted phrase is read."""


def check_figure_context(ctx: Context) -> list[Issue]:
    """``figure.counted-from-text`` and ``figure.refers-to-sentence``.

    A counted phrase printed right after its quote is cleared in polars; the others are
    read again with the parser's own reading (:func:`szdata._parse._figures.counted_after`).
    A ``refers_to`` must be the date of a date row of the same article whose start lies
    in the figure's sentence: polars clears the pairs with no possible sentence break
    between them, and the parser's sentence splitter settles the rest.
    """
    import polars as pl

    from szdata._validate._common import LENGTH, TEXT, texts_frame

    figures = ctx.table("figures")
    needed = ("article_id", "start", "end", "counted", "refers_to")
    if not has_columns(figures, *needed):
        return []
    assert figures is not None
    texts = texts_frame(ctx).lazy()
    keep = [*needed, "origin", *figures.schema.primary_key]
    frame = (
        combined(figures, keep)
        .lazy()
        .join(texts, on="article_id", how="inner")
        .with_columns(
            decided(ctx, figures, ("counted",)).alias("__decided_counted"),
            decided(ctx, figures, ("refers_to",)).alias("__decided_refers"),
        )
    )
    end, counted = pl.col("end"), pl.col("counted")
    inside = pl.col("start").is_not_null() & end.is_not_null() & (end <= pl.col(LENGTH))
    after = pl.col(TEXT).str.slice(end, _WINDOW)
    printed = after.str.strip_chars_start(" \t\u00a0")
    next_char = printed.str.slice(counted.str.len_chars(), 1)
    cleared = printed.str.starts_with(counted) & ~next_char.str.contains(r"^[\w-]").fill_null(False)
    doubtful = (
        frame.filter(inside & counted.is_not_null() & (counted != AGE) & ~cleared.fill_null(False))
        .filter(~pl.col("__decided_counted"))
        .select(LINE, "counted", after.alias("__after"))
        .collect()
    )
    issues = []
    if not doubtful.is_empty():
        from szdata._core._normalize import fold
        from szdata._parse._figures import counted_after

        for line, value, window in doubtful.iter_rows():
            expected = counted_after(fold(window), window)
            if expected != value:
                issues.append(
                    figures.issue(
                        "figure.counted-from-text",
                        line,
                        "counted",
                        value,
                        f"counted {value!r} is not what the text prints after the quote "
                        f"({expected or 'nothing counted'!r}: {window[:40]!r})",
                    )
                )
    issues.extend(_check_refers_to(ctx, figures, frame))
    return issues


def _check_refers_to(ctx: Context, figures, frame) -> list[Issue]:
    import polars as pl

    from szdata._validate._common import TEXT

    dates = ctx.table("dates")
    with_date = frame.filter(
        pl.col("refers_to").is_not_null()
        & pl.col("start").is_not_null()
        & ~pl.col("__decided_refers")
    )
    if not has_columns(dates, "article_id", "date", "start", "end"):
        return []
    assert dates is not None and dates.typed is not None
    rows = dates.typed.lazy().select(
        "article_id",
        pl.col("date").alias("refers_to"),
        pl.col("start").alias("__ds"),
        pl.col("end").alias("__de"),
    )
    pairs = with_date.select(LINE, "article_id", "start", "end", "refers_to", TEXT).join(
        rows, on=["article_id", "refers_to"], how="left"
    )
    lo = pl.min_horizontal(pl.col("end"), pl.col("__de"))
    hi = pl.max_horizontal(pl.col("start"), pl.col("__ds"))
    between = pl.col(TEXT).str.slice(lo, (hi - lo).clip(0))
    near = pl.col("__ds").is_not_null() & ~between.str.contains(r"[.!?]|\n").fill_null(True)
    ok = pairs.group_by(LINE).agg(near.any().alias("__ok"))
    unsure = ok.filter(~pl.col("__ok")).select(LINE).collect().get_column(LINE).to_list()
    if not unsure:
        return []
    from szdata._core._normalize import fold
    from szdata._parse._sentences import sentence_spans

    issues = []
    candidates = pairs.filter(pl.col(LINE).is_in(unsure)).collect()
    by_line: dict[int, list[tuple]] = {}
    for row in candidates.iter_rows(named=True):
        by_line.setdefault(row[LINE], []).append(row)
    for line, group in by_line.items():
        first = group[0]
        text, start = first[TEXT], first["start"]
        p0 = text.rfind("\n", 0, start) + 1
        p1 = text.find("\n", start)
        p1 = len(text) if p1 < 0 else p1
        folded = fold(text[p0:p1])
        sentence = next(
            (
                (a + p0, b + p0)
                for a, b in sentence_spans(folded, 0, len(folded))
                if a + p0 <= start < b + p0
            ),
            (start, start),
        )
        if not any(r["__ds"] is not None and sentence[0] <= r["__ds"] < sentence[1] for r in group):
            issues.append(
                figures.issue(
                    "figure.refers-to-sentence",
                    line,
                    "refers_to",
                    first["refers_to"],
                    f"refers_to {first['refers_to']} is the date of no date row in the "
                    f"figure's sentence",
                )
            )
    return issues
