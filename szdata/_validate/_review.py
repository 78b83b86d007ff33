"""Review rules: every article and row has been reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._common import has_columns
from szdata._validate._load import LINE, Context, LoadedTable

if TYPE_CHECKING:
    from szdata._validate._report import Issue


def check_review(ctx: Context) -> list[Issue]:
    """``review.unreviewed``: unreviewed articles and rows, one issue per article and table."""
    return [i for table in ctx.tables.values() for i in review_issues(table)]


def review_issues(table: LoadedTable) -> list[Issue]:
    """``review.unreviewed`` in one table (see :func:`check_review`)."""
    import polars as pl

    if not table.usable:
        return []
    assert table.typed is not None
    issues: list[Issue] = []
    for column in ("review_status", "status"):
        if not has_columns(table, column):
            continue
        enum = table.schema.field(column).enum or ()
        if "unreviewed" not in enum:
            continue
        rows = table.typed.filter(pl.col(column) == "unreviewed")
        if not rows.height:
            continue
        if table.name in ("articles", "reviews") or not has_columns(table, "article_id"):
            grouped = rows.select(LINE, "article_id", pl.lit(1, pl.UInt32).alias("n"))
        else:
            grouped = (
                rows.group_by("article_id", maintain_order=True)
                .agg(pl.col(LINE).min(), pl.len().alias("n"))
                .select(LINE, "article_id", "n")
            )
        for line, aid, n in grouped.iter_rows():
            what = "is unreviewed" if n == 1 else f"has {n} unreviewed rows here"
            issues.append(
                table.issue(
                    "review.unreviewed", line, column, "unreviewed", f"article {aid} {what}"
                )
            )
    return issues


def check_review_records(ctx: Context) -> list[Issue]:
    """``review.complete``, ``review.text-changed`` and ``review.date-not-future``.

    A review records who reviewed, when (not after today), and the SHA-256 of the text it
    covered; a reviewed text whose hash is another one has changed since its review.
    """
    import datetime as dt

    import polars as pl

    from szdata._validate._structural import MaskCheck, combined, run_masks

    reviews = ctx.table("reviews")
    needed = ("article_id", "status", "reviewer", "reviewed_on", "sha256")
    if not has_columns(reviews, *needed):
        return []
    assert reviews is not None
    frame = combined(reviews, needed)
    reviewed = pl.col("status") == "reviewed"
    missing = [
        pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in ("reviewer", "reviewed_on", "sha256")
    ]
    today = dt.date.today()
    checks = [
        MaskCheck(
            "review.complete",
            "status",
            reviewed & pl.any_horizontal(pl.col(c).is_null() for c in needed[2:]),
            lambda v, d: f"the review is 'reviewed' but has no {' and no '.join(d)}",
            value=pl.col("status"),
            detail=pl.concat_list(missing).list.drop_nulls(),
        ),
        MaskCheck(
            "review.date-not-future",
            "reviewed_on",
            pl.col("reviewed_on") > pl.lit(today),
            lambda v: f"reviewed_on {v} is after today ({today})",
        ),
    ]
    issues = run_masks(reviews, frame, checks)
    articles = ctx.table("articles")
    if has_columns(articles, "article_id", "sha256"):
        assert articles is not None and articles.typed is not None
        now = articles.unique_by(
            articles.typed.lazy().select("article_id", pl.col("sha256").alias("__now")),
            "article_id",
        )
        joined = frame.lazy().join(now, on="article_id", how="inner")
        issues += run_masks(
            reviews,
            joined,
            [
                MaskCheck(
                    "review.text-changed",
                    "sha256",
                    reviewed
                    & pl.col("sha256").is_not_null()
                    & (pl.col("sha256") != pl.col("__now")),
                    lambda v, d: (
                        f"article {d['a']} was reviewed on {d['d']} by {d['r']} with its text "
                        f"{v[:12]}..., but its text is now {d['n'][:12]}...: it changed since"
                    ),
                    detail=pl.struct(
                        a=pl.col("article_id"),
                        d=pl.col("reviewed_on"),
                        r=pl.col("reviewer"),
                        n=pl.col("__now"),
                    ),
                )
            ],
        )
    return issues
