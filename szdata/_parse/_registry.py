"""The curated vocabularies the parser reads: organizations, their aliases, and units.

Loaded once per package (and reloaded when a curated file changes), or built from
rows for tests. Matching is done on :func:`szdata._core._normalize.fold`-ed text, so a
curly apostrophe in the text or in the registry matches a straight one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from szdata._core._normalize import name_key
from szdata._parse._quantities import UnitWords
from szdata._parse._regex import trie_regex

if TYPE_CHECKING:
    from collections.abc import Iterable

    from szdata._disk._package import Package
    from szdata._parse._curated import CuratedRows


@dataclass(frozen=True, eq=False)
class Registry:
    """Organizations (canonical names and aliases) and unit words, ready to match.

    Examples
    --------
    >>> reg = Registry.from_names([("Shenzhen Daily", "shenzhen-daily")])
    >>> reg.organization_of("shenzhen  daily")
    'shenzhen-daily'
    """

    names: tuple[tuple[str, str], ...]
    """Every printed name (canonical or alias) with its organization id."""
    organization_names: dict[str, str]
    """Organization id -> canonical name."""
    units: UnitWords
    by_key: dict[str, str] = field(init=False, repr=False)
    longest_name: int = field(init=False, repr=False)
    first_words: frozenset[str] = field(init=False, repr=False)
    acronyms: frozenset[str] = field(init=False, repr=False)
    """Keys of names registered in capitals only ("WHO", "SZTV"): a mention of one must be
    printed in capitals too (the pronoun "who" names no one)."""

    def __post_init__(self) -> None:
        by_key: dict[str, str] = {}
        for name, org in self.names:
            by_key.setdefault(name_key(name), org)
        object.__setattr__(self, "by_key", by_key)
        object.__setattr__(self, "longest_name", max((len(k) for k in by_key), default=0))
        object.__setattr__(self, "first_words", frozenset(k.split()[0] for k in by_key if k))
        acronyms = {name_key(n) for n, _ in self.names if _is_acronym(n)}
        acronyms -= {name_key(n) for n, _ in self.names if not _is_acronym(n)}
        object.__setattr__(self, "acronyms", frozenset(acronyms))

    @cached_property
    def mention_regex(self) -> re.Pattern[str]:
        """Any registered name, as printed in a text (compiled when first asked: 40 ms of a
        command that only looks names up, as validation does)."""
        body = trie_regex(self.by_key) if self.by_key else r"(?!x)x"
        # not inside a word, an e-mail address or a longer host name ("edu@sz.gov.cn")
        return re.compile(rf"(?<![\w@.])(?:{body})(?![\w@])", re.IGNORECASE)

    def organization_of(self, printed: str) -> str | None:
        """The organization a printed name names, or ``None``."""
        key = name_key(printed)
        if key in self.acronyms and not printed.isupper():
            return None
        return self.by_key.get(key)

    @classmethod
    def from_names(
        cls,
        names: Iterable[tuple[str, str]],
        *,
        organization_names: dict[str, str] | None = None,
        units: UnitWords | None = None,
    ) -> Registry:
        """A registry of ``(printed name, organization id)`` pairs (for tests and tools)."""
        pairs = tuple(names)
        orgs = dict(organization_names or {})
        for name, org in pairs:
            orgs.setdefault(org, name)
        return cls(names=pairs, organization_names=orgs, units=units or UnitWords.load())

    @classmethod
    def load(cls, package: Package | None = None) -> Registry:
        """The registry of ``package`` (default: the installed package), cached per file state.

        Raises
        ------
        PackageError
            When a curated file is malformed (its header, or its CSV syntax).
        """
        from szdata._parse._curated import curated_rows

        return _registry_of(curated_rows(package))


def _is_acronym(name: str) -> bool:
    return name.isascii() and name.isalpha() and name.isupper() and len(name) <= 6


@lru_cache(maxsize=8)
def _registry_of(rows: CuratedRows) -> Registry:
    """The registry of one state of the curated files (one object per state)."""
    organization_names: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for row in rows.organizations:
        organization_names[row["organization_id"]] = row["name"]
        names.append((row["name"], row["organization_id"]))
    for row in rows.aliases:
        names.append((row["alias"], row["organization_id"]))
    return Registry(
        names=tuple(names),
        organization_names=organization_names,
        units=UnitWords.load_rows(rows),
    )
