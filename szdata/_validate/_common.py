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


LONG_TEXT = 65_536
"""Characters from which a raw text's slices are cut in Python (:func:`with_text_slices`)."""


def with_text_slices(
    ctx: Context, frame: pl.LazyFrame, slices: dict[str, tuple[pl.Expr, pl.Expr | int]]
) -> pl.LazyFrame:
    """``frame`` (rows with an ``article_id``, joined with their raw texts or not) with a
    column for each slice ``name: (offset, length)``: the characters of the row's raw text
    that polars' ``str.slice(offset, length)`` gives, a missing length cutting nothing
    (never a copy of the text to its end a row). Rows whose article has no raw text are
    left out, as a join of the texts leaves them out; the raw text itself is not kept.

    Examples
    --------
    >>> import polars as pl, types
    >>> ctx = types.SimpleNamespace(texts=pl.DataFrame(
    ...     {"article_id": ["a"], TEXT: ["Ten cases."], LENGTH: [10]}))
    >>> rows = pl.LazyFrame({"article_id": ["a", "b"], "start": [4, 0]})
    >>> with_text_slices(ctx, rows, {"word": (pl.col("start"), 5)}).collect().rows()
    [('a', 4, 'cases')]

    Polars counts the characters before each row's offset anew: the rows of a raw text of
    millions of characters cost its length each (a 5 MB text of 95,000 figures took 20 s,
    a text at the size limit minutes). The rows of a text longer than :data:`LONG_TEXT`
    are cut in Python, whose strings are indexed by character; the others in polars. The
    offsets and lengths are polars expressions on ``frame``'s columns (never the text).
    ``tests/test_validate_internals.py`` compares the two ways.
    """
    import polars as pl

    texts = texts_frame(ctx)
    cuts = {
        name: (o, (n if isinstance(n, pl.Expr) else pl.lit(n)).fill_null(0))
        for name, (o, n) in slices.items()
    }
    long = texts.filter(pl.col(LENGTH) > LONG_TEXT).select("article_id", TEXT)
    columns = frame.collect_schema().names()
    names = [n for n in columns if n != TEXT]
    polars_cut = [pl.col(TEXT).str.slice(o, n).alias(name) for name, (o, n) in cuts.items()]
    rows = frame.select(names)  # a frame joined with the texts: the join of them is pruned
    # never a filter of rows that carry their raw text: polars may then copy it once a row
    if long.is_empty():
        joined = (
            frame
            if TEXT in columns
            else rows.join(texts.lazy().select("article_id", TEXT), on="article_id", how="inner")
        )
        return joined.with_columns(polars_cut).drop(TEXT)
    raw = dict(long.iter_rows())
    in_long = pl.col("article_id").is_in(list(raw))
    short = (
        rows.filter(~in_long)
        .join(
            texts.lazy().filter(~in_long).select("article_id", TEXT), on="article_id", how="inner"
        )
        .with_columns(polars_cut)
        .drop(TEXT)
    )
    cut = (
        rows.filter(in_long)
        .with_columns(
            [o.alias(f"__o_{name}") for name, (o, _) in cuts.items()]
            + [n.alias(f"__n_{name}") for name, (_, n) in cuts.items()]
        )
        .collect()
    )
    ids = cut.get_column("article_id").to_list()
    pieces = [
        pl.Series(
            name,
            [
                _cut(raw[a], o, n)
                for a, o, n in zip(
                    ids,
                    cut.get_column(f"__o_{name}").to_list(),
                    cut.get_column(f"__n_{name}").to_list(),
                    strict=True,
                )
            ],
            dtype=pl.String,
        )
        for name in slices
    ]
    cut = cut.with_columns(pieces).select(*names, *slices)
    return pl.concat([short, cut.lazy()], how="vertical")


def _cut(text: str, offset: int | None, length: int | None) -> str | None:
    """``text`` sliced as polars' ``str.slice(offset, length)`` slices it: a negative
    offset counts from the end, a missing length runs to the end, and what lies outside
    the text is left out.

    Examples
    --------
    >>> _cut("abcdef", 2, 3), _cut("abcdef", -3, None), _cut("abcdef", -7, 2), _cut("ab", 5, 1)
    ('cde', 'def', 'a', '')
    """
    if offset is None:
        return None
    size = len(text)
    start = offset if offset >= 0 else size + offset
    end = size if length is None else start + length
    start, end = max(start, 0), min(max(end, 0), size)
    return text[start:end] if end > start else ""


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
