"""The rules beyond the standard: provenance, figures, dates, items, organizations, text.

Each check reads the loaded tables of a :class:`~szdata._validate._load.Context` and returns
issues. Every table is checked with vectorised polars, lazily (joins are never held whole);
Python runs only on the broken rows, on distinct quote templates and names, on the articles
a vectorised pass cannot clear, and once per raw text to read and hash it (in a background
thread, :mod:`._raw`). A check skips a table whose header is wrong (already reported).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from szdata._normalize import name_key
from szdata._validate._load import LINE, Context, LoadedTable
from szdata._validate._structural import MaskCheck, combined, run_masks, text_of

if TYPE_CHECKING:
    import polars as pl

    from szdata._validate._report import Issue

TEXT = "__text"
LENGTH = "__len"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_UPDATED_AT = r"Updated:\s*"
_UPDATED = re.compile(f"{_UPDATED_AT}({_ISO_DATE})")
_URL_DATE = re.compile(r"(?<![0-9])([0-9]{4})[-/]?([0-9]{2})[-/]?([0-9]{2})(?![0-9])")


def _has(table: LoadedTable | None, *columns: str) -> bool:
    return table is not None and set(columns) <= set(table.schema.field_names)


# -- provenance: raw texts -------------------------------------------------------------------


def _raw_text_rows(ctx: Context) -> pl.DataFrame | None:
    """The article rows whose raw text is read, or ``None`` when articles cannot say."""
    import polars as pl

    articles = ctx.table("articles")
    if not _has(articles, "article_id", "raw_path", "sha256", "bytes", "chars"):
        return None
    assert articles is not None and articles.typed is not None
    pattern = articles.schema.field("raw_path").pattern
    rows = articles.typed.select(LINE, "article_id", "raw_path", "sha256", "bytes", "chars")
    if pattern:  # a path that breaks the schema's pattern is reported there, not opened
        rows = rows.filter(pl.col("raw_path").str.contains(f"^(?:{pattern})$"))
    return rows


def start_raw_texts(ctx: Context) -> None:
    """Start reading the raw texts in the background (once the articles are loaded)."""
    from szdata._validate._raw import RawReader

    rows = _raw_text_rows(ctx)
    if rows is not None and ctx.raw is None:
        paths = rows.get_column("raw_path").to_list()
        ctx.raw = (rows, RawReader(str(ctx.package.root), paths))


def check_raw_texts(ctx: Context) -> list[Issue]:
    """Read each article's raw text; check it exists and matches its hash and lengths.

    The texts read are kept in ``ctx.texts`` for the span checks. The reading may have
    been started before (:func:`start_raw_texts`).

    Raises
    ------
    PackageError
        When a raw text is not UTF-8, or its path is unsafe (exit status 2).
    """
    import polars as pl

    from szdata._validate._raw import read_raw_files

    articles = ctx.table("articles")
    if ctx.raw is not None:
        rows, reader = ctx.raw
        raw = reader.result()
        ctx.raw = None
    else:
        started = _raw_text_rows(ctx)
        if started is None:
            return []
        rows = started
        raw = read_raw_files(str(ctx.package.root), rows.get_column("raw_path").to_list())
    assert articles is not None
    found = rows.with_columns(
        raw.texts.alias(TEXT),
        pl.Series("__sha", raw.digests, dtype=pl.String),
        pl.Series("__bytes", raw.sizes, dtype=pl.Int64),
    )
    del raw
    found = found.with_columns(pl.col(TEXT).str.len_chars().cast(pl.Int64).alias(LENGTH))
    exists = pl.col("__sha").is_not_null()
    issues = run_masks(
        articles,
        found,
        [
            MaskCheck(
                "provenance.raw-missing",
                "raw_path",
                ~exists,
                lambda v, d: f"raw text {v} of article {d} does not exist",
                value=pl.col("raw_path"),
                detail=pl.col("article_id"),
            ),
            MaskCheck(
                "provenance.raw-hash",
                "sha256",
                exists & (pl.col("sha256") != pl.col("__sha")),
                lambda v, d: f"the SHA-256 of {d['p']} is {d['h']}, not {v}",
                value=pl.col("sha256"),
                detail=pl.struct(p=pl.col("raw_path"), h=pl.col("__sha")),
            ),
            MaskCheck(
                "provenance.raw-length",
                "bytes",
                exists & (pl.col("bytes") != pl.col("__bytes")),
                lambda v, d: f"{d['p']} has {d['n']} bytes, not {v}",
                value=pl.col("bytes"),
                detail=pl.struct(p=pl.col("raw_path"), n=pl.col("__bytes")),
            ),
            MaskCheck(
                "provenance.raw-length",
                "chars",
                exists & (pl.col("chars") != pl.col(LENGTH)),
                lambda v, d: f"{d['p']} has {d['n']} characters, not {v}",
                value=pl.col("chars"),
                detail=pl.struct(p=pl.col("raw_path"), n=pl.col(LENGTH)),
            ),
        ],
    )
    texts = found.lazy().filter(exists & pl.col("article_id").is_not_null())
    ctx.texts = articles.unique_by(texts.select("article_id", TEXT, LENGTH), "article_id").collect()
    return issues


def _texts_frame(ctx: Context) -> pl.DataFrame:
    import polars as pl

    if ctx.texts is not None:
        return ctx.texts
    return pl.DataFrame(schema={"article_id": pl.String, TEXT: pl.String, LENGTH: pl.Int64})


def _spanned(ctx: Context) -> list[LoadedTable]:
    return [
        t
        for t in ctx.tables.values()
        if t.usable and _has(t, "article_id", "start", "end") and t.name != "articles"
    ]


# -- provenance: spans -----------------------------------------------------------------------


def check_spans(ctx: Context) -> list[Issue]:
    """``provenance.span-in-text`` and ``provenance.quote-span`` for every spanned table."""
    import polars as pl

    texts = _texts_frame(ctx).lazy()
    issues: list[Issue] = []
    start, end, length = pl.col("start"), pl.col("end"), pl.col(LENGTH)
    span = pl.format("{}:{}", start, end)
    keep = ["article_id", "start", "end", "quote"]
    for table in _spanned(ctx):
        frame = combined(table, keep).lazy().join(texts, on="article_id", how="inner")
        both = start.is_not_null() & end.is_not_null()
        checks = [
            MaskCheck(
                "provenance.span-in-text",
                "end",
                both & (end > length),
                lambda v, d: f"span {v} ends after the raw text of {d['a']} ({d['n']} characters)",
                value=span,
                detail=pl.struct(a=pl.col("article_id"), n=length),
            ),
            MaskCheck(
                "provenance.span-in-text",
                "start",
                both & (end <= length) & (start >= end),
                lambda v: f"span {v} is empty or reversed: start must be below end",
                value=span,
            ),
        ]
        if _has(table, "quote"):
            inside = both & (start >= 0) & (start < end) & (end <= length)
            raw = pl.col(TEXT).str.slice(start, end - start)
            checks.append(
                MaskCheck(
                    "provenance.quote-span",
                    "quote",
                    inside & pl.col("quote").is_not_null() & (pl.col("quote") != raw),
                    lambda v, d: f"quote {v!r} is not raw[{d['s']}:{d['e']}] = {d['r']!r}",
                    detail=pl.struct(s=start, e=end, r=raw),
                )
            )
        issues.extend(run_masks(table, frame, checks))
    return issues


def check_span_in_item(ctx: Context) -> list[Issue]:
    """``provenance.span-in-item``: a span is inside its item, and outside items without one."""
    import polars as pl

    items = ctx.table("items")
    if not _has(items, "item_id", "article_id", "start", "end"):
        return []
    assert items is not None and items.typed is not None
    spans = items.typed.lazy().select(
        pl.col("item_id").alias("__item"),
        pl.col("article_id").alias("__i_article"),
        pl.col("start").alias("__i_start"),
        pl.col("end").alias("__i_end"),
    )
    spans = items.unique_by(
        spans.filter(pl.all_horizontal(pl.all().is_not_null())), "item_id", "__item"
    )
    # an as-of join needs each article's rows sorted by start: sorting every row by start
    # (integers) does that, faster than sorting by article id (strings) first
    spans, by_start = pl.collect_all([spans, spans.sort("__i_start", maintain_order=True)])
    spans, by_start = spans.lazy(), by_start.lazy()
    start, end = pl.col("start"), pl.col("end")
    where = pl.struct(
        a=pl.col("__i_article"), s=pl.col("__i_start"), e=pl.col("__i_end"), i=pl.col("item_id")
    )
    issues: list[Issue] = []
    for table in _spanned(ctx):
        if table.name == "items" or not _has(table, "item_id"):
            continue
        frame = combined(table, ["article_id", "item_id", "start", "end"]).lazy()
        with_item = frame.join(spans, left_on="item_id", right_on="__item", how="inner")
        checks = [
            MaskCheck(
                "provenance.span-in-item",
                "item_id",
                pl.col("__i_article") != pl.col("article_id"),
                lambda v, d: f"item {v} belongs to article {d['a']}, not to the row's article",
                detail=where,
            ),
            MaskCheck(
                "provenance.span-in-item",
                "start",
                (pl.col("__i_article") == pl.col("article_id"))
                & ((start < pl.col("__i_start")) | (end > pl.col("__i_end"))),
                lambda v, d: f"span {v} is not inside item {d['i']} ({d['s']}:{d['e']})",
                value=pl.format("{}:{}", start, end),
                detail=where,
            ),
        ]
        issues.extend(run_masks(table, with_item, checks))
        loose = (
            frame.filter(pl.col("item_id").is_null() & start.is_not_null())
            .filter(pl.col("article_id").is_not_null())
            .sort("start")
            .join_asof(
                by_start,
                left_on="start",
                right_on="__i_start",
                by_left="article_id",
                by_right="__i_article",
                strategy="backward",
                check_sortedness=False,  # sorted by start, so within each article too
            )
        )
        inside = MaskCheck(
            "provenance.span-in-item",
            "item_id",
            pl.col("__item").is_not_null() & (start < pl.col("__i_end")),
            lambda v, d: f"span {d['s']}:{d['e']} lies inside item {d['i']} but item_id is empty",
            detail=pl.struct(s=start, e=end, i=pl.col("__item")),
        )
        issues.extend(run_masks(table, loose, [inside]))
    return issues


# -- figures ---------------------------------------------------------------------------------


def check_figure_values(ctx: Context) -> list[Issue]:
    """``figure.value-finite`` and the figure rules that read the quote again."""
    import polars as pl

    figures = ctx.table("figures")
    if not _has(figures, "value", "quote", "qualifier", "unit"):
        return []
    assert figures is not None
    frame = combined(figures, ["value", "quote", "qualifier", "unit"])
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
    from szdata._quantities import UnitWords
    from szdata._validate._quotes import read_quotes

    words = UnitWords.load(ctx.package)
    reread = read_quotes(frame.get_column("quote"), words)
    joined = frame.lazy().join(reread.lazy(), on="quote", how="inner")
    readable = pl.col("__qe").is_null()
    # a qualifier or unit outside its vocabulary is reported by the structural layer
    qualifiers = list(figures.schema.field("qualifier").enum or ())
    known_qualifier = pl.col("qualifier").is_in(qualifiers) if qualifiers else pl.lit(True)
    assert units.typed is not None
    known_unit = pl.col("unit").is_in(units.typed.get_column("unit").drop_nulls().implode())
    close = (value - pl.col("__qv")).abs() <= 1e-9 * pl.max_horizontal(value.abs(), pl.lit(1.0))
    checks = [
        MaskCheck(
            "figure.value-from-quote",
            "quote",
            ~readable,
            lambda v, d: d,
            detail=pl.col("__qe"),
        ),
        MaskCheck(
            "figure.value-from-quote",
            "value",
            readable & value.is_finite() & ~close,
            lambda v, d: f"value {v} is not the {d['v']:g} that the quote {d['q']!r} states",
            detail=pl.struct(v=pl.col("__qv"), q=pl.col("quote")),
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


# -- dates and articles ----------------------------------------------------------------------


def check_relative_dates(ctx: Context) -> list[Issue]:
    """``date.relative-to-publication``: weekdays and yesterday/today/tomorrow."""
    import polars as pl

    dates, articles = ctx.table("dates"), ctx.table("articles")
    if not _has(dates, "article_id", "date", "resolution", "quote"):
        return []
    if not _has(articles, "article_id", "published"):
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


def check_articles(ctx: Context) -> list[Issue]:
    """``article.title-date`` and ``article.published-basis``.

    Python words the basis rule (:func:`_basis_problem`) on the articles a vectorised
    pass cannot clear: an article whose ``Updated:`` header or title date bears its basis
    out is cleared without leaving polars.
    """
    import polars as pl

    articles = ctx.table("articles")
    needed = ("article_id", "kind", "published", "published_basis", "title_date", "url")
    if not _has(articles, *needed):
        return []
    assert articles is not None and articles.typed is not None
    decided: list[str] = []
    decisions = ctx.table("decisions")
    if _has(decisions, "table", "key", "column") and decisions is not None:
        assert decisions.typed is not None
        decided = (
            decisions.typed.filter(
                (pl.col("table") == "articles") & (pl.col("column") == "published")
            )
            .get_column("key")
            .drop_nulls()
            .to_list()
        )
    frame = articles.typed.select(LINE, *needed)
    published, title_date = pl.col("published"), pl.col("title_date")
    issues = run_masks(
        articles,
        frame,
        [
            MaskCheck(
                "article.title-date",
                "title_date",
                (pl.col("kind") == "briefing") & (title_date != published),
                lambda v, d: f"the briefing's title date {v} is not its publication date {d}",
                value=title_date,
                detail=published,
            )
        ],
    )
    texts = _texts_frame(ctx)
    frame = frame.filter(published.is_not_null() & pl.col("published_basis").is_not_null())
    frame = frame.join(texts.select("article_id", TEXT), on="article_id", how="left")
    basis, text = pl.col("published_basis"), pl.col(TEXT)
    printed = (
        text.str.extract_all(_UPDATED_AT + _ISO_DATE)
        .list.eval(pl.element().str.slice(-10))
        .list.contains(published.cast(pl.String))
    )
    # cleared: what _basis_problem returns None for (Rust's \s is a subset of Python's, so
    # a header date found here is found by _UPDATED too); every other row goes to Python
    cleared = (
        ((basis == "header") & (text.is_null() | printed))
        | ((basis == "title") & (title_date == published))
        | ((basis == "inferred") & pl.col("article_id").is_in(decided))
        | ~basis.is_in(["header", "title", "address", "inferred"])
    ).fill_null(False)
    doubtful = frame.filter(~cleared)
    decided_set = set(decided)
    for line, aid, _kind, pub, bas, title, url, raw in doubtful.iter_rows():
        problem = _basis_problem(bas, pub, title, url, raw, aid in decided_set)
        if problem:
            issues.append(
                articles.issue("article.published-basis", line, "published_basis", bas, problem)
            )
    return issues


def _basis_problem(
    basis: str,
    published: dt.date,
    title_date: dt.date | None,
    url: str | None,
    raw: str | None,
    decided: bool,
) -> str | None:
    if basis == "header":
        if raw is None:
            return None
        printed = _UPDATED.findall(raw)
        if published.isoformat() not in printed:
            shown = ", ".join(printed) or "none"
            return (
                f"basis 'header' but the raw text's Updated: date ({shown}) is not "
                f"the publication date {published}"
            )
    elif basis == "title":
        if title_date != published:
            return f"basis 'title' but title_date ({title_date}) is not {published}"
    elif basis == "address":
        found = set()
        for y, m, d in _URL_DATE.findall(url or ""):
            try:
                found.add(dt.date(int(y), int(m), int(d)))
            except ValueError:
                continue
        if published not in found:
            return f"basis 'address' but the url ({url}) does not carry the date {published}"
    elif basis == "inferred" and not decided:
        return "basis 'inferred' but no decision on this article's published date records why"
    return None


# -- items -----------------------------------------------------------------------------------


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


def check_items(ctx: Context) -> list[Issue]:
    """``item.numbering``, ``item.order`` and ``item.overlap``."""
    import polars as pl

    items = ctx.table("items")
    if not _has(items, "article_id", "item_no", "start", "end"):
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
    printed = frame.join(_texts_frame(ctx).lazy(), on="article_id", how="inner")
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
    label = no.cast(pl.String) + pl.lit(".")
    issues += run_masks(
        items,
        printed,
        [
            MaskCheck(
                "item.numbering",
                "item_no",
                (start < pl.col(LENGTH))
                & (pl.col(TEXT).str.slice(start, label.str.len_chars()) != label),
                lambda v, d: (
                    f"item {v} starts at {d['s']} with {d['t']!r}, not with its number {v}."
                ),
                detail=pl.struct(
                    s=start, t=pl.col(TEXT).str.slice(start, label.str.len_chars() + 8)
                ),
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


# -- organizations and mentions --------------------------------------------------------------


def check_organizations(ctx: Context) -> list[Issue]:
    """The organization rules: unique names, no parent cycle, one organization per alias."""
    orgs = ctx.table("organizations")
    if not _has(orgs, "organization_id", "name", "parent_id"):
        return []
    assert orgs is not None and orgs.typed is not None
    issues: list[Issue] = []
    rows = orgs.typed.select(LINE, "organization_id", "name", "parent_id").rows()
    first_by_key: dict[str, tuple[int, str, str]] = {}
    for line, oid, name, _ in rows:
        if name is None or oid is None:
            continue
        key = name_key(name)
        seen = first_by_key.setdefault(key, (line, oid, name))
        if seen[0] != line and seen[2] != name:  # exact repeats are structure.unique
            issues.append(
                orgs.issue(
                    "organization.unique-name",
                    line,
                    "name",
                    name,
                    f"{name!r} is the name of {seen[1]} ({seen[2]!r}, line {seen[0]}) once "
                    "quotes, spaces and case are normalised",
                )
            )
    parent = {oid: p for _, oid, _, p in rows if oid is not None}
    line_of = {oid: line for line, oid, _, _ in reversed(rows) if oid is not None}
    for _line, oid, _, _ in rows:
        if oid is None:
            continue
        path, node = [oid], parent.get(oid)
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent.get(node)
        if node == oid:
            issues.append(
                orgs.issue(
                    "organization.parent-cycle",
                    line_of[oid],
                    "parent_id",
                    parent[oid],
                    "parents lead back to the organization: " + " -> ".join([*path, oid]),
                )
            )
    aliases = ctx.table("aliases")
    if _has(aliases, "alias", "organization_id") and aliases is not None:
        issues += _check_aliases(aliases, first_by_key)
    return issues


def _check_aliases(aliases: LoadedTable, names: dict[str, tuple[int, str, str]]) -> list[Issue]:
    assert aliases.typed is not None
    issues: list[Issue] = []
    owner: dict[str, tuple[int, str]] = {}
    for line, alias, oid in aliases.typed.select(LINE, "alias", "organization_id").iter_rows():
        if alias is None or oid is None:
            continue
        key = name_key(alias)
        if key in names and names[key][1] != oid:
            issues.append(
                aliases.issue(
                    "alias.one-organization",
                    line,
                    "alias",
                    alias,
                    f"alias {alias!r} of {oid} is the name of {names[key][1]}",
                )
            )
        first = owner.setdefault(key, (line, oid))
        if first[1] != oid:
            issues.append(
                aliases.issue(
                    "alias.one-organization",
                    line,
                    "alias",
                    alias,
                    f"alias {alias!r} of {oid} also names {first[1]} (line {first[0]})",
                )
            )
    return issues


def check_mentions(ctx: Context) -> list[Issue]:
    """``mention.quote-is-alias``, on the distinct (organization, quote) pairs."""
    import polars as pl

    mentions, orgs = ctx.table("mentions"), ctx.table("organizations")
    if not _has(mentions, "organization_id", "quote") or not _has(orgs, "organization_id", "name"):
        return []
    assert mentions is not None and orgs is not None and orgs.typed is not None
    known: dict[str, set[str]] = {}
    for oid, name in orgs.typed.select("organization_id", "name").iter_rows():
        if oid is not None and name is not None:
            known.setdefault(oid, set()).add(name_key(name))
    aliases = ctx.table("aliases")
    if _has(aliases, "alias", "organization_id") and aliases is not None:
        assert aliases.typed is not None
        for alias, oid in aliases.typed.select("alias", "organization_id").iter_rows():
            if oid is not None and alias is not None:
                known.setdefault(oid, set()).add(name_key(alias))
    frame = combined(mentions, ["organization_id", "quote"])
    pairs = frame.select("organization_id", "quote").drop_nulls().unique()
    bad = [
        (oid, quote)
        for oid, quote in pairs.iter_rows()
        if oid in known and name_key(quote) not in known[oid]
    ]
    if not bad:
        return []
    bad_frame = pl.DataFrame(bad, schema=["organization_id", "quote"], orient="row")
    broken = frame.join(bad_frame, on=["organization_id", "quote"], how="semi")
    check = MaskCheck(
        "mention.quote-is-alias",
        "quote",
        pl.lit(True),
        lambda v, d: f"{v!r} is neither the name nor an alias of {d}",
        detail=pl.col("organization_id"),
    )
    return run_masks(mentions, broken, [check])


# -- text hygiene ----------------------------------------------------------------------------


def check_text(ctx: Context) -> list[Issue]:
    """``text.nfc``, ``text.control-chars``, ``text.whitespace`` and ``text.formula``.

    Every ``string`` column of every table is checked, quotes included: a quote never starts
    or ends with a space (its span would be wrong), and may hold no-break spaces inside.
    """
    return [i for table in ctx.tables.values() for i in text_issues(table)]


def text_issues(table: LoadedTable) -> list[Issue]:
    """The text rules on the ``string`` columns of one table (see :func:`check_text`)."""
    import polars as pl

    if not table.usable:
        return []
    names = [f.name for f in table.schema.fields if f.type == "string"]
    checks = [c for name in names for c in _text_checks(name, text_of(name))]
    if not checks:
        return []
    # one cheap pass per column finds the cells worth a closer look: anything outside
    # printable ASCII (NFC, control characters, no-break spaces), a space at either end,
    # or a formula character first; only those rows get the four precise checks.
    odd = pl.any_horizontal(pl.col(text_of(n)).str.contains(SUSPECT) for n in names)
    suspects = combined(table, names).lazy().filter(odd.fill_null(False)).collect()
    if not suspects.height:  # the usual case: no query of the precise checks to plan
        return []
    return run_masks(table, suspects, checks)


SUSPECT = r"[^ -~]|^[\s=+\-@]|\s$"
"""Cells that may break a text rule; every cell that breaks one matches this."""


def _text_checks(name: str, cell: str) -> list[MaskCheck]:
    import polars as pl

    c = pl.col(cell)
    return [
        MaskCheck(
            "text.nfc",
            name,
            c != c.str.normalize("NFC"),
            lambda v, n=name: f"{n} {v!r} is not in Unicode normal form NFC",
        ),
        MaskCheck(
            "text.control-chars",
            name,
            c.str.contains(r"\p{Cc}"),
            lambda v, n=name: (
                f"{n} {v!r} contains the control character "
                f"{next(ch for ch in v if ord(ch) < 32 or 127 <= ord(ch) < 160)!r}"
            ),
        ),
        MaskCheck(
            "text.whitespace",
            name,
            c.str.contains(r"^\s|\s$"),
            lambda v, n=name: f"{n} {v!r} starts or ends with a space",
        ),
        MaskCheck(
            "text.formula",
            name,
            c.str.contains(r"^[=+\-@]"),
            lambda v, n=name: (
                f"{n} {v!r} starts with {v[0]!r}: a spreadsheet would run it as a formula"
            ),
        ),
    ]


# -- review ----------------------------------------------------------------------------------


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
        if not _has(table, column):
            continue
        enum = table.schema.field(column).enum or ()
        if "unreviewed" not in enum:
            continue
        rows = table.typed.filter(pl.col(column) == "unreviewed")
        if not rows.height:
            continue
        if table.name in ("articles", "reviews") or not _has(table, "article_id"):
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


TABLE_CHECKS: dict[Callable[[Context], list[Issue]], Callable[[LoadedTable], list[Issue]]] = {
    check_text: text_issues,
    check_review: review_issues,
}
"""The checks that read every column, and what they check in one table: they run on each
table as soon as it is read, before the table keeps only :data:`RULE_COLUMNS`."""

SPAN_COLUMNS = ("article_id", "item_id", "start", "end", "quote")
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "items": ("item_id", "article_id", "item_no", "start", "end"),
    "figures": (*SPAN_COLUMNS, "value", "qualifier", "unit"),
    "dates": (*SPAN_COLUMNS, "date", "resolution"),
    "mentions": (*SPAN_COLUMNS, "organization_id"),
}
"""The columns of the big tables that the other checks read (besides the columns of foreign
keys, kept for the structural checks): the rest is dropped once :data:`TABLE_CHECKS` ran on
the table. A check reading a dropped column fails loudly (polars: column not found)."""

CHECKS: tuple[Callable[[Context], list[Issue]], ...] = (
    check_raw_texts,
    check_spans,
    check_span_in_item,
    check_figure_values,
    check_relative_dates,
    check_articles,
    check_items,
    check_organizations,
    check_mentions,
    check_text,
    check_review,
)
"""Every rule check, in order; ``check_raw_texts`` first (it reads the raw texts)."""
