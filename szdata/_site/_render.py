"""Render the site's pages from Jinja2 templates, every value from the data escaped.

The templates live in ``szdata/_site/templates/`` and ship in the wheel; autoescaping is
on for every template, so text from the data (a ``<script>`` in a figure's ``counted`` or
an organization's name) is shown as text, never run.

Examples
--------
>>> html = environment().from_string("<p>{{ s }}</p>").render(s="<script>")
>>> html
'<p>&lt;script&gt;</p>'
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from szdata._site._spans import Span, segment

if TYPE_CHECKING:
    from jinja2 import Environment

    from szdata._site._data import Article, SiteData


@cache
def environment() -> Environment:
    """The Jinja2 environment of the site: package templates, autoescape, strict names."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("szdata._site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_index(site: SiteData, charts: list[dict[str, str]]) -> str:
    """The index page: version, sources, articles in date order, tables and charts.

    Parameters
    ----------
    site
        The package's data.
    charts
        One dict per chart: ``file`` (relative to the index), ``alt`` and ``caption``.
    """
    return environment().get_template("index.html.j2").render(site=site, charts=charts, root="")


def render_article(
    site: SiteData,
    article: Article,
    prev_article: Article | None = None,
    next_article: Article | None = None,
) -> str:
    """The page of one article: its raw text with every row highlighted, and its rows."""
    spans = [Span(i.id, "item", i.start, i.end, rank=0) for i in article.items]
    spans += [Span(r.id, r.kind, r.start, r.end) for r in article.rows]
    context: dict[str, Any] = {
        "site": site,
        "article": article,
        "prev": prev_article,
        "next": next_article,
        "nodes": segment(article.text, spans),
        "rows": {r.id: r for r in article.rows},
        "items": {i.id: i for i in article.items},
        "root": "../",
    }
    return environment().get_template("article.html.j2").render(context)
