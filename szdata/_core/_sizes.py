"""Byte counts for people, written once for every output (site downloads, ``szdata cache``)."""

from __future__ import annotations


def human_size(n: int) -> str:
    """A byte count for people (KB and MB of 1024).

    Examples
    --------
    >>> human_size(512), human_size(2364), human_size(5_301_000)
    ('512 B', '2.3 KB', '5.1 MB')
    """
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
