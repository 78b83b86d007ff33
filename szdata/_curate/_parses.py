"""Each raw text's parse, cached by the text's SHA-256 and the parser's and registry's versions.

``add``, ``correct`` and ``review`` rebuild a draft of the package (:mod:`._draft`), which
parses every raw text: at 10,000 articles, most of a command's time. A text's rows depend
only on its bytes, its file name, the reference date a decision gives it, the parser's
code and the registry (organizations, aliases and units), so :func:`cached_parse` keeps
them under the SHA-256 of all of these, in this process and in the cache folder
(:mod:`szdata._disk._cache`, JSON: reading an entry runs no code).

The cache is never trusted for a verdict: ``szdata build`` and ``build --check`` parse
every text (CI runs them), and a command that finds the draft's tables differ from what a
cached build gives builds again without the cache before it refuses (see
:meth:`szdata._curate._draft.Draft.is_built`). A missing, stale, truncated or tampered
entry is parsed again, or at worst makes a command slower.

Examples
--------
>>> from szdata._parse import Registry
>>> from szdata._disk._package import open_package
>>> pkg = open_package()
>>> path = pkg.root / pkg.raw_resources()[0]["path"]
>>> a = cached_parse(path.read_bytes(), file_name=path.name, registry=Registry.load(pkg))
>>> b = cached_parse(path.read_bytes(), file_name=path.name, registry=Registry.load(pkg))
>>> a.figures == b.figures and a.figures is not b.figures
True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szdata._disk import _cache

if TYPE_CHECKING:
    from szdata._parse import ParsedArticle, Registry

_KIND = "parses"
_TABLES = ("items", "figures", "dates", "mentions")
_MEMO: dict[str, ParsedArticle] = {}
"""Parses of this process, by key (a command builds its draft twice)."""
_MEMO_MAX = 200_000


@functools.cache
def parser_version() -> str:
    """The digest of the parser's code: every module of :mod:`szdata._parse`."""
    here = Path(__file__).resolve().parents[1] / "_parse"
    files = sorted(here.glob("*.py"))
    return _cache.digest(*(f.name for f in files), *(f.read_bytes() for f in files))


def registry_version(registry: Registry) -> str:
    """The digest of what the parser reads of the registry: names, organizations, units."""
    key = getattr(registry, "_szdata_version", None)
    if key is None:
        units = registry.units
        key = _cache.digest(
            repr(registry.names),
            repr(sorted(registry.organization_names.items())),
            repr(sorted(units.by_word.items())),
            repr(sorted(units.dimensions.items())),
        )
        object.__setattr__(registry, "_szdata_version", key)  # frozen dataclass: once
    return key


def cached_parse(
    data: bytes,
    *,
    file_name: str,
    registry: Registry,
    reference_date: dt.date | None = None,
    use_cache: bool = True,
) -> ParsedArticle:
    """:func:`szdata.parse` of ``data``, from the cache when these bytes were parsed before.

    The rows returned are the caller's own (copies): changing them changes no cache.

    Raises
    ------
    ParseError
        As :func:`szdata.parse` (a text that does not parse is never cached).
    """
    from szdata._parse import parse

    if not use_cache:
        return parse(data, file_name=file_name, registry=registry, reference_date=reference_date)
    key = _cache.digest(
        "parse",
        parser_version(),
        registry_version(registry),
        hashlib.sha256(data).hexdigest(),
        file_name,
        reference_date.isoformat() if reference_date else "",
    )
    parsed = _MEMO.get(key)
    if parsed is None:
        parsed = _load(key)
        if parsed is None:
            parsed = parse(
                data, file_name=file_name, registry=registry, reference_date=reference_date
            )
            _cache.put(_KIND, key, _dumps(parsed))
        if len(_MEMO) < _MEMO_MAX:
            _MEMO[key] = parsed
    return _copy(parsed)


def _copy(parsed: ParsedArticle) -> ParsedArticle:
    from szdata._parse import ParsedArticle

    return ParsedArticle(
        article=dict(parsed.article),
        **{t: [dict(r) for r in getattr(parsed, t)] for t in _TABLES},
        warnings=list(parsed.warnings),
    )


def _dumps(parsed: ParsedArticle) -> bytes:
    """The entry: per table, its columns and its rows as lists (JSON); where the dates are
    (JSON has none), ``[table, row, column]`` written as ISO text; and the columns a row
    does not have."""
    doc: dict[str, Any] = {"$warnings": parsed.warnings, "$dates": [], "$absent": []}
    for table in ("article", *_TABLES):
        rows = [parsed.article] if table == "article" else getattr(parsed, table)
        columns = list(dict.fromkeys(c for r in rows for c in r))
        out = []
        for i, r in enumerate(rows):
            row = []
            for j, c in enumerate(columns):
                if c not in r:
                    doc["$absent"].append([table, i, c])
                v = r.get(c)
                if isinstance(v, dt.date):
                    if isinstance(v, dt.datetime):
                        raise TypeError("cannot cache a datetime")
                    doc["$dates"].append([table, i, j])
                    v = v.isoformat()
                row.append(v)
            out.append(row)
        doc[table] = [columns, out]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _load(key: str) -> ParsedArticle | None:
    """The parse stored under ``key``, or ``None`` when there is none or it is unreadable."""
    from szdata._parse import ParsedArticle

    data = _cache.get(_KIND, key)
    if data is None:
        return None
    try:
        doc = json.loads(data)
        tables: dict[str, list[list[Any]]] = {}
        names: dict[str, list[str]] = {}
        for table in ("article", *_TABLES):
            columns, rows = doc[table]
            if not all(type(c) is str for c in columns):
                return None
            if not all(type(r) is list and len(r) == len(columns) for r in rows):
                return None
            tables[table], names[table] = rows, columns
        for table, i, j in doc["$dates"]:
            tables[table][i][j] = dt.date.fromisoformat(tables[table][i][j])
        built = {
            table: [dict(zip(names[table], r, strict=True)) for r in rows]
            for table, rows in tables.items()
        }
        for table, i, column in doc["$absent"]:  # a column this row does not have
            del built[table][i][column]
        (article,) = built.pop("article")
        warnings = doc["$warnings"]
        if not isinstance(warnings, list):
            return None
        return ParsedArticle(article=article, **built, warnings=[str(w) for w in warnings])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
