"""Writers take turns: two commands writing one package at once lose nothing.

Each test starts two ``szdata`` processes on one copy of the package at the same moment.
Each either does its work, or is refused with the lock message (exit 1, nothing written):
never are both half-done, and never does one's write erase the other's. The package is
valid afterwards. With ``SZDATA_LOCK_TIMEOUT=0`` the second writer is refused at once, so
the refusal path runs too.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.conftest import REPO, copy_package

pytestmark = pytest.mark.slow  # concurrent writers in real processes

FIXTURES = REPO / "tests" / "fixtures"
TEXTS = (
    FIXTURES / "contribution" / "fixture_briefing_mar26.txt",
    FIXTURES / "texts" / "fixture_feb_briefing.txt",
)
REVIEWED = "004_4c9b5674638746a7"
LOCKED = "is being written by"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _articles(root: Path) -> set[str]:
    return {r["article_id"] for r in _rows(root / "data" / "articles.csv")}


def _together(root: Path, commands: list[list[str]], timeout: str) -> list[tuple[int, str]]:
    """Start every command at once; their exit statuses and output."""
    env = {**os.environ, "SZDATA_LOCK_TIMEOUT": timeout, "PYTHONPATH": str(REPO)}
    go = time.time() + 1.5  # both start importing, then wait for the same moment
    script = (
        "import sys, time; from szdata._commands._main import main; "
        f"time.sleep(max(0, {go!r} - time.time())); sys.exit(main(sys.argv[1:]))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *cmd, "--path", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for cmd in commands
    ]
    out = []
    for p in procs:
        text, _ = p.communicate(timeout=300)
        out.append((p.returncode, text))
    return out


def _done_or_refused(status: int, output: str) -> bool:
    """Whether the command did its work (0) or was refused by the lock (1); no traceback."""
    assert "Traceback" not in output, output
    if status == 1:
        assert LOCKED in output, output
        return False
    assert status == 0, output
    return True


def _no_staged_files(root: Path) -> None:
    from szdata._disk._atomic import TEMP_SUFFIX

    assert [p for p in root.rglob(f"*{TEMP_SUFFIX}")] == []


def _valid(root: Path, capsys) -> None:
    code = main(["validate", "--path", str(root)])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err


@pytest.mark.slow
@pytest.mark.parametrize("timeout", ["10", "0"], ids=["wait", "refuse"])
def test_two_adds_at_once_lose_no_article(tmp_path: Path, timeout: str, capsys) -> None:
    root = copy_package(tmp_path / "pkg")
    before = _articles(root)
    results = _together(root, [["add", str(t)] for t in TEXTS], timeout)
    added = _articles(root) - before
    done = [_done_or_refused(s, o) for s, o in results]
    assert any(done), results
    for text, ok in zip(TEXTS, done, strict=True):
        assert (text.stem in added) is ok, (text.stem, results)
        assert (root / "data" / "raw" / text.name).exists() is ok
    if timeout == "10":
        assert all(done), "a writer that waits is served"
    _no_staged_files(root)
    _valid(root, capsys)


@pytest.mark.slow
@pytest.mark.parametrize("timeout", ["10", "0"], ids=["wait", "refuse"])
def test_add_racing_review_reopen_loses_nothing(tmp_path: Path, timeout: str, capsys) -> None:
    root = copy_package(tmp_path / "pkg")
    text = TEXTS[0]
    results = _together(root, [["add", str(text)], ["review", REVIEWED, "--reopen"]], timeout)
    added, reopened = (_done_or_refused(s, o) for s, o in results)
    assert added or reopened, results
    assert (text.stem in _articles(root)) is added, results
    reviews = {r["article_id"]: r["status"] for r in _rows(root / "data/curation/reviews.csv")}
    assert (reviews[REVIEWED] == "unreviewed") is reopened, results
    items = [r for r in _rows(root / "data" / "items.csv") if r["article_id"] == REVIEWED]
    assert items and {r["review_status"] for r in items} == {
        "unreviewed" if reopened else "reviewed"
    }
    if added:  # the new text's rows were kept by the review's rebuild, and vice versa
        figures = {r["article_id"] for r in _rows(root / "data" / "figures.csv")}
        assert text.stem in figures
    _no_staged_files(root)
    _valid(root, capsys)
