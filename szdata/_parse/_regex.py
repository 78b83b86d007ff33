"""Regular expressions the parser's families share: a trie of words, and matching at
candidate positions only.

Examples
--------
>>> import re
>>> re.fullmatch(trie_regex(["covid", "covid-19"]), "covid-19") is not None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_TRIE_DEPTH = 100
"""Groups nested deeper than this (keys that are prefixes of prefixes of ...) make
:func:`trie_regex` fall back to a flat alternation: Python's regular-expression parser
recurses once per nested group."""


def trie_regex(keys: Iterable[str]) -> str:
    """One regular expression matching every key, longest first, as a character trie.

    A trie lets the regex engine follow one path per position instead of trying every
    key in turn; a space in a key matches any run of spaces. Keys are matched as given
    (compile with ``re.IGNORECASE`` for lower-case keys). The trie is walked with a stack,
    not recursion, so that no key is too long (an alias of thousands of characters); keys
    nested more than :data:`MAX_TRIE_DEPTH` groups deep are matched by a flat alternation,
    longest first.

    Examples
    --------
    >>> trie_regex(["shenzhen daily", "shenzhen tv", "shenzhen"])
    'shenzhen(?:\\\\s+(?:daily|tv))?'
    >>> len(trie_regex(["x" * 5000]))
    5000
    """
    keys = list(keys)
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    out: list[str] = []
    depth = deepest = 0
    stack: list[str | dict[str, dict]] = [trie]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item == "(?:":
                depth += 1
                deepest = max(deepest, depth)
            elif item in (")", ")?"):
                depth -= 1
            out.append(item)
            continue
        children = sorted((ch, sub) for ch, sub in item.items() if ch)
        if not children:
            continue
        seq: list[str | dict[str, dict]] = []
        if "" in item:
            seq.append("(?:")
        if len(children) > 1:
            seq.append("(?:")
        for i, (ch, sub) in enumerate(children):
            if i:
                seq.append("|")
            seq += [r"\s+" if ch == " " else re.escape(ch), sub]
        if len(children) > 1:
            seq.append(")")
        if "" in item:
            seq.append(")?")
        stack.extend(reversed(seq))
    if deepest > MAX_TRIE_DEPTH:
        flat = sorted({k for k in keys if k}, key=lambda k: (-len(k), k))
        return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in flat)
    return "".join(out) or r"(?!x)x"


def matches_at(regex: re.Pattern[str], text: str, positions: Iterable[int]) -> list[re.Match[str]]:
    """The matches ``regex.finditer(text)`` finds, trying ``regex`` at ``positions`` only.

    ``positions`` (ascending) must hold every position where ``regex`` matches, and
    ``regex`` must not match the empty string.

    Examples
    --------
    >>> [m.group() for m in matches_at(re.compile(r"a+"), "aaa ba", [0, 1, 5])]
    ['aaa', 'a']
    """
    out = []
    end = 0
    for pos in positions:
        if pos < end:
            continue
        m = regex.match(text, pos)
        if m is not None:
            out.append(m)
            end = m.end()
    return out
