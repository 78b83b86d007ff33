"""Write a synthetic but fully valid szdata package of N figures, optionally with injected errors.

The package has the repository's descriptor and Table Schemas and its curated
vocabularies (organizations, aliases, units), and synthetic Daily Briefings in the real
proportions: per article 5 items, 10 figures, 3 dates and 8 organization mentions, and
one ``reviews`` row (no curation decisions: they name real articles, which are left out
so that the package does not depend on the repository's tables of the day). Every
synthetic raw text is generated together with its rows, so that each ``quote ==
raw[start:end]`` lies inside its item's span, ids follow ``<article>.f<start>``, values
re-read from their quotes, qualifiers and unit words agree, weekday and "yesterday"
dates fall before publication, and hashes and lengths are right.

Error injection (``--errors FRACTION``) corrupts that fraction of the synthetic rows of
the built tables, spread evenly over the chosen rules (default: every rule of
:data:`RULES`), one corruption per row, and writes ``injected.json``: one entry per
corruption with the rule, table, CSV line number (header = line 1) and column the
validator is expected to report. Rules on the small curated tables (duplicate
organization names, aliases, parent cycles, a wrong header) are applied once each.
:data:`NOT_INJECTED` lists the validator's rules that no row can break, and why.

Examples
--------
Command line (1M figures take about 35 s on 2 cores)::

    python benchmarks/make_package.py /tmp/szbench/1m --figures 1000000
    python benchmarks/make_package.py /tmp/szbench/bad --figures 10000 --errors 0.01
    python benchmarks/make_package.py /tmp/szbench/bad --figures 10000 --errors 0.01 \\
        --rules figure.value-from-quote,provenance.quote-span

From Python:

>>> from benchmarks.make_package import make_package  # doctest: +SKIP
>>> summary = make_package("/tmp/szbench/10k", figures=10_000)  # doctest: +SKIP
>>> summary["rows"]["figures"]  # doctest: +SKIP
10000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from szdata._core._typing import BUILT_TABLES  # noqa: E402
from szdata._curate._build import RAW_LICENSES, file_facts  # noqa: E402
from szdata._disk._package import open_package  # noqa: E402

ITEMS_PER_ARTICLE = 5
FIGURES_PER_ARTICLE = 2 * ITEMS_PER_ARTICLE  # one in each item's headline, one in its body
DATED_ITEMS_PER_ARTICLE = 1  # plus the title and header dates: 3 dates per article
REGISTRY_SOURCES_PER_ARTICLE = 2  # items whose printed source is a registry organization
# mentions: the publisher in the header, one organization per item body, registry sources
MENTIONS_PER_ARTICLE = 1 + ITEMS_PER_ARTICLE + REGISTRY_SOURCES_PER_ARTICLE
MANIFEST = "injected.json"
COPIED_TABLES = ("organizations", "aliases", "units")  # the curated vocabularies, as they are
SYNTHETIC_ID = "000_{index:016x}"
"""A synthetic article's id, in the form of a real one (``004_4c9b5674638746a7``: digits, an
underscore, 16 hexadecimal digits), and in the order of the articles: a check whose fast path
holds only for ids of another form (one starting with a letter, say) is measured as it runs
on real ids."""

# --------------------------------------------------------------------------------------
# vocabulary of the synthetic briefings (organization names come from the curated tables)
# --------------------------------------------------------------------------------------

_PUBLISHER_ID = "sz-foreign-affairs-office"
_EDITORS = ("Holly Wang", "Liu Xiaoli", "Chen Lin", "Zhang Qi")
_MONTH_ABBR = (
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_MONTH = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_QUALIFIER_WORDS = {
    "more_than": ("more than", "over"),
    "less_than": ("less than",),
    "at_least": ("at least",),
    "up_to": ("up to",),
    "about": ("about", "around"),
    "nearly": ("nearly", "almost"),
}
_COUNTED = (
    "masks",
    "medical gloves",
    "sets of research equipment",
    "enterprises",
    "volunteers",
    "community workers",
    "hotel rooms",
    "test kits",
    "residents",
    "measures",
    "members of the medical team",
    "pieces of protective clothing",
)
_OTHER_SOURCES = ("Xinhua", "China Daily", "CGTN")  # printed sources outside the registry
# sentences by kind of figure: an item's headline (its first sentence) and its body, where
# {F} is a figure, {O} an organization name and {D} an optional date phrase
_HEADLINES = {
    "count": (
        "The city has mobilized {F} to fight against the epidemic.",
        "Shenzhen has sent {F} to support Hubei Province.",
        "Futian District has arranged {F} for people under home quarantine.",
    ),
    "money": (
        "Shenzhen has invested {F} to support related scientific research.",
        "The city has set aside {F} to help micro, small and medium-sized enterprises.",
    ),
    "ratio": ("The work resumption rate of industrial enterprises in Shenzhen has reached {F}.",),
    "duration": ("Local factories have resumed work after {F} of closure.",),
}
_BODIES = {
    "count": (
        "{O} said{D} that {F} had been delivered to communities across the city.",
        "{O} reported{D} that {F} had joined the campaign.",
    ),
    "money": ("According to {O}, {F} had been allocated{D} to help small businesses.",),
    "ratio": ("{O} said{D} that {F} of the surveyed companies had resumed production.",),
    "duration": ("{O} said{D} that the medical team had worked in Hubei for {F}.",),
}
_TOKEN = re.compile(r"(\{[OFD]\})")
_TAIL = " Officials called on residents to keep up their guard against the virus."


@dataclass(frozen=True)
class _Figure:
    quote: str
    value: str
    unit: str
    counted: str | None
    qualifier: str


def _figure(rng: random.Random) -> tuple[str, _Figure]:
    """A random figure: its kind of sentence and its quote, value, unit, counted, qualifier."""
    kind = rng.random()
    qualifier = "exact"
    prefix = ""
    if rng.random() < 0.35:
        qualifier = rng.choice(tuple(_QUALIFIER_WORDS))
        prefix = rng.choice(_QUALIFIER_WORDS[qualifier]) + " "
    if kind < 0.55:  # counted things: digits, number words, zero
        counted = rng.choice(_COUNTED)
        form = rng.random()
        if form < 0.6:
            v = rng.choice((rng.randint(2, 999), rng.randint(1000, 250_000)))
            return "count", _Figure(f"{prefix}{v:,}", str(v), "count", counted, qualifier)
        if form < 0.95:
            v = rng.randint(2, 20)
            return "count", _Figure(f"{prefix}{_WORDS[v]}", str(v), "count", counted, qualifier)
        return "count", _Figure("zero", "0", "count", "new cases", "exact")
    if kind < 0.75:  # money
        n = rng.randint(1, 999)
        scale, mult = rng.choice((("million", 10**6), ("billion", 10**9), ("", 1)))
        number = f"{n} {scale}" if scale else f"{n * 1000:,}"
        value = n * mult if scale else n * 1000
        word = rng.choice(("yuan", "yuan", "RMB"))
        return "money", _Figure(f"{prefix}{number} {word}", str(value), "CNY", None, qualifier)
    if kind < 0.88:  # percentages
        a, b = rng.randint(1, 99), rng.randint(1, 9)
        if rng.random() < 0.5:
            return "ratio", _Figure(f"{prefix}{a}.{b}%", f"{a}.{b}", "percent", None, qualifier)
        return "ratio", _Figure(f"{prefix}{a} percent", str(a), "percent", None, qualifier)
    unit, word = rng.choice(
        (("day", "days"), ("week", "weeks"), ("month", "months"), ("hour", "hours"))
    )
    n = rng.randint(2, 60)
    return "duration", _Figure(f"{prefix}{n} {word}", str(n), unit, None, qualifier)


def _date_phrase(rng: random.Random, published: dt.date) -> tuple[str, str, str, dt.date]:
    """A date phrase for a body sentence: (text before quote, quote, resolution, date)."""
    r = rng.random()
    if r < 0.5:
        d = published - dt.timedelta(days=rng.randint(1, 10))
        return " on ", f"{_MONTH[d.month - 1]} {d.day}", "month_day", d
    if r < 0.8:
        wd = rng.randrange(7)
        back = (published.weekday() - wd) % 7 or 7
        return " on ", _WEEKDAYS[wd], "weekday_past", published - dt.timedelta(days=back)
    return " ", "yesterday", "relative_day", published - dt.timedelta(days=1)


# --------------------------------------------------------------------------------------
# one synthetic article: text and rows built together so that every span is right
# --------------------------------------------------------------------------------------


class _Text:
    """A raw text under construction: appends pieces and returns their code-point spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Article:
    text: str
    article: dict[str, Any]
    items: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    dates: list[dict[str, Any]]
    mentions: list[dict[str, Any]]


class _Vocabulary:
    """Names read from the curated tables: printed organization names and sources."""

    def __init__(self, root: Path) -> None:
        orgs = _read_csv(root / "data/curation/organizations.csv")
        aliases = _read_csv(root / "data/curation/aliases.csv")
        self.org_name = {o["organization_id"]: o["name"] for o in orgs}
        self.names = [(o["name"], o["organization_id"]) for o in orgs]
        self.names += [(a["alias"], a["organization_id"]) for a in aliases]
        media = [(o["name"], o["organization_id"]) for o in orgs if o["kind"] == "media"]
        self.sources: list[tuple[str, str | None]] = list(media)
        self.other_sources: list[tuple[str, str | None]] = [(s, None) for s in _OTHER_SOURCES]
        self.publisher = self.org_name[_PUBLISHER_ID]


def _make_article(index: int, rng: random.Random, vocab: _Vocabulary) -> _Article:
    aid = SYNTHETIC_ID.format(index=index)
    published = dt.date(2020, 1, 20) + dt.timedelta(days=rng.randrange(330))
    iso = published.isoformat()
    t = _Text()
    figures: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []

    def date_row(span: tuple[int, int], quote: str, d: dt.date, res: str, item: str | None) -> None:
        dates.append(
            {
                "date_id": f"{aid}.d{span[0]}",
                "article_id": aid,
                "item_id": item,
                "date": d.isoformat(),
                "resolution": res,
                "start": span[0],
                "end": span[1],
                "quote": quote,
            }
        )

    def mention_row(span: tuple[int, int], quote: str, org: str, item: str | None) -> None:
        mentions.append(
            {
                "mention_id": f"{aid}.m{span[0]}",
                "article_id": aid,
                "item_id": item,
                "organization_id": org,
                "start": span[0],
                "end": span[1],
                "quote": quote,
            }
        )

    def figure_row(f: _Figure, item: str, refers_to: dt.date | None) -> None:
        s, e = t.add(f.quote)
        if f.counted:
            t.add(" " + f.counted)
        figures.append(
            {
                "figure_id": f"{aid}.f{s}",
                "article_id": aid,
                "item_id": item,
                "value": f.value,
                "value_max": None,
                "unit": f.unit,
                "counted": f.counted,
                "qualifier": f.qualifier,
                "refers_to": refers_to.isoformat() if refers_to else None,
                "start": s,
                "end": e,
                "quote": f.quote,
            }
        )

    # title and header, as the Foreign Affairs Office prints them
    month_day = f"{_MONTH_ABBR[published.month - 1]} {published.day}"
    title = f"Daily Briefing on Fighting against COVID-19 ({month_day})"
    t.add("Daily Briefing on Fighting against COVID-19 (")
    date_row(t.add(month_day), month_day, published, "month_day", None)
    t.add(")\n\n")
    editor = rng.choice(_EDITORS)
    sp = rng.choice((" ", "\u00a0"))  # the header is printed with plain or no-break spaces
    t.add(f"Writer:{sp}  |{sp} Editor:{sp}{editor}{sp} |{sp} From:{sp}")
    mention_row(t.add(vocab.publisher), vocab.publisher, _PUBLISHER_ID, None)
    t.add(f"{sp} |{sp} Updated:{sp}")
    date_row(t.add(iso), iso, published, "explicit", None)
    t.add("\n\n")

    dated_item = rng.randrange(ITEMS_PER_ARTICLE)
    registry_sources = set(rng.sample(range(ITEMS_PER_ARTICLE), REGISTRY_SOURCES_PER_ARTICLE))
    for no in range(1, ITEMS_PER_ARTICLE + 1):
        item = f"{aid}.i{no}"
        start, _ = t.add(f"{no}. ")
        # headline: the item's first sentence, with one figure
        first_part = len(t.parts)
        kind, figure = _figure(rng)
        before, after = rng.choice(_HEADLINES[kind]).split("{F}")
        t.add(before)
        figure_row(figure, item, None)
        t.add(after)
        headline = "".join(t.parts[first_part:])
        # body: an organization, a figure and maybe a date
        t.add(" ")
        date = _date_phrase(rng, published) if no - 1 == dated_item else None
        kind, figure = _figure(rng)
        for piece in _TOKEN.split(rng.choice(_BODIES[kind])):
            if piece == "{O}":
                name, org = rng.choice(vocab.names)
                mention_row(t.add(name), name, org, item)
            elif piece == "{D}" and date:
                lead, quote, resolution, d = date
                t.add(lead)
                date_row(t.add(quote), quote, d, resolution, item)
            elif piece == "{F}":  # the date, if any, is in the same sentence
                figure_row(figure, item, date[3] if date else None)
            elif piece != "{D}":
                t.add(piece)
        t.add(_TAIL)
        # the printed source, an organization of the registry or not
        pool = vocab.sources if no - 1 in registry_sources else vocab.other_sources
        source, source_org = rng.choice(pool)
        t.add(" (Source: ")
        if source_org:
            mention_row(t.add(source), source, source_org, item)
        else:
            t.add(source)
        _, end = t.add(")")
        items.append(
            {
                "item_id": item,
                "article_id": aid,
                "item_no": no,
                "headline": headline,
                "source_printed": source,
                "source_organization_id": source_org,
                "start": start,
                "end": end,
            }
        )
        if no < ITEMS_PER_ARTICLE:
            t.add("\n\n")
    # an article-specific closing line keeps every text (and so every hash) distinct
    text = t.text() + f"\n\n(Briefing {index + 1:,} of the synthetic benchmark package)"
    data = text.encode("utf-8")
    article = {
        "article_id": aid,
        "title": title,
        "kind": "briefing",
        "writers": None,
        "editor": editor,
        "source_printed": vocab.publisher,
        "publisher_id": _PUBLISHER_ID,
        "published": iso,
        "published_basis": "header",
        "title_date": iso,
        "url": None,
        "raw_path": f"data/raw/{aid}.txt",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "chars": len(text),
    }
    return _Article(text, article, items, figures, dates, mentions)


# --------------------------------------------------------------------------------------
# error injection: one corruption per chosen row, each expected to be reported
# --------------------------------------------------------------------------------------

Row = dict[str, Any]
Mutator = Callable[[Row, "_Context"], bool]


@dataclass(frozen=True)
class Injection:
    """One injected error, as the validator should report it."""

    rule: str
    table: str
    row: int  # CSV line number, header = 1
    column: str
    value: str | None  # the broken row's cell as written (None: empty, or a table rule)


@dataclass(frozen=True)
class Rule:
    """How to break one validation rule, and where the validator should report it.

    A row rule (``mutate``) breaks rows of a built table while they are written; the
    error shows on the broken row, or ``offset`` rows after it. A table rule (``once``)
    edits a written curated file once and returns the line to report.
    """

    name: str
    table: str
    column: str  # "" for a row-level error with no column (a row too long)
    mutate: Mutator | None = None  # changes the row in place; False if it cannot be broken so
    once: Callable[[Path], int] | None = None
    offset: int = 0


@dataclass
class _Context:
    """What a mutator may need beyond its row."""

    article: _Article
    previous: Row | None  # the previous synthetic row of the same table, if any
    out: Path


def _shift_date(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def _set(column: str, value: Callable[[Row], Any], when: Callable[[Row], bool] = lambda r: True):
    def mutate(row: Row, ctx: _Context) -> bool:
        if not when(row):
            return False
        row[column] = value(row)
        return True

    return mutate


def _duplicate(column: str) -> Mutator:
    def mutate(row: Row, ctx: _Context) -> bool:
        if ctx.previous is None or ctx.previous[column] == row[column]:
            return False
        row[column] = ctx.previous[column]
        return True

    return mutate


def _swap_with_next(row: Row, ctx: _Context) -> bool:
    """Swap the numbers of this item and the next: numbering intact, text order broken."""
    no = row["item_no"]
    if no >= ITEMS_PER_ARTICLE:
        return False
    ctx.article.items[no]["item_no"], row["item_no"] = no, no + 1
    return True


def _extra_cell(row: Row, ctx: _Context) -> bool:
    row[_EXTRA] = "an extra cell"
    return True


def _wrong_item(row: Row, ctx: _Context) -> bool:
    if row["item_id"] is None:
        return False
    no = int(row["item_id"].rsplit(".i", 1)[1])
    other = no + 1 if no < ITEMS_PER_ARTICLE else no - 1
    row["item_id"] = f"{row['article_id']}.i{other}"
    return True


def _swap_case(row: Row, ctx: _Context) -> bool:
    q = row["quote"]
    row["quote"] = q[0].swapcase() + q[1:]
    return row["quote"] != q


def _other_org(row: Row, ctx: _Context) -> bool:
    row["organization_id"] = (
        "cpc-shenzhen-committee"
        if row["organization_id"] != "cpc-shenzhen-committee"
        else "european-union"
    )
    return True


def _drop_raw(row: Row, ctx: _Context) -> bool:
    return True  # the injector records the article; its raw text is deleted once written


def _relative_after(row: Row, ctx: _Context) -> bool:
    if row["resolution"] not in ("weekday_past", "relative_day"):
        return False
    row["date"] = _shift_date(ctx.article.article["published"], 1)
    return True


_counted = lambda r: r["counted"] is not None  # noqa: E731
_EXTRA = "__extra_cell__"


def _rewrite_csv(path: Path, edit: Callable[[list[list[str]]], int]) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    line = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return line


def _org_same_name(out: Path) -> int:
    """Add an organization whose name differs from another's only by spacing."""

    def edit(rows: list[list[str]]) -> int:
        header = rows[0]
        row = dict.fromkeys(header, "")
        row.update(
            organization_id="sz-health-commission-copy",
            kind="government",
            name="Shenzhen Municipal  Health Commission",
        )
        rows.append([row[c] for c in header])
        return len(rows)

    return _rewrite_csv(out / "data/curation/organizations.csv", edit)


def _alias_of_other(out: Path) -> int:
    """Add an alias that is, once spaces are folded, another organization's name."""

    def edit(rows: list[list[str]]) -> int:
        header = rows[0]
        row = dict.fromkeys(header, "")
        row.update(alias="Shenzhen  Charity Federation", organization_id="sz-civil-affairs-bureau")
        rows.append([row[c] for c in header])
        return len(rows)

    return _rewrite_csv(out / "data/curation/aliases.csv", edit)


def _parent_cycle(out: Path) -> int:
    """Make the city government a child of one of its own bureaus."""

    def edit(rows: list[list[str]]) -> int:
        header = rows[0]
        oid, parent = header.index("organization_id"), header.index("parent_id")
        for line, row in enumerate(rows[1:], start=2):
            if row[oid] == "shenzhen-government":
                row[parent] = "sz-civil-affairs-bureau"
                return line
        raise RuntimeError("organizations.csv has no shenzhen-government row")

    return _rewrite_csv(out / "data/curation/organizations.csv", edit)


def _rename_header(out: Path) -> int:
    """Rename a column of the (empty) decisions table."""

    def edit(rows: list[list[str]]) -> int:
        rows[0][rows[0].index("reason")] = "why"
        return 1

    return _rewrite_csv(out / "data/curation/decisions.csv", edit)


RULES: tuple[Rule, ...] = (
    # structural checks, as the Table Schemas state them
    Rule("structure.type", "figures", "value", _set("value", lambda r: r["value"] + "x")),
    Rule("structure.row-length", "figures", "", _extra_cell),
    Rule("structure.required", "figures", "origin", _set("origin", lambda r: None)),
    Rule("structure.enum", "dates", "origin", _set("origin", lambda r: "robot")),
    Rule("structure.minimum", "figures", "refers_to", _set("refers_to", lambda r: "2019-11-30")),
    Rule("structure.maximum", "figures", "refers_to", _set("refers_to", lambda r: "2024-01-01")),
    Rule(
        "structure.pattern",
        "mentions",
        "mention_id",
        _set("mention_id", lambda r: r["mention_id"].replace(".m", "#m")),
    ),
    Rule("structure.unique", "articles", "sha256", _duplicate("sha256")),
    Rule("structure.primary-key", "figures", "figure_id", _duplicate("figure_id")),
    Rule(
        "structure.foreign-key",
        "items",
        "source_organization_id",
        _set("source_organization_id", lambda r: "no-such-organization"),
    ),
    Rule("structure.format-uri", "articles", "url", _set("url", lambda r: "not an address")),
    # provenance
    Rule("provenance.quote-span", "mentions", "quote", _swap_case),
    Rule("provenance.span-in-item", "figures", "start", _wrong_item),
    Rule("provenance.span-in-text", "dates", "end", _set("end", lambda r: r["end"] + 10**6)),
    Rule(
        "provenance.raw-hash",
        "articles",
        "sha256",
        _set("sha256", lambda r: hashlib.sha256(r["sha256"].encode()).hexdigest()),
    ),
    Rule("provenance.raw-length", "articles", "chars", _set("chars", lambda r: r["chars"] + 1)),
    Rule("provenance.raw-missing", "articles", "raw_path", _drop_raw),
    # figures
    Rule("figure.value-finite", "figures", "value", _set("value", lambda r: "INF")),
    Rule(
        "figure.value-from-quote",
        "figures",
        "value",
        _set("value", lambda r: str(float(r["value"]) * 10 + 1).removesuffix(".0")),
    ),
    Rule(
        "figure.qualifier-from-quote",
        "figures",
        "qualifier",
        _set("qualifier", lambda r: "about" if r["qualifier"] == "exact" else "exact"),
    ),
    Rule(
        "figure.unit-from-quote",
        "figures",
        "unit",
        _set("unit", lambda r: "tonne" if r["unit"] == "count" else "count"),
    ),
    # dates and articles
    Rule("date.relative-to-publication", "dates", "date", _relative_after),
    Rule(
        "article.title-date",
        "articles",
        "title_date",
        _set("title_date", lambda r: _shift_date(r["published"], 1)),
    ),
    Rule(
        "article.published-basis",
        "articles",
        "published_basis",
        _set("published_basis", lambda r: "address"),
    ),
    # items
    Rule(
        "item.numbering",
        "items",
        "item_no",
        _set("item_no", lambda r: r["item_no"] + 1, lambda r: r["item_no"] == ITEMS_PER_ARTICLE),
    ),
    Rule(
        "item.overlap",
        "items",
        "start",
        _set("start", lambda r: r["start"] - 3, lambda r: r["item_no"] > 1),
    ),
    Rule("item.order", "items", "item_no", _swap_with_next, offset=1),
    # mentions
    Rule("mention.quote-is-alias", "mentions", "quote", _other_org),
    # curated tables, broken once
    Rule("organization.unique-name", "organizations", "name", once=_org_same_name),
    Rule("alias.one-organization", "aliases", "alias", once=_alias_of_other),
    Rule("organization.parent-cycle", "organizations", "parent_id", once=_parent_cycle),
    Rule("structure.header", "decisions", "reason", once=_rename_header),
    # text hygiene of CSV cells
    Rule("text.nfc", "figures", "counted", _set("counted", lambda r: "cafe\u0301s", _counted)),
    Rule(
        "text.control-chars",
        "figures",
        "counted",
        _set("counted", lambda r: r["counted"] + "\x07", _counted),
    ),
    Rule(
        "text.whitespace",
        "figures",
        "counted",
        _set("counted", lambda r: r["counted"] + " ", _counted),
    ),
    Rule(
        "text.formula",
        "figures",
        "counted",
        _set("counted", lambda r: "=" + r["counted"], _counted),
    ),
)
"""Every rule the generator can break, with the table and column it breaks."""

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)

NOT_INJECTED: dict[str, str] = {
    **dict.fromkeys(
        (
            "date.from-quote",
            "date.relative-to-previous",
            "figure.counted-from-text",
            "figure.refers-to-sentence",
            "article.title-from-text",
            "article.briefing-title",
            "article.header-from-text",
            "item.printed-from-text",
        ),
        "a rule that re-reads the raw text with the parser; not injected by the generator yet "
        "(tests/test_mutations.py breaks each one)",
    ),
    "structure.min-length": "the only minLength is 1 on required columns, and an empty cell "
    "is a missing value: it breaks structure.required instead",
    "structure.max-length": "no schema sets a maxLength",
    "text.utf8": "an undecodable file makes the package unreadable (exit 2), not a row error",
    "review.unreviewed": "a warning, not an error (an error only with --strict)",
    "review.text-changed": "a warning, not an error (an error only with --strict)",
    "structure.blank-row": "a file-level syntax problem: the tests break it on a fixture package",
    "structure.csv-syntax": "a file-level syntax problem: the tests break it on a fixture package",
    "provenance.id-from-start": "not injected yet: the generator writes ids from their starts",
    "provenance.span-unique": "not injected yet: a repeated span also repeats the primary key",
    "decision.evidence": "the generated package has no decisions",
    "decision.date-not-future": "the generated package has no decisions",
    "review.complete": "not injected yet: every generated review is complete",
    "review.date-not-future": "not injected yet: every generated review is dated 2026-11-23",
    "text.invisible": "not injected yet: the generated curated files are the shipped ones",
    "provenance.raw-append-only": "needs a git history (validate --base): "
    "tests/test_append_only.py breaks it",
    "provenance.regular-file": "a link or a pipe makes the package unreadable (exit 2), not a "
    "row error: tests/test_gate_hostile.py breaks it",
    "provenance.raw-unlisted": "a file-level problem (a text dropped into data/raw/): "
    "tests/test_gate_hostile.py breaks it",
    "provenance.unknown-file": "a warning about a file, not a row error",
    "provenance.temp-file": "a warning about a file, not a row error",
    "decision.value": "the generated package has no decisions",
    "decision.applies": "the generated package has no decisions",
    "decision.not-re-read": "a warning, not an error; the generated package has no decisions",
    "structure.integrity": "a file-level rule: the generator records the bytes and hash of "
    "the files it writes, broken or not; tests/test_mutations.py breaks it",
}
"""Validator rules the generator does not break, and why (a test keeps this list exact)."""


class _Injector:
    """Decides, row by row while writing, which rows to corrupt and records each corruption.

    For each rule, targets are spread evenly over its table's synthetic rows; a target row
    that the rule cannot break (a figure without a counted noun, a date that is not a
    weekday) passes the corruption on to the next row the rule can break. Each row is
    corrupted at most once (a rule that also changes the next row reserves it), and an
    article whose raw text is deleted gets no other error (its spans cannot be checked
    without it). Table rules are applied once, by :meth:`finish`.
    """

    def __init__(self, rules: list[Rule], fraction: float, rows: dict[str, int], seed: int) -> None:
        self.once = [r for r in rules if r.once is not None]
        self.pending: dict[str, list[Rule]] = {t: [] for t in rows}
        self.targets: dict[str, dict[int, list[Rule]]] = {t: {} for t in rows}
        self.reserved: dict[str, int] = dict.fromkeys(rows, -1)  # rows up to here: hands off
        self.injected: list[Injection] = []
        self.dropped: set[str] = set()  # articles whose raw text was deleted
        rng = random.Random(seed + 1)
        by_table: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.mutate is not None:
                by_table.setdefault(rule.table, []).append(rule)
        for table, table_rules in by_table.items():
            n = rows[table]
            total = max(len(table_rules), round(fraction * n)) if fraction > 0 else 0
            # leave room: a rule may need to skip ahead to an eligible row (at least 30 rows,
            # so a small package does not depend on the luck of its last rows)
            room = max(n // 20, min(n // 2, 30))
            positions = sorted(rng.sample(range(n - room), min(total, n - room)))
            for k, pos in enumerate(positions):
                self.targets[table].setdefault(pos, []).append(table_rules[k % len(table_rules)])

    def visit(self, table: str, index: int, line: int, row: Row, ctx: _Context) -> None:
        queue = self.pending[table]
        queue.extend(self.targets[table].pop(index, ()))
        if not queue or index <= self.reserved[table] or row["article_id"] in self.dropped:
            return  # without its raw text, an article's other rows cannot be checked
        for k, rule in enumerate(queue):
            assert rule.mutate is not None
            if rule.mutate(row, ctx):
                value = row.get(rule.column or _EXTRA)
                self.injected.append(
                    Injection(
                        rule.name,
                        table,
                        line + rule.offset,
                        rule.column,
                        None if value is None else str(value),
                    )
                )
                self.reserved[table] = index + rule.offset
                if rule.name == "provenance.raw-missing":
                    self.dropped.add(row["article_id"])
                del queue[k]
                return

    def finish(self, out: Path) -> None:
        """Apply the table rules to the written package."""
        for rule in self.once:
            assert rule.once is not None
            line = rule.once(out)
            self.injected.append(Injection(rule.name, rule.table, line, rule.column, None))

    def unplaced(self) -> list[str]:
        return [r.name for q in self.pending.values() for r in q]


# --------------------------------------------------------------------------------------
# writing the package
# --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(fh)]


def _articles_needed(figures: int) -> int:
    if figures < FIGURES_PER_ARTICLE:
        raise ValueError(f"--figures must be at least {FIGURES_PER_ARTICLE}, got {figures}")
    return figures // FIGURES_PER_ARTICLE


def make_package(
    out: str | Path,
    figures: int,
    *,
    seed: int = 0,
    errors: float = 0.0,
    rules: list[str] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Write a synthetic package of about ``figures`` synthetic figures into ``out``.

    Parameters
    ----------
    out
        The folder to create; it must not exist unless ``overwrite``.
    figures
        Number of figures (rounded down to whole articles of 10 figures).
    seed
        Seed of the random generator: the same arguments give the same bytes.
    errors
        Fraction of the synthetic rows of each corrupted table to break (0 for a valid
        package); each chosen rule breaks at least one row.
    rules
        Names from :data:`RULE_NAMES` to inject (default: all of them).
    overwrite
        Replace ``out`` if it exists.

    Returns
    -------
    dict
        ``rows`` per table, ``articles``, ``seconds`` and, with errors, ``injected`` (the
        list also written to ``out/injected.json``).
    """
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists():
        if not overwrite:
            raise FileExistsError(f"{out} exists; pass overwrite=True (--force) to replace it")
        shutil.rmtree(out)
    chosen = _choose_rules(rules)
    n_articles = _articles_needed(figures)
    pkg = open_package(REPO)
    vocab = _Vocabulary(REPO)
    # the repository's schemas and curated vocabularies; every other table starts empty
    shutil.copytree(REPO / "schemas", out / "schemas")
    (out / "data/raw").mkdir(parents=True)
    (out / "data/curation").mkdir()
    for name in COPIED_TABLES:
        shutil.copy2(pkg.path_of(name), out / pkg.resource(name)["path"])
    columns = {t: pkg.schema(t).field_names for t in pkg.table_names()}
    for name in set(pkg.table_names()) - set(COPIED_TABLES):
        with (out / pkg.resource(name)["path"]).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerow(columns[name])
    per_article = {
        "articles": 1,
        "items": ITEMS_PER_ARTICLE,
        "figures": FIGURES_PER_ARTICLE,
        "dates": 2 + DATED_ITEMS_PER_ARTICLE,
        "mentions": MENTIONS_PER_ARTICLE,
    }
    synthetic_rows = {t: n_articles * per_article[t] for t in per_article}
    injector = _Injector(chosen, errors, synthetic_rows, seed) if errors > 0 else None

    handles = {
        t: (out / pkg.resource(t)["path"]).open("a", encoding="utf-8", newline="")
        for t in BUILT_TABLES
    }
    writers = {t: csv.writer(h, lineterminator="\n") for t, h in handles.items()}
    reviews_h = (out / pkg.resource("reviews")["path"]).open("a", encoding="utf-8", newline="")
    reviews = csv.writer(reviews_h, lineterminator="\n")
    counts = dict.fromkeys(BUILT_TABLES, 0)
    previous: dict[str, Row | None] = dict.fromkeys(BUILT_TABLES)
    cells_of = {t: itemgetter(*columns[t]) for t in BUILT_TABLES}  # None is written as ""
    review_cells = itemgetter(*columns["reviews"])
    raw_dir = out / "data/raw"
    raw_bytes = 0
    text_resources: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    rng = random.Random(seed)
    pool = ThreadPoolExecutor(4)  # creating many small files is I/O-bound: 4x faster in threads
    writes: list[Future[int]] = []
    try:
        for i in range(n_articles):
            art = _make_article(i, rng, vocab)
            data = art.text.encode("utf-8")
            raw_bytes += len(data)
            writes.append(
                pool.submit((raw_dir / f"{art.article['article_id']}.txt").write_bytes, data)
            )
            if len(writes) >= 2000:
                _wait(writes)
            text_resources.append(_text_resource(art.article))
            sources.append(
                {"title": f"{vocab.publisher}: {art.article['title']} ({art.article['published']})"}
            )
            tables = {
                "articles": [art.article],
                "items": art.items,
                "figures": art.figures,
                "dates": art.dates,
                "mentions": art.mentions,
            }
            for table, rows in tables.items():
                for row in rows:
                    row["origin"] = "parser"
                    row["review_status"] = "reviewed"
                    row["decision_ids"] = None
                if injector is None:  # the fast path
                    writers[table].writerows(map(cells_of[table], rows))
                    counts[table] += len(rows)
                    continue
                for row in rows:
                    ctx = _Context(art, previous[table], out)
                    injector.visit(table, counts[table], counts[table] + 2, row, ctx)
                    cells = cells_of[table](row)
                    writers[table].writerow([*cells, row[_EXTRA]] if _EXTRA in row else cells)
                    previous[table] = row
                    counts[table] += 1
            reviews.writerow(review_cells(_review_row(art.article)))
        _wait(writes)
    finally:
        pool.shutdown()
        for h in (*handles.values(), reviews_h):
            h.close()
    if injector:
        injector.finish(out)
        for aid in injector.dropped:
            (raw_dir / f"{aid}.txt").unlink()
    injected = injector.injected if injector else []
    if injector and injector.unplaced():
        raise RuntimeError(f"could not place injections for: {sorted(set(injector.unplaced()))}")
    if injector and injector.dropped:  # a descriptor entry for a deleted file: unreadable (exit 2)
        gone = {"raw-" + aid.replace("_", "-") for aid in injector.dropped}
        text_resources = [r for r in text_resources if r["name"] not in gone]
    _write_descriptor(out, text_resources, sources)
    summary: dict[str, Any] = {
        "out": str(out),
        "articles": n_articles,
        "rows": {t: counts[t] for t in BUILT_TABLES},
        "bytes": raw_bytes
        + sum((out / pkg.resource(t)["path"]).stat().st_size for t in pkg.table_names()),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    if injector is not None:
        summary["injected"] = [asdict(i) for i in injected]
        (out / MANIFEST).write_text(json.dumps(summary["injected"], indent=1), encoding="utf-8")
    return summary


def _wait(writes: list[Future[int]]) -> None:
    for w in writes:
        w.result()  # raises the write's error, if any
    writes.clear()


def _choose_rules(names: list[str] | None) -> list[Rule]:
    if not names:
        return list(RULES)
    by_name = {r.name: r for r in RULES}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown rule(s) {unknown}; known: {', '.join(RULE_NAMES)}")
    return [by_name[n] for n in names]


def _review_row(article: dict[str, Any]) -> Row:
    return {
        "article_id": article["article_id"],
        "status": "reviewed",
        "reviewer": "szdata benchmark",
        "reviewed_on": "2026-11-23",
        "sha256": article["sha256"],
        "note": "Synthetic article generated for benchmarks.",
    }


def _text_resource(article: dict[str, Any]) -> dict[str, Any]:
    aid = article["article_id"]
    return {
        "name": "raw-" + aid.replace("_", "-"),
        "path": article["raw_path"],
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "hash": "sha256:" + article["sha256"],
        "bytes": article["bytes"],
        "licenses": RAW_LICENSES,
        "title": f"Raw text of article {aid}",
        "description": "A synthetic article generated by benchmarks/make_package.py.",
    }


def _write_descriptor(out: Path, texts: list[dict[str, Any]], sources: list[dict]) -> None:
    """The repository's descriptor with only its raw-text resources and sources replaced."""
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["sources"] = sources
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    for res in tables:  # the synthetic tables' own hash and bytes, as `szdata build` writes them
        res.update(file_facts((out / res["path"]).read_bytes()))
    descriptor["resources"] = [*tables, *texts]
    tmp = out / "datapackage.json.tmp"
    tmp.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out / "datapackage.json")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python benchmarks/make_package.py OUT --figures N [...]``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="folder to create (keep it under /tmp)")
    p.add_argument("--figures", type=int, default=10_000, help="synthetic figures (default 10000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--errors", type=float, default=0.0, help="fraction of rows to break")
    p.add_argument("--rules", default="", help="comma-separated rules to break (default: all)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    args = p.parse_args(argv)
    if args.list_rules:
        print("\n".join(f"{r.name}\t{r.table}.{r.column}" for r in RULES))
        return 0
    if not 0 <= args.errors < 0.5:
        p.error(f"--errors must be a fraction in [0, 0.5), got {args.errors}")
    try:
        summary = make_package(
            args.out,
            args.figures,
            seed=args.seed,
            errors=args.errors,
            rules=[r for r in args.rules.split(",") if r],
            overwrite=args.force,
        )
    except (ValueError, FileExistsError) as exc:
        p.error(str(exc))
    rows = ", ".join(f"{t} {n:,}" for t, n in summary["rows"].items())
    print(
        f"wrote {summary['out']}: {summary['articles']:,} synthetic articles; {rows}; "
        f"{summary['bytes'] / 1e6:.0f} MB in {summary['seconds']} s"
    )
    if "injected" in summary:
        print(f"injected {len(summary['injected']):,} errors; manifest {args.out / MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
