"""The structural checks: what the Table Schemas say, checked with vectorised polars.

Every check is derived from :mod:`szdata._schemas._schema` (types, required, enum, bounds, pattern,
lengths, format, unique, primary and foreign keys), so a constraint added to a schema is
checked without a code change. These are the checks ``frictionless validate`` also makes;
this layer makes them about a hundred times faster and names rule, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from szdata._core._address import WEB_ADDRESS
from szdata._schemas._typed import TYPE_WORDS
from szdata._validate._load import LINE, Context, LoadedTable

if TYPE_CHECKING:
    import polars as pl

    from szdata._schemas._schema import Field, ForeignKey, TableSchema
    from szdata._validate._report import Issue

TEXT = "__s_"
URI_FORM = WEB_ADDRESS
"""The form of a ``uri`` cell: an ``http``/``https`` address with a host (see STRICTER)."""


@dataclass(frozen=True)
class MaskCheck:
    """A check evaluated on a whole frame at once: ``mask`` is true on the broken rows.

    Python runs only on the broken rows, to word their messages: ``message(value)``, or
    ``message(value, detail)`` when a ``detail`` expression is given. ``value`` defaults to
    the stored text of ``column``.
    """

    rule: str
    column: str
    mask: pl.Expr
    message: Callable[..., str]
    value: pl.Expr | None = None
    detail: pl.Expr | None = None


def text_of(name: str) -> str:
    """The column of a combined frame that holds field ``name`` as stored (text)."""
    return TEXT + name


def combined(table: LoadedTable, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """The typed frame with the stored text of every column beside it (``__s_<name>``).

    ``columns`` keeps only those columns (and ``__line``): joins then gather less.
    """
    import polars as pl

    assert table.typed is not None and table.text is not None
    typed, text = table.typed, table.text.drop(LINE)
    if columns is not None:
        keep = [c for c in dict.fromkeys(columns) if c in text.columns]
        typed, text = typed.select(LINE, *keep), text.select(keep)
    return pl.concat([typed, text.select(pl.all().name.prefix(TEXT))], how="horizontal")


def run_masks(
    table: LoadedTable, frame: pl.DataFrame | pl.LazyFrame, checks: Iterable[MaskCheck]
) -> list[Issue]:
    """Evaluate ``checks`` on ``frame`` in one query; an issue for every broken row.

    The query keeps only the rows that break a check, and only the columns their values
    and details read: a lazy ``frame`` (a join, say) is never held in memory whole.
    """
    import polars as pl

    checks = list(checks)
    if not checks:
        return []
    masks = [f"__m{i}" for i in range(len(checks))]
    columns: list[pl.Expr] = [pl.col(LINE), *(pl.col(m) for m in masks)]
    for i, c in enumerate(checks):
        value = c.value if c.value is not None else pl.col(text_of(c.column))
        columns.append(value.alias(f"__v{i}"))
        if c.detail is not None:
            columns.append(c.detail.alias(f"__d{i}"))
    read = {LINE} | {name for expr in columns for name in expr.meta.root_names()}
    query = (
        frame.lazy()
        .with_columns(c.mask.fill_null(False).alias(m) for c, m in zip(checks, masks, strict=True))
        .filter(pl.any_horizontal(masks))
        .select(sorted(read, key=lambda name: (name != LINE, name)))  # no other column is read
    )
    # values and details on the few broken rows, once they are collected (polars 2.1 can
    # panic slicing strings in the same query as the filter)
    broken = query.collect()
    if not broken.height:  # the common case: no query per check on an empty frame
        return []
    broken = broken.select(columns)
    issues: list[Issue] = []
    for i, check in enumerate(checks):
        rows = broken.filter(pl.col(masks[i]))
        if not rows.height:
            continue
        names = [LINE, f"__v{i}"] + ([f"__d{i}"] if check.detail is not None else [])
        for line, v, *d in rows.select(names).iter_rows():
            text = check.message(v) if check.detail is None else check.message(v, d[0])
            issues.append(table.issue(check.rule, line, check.column, v, text))
    return issues


def _field_checks(field: Field, required: bool) -> list[MaskCheck]:
    import polars as pl

    name = field.name
    stored = pl.col(text_of(name))
    typed = pl.col(name)
    present = stored.is_not_null()
    checks: list[MaskCheck] = []
    if field.type in TYPE_WORDS:
        words = TYPE_WORDS[field.type]
        checks.append(
            MaskCheck(
                "structure.type",
                name,
                present & typed.is_null(),
                lambda v, n=name, w=words: f"{n} {v!r} is not {w}",
            )
        )
    if field.type == "number":
        checks.append(
            MaskCheck(
                "structure.type",
                name,
                _beyond_float64(stored, typed),
                lambda v, n=name: (
                    f"{n} {v!r} is beyond the range of 64-bit floating point "
                    "numbers (read as 0 or infinity)"
                ),
            )
        )
    if required:
        checks.append(
            MaskCheck(
                "structure.required",
                name,
                stored.is_null(),
                lambda v, n=name: f"{n} is empty but required",
            )
        )
    if field.enum is not None:
        allowed = list(field.enum)
        shown = ", ".join(str(a) for a in allowed)
        checks.append(
            MaskCheck(
                "structure.enum",
                name,
                typed.is_not_null() & ~typed.is_in(allowed),
                lambda v, n=name, s=shown: f"{n} {v!r} is not one of: {s}",
            )
        )
    if field.minimum is not None:
        below = typed < pl.lit(field.minimum)
        if field.type == "number":  # NaN is not >= anything (polars orders it above all)
            below = below | typed.is_nan()
        checks.append(
            MaskCheck(
                "structure.minimum",
                name,
                below,
                lambda v, n=name, m=field.minimum: f"{n} {v} is below the minimum {m}",
            )
        )
    if field.maximum is not None:
        checks.append(
            MaskCheck(
                "structure.maximum",
                name,
                typed > pl.lit(field.maximum),
                lambda v, n=name, m=field.maximum: f"{n} {v} is above the maximum {m}",
            )
        )
    if field.pattern is not None:
        checks.append(
            MaskCheck(
                "structure.pattern",
                name,
                present & ~stored.str.contains(f"^(?:{field.pattern})$"),
                lambda v, n=name, p=field.pattern: f"{n} {v!r} does not match the pattern {p}",
            )
        )
    if field.min_length is not None:
        checks.append(
            MaskCheck(
                "structure.min-length",
                name,
                stored.str.len_chars() < field.min_length,
                lambda v, n=name, m=field.min_length: f"{n} {v!r} is shorter than {m} characters",
            )
        )
    if field.max_length is not None:
        checks.append(
            MaskCheck(
                "structure.max-length",
                name,
                stored.str.len_chars() > field.max_length,
                lambda v, n=name, m=field.max_length: f"{n} is longer than {m} characters",
            )
        )
    if field.format == "uri":
        checks.append(
            MaskCheck(
                "structure.format-uri",
                name,
                present & ~stored.str.contains(URI_FORM),
                lambda v, n=name: f"{n} {v!r} is not an absolute web address (http:// or https://)",
            )
        )
    return checks


def _beyond_float64(stored: pl.Expr, typed: pl.Expr) -> pl.Expr:
    """Numbers that a 64-bit float cannot hold: a non-zero one read as 0 (``1e-400``), a
    finite one read as infinity (``1e400``)."""
    underflow = (typed == 0) & stored.str.contains(r"^[^eE]*[1-9]")
    overflow = typed.is_infinite() & ~stored.str.contains(r"(?i)inf")
    return underflow | overflow


def _repeats(
    table: LoadedTable, frame: pl.DataFrame, columns: list[str], rule: str, what: str
) -> list[Issue]:
    """Rows whose ``columns`` repeat an earlier row's (rows with an empty cell skipped).

    Values are compared as their type reads them, as the standard does: integers ``1`` and
    ``01`` are the same value. A cell of the wrong type is skipped (``structure.type``).
    """
    import polars as pl

    cols = [
        pl.col(c) if table.schema.field(c).type in TYPE_WORDS else pl.col(text_of(c))
        for c in columns
    ]
    stored = [pl.col(text_of(c)) for c in columns]
    shown_expr = pl.struct(stored) if len(stored) > 1 else stored[0]
    key = pl.struct(cols) if len(cols) > 1 else cols[0]
    complete = pl.all_horizontal(c.is_not_null() for c in cols)
    # fast path: distinct 64-bit hashes prove distinct keys (a collision only sends us on
    # to the exact check below, never hides a repeat)
    counted = frame.lazy().filter(complete).select(key.hash().n_unique(), pl.len()).collect()
    n_hashes, n_keys = counted.row(0)
    if n_hashes == n_keys:
        if all(table.schema.field(c).type == "string" for c in columns):
            table.distinct.add(tuple(columns))  # the rules may rely on it (see LoadedTable)
        return []
    mask = complete & ~key.is_first_distinct()
    if not frame.select(mask.any()).item():
        return []
    keyed = frame.select(LINE, key.alias("__k"), shown_expr.alias("__v"), mask.alias("__dup"))
    dups = keyed.filter(pl.col("__dup"))
    firsts = (
        keyed.filter(pl.col("__k").is_in(dups.get_column("__k").implode()) & ~pl.col("__dup"))
        .group_by("__k")
        .agg(pl.col(LINE).min().alias("__first"))
    )
    out = []
    for line, value, first in (
        dups.join(firsts, on="__k", how="left").select(LINE, "__v", "__first").iter_rows()
    ):
        shown = value if len(columns) == 1 else tuple(value.values())
        out.append(
            table.issue(
                rule,
                line,
                columns[0] if len(columns) == 1 else ",".join(columns),
                shown,
                f"{what} {shown!r} repeats line {first}",
            )
        )
    return out


def _all_empty(schema: TableSchema) -> MaskCheck:
    """``structure.blank-row`` for a row whose every cell is empty (``,,``), as frictionless
    reports it (a blank line is reported by the reader)."""
    import polars as pl

    return MaskCheck(
        "structure.blank-row",
        "",
        pl.all_horizontal(pl.col(text_of(f.name)).is_null() for f in schema.fields),
        lambda _v: "every cell of the row is empty",
        value=pl.lit(None, dtype=pl.String),
    )


def check_table(table: LoadedTable) -> list[Issue]:
    """The field, unique and primary-key checks of one loaded table."""
    if not table.usable:
        return []
    schema = table.schema
    frame = combined(table)
    pk = list(schema.primary_key)
    checks: list[MaskCheck] = []
    for f in schema.fields:
        checks.extend(_field_checks(f, required=f.required or f.name in pk))
    checks.append(_all_empty(schema))
    issues = run_masks(table, frame, checks)
    for f in schema.fields:
        if f.unique and pk != [f.name]:
            issues.extend(_repeats(table, frame, [f.name], "structure.unique", f.name))
    if pk:
        issues.extend(_repeats(table, frame, pk, "structure.primary-key", "primary key"))
    return issues


def _dangling(ctx: Context, table: LoadedTable) -> list[tuple[ForeignKey, pl.LazyFrame]]:
    """For each foreign key of ``table``: the query of its rows whose reference is missing."""
    import polars as pl

    if not table.usable:
        return []
    assert table.text is not None
    queries = []
    for fk in table.schema.foreign_keys:
        target = ctx.table(fk.resource)
        if target is None or target.text is None:
            continue
        child = (
            table.text.lazy()
            .select(LINE, *fk.fields)
            .filter(pl.all_horizontal(pl.col(c).is_not_null() for c in fk.fields))
        )
        parent = target.text.lazy().select(
            pl.col(r).alias(c) for c, r in zip(fk.fields, fk.reference_fields, strict=True)
        )
        queries.append((fk, child.join(parent, on=list(fk.fields), how="anti", nulls_equal=False)))
    return queries


def _foreign_key_issues(
    ctx: Context, table: LoadedTable, fk: ForeignKey, dangling: pl.DataFrame
) -> list[Issue]:
    target = ctx.tables[fk.resource]
    ref = ",".join(fk.reference_fields)
    issues = []
    for row in dangling.select(LINE, *fk.fields).iter_rows():
        line, values = row[0], row[1:]
        value = values[0] if len(values) == 1 else ",".join(values)
        issues.append(
            table.issue(
                "structure.foreign-key",
                line,
                ",".join(fk.fields),
                value,
                f"{','.join(fk.fields)} {value!r} is not a {ref} of {fk.resource} ({target.file})",
            )
        )
    return issues


def check_structure(ctx: Context) -> list[Issue]:
    """Every structural check of every loaded table."""
    issues: list[Issue] = []
    for table in ctx.tables.values():
        issues.extend(check_table(table))
    return issues + check_all_foreign_keys(ctx)


def check_all_foreign_keys(ctx: Context) -> list[Issue]:
    """The foreign keys of every table, computed at once."""
    import polars as pl

    issues: list[Issue] = []
    queries = [(t, fk, q) for t in ctx.tables.values() for fk, q in _dangling(ctx, t)]
    found = pl.collect_all([q for _, _, q in queries])
    for (table, fk, _), dangling in zip(queries, found, strict=True):
        issues.extend(_foreign_key_issues(ctx, table, fk, dangling))
    return issues


def key_columns(ctx: Context, name: str) -> set[str]:
    """The columns of table ``name`` that foreign keys (its own, and others') read."""
    columns: set[str] = set()
    for table in ctx.package.table_names():
        for fk in ctx.package.schema(table).foreign_keys:
            if table == name:
                columns.update(fk.fields)
            if fk.resource == name:
                columns.update(fk.reference_fields)
    return columns
