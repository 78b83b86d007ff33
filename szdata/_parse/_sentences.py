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

_LINE = re.compile(r"[^\r\n]+")
_TRAILING = re.compile(r"\s+$")
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
    for m in _LINE.finditer(text):
        start, end = m.span()
        line = m.group()
        stripped = line.rstrip()
        if not stripped.strip():
            continue
        end = start + len(stripped)
        spans.append((start, end))
    return spans


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` (one paragraph) as spans of ``text``."""
    out = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(start, m.start() - 12), m.start())
            if w and (w.group(1).casefold().rstrip(".") in ABBREVIATIONS or len(w.group(1)) == 1):
                continue
        out.append((_skip_space(text, pos, m.end()), m.end()))
        pos = m.end()
    if pos < end:
        s = _skip_space(text, pos, end)
        if s < end:
            out.append((s, end))
    return out


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos
