"""The listing of a package's folders, remembered while a folder keeps its times.

A command lists the raw texts of a large package several times; a folder that had settled
when it was listed is not listed again while its device, inode and times are the same
(:func:`szdata._disk._files._folder_entries`). Each test breaks that rule one way: a name
added, an entry replaced by a link, the folder replaced, a folder changed just now.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from szdata._core._errors import PackageError
from szdata._disk import _files
from szdata._disk._files import list_folder, walk_folder


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders ``os.scandir`` was asked for, in order."""
    asked: list[str] = []
    real = os.scandir

    def counting(path):
        asked.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(_files.os, "scandir", counting)
    monkeypatch.setattr(_files, "_LISTED", {})
    return asked


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every folder counts as settled (a test cannot set a folder's change time back)."""
    monkeypatch.setattr(_files, "SETTLED_NS", -(10**12))


def _package(tmp_path: Path) -> Path:
    raw = tmp_path / "pkg" / "data" / "raw"
    raw.mkdir(parents=True)
    for name in ("a.txt", "b.txt"):
        (raw / name).write_text(name, encoding="utf-8")
    return tmp_path / "pkg"


def test_a_settled_folder_is_listed_once_while_it_keeps_its_times(
    tmp_path: Path, scans: list[str], settled: None
) -> None:
    root = _package(tmp_path)
    assert list_folder(root, "data/raw", suffix=".txt") == ["a.txt", "b.txt"]
    assert list_folder(root, "data/raw", suffix=".txt") == ["a.txt", "b.txt"]
    assert [r for r, _ in walk_folder(root, "data/raw")] == ["data/raw/a.txt", "data/raw/b.txt"]
    assert scans.count(str(root / "data" / "raw")) == 1


def test_a_name_added_is_seen(tmp_path: Path, scans: list[str], settled: None) -> None:
    root = _package(tmp_path)
    list_folder(root, "data/raw", suffix=".txt")
    (root / "data" / "raw" / "c.txt").write_text("c", encoding="utf-8")
    assert list_folder(root, "data/raw", suffix=".txt") == ["a.txt", "b.txt", "c.txt"]
    assert ("data/raw/c.txt", "file") in walk_folder(root, "data")


def test_an_entry_replaced_by_a_link_is_refused_after_a_remembered_listing(
    tmp_path: Path, scans: list[str], settled: None
) -> None:
    root = _package(tmp_path)
    list_folder(root, "data/raw", suffix=".txt")
    link = root / "data" / "raw" / ".swap"
    os.symlink("/etc/hostname", link)
    os.replace(link, root / "data" / "raw" / "a.txt")
    with pytest.raises(PackageError, match=r"a\.txt is a symbolic link"):
        list_folder(root, "data/raw", suffix=".txt")
    assert ("data/raw/a.txt", "a symbolic link") in walk_folder(root, "data")


def test_a_folder_replaced_by_another_is_listed_anew(
    tmp_path: Path, scans: list[str], settled: None
) -> None:
    root = _package(tmp_path)
    list_folder(root, "data/raw")
    raw = root / "data" / "raw"
    raw.rename(root / "data" / "old")
    raw.mkdir()
    (raw / "z.txt").write_text("z", encoding="utf-8")
    assert list_folder(root, "data/raw") == ["z.txt"]


def test_a_folder_changed_just_now_is_listed_every_time(tmp_path: Path, scans: list[str]) -> None:
    root = _package(tmp_path)  # its times are now: it may change again within the same tick
    list_folder(root, "data/raw")
    list_folder(root, "data/raw")
    assert scans.count(str(root / "data" / "raw")) == 2


def test_a_draft_s_listing_of_the_package_s_texts_is_its_own_copy(tmp_path: Path) -> None:
    from szdata._disk._files import underlay

    package = _package(tmp_path)
    draft = tmp_path / "draft"
    (draft / "data" / "raw").mkdir(parents=True)
    with underlay(draft, "data/raw", package):
        first = list_folder(draft, "data/raw", suffix=".txt")
        assert first == ["a.txt", "b.txt"]
        first.append("changed by the caller")
        assert list_folder(draft, "data/raw", suffix=".txt") == ["a.txt", "b.txt"]
        (draft / "data" / "raw" / "0_new.txt").write_text("n", encoding="utf-8")
        assert list_folder(draft, "data/raw", suffix=".txt") == ["0_new.txt", "a.txt", "b.txt"]
