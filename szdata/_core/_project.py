"""What the project's own metadata says about where to reach it.

The address of the issue tracker is read from the installed distribution's metadata, that is
from ``[project.urls]`` of ``pyproject.toml`` (a URL labelled ``Issues``, ``Bug Tracker``,
``Tracker`` or ``Bugs``), never written in a message by hand. Where the metadata names none,
messages name no address.

Examples
--------
>>> issues_url() is None or issues_url().startswith("https://")
True
>>> report_hint()  # doctest: +ELLIPSIS
'...report it to the maintainers...'
"""

from __future__ import annotations

from functools import lru_cache

_LABELS = ("issues", "bug tracker", "bugtracker", "tracker", "bugs", "issue tracker")


@lru_cache(maxsize=1)
def issues_url() -> str | None:
    """The issue tracker of ``[project.urls]``, or ``None`` when the metadata names none."""
    from importlib import metadata

    try:
        entries = metadata.metadata("szdata").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        url = url.strip()
        if label.strip().casefold() in _LABELS and url.startswith("https://"):
            return url
    return None


def report_hint() -> str:
    """How to report a problem: at the tracker when the metadata names one.

    Examples
    --------
    >>> report_hint().startswith("report it")
    True
    """
    url = issues_url()
    return f"report it at {url}" if url else "report it to the maintainers of szdata"
