"""The index page's charts, drawn at build time as SVG with matplotlib.

Only matplotlib's object API is used (no ``pyplot``), so building a site neither changes
the caller's backend nor leaves figures open. The SVG is the same bytes on every run: its
ids are salted with a fixed string and its date metadata is left out.

Examples
--------
>>> svg = organizations_svg([("shenzhen-government", 3)], {"shenzhen-government": "Shenzhen"})
>>> svg.startswith("<?xml") and "Shenzhen" in svg
True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from szdata._site._data import Article

# The highlight colours of site.css, darkened enough for lines and bars on white (AA).
KIND_COLOURS: dict[str, str] = {"figure": "#9a5b00", "date": "#1f5fa8", "mention": "#2e7d32"}
_TOP = 12

_RC: dict[str, Any] = {
    "svg.hashsalt": "szdata-site",
    "svg.fonttype": "none",  # text stays text: searchable, scalable, small
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def organizations_svg(
    counts: Sequence[tuple[str, int]], names: Mapping[str, str], top: int = _TOP
) -> str:
    """A horizontal bar chart of the ``top`` most mentioned organizations.

    Parameters
    ----------
    counts
        ``(organization_id, mentions)`` pairs, most mentioned first.
    names
        Organization id -> name shown on the axis (the id when missing).
    """
    from matplotlib.figure import Figure

    shown = list(counts[:top])[::-1]  # most mentioned at the top
    labels = [_shorten(names.get(oid, oid)) for oid, _ in shown]
    values = [n for _, n in shown]
    fig = Figure(figsize=(7.0, 0.8 + 0.32 * max(len(shown), 1)), layout="constrained")
    with _rc():
        ax = fig.add_subplot()
        bars = ax.barh(range(len(shown)), values, color=KIND_COLOURS["mention"])
        ax.set_yticks(range(len(shown)), labels)
        ax.bar_label(bars, padding=3)
        ax.set_xlabel("mentions in the package")
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.suptitle(f"The {len(shown)} most mentioned organizations", x=0.01, ha="left")
        return _svg(fig)


def articles_svg(articles: Sequence[Article], kinds: Mapping[str, str]) -> str:
    """Figures, dates and mentions per article, by publication date.

    Parameters
    ----------
    articles
        The articles, in date order.
    kinds
        Highlight kind -> legend label (``{"figure": "Figures", ...}``).
    """
    import datetime as dt

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    days = [dt.date.fromisoformat(a.published) for a in articles]
    fig = Figure(figsize=(7.0, 3.2), layout="constrained")
    with _rc():
        ax = fig.add_subplot()
        markers = iter("osD^v")
        for kind, label in kinds.items():
            ax.plot(
                days,
                [a.count(kind) for a in articles],
                marker=next(markers, "o"),
                label=label,
                color=KIND_COLOURS.get(kind),
            )
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("rows per article")
        fig.suptitle("Highlights per article, by publication date", x=0.01, ha="left")
        ax.legend(frameon=False)
        return _svg(fig)


def _shorten(name: str, width: int = 48) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(_RC)


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with _rc():
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
