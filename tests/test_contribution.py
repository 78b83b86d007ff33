"""The contributor's path end to end, on a temporary copy of the repository.

Add a new article (a fixture text written for this test), review it, validate, check the
build; then the same with broken contributions, each of which must fail with its rule named
while the package on disk stays as it was.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.conftest import copy_package

FIXTURE = Path(__file__).parent / "fixtures" / "contribution" / "fixture_briefing_mar26.txt"
NEW_ID = FIXTURE.stem


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run(capsys, *args: str) -> tuple[int, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out + out.err


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "pkg")


def test_add_review_validate_build(pkg: Path, capsys) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in (pkg / "data").glob("*.csv")}

    status, out = _run(capsys, "add", str(FIXTURE), "--path", str(pkg), "--dry-run")
    assert status == 0, out
    assert "would add" in out
    assert not (pkg / "data" / "raw" / FIXTURE.name).exists(), "--dry-run wrote the raw text"

    status, out = _run(capsys, "add", str(FIXTURE), "--path", str(pkg))
    assert status == 0, out
    assert (pkg / "data" / "raw" / FIXTURE.name).read_bytes() == FIXTURE.read_bytes()
    assert "Futian District Youth Volunteers Association" in out, "unknown name not proposed"

    # every old row is still there, byte for byte; the new rows are unreviewed
    for path, text in before.items():
        new_lines = set(path.read_text(encoding="utf-8").splitlines())
        assert set(text.splitlines()) <= new_lines, path.name
    figures = [r for r in _rows(pkg / "data" / "figures.csv") if r["article_id"] == NEW_ID]
    assert {r["quote"] for r in figures} >= {"more than 2.6 million", "97.5%", "350"}
    assert {r["review_status"] for r in figures} == {"unreviewed"}

    # idempotent: adding again changes nothing
    snap = _snapshot(pkg)
    status, out = _run(capsys, "add", str(FIXTURE), "--path", str(pkg))
    assert status == 0, out
    assert _snapshot(pkg) == snap

    # unreviewed rows: a warning by default, an error with --strict
    status, out = _run(capsys, "validate", "--path", str(pkg))
    assert status == 0, out
    status, out = _run(capsys, "validate", "--path", str(pkg), "--strict")
    assert status == 1, out
    assert "review.unreviewed" in out

    status, out = _run(
        capsys, "review", NEW_ID, "--accept", "--reviewer", "Test Reviewer", "--path", str(pkg)
    )
    assert status == 0, out
    status, out = _run(capsys, "validate", "--path", str(pkg), "--strict")
    assert status == 0, out
    status, out = _run(capsys, "build", "--path", str(pkg), "--check")
    assert status == 0, out


def test_same_text_under_another_name_is_refused(pkg: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "another_name.txt"
    copy.write_bytes((pkg / "data" / "raw" / "004_4c9b5674638746a7.txt").read_bytes())
    snap = _snapshot(pkg)
    status, out = _run(capsys, "add", str(copy), "--path", str(pkg))
    assert status == 1
    assert "already in the package as data/raw/004_4c9b5674638746a7.txt" in out
    assert _snapshot(pkg) == snap


def test_not_utf8_is_refused(pkg: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "latin1_text.txt"
    bad.write_bytes("Daily Briefing (Mar. 21)\n\nCaf\u00e9 1.".encode("latin-1"))
    snap = _snapshot(pkg)
    status, out = _run(capsys, "add", str(bad), "--path", str(pkg))
    assert status == 1
    assert "not UTF-8" in out and "latin1_text.txt" in out
    assert _snapshot(pkg) == snap


def _edit_raw(pkg: Path) -> None:
    raw = pkg / "data" / "raw" / "004_4c9b5674638746a7.txt"
    raw.write_bytes(raw.read_bytes().replace(b"3,625 sets", b"3,652 sets"))


def _hand_typed_figure(pkg: Path) -> None:
    path = pkg / "data" / "figures.csv"
    rows = _rows(path)
    row = dict(rows[0], figure_id=rows[0]["article_id"] + ".f10", start="10", end="13", quote="500")
    rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _colliding_organization(pkg: Path) -> None:
    path = pkg / "data" / "curation" / "organizations.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(
            "shenzhen-daily,Shenzhen Evening News,media,,a new paper given an id already taken\n"
        )


@pytest.mark.parametrize(
    ("breakage", "rule", "table"),
    [
        (_edit_raw, "provenance.raw-hash", "articles"),
        (_hand_typed_figure, "provenance.quote-span", "figures"),
        (_colliding_organization, "structure.primary-key", "organizations"),
    ],
    ids=["edited-raw-text", "hand-typed-figure", "colliding-organization-id"],
)
def test_broken_contribution_is_caught(pkg: Path, capsys, breakage, rule: str, table: str) -> None:
    breakage(pkg)
    snap = _snapshot(pkg)
    status, out = _run(capsys, "validate", "--path", str(pkg))
    assert status == 1, out
    assert rule in out and table in out
    status, out = _run(capsys, "build", "--path", str(pkg), "--check")
    if breakage is not _colliding_organization:  # the registry is an input of the build
        assert status == 1, out
    assert _snapshot(pkg) == snap, "validation or the check changed the package"


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_interrupted_add_leaves_the_package_valid(pkg: Path, delay: float) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "szdata", "add", str(FIXTURE), "--path", str(pkg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    for args in (["validate", "--path", str(pkg)], ["build", "--path", str(pkg), "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "szdata", *args], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    leftovers = [p for p in pkg.rglob("*") if p.name.endswith(".szdata-tmp")]
    assert leftovers == []


def test_a_different_text_under_an_existing_name_is_refused(
    pkg: Path, tmp_path: Path, capsys
) -> None:
    clash = tmp_path / "004_4c9b5674638746a7.txt"
    clash.write_bytes(FIXTURE.read_bytes())
    snap = _snapshot(pkg)
    status, out = _run(capsys, "add", str(clash), "--path", str(pkg))
    assert status == 1
    assert "data/raw/004_4c9b5674638746a7.txt already holds a different text" in out
    assert _snapshot(pkg) == snap


def test_a_build_that_would_change_an_existing_row_is_refused() -> None:
    import polars as pl

    from szdata._curate._add import AddRefused, _check_only_appended

    old = pl.DataFrame({"figure_id": ["a.f1"], "value": ["6"]})
    added = pl.DataFrame({"figure_id": ["a.f1", "b.f1"], "value": ["6", "7"]})
    _check_only_appended("figures", old, added)
    with pytest.raises(AddRefused, match=r"would change 1 existing row.*'a\.f1'"):
        _check_only_appended("figures", old, pl.DataFrame({"figure_id": ["a.f1"], "value": ["60"]}))


def test_review_needs_a_reviewer_and_can_be_reopened(pkg: Path, capsys) -> None:
    article = "004_4c9b5674638746a7"
    status, out = _run(capsys, "review", article, "--accept", "--path", str(pkg))
    assert status == 2 and "--reviewer" in out  # bad usage
    status, out = _run(capsys, "review", article, "--reopen", "--path", str(pkg))
    assert status == 0, out
    items = _rows(pkg / "data" / "items.csv")
    assert {r["review_status"] for r in items} == {"unreviewed"}
    status, out = _run(capsys, "validate", "--path", str(pkg), "--strict")
    assert status == 1 and "review.unreviewed" in out
    status, out = _run(capsys, "review", article, "--accept", "--reopen", "--path", str(pkg))
    assert status == 2
