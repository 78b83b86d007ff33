"""The rules beyond the standard, by subject: the index of the checks :mod:`._run` runs.

Each subject has its module, named as its rules are (``provenance.*`` in :mod:`._provenance`,
``figure.*`` in :mod:`._figure`, ``date.*`` in :mod:`._date`, ``article.*`` in
:mod:`._article`, ``item.*`` in :mod:`._item`, ``organization.*`` and ``alias.*`` in
:mod:`._organization`, ``mention.*`` in :mod:`._mention`, ``text.*`` in :mod:`._text`,
``review.*`` in :mod:`._review`). Each check reads the loaded tables of a
:class:`~szdata._validate._load.Context` and returns issues. Every table is checked with
vectorised polars, lazily (joins are never held whole); Python runs only on the broken rows,
on distinct quote templates and names, on the articles a vectorised pass cannot clear, and
once per raw text to read and hash it (in a background thread, :mod:`._raw`). A check skips
a table whose header is wrong (already reported).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from szdata._validate._article import check_articles, check_titles
from szdata._validate._date import check_dates_from_quotes, check_relative_dates
from szdata._validate._decision import check_decisions
from szdata._validate._figure import check_figure_context, check_figure_values
from szdata._validate._item import check_items
from szdata._validate._mention import check_mentions
from szdata._validate._organization import check_organizations
from szdata._validate._provenance import (
    check_ids_and_spans,
    check_package_files,
    check_raw_texts,
    check_span_in_item,
    check_spans,
    start_raw_texts,
)
from szdata._validate._review import check_review, check_review_records, review_issues
from szdata._validate._text import check_text, text_issues

if TYPE_CHECKING:
    from szdata._validate._load import Context, LoadedTable
    from szdata._validate._report import Issue

__all__ = ["CHECKS", "RULE_COLUMNS", "TABLE_CHECKS", "start_raw_texts"]

TABLE_CHECKS: dict[Callable[[Context], list[Issue]], Callable[[LoadedTable], list[Issue]]] = {
    check_text: text_issues,
    check_review: review_issues,
}
"""The checks that read every column, and what they check in one table: they run on each
table as soon as it is read, before the table keeps only :data:`RULE_COLUMNS`."""

SPAN_COLUMNS = ("article_id", "item_id", "start", "end", "quote")
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "items": ("item_id", "article_id", "item_no", "start", "end", "headline", "source_printed"),
    "figures": (
        "figure_id",
        *SPAN_COLUMNS,
        *("value", "value_max", "qualifier", "unit", "counted", "refers_to", "origin"),
    ),
    "dates": ("date_id", *SPAN_COLUMNS, "date", "resolution", "origin"),
    "mentions": ("mention_id", *SPAN_COLUMNS, "organization_id", "origin"),
}
"""The columns of the big tables that the other checks read (besides the columns of foreign
keys, kept for the structural checks): the rest is dropped once :data:`TABLE_CHECKS` ran on
the table. A check reading a dropped column fails loudly (polars: column not found)."""

CHECKS: tuple[Callable[[Context], list[Issue]], ...] = (
    check_package_files,
    check_raw_texts,
    check_spans,
    check_ids_and_spans,
    check_span_in_item,
    check_figure_values,
    check_figure_context,
    check_relative_dates,
    check_dates_from_quotes,
    check_articles,
    check_titles,
    check_items,
    check_organizations,
    check_mentions,
    check_decisions,
    check_text,
    check_review,
    check_review_records,
)
"""Every rule check, in order: ``check_package_files`` first (it refuses a link or a pipe in
``data/raw/``, as ``build`` does), then ``check_raw_texts`` (it reads the raw texts)."""

READ_FIRST = CHECKS.index(check_raw_texts) + 1
"""How many checks of :data:`CHECKS` run one after the other before the rest: up to
``check_raw_texts``, which reads the raw texts into the context; every later check only
reads the context, so they run side by side (:func:`szdata._validate._run.run_checks`)."""
