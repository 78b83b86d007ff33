"""``szdata validate`` and ``szdata.validate``: clean and unreadable packages, report formats."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import szdata
from szdata._validate._render import print_rich, render_github, render_text
from szdata._validate._report import Issue, Report
from szdata._validate._rules import RULES, readme_with_rules
from szdata._validate._rules import _main as _rules_main
from tests.conftest import REPO
from tests.test_mutations import CASES, _read, _write, run, run_json, set_cell

# -- the clean package -----------------------------------------------------------------------


def test_shipped_package_validates_from_python() -> None:
    # added articles may wait for their review: a warning, the only issue allowed
    report = szdata.validate(REPO)
    assert report.ok, report.errors
    assert {i.rule for i in report.warnings} <= {"review.unreviewed"}
    assert report.raise_for_errors() is report
    assert report.package["version"] == szdata.open_package(REPO).version
    assert [t["name"] for t in report.package["tables"]] == szdata.open_package(REPO).table_names()


def test_clean_package_validates_from_python(fixture_package: Path) -> None:
    report = szdata.validate(fixture_package)
    assert report.ok, report.errors
    assert report.issues == [] and report.errors == [] and report.warnings == []
    assert report.raise_for_errors() is report


def test_installed_package_validates() -> None:
    assert szdata.validate().ok


def test_clean_package_validates_from_the_command_line(fixture_package: Path, capsys) -> None:
    code, out, err = run(["validate", "--path", str(fixture_package)], capsys)
    assert code == 0, out + err
    assert err == ""
    package, *lines = out.splitlines()
    assert package == f"package: {fixture_package} (given with --path)"
    assert lines[0] == "valid: every layer checked"
    assert any(re.match(r"^  figures +23 rows  data/figures\.csv$", line) for line in lines)
    # the articles, in date order
    assert lines[-3] == "  2 articles, 2020-03-20 to 2020-04-09:"
    assert lines[-2].lstrip().startswith("2020-03-20  briefing")
    assert lines[-1].lstrip().startswith("2020-04-09  news")
    assert "2020-04-09  news" in out


def test_strict_passes_a_reviewed_package(fixture_package: Path, capsys) -> None:
    args = ["validate", "--path", str(fixture_package), "--strict", "--no-summary"]
    code, _, _ = run(args, capsys)
    assert code == 0


def test_python_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "szdata", "validate", "--path", str(REPO), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_import_szdata_stays_light() -> None:
    code = (
        "import sys, szdata; szdata.validate; "
        "heavy = {'polars', 'pandas', 'pandera', 'pydantic', 'frictionless'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- packages that cannot be read: exit 2, one sentence --------------------------------------


def _unsafe_path(root: Path) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../organizations.csv"
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def _undecodable_header(root: Path) -> None:
    path = root / "data" / "items.csv"
    path.write_bytes(b"\xff\xfe" + path.read_bytes())


def _not_json(root: Path) -> None:
    (root / "datapackage.json").write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda root: (root / "datapackage.json").unlink(), "no data package descriptor"),
        (_unsafe_path, "unsafe path '../organizations.csv'"),
        (_undecodable_header, "data/items.csv is not UTF-8"),
        (_not_json, "is not valid JSON"),
    ],
    ids=["missing-descriptor", "unsafe-path", "non-utf8-csv", "descriptor-not-json"],
)
def test_unreadable_package_exits_2(breakage, expected: str, package_copy: Path, capsys) -> None:
    breakage(package_copy)
    code, out, err = run(["validate", "--path", str(package_copy)], capsys)
    assert code == 2
    assert out == f"package: {package_copy} (given with --path)\n"
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ") and expected in err


def test_unreadable_package_raises_package_error(tmp_path: Path) -> None:
    with pytest.raises(szdata.PackageError, match="no data package descriptor"):
        szdata.validate(tmp_path)


# -- reports ---------------------------------------------------------------------------------


@pytest.fixture
def many_errors(package_copy: Path) -> Path:
    """A copy with every figure's qualifier broken (23 rows) and one span shifted."""
    rows = _read(package_copy, "figures")
    q = rows[0].index("qualifier")
    for row in rows[1:]:
        row[q] = "roughly"
    _write(package_copy, "figures", rows)
    set_cell("dates", 5, "end", "2047")(package_copy)
    return package_copy


def test_json_is_complete(many_errors: Path, capsys) -> None:
    code, report = run_json(many_errors, capsys, "--limit", "2")
    assert code == 1
    assert report["errors"] == len(report["issues"]) == 24
    enum = [i for i in report["issues"] if i["rule"] == "structure.enum"]
    assert [i["row"] for i in enum] == list(range(2, 25))
    assert set(enum[0]) == {
        "table", "file", "row", "column", "value", "rule", "message", "hint", "severity",
    }  # fmt: skip
    assert enum[0]["value"] == "roughly" and enum[0]["column"] == "qualifier"


def test_text_report_is_grouped_and_summarised(many_errors: Path, capsys) -> None:
    code, out, _ = run(["validate", "--path", str(many_errors), "--limit", "3"], capsys)
    assert code == 1
    package, *lines = out.splitlines()
    assert package.startswith("package: ")
    assert lines[0] == "figures (data/figures.csv): 23 errors"
    assert lines[1].startswith("  [structure.enum] 23 errors: ")
    assert lines[2] == (
        "    data/figures.csv:2 qualifier: qualifier 'roughly' is not one of: exact, more_than, "
        "less_than, at_least, up_to, about, nearly"
    )
    assert "    ... and 20 more (every one with --json)" in lines
    assert "dates (data/dates.csv): 1 error" in lines
    assert lines[-1] == "invalid: 24 errors in 2 tables"
    _, out_all, _ = run(["validate", "--path", str(many_errors), "--limit", "0"], capsys)
    assert "more (every one" not in out_all
    assert sum(line.startswith("    data/figures.csv:") for line in out_all.splitlines()) == 23


def test_github_annotations(many_errors: Path, capsys) -> None:
    code, out, _ = run(["validate", "--path", str(many_errors), "--format", "github"], capsys)
    assert code == 1
    package, *lines = out.splitlines()
    assert package.startswith("package: ")
    assert len(lines) == 24
    shape = re.compile(r"^::error file=([^,]+),line=(\d+),title=([a-z0-9.\-]+)::.+$")
    parsed = [shape.match(line) for line in lines]
    assert all(parsed), lines
    assert {(m[1], int(m[2]), m[3]) for m in parsed} >= {
        ("data/figures.csv", 2, "structure.enum"),
        ("data/figures.csv", 24, "structure.enum"),
        ("data/dates.csv", 5, "provenance.quote-span"),
    }


def test_github_annotations_escape_their_data() -> None:
    issue = Issue("t", "data/a,b.csv", 3, "c", "x", "text.control-chars", "50%\nbad", "fix: it")
    line = render_github(Report(issues=[issue, issue.__class__(**{
        **issue.to_dict(), "severity": "warning"})]))  # fmt: skip
    first, second = line.splitlines()
    assert first.startswith(
        "::error file=data/a%2Cb.csv,line=3,title=text.control-chars::50%25%0Abad"
    )
    assert second.startswith("::warning ")


def test_line_numbers_count_lines_not_records(package_copy: Path, capsys) -> None:
    set_cell("decisions", 2, "reason", "first line\nsecond line")(package_copy)
    set_cell("decisions", 3, "decision_id", "D2")(package_copy)
    code, report = run_json(package_copy, capsys)
    assert code == 1
    found = {(i["rule"], i["row"]) for i in report["issues"]}
    assert found == {("text.control-chars", 2), ("structure.pattern", 4)}


def test_report_api() -> None:
    warn = Issue("a", "a.csv", 2, "c", "v", "review.unreviewed", "m", "h", "warning")
    err = Issue("a", "a.csv", 3, "c", "v", "structure.enum", "bad value", "h", "error")
    report = Report(issues=[warn, err])
    assert not report.ok and report.errors == [err] and report.warnings == [warn]
    assert report.rules() == {"review.unreviewed", "structure.enum"}
    with pytest.raises(szdata.ValidationFailed, match=r"1 error\(s\): a.csv:3 \[structure.enum\]"):
        report.raise_for_errors()
    assert json.loads(report.to_json())["issues"][1]["message"] == "bad value"
    assert Report(issues=[warn]).ok


def test_render_text_of_a_clean_report_ends_with_the_summary(fixture_package: Path) -> None:
    text = render_text(szdata.validate(fixture_package))
    assert text.splitlines()[0] == "valid: every layer checked"
    assert "articles" in text and "004_4c9b5674638746a7" in text


def _report_with_articles(n: int, issues: int = 0) -> Report:
    articles = [
        {"article_id": f"a{k:03d}", "kind": "news", "published": f"2020-04-{k % 28 + 1:02d}"}
        for k in range(n)
    ]
    package = {"name": "p", "version": "1", "tables": [], "articles": articles}
    found = [
        Issue("figures", "f.csv", k + 2, "value", "-1", "structure.minimum", "below", "h")
        for k in range(issues)
    ]
    return Report(issues=found, package=package)


@pytest.mark.parametrize(("limit", "shown"), [(10, 10), (None, 25)], ids=["limit", "all"])
def test_the_terminal_report_lists_limit_articles_and_says_how_many_more(limit, shown) -> None:
    from rich.console import Console

    console = Console(record=True, width=100)
    print_rich(_report_with_articles(25), console, limit=limit)
    out = console.export_text()
    assert len(re.findall(r"\ba\d{3}\b", out)) == shown
    assert ("... and 15 more (every one with --json)" in out) is (limit == 10)
    assert "25 articles, 2020-04-01 to 2020-04-25" in out


def test_the_terminal_report_shows_limit_issues_per_rule() -> None:
    from rich.console import Console

    console = Console(record=True, width=100)
    print_rich(_report_with_articles(0, issues=12), console, limit=5)
    out = console.export_text()
    assert out.count("value: below") == 5 and "... and 7 more (every one with --json)" in out
    assert "invalid: 12 errors in 1 table" in out


# -- the registry, the README and the schemas ------------------------------------------------


def test_every_rule_is_explained() -> None:
    for name, rule in RULES.items():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9\-]+", name)
        assert rule.explanation and rule.hint and "\n" not in rule.explanation


def test_readme_rules_list_matches_the_registry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_with_rules(readme) == readme, (
        "README.md's list of rules is stale: python -m szdata._validate._rules --write README.md"
    )
    listed = set(re.findall(r"^\| `([a-z]+\.[a-z0-9\-]+)` \|", readme, flags=re.M))
    assert listed == set(RULES)


def test_rules_list_writer(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n<!-- rules:start -->\nold\n<!-- rules:end -->\n\n"
        "<!-- stricter:start -->\nold\n<!-- stricter:end -->\nafter\n"
    )
    assert _rules_main(["--check", str(readme)]) == 1
    assert _rules_main(["--write", str(readme)]) == 0
    assert _rules_main(["--check", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\n<!-- rules:start -->\n| Rule |") and text.endswith("\nafter\n")
    assert "<!-- stricter:start -->\n| Rule | szdata rejects, frictionless accepts |" in text
    with pytest.raises(ValueError, match="has no <!-- rules:start -->"):
        readme_with_rules("no markers")
    with pytest.raises(ValueError, match="has no <!-- stricter:start -->"):
        readme_with_rules("<!-- rules:start -->\n<!-- rules:end -->")


BUILT_DATE_FIELDS = [
    (name, f.name)
    for name in ("articles", "figures", "dates")
    for f in szdata.open_package(REPO).schema(name).fields
    if f.type == "date"
]


@pytest.mark.parametrize("table_field", BUILT_DATE_FIELDS, ids=lambda tf: ".".join(tf))
def test_text_dates_are_bounded_by_the_schema(table_field: tuple[str, str]) -> None:
    # "every date falls between 2019-12-01 and the end of 2023" is checked once, as the
    # schema's bounds (structure.minimum / structure.maximum), not again as a rule.
    import datetime as dt

    table, field = table_field
    f = szdata.open_package(REPO).schema(table).field(field)
    assert (f.minimum, f.maximum) == (dt.date(2019, 12, 1), dt.date(2023, 12, 31))


# -- pandera agrees with the structural layer ------------------------------------------------

PANDERA_RULES = {
    "structure.required", "structure.enum", "structure.minimum", "structure.maximum",
    "structure.pattern", "structure.min-length", "structure.max-length", "structure.unique",
    "structure.primary-key",
}  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CASES if c.rule in PANDERA_RULES], ids=lambda c: c.id)
def test_pandera_rejects_what_the_structural_layer_rejects(case, package_copy: Path) -> None:
    import pandera.errors

    from szdata._load._pandera import schema_for, typed_table

    case.edit(package_copy)
    pkg = szdata.open_package(package_copy)
    with pytest.raises(pandera.errors.SchemaErrors):
        schema_for(case.table, pkg).validate(typed_table(case.table, pkg), lazy=True)


@pytest.mark.parametrize(
    "cell", ["0", "17", "+1", "-3", "007", "1.0", " 1", "1 ", "1,000", "1e3", "x", "--1", "٣"]
)
def test_integer_cast_accepts_exactly_the_integer_form(cell: str) -> None:
    import polars as pl

    from szdata._schemas._schema import Field
    from szdata._schemas._typed import INTEGER_FORM, cast_expr

    typed = pl.DataFrame({"n": [cell]}).select(cast_expr(Field(name="n", type="integer"))).item()
    assert (typed is not None) is bool(re.fullmatch(INTEGER_FORM.strip("^$"), cell, flags=re.ASCII))
