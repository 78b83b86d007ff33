"""Read the package into what the site shows: articles, their texts and highlighted rows.

Every column title shown comes from the Table Schemas; every highlight is checked to be
the exact characters of its raw text (``quote == raw[start:end]``) before a page is drawn.
A package that fails validation is still shown: a row that cannot be placed in its text
(an unknown article, offsets that are not integers or lie outside the text, a quote that is
not ``raw[start:end]``) is left out of the text and listed as a :class:`Problem`, on its
article's page and on the index, naming the file, line and column with a hint.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from szdata._core._errors import PackageError
from szdata._disk._files import max_raw_bytes, read_files
from szdata._disk._paths import check_relative_path
from szdata._disk._readers import table_frame
from szdata._site._errors import SiteError

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._schemas._schema import TableSchema
    from szdata._site._changes import Changes
    from szdata._site._queue import Validation

KINDS: dict[str, str] = {"figure": "figures", "date": "dates", "mention": "mentions"}
"""Highlight kind -> the built table its rows come from, in legend order."""

ITEMS = "items"
"""The table of a briefing's numbered items (anchored on the page, not highlighted)."""

_HIDDEN = frozenset({"article_id", "quote", "start", "end"})  # shown otherwise on the page
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+\Z", re.IGNORECASE)
_META = (
    "published",
    "published_basis",
    "kind",
    "writers",
    "editor",
    "source_printed",
    "publisher_id",
    "review_status",
    "url",
)
"""The article columns shown above its text, in this order."""


@dataclass(frozen=True)
class Problem:
    """Something the site could not show, and why: a file, a line, a column and a hint.

    Examples
    --------
    >>> Problem("data/figures.csv", 6, "quote", "not raw[1:2]", "rebuild").where
    'data/figures.csv:6'
    """

    file: str
    line: int | None
    column: str
    message: str
    hint: str
    article_id: str | None = None

    @property
    def where(self) -> str:
        """``file:line`` (or the file alone)."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class Cell:
    """One shown cell of a row: its column, the column's title, the value and its type."""

    column: str
    title: str
    value: str
    type: str


@dataclass(frozen=True)
class Removed:
    """The row a ``remove`` decision dropped, as the parser reads it again from the text."""

    kind: str | None
    quote: str
    start: int | None
    end: int | None
    fields: tuple[Cell, ...]


@dataclass
class Decision:
    """One row of ``decisions``, tied to its article and to where it shows on that page."""

    id: str
    table: str
    key: str
    action: str
    column: str
    parsed_value: str
    curated_value: str
    reason: str
    evidence: str
    decided_on: str
    decided_by: str
    line: int
    article_id: str | None = None
    anchor: str | None = None
    """The id of the element the decision changed on its article's page, if shown."""
    current: str | None = None
    """For a ``note``: the noted column's value in the row, which the note leaves as it is."""
    removed: Removed | None = None

    @property
    def page_anchor(self) -> str:
        """The element id of the decision itself on its article's and the decisions page."""
        return self.id

    @property
    def evidence_url(self) -> str | None:
        """The evidence when it is one web address (then the whole of it is a link)."""
        return safe_url(self.evidence)


@dataclass(frozen=True)
class DecisionMark:
    """A place in the text a decision is about, when no highlighted row stands there."""

    decision: Decision
    start: int
    end: int


@dataclass(frozen=True)
class Row:
    """One highlighted row: a figure, a date or a mention, and what its tooltip shows."""

    kind: str
    table: str
    id: str
    start: int
    end: int
    quote: str
    status: str
    origin: str
    item_no: str | None
    fields: tuple[Cell, ...]

    @property
    def filled(self) -> tuple[Cell, ...]:
        """The cells that have a value: what the row's tooltip shows."""
        return tuple(c for c in self.fields if c.value)

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


@dataclass(frozen=True)
class Review:
    """The article's row of ``reviews``: who reviewed which text, and when."""

    status: str
    reviewer: str
    reviewed_on: str
    sha256: str
    note: str


@dataclass
class Article:
    """An article: its metadata, raw text, items, highlighted rows and decisions."""

    id: str
    title: str
    published: str
    kind: str
    status: str
    url: str | None
    raw_path: str
    text: str
    sha256: str
    raw_sha256: str | None
    meta: list[Cell]
    review: Review | None = None
    items: list[Item] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    marks: list[DecisionMark] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many rows of ``kind`` the article has."""
        return sum(r.kind == kind for r in self.rows)

    @property
    def page(self) -> str:
        """The page's file name, relative to the site's root."""
        return f"articles/{self.id}.html"

    @property
    def changed_since_review(self) -> bool:
        """Whether the text is not the one its review covered (their SHA-256 differ).

        The review's hash is compared with the article's (``articles.sha256``) and with the
        raw file's own, so a text edited without a rebuild is caught too.

        Examples
        --------
        >>> a = Article("a", "T", "2020-03-20", "news", "unreviewed", None, "p", "", "1" * 64,
        ...             "1" * 64, [], Review("reviewed", "R", "2020-04-01", "0" * 64, ""))
        >>> a.changed_since_review
        True
        """
        got = self.review.sha256 if self.review else ""
        return bool(got) and (got != self.sha256 or got != (self.raw_sha256 or got))


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
    units: dict[str, dict[str, Any]]
    mention_counts: list[tuple[str, int]]
    unit_counts: list[tuple[str, int]]
    kind_titles: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    validation: Validation | None = None
    changes: Changes | None = None
    """What changed since a base revision (``szdata site --base REF``), else ``None``."""

    @property
    def queue(self) -> list[Article]:
        """The articles a reviewer has to look at: texts changed since review, then unreviewed.

        Each group is in date order.
        """
        changed = [a for a in self.articles if a.changed_since_review]
        todo = [a for a in self.articles if a.status != "reviewed" and not a.changed_since_review]
        return changed + todo


@dataclass
class Tables:
    """The package's tables as text rows (empty when a file cannot be read)."""

    rows: dict[str, list[dict[str, Any]]]
    problems: list[Problem]


def read_tables(pkg: Package) -> Tables:
    """Read every table of ``pkg`` as text; a file that cannot be read becomes a problem."""
    rows: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    for name in pkg.table_names():
        try:
            rows[name] = table_frame(pkg, name).to_dicts()
        except (PackageError, OSError) as exc:
            rows[name] = []
            problems.append(
                Problem(
                    _rel(pkg, name),
                    None,
                    "",
                    f"the table cannot be read: {exc}",
                    "run `szdata validate` and fix the file; the site shows it as empty",
                )
            )
    return Tables(rows, problems)


def load_site_data(pkg: Package, tables: Tables | None = None) -> SiteData:
    """Read the package at ``pkg``; check every highlight against its raw text.

    Rows that cannot be shown are listed in :attr:`SiteData.problems` (and in their article's
    :attr:`Article.problems`) instead of stopping the build.

    Raises
    ------
    SiteError
        When a table the site is drawn from has no one-column primary key.
    """
    tables = tables or read_tables(pkg)
    rows_of = tables.rows
    problems = list(tables.problems)
    orgs = _by_key(pkg, "organizations", rows_of)
    units = _by_key(pkg, "units", rows_of)
    items = _by_key(pkg, ITEMS, rows_of)
    reviews = {r.get("article_id"): r for r in rows_of.get("reviews", [])}
    by_id: dict[str, Article] = {}
    for line, row in enumerate(rows_of["articles"], start=2):
        if (row.get("article_id") or "") in by_id:
            problems.append(
                Problem(
                    _rel(pkg, "articles"),
                    line,
                    "article_id",
                    f"article {row['article_id']!r} is listed twice: this row is not shown",
                    "every article has one row; rebuild the tables with `szdata build`",
                    row["article_id"],
                )
            )
            continue
        art = _article(pkg, line, row, orgs, reviews, problems)
        if art is not None:
            by_id[art.id] = art
    for line, item in enumerate(rows_of[ITEMS], start=2):
        found = _placed(pkg, ITEMS, line, item, by_id, problems)
        if found is None:
            continue
        art, start, end = found
        art.items.append(
            Item(
                item.get("item_id") or "",
                item.get("item_no") or "",
                item.get("headline") or "",
                start,
                end,
            )
        )
    for kind, table in KINDS.items():
        schema = pkg.schema(table)
        key = _pk(schema)
        for line, row in enumerate(rows_of[table], start=2):
            found = _placed(pkg, table, line, row, by_id, problems, quoted=True)
            if found is None:
                continue
            art, start, end = found
            item = items.get(row.get("item_id") or "")
            art.rows.append(
                Row(
                    kind=kind,
                    table=table,
                    id=row.get(key) or "",
                    start=start,
                    end=end,
                    quote=row.get("quote") or "",
                    status=row.get("review_status") or "unreviewed",
                    origin=row.get("origin") or "",
                    item_no=item.get("item_no") if item else None,
                    fields=cells(schema, row, orgs, items),
                )
            )
    articles = sorted(by_id.values(), key=lambda a: (a.published, a.id))
    for art in articles:
        art.rows.sort(key=lambda r: (r.start, -r.end, list(KINDS).index(r.kind), r.id))
        art.items.sort(key=lambda i: (i.start, i.id))
    for p in problems:
        if p.article_id in by_id:
            by_id[p.article_id].problems.append(p)
    d = pkg.descriptor
    return SiteData(
        title=str(d.get("title") or d.get("name") or "szdata"),
        description=str(d.get("description") or ""),
        version=pkg.version,
        sources=[
            (str(s.get("title") or s.get("path")), safe_url(s.get("path")))
            for s in d.get("sources", [])
        ],
        licenses=[
            (str(lic.get("title") or lic.get("name")), safe_url(lic.get("path")))
            for lic in d.get("licenses", [])
        ],
        tables=[
            (n, str(pkg.resource(n).get("title") or n), len(rows_of[n])) for n in pkg.table_names()
        ],
        articles=articles,
        organizations=orgs,
        units=units,
        mention_counts=_counted(rows_of["mentions"], "organization_id"),
        unit_counts=_counted(rows_of["figures"], "unit"),
        kind_titles={k: str(pkg.resource(t).get("title") or t) for k, t in KINDS.items()},
        problems=problems,
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


def safe_url(value: object) -> str | None:
    """An address to link to, or ``None``: only ``http(s)`` links are drawn.

    Examples
    --------
    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)")
    ('https://example.org/a', None)
    """
    return value if isinstance(value, str) and _SAFE_URL.match(value) else None


def cells(schema: TableSchema, row: dict[str, Any], orgs: dict, items: dict) -> tuple[Cell, ...]:
    """The shown cells of a row, ids resolved to names; ``""`` for an empty cell.

    The row's own id, its article, quote and offsets are left out: the page shows them
    otherwise.
    """
    refs = {fk.fields[0]: fk.resource for fk in schema.foreign_keys if len(fk.fields) == 1}
    hidden = _HIDDEN | set(schema.primary_key)
    out = []
    for f in schema.fields:
        if f.name in hidden:
            continue
        value = _text(row.get(f.name))
        target = refs.get(f.name)
        if target == "organizations" and value in orgs:
            org = orgs[value]
            value = f"{org.get('name') or value} ({org.get('kind') or '?'})"
        elif target == ITEMS and value in items:
            value = f"item {items[value].get('item_no')}"
        else:
            value = format_value(f.type, value)
        out.append(Cell(f.name, f.title or f.name, value, f.type))
    return tuple(out)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rel(pkg: Package, table: str) -> str:
    return str(pkg.resource(table).get("path") or table)


def _pk(schema: TableSchema) -> str:
    if len(schema.primary_key) != 1:
        raise SiteError(f"table {schema.name!r} needs a one-column primary key to be shown")
    return schema.primary_key[0]


def _by_key(pkg: Package, table: str, rows_of: dict[str, list[dict[str, Any]]]) -> dict:
    key = _pk(pkg.schema(table))
    return {r[key]: r for r in rows_of[table] if r.get(key)}


def _counted(rows: list[dict[str, Any]], column: str) -> list[tuple[str, int]]:
    counts = Counter(r[column] for r in rows if r.get(column))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _article(
    pkg: Package,
    line: int,
    row: dict[str, Any],
    orgs: dict,
    reviews: dict,
    problems: list[Problem],
) -> Article | None:
    schema = pkg.schema("articles")
    where = _rel(pkg, "articles")
    art_id = row.get("article_id") or ""
    pattern = schema.field("article_id").pattern
    if pattern and not re.fullmatch(pattern, art_id):
        problems.append(
            Problem(
                where,
                line,
                "article_id",
                f"article_id {art_id!r} does not match the pattern {pattern!r}: the article is "
                "not shown",
                "article ids name the site's pages, so they must follow the schema",
            )
        )
        return None
    text, raw_sha256 = _raw_text(pkg, line, art_id, row.get("raw_path"), problems)
    meta = cells(schema, row, orgs, {})
    shown = {c.column: c for c in meta if c.value}
    review = reviews.get(art_id)
    return Article(
        id=art_id,
        title=row.get("title") or art_id,
        published=row.get("published") or "",
        kind=row.get("kind") or "",
        status=row.get("review_status") or "unreviewed",
        url=safe_url(row.get("url")),
        raw_path=row.get("raw_path") or "",
        text=text,
        sha256=row.get("sha256") or "",
        raw_sha256=raw_sha256,
        meta=[shown[c] for c in _META if c in shown],
        review=Review(
            status=review.get("status") or "",
            reviewer=review.get("reviewer") or "",
            reviewed_on=review.get("reviewed_on") or "",
            sha256=review.get("sha256") or "",  # a column of reviews since 0.2
            note=review.get("note") or "",
        )
        if review
        else None,
    )


def _raw_text(
    pkg: Package, line: int, art_id: str, raw_path: Any, problems: list[Problem]
) -> tuple[str, str | None]:
    where = _rel(pkg, "articles")

    def missing(message: str, hint: str) -> tuple[str, None]:
        problems.append(Problem(where, line, "raw_path", message, hint, art_id))
        return "", None

    try:
        rel = check_relative_path(str(raw_path or ""), what=f"article {art_id!r}")
        (data,) = read_files(pkg.root, [rel], limit=max_raw_bytes(), missing_ok=True)
    except PackageError as exc:  # unsafe, a link, a pipe, a device, a folder, too large
        return missing(str(exc), "raw_path must name a regular file inside the package")
    if data is None:
        return missing(
            f"article {art_id!r} names a missing raw text {raw_path!r}: its text is not shown",
            "add the raw text or rebuild the tables with `szdata build`",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return missing(
            f"the raw text {raw_path} is not UTF-8 ({exc.reason} at byte {exc.start})",
            "raw texts are kept as UTF-8; add it again with `szdata add`",
        )
    return text, hashlib.sha256(data).hexdigest()


def _placed(
    pkg: Package,
    table: str,
    line: int,
    row: dict[str, Any],
    by_id: dict[str, Article],
    problems: list[Problem],
    *,
    quoted: bool = False,
) -> tuple[Article, int, int] | None:
    """The row's article and offsets, or ``None`` (and a problem) when it cannot be placed."""
    where = _rel(pkg, table)
    art_id = row.get("article_id") or ""
    art = by_id.get(art_id)

    def skip(column: str, message: str, hint: str) -> None:
        problems.append(Problem(where, line, column, message, hint, art_id if art else None))

    if art is None:
        skip(
            "article_id",
            f"unknown article {art_id!r}: the row is not shown",
            "every row must belong to a row of articles.csv",
        )
        return None
    try:
        start, end = int(row.get("start") or ""), int(row.get("end") or "")
    except ValueError:
        skip(
            "start",
            f"columns 'start'/'end' must be integers, got {row.get('start')!r}/"
            f"{row.get('end')!r}: the row is not highlighted",
            "run `szdata validate`, then rebuild the tables with `szdata build`",
        )
        return None
    if not 0 <= start < end <= len(art.text):
        skip(
            "end",
            f"offsets [{start}, {end}) lie outside the article's text of {len(art.text)} "
            "characters: the row is not highlighted",
            "rebuild the tables with `szdata build`",
        )
        return None
    quote = row.get("quote")
    if quoted and art.text[start:end] != quote:
        skip(
            "quote",
            f"{quote!r} is not raw[{start}:{end}] = {art.text[start:end]!r} of article "
            f"{art.id!r}: the row is not highlighted",
            "offsets count code points of the raw text; rebuild with `szdata build`",
        )
        return None
    return art, start, end
