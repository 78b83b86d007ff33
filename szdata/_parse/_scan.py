"""Where a date, a figure or an organization mention can start: one regex pass over a text.

Dates, figures and mentions each have their own regular expression, which starts with a
look-behind and would be tried at every position of the text by ``finditer``: three such
scans cost most of a parse. :func:`scan` finds, in one pass, the few word starts where
one of them can match: where one of their first words is printed (a month or weekday
name, "next", "yesterday", a number word, a currency word, "a"/"an" before a unit, an
organization name) or a digit. Each family then tries its own expression at its
candidates only (:func:`szdata._parse._regex.matches_at`), which gives exactly the
matches of its own ``finditer``: every position where the expression matches is a candidate.

The pass reads the lower-cased text, with a case-sensitive expression (far faster than a
case-insensitive one), and jumps from one character that is not ``[a-z0-9_]`` to the next
instead of looking behind at every position. Both stand in for the families' own
``re.IGNORECASE`` and ``(?<!\\w)`` when the words are ASCII and the text holds none of
the three letters that Python's regex engine folds to an ASCII letter but
:meth:`str.lower` does not ("ı", "İ", "ſ"). Otherwise :func:`scan` returns ``None`` and
each family scans the text itself, as fast as before.

Examples
--------
>>> from szdata._parse._registry import Registry
>>> reg = Registry.from_names([("Shenzhen Daily", "sd")])
>>> text = "On March 19, Shenzhen Daily counted Seventeen."
>>> c = scan(text, reg)
>>> [text[p : p + 5] for p in c.dates], [text[p : p + 5] for p in c.anchors]
(['March', '19, S'], ['19, S', 'Seven'])
>>> [text[p : p + 8] for p in c.mentions]
['Shenzhen']
>>> scan("Dotless \\u0131", reg) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from szdata._parse._dates import FIRST_WORDS as DATE_WORDS
from szdata._parse._figures import anchor_words
from szdata._parse._regex import trie_regex

if TYPE_CHECKING:
    from szdata._parse._registry import Registry

DATE, ANCHOR, MENTION = 1, 2, 4
"""The families of a candidate, as bits."""
_ALL = DATE | ANCHOR | MENTION
_DIGITS = "0123456789"
_UNSAFE = ("\u0130", "\u0131", "\u017f")
"""Letters ``re.IGNORECASE`` matches with an ASCII letter but ``str.lower`` keeps apart
("İ" is "i" to the regex engine but lower-cases to two characters)."""


@dataclass(frozen=True)
class Candidates:
    """Ascending positions where each family's expression may match (a superset)."""

    dates: list[int]
    anchors: list[int]
    mentions: list[int]


@dataclass(frozen=True)
class _Scanner:
    regex: re.Pattern[str] | None
    """A character other than ``[a-z0-9_]``, then a word; ``None`` if a word is not ASCII."""
    kinds: dict[str, int]
    """Word (lower case, single spaces) -> families of every word it starts with."""


def scan(folded: str, registry: Registry) -> Candidates | None:
    """The candidate positions of dates, figure anchors and mentions in ``folded``.

    ``None`` when the pass cannot stand in for the families' own scans (see above).
    """
    scanner = _scanner(registry)
    if scanner.regex is None or any(c in folded for c in _UNSAFE):
        return None
    low = " " + folded.lower()  # the space: a word may start at the first character
    if len(low) != len(folded) + 1:
        return None
    kinds = scanner.kinds
    dates: list[int] = []
    anchors: list[int] = []
    mentions: list[int] = []
    to_dates, to_anchors, to_mentions = dates.append, anchors.append, mentions.append
    for m in scanner.regex.finditer(low):
        word = m[1]
        kind = kinds.get(word)
        if kind is None:  # a run of spaces or a line break inside a name
            kind = kinds.get(" ".join(word.split()), _ALL)
        pos = m.start()  # the word's start in ``folded``: one character before, in ``low``
        if kind & DATE:
            to_dates(pos)
        if kind & ANCHOR:
            to_anchors(pos)
        if kind & MENTION:
            to_mentions(pos)
    return Candidates(dates, anchors, mentions)


@lru_cache(maxsize=8)
def _scanner(registry: Registry) -> _Scanner:
    words: dict[str, int] = {}
    for group, kind in (
        (DATE_WORDS, DATE),
        (_DIGITS, DATE | ANCHOR),
        (anchor_words(registry.units), ANCHOR),
        (registry.by_key, MENTION),
    ):
        for word in group:
            key = " ".join(word.split()).casefold()
            if key:
                words[key] = words.get(key, 0) | kind
    # The pass reports the longest word printed at a position, whose families include
    # those of every shorter word it starts with ("shenzhen daily" holds "shenzhen").
    kinds = {}
    for word in words:
        kind = 0
        for n in range(1, len(word) + 1):
            kind |= words.get(word[:n], 0)
        kinds[word] = kind
    if not all(w.isascii() for w in kinds):
        return _Scanner(regex=None, kinds=kinds)
    return _Scanner(regex=re.compile(rf"[^a-z0-9_](?=({trie_regex(kinds)}))"), kinds=kinds)
