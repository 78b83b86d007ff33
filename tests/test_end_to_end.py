"""The curator's whole path, end to end, on a temporary copy of the repository.

CONTRIBUTING.md ("The whole path, end to end") walks through the same steps: add an undated
news story and a briefing, correct a counted noun, note a date the text does not print, add a
missing organization, review, then `validate --strict`, `build --check`, `frictionless
validate` and the shipped-data tests all pass in the copy. Each broken variant then fails
with its rule named and leaves the package as it was. The rows named are the fixture texts'
own, whatever the package holds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.simulate_contribution import copy_repository, run_pytest
from tests.test_contribution_survives import SHIPPED_DATA_MODULES

pytestmark = pytest.mark.slow  # the whole curator's path in a copy of the repository

FIXTURES = Path(__file__).parent / "fixtures"
STORY = FIXTURES / "end_to_end" / "e2e_story_pingshan.txt"
BRIEFING = FIXTURES / "contribution" / "fixture_briefing_mar26.txt"
URL = "http://www.eyeshenzhen.com/content/2020-04/10/content_23050000.htm"
ORGANIZATION = (
    "pingshan-community-care-network,Pingshan Community Care Network,social_organization,,"
    "a residents' volunteer network of Pingshan District\n"
)
ALIAS = "Pingshan Community Care Network,pingshan-community-care-network,\n"


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "data").rglob("*"))
        if p.is_file()
    }


def _szdata(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    status = main([*args, "--path", str(root)])
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.fixture(scope="module")
def contributed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository after the whole contribution of CONTRIBUTING.md."""
    root = copy_repository(tmp_path_factory.mktemp("e2e") / "repo", git=False)

    def run(*args: str) -> None:
        assert main([*args, "--path", str(root)]) == 0, args

    run("add", str(STORY), "--published", "2020-04-10", "--url", URL, "--by", "T. Curator")
    run("add", str(BRIEFING), "--by", "T. Curator")
    run(
        *("correct", f"figures:{STORY.stem}.f282", "--set", "counted=boxes"),
        *("--reason", "The figure counts boxes; 'of medicine' says what they hold."),
        *("--evidence", "about 1,500 boxes of medicine", "--by", "T. Curator"),
    )
    run(  # a fact the text does not print: a note, and the date keeps what is printed
        *("correct", f"dates:{STORY.stem}.d180", "--note", "date=2020-03-30"),
        *("--reason", "The network started on the Monday of the week before.", "--evidence", URL),
        *("--by", "T. Curator"),
    )
    with (root / "data/curation/organizations.csv").open("a", encoding="utf-8") as fh:
        fh.write(ORGANIZATION)
    with (root / "data/curation/aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write(ALIAS)
    run("build")
    run("review", STORY.stem, BRIEFING.stem, "--accept", "--by", "R. Viewer")
    return root


@pytest.fixture
def pkg(contributed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(contributed, tmp_path / "repo"))


def test_the_contributed_package_passes_every_gate(contributed: Path, capsys) -> None:
    assert _szdata(capsys, contributed, "validate")[0] == 0
    status = main(["validate", "--strict", "--json", "--path", str(contributed)])
    report = json.loads(capsys.readouterr().out)
    left = {i["rule"] for i in report["issues"] if i["severity"] == "error"}
    # --strict fails only for articles the repository has not reviewed yet, never for these
    assert left <= {"review.unreviewed"}, left
    assert not [
        i for i in report["issues"] if STORY.stem in i["message"] or BRIEFING.stem in i["message"]
    ]
    assert status == (1 if left else 0)
    assert _szdata(capsys, contributed, "build", "--check")[0] == 0
    mentions = (contributed / "data/mentions.csv").read_text(encoding="utf-8")
    assert "pingshan-community-care-network" in mentions, "the new alias found no mention"
    figures = (contributed / "data/figures.csv").read_text(encoding="utf-8")
    assert f"{STORY.stem}.f282,{STORY.stem},,1500,,count,boxes," in figures
    dates = (contributed / "data/dates.csv").read_text(encoding="utf-8")
    assert f"{STORY.stem}.d180,{STORY.stem},,2020-04-06,weekday_past," in dates


@pytest.mark.slow
def test_frictionless_accepts_the_contributed_package(contributed: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(contributed / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.slow
def test_the_shipped_data_tests_pass_on_the_contributed_copy(contributed: Path) -> None:
    done = run_pytest(contributed, *SHIPPED_DATA_MODULES)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def _set_value_against_its_quote(root: Path) -> list[str]:
    return [
        *("correct", f"figures:{STORY.stem}.f118", "--set", "value=421"),
        *("--reason", "r", "--evidence", URL, "--by", "T"),
    ]


def _set_counted_not_printed(root: Path) -> list[str]:
    return [
        *("correct", f"figures:{STORY.stem}.f379", "--set", "counted=shift hours"),
        *("--reason", "r", "--evidence", "Each volunteer works a shift of six hours.", "--by", "T"),
    ]


def _set_date_the_text_does_not_print(root: Path) -> list[str]:
    return [
        *("correct", f"dates:{STORY.stem}.d180", "--set", "date=2020-03-30"),
        *("--reason", "r", "--evidence", URL, "--by", "T"),
    ]


def _evidence_from_nowhere(root: Path) -> list[str]:
    return [
        *("correct", f"figures:{STORY.stem}.f253", "--set", "counted=bags"),
        *("--reason", "r", "--evidence", "I remember it", "--by", "T"),
    ]


def _unknown_kind(root: Path) -> list[str]:
    with (root / "data/curation/organizations.csv").open("a", encoding="utf-8") as fh:
        fh.write("futian-volunteers,Futian Volunteers,club,,\n")
    return ["validate"]


def _alias_of_two(root: Path) -> list[str]:
    with (root / "data/curation/aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("Pingshan Community Care Network,pingshan-district-government,\n")
    return ["validate"]


@pytest.mark.parametrize(
    ("breakage", "status", "rule"),
    [
        pytest.param(_set_value_against_its_quote, 1, "figure.value-from-quote", id="set-value"),
        pytest.param(_set_counted_not_printed, 1, "figure.counted-from-text", id="set-counted"),
        pytest.param(
            _set_date_the_text_does_not_print, 1, "date.relative-to-publication", id="set-date"
        ),
        pytest.param(_evidence_from_nowhere, 1, "decision.evidence", id="evidence"),
        pytest.param(_unknown_kind, 1, "structure.enum", id="organization-kind"),
        pytest.param(_alias_of_two, 1, "alias.one-organization", id="alias-of-two"),
    ],
)
def test_a_broken_step_fails_with_its_rule_and_changes_nothing(
    pkg: Path, capsys, breakage, status: int, rule: str
) -> None:
    args = breakage(pkg)
    before = _snapshot(pkg)
    got, out = _szdata(capsys, pkg, *args)
    assert got == status, out
    assert rule in out
    assert "Traceback" not in out
    assert _snapshot(pkg) == before


def test_a_review_without_a_reviewer_is_refused(pkg: Path, capsys) -> None:
    before = _snapshot(pkg)
    got, out = _szdata(capsys, pkg, "review", STORY.stem, "--accept")
    assert got == 2 and "--reviewer" in out
    assert _snapshot(pkg) == before
