"""The reviewer's checklist is written once (szdata/_curate/_checklist.py); copies are generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from szdata._commands import add as add_command
from szdata._curate._checklist import ARTICLE_CHECKS, CHECKLIST, END, START, main, markdown

from .conftest import REPO

COPIES = [REPO / "CONTRIBUTING.md", REPO / ".github" / "PULL_REQUEST_TEMPLATE.md"]


@pytest.mark.parametrize("copy", COPIES, ids=lambda p: p.name)
def test_every_copy_is_fresh(copy: Path) -> None:
    assert main(["--check", str(copy)]) == 0, (
        f"{copy.name}'s checklist is stale: run python -m szdata._curate._checklist --write {copy}"
    )
    text = copy.read_text(encoding="utf-8")
    assert markdown() in text


def test_a_stale_copy_is_detected_and_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "CONTRIBUTING.md"
    original = COPIES[0].read_text(encoding="utf-8")
    copy.write_text(original.replace(CHECKLIST[1].checks[0], "an old check"), encoding="utf-8")
    assert main(["--check", str(copy)]) == 1
    assert "checklist is stale" in capsys.readouterr().err
    assert main(["--write", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == original


def test_a_copy_without_markers_is_refused(tmp_path: Path, capsys) -> None:
    copy = tmp_path / "x.md"
    copy.write_text("no markers", encoding="utf-8")
    assert main(["--check", str(copy)]) == 1
    assert START in capsys.readouterr().err


def test_markdown_has_every_check_once() -> None:
    text = markdown()
    for section in CHECKLIST:
        assert f"{section.title}:" in text
        for check in section.checks:
            assert text.count(f"- [ ] {check}\n") == 1
    assert START not in text and END not in text


def test_szdata_add_prints_the_article_checks() -> None:
    assert add_command._CHECKLIST is ARTICLE_CHECKS
    assert CHECKLIST[0].checks == ARTICLE_CHECKS
