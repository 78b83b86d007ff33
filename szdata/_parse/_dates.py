"""Date expressions: where they are printed and the calendar date each stands for.

Spans are found with the patterns below, then resolved with plain date arithmetic
against the publication date (no date library is needed, and dateparser was found to
read "Dec 30" in a March 2020 text as 2020-12-30):

* ``explicit``: day, month and year printed ("March 26, 2020", "26 March 2020",
  ISO "2020-03-20");
* ``month_day``: month and day ("March 19", "Mar. 11", "Dec 30"); the year is the one
  that puts the date nearest the publication date (2019-12-30 for "Dec 30" in March 2020);
* ``weekday_past``: a weekday name ("Tuesday"), the latest such day strictly before
  the publication date;
* ``weekday_next``: a weekday name in a sentence that speaks of the future ("next",
  "will"), the first such day strictly after the publication date;
* ``relative_day``: "yesterday", "today", "tomorrow";
* ``relative_year``: month and day with "last year", "this year" or "next year" ("June 5
  last year"): the year counted from the publication date's year;
* ``relative_to_date``: "the next day", "the following day", "the previous day", "the day
  before": one day after or before the date expression printed just before it;
* ``range_end``: the day that closes a range of days ("Mar 3 to 6", "Feb 3-6"): the month
  and year of the date that opens it, which is its own row ("Mar 3").

A weekday keeps its own direction: "the next day" elsewhere in its sentence does not make
it a future weekday.

Examples
--------
>>> import datetime as dt
>>> resolve_month_day(12, 30, dt.date(2020, 3, 20))
datetime.date(2019, 12, 30)
>>> weekday_before(1, dt.date(2020, 4, 9))  # the Tuesday before Thursday 2020-04-09
datetime.date(2020, 4, 7)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from szdata._parse._regex import matches_at

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_RELATIVE = {"yesterday": -1, "today": 0, "tomorrow": 1}
MONTH_NAMES: tuple[str, ...] = tuple(_MONTHS)
"""Month names and abbreviations, lower case."""
WEEKDAY_NAMES: tuple[str, ...] = tuple(_WEEKDAYS)
"""Weekday names, lower case."""
_MODIFIERS = ("next", "last", "this")
_YEAR_MODIFIERS = {"last": -1, "this": 0, "next": 1}
_DAY_AFTER = {
    "the next day": 1, "the following day": 1, "the day after": 1, "the same day": 0,
    "the previous day": -1, "the day before": -1,
}  # fmt: skip

FIRST_WORDS: tuple[str, ...] = (*_MONTHS, *_WEEKDAYS, *_MODIFIERS, *_RELATIVE, "the")
"""The words (lower case) a date expression can start with; the others start with a digit."""

_MONTH = "|".join(
    m.capitalize() + (r"\.?" if len(m) <= 4 and m != "may" else "")
    for m in sorted(_MONTHS, key=len, reverse=True)
)
_WEEKDAY = "|".join(w.capitalize() for w in _WEEKDAYS)
_MODIFIER = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in _MODIFIERS)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"

_YMOD = r"\s+(?P<{0}>last|this|next)\s+year"
_RANGE = r"(?:\s*-\s*|\s+to\s+)(?P<{0}>(?:[12][0-9]|3[01]|0?[1-9]))(?![\w%]|[.,:]\d)"
_DAY_PHRASE = "|".join(p.replace(" ", r"\s+") for p in _DAY_AFTER)

DATE_REGEX = re.compile(
    rf"""
    (?<![\w.])
    (?=[A-Z0-9nlytT])  # a quick first-character test before the alternatives
    (?:
        (?P<mon>{_MONTH})\s+(?P<day>{_DAY})(?![\d])(?:{_RANGE.format("dend")})?
            (?:,?\s+(?P<year>{_YEAR})|{_YMOD.format("ymod")})?(?![\w])
      | (?<![-\d])(?P<day2>{_DAY})\s+(?P<mon2>{_MONTH})
            (?:,?\s+(?P<year2>{_YEAR})|{_YMOD.format("ymod2")})?(?![\w])
      | (?<![\w-])(?P<iy>{_YEAR})(?P<sep>[-/.])(?P<im>0?[1-9]|1[0-2])(?P=sep)(?P<id>{_DAY})(?![\w-])
      | (?:(?P<wmod>{_MODIFIER})\s+)?(?P<wd>{_WEEKDAY})(?![\w])
      | (?P<rel>(?i:{"|".join(_RELATIVE)}))(?![\w])
      | (?P<after>(?i:{_DAY_PHRASE}))
            (?![\w]|\s+(?i:of|the|a|an|his|her|its|their)\b|\s+(?i:last|next|this)\s+year\b)
    )
    """,
    re.VERBOSE,
)
"""Every date expression the parser knows, on folded text."""

_FUTURE = re.compile(r"\b(?:will|next|shall|upcoming|going\s+to)\b", re.IGNORECASE)
_PAST_VERB = re.compile(
    r"[a-z]{2,}ed|said|told|held|met|began|made|gave|sent|took|went|came|left|won|built"
    r"|brought|bought|found|kept|spent|paid|sold|spoke|wrote|saw|got|put|set|led|shut|rose"
    r"|fell|grew|flew|drew|chose|broke|became"
)
"""A verb in the past tense, as a weekday's own verb ("announced Wednesday")."""
_WORDS = re.compile(r"[a-z']+")
_NOT_FUTURE = re.compile(rf"(?i:{_DAY_PHRASE})|\b(?:next|this|last)\s+year\b", re.IGNORECASE)
"""Words of other date expressions, which say nothing of a weekday's direction."""


@dataclass(frozen=True)
class DateMatch:
    """A date expression found in the text, before resolution."""

    start: int
    end: int
    kind: str  # explicit | month_day | weekday | relative_day | relative_year
    #            | relative_to_date | range_end
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    modifier: str | None = None  # next | last | this
    offset: int = 0  # days for relative_day / relative_to_date, years for relative_year


def find_dates(
    folded: str, start: int = 0, end: int | None = None, *, at: list[int] | None = None
) -> list[DateMatch]:
    """The date expressions in ``folded[start:end]`` (offsets into ``folded``).

    ``at``: the positions of the whole text where a date may start (see
    :func:`szdata._parse._scan.scan`), to try the expression there only.

    Examples
    --------
    >>> [(m.kind, m.month, m.day) for m in find_dates("On Mar. 20 and 2020-03-21.")]
    [('month_day', 3, 20), ('explicit', 3, 21)]
    """
    if at is None:
        found = DATE_REGEX.finditer(folded, start, len(folded) if end is None else end)
    else:
        found = matches_at(DATE_REGEX, folded, at)
    out = []
    for m in found:
        out.extend(_read(m))
    return _without_weekday_spans(folded, out)


_WEEKDAY_TO = re.compile(r"\s*(?:-|–|to|through|till|until)\s*", re.IGNORECASE)


def _without_weekday_spans(folded: str, dates: list[DateMatch]) -> list[DateMatch]:
    """``dates`` but the weekdays of a span of weekdays ("Monday to Friday", "Monday-Friday"): a
    timetable, which says when something recurs, not a date."""
    drop: set[int] = set()
    for i in range(len(dates) - 1):
        a, b = dates[i], dates[i + 1]
        if a.kind == b.kind == "weekday" and _WEEKDAY_TO.fullmatch(folded, a.end, b.start):
            drop.update((i, i + 1))
    return [d for i, d in enumerate(dates) if i not in drop] if drop else dates


def _read(m: re.Match[str]) -> list[DateMatch]:
    """The date expressions of one match: two for a range of days ("Mar 3 to 6")."""
    g = m.groupdict()
    s, e = m.span()
    if g["mon"] or g["mon2"]:
        mon = _MONTHS[(g["mon"] or g["mon2"]).rstrip(".").casefold()]
        day = int(re.sub(r"\D", "", g["day"] or g["day2"]))
        year = g["year"] or g["year2"]
        ymod = g["ymod"] or g["ymod2"]
        end_day = g["dend"]
        kind = "explicit" if year else "relative_year" if ymod else "month_day"
        offset = _YEAR_MODIFIERS[ymod.casefold()] if ymod else 0
        y = int(year) if year else None
        if end_day is None:
            return [DateMatch(s, e, kind, y, mon, day, offset=offset)]
        if int(end_day) <= day:  # "March 6-3" is no range: the first date alone
            return [DateMatch(s, m.end("day"), "month_day", None, mon, day)]
        # "Mar 3 to 6, 2020": the opener is "Mar 3" (a month and a day as printed), the
        # closer "6, 2020", in the opener's month and year
        return [
            DateMatch(s, m.end("day"), "month_day", None, mon, day),
            DateMatch(m.start("dend"), e, "range_end", None, mon, int(end_day)),
        ]
    if g["iy"]:
        day = int(re.sub(r"\D", "", g["id"]))
        return [DateMatch(s, e, "explicit", int(g["iy"]), int(g["im"]), day)]
    if g["wd"]:
        s = m.start("wd")
        mod = g["wmod"].casefold() if g["wmod"] else None
        return [DateMatch(s, e, "weekday", weekday=_WEEKDAYS[g["wd"].casefold()], modifier=mod)]
    if g["after"]:
        offset = _DAY_AFTER[" ".join(g["after"].split()).casefold()]
        return [DateMatch(s, e, "relative_to_date", offset=offset)]
    return [DateMatch(s, e, "relative_day", offset=_RELATIVE[g["rel"].casefold()])]


_DAY_ONLY = re.compile(rf"(?P<d>(?:[12][0-9]|3[01]|0?[1-9]))(?:,?\s+(?P<y>{_YEAR}))?")
"""The closer of a range of days as quoted: "6" of "Mar 3 to 6", "6, 2020"."""

RESOLUTION_FORMS: dict[str, str] = {
    "explicit": "explicit",
    "month_day": "month_day",
    "weekday_past": "weekday",
    "weekday_next": "weekday",
    "relative_day": "relative_day",
    "relative_year": "relative_year",
    "relative_to_date": "relative_to_date",
    "range_end": "range_end",
}
"""Each value of ``dates.resolution`` -> the form of quote it resolves (``DateMatch.kind``)."""


def read_date_quote(quote: str) -> DateMatch | None:
    """Read a date row's quote again, with the parser's grammar: the one expression that
    is the whole quote, or ``None``.

    Examples
    --------
    >>> read_date_quote("March 26, 2020").kind, read_date_quote("6").kind
    ('explicit', 'range_end')
    >>> read_date_quote("June 5 last year").offset, read_date_quote("March 26 and 27") is None
    (-1, True)
    """
    from szdata._core._normalize import fold

    text = fold(quote)
    found = find_dates(text)
    if len(found) == 1 and (found[0].start, found[0].end) == (0, len(text)):
        return found[0]
    m = _DAY_ONLY.fullmatch(text)
    if m is not None and not found:
        return DateMatch(0, len(text), "range_end", day=int(m["d"]))
    return None


def resolve(
    match: DateMatch,
    reference: dt.date | None,
    sentence: str = "",
    previous: dt.date | None = None,
    before: str = "",
) -> tuple[dt.date, str] | None:
    """The calendar date and resolution of ``match``; ``None`` when it cannot be resolved.

    ``reference`` is the publication date; ``sentence`` (folded) tells a future weekday
    ("will", "next") from a past one, unless the weekday's own verb, printed just
    ``before`` it in the sentence, is in the past tense ("the bureau announced Wednesday
    that it will ..."); "this Saturday" is the Saturday of the publication's week;
    ``previous`` is the date of the expression printed just before ``match`` (for "the
    next day" and the end of a range).

    Raises
    ------
    ValueError
        When the printed day does not exist ("Feb. 30").

    Examples
    --------
    >>> pub = dt.date(2020, 3, 20)
    >>> june, days = find_dates("June 5 last year and Mar 3 to 6")[0], find_dates("Mar 3 to 6")
    >>> resolve(june, pub)
    (datetime.date(2019, 6, 5), 'relative_year')
    >>> [resolve(d, pub, previous=dt.date(2020, 3, 3)) for d in days]
    [(datetime.date(2020, 3, 3), 'month_day'), (datetime.date(2020, 3, 6), 'range_end')]
    """
    if match.kind == "explicit":
        assert match.year and match.month and match.day
        return dt.date(match.year, match.month, match.day), "explicit"
    if match.kind == "range_end":
        assert match.month and match.day
        if previous is None:
            return None
        return previous.replace(day=match.day), "range_end"
    if match.kind == "relative_to_date":
        if previous is None:
            return None
        return previous + dt.timedelta(days=match.offset), "relative_to_date"
    if reference is None:
        return None
    if match.kind == "month_day":
        assert match.month and match.day
        return resolve_month_day(match.month, match.day, reference), "month_day"
    if match.kind == "relative_year":
        assert match.month and match.day
        return dt.date(reference.year + match.offset, match.month, match.day), "relative_year"
    if match.kind == "weekday":
        assert match.weekday is not None
        if match.modifier == "this":  # the day of the publication's week (Monday first)
            day = reference + dt.timedelta(days=match.weekday - reference.weekday())
            if day > reference:
                return day, "weekday_next"
            if day < reference:
                return day, "weekday_past"
        own = _NOT_FUTURE.sub(" ", sentence)
        future = match.modifier == "next" or (
            match.modifier is None
            and _FUTURE.search(own) is not None
            and not _told_in_the_past(before)
        )
        if future:
            return weekday_after(match.weekday, reference), "weekday_next"
        return weekday_before(match.weekday, reference), "weekday_past"
    return reference + dt.timedelta(days=match.offset), "relative_day"


def _told_in_the_past(before: str) -> bool:
    """Whether the words printed just before a weekday are a verb in the past tense, its
    own ("announced Wednesday", "said on Monday"), not a passive after "be" ("will be held
    Monday").

    Examples
    --------
    >>> _told_in_the_past("the bureau announced "), _told_in_the_past("it will be held on ")
    (True, False)
    """
    words = _WORDS.findall(before[-40:].casefold())[-3:]
    if words and words[-1] == "on":
        words.pop()
    if not words or not _PAST_VERB.fullmatch(words[-1]):
        return False
    return len(words) < 2 or words[-2] not in ("be", "being", "to", "will", "shall")


def resolve_month_day(month: int, day: int, reference: dt.date) -> dt.date:
    """The date of ``month``/``day`` in the year that puts it nearest ``reference``.

    Raises
    ------
    ValueError
        When no year has that day (``2, 30``).
    """
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"month {month} has no day {day}")
    return min(candidates, key=lambda d: (abs((d - reference).days), d))


def weekday_before(weekday: int, reference: dt.date) -> dt.date:
    """The latest day with ``weekday`` (Monday = 0) strictly before ``reference``."""
    delta = (reference.weekday() - weekday) % 7 or 7
    return reference - dt.timedelta(days=delta)


def weekday_after(weekday: int, reference: dt.date) -> dt.date:
    """The first day with ``weekday`` (Monday = 0) strictly after ``reference``."""
    delta = (weekday - reference.weekday()) % 7 or 7
    return reference + dt.timedelta(days=delta)
