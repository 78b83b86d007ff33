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

from typing import TYPE_CHECKING

from szdata._normalize import name_key

if TYPE_CHECKING:
    from szdata._parse._registry import Registry


def find_mentions(folded: str, registry: Registry) -> list[tuple[int, int, str]]:
    """``(start, end, organization_id)`` of every mention in ``folded``, in text order."""
    regex = registry.mention_regex
    window = registry.longest_name + 1
    candidates: set[tuple[int, int]] = set()
    firsts = registry.first_words
    for m in regex.finditer(folded):
        candidates.add(m.span())
        inner = m.group().replace("-", " ").split()[1:]
        if not any(w.casefold() in firsts for w in inner):
            continue  # no other name can start inside this one
        pos = m.start() + 1
        while True:
            o = regex.search(folded, pos, min(len(folded), m.end() + window))
            if o is None or o.start() >= m.end():
                break
            full = regex.match(folded, o.start())
            if full is not None:
                candidates.add(full.span())
            pos = o.start() + 1
    chosen: list[tuple[int, int]] = []
    for s, e in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(e <= cs or s >= ce for cs, ce in chosen):
            chosen.append((s, e))
    out = []
    for s, e in sorted(chosen):
        org = registry.by_key.get(name_key(folded[s:e]))
        if org is not None:
            out.append((s, e, org))
    return out
