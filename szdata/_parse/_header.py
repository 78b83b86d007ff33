"""The head of an article: its title, and the ``Writer: | Editor: | From: | Updated:`` line.

The header line takes many forms in the published texts, all read here: no-break
spaces and odd spacing around the bars, fields missing or empty (``Writer:   |``),
several writers (``A, B and C``), ``Updated:2020-03-27`` without a space, a time after
the date (``2020-02-16 13:02``, ``2020-03-25 11:24:00``), or no header line at all.
A field the parser does not know is reported as a warning and ignored.

Examples
--------
>>> text = "Title (Mar. 20)\\n\\nWriter:\\u00a0A & B |Editor: | Updated:2020-03-20 13:02\\n\\nBody"
>>> head = read_head(text, text, file_name="x.txt")
>>> head.title, head.writers, head.editor, head.updated
('Title (Mar. 20)', 'A; B', None, datetime.date(2020, 3, 20))
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from szdata._core._errors import ParseError
from szdata._parse._items import ITEM_START as _ITEM_START

KNOWN_FIELDS = {
    "writer": "writers",
    "writers": "writers",
    "editor": "editor",
    "editors": "editor",
    "from": "source_printed",
    "source": "source_printed",
    "updated": "updated",
    "date": "updated",
    "published": "updated",
    "release time": "updated",
}
"""Header field names (lower case) -> what they fill."""

_PARAGRAPH = re.compile(r"(?<![^\r\n])[^\S\r\n]*+\S[^\r\n]*")
"""A line that holds a non-space character, from its start: tried at line starts only, and
its leading spaces read once (a line of a million spaces costs a million steps, not a
million squared)."""
_FIELD = re.compile(r"^\s*+(?P<name>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*+(?P<value>.*)$")
"""A ``Name: value`` field; the value's trailing spaces are stripped after the match (a
lazy value before ``\\s*$`` would try every split of a long run of spaces)."""
_SEGMENT = re.compile(r"[^|]+")
_WRITER_SPLIT = re.compile(r"\s*(?:,|&|/|;|\band\b)\s*")
_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?$"
)


@dataclass
class Head:
    """What the head of an article says, with the spans of its dated parts."""

    title: str
    title_span: tuple[int, int]
    header_span: tuple[int, int] | None = None
    writers: str | None = None
    editor: str | None = None
    source_printed: str | None = None
    updated: dt.date | None = None
    updated_span: tuple[int, int] | None = None
    body_start: int = 0
    warnings: list[str] = field(default_factory=list)


def line_of(text: str, pos: int) -> int:
    """The 1-based line number of offset ``pos`` (O(pos): for a few positions near the top)."""
    return text.count("\n", 0, pos) + 1


class LineIndex:
    """The 1-based line number of any offset, in O(log n) after one O(n) pass (made lazily).

    Examples
    --------
    >>> lines = LineIndex("a\\nb\\nc")
    >>> lines(0), lines(2), lines(4)
    (1, 2, 3)
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks: list[int] | None = None

    def __call__(self, pos: int) -> int:
        if self._breaks is None:
            self._breaks = [m.start() for m in re.finditer("\n", self._text)]
        return bisect.bisect_right(self._breaks, pos - 1) + 1


_DATELINE = re.compile(
    r"(?P<date>(?:19|20)\d\d-\d{1,2}-\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?\s*,\s*"
    r"(?P<src>[^()\n]*?[^()\s])\s*(?:\(\s*by\s+(?P<by>[^()\n]*?)\s*\))?$",
    re.IGNORECASE,
)
"""A dateline under the title: ``2020-04-28 08:53, Shenzhen Daily (by NAME)``."""
HEADER_DATE = (
    r"(?:\b(?i:updated|date|published|release\s+time)\s*:\s*|(?m:^)[ \t]*)"
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
)
"""Where a header prints the publication date: an ``Updated:`` (``Date:``, ``Published:``)
field, or a dateline at the start of a line (one regular expression for Python and polars,
whose ``\\s`` is a subset of Python's; the date is its group 1)."""
HEADER_LINES = 4
"""At most this many header lines follow the title (``From:`` and ``Updated:`` may each
have their own)."""


def read_head(
    text: str,
    folded: str,
    *,
    file_name: str,
    is_site_name: Callable[[str], bool] | None = None,
) -> Head:
    """Read the title and the header lines of ``text`` (``folded`` is ``fold(text)``).

    The title is the first line, or the second when the first is the name of the site
    that reposts the article (``is_site_name``: a registered outlet, "Shenzhen Government
    Online"). The header is the run of lines after it that print ``Name: value`` fields
    (``Writer: | Editor: | From: | Updated:`` on one line or on several), or a dateline
    ``2020-04-28 08:53, Shenzhen Daily (by NAME)``.

    Raises
    ------
    ParseError
        When the text is blank, or its first line is a header line or a numbered item
        instead of a title.
    """
    paragraphs = _PARAGRAPH.finditer(folded)
    first = next(paragraphs, None)
    if first is None:
        raise ParseError(
            "the text is empty",
            file=file_name,
            line=1,
            hint="a raw text starts with its title on the first line",
        )
    t_start, t_end = _strip(folded, *first.span())
    title_line = folded[t_start:t_end]
    if _header_fields(title_line) or _ITEM_START.match(title_line):
        raise ParseError(
            f"the text has no title: its first line is {_short(text[t_start:t_end])!r}",
            file=file_name,
            line=line_of(text, t_start),
            hint="put the article's title, as published, on the first line",
        )
    second = next(paragraphs, None)
    if second is not None and is_site_name is not None and is_site_name(title_line):
        s_start, s_end = _strip(folded, *second.span())
        line2 = folded[s_start:s_end]
        if not (_header_fields(line2) or _ITEM_START.match(line2) or _DATELINE.match(line2)):
            t_start, t_end = s_start, s_end  # a site name above the title
            second = next(paragraphs, None)
    head = Head(title=text[t_start:t_end], title_span=(t_start, t_end), body_start=t_end)
    lines = 0
    while second is not None and lines < HEADER_LINES:
        h_start, h_end = _strip(folded, *second.span())
        fields = _header_fields(folded[h_start:h_end])
        dateline = None if fields else _DATELINE.match(folded, h_start, h_end)
        if not fields and dateline is None:
            break
        head.header_span = (head.header_span or (h_start, h_end))[0], h_end
        head.body_start = h_end
        line = line_of(text, h_start)
        if dateline is not None:
            _read_dateline(head, text, dateline, file_name, line)
        else:
            _read_fields(head, text, folded, fields, h_start, file_name, line)
        lines += 1
        second = next(paragraphs, None)
    return head


def _read_dateline(head: Head, text: str, m: re.Match[str], file_name: str, line: int) -> None:
    head.source_printed = text[slice(*m.span("src"))]
    if m["by"]:
        names = [w for w in _WRITER_SPLIT.split(text[slice(*m.span("by"))]) if w]
        head.writers = "; ".join(names) or None
    _read_updated(head, text, text, *m.span("date"), file_name, line)


def _read_fields(
    head: Head,
    text: str,
    folded: str,
    fields: list[tuple[str, str, int, int]],
    h_start: int,
    file_name: str,
    line: int,
) -> None:
    for name, value, v_start, v_end in fields:
        target = KNOWN_FIELDS.get(name.casefold())
        v_start += h_start
        v_end += h_start
        if target is None:
            known = ", ".join(k.capitalize() for k in ("writer", "editor", "from", "updated"))
            head.warnings.append(
                f"{file_name}:{line}: unknown header field {name!r} (value {value!r}) ignored; "
                f"known fields: {known}"
            )
        elif target == "writers":
            names = [w for w in _WRITER_SPLIT.split(text[v_start:v_end].strip()) if w]
            head.writers = "; ".join(names) or None
        elif target == "updated":
            _read_updated(head, text, folded, v_start, v_end, file_name, line)
        else:
            setattr(head, target, text[v_start:v_end] or None)


def _read_updated(
    head: Head, text: str, folded: str, start: int, end: int, file_name: str, line: int
) -> None:
    value = folded[start:end]
    if not value:
        return
    m = _ISO.match(value)
    if m is None:
        head.warnings.append(
            f"{file_name}:{line}: the Updated field {text[start:end]!r} is not a date "
            "like 2020-03-20; publication date not read from the header"
        )
        return
    try:
        head.updated = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        head.warnings.append(
            f"{file_name}:{line}: the Updated field {text[start:end]!r} is not a calendar date"
        )
        return
    head.updated_span = (start, start + m.end("d"))


def _header_fields(line: str) -> list[tuple[str, str, int, int]]:
    """The ``Name: value`` fields of a header line, with value offsets in ``line``.

    Empty when the line is not a header line (no field of :data:`KNOWN_FIELDS`).
    """
    fields = []
    for seg in _SEGMENT.finditer(line):
        m = _FIELD.match(seg.group())
        if m is None:
            if seg.group().strip():
                fields.append(("", seg.group().strip(), seg.start(), seg.start()))
            continue
        value = m["value"].rstrip()
        v_start = seg.start() + m.start("value")
        fields.append((m["name"], value, v_start, v_start + len(value)))
    if not fields or fields[0][0].casefold() not in KNOWN_FIELDS:
        return []
    return [(n or "(no name)", v, s, e) for n, v, s, e in fields]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
