"""A draft of a package (``szdata._curate._draft``): its raw texts are the package's, read
beneath it (``szdata._disk._files.underlay``), with every refusal a read in the package has."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from szdata._core._errors import PackageError
from szdata._curate._draft import draft
from szdata._disk import _cache
from szdata._disk._files import list_folder, read_files, underlay, walk_folder
from szdata._disk._package import open_package

RAW = "data/raw"


def _raw_names(root: Path) -> list[str]:
    return sorted(n for n in os.listdir(root / RAW) if n.endswith(".txt"))


def test_a_draft_reads_the_package_texts_without_a_copy_or_a_link(package_copy: Path) -> None:
    names = _raw_names(package_copy)
    with draft(package_copy, command="test") as d:
        assert os.listdir(d.copy / RAW) == []  # nothing linked or copied
        assert list_folder(d.copy, RAW, suffix=".txt") == names
        rels = [f"{RAW}/{n}" for n in names]
        assert list(read_files(d.copy, rels)) == list(read_files(package_copy, rels))
        assert _cache.file_sha256(d.copy, rels) == _cache.file_sha256(package_copy, rels)
        assert {r for r, _ in walk_folder(d.copy, "data")} >= set(rels)
        d.write(f"{RAW}/zz_new.txt", b"A new text.\n")  # the draft's own file comes first
        assert list_folder(d.copy, RAW, suffix=".txt") == [*names, "zz_new.txt"]
        assert d.read(f"{RAW}/zz_new.txt") == b"A new text.\n"
        copy = d.copy
    assert not copy.exists()
    assert _raw_names(package_copy) == names  # the package's folder as it was


def test_a_link_in_the_package_is_refused_through_a_draft(
    package_copy: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=never-shown\n")
    name = _raw_names(package_copy)[0]
    (package_copy / RAW / name).unlink()
    (package_copy / RAW / name).symlink_to(secret)
    below = tmp_path / "draft"
    (below / RAW).mkdir(parents=True)
    with underlay(below, RAW, package_copy):
        with pytest.raises(PackageError, match="symbolic link"):
            list(read_files(below, [f"{RAW}/{name}"]))
        assert (f"{RAW}/{name}", "a symbolic link") in walk_folder(below, "data")
        with pytest.raises(PackageError, match="symbolic link"):
            list_folder(below, RAW, suffix=".txt")
        assert _cache.file_sha256(below, [f"{RAW}/{name}"]) == [None]


def test_only_the_folder_given_is_shown_beneath(package_copy: Path, tmp_path: Path) -> None:
    below = tmp_path / "draft"
    (below / RAW).mkdir(parents=True)
    table = open_package(package_copy).resource("figures")["path"]
    with underlay(below, RAW, package_copy):
        assert list(read_files(below, [table])) == [None]  # a table is never read beneath
        assert list(read_files(below, [f"{RAW}/none.txt"])) == [None]
    assert list_folder(below, RAW) == []  # and nothing once the block is left
