"""Read the package into what the site shows: articles, their texts and highlighted rows.

Every column title shown comes from the Table Schemas; every highlight is checked to be
the exact characters of its raw text (``quote == raw[start:end]``) before a page is drawn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from szdata._readers import read_text_table
from szdata._site._errors import SiteError

if TYPE_CHECKING:
    from szdata._package import Package
    from szdata._schema import TableSchema

KINDS: dict[str, str] = {"figure": "figures", "date": "dates", "mention": "mentions"}
"""Highlight kind -> the built table its rows come from, in legend order."""

_HIDDEN = frozenset({"article_id", "quote", "start", "end"})  # shown otherwise on the page
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+\Z", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    """One highlighted row: a figure, a date or a mention, and what its tooltip shows."""

    kind: str
    id: str
    start: int
    end: int
    quote: str
    status: str
    item_no: str | None
    fields: tuple[tuple[str, str], ...]

    @property
    def filled(self) -> tuple[tuple[str, str], ...]:
        """The fields that have a value: what the row's tooltip shows."""
        return tuple((k, v) for k, v in self.fields if v)

    @property
    def reviewed(self) -> bool:
        """Whether the row's article has been reviewed."""
        return self.status == "reviewed"


@dataclass(frozen=True)
class Item:
    """A numbered item of a briefing, anchored on its article's page."""

    id: str
    no: str
    headline: str
    start: int
    end: int


@dataclass
class Article:
    """An article: its metadata, raw text, items and highlighted rows."""

    id: str
    title: str
    published: str
    kind: str
    status: str
    url: str | None
    text: str
    meta: list[tuple[str, str]]
    items: list[Item] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many rows of ``kind`` the article has."""
        return sum(r.kind == kind for r in self.rows)

    @property
    def page(self) -> str:
        """The page's file name, relative to the site's root."""
        return f"articles/{self.id}.html"


@dataclass
class SiteData:
    """Everything the site shows, read from one package."""

    title: str
    description: str
    version: str
    sources: list[tuple[str, str | None]]
    licenses: list[tuple[str, str | None]]
    tables: list[tuple[str, str, int]]
    articles: list[Article]
    organizations: dict[str, dict[str, Any]]
    mention_counts: list[tuple[str, int]]
    kind_titles: dict[str, str]


def load_site_data(pkg: Package) -> SiteData:
    """Read the package at ``pkg`` and check every highlight against its raw text.

    Raises
    ------
    SiteError
        When a row names an unknown article, has offsets that are not integers or lie
        outside the text, or a quote that is not ``raw[start:end]``.
    """
    frames = {name: read_text_table(pkg.path_of(name)) for name in pkg.table_names()}
    rows_of = {name: frame.to_dicts() for name, frame in frames.items()}
    orgs = _by_key(pkg, "organizations", rows_of)
    items = _by_key(pkg, "items", rows_of)
    articles = [_article(pkg, r) for r in rows_of["articles"]]
    by_id = {a.id: a for a in articles}
    for line, item in enumerate(rows_of["items"], start=2):
        art = _owner(pkg, "items", line, item, by_id)
        start, end = _offsets(pkg, "items", item, len(art.text), line)
        art.items.append(
            Item(
                id=item["item_id"],
                no=item["item_no"],
                headline=item["headline"] or "",
                start=start,
                end=end,
            )
        )
    for kind, table in KINDS.items():
        schema = pkg.schema(table)
        for line, row in enumerate(rows_of[table], start=2):
            art = _owner(pkg, table, line, row, by_id)
            start, end = _check_span(pkg, table, line, row, art)
            item = items.get(row.get("item_id") or "")
            art.rows.append(
                Row(
                    kind=kind,
                    id=row[_pk(schema)],
                    start=start,
                    end=end,
                    quote=row["quote"],
                    status=row.get("review_status") or "unreviewed",
                    item_no=item["item_no"] if item else None,
                    fields=_fields(schema, row, orgs, items),
                )
            )
    for art in articles:
        art.rows.sort(key=lambda r: (r.start, -r.end, list(KINDS).index(r.kind), r.id))
        art.items.sort(key=lambda i: (i.start, i.id))
    articles.sort(key=lambda a: (a.published, a.id))
    counts = Counter(r["organization_id"] for r in rows_of["mentions"])
    d = pkg.descriptor
    return SiteData(
        title=str(d.get("title") or d.get("name") or "szdata"),
        description=str(d.get("description") or ""),
        version=pkg.version,
        sources=[
            (str(s.get("title") or s.get("path")), _safe_url(s.get("path")))
            for s in d.get("sources", [])
        ],
        licenses=[
            (str(lic.get("title") or lic.get("name")), _safe_url(lic.get("path")))
            for lic in d.get("licenses", [])
        ],
        tables=[
            (n, str(pkg.resource(n).get("title") or n), frames[n].height) for n in pkg.table_names()
        ],
        articles=articles,
        organizations=orgs,
        mention_counts=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        kind_titles={k: str(pkg.resource(t).get("title") or t) for k, t in KINDS.items()},
    )


def format_value(schema_type: str, value: str) -> str:
    """Show a number with thousands separators; other values as stored.

    Examples
    --------
    >>> format_value("number", "250000000"), format_value("number", "97.5")
    ('250,000,000', '97.5')
    >>> format_value("string", "41300")
    '41300'
    """
    if schema_type not in ("number", "integer"):
        return value
    try:
        return f"{Decimal(value):,}"
    except (InvalidOperation, ValueError):
        return value


def _pk(schema: TableSchema) -> str:
    if len(schema.primary_key) != 1:
        raise SiteError(f"table {schema.name!r} needs a one-column primary key to be shown")
    return schema.primary_key[0]


def _by_key(pkg: Package, table: str, rows_of: dict[str, list[dict[str, Any]]]) -> dict:
    key = _pk(pkg.schema(table))
    return {r[key]: r for r in rows_of[table]}


def _safe_url(value: object) -> str | None:
    """An address to link to, or ``None``: only ``http(s)`` links are drawn."""
    return value if isinstance(value, str) and _SAFE_URL.match(value) else None


def _article(pkg: Package, row: dict[str, Any]) -> Article:
    schema = pkg.schema("articles")
    art_id = row["article_id"] or ""
    pattern = schema.field("article_id").pattern
    path = pkg.path_of("articles")
    if pattern and not re.fullmatch(pattern, art_id):
        raise SiteError(
            f"{path}: article_id {art_id!r} does not match the pattern {pattern!r}; "
            "hint: article ids name the site's pages, so they must follow the schema"
        )
    raw_file = pkg.file(row["raw_path"])
    try:
        text = raw_file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SiteError(f"{path}: article {art_id!r} names a missing raw text {raw_file}") from None
    except UnicodeDecodeError as exc:
        raise SiteError(f"{raw_file} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    shown = ("published", "kind", "writers", "editor", "source_printed", "review_status")
    meta = [(schema.field(c).title or c, row[c]) for c in shown if row.get(c)]
    return Article(
        id=art_id,
        title=row["title"] or art_id,
        published=row["published"] or "",
        kind=row["kind"] or "",
        status=row.get("review_status") or "unreviewed",
        url=_safe_url(row.get("url")),
        text=text,
        meta=meta,
    )


def _owner(
    pkg: Package, table: str, line: int, row: dict[str, Any], by_id: dict[str, Article]
) -> Article:
    art = by_id.get(row.get("article_id") or "")
    if art is None:
        raise SiteError(
            f"{pkg.path_of(table)}: line {line}: column 'article_id': unknown article "
            f"{row.get('article_id')!r}; hint: every row must belong to a row of articles.csv"
        )
    return art


def _offsets(
    pkg: Package, table: str, row: dict[str, Any], length: int, line: int | None = None
) -> tuple[int, int]:
    where = f"{pkg.path_of(table)}" + (f": line {line}" if line else "")
    try:
        start, end = int(row["start"]), int(row["end"])
    except (TypeError, ValueError):
        raise SiteError(
            f"{where}: columns 'start'/'end' must be integers, got "
            f"{row.get('start')!r}/{row.get('end')!r}; hint: run `szdata validate`"
        ) from None
    if not 0 <= start < end <= length:
        raise SiteError(
            f"{where}: offsets [{start}, {end}) lie outside the article's text of {length} "
            "characters; hint: rebuild the tables with `szdata build`"
        )
    return start, end


def _check_span(
    pkg: Package, table: str, line: int, row: dict[str, Any], art: Article
) -> tuple[int, int]:
    start, end = _offsets(pkg, table, row, len(art.text), line)
    if art.text[start:end] != row["quote"]:
        raise SiteError(
            f"{pkg.path_of(table)}: line {line}: column 'quote': {row['quote']!r} is not "
            f"raw[{start}:{end}] = {art.text[start:end]!r} of article {art.id!r}; "
            "hint: offsets count code points of the raw text; rebuild with `szdata build`"
        )
    return start, end


def _fields(
    schema: TableSchema, row: dict[str, Any], orgs: dict, items: dict
) -> tuple[tuple[str, str], ...]:
    """The (title, value) pairs of a row, ids resolved to names; ``""`` for an empty cell."""
    refs = {fk.fields[0]: fk.resource for fk in schema.foreign_keys if len(fk.fields) == 1}
    out = []
    for f in schema.fields:
        if f.name in _HIDDEN:
            continue
        value = row.get(f.name) or ""
        target = refs.get(f.name)
        if target == "organizations" and value in orgs:
            org = orgs[value]
            out.append((f.title or f.name, f"{org['name']} ({org['kind']})"))
            continue
        if target == "items" and value in items:
            value = f"item {items[value]['item_no']}"
        out.append((f.title or f.name, format_value(f.type, value)))
    return tuple(out)
