"""What a sweep of hostile inputs found, each case kept so that it stays fixed.

A contributor's files are hostile until checked (docs/trust.md): none of these may end in an
internal error, hang, pass as valid what ``szdata build`` refuses, or leave files the
checkout's owner cannot share. Each test breaks a copy of the fixture package
(``package_copy``) or feeds ``szdata add`` a text written here.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.fixture_package import record_facts
from tests.test_gate_hostile import FILES, no_crash, rows, run, run_process, write_rows

HEAD = "A title\n\nWriter: A | Editor: B | From: Shenzhen Daily | Updated: 2020-04-10\n\n"
"""The head of a text ``szdata add`` reads a publication date from."""


def _add(capsys, root: Path, tmp_path: Path, name: str, text: str | bytes, *extra: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return run(capsys, "add", str(path), "--by", "Test Person", "--path", str(root), *extra)


# -- cells and numbers Python cannot hold ---------------------------------------------------


@pytest.mark.parametrize("table", ["figures", "dates", "decisions"])
def test_a_date_of_year_zero_is_not_a_date(package_copy: Path, capsys, table: str) -> None:
    column = {"figures": "refers_to", "dates": "date", "decisions": "decided_on"}[table]
    table_rows = rows(package_copy, table)
    i = table_rows[0].index(column)
    line = next(n for n, r in enumerate(table_rows) if n and r[i])
    table_rows[line][i] = "0000" + table_rows[line][i][4:]
    write_rows(package_copy, table, table_rows)
    record_facts(package_copy, FILES[table])
    status, out, err = run(capsys, "validate", "--json", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 1
    issues = [i for i in json.loads(out)["issues"] if i["rule"] == "structure.type"]
    assert [(i["row"], i["column"]) for i in issues] == [(line + 1, column)]
    for fmt in ("json", "jsonl", "csv"):
        status, out, err = run(capsys, "show", table, "--format", fmt, "--path", str(package_copy))
        no_crash(out, err)
        assert status != 3


def test_a_number_of_thousands_of_digits_is_no_figure(package_copy, capsys, tmp_path) -> None:
    status, out, err = _add(
        capsys, package_copy, tmp_path, "020_digits.txt", HEAD + f"It has {'1' * 4301} cases.\n"
    )
    no_crash(out, err)
    assert status == 0, err
    assert "020_digits" in (package_copy / FILES["articles"]).read_text(encoding="utf-8")
    assert "1111" not in (package_copy / FILES["figures"]).read_text(encoding="utf-8")


def test_a_decision_id_of_thousands_of_digits_is_no_crash(package_copy: Path, capsys) -> None:
    table_rows = rows(package_copy, "decisions")
    table_rows[1][0] = "D" + "9" * 5000
    write_rows(package_copy, "decisions", table_rows)
    record_facts(package_copy, FILES["decisions"])
    for command in (["validate"], ["build", "--check"]):
        status, out, err = run(capsys, *command, "--path", str(package_copy))
        no_crash(out, err)
        assert status in (0, 1), err


# -- the descriptor: JSON that readers disagree on ------------------------------------------


def _edit_descriptor(root: Path, old: str, new: str) -> None:
    path = root / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            '"resources": [',
            '"resources": [], "resources": [',
            'the key "resources" is printed twice',
        ),
        (
            '"path": "data/figures.csv"',
            '"path": "data/dates.csv", "path": "data/figures.csv"',
            "twice",
        ),
        ('"name": "szdata"', '"name": "sz\\ud800data"', "lone surrogate"),
        ('"name": "szdata"', '"name": "szdata\\udc00"', "lone surrogate"),
    ],
    ids=["duplicate-resources", "duplicate-path", "lone-high-surrogate", "lone-low-surrogate"],
)
@pytest.mark.parametrize("command", [["validate"], ["build", "--check"], ["info"]], ids=" ".join)
def test_json_readers_disagree_on_is_refused(
    package_copy: Path, capsys, old: str, new: str, says: str, command: list[str]
) -> None:
    _edit_descriptor(package_copy, old, new)
    status, out, err = run(capsys, *command, "--path", str(package_copy))
    no_crash(out, err)
    assert status == 2, (out, err)
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_surrogate_pair_and_an_escaped_backslash_are_json(package_copy: Path, capsys) -> None:
    _edit_descriptor(package_copy, '"title": "', '"title": "\\ud83d\\ude00 \\\\ud800 ')
    status, out, err = run(capsys, "info", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 0, err


@pytest.mark.parametrize("path", ["data/figures.csv/", "data//figures.csv", "./data/figures.csv"])
def test_a_path_written_another_way_is_refused(package_copy: Path, capsys, path: str) -> None:
    _edit_descriptor(package_copy, '"path": "data/figures.csv"', f'"path": "{path}"')
    for command in (["validate"], ["build", "--check"]):
        status, out, err = run(capsys, *command, "--path", str(package_copy))
        no_crash(out, err)
        assert status == 2 and "written one way" in err, (out, err)


# -- validate refuses what the build refuses ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "value", "says"),
    [
        (2, "key", "000_7a64f3334c1b3195.nosuch", "which the table does not hold"),
        (2, "column", "sha256", "which a decision cannot change"),
        (2, "column", "start", "which a decision cannot change"),
        (6, "column", "nosuch", "which table dates does not have"),
        (8, "action", "remove", "which the table still holds"),
    ],
    ids=["unknown-key", "fixed-column", "span-column", "unknown-note-column", "remove-kept-row"],
)
def test_validate_refuses_a_decision_the_build_refuses(
    package_copy: Path, capsys, line: int, column: str, value: str, says: str
) -> None:
    table_rows = rows(package_copy, "decisions")
    table_rows[line - 1][table_rows[0].index(column)] = value
    write_rows(package_copy, "decisions", table_rows)
    record_facts(package_copy, FILES["decisions"])
    status, out, err = run(capsys, "build", "--check", "--path", str(package_copy))
    no_crash(out, err)
    assert status != 0
    status, out, err = run(capsys, "validate", "--json", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 1
    applies = [i for i in json.loads(out)["issues"] if i["rule"] == "decision.applies"]
    assert [(i["row"], i["column"]) for i in applies] == [(line, "key")]
    assert says in applies[0]["message"]


# -- time: a line of spaces is read once ----------------------------------------------------


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_a_megabyte_of_spaces_is_read_in_linear_time(tmp_path: Path, blank: str) -> None:
    text = "A title\n\nWriter: A" + blank * 1_000_000 + "| Editor: B\n\n" + blank * 1_000_000
    path = tmp_path / "spaces.txt"
    path.write_text(text + "\nIt gave 5 masks.\n", encoding="utf-8")
    code = (
        "import sys, szdata; "
        "a = szdata.parse(open(sys.argv[1], 'rb').read(), file_name='s.txt'); "
        "print(len(a.figures))"
    )
    result = run_process_python(code, str(path), timeout=60)  # quadratic: hours
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def run_process_python(code: str, *args: str, timeout: float):
    import subprocess
    import sys

    from tests.conftest import REPO

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "abc", ""])
def test_a_lock_timeout_that_is_no_number_of_seconds_is_refused(
    package_copy: Path, value: str
) -> None:
    result = run_process(
        "review", "000_7a64f3334c1b3195", "--reopen", "--by", "T", "--path", str(package_copy),
        env={"SZDATA_LOCK_TIMEOUT": value},
    )  # fmt: skip
    no_crash(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    assert "SZDATA_LOCK_TIMEOUT" in result.stderr


# -- the files a command writes keep their permissions --------------------------------------


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_rewritten_files_keep_their_mode_and_new_ones_follow_the_umask(
    package_copy: Path, capsys, tmp_path: Path
) -> None:
    for rel in ("datapackage.json", FILES["articles"], "data/curation/reviews.csv"):
        (package_copy / rel).chmod(0o664)
    status, _out, err = _add(
        capsys, package_copy, tmp_path, "021_modes.txt", HEAD + "It gave 5 masks.\n"
    )
    assert status == 0, err
    for rel in ("datapackage.json", FILES["articles"], "data/curation/reviews.csv"):
        assert stat.S_IMODE((package_copy / rel).stat().st_mode) == 0o664, rel
    umask = os.umask(0o022)
    os.umask(umask)
    raw = package_copy / "data" / "raw" / "021_modes.txt"
    assert stat.S_IMODE(raw.stat().st_mode) == 0o666 & ~umask


# -- what `szdata add` says of a text it refuses --------------------------------------------


def test_a_control_character_is_said_of_the_text_not_of_the_parser(
    package_copy: Path, capsys, tmp_path: Path
) -> None:
    text = HEAD.replace("A title", "A title\x1b[2J here") + "It gave 5 masks.\n"
    status, out, err = _add(capsys, package_copy, tmp_path, "022_esc.txt", text)
    no_crash(out, err)
    assert status == 1
    assert "022_esc.txt:1:" in err and "text.control-chars" in err
    assert "parser cannot read" not in err and "data/articles.csv" not in err


def test_an_impossible_updated_date_is_named(package_copy: Path, capsys, tmp_path: Path) -> None:
    text = HEAD.replace("2020-04-10", "2020-02-30") + "It gave 5 masks.\n"
    status, out, err = _add(capsys, package_copy, tmp_path, "023_feb30.txt", text)
    no_crash(out, err)
    assert status == 1
    assert "'2020-02-30' is not a calendar date" in err and "--published" in err


def test_an_address_that_is_no_web_address_is_refused_as_the_option(
    package_copy: Path, capsys, tmp_path: Path
) -> None:
    text = "A title\n\nIt gave 5 masks.\n"
    status, out, err = _add(
        capsys, package_copy, tmp_path, "024_nodate.txt", text,
        "--published", "2020-04-10", "--url", "javascript:alert(1)",
        "--evidence", "http://www.example.org/a",
    )  # fmt: skip
    no_crash(out, err)
    assert status == 2
    assert "--url 'javascript:alert(1)' is not a web address" in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_diff_names_a_table_committed_as_a_link(package_copy: Path, capsys) -> None:
    from tests.test_diff import GIT, _commit, _git

    if GIT is None:
        pytest.skip("needs the git command")
    _git(package_copy, "init", "-q")
    _commit(package_copy, "the package")
    figures = package_copy / FILES["figures"]
    figures.rename(figures.with_name("figures.real.csv"))
    figures.symlink_to("figures.real.csv")
    _commit(package_copy, "a link")
    status, out, err = run(capsys, "diff", "HEAD~1", "HEAD", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 2
    assert "data/figures.csv is a symbolic link at this revision" in err
    assert "szdata-diff" not in err  # no temporary folder in the message


def test_a_text_another_add_wrote_before_the_lock_is_seen_under_it(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ``add`` of one text at once: the package's texts are listed and hashed once the
    lock is taken, so the second sees what the first wrote while it waited."""
    import contextlib

    from szdata._core._errors import SzdataError
    from szdata._curate._add import add_articles
    from szdata._disk import _lock

    data = (HEAD + "It gave 5 masks.\n").encode("utf-8")
    mine = tmp_path / "026_mine.txt"
    mine.write_bytes(data)
    real = _lock.package_lock

    @contextlib.contextmanager
    def lock_after_another_add(root, **kw):  # the other command's text, before our lock
        (package_copy / "data" / "raw" / "025_other.txt").write_bytes(data)
        with real(root, **kw) as held:
            yield held

    monkeypatch.setattr(_lock, "package_lock", lock_after_another_add)
    with pytest.raises(
        SzdataError, match="the same text is already in the package as data/raw/025"
    ):
        add_articles([mine], path=package_copy, by="A Tester", dry_run=True)


# -- the other commands ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["out", "data", "pkg"], ids=["holds-it", "its-data", "itself"])
def test_a_site_never_replaces_or_enters_the_package(
    package_copy: Path, capsys, tmp_path: Path, where: str
) -> None:
    out = {"out": package_copy.parent, "data": package_copy / "data", "pkg": package_copy}[where]
    before = sorted(str(p) for p in package_copy.rglob("*"))
    status, out_text, err = run(
        capsys, "site", str(out), "--force", "--no-exports", "--path", str(package_copy)
    )
    no_crash(out_text, err)
    assert status != 0 and "szdata never replaces or writes into those" in err
    assert sorted(str(p) for p in package_copy.rglob("*")) == before


@pytest.mark.parametrize(
    "args",
    [
        ["-n", "9" * 40],
        ["-w", "start>" + "9" * 40],
        ["-c", "value,value"],
        ["-c", ",,"],
        ["-c", ""],
    ],
    ids=["huge-limit", "huge-integer", "column-twice", "no-column", "empty-columns"],
)
def test_show_refuses_odd_options_as_usage(package_copy: Path, capsys, args: list[str]) -> None:
    status, out, err = run(
        capsys, "show", "figures", *args, "-f", "csv", "--path", str(package_copy)
    )
    no_crash(out, err)
    assert status == 2, (out, err)


@pytest.mark.parametrize(
    ("option", "value"), [("--by", "a\nb"), ("--by", "a\x1b[31mb"), ("--note", "ok\x07")]
)
def test_review_refuses_what_the_text_rules_refuse(
    package_copy: Path, capsys, option: str, value: str
) -> None:
    status, out, err = run(
        capsys, "review", "000_7a64f3334c1b3195", "--accept", "--by", "Me",
        option, value, "--path", str(package_copy),
    )  # fmt: skip
    no_crash(out, err)
    assert status == 2 and "text.control-chars" in err


def test_review_refuses_a_text_changed_since_its_rows_were_built(
    package_copy: Path, capsys
) -> None:
    with (package_copy / "data" / "raw" / "000_7a64f3334c1b3195.txt").open("ab") as fh:
        fh.write(b"x")
    status, out, err = run(
        capsys, "review", "000_7a64f3334c1b3195", "--accept", "--by", "Me",
        "--path", str(package_copy),
    )  # fmt: skip
    no_crash(out, err)
    assert status == 2 and "is not the one its rows were built from" in err


@pytest.mark.parametrize(
    ("target", "note", "says"),
    [
        ("figures:000_7a64f3334c1b3195.f198", "value=twenty", "is not a number"),
        ("articles:000_7a64f3334c1b3195", "sha256=zzz", "does not match the pattern"),
        ("dates:000_7a64f3334c1b3195.d275", "date=notadate", "is not a date"),
    ],
    ids=["number", "hash", "date"],
)
def test_a_note_records_a_value_its_column_can_hold(
    package_copy: Path, capsys, target: str, note: str, says: str
) -> None:
    status, out, err = run(
        capsys, "correct", target, "--note", note, "--reason", "r",
        "--evidence", "http://www.example.org/a", "--by", "Me", "--path", str(package_copy),
    )  # fmt: skip
    no_crash(out, err)
    assert status == 1 and "decision.value" in err and says in err


def test_a_carriage_return_in_a_set_value_names_the_option(package_copy: Path, capsys) -> None:
    status, out, err = run(
        capsys, "correct", "figures:000_7a64f3334c1b3195.f198", "--set", "counted=a\rb",
        "--reason", "r", "--evidence", "http://www.example.org/a", "--by", "Me",
        "--path", str(package_copy),
    )  # fmt: skip
    no_crash(out, err)
    assert status == 2 and "--set:" in err and "text.control-chars" in err


@pytest.mark.parametrize("value", [" 5 ", "\u0661\u0660", "1_000", "1e3", "-5", "0"])
def test_a_size_limit_is_ascii_digits(package_copy: Path, value: str) -> None:
    result = run_process(
        "validate", "--path", str(package_copy), env={"SZDATA_MAX_RAW_BYTES": value}
    )
    no_crash(result.stdout, result.stderr)
    assert result.returncode == 2 and "SZDATA_MAX_RAW_BYTES" in result.stderr


@pytest.mark.parametrize(("value", "on"), [("", True), ("0", True), ("false", True), ("1", False)])
def test_no_cache_reads_as_a_switch(monkeypatch, value: str, on: bool) -> None:
    from szdata._disk import _cache

    monkeypatch.setenv("SZDATA_NO_CACHE", value)
    assert (_cache.cache_dir() is not None) is on
