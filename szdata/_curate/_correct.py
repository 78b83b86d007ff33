"""``szdata correct``: record a curation decision from the command line, then rebuild.

A correction is a row of ``decisions.csv``: ``set`` a column of a built row, ``add`` a row
the parser missed, ``remove`` a row it misread, or ``note`` a fact about a cell whose
printed text is itself wrong. A value a decision sets or adds is held to the text as the
parser's is (every rule the registry marks ``text``: a figure's value, unit, qualifier and
counted noun, a date and its resolution, a ``refers_to``, a title, a publication date...),
so a wrong printed number is kept and the true one noted; ``correct`` refuses such a
``set`` and prints the ``--note`` command that records it. :func:`correct` gives each
decision the next id, today's date and the curator, fills ``parsed_value`` with what the
build produces now, and then, under the package's write lock, writes it into a draft of
the package (:mod:`szdata._curate._draft`), rebuilds and validates the draft (every layer
but review). Only a draft that builds and validates replaces the package's files; otherwise
nothing is written and the refusal says why, with the command that would work.

Examples
--------
>>> parse_target("figures:000_7a64f3334c1b3195.f1809")
('figures', '000_7a64f3334c1b3195.f1809')
>>> parse_assignment("counted=confirmed cases")
('counted', 'confirmed cases')
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from szdata._core._errors import SzdataError, UsageError

if TYPE_CHECKING:
    from szdata._curate._draft import Draft
    from szdata._schemas._schema import TableSchema

Action = Literal["set", "add", "remove", "note"]


def _holds_to_text(rule: str) -> bool:
    """Whether ``rule`` ties a cell to the printed text (:attr:`Rule.text
    <szdata._validate._rules.Rule.text>`): when the text itself is wrong, a ``note``
    records the true value and the cell keeps what was printed."""
    from szdata._validate._rules import RULES

    known = RULES.get(rule)
    return known is not None and known.text


class CorrectionRefused(SzdataError):
    """``szdata correct`` refused the decision: the build or the validation would fail.

    Nothing was written. ``problems`` lists what is wrong; ``hint`` what would work.
    """

    def __init__(self, problems: list[str], hint: str) -> None:
        self.problems = problems
        self.hint = hint
        body = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"nothing was recorded:\n{body}\nhint: {hint}")


@dataclass
class CorrectResult:
    """The decisions recorded (or that would be, with ``dry_run``) and the files written."""

    decisions: list[dict[str, str]]
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False


def parse_target(target: str) -> tuple[str, str]:
    """Split ``TABLE:KEY`` (the same form as ``szdata add --remove``).

    Raises
    ------
    UsageError
        When either part is missing.
    """
    table, sep, key = target.partition(":")
    if not sep or not table.strip() or not key.strip():
        raise UsageError(
            f"{target!r} is not TABLE:KEY (for example figures:000_7a64f3334c1b3195.f1809; "
            "`szdata show TABLE` lists the keys)"
        )
    return table.strip(), key.strip()


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``COLUMN=VALUE``; the value may be empty and may hold ``=``.

    Raises
    ------
    UsageError
        When there is no ``=`` or no column.
    """
    column, sep, value = text.partition("=")
    if not sep or not column.strip():
        raise UsageError(f"{text!r} is not COLUMN=VALUE (for example counted=confirmed cases)")
    return column.strip(), value


def correct(
    target: str,
    *,
    set_values: Sequence[str] = (),
    add_values: Sequence[str] = (),
    remove: bool = False,
    notes: Sequence[str] = (),
    reason: str | None,
    evidence: str | None,
    by: str | None = None,
    path: str | Path | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> CorrectResult:
    """Record a correction of the row ``target`` (``TABLE:KEY``) and rebuild, atomically.

    Parameters
    ----------
    target
        ``TABLE:KEY``: a built table (``articles``, ``items``, ``figures``, ``dates``,
        ``mentions``) and the primary key of the row (the new row's, for ``add_values``).
    set_values
        ``COLUMN=VALUE`` pairs: one ``set`` decision each.
    add_values
        ``COLUMN=VALUE`` pairs of a row the parser missed: one ``add`` decision.
    remove
        Record a ``remove`` decision: the row is a misreading.
    notes
        ``COLUMN=FACT`` pairs: one ``note`` decision each (the cell keeps its value).
    reason, evidence
        Why, and where it can be checked (a web address, or a quote of the raw text).
    by
        Who decides (default: ``git config user.name``).
    path
        The package folder; ``None`` for the installed package (refused by the CLI).
    dry_run
        Build and validate the draft, but write nothing.
    today
        The decisions' date (default: today).

    Returns
    -------
    CorrectResult
        The decision rows and the files written.

    Raises
    ------
    UsageError
        Options that do not make one correction (none or two kinds of action, no reason,
        no evidence, no curator, a table or column that does not exist).
    CorrectionRefused
        When the package would not build or validate with the decision.
    """
    from szdata._curate._add import curator_name, next_decision_id
    from szdata._curate._draft import draft
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package
    from szdata._disk._readers import built_table_records, table_records

    kinds = [k for k, given in (("set", set_values), ("add", add_values), ("remove", remove),
                                 ("note", notes)) if given]  # fmt: skip
    if len(kinds) != 1:
        raise UsageError("give exactly one kind of correction: --set, --add, --remove or --note")
    (kind,) = kinds
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    if not reason:
        raise UsageError("a correction needs --reason TEXT (why the row is wrong)")
    if not evidence:
        raise UsageError(
            "a correction needs --evidence TEXT: a web address, or a quote of the raw text"
        )
    table, key = parse_target(target)
    root = open_package(path).root
    curator = curator_name(root, by)
    if not curator:
        raise UsageError("who decides? give --by NAME (git config user.name is not set)")
    day = (today or dt.date.today()).isoformat()

    with draft(root, command="correct") as d:
        pkg = d.package()
        if not d.is_built():
            raise CorrectionRefused(
                ["the committed tables are not what the build produces"],
                "run `szdata build --check` to see the difference, then `szdata build`",
            )
        valid = d.known_valid()  # then only the corrected articles' rows are validated
        tables = pkg.schema("decisions").field("table").enum or ()
        if table not in tables:
            raise UsageError(f"table {table!r} cannot be corrected (one of: {', '.join(tables)})")
        schema = pkg.schema(table)
        (pk,) = schema.primary_key
        # the draft is known built: its tables are the build's, read by the row's line
        row = next(iter(built_table_records(pkg, table, where=(pk, key))), None)
        changes = _changes(kind, table, key, row, schema, set_values, add_values, notes)
        recorded = table_records(pkg, "decisions")
        existing = [r["decision_id"] for r in recorded]
        decisions = [
            {
                "decision_id": next_decision_id(existing, offset=n),
                "table": table,
                "key": key,
                "action": kind,
                "column": column,
                "parsed_value": before,
                "curated_value": after,
                "reason": reason,
                "evidence": evidence,
                "decided_on": day,
                "decided_by": curator,
            }
            for n, (column, before, after) in enumerate(changes)
        ]
        d.write(pkg.resource("decisions")["path"], with_rows(pkg, "decisions", append=decisions))
        _build_and_validate(d, decisions, valid)
        if dry_run:
            return CorrectResult(decisions, [], True)
        return CorrectResult(decisions, d.commit(), False)


def _changes(
    kind: str,
    table: str,
    key: str,
    row: dict[str, str] | None,
    schema: TableSchema,
    set_values: Sequence[str],
    add_values: Sequence[str],
    notes: Sequence[str],
) -> list[tuple[str, str, str]]:
    """``(column, parsed_value, curated_value)`` of each decision to record."""
    from szdata._schemas._curation import correctable_columns
    from szdata._validate._text import cell_problems

    if kind == "add":
        if row is not None:
            raise UsageError(
                f"{table} already has a row {key!r}: correct its columns with --set instead"
            )
        return [("", "", _row_json(schema, key, add_values))]
    if row is None:
        raise UsageError(
            f"{table} has no row {key!r} (hint: `szdata show {table}` lists the rows; "
            "a row the parser missed is added with --add)"
        )
    if kind == "remove":
        return [("", "", "")]
    out = []
    allowed = correctable_columns(schema) if kind == "set" else schema.field_names
    for column, value in map(parse_assignment, set_values if kind == "set" else notes):
        if column not in allowed:
            what = "set" if kind == "set" else "noted"
            raise UsageError(
                f"column {column!r} of {table} cannot be {what} (columns: {', '.join(allowed)}; "
                "the span, quote and ids come from the raw text)"
            )
        for rule, message in cell_problems(column, value):
            raise UsageError(f"--{kind}: {message} [{rule}]")
        before = row.get(column) or ""
        if kind == "set" and value == before:
            raise UsageError(f"{table} {key} already has {column} = {value!r}: nothing to correct")
        out.append((column, before, value))
    return out


def _row_json(schema: TableSchema, key: str, assignments: Sequence[str]) -> str:
    """The ``curated_value`` of an ``add``: the row as a JSON object, typed by the schema."""
    (pk,) = schema.primary_key
    row: dict[str, Any] = {pk: key}
    for column, value in map(parse_assignment, assignments):
        if column not in schema.field_names:
            raise UsageError(
                f"{column!r} is not a column of this table "
                f"(columns: {', '.join(schema.field_names)})"
            )
        row[column] = _typed(schema.field(column).type, value)
    return json.dumps(row, ensure_ascii=False)


def _typed(kind: str, value: str) -> Any:
    """An integer or number cell as a JSON number when it reads as one, else the text."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        pass
    return value


def _build_and_validate(d: Draft, decisions: list[dict[str, str]], valid: bool) -> None:
    """Rebuild and validate the draft; refuse with every error it has. ``valid``: the draft
    was known to have no error before the decisions were written."""
    from szdata._curate._build import article_of

    ids = ", ".join(x["decision_id"] for x in decisions)
    touched = sorted({article_of(x["key"]) for x in decisions})
    try:  # the draft was built: only the rows of the articles the decisions are about change
        d.build(touched=touched)
    except SzdataError as exc:
        raise CorrectionRefused(
            [f"the build refuses {ids}: {exc}"], "check the key, the column and the value"
        ) from None
    report = d.validate(touched=touched if valid else None)
    errors = [i for i in report.errors if not i.rule.startswith("review.")]
    if not errors:
        return
    problems = [f"{i.where} [{i.rule}] {i.message}" for i in errors]
    first = decisions[0]
    if first["action"] == "set" and any(_holds_to_text(i.rule) for i in errors):
        pairs = [f"{d['column']}={d['curated_value']}" for d in decisions]
        notes = " ".join(f"--note {shlex.quote(pair)}" for pair in pairs)
        hint = (
            f"the {first['column']} must agree with the printed text (a decision's value is "
            "held to the text as the parser's is); when the text itself is wrong, record the "
            f"true value as a note, and the cell keeps what is printed: szdata correct "
            f"{first['table']}:{first['key']} {notes} --reason ... --evidence ..."
        )
    else:
        hint = "the package would not validate with this correction; fix the value and try again"
    raise CorrectionRefused(problems, hint)


START = "<!-- correctable:start -->"
END = "<!-- correctable:end -->"


def correctable_markdown(path: str | Path | None = None) -> str:
    """What ``szdata correct --set`` can change, per table, as a Markdown table.

    Written into CONTRIBUTING.md between :data:`START` and :data:`END`
    (``python -m szdata._curate._correct --write CONTRIBUTING.md``); a test keeps it in step with
    the schemas.

    Examples
    --------
    >>> print(correctable_markdown().splitlines()[5])
    | `dates` | `date_id` | `item_id`, `date`, `resolution` |
    """
    from szdata._disk._package import open_package
    from szdata._schemas._curation import correctable_columns

    pkg = open_package(path)
    lines = ["| table | key | columns `--set` can change |", "|---|---|---|"]
    for table in pkg.schema("decisions").field("table").enum or ():
        schema = pkg.schema(table)
        columns = ", ".join(f"`{c}`" for c in correctable_columns(schema))
        lines.append(f"| `{table}` | `{schema.primary_key[0]}` | {columns} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m szdata._curate._correct [--write FILE | --check FILE]``; else print the table."""
    from szdata._load._codebook import section_command

    return section_command(
        argv,
        prog="szdata._curate._correct",
        description=__doc__,
        what="table of correctable columns",
        content=correctable_markdown,
        start=START,
        end=END,
    )


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(main())
