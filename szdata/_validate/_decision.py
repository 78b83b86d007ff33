"""Decision rules: every curation decision can be checked, and is not dated after today.

Evidence is a web address, or a quote that the reader can find in the raw text of the
decision's article: the whole evidence (or each part of it between ``...``), or one of the
passages it quotes in double quotes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from szdata._core._normalize import fold
from szdata._validate._common import TEXT, has_columns, texts_frame
from szdata._validate._load import LINE, Context

if TYPE_CHECKING:
    from szdata._validate._report import Issue

_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\.[^\s]+", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]{4,})"')
_PARTS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def evidence_found(evidence: str, raw: str | None) -> bool:
    """Whether ``evidence`` is a web address or a quote of ``raw`` (see the module docstring).

    Examples
    --------
    >>> raw = "Writer: Han XImin | Editor: Holly Wang"
    >>> evidence_found("http://www.eyeshenzhen.com/content/2020-04/09/c.htm", None)
    True
    >>> evidence_found('Byline "Writer: Han XImin" in the raw text', raw)
    True
    >>> evidence_found("Writer: Han XImin ... Editor: Holly Wang", raw)
    True
    >>> evidence_found("the paper's other bylines", raw)
    False
    """
    if _WEB_ADDRESS.search(evidence):
        return True
    if raw is None:
        return False
    text = " ".join(fold(raw).split())
    parts = [" ".join(fold(p).split()) for p in _PARTS.split(evidence.strip()) if p.strip()]
    if parts and all(p in text for p in parts):
        return True
    quoted = [" ".join(fold(q).split()) for q in _QUOTED.findall(fold(evidence))]
    return any(q in text for q in quoted)


_FORMS = {
    "integer": (re.compile(r"[+-]?[0-9]+"), "an integer"),
    "number": (re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"), "a number"),
    "date": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "a date (YYYY-MM-DD)"),
}


def value_problem(field, value: str) -> str | None:
    """Why ``value`` cannot be a cell of ``field`` (its type, enum, pattern or web address),
    or ``None``. An empty value is a cell emptied (the structural layer checks required).

    Examples
    --------
    >>> from szdata._schemas._schema import Field
    >>> value_problem(Field(name="url", type="string", format="uri"), "javascript:alert(1)")
    'is not a web address (http:// or https://)'
    >>> value_problem(Field(name="value", type="number"), "41,300")
    'is not a number'
    """
    from szdata._core._address import is_web_address

    if value == "":
        return None
    form = _FORMS.get(field.type)
    if form is not None and not form[0].fullmatch(value):
        return f"is not {form[1]}"
    if field.type == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a calendar date"
    if field.enum is not None and value not in [str(v) for v in field.enum]:
        return f"is not one of {', '.join(map(str, field.enum))}"
    if field.pattern and re.fullmatch(field.pattern, value) is None:
        return f"does not match the pattern {field.pattern}"
    if field.format == "uri" and not is_web_address(value):
        return "is not a web address (http:// or https://)"
    return None


def _check_values(ctx: Context, decisions) -> list[Issue]:
    """``decision.value``: the value a ``set`` gives, or a ``note`` records, is one its column
    can hold (a note says what the text should have printed)."""
    import polars as pl

    if not has_columns(decisions, "table", "key", "action", "column", "curated_value"):
        return []
    sets = decisions.typed.filter(
        pl.col("action").is_in(["set", "note"])
        & pl.col("column").is_not_null()
        & pl.col("table").is_not_null()
    )
    issues = []
    for line, did, action, table, column, value in sets.select(
        LINE, "decision_id", "action", "table", "column", pl.col("curated_value").fill_null("")
    ).iter_rows():
        if table not in ctx.package.table_names():
            continue
        schema = ctx.package.schema(table)
        if column not in schema.field_names:
            continue  # the build refuses it, naming the column
        problem = value_problem(schema.field(column), value)
        if problem:
            issues.append(
                decisions.issue(
                    "decision.value",
                    line,
                    "curated_value",
                    value,
                    f"{did} {'sets' if action == 'set' else 'notes'} {table}.{column} as "
                    f"{value!r}, which {problem}",
                )
            )
    return issues


def check_decisions(ctx: Context) -> list[Issue]:
    """``decision.evidence``, ``decision.value``, ``decision.applies`` and
    ``decision.date-not-future``."""
    import polars as pl

    decisions = ctx.table("decisions")
    if not has_columns(decisions, "decision_id", "key", "evidence", "decided_on"):
        return []
    assert decisions is not None and decisions.typed is not None
    issues: list[Issue] = []
    today = dt.date.today()
    rows = decisions.typed.select(LINE, "decision_id", "key", "evidence", "decided_on")
    for line, did, _key, _evidence, decided in rows.filter(
        pl.col("decided_on") > pl.lit(today)
    ).iter_rows():
        issues.append(
            decisions.issue(
                "decision.date-not-future",
                line,
                "decided_on",
                decided,
                f"decision {did} is dated {decided}, after today ({today})",
            )
        )
    issues += _check_values(ctx, decisions)
    issues += _check_applies(ctx, decisions)
    quoted = [
        (line, did, (key or "").split(".", 1)[0], evidence)  # the article of a row's key
        for line, did, key, evidence, _ in rows.filter(pl.col("evidence").is_not_null()).rows()
    ]
    # the texts of the articles decided about, not of all (100,000 texts copied into Python)
    articles = list({article for _, _, article, _ in quoted})
    wanted = texts_frame(ctx).filter(pl.col("article_id").is_in(articles))
    texts = dict(wanted.select("article_id", TEXT).iter_rows())
    for line, did, article, evidence in quoted:
        if article not in texts:  # no raw text read (missing, or an unknown article): no verdict
            continue
        if not evidence_found(evidence, texts[article]):
            issues.append(
                decisions.issue(
                    "decision.evidence",
                    line,
                    "evidence",
                    evidence,
                    f"the evidence of {did} is neither a web address nor a quote found in "
                    f"the raw text of {article}",
                )
            )
    return issues


def _check_applies(ctx: Context, decisions) -> list[Issue]:
    """``decision.applies``: what the build checks as it applies a decision, on the tables
    the build left (:func:`szdata._curate._build._apply_decision`): the row of a ``set``, a
    ``note`` or an ``add`` is in its table, the row of a ``remove`` is not; a ``set``
    changes a column a decision may change, a ``note`` names a column of the table; an
    ``add`` holds a JSON object of the row."""
    import polars as pl

    from szdata._schemas._curation import added_row, correctable_columns, records_deletion

    if not has_columns(decisions, "decision_id", "table", "key", "action", "column"):
        return []
    value = pl.col("curated_value") if "curated_value" in decisions.typed.columns else pl.lit("")
    rows = decisions.typed.select(
        LINE, "decision_id", "table", "key", "action", "column", value.fill_null("")
    ).rows()
    wanted: dict[str, list[str]] = {}
    for _line, _did, table, key, *_ in rows:
        if table in ctx.package.table_names() and key:
            wanted.setdefault(table, []).append(key)
    held: dict[str, set[str]] = {}  # table: the keys of ``wanted`` it holds
    for table, keys in wanted.items():
        target = ctx.table(table)
        pk = ctx.package.schema(table).primary_key
        if target is None or len(pk) != 1 or pk[0] not in target.text.columns:
            continue
        found = target.text.filter(pl.col(pk[0]).is_in(keys)).get_column(pk[0])
        held[table] = set(found.to_list())
    issues: list[Issue] = []
    for line, did, table, key, action, column, curated in rows:
        if table not in held or not key:
            continue  # an unknown table or an empty key: structure.enum and required say so
        schema = ctx.package.schema(table)
        problem = None
        if action == "remove" and key in held[table]:
            problem = f"removes {table} row {key!r}, which the table still holds"
        elif action in ("set", "note", "add") and key not in held[table]:
            if records_deletion(table, action, column or "", curated):
                continue  # why a raw text was deleted: its row is gone
            problem = f"names {table} row {key!r}, which the table does not hold"
        elif action == "set" and column not in correctable_columns(schema):
            problem = (
                f"sets {table}.{column}, which a decision cannot change (it can set "
                f"{', '.join(correctable_columns(schema))})"
            )
        elif action == "note" and column and column not in schema.field_names:
            problem = f"notes column {column!r}, which table {table} does not have"
        elif action == "add":
            try:
                added_row(curated, schema.field_names, schema.primary_key[0], key)
            except ValueError as exc:
                problem = str(exc)
        if problem is not None:
            issues.append(decisions.issue("decision.applies", line, "key", key, f"{did} {problem}"))
    return issues
