"""Date rules: a date read relative to the publication date lies where that date puts it, and
every date is what its quote says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import decided, has_columns
from szdata._validate._load import Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    import polars as pl

    from szdata._validate._report import Issue

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def check_relative_dates(ctx: Context) -> list[Issue]:
    """``date.relative-to-publication``: weekdays and yesterday/today/tomorrow, on every row,
    parsed, added or set by a decision alike."""
    import polars as pl

    dates, articles = ctx.table("dates"), ctx.table("articles")
    if not has_columns(dates, "article_id", "date", "resolution", "quote"):
        return []
    if not has_columns(articles, "article_id", "published"):
        return []
    assert dates is not None and articles is not None and articles.typed is not None
    published = articles.typed.lazy().select("article_id", pl.col("published").alias("__pub"))
    published = articles.unique_by(published.filter(pl.col("__pub").is_not_null()), "article_id")
    keep = ["article_id", "date", "resolution", "quote"]
    frame = combined(dates, keep).lazy().join(published, on="article_id", how="inner")
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


_QUOTE_COLUMNS = {"__k": "kind", "__y": "year", "__m": "month", "__d": "day", "__o": "offset"}


def _read_date_quotes(quotes: list[str]) -> pl.DataFrame:
    """Each distinct quote read by the parser's grammar (``read_date_quote``)."""
    import polars as pl

    from szdata._parse._dates import read_date_quote

    rows = []
    for q in quotes:
        m = read_date_quote(q)
        rows.append(
            (q, *((None,) * 5 if m is None else [getattr(m, a) for a in _QUOTE_COLUMNS.values()]))
        )
    schema = {"quote": pl.String, "__k": pl.String, "__y": pl.Int32, "__m": pl.Int32}
    schema |= {"__d": pl.Int32, "__o": pl.Int32}
    return pl.DataFrame(rows, schema=schema, orient="row")


def check_dates_from_quotes(ctx: Context) -> list[Issue]:
    """``date.from-quote`` and ``date.relative-to-previous``: every date read again from its
    quote, with the parser's grammar (Python once per distinct quote), on every row, parsed,
    added or set by a decision alike.

    A quote the grammar cannot read at all is an error on a parsed row; on a row a decision
    added or set (a Chinese date a curator added, say) it is a warning that the date was not
    re-read (``decision.not-re-read``): the curated date stands on the decision's evidence.
    """
    import polars as pl

    from szdata._parse._dates import RESOLUTION_FORMS

    dates, articles = ctx.table("dates"), ctx.table("articles")
    if not has_columns(dates, "article_id", "date", "resolution", "quote", "start"):
        return []
    assert dates is not None
    keep = [
        "article_id",
        "date",
        "resolution",
        "quote",
        "start",
        "origin",
        *dates.schema.primary_key,
    ]
    frame = combined(dates, keep).with_columns(
        decided(ctx, dates, ("date", "resolution")).alias("__curated")
    )
    quotes = frame.get_column("quote").drop_nulls().unique().to_list()
    read = _read_date_quotes(quotes)
    if has_columns(articles, "article_id", "published"):
        assert articles is not None and articles.typed is not None
        pub = articles.typed.lazy().select("article_id", pl.col("published").alias("__pub"))
        pub = articles.unique_by(pub.filter(pl.col("__pub").is_not_null()), "article_id")
    else:
        pub = pl.LazyFrame(schema={"article_id": pl.String, "__pub": pl.Date})
    date, res, kind = pl.col("date"), pl.col("resolution"), pl.col("__k")
    frame = (
        frame.lazy()
        .sort("article_id", "start")
        .with_columns(pl.col("date").shift(1).over("article_id").alias("__prev"))
        .join(read.lazy(), on="quote", how="left")
        .join(pub, on="article_id", how="left")
    )
    form = res.replace_strict(RESOLUTION_FORMS, default=None, return_dtype=pl.String)
    known = form.is_not_null() & date.is_not_null()
    fits = known & kind.is_not_null() & (form == kind)
    month_day = (pl.col("__m").is_null() | (date.dt.month() == pl.col("__m"))) & (
        date.dt.day() == pl.col("__d")
    )
    pub_, prev = pl.col("__pub"), pl.col("__prev")
    detail = pl.struct(q=pl.col("quote"), r=res, k=kind, p=pub_, b=prev)
    checks = [
        MaskCheck(
            "date.from-quote",
            "quote",
            known & pl.col("quote").is_not_null() & kind.is_null() & ~pl.col("__curated"),
            lambda v: f"{v!r} is not a date expression the parser reads as a whole",
        ),
        MaskCheck(
            "decision.not-re-read",
            "quote",
            known & pl.col("quote").is_not_null() & kind.is_null() & pl.col("__curated"),
            lambda v, d: (
                f"the quote {v!r} was not re-read: the parser's grammar does not read it as a "
                f"date, so the curated date {d} stands on the decision's evidence"
            ),
            detail=date,
        ),
        MaskCheck(
            "date.from-quote",
            "resolution",
            known & kind.is_not_null() & (form != kind),
            lambda v, d: f"resolution {v!r} does not fit the quote {d['q']!r}, a {d['k']} form",
            detail=detail,
        ),
        MaskCheck(
            "date.from-quote",
            "date",
            fits
            & (kind == "explicit")
            & (date != pl.date(pl.col("__y"), pl.col("__m"), pl.col("__d"))),
            lambda v, d: f"{v} is not the date the quote {d['q']!r} prints",
            detail=detail,
        ),
        MaskCheck(
            "date.from-quote",
            "date",
            fits & kind.is_in(["month_day", "relative_year", "range_end"]) & ~month_day,
            lambda v, d: f"{v} is not the month and day the quote {d['q']!r} prints",
            detail=detail,
        ),
        MaskCheck(
            "date.from-quote",
            "date",
            fits
            & (kind == "month_day")
            & month_day
            & pub_.is_not_null()
            & ((date - pub_).abs() > pl.duration(days=183)),
            lambda v, d: f"{v} is not the year of {d['q']!r} nearest the publication date {d['p']}",
            detail=detail,
        ),
        MaskCheck(
            "date.from-quote",
            "date",
            fits
            & (kind == "relative_year")
            & pub_.is_not_null()
            & (date.dt.year() != pub_.dt.year() + pl.col("__o")),
            lambda v, d: f"{v} is not in the year {d['q']!r} counts from the publication {d['p']}",
            detail=detail,
        ),
        MaskCheck(
            "date.relative-to-previous",
            "date",
            fits
            & (kind == "relative_to_date")
            & (prev.is_null() | (date != prev + pl.duration(days=pl.col("__o")))),
            lambda v, d: (
                f"{d['q']!r} gives {v}, not one day from the date printed before it ({d['b']})"
            ),
            detail=detail,
        ),
        MaskCheck(
            "date.relative-to-previous",
            "date",
            fits
            & (kind == "range_end")
            & (
                prev.is_null()
                | (date.dt.year() != prev.dt.year())
                | (date.dt.month() != prev.dt.month())
                | (date <= prev)
            ),
            lambda v, d: f"{d['q']!r} gives {v}, which does not close a range from {d['b']}",
            detail=detail,
        ),
    ]
    return run_masks(dates, frame, checks)
