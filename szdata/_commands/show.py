"""``szdata show TABLE``: a table's rows, as a table in a terminal and as CSV in a pipe.

``--format`` chooses ``table`` (rich, for people), ``csv`` (RFC 4180: a header, CRLF line
ends, the cells as stored in the package's CSV files), ``json`` (one array of objects,
typed values, ``null`` for empty cells) or ``jsonl`` (one object a line). Without it, the
output is a table on a terminal and CSV anywhere else (``szdata show figures | head``).
``--where`` keeps rows by typed comparisons (see :func:`parse_where`).
"""

from __future__ import annotations

import contextlib
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from szdata._commands._options import PackageOption, announce, package_location
from szdata._core._errors import UsageError

if TYPE_CHECKING:
    import polars as pl

    from szdata._schemas._schema import Field, TableSchema

OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json", "jsonl")
"""The formats of ``show --format``."""
TABLE_LIMIT = 20
"""Rows a ``table`` shows by default; the other formats give every row unless ``--limit``."""
OPERATORS: tuple[str, ...] = ("!=", "<=", ">=", "=", "<", ">", "~")
"""The comparisons of ``--where``, longest first (so that ``!=`` is not read as ``=``)."""
_ORDERED = ("<", ">", "<=", ">=")
_CONDITION = re.compile(r"(?P<column>[^=!<>~]*)(?P<op>!=|<=|>=|=|<|>|~)(?P<value>.*)", re.S)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TYPE_WORDS = {
    "integer": "an integer",
    "number": "a number",
    "date": "a date (YYYY-MM-DD)",
    "boolean": "true or false",
    "string": "text",
}
_EXAMPLES = {"integer": "100", "number": "1000", "date": "2020-03-20", "boolean": "true"}


@dataclass(frozen=True)
class Condition:
    """One ``--where`` condition: ``column``, operator ``op`` and the typed ``value``.

    ``value`` is ``None`` for an empty value (``item_id=``: the cell is empty).
    """

    column: str
    op: str
    value: Any


def _example(field: Field, op: str = "=") -> str:
    if field.enum is not None:
        value = str(field.enum[0])
    elif field.example is not None and field.type != "string":
        value = str(field.example)
    else:
        value = _EXAMPLES.get(field.type, str(field.example or "text"))
    if field.type == "string" and op == "~":
        value = value.split()[0] if value.split() else value
    text = f"{field.name}{op}{value}"
    return text if op in ("=", "~") else f"'{text}'"


def _typed(field: Field, text: str, where: str) -> Any:
    """The value of a condition as the column's type; a usage error if it is not one."""
    import datetime as dt

    kind = field.type
    word = _TYPE_WORDS.get(kind, kind)
    try:
        if kind == "integer" and _INTEGER.fullmatch(text) and -(2**63) <= int(text) < 2**63:
            return int(text)  # the columns are 64-bit integers
        if kind == "number" and _NUMBER.fullmatch(text):
            return float(text)
        if kind == "date" and _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if kind == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if kind == "string":
            return text
    except ValueError:
        pass
    example = " or --where ".join(
        _example(field, op) for op in (("=", ">") if kind in ("integer", "number", "date") else "=")
    )
    raise UsageError(
        f"--where {where!r}: column {field.name!r} holds {word}, and {text!r} is not one "
        f"(hint: e.g. --where {example})"
    )


def parse_where(conditions: list[str], schema: TableSchema) -> list[Condition]:
    """``COLUMN OP VALUE`` conditions, the value read as the column's type.

    ``=`` and ``!=`` compare typed values (``value=250000000`` matches ``250000000.0``); an
    empty value means an empty cell (``item_id=``). ``<``, ``>``, ``<=`` and ``>=`` compare
    numbers and dates. ``~`` keeps cells whose text (as stored) contains the value. An
    unknown column, a condition without an operator, or a value that is not of the
    column's type is a usage error naming the column, its type and an example.

    Examples
    --------
    >>> from szdata import open_package
    >>> figures = open_package().schema("figures")
    >>> for c in parse_where(["value>1000", "item_id=", "quote~million"], figures):
    ...     print(c)
    Condition(column='value', op='>', value=1000.0)
    Condition(column='item_id', op='=', value=None)
    Condition(column='quote', op='~', value='million')
    >>> parse_where(["value=abc"], figures)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    szdata._core._errors.UsageError: --where 'value=abc': column 'value' holds a number, ...)
    """
    out = []
    names = schema.field_names
    for cond in conditions:
        match = _CONDITION.fullmatch(cond)
        if match is None:
            named = cond.strip() if cond.strip() in names else names[0]
            raise UsageError(
                f"--where {cond!r} is not COLUMN OP VALUE, with OP one of "
                f"{', '.join(OPERATORS)} (hint: e.g. --where {_example(schema.field(named))})"
            )
        column, op, text = match["column"].strip(), match["op"], match["value"]
        if column not in names:
            raise UsageError(
                f"--where {cond!r}: no column {column!r} in {schema.name}; columns: "
                f"{', '.join(names)}"
            )
        field = schema.field(column)
        if op in _ORDERED and field.type not in ("integer", "number", "date"):
            raise UsageError(
                f"--where {cond!r}: {op} compares numbers and dates, and column {column!r} "
                f"holds {_TYPE_WORDS.get(field.type, field.type)} (hint: use = or ~, e.g. "
                f"--where {_example(field, '~')})"
            )
        if text == "" and op not in ("=", "!="):
            raise UsageError(
                f"--where {cond!r}: {op} needs a value (hint: e.g. --where {_example(field, op)}"
                f"; an empty value, as in {column}=, selects empty cells)"
            )
        if op == "~" or text == "":
            value: Any = text or None
        else:
            value = _typed(field, text, cond)
            if field.enum is not None and value not in field.enum:
                raise UsageError(
                    f"--where {cond!r}: column {column!r} holds one of "
                    f"{', '.join(map(str, field.enum))} (hint: e.g. --where {_example(field)})"
                )
        out.append(Condition(column, op, value))
    return out


def matching_rows(typed: pl.DataFrame, text: pl.DataFrame, where: list[Condition]) -> pl.Series:
    """The mask of the rows that meet every condition (``typed`` and ``text`` row-aligned)."""
    import polars as pl

    mask = pl.Series("keep", [True] * typed.height, dtype=pl.Boolean)
    for c in where:
        col = typed[c.column]
        if isinstance(col.dtype, pl.Enum):
            col = col.cast(pl.String)
        if c.op == "~":
            keep = text[c.column].str.contains(c.value, literal=True).fill_null(False)
        elif c.value is None:
            keep = col.is_null() if c.op == "=" else col.is_not_null()
        elif c.op == "!=":
            keep = (col != c.value).fill_null(True)  # an empty cell differs from any value
        else:
            compare = {
                "=": col.__eq__,
                "<": col.__lt__,
                ">": col.__gt__,
                "<=": col.__le__,
                ">=": col.__ge__,
            }[c.op]
            keep = compare(c.value).fill_null(False)
        mask = mask & keep
    return mask


def _print_table(name: str, text: pl.DataFrame, matched: int, total: int, location: Any) -> None:
    from rich.table import Table

    from szdata._core._terminal import console, shown

    announce(location)
    caption = f"{text.height} of {matched} rows" + (
        f" ({total} in the table)" if matched != total else ""
    )
    out = Table(*(shown(c) for c in text.columns), title=shown(name), caption=caption)
    for row in text.iter_rows():
        out.add_row(*("" if v is None else shown(v) for v in row))
    console().print(out)


def _print_csv(text: pl.DataFrame) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\r\n")
    writer.writerow(text.columns)
    writer.writerows(("" if v is None else v for v in row) for row in text.iter_rows())


def _print_json(typed: pl.DataFrame, *, lines: bool) -> None:
    import json

    def default(value: object) -> str:
        return value.isoformat()  # type: ignore[attr-defined]

    rows = typed.iter_rows(named=True)
    if lines:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=default) + "\n")
    else:
        sys.stdout.write(
            json.dumps(list(rows), ensure_ascii=False, default=default, indent=2) + "\n"
        )


def _quiet_stdout() -> None:
    """The reader of the pipe has gone (``| head``): send what is left nowhere, quietly."""
    import os

    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def register(app: typer.Typer) -> None:
    """Add ``show`` to the command line."""

    @app.command("show")
    def show(
        table: Annotated[
            str, typer.Argument(metavar="TABLE", help="The table to show (see `szdata info`).")
        ],
        limit: Annotated[
            int | None,
            typer.Option(
                "--limit",
                "-n",
                min=0,
                max=2**63 - 1,
                help=f"Show at most N rows (0: all; default: {TABLE_LIMIT} in a table, all "
                "otherwise).",
                show_default=False,
            ),
        ] = None,
        where: Annotated[
            list[str] | None,
            typer.Option(
                "--where",
                "-w",
                help="Keep rows where COLUMN OP VALUE, OP one of = != < > <= >= ~ (contains); "
                "values are typed: value>1000, refers_to<2020-03-01, item_id= (empty). "
                "Repeatable: all must hold.",
            ),
        ] = None,
        columns: Annotated[
            str | None, typer.Option("--columns", "-c", help="Comma-separated columns to show.")
        ] = None,
        output: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help="table, csv, json or jsonl (default: table on a terminal, csv otherwise).",
                show_default=False,
            ),
        ] = None,
        path: PackageOption = None,
    ) -> None:
        """Show a table's rows, optionally filtered: a table on a terminal, CSV in a pipe."""

        from szdata._core._terminal import is_terminal
        from szdata._disk._package import open_package
        from szdata._disk._readers import table_frame
        from szdata._load._loader import load

        if output is not None and output not in OUTPUT_FORMATS:
            raise UsageError(f"--format {output!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        fmt = output or ("table" if is_terminal() else "csv")
        location = package_location(path)
        typed = load(table, backend="polars", path=location.root)  # type: ignore[arg-type]
        pkg = open_package(location.root)
        schema = pkg.schema(table)
        text = table_frame(pkg, table)
        total = typed.height
        mask = matching_rows(typed, text, parse_where(where or [], schema))
        typed, text = typed.filter(mask), text.filter(mask)
        matched = typed.height
        if columns is not None:
            wanted = [c.strip() for c in columns.split(",") if c.strip()]
            if not wanted:
                raise UsageError(
                    f"--columns {columns!r} names no column; columns: {', '.join(typed.columns)}"
                )
            repeated = sorted({c for c in wanted if wanted.count(c) > 1})
            if repeated:
                raise UsageError(f"--columns names {', '.join(repeated)} more than once")
            unknown = [c for c in wanted if c not in typed.columns]
            if unknown:
                raise UsageError(
                    f"--columns: no column(s) {', '.join(unknown)} in {table}; "
                    f"columns: {', '.join(typed.columns)}"
                )
            typed, text = typed.select(wanted), text.select(wanted)
        rows = TABLE_LIMIT if limit is None and fmt == "table" else (limit or 0)
        if rows:
            typed, text = typed.head(rows), text.head(rows)
        if fmt != "table":
            announce(location, err=True)
        try:
            if fmt == "table":
                _print_table(table, text, matched, total, location)
            elif fmt == "csv":
                _print_csv(text)
            else:
                _print_json(typed, lines=fmt == "jsonl")
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
