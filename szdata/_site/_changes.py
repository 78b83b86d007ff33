"""What changed since a base revision, for the site's "changes" page and its article pages.

``szdata site OUT --base REF`` compares the package (its working tree) with the git
revision ``REF``, as ``szdata diff REF`` does (:mod:`szdata._curate._diff`), and the site
shows the result: a ``changes.html`` page linked from the reviewer's queue (the counts, the
rows removed, the cells changed old -> new with the decisions behind them, the rows added),
and, on each article page, every row added or changed since ``REF`` marked in the text and
in its table, a changed row with its cells old -> new.

Examples
--------
>>> RowChange("changed", (("counted", "a", "b"),)).words
'counted: a → b'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from szdata._core._typing import BUILT_TABLES

PAGE = "changes.html"
"""The page of the changes, relative to the site's root."""

LIMIT = 500
"""Rows the changes page lists per table and kind (every added or changed row is still
marked on its article page)."""


@dataclass(frozen=True)
class RowChange:
    """How a row of an article changed since the base: ``added``, or ``changed`` cells."""

    status: str
    cells: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def words(self) -> str:
        """The change in words: ``new since the base`` or ``column: old → new; ...``."""
        if self.status == "added":
            return "new since the base"
        return "; ".join(f"{c}: {_shown(old)} → {_shown(new)}" for c, old, new in self.cells)


def _shown(value: str | None) -> str:
    return "(empty)" if value is None else value


@dataclass
class Changes:
    """The diff the site shows: the document (capped) and every built row's change."""

    base: str
    document: dict[str, Any]
    rows: dict[tuple[str, str], RowChange] = field(default_factory=dict)
    by_article: dict[str, Counter[str]] = field(default_factory=dict)

    def of(self, table: str, row_id: str) -> RowChange | None:
        """The change of row ``row_id`` of ``table``, or ``None`` when it did not change."""
        return self.rows.get((table, row_id))

    def summary(self, article_id: str) -> Counter[str]:
        """How many rows of the article were added and changed since the base."""
        return self.by_article.get(article_id, Counter())


def compute_changes(root: str | Path, base: str) -> Changes:
    """Compare the package at ``root`` (its working tree) with the revision ``base``.

    Raises
    ------
    UsageError
        When ``root`` is not in a git clone or ``base`` is unknown (exit status 2).
    PackageError
        When the base's package cannot be read (exit status 2); the message names it.
    """
    import polars as pl

    from szdata._curate._diff import ARTICLE, ID, compute_diff
    from szdata._curate._revision import open_sides

    with open_sides(root, base) as sides:
        diff = compute_diff(sides)
        document = diff.document(LIMIT)
    changes = Changes(base, document)
    for table in BUILT_TABLES:
        t = diff.tables.get(table)
        if t is None:
            continue
        for row_id, article in t.added.select(ID, ARTICLE).iter_rows():
            changes.rows[(table, row_id)] = RowChange("added")
            changes.by_article.setdefault(article or "", Counter())["added"] += 1
        cells: dict[str, list[tuple[str, str | None, str | None]]] = {}
        articles: dict[str, str | None] = {}
        for row_id, article, column, old, new in t.changed.select(
            ID, ARTICLE, pl.col("column"), pl.col("old"), pl.col("new")
        ).iter_rows():
            cells.setdefault(row_id, []).append((column, old, new))
            articles[row_id] = article
        for row_id, changed in cells.items():
            changes.rows[(table, row_id)] = RowChange("changed", tuple(changed))
            changes.by_article.setdefault(articles[row_id] or "", Counter())["changed"] += 1
    return changes
