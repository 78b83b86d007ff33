"""Read the quote of a figure into a normalised quantity: value, qualifier and unit word.

The grammar of a quote (case-insensitive, after :func:`szdata._core._normalize.fold`)::

    quote     := ["aged"] [qualifier] ["from" | "between"] [currency] amount [unit] [post]
               | [qualifier] fraction [post]                   ("one-fifth", "a third")
               | [qualifier] "half"                            ("nearly half" of them)
               | [qualifier] number "in" number                ("one in five": a share)
    amount    := number [scale] [("-" | "to") number [scale]] ["-odd"]
                                                    (a range: "5-8", "30 to 50"; "300-odd")
               | number ("-" | " ") scale "-" singular unit word  ("a 1.5-billion-yuan fund")
               | number [scale] "and" number [scale]           (after "between" only)
    qualifier := "more than" | "over" | "nearly" | "about" | "around" | "almost"
               | "at least" | "up to" | "below" | ...      (see QUALIFIER_PHRASES)
    currency  := a currency word of ``units.csv`` printed before the number ("RMB 5 million")
    number    := digits with thousands separators and decimals   ("41,300", "2.6", "5000")
               | a run of number words                           ("Seventeen", "Eighty-three")
               | "a" | "an"  (one, only before a unit word)      ("More than a month")
    scale     := "dozen" | "hundred" | "thousand" | "million" | "billion" | "trillion"
    unit      := ["consecutive" | "straight" | "successive"]
                 ("%" | "℃" | a word of ``units.csv``)           ("yuan", "26 consecutive days")
               | "-" singular unit word ["-old"]                 ("14-day", "4,000-square-meter")
    post      := "or more" | "or above" | "and under" | ...      (see POST_QUALIFIER_PHRASES)
    fraction  := number word ("-" | " ") denominator word        ("one-fifth", "two thirds")
               | "a" denominator word                            ("a third")

A range ("5-8℃", "from 30 to 50", "between 30 and 50 yuan") is one quantity with both
ends: ``value`` is the lower end and ``value_max`` the upper one, which must be larger;
"from" and "between" are allowed only before a range. A fraction's unit is the
``fraction`` unit of ``units.csv``, whose words are the denominators; its value is the share
(``one-fifth`` -> 0.2).

Values are computed exactly, with :class:`fractions.Fraction` (``4.1 billion`` is
4100000000, not the 4099999999.9999995 of floating-point ``4.1 * 1e9``), and converted to
the nearest float once, at the end.

A quote "24 out of 28" reads as its first number, 24: the parser quotes the two numbers
of such a phrase as two figures ("24" and "28"), so this form is accepted only for the
convenience of readers of other data.

Runs of number words are converted with :func:`text_to_num.text2num` (never
``alpha2digit`` on whole sentences, which turns "250 million" into "250 1000000").
The words that name each unit are read from ``data/curation/units.csv`` through the
package: they are written there once.

Examples
--------
>>> read_quantity("more than 140,000")
Quantity(value=140000.0, qualifier='more_than', unit_word=None, value_max=None)
>>> read_quantity("4.1 billion yuan").value
4100000000.0
>>> read_quantity("below 5-8℃")
Quantity(value=5.0, qualifier='less_than', unit_word='℃', value_max=8.0)
>>> read_quantity("one-fifth")
Quantity(value=0.2, qualifier='exact', unit_word='fifth', value_max=None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

from szdata._core._normalize import fold
from szdata._parse._regex import trie_regex

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._parse._curated import CuratedRows


def _trie_alternation(keys: Iterable[str]) -> str:
    return f"(?:{trie_regex(list(keys))})"


# -- the grammar's words, written once -------------------------------------------------------

QUALIFIER_PHRASES: dict[str, str] = {
    "more than": "more_than",
    "over": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "above": "more_than",
    "higher than": "more_than",
    "greater than": "more_than",
    "larger than": "more_than",
    "bigger than": "more_than",
    "taller than": "more_than",
    "longer than": "more_than",
    "less than": "less_than",
    "lower than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "smaller than": "less_than",
    "shorter than": "less_than",
    "at least": "at_least",
    "no less than": "at_least",
    "a minimum of": "at_least",
    "at or above": "at_least",
    "no fewer than": "at_least",
    "not less than": "at_least",
    "not fewer than": "at_least",
    "up to": "up_to",
    "at most": "up_to",
    "no more than": "up_to",
    "no longer than": "up_to",
    "a maximum of": "up_to",
    "at or below": "up_to",
    "not more than": "up_to",
    "no higher than": "up_to",
    "not higher than": "up_to",
    "not exceeding": "up_to",
    "as many as": "up_to",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
}
"""Qualifier phrase (lower case, single spaces) -> value of ``figures.qualifier``.

A test checks that these values and ``exact`` are exactly the schema's enum. The longest
phrase is read first: "no more than" bounds from above, "more than" from below.
"""

POST_QUALIFIER_PHRASES: dict[str, str] = {
    "or more": "at_least",
    "or above": "at_least",
    "or higher": "at_least",
    "or over": "at_least",
    "or older": "at_least",
    "or longer": "at_least",
    "and above": "at_least",
    "and over": "at_least",
    "and older": "at_least",
    "or less": "up_to",
    "or fewer": "up_to",
    "or below": "up_to",
    "or lower": "up_to",
    "or under": "up_to",
    "or younger": "up_to",
    "and below": "up_to",
    "and under": "up_to",
    "and younger": "up_to",
}
"""Qualifier phrase printed after the number (and its unit) -> value of ``figures.qualifier``:
"37.3℃ or above" is ``at_least``, "aged 14 and under" ``up_to``. A qualifier printed before
the number wins over one printed after it."""

ODD_QUALIFIER = "more_than"
""""-odd" glued to a number ("1,100-odd companies", "20-odd years"): somewhat more than it."""

AGE_UNIT_WORD = "years"
"""The unit word of an age printed after "aged" ("aged 42", "aged between 18 and 60"),
which prints none: a word of the ``year`` unit of ``units.csv``."""

UNIT_ADJECTIVES: tuple[str, ...] = (
    "consecutive", "straight", "successive", "working", "business", "calendar",
)  # fmt: skip
"""Words that may stand between a number and its unit word: "26 consecutive days", "five
working days"."""

EXACT = "exact"

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
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
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
FRACTIONS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}  # fmt: skip
"""Denominator word -> denominator: the words of the ``fraction`` unit in ``units.csv``."""
SCALES: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}

NUMBER_WORDS: tuple[str, ...] = (*_ONES, *_TEENS, *_TENS)
"""The words a run of number words starts with."""

_B = r"(?![\w-])"  # a word ends here (a hyphen would make it part of a longer word)
_TENS_RE = "|".join(_TENS)
_UNIT_RE = "|".join(_ONES[1:])
_ATOM_WORD = rf"(?:(?:{_TENS_RE})-(?:{_UNIT_RE})|{_trie_alternation([*_ONES, *_TEENS, *_TENS])})"
_ATOM = rf"{_ATOM_WORD}{_B}"
_SCALE_WORD = rf"(?:{'|'.join(SCALES)})"
_SCALE = rf"{_SCALE_WORD}{_B}"
_WORD_SCALE = rf"(?:{'|'.join(w for w in SCALES if w != 'dozen')}){_B}"
"""The scales a run of number words holds ("two hundred and five"); "dozen" follows a
number as its scale ("two dozen", "a dozen") but is no word of such a run."""

WORD_NUMBER = rf"{_ATOM}(?:\s+(?:and\s+(?={_ATOM}))?(?:{_ATOM}|{_WORD_SCALE}))*"
"""A run of number words: "Seventeen", "Eighty-three", "one hundred and twenty", "two million"."""

DIGIT_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""Digits with optional thousands separators and decimals: "41,300", "97.5", "5000"."""

SCALE = _SCALE
"""A scale word after a number: "million" in "2.6 million"."""

QUALIFIER = _trie_alternation(QUALIFIER_PHRASES)
"""The qualifier phrases as one regular expression, longest first."""

POST_QUALIFIER = _trie_alternation(POST_QUALIFIER_PHRASES)
"""The qualifier phrases printed after a number, as one regular expression."""

_UNIT_ADJECTIVE = rf"(?:{'|'.join(UNIT_ADJECTIVES)})"

_SHARE_NUMBER = rf"(?:\d{{1,3}}(?![\d,.])|{_ATOM})"
"""A number of a share "N in M": up to three digits, or one number word ("one in five",
"3 in 10"); "5 in 2020" is no share."""

HYPHEN_WORD = rf"{_ATOM_WORD}(?![\w])(?=-)"
"""One number word glued to a hyphen, as in "five-day" or "one-fifth"."""

FRACTION = rf"(?:{_trie_alternation(FRACTIONS)})(?![\w-])"
"""A denominator word: "fifth" in "one-fifth", "thirds" in "two thirds"."""

NUMBER = rf"(?:{DIGIT_NUMBER}|{WORD_NUMBER})"
"""A number, in digits or words."""

FRACTION_UNIT = "fraction"
"""The dimension of the unit whose words are the denominators."""


@dataclass(frozen=True)
class Quantity:
    """A quote read into a normalised value.

    Attributes
    ----------
    value
        The number, multiplied out: 41300.0, 250000000.0, 17.0, 0.0, 97.5 (percent).
    qualifier
        One of the values of ``figures.qualifier``: exact, more_than, less_than,
        at_least, up_to, about, nearly.
    unit_word
        The unit word found in the quote ("yuan", "days", "%", "percent", "day" in
        "14-day"), or ``None`` for a plain count.
    """

    value: float
    qualifier: str
    unit_word: str | None
    value_max: float | None = None
    """The upper end of a range ("5-8℃" -> 8.0); ``None`` for a single number."""


# -- the units vocabulary (data/curation/units.csv) ------------------------------------------


@dataclass(frozen=True, eq=False)
class UnitWords:
    """The words of ``units.csv`` that name each unit.

    Examples
    --------
    >>> words = UnitWords.load()
    >>> words.unit_of("Yuan"), words.unit_of("%"), words.unit_of(None)
    ('CNY', 'percent', 'count')
    """

    by_word: dict[str, str]
    """Folded, lower-cased unit word -> unit code."""
    dimensions: dict[str, str]
    """Unit code -> dimension (count, currency, ratio, duration, ...)."""

    @classmethod
    def load(cls, package: Package | None = None) -> UnitWords:
        """Read ``units.csv`` of ``package`` (default: the installed package), cached."""
        from szdata._parse._curated import curated_rows

        return cls.load_rows(curated_rows(package))

    @classmethod
    def load_rows(cls, rows: CuratedRows) -> UnitWords:
        """The unit words of curated rows, one object per state of ``units.csv``."""
        return _unit_words(rows)

    @classmethod
    def from_records(cls, rows: Iterable[dict[str, str]]) -> UnitWords:
        """The unit words of the rows of ``units.csv`` (as text)."""
        by_word: dict[str, str] = {}
        dims: dict[str, str] = {}
        for row in rows:
            dims[row["unit"]] = row["dimension"]
            for word in (row.get("words") or "").split("|"):
                word = " ".join(fold(word).split()).casefold()
                if word:
                    by_word[word] = row["unit"]
        return cls(by_word=by_word, dimensions=dims)

    def unit_of(self, unit_word: str | None) -> str:
        """The unit code of a unit word; ``count`` for ``None``.

        Raises
        ------
        KeyError
            When no unit of ``units.csv`` has this word.
        """
        if unit_word is None:
            return "count"
        key = " ".join(fold(unit_word).split()).casefold()
        if key in self.by_word:
            return self.by_word[key]
        if "-" in key and (spaced := key.replace("-", " ")) in self.by_word:
            return self.by_word[spaced]  # "square-meter" in "4,000-square-meter"
        raise KeyError(f"no unit of units.csv is named {unit_word!r}")

    @property
    def words(self) -> list[str]:
        """Every unit word printed after a number, longest first ("per cent" before "cent").

        The denominators of the ``fraction`` unit are left out: they follow a number word
        with a grammar of their own ("one-fifth" is not 1 fifth).
        """
        return sorted(
            (w for w, u in self.by_word.items() if self.dimensions[u] != FRACTION_UNIT),
            key=lambda w: (-len(w), w),
        )

    @property
    def fraction_unit(self) -> str | None:
        """The unit code of fractions (dimension ``fraction``), if ``units.csv`` has one."""
        return next((u for u, d in self.dimensions.items() if d == FRACTION_UNIT), None)

    def pattern(self) -> str:
        """The unit words as one regular expression (spaces as ``\\s+``), longest first."""
        alpha = [w for w in self.words if w[-1].isalnum()]
        other = [re.escape(w) for w in self.words if not w[-1].isalnum()]
        return "|".join([*other, rf"(?:{trie_regex(alpha)})(?![\w])"])

    @property
    def currency_words(self) -> list[str]:
        """The words of currency units, which may stand before the number ("RMB 5 million")."""
        return [w for w in self.words if self.dimensions[self.by_word[w]] == "currency"]

    def currency_pattern(self) -> str:
        """The :attr:`currency_words` as one regular expression (a word ending in a letter
        ends there, or touches its number: "RMB20 million"; so may a symbol such as ``US$``)."""
        alpha = [w for w in self.currency_words if w[-1].isalnum()]
        symbols = [w for w in self.currency_words if not w[-1].isalnum()]
        parts = [rf"(?:{trie_regex(alpha)})(?![A-Za-z_])"]  # "RMB20 million" too
        if symbols:
            parts.insert(0, f"(?:{trie_regex(symbols)})")
        return "|".join(parts)

    def singular_pattern(self) -> str:
        """Unit words usable in a hyphenated adjective ("14-day", "70-year-old"), a unit of
        several words with hyphens ("square-meter"), longest first."""
        words = [w for w in self.words if w.isalpha() and not w.endswith("s")]
        words += [  # "4,000-square-meter": a unit of several words, hyphenated
            w.replace(" ", "-")
            for w in self.words
            if " " in w and w.replace(" ", "").isalpha() and not w.endswith("s")
        ]
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# -- reading a quote -------------------------------------------------------------------------


def quantity_pattern(units: UnitWords, *, in_text: bool) -> str:
    """The grammar of a quote above as one verbose regular expression, with named groups.

    The same expression reads quotes (``in_text=False``: the whole quote, which may also be
    "24 out of 28" or start with "from") and finds figures in running text (``in_text=True``:
    the parser adds its own look-behind; "a"/"an" must follow a space there). Groups:
    ``qual``, ``from``, ``cur``, ``fnum``/``fden`` (a fraction), ``num``, ``scale``,
    ``num2``, ``scale2`` (a range's upper end), ``btw`` ("between", before a range),
    ``half`` ("half" of something, a fraction: "nearly half of them"), ``snum``/``sden``
    (a share: "one in five"), ``aged`` (an age),
    ``hnum`` (a number word glued to ``-adj``), ``an``/``ascale``, ``odd`` ("-odd" glued to
    the number), ``unit``, ``adj``, ``old``, ``post`` (a qualifier after the number).
    """
    an_start = r"(?<=\s)" if in_text else ""
    # "from" opens a range in a quote; in running text only after "aged" ("aged from 18 to 60"):
    # "from 30 to 50" there is a range without it
    aged = r"(?:(?P<aged>aged)\s+(?:(?P<from>from)\s+)?)?" if in_text else r"(?:(?P<aged>aged)\s+)?"
    from_ = "" if in_text else r"(?:(?P<from>from)\s+)?"
    out_of = "" if in_text else rf"(?:\s+out\s+of\s+{NUMBER})?"
    units_re = units.pattern()
    half_of = r"(?=\s+of(?![\w-]))" if in_text else ""  # "half of them"; the quote ends there
    # a scale glued to its unit by a hyphen, as an adjective: "a 1.5-billion-yuan fund"
    singular = units.singular_pattern()
    glued = rf"-(?:{singular})(?![\w-])"
    return rf"""
        {aged}
        (?:(?P<qual>{QUALIFIER})\s+)?
        {from_}
        (?:(?P<btw>between)\s+)?
        (?:
            (?P<fnum>{HYPHEN_WORD}|{_ATOM}|an?)(?:-|\s+)(?P<fden>{FRACTION})
          | (?P<half>half){half_of}
          | (?=[\w-]+\s+in\s)(?P<snum>{_SHARE_NUMBER})\s+in\s+(?P<sden>{_SHARE_NUMBER})
            (?![\w-]|\s*(?:%|{units_re})|\s+{SCALE})
          |
            (?:(?P<cur>{units.currency_pattern()})\s*)?
            (?:
                (?P<num>{NUMBER})
                (?:(?:\s+|-(?={_SCALE_WORD}-))(?P<scale>{_SCALE_WORD}(?:(?![\w-])|(?={glued}))))?
                (?:(?:\s*-\s*|\s+to\s+|(?(btw)\s+and\s+|(?!)))
                   (?P<num2>{NUMBER})(?:\s+(?P<scale2>{SCALE}))?)?
                (?(btw)(?(num2)|(?!)))
                (?P<odd>-odd(?![\w-]))?
              | (?P<hnum>{HYPHEN_WORD})(?=-(?:{singular})(?![\w]))
              | {an_start}(?P<an>an?)\s+(?=(?:{SCALE}|{units_re}))(?P<ascale>{SCALE})?
            )
            {out_of}
            (?:
                (?:\s+{_UNIT_ADJECTIVE}(?=\s))?\s*(?P<unit>%|{units_re})
              | -(?P<adj>{singular})(?P<old>-old)?(?![\w-])
            )?
        )
        (?:\s+(?P<post>{POST_QUALIFIER})(?![\w-]))?
    """


@lru_cache(maxsize=8)
def _quote_regex(units: UnitWords) -> re.Pattern[str]:
    return re.compile(quantity_pattern(units, in_text=False), re.IGNORECASE | re.VERBOSE)


def exact_value(number: str) -> Fraction:
    """The exact value of a number as printed: digits or a run of number words.

    Examples
    --------
    >>> exact_value("4.1"), exact_value("Eighty-three"), exact_value("an")
    (Fraction(41, 10), Fraction(83, 1), Fraction(1, 1))

    Raises
    ------
    ValueError
        When ``number`` is not a number.
    """
    if len(number) > _LONGEST:
        raise ValueError(f"a number of {len(number):,} characters is no figure")
    if number.isascii() and number.isdigit():  # the common case, read as below
        return Fraction(int(number))
    text = " ".join(number.split()).casefold()
    if text in ("a", "an"):
        return Fraction(1)
    if text[:1].isdigit():
        digits = text.replace(",", "")
        if not re.fullmatch(r"\d+(?:\.\d+)?", digits):
            raise ValueError(f"{number!r} is not a number")
        return Fraction(digits)
    return Fraction(_words_value(text))


_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_LONGEST = 400
"""The most characters a number is read from: a float holds nothing past 10**309, and
Python refuses to convert more than 4,300 digits (as a guard of its own time)."""


def quick_value(number: str) -> float | None:
    """``to_float(exact_value(number))``, read without :class:`~fractions.Fraction`;
    ``None`` where :func:`exact_value` would raise, and for digits that are not ASCII.

    ``float`` of an integer or of a decimal string is the float nearest its exact value,
    as is ``float`` of the exact :class:`~fractions.Fraction`: the two are one value.

    Examples
    --------
    >>> quick_value("41,300"), quick_value("2.6"), quick_value("Seventeen"), quick_value("x")
    (41300.0, 2.6, 17.0, None)
    """
    if number.isascii() and number.isdigit():  # the common case
        return _int_float(int(number)) if len(number) <= _LONGEST else None
    if len(number) > _LONGEST:
        return None  # exact_value refuses it
    text = " ".join(number.split()).casefold()
    if text in ("a", "an"):
        return 1.0
    if text[:1].isdigit():
        digits = text.replace(",", "")
        if not digits.isascii() or _PLAIN_DECIMAL.fullmatch(digits) is None:
            return None
        return float(digits)
    try:
        return _int_float(_words_value(text))
    except ValueError:
        return None


def _int_float(n: int) -> float:
    try:
        return float(n)
    except OverflowError:
        return float("inf")


def number_value(number: str) -> float:
    """:func:`exact_value` as the nearest float.

    Examples
    --------
    >>> number_value("41,300"), number_value("Eighty-three"), number_value("an")
    (41300.0, 83.0, 1.0)
    """
    return float(exact_value(number))


@lru_cache(maxsize=4096)
def _words_value(text: str) -> int:
    from text_to_num import text2num

    try:
        return int(text2num(text, "en"))
    except (ValueError, TypeError, AssertionError):
        raise ValueError(f"{text!r} is not a run of number words") from None


@dataclass(frozen=True)
class ExactQuantity:
    """What a match of :func:`quantity_pattern` reads, exactly (see :func:`read_match`)."""

    value: Fraction
    value_max: Fraction | None
    qualifier: str
    unit_word: str | None
    fraction: bool = False
    """A share of a whole ("one-fifth", "half", "one in five"): the ``fraction`` unit."""

    def quantity(self) -> Quantity:
        """The quantity with float values (each the nearest float to the exact value)."""
        top = None if self.value_max is None else to_float(self.value_max)
        return Quantity(to_float(self.value), self.qualifier, self.unit_word, top)


def to_float(value: Fraction) -> float:
    """The float nearest ``value``; infinity past the largest float.

    Examples
    --------
    >>> to_float(Fraction(41, 10) * 10**9), to_float(Fraction(10) ** 400)
    (4100000000.0, inf)
    """
    try:
        return float(value)
    except OverflowError:
        return float("inf")


def qualifier_of(groups: dict[str, str | None]) -> str:
    """The qualifier of a match of :func:`quantity_pattern` (its ``groupdict()``): the
    phrase before the number, else "-odd" glued to it, else the phrase after it, else
    ``exact``.

    Examples
    --------
    >>> qualifier_of({"qual": "No  more than", "post": None})
    'up_to'
    >>> qualifier_of({"qual": None, "post": "or above"}), qualifier_of({"qual": None, "post": None})
    ('at_least', 'exact')
    """
    if groups["qual"]:
        return QUALIFIER_PHRASES[" ".join(groups["qual"].split()).casefold()]
    if groups.get("odd"):
        return ODD_QUALIFIER
    if groups.get("post"):
        return POST_QUALIFIER_PHRASES[" ".join(groups["post"].split()).casefold()]
    return EXACT


def read_match(m: re.Match[str]) -> ExactQuantity:
    """Read a match of :func:`quantity_pattern` into its exact quantity.

    Raises
    ------
    ValueError
        When a number does not read, a range does not rise, "from" has no range, or
        "a"/"an" stands before no unit.
    """
    g = m.groupdict()
    qualifier = qualifier_of(g)
    if g.get("half"):
        return ExactQuantity(Fraction(1, 2), None, qualifier, g["half"], fraction=True)
    if g.get("sden"):
        part, whole = exact_value(g["snum"]), exact_value(g["sden"])
        if not 0 < part < whole:
            raise ValueError(f"a share {m.group()!r} needs a part below its whole")
        return ExactQuantity(part / whole, None, qualifier, None, fraction=True)
    if g["fden"]:
        numerator = g["fnum"].casefold()
        if numerator in ("a", "an") and g["fden"].casefold().startswith("hal"):
            numerator = "one"  # "a half"
        value = exact_value(numerator) / FRACTIONS[g["fden"].casefold()]
        return ExactQuantity(value, None, qualifier, g["fden"], fraction=True)
    unit_word = g["unit"] or g["adj"] or g["cur"]
    num = g["num"] or g["hnum"] or g["an"]
    if g["an"] and not (g["unit"] or g["adj"] or g["ascale"]):
        raise ValueError("'a'/'an' counts only before a unit")
    value = exact_value(num)
    scale = g["scale"] or g["ascale"]
    if scale:
        value *= SCALES[scale.casefold()]
    top = None
    if g["num2"]:
        top = exact_value(g["num2"])
        bare = exact_value(num)
        if g["scale2"]:
            top *= SCALES[g["scale2"].casefold()]
            if not scale and bare < exact_value(g["num2"]):
                value *= SCALES[g["scale2"].casefold()]  # "2-3 million": both ends' scale
        elif scale and exact_value(g["num2"]) > bare:
            top *= SCALES[scale.casefold()]  # "2 million to 3"
        if top <= value:
            raise ValueError(f"the range's upper end {g['num2']!r} is not above its lower end")
    if g.get("from") and top is None:
        raise ValueError("'from' stands only before a range ('from 30 to 50')")
    if g.get("btw") and top is None:  # pragma: no cover - the expression requires the range
        raise ValueError("'between' stands only before a range ('between 30 and 50')")
    if unit_word is not None:
        unit_word = " ".join(unit_word.split())
    elif g.get("aged"):
        unit_word = AGE_UNIT_WORD  # "aged 42": an age, in years
    return ExactQuantity(value, top, qualifier, unit_word)


def read_exact(quote: str, *, units: UnitWords | None = None) -> ExactQuantity:
    """:func:`read_quantity` with exact values (:class:`fractions.Fraction`).

    Examples
    --------
    >>> read_exact("33.3 million").value
    Fraction(33300000, 1)
    """
    units = units if units is not None else UnitWords.load()
    text = fold(quote).strip()
    m = _quote_regex(units).fullmatch(text)
    if m is None or not text:
        raise ValueError(
            f"the quote {quote!r} is not a quantity: expected [qualifier] number [scale] [unit], "
            'e.g. "more than 140,000", "250 million yuan", "97.5%", "Seventeen", "5-8℃"'
        )
    try:
        return read_match(m)
    except ValueError as exc:
        raise ValueError(f"the quote {quote!r} is not a quantity: {exc}") from None


def read_quantity(quote: str, *, units: UnitWords | None = None) -> Quantity:
    """Read a figure's quote into its value, qualifier and unit word.

    Parameters
    ----------
    quote
        The quote as stored in ``figures.quote``.
    units
        The unit vocabulary; default: ``units.csv`` of the installed package.

    Raises
    ------
    ValueError
        When the quote is not, as a whole, a quantity of the grammar above.

    Examples
    --------
    >>> read_quantity("97.5%")
    Quantity(value=97.5, qualifier='exact', unit_word='%', value_max=None)
    >>> read_quantity("Eighty-three")
    Quantity(value=83.0, qualifier='exact', unit_word=None, value_max=None)
    >>> read_quantity("from 30 to 50").value_max
    50.0
    >>> read_quantity("a 14-day")
    Traceback (most recent call last):
    ...
    ValueError: the quote 'a 14-day' is not a quantity: ...
    """
    return read_exact(quote, units=units).quantity()


@lru_cache(maxsize=8)
def _unit_words(rows: CuratedRows) -> UnitWords:
    """The unit words of one state of ``units.csv`` (one object per state, so that caches
    keyed by it hit)."""
    return UnitWords.from_records(rows.units)
