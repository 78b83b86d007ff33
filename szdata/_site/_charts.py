"""The index page's charts, as HTML tables whose cells draw bars with CSS.

Why not matplotlib (which drew them as SVG images before): an image is drawn at one size,
so its text shrank to about 5 px on a phone; its labels went through mathtext, so a ``$``
in an organization's name crashed the build; and it needed a separate text alternative.
A chart that *is* a ``<table>`` has none of these faults: its labels are real text at the
page's CSS sizes (wrapping on a narrow screen, never smaller than the body's small text),
every value is escaped by the templates like any other text, the table is its own text
alternative for screen readers, and the bytes are the same on every run. Each bar is a
``<span>`` whose width is one of 101 classes (``w-0`` .. ``w-100``, percent of the
largest value, from :func:`bar_css`): the pages' Content-Security-Policy allows no inline
styles. So the ``site`` extra needs only Jinja2.

Examples
--------
>>> chart = organizations_chart([("a", 4), ("b", 1)], {"a": {"name": "A"}, "b": {"name": "B"}})
>>> [(b.label, b.value, b.width) for b in chart.bars]
[('A', 4, 100), ('B', 1, 25)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TOP = 15
"""Bars shown per chart; the rest are counted below it."""

_LONG = 80
"""Names longer than this are abbreviated on the bar, with the full name as a title."""


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the full name when the label is abbreviated, value and width."""

    label: str
    full: str | None
    note: str
    value: int
    width: int


@dataclass(frozen=True)
class BarChart:
    """A bar chart drawn as a table: one row per bar, most first."""

    id: str
    title: str
    caption: str
    label_header: str
    value_header: str
    bars: tuple[Bar, ...]
    more: int
    more_total: int


def bar_width(value: int, top: int) -> int:
    """The bar of ``value`` as a percent of ``top``; a value above 0 always shows.

    Examples
    --------
    >>> bar_width(0, 10), bar_width(1, 1000), bar_width(5, 10), bar_width(10, 10)
    (0, 1, 50, 100)
    """
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(100, math.ceil(100 * value / top)))


def bar_css() -> str:
    """The width classes of the bars (the pages allow no inline styles).

    Examples
    --------
    >>> bar_css().splitlines()[1]
    '.w-1 { width: 1%; }'
    """
    return "".join(f".w-{n} {{ width: {n}%; }}\n" for n in range(101))


def abbreviate(name: str, width: int = _LONG) -> str:
    """``name`` cut at a word boundary to at most ``width`` characters, with an ellipsis.

    Examples
    --------
    >>> abbreviate("Shenzhen Municipal Human Resources and Social Security Bureau", 30)
    'Shenzhen Municipal Human…'
    """
    if len(name) <= width:
        return name
    cut = name[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip(" ,;-") + "…"


def organizations_chart(
    counts: Sequence[tuple[str, int]], organizations: Mapping[str, Mapping[str, Any]]
) -> BarChart:
    """Organizations by how often the texts name them, with their full names."""

    def label(oid: str) -> tuple[str, str]:
        org = organizations.get(oid) or {}
        return str(org.get("name") or oid), str(org.get("kind") or "")

    return _chart(
        "organizations",
        "Organizations by mentions",
        "How many times the texts name each organization (one mention per place it is named).",
        "Organization",
        "Mentions",
        [(*label(oid), n) for oid, n in counts],
    )


def units_chart(
    counts: Sequence[tuple[str, int]], units: Mapping[str, Mapping[str, Any]]
) -> BarChart:
    """Figures by unit: how many figures of each unit the texts hold."""
    return _chart(
        "units",
        "Figures by unit",
        "How many figures the texts state in each unit (a count of claims, not their sum).",
        "Unit",
        "Figures",
        [(unit, str((units.get(unit) or {}).get("description") or ""), n) for unit, n in counts],
    )


def _chart(
    chart_id: str,
    title: str,
    caption: str,
    label_header: str,
    value_header: str,
    rows: list[tuple[str, str, int]],
) -> BarChart:
    top = max((n for _, _, n in rows), default=0)
    bars = tuple(
        Bar(
            label=abbreviate(name),
            full=name if abbreviate(name) != name else None,
            note=note,
            value=n,
            width=bar_width(n, top),
        )
        for name, note, n in rows[:TOP]
    )
    rest = rows[TOP:]
    return BarChart(
        chart_id,
        title,
        caption,
        label_header,
        value_header,
        bars,
        more=len(rest),
        more_total=sum(n for _, _, n in rest),
    )
