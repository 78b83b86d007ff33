"""Item rules: a briefing's items are numbered as printed, in text order, without overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import LENGTH, TEXT, has_columns, texts_frame, with_text_slices
from szdata._validate._load import LINE, Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    import polars as pl

    from szdata._validate._report import Issue


def _rank_in_run(key: str) -> pl.Expr:
    """0, 1, 2, ... within each run of equal ``key`` values of a sorted frame.

    Faster than ``int_range(...).over(key)``: no grouping by a string key.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"a": ["x", "x", "y", "y", "y"]})
    >>> frame.select(_rank_in_run("a").alias("r"))["r"].to_list()
    [0, 1, 0, 1, 2]
    """
    import polars as pl

    row = pl.int_range(pl.len(), dtype=pl.Int64)
    starts = (pl.col(key) != pl.col(key).shift(1)).fill_null(True)
    return row - pl.when(starts).then(row).forward_fill()


_SPACES = 3
"""Spaces between an item's number and its headline that polars clears."""
_SOURCE_TAIL = 40
"""Characters after an item's printed source, to its end (``)``, a full stop, spaces)."""


def _check_printed(ctx: Context, items) -> list[Issue]:
    """``item.printed-from-text``: an item's ``headline`` is printed at its start, right
    after its number, and its ``source_printed`` at its end (``(Source: ...)``), verbatim."""
    import polars as pl

    frame = combined(items, ["article_id", "item_no", "start", "end", "headline", "source_printed"])
    # lazily: joined eagerly, the raw text of an article may be copied once per item
    frame = frame.lazy().join(
        texts_frame(ctx).lazy().select("article_id", TEXT, LENGTH), on="article_id", how="inner"
    )
    start, end, headline, source = (
        pl.col("start"), pl.col("end"), pl.col("headline"), pl.col("source_printed")
    )  # fmt: skip
    label = pl.col("item_no").cast(pl.String).str.len_chars() + 1
    inside = start.is_not_null() & end.is_not_null() & (start >= 0) & (end <= pl.col(LENGTH))
    tail = source.str.len_chars() + _SOURCE_TAIL
    frame = with_text_slices(
        ctx,
        frame,
        {
            "__after_number": (start + label, headline.str.len_chars() + _SPACES),
            "__at_end": ((end - tail).clip(start), tail),
        },
    )
    after_number = pl.col("__after_number").str.strip_chars_start(" \t\u00a0")
    at_end = pl.col("__at_end")
    checks = [
        MaskCheck(
            "item.printed-from-text",
            "headline",
            inside & headline.is_not_null() & ~after_number.str.starts_with(headline),
            lambda v: f"headline {v!r} is not printed at the start of the item, after its number",
        ),
        MaskCheck(
            "item.printed-from-text",
            "source_printed",
            inside & source.is_not_null() & ~at_end.str.contains(source, literal=True),
            lambda v: f"source_printed {v!r} is not printed at the end of the item",
        ),
    ]
    return run_masks(items, frame, checks)


def check_items(ctx: Context) -> list[Issue]:
    """``item.numbering``, ``item.order``, ``item.overlap`` and ``item.printed-from-text``."""
    import polars as pl

    items = ctx.table("items")
    if not has_columns(items, "article_id", "item_no", "start", "end"):
        return []
    assert items is not None
    frame = (
        combined(items, ["article_id", "item_no", "start", "end"])
        .lazy()
        .filter(pl.col("article_id").is_not_null() & pl.col("item_no").is_not_null())
    )
    no, start, end = pl.col("item_no"), pl.col("start"), pl.col("end")
    by_no = frame.sort("article_id", "item_no", LINE).with_columns(
        (_rank_in_run("article_id") + 1).alias("__expected")
    )
    label = no.cast(pl.String) + pl.lit(".")
    printed = with_text_slices(
        ctx,
        frame.join(texts_frame(ctx).lazy(), on="article_id", how="inner"),
        {
            "__label": (start, label.str.len_chars()),
            "__shown": (start, label.str.len_chars() + 8),
        },
    )
    # sorted by article and start, the previous row of the same article is the previous item
    same = pl.col("article_id") == pl.col("article_id").shift(1)
    by_start = (
        frame.filter(start.is_not_null())
        .sort("article_id", "start", LINE)
        .with_columns(
            pl.when(same).then(no.shift(1)).alias("__prev_no"),
            pl.when(same).then(end.shift(1)).alias("__prev_end"),
        )
    )
    issues = run_masks(
        items,
        by_no,
        [
            MaskCheck(
                "item.numbering",
                "item_no",
                no != pl.col("__expected"),
                lambda v, d: (
                    f"item number {v} of {d['a']} should be {d['e']}: items run 1..n without gaps"
                ),
                detail=pl.struct(a=pl.col("article_id"), e=pl.col("__expected")),
            )
        ],
    )
    if has_columns(items, "headline", "source_printed"):
        issues += _check_printed(ctx, items)
    issues += run_masks(
        items,
        printed,
        [
            MaskCheck(
                "item.numbering",
                "item_no",
                (start < pl.col(LENGTH)) & (pl.col("__label") != label),
                lambda v, d: (
                    f"item {v} starts at {d['s']} with {d['t']!r}, not with its number {v}."
                ),
                detail=pl.struct(s=start, t=pl.col("__shown")),
            )
        ],
    )
    issues += run_masks(
        items,
        by_start,
        [
            MaskCheck(
                "item.order",
                "item_no",
                no <= pl.col("__prev_no"),
                lambda v, d: (
                    f"item {v} (at {d['s']}) comes after item {d['p']} in the text: "
                    "numbers must rise in text order"
                ),
                detail=pl.struct(s=start, p=pl.col("__prev_no")),
            ),
            MaskCheck(
                "item.overlap",
                "start",
                start < pl.col("__prev_end"),
                lambda v, d: (
                    f"item {d['n']} starts at {v}, before the previous item ends at {d['e']}"
                ),
                detail=pl.struct(n=no, e=pl.col("__prev_end")),
            ),
        ],
    )
    return issues
