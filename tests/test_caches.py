"""The caches of derived results make commands faster and never change a verdict.

``szdata._disk._cache`` holds profile verdicts of descriptors and schemas, each raw text's
parse (``szdata._curate._parses``) and the digests of built tables by the digest of their
inputs (``szdata._curate._build.known_built``). These tests break every kind of entry
(garbage, truncated, rows that are wrong but well-formed) and check that every command
still gives the verdict it gives without a cache; and that ``szdata add`` builds only the
new article's rows and still leaves exactly what a whole build produces.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._core._errors import DescriptorError
from szdata._disk import _cache
from szdata._disk._package import open_package
from tests.fixture_package import SHIPPED_TEXTS, build_fixture_package

REPO = Path(__file__).resolve().parents[1]
FIRST, BRIEFING = SHIPPED_TEXTS


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test alone (and no parse, file digest or checked
    descriptor remembered in this process)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SZDATA_CACHE_DIR", str(folder))
    monkeypatch.delenv("SZDATA_NO_CACHE", raising=False)
    _forget_parses()
    return folder


def _forget_parses() -> None:
    from szdata._curate import _parses
    from szdata._disk import _cache, _descriptor

    _parses._MEMO.clear()
    _cache._SHA256.clear()
    _descriptor._CHECKED.clear()


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted(p for p in (cache / kind).rglob("*") if p.is_file())


def _add(pkg: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    raw = REPO / "data" / "raw" / f"{BRIEFING}.txt"
    code = main(["add", str(raw), "--path", str(pkg), "--by", "A Tester", "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def one_article(tmp_path: Path) -> Path:
    """A built package of the first shipped article alone (the briefing is added by tests)."""
    return build_fixture_package(tmp_path / "pkg", [REPO / "data" / "raw" / f"{FIRST}.txt"])


def test_an_entry_is_used_only_under_its_own_key(cache: Path) -> None:
    key, other = _cache.digest("a"), _cache.digest("b")
    _cache.put("demo", key, b"data")
    assert _cache.get("demo", key) == b"data"
    (path,) = _entries(cache, "demo")
    path.rename(path.with_name(other))  # moved under another key: not taken
    assert _cache.get("demo", other) is None
    path.with_name(other).write_bytes(b"garbage")
    assert _cache.get("demo", other) is None


def test_no_cache_when_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    _cache.put("demo", _cache.digest("a"), b"data")
    assert not cache.exists()
    assert _cache.get("demo", _cache.digest("a")) is None


def test_a_profile_verdict_is_cached_and_a_tampered_one_is_checked_again(
    cache: Path, package_copy: Path
) -> None:
    open_package(package_copy)
    verdicts = _entries(cache, "verdicts")
    assert verdicts  # the descriptor's and each schema file's
    for path in verdicts:  # tampered: each entry now claims another key
        path.write_bytes(b"szdata-cache 1\n" + b"0" * 64 + b"\nok")
    open_package(package_copy)  # checked again, and passes
    descriptor = package_copy / "datapackage.json"
    bad = json.loads(descriptor.read_text(encoding="utf-8"))
    bad["resources"][0]["name"] = "Not A Name!"
    descriptor.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DescriptorError, match=r"resources\[0\]\.name"):
        open_package(package_copy)
    with pytest.raises(DescriptorError):  # a refusal is never remembered as a pass
        open_package(package_copy)


def test_add_builds_only_the_new_rows_and_leaves_what_a_whole_build_makes(
    cache: Path, one_article: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    from szdata._curate import _build

    whole = _build.build_package

    def no_whole_build(pkg, *, check, cache=False):  # is_built may build; build() must not
        assert check, "add built every article instead of adding the new one's rows"
        return whole(pkg, check=check, cache=cache)

    monkeypatch.setattr(_build, "build_package", no_whole_build)
    code, report = _add(one_article, capsys)
    assert code == 0, report
    monkeypatch.setattr(_build, "build_package", whole)
    assert [a["status"] for a in report["articles"]] == ["added"]
    assert report["articles"][0]["rows"]["figures"]  # the new rows, as the build wrote them
    # the whole build, without any cache, gives the very files add wrote
    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    assert main(["build", "--path", str(one_article), "--check", "-q"]) == 0
    assert main(["validate", "--path", str(one_article)]) == 0


@pytest.mark.parametrize("how", ["garbage", "truncated", "wrong rows"])
def test_a_tampered_parse_cache_never_changes_what_add_does(
    cache: Path, one_article: Path, tmp_path: Path, capsys, how: str
) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(one_article, clean)
    for path in _entries(cache, "builds"):  # not known built: is_built parses (and caches)
        path.unlink()
    code, expected = _add(clean, capsys, "--dry-run")
    assert code == 0
    parses = _entries(cache, "parses")
    assert parses
    for path in parses:
        data = path.read_bytes()
        if how == "garbage":
            path.write_bytes(data[: data.index(b"\n", 20) + 1] + b"{not json")
        elif how == "truncated":
            path.write_bytes(data[: len(data) // 2])
        else:  # well-formed, the key kept, every figure's value changed
            head, _, body = data.partition(b"\n")
            key, _, doc = body.partition(b"\n")
            entry = json.loads(doc)
            columns, rows = entry["figures"]
            for row in rows:
                row[columns.index("value")] = 999.0
            path.write_bytes(b"\n".join([head, key, json.dumps(entry).encode()]))
    for path in _entries(cache, "builds"):  # and nothing known built: everything is parsed
        path.unlink()
    _forget_parses()
    code, again = _add(one_article, capsys, "--dry-run")
    assert code == 0
    assert again["articles"] == expected["articles"]


def test_a_stale_build_record_never_lets_add_in(
    cache: Path, one_article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the build recorded its tables; then a built table is edited by hand
    figures = one_article / "data" / "figures.csv"
    figures.write_bytes(figures.read_bytes().replace(b",exact,", b",about,", 1))
    code, report = _add(one_article, capsys)
    assert code == 1
    assert "not what the build produces" in report["error"]


def test_an_unchanged_package_is_known_built_and_a_changed_one_is_not(
    cache: Path, one_article: Path
) -> None:
    from szdata._curate._build import known_built

    assert known_built(open_package(one_article))  # recorded by the fixture's build
    reviews = one_article / "data" / "curation" / "reviews.csv"
    reviews.write_bytes(reviews.read_bytes() + b"\n")
    assert not known_built(open_package(one_article))


def test_an_unchanged_package_gets_its_report_again_and_a_changed_one_is_validated(
    cache: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import szdata
    from szdata._validate import _run

    first = szdata.validate(package_copy)
    assert first.ok and _entries(cache, "reports")

    def not_again(*args, **kwargs):
        raise AssertionError("validated again")

    with monkeypatch.context() as m:
        m.setattr(_run, "run_checks", not_again)
        again = szdata.validate(package_copy)
    assert again.to_dict() == first.to_dict()
    # one byte of one file changes: everything is validated again
    figures = package_copy / "data" / "figures.csv"
    figures.write_bytes(figures.read_bytes().replace(b",exact,", b",roughly,", 1))
    report = szdata.validate(package_copy)
    assert {i.rule for i in report.errors} >= {"structure.enum"}
    # a raw text too (a file the tables only name)
    figures.write_bytes(figures.read_bytes().replace(b",roughly,", b",exact,", 1))
    assert szdata.validate(package_copy).ok
    raw = package_copy / "data" / "raw" / f"{FIRST}.txt"
    raw.write_bytes(raw.read_bytes() + b" ")
    assert "provenance.raw-hash" in {i.rule for i in szdata.validate(package_copy).errors}


@pytest.mark.parametrize("how", ["garbage", "other files", "no file list"])
def test_a_tampered_report_is_never_taken(cache: Path, package_copy: Path, how: str) -> None:
    import szdata

    figures = package_copy / "data" / "figures.csv"
    figures.write_bytes(figures.read_bytes().replace(b",exact,", b",roughly,", 1))
    broken = szdata.validate(package_copy)
    assert not broken.ok
    (path,) = _entries(cache, "reports")
    head, _, rest = path.read_bytes().partition(b"\n")
    key, _, doc = rest.partition(b"\n")
    entry = json.loads(doc)
    entry["report"]["issues"] = []  # claims the package is valid
    if how == "garbage":
        path.write_bytes(b"\n".join([head, key, b"{"]))
    else:
        if how == "other files":
            entry["files"] = ["datapackage.json"]
        else:
            del entry["files"]
        path.write_bytes(b"\n".join([head, key, json.dumps(entry).encode()]))
    assert szdata.validate(package_copy).to_dict() == broken.to_dict()


def test_base_and_no_cache_validate_everything(
    cache: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import szdata

    szdata.validate(package_copy)
    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    calls = []
    from szdata._validate import _run

    real = _run.run_checks
    monkeypatch.setattr(_run, "run_checks", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert szdata.validate(package_copy).ok
    assert calls == [1]


def test_no_cache_computes_no_key(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the cache off, the report's key (a digest of szdata's code, 20-40 ms) is not
    worked out: nothing would be looked up with it."""
    import szdata
    from szdata._validate import _verdicts

    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    monkeypatch.setattr(_verdicts, "_key", lambda *a, **k: pytest.fail("a key was computed"))
    assert szdata.validate(package_copy).ok


def test_a_focus_validates_its_articles_rows_and_their_keys_against_every_row(
    package_copy: Path,
) -> None:
    from szdata._validate import validate_articles

    figures = package_copy / "data" / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith(FIRST))
    briefing = next(i for i, line in enumerate(lines) if line.startswith(BRIEFING))
    # an error in each article's rows: only the focused article's is reported
    lines[first] = lines[first].replace(",exact,", ",roughly,", 1)
    lines[briefing] = lines[briefing].replace(",exact,", ",roughly,", 1)
    figures.write_text("".join(lines), encoding="utf-8")
    report = validate_articles(package_copy, [BRIEFING])
    enum = [i for i in report.errors if i.rule == "structure.enum"]
    assert [i.row for i in enum] == [briefing + 1]  # the line, header = 1
    # a key of the focused article that repeats another article's row
    figure_id = lines[first].split(",", 1)[0]
    lines[briefing] = figure_id + "," + lines[briefing].split(",", 1)[1]
    figures.write_text("".join(lines), encoding="utf-8")
    report = validate_articles(package_copy, [BRIEFING])
    keys = [i for i in report.errors if i.rule == "structure.primary-key"]
    assert [(i.row, i.value) for i in keys] == [(briefing + 1, figure_id)]
    assert f"repeats line {first + 1}" in keys[0].message


def test_the_report_of_the_same_files_elsewhere_names_where_they_are(
    cache: Path, package_copy: Path, tmp_path: Path
) -> None:
    import szdata

    first = szdata.validate(package_copy)
    elsewhere = shutil.copytree(package_copy, tmp_path / "elsewhere")
    again = szdata.validate(elsewhere)
    assert again.package["root"] == str(elsewhere.resolve()) != first.package["root"]
    assert [i.to_dict() for i in again.issues] == [i.to_dict() for i in first.issues]


def test_a_file_dropped_into_the_package_is_seen_after_a_reused_report(
    cache: Path, package_copy: Path
) -> None:
    import szdata

    assert szdata.validate(package_copy).ok
    (package_copy / "data" / "raw" / "999_dropped.txt").write_bytes(b"A text\n\nno one added\n")
    assert "provenance.raw-unlisted" in {i.rule for i in szdata.validate(package_copy).errors}
    (package_copy / "data" / "raw" / "999_dropped.txt").unlink()
    assert szdata.validate(package_copy).ok
    (package_copy / "data" / ".figures.csv.x.szdata-tmp").write_bytes(b"half")
    assert "provenance.temp-file" in {i.rule for i in szdata.validate(package_copy).warnings}


# -- szdata cache: what it holds, and --clear ------------------------------------------------


def test_cache_shows_its_entries_by_kind_and_clear_removes_only_them(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from szdata._disk import _cache

    _cache.put("parses", "ab" + "0" * 62, b"x" * 10)
    _cache.put("parses", "cd" + "0" * 62, b"y" * 20)
    _cache.put("builds", "ef" + "0" * 62, b"z")
    (cache / "README").write_text("not an entry\n")  # what the cache did not write stays
    (cache / "parses" / "ab" / "notes.txt").write_text("not an entry either\n")
    outside = cache.parent / "outside.txt"
    outside.write_text("never followed\n")
    (cache / "builds" / "ef" / ("ff" + "1" * 62)).symlink_to(outside)  # no entry of "ef"
    lookalike = cache / "builds" / "ef" / ("ef" + "2" * 62)  # an entry's name, not its head
    lookalike.write_text("a file szdata did not write\n")

    assert main(["cache", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["folder"] == str(cache) and report["cleared"] is False
    assert {k: v["entries"] for k, v in report["kinds"].items()} == {"builds": 2, "parses": 2}
    assert main(["cache"]) == 0
    assert "parses" in capsys.readouterr().out

    assert main(["cache", "--clear", "--json"]) == 0
    cleared = json.loads(capsys.readouterr().out)
    assert cleared["cleared"] is True and cleared["entries"] == 3
    assert _cache.get("parses", "ab" + "0" * 62) is None
    assert (cache / "README").exists() and (cache / "parses" / "ab" / "notes.txt").exists()
    assert lookalike.exists()
    assert outside.read_text() == "never followed\n"
    assert main(["cache", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 1  # the lookalike, kept


def test_cache_says_when_caching_is_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    assert main(["cache", "--clear"]) == 0
    assert "off" in capsys.readouterr().out


def test_a_cached_descriptor_verdict_still_checks_the_files_on_disk(
    cache: Path, package_copy: Path
) -> None:
    """What the descriptor's bytes decide is remembered; what the disk holds is not."""
    from szdata._disk import _descriptor

    pkg = open_package(package_copy)
    assert _entries(cache, "verdicts")
    _descriptor._CHECKED.clear()  # a new process: only the cache remembers
    (package_copy / pkg.resource("dates")["path"]).unlink()
    with pytest.raises(DescriptorError, match="missing file"):
        open_package(package_copy)
    _descriptor._CHECKED.clear()
    descriptor = package_copy / "datapackage.json"
    bad = json.loads(descriptor.read_text(encoding="utf-8"))
    bad["sources"][0]["path"] = "javascript:alert(1)"  # other bytes: checked again
    descriptor.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DescriptorError, match=r"sources\[0\]\.path"):
        open_package(package_copy)


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("table", ["articles", "reviews", "items", "figures", "dates", "mentions"])
def test_a_focus_reads_its_lines_as_the_whole_table_reads_them(
    package_copy: Path, table: str, crlf: bool
) -> None:
    """The lines of the focused articles alone, and the keys of every row, give the frames
    and the issues that reading the whole table and keeping their rows gives."""
    from szdata._disk._package import open_package
    from szdata._validate import _load

    path = open_package(package_copy).path_of(table)
    lines = path.read_bytes().split(b"\n")
    ours = next(i for i, line in enumerate(lines) if BRIEFING.encode() in line)
    short = b'"' not in lines[ours]
    if short:  # a cell short: reported at its line
        lines[ours] = lines[ours].rsplit(b",", 1)[0]
    data = b"\n".join(lines)
    path.write_bytes(data.replace(b"\n", b"\r\n") if crlf else data)
    pkg = open_package(package_copy)
    focus = frozenset([BRIEFING])
    focused = _load._read_focused(pkg, table, focus)
    assert focused is not None
    whole, issues = _load.read_table(pkg, table)
    issues += _load.narrow(whole, focus)
    got, got_issues = focused
    assert got.text is not None and whole.text is not None
    assert got.text.equals(whole.text) and got.typed.equals(whole.typed)
    assert (got.sha256, got.size) == (whole.sha256, whole.size)
    assert [i.to_dict() for i in got_issues] == [i.to_dict() for i in issues]
    assert any(i.row == ours + 1 for i in got_issues) is short


def test_a_focus_reads_a_table_with_a_record_over_two_lines_whole(package_copy: Path) -> None:
    from szdata._disk._package import open_package
    from szdata._validate import _load

    path = open_package(package_copy).path_of("reviews")
    data = path.read_bytes().replace(b'"Every figure', b'"Every\nfigure', 1)
    path.write_bytes(data)
    assert _load._read_focused(open_package(package_copy), "reviews", frozenset([BRIEFING])) is None


def test_a_report_is_reused_without_opening_the_package(
    cache: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged package's report comes back before its descriptor is parsed and checked
    (100,000 resources at a million figures); a changed byte opens and checks it again."""
    import szdata
    from szdata._disk import _package

    first = szdata.validate(package_copy)

    def no_open(*_a: object, **_k: object) -> None:
        raise AssertionError("the package was opened")

    monkeypatch.setattr(_package, "open_package", no_open)
    again = szdata.validate(package_copy)
    assert [i.to_dict() for i in again.issues] == [i.to_dict() for i in first.issues]
    descriptor = package_copy / "datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes() + b"\n")
    with pytest.raises(AssertionError, match="opened"):
        szdata.validate(package_copy)


def test_a_linked_descriptor_is_refused_even_after_a_report(
    cache: Path, package_copy: Path, tmp_path: Path
) -> None:
    import szdata

    assert szdata.validate(package_copy).ok
    descriptor = package_copy / "datapackage.json"
    moved = tmp_path / "elsewhere.json"
    descriptor.rename(moved)
    descriptor.symlink_to(moved)
    with pytest.raises(szdata.PackageError, match="symbolic link"):
        szdata.validate(package_copy)


def _settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as settled (the tests do not wait two seconds)."""
    monkeypatch.setattr(_cache, "_SETTLED_NS", -(10**12))


def test_a_settled_file_is_hashed_once_across_processes(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's digest is remembered with its inode, size and times: another process that
    finds them unchanged reads no byte of it; a change of the file hashes it again."""
    _settled_at_once(monkeypatch)
    (tmp_path / "raw").mkdir()
    text = tmp_path / "raw" / "a.txt"
    text.write_bytes(b"first text\n")
    (first,) = _cache.file_sha256(tmp_path, ["raw/a.txt"])
    assert _entries(cache, "digests")
    _cache._SHA256.clear()  # another process

    def no_read(*_a: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(_cache, "_read_and_hash", no_read)
    assert _cache.file_sha256(tmp_path, ["raw/a.txt"]) == [first]
    monkeypatch.undo()
    _settled_at_once(monkeypatch)
    was = text.stat().st_mtime_ns
    text.write_bytes(b"other text\n")  # the same size: its times tell
    os.utime(text, ns=(was, was + 1_000_000_000))  # even within one tick of the clock
    _cache._SHA256.clear()
    assert _cache.file_sha256(tmp_path, ["raw/a.txt"]) == [
        _cache.hashlib.sha256(b"other text\n").hexdigest()
    ]


def test_a_file_changed_just_now_is_not_remembered(cache: Path, tmp_path: Path) -> None:
    """Its times could stay the same through another change within the same clock tick."""
    (tmp_path / "a.txt").write_bytes(b"a text\n")
    assert _cache.file_sha256(tmp_path, ["a.txt"])[0] is not None
    assert not _entries(cache, "digests")


@pytest.mark.parametrize(
    "entry", [b"not json", b"[1, 2]", b'{"a.txt": [1, 2, 3, 4, "zz"]}', b'{"a.txt": "x"}']
)
def test_a_tampered_digest_record_is_ignored(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: bytes
) -> None:
    _settled_at_once(monkeypatch)
    (tmp_path / "a.txt").write_bytes(b"a text\n")
    expected = _cache.file_sha256(tmp_path, ["a.txt"])
    for path in _entries(cache, "digests"):
        head = path.read_bytes().split(b"\n", 2)
        path.write_bytes(b"\n".join([*head[:2], entry]))
    _cache._SHA256.clear()
    assert _cache.file_sha256(tmp_path, ["a.txt"]) == expected


def test_a_record_of_other_times_is_not_used(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record made for the same name with other metadata (another inode, another file)
    gives no digest: the file is read."""
    _settled_at_once(monkeypatch)
    (tmp_path / "a.txt").write_bytes(b"a text\n")
    _cache.file_sha256(tmp_path, ["a.txt"])
    (tmp_path / "a.txt").unlink()
    (tmp_path / "a.txt").write_bytes(b"another text\n")  # a new file, maybe the same inode
    _cache._SHA256.clear()
    assert _cache.file_sha256(tmp_path, ["a.txt"]) == [
        _cache.hashlib.sha256(b"another text\n").hexdigest()
    ]


def test_a_descriptor_the_build_printed_is_read_without_the_strict_pass(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys printed twice and lone surrogates are looked for in a descriptor from outside,
    not in one this process printed from its objects; a byte changed since is looked at."""
    from szdata._disk import _descriptor
    from szdata._disk._descriptor import _json

    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    monkeypatch.setattr(_descriptor, "_PRINTED", set())  # none printed by another test
    monkeypatch.setattr(_descriptor, "_PRINTED_OBJECTS", [])
    seen: list[bool] = []
    real = _json.loads

    def loads(data: bytes, file: str, *, strict: bool = True) -> object:
        if file == "datapackage.json":
            seen.append(strict)
        return real(data, file, strict=strict)

    monkeypatch.setattr(_json, "loads", loads)
    data = (package_copy / "datapackage.json").read_bytes()
    _descriptor._CHECKED.clear()
    open_package(package_copy)
    _descriptor.printed(data)
    _descriptor._CHECKED.clear()
    open_package(package_copy)
    (package_copy / "datapackage.json").write_bytes(data + b"\n")
    _descriptor._CHECKED.clear()
    open_package(package_copy)
    assert seen == [True, False, True]


def _no_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_read(*_a: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(_cache, "_read_and_hash", no_read)


def test_files_hashed_ahead_are_not_read_again(cache: Path, tmp_path: Path, monkeypatch) -> None:
    """What a thread hashed ahead, :func:`file_sha256` takes; a link, a folder or a missing
    file is skipped, and then reported by the command's own read as always."""
    (tmp_path / "t.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "t.csv", tmp_path / "link.csv")
    _cache.hash_ahead(tmp_path, ["t.csv", "sub", "link.csv", "missing.csv"])()
    _no_read(monkeypatch)
    assert _cache.file_sha256(tmp_path, ["t.csv", "link.csv", "missing.csv"]) == [
        _cache.hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
        None,
        None,
    ]


def test_a_file_changed_while_hashed_ahead_is_not_taken(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its inode, size or times after the read are not those before it: no digest is kept,
    and the file is hashed when asked for, as it is then."""
    from szdata._disk import _files

    target = tmp_path / "t.csv"
    target.write_bytes(b"old,bytes\n")
    reads = _files.read_files

    def read_then_change(root, rels, **kw):
        out = list(reads(root, rels, **kw))
        target.write_bytes(b"new,bytes,longer\n")
        return iter(out)

    monkeypatch.setattr(_files, "read_files", read_then_change)
    _cache.hash_ahead(tmp_path, ["t.csv"])()
    monkeypatch.undo()
    assert _cache._SHA256 == {}
    assert _cache.file_sha256(tmp_path, ["t.csv"]) == [
        _cache.hashlib.sha256(b"new,bytes,longer\n").hexdigest()
    ]


def test_a_draft_hashes_what_it_took_before_its_checks_and_waits_for_it(
    cache: Path, package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables, curated files and descriptor a draft took from the package are hashed
    ahead; the draft's checks find them hashed, and nothing is left running after it."""
    import threading

    from szdata._curate._draft import draft

    started: list[threading.Thread] = []
    real = threading.Thread.start

    def start(self: threading.Thread) -> None:
        started.append(self)
        real(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    with draft(package_copy, command="test") as d:
        d.known_valid()
        taken = sorted(f for f in d.files if not f.startswith("data/raw/"))
        with monkeypatch.context() as m:
            _no_read(m)
            assert None not in _cache.file_sha256(d.copy, taken)
        assert d.is_built()
    assert started and not any(t.is_alive() for t in started)


def test_a_copy_with_the_same_curated_files_shares_the_registry(
    package_copy: Path, tmp_path: Path
) -> None:
    from szdata._parse._registry import Registry

    twin = tmp_path / "twin"
    shutil.copytree(package_copy, twin)
    first = Registry.load(open_package(package_copy))
    assert Registry.load(open_package(twin)) is first  # a draft's regexes are not compiled again
    aliases = twin / "data" / "curation" / "aliases.csv"
    with aliases.open("a", encoding="utf-8", newline="") as f:
        f.write("Twin Bureau of Tests,shenzhen-government,\n")
    changed = Registry.load(open_package(twin))
    assert changed is not first
    assert changed.organization_of("Twin Bureau of Tests") == "shenzhen-government"
    assert first.organization_of("Twin Bureau of Tests") is None


def test_a_file_read_ahead_is_taken_once_and_never_once_changed(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_bytes(b"article_id\na\n")
    _cache.hash_ahead(tmp_path, ["t.csv"], keep={"t.csv": len})()
    assert _cache.take_ahead(table) == (b"article_id\na\n", 13)
    assert _cache.take_ahead(table) is None  # taken once: not held any longer
    _cache.hash_ahead(tmp_path, ["t.csv"], keep={"t.csv": len})()
    spare = tmp_path / "spare.csv"
    spare.write_bytes(b"article_id\nb\n")
    os.replace(spare, table)  # the same size, another file
    assert _cache.take_ahead(table) is None
    _cache.forget_ahead()


def test_a_read_ahead_that_fails_keeps_nothing_and_raises_nothing(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_bytes(b"x\n")

    def broken(data: bytes) -> object:
        raise ValueError("polars refused it")

    _cache.hash_ahead(tmp_path, ["t.csv", "missing.csv"], keep={"t.csv": broken})()
    assert _cache.take_ahead(tmp_path / "t.csv") is None  # the build reads it itself
    assert _cache.file_sha256(tmp_path, ["t.csv"])[0] is not None


def test_a_draft_build_takes_the_tables_read_ahead_and_writes_what_a_whole_build_does(
    cache: Path, one_article: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    from szdata._curate import _build

    read: list[str] = []
    real = _build.read_files

    def reading(root, rels, **kwargs):
        read.extend(rels)
        return real(root, rels, **kwargs)

    monkeypatch.setattr(_build, "read_files", reading)
    code, report = _add(one_article, capsys)
    assert code == 0, report
    tables = {f"data/{t}.csv" for t in ("articles", "items", "figures", "dates", "mentions")}
    assert not tables & set(read)  # read in the draft's thread while the text was parsed
    assert not _cache._KEPT  # nothing held once the draft is gone
    monkeypatch.setenv("SZDATA_NO_CACHE", "1")
    assert main(["build", "--path", str(one_article), "--check", "-q"]) == 0


def test_known_built_waits_for_the_tables_digests_only_when_a_build_is_recorded(
    cache: Path, one_article: Path
) -> None:
    from szdata._curate._build import known_built

    calls: list[str] = []
    assert known_built(open_package(one_article), before_tables=lambda: calls.append("wait"))
    assert calls == ["wait"]
    (one_article / "data" / "curation" / "reviews.csv").write_bytes(b"changed\n")
    assert not known_built(open_package(one_article), before_tables=lambda: calls.append("x"))
    assert calls == ["wait"]  # no record of these inputs: nothing to compare, nothing waited


def test_a_draft_validation_takes_the_digests_of_the_tables_its_build_wrote(
    cache: Path, one_article: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    from szdata._disk import _readers

    given: dict[str, str | None] = {}
    real = _readers.read_csv_rows

    def reading(data, *, file, **kwargs):
        given[file] = kwargs.get("sha256")
        return real(data, file=file, **kwargs)

    assert main(["validate", "--path", str(one_article)]) == 0  # known clean: rows alone
    monkeypatch.setattr(_readers, "read_csv_rows", reading)
    code, report = _add(one_article, capsys)
    assert code == 0, report
    figures = "data/figures.csv"
    assert given[figures] is not None  # the build's digest of the bytes it wrote
    written = (one_article / figures).read_bytes()
    assert given[figures] == hashlib.sha256(written).hexdigest()


def test_a_digest_is_noted_only_for_the_size_written(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n")
    _cache.note_sha256(path, "0" * 64, 3)  # not the file's size: another file
    assert _cache.known_sha256(path) is None
    _cache.note_sha256(tmp_path / "missing.csv", "0" * 64, 3)  # nothing there: nothing noted
    assert _cache.known_sha256(tmp_path / "missing.csv") is None
