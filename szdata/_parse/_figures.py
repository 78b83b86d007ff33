"""Figures: numbers printed in the text, with qualifier, scale, unit and what they count.

The grammar of a quote is the one of :mod:`szdata._parse._quantities` (qualifier, number,
scale, unit word); this module finds quotes in running text, rules out numbers that are
not claims, and reads the counted noun phrase after a count.

Not figures: numbers glued to words or hyphens ("COVID-19", "2019-nCoV", "3U8633",
"1st"), ordinals ("second", "first"), numbers inside date expressions ("Mar. 20",
"2020"), clock times ("13:02", "10 am"), list and item numbers ("1. "), numbers after
"No.", "flight", "case", "patient", "line", "hotline" ..., years ("in 2020"), vague
"a few", fractions ("two thirds"), and "one" in "one of", "no one", "one-stop".

The counted noun phrase is read word by word after the number: it stops at punctuation,
prepositions, conjunctions, articles and verbs of a short list, and after its first
plural noun ("17 backbone medical staff from" -> "backbone medical staff",
"Six government departments of Shenzhen" -> "government departments"), except that a
classifier noun keeps its "of" phrase ("3,625 sets of research equipment").

Examples
--------
>>> from szdata._parse._registry import Registry
>>> units = Registry.load().units
>>> text = "It sent 41,300 masks and 500 pieces of preventative clothing."
>>> [(text[f.start : f.end], f.value, f.unit, f.counted) for f in find_figures(text, units)]
[('41,300', 41300.0, 'count', 'masks'), ('500', 500.0, 'count', 'pieces of preventative clothing')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import NamedTuple

from szdata._parse._dates import MONTH_NAMES as _MONTH_NAMES
from szdata._parse._dates import WEEKDAY_NAMES as _WEEKDAY_NAMES
from szdata._parse._quantities import (
    AGE_UNIT_WORD,
    DIGIT_NUMBER,
    EXACT,
    FRACTION,
    FRACTIONS,
    NUMBER_WORDS,
    QUALIFIER_PHRASES,
    SCALE,
    SCALES,
    WORD_NUMBER,
    ExactQuantity,
    UnitWords,
    number_value,
    qualifier_of,
    quantity_pattern,
    quick_value,
    read_match,
    to_float,
)
from szdata._parse._regex import trie_regex

_STOP = frozenset(
    [
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "with",
        "by",
        "for",
        "into",
        "onto",
        "across",
        "over",
        "under",
        "between",
        "among",
        "amid",
        "during",
        "since",
        "until",
        "till",
        "through",
        "including",
        "within",
        "without",
        "about",
        "after",
        "before",
        "per",
        "via",
        "against",
        "toward",
        "towards",
        "around",
        "as",
        "than",
        "like",
        "out",
        "up",
        "off",
        "near",
        "upon",
        "despite",
        "following",
        "and",
        "or",
        "but",
        "nor",
        "while",
        "whereas",
        "which",
        "who",
        "whom",
        "that",
        "whose",
        "where",
        "when",
        "if",
        "because",
        "so",
        "yet",
        "then",
        "the",
        "a",
        "an",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "each",
        "every",
        "some",
        "any",
        "all",
        "both",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "remain",
        "remains",
        "remained",
        "reported",
        "were",
        "got",
        "get",
        "gets",
        "aged",
        "said",
        "says",
    ]
)
"""Words that end a counted noun phrase."""

_CLASSIFIERS = frozenset(
    [
        "set",
        "sets",
        "piece",
        "pieces",
        "pair",
        "pairs",
        "box",
        "boxes",
        "bottle",
        "bottles",
        "bag",
        "bags",
        "pack",
        "packs",
        "packet",
        "packets",
        "batch",
        "batches",
        "group",
        "groups",
        "kind",
        "kinds",
        "type",
        "types",
        "unit",
        "units",
        "carton",
        "cartons",
        "copy",
        "copies",
        "dose",
        "doses",
        "round",
        "rounds",
        "sheet",
        "sheets",
        "roll",
        "rolls",
        "tonne",
        "tonnes",
        "ton",
        "tons",
        "barrel",
        "barrels",
        "crate",
        "crates",
        "lot",
        "lots",
        "variety",
        "varieties",
        "category",
        "categories",
    ]
)
"""Nouns whose "of" phrase belongs to what is counted ("sets of research equipment")."""

_DATE_WORDS = frozenset(w.capitalize() for w in (*_MONTH_NAMES, *_WEEKDAY_NAMES)) | frozenset(
    w.capitalize() + "." for w in _MONTH_NAMES if len(w) <= 4
)
"""A month or weekday name ends a counted phrase: "5.1 million March 3" counts nothing."""
_PARTICIPLE = re.compile(r"[a-z]{3,}(?:ing|ed)")
"""A verb form after the first word, before a preposition or an article, ends the phrase
("10 cities hosting the ..."); the first word may be one ("3 confirmed cases")."""

_IRREGULAR_PLURALS = frozenset(
    ["people", "children", "men", "women", "personnel", "staff", "police"]
)
_NOT_PLURAL = frozenset(
    ["is", "was", "has", "us", "its", "this", "thus", "plus", "bus", "virus", "status", "campus"]
)

_BLOCKERS = frozenset(
    [
        "no",
        "nos",
        "number",
        "flight",
        "flights",
        "case",
        "patient",
        "line",
        "route",
        "bus",
        "room",
        "gate",
        "terminal",
        "phase",
        "version",
        "article",
        "block",
        "building",
        "exit",
        "hotline",
        "platform",
        "ward",
        "bed",
        "seat",
        "level",
        "levels",
        "force",
        "grade",
        "grades",
        "class",
        "classes",
        "signal",
        "tier",
        "covid",
        "ncov",
        "sars-cov",
        "hall",
        "lane",
        "road",
        "street",
        "avenue",
        "metro",
        "berth",
        "pier",
        "page",
        "chapter",
        "item",
        "clause",
        "act",
        "zone",
        "district",
        "area",
        "team",
        "batch",
        "train",
        "shift",
        "code",
        "id",
        "tel",
        "phone",
        "fax",
        "call",
        "dial",
        "extension",
        "ext",
    ]
)
"""Words after which a number is an identifier, not a figure ("No. 3", "flight 3721")."""
_CLOCK_AFTER = re.compile(
    r"\s*(?::\d|\.\d\d\s*(?:a\.?m\b|p\.?m\b)|a\.?m\b|p\.?m\b|o'clock|noon\b|midnight\b"
    r"|hrs?\s+(?:GMT|UTC|Beijing))",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|of|by|until|till|before|after|early|late|mid|year|from|to|and|through"
    r"|for|during|the)\s+$",
    re.IGNORECASE,
)
_YEAR_AFTER = re.compile(r"\s*(?:[.,;:)!?]|$)")
_ONE_AFTER = re.compile(r"\s+(?:of|another|by|or\s+two)\b", re.IGNORECASE)
_ONE_BEFORE = re.compile(r"\b(?:no|any|every|each|the|this|that|which)\s+$", re.IGNORECASE)
_WORD = re.compile(r"[ \t]+([A-Za-z][\w'\-]*[A-Za-z0-9]|[A-Za-z])")
_FRACTION = re.compile(
    r"\s+(?:halves|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b",
    re.IGNORECASE,
)
_OUT_OF = re.compile(rf"\s+out\s+of\s+(?:{DIGIT_NUMBER}|{WORD_NUMBER})(?![\w])", re.IGNORECASE)
_HOTLINE_WORDS = (
    "government|service|services|citizen|citizens'?|public|health|consultation|consulting"
    "|psychological|assistance|emergency|complaints?|mental|counseling|counselling|city"
    "|municipal|help|information|inquiry|enquiry|medical|epidemic|prevention|24-hour|free"
)
_NAME_AFTER = re.compile(rf"\s+(?:(?:{_HOTLINE_WORDS})\s+){{0,3}}hotlines?\b", re.IGNORECASE)
"""A number that names a service: "the 12345 hotline", "12345 government service hotline"."""
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)
_CLOCK_RANGE = re.compile(r"\s*(?:a\.?m\b|p\.?m\b|o'clock|:\d)", re.IGNORECASE)
_OLD_AFTER = re.compile(r"\s+old\b", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(
    f"(?:{_CLOCK_AFTER.pattern})|(?:{_FRACTION.pattern})", re.IGNORECASE
)
"""A clock time or a fraction follows ("10:30", "9 pm", "two thirds")."""
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
_ADDRESS_AFTER = re.compile(
    r"[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}(?:Road|Street|Avenue|Boulevard|Lane|Rd|St|Ave|Blvd)\b"
)
"""A street named after a number: "6030 Hongli Road", "2 Fuzhong Third Road"."""
_POSTCODE_BEFORE = re.compile(r"(?:Shenzhen|Guangdong|China|Province)[,\s]+$")
"""Where a six-digit number from 518 is Shenzhen's postal code: "Shenzhen 518035"."""
_LIST_MARK = re.compile(r"\d{1,2}")
"""A number alone in parentheses that marks an entry of a list: "(1)", "(12)"."""
_HALF_OF_WHAT = [
    "first",
    "second",
    "latter",
    "last",
    "former",
    "other",
    "the",
    "a",
    "an",
    "one",
    "each",
    "every",
    "upper",
    "lower",
    "top",
    "bottom",
    "next",
    "this",
    "that",
]
_NOT_BEFORE_HALF = [[w] for word in _HALF_OF_WHAT for w in (word, word.capitalize())]
"""The word before "half" that makes it a part of something, not a share of it."""
_GROUPS = ("qual", "cur", "num", "scale", "an", "ascale", "unit", "adj", "old")
"""The groups of :func:`_figure_regex` that :func:`_read` reads."""


class FigureMatch(NamedTuple):
    """A figure found in the text (offsets into the text)."""

    start: int
    end: int
    value: float
    unit: str
    counted: str | None
    qualifier: str
    value_max: float | None = None


_LOOKBEHIND = r"(?<![\w.,/:#%'@-])"
"""No figure starts glued to a word, a number, an address or a handle ("name67@163.com")."""


@lru_cache(maxsize=8)
def _figure_regexes(units: UnitWords) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The grammar of :mod:`szdata._parse._quantities` in running text, with and without ranges."""
    pattern = _LOOKBEHIND + quantity_pattern(units, in_text=True)
    flags = re.IGNORECASE | re.VERBOSE
    single = pattern.replace("(?P<num2>", "(?!)(?P<num2>")
    return re.compile(pattern, flags), re.compile(single, flags)


def find_figures(
    folded: str,
    units: UnitWords,
    *,
    start: int = 0,
    end: int | None = None,
    skip: list[tuple[int, int]] | None = None,
    anchors: list[int] | None = None,
) -> list[FigureMatch]:
    """The figures of ``folded[start:end]``, outside the ``skip`` spans (dates, headers).

    ``anchors``: the positions of the whole text where a figure's number may start (see
    :func:`szdata._parse._scan.scan`), to try the expressions there only.
    """
    end = len(folded) if end is None else end
    skipped = _Spans(skip or [])
    out: list[FigureMatch] = []
    figure, single = _figure_regexes(units)
    anchor = _anchor_regex(units)
    if anchors is None:
        spans = None
    elif (start, end) != (0, len(folded)):
        raise ValueError("anchors are positions of the whole text: give no start or end")
    else:
        spans = [a.span() for p in anchors if (a := anchor.match(folded, p)) is not None]
    i = 0
    pos = start
    while True:
        if spans is None:
            a = anchor.search(folded, pos, end)
            if a is None:
                break
            a_start, a_end = a.span()
        else:
            while i < len(spans) and spans[i][0] < pos:
                i += 1
            if i == len(spans):
                break
            a_start, a_end = spans[i]
        over = skipped.end_over(a_start)
        if over is not None:  # in a date or the header: no figure starts there, or before it
            pos = max(over, a_end)
            continue
        m = None
        qual_start = _prefix_before(folded, a_start, start)
        if qual_start is not None:
            m = figure.match(folded, qual_start, end)
            if m is not None and (m.end() <= a_start or (m["from"] and not m["num2"])):
                m = None  # "aged from 18 upwards": "from" opens only a range
        if m is None:
            m = figure.match(folded, a_start, end)
        if m is None:
            pos = a_end
            continue
        fig = _read(m, folded, units, skipped)
        if fig is None and m.group("num2") is not None:
            # not a range ("from 50 to 30", "8-10 am"): the first number alone
            m2 = single.match(folded, m.start(), end)
            if m2 is not None and not _CLOCK_RANGE.match(folded, m.end()):
                fig = _read(m2, folded, units, skipped)
                if fig is not None:  # else neither end is one ("Grades 9 to 11")
                    m = m2
        pos = max(m.end(), a_end)
        if fig is not None:
            out.append(fig)
    return out


def anchor_words(units: UnitWords) -> tuple[str, ...]:
    """The words (lower case) a figure's number can start with; the others start with a digit.

    Number words, "half" ("half of them"), currency words ("RMB 5 million") and "a"/"an"
    before a scale or a unit ("a month"), as in :func:`_anchor_regex`.
    """
    after_a = (*SCALES, *(w for w in units.words if w.isascii() and w[0].isalpha()), *FRACTIONS)
    return (
        *NUMBER_WORDS,
        "half",
        *units.currency_words,
        *(f"{a} {w}" for a in ("a", "an") for w in after_a),
    )


@lru_cache(maxsize=8)
def _anchor_regex(units: UnitWords) -> re.Pattern[str]:
    """Where a figure can start, but for its qualifier: a number, a currency word, "a"/"an",
    "half" before "of"."""
    words = trie_regex(NUMBER_WORDS)
    return re.compile(
        rf"""(?<![\w.,/:#%'@-])
        (?:[0-9]|(?:{words})(?![\w])|(?:{units.currency_pattern()})|an?\s+(?=(?:{SCALE}|{FRACTION}|{units.pattern()}))
          |half(?=\s+of(?![\w-])))
        """,
        re.IGNORECASE | re.VERBOSE,
    )


_QUALIFIER_WORDS = max(len(p.split()) for p in QUALIFIER_PHRASES)
_PREFIX_LAST_WORDS = frozenset(
    [*(p.split()[-1] for p in QUALIFIER_PHRASES), "between", "aged", "from"]
)


def _prefix_before(text: str, pos: int, floor: int) -> int | None:
    """The start of what opens a figure just before ``pos`` (spaces apart): a qualifier
    phrase ("more than 5"), or "between" ("between 30 and 50 yuan", a range), after
    "aged" when an age is printed so ("aged over 50", "aged 42", "aged from 18 to 60")."""
    window = text[pos - 24 if pos - 24 > floor else floor : pos]
    if not window[-1:].isspace():
        return None  # glued to what precedes it: no word opens it
    last = window.rsplit(None, 1)  # the last word alone first: most open no figure
    word = last[-1].lstrip(_OPENERS).casefold() if last else ""
    if word not in _PREFIX_LAST_WORDS:
        return None
    if word == "aged":
        return _word_start(text, pos - len(window) + len(window.rstrip()) - 4, floor)
    if word == "from":  # only after "aged": "from 30 to 50" elsewhere opens no figure
        fs = pos - len(window) + len(window.rstrip()) - 4
        if text[fs - 5 : fs].casefold() != "aged ":
            return None
        return _word_start(text, fs - 5, floor)
    qs = _opening_before(text, pos, floor, window, word)
    if qs is None:
        return None
    aged = _word_start(text, qs - 5, floor) if text[qs - 5 : qs - 1].casefold() == "aged" else None
    return qs if aged is None else aged


def _word_start(text: str, at: int, floor: int) -> int | None:
    """``at``, where a word starts (nothing of a word just before it), or ``None``."""
    if at < floor or (at > floor and (text[at - 1].isalnum() or text[at - 1] in "_-'")):
        return None
    return at


_OPENERS = "([{\"'“‘"
"""What may open a qualifier phrase: "(about 37.4 billion dollars)"."""


def _opening_before(text: str, pos: int, floor: int, window: str, word: str) -> int | None:
    """A qualifier phrase or "between" ending at ``pos``, whose last word is ``word`` (see
    :func:`_prefix_before`)."""
    if word == "between":
        qs = pos - len(window) + len(window.rstrip()) - len(word)
        if qs > floor and (text[qs - 1].isalnum() or text[qs - 1] in "_-'"):
            return None
        return qs
    words = window.split()
    for n in range(min(_QUALIFIER_WORDS, len(words)), 0, -1):
        phrase_words = [words[-n].lstrip(_OPENERS), *words[len(words) - n + 1 :]]
        phrase = " ".join(phrase_words).casefold()
        if phrase in QUALIFIER_PHRASES:
            qs = pos - len(window) + _rfind_words(window, phrase_words)
            if qs > floor and (text[qs - 1].isalnum() or text[qs - 1] in "_-'"):
                continue
            return qs
    return None


def _rfind_words(window: str, words: list[str]) -> int:
    """Offset in ``window`` of the first of ``words``, the last words of ``window``."""
    i = len(window)
    for w in reversed(words):
        i = window.rfind(w, 0, i)
    return i


def _read(m: re.Match[str], text: str, units: UnitWords, skip: _Spans) -> FigureMatch | None:
    s, e = m.span()
    if skip.overlaps(s, e):
        return None
    g = m.groupdict()
    an, unit_word, adj = g["an"], g["unit"], g["adj"]
    if an is not None and not g["ascale"] and (g["qual"] is None or not (unit_word or adj)):
        return None  # "a month" counts only after a qualifier: "More than a month"
    if g["half"] is not None:
        num_start, num_end = m.span("half")
        if text[max(0, num_start - 12) : num_start].split()[-1:] in _NOT_BEFORE_HALF:
            return None  # "the first half of March": a part of a period, not a share
    elif g["snum"] is not None:
        num_start, num_end = m.span("snum")
    elif g["fden"] is not None:
        num_start, num_end = m.span("fnum")
        if g["fnum"].casefold() in ("a", "an") and not _OF_AFTER.match(text, e):
            return None  # "a third batch" is an ordinal; "a third of" a fraction
    else:
        num_start, num_end = m.span(
            "num" if g["num"] is not None else "hnum" if g["hnum"] is not None else "an"
        )
    nxt = text[e : e + 1]
    if nxt == "-" or (nxt.isalnum() if nxt else False) or nxt == "@":
        return None  # "one-stop", "20-30-40", "14-days-old", "12345@qq.com"
    if nxt in "/." and text[e + 1 : e + 2].isalnum():
        return None  # "24/7", "12/24/48-hour", "163.com"
    if unit_word is None and adj is None:
        if _NOT_A_COUNT_AFTER.match(text, e) or _names_a_service(text, e):
            return None  # "10:30", "9 pm", "two thirds"; "the 12345 hotline"
        if _ADDRESS_AFTER.match(text, e):
            return None  # "6030 Hongli Road": a street number
    elif _names_a_service(text, e):
        return None  # "the 12345 hotline": a number that names a service
    before = text[max(0, num_start - 14) : num_start]
    if _blocked(before) and not (unit_word or g["scale"] or g["cur"]):
        return None  # "Line 11", "Grades 9 to 11"; but "Dongmen Road 200,000 yuan" is money
    if text[s - 1 : s] == "(" and text[e : e + 1] == ")" and _LIST_MARK.fullmatch(text, s, e):
        return None  # "(1) Companies ...": the mark of a list's entry
    number = g["num"] or ""
    if g["num2"] is None and _leading_zero(number):
        return None  # "ends in 0426", "0755": an identifier, not an amount
    if len(number) == 6 and number.startswith("518") and _POSTCODE_BEFORE.search(before):
        return None  # "Shenzhen 518035": a postal code
    if (
        g["qual"] is None
        and g["scale"] is None
        and g["num2"] is None
        and unit_word is None
        and adj is None
        and _YEAR_NUMBER.fullmatch(number)
        and (_YEAR_BEFORE.search(before) or _YEAR_AFTER.match(text, e))
    ):
        return None
    if number.casefold() == "one" and (
        _ONE_AFTER.match(text, num_end) or _ONE_BEFORE.search(before)
    ):
        return None
    if g["num2"] is not None and (_leading_zero(g["num"]) or _leading_zero(g["num2"])):
        return None  # "0755-8888": a telephone number
    if (
        g["num2"] is not None
        and g["scale"] is None
        and unit_word is None
        and adj is None
        and _YEAR_NUMBER.fullmatch(number)
        and _YEAR_NUMBER.fullmatch(g["num2"])
    ):
        return None  # "between 2019 and 2020", "2019-2020": years
    if (
        g["scale"] is None
        and g["num2"] is None
        and g["fden"] is None
        and g["num"] is not None
        and (value := quick_value(number)) is not None
    ):  # a number alone: what read_match reads, without exact arithmetic
        plain = g["qual"] is None and g["post"] is None and g["odd"] is None
        return _figure(s, e, value, None, units, g, text, EXACT if plain else qualifier_of(g))
    try:
        q = read_match(m)
    except ValueError:
        if g["num2"] is not None or g["fden"] is not None or g["snum"] is not None:
            return None
        value = _leading_words_value(number)
        if value is None:
            return None
        return _figure(s, e, value, None, units, g, text, "exact")
    return _figure(s, e, to_float(q.value), q, units, g, text, q.qualifier)


def _figure(
    s: int,
    e: int,
    value: float,
    q: ExactQuantity | None,
    units: UnitWords,
    g: dict[str, str | None],
    text: str,
    qualifier: str,
) -> FigureMatch | None:
    if q is not None and q.fraction:
        unit = units.fraction_unit
        if unit is None:
            return None
    else:
        word = g["unit"] or g["adj"] or g["cur"] or (AGE_UNIT_WORD if g["aged"] else None)
        unit = "count" if word is None else units.unit_of(word)
    counted: str | None = None
    if unit == "count":
        counted = _counted(text, e)
    elif unit == "year" and (g["old"] or g["aged"] or _OLD_AFTER.match(text, e)):
        counted = "age"
    top = None if q is None or q.value_max is None else to_float(q.value_max)
    return FigureMatch(s, e, value, unit, counted, qualifier, top)


def _names_a_service(text: str, end: int) -> bool:
    """Whether the number ending at ``end`` names a service ("12345 government service
    hotline"): :data:`_NAME_AFTER`, tried only where a hotline is printed soon after."""
    window = text[end : end + 100]
    return ("otline" in window or "OTLINE" in window) and _NAME_AFTER.match(text, end) is not None


def _leading_zero(number: str | None) -> bool:
    return bool(number) and len(number) > 1 and number[0] == "0" and number[1].isdigit()


class _Spans:
    """Spans that no figure may overlap, sorted, with the furthest end of each prefix."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach = list(itertools.accumulate((b for _, b in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span ``(a, b)`` has ``a < end`` and ``start < b``."""
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start

    def end_over(self, pos: int) -> int | None:
        """The furthest end of the spans that hold ``pos``, or ``None`` when none does."""
        i = bisect.bisect_right(self.starts, pos)
        return self.reach[i - 1] if i > 0 and self.reach[i - 1] > pos else None


def _blocked(before: str) -> bool:
    """Whether the text just before a number makes it an identifier ("No. 3", "#5")."""
    stripped = before.rstrip()
    if not stripped:
        return False
    if stripped.endswith("#"):
        return True
    if stripped == before and not stripped.endswith("."):
        return False  # glued to a word: the regex already refused it
    word = stripped.rsplit(None, 1)[-1].strip("([\"'.").casefold()
    return word in _BLOCKERS


def _leading_words_value(number: str) -> float | None:
    """The value of the longest run of words at the start of ``number`` that reads."""
    words = number.split()
    for n in range(len(words) - 1, 0, -1):
        try:
            return number_value(" ".join(words[:n]))
        except ValueError:
            continue
    return None


def counted_after(folded: str, text: str, pos: int = 0) -> str | None:
    """The counted phrase the parser reads after a count's quote ending at ``pos``.

    ``folded`` is ``fold(text)``; the phrase is returned as ``text`` prints it.

    Examples
    --------
    >>> counted_after("500 pieces of cloth from", "500 pieces of cloth from", 3)
    'pieces of cloth'
    """
    phrase = _counted(folded, pos)
    if phrase is None:
        return None
    i = folded.find(phrase, pos)
    return text[i : i + len(phrase)] if i >= 0 else phrase


def _counted(text: str, pos: int) -> str | None:
    """The noun phrase a count counts, read from ``pos`` (just after the number)."""
    out_of = _OUT_OF.match(text, pos)
    if out_of:
        pos = out_of.end()
    words: list[str] = []
    start = end = pos
    after_of = False
    last = 0  # the kind of the last word read
    while len(words) < 6:
        m = _WORD.match(text, pos)
        if m is None:
            break
        word = m.group(1)
        kind = _word_kind(word)
        if kind & _OF and words and last & _CLASSIFIER and not after_of:
            after_of = True
            words.append(word)
            last = kind
            pos = m.end()
            continue
        if kind & _ENDS:
            break
        if words and not after_of and kind & _PARTICIPLE_WORD and _before_stop(text, m.end()):
            break  # "two groups based on", "3 major types covering the"
        if not words:
            start = m.start(1)
        words.append(word)
        last = kind
        end = m.end(1)
        pos = m.end()
        if kind & _CLASSIFIER and not after_of:
            if _OF_AFTER.match(text, pos):
                continue
            break  # "two groups based on": the classifier is the noun
        if kind & _PLURAL:
            break
    while words and words[-1].casefold() == "of":
        words.pop()
    if not words:
        return None
    return text[start:end] if text[start:end].split() == words else " ".join(words)


_OF, _ENDS, _PARTICIPLE_WORD, _CLASSIFIER, _PLURAL = 1, 2, 4, 8, 16
"""What a word is to :func:`_counted` (bits of :func:`_word_kind`)."""


@lru_cache(maxsize=4096)
def _word_kind(word: str) -> int:
    """The bits of :func:`_counted` for a word, worked out once: the same words recur."""
    low = word.casefold()
    return (
        (_OF if low == "of" else 0)
        | (_ENDS if low in _STOP or word in _DATE_WORDS else 0)
        | (_PARTICIPLE_WORD if _PARTICIPLE.fullmatch(low) else 0)
        | (_CLASSIFIER if low in _CLASSIFIERS else 0)
        | (_PLURAL if _is_plural(low) else 0)
    )


def _before_stop(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` is one of :data:`_STOP` (a verb form takes an object)."""
    m = _WORD.match(text, pos)
    return m is not None and m.group(1).casefold() in _STOP


def _is_plural(word: str) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    last = word.rsplit("-", 1)[-1]
    return (
        len(last) > 2 and last.endswith("s") and not last.endswith("ss") and last not in _NOT_PLURAL
    )
