"""Date rules: a date read relative to the publication date lies where that date puts it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import has_columns
from szdata._validate._load import Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    from szdata._validate._report import Issue

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def check_relative_dates(ctx: Context) -> list[Issue]:
    """``date.relative-to-publication``: weekdays and yesterday/today/tomorrow."""
    import polars as pl

    dates, articles = ctx.table("dates"), ctx.table("articles")
    if not has_columns(dates, "article_id", "date", "resolution", "quote"):
        return []
    if not has_columns(articles, "article_id", "published"):
        return []
    assert dates is not None and articles is not None and articles.typed is not None
    published = articles.typed.lazy().select("article_id", pl.col("published").alias("__pub"))
    published = articles.unique_by(published.filter(pl.col("__pub").is_not_null()), "article_id")
    frame = (
        combined(dates, ["article_id", "date", "resolution", "quote"])
        .lazy()
        .join(published, on="article_id", how="inner")
    )
    date, pub, res = pl.col("date"), pl.col("__pub"), pl.col("resolution")
    words = pl.col("quote").str.to_lowercase()
    weekday = words.str.extract("(" + "|".join(WEEKDAYS) + ")").replace_strict(
        {w: i + 1 for i, w in enumerate(WEEKDAYS)}, default=None, return_dtype=pl.Int8
    )
    offset = words.str.extract("(" + "|".join(RELATIVE_DAYS) + ")").replace_strict(
        RELATIVE_DAYS, default=None, return_dtype=pl.Int64
    )
    week = pl.duration(days=7)
    detail = pl.struct(p=pub, r=res, q=pl.col("quote"))
    checks = [
        MaskCheck(
            "date.relative-to-publication",
            "date",
            (res == "weekday_past") & ((date >= pub) | (date < pub - week)),
            lambda v, d: (
                f"{d['q']!r} ({d['r']}) gives {v}, not in the week before "
                f"the publication date {d['p']}"
            ),
            detail=detail,
        ),
        MaskCheck(
            "date.relative-to-publication",
            "date",
            (res == "weekday_next") & ((date <= pub) | (date > pub + week)),
            lambda v, d: (
                f"{d['q']!r} ({d['r']}) gives {v}, not in the week after "
                f"the publication date {d['p']}"
            ),
            detail=detail,
        ),
        MaskCheck(
            "date.relative-to-publication",
            "date",
            res.is_in(["weekday_past", "weekday_next"])
            & weekday.is_not_null()
            & (date.dt.weekday() != weekday),
            lambda v, d: f"{v} is not a {d['q']}",
            detail=detail,
        ),
        MaskCheck(
            "date.relative-to-publication",
            "date",
            (res == "relative_day")
            & offset.is_not_null()
            & (date != pub + pl.duration(days=offset)),
            lambda v, d: f"{d['q']!r} counted from the publication date {d['p']} is not {v}",
            detail=detail,
        ),
    ]
    return run_masks(dates, frame, checks)
