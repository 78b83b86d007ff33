"""The command line as a whole: which package it acts on, exit statuses, --version, --json.

Each command finds its package from the current folder upward (as git does), says which one
in its first line, and falls back to the installed copy only outside any package; writing
commands refuse an installed copy. Every failure exits with a documented status: never a
traceback, and ``--json`` still prints one complete JSON document.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

import szdata
from szdata._commands._main import main
from szdata._core._errors import EXIT_CODES
from szdata._disk._package import is_installed_copy, locate_package
from tests.conftest import REPO


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _break_a_figure(root: Path) -> None:
    path = root / "data" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("qualifier")] = "roughly"
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


# -- which package ---------------------------------------------------------------------------


def test_commands_act_on_the_package_of_the_current_folder(
    package_copy: Path, capsys, monkeypatch
) -> None:
    _break_a_figure(package_copy)
    monkeypatch.chdir(package_copy / "data" / "raw")  # deep inside the package
    code, out, _ = run(["validate"], capsys)
    assert code == 1, "validate checked another copy than the broken one it stands in"
    assert out.splitlines()[0] == f"package: {package_copy} (found from the current folder)"
    code, out, _ = run(["info"], capsys)
    assert code == 0
    assert out.splitlines()[0] == f"package: {package_copy} (found from the current folder)"


def test_outside_any_package_the_installed_copy_is_used(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    location = locate_package()
    assert location.found == "installed"
    code, out, _ = run(["validate", "--no-summary"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("package: ")
    assert "the installed copy" in out.splitlines()[0]


def test_path_option_wins_over_the_current_folder(package_copy: Path, monkeypatch, capsys):
    _break_a_figure(package_copy)
    monkeypatch.chdir(REPO)
    code, out, _ = run(["validate", "--path", str(package_copy)], capsys)
    assert code == 1
    assert out.splitlines()[0] == f"package: {package_copy} (given with --path)"
    code, out, _ = run(["validate", "--path", str(package_copy / "datapackage.json")], capsys)
    assert code == 1


def test_the_old_positional_path_still_works_with_a_note(package_copy: Path, capsys) -> None:
    code, _out, err = run(["validate", str(package_copy), "--no-summary"], capsys)
    assert code == 0
    assert "deprecated; use --path" in err
    code, _, err = run(["validate", str(package_copy), "--path", str(package_copy)], capsys)
    assert code == 2
    assert "give the package once" in err


@pytest.mark.parametrize(
    "args",
    [
        ["build"],
        ["review", "004_4c9b5674638746a7", "--reopen"],
        ["add", str(REPO / "data" / "raw" / "004_4c9b5674638746a7.txt")],
        ["correct", "figures:x.f1", "--remove", "--reason", "r", "--evidence", "http://a.b/"],
    ],
    ids=["build", "review", "add", "correct"],
)
def test_writing_commands_refuse_an_installed_copy(args: list[str], monkeypatch, capsys) -> None:
    fake = Path("/usr/lib/python3/site-packages/szdata/_pkg")
    assert is_installed_copy(fake)
    from szdata._commands import _options

    monkeypatch.setattr(
        _options,
        "locate_package",
        lambda path=None: szdata._disk._package.Location(fake, "installed"),
    )
    code, _, err = run(args, capsys)
    assert code == 2
    assert "installed copy" in err and "clone the repository" in err


# -- versions, exit statuses, --json -------------------------------------------------------------


def test_version_prints_code_and_data_versions(capsys) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    first, second = out.splitlines()
    # the code's version is the installed distribution's: the data version of the checkout
    # it was installed from, which a curator bumps without reinstalling
    assert first == f"szdata {version('szdata')}"
    assert second.startswith(f"data {szdata.open_package().version} (package: ")


def test_unreadable_package_with_json_prints_a_json_document(tmp_path: Path, capsys) -> None:
    code, out, err = run(["validate", "--path", str(tmp_path), "--json"], capsys)
    assert code == 2
    document = json.loads(out)
    message = err.strip().splitlines()[-1].removeprefix("error: ")
    assert document == {"ok": False, "exit_code": 2, "error": message}


@pytest.mark.parametrize(
    ("args", "name"),
    [(["add"], "RAW_FILE..."), (["review"], "ARTICLE..."), (["show"], "TABLE"), (["site"], "OUT")],
    ids=["add", "review", "show", "site"],
)
def test_a_missing_argument_is_named_in_capitals(args: list[str], name: str, capsys) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert f"Missing argument '{name}'" in out + err


def test_bad_usage_exits_2_with_a_json_document(capsys) -> None:
    code, out, _ = run(["validate", "--no-such-option", "--json"], capsys)
    assert code == 2
    assert json.loads(out)["exit_code"] == 2


def test_internal_error_exits_3_and_asks_for_a_report(monkeypatch, capsys) -> None:
    import szdata._validate

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(szdata._validate, "validate", broken)
    code, out, err = run(["validate", "--json"], capsys)
    assert code == 3
    assert "internal error: ZeroDivisionError: a bug" in err
    assert "please report" in err and "Traceback" not in err
    assert json.loads(out)["exit_code"] == 3


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys) -> None:
    import szdata._validate

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(szdata._validate, "validate", interrupted)
    code, _, err = run(["validate"], capsys)
    assert code == 130
    assert err.strip() == "interrupted"


@pytest.mark.parametrize("fails", [False, True], ids=["succeeds", "raises"])
def test_a_command_runs_without_the_cycle_collector_and_gives_it_back(
    fails: bool, monkeypatch, capsys
) -> None:
    import gc

    import szdata._validate

    seen: list[bool] = []

    def validate(*args, **kwargs):
        seen.append(gc.isenabled())
        if fails:
            raise ZeroDivisionError("a bug")
        raise KeyboardInterrupt

    monkeypatch.setattr(szdata._validate, "validate", validate)
    assert gc.isenabled()
    run(["validate"], capsys)
    assert seen == [False]  # its full passes walk every object the command holds
    assert gc.isenabled()  # a caller of main() keeps its own setting
    gc.disable()
    try:
        run(["validate"], capsys)
        assert not gc.isenabled()  # nor is it turned on for a caller that had it off
    finally:
        gc.enable()


def test_sigint_in_a_real_process_exits_130_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time, sys; from szdata._commands._main import main; "
         "import szdata._validate as v; v.validate = lambda *a, **k: time.sleep(30); "
         "sys.exit(main(['validate']))"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )  # fmt: skip
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "interrupted"


def test_every_exit_status_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme, f"exit status {code}: the README's row is stale"


# -- data shown as text ------------------------------------------------------------------------


def test_terminal_controls_in_data_are_escaped(package_copy: Path, capsys) -> None:
    desc_path = package_copy / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    desc["title"] = "[bold red]evil[/] \x1b[2J\u202etxt"
    desc_path.write_text(json.dumps(desc), encoding="utf-8")
    code, out, _ = run(["info", "--path", str(package_copy)], capsys)
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "[bold red]evil[/] \\x1b[2J\\u202etxt" in out


def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "szdata", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("szdata ")
