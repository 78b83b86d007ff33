"""Article rules: a briefing's title date, and the basis of every publication date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
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


def _set_published(ctx: Context) -> dict[str, str]:
    """Article id -> the ``curated_value`` of its last ``set published`` decision."""
    import polars as pl

    decisions = ctx.table("decisions")
    if not has_columns(decisions, "decision_id", "table", "key", "action", "column"):
        return {}
    assert decisions is not None and decisions.typed is not None
    sets = decisions.typed.filter(
        (pl.col("table") == "articles")
        & (pl.col("action") == "set")
        & (pl.col("column") == "published")
        & pl.col("key").is_not_null()
    )
    value = "curated_value" if "curated_value" in sets.columns else None
    return {
        key: (val or "")
        for key, val in sets.select(
            "key", pl.col(value) if value else pl.lit(None, pl.String)
        ).iter_rows()
    }


_TITLE_PARENS = r"\(\s*([^()]*?)\s*\)"
"""A parenthesised part of a title: where a briefing's title prints its date, "(Mar. 20)"."""


def _title_dates(titles: list[str]) -> dict[str, object]:
    """Each title -> the date expression its parentheses print (the parser's reading of a
    title date: the first explicit or month-day date that fills a pair of parentheses)."""
    from szdata._parse._dates import read_date_quote

    found: dict[str, object] = {}
    for title in titles:
        for quote in re.findall(_TITLE_PARENS, title):
            m = read_date_quote(quote)
            if m is not None and m.kind in ("explicit", "month_day"):
                found[title] = m
                break
    return found


def check_articles(ctx: Context) -> list[Issue]:
    """``article.title-date`` and ``article.published-basis``, held to the text on every row.

    The text's own publication date wins: a text that prints one in its header has basis
    ``header`` and that date; else a title that prints a full date has basis ``title``;
    else a web address that carries a date has basis ``address``; only a text that prints
    none and an address that carries none may be ``inferred``, from a ``set published``
    decision that gives the date. A briefing's ``title_date`` is the date its title prints
    (the year nearest the publication for a month and day) and its publication date.
    A curator who believes the printed date is wrong records a ``note``.

    Python words the basis rule (:func:`_basis_problem`) on the articles a vectorised
    pass cannot clear: an article whose ``Updated:`` header bears its basis out is cleared
    without leaving polars.
    """
    import polars as pl

    articles = ctx.table("articles")
    needed = ("article_id", "kind", "published", "published_basis", "title_date", "url")
    if not has_columns(articles, *needed):
        return []
    assert articles is not None and articles.typed is not None
    sets = _set_published(ctx)
    has_title = has_columns(articles, "title")
    frame = articles.typed.select(
        LINE, *needed, pl.col("title") if has_title else pl.lit(None, pl.String).alias("title")
    )
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
    issues += _check_title_dates(articles, frame)
    texts = texts_frame(ctx)
    frame = frame.filter(published.is_not_null() & pl.col("published_basis").is_not_null())
    frame = frame.join(texts.select("article_id", TEXT), on="article_id", how="left")
    basis, text = pl.col("published_basis"), pl.col(TEXT)
    header_dates = text.str.extract_all(HEADER_DATE).list.eval(pl.element().str.slice(-10))
    published_text = published.cast(pl.String)
    # cleared: a header date printed and used (HEADER_DATE reads the same in Rust and
    # Python); every other row goes to Python, which reads the text's head as the parser does
    cleared = (
        ((basis == "header") & (text.is_null() | header_dates.list.contains(published_text)))
        | ~basis.is_in(["header", "title", "address", "inferred"])
    ).fill_null(False)
    doubtful = frame.filter(~cleared)
    if doubtful.is_empty():
        return issues
    site_name = _site_names(ctx)
    for line, aid, pub, bas, title, url, raw in doubtful.select(
        LINE, "article_id", "published", "published_basis", "title_date", "url", TEXT
    ).iter_rows():
        printed = _printed_date(raw, aid, site_name)
        problem = _basis_problem(bas, pub, title, url, raw, sets.get(aid), printed)
        if problem:
            issues.append(
                articles.issue("article.published-basis", line, "published_basis", bas, problem)
            )
    return issues


def _check_title_dates(articles, frame) -> list[Issue]:
    """``article.title-date``: a ``title_date`` is the date the title prints (Python reads
    each distinct title once; polars compares)."""
    import polars as pl

    rows = frame.filter(pl.col("title_date").is_not_null() & pl.col("title").is_not_null())
    if rows.is_empty():
        return []
    read = _title_dates(rows.get_column("title").unique().to_list())
    printed = pl.DataFrame(
        [(t, m.kind, m.year, m.month, m.day) for t, m in read.items()],
        schema={"title": pl.String, "__k": pl.String, "__y": pl.Int32, "__m": pl.Int32,
                "__d": pl.Int32},
        orient="row",
    )  # fmt: skip
    joined = rows.join(printed, on="title", how="left")
    date, kind = pl.col("title_date"), pl.col("__k")
    wrong_day = (date.dt.month() != pl.col("__m")) | (date.dt.day() != pl.col("__d"))
    wrong_year = (kind == "explicit") & (date.dt.year() != pl.col("__y"))
    far = (
        (kind == "month_day")
        & pl.col("published").is_not_null()
        & ((date - pl.col("published")).abs() > pl.duration(days=183))
    )
    detail = pl.struct(t=pl.col("title"), p=pl.col("published"))
    checks = [
        MaskCheck(
            "article.title-date",
            "title_date",
            kind.is_null(),
            lambda v: f"title_date {v} but the title prints no date in parentheses",
            value=date,
        ),
        MaskCheck(
            "article.title-date",
            "title_date",
            kind.is_not_null() & (wrong_day | wrong_year),
            lambda v, d: f"title_date {v} is not the date the title prints ({d['t']!r})",
            value=date,
            detail=detail,
        ),
        MaskCheck(
            "article.title-date",
            "title_date",
            kind.is_not_null() & ~(wrong_day | wrong_year) & far,
            lambda v, d: (
                f"title_date {v} is not the year of the title's date nearest the publication "
                f"date {d['p']}"
            ),
            value=date,
            detail=detail,
        ),
    ]
    return run_masks(articles, joined, checks)


def _site_names(ctx: Context) -> Callable[[str], bool]:
    """Whether a line names a site (a registered outlet), as the parser reads a text's head.

    The registry is read once, when first asked; a registry that cannot be read (its files
    break a rule, reported by the structural checks) knows no site.
    """
    from szdata._core._errors import SzdataError

    found: list[Callable[[str], bool]] = []

    def is_site_name(name: str) -> bool:
        if not found:
            from szdata._parse import Registry

            try:
                registry = Registry.load(ctx.package)
                found.append(lambda n: registry.organization_of(n) is not None)
            except SzdataError:
                found.append(lambda n: False)
        return found[0](name)

    return is_site_name


def _printed_date(
    raw: str | None, article_id: str, is_site_name: Callable[[str], bool]
) -> tuple[str, dt.date] | None:
    """The publication date the text prints, as the parser reads it: ``("header", date)``
    from its header, else ``("title", date)`` from a full date in its title's parentheses."""
    if raw is None:
        return None
    from szdata._core._errors import ParseError
    from szdata._core._normalize import fold
    from szdata._parse._header import read_head

    head_text = raw[:4000]
    try:
        head = read_head(
            head_text,
            fold(head_text),
            file_name=article_id,
            is_site_name=is_site_name,
        )
    except ParseError:
        return None
    if head.updated is not None:
        return ("header", head.updated)
    m = _title_dates([head.title]).get(head.title)
    if m is not None and m.kind == "explicit":
        try:
            return ("title", dt.date(m.year, m.month, m.day))
        except (TypeError, ValueError):
            return None
    return None


def _basis_problem(
    basis: str,
    published: dt.date,
    title_date: dt.date | None,
    url: str | None,
    raw: str | None,
    decided: str | None,
    printed: tuple[str, dt.date] | None,
) -> str | None:
    """What is wrong with ``basis`` (``None``: nothing). ``decided`` is the value of the
    article's ``set published`` decision, ``printed`` the date its text prints."""
    if printed is not None and (published != printed[1] or basis not in ("header", "title")):
        where, date = printed
        return (
            f"the text prints its publication date in its {where} ({date}): the basis is "
            f"{where!r} and the date {date}, not {basis!r} {published} (when the printed "
            "date is wrong, record the true one as a `note` decision on published)"
        )
    if basis == "header":
        if raw is None:
            return None
        found = _UPDATED.findall(raw)
        if published.isoformat() not in found:
            shown = ", ".join(found) or "none"
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
    elif basis == "inferred":
        if decided is None:
            return (
                "basis 'inferred' but no `set published` decision on this article records "
                "the date and why"
            )
        if decided != published.isoformat():
            return (
                f"basis 'inferred' but the `set published` decision on this article gives "
                f"{decided or '(empty)'}, not {published}"
            )
        carried = sorted(address_dates(url))
        if carried:
            return (
                f"basis 'inferred' but the article's url carries a date ({carried[0]}): the "
                "basis is 'address' and the date the url's"
            )
    return None


HEAD_CHARACTERS = 4000
"""The head of a raw text, where the parser reads its title and header fields."""


def _check_header_fields(ctx: Context, articles, texts) -> list[Issue]:
    """``article.header-from-text``: ``editor`` and ``source_printed`` are printed in the
    head of the raw text, verbatim (the parser copies them from the ``Editor:`` and
    ``From:`` fields, or a dateline); a wrong printed field is recorded as a ``note``."""
    import polars as pl

    fields = [c for c in ("editor", "source_printed") if has_columns(articles, c)]
    if not fields:
        return []
    frame = (  # lazily: see _check_printed in _item
        combined(articles, ["article_id", *fields])
        .lazy()
        .join(texts.lazy().select("article_id", TEXT), on="article_id", how="inner")
    )
    head = pl.col(TEXT).str.slice(0, HEAD_CHARACTERS)
    checks = [
        MaskCheck(
            "article.header-from-text",
            name,
            pl.col(name).is_not_null() & ~head.str.contains(pl.col(name), literal=True),
            lambda v, n=name: f"{n} {v!r} is not printed in the head of the raw text",
        )
        for name in fields
    ]
    return run_masks(articles, frame, checks)


def check_titles(ctx: Context) -> list[Issue]:
    """``article.title-from-text``, ``article.briefing-title`` and
    ``article.header-from-text``.

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
    issues += _check_header_fields(ctx, articles, texts)
    joined = frame.join(texts.select("article_id", TEXT), on="article_id", how="inner")
    first = pl.col(TEXT).str.extract(r"^[\s\x{feff}]*([^\r\n]*[^\s\x{feff}])", 1)
    doubtful = joined.filter(pl.col("title").is_not_null() & first.ne_missing(pl.col("title")))
    if doubtful.is_empty():
        return issues
    from szdata._core._errors import ParseError
    from szdata._core._normalize import fold
    from szdata._parse._header import read_head

    is_site_name = _site_names(ctx)
    for line, aid, title, raw in doubtful.select(LINE, "article_id", "title", TEXT).iter_rows():
        head_text = raw[:4000]
        try:
            head = read_head(head_text, fold(head_text), file_name=aid, is_site_name=is_site_name)
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
