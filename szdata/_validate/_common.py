"""What the rule modules share: the raw-text columns, and which tables a rule can read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._validate._load import Context, LoadedTable

if TYPE_CHECKING:
    import polars as pl

TEXT = "__text"
"""The column of :attr:`Context.texts` holding an article's raw text."""
LENGTH = "__len"
"""The column of :attr:`Context.texts` holding the raw text's length in code points."""


def has_columns(table: LoadedTable | None, *columns: str) -> bool:
    """Whether ``table`` is loaded and its schema has every one of ``columns``."""
    return table is not None and set(columns) <= set(table.schema.field_names)


def texts_frame(ctx: Context) -> pl.DataFrame:
    """The raw texts read by the provenance rules (an empty frame before they ran)."""
    import polars as pl

    if ctx.texts is not None:
        return ctx.texts
    return pl.DataFrame(schema={"article_id": pl.String, TEXT: pl.String, LENGTH: pl.Int64})


def spanned_tables(ctx: Context) -> list[LoadedTable]:
    """The loaded tables whose rows are spans of a raw text (``article_id``, ``start``, ``end``)."""
    return [
        t
        for t in ctx.tables.values()
        if t.usable and has_columns(t, "article_id", "start", "end") and t.name != "articles"
    ]


def decided(ctx: Context, table: LoadedTable, columns: tuple[str, ...]) -> pl.Expr:
    """Rows whose ``columns`` a curation decision gave: added by one (origin ``curation``),
    or named by a ``set`` decision on one of ``columns``.

    The rules that re-read a cell from the raw text apply to these rows as to every other
    (the registry marks them ``text``): a curated value must agree with the text as a parsed
    one does, and a curator who believes the printed text wrong records a ``note``. Only
    where the checker cannot read a quote at all (a form the parser does not know, such as
    a Chinese date a curator added) does a decided row get a warning instead of an error
    (``decision.not-re-read``): its value stands on the decision's evidence.
    """
    import polars as pl

    keys: list[str] = []
    decisions = ctx.table("decisions")
    if has_columns(decisions, "table", "key", "action", "column") and decisions is not None:
        assert decisions.typed is not None
        keys = (
            decisions.typed.filter(
                (pl.col("table") == table.name)
                & (pl.col("action") == "set")
                & pl.col("column").is_in(list(columns))
            )
            .get_column("key")
            .drop_nulls()
            .to_list()
        )
    mask = pl.lit(False)
    if has_columns(table, "origin"):
        mask = mask | (pl.col("origin") == "curation").fill_null(False)
    if keys and len(table.schema.primary_key) == 1:
        mask = mask | pl.col(table.schema.primary_key[0]).is_in(keys)
    return mask
