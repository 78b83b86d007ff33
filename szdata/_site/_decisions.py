"""The curation decisions, each tied to the article and row it changed.

A decision names a row by its table and primary key. The row's article is the row's own
``article_id``; a removed row is gone from the tables, so its article is the part of the key
before the first ``.`` (every built table's id starts with its article's id, as the schemas'
patterns say), and what was removed is read again from the text by the parser. Decisions
whose row has no span in the text (an article's ``writers``, say) are marked in the text
where their ``parsed_value`` is printed, if it is.

Examples
--------
>>> evidence_parts("see https://example.org/a.htm, p. 2")
[('see ', None), ('https://example.org/a.htm', 'https://example.org/a.htm'), (', p. 2', None)]
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from szdata._core._errors import SzdataError
from szdata._site._data import (
    ITEMS,
    KINDS,
    Decision,
    DecisionMark,
    Problem,
    Removed,
    cells,
    safe_url,
)

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._site._data import Article, SiteData

_URL = re.compile(r"https?://[^\s\"'<>]+[^\s\"'<>.,;:)\]]", re.IGNORECASE)
_TABLE_OF_KIND = {t: k for k, t in KINDS.items()}


def evidence_parts(text: str) -> list[tuple[str, str | None]]:
    """Split ``text`` into (text, address) parts: every web address in it becomes a link.

    Examples
    --------
    >>> evidence_parts("a quote")
    [('a quote', None)]
    """
    parts: list[tuple[str, str | None]] = []
    at = 0
    for m in _URL.finditer(text):
        if m.start() > at:
            parts.append((text[at : m.start()], None))
        parts.append((m.group(), safe_url(m.group())))
        at = m.end()
    if at < len(text) or not parts:
        parts.append((text[at:], None))
    return parts


def attach_decisions(
    pkg: Package, site: SiteData, rows_of: dict[str, list[dict[str, Any]]]
) -> None:
    """Read ``decisions`` into ``site.decisions`` and each article's ``decisions``.

    A decision on a table the package does not have, or on a row of no known article, is
    still listed on the decisions page, and named in ``site.problems``.
    """
    by_id = {a.id: a for a in site.articles}
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for name in pkg.table_names():
        key = pkg.schema(name).primary_key
        if len(key) == 1:
            index[name] = {r[key[0]]: r for r in rows_of.get(name, []) if r.get(key[0])}
    where = str(pkg.resource("decisions").get("path") or "decisions")
    decisions = [
        _decision(line, row) for line, row in enumerate(rows_of.get("decisions", []), start=2)
    ]
    decisions.sort(key=lambda d: (_number(d.id), d.id))
    registry: Any = None
    parsed: dict[str, Any] = {}
    for d in decisions:
        if d.table not in index:
            site.problems.append(
                Problem(
                    where,
                    d.line,
                    "table",
                    f"decision {d.id} names an unknown table {d.table!r}",
                    "use one of the built tables: " + ", ".join(KINDS.values()),
                )
            )
            continue
        row = index[d.table].get(d.key)
        art_id = str(row.get("article_id") or "") if row else d.key.partition(".")[0]
        art = by_id.get(art_id)
        if art is None:
            site.problems.append(
                Problem(
                    where,
                    d.line,
                    "key",
                    f"decision {d.id} names {d.table} {d.key!r}, a row of no "
                    "article of the package: it is listed on the decisions page only",
                    "check the key; a decision applies to a row the build produces",
                )
            )
            continue
        d.article_id = art.id
        art.decisions.append(d)
        if d.action == "remove" and row is None:
            if registry is None:
                registry = _registry(pkg)
            if art.id not in parsed:
                parsed[art.id] = _parse(art, registry)
            d.removed = _removed(pkg, art, d, parsed[art.id], site.organizations)
        _place(d, art, row)
    site.decisions = decisions


def _decision(line: int, row: dict[str, Any]) -> Decision:
    def get(column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value)

    return Decision(
        id=get("decision_id"),
        table=get("table"),
        key=get("key"),
        action=get("action"),
        column=get("column"),
        parsed_value=get("parsed_value"),
        curated_value=get("curated_value"),
        reason=get("reason"),
        evidence=get("evidence"),
        decided_on=get("decided_on"),
        decided_by=get("decided_by"),
        line=line,
    )


def _number(decision_id: str) -> int:
    digits = "".join(c for c in decision_id if c.isdigit())
    return int(digits) if digits else 0


def _place(d: Decision, art: Article, row: dict[str, Any] | None) -> None:
    """Set where the decision shows on its article's page, and mark the text if it can."""
    shown = {(r.table, r.id): r for r in art.rows}
    anchors = {key: f"h-{r.id}" for key, r in shown.items()}
    anchors.update({(ITEMS, i.id): f"item-{i.no}" for i in art.items})
    if (d.table, d.key) in anchors:
        d.anchor = anchors[(d.table, d.key)]
        hl = shown.get((d.table, d.key))
        if d.action == "note" and hl is not None:
            d.current = next((c.value for c in hl.fields if c.column == d.column), None)
        return
    if d.removed and d.removed.start is not None and d.removed.end is not None:
        art.marks.append(DecisionMark(d, d.removed.start, d.removed.end))
        d.anchor = f"h-{d.id}"
        return
    if row is not None and row.get("article_id") == d.key:  # the article's own row
        meta = {c.column for c in art.meta}
        if d.column in meta:
            d.anchor = f"meta-{d.column}"
        if d.action == "note":
            d.current = str(row.get(d.column) or "")
        printed = d.parsed_value
        at = art.text.find(printed) if d.action == "set" and printed else -1
        if at >= 0:
            art.marks.append(DecisionMark(d, at, at + len(printed)))
            d.anchor = d.anchor or f"h-{d.id}"


def _registry(pkg: Package) -> Any:
    from szdata._parse import Registry

    try:
        return Registry.load(pkg)
    except (SzdataError, OSError, KeyError, ValueError):
        return None


def _parse(art: Article, registry: Any) -> Any:
    """The parser's rows of the article's text, or ``None`` when they cannot be read."""
    from szdata._parse import parse

    if registry is None or not art.text:
        return None
    try:
        published = dt.date.fromisoformat(art.published)
    except ValueError:
        published = None
    try:
        return parse(
            art.text,
            file_name=art.raw_path.rsplit("/", 1)[-1] or f"{art.id}.txt",
            registry=registry,
            reference_date=published,
        )
    except (SzdataError, ValueError):
        return None


def _removed(
    pkg: Package, art: Article, d: Decision, parsed: Any, orgs: dict[str, Any]
) -> Removed | None:
    """The row the parser reads at ``d.key``, which ``d`` removes; ``None`` when unknown."""
    if parsed is None:
        return None
    try:
        rows = parsed.rows(d.table)
    except KeyError:
        return None
    (key,) = pkg.schema(d.table).primary_key
    row = next((r for r in rows if str(r.get(key)) == d.key), None)
    if row is None:
        return None
    start, end, quote = row.get("start"), row.get("end"), str(row.get("quote") or "")
    placed = isinstance(start, int) and isinstance(end, int) and art.text[start:end] == quote
    return Removed(
        kind=_TABLE_OF_KIND.get(d.table),
        quote=quote or str(row.get("headline") or ""),
        start=start if placed else None,
        end=end if placed else None,
        fields=tuple(c for c in cells(pkg.schema(d.table), row, orgs, {}) if c.value),
    )
