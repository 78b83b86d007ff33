"""Paragraphs and sentences of a text, as code-point spans.

A paragraph is a line of the text (briefings and stories print one paragraph a line);
its span excludes the line break and trailing spaces. A sentence ends at ``.``, ``!`` or
``?`` (with any closing quotes or brackets after it) followed by a space and a capital,
a digit or an opening quote, unless the word before the full stop is a known
abbreviation ("Mar.", "No.", "Dr.", "U.S.").

Examples
--------
>>> text = 'One "two." Three Mar. 20 and No. 3 here. Four'
>>> [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
['One "two."', 'Three Mar. 20 and No. 3 here.', 'Four']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "co",
        "ltd",
        "inc",
        "gov",
        "dept",
        "approx",
        "fig",
        "jr",
        "sr",
        "mt",
    ]
)
"""Words whose full stop does not end a sentence (lower case, without the last dot)."""


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The non-blank lines of ``text`` as ``(start, end)``, trailing spaces excluded.

    Examples
    --------
    >>> paragraph_spans("Title\\n\\n1. Item. \\n")
    [(0, 5), (7, 15)]
    """
    spans = []
    pos = 0
    for line in text.split("\n"):  # str.split finds line breaks far faster than a regex
        for part in line.split("\r") if "\r" in line else (line,):
            stripped = part.rstrip()
            if stripped.strip():
                spans.append((pos, pos + len(stripped)))
            pos += len(part) + 1
    return spans


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` (one paragraph) as spans of ``text``."""
    return list(_sentences(text, start, end))


def sentence_spans_of(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text``, paragraph by paragraph, as the parser splits them (sorted).

    Examples
    --------
    >>> sentence_spans_of("On March 3 it opened. On May 5 it closed. Bye.")
    [(0, 21), (22, 41), (42, 46)]
    """
    return [span for p in paragraph_spans(text) for span in _sentences(text, *p)]


def first_sentence(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The first of :func:`sentence_spans`, without splitting the rest; ``None`` if none.

    Examples
    --------
    >>> text = "First. Second."
    >>> first_sentence(text, 0, len(text)), first_sentence(text, 6, 6)
    ((0, 6), None)
    """
    return next(_sentences(text, start, end), None)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(start, m.start() - 12), m.start())
            if w and (w.group(1).casefold().rstrip(".") in ABBREVIATIONS or len(w.group(1)) == 1):
                continue
        yield (_skip_space(text, pos, m.end()), m.end())
        pos = m.end()
    if pos < end:
        s = _skip_space(text, pos, end)
        if s < end:
            yield (s, end)


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos
