"""Figure rules: a figure's value, qualifier and unit agree with its quote."""

from __future__ import annotations

import bisect
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
    keep = ["value", "quote", "qualifier", "unit", *(["value_max"] * has_max)]
    frame = combined(figures, [*keep, "origin", *figures.schema.primary_key])
    if not has_max:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("value_max"))
    frame = frame.with_columns(
        decided(ctx, figures, ("value", "value_max", "unit", "qualifier")).alias("__curated")
    )
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
            ~readable & ~pl.col("__curated"),
            lambda v, d: d,
            detail=pl.col("__qe"),
        ),
        MaskCheck(
            "decision.not-re-read",
            "quote",
            ~readable & pl.col("__curated"),
            lambda v, d: (
                f"the quote {v!r} was not re-read ({d}): its value, unit and qualifier "
                "stand on the decision's evidence"
            ),
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
_SPACES = 3
"""Spaces between a quote and its counted phrase that polars clears; more go to Python."""


def check_figure_context(ctx: Context) -> list[Issue]:
    """``figure.counted-from-text`` and ``figure.refers-to-sentence``, on every row: parsed,
    added or set by a decision (a curator who believes the text wrong records a ``note``).

    A counted phrase printed right after its quote is cleared in polars; the others are
    read again with the parser's own reading (:func:`szdata._parse._figures.counted_after`).
    A ``refers_to`` must be the date of a date row of the same article whose start lies
    in the figure's sentence: polars clears the pairs with no possible sentence break
    between them, and the parser's sentence splitter settles the rest.
    """
    import polars as pl

    from szdata._validate._common import LENGTH, texts_frame, with_text_slices

    figures = ctx.table("figures")
    needed = ("article_id", "start", "end", "counted", "refers_to")
    if not has_columns(figures, *needed):
        return []
    assert figures is not None
    texts = texts_frame(ctx).lazy()
    frame = combined(figures, needed).lazy().join(texts, on="article_id", how="inner")
    end, counted = pl.col("end"), pl.col("counted")
    inside = pl.col("start").is_not_null() & end.is_not_null() & (end <= pl.col(LENGTH))
    # cleared: the counted phrase printed right after the quote (a few spaces between), and
    # no letter of a longer word after it; only as many characters as that takes are cut
    cut = {"__head": (end, counted.str.len_chars() + _SPACES + 1)}
    frame = with_text_slices(ctx, frame, cut)
    printed = pl.col("__head").str.strip_chars_start(" \t\u00a0")
    next_char = printed.str.slice(counted.str.len_chars(), 1)
    cleared = (
        printed.str.starts_with(counted)
        & (next_char.str.len_chars() == 1)
        & ~next_char.str.contains(r"^[\w-]").fill_null(False)
    )
    doubtful = frame.filter(
        inside & counted.is_not_null() & (counted != AGE) & ~cleared.fill_null(False)
    ).select(LINE, "article_id", "end", "counted")
    doubtful = (
        with_text_slices(ctx, doubtful, {"__after": (end, _WINDOW)})
        .select(LINE, "counted", "__after")
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


_NEAR = 1000
"""Characters between a figure and a date that polars checks for a sentence break; farther
pairs (rare) are settled by the parser's sentence splitter."""


def _check_refers_to(ctx: Context, figures, frame) -> list[Issue]:
    """``figure.refers-to-sentence``, in memory linear in the tables' size.

    Of the date rows of a figure's article whose date is its ``refers_to``, only two can
    settle the rule: the nearest one starting at or before the figure, and the nearest one
    after it (two as-of joins). A sentence is an interval around the figure's start: if any
    such date lies in it, one of these two does. A join of every figure with every date
    of its date would grow with the square of an article's size (a briefing of a thousand
    items has thousands of figures and dates of one day).
    """
    import polars as pl

    from szdata._validate._common import TEXT, texts_frame, with_text_slices

    dates = ctx.table("dates")
    if not has_columns(dates, "article_id", "date", "start", "end"):
        return []
    assert dates is not None and dates.typed is not None
    rows = (
        dates.typed.lazy()
        .select("article_id", pl.col("date").alias("refers_to"), pl.col("start").alias("__ds"))
        .filter(pl.all_horizontal(pl.all().is_not_null()))
        .sort("__ds")
    )
    # the raw text joins last: sorting or grouping rows that carry it may copy it per row
    figs = (
        frame.filter(pl.col("refers_to").is_not_null() & pl.col("start").is_not_null())
        .select(LINE, "article_id", "start", "refers_to")
        .sort("start")
        .collect()
        .lazy()
    )
    by = ["article_id", "refers_to"]

    def nearest(rows_of: pl.LazyFrame, strategy: str) -> pl.LazyFrame:
        # both sorted by start, so within each article and date too
        return rows_of.sort("start").join_asof(
            rows, left_on="start", right_on="__ds", by=by, strategy=strategy,
            check_sortedness=False,
        )  # fmt: skip

    lo = pl.min_horizontal(pl.col("start"), pl.col("__ds"))
    hi = pl.max_horizontal(pl.col("start"), pl.col("__ds"))
    near = (
        pl.col("__ds").is_not_null()
        & (hi - lo <= _NEAR)
        & ~pl.col("__between").str.contains(r"[.!?]|\n").fill_null(True)
    )

    def cleared(pairs: pl.LazyFrame) -> pl.LazyFrame:
        between = {"__between": (lo, (hi - lo).clip(0, _NEAR))}
        return (
            with_text_slices(ctx, pairs.select(LINE, "article_id", "start", "__ds"), between)
            .select(LINE, near.alias("__near"))
            .filter(pl.col("__near"))
            .select(LINE)
        )

    # the date before the figure settles most; the one after only the rest
    before = nearest(figs, "backward").collect().lazy()
    rest = figs.join(cleared(before), on=LINE, how="anti")
    after = nearest(rest, "forward")
    unsure = (
        rest.join(cleared(after), on=LINE, how="anti")
        .select(LINE)
        .collect()
        .get_column(LINE)
        .to_list()
    )
    if not unsure:
        return []
    pairs = pl.concat([before, after], how="vertical")
    from szdata._core._normalize import fold
    from szdata._parse._sentences import sentence_spans

    issues = []
    candidates = pairs.filter(pl.col(LINE).is_in(unsure)).collect()
    by_line: dict[int, list[dict]] = {}
    for row in candidates.iter_rows(named=True):
        by_line.setdefault(row[LINE], []).append(row)
    wanted = candidates.get_column("article_id").unique().to_list()
    raw = dict(
        texts_frame(ctx)
        .filter(pl.col("article_id").is_in(wanted))
        .select("article_id", TEXT)
        .iter_rows()
    )  # one string per article, not one per row
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}  # a paragraph split once
    starts: dict[tuple[str, int], list[int]] = {}  # its sentences' starts, ascending
    for line, group in by_line.items():
        first = group[0]
        text, start = raw.get(first["article_id"]), first["start"]
        if text is None:
            continue
        p0 = text.rfind("\n", 0, start) + 1
        p1 = text.find("\n", start)
        p1 = len(text) if p1 < 0 else p1
        key = (first["article_id"], p0)
        if key not in spans:
            folded = fold(text[p0:p1])
            spans[key] = [(a + p0, b + p0) for a, b in sentence_spans(folded, 0, len(folded))]
            starts[key] = [a for a, _ in spans[key]]
        # the sentence holding the figure: found by its start, not by a pass over the
        # paragraph's sentences (a text of one paragraph has thousands)
        at = bisect.bisect_right(starts[key], start) - 1
        sentence = spans[key][at] if at >= 0 and start < spans[key][at][1] else (start, start)
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
