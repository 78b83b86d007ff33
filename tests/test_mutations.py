"""Break the real package one rule at a time; ``szdata validate`` names rule, table, row, column.

The package broken is the default fixture package (``tests/fixture_package.py``): the first
two shipped articles with the frozen curation, built in a temporary folder, so that the
cases' lines and ids hold whatever articles have been added to the shipped package since.
Each case copies the package, breaks exactly one rule, runs ``szdata validate --json`` and
checks: exit status 1, an issue with the case's rule, table, line and column, and no issue
of any rule the case does not expect (so a check that fires on clean rows fails too).
A test checks that the cases cover every rule of the registry; the cases the Table Schema
standard can express are also run through ``frictionless validate``, which must reject them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._validate._rules import RULES
from tests.fixture_package import record_facts

FILES = {
    "organizations": "data/curation/organizations.csv",
    "aliases": "data/curation/aliases.csv",
    "units": "data/curation/units.csv",
    "reviews": "data/curation/reviews.csv",
    "decisions": "data/curation/decisions.csv",
    "articles": "data/articles.csv",
    "items": "data/items.csv",
    "figures": "data/figures.csv",
    "dates": "data/dates.csv",
    "mentions": "data/mentions.csv",
}


# -- editing a copy of the package -----------------------------------------------------------


def _read(root: Path, table: str) -> list[list[str]]:
    text = (root / FILES[table]).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(root: Path, table: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (root / FILES[table]).write_text(out.getvalue(), encoding="utf-8")
    record_facts(root, FILES[table])


def set_cell(table: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell; ``line`` is the CSV line (header = 1, first data row = 2)."""

    def edit(root: Path) -> None:
        rows = _read(root, table)
        rows[line - 1][rows[0].index(column)] = value
        _write(root, table, rows)

    return edit


def shift_span(table: str, line: int, by: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        rows = _read(root, table)
        for column in ("start", "end"):
            i = rows[0].index(column)
            rows[line - 1][i] = str(int(rows[line - 1][i]) + by)
        _write(root, table, rows)

    return edit


def append_row(table: str, cells: dict[str, str] | None = None, copy_of: int | None = None):
    def edit(root: Path) -> None:
        rows = _read(root, table)
        row = list(rows[copy_of - 1]) if copy_of else [""] * len(rows[0])
        for column, value in (cells or {}).items():
            row[rows[0].index(column)] = value
        rows.append(row)
        _write(root, table, rows)

    return edit


def delete_row(table: str, line: int) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        rows = _read(root, table)
        del rows[line - 1]
        _write(root, table, rows)

    return edit


def edit_text(table: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / FILES[table]
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        record_facts(root, FILES[table])

    return edit


def edit_schema(table: str, column: str, **constraints: object) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "schemas" / f"{table}.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        field = next(f for f in schema["fields"] if f["name"] == column)
        field.setdefault("constraints", {}).update(constraints)
        path.write_text(json.dumps(schema, indent=2), encoding="utf-8")

    return edit


def save_as_excel(table: str) -> Callable[[Path], None]:
    """Save the table as Excel's "CSV UTF-8" does (a byte-order mark, CRLF line endings),
    after the build: the cells are the same, the bytes and hash are not what was recorded."""

    def edit(root: Path) -> None:
        path = root / FILES[table]
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))

    return edit


def edit_after_build(table: str, old: str, new: str) -> Callable[[Path], None]:
    """Change a cell (to another valid value) without the build recording the file again."""

    def edit(root: Path) -> None:
        path = root / FILES[table]
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for e in edits:
            e(root)

    return edit


# -- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    table: str
    line: int
    column: str
    edit: Callable[[Path], None]
    also: frozenset[str] = frozenset()
    frictionless: str | None = None  # an error type frictionless must report, if it can

    def __str__(self) -> str:
        return self.id


GOOD_ID = "000_7a64f3334c1b3195"
APPENDED = 0
FILE = -1
"""The line of a case about a whole file (the issue has no row)."""
"""The line of a case that appends a row: the table's line count plus one, in the copy."""
ALIAS_NEW_LINE = DATES_NEW_LINE = APPENDED
BRIEFING = "004_4c9b5674638746a7"

REFERS = frozenset({"figure.refers-to-sentence"})
"""A date broken, or a figure's refers_to out of range, leaves a figure whose refers_to is
the date of no date row of its sentence: that is reported too."""

CASES = [
    # structure
    Case("structure.integrity", "structure.integrity", "decisions", FILE, "hash",
         save_as_excel("decisions"), frictionless="hash-count"),
    Case("structure.integrity-bytes", "structure.integrity", "units", FILE, "bytes",
         edit_after_build("units", "points of a whole", "points of the whole"),
         frictionless="byte-count"),
    Case("structure.header", "structure.header", "figures", 1, "quote",
         edit_text("figures", ",quote,", ",quotes,"), frictionless="incorrect-label"),
    Case("structure.row-length", "structure.row-length", "figures", 2, "",
         edit_text("figures", "20,parser,,reviewed\n", "20,parser,,reviewed,extra\n"),
         frictionless="extra-cell"),
    Case("structure.row-length-missing", "structure.row-length", "figures", 2, "",
         edit_text("figures", ",20,parser,,reviewed\n", ",20,parser\n"),
         also=frozenset({"structure.required"}), frictionless="missing-cell"),
    Case("structure.blank-row", "structure.blank-row", "units", 3, "",
         edit_text("units", "\npercent,", "\n\npercent,"), frictionless="blank-row"),
    Case("structure.csv-syntax", "structure.csv-syntax", "aliases", 3, "",
         edit_text("aliases", "\nShenzhen Municipal Government,shenzhen-government,",
                   '\nShenzhen Municipal Government,shenzhen-government,"seen" twice')),
    Case("structure.type", "structure.type", "figures", 2, "value",
         set_cell("figures", 2, "value", "twenty"), frictionless="type-error"),
    Case("structure.type-date", "structure.type", "dates", 3, "date",
         set_cell("dates", 3, "date", "2020-04-31"), frictionless="type-error",
         also=REFERS),
    # frictionless reads "2020-4-7" as a date; the schema's form is ISO, YYYY-MM-DD
    Case("structure.type-date-form", "structure.type", "dates", 3, "date",
         set_cell("dates", 3, "date", "2020-4-7"), also=REFERS),
    Case("structure.required", "structure.required", "figures", 3, "unit",
         set_cell("figures", 3, "unit", ""), frictionless="constraint-error"),
    Case("structure.enum", "structure.enum", "dates", 2, "origin",
         set_cell("dates", 2, "origin", "robot"), frictionless="constraint-error"),
    Case("structure.minimum", "structure.minimum", "reviews", 2, "reviewed_on",
         set_cell("reviews", 2, "reviewed_on", "2019-06-01"), frictionless="constraint-error"),
    Case("structure.maximum", "structure.maximum", "figures", 2, "refers_to",
         set_cell("figures", 2, "refers_to", "2024-02-01"), frictionless="constraint-error",
         also=REFERS),
    Case("structure.pattern", "structure.pattern", "decisions", 2, "decision_id",
         set_cell("decisions", 2, "decision_id", "D12"), frictionless="constraint-error"),
    Case("structure.min-length", "structure.min-length", "articles", 2, "title",
         edit_schema("articles", "title", minLength=50), frictionless="constraint-error"),
    Case("structure.max-length", "structure.max-length", "articles", 3, "title",
         edit_schema("articles", "title", maxLength=50), frictionless="constraint-error"),
    Case("structure.format-uri", "structure.format-uri", "articles", 2, "url",
         set_cell("articles", 2, "url", "eyeshenzhen.com/content/2020-04/09/content_1.htm"),
         frictionless="type-error"),
    Case("structure.unique", "structure.unique", "organizations", 21, "name",
         set_cell("organizations", 21, "name", "Shenzhen Press Group"),
         frictionless="unique-error"),
    Case("structure.primary-key", "structure.primary-key", "figures", 25, "figure_id",
         append_row("figures", copy_of=2), also=frozenset({"provenance.span-unique"}),
         frictionless="primary-key"),
    Case("structure.foreign-key", "structure.foreign-key", "mentions", 2, "organization_id",
         set_cell("mentions", 2, "organization_id", "no-such-org"), frictionless="foreign-key"),
    Case("structure.foreign-key-self", "structure.foreign-key", "organizations", 4,
         "parent_id", set_cell("organizations", 4, "parent_id", "nobody"),
         frictionless="foreign-key"),
    # provenance
    Case("provenance.raw-missing", "provenance.raw-missing", "articles", 2, "raw_path",
         set_cell("articles", 2, "raw_path", "data/raw/missing.txt")),
    Case("provenance.raw-hash", "provenance.raw-hash", "articles", 3, "sha256",
         set_cell("articles", 3, "sha256", "0" * 64),
         also=frozenset({"review.text-changed"})),
    Case("provenance.raw-length", "provenance.raw-length", "articles", 2, "bytes",
         set_cell("articles", 2, "bytes", "2365")),
    Case("provenance.raw-length-chars", "provenance.raw-length", "articles", 3, "chars",
         set_cell("articles", 3, "chars", "5301")),
    Case("provenance.span-in-text", "provenance.span-in-text", "items", 6, "end",
         set_cell("items", 6, "end", "5290")),
    Case("provenance.span-in-text-reversed", "provenance.span-in-text", "dates", 2, "start",
         set_cell("dates", 2, "start", "282"), also=frozenset({"provenance.id-from-start"})),
    Case("provenance.quote-span", "provenance.quote-span", "figures", 2, "quote",
         shift_span("figures", 2, 1), also=frozenset({"provenance.id-from-start"})),
    Case("provenance.quote-span-dates", "provenance.quote-span", "dates", 5, "quote",
         shift_span("dates", 5, 1), also=frozenset({"provenance.id-from-start"})),
    Case("provenance.quote-span-mentions", "provenance.quote-span", "mentions", 3, "quote",
         shift_span("mentions", 3, -1), also=frozenset({"provenance.id-from-start"})),
    Case("provenance.span-in-item", "provenance.span-in-item", "figures", 9, "start",
         set_cell("figures", 9, "item_id", f"{BRIEFING}.i2")),
    Case("provenance.span-in-item-missing", "provenance.span-in-item", "mentions", 10,
         "item_id", set_cell("mentions", 10, "item_id", "")),
    # figures
    Case("figure.value-finite", "figure.value-finite", "figures", 2, "value",
         set_cell("figures", 2, "value", "inf")),
    Case("figure.value-from-quote", "figure.value-from-quote", "figures", 6, "value",
         set_cell("figures", 6, "value", "41200")),
    Case("figure.qualifier-from-quote", "figure.qualifier-from-quote", "figures", 4,
         "qualifier", set_cell("figures", 4, "qualifier", "about")),
    Case("figure.unit-from-quote", "figure.unit-from-quote", "figures", 13, "unit",
         set_cell("figures", 13, "unit", "USD")),
    Case("figure.value-from-quote-max", "figure.value-from-quote", "figures", 2, "value_max",
         set_cell("figures", 2, "value_max", "25")),
    Case("figure.counted-from-text", "figure.counted-from-text", "figures", 2, "counted",
         set_cell("figures", 2, "counted", "cases")),
    Case("figure.refers-to-sentence", "figure.refers-to-sentence", "figures", 6, "refers_to",
         set_cell("figures", 6, "refers_to", "2020-04-07")),
    # dates and articles
    Case("date.from-quote", "date.from-quote", "dates", 5, "date",
         set_cell("dates", 5, "date", "2020-03-25")),
    Case("date.from-quote-resolution", "date.from-quote", "dates", 7, "resolution",
         set_cell("dates", 7, "resolution", "month_day")),
    # "20" of "covering 20 issues" read as the end of a range of days, with no range before it
    Case("date.relative-to-previous", "date.relative-to-previous", "dates", DATES_NEW_LINE,
         "date",
         append_row("dates", {"date_id": f"{GOOD_ID}.d198", "article_id": GOOD_ID,
                              "date": "2020-04-20", "resolution": "range_end", "start": "198",
                              "end": "200", "quote": "20", "origin": "parser",
                              "review_status": "reviewed"})),
    Case("article.title-from-text", "article.title-from-text", "articles", 2, "title",
         set_cell("articles", 2, "title", "SZ shares its experience")),
    Case("article.header-from-text", "article.header-from-text", "articles", 2, "editor",
         set_cell("articles", 2, "editor", "Jane Doe")),
    Case("item.printed-from-text", "item.printed-from-text", "items", 3, "headline",
         set_cell("items", 3, "headline", "Shenzhen made an effort.")),
    Case("item.printed-from-text-source", "item.printed-from-text", "items", 2,
         "source_printed", set_cell("items", 2, "source_printed", "people.cn")),
    Case("article.briefing-title", "article.briefing-title", "articles", 3, "kind",
         set_cell("articles", 3, "kind", "news")),
    Case("date.relative-to-publication", "date.relative-to-publication", "dates", 2, "date",
         set_cell("dates", 2, "date", "2020-04-14"), also=REFERS),
    Case("date.relative-to-publication-weekday", "date.relative-to-publication", "dates", 3,
         "date", set_cell("dates", 3, "date", "2020-04-08"), also=REFERS),
    Case("article.title-date", "article.title-date", "articles", 3, "title_date",
         set_cell("articles", 3, "title_date", "2020-03-19")),
    Case("article.published-basis", "article.published-basis", "articles", 2,
         "published_basis", set_cell("articles", 2, "published_basis", "header")),
    Case("article.published-basis-inferred", "article.published-basis", "articles", 3,
         "published_basis",
         both(set_cell("articles", 3, "published_basis", "inferred"),
              delete_row("decisions", 8))),  # D0007, the decision on its date
    # items
    Case("item.numbering", "item.numbering", "items", 6, "item_no",
         set_cell("items", 6, "item_no", "6"), also=frozenset({"provenance.id-from-start"})),
    Case("item.order", "item.order", "items", 6, "item_no",
         both(set_cell("items", 5, "item_no", "5"), set_cell("items", 6, "item_no", "4")),
         also=frozenset({"item.numbering", "provenance.id-from-start"})),
    Case("item.overlap", "item.overlap", "items", 4, "start",
         set_cell("items", 3, "end", "2600"),
         also=frozenset({"item.printed-from-text"})),  # its source no longer at its end
    # organizations
    Case("organization.unique-name", "organization.unique-name", "organizations", 21, "name",
         set_cell("organizations", 21, "name", "shenzhen  press group")),
    Case("alias.one-organization", "alias.one-organization", "aliases", ALIAS_NEW_LINE, "alias",
         append_row("aliases",
                    {"alias": "Shenzhen TV", "organization_id": "shenzhen-media-group"})),
    Case("alias.one-organization-twice", "alias.one-organization", "aliases", ALIAS_NEW_LINE,
         "alias",
         append_row(
             "aliases", {"alias": "shenzhen television", "organization_id": "shenzhen-media-group"}
         )),
    Case("organization.parent-cycle", "organization.parent-cycle", "organizations", 2,
         "parent_id", set_cell("organizations", 2, "parent_id", "sz-foreign-affairs-office")),
    Case("mention.quote-is-alias", "mention.quote-is-alias", "mentions", 2, "quote",
         set_cell("mentions", 2, "organization_id", "shenzhen-press-group")),
    Case("provenance.id-from-start", "provenance.id-from-start", "figures", 3, "figure_id",
         edit_text("figures", "000_7a64f3334c1b3195.f397,", "000_7a64f3334c1b3195.f398,")),
    Case("provenance.span-unique", "provenance.span-unique", "mentions", 27, "start",
         append_row("mentions", {"mention_id": f"{BRIEFING}.m5242", "start": "5242",
                                 "organization_id": "sz-civil-affairs-bureau"}, copy_of=26),
         also=frozenset({"structure.primary-key"})),
    # decisions
    Case("decision.evidence", "decision.evidence", "decisions", 5, "evidence",
         set_cell("decisions", 5, "evidence", "a colleague said so")),
    Case("decision.value", "decision.value", "decisions", 2, "curated_value",
         set_cell("decisions", 2, "curated_value", "javascript:alert(1)")),
    Case("decision.applies-key", "decision.applies", "decisions", 6, "key",
         set_cell("decisions", 6, "key", "000_7a64f3334c1b3195.d9999")),
    Case("decision.applies-column", "decision.applies", "decisions", 5, "key",
         set_cell("decisions", 5, "column", "raw_path"), also=frozenset({"decision.value"})),
    Case("decision.applies-remove", "decision.applies", "decisions", 8, "key",
         set_cell("decisions", 8, "action", "remove")),
    Case("decision.date-not-future", "decision.date-not-future", "decisions", 2, "decided_on",
         set_cell("decisions", 2, "decided_on", "2999-01-01")),
    # reviews
    Case("review.complete", "review.complete", "reviews", 2, "status",
         set_cell("reviews", 2, "reviewer", "")),
    Case("review.complete-hash", "review.complete", "reviews", 3, "status",
         set_cell("reviews", 3, "sha256", ""), also=frozenset({"review.unreviewed"})),
    Case("review.date-not-future", "review.date-not-future", "reviews", 2, "reviewed_on",
         set_cell("reviews", 2, "reviewed_on", "2999-01-01")),
    # text hygiene
    Case("text.invisible", "text.invisible", "organizations", 20, "name",
         set_cell("organizations", 20, "name", "sznews\u200b.com"),
         also=frozenset({"mention.quote-is-alias"})),
    Case("text.nfc", "text.nfc", "organizations", 24, "note",
         set_cell("organizations", 24, "note", "Unio\u0301n Europea")),
    Case("text.control-chars", "text.control-chars", "decisions", 2, "reason",
         set_cell("decisions", 2, "reason", "The text prints\tno address.")),
    Case("text.whitespace", "text.whitespace", "aliases", 3, "note",
         set_cell("aliases", 3, "note", "seen twice\u00a0")),
    Case("text.formula", "text.formula", "decisions", 2, "reason",
         set_cell("decisions", 2, "reason", '=HYPERLINK("http://example.org")')),
]  # fmt: skip

# text.utf8 and review.unreviewed have their own tests below (exit 2; warning vs --strict);
# provenance.raw-append-only needs a git history (validate --base): tests/test_append_only.py.
# The rules of files rather than rows (a link, a text dropped into data/raw/, a stray or a
# temporary file) and the warning that a curated quote was not re-read are broken in
# tests/test_gate_hostile.py.
SPECIAL = {
    "text.utf8",
    "review.unreviewed",
    "review.text-changed",
    "provenance.raw-append-only",
    "provenance.regular-file",
    "provenance.raw-unlisted",
    "provenance.unknown-file",
    "provenance.temp-file",
    "decision.not-re-read",
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in this process; return exit status, stdout and stderr."""
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(root: Path, capsys, *extra: str) -> tuple[int, dict]:
    code, out, err = run(["validate", "--path", str(root), "--json", *extra], capsys)
    assert out, f"no JSON on stdout; stderr: {err}"
    return code, json.loads(out)


def test_cases_cover_every_rule() -> None:
    covered = {c.rule for c in CASES} | SPECIAL
    assert covered == set(RULES), {
        "rules without a breaking test": sorted(set(RULES) - covered),
        "cases of unknown rules": sorted(covered - set(RULES)),
    }


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_mutation_is_reported(case: Case, package_copy: Path, capsys) -> None:
    text = (package_copy / FILES[case.table]).read_text(encoding="utf-8")
    line = None if case.line == FILE else case.line or len(text.splitlines()) + 1
    case.edit(package_copy)
    code, report = run_json(package_copy, capsys)
    assert code == 1, report
    assert report["ok"] is False
    found = {(i["rule"], i["table"], i["row"], i["column"]) for i in report["issues"]}
    assert (case.rule, case.table, line, case.column) in found, sorted(found)
    issue = next(
        i
        for i in report["issues"]
        if (i["rule"], i["table"], i["row"], i["column"])
        == (case.rule, case.table, line, case.column)
    )
    assert issue["file"] == FILES[case.table]
    assert issue["message"] and issue["hint"] == RULES[case.rule].hint
    unexpected = {i["rule"] for i in report["issues"]} - {case.rule} - case.also
    assert not unexpected, [i for i in report["issues"] if i["rule"] in unexpected]


STANDARD_CASES = [c for c in CASES if c.frictionless]


@pytest.mark.slow
@pytest.mark.parametrize("case", STANDARD_CASES, ids=str)
def test_frictionless_rejects_mutation(case: Case, package_copy: Path) -> None:
    from frictionless import validate

    case.edit(package_copy)
    report = validate(str(package_copy / "datapackage.json"))
    errors = {(t.name, e.type) for t in report.tasks for e in t.errors}
    assert (case.table, case.frictionless) in errors, sorted(errors)


def test_standard_cases_cover_every_structural_rule() -> None:
    structural = {r.name for r in RULES.values() if r.layer == "structure" and not r.stricter}
    assert {c.rule for c in STANDARD_CASES} == structural


# -- the special cases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["data/figures.csv", f"data/raw/{BRIEFING}.txt"],
    ids=["table", "raw-text"],
)
def test_non_utf8_file_exits_2(target: str, package_copy: Path, capsys) -> None:
    path = package_copy / target
    data = path.read_bytes()
    cut = data.index(b"\n", data.index(b"\n") + 1) + 1  # start of the third line
    path.write_bytes(data[:cut] + b"caf\xe9 " + data[cut:])
    code, out, err = run(["validate", "--path", str(package_copy)], capsys)
    assert code == 2
    assert out == f"package: {package_copy} (given with --path)\n"
    assert len(err.strip().splitlines()) == 1
    assert target in err and "not UTF-8" in err and "[text.utf8]" in err


def _unreview(root: Path) -> None:
    set_cell("articles", 2, "review_status", "unreviewed")(root)
    set_cell("reviews", 2, "status", "unreviewed")(root)
    set_cell("reviews", 2, "reviewer", "")(root)
    set_cell("reviews", 2, "reviewed_on", "")(root)
    rows = _read(root, "figures")
    for row in rows[1:]:
        if row[1] == GOOD_ID:
            row[rows[0].index("review_status")] = "unreviewed"
    _write(root, "figures", rows)


def test_unreviewed_rows_warn_by_default(package_copy: Path, capsys) -> None:
    _unreview(package_copy)
    code, report = run_json(package_copy, capsys)
    assert code == 0 and report["ok"] is True
    found = {(i["table"], i["row"], i["column"], i["severity"]) for i in report["issues"]}
    assert found == {
        ("articles", 2, "review_status", "warning"),
        ("reviews", 2, "status", "warning"),
        ("figures", 2, "review_status", "warning"),  # one issue for the article's 7 rows
    }
    assert {i["rule"] for i in report["issues"]} == {"review.unreviewed"}
    figures = next(i for i in report["issues"] if i["table"] == "figures")
    assert "7 unreviewed rows" in figures["message"]


def test_unreviewed_rows_fail_with_strict(package_copy: Path, capsys) -> None:
    _unreview(package_copy)
    code, report = run_json(package_copy, capsys, "--strict")
    assert code == 1 and report["ok"] is False and report["strict"] is True
    assert {i["severity"] for i in report["issues"]} == {"error"}
    assert {i["rule"] for i in report["issues"]} == {"review.unreviewed"}


def test_a_text_changed_since_its_review_warns_then_fails_with_strict(
    package_copy: Path, capsys
) -> None:
    set_cell("reviews", 2, "sha256", "1" * 64)(package_copy)
    code, report = run_json(package_copy, capsys)
    assert code == 0
    changed = [i for i in report["issues"] if i["rule"] == "review.text-changed"]
    assert [(i["table"], i["row"], i["column"], i["severity"]) for i in changed] == [
        ("reviews", 2, "sha256", "warning")
    ]
    assert "changed since" in changed[0]["message"]
    code, report = run_json(package_copy, capsys, "--strict")
    assert code == 1
    assert {i["severity"] for i in report["issues"] if i["rule"] == "review.text-changed"} == {
        "error"
    }


# -- more than one error ---------------------------------------------------------------------


def test_every_broken_row_is_reported(package_copy: Path, capsys) -> None:
    rows = _read(package_copy, "figures")
    q = rows[0].index("qualifier")
    for row in rows[1:]:
        row[q] = "roughly"
    _write(package_copy, "figures", rows)
    code, report = run_json(package_copy, capsys)
    assert code == 1
    lines = sorted(i["row"] for i in report["issues"] if i["rule"] == "structure.enum")
    assert lines == list(range(2, len(rows) + 1))


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_huge_cell_is_reported_in_a_line_of_reasonable_length(
    package_copy: Path, capsys, fmt: str
) -> None:
    """A listing quotes the cell an issue is about: a 1 MB quote is cut in the listing and
    kept whole in ``--json``."""
    huge = "x" * 1_000_000
    set_cell("figures", 2, "quote", huge)(package_copy)
    code, out, _ = run(["validate", "--path", str(package_copy), "--format", fmt], capsys)
    assert code == 1
    assert "figures.csv" in out and "quote" in out and "more characters" in out
    assert max(map(len, out.splitlines())) < 2_000
    _, report = run_json(package_copy, capsys)
    assert any(huge in i["message"] for i in report["issues"])
