"""Names of organizations that the registry does not know, for a curator to consider.

``szdata add`` lists them after parsing a new text. A name is a run of capitalised words
joined by "of", "and", "for", "the", "on", "&" or commas, that holds an organization word
("Bureau", "Commission", "Office", "Hospital", ...). It is proposed whole: "Foreign Affairs
Office of Shenzhen Municipal Government" is one name, never "Foreign Affairs Office" and
"Shenzhen Municipal Government". "and" or a comma ends a name only after a complete name
("the Municipal Health Commission and Shenzhen Daily" is two), not inside one ("Human
Resources and Social Security Bureau"). Words that open a sentence ("During", "Since the")
are not part of a name, nor are weekdays and months ("Tuesday, the ..."). A name ends in an
organization word, or holds one followed by "of" ("Bureau of Commerce"). A name a mention
already covers is not proposed; a longer name around a known one is (the registry lacks it).

Examples
--------
>>> text = ("Since the Foreign Affairs Office of Shenzhen Municipal Government and the "
...         "Shenzhen Municipal Human Resources and Social Security Bureau met, Li said.")
>>> propose_organizations(text, [])  # doctest: +NORMALIZE_WHITESPACE
['Foreign Affairs Office of Shenzhen Municipal Government',
 'Shenzhen Municipal Human Resources and Social Security Bureau']
>>> propose_organizations("The Shenzhen Daily Office opened.", [(4, 18)])
['Shenzhen Daily Office']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

ORGANIZATION_WORDS = frozenset(
    [
        "Bureau",
        "Commission",
        "Committee",
        "Office",
        "Hospital",
        "Government",
        "Federation",
        "Association",
        "University",
        "Administration",
        "Center",
        "Centre",
        "Department",
        "Group",
        "Daily",
        "TV",
        "Television",
        "Company",
        "Council",
        "Institute",
        "Branch",
        "Headquarters",
        "Ministry",
        "Agency",
        "Authority",
        "Foundation",
        "Society",
        "Union",
        "Corporation",
        "Co.",
        "Ltd",
        "Customs",
        "Court",
        "Procuratorate",
        "Station",
        "Network",
        "Online",
        "Release",
        "News",
        "Press",
        "Party",
    ]
)
"""Words that end or head an organization's name."""

_CONNECTORS = frozenset(["of", "and", "for", "the", "on", "&", ","])
_SPLITTERS = frozenset(["and", ",", "&"])
_OPENERS = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "These",
        "That",
        "Those",
        "Since",
        "During",
        "In",
        "On",
        "At",
        "By",
        "For",
        "With",
        "From",
        "To",
        "And",
        "But",
        "As",
        "After",
        "Before",
        "When",
        "While",
        "Under",
        "Over",
        "According",
        "Recently",
        "Meanwhile",
        "Also",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "Both",
        "Each",
        "Every",
        "All",
        "Some",
        "Many",
        "Most",
        "Other",
        "Such",
        "Then",
        "Now",
        "Today",
        "Yesterday",
        "Last",
        "Next",
        "If",
        "Although",
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    ]
)
"""Capitalised words that open a sentence rather than a name."""
_TOKEN = re.compile(r"[A-Za-z][\w'’&.-]*|,|&")
_GAP = re.compile(r"[ \t\u00a0]*")


def propose_organizations(text: str, known_spans: Iterable[tuple[int, int]]) -> list[str]:
    """Whole organization names in ``text`` that no known span (mention) covers, in order."""
    covered = sorted(known_spans)
    proposals: list[str] = []
    for start, end, name in _names(text):
        if _covered(covered, start, end):
            continue
        if name not in proposals:
            proposals.append(name)
    return proposals


def _names(text: str) -> Iterable[tuple[int, int, str]]:
    run: list[re.Match[str]] = []
    last_end = -1
    for m in _TOKEN.finditer(text):
        joined = run and _GAP.fullmatch(text, last_end, m.start()) is not None
        word = m.group()
        if not (word[0].isupper() or word in _CONNECTORS):
            joined = False
        if run and run[-1].group().endswith(".") and word in _OPENERS:
            joined = False  # "... X. The Bureau": a new sentence
        if run and not joined:
            yield from _split(text, run)
            run = []
        if word[0].isupper() or (run and word in _CONNECTORS):
            run.append(m)
        last_end = m.end()
    if run:
        yield from _split(text, run)


def _split(text: str, run: list[re.Match[str]]) -> Iterable[tuple[int, int, str]]:
    """The names in one run of capitalised words and connectors."""
    part: list[re.Match[str]] = []
    for m in run:
        word = m.group()
        if word in _SPLITTERS and _complete(part):
            yield from _name(text, part)
            part = []
            continue
        part.append(m)
    yield from _name(text, part)


def _complete(part: list[re.Match[str]]) -> bool:
    words = [m.group() for m in part if m.group() not in _CONNECTORS]
    return bool(words) and words[-1].rstrip(".") in ORGANIZATION_WORDS | {"Co"}


def _name(text: str, part: list[re.Match[str]]) -> Iterable[tuple[int, int, str]]:
    while part and (part[0].group() in _OPENERS or part[0].group() in _CONNECTORS):
        part = part[1:]
    while part and part[-1].group() in _CONNECTORS:
        part = part[:-1]
    words = [m.group().rstrip(".") for m in part]
    if len(words) < 2:
        return
    headed = words[-1] in ORGANIZATION_WORDS or any(
        w in ORGANIZATION_WORDS and after == "of" for w, after in itertools.pairwise(words)
    )
    if not headed:  # "Daily Briefing on Fighting" is no organization
        return
    start, end = part[0].start(), part[-1].end()
    yield start, end, " ".join(text[start:end].split())


def _covered(covered: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one known span holds all of ``start:end``."""
    import bisect

    i = bisect.bisect_right(covered, (start, float("inf"))) - 1
    while i >= 0 and covered[i][0] <= start:
        if covered[i][1] >= end:
            return True
        i -= 1
        if start - covered[i + 1][0] > 200:
            break
    return False
