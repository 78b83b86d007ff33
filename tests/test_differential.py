"""szdata's structural layer and ``frictionless`` give the same verdict on every constraint.

Hypothesis generates cells for every field of the package's Table Schemas (each distinct
type and set of constraints: integers, numbers, dates, patterns, enums, lengths, required,
unique, the ``uri`` format), and small CSV files of the package's tables (rows from the
shipped tables, with cells changed, rows repeated, cells missing or extra, blank lines,
CRLF and lone-CR line endings, a byte-order mark, a wrong header). Each is checked in this
process by both:

- ``frictionless.Resource(...).validate()``, the standard's reference checker;
- szdata's structural layer: the one CSV reader, the typed casts and
  :func:`szdata._validate._structural.check_table`, as ``szdata validate`` runs them.

A verdict is ``(line, rule, field)``. The two sets must be equal, except for issues that
szdata alone reports and that an entry of :data:`szdata._validate._rules.STRICTER` (the one
list of where szdata is deliberately stricter, with the reason) describes. frictionless
rejecting what szdata accepts is always a failure: szdata is then wrong, and is fixed.
In a row whose length is wrong, or that is blank, only that is compared (the cells are not
those of the header). Keys across tables are compared on whole packages (the last section):
a copy of the fixture package with references broken, referenced rows deleted, rows and
keys repeated, validated by ``szdata validate`` and ``frictionless validate
datapackage.json``.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szdata._disk._readers import LINE, _fast, _slow, read_csv_bytes
from szdata._schemas._schema import TableSchema
from szdata._schemas._typed import typed_frame
from szdata._validate._load import LoadedTable
from szdata._validate._rules import RULES, STRICTER
from szdata._validate._structural import check_table
from tests.conftest import REPO

# hypothesis against frictionless, the reference checker (about 20,000 rows/s)
pytestmark = pytest.mark.slow

pytest.importorskip("frictionless")

SETTINGS = settings(
    max_examples=int(os.environ.get("SZDATA_DIFFERENTIAL_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_CONSTRAINTS = {
    "required": "structure.required",
    "enum": "structure.enum",
    "minimum": "structure.minimum",
    "maximum": "structure.maximum",
    "pattern": "structure.pattern",
    "minLength": "structure.min-length",
    "maxLength": "structure.max-length",
}
_ROW_ERRORS = {
    "extra-cell": "structure.row-length",
    "missing-cell": "structure.row-length",
    "blank-row": "structure.blank-row",
    "primary-key": "structure.primary-key",
}
_LABEL_ERRORS = {
    "incorrect-label",
    "missing-label",
    "extra-label",
    "blank-label",
    "duplicate-label",
}
_ROW_RULES = {"structure.row-length", "structure.blank-row"}
_CELL_RULES = {*_CONSTRAINTS.values(), "structure.type", "structure.format-uri", "structure.unique"}

Verdict = tuple[int, str, str]
"""(line, rule, field): field is empty for a rule on the whole row or file."""


# -- the two checkers ------------------------------------------------------------------------


@dataclass
class Verdicts:
    found: set[Verdict]
    cells: dict[tuple[int, str], str]
    """The cell of each (line, field) that a verdict is about, as stored."""


def _kind(field: dict[str, Any]) -> str:
    return "uri" if field.get("format") == "uri" else field["type"]


def frictionless_verdicts(schema: dict[str, Any], data: bytes) -> Verdicts:
    from frictionless import Dialect, Resource, Schema, formats

    resource = Resource(
        data,
        format="csv",
        encoding="utf-8",  # as the package's resources say (else a guess: UTF-7, ...)
        schema=Schema.from_descriptor(schema),
        # never sniffed: with a short first row, frictionless may guess another header row
        dialect=Dialect(header_rows=[1], controls=[formats.CsvControl(delimiter=",")]),
    )
    kinds = {f["name"]: _kind(f) for f in schema["fields"]}
    found: set[Verdict] = set()
    cells: dict[tuple[int, str], str] = {}
    try:
        report = resource.validate(limit_errors=100_000)
    except decimal.InvalidOperation:  # frictionless 5 crashes comparing Decimal('sNaN')
        return Verdicts({(0, "frictionless-crashed", "")}, {})
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            if e.type in _LABEL_ERRORS:
                found.add((1, "structure.header", ""))
            elif e.type in _ROW_ERRORS:
                if e.type == "primary-key" and "all" in (e.note or ""):
                    continue  # every key cell empty: szdata says required (or blank row)
                found.add((row, _ROW_ERRORS[e.type], ""))
            elif e.type == "type-error":
                rule = "structure.format-uri" if kinds[e.field_name] == "uri" else "structure.type"
                found.add((row, rule, e.field_name))
                cells[(row, e.field_name)] = e.cell
            elif e.type == "constraint-error":
                (name,) = re.findall(r'^constraint "(\w+)"', e.note)
                found.add((row, _CONSTRAINTS[name], e.field_name))
                cells[(row, e.field_name)] = e.cell
            elif e.type == "unique-error":
                found.add((row, "structure.unique", e.field_name))
                cells[(row, e.field_name)] = e.cell
            else:
                raise AssertionError(f"an error szdata does not map: {e.type}: {e.message}")
    return Verdicts(found, cells)


def szdata_verdicts(schema: dict[str, Any], data: bytes) -> Verdicts:
    table_schema = TableSchema.from_descriptor("t", schema)
    read = read_csv_bytes(data, file="t.csv")
    found: set[Verdict] = {(i.line, i.rule, "") for i in read.issues}
    if read.header_issue(table_schema.field_names) is not None:
        return Verdicts(found | {(1, "structure.header", "")}, {})
    table = LoadedTable(name="t", file="t.csv", schema=table_schema)
    table.text, table.typed = read.frame, typed_frame(read.frame, table_schema)
    cells: dict[tuple[int, str], str] = {}
    for i in check_table(table):
        column = i.column if i.rule in _CELL_RULES else ""
        found.add((i.row, i.rule, column))
        if column:
            cells[(i.row, column)] = i.value if i.value is not None else ""
    return Verdicts(found, cells)


def stricter_entry(rule: str, kind: str, cell: str | None) -> Any:
    """The entry of STRICTER that describes an issue szdata alone reports, if any."""
    for s in STRICTER:
        if s.rule != rule or (s.types and kind not in s.types):
            continue
        if not s.cells or (cell is not None and re.search(s.cells, cell)):
            return s
    return None


def compare(schema: dict[str, Any], data: bytes) -> None:
    """Assert that both checkers agree on ``data``, but for the documented stricter cases."""
    ours, theirs = szdata_verdicts(schema, data), frictionless_verdicts(schema, data)
    if len(schema.get("primaryKey", [])) == 1:  # a unique primary key repeated: one verdict
        (key,) = schema["primaryKey"]
        for v in (ours, theirs):
            v.found = {
                (line, "structure.primary-key", "") if (rule, col) == ("structure.unique", key)
                else (line, rule, col)
                for line, rule, col in v.found
            }  # fmt: skip
    context = f"\nschema: {json.dumps(schema)[:400]}\nfile: {data[:600]!r}"
    if (0, "frictionless-crashed", "") in theirs.found:
        assert any(r == "structure.type" for _, r, _ in ours.found), f"szdata accepts{context}"
        return
    if any(rule == "structure.csv-syntax" for _, rule, _ in ours.found):
        assert stricter_entry("structure.csv-syntax", "", None) is not None
        return  # the two parsers read the cells of a malformed file differently
    if (1, "structure.header", "") in ours.found | theirs.found:
        assert (1, "structure.header", "") in ours.found, f"frictionless only{context}"
        assert (1, "structure.header", "") in theirs.found, f"szdata only{context}"
        return  # szdata reads no row of a table whose header is wrong
    both = ours.found | theirs.found
    blank = {line for line, rule, _ in both if rule == "structure.blank-row"}
    odd = {line for line, rule, _ in both if rule in _ROW_RULES}

    def kept(found: set[Verdict]) -> set[Verdict]:
        if_blank = {v for v in found if v[0] in blank and v[1] == "structure.blank-row"}
        return if_blank | {
            v for v in found if v[0] not in blank and (v[0] not in odd or v[1] in _ROW_RULES)
        }

    ours_kept, theirs_kept = kept(ours.found), kept(theirs.found)
    # a cell szdata cannot read as its type is rejected either way: frictionless, reading
    # it, may reject it for a bound or pattern instead (the type issue is then checked below)
    unread = {
        (line, col)
        for line, rule, col in ours_kept
        if rule in ("structure.type", "structure.format-uri")
    }
    # and a repeat that frictionless finds among values szdata could not all read
    keys = set(schema.get("primaryKey", []))
    unread_columns = {col for _, col in unread}

    def covered(v: Verdict) -> bool:
        line, rule, col = v
        if rule == "structure.primary-key":
            return bool(keys & unread_columns)
        if rule == "structure.unique":
            return col in unread_columns
        return (line, col) in unread

    missed = {v for v in theirs_kept - ours_kept if not covered(v)}
    assert not missed, {
        "frictionless rejects, szdata accepts (fix szdata)": sorted(missed),
        "cells": {v: theirs.cells.get((v[0], v[2])) for v in missed},
        "context": context,
    }
    kinds = {f["name"]: _kind(f) for f in schema["fields"]}
    # a repeat among cells frictionless could not read as their type (it compares none)
    theirs_unread = {
        col for _, rule, col in theirs_kept if rule in ("structure.type", "structure.format-uri")
    }
    for line, rule, column in sorted(ours_kept - theirs_kept):
        if rule == "structure.primary-key" and keys & theirs_unread:
            continue
        if rule == "structure.unique" and column in theirs_unread:
            continue
        cell = ours.cells.get((line, column))
        entry = stricter_entry(rule, kinds.get(column, ""), cell)
        assert entry is not None, (
            f"szdata alone reports {rule} at line {line}, column {column!r}, cell {cell!r}: "
            f"not on the STRICTER list{context}"
        )


def csv_bytes(header: list[str], rows: list[list[str]], eol: str = "\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=eol).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


# -- the package's fields and their cells ----------------------------------------------------


@cache
def package_schemas() -> dict[str, dict[str, Any]]:
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {}
    for r in descriptor["resources"]:
        if r.get("type") == "table" or str(r.get("path", "")).endswith(".csv"):
            schema = r["schema"]
            if isinstance(schema, str):
                schema = json.loads((REPO / schema).read_text(encoding="utf-8"))
            schemas[r["name"]] = {k: v for k, v in schema.items() if k != "foreignKeys"}
    return schemas


@cache
def shipped_rows(table: str) -> tuple[list[str], list[list[str]]]:
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    (path,) = [r["path"] for r in descriptor["resources"] if r["name"] == table]
    rows = list(csv.reader(io.StringIO((REPO / path).read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def _signature(field: dict[str, Any]) -> str:
    keep = {k: field.get(k) for k in ("type", "format", "constraints")}
    return json.dumps(keep, sort_keys=True)


@cache
def distinct_fields() -> list[tuple[str, dict[str, Any]]]:
    """One (table, field) per distinct type, format and constraints of the package."""
    seen: dict[str, tuple[str, dict[str, Any]]] = {}
    for table, schema in package_schemas().items():
        for field in schema["fields"]:
            seen.setdefault(_signature(field), (table, field))
    return list(seen.values())


_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_MUTATIONS = [
    lambda s: s,
    lambda s: s,
    lambda s: " " + s,
    lambda s: s + " ",
    lambda s: s + "\u00a0",
    lambda s: s.upper(),
    lambda s: s.capitalize(),
    lambda s: s.translate(_DIGITS),
    lambda s: s.translate(_WIDE),
    lambda s: s.replace("0", "", 1),
    lambda s: s.replace("-0", "-", 1),
    lambda s: s[:-1],
    lambda s: s + s[-1:],
    lambda s: "+" + s,
    lambda s: "-" + s,
    lambda s: "0" + s,
    lambda s: s.replace("1", "1_", 1),
    lambda s: s + ".0",
    lambda s: s + "e1",
    lambda s: s.replace(".", ",", 1),
    lambda s: s + "\u200b",
    lambda s: s + "\t",
]
_SPECIAL = [
    "", " ", "0", "-0", "+0", "00", "-1", "1", "1.5", ".5", "5.", "1e3", "1E-3", "INF", "-INF",
    "inf", "NaN", "nan", "Infinity", "sNaN", "NaN1", "1,000", "1 000", "1_000", "0x10",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "١٢", "true",
    "2020-04-07", "2020-4-7", "2020-04-31", "2020-02-29", "2019-02-29", "2019-11-30",
    "2019-12-01", "2023-12-31", "2024-01-01", "2020-04-07T00:00", "20200407", "0001-01-01",
    "http://example.org/a", "https://www.eyeshenzhen.com/x.htm", "HTTP://X.ORG", "ftp://h/f",
    "mailto:press@sz.gov.cn", "urn:isbn:0451450523", "file:///etc/passwd", "http://",
    "//example.org", "example.org", "http://exa mple.org", "http://[::1]/",
    "=1+1", "@x", "a", "A", "é", "e\u0301", "\u00a0", "x" * 70, "D0001", "D0001 D0002",
]  # fmt: skip
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n\x00"), max_size=8)


@cache
def _column(table: str, name: str) -> tuple[str, ...]:
    header, rows = shipped_rows(table)
    i = header.index(name)
    return tuple(sorted({r[i] for r in rows if i < len(r)}))[:200]


def cell_strategy(table: str, field: dict[str, Any]) -> st.SearchStrategy[str]:
    """Cells for ``field``: shipped values, values its constraints name, edge cases and
    arbitrary text, each maybe mutated (spaces, case, digits, signs, separators)."""
    c = field.get("constraints", {})
    bases: list[st.SearchStrategy[str]] = [st.sampled_from(_SPECIAL), _TEXT]
    shipped = [v for v in _column(table, field["name"]) if "\n" not in v and "\r" not in v]
    if shipped:
        bases.append(st.sampled_from(shipped))
    if "enum" in c:
        bases.append(st.sampled_from([str(v) for v in c["enum"]]))
    if "pattern" in c:
        bases.append(st.from_regex(f"(?:{c['pattern']})", fullmatch=True).filter(
            lambda s: "\n" not in s and "\r" not in s))  # fmt: skip
    for bound in ("minimum", "maximum"):
        if bound in c:
            bases.append(st.just(str(c[bound])))
    kind = field["type"]
    if kind == "integer":
        bases.append(st.integers(-(10**20), 10**20).map(str))
    elif kind == "number":
        bases.append(st.floats(allow_nan=True, allow_infinity=True).map(repr))
        bases.append(st.decimals(allow_nan=False, places=3).map(str))
    elif kind == "date":
        bases.append(st.dates().map(lambda d: d.isoformat()))
        bases.append(st.dates().map(lambda d: f"{d.year}-{d.month}-{d.day}"))
    mutated = st.tuples(st.one_of(bases), st.sampled_from(_MUTATIONS)).map(lambda t: t[1](t[0]))
    return mutated.filter(lambda s: "\n" not in s and "\r" not in s and "\x00" not in s)


# -- cells -------------------------------------------------------------------------------------


def _ids() -> list[str]:
    return [f"{t}.{f['name']}" for t, f in distinct_fields()]


@pytest.mark.parametrize(("table", "field"), distinct_fields(), ids=_ids())
@SETTINGS
@given(data=st.data())
def test_cells_get_the_same_verdict(table: str, field: dict[str, Any], data: st.DataObject):
    cells = data.draw(st.lists(cell_strategy(table, field), min_size=1, max_size=10))
    schema = {"fields": [field], "missingValues": [""]}
    if data.draw(st.booleans()):  # as a primary key (required, and repeats are errors)
        schema["primaryKey"] = [field["name"]]
    compare(schema, csv_bytes([field["name"]], [[c] for c in cells]))


# -- files -------------------------------------------------------------------------------------

_EOLS = ["\n", "\r\n", "\r"]


@st.composite
def table_file(draw: st.DrawFn, table: str) -> bytes:
    """A small CSV file of ``table``: shipped rows, some cells changed, rows repeated or
    cut or lengthened, blank lines, empty rows, any line ending, maybe a BOM or a bad header."""
    header, rows = shipped_rows(table)
    fields = {f["name"]: f for f in package_schemas()[table]["fields"]}
    clean = [r for r in rows if not any("\n" in c or "\r" in c for c in r)]
    out: list[list[str]] = []
    for _ in range(draw(st.integers(1, 6))):
        row = list(draw(st.sampled_from(clean)))
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(header) - 1))
            row[i] = draw(cell_strategy(table, fields[header[i]]))
        shape = draw(st.sampled_from(["row"] * 6 + ["short", "long", "blank", "empty", "repeat"]))
        if shape == "short":
            row = row[: draw(st.integers(1, len(row) - 1))]
        elif shape == "long":
            row = [*row, "extra"]
        elif shape == "blank":
            row = []
        elif shape == "empty":
            row = [""] * len(header)
        elif shape == "repeat" and out:
            row = list(out[-1])
        out.append(row)
    head = list(header)
    if draw(st.integers(0, 9)) == 0:
        head[draw(st.integers(0, len(head) - 1))] += "x"
    eol = draw(st.sampled_from(_EOLS))
    data = csv_bytes(head, out, eol)
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


@pytest.mark.parametrize("table", ["articles", "figures", "organizations", "decisions"])
@SETTINGS
@given(data=st.data())
def test_files_get_the_same_verdict(table: str, data: st.DataObject) -> None:
    compare(package_schemas()[table], data.draw(table_file(table)))


# -- the cases found, kept ---------------------------------------------------------------------

_INTEGER = {"name": "x", "type": "integer"}


@pytest.mark.parametrize(
    ("schema", "rows", "rule"),
    [
        # NaN is below no number for polars; frictionless (and the standard) rejects it
        ({"fields": [{"name": "x", "type": "number", "constraints": {"minimum": 0}}]},
         [["NaN"]], "structure.minimum"),
        # unique values compare as their type reads them: 1 and 01 are one integer
        ({"fields": [{**_INTEGER, "constraints": {"unique": True}}]},
         [["1"], ["01"]], "structure.unique"),
        ({"fields": [_INTEGER, {"name": "s", "type": "string"}], "primaryKey": ["x", "s"]},
         [["1", "a"], ["+1", "a"]], "structure.primary-key"),
        # a row of empty cells is a blank row
        ({"fields": [_INTEGER, {"name": "s", "type": "string"}]},
         [["1", "a"], ["", ""]], "structure.blank-row"),
        # a quoted empty cell is empty: a required cell, and not an unreadable integer
        ({"fields": [{**_INTEGER, "constraints": {"required": True}}]},
         [['""']], "structure.required"),
    ],
)  # fmt: skip
def test_found_disagreements_are_fixed(schema: dict, rows: list[list[str]], rule: str) -> None:
    schema = {**schema, "missingValues": [""]}
    header = [f["name"] for f in schema["fields"]]
    data = ("\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n").encode()
    assert rule in {v[1] for v in szdata_verdicts(schema, data).found}
    compare(schema, data)


def test_a_quoted_empty_cell_reads_the_same_on_both_paths_of_the_reader() -> None:
    data = b'a,b\n"",x\n,""\n'
    fast, slow = _fast(data, "t.csv"), _slow(data, "t.csv")
    assert fast is not None
    assert fast.frame.rows() == slow.frame.rows() == [(None, "x", 2), (None, None, 3)]


@SETTINGS
@given(
    st.lists(
        st.lists(st.sampled_from(["", '""', "a", '"a,b"', '"q""q"', "1", " "]), min_size=2,
                 max_size=2),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
)  # fmt: skip
def test_both_paths_of_the_reader_read_the_same_cells(rows: list[list[str]], eol: str) -> None:
    data = eol.join(["a,b", *(",".join(r) for r in rows)]).encode() + eol.encode()
    fast, slow = _fast(data, "t.csv"), _slow(data, "t.csv")
    if fast is not None:
        assert fast.frame.select("a", "b", LINE).rows() == slow.frame.select("a", "b", LINE).rows()


# -- the list of where szdata is stricter ------------------------------------------------------


def test_the_stricter_list_is_short_and_names_structure_rules() -> None:
    assert 0 < len(STRICTER) <= 12
    for s in STRICTER:
        assert RULES[s.rule].layer == "structure", s
        assert s.reason and s.what
        assert all(re.search(s.cells, e) for e in s.examples) if s.cells else True


@pytest.mark.parametrize("entry", STRICTER, ids=lambda s: f"{s.rule}:{s.what[:30]}")
def test_every_stricter_entry_is_a_real_difference(entry) -> None:
    """Each example is rejected by szdata with the entry's rule and accepted by frictionless:
    the list says what is true today (a fixed difference leaves the list)."""
    kind = entry.types[0] if entry.types else "string"
    field: dict[str, Any] = {"name": "x", "type": "string" if kind == "uri" else kind}
    if kind == "uri":
        field["format"] = "uri"
    if entry.constraints:
        field["constraints"] = dict(entry.constraints)
    schema: dict[str, Any] = {"fields": [field], "missingValues": [""]}
    examples = list(entry.examples)
    if entry.rule == "structure.required":  # an empty cell of a primary key
        schema = {**schema, "fields": [field, {"name": "y", "type": "string"}]}
        schema["primaryKey"] = ["x"]
        datas = [b"x,y\n,a\n"]
    elif not entry.cells:  # a whole rule of the file's syntax: the example is raw CSV
        datas = [f"x\n{e}\n".encode() for e in examples]
    else:
        datas = [csv_bytes(["x"], [[e]]) for e in examples]
    assert datas
    for data in datas:
        ours, theirs = szdata_verdicts(schema, data), frictionless_verdicts(schema, data)
        assert entry.rule in {v[1] for v in ours.found}, (data, ours.found)
        assert not {v for v in theirs.found if v[0] == 2}, (data, theirs.found)


# -- whole packages: keys across tables --------------------------------------------------------
#
# The cells and files above are compared one table at a time. Here whole packages are: a copy
# of the fixture package is changed (a reference pointed at a row that does not exist, a
# referenced row deleted, a row or a key repeated), the changed files' `hash` and `bytes` are
# written into the descriptor as `szdata build` would, and `szdata validate` and
# `frictionless validate datapackage.json` must give the same verdicts on the rules of
# PACKAGE_RULES. A new verdict across files joins by an entry in both maps below (and, if
# its cases need it, a mutation in `package_edit`).

PACKAGE_RULES: dict[str, str] = {
    "foreign-key": "structure.foreign-key",
    "primary-key": "structure.primary-key",
}
"""frictionless error type -> the szdata rule that says the same, for whole packages."""

PackageVerdict = tuple[str, int | None, str]
"""(resource, line, rule)."""


def _csv_rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def refresh_file_facts(root, changed: set[str]) -> None:
    """Record the ``hash`` and ``bytes`` of the ``changed`` files in the descriptor, as the
    build does, so that only the verdicts compared differ from a built package."""
    import hashlib

    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res.get("path") in changed:
            data = (root / res["path"]).read_bytes()
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            res["bytes"] = len(data)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _primary_keys(root) -> dict[str, str]:
    schemas = {r["name"]: r for r in json.loads((root / "datapackage.json").read_text())[
        "resources"] if r.get("type") == "table"}  # fmt: skip
    out = {}
    for name, res in schemas.items():
        schema = json.loads((root / res["schema"]).read_text(encoding="utf-8"))
        pk = schema.get("primaryKey")
        if isinstance(pk, list) and len(pk) == 1:
            out[name] = pk[0]
        elif isinstance(pk, str):
            out[name] = pk
    return out


def szdata_package_verdicts(root) -> set[PackageVerdict]:
    from szdata._validate import validate

    keys = _primary_keys(root)
    rules = set(PACKAGE_RULES.values())
    found = set()
    for i in validate(root).issues:
        rule = i.rule
        if rule == "structure.unique" and keys.get(i.table) == i.column:
            rule = "structure.primary-key"  # a unique primary key repeated: one verdict
        if rule in rules:
            found.add((i.table, i.row, rule))
    return found


def frictionless_package_verdicts(root) -> set[PackageVerdict]:
    from frictionless import validate

    keys = _primary_keys(root)
    report = validate(str(root / "datapackage.json"), limit_errors=100_000)
    found = set()
    for task in report.tasks:
        for e in task.errors:
            kind = e.type
            if kind == "unique-error" and keys.get(task.name) == getattr(e, "field_name", None):
                kind = "primary-key"
            if kind in PACKAGE_RULES:
                found.add((task.name, getattr(e, "row_number", None), PACKAGE_RULES[kind]))
    return found


def compare_packages(root) -> set[PackageVerdict]:
    """Assert both checkers give the same verdicts on ``root``; return them."""
    ours, theirs = szdata_package_verdicts(root), frictionless_package_verdicts(root)
    assert ours == theirs, {
        "szdata alone": sorted(ours - theirs),
        "frictionless alone": sorted(theirs - ours),
    }
    return ours


FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "mentions": [("organization_id", "organizations", "organization_id")],
    "aliases": [("organization_id", "organizations", "organization_id")],
    "organizations": [("parent_id", "organizations", "organization_id")],
    "figures": [("unit", "units", "unit"), ("item_id", "items", "item_id")],
    "items": [("source_organization_id", "organizations", "organization_id")],
    "reviews": [("article_id", "articles", "article_id")],
}
"""Some of the package's foreign keys (column, table, column), the ones the cases break;
the test below reads the schemas for every key the checkers compare."""


def package_edit(root, table: str, kind: str, row: int, value: str = "") -> set[str]:
    """One change of the copy at ``root``; the files changed (relative paths)."""
    files = {
        r["name"]: r["path"]
        for r in json.loads((root / "datapackage.json").read_text())["resources"]
    }
    path = root / files[table]
    rows = _csv_rows(path)
    row = 1 + (row % (len(rows) - 1))
    header = rows[0]
    if kind == "dangling":  # a reference to a row that does not exist (or to none: empty)
        column = FOREIGN_KEYS[table][row % len(FOREIGN_KEYS[table])][0]
        rows[row][header.index(column)] = value
    elif kind == "delete":  # a referenced row deleted
        del rows[row]
    elif kind == "repeat":  # a row repeated, whole
        rows.append(list(rows[row]))
    elif kind == "repeat-key":  # another row's key given to a row
        key = _primary_keys(root)[table]
        other = 1 + ((row + 1) % (len(rows) - 1))
        rows[row][header.index(key)] = rows[other][header.index(key)]
    _write_rows(path, rows)
    return {files[table]}


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param([("mentions", "dangling", 0, "no-such-org")],
                     {("mentions", 2, "structure.foreign-key")}, id="dangling-organization"),
        pytest.param([("figures", "dangling", 1, "furlongs")],
                     {("figures", 3, "structure.foreign-key")}, id="dangling-unit"),
        pytest.param([("organizations", "dangling", 0, "nobody")],
                     {("organizations", 2, "structure.foreign-key")}, id="dangling-self"),
        pytest.param([("mentions", "dangling", 0, "")], set(), id="empty-reference"),
        pytest.param([("units", "delete", 0)], None, id="referenced-unit-deleted"),
        pytest.param([("organizations", "delete", 6)], None, id="referenced-org-deleted"),
        pytest.param([("figures", "repeat", 3)], None, id="repeated-row"),
        pytest.param([("organizations", "repeat-key", 2)], None, id="repeated-key"),
        pytest.param([("decisions", "repeat-key", 3)], None, id="repeated-decision-id"),
        pytest.param([("reviews", "repeat", 0), ("mentions", "dangling", 4, "nobody")], None,
                     id="repeated-review-and-dangling"),
    ],
)  # fmt: skip
def test_packages_get_the_same_key_verdicts(package_copy, edits, expected) -> None:
    changed: set[str] = set()
    for edit in edits:
        changed |= package_edit(package_copy, *edit)
    refresh_file_facts(package_copy, changed)
    found = compare_packages(package_copy)
    if expected is not None:
        assert found == expected
    else:
        assert found, "the change broke no key"


@st.composite
def package_edits(draw: st.DrawFn) -> list[tuple]:
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["dangling", "delete", "repeat", "repeat-key"]))
        if kind == "dangling":
            table = draw(st.sampled_from(sorted(FOREIGN_KEYS)))
            value = draw(st.sampled_from(["", "no-such-id", "shenzhen-government", "count"]))
            edits.append((table, kind, draw(st.integers(0, 50)), value))
        else:
            table = draw(st.sampled_from(["organizations", "units", "items", "figures", "reviews",
                                          "aliases", "decisions"]))  # fmt: skip
            edits.append((table, kind, draw(st.integers(0, 50))))
    return edits


@pytest.mark.slow
@settings(SETTINGS, max_examples=max(10, SETTINGS.max_examples // 2))
@given(edits=package_edits())
def test_changed_packages_get_the_same_key_verdicts(edits, tmp_path_factory) -> None:
    from tests.conftest import copy_package

    root = copy_package(tmp_path_factory.mktemp("package") / "pkg")
    changed: set[str] = set()
    for edit in edits:
        changed |= package_edit(root, *edit)
    refresh_file_facts(root, changed)
    compare_packages(root)


@pytest.mark.parametrize("how", ["excel", "edited"])
def test_a_file_changed_after_the_build_fails_all_three_checkers(how: str, package_copy) -> None:
    """A curated CSV saved by Excel (BOM, CRLF) or edited after the build: ``szdata validate``
    (``structure.integrity``), ``frictionless validate`` (``hash-count``, ``byte-count``)
    and ``szdata build --check`` all refuse it; after ``szdata build`` all three accept it."""
    from frictionless import validate as fl_validate

    import szdata
    from szdata._commands._main import main

    path = package_copy / "data/curation/decisions.csv"
    data = path.read_bytes()
    if how == "excel":
        path.write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    else:
        path.write_bytes(data.replace(b"The ", b"the ", 1))
    issues = [i for i in szdata.validate(package_copy).errors if i.rule == "structure.integrity"]
    assert {i.column for i in issues} == {"bytes", "hash"} if how == "excel" else {"hash"}
    assert all(i.file == "data/curation/decisions.csv" and i.row is None for i in issues)
    assert "szdata build" in issues[0].hint
    report = fl_validate(str(package_copy / "datapackage.json"))
    errors = {(t.name, e.type) for t in report.tasks for e in t.errors}
    assert ("decisions", "hash-count") in errors
    assert main(["build", "--path", str(package_copy), "--check", "-q"]) == 1
    assert main(["build", "--path", str(package_copy), "-q"]) == 0
    assert szdata.validate(package_copy).ok
    assert fl_validate(str(package_copy / "datapackage.json")).valid
