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
