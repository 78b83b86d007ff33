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


def test_the_texts_beneath_a_draft_are_looked_at_once_while_it_lasts(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beneath a draft (the lock held) a raw text is hashed and listed once: a second look
    costs no system call; out of the block every look is made again."""
    name = _raw_names(package_copy)[0]
    rel = f"{RAW}/{name}"
    below = tmp_path / "draft"
    (below / RAW).mkdir(parents=True)
    with underlay(below, RAW, package_copy):
        first = _cache.file_sha256(below, [rel])
        listed = walk_folder(below, "data")
        looked: list[str] = []
        real_lstat, real_scandir = os.lstat, os.scandir
        monkeypatch.setattr(os, "lstat", lambda p, *a, **k: looked.append(str(p)) or real_lstat(p))
        monkeypatch.setattr(
            os, "scandir", lambda p, *a, **k: looked.append(str(p)) or real_scandir(p)
        )
        assert _cache.file_sha256(below, [rel]) == first
        assert walk_folder(below, "data") == listed
        assert not [p for p in looked if str(package_copy) in p]  # nothing of the package
        monkeypatch.undo()
    looked.clear()
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: looked.append(str(p)) or real_lstat(p))
    assert _cache.file_sha256(package_copy, [rel]) == first  # the package's own: looked at
    assert looked


def test_a_text_unreadable_beneath_a_draft_is_looked_at_again(
    package_copy: Path, tmp_path: Path
) -> None:
    below = tmp_path / "draft"
    (below / RAW).mkdir(parents=True)
    rel = f"{RAW}/late.txt"
    with underlay(below, RAW, package_copy):
        assert _cache.file_sha256(below, [rel]) == [None]
        (package_copy / rel).write_bytes(b"A text.\n")
        assert _cache.file_sha256(below, [rel]) == [_cache.hashlib.sha256(b"A text.\n").hexdigest()]


@pytest.mark.parametrize("durable", [True, False], ids=["package-files", "draft-files"])
def test_staged_files_are_synced_unless_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """A package's files reach the disk before they replace the old ones; a draft's, in a
    temporary folder, need not (no power cut needs to find them whole)."""
    from szdata._disk import _atomic

    synced: list[int] = []
    monkeypatch.setattr(_atomic.os, "fsync", synced.append)
    with _atomic.StagedFiles(durable=durable) as staged:
        staged.write(tmp_path / "a.csv", b"a\n1\n")
    assert (tmp_path / "a.csv").read_bytes() == b"a\n1\n"
    assert bool(synced) is durable


def test_a_draft_links_the_package_tables_and_never_writes_through_them(
    package_copy: Path,
) -> None:
    """The draft's tables are the package's files, linked (no 45 MB copy); writing one in
    the draft, or building the draft, replaces the draft's file and leaves the package's."""
    pkg = open_package(package_copy)
    table = pkg.resource("figures")["path"]
    reviews = pkg.resource("reviews")["path"]
    before = {rel: (package_copy / rel).read_bytes() for rel in (table, reviews)}
    with draft(package_copy, command="test") as d:
        assert os.path.samefile(d.copy / table, package_copy / table)
        d.write(reviews, before[reviews] + b"")  # replaced, not written through
        lines = before[table].decode().splitlines(keepends=True)
        d.write(table, "".join(lines[:-1]).encode())  # a row fewer: the build puts it back
        d.build()
        assert not os.path.samefile(d.copy / table, package_copy / table)
        assert {rel: (package_copy / rel).read_bytes() for rel in before} == before


def test_a_table_reached_through_a_link_is_refused_by_a_draft(
    package_copy: Path, tmp_path: Path
) -> None:
    pkg = open_package(package_copy)
    table = package_copy / pkg.resource("figures")["path"]
    moved = tmp_path / "figures.csv"
    table.rename(moved)
    table.symlink_to(moved)
    with pytest.raises(PackageError, match="symbolic link"), draft(package_copy, command="test"):
        pass


@pytest.mark.parametrize("links", [True, False], ids=["same-file-system", "another"])
def test_a_draft_moves_its_files_into_the_package(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """A committed file is the draft's own, linked into the package and synced (no second
    copy of 45 MB); on another file system its bytes are written. Either way the package
    gets the draft's bytes and keeps the file's permissions."""
    from szdata._disk import _atomic

    if not links:

        def no_link(*_a: object, **_k: object) -> None:
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(_atomic.os, "link", no_link)
    reviews = open_package(package_copy).resource("reviews")["path"]
    target = package_copy / reviews
    target.chmod(0o640)
    new = target.read_bytes() + b"zz_new,unreviewed,,,,\n"
    with draft(package_copy, command="test") as d:
        d.write(reviews, new)
        (d.copy / reviews).chmod(0o600)
        [written] = d.commit()
        assert os.path.samefile(written, d.copy / reviews) is links
    assert target.read_bytes() == new
    assert target.stat().st_mode & 0o777 == 0o640
    assert not list(target.parent.glob("*.szdata-tmp"))


@pytest.mark.parametrize("edit", ["review", "nothing"])
def test_a_draft_lists_as_changed_the_files_whose_bytes_differ(
    package_copy: Path, edit: str
) -> None:
    """``changed`` compares a built file by digest with the package's file as the draft
    took it: the same list as comparing every byte."""
    pkg = open_package(package_copy)
    reviews = pkg.resource("reviews")["path"]
    (first_review,) = read_files(package_copy, [reviews])
    article_id = first_review.decode().splitlines()[1].split(",")[0]  # a reviewed article
    with draft(package_copy, command="test") as d:
        assert d.is_built()
        data = d.read(reviews)
        if edit == "review":  # the article's review status turned: its rows' status changes
            lines = data.splitlines(keepends=True)
            cells = lines[1].split(b",")
            cells[1] = b"unreviewed" if cells[1] == b"reviewed" else b"reviewed"
            data = b"".join([lines[0], b",".join(cells), *lines[2:]])
        d.write(reviews, data)
        d.build(touched=[article_id])
        by_bytes = [
            rel
            for rel in sorted(d.written)
            if [*read_files(package_copy, [rel], missing_ok=True)] != [(d.copy / rel).read_bytes()]
        ]
        assert d.changed() == by_bytes
        assert (edit == "nothing") == (by_bytes == [])
