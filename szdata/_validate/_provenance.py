"""Provenance rules: raw texts exist and match their hashes, spans and quotes point into them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from szdata._validate._common import (
    LENGTH,
    TEXT,
    has_columns,
    spanned_tables,
    texts_frame,
    with_text_slices,
)
from szdata._validate._load import LINE, Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    import polars as pl

    from szdata._validate._report import Issue


def _raw_text_rows(ctx: Context) -> pl.DataFrame | None:
    """The article rows whose raw text is read, or ``None`` when articles cannot say."""
    import polars as pl

    articles = ctx.table("articles")
    if not has_columns(articles, "article_id", "raw_path", "sha256", "bytes", "chars"):
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


RAW_FOLDER = "data/raw"
"""The folder of the raw texts: every file in it is the text of an article."""
DATA_FOLDER = "data"


def check_package_files(ctx: Context) -> list[Issue]:
    """``provenance.raw-unlisted``, ``provenance.unknown-file`` and ``provenance.temp-file``:
    what is on disk under ``data/``, besides what the descriptor lists.

    ``validate`` knows the package folder, not only the descriptor: a raw text dropped into
    ``data/raw/`` without ``szdata add`` is an error (``build`` would add it, so
    ``build --check`` fails too); anything in ``data/raw/`` that is not a regular file (a
    link, a named pipe, a device, a folder) is refused as ``build`` refuses it, with exit
    status 2 and rule ``provenance.regular-file``. Elsewhere under ``data/``, a file no
    resource lists is never read: a warning says so. Temporary files a killed writer left
    (``*.szdata-tmp``, anywhere a writer stages files) are a warning: the next writer removes
    them under the lock, and a writer may be at work now.

    Raises
    ------
    PackageError
        When an entry of ``data/raw/`` is not a regular file, or a folder cannot be listed.
    """
    from szdata._disk._atomic import TEMP_SUFFIX, leftover_temp_files
    from szdata._disk._files import not_regular, walk_folder
    from szdata._validate._report import Issue
    from szdata._validate._rules import RULES

    root = ctx.package.root
    listed = {
        r.get("path")
        for r in ctx.package.descriptor.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }
    entries = walk_folder(root, DATA_FOLDER)
    raw_prefix = RAW_FOLDER + "/"
    for rel, kind in entries:  # refused first, as build refuses them
        if rel.startswith(raw_prefix) and kind != "file":
            raise not_regular(rel, kind)

    def issue(rule: str, rel: str, message: str) -> Issue:
        r = RULES[rule]
        folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
        return Issue(folder, rel, None, "", None, rule, message, r.hint, r.severity)

    issues = []
    for rel, kind in entries:
        if rel in listed or kind == "folder" or rel.endswith(TEMP_SUFFIX):
            continue
        if rel.startswith(raw_prefix):
            issues.append(
                issue(
                    "provenance.raw-unlisted",
                    rel,
                    f"{rel} is in {RAW_FOLDER}/ but no article lists it: a raw text is added "
                    "with `szdata add`",
                )
            )
        else:
            what = "a file" if kind == "file" else kind
            issues.append(
                issue(
                    "provenance.unknown-file",
                    rel,
                    f"{rel} is {what} that no resource of datapackage.json lists: it is not "
                    "part of the package, and no command reads it",
                )
            )
    for rel in leftover_temp_files(root, walked={DATA_FOLDER: entries}):
        issues.append(
            issue(
                "provenance.temp-file",
                rel,
                f"{rel} is a temporary file left by a writer that was killed (or is at work "
                "now): the next `szdata build`, `add`, `correct` or `review` removes it",
            )
        )
    return issues


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
    ctx.raw_facts = (rows.get_column("raw_path").to_list(), raw.sizes, raw.digests)
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


def check_spans(ctx: Context) -> list[Issue]:
    """``provenance.span-in-text`` and ``provenance.quote-span`` for every spanned table."""
    import polars as pl

    texts = texts_frame(ctx).lazy()
    issues: list[Issue] = []
    start, end, length = pl.col("start"), pl.col("end"), pl.col(LENGTH)
    span = pl.format("{}:{}", start, end)
    keep = ["article_id", "start", "end", "quote"]
    for table in spanned_tables(ctx):
        frame = combined(table, keep).lazy().join(texts, on="article_id", how="inner")
        if has_columns(table, "quote"):  # the length is clipped: polars evaluates the slice
            # on every row, a reversed span's included, and a negative length is an error
            frame = with_text_slices(ctx, frame, {"__raw": (start, (end - start).clip(0))})
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
            MaskCheck(
                "provenance.span-in-text",
                "start",
                both & (start < 0) & (start < end) & (end <= length),
                lambda v: f"span {v} starts before the raw text: start must be 0 or more",
                value=span,
            ),
        ]
        if has_columns(table, "quote"):
            inside = both & (start >= 0) & (start < end) & (end <= length)
            raw = pl.col("__raw")
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
    if not has_columns(items, "item_id", "article_id", "start", "end"):
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
    for table in spanned_tables(ctx):
        if table.name == "items" or not has_columns(table, "item_id"):
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


ID_NUMBER = {"f": "start", "d": "start", "m": "start", "i": "item_no"}
"""The letter of a row id (``<article_id>.<letter><number>``) -> the column its number is."""
_ID_LETTER = re.compile(r"\\\.([a-z])[(\[]")


def id_letter(pattern: str | None) -> str | None:
    """The letter of the ids a primary-key pattern describes (``...\\.f(0|[1-9]...``).

    Examples
    --------
    >>> id_letter(r"[a-z0-9][a-z0-9_-]{0,63}\\.f(0|[1-9][0-9]*)"), id_letter("D[0-9]{4,}")
    ('f', None)
    """
    m = _ID_LETTER.search(pattern or "")
    return m.group(1) if m and m.group(1) in ID_NUMBER else None


def check_ids_and_spans(ctx: Context) -> list[Issue]:
    """``provenance.id-from-start`` and ``provenance.span-unique``.

    A row id is ``<article_id>.<letter><n>``, ``n`` its ``start`` (``item_no`` for items):
    an id that says otherwise points at another row. No two figures, dates or mentions
    of one table share a span: the same characters read twice.
    """
    import polars as pl

    issues: list[Issue] = []
    for table in [t for t in ctx.tables.values() if t.usable]:
        schema = table.schema
        if len(schema.primary_key) != 1 or not has_columns(table, "article_id"):
            continue
        (pk,) = schema.primary_key
        letter = id_letter(schema.field(pk).pattern)
        if letter is None or not has_columns(table, ID_NUMBER[letter]):
            continue
        number = ID_NUMBER[letter]
        frame = combined(table, [pk, "article_id", number, "start", "end"])
        expected = pl.format("{}.{}{}", pl.col("article_id"), pl.lit(letter), pl.col(number))
        checks = [
            MaskCheck(
                "provenance.id-from-start",
                pk,
                pl.col(pk).is_not_null() & pl.col(number).is_not_null() & (pl.col(pk) != expected),
                lambda v, d, n=number: f"id {v!r} does not say its row: with its {n} it is {d!r}",
                detail=expected,
            )
        ]
        issues += run_masks(table, frame, checks)
        if number != "start" or not has_columns(table, "start", "end"):
            continue
        span = ["article_id", "start", "end"]
        complete = pl.all_horizontal(pl.col(c).is_not_null() for c in span)
        repeated = complete & pl.struct(span).is_duplicated() & ~pl.struct(span).is_first_distinct()
        issues += run_masks(
            table,
            frame,
            [
                MaskCheck(
                    "provenance.span-unique",
                    "start",
                    repeated,
                    lambda v, d: f"span {v} of {d} is the span of another row of the table",
                    value=pl.format("{}:{}", pl.col("start"), pl.col("end")),
                    detail=pl.col("article_id"),
                )
            ],
        )
    return issues


def check_append_only(ctx: Context, ref: str) -> list[Issue]:
    """``provenance.raw-append-only``: the raw texts that ``ref`` has are unchanged.

    A text changed (or deleted) since ``ref`` is allowed when a ``note`` decision on table
    ``articles``, key the article id, column ``sha256``, has the text's new SHA-256 as its
    ``curated_value`` (empty for a deleted text): the decision's reason and evidence say
    why (``decision.evidence`` checks the evidence).

    Raises
    ------
    UsageError
        When the package is not in a git repository or ``ref`` names no commit (exit 2).
    """
    from szdata._validate._base import changed_raw_texts
    from szdata._validate._report import Issue
    from szdata._validate._rules import RULES

    changes = changed_raw_texts(ctx.package.root, ref)
    if not changes:
        return []
    recorded = _recorded_hashes(ctx)
    names = {
        r.get("path"): r.get("name")
        for r in ctx.package.descriptor.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }
    rule = RULES["provenance.raw-append-only"]
    issues = []
    for c in changes:
        if (c.article_id, c.sha256 or "") in recorded:
            continue
        if c.sha256 is None:
            what = f"deleted since {ref} (it had SHA-256 {c.base_sha256})"
            wanted = "an empty curated_value"
        else:
            what = f"changed since {ref}: SHA-256 {c.base_sha256} is now {c.sha256}"
            wanted = f"curated_value {c.sha256}"
        issues.append(
            Issue(
                table=str(names.get(c.path) or c.path),
                file=c.path,
                row=None,
                column="",
                value=c.sha256,
                rule=rule.name,
                message=f"{what}, and no decision records why (a note on articles "
                f"{c.article_id}, column sha256, {wanted})",
                hint=rule.hint.replace("REF", ref).replace("FILE", c.path),
                severity=rule.severity,
            )
        )
    return issues


def _recorded_hashes(ctx: Context) -> set[tuple[str, str]]:
    """(article id, SHA-256 or "") of every note decision on ``articles.sha256``."""
    import polars as pl

    decisions = ctx.table("decisions")
    if not has_columns(decisions, "table", "key", "action", "column", "curated_value"):
        return set()
    assert decisions is not None and decisions.typed is not None
    notes = decisions.typed.filter(
        (pl.col("table") == "articles")
        & (pl.col("action") == "note")
        & (pl.col("column") == "sha256")
        & pl.col("key").is_not_null()
    ).select("key", pl.col("curated_value").fill_null("").str.strip_chars().str.to_lowercase())
    return set(notes.iter_rows())
