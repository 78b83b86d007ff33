"""After a curator's contribution, the shipped-data tests still pass.

A copy of the repository in a temporary folder gets what a curator adds (see
``tests/simulate_contribution.py``): an undated news story (with ``--published`` and
``--url``), a dated Daily Briefing, an organization and its alias, their review, and a minor
version bump. Then the shipped-data test modules run in the copy, in a subprocess that
imports the copy's code and reads the copy's data; they must pass there as they do here.
The whole suite is run the same way by ``python tests/simulate_contribution.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.simulate_contribution import contribute, copy_repository, run_pytest, szdata

# a contribution simulation: the shipped-data tests in a contributed copy
pytestmark = pytest.mark.slow

SHIPPED_DATA_MODULES = (
    "tests/test_shipped_data.py",
    "tests/test_datapackage.py",
    "tests/test_quantities.py",
)
"""The modules that test the shipped data: invariants only, over whatever rows are there."""

NEW = ("_news_no_header.txt", "_briefing_mar26.txt")
"""The endings of the new texts' names in data/raw/."""
TEXTS = (
    ("texts/fixture_news_no_header.txt", False),  # prints no date: --published and --url
    ("contribution/fixture_briefing_mar26.txt", True),
)


@pytest.fixture(scope="module")
def contributed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_repository(tmp_path_factory.mktemp("contribution") / "repo", git=False)
    # two final newlines: not the texts of the simulation, which may have run on this copy
    done = contribute(root, TEXTS, review_every=1, suffix=b"\n\n")
    assert len(done.added) == len(TEXTS), "\n".join(done.log)
    assert done.reviewed == done.added
    return root


def _articles(root: Path) -> dict[str, dict[str, str]]:
    with (root / "data" / "articles.csv").open(encoding="utf-8", newline="") as fh:
        return {r["article_id"]: r for r in csv.DictReader(fh)}


@pytest.mark.slow
def test_the_contribution_is_in_the_copy_and_valid(contributed: Path) -> None:
    articles = _articles(contributed)
    kinds = {a["kind"] for a in articles.values() if a["raw_path"].endswith(NEW)}
    assert kinds == {"news", "briefing"}
    undated = next(a for a in articles.values() if a["title"].startswith("Shenzhen hospital"))
    assert (undated["published"], undated["published_basis"]) == ("2020-04-10", "address")
    with (contributed / "data" / "curation" / "reviews.csv").open(encoding="utf-8") as fh:
        status = {r["article_id"]: r["status"] for r in csv.DictReader(fh)}
    assert {status[a] for a, row in articles.items() if row["raw_path"].endswith(NEW)} == {
        "reviewed"
    }
    # --strict too when nothing else waits for review (the repository may hold unreviewed
    # articles of its own; the shipped-data tests check what --strict reports then)
    strict = ("--strict",) if set(status.values()) == {"reviewed"} else ()
    for check in (("validate", *strict), ("build", "--check")):
        result = szdata(contributed, *check)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_shipped_data_tests_pass_after_the_contribution(contributed: Path) -> None:
    for module in SHIPPED_DATA_MODULES:
        assert (contributed / module).is_file(), module
    result = run_pytest(contributed, "-x", "-m", "not network", *SHIPPED_DATA_MODULES)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
