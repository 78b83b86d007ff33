"""``szdata.parse``: one raw article in, its rows for every built table out.

The parser reads the title and header line, the numbered items of a briefing, and every
figure, date expression and organization mention, each with the code-point span of the
characters it was read from (``quote == text[start:end]``). It never guesses what the
text does not print: a publication date that is not in the text comes from a curation
decision (pass it as ``reference_date`` to resolve "Tuesday" or "March 19"), and every
value the parser cannot read is reported in :attr:`ParsedArticle.warnings`.

Examples
--------
>>> text = ("Daily Briefing on Fighting against COVID-19 (Mar. 20)\\n\\n"
...         "Writer:  | Editor: A | From: Shenzhen Daily | Updated: 2020-03-20\\n\\n"
...         "1. Shenzhen sent 17 doctors on March 19. (Source: Shenzhen Daily)")
>>> art = parse(text, file_name="demo.txt")
>>> art.article["published"], art.article["kind"], len(art.items)
(datetime.date(2020, 3, 20), 'briefing', 1)
>>> [(f["quote"], f["counted"], str(f["refers_to"])) for f in art.figures]
[('17', 'doctors', '2020-03-19')]
>>> [m["organization_id"] for m in art.mentions]
['shenzhen-daily', 'shenzhen-daily']
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from szdata._core._errors import ParseError
from szdata._core._normalize import fold
from szdata._parse._dates import DateMatch, find_dates, resolve
from szdata._parse._figures import find_figures
from szdata._parse._header import LineIndex, read_head
from szdata._parse._items import ITEM_START, ItemMatch, find_items, is_chinese
from szdata._parse._mentions import find_mentions, organization_in
from szdata._parse._registry import Registry
from szdata._parse._scan import scan
from szdata._parse._sentences import paragraph_spans, sentence_spans

__all__ = ["ParsedArticle", "Registry", "parse", "read_raw"]

Row = dict[str, Any]

BUILD_TIME_COLUMNS = ("decision_ids", "review_status")
"""Columns filled by ``szdata build``, not by the parser."""

ORIGIN = "parser"


@dataclass
class ParsedArticle:
    """The rows the parser reads from one article.

    Each row is a dict with the columns of its table's schema (minus
    :data:`BUILD_TIME_COLUMNS`), values as Python objects: ``str``, ``int``, ``float``,
    :class:`datetime.date` or ``None``.
    """

    article: Row
    items: list[Row] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)
    dates: list[Row] = field(default_factory=list)
    mentions: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        """The rows of ``table`` (one of the built tables)."""
        if table == "articles":
            return [self.article]
        if table not in ("items", "figures", "dates", "mentions"):
            raise KeyError(f"the parser makes no rows of table {table!r}")
        return list(getattr(self, table))


def read_raw(data: bytes, *, file_name: str) -> str:
    """Decode a raw file's bytes (UTF-8, exactly; no newline translation).

    Raises
    ------
    ParseError
        When the bytes are not UTF-8 (naming the line and byte) or the file is empty.
    """
    if not data.strip():
        raise ParseError(
            "the file is empty", file=file_name, line=1, hint="a raw text holds a title and a body"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"the file is not UTF-8 ({exc.reason} at byte {exc.start}: "
            f"{data[exc.start : exc.start + 4]!r})",
            file=file_name,
            line=line,
            hint="save the text as UTF-8 (raw texts are kept byte for byte as published in UTF-8)",
        ) from None


def parse(
    text: str | bytes,
    *,
    file_name: str,
    registry: Registry | None = None,
    reference_date: dt.date | None = None,
) -> ParsedArticle:
    """Read one raw article into its rows for every built table.

    Parameters
    ----------
    text
        The article as decoded text, or its raw bytes (decoded as UTF-8).
    file_name
        The raw file's name, e.g. ``004_4c9b5674638746a7.txt``: the article id is its stem.
    registry
        Organizations, aliases and units to match; default: the installed package's.
    reference_date
        The publication date to resolve "Tuesday", "yesterday" and "March 19" against,
        when the text prints none or a curator corrected it; it does not fill
        ``published`` (a curation decision does).

    Raises
    ------
    ParseError
        When the text is empty, not UTF-8, or has no title (see :mod:`szdata._parse._header`).
        Everything else the parser cannot read is a warning.
    """
    if isinstance(text, bytes):
        data = text
        text = read_raw(data, file_name=file_name)
    else:
        data = text.encode("utf-8", errors="surrogatepass")
        if not text.strip():
            raise ParseError("the text is empty", file=file_name, line=1)
    registry = registry if registry is not None else Registry.load()
    path = PurePath(file_name)
    name, article_id = path.name, path.stem
    folded = fold(text)
    line_of = LineIndex(text)
    head = read_head(
        text, folded, file_name=name, is_site_name=lambda n: registry.organization_of(n) is not None
    )
    warnings = list(head.warnings)

    paragraphs = paragraph_spans(folded)
    candidates = scan(folded, registry)  # None: each family scans the text itself
    found_dates = find_dates(folded, at=None if candidates is None else candidates.dates)
    # Sentences matter only around dates (a figure's refers_to, a weekday's tense): split
    # only the paragraphs that hold one.
    paragraph_starts = [p[0] for p in paragraphs]
    dated = sorted(
        {paragraphs[bisect.bisect_right(paragraph_starts, d.start) - 1] for d in found_dates}
    )
    sentences = [s for p in dated for s in sentence_spans(folded, *p)]
    sentence_starts = [s for s, _ in sentences]

    def sentence_of(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(sentence_starts, pos) - 1
        if i >= 0 and pos < sentences[i][1]:
            return sentences[i]
        return (pos, pos)

    # items: a briefing's, or any numbered list of items that prints sources
    body = [p for p in paragraphs if p[0] >= head.body_start]
    items = find_items(text, folded, body)
    kind = "briefing" if is_briefing(head.title, items) else "news"
    if kind == "news":
        items = []
    items = _check_numbering(items, line_of, name, warnings)
    item_starts = [i.start for i in items]
    item_ids = [f"{article_id}.i{i.number}" for i in items]

    def item_of(pos: int) -> str | None:
        i = bisect.bisect_right(item_starts, pos) - 1
        if i >= 0 and items[i].start <= pos < items[i].end:
            return item_ids[i]
        return None

    # dates: the title's and the header's first, for the publication date
    all_dates = list(found_dates)
    title_match = _title_date(all_dates, folded, head.title_span)
    header_match = None
    if head.header_span is not None:
        h0, h1 = head.header_span
        header_match = next((d for d in all_dates if (d.start, d.end) == head.updated_span), None)
        all_dates = [d for d in all_dates if not (h0 <= d.start < h1) or d is header_match]
    published = head.updated
    basis = "header" if published else None
    title_date: dt.date | None = None
    reference = reference_date or published
    if title_match is not None:
        try:
            resolved = resolve(title_match, reference)
        except ValueError:
            resolved = None
        if resolved is not None:
            title_date = resolved[0]
            if published is None and title_match.kind == "explicit":
                published, basis = title_date, "title"
                reference = reference_date or published
    if published is not None and title_date is not None and title_date != published:
        warnings.append(
            f"{name}:{line_of(head.title_span[0])}: the title's date {title_date} "
            f"disagrees with the header's {published}"
        )
    if published is None and reference_date is None:
        warnings.append(
            f"{name}: no publication date in the header or title; "
            "a curation decision must supply it"
        )

    date_rows: list[Row] = []
    head_spans = {head.title_span, head.header_span}
    body_date_spans: list[tuple[int, int, dt.date]] = []
    previous: dt.date | None = None
    for d in all_dates:
        s0, s1 = sentence_of(d.start)
        try:
            resolved = resolve(d, reference, folded[s0:s1], previous, folded[s0 : d.start])
        except ValueError as exc:
            warnings.append(
                f"{name}:{line_of(d.start)}: {text[d.start : d.end]!r} is not a date ({exc})"
            )
            continue
        if resolved is None:
            warnings.append(
                f"{name}:{line_of(d.start)}: cannot resolve {text[d.start : d.end]!r} "
                "without a publication date"
            )
            continue
        date, resolution = resolved
        previous = date
        low, high = _date_bounds()
        if (low and date < low) or (high and date > high):
            warnings.append(
                f"{name}:{line_of(d.start)}: {text[d.start : d.end]!r} is {date}, outside the "
                f"dates the package records ({low} to {high}); not recorded"
            )
            continue
        date_rows.append(
            {
                "date_id": f"{article_id}.d{d.start}",
                "article_id": article_id,
                "item_id": item_of(d.start),
                "date": date,
                "resolution": resolution,
                "start": d.start,
                "end": d.end,
                "quote": text[d.start : d.end],
                "origin": ORIGIN,
            }
        )
        if not any(span and span[0] <= d.start < span[1] for span in head_spans):
            body_date_spans.append((d.start, d.end, date))

    # figures
    skip = [(d.start, d.end) for d in found_dates]
    if head.header_span is not None:
        skip.append(head.header_span)
    skip.extend(_list_numbers(folded, paragraphs))
    skip.extend(p for p in paragraphs if is_chinese(folded, *p))  # a bilingual repost's
    refers: dict[tuple[int, int], dt.date | None] = {}
    body_date_starts = [a for a, _, _ in body_date_spans]  # ascending: dates in text order

    def refers_to_of(pos: int) -> dt.date | None:
        """The date of the sentence around ``pos`` if its dates are all one date."""
        if not body_date_spans:
            return None
        sentence = sentence_of(pos)
        if sentence not in refers:
            s0, s1 = sentence
            i = bisect.bisect_left(body_date_starts, s0)
            j = bisect.bisect_left(body_date_starts, s1)
            found = {date for _, _, date in body_date_spans[i:j]}
            refers[sentence] = found.pop() if len(found) == 1 else None
        return refers[sentence]

    anchors = None if candidates is None else candidates.anchors
    figure_rows = []
    for f in find_figures(folded, registry.units, skip=skip, anchors=anchors):
        refers_to = refers_to_of(f.start)
        figure_rows.append(
            {
                "figure_id": f"{article_id}.f{f.start}",
                "article_id": article_id,
                "item_id": item_of(f.start),
                "value": f.value,
                "value_max": f.value_max,
                "unit": f.unit,
                "counted": None if f.counted is None else _printed(text, folded, f.end, f.counted),
                "qualifier": f.qualifier,
                "refers_to": refers_to,
                "start": f.start,
                "end": f.end,
                "quote": text[f.start : f.end],
                "origin": ORIGIN,
            }
        )

    mention_rows = [
        {
            "mention_id": f"{article_id}.m{s}",
            "article_id": article_id,
            "item_id": item_of(s),
            "organization_id": org,
            "start": s,
            "end": e,
            "quote": text[s:e],
            "origin": ORIGIN,
        }
        for s, e, org in find_mentions(
            folded, registry, at=None if candidates is None else candidates.mentions
        )
    ]

    item_rows = [
        {
            "item_id": item_id,
            "article_id": article_id,
            "item_no": i.number,
            "headline": i.headline,
            "source_printed": i.source,
            "source_organization_id": organization_in(i.source, registry) if i.source else None,
            "start": i.start,
            "end": i.end,
        }
        for i, item_id in zip(items, item_ids, strict=True)
    ]

    article = {
        "article_id": article_id,
        "title": head.title,
        "kind": kind,
        "writers": head.writers,
        "editor": head.editor,
        "source_printed": head.source_printed,
        "publisher_id": organization_in(head.source_printed, registry)
        if head.source_printed
        else None,
        "published": published,
        "published_basis": basis,
        "title_date": title_date,
        "url": None,
        "raw_path": f"data/raw/{name}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "chars": len(text),
    }
    return ParsedArticle(
        article=article,
        items=item_rows,
        figures=figure_rows,
        dates=date_rows,
        mentions=mention_rows,
        warnings=warnings,
    )


@lru_cache(maxsize=1)
def _date_bounds() -> tuple[dt.date | None, dt.date | None]:
    """The minimum and maximum of ``dates.date`` in the installed package's schema."""
    from szdata._disk._package import open_package

    field = open_package().schema("dates").field("date")
    return field.minimum, field.maximum


def _printed(text: str, folded: str, pos: int, phrase: str) -> str:
    """``phrase`` (read on folded text after ``pos``) as the raw text prints it."""
    i = folded.find(phrase, pos, pos + 200)
    return text[i : i + len(phrase)] if i >= 0 else phrase


def _title_date(
    dates: list[DateMatch], folded: str, title_span: tuple[int, int]
) -> DateMatch | None:
    """The date printed in parentheses in the title: "(Mar. 20)", "(February 16, 2020)"."""
    t0, t1 = title_span
    for d in dates:
        if d.kind not in ("explicit", "month_day") or not (t0 <= d.start < t1):
            continue
        before = folded[t0 : d.start].rstrip()
        after = folded[d.end : t1].lstrip()
        if before.endswith("(") and after.startswith(")"):
            return d
    return None


def _list_numbers(folded: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the numbers that start numbered paragraphs ("3. ", "1.Shenzhen"), which are
    not figures."""
    return [m.span("no") for p0, p1 in paragraphs if (m := ITEM_START.match(folded, p0, p1))]


BRIEFING_TITLE = re.compile(r"daily\s+briefing", re.IGNORECASE)
"""A title that names a Daily Briefing, wherever in the title ("Coronavirus : Daily Briefing
on ... (February 9, 2020)_Latest News_...")."""


def is_briefing(title: str, items: list[ItemMatch]) -> bool:
    """Whether a text is a ``briefing``: its title names a Daily Briefing, or its body is a
    numbered list of at least two items, from 1, of which one prints its source (an
    "Entry Reminder" of numbered notices with sources). Any other text is ``news``.

    Examples
    --------
    >>> is_briefing("Daily Briefing on Fighting against COVID-19 (Mar. 20)", [])
    True
    >>> is_briefing("SZ shares COVID-19 experience with Barcelona", [])
    False
    """
    if BRIEFING_TITLE.search(fold(title)):
        return True
    numbers = [i.number for i in items]
    return len(items) >= 2 and numbers[:2] == [1, 2] and any(i.source for i in items)


def _check_numbering(items: list, line_of: LineIndex, name: str, warnings: list[str]) -> list:
    """Keep the first item of each number; warn about gaps and repeats."""
    seen: set[int] = set()
    kept = []
    expected = 1
    for it in items:
        if it.number in seen or it.number < 1:
            warnings.append(
                f"{name}:{line_of(it.start)}: item number {it.number} repeats or is 0; item skipped"
            )
            continue
        if it.number != expected:
            warnings.append(
                f"{name}:{line_of(it.start)}: item {it.number} follows item {expected - 1}"
            )
        seen.add(it.number)
        kept.append(it)
        expected = it.number + 1
    return kept
