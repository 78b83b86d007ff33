"""Split a text at every span boundary into a tree of nested highlight nodes.

Spans may nest (a date inside an item) or cross (a mention overlapping a figure). The
tree is built so that the text is kept exactly (the text nodes, read in order, are the
text) and every span gets exactly one *primary* node, opened where the span starts. When
spans nest, the primary node holds the whole span. When two spans cross, the one opened
later is closed where the earlier one ends and goes on in *continuation* nodes
(``continued=True``), so that the HTML built from the tree stays well nested.

Examples
--------
>>> tree = segment("ab cd", [Span("m", "figure", 0, 2), Span("d", "date", 3, 5)])
>>> [(n.span.id, n.text_content()) for n in tree if isinstance(n, Node)]
[('m', 'ab'), ('d', 'cd')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Union


@dataclass(frozen=True)
class Span:
    """A highlighted range ``[start, end)`` of a text, in code points.

    Parameters
    ----------
    id
        The row's id (unique among the spans of one text).
    kind
        What the span is (``figure``, ``date``, ``mention``, ``item``).
    start, end
        Offsets of the first character and just past the last one.
    rank
        Spans of a lower rank are kept outside those of a higher rank: items (rank 0)
        are never split by a highlight (rank 1) that starts before them.
    """

    id: str
    kind: str
    start: int
    end: int
    rank: int = 1


@dataclass
class Node:
    """An element of the tree: a span (or a continuation of one) and its children."""

    span: Span
    continued: bool = False
    children: list[Tree] = field(default_factory=list)

    def text_content(self) -> str:
        """The text inside the node, as a browser's ``textContent`` would give it."""
        return "".join(c if isinstance(c, str) else c.text_content() for c in self.children)


Tree = Union[str, Node]  # noqa: UP007 - a runtime alias, kept valid on Python 3.10


def segment(text: str, spans: Iterable[Span]) -> list[Tree]:
    """Split ``text`` at every boundary of ``spans`` and nest the pieces.

    At every boundary the stack of open nodes is compared with the spans covering the
    next piece, ordered outermost first (rank, then earlier start, then later end); the
    part of the stack that no longer matches is closed and the missing spans are opened,
    as continuations when they started before the boundary.

    Raises
    ------
    ValueError
        When a span is empty, reversed or outside the text.

    Examples
    --------
    >>> tree = segment("0123456789", [Span("a", "figure", 0, 6), Span("b", "mention", 3, 9)])
    >>> a, b = tree[0], tree[1]
    >>> a.text_content(), a.children[1].span.id, a.children[1].text_content()
    ('012345', 'b', '345')
    >>> b.continued, b.text_content(), tree[2]
    (True, '678', '9')
    """
    spans = sorted(spans, key=_order)
    for s in spans:
        if not 0 <= s.start < s.end <= len(text):
            raise ValueError(
                f"span {s.id!r} [{s.start}, {s.end}) is empty or outside the text "
                f"of {len(text)} characters"
            )
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    root: list[Tree] = []
    stack: list[Node] = []
    for lo, hi in pairwise(bounds):
        wanted = [s for s in spans if s.start <= lo and hi <= s.end]  # already in order
        keep = 0
        while keep < min(len(stack), len(wanted)) and stack[keep].span is wanted[keep]:
            keep += 1
        del stack[keep:]
        for s in wanted[keep:]:
            node = Node(s, continued=s.start < lo)
            (stack[-1].children if stack else root).append(node)
            stack.append(node)
        (stack[-1].children if stack else root).append(text[lo:hi])
    return root


def _order(s: Span) -> tuple[int, int, int, str, str]:
    return (s.rank, s.start, -s.end, s.kind, s.id)


def primaries(tree: Sequence[Tree]) -> list[Node]:
    """Every primary node of the tree (one per span), in document order.

    Examples
    --------
    >>> [n.span.id for n in primaries(segment("abc", [Span("x", "date", 0, 3)]))]
    ['x']
    """
    out: list[Node] = []
    for n in tree:
        if isinstance(n, Node):
            if not n.continued:
                out.append(n)
            out.extend(primaries(n.children))
    return out
