"""The numbered items of a Daily Briefing: number, headline, printed source and span.

An item is a paragraph that starts with its number and a full stop ("3. Seventeen
members ..."). Its span runs from the number to the end of the paragraph; its headline
is its first sentence, verbatim; its source is printed at its end as
``(Source: X)``, ``(Source:X)`` or ``[Source: X]``. A text cut off inside the source
(``(Source: `` at the end) or before it gives no source.

Examples
--------
>>> text = "1. First thing. More. (Source:sznews.com)\\n\\n2. Cut off mid-wo"
>>> [(i.number, i.headline, i.source) for i in find_items(text, text, [(0, 41), (43, 60)])]
[(1, 'First thing.', 'sznews.com'), (2, 'Cut off mid-wo', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from szdata._parse._sentences import first_sentence

_ITEM = re.compile(r"(?P<no>\d{1,3})\.\s+(?=\S)")
_SOURCE = re.compile(
    r"(?:\(\s*Source\s*:\s*(?P<p>[^()\n]*?)\s*\)|\[\s*Source\s*:\s*(?P<b>[^\[\]\n]*?)\s*\])\s*$",
    re.IGNORECASE,
)
_CUT_SOURCE = re.compile(r"[(\[]\s*Source\b[^()\[\]\n]*$", re.IGNORECASE)


@dataclass(frozen=True)
class ItemMatch:
    """A numbered item found in the text."""

    number: int
    start: int
    end: int
    headline: str
    source: str | None
    source_span: tuple[int, int] | None


def find_items(text: str, folded: str, paragraphs: list[tuple[int, int]]) -> list[ItemMatch]:
    """The numbered items among ``paragraphs`` (spans of the body of a briefing)."""
    out = []
    for p_start, p_end in paragraphs:
        m = _ITEM.match(folded, p_start, p_end)
        if m is None:
            continue
        body_start = m.end()
        body_end = p_end
        source = None
        source_span = None
        opens = _last_brackets(folded, body_start, p_end)
        sm = next((x for i in opens if (x := _SOURCE.match(folded, i, p_end))), None)
        if sm is not None:
            group = "p" if sm.group("p") is not None else "b"
            s, e = sm.span(group)
            source = text[s:e] or None
            source_span = (s, e) if source else None
            body_end = sm.start()
        else:
            cut = _CUT_SOURCE.match(folded, opens[-1], p_end) if opens else None
            if cut is not None:
                body_end = cut.start()
        while body_end > body_start and folded[body_end - 1].isspace():
            body_end -= 1
        h_start, h_end = first_sentence(folded, body_start, body_end) or (body_start, body_end)
        out.append(
            ItemMatch(
                number=int(m["no"]),
                start=p_start,
                end=p_end,
                headline=text[h_start:h_end],
                source=source,
                source_span=source_span,
            )
        )
    return out


def _last_brackets(folded: str, start: int, end: int) -> list[int]:
    """Where a source can open: at the last "(" or the last "[" of the span, ascending.

    A source, even cut off, ends the paragraph and holds no bracket, so :data:`_SOURCE`
    and :data:`_CUT_SOURCE` can match there only: matching there is searching the span.
    """
    return sorted(
        i for i in (folded.rfind("(", start, end), folded.rfind("[", start, end)) if i >= 0
    )
