"""Read the quote of a figure into a normalised quantity: value, qualifier and unit word.

The grammar of a quote (case-insensitive, after :func:`szdata._normalize.fold`)::

    quote     := [qualifier] [currency] number [scale] [unit]
    qualifier := "more than" | "over" | "nearly" | "about" | "around" | "almost"
               | "at least" | "up to" | ...            (see QUALIFIER_PHRASES)
    currency  := a currency word of ``units.csv`` printed before the number ("RMB 5 million")
    number    := digits with thousands separators and decimals   ("41,300", "2.6", "5000")
               | a run of number words                           ("Seventeen", "Eighty-three")
               | "a" | "an"  (one, only before a unit word)      ("More than a month")
    scale     := "hundred" | "thousand" | "million" | "billion" | "trillion"
    unit      := "%" | a word of ``units.csv``                   ("yuan", "days", "percent")
               | "-" singular unit word ["-old"]                 ("14-day", "70-year-old")

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
Quantity(value=140000.0, qualifier='more_than', unit_word=None)
>>> read_quantity("250 million yuan")
Quantity(value=250000000.0, qualifier='exact', unit_word='yuan')
>>> read_quantity("More than a month")
Quantity(value=1.0, qualifier='more_than', unit_word='month')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from szdata._normalize import fold

if TYPE_CHECKING:
    from szdata._package import Package


def trie_regex(keys: Iterable[str]) -> str:
    """One regular expression matching every key, longest first, as a character trie.

    A trie lets the regex engine follow one path per position instead of trying every
    key in turn; a space in a key matches any run of spaces. Keys are matched as given
    (compile with ``re.IGNORECASE`` for lower-case keys).

    Examples
    --------
    >>> trie_regex(["shenzhen daily", "shenzhen tv", "shenzhen"])
    'shenzhen(?:\\\\s+(?:daily|tv))?'
    """
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie) or r"(?!x)x"


def _emit(node: dict[str, dict]) -> str:
    children = sorted((ch, sub) for ch, sub in node.items() if ch)
    if not children:
        return ""
    alts = [(r"\s+" if ch == " " else re.escape(ch)) + _emit(sub) for ch, sub in children]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _trie_alternation(keys: Iterable[str]) -> str:
    return f"(?:{trie_regex(list(keys))})"


# -- the grammar's words, written once -------------------------------------------------------

QUALIFIER_PHRASES: dict[str, str] = {
    "more than": "more_than",
    "over": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "not less than": "at_least",
    "up to": "up_to",
    "at most": "up_to",
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

A test checks that these values and ``exact`` are exactly the schema's enum.
"""

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
SCALES: dict[str, int] = {
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
_ATOM = rf"(?:(?:{_TENS_RE})-(?:{_UNIT_RE})|{_trie_alternation([*_ONES, *_TEENS, *_TENS])}){_B}"
_SCALE = rf"(?:{'|'.join(SCALES)}){_B}"

WORD_NUMBER = rf"{_ATOM}(?:\s+(?:and\s+(?={_ATOM}))?(?:{_ATOM}|{_SCALE}))*"
"""A run of number words: "Seventeen", "Eighty-three", "one hundred and twenty", "two million"."""

DIGIT_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""Digits with optional thousands separators and decimals: "41,300", "97.5", "5000"."""

SCALE = _SCALE
"""A scale word after a number: "million" in "2.6 million"."""

QUALIFIER = _trie_alternation(QUALIFIER_PHRASES)
"""The qualifier phrases as one regular expression, longest first."""


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
        from szdata._parse._registry import Registry

        return Registry.load(package).units

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
        raise KeyError(f"no unit of units.csv is named {unit_word!r}")

    @property
    def words(self) -> list[str]:
        """Every unit word, longest first (so "per cent" is tried before "cent")."""
        return sorted(self.by_word, key=lambda w: (-len(w), w))

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
        """The :attr:`currency_words` as one regular expression."""
        return rf"(?:{trie_regex(self.currency_words)})(?![\w])"

    def singular_pattern(self) -> str:
        """Unit words usable in a hyphenated adjective ("14-day", "70-year-old")."""
        words = [w for w in self.words if w.isalpha() and not w.endswith("s")]
        return "|".join(re.escape(w) for w in words)


# -- reading a quote -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _quote_regex(units: UnitWords) -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?:(?P<qual>{QUALIFIER})\s+)?
        (?:(?P<cur>{units.currency_pattern()})\s*)?
        (?P<num>{DIGIT_NUMBER}|{WORD_NUMBER}|an?(?=\s))
        (?:\s*(?P<scale>{SCALE}))?
        (?:\s+out\s+of\s+(?:{DIGIT_NUMBER}|{WORD_NUMBER}))?
        (?:
            \s*(?P<unit>%|{units.pattern()})
          | -(?P<adj>{units.singular_pattern()})(?:-old)?
        )?
        """,
        re.IGNORECASE | re.VERBOSE,
    )


def number_value(number: str) -> float:
    """The value of a number as printed: digits or a run of number words.

    Examples
    --------
    >>> number_value("41,300"), number_value("Eighty-three"), number_value("an")
    (41300.0, 83.0, 1.0)

    Raises
    ------
    ValueError
        When ``number`` is not a number.
    """
    if number.isascii() and number.isdigit():  # the common case, read as below
        return float(number)
    text = " ".join(number.split()).casefold()
    if text in ("a", "an"):
        return 1.0
    if text[:1].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"{number!r} is not a number") from None
    return float(_words_value(text))


@lru_cache(maxsize=4096)
def _words_value(text: str) -> int:
    from text_to_num import text2num

    try:
        return int(text2num(text, "en"))
    except (ValueError, TypeError, AssertionError):
        raise ValueError(f"{text!r} is not a run of number words") from None


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
    Quantity(value=97.5, qualifier='exact', unit_word='%')
    >>> read_quantity("Eighty-three")
    Quantity(value=83.0, qualifier='exact', unit_word=None)
    >>> read_quantity("a 14-day")
    Traceback (most recent call last):
    ...
    ValueError: the quote 'a 14-day' is not a quantity: ...
    """
    units = units if units is not None else UnitWords.load()
    text = fold(quote).strip()
    m = _quote_regex(units).fullmatch(text)
    if m is None or not text:
        raise ValueError(
            f"the quote {quote!r} is not a quantity: expected [qualifier] number [scale] [unit], "
            'e.g. "more than 140,000", "250 million yuan", "97.5%", "Seventeen"'
        )
    num = m["num"]
    unit_word = m["unit"] or m["adj"] or m["cur"]
    if num.casefold() in ("a", "an") and not (m["unit"] or m["adj"] or m["scale"]):
        raise ValueError(
            f"the quote {quote!r} is not a quantity: 'a'/'an' counts only before a unit"
        )
    try:
        value = number_value(num)
    except ValueError as exc:
        raise ValueError(f"the quote {quote!r} is not a quantity: {exc}") from None
    if m["scale"]:
        value *= SCALES[m["scale"].casefold()]
    qualifier = EXACT
    if m["qual"]:
        qualifier = QUALIFIER_PHRASES[" ".join(m["qual"].split()).casefold()]
    if unit_word is not None:
        unit_word = " ".join(unit_word.split())
    return Quantity(value=value, qualifier=qualifier, unit_word=unit_word)
