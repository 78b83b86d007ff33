"""The gate against hostile contributions and malformed files, in six families.

Each test plays a careless or hostile contributor on a copy of the fixture package
(``package_copy``) and checks what the gate promises (docs/trust.md):

- no traceback, no hang, no byte of a file outside the package in any output, nothing
  written outside the target;
- no semantic hole passes: a curated value is held to the text as a parsed one is;
- ``szdata validate`` never calls valid what ``szdata build --check`` rejects (and
  tests/test_differential.py holds it against ``frictionless validate``).

The families: CSV reading, descriptor and schemas, the filesystem, terminal output,
interruption, semantic holes. tests/test_fuzz_csv.py and tests/test_descriptor_attacks.py
fuzz the first two at length; tests/test_mutations.py breaks every rule once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._validate._rules import RULES
from tests.conftest import REPO

STORY = "000_7a64f3334c1b3195"
"""The fixture package's news story: undated, its address carries 2020-04-09."""
BRIEFING = "004_4c9b5674638746a7"
"""The fixture package's Daily Briefing of 2020-03-20 (an ``Updated:`` header)."""
RAW = f"data/raw/{STORY}.txt"
SECRET = "SZDATA_GATE_SECRET_4f1e"
"""What a file outside the package holds: it must never reach an output."""
FILES = {
    "articles": "data/articles.csv",
    "items": "data/items.csv",
    "figures": "data/figures.csv",
    "dates": "data/dates.csv",
    "mentions": "data/mentions.csv",
    "decisions": "data/curation/decisions.csv",
    "organizations": "data/curation/organizations.csv",
    "aliases": "data/curation/aliases.csv",
    "units": "data/curation/units.csv",
}
HOSTILE = "evil\x1b]0;owned\x07 \x9b31m \u202etxet \x1b[2J end"
"""A cell a terminal would obey: an OSC title, BEL, a C1 CSI, a bidi override, a clear."""
RAW_CONTROLS = ("\x1b]", "\x07", "\x9b", "\u202e", "\x1b[2J")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process: exit status, stdout, stderr."""
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def run_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m szdata ARGS`` in its own process (a hang fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "szdata", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        check=False,
    )


def no_crash(*outputs: str) -> None:
    for text in outputs:
        assert "Traceback" not in text, text
        assert "internal error" not in text, text
        assert "PanicException" not in text, text


def rows(root: Path, table: str) -> list[list[str]]:
    text = (root / FILES[table]).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_rows(root: Path, table: str, data: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(data)
    (root / FILES[table]).write_text(out.getvalue(), encoding="utf-8")


def set_cell(root: Path, table: str, key: str, column: str, value: str) -> None:
    data = rows(root, table)
    row = next(r for r in data[1:] if r[0] == key)
    row[data[0].index(column)] = value
    write_rows(root, table, data)


def cell(root: Path, table: str, key: str, column: str) -> str:
    data = rows(root, table)
    return next(r for r in data[1:] if r[0] == key)[data[0].index(column)]


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != ".szdata.lock"
    }


def validate_json(capsys, root: Path, *extra: str) -> tuple[int, dict]:
    status, out, err = run(capsys, "validate", "--json", "--path", str(root), *extra)
    no_crash(out, err)
    return status, json.loads(out)


def rules_of(report: dict, severity: str | None = None) -> set[str]:
    return {i["rule"] for i in report["issues"] if severity in (None, i["severity"])}


def refresh_facts(root: Path, *rels: str) -> None:
    """Write the ``hash`` and ``bytes`` of files changed by hand, as ``szdata build`` does."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res["path"] in rels:
            data = (root / res["path"]).read_bytes()
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            res["bytes"] = len(data)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# == 1. CSV reading ===========================================================================


@pytest.mark.parametrize(
    ("start", "end"),
    [("300", "200"), ("-5", "2"), ("198", "198")],
    ids=["reversed", "before", "empty"],
)
def test_a_reversed_or_outside_span_is_a_span_error(package_copy: Path, capsys, start, end) -> None:
    data = rows(package_copy, "figures")
    data[1][data[0].index("start")], data[1][data[0].index("end")] = start, end
    write_rows(package_copy, "figures", data)
    status, report = validate_json(capsys, package_copy)
    assert status == 1
    assert ("provenance.span-in-text", 2) in {(i["rule"], i["row"]) for i in report["issues"]}


def test_an_alias_of_thousands_of_characters_builds_and_validates(package_copy, capsys) -> None:
    with (package_copy / FILES["aliases"]).open("a", encoding="utf-8") as fh:
        fh.write("Shenzhen " + "Municipal " * 800 + "Office,shenzhen-government,\n")
    status, out, err = run(capsys, "build", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 0, err
    assert run(capsys, "validate", "--path", str(package_copy))[0] == 0
    assert run(capsys, "build", "--check", "--path", str(package_copy))[0] == 0


@pytest.mark.parametrize(
    "note",
    ["\uff1d1+1", "\ufe66SUM(A1)", "\uff0bcmd", "\uff0dcmd", "\uff20SUM(A1)", "|calc",
     "\uff5ccalc", "%0Acmd", "\uff050Acmd", "0x1b5b324a", "\u200b=1+1"],
)  # fmt: skip
def test_a_formula_in_any_width_is_refused(package_copy: Path, capsys, note: str) -> None:
    set_cell(package_copy, "organizations", "shenzhen-government", "note", note)
    status, report = validate_json(capsys, package_copy)
    assert status == 1
    assert "text.formula" in rules_of(report, "error")


def test_a_percent_sign_that_names_a_unit_is_no_formula(package_copy: Path, capsys) -> None:
    assert cell(package_copy, "units", "percent", "words").startswith("%|")
    status, report = validate_json(capsys, package_copy)
    assert status == 0 and "text.formula" not in rules_of(report)


# == 2. Descriptor and schemas ================================================================


def _descriptor(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def _write_descriptor(root: Path, descriptor: dict) -> None:
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _nul_in_path(root: Path) -> None:
    d = _descriptor(root)
    next(r for r in d["resources"] if r["name"] == "units")["path"] = "data/curation/un\x00its.csv"
    _write_descriptor(root, d)


def _nul_in_field(root: Path) -> None:
    path = root / "schemas" / "units.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][3]["name"] = "descr\x00iption"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    text = (root / FILES["units"]).read_text(encoding="utf-8")
    (root / FILES["units"]).write_text(text.replace("description", "descr\x00iption", 1))


def _bom(root: Path) -> None:
    path = root / "datapackage.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _shake(root: Path) -> None:
    d = _descriptor(root)
    raw = next(r for r in d["resources"] if r["name"].startswith("raw-"))
    raw["hash"] = "shake_128:" + "0" * 32
    _write_descriptor(root, d)


def _source_script(root: Path) -> None:
    d = _descriptor(root)
    d["sources"][0]["path"] = "javascript:alert(1)"
    _write_descriptor(root, d)


@pytest.mark.parametrize(
    ("breakage", "says"),
    [
        pytest.param(_nul_in_path, "unsafe path", id="nul-in-resource-path"),
        pytest.param(_nul_in_field, "control character", id="nul-in-field-name"),
        pytest.param(_bom, "byte-order mark", id="bom-before-descriptor"),
        pytest.param(_shake, "shake_128", id="hash-algorithm"),
        pytest.param(_source_script, "sources", id="script-address-in-sources"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["validate", "--format", "github"],
        ["build", "--check"],
        ["build"],
        ["info"],
        ["show", "units"],
        ["export", "sqlite", "{out}/x.sqlite"],
        ["export", "duckdb", "{out}/x.duckdb"],
        ["export", "parquet", "{out}/pq"],
        ["site", "{out}/site", "--no-exports"],
    ],
    ids=lambda c: "-".join(p for p in c if "{" not in p),
)
def test_a_malformed_descriptor_is_one_sentence_and_exit_2(
    package_copy: Path, tmp_path: Path, capsys, breakage, says: str, command: list[str]
) -> None:
    if command[:2] in (["export", "duckdb"], ["export", "parquet"]):
        pytest.importorskip("duckdb") if command[1] == "duckdb" else pytest.importorskip("pyarrow")
    breakage(package_copy)
    before = snapshot(package_copy)
    args = [a.format(out=tmp_path) for a in command]
    status, out, err = run(capsys, *args, "--path", str(package_copy))
    no_crash(out, err)
    assert status == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and says in err
    assert snapshot(package_copy) == before
    assert not [p for p in tmp_path.iterdir() if p.name != package_copy.name]


def test_a_script_address_is_refused_before_it_reaches_the_descriptor(
    package_copy: Path, capsys
) -> None:
    before = snapshot(package_copy)
    target = f"articles:{STORY}"
    for url in ("javascript:alert(1)", "javascript://example.org/%0Aalert(1)", "data:text/html,x"):
        status, out, err = run(
            capsys, "correct", target, "--set", f"url={url}", "--reason", "r",
            "--evidence", "http://www.example.org/a.htm", "--by", "T", "--path", str(package_copy),
        )  # fmt: skip
        no_crash(out, err)
        assert status == 1 and "structure.format-uri" in err
        assert snapshot(package_copy) == before
    # a decision edited by hand: validate names it, the build refuses it, the descriptor
    # is never written with it, and every command can still open the package
    data = rows(package_copy, "decisions")
    data[1][data[0].index("curated_value")] = "javascript:alert(1)"  # D0001: set url
    write_rows(package_copy, "decisions", data)
    refresh_facts(package_copy, FILES["decisions"])
    status, report = validate_json(capsys, package_copy)
    assert status == 1 and "decision.value" in rules_of(report, "error")
    status, out, err = run(capsys, "build", "--path", str(package_copy))
    assert status == 1 and "structure.format-uri" in err
    assert "javascript" not in (package_copy / "datapackage.json").read_text(encoding="utf-8")
    assert run(capsys, "info", "--path", str(package_copy))[0] == 0


# == 3. The filesystem ========================================================================


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A file outside the package, as /proc/self/environ is: what it holds must not leak."""
    path = tmp_path / "outside" / "environ"
    path.parent.mkdir()
    path.write_text(f"HOME=/root\nTOKEN={SECRET}\n", encoding="utf-8")
    return path


def _all_output_files(folder: Path) -> str:
    return "".join(
        p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("target", ["secret", "/proc/self/environ"])
def test_a_raw_text_linked_out_of_the_package_leaks_nowhere(
    package_copy: Path, tmp_path: Path, capsys, secret_file: Path, target: str
) -> None:
    if target == "/proc/self/environ" and not Path(target).exists():
        pytest.skip("no /proc on this system")
    os.environ[SECRET] = SECRET  # in this process's environment too, for /proc/self/environ
    try:
        (package_copy / RAW).unlink()
        (package_copy / RAW).symlink_to(secret_file if target == "secret" else target)
        outputs = []
        for args in (
            ["validate"], ["validate", "--strict"], ["validate", "--format", "github"],
            ["validate", "--json"], ["build", "--check"], ["build"],
            ["export", "sqlite", str(tmp_path / "x.sqlite")],
        ):  # fmt: skip
            status, out, err = run(capsys, *args, "--path", str(package_copy))
            no_crash(out, err)
            assert status == 2, (args, out, err)
            assert "provenance.regular-file" in err + out
            outputs.append(out + err)
        status, out, err = run(
            capsys, "site", str(tmp_path / "site"), "--no-exports", "--path", str(package_copy)
        )
        no_crash(out, err)
        assert status == 0
        outputs += [out, err, _all_output_files(tmp_path / "site")]
        with pytest.raises(Exception, match="symbolic link"):
            import szdata

            szdata.raw_text(STORY, path=package_copy)
        assert not any(SECRET in o for o in outputs)
    finally:
        del os.environ[SECRET]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX only")
def test_a_raw_text_replaced_by_a_pipe_hangs_nothing(package_copy: Path, tmp_path: Path) -> None:
    (package_copy / RAW).unlink()
    os.mkfifo(package_copy / RAW)
    done = run_process(
        "site", str(tmp_path / "site"), "--no-exports", "--path", str(package_copy), timeout=120
    )
    no_crash(done.stdout, done.stderr)
    assert done.returncode == 0 and "named pipe" in _all_output_files(tmp_path / "site")
    for args in (["validate"], ["build", "--check"], ["export", "sqlite", str(tmp_path / "x.db")]):
        done = run_process(*args, "--path", str(package_copy), timeout=120)
        no_crash(done.stdout, done.stderr)
        assert done.returncode == 2 and "named pipe" in done.stderr


def _link(root: Path, name: str) -> None:
    (root / "data" / "raw" / name).symlink_to(root / RAW)


def _pipe(root: Path, name: str) -> None:
    os.mkfifo(root / "data" / "raw" / name)


def _folder(root: Path, name: str) -> None:
    (root / "data" / "raw" / name).mkdir()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX only")
@pytest.mark.parametrize("name", ["new_text.txt", "notes.md"])
@pytest.mark.parametrize("make", [_link, _pipe, _folder], ids=["link", "pipe", "folder"])
def test_validate_and_build_refuse_what_is_no_file_in_data_raw_alike(
    package_copy: Path, capsys, make, name: str
) -> None:
    make(package_copy, name)
    verdicts = []
    for args in (["validate"], ["build", "--check"], ["build"]):
        status, out, err = run(capsys, *args, "--path", str(package_copy))
        no_crash(out, err)
        verdicts.append((status, err.strip().splitlines()[-1]))
    assert {v[0] for v in verdicts} == {2}
    assert len({v[1] for v in verdicts}) == 1, verdicts  # the same sentence, the same rule
    assert "[provenance.regular-file]" in verdicts[0][1] and name in verdicts[0][1]


def test_a_text_dropped_into_data_raw_without_add_is_refused(package_copy: Path, capsys) -> None:
    text = REPO / "tests" / "fixtures" / "gate" / "gate_story_longgang.txt"
    shutil.copy(text, package_copy / "data" / "raw" / text.name)
    status, report = validate_json(capsys, package_copy)
    assert status == 1
    unlisted = [i for i in report["issues"] if i["rule"] == "provenance.raw-unlisted"]
    assert [i["file"] for i in unlisted] == [f"data/raw/{text.name}"]
    assert run(capsys, "build", "--check", "--path", str(package_copy))[0] == 1


def test_unknown_files_elsewhere_under_data_are_reported_and_never_read(
    package_copy: Path, capsys, secret_file: Path
) -> None:
    """A stray file under data/ (not data/raw/) is no part of the package: no command reads
    it, validate warns, and the verdict stays what frictionless and build --check say."""
    (package_copy / "data" / "curation" / "aliases (copy).csv").write_text("x\n")
    (package_copy / "data" / "notes").mkdir()
    (package_copy / "data" / "notes" / "todo.md").write_text("check item 3\n")
    (package_copy / "data" / "curation" / "leak.csv").symlink_to(secret_file)
    status, report = validate_json(capsys, package_copy)
    assert status == 0
    unknown = {i["file"] for i in report["issues"] if i["rule"] == "provenance.unknown-file"}
    assert unknown == {
        "data/curation/aliases (copy).csv", "data/notes/todo.md", "data/curation/leak.csv"
    }  # fmt: skip
    assert RULES["provenance.unknown-file"].severity == "warning"
    assert SECRET not in json.dumps(report)
    assert run(capsys, "build", "--check", "--path", str(package_copy))[0] == 0


def test_leftover_temporary_files_are_reported_then_removed_and_ignored_by_git(
    package_copy: Path, capsys
) -> None:
    left = [
        package_copy / "data" / ".figures.csv.k3j2.szdata-tmp",
        package_copy / "data" / "raw" / f".{STORY}.txt.a1b2.szdata-tmp",
        package_copy / ".datapackage.json.x9.szdata-tmp",
    ]
    for path in left:
        path.write_text("half a file")
    status, report = validate_json(capsys, package_copy)
    assert status == 0
    reported = {i["file"] for i in report["issues"] if i["rule"] == "provenance.temp-file"}
    assert reported == {str(p.relative_to(package_copy)) for p in left}
    assert "provenance.raw-unlisted" not in rules_of(report)
    assert run(capsys, "build", "--check", "--path", str(package_copy))[0] == 0
    # the next writer removes them, holding the lock: no writer can be at work
    assert run(capsys, "build", "--path", str(package_copy))[0] == 0
    assert not [p for p in left if p.exists()]
    assert "*.szdata-tmp" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_a_raw_text_over_the_size_limit_is_refused(package_copy: Path, capsys, monkeypatch):
    monkeypatch.setenv("SZDATA_MAX_RAW_BYTES", "1000")
    status, out, err = run(capsys, "validate", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 2 and "more than the limit of 1,000" in err


# == 4. Terminal output =======================================================================


@pytest.fixture
def hostile_cells(package_copy: Path) -> Path:
    """Terminal controls in a curated cell and in the descriptor's title, hashes refreshed."""
    set_cell(package_copy, "units", "count", "description", HOSTILE)
    refresh_facts(package_copy, FILES["units"])
    d = _descriptor(package_copy)
    d["title"] = HOSTILE
    _write_descriptor(package_copy, d)
    return package_copy


COMMANDS = [
    ["show", "units"],
    ["show", "units", "--format", "csv"],
    ["show", "units", "--format", "json"],
    ["show", "units", "--format", "jsonl"],
    ["show", "units", "--format", "table"],
    ["validate"],
    ["validate", "--format", "github"],
    ["validate", "--json"],
    ["info"],
    ["info", "--json"],
]


@pytest.mark.parametrize(
    "env",
    [{"FORCE_COLOR": "1"}, {"CLICOLOR_FORCE": "1"}, {"NO_COLOR": "1"}, {"TERM": "dumb"}, {}],
    ids=["FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "dumb", "plain"],
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_controls_from_the_data_are_escaped_on_every_output(
    hostile_cells: Path, capsys, monkeypatch, env: dict[str, str], command: list[str]
) -> None:
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "CLICOLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status, out, err = run(capsys, *command, "--path", str(hostile_cells))
    no_crash(out, err)
    assert status in (0, 1), err
    for control in RAW_CONTROLS:
        assert control not in out + err, (control, out[-500:])
    if "json" in command or "jsonl" in command:
        lines = [out] if "json" in command else out.splitlines()
        values = json.dumps([json.loads(line) for line in lines], ensure_ascii=False)
        assert HOSTILE in values or HOSTILE.replace("\x9b", "") not in values  # kept, escaped
    if env.get("NO_COLOR"):
        assert "\x1b" not in out + err


def test_a_table_on_a_terminal_keeps_colour_as_asked_and_escapes_the_data(
    hostile_cells: Path, capsys, monkeypatch
) -> None:
    import szdata._core._terminal as terminal

    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)
    for env, coloured in (({"FORCE_COLOR": "1"}, True), ({"NO_COLOR": "1"}, False),
                          ({"CLICOLOR_FORCE": "1"}, True), ({"CLICOLOR": "0"}, False)):  # fmt: skip
        for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "CLICOLOR"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        status, out, _ = run(capsys, "show", "units", "--path", str(hostile_cells))
        assert status == 0
        assert ("\x1b[" in out) is coloured, env
        assert "evil\\x1b]0;owned\\x07" in out
        assert not any(c in out for c in RAW_CONTROLS)


def test_a_json_document_stays_valid_when_its_data_holds_controls(
    hostile_cells: Path, capsys
) -> None:
    status, out, _ = run(capsys, "show", "units", "-f", "json", "--path", str(hostile_cells))
    assert status == 0
    row = next(r for r in json.loads(out) if r["unit"] == "count")
    assert row["description"] == HOSTILE  # the value itself, escaped only in transit


def test_the_internal_error_message_names_the_tracker_of_the_metadata_or_none(
    monkeypatch,
) -> None:
    import importlib.metadata

    from szdata._commands._main import internal_error_message
    from szdata._core._project import issues_url

    class Meta:
        def __init__(self, urls: list[str]) -> None:
            self.urls = urls

        def get_all(self, name: str) -> list[str]:
            return self.urls

    try:
        monkeypatch.setattr(
            importlib.metadata, "metadata", lambda name: Meta(["Source, https://sz.gov.cn/s"])
        )
        issues_url.cache_clear()
        text = internal_error_message(ValueError("boom"))
        assert "http" not in text and "report it to the maintainers" in text
        monkeypatch.setattr(
            importlib.metadata,
            "metadata",
            lambda name: Meta(["Source, https://sz.gov.cn/s", "Issues, https://sz.gov.cn/i"]),
        )
        issues_url.cache_clear()
        assert "please report it at https://sz.gov.cn/i" in internal_error_message(ValueError())
    finally:
        issues_url.cache_clear()


# == 5. Interruption ==========================================================================


_CHILD = """
import sys
from szdata._commands import _main

_install = _main._install_handlers


def _install_then_say_ready():
    previous = _install()
    print("ready", flush=True)
    return previous


_main._install_handlers = _install_then_say_ready
sys.argv = ["szdata", *sys.argv[1:]]
sys.exit(_main.main())
"""
"""The ``szdata`` command as its console script runs it, saying ``ready`` once ``main`` has put
its signal handlers in: from then on a Ctrl-C must end it with status 130 and one line (before
that, the interpreter is still starting and Python prints its own traceback)."""


def _interrupt_after(delay: float, *args: str) -> tuple[int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def test_ctrl_c_while_the_command_loads_exits_130_with_one_line(package_copy: Path) -> None:
    status, err = _interrupt_after(0.02, "validate", "--path", str(package_copy))
    assert status == 130, err
    assert err.strip() == "interrupted"


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.005, 0.05, 0.1, 0.2, 0.4, 0.8])
@pytest.mark.parametrize("command", [["validate"], ["build"], ["show", "figures"], ["info"]])
def test_ctrl_c_at_any_moment_exits_130_with_one_line(
    package_copy: Path, delay: float, command: list[str]
) -> None:
    status, err = _interrupt_after(delay, *command, "--path", str(package_copy))
    if status == 0:  # the command was done before the signal came
        return
    assert status == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "interrupted"


# == 6. Semantic holes ========================================================================


def decide(root: Path, table: str, key: str, action: str, column: str, value: str) -> str:
    """Append a decision as a hostile contributor would write it: next id, reason, evidence."""
    data = rows(root, "decisions")
    header = data[0]
    number = max(int(r[0][1:]) for r in data[1:]) + 1
    parsed = cell(root, table, key, column) if action == "set" else ""
    row = {
        "decision_id": f"D{number:04d}", "table": table, "key": key, "action": action,
        "column": column, "parsed_value": parsed, "curated_value": value,
        "reason": "The contributor says so.", "evidence": "http://www.example.org/a.htm",
        "decided_on": dt.date.today().isoformat(), "decided_by": "A. Contributor",
    }  # fmt: skip
    data.append([row[c] for c in header])
    write_rows(root, "decisions", data)
    return row["decision_id"]


def _added(table: str, key: str, **cells: object) -> tuple[str, str, str, str, str]:
    return (table, key, "add", "", json.dumps({**cells}, ensure_ascii=False))


SEMANTIC_HOLES: dict[str, list[tuple[str, str, str, str, str]]] = {
    # each rule the registry marks `text`, broken by decisions alone, then rebuilt
    "date.from-quote": [("dates", f"{STORY}.d2038", "set", "date", "2020-04-26")],
    "date.from-quote-year": [("dates", f"{BRIEFING}.d166", "set", "date", "2021-03-20")],
    "date.from-quote-relabelled": [
        ("dates", f"{STORY}.d588", "set", "resolution", "explicit"),
        ("dates", f"{STORY}.d588", "set", "date", "2020-06-02"),
    ],
    "date.relative-to-publication": [("dates", f"{STORY}.d1780", "set", "date", "2020-04-08")],
    "date.relative-to-previous": [
        _added(
            "dates",
            f"{STORY}.d198",
            article_id=STORY,
            date="2020-04-20",
            resolution="range_end",
            start=198,
            end=200,
            quote="20",
        ),
    ],
    "figure.counted-from-text": [("figures", f"{STORY}.f198", "set", "counted", "cases")],
    "figure.refers-to-sentence": [("figures", f"{STORY}.f198", "set", "refers_to", "2020-03-26")],
    "figure.value-from-quote": [("figures", f"{STORY}.f198", "set", "value", "21")],
    "figure.qualifier-from-quote": [("figures", f"{STORY}.f198", "set", "qualifier", "about")],
    "figure.unit-from-quote": [("figures", f"{STORY}.f198", "set", "unit", "CNY")],
    "provenance.quote-span": [
        _added(
            "dates",
            f"{STORY}.d198",
            article_id=STORY,
            date="2020-04-21",
            resolution="range_end",
            start=198,
            end=200,
            quote="21",
        ),
    ],
    "provenance.span-in-text": [
        _added(
            "dates",
            f"{STORY}.d2340",
            article_id=STORY,
            date="2020-04-07",
            resolution="weekday_past",
            start=2340,
            end=2400,
            quote="Tuesday",
        ),
    ],
    "provenance.span-in-item": [
        ("figures", f"{BRIEFING}.f1731", "set", "item_id", f"{BRIEFING}.i1")
    ],
    "item.numbering": [("items", f"{BRIEFING}.i2", "set", "item_no", "5")],
    "mention.quote-is-alias": [
        ("mentions", f"{STORY}.m97", "set", "organization_id", "shenzhen-government")
    ],
    "article.title-from-text": [("articles", STORY, "set", "title", "SZ helps Barcelona")],
    "article.briefing-title": [("articles", BRIEFING, "set", "kind", "news")],
    "article.header-from-text": [("articles", STORY, "set", "editor", "Jane Doe")],
    "item.printed-from-text": [
        ("items", f"{BRIEFING}.i2", "set", "headline", "Shenzhen made an effort.")
    ],
    "item.printed-from-text-source": [
        ("items", f"{BRIEFING}.i1", "set", "source_printed", "people.cn")
    ],
    "article.title-date": [("articles", BRIEFING, "set", "title_date", "2020-03-19")],
    "article.title-date-moved-with-publication": [
        ("articles", BRIEFING, "set", "title_date", "2020-03-21"),
        ("articles", BRIEFING, "set", "published", "2020-03-21"),
        ("articles", BRIEFING, "set", "published_basis", "inferred"),
    ],
    "article.published-basis": [
        ("articles", STORY, "set", "published", "2020-04-15"),
        ("articles", STORY, "set", "published_basis", "inferred"),
    ],
}
"""Each rule the registry marks ``text`` (a case is the rule's name, or the name and a
variant) -> decisions that break it."""


def _case_rule(case: str) -> str:
    for name in sorted(RULES, key=len, reverse=True):
        if case == name or case.startswith(name + "-"):
            return name
    raise KeyError(case)


def test_every_text_rule_has_a_decision_that_breaks_it() -> None:
    text_rules = {r.name for r in RULES.values() if r.text}
    assert {_case_rule(c) for c in SEMANTIC_HOLES} == text_rules


@pytest.mark.parametrize("case", sorted(SEMANTIC_HOLES))
def test_a_decision_is_held_to_the_text_as_the_parser_is(
    package_copy: Path, capsys, case: str
) -> None:
    for table, key, action, column, value in SEMANTIC_HOLES[case]:
        decide(package_copy, table, key, action, column, value)
    status, out, err = run(capsys, "build", "--path", str(package_copy))
    no_crash(out, err)
    assert status == 0, err  # the build applies decisions; the gate judges them
    status, report = validate_json(capsys, package_copy)
    assert status == 1
    assert _case_rule(case) in rules_of(report, "error"), sorted(rules_of(report))
    assert run(capsys, "build", "--check", "--path", str(package_copy))[0] == 0


@pytest.mark.parametrize(
    "case",
    [c for c in sorted(SEMANTIC_HOLES) if all(d[2] == "set" for d in SEMANTIC_HOLES[c])],
)
def test_correct_refuses_the_set_and_gives_the_note(package_copy: Path, capsys, case: str):
    before = snapshot(package_copy)
    (table, key, _, _, _), *_ = SEMANTIC_HOLES[case]
    sets = [a for d in SEMANTIC_HOLES[case] for a in ("--set", f"{d[3]}={d[4]}")]
    status, out, err = run(
        capsys, "correct", f"{table}:{key}", *sets, "--reason", "r",
        "--evidence", "http://www.example.org/a.htm", "--by", "T", "--path", str(package_copy),
    )  # fmt: skip
    no_crash(out, err)
    assert status == 1, out + err
    assert _case_rule(case) in err
    notes = " ".join(f"--note {d[3]}={d[4]}" for d in SEMANTIC_HOLES[case])
    assert f"szdata correct {table}:{key} {notes}".replace("'", "") in err.replace("'", "")
    assert snapshot(package_copy) == before


def test_a_note_records_what_the_text_gets_wrong_and_the_cell_keeps_what_is_printed(
    package_copy: Path, capsys
) -> None:
    status, _, err = run(
        capsys, "correct", f"dates:{STORY}.d1780", "--note", "date=2020-04-08", "--reason",
        "r", "--evidence", "http://www.example.org/a.htm", "--by", "T",
        "--path", str(package_copy),
    )  # fmt: skip
    assert status == 0, err
    assert cell(package_copy, "dates", f"{STORY}.d1780", "date") == "2020-04-07"
    assert run(capsys, "validate", "--path", str(package_copy))[0] == 0


def test_a_faithful_set_goes_in(package_copy: Path, capsys) -> None:
    """A set the text bears out (a counted noun cut to the head of what is printed)."""
    key = f"{BRIEFING}.f1877"  # "sets of research equipment"
    printed = cell(package_copy, "figures", key, "counted")
    status, _, err = run(
        capsys, "correct", f"figures:{key}", "--set", f"counted={printed.split()[0]}",
        "--reason", "r", "--evidence", "http://www.example.org/a.htm", "--by", "T",
        "--path", str(package_copy),
    )  # fmt: skip
    assert status == 0, err
    assert run(capsys, "validate", "--path", str(package_copy))[0] == 0


def test_a_quote_the_checker_cannot_read_leaves_the_curated_value_with_a_warning(
    tmp_path: Path, capsys
) -> None:
    from tests.fixture_package import build_fixture_package

    text = REPO / "tests" / "fixtures" / "gate" / "gate_story_longgang.txt"
    root = build_fixture_package(tmp_path / "pkg", texts={text.stem: text})
    raw = text.read_text(encoding="utf-8")
    start = raw.index("3月26日")
    args = [f"article_id={text.stem}", "date=2020-03-26", "resolution=month_day",
            f"start={start}", f"end={start + len('3月26日')}", "quote=3月26日"]  # fmt: skip
    status, _, err = run(
        capsys, "correct", f"dates:{text.stem}.d{start}", *(a for x in args for a in ("--add", x)),
        "--reason", "The notice dates the first batch.", "--evidence", "3月26日",
        "--by", "T", "--path", str(root),
    )  # fmt: skip
    assert status == 0, err
    status, report = validate_json(capsys, root)
    assert status == 0
    warned = [i for i in report["issues"] if i["rule"] == "decision.not-re-read"]
    assert [(i["severity"], i["column"], i["value"]) for i in warned] == [
        ("warning", "quote", "3月26日")
    ]
    # the same quote on a parsed row is an error: the parser never gives a quote it cannot read
    set_cell(root, "dates", f"{text.stem}.d{start}", "origin", "parser")
    refresh_facts(root, FILES["dates"])
    status, report = validate_json(capsys, root)
    assert status == 1 and "date.from-quote" in rules_of(report, "error")


@pytest.mark.slow
def test_the_memory_of_an_article_grows_linearly_with_its_size(tmp_path: Path) -> None:
    """A briefing of many items once cost memory as the square of its size (every figure
    joined with every date of its day). Peak memory of validate, from 250 to 2,000 items."""
    import resource  # noqa: F401 - POSIX: the child's peak RSS comes from wait4

    peaks = {}
    for items in (250, 2000):
        head = ("Daily Briefing on Fighting against COVID-19 (Mar. 26)\n\nWriter:   |  Editor: "
                "A. Editor  |  From: Shenzhen Daily  |  Updated: 2020-03-26\n\n")  # fmt: skip
        body = "\n\n".join(
            f"{i}. On March 24, Shenzhen gave {i + 10} masks to residents and {i + 20} kits "
            f"to clinics. Over {i + 30} volunteers helped on March 24. (Source: Shenzhen Daily)"
            for i in range(1, items + 1)
        )
        text = tmp_path / f"gate_briefing_{items}.txt"
        text.write_text(head + body + "\n", encoding="utf-8")
        from tests.fixture_package import build_fixture_package

        root = build_fixture_package(tmp_path / f"pkg{items}", texts={text.stem: text})
        proc = subprocess.Popen(
            [sys.executable, "-m", "szdata", "validate", "--path", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        _, status, usage = os.wait4(proc.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        peaks[items] = usage.ru_maxrss
    assert peaks[2000] < 2 * peaks[250], peaks  # the square of 8 times the items would be 64
