"""Render the site's pages from Jinja2 templates, every value from the data escaped.

The templates live in ``szdata/_site/templates/`` and ship in the wheel; autoescaping is
on for every template, so text from the data (a ``<script>`` in a figure's ``counted`` or
an organization's name) is shown as text, never run. The few filters that add markup
(:func:`inline_code`, :func:`breakable_url`, :func:`evidence`) escape the text first.

Examples
--------
>>> html = environment().from_string("<p>{{ s }}</p>").render(s="<script>")
>>> html
'<p>&lt;script&gt;</p>'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from szdata._curate._checklist import CHECKLIST
from szdata._site._charts import bar_width
from szdata._site._data import safe_url
from szdata._site._decisions import evidence_parts
from szdata._site._spans import Span, segment

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from szdata._site._changes import RowChange
    from szdata._site._charts import BarChart
    from szdata._site._data import Article, Decision, Row, SiteData
    from szdata._site._downloads import Downloads

_BREAK_AFTER = re.compile(r"([/.\-?&=#_])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def inline_code(text: str) -> Markup:
    """Text with every ```code``` span shown as ``<code>`` (the rest escaped).

    Examples
    --------
    >>> str(inline_code("run `szdata build` <now>"))
    'run <code>szdata build</code> &lt;now&gt;'
    >>> str(inline_code("a lone ` stays"))
    'a lone ` stays'
    """
    from markupsafe import Markup, escape

    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: show them as they are
        return escape(text)
    out = [escape(p) if i % 2 == 0 else Markup("<code>%s</code>") % p for i, p in enumerate(parts)]
    return Markup("").join(out)


def breakable_url(url: str) -> Markup:
    """An address that may wrap after ``/ . - ? & = # _`` (and nowhere else).

    Examples
    --------
    >>> str(breakable_url("http://a.cn/x-1"))
    'http:/<wbr>/<wbr>a.<wbr>cn/<wbr>x-<wbr>1'
    """
    from markupsafe import Markup, escape

    return Markup("<wbr>").join(escape(p) for p in _BREAK_AFTER.sub(r"\1\0", url).split("\0"))


def breakable(value: str) -> Markup:
    """A value as text; a web address wraps at sensible points (see :func:`breakable_url`).

    Examples
    --------
    >>> str(breakable("http://a.cn")), str(breakable("Han <b>"))
    ('http:/<wbr>/<wbr>a.<wbr>cn', 'Han &lt;b&gt;')
    """
    from markupsafe import escape

    return breakable_url(value) if safe_url(value) else escape(value)


def evidence(text: str) -> Markup:
    """Text with every web address in it a link (that wraps at sensible points).

    Examples
    --------
    >>> str(evidence("see http://a.cn"))
    'see <a href="http://a.cn">http:/<wbr>/<wbr>a.<wbr>cn</a>'
    """
    from markupsafe import Markup, escape

    out = []
    for part, url in evidence_parts(str(text)):
        if url:
            out.append(Markup('<a href="%s">%s</a>') % (url, breakable_url(part)))
        else:
            out.append(escape(part))
    return Markup("").join(out)


def is_date(value: object) -> bool:
    """Whether ``value`` is an ISO date (shown in a ``<time>`` that never wraps).

    Examples
    --------
    >>> is_date("2020-04-09"), is_date("April 9")
    (True, False)
    """
    return isinstance(value, str) and bool(_ISO_DATE.match(value))


def environment() -> Environment:
    """The Jinja2 environment of the site: package templates, autoescape, strict names.

    Whether jinja2 can be imported is asked on every call (the environment itself is built
    once), so that a missing ``site`` extra is always named, whatever ran before.
    """
    from szdata._core._extras import require

    require("jinja2", "site", feature="the review site")
    return _environment()


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("szdata._site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(code=inline_code, url=breakable_url, breakable=breakable, evidence=evidence)
    env.tests["date"] = is_date
    env.globals.update(bar_width=bar_width, checklist=CHECKLIST)
    return env


def render_index(
    site: SiteData, charts: list[BarChart], downloads: Downloads, *, scale: int
) -> str:
    """The index page: the reviewer's queue, articles, charts, downloads and sources.

    Parameters
    ----------
    site
        The package's data.
    charts
        The bar charts drawn below the articles.
    downloads
        The files the site offers.
    scale
        The largest count of the articles' bars (one scale for all of them).
    """
    context = {"site": site, "charts": charts, "downloads": downloads, "scale": scale}
    return environment().get_template("index.html.j2").render(context, root="")


def render_decisions(site: SiteData) -> str:
    """The page of every decision, grouped by article."""
    by_article = {a.id: a for a in site.articles}
    groups: dict[str | None, list[Decision]] = {}
    for d in site.decisions:
        groups.setdefault(d.article_id, []).append(d)
    ordered = [(by_article[a.id], groups[a.id]) for a in site.articles if a.id in groups]
    context = {"site": site, "groups": ordered, "unplaced": groups.get(None, [])}
    return environment().get_template("decisions.html.j2").render(context, root="")


def render_article(
    site: SiteData,
    article: Article,
    prev_article: Article | None = None,
    next_article: Article | None = None,
    downloads: Downloads | None = None,
) -> str:
    """The page of one article: its raw text with every row highlighted, and its rows."""
    spans = [Span(i.id, "item", i.start, i.end, rank=0) for i in article.items]
    spans += [Span(r.id, r.kind, r.start, r.end) for r in article.rows]
    spans += [Span(m.decision.id, "decision", m.start, m.end) for m in article.marks]
    decided: dict[str, list[Decision]] = {}
    for d in article.decisions:
        decided.setdefault(d.key, []).append(d)
    raw = downloads.raw.get(article.raw_path) if downloads else None
    changed, changed_items, meta_changes, article_change = _changes_of(site, article)
    context: dict[str, Any] = {
        "site": site,
        "article": article,
        "prev": prev_article,
        "next": next_article,
        "nodes": segment(article.text, spans),
        "rows": {r.id: r for r in article.rows},
        "items": {i.id: i for i in article.items},
        "marks": {m.decision.id: m for m in article.marks},
        "decided": decided,
        "meta_decisions": _by_column(article),
        "tables": row_tables(site, article, decided, changed),
        "raw": raw,
        "changed": changed,
        "changed_items": changed_items,
        "meta_changes": meta_changes,
        "article_change": article_change,
        "root": "../",
    }
    return environment().get_template("article.html.j2").render(context)


@dataclass(frozen=True)
class RowTable:
    """The rows of one kind on an article's page, with the columns worth a column.

    A column whose value is the same in every row (two rows or more) is said once above the
    table instead (or not at all when it is empty), so that the table fits.
    """

    kind: str
    title: str
    rows: list[Row]
    columns: list[int]
    constants: list[tuple[str, str]]
    decided: bool
    changed: bool = False
    """Whether a row of the table was added or changed since the base (``site --base``)."""


def row_tables(
    site: SiteData,
    article: Article,
    decided: dict[str, list[Decision]],
    changed: dict[str, RowChange] | None = None,
) -> list[RowTable]:
    """One :class:`RowTable` per kind of row the article has, in legend order."""
    changed = changed or {}
    out = []
    for kind, title in site.kind_titles.items():
        rows = [r for r in article.rows if r.kind == kind]
        if not rows:
            continue
        columns, constants = [], []
        for i, cell in enumerate(rows[0].fields):
            values = {r.fields[i].value for r in rows}
            if len(rows) > 1 and len(values) == 1:
                if cell.value:
                    constants.append((cell.title, cell.value))
                continue
            columns.append(i)
        has = any(r.id in decided for r in rows)
        moved = any(r.id in changed for r in rows)
        out.append(RowTable(kind, title, rows, columns, constants, has, moved))
    return out


def _changes_of(
    site: SiteData, article: Article
) -> tuple[dict[str, RowChange], dict[str, RowChange], dict[str, str | None], RowChange | None]:
    """The article's rows and items changed since the base, its changed cells (column ->
    old value) and its own row's change; all empty without ``site --base``."""
    changes = site.changes
    if changes is None:
        return {}, {}, {}, None
    rows = {r.id: c for r in article.rows if (c := changes.of(r.table, r.id)) is not None}
    items = {i.id: c for i in article.items if (c := changes.of("items", i.id)) is not None}
    own = changes.of("articles", article.id)
    meta = {col: old for col, old, _ in own.cells} if own is not None else {}
    return rows, items, meta, own


def render_changes(site: SiteData) -> str:
    """The page of the changes since the base (``szdata site --base REF``)."""
    from szdata._curate._diff_render import summary_cells

    assert site.changes is not None
    pages = {a.id: a.page for a in site.articles}
    context = {
        "site": site,
        "doc": site.changes.document,
        "pages": pages,
        "summary": summary_cells,
        "root": "",
    }
    return environment().get_template("changes.html.j2").render(context)


def _by_column(article: Article) -> dict[str, list[Decision]]:
    """The decisions on the article's own row, by the column they are about."""
    out: dict[str, list[Decision]] = {}
    for d in article.decisions:
        if d.key == article.id and d.column:
            out.setdefault(d.column, []).append(d)
    return out
