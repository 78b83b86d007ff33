"""``szdata diff``: a contribution reviewed as data, by primary key, with the decisions behind it.

Two revisions of the package (:mod:`._revision`: ``BASE``, and ``HEAD`` or the working tree)
are compared table by table, by each table's primary key, with polars:

- rows **added** (in ``HEAD`` only) and **removed** (in ``BASE`` only): anti-joins on the key;
- rows **changed**: an inner join on the key and a comparison of every other column, giving
  each changed cell as old -> new. A row whose only change is ``review_status`` (its article
  was reviewed) is counted and summarised by article, not listed;
- **schema changes**: tables and fields added, removed or retyped, constraints, field order,
  primary and foreign keys (:func:`schema_changes`);
- **raw texts** added, changed and deleted (from git's list of changed files).

Only the tables whose file changed (git says which) are read, one at a time, so memory stays
that of the largest table. A line found byte for byte on both sides is the same row (same
key, same cells), so the lines of the two files are matched first (a polars anti-join on the
line's text) and only the lines left on each side are read by the one CSV reader (cells
compared as stored) and compared by key: a few thousand rows of a table of a million. A file
whose lines are not its rows (a cell over two lines, a blank line) is read whole.

Every changed row names its article and the decisions that
explain it (its ``decision_ids`` on either side and the decisions keyed on it, each with
whether the diff added, removed or changed it); an added article shows its title, date and
row counts.

:meth:`Diff.document` gives the result as one JSON document (:data:`FORMAT`; its JSON
Schema is ``szdata/_curate/diff.schema.json``, :func:`json_schema`). Counts are always
complete; the rows listed are capped (``limit`` per table and kind, "and N more").

Examples
--------
>>> import polars as pl
>>> from szdata._disk._readers import read_csv_bytes
>>> base = read_csv_bytes(b"id,v,review_status\\na,1,unreviewed\\nb,2,unreviewed\\n", file="t.csv")
>>> head = read_csv_bytes(b"id,v,review_status\\nb,3,unreviewed\\nc,4,reviewed\\n", file="t.csv")
>>> t = compare_table("t", base, head, ["id"])
>>> t.added["id"].to_list(), t.removed["id"].to_list()
(['c'], ['a'])
>>> t.changed.select(ID, "column", "old", "new").rows()
[('b', 'v', '2', '3')]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from szdata._core._typing import BUILT_TABLES, TABLE_NAMES
from szdata._disk._git import RAW_TEXT
from szdata._disk._readers import LINE

if TYPE_CHECKING:
    from collections.abc import Callable

    import polars as pl

    from szdata._curate._revision import Side, Sides
    from szdata._disk._readers import CsvTable

FORMAT = "szdata-diff/1"
"""The name and version of the JSON document (:meth:`Diff.document`): a new version only
when a field is removed or changes meaning; fields may be added within a version."""

DEFAULT_LIMIT = 1000
"""Rows listed per table and kind (added, removed, changed) in the JSON document."""

ID = "__id"
"""The column holding a row's key as one string (the key's values joined by ``|``)."""
ARTICLE = "__article"
"""The column holding the article a row belongs to (null when it belongs to none)."""
BASE_IDS = "__base_decisions"
"""The column holding a changed row's ``decision_ids`` in ``BASE`` (null without the column)."""
HEAD_IDS = "__head_decisions"
"""The column holding a changed row's ``decision_ids`` in ``HEAD`` (null without the column)."""
BASE_LINE = "__base_line"
"""The column holding a changed row's line in ``BASE``'s file (``__line`` is ``HEAD``'s)."""
REVIEW_STATUS = "review_status"
_HEAD = "__head"

SCHEMA_NAME = "diff.schema.json"


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`Diff.document`, shipped with szdata.

    Examples
    --------
    >>> json_schema()["properties"]["format"]["const"] == FORMAT
    True
    """
    text = (resources.files("szdata._curate") / SCHEMA_NAME).read_text(encoding="utf-8")
    return json.loads(text)


# -- one table --------------------------------------------------------------------------------


@dataclass
class TableDiff:
    """What changed in one table, complete (the lists of :meth:`Diff.document` are capped).

    ``added`` holds ``HEAD``'s rows (every column of its file, :data:`ID`, :data:`ARTICLE`,
    ``__line``); ``removed`` ``BASE``'s. ``changed`` holds one row per changed cell:
    :data:`ID`, :data:`ARTICLE`, ``__line``, :data:`BASE_LINE`, the row's ``decision_ids``
    on each side (:data:`BASE_IDS`, :data:`HEAD_IDS`), ``column``, ``old``, ``new``.
    ``review_only`` holds the rows whose only change is ``review_status``: :data:`ID`,
    :data:`ARTICLE`, ``old``, ``new``.
    """

    table: str
    key: list[str]
    file: str | None
    added: pl.DataFrame
    removed: pl.DataFrame
    changed: pl.DataFrame
    review_only: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    comparable: bool = True

    @property
    def counts(self) -> dict[str, int]:
        """Rows added, removed, changed (not counting review-only) and review-only."""
        return {
            "added": self.added.height,
            "removed": self.removed.height,
            "changed": self.changed.get_column(ID).n_unique() if self.changed.height else 0,
            "review_only": self.review_only.height,
        }

    @property
    def differs(self) -> bool:
        """Whether anything in the table changed (or it could not be compared by key)."""
        return not self.comparable or any(self.counts.values())

    def changed_ids(self) -> list[str]:
        """The keys of the changed rows, in ``HEAD``'s file order."""
        if not self.changed.height:
            return []
        return self.changed.sort(LINE).get_column(ID).unique(maintain_order=True).to_list()


def _empty(columns: dict[str, Any]) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(schema=columns)


def _changed_schema() -> dict[str, Any]:
    import polars as pl

    return {
        ID: pl.String,
        ARTICLE: pl.String,
        LINE: pl.Int64,
        BASE_LINE: pl.Int64,
        BASE_IDS: pl.String,
        HEAD_IDS: pl.String,
        "column": pl.String,
        "old": pl.String,
        "new": pl.String,
    }


def _review_schema() -> dict[str, Any]:
    import polars as pl

    return {ID: pl.String, ARTICLE: pl.String, "old": pl.String, "new": pl.String}


def _article_expr(table: str, columns: list[str]) -> pl.Expr:
    """The article a row of ``table`` belongs to (null for the registries)."""
    import polars as pl

    if "article_id" in columns:
        return pl.col("article_id").cast(pl.String)
    if table == "decisions" and {"table", "key"} <= set(columns):
        of_article = pl.col("table").is_in(list(BUILT_TABLES))
        return pl.when(of_article).then(pl.col("key").str.split(".").list.first())
    return pl.lit(None, dtype=pl.String)


def _id_expr(key: list[str]) -> pl.Expr:
    import polars as pl

    if len(key) == 1:
        return pl.col(key[0]).fill_null("").alias(ID)
    return pl.concat_str([pl.col(k).fill_null("") for k in key], separator="|").alias(ID)


def _prepared(table: str, csv: CsvTable, key: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """The table's rows with :data:`ID` and :data:`ARTICLE`; first row of a repeated key."""
    import polars as pl

    frame = csv.frame.with_columns(_id_expr(key), _article_expr(table, csv.header).alias(ARTICLE))
    notes = []
    unique = frame.get_column(ID).n_unique()
    if unique != frame.height:
        notes.append(
            f"{frame.height - unique} row(s) of {csv.file} repeat a key (szdata validate "
            "reports structure.primary-key); the first row of each key is compared"
        )
        frame = frame.unique(subset=[ID], keep="first", maintain_order=True)
    if csv.issues:
        notes.append(
            f"{csv.file} has {len(csv.issues)} CSV syntax issue(s) (szdata validate lists "
            "them); its rows are compared as read"
        )
    return frame.with_columns(pl.col(LINE).cast(pl.Int64)), notes


def compare_table(
    table: str, base: CsvTable | None, head: CsvTable | None, key: list[str]
) -> TableDiff:
    """Compare one table's two sides by its primary key ``key``.

    ``base`` or ``head`` ``None``: the table is only on the other side (every row added, or
    removed). A key column missing from either file's header makes the table not comparable
    by key: it is reported so, with its row counts. Columns only one side has are not
    compared (the schema change says so); cells are compared as stored.
    """
    import polars as pl

    file = (head or base).file if (head or base) is not None else None
    changed, review = _empty(_changed_schema()), _empty(_review_schema())
    if base is None or head is None:
        side = head if head is not None else base
        assert side is not None
        if not key or not all(k in side.header for k in key):
            return _not_comparable(table, key, file, base, head)
        rows, notes = _prepared(table, side, key)
        empty = rows.clear()
        added, removed = (rows, empty) if head is not None else (empty, rows)
        return TableDiff(table, key, file, added, removed, changed, review, notes)
    common = [c for c in head.header if c in base.header]
    if not key or not all(k in common for k in key):
        return _not_comparable(table, key, file, base, head)
    b, notes = _prepared(table, base, key)
    h, head_notes = _prepared(table, head, key)
    notes += head_notes
    for name, side, other in (("HEAD", head, base), ("BASE", base, head)):
        only = [c for c in side.header if c not in other.header]
        if only:
            notes.append(f"column(s) {', '.join(only)} only in {name}: not compared")
    values = [c for c in common if c not in key]
    bl, hl = b.lazy(), h.lazy()
    added = hl.join(bl.select(ID), on=ID, how="anti")
    removed = bl.join(hl.select(ID), on=ID, how="anti")
    joined = bl.select(ID, *values, pl.col(LINE).alias(BASE_LINE)).join(
        hl.select(ID, ARTICLE, LINE, *[pl.col(c).alias(c + _HEAD) for c in values]),
        on=ID,
        how="inner",
    )
    ids = "decision_ids"
    has_ids = ids in values
    differ = {c: pl.col(c).ne_missing(pl.col(c + _HEAD)) for c in values}
    if differ:
        candidates = joined.filter(pl.any_horizontal(list(differ.values())))
    else:
        candidates = joined.filter(pl.lit(False))
    added_df, removed_df, rows = pl.collect_all([added.sort(LINE), removed.sort(LINE), candidates])
    if rows.height:
        others = [m for c, m in differ.items() if c != REVIEW_STATUS]
        if REVIEW_STATUS in differ:
            only_review = ~pl.any_horizontal(others) if others else pl.lit(True)
            review = rows.filter(only_review).select(
                ID, ARTICLE, pl.col(REVIEW_STATUS).alias("old"), pl.col(REVIEW_STATUS + _HEAD)
            )
            review = review.rename({REVIEW_STATUS + _HEAD: "new"})
            rows = rows.filter(~only_review)
        parts = [
            rows.filter(mask).select(
                ID,
                ARTICLE,
                LINE,
                BASE_LINE,
                (pl.col(ids) if has_ids else pl.lit(None, pl.String)).alias(BASE_IDS),
                (pl.col(ids + _HEAD) if has_ids else pl.lit(None, pl.String)).alias(HEAD_IDS),
                pl.lit(c).alias("column"),
                pl.col(c).alias("old"),
                pl.col(c + _HEAD).alias("new"),
            )
            for c, mask in differ.items()
        ]
        changed = pl.concat(parts).cast(_changed_schema()).sort(LINE, maintain_order=True)
        review = review.cast(_review_schema())
    return TableDiff(table, key, file, added_df, removed_df, changed, review, notes)


def _not_comparable(
    table: str, key: list[str], file: str | None, base: CsvTable | None, head: CsvTable | None
) -> TableDiff:
    import polars as pl

    empty = _empty({ID: pl.String, ARTICLE: pl.String, LINE: pl.Int64})
    counts = ", ".join(
        f"{name} {len(side.frame)} row(s)"
        for name, side in (("BASE", base), ("HEAD", head))
        if side
    )
    note = (
        f"not comparable by key: the primary key ({', '.join(key) or 'none'}) is not a "
        f"column of both files; {counts}"
    )
    return TableDiff(
        table,
        key,
        file,
        empty,
        empty,
        _empty(_changed_schema()),
        _empty(_review_schema()),
        [note],
        comparable=False,
    )


# -- schemas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaChange:
    """A change of a Table Schema: a table or field added or removed, a field retyped, ...

    ``change`` is one of ``table_added``, ``table_removed``, ``field_added``,
    ``field_removed``, ``field_retyped``, ``field_constraints``, ``fields_reordered``,
    ``primary_key``, ``foreign_keys``; ``old`` and ``new`` say what it was and is (types,
    or compact JSON), where it says anything.
    """

    table: str
    change: str
    field: str | None = None
    old: str | None = None
    new: str | None = None

    def describe(self) -> str:
        """The change in words.

        Examples
        --------
        >>> SchemaChange("figures", "field_retyped", "value", "number", "integer").describe()
        'figures.value retyped: number -> integer'
        """
        where = f"{self.table}.{self.field}" if self.field else self.table
        words = {
            "table_added": "table added",
            "table_removed": "table removed",
            "field_added": "field added",
            "field_removed": "field removed",
            "field_retyped": "retyped",
            "field_constraints": "constraints changed",
            "fields_reordered": "fields reordered",
            "primary_key": "primary key changed",
            "foreign_keys": "foreign keys changed",
        }[self.change]
        text = f"{where} {words}"
        if self.change in ("field_added", "field_removed"):
            return f"{text} ({self.new if self.old is None else self.old})"
        if self.old is not None or self.new is not None:
            text += f": {self.old if self.old is not None else '(none)'} -> "
            text += self.new if self.new is not None else "(none)"
        return text


def _compact(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def schema_changes(
    base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]
) -> list[SchemaChange]:
    """What changed from the Table Schemas ``base`` to ``head`` (both by table name).

    Examples
    --------
    >>> old = {"t": {"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "number"}]}}
    >>> new = {"t": {"fields": [{"name": "b", "type": "integer"}, {"name": "c", "type": "date"}]}}
    >>> for change in schema_changes(old, new):
    ...     print(change.describe())
    t.a field removed (string)
    t.c field added (date)
    t.b retyped: number -> integer
    """
    out: list[SchemaChange] = []
    order = [t for t in TABLE_NAMES if t in base or t in head]
    order += sorted((set(base) | set(head)) - set(order))
    for table in order:
        old, new = base.get(table), head.get(table)
        if old is None or new is None:
            out.append(SchemaChange(table, "table_added" if old is None else "table_removed"))
            continue
        out.extend(_table_schema_changes(table, old, new))
    return out


def _fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    fields = schema.get("fields")
    return {
        str(f.get("name")): f for f in fields if isinstance(f, dict) and isinstance(fields, list)
    }


def _table_schema_changes(
    table: str, old: dict[str, Any], new: dict[str, Any]
) -> list[SchemaChange]:
    out: list[SchemaChange] = []
    before, after = _fields(old), _fields(new)
    for name, f in before.items():
        if name not in after:
            out.append(
                SchemaChange(table, "field_removed", name, str(f.get("type", "string")), None)
            )
    for name, f in after.items():
        if name not in before:
            out.append(SchemaChange(table, "field_added", name, None, str(f.get("type", "string"))))
    for name in (n for n in after if n in before):
        a, b = before[name], after[name]
        if a.get("type", "string") != b.get("type", "string") or a.get("format") != b.get("format"):
            out.append(SchemaChange(table, "field_retyped", name, _type(a), _type(b)))
        if a.get("constraints") != b.get("constraints"):
            out.append(
                SchemaChange(
                    table,
                    "field_constraints",
                    name,
                    _compact(a.get("constraints")),
                    _compact(b.get("constraints")),
                )
            )
    kept_old = [n for n in before if n in after]
    kept_new = [n for n in after if n in before]
    if kept_old != kept_new:
        out.append(
            SchemaChange(table, "fields_reordered", None, ",".join(kept_old), ",".join(kept_new))
        )
    for key, change in (("primaryKey", "primary_key"), ("foreignKeys", "foreign_keys")):
        if old.get(key) != new.get(key):
            out.append(
                SchemaChange(table, change, None, _compact(old.get(key)), _compact(new.get(key)))
            )
    return out


def _type(f: dict[str, Any]) -> str:
    kind = str(f.get("type", "string"))
    fmt = f.get("format")
    return f"{kind} ({fmt})" if fmt and fmt != "default" else kind


# -- decisions and articles -------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A curation decision as the diff names it: its id, what it does, why, and its change.

    ``status`` says what the diff did to the decision itself: ``added``, ``removed``,
    ``changed`` or ``unchanged``.
    """

    decision_id: str
    status: str
    table: str | None
    key: str | None
    action: str | None
    column: str | None
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        """The decision as the JSON document lists it."""
        return {
            "decision_id": self.decision_id,
            "status": self.status,
            "action": self.action,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class Article:
    """An article the diff touches: what it is, and how many of its rows changed, by table."""

    article_id: str
    status: str
    title: str | None = None
    published: str | None = None
    review_status: str | None = None
    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The article as the JSON document lists it."""
        return {
            "article_id": self.article_id,
            "status": self.status,
            "title": self.title,
            "published": self.published,
            "review_status": self.review_status,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class RawText:
    """A raw text added, changed or deleted (``status``), with its facts on each side."""

    path: str
    article_id: str
    status: str
    base_sha256: str | None = None
    head_sha256: str | None = None
    base_bytes: int | None = None
    head_bytes: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The text as the JSON document lists it."""
        return {
            "path": self.path,
            "article_id": self.article_id,
            "status": self.status,
            "base_sha256": self.base_sha256,
            "head_sha256": self.head_sha256,
            "base_bytes": self.base_bytes,
            "head_bytes": self.head_bytes,
        }


_RAW_STATUS = {"A": "added", "M": "changed", "D": "deleted"}


# -- the whole diff ---------------------------------------------------------------------------


@dataclass
class Diff:
    """The difference between two sides of the package (see the module docstring)."""

    base: dict[str, Any]
    head: dict[str, Any]
    tables: dict[str, TableDiff]
    schema: list[SchemaChange]
    raw_texts: list[RawText]
    articles: list[Article]
    decisions: dict[str, Decision]
    keyed: dict[tuple[str, str], list[str]]
    notes: list[str] = field(default_factory=list)
    raw_facts: Callable[[list[RawText]], list[RawText]] | None = field(default=None, repr=False)
    """Adds each listed raw text's SHA-256 and size on both sides (read from git or disk)."""

    @property
    def version_changed(self) -> bool:
        """Whether the package's version differs between the sides."""
        return self.base.get("version") != self.head.get("version")

    @property
    def differs(self) -> bool:
        """Whether the two sides differ in anything the diff compares."""
        return (
            any(t.differs for t in self.tables.values())
            or bool(self.schema or self.raw_texts)
            or self.version_changed
        )

    def counts(self) -> dict[str, Any]:
        """Every count of the diff (complete, whatever the lists' limit)."""
        tables = {name: t.counts for name, t in self.tables.items()}
        rows = {
            k: sum(c[k] for c in tables.values())
            for k in ("added", "removed", "changed", "review_only")
        }
        raw = {
            s: sum(r.status == s for r in self.raw_texts) for s in ("added", "changed", "deleted")
        }
        arts = {
            s: sum(a.status == s for a in self.articles) for s in ("added", "removed", "changed")
        }
        return {
            "rows": rows,
            "tables": tables,
            "raw_texts": raw,
            "articles": arts,
            "schema_changes": len(self.schema),
        }

    def decisions_of(self, table: str, row_ids: list[str], ids: list[str | None]) -> list[Decision]:
        """The decisions that explain a row: listed by it (either side) or keyed on it."""
        found: set[str] = set()
        for value in ids:
            if value:
                found.update(value.split())
        for row_id in row_ids:
            found.update(self.keyed.get((table, row_id), ()))
        return [self._decision(d) for d in sorted(found)]

    def _decision(self, decision_id: str) -> Decision:
        known = self.decisions.get(decision_id)
        if known is not None:
            return known
        return Decision(decision_id, "unknown", None, None, None, None, None)

    def document(self, limit: int | None = DEFAULT_LIMIT) -> dict[str, Any]:
        """The diff as one JSON document (:data:`FORMAT`), lists capped at ``limit`` each.

        ``limit`` ``None`` or 0 lists everything. The document validates against
        :func:`json_schema`.
        """
        cap = limit or None
        raw = self.raw_texts[:cap]
        articles = self.articles[:cap]
        if self.raw_facts is not None and raw:
            raw = self.raw_facts(raw)
        return {
            "format": FORMAT,
            "base": self.base,
            "head": self.head,
            "differs": self.differs,
            "limit": cap,
            "counts": self.counts(),
            "schema_changes": [
                {"table": c.table, "change": c.change, "field": c.field, "old": c.old, "new": c.new}
                for c in self.schema
            ],
            "raw_texts": [r.as_json() for r in raw],
            "articles": [a.as_json() for a in articles],
            "tables": [
                self._table_document(t, cap) for t in self.tables.values() if t.differs or t.notes
            ],
            "more": {
                "raw_texts": len(self.raw_texts) - len(raw),
                "articles": len(self.articles) - len(articles),
            },
            "notes": list(self.notes),
        }

    def _table_document(self, t: TableDiff, cap: int | None) -> dict[str, Any]:
        added = self._rows(t, t.added, cap)
        removed = self._rows(t, t.removed, cap)
        changed = self._changed(t, cap)
        review = (
            t.review_only.group_by(ARTICLE, "old", "new", maintain_order=True)
            .len()
            .sort(ARTICLE, "new", nulls_last=True)
        )
        counts = t.counts
        return {
            "table": t.table,
            "file": t.file,
            "key": list(t.key),
            "comparable": t.comparable,
            "counts": counts,
            "added": added,
            "removed": removed,
            "changed": changed,
            "more": {
                "added": counts["added"] - len(added),
                "removed": counts["removed"] - len(removed),
                "changed": counts["changed"] - len(changed),
            },
            "review_only": [
                {"article_id": a, "from": old, "to": new, "rows": n}
                for a, old, new, n in review.rows()
            ],
            "notes": list(t.notes),
        }

    def _rows(self, t: TableDiff, frame: pl.DataFrame, cap: int | None) -> list[dict[str, Any]]:
        shown = frame.head(cap) if cap else frame
        cells = [c for c in shown.columns if not c.startswith("__")]
        out = []
        for row in shown.iter_rows(named=True):
            values = {c: row[c] for c in cells}
            out.append(
                {
                    "id": row[ID],
                    "key": {k: values.get(k) for k in t.key},
                    "article_id": row[ARTICLE],
                    "line": row[LINE],
                    "cells": values,
                    "decisions": [
                        d.as_json()
                        for d in self.decisions_of(t.table, [row[ID]], [values.get("decision_ids")])
                    ],
                }
            )
        return out

    def _changed(self, t: TableDiff, cap: int | None) -> list[dict[str, Any]]:
        import polars as pl

        ids = t.changed_ids()[:cap] if cap else t.changed_ids()
        if not ids:
            return []
        cells = t.changed.filter(pl.col(ID).is_in(ids))
        by_id: dict[str, list[dict[str, Any]]] = {}
        first: dict[str, dict[str, Any]] = {}
        for row in cells.iter_rows(named=True):
            by_id.setdefault(row[ID], []).append(
                {"column": row["column"], "old": row["old"], "new": row["new"]}
            )
            first.setdefault(row[ID], row)
        out = []
        for row_id in ids:
            row = first[row_id]
            decisions = self.decisions_of(t.table, [row_id], [row[BASE_IDS], row[HEAD_IDS]])
            out.append(
                {
                    "id": row_id,
                    "key": key_of(t.key, row_id),
                    "article_id": row[ARTICLE],
                    "line": row[LINE],
                    "base_line": row[BASE_LINE],
                    "changes": by_id[row_id],
                    "decisions": [d.as_json() for d in decisions],
                }
            )
        return out


def key_of(key: list[str], row_id: str) -> dict[str, str]:
    """The key's fields and values from a row's :data:`ID`.

    Examples
    --------
    >>> key_of(["figure_id"], "a.f1"), key_of(["a", "b"], "x|y")
    ({'figure_id': 'a.f1'}, {'a': 'x', 'b': 'y'})
    """
    values = row_id.split("|", len(key) - 1) if len(key) > 1 else [row_id]
    return dict(zip(key, values, strict=False))


# -- computing it -----------------------------------------------------------------------------


def _side_json(side: Side) -> dict[str, Any]:
    return {
        "name": side.name,
        "ref": side.ref,
        "commit": side.commit,
        "working_tree": side.commit is None,
        "version": side.package.version or None,
    }


def _key(base: Side, head: Side, table: str) -> list[str]:
    for side in (head, base):
        if side.has(table):
            return list(side.package.schema(table).primary_key)
    return []


def compute_diff(sides: Sides, *, progress: Callable[[str], None] | None = None) -> Diff:
    """Compare the two sides of :func:`szdata._curate._revision.open_sides` (while open).

    Parameters
    ----------
    sides
        Both sides and the files that differ between them.
    progress
        Called with the name of each step (for a status display).

    Raises
    ------
    PackageError
        When a changed table of a side cannot be read (not UTF-8, say); the message names
        the side (exit status 2).
    """
    step = progress or (lambda _name: None)
    base, head = sides.base, sides.head
    schema = schema_changes(base.package.schema_descriptors, head.package.schema_descriptors)
    tables: dict[str, TableDiff] = {}
    for name in TABLE_NAMES:
        old_path, new_path = base.path(name), head.path(name)
        if old_path is None and new_path is None:
            continue
        if old_path == new_path and old_path not in sides.changed:
            continue
        step(f"comparing {name}")
        old, new = _read_pair(base, head, name)
        tables[name] = compare_table(name, old, new, _key(base, head, name))
    step("naming articles and decisions")
    decisions, keyed = _decisions(head, tables.get("decisions"))
    articles = _articles(head, tables)
    raw = [
        RawText(path, path.rsplit("/", 1)[1].removesuffix(".txt"), _RAW_STATUS.get(status, status))
        for path, status in sorted(sides.changed.items())
        if RAW_TEXT.fullmatch(path)
    ]
    return Diff(
        base=_side_json(base),
        head=_side_json(head),
        tables=tables,
        schema=schema,
        raw_texts=raw,
        articles=articles,
        decisions=decisions,
        keyed=keyed,
        raw_facts=lambda raws: _raw_facts(sides, raws),
    )


def _read_pair(base: Side, head: Side, table: str) -> tuple[CsvTable | None, CsvTable | None]:
    """Both sides of a table, as the one CSV reader reads them: only the rows that differ.

    A line found, byte for byte, on both sides is the same row on both (same key, same
    cells), so only the lines that are not on the other side are read as CSV and compared
    by key: a few lines of a large table. When a file does not allow that (a cell over
    several lines, a blank line, lone CRs, headers that differ), both are read whole.
    """
    from szdata._curate._revision import named
    from szdata._disk._readers import read_csv_bytes

    old_data = base.read_bytes(table) if base.has(table) else None
    new_data = head.read_bytes(table) if head.has(table) else None
    old_file, new_file = base.path(table), head.path(table)
    if old_data is not None and new_data is not None:
        pair = _differing_lines(old_data, new_data)
        if pair is not None:
            (old_lines, old_text), (new_lines, new_text) = pair
            with named(base):
                old = _renumbered(read_csv_bytes(old_text, file=str(old_file)), old_lines)
            with named(head):
                new = _renumbered(read_csv_bytes(new_text, file=str(new_file)), new_lines)
            return old, new
    old = new = None
    if old_data is not None:
        with named(base):
            old = read_csv_bytes(old_data, file=str(old_file))
    del old_data
    if new_data is not None:
        with named(head):
            new = read_csv_bytes(new_data, file=str(new_file))
    return old, new


_BOM = b"\xef\xbb\xbf"


def _line_frame(data: bytes) -> tuple[bytes, pl.DataFrame] | None:
    """The header line and every other line (``__n``: its line number, ``__text``), or
    ``None`` when a line of the file is not one record (see :func:`_read_pair`)."""
    import io

    import polars as pl

    data = data.removeprefix(_BOM)
    lone_cr = data.count(b"\r") != data.count(b"\r\n")
    if lone_cr or b"\n\n" in data or b"\n\r\n" in data or not data.strip(b"\r\n"):
        return None
    eol = data.find(b"\n")
    header = (data if eol < 0 else data[:eol]).rstrip(b"\r")
    body = b"" if eol < 0 else data[eol + 1 :]
    expected = body.count(b"\n") + (0 if not body or body.endswith(b"\n") else 1)
    schema = {"__text": pl.String}
    try:
        frame = (
            pl.read_csv(
                io.BytesIO(body),
                has_header=False,
                separator="\x00",
                quote_char=None,
                schema=schema,
                raise_if_empty=False,
            )
            if body
            else pl.DataFrame(schema=schema)
        )
    except pl.exceptions.PolarsError:  # a NUL, bytes that are not UTF-8: read it whole
        return None
    if frame.height != expected:
        return None
    text = pl.col("__text").fill_null("").str.strip_suffix("\r")
    frame = frame.select(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("__n"), text)
    odd = frame.select((pl.col("__text").str.count_matches('"', literal=True) % 2 == 1).any())
    if odd.item():  # a quoted cell goes on over the next line
        return None
    return header, frame


def _differing_lines(
    old: bytes, new: bytes
) -> tuple[tuple[list[int], bytes], tuple[list[int], bytes]] | None:
    """Each side's lines that the other side does not have, with their line numbers, as a
    CSV file of the header and those lines; ``None`` when the files must be read whole."""
    import polars as pl

    found_old, found_new = _line_frame(old), _line_frame(new)
    if found_old is None or found_new is None or found_old[0] != found_new[0]:
        return None
    header = found_old[0]
    a, b = found_old[1].lazy(), found_new[1].lazy()
    only_old, only_new = pl.collect_all(
        [a.join(b, on="__text", how="anti"), b.join(a, on="__text", how="anti")]
    )
    out = []
    for frame in (only_old, only_new):
        lines = frame.get_column("__n").to_list()
        text = "\n".join([header.decode("utf-8", "surrogateescape"), *frame["__text"]])
        out.append((lines, text.encode("utf-8", "surrogateescape") + b"\n"))
    return out[0], out[1]


def _renumbered(table: CsvTable, lines: list[int]) -> CsvTable:
    """``table`` read from some lines of a file, its line numbers the lines' numbers there.

    Line ``k`` of the extract (the header is line 1) is ``lines[k - 2]`` of the file.
    """
    import polars as pl

    def line(k: int) -> int:
        return lines[k - 2] if 2 <= k < len(lines) + 2 else k

    numbers = pl.Series("__to", [0, 0, *lines], dtype=pl.Int64)
    frame = table.frame.with_columns(
        pl.col(LINE)
        .cast(pl.Int64)
        .replace_strict(pl.int_range(len(numbers), eager=True), numbers, default=pl.col(LINE))
    )
    issues = [replace(i, line=line(i.line)) for i in table.issues]
    return replace(table, frame=frame, issues=issues)


def _raw_facts(sides: Sides, raws: list[RawText]) -> list[RawText]:
    """``raws`` with the SHA-256 and size of each text on each side (one read per side)."""
    import hashlib

    before = sides.raw_texts(sides.base, [r.path for r in raws if r.status != "added"])
    after = sides.raw_texts(sides.head, [r.path for r in raws if r.status != "deleted"])

    def facts(data: bytes | None) -> tuple[str | None, int | None]:
        return (None, None) if data is None else (hashlib.sha256(data).hexdigest(), len(data))

    out = []
    for r in raws:
        (old_sha, old_size), (new_sha, new_size) = (
            facts(before.get(r.path)),
            facts(after.get(r.path)),
        )
        out.append(RawText(r.path, r.article_id, r.status, old_sha, new_sha, old_size, new_size))
    return out


_DECISION_COLUMNS = ("decision_id", "table", "key", "action", "column", "reason")


def _decision_rows(frame: pl.DataFrame) -> list[dict[str, str | None]]:
    if not all(c in frame.columns for c in _DECISION_COLUMNS):
        return []
    return list(frame.select(_DECISION_COLUMNS).iter_rows(named=True))


def _decisions(
    head: Side, diff: TableDiff | None
) -> tuple[dict[str, Decision], dict[tuple[str, str], list[str]]]:
    """Every decision of ``HEAD`` and those the diff removed, by id, and by row they are on."""
    status: dict[str, str] = {}
    rows: list[dict[str, str | None]] = []
    if head.has("decisions"):
        from szdata._curate._revision import named

        with named(head):
            rows = _decision_rows(head.read("decisions").frame)
    if diff is not None:
        status.update(dict.fromkeys(diff.added.get_column(ID).to_list(), "added"))
        status.update(dict.fromkeys(diff.removed.get_column(ID).to_list(), "removed"))
        status.update(dict.fromkeys(diff.changed_ids(), "changed"))
        rows += _decision_rows(diff.removed)
    found: dict[str, Decision] = {}
    keyed: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        did = row["decision_id"]
        if not did or did in found:
            continue
        decision = Decision(
            did,
            status.get(did, "unchanged"),
            row["table"],
            row["key"],
            row["action"],
            row["column"],
            row["reason"],
        )
        found[did] = decision
        if row["table"] and row["key"]:
            keyed.setdefault((row["table"], row["key"]), []).append(did)
    return found, keyed


def _articles(head: Side, tables: dict[str, TableDiff]) -> list[Article]:
    """The articles the diff touches: added, removed, or with rows changed, by table."""
    import polars as pl

    arts = tables.get("articles")
    added = set() if arts is None else set(arts.added.get_column(ID).to_list())
    removed = set() if arts is None else set(arts.removed.get_column(ID).to_list())
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for name in BUILT_TABLES:
        t = tables.get(name)
        if t is None:
            continue
        per = [
            ("added", t.added.select(ARTICLE)),
            ("removed", t.removed.select(ARTICLE)),
            ("changed", t.changed.select(ID, ARTICLE).unique()),
        ]
        for kind, frame in per:
            grouped = frame.drop_nulls(ARTICLE).group_by(ARTICLE).len()
            for article, n in grouped.iter_rows():
                row = counts.setdefault(article, {}).setdefault(
                    name, {"added": 0, "removed": 0, "changed": 0}
                )
                row[kind] = n
    ids = sorted(set(counts) | added | removed)
    if not ids:
        return []
    wanted = ["article_id", "title", "published", REVIEW_STATUS]
    facts: dict[str, dict[str, Any]] = {}
    frames = [arts.removed] if arts is not None else []  # a removed article: BASE's row
    if head.has("articles"):
        from szdata._curate._revision import named

        with named(head):
            frames.append(head.read("articles").frame)
    for frame in frames:
        if "article_id" not in frame.columns:
            continue
        rows = frame.select([c for c in wanted if c in frame.columns])
        for row in rows.filter(pl.col("article_id").is_in(ids)).iter_rows(named=True):
            facts[row["article_id"]] = row
    out = []
    for article_id in ids:
        status = (
            "added" if article_id in added else "removed" if article_id in removed else "changed"
        )
        fact = facts.get(article_id, {})
        out.append(
            Article(
                article_id,
                status,
                fact.get("title"),
                fact.get("published"),
                fact.get(REVIEW_STATUS),
                counts.get(article_id, {}),
            )
        )
    order = {"removed": 0, "changed": 1, "added": 2}
    return sorted(out, key=lambda a: (order[a.status], a.published or "", a.article_id))
