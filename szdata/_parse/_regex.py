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


def trie_regex(keys: Iterable[str]) -> str:
    """One regular expression matching every key, longest first, as a character trie.

    A trie lets the regex engine follow one path per position instead of trying every
    key in turn; a space in a key matches any run of spaces. Keys are matched as given
    (compile with ``re.IGNORECASE`` for lower-case keys).

    Examples
    --------
    >>> trie_regex(["shenzhen daily", "shenzhen tv", "shenzhen"])
    'shenzhen(?:\\\\s+(?:daily|tv))?'
    """
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie) or r"(?!x)x"


def _emit(node: dict[str, dict]) -> str:
    children = sorted((ch, sub) for ch, sub in node.items() if ch)
    if not children:
        return ""
    alts = [(r"\s+" if ch == " " else re.escape(ch)) + _emit(sub) for ch, sub in children]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


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
