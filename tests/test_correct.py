"""``szdata correct``: decisions from the command line, refused when the build would refuse.

Every test works on the rows of a fixture story added to a temporary copy of the package
(tests/fixtures/end_to_end/), so the rows and ids it names are the fixture's, whatever
articles the package holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.conftest import copy_package

STORY = Path(__file__).parent / "fixtures" / "end_to_end" / "e2e_story_pingshan.txt"
ARTICLE = STORY.stem
URL = "http://www.eyeshenzhen.com/content/2020-04/10/content_23050000.htm"
TODAY = dt.date.today().isoformat()


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".szdata.lock"
    }


def _rows(root: Path, table: str) -> list[dict[str, str]]:
    path = root / "data" / ("curation/" if table == "decisions" else "") / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _row(root: Path, table: str, key: str) -> dict[str, str]:
    pk = {"figures": "figure_id", "dates": "date_id", "mentions": "mention_id"}[table]
    return next(r for r in _rows(root, table) if r[pk] == key)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.fixture(scope="module")
def with_story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_package(tmp_path_factory.mktemp("correct") / "pkg")
    status = main(
        [
            *("add", str(STORY), "--published", "2020-04-10", "--url", URL),
            *("--by", "T. Curator", "--path", str(root)),
        ]
    )
    assert status == 0
    return root


@pytest.fixture
def pkg(with_story: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(with_story, tmp_path / "pkg"))


def _correct(capsys: pytest.CaptureFixture[str], pkg: Path, *args: str) -> tuple[int, str]:
    return _run(capsys, "correct", *args, "--by", "T. Curator", "--path", str(pkg))


def test_set_records_the_next_decision_with_the_value_it_replaces(pkg: Path, capsys) -> None:
    before = [r["decision_id"] for r in _rows(pkg, "decisions")]
    key = f"{ARTICLE}.f282"  # "about 1,500 boxes of medicine": the parser counts the phrase
    status, out = _correct(
        capsys,
        pkg,
        f"figures:{key}",
        "--set",
        "counted=boxes",
        "--reason",
        "The figure counts boxes; 'of medicine' says what they hold.",
        "--evidence",
        "about 1,500 boxes of medicine",
    )
    assert status == 0, out
    decisions = _rows(pkg, "decisions")
    new = decisions[-1]
    number = max(int(d[1:]) for d in before) + 1
    assert new["decision_id"] == f"D{number:04d}"
    assert new["decision_id"] in out
    assert (new["table"], new["key"], new["action"], new["column"]) == (
        "figures",
        key,
        "set",
        "counted",
    )
    assert (new["parsed_value"], new["curated_value"]) == ("boxes of medicine", "boxes")
    assert (new["decided_on"], new["decided_by"]) == (TODAY, "T. Curator")
    row = _row(pkg, "figures", key)
    assert row["counted"] == "boxes"
    assert new["decision_id"] in row["decision_ids"].split()
    assert main(["validate", "--path", str(pkg)]) == 0
    assert main(["build", "--check", "--path", str(pkg)]) == 0


def test_a_second_set_takes_the_first_ones_value_as_parsed(pkg: Path, capsys) -> None:
    key = f"figures:{ARTICLE}.f253"
    common = ["--reason", "r", "--evidence", "3,600 bags of vegetables"]
    assert _correct(capsys, pkg, key, "--set", "counted=bags", *common)[0] == 0
    assert _correct(capsys, pkg, key, "--set", "counted=bags of vegetables", *common)[0] == 0
    last = _rows(pkg, "decisions")[-1]
    assert (last["parsed_value"], last["curated_value"]) == ("bags", "bags of vegetables")


def test_a_date_correction_carries_the_figures_of_its_sentence(pkg: Path, capsys) -> None:
    # "since Monday" read as the Monday after the publication date: a faithful correction
    # sets both the resolution and the date, which the text rules then re-read
    status, out = _correct(
        capsys,
        pkg,
        f"dates:{ARTICLE}.d180",
        *("--set", "resolution=weekday_next", "--set", "date=2020-04-13"),
        "--reason",
        "A reading of 'since Monday' as the coming Monday.",
        "--evidence",
        URL,
    )
    assert status == 0, out
    did = _rows(pkg, "decisions")[-1]["decision_id"]
    assert _row(pkg, "dates", f"{ARTICLE}.d180")["date"] == "2020-04-13"
    figure = _row(pkg, "figures", f"{ARTICLE}.f118")  # "420 volunteers ... since Monday"
    assert figure["refers_to"] == "2020-04-13"
    assert did in figure["decision_ids"].split()
    assert main(["validate", "--path", str(pkg)]) == 0


@pytest.mark.parametrize(
    ("target", "assignment", "rule"),
    [
        pytest.param("figures:{a}.f379", "counted=shift hours", "figure.counted-from-text",
                     id="counted-not-printed"),
        pytest.param("dates:{a}.d180", "date=2020-03-30", "date.relative-to-publication",
                     id="weekday-moved"),
        pytest.param("figures:{a}.f118", "refers_to=2020-04-07", "figure.refers-to-sentence",
                     id="refers-to-no-date-of-its-sentence"),
        pytest.param("figures:{a}.f282", "qualifier=exact", "figure.qualifier-from-quote",
                     id="qualifier"),
    ],
)  # fmt: skip
def test_a_set_the_text_does_not_bear_out_is_refused_with_the_note_to_use(
    pkg: Path, capsys, target: str, assignment: str, rule: str
) -> None:
    before = _snapshot(pkg)
    target = target.format(a=ARTICLE)
    status, out = _correct(
        capsys, pkg, target, "--set", assignment, "--reason", "r", "--evidence", URL
    )
    assert status == 1, out
    assert rule in out
    assert f"szdata correct {target} --note {assignment}" in out.replace("'", "")
    assert _snapshot(pkg) == before, "a refused correction wrote something"
    status, out = _correct(
        capsys, pkg, target, "--note", assignment, "--reason", "r", "--evidence", URL
    )
    assert status == 0, out
    assert main(["validate", "--path", str(pkg)]) == 0


def test_a_removed_date_takes_the_refers_to_of_its_sentence_with_it(pkg: Path, capsys) -> None:
    status, out = _correct(
        capsys, pkg, f"dates:{ARTICLE}.d180", "--remove", "--reason", "r", "--evidence", URL
    )
    assert status == 0, out
    did = _rows(pkg, "decisions")[-1]["decision_id"]
    figure = _row(pkg, "figures", f"{ARTICLE}.f118")
    assert figure["refers_to"] == ""
    assert did in figure["decision_ids"].split()
    assert main(["validate", "--path", str(pkg)]) == 0


def test_a_value_that_disagrees_with_its_quote_is_refused_with_the_note_to_use(
    pkg: Path, capsys
) -> None:
    before = _snapshot(pkg)
    target = f"figures:{ARTICLE}.f118"
    status, out = _correct(
        capsys, pkg, target, "--set", "value=421", "--reason", "r", "--evidence", URL
    )
    assert status == 1, out
    assert "figure.value-from-quote" in out
    assert f"szdata correct {target} --note value=421" in out
    assert _snapshot(pkg) == before, "a refused correction wrote something"
    status, out = _correct(
        capsys, pkg, target, "--note", "value=421", "--reason", "r", "--evidence", URL
    )
    assert status == 0, out
    assert _row(pkg, "figures", f"{ARTICLE}.f118")["value"] == "420"


def test_remove_leaves_the_row_out(pkg: Path, capsys) -> None:
    key = f"{ARTICLE}.f379"
    status, out = _correct(
        capsys, pkg, f"figures:{key}", "--remove", "--reason", "r", "--evidence", URL
    )
    assert status == 0, out
    assert all(r["figure_id"] != key for r in _rows(pkg, "figures"))
    assert main(["validate", "--path", str(pkg)]) == 0


def test_add_writes_the_row_as_json_typed_by_the_schema(pkg: Path, capsys) -> None:
    text = STORY.read_text(encoding="utf-8")
    start = text.index("February")
    key = f"{ARTICLE}.d{start}"
    _, out = _correct(
        capsys,
        pkg,
        f"dates:{key}",
        "--add",
        f"article_id={ARTICLE}",
        "--add",
        "date=2020-02-01",
        "--add",
        "resolution=month_day",
        "--add",
        f"start={start}",
        "--add",
        f"end={start + len('February')}",
        "--add",
        "quote=February",
        "--reason",
        "r",
        "--evidence",
        URL,
    )
    decision = _rows(pkg, "decisions")[-1]
    assert decision["action"] == "add", out
    assert json.loads(decision["curated_value"])["start"] == start  # a number, not "123"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["--reason", "r", "--evidence", URL], "exactly one kind", id="no-action"),
        pytest.param(
            ["--remove", "--set", "counted=x", "--reason", "r", "--evidence", URL],
            "exactly one kind",
            id="two-actions",
        ),
        pytest.param(["--remove", "--evidence", URL], "--reason", id="no-reason"),
        pytest.param(["--remove", "--reason", "r"], "--evidence", id="no-evidence"),
        pytest.param(
            ["--set", "counted", "--reason", "r", "--evidence", URL],
            "COLUMN=VALUE",
            id="not-an-assignment",
        ),
        pytest.param(
            ["--set", "start=1", "--reason", "r", "--evidence", URL],
            "cannot be set",
            id="fixed-column",
        ),
        pytest.param(
            ["--set", "counted=volunteers", "--reason", "r", "--evidence", URL],
            "nothing to correct",
            id="same-value",
        ),
    ],
)
def test_options_that_make_no_correction_exit_2_and_write_nothing(
    pkg: Path, capsys, args: list[str], says: str
) -> None:
    before = _snapshot(pkg)
    status, out = _correct(capsys, pkg, f"figures:{ARTICLE}.f118", *args)
    assert status == 2, out
    assert says in out
    assert "Traceback" not in out
    assert _snapshot(pkg) == before


@pytest.mark.parametrize(
    ("target", "says"),
    [
        pytest.param("figures", "TABLE:KEY", id="no-key"),
        pytest.param("reviews:x", "cannot be corrected", id="curated-table"),
        pytest.param(f"figures:{ARTICLE}.f1", "has no row", id="unknown-row"),
    ],
)
def test_a_target_that_is_no_row_exits_2(pkg: Path, capsys, target: str, says: str) -> None:
    status, out = _correct(capsys, pkg, target, "--remove", "--reason", "r", "--evidence", URL)
    assert status == 2, out
    assert says in out


def test_evidence_that_is_neither_an_address_nor_in_the_text_is_refused(pkg: Path, capsys) -> None:
    before = _snapshot(pkg)
    status, out = _correct(
        capsys,
        pkg,
        f"figures:{ARTICLE}.f253",
        "--set",
        "counted=bags",
        "--reason",
        "r",
        "--evidence",
        "I remember it",
    )
    assert status == 1, out
    assert "decision.evidence" in out
    assert _snapshot(pkg) == before


def test_json_reports_the_decisions(pkg: Path, capsys) -> None:
    status = main(
        [
            *("correct", f"figures:{ARTICLE}.f253", "--set", "counted=bags"),
            *("--reason", "r", "--evidence", URL, "--by", "T. Curator"),
            *("--json", "--dry-run", "--path", str(pkg)),
        ]
    )
    assert status == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] and document["dry_run"] and document["written"] == []
    assert document["decisions"][0]["curated_value"] == "bags"
    assert _row(pkg, "figures", f"{ARTICLE}.f253")["counted"] == "bags of vegetables"


def test_contributing_lists_the_columns_a_correction_can_set() -> None:
    from szdata._curate._correct import main as generate
    from tests.conftest import REPO

    assert generate(["--check", str(REPO / "CONTRIBUTING.md")]) == 0, (
        "run: python -m szdata._curate._correct --write CONTRIBUTING.md"
    )


def test_a_package_whose_tables_are_stale_is_refused(pkg: Path, capsys) -> None:
    figures = pkg / "data" / "figures.csv"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace(",bags of vegetables,", ",bags,"),
        encoding="utf-8",
    )
    before = _snapshot(pkg)
    status, out = _correct(
        capsys, pkg, f"figures:{ARTICLE}.f379", "--remove", "--reason", "r", "--evidence", URL
    )
    assert status == 1, out
    assert "not what the build produces" in out and "szdata build --check" in out
    assert _snapshot(pkg) == before


@pytest.mark.parametrize(
    ("tail", "eol"),
    [("\n", "\n"), ("\r\n", "\r\n"), ("", "\n")],
    ids=["lf", "crlf", "no-final-newline"],
)
def test_rows_are_appended_after_the_lines_as_they_are(
    package_copy: Path, tail: str, eol: str
) -> None:
    """A curated table gains its new rows after its last line, every line kept byte for
    byte (a quoted cell stays quoted), with the file's own line ending."""
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    path = pkg.path_of("reviews")
    header = ",".join(pkg.schema("reviews").field_names)
    kept = f'{header}{eol}"a_1",unreviewed,,,,"quoted, kept"{tail}'
    path.write_bytes(kept.encode())
    row = {"article_id": "b_2", "status": "unreviewed", "note": "new"}
    data = with_rows(pkg, "reviews", append=[row])
    assert data.startswith(kept.rstrip("\r\n").encode())
    assert data.decode().endswith(f"{eol}b_2,unreviewed,,,,new{eol}")


def test_rows_are_not_appended_to_a_broken_table(package_copy: Path) -> None:
    from szdata._core._errors import PackageError
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    pkg.path_of("reviews").write_bytes(b"article_id,status\na_1,unreviewed\n")
    with pytest.raises(PackageError, match="header"):
        with_rows(pkg, "reviews", append=[{"article_id": "b", "status": "unreviewed"}])


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_row_is_replaced_in_its_line_alone(package_copy: Path, eol: str) -> None:
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    path = pkg.path_of("reviews")
    header = ",".join(pkg.schema("reviews").field_names)
    lines = [
        header,
        '"a_1",unreviewed,,,,"quoted, kept"',
        "b_2,unreviewed,,,,old",
        "c_3,reviewed,,,,x",
    ]
    path.write_bytes((eol.join(lines) + eol).encode())
    new = {"article_id": "b_2", "status": "reviewed", "reviewer": "R", "note": "new"}
    data = with_rows(pkg, "reviews", replace={"b_2": new}).decode()
    lines[2] = "b_2,reviewed,R,,,new"
    assert data == eol.join(lines) + eol
    with pytest.raises(KeyError):
        with_rows(pkg, "reviews", replace={"z_9": new})


def test_a_row_over_several_lines_is_replaced_by_writing_every_row(package_copy: Path) -> None:
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    path = pkg.path_of("reviews")
    header = ",".join(pkg.schema("reviews").field_names)
    path.write_bytes(f'{header}\na_1,unreviewed,,,,"two\nlines"\nb_2,unreviewed,,,,x\n'.encode())
    new = {"article_id": "a_1", "status": "unreviewed", "note": "one line"}
    data = with_rows(pkg, "reviews", replace={"a_1": new}).decode()
    assert data == f"{header}\na_1,unreviewed,,,,one line\nb_2,unreviewed,,,,x\n"
