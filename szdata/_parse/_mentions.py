"""Organization mentions: every name or alias of the registry printed in the text.

Names are matched on folded text (curly quotes and dashes made ASCII, one character for
one), case-insensitively, word-bounded, with any run of spaces between words, using one
regular expression of every name, longest first. Where two matches overlap, the longest
wins ("Shenzhen Municipal Human Resources and Social Security Bureau" over its alias
"Municipal Human Resources and Social Security Bureau").

Examples
--------
>>> from szdata._parse._registry import Registry
>>> reg = Registry.from_names([("Shenzhen Daily", "sd"), ("Daily Briefing Office", "dbo")])
>>> find_mentions("Shenzhen  Daily Briefing Office", reg)
[(10, 31, 'dbo')]
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import TYPE_CHECKING

from szdata._core._normalize import fold, name_key
from szdata._parse._regex import matches_at

if TYPE_CHECKING:
    import re
    from collections.abc import Iterator

    from szdata._parse._registry import Registry


def find_mentions(
    folded: str, registry: Registry, *, at: list[int] | None = None
) -> list[tuple[int, int, str]]:
    """``(start, end, organization_id)`` of every mention in ``folded``, in text order.

    ``at``: the positions where a name may start (see :func:`szdata._parse._scan.scan`),
    to try the expression there only.
    """
    regex = registry.mention_regex
    window = registry.longest_name + 1
    candidates: set[tuple[int, int]] = set()
    firsts = registry.first_words
    acronyms = registry.acronyms
    for m in regex.finditer(folded) if at is None else matches_at(regex, folded, at):
        if acronyms and _lower_acronym(m.group(), acronyms):
            continue
        candidates.add(m.span())
        if firsts.isdisjoint(_later_words(m.group())):
            continue  # no other name can start inside this one
        limit = min(len(folded), m.end() + window)
        for pos in _starts_inside(regex, folded, m, limit, at):
            full = regex.match(folded, pos)
            if full is not None and not (acronyms and _lower_acronym(full.group(), acronyms)):
                candidates.add(full.span())
    # Longest first; a name is kept if it overlaps none kept before. Only names that
    # overlap can compete, so the candidates are split into runs of overlapping names
    # (a sweep by start) and each run is settled alone: linear in the number of names.
    starts: list[int] = []
    ends: list[int] = []
    for run in _overlapping_runs(sorted(candidates)):
        if len(run) == 1:  # most names overlap none
            starts.append(run[0][0])
            ends.append(run[0][1])
            continue
        kept: list[tuple[int, int]] = []
        for s, e in sorted(run, key=lambda c: (c[0] - c[1], c[0])):
            if all(e <= ks or ke <= s for ks, ke in kept):
                kept.append((s, e))
        for s, e in sorted(kept):
            starts.append(s)
            ends.append(e)
    out = []
    for s, e in zip(starts, ends, strict=True):
        org = registry.by_key.get(_name_key(folded[s:e]))
        if org is not None:
            out.append((s, e, org))
    return out


def _lower_acronym(printed: str, acronyms: frozenset[str]) -> bool:
    """Whether ``printed`` is a capitals-only name ("WHO") printed otherwise ("who")."""
    return not printed.isupper() and _name_key(printed) in acronyms


def _overlapping_runs(spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """``spans`` (sorted) grouped into runs where each span overlaps the run before it.

    Examples
    --------
    >>> list(_overlapping_runs([(0, 5), (3, 8), (9, 10)]))
    [[(0, 5), (3, 8)], [(9, 10)]]
    """
    run: list[tuple[int, int]] = []
    reach = -1
    for s, e in spans:
        if run and s >= reach:
            yield run
            run = []
        run.append((s, e))
        reach = max(reach, e) if len(run) > 1 else e
    if run:
        yield run


@lru_cache(maxsize=4096)
def _later_words(printed: str) -> tuple[str, ...]:
    """The words of a printed name after its first, as names start (lower case)."""
    return tuple(printed.replace("-", " ").casefold().split()[1:])


@lru_cache(maxsize=4096)
def _name_key(printed: str) -> str:
    """:func:`szdata._core._normalize.name_key`, remembered: the same names recur in every text."""
    return name_key(printed)


def _starts_inside(
    regex: re.Pattern[str], folded: str, m: re.Match[str], limit: int, at: list[int] | None
) -> Iterator[int]:
    """Where, inside the mention ``m`` (past its start), a name ends by ``limit``."""
    if at is None:
        pos = m.start() + 1
        while (o := regex.search(folded, pos, limit)) is not None and o.start() < m.end():
            yield o.start()
            pos = o.start() + 1
        return
    i = bisect.bisect_right(at, m.start())  # no slice: a copy of the tail per name is O(n)
    while i < len(at) and at[i] < m.end():
        if regex.match(folded, at[i], limit) is not None:
            yield at[i]
        i += 1


def organization_in(printed: str, registry: Registry) -> str | None:
    """The organization a printed field names: the whole field, or else the longest
    registered name in it ("sznews.com 深圳新闻网", "Shenzhen Daily (by Li Hua)").

    Examples
    --------
    >>> from szdata._parse._registry import Registry
    >>> reg = Registry.from_names([("Shenzhen Daily", "sd")])
    >>> organization_in("Shenzhen Daily (by Li Hua)", reg), organization_in("Li Hua", reg)
    ('sd', None)
    """
    whole = registry.organization_of(printed)
    if whole is not None:
        return whole
    found = find_mentions(fold(printed), registry)
    if not found:
        return None
    return max(found, key=lambda m: m[1] - m[0])[2]
