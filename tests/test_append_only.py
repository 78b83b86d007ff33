"""Raw texts are append-only: ``szdata validate --base REF`` (``provenance.raw-append-only``).

Each case commits a copy of the package into a new git repository as the base revision,
then changes the working tree the way a pull request would: a raw text edited, deleted or
added, with or without the decision that records why. The base is arranged so that the
working tree is the shipped (valid) package, so the rule is the only one that can fire.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._validate._rules import RULES
from tests.conftest import copy_package
from tests.fixture_package import record_facts

GIT = shutil.which("git")
pytestmark = [
    pytest.mark.git,
    pytest.mark.skipif(GIT is None, reason="needs the git command, which is not on PATH"),
]
RULE = "provenance.raw-append-only"
DECISIONS = "data/curation/decisions.csv"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        [GIT or "git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose only commit (``HEAD``) is the package."""
    root = copy_package(tmp_path / "pkg")
    _git(root, "init", "-q")
    _commit(root, "the package")
    return root


def _raw(root: Path) -> Path:
    return sorted((root / "data" / "raw").glob("*.txt"))[0]


def _validate(root: Path, capsys, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["validate", "--path", str(root), "--json", "--no-summary", *args])
    out, err = capsys.readouterr()
    assert out, err
    return code, json.loads(out)


def _issues(report: dict) -> list[dict]:
    return [i for i in report["issues"] if i["rule"] == RULE]


def _add_decision(root: Path, key: str, curated: str) -> None:
    path = root / DECISIONS
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    number = max(int(r["decision_id"][1:]) for r in rows) + 1
    row = {
        "decision_id": f"D{number:04d}",
        "table": "articles",
        "key": key,
        "action": "note",
        "column": "sha256",
        "parsed_value": "",
        "curated_value": curated,
        "reason": "The publisher corrected the text after it was first collected.",
        "evidence": "http://www.eyeshenzhen.com/content/2020-04/09/content_23043059.htm",
        "decided_on": "2024-01-02",
        "decided_by": "szdata maintainers",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writerow(row)
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    record_facts(root, DECISIONS)  # as `szdata build` does (else: structure.integrity)


def _edited_base(repo: Path) -> tuple[Path, bytes]:
    """Make the base (``HEAD``) hold an edited text, and the working tree the shipped one."""
    raw = _raw(repo)
    shipped = raw.read_bytes()
    raw.write_bytes(shipped.replace(b" ", b"  ", 1))
    _commit(repo, "the text as it was")
    raw.write_bytes(shipped)
    return raw, shipped


def test_an_unchanged_package_passes(repo: Path, capsys) -> None:
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 0 and report["ok"] and _issues(report) == []


def test_a_changed_raw_text_fails_naming_file_rule_and_hint(repo: Path, capsys) -> None:
    raw, shipped = _edited_base(repo)
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 1
    assert {i["rule"] for i in report["issues"]} == {RULE}, report["issues"]
    (issue,) = _issues(report)
    rel = raw.relative_to(repo).as_posix()
    assert issue["file"] == rel and issue["severity"] == "error"
    assert hashlib.sha256(shipped).hexdigest() in issue["message"]
    assert "changed since HEAD" in issue["message"]
    assert f"git checkout HEAD -- {rel}" in issue["hint"] and "decisions.csv" in issue["hint"]
    # without --base the rule does not run: the package itself is valid
    assert main(["validate", "--path", str(repo), "--json"]) == 0


def test_a_decision_with_the_new_hash_records_why(repo: Path, capsys) -> None:
    raw, shipped = _edited_base(repo)
    _add_decision(repo, raw.stem, "0" * 64)  # a decision about some other text
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 1 and len(_issues(report)) == 1
    _add_decision(repo, raw.stem, hashlib.sha256(shipped).hexdigest())
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert _issues(report) == [] and code == 0, report["issues"]


def test_a_deleted_raw_text_fails_unless_a_decision_records_it(repo: Path, capsys) -> None:
    extra = repo / "data" / "raw" / "999_0000000000000000.txt"
    extra.write_bytes(b"A text later withdrawn\n\nIts body.\n")
    _commit(repo, "a text")
    extra.unlink()
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 1 and {i["rule"] for i in report["issues"]} == {RULE}
    (issue,) = _issues(report)
    assert issue["file"] == "data/raw/999_0000000000000000.txt"
    assert "deleted since HEAD" in issue["message"]
    _add_decision(repo, "999_0000000000000000", "")
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 0 and report["issues"] == [], report["issues"]
    # the build accepts the note of a deleted text (its article row is gone); the edited
    # decisions.csv changes only its hash and bytes in the descriptor
    capsys.readouterr()
    assert main(["build", "--path", str(repo)]) == 0, capsys.readouterr()
    assert main(["build", "--path", str(repo), "--check"]) == 0, capsys.readouterr()


def test_a_new_raw_text_is_not_a_change(repo: Path, capsys) -> None:
    first = _raw(repo)
    _git(repo, "rm", "-q", "--cached", first.relative_to(repo).as_posix())
    _commit(repo, "without the first text")
    code, report = _validate(repo, capsys, "--base", "HEAD")
    assert code == 0 and _issues(report) == []


def test_the_package_may_be_a_folder_of_the_repository(tmp_path: Path, capsys) -> None:
    top = tmp_path / "top"
    root = copy_package(top / "sub" / "pkg")
    _git(top, "init", "-q")
    raw = _raw(root)
    shipped = raw.read_bytes()
    raw.write_bytes(shipped + b"\n")
    _commit(top, "base")
    raw.write_bytes(shipped)
    code, report = _validate(root, capsys, "--base", "HEAD")
    assert code == 1 and [i["file"] for i in _issues(report)] == [raw.relative_to(root).as_posix()]


def test_an_earlier_revision_by_name(repo: Path, capsys) -> None:
    _raw(repo).write_bytes(b"edited\n")
    _commit(repo, "an edit")
    _git(repo, "tag", "edited")
    _git(repo, "checkout", "-q", "HEAD~1", "--", "data/raw")
    code, report = _validate(repo, capsys, "--base", "edited")
    assert code == 1 and len(_issues(report)) == 1
    code, report = _validate(repo, capsys, "--base", "HEAD~1")
    assert code == 0 and _issues(report) == []


@pytest.mark.parametrize("ref", ["no-such-branch", "HEAD~5", "--output=x", "0" * 40])
def test_an_unknown_revision_exits_2_with_one_line(repo: Path, capsys, ref: str) -> None:
    capsys.readouterr()
    code = main(["validate", "--path", str(repo), "--base", ref])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in out + err
    (line,) = err.strip().splitlines()
    assert line.startswith("error: --base") and ref in line
    assert not (repo / "x").exists()


def test_an_unknown_revision_with_json_prints_an_error_document(repo: Path, capsys) -> None:
    capsys.readouterr()
    code = main(["validate", "--path", str(repo), "--base", "nope", "--json"])
    out, _ = capsys.readouterr()
    assert code == 2
    doc = json.loads(out)
    assert doc["ok"] is False and doc["exit_code"] == 2 and "nope" in doc["error"]


def test_outside_a_git_repository_exits_2(tmp_path: Path, capsys, monkeypatch) -> None:
    root = copy_package(tmp_path / "plain")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # even if /tmp is in a repo
    capsys.readouterr()
    code = main(["validate", "--path", str(root), "--base", "origin/main"])
    _, err = capsys.readouterr()
    assert code == 2 and "not in a git repository" in err


def test_the_rule_is_in_the_registry() -> None:
    rule = RULES[RULE]
    assert rule.severity == "error" and not rule.fatal and rule.layer == "rule"
    assert "--base" in rule.explanation
