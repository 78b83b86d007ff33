"""The numbered items of a briefing: number, headline, printed source and span.

An item starts at a paragraph that opens with its number and a full stop ("3. Seventeen
members ...", or "1.Shenzhen ..." without the space, when a capital or a quote follows).
It runs over the paragraphs after it up to the next item: a headline paragraph followed
by body paragraphs, and in bilingual reposts a Chinese paragraph after the English one.
The last item ends with the paragraph that prints its source (and the Chinese paragraphs
right after it), so that a footer after the list is not part of it.

The source is printed at the end of a paragraph of the item, as ``(Source: X)``,
``(Source:X)``, ``[Source: X]``, ``【Source: X】`` or ``【来源:X】`` (full-width colons and
parentheses too), or without brackets as the paragraph's last line (``Source: X``); the
first one printed is the item's. A text cut off inside the source
(``(Source:`` at the end) or before it gives no source. The headline is the first
sentence of the item, verbatim.

Examples
--------
>>> text = "1.First thing. More. (Source:sznews.com)\\n\\n2. Cut off mid-wo"
>>> [(i.number, i.headline, i.source) for i in find_items(text, text, [(0, 40), (42, 59)])]
[(1, 'First thing.', 'sznews.com'), (2, 'Cut off mid-wo', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from szdata._parse._sentences import first_sentence

ITEM_START = re.compile(r"(?P<no>\d{1,3})\.(?:[ \t]+(?=\S)|(?=[A-Z\"'(\[]))")
"""A paragraph that opens an item: its number, a full stop, then a space or a capital."""

_OPEN, _CLOSE = "([【（", ")]】）"
_SOURCE = re.compile(
    r"[(\[【（]\s*(?:Source|来源|來源)\s*[:：]\s*(?P<s>[^()\[\]【】（）\n]*?)\s*[)\]】）]\s*$",
    re.IGNORECASE,
)
_CUT_SOURCE = re.compile(r"[(\[【（]\s*(?:Source|来源|來源)[^()\[\]【】（）\n]*$", re.IGNORECASE)
_BARE_SOURCE = re.compile(
    r"[ \t]*(?:Source|来源|來源)[ \t]*[:：][ \t]*(?P<s>[^()\[\]【】（）\n]*?)[ \t]*$", re.IGNORECASE
)
"""A source printed without brackets, as the last line of a paragraph: "Source: Shenzhen Daily"."""
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ItemMatch:
    """A numbered item found in the text."""

    number: int
    start: int
    end: int
    headline: str
    source: str | None
    source_span: tuple[int, int] | None


def is_chinese(text: str, start: int, end: int) -> bool:
    """Whether the paragraph ``text[start:end]`` is written in Chinese (a third of it CJK).

    Examples
    --------
    >>> is_chinese("深圳发布 5 万只口罩", 0, 11), is_chinese("Shenzhen 5", 0, 10)
    (True, False)
    """
    end = min(end, start + 400)  # the opening of a paragraph tells its language
    opening = text[start:end]
    if opening.isascii():  # no CJK character (most paragraphs: a fast answer)
        return False
    n = len(_CJK.findall(opening))
    return n * 3 >= max(1, len(opening.replace(" ", "")))


def find_items(text: str, folded: str, paragraphs: list[tuple[int, int]]) -> list[ItemMatch]:
    """The numbered items among ``paragraphs`` (spans of the body of a text)."""
    opens = [k for k, (p0, p1) in enumerate(paragraphs) if ITEM_START.match(folded, p0, p1)]
    out = []
    for n, k in enumerate(opens):
        last = opens[n + 1] if n + 1 < len(opens) else len(paragraphs)
        group = paragraphs[k:last]
        source = source_span = None
        end_k = len(group) - 1
        head_found = None  # the source of the item's first paragraph
        for j, (p0, p1) in enumerate(group):
            found = _source_of(folded, p0, p1)
            if j == 0:
                head_found = found
            if found is not None:
                source_span = found[1] if found[0] else None
                source = text[found[1][0] : found[1][1]] if found[0] else None
                if n + 1 == len(opens):  # the last item: its source ends it (and Chinese
                    end_k = j  # paragraphs printed after it)
                    while end_k + 1 < len(group) and is_chinese(folded, *group[end_k + 1]):
                        end_k += 1
                break
        p0, p1 = group[0]
        m = ITEM_START.match(folded, p0, p1)
        assert m is not None
        body_start = m.end()
        # the number before ``body_start`` holds no bracket: the paragraph's source is its body's
        body_end = _without_source(folded, body_start, p1, head_found)
        h_start, h_end = first_sentence(folded, body_start, body_end) or (body_start, body_end)
        out.append(
            ItemMatch(
                number=int(m["no"]),
                start=p0,
                end=group[end_k][1],
                headline=text[h_start:h_end],
                source=source or None,
                source_span=source_span if source else None,
            )
        )
    return out


_Found = tuple[bool, tuple[int, int], int]


def _source_of(folded: str, start: int, end: int) -> _Found | None:
    """``(printed, span, at)`` of the source at the end of a paragraph, which starts at
    ``at``; ``printed`` is false for a source cut off (``(Source:`` at the end); ``None``
    when the paragraph has none."""
    for i in _last_brackets(folded, start, end):
        m = _SOURCE.match(folded, i, end)
        if m is not None:
            return True, m.span("s"), i
        if _CUT_SOURCE.match(folded, i, end):
            return False, (i, i), i
    line = max(start, folded.rfind("\n", start, end) + 1)  # the paragraph's last line
    m = _BARE_SOURCE.match(folded, line, end)
    if m is not None and m["s"]:
        return True, m.span("s"), line
    return None


def _without_source(folded: str, start: int, end: int, found: _Found | None) -> int:
    """The end of a paragraph's text before its source, if it prints one (``found``: its
    :func:`_source_of`)."""
    if found is not None:
        end = max(start, found[2])
    while end > start and folded[end - 1].isspace():
        end -= 1
    return end


def _last_brackets(folded: str, start: int, end: int) -> list[int]:
    """Where a source can open: at the last opening bracket of each kind, ascending.

    A source, even cut off, ends the paragraph and holds no bracket, so :data:`_SOURCE`
    and :data:`_CUT_SOURCE` can match there only: matching there is searching the span.
    """
    return sorted(i for i in (folded.rfind(c, start, end) for c in _OPEN) if i >= 0)
