"""What a curation decision may change in a built table, written once for the build, the
validator and ``szdata correct``.

Examples
--------
>>> from szdata._disk._package import open_package
>>> correctable_columns(open_package().schema("dates"))
['item_id', 'date', 'resolution']
>>> added_row_problem('{"figure_id": "a.f1", "x": 1}', ["figure_id", "value"], "figure_id", "a.f1")
"the added row has unknown columns ['x']"
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from szdata._schemas._schema import TableSchema

FIXED_COLUMNS = frozenset(
    {"article_id", "start", "end", "quote", "origin", "review_status", "decision_ids"}
    | {"raw_path", "sha256", "bytes", "chars"}
)
"""Columns a ``set`` decision may not change: the row's place in its raw text, the raw
text's identity, and what the build itself writes (besides each table's primary key)."""


def correctable_columns(schema: TableSchema) -> list[str]:
    """The columns of a built table that a ``set`` decision may change."""
    return [n for n in schema.field_names if n not in FIXED_COLUMNS and n not in schema.primary_key]


def added_row_problem(curated_value: str, columns: list[str], pk: str, key: str) -> str | None:
    """Why the ``curated_value`` of an ``add`` decision (a JSON object of the row, keyed
    ``key``) cannot be a row of a table with ``columns`` and primary key ``pk``; ``None``."""
    try:
        new = json.loads(curated_value)
    except ValueError as exc:
        return f"curated_value is not a JSON object ({exc})"
    if not isinstance(new, dict):
        return "curated_value must be a JSON object of the row"
    unknown = sorted(set(new) - set(columns))
    if unknown:
        return f"the added row has unknown columns {unknown}"
    if new.get(pk, key) != key:
        return f"the row's {pk} {new[pk]!r} is not the key {key!r}"
    return None
