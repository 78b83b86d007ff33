"""What a curation decision may change in a built table, written once for the build, the
validator and ``szdata correct``.

Examples
--------
>>> from szdata._disk._package import open_package
>>> correctable_columns(open_package().schema("dates"))
['item_id', 'date', 'resolution']
>>> added_row('{"value": 5}', ["figure_id", "value"], "figure_id", "a.f1")
{'value': 5, 'figure_id': 'a.f1'}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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


def added_row(curated_value: str, columns: list[str], pk: str, key: str) -> dict[str, Any]:
    """The row an ``add`` decision (its ``curated_value``, a JSON object of the row, keyed
    ``key``) adds to a table with ``columns`` and primary key ``pk``.

    Raises
    ------
    ValueError
        Why it cannot be a row of that table.
    """
    try:
        new = json.loads(curated_value)
    except ValueError as exc:
        raise ValueError(f"curated_value is not a JSON object ({exc})") from None
    if not isinstance(new, dict):
        raise ValueError("curated_value must be a JSON object of the row")
    unknown = sorted(set(new) - set(columns))
    if unknown:
        raise ValueError(f"the added row has unknown columns {unknown}")
    new.setdefault(pk, key)
    if new[pk] != key:
        raise ValueError(f"the row's {pk} {new[pk]!r} is not the key {key!r}")
    return new


def records_deletion(table: str, action: str, column: str, curated_value: str) -> bool:
    """Whether a decision records why a raw text was deleted: a ``note`` on
    ``articles.sha256`` with an empty ``curated_value`` (see ``provenance.raw-append-only``);
    the article's row is gone, and the decision names it still."""
    return (table, action, column, curated_value) == ("articles", "note", "sha256", "")
