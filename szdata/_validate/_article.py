"""Article rules: a briefing's title date, and the basis of every publication date."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from szdata._validate._common import TEXT, has_columns, texts_frame
from szdata._validate._load import LINE, Context
from szdata._validate._structural import MaskCheck, combined, run_masks

if TYPE_CHECKING:
    from szdata._validate._report import Issue

from szdata._parse._header import HEADER_DATE

_UPDATED = re.compile(HEADER_DATE)
_URL_DATE = re.compile(r"(?<![0-9])([0-9]{4})[-/]?([0-9]{2})[-/]?([0-9]{2})(?![0-9])")


def address_dates(url: str | None) -> set[dt.date]:
    """The calendar dates a web address carries (``/2020-04/09/``, ``20200409``).

    Examples
    --------
    >>> address_dates("http://www.eyeshenzhen.com/content/2020-04/09/content_23043059.htm")
    {datetime.date(2020, 4, 9)}
    """
    found = set()
    for y, m, d in _URL_DATE.findall(url or ""):
        try:
            found.add(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return found


def check_articles(ctx: Context) -> list[Issue]:
    """``article.title-date`` and ``article.published-basis``.

    Python words the basis rule (:func:`_basis_problem`) on the articles a vectorised
    pass cannot clear: an article whose ``Updated:`` header or title date bears its basis
    out is cleared without leaving polars.
    """
    import polars as pl

    articles = ctx.table("articles")
    needed = ("article_id", "kind", "published", "published_basis", "title_date", "url")
    if not has_columns(articles, *needed):
        return []
    assert articles is not None and articles.typed is not None
    decided: list[str] = []
    decisions = ctx.table("decisions")
    if has_columns(decisions, "table", "key", "action", "column") and decisions is not None:
        assert decisions.typed is not None
        decided = (
            decisions.typed.filter(
                (pl.col("table") == "articles")
                & (pl.col("action") == "set")
                & (pl.col("column") == "published")
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
    texts = texts_frame(ctx)
    frame = frame.filter(published.is_not_null() & pl.col("published_basis").is_not_null())
    frame = frame.join(texts.select("article_id", TEXT), on="article_id", how="left")
    basis, text = pl.col("published_basis"), pl.col(TEXT)
    printed = (
        text.str.extract_all(HEADER_DATE)
        .list.eval(pl.element().str.slice(-10))
        .list.contains(published.cast(pl.String))
    )
    # cleared: what _basis_problem returns None for (HEADER_DATE reads the same in Rust and
    # Python); every other row goes to Python
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
                f"basis 'header' but the raw text's header date ({shown}) is not "
                f"the publication date {published}"
            )
    elif basis == "title":
        if title_date != published:
            return f"basis 'title' but title_date ({title_date}) is not {published}"
    elif basis == "address":
        if published not in address_dates(url):
            return f"basis 'address' but the url ({url}) does not carry the date {published}"
    elif basis == "inferred" and not decided:
        return (
            "basis 'inferred' but no `set published` decision on this article records the "
            "date and why"
        )
    return None


def check_titles(ctx: Context) -> list[Issue]:
    """``article.title-from-text`` and ``article.briefing-title``.

    The title is re-read from the head of the raw text with the parser's own reading
    (:func:`szdata._parse._header.read_head`, which knows a site-name line above the
    title) for the articles whose first line is not their title; the others are cleared
    in polars.
    """
    import polars as pl

    from szdata._parse import BRIEFING_TITLE

    articles = ctx.table("articles")
    if not has_columns(articles, "article_id", "title", "kind"):
        return []
    assert articles is not None
    frame = combined(articles, ["article_id", "title", "kind"])
    issues = run_masks(
        articles,
        frame,
        [
            MaskCheck(
                "article.briefing-title",
                "kind",
                pl.col("title").str.contains("(?i)" + BRIEFING_TITLE.pattern)
                & (pl.col("kind") != "briefing"),
                lambda v, d: f"the title {d!r} names a Daily Briefing, but kind is {v!r}",
                detail=pl.col("title"),
            )
        ],
    )
    texts = texts_frame(ctx)
    joined = frame.join(texts.select("article_id", TEXT), on="article_id", how="inner")
    first = pl.col(TEXT).str.extract(r"^[\s\x{feff}]*([^\r\n]*[^\s\x{feff}])", 1)
    doubtful = joined.filter(pl.col("title").is_not_null() & first.ne_missing(pl.col("title")))
    if doubtful.is_empty():
        return issues
    from szdata._core._errors import ParseError
    from szdata._core._normalize import fold
    from szdata._parse import Registry
    from szdata._parse._header import read_head

    registry = Registry.load(ctx.package)
    for line, aid, title, raw in doubtful.select(LINE, "article_id", "title", TEXT).iter_rows():
        head_text = raw[:4000]
        try:
            head = read_head(
                head_text,
                fold(head_text),
                file_name=aid,
                is_site_name=lambda n: registry.organization_of(n) is not None,
            )
            printed = head.title
        except ParseError:
            printed = None
        if printed != title:
            issues.append(
                articles.issue(
                    "article.title-from-text",
                    line,
                    "title",
                    title,
                    f"the title is not the one printed at the head of the raw text ({printed!r})",
                )
            )
    return issues
