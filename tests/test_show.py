"""``szdata show``: CSV for pipes, a safe table for terminals, JSON, and typed ``--where``.

Expected rows are computed here from the package's CSV files with plain Python, so the tests
hold whatever rows the package has.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._disk._package import open_package
from tests.conftest import REPO

PKG = open_package(REPO)


def _csv_rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / open_package(root).resource(name)["path"]).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _show(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    status = main(["show", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


@pytest.mark.parametrize("name", PKG.table_names())
def test_piped_output_is_the_tables_csv(capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    status, out, err = _show(capsys, name)
    assert status == 0
    assert err.startswith("package: "), "which package: on standard error, not in the CSV"
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", ""), "RFC 4180 line ends"
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0]) == PKG.schema(name).field_names if rows else True
    assert rows == _csv_rows(REPO, name), "every row, each cell as stored in the package"


def test_csv_limit_and_columns(capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = _show(capsys, "figures", "--limit", "2", "--columns", "quote,value")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    expected = [[r["quote"], r["value"]] for r in _csv_rows(REPO, "figures")[:2]]
    assert rows == [["quote", "value"], *expected]


def test_json_and_jsonl_are_typed(capsys) -> None:  # type: ignore[no-untyped-def]
    stored = _csv_rows(REPO, "figures")
    status, out, _ = _show(capsys, "figures", "--format", "json")
    assert status == 0
    rows = json.loads(out)
    assert [r["figure_id"] for r in rows] == [r["figure_id"] for r in stored]
    for got, raw in zip(rows, stored, strict=True):
        assert got["value"] == float(raw["value"]) and isinstance(got["value"], float)
        assert got["start"] == int(raw["start"]) and isinstance(got["start"], int)
        assert got["refers_to"] == (raw["refers_to"] or None)
        assert got["item_id"] == (raw["item_id"] or None)
    status, out, _ = _show(capsys, "figures", "-f", "jsonl", "-n", "3")
    assert [json.loads(line) for line in out.splitlines()] == rows[:3]


def test_a_terminal_gets_a_table_with_data_shown_as_text(
    package_copy: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import szdata._core._terminal

    rows = _csv_rows(package_copy, "units")
    rows[0]["description"] = "[bold red]evil[/] \x1b[2J\u202etxt"
    path = package_copy / PKG.resource("units")["path"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(szdata._core._terminal, "is_terminal", lambda stream=None: True)
    monkeypatch.setenv("COLUMNS", "250")
    status, out, _ = _show(capsys, "units", "--path", str(package_copy), "-c", "unit,description")
    assert status == 0
    assert out.splitlines()[0] == f"package: {package_copy} (given with --path)"
    assert "[bold red]evil[/] \\x1b[2J\\u202etxt" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert f"{min(20, len(rows))} of {len(rows)} rows" in out
    status, out, _ = _show(capsys, "units", "--path", str(package_copy), "--format", "table",
                           "-w", f"unit={rows[1]['unit']}")  # fmt: skip
    assert f"1 of 1 rows ({len(rows)} in the table)" in out


def _number(text: str) -> float | None:
    return float(text) if text else None


WHERE: list[tuple[list[str], Callable[[dict[str, str]], bool]]] = [
    (["value=20"], lambda r: _number(r["value"]) == 20),
    (["value=20.0"], lambda r: _number(r["value"]) == 20),
    (["value!=20"], lambda r: _number(r["value"]) != 20),
    (["value>1000"], lambda r: (_number(r["value"]) or 0) > 1000),
    (["value<1000"], lambda r: (_number(r["value"]) or 0) < 1000),
    (["start>=1000", "start<=3000"], lambda r: 1000 <= int(r["start"]) <= 3000),
    (["refers_to<2020-04-01"], lambda r: r["refers_to"] != "" and r["refers_to"] < "2020-04-01"),
    (["refers_to="], lambda r: r["refers_to"] == ""),
    (["item_id="], lambda r: r["item_id"] == ""),
    (["item_id!="], lambda r: r["item_id"] != ""),
    (["quote~million"], lambda r: "million" in r["quote"]),
    (["qualifier=exact"], lambda r: r["qualifier"] == "exact"),
    (["unit!=count", "origin=parser"], lambda r: r["unit"] != "count" and r["origin"] == "parser"),
    (["counted!=masks"], lambda r: r["counted"] != "masks"),  # empty cells differ too
]  # fmt: skip


@pytest.mark.parametrize(("conditions", "keep"), WHERE, ids=[" ".join(w[0]) for w in WHERE])
def test_where_compares_typed_values(capsys, conditions, keep) -> None:  # type: ignore[no-untyped-def]
    args = [a for c in conditions for a in ("--where", c)]
    status, out, _ = _show(capsys, "figures", *args, "--columns", "figure_id")
    assert status == 0
    got = [r["figure_id"] for r in csv.DictReader(io.StringIO(out, newline=""))]
    assert got == [r["figure_id"] for r in _csv_rows(REPO, "figures") if keep(r)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "nope=1"], "--where 'nope=1': no column 'nope' in figures; columns: "),
        (["--where", "unit"], "--where 'unit' is not COLUMN OP VALUE, with OP one of !=, <="),
        (["--where", "value=abc"], "'value' holds a number, and 'abc' is not one (hint: e.g. --"),
        (["--where", "start=1.5"], "column 'start' holds an integer, and '1.5' is not one"),
        (["--where", "refers_to>March"], "'refers_to' holds a date (YYYY-MM-DD), and 'March'"),
        (["--where", "refers_to=2020-02-30"], "column 'refers_to' holds a date (YYYY-MM-DD)"),
        (["--where", "qualifier=roughly"], "column 'qualifier' holds one of exact, more_than"),
        (["--where", "unit>c"], "> compares numbers and dates, and column 'unit' holds text"),
        (["--where", "value<"], "< needs a value"),
        (["--format", "xml"], "--format 'xml' is not one of table, csv, json, jsonl"),
        (["--columns", "value,nope"], "--columns: no column(s) nope in figures"),
    ],
    ids=["unknown-column", "no-operator", "not-a-number", "not-an-integer", "not-a-date",
         "impossible-date", "not-in-enum", "ordered-text", "empty-ordered", "format", "columns"],
)  # fmt: skip
def test_usage_errors_name_column_type_and_example(capsys, args, message) -> None:  # type: ignore[no-untyped-def]
    status, out, err = _show(capsys, "figures", *args)
    assert status == 2
    assert message in err, err
    assert out == ""


def test_unknown_table(capsys) -> None:  # type: ignore[no-untyped-def]
    status, _, err = _show(capsys, "figure")
    assert status == 2 and "no table 'figure'; known tables" in err


def test_a_closed_pipe_ends_quietly(package_copy: Path) -> None:
    rows = _csv_rows(package_copy, "figures")
    many = [{**r, "figure_id": f"{r['figure_id']}{i}"} for i in range(400) for r in rows]
    path = package_copy / PKG.resource("figures")["path"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(many)
    assert path.stat().st_size > 1 << 20, "more than a pipe's buffer"
    proc = subprocess.Popen(
        [sys.executable, "-m", "szdata", "show", "figures", "--path", str(package_copy)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    header = proc.stdout.readline()
    proc.stdout.close()  # as `| head -n 1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert header.startswith(b"figure_id,")
    assert "Traceback" not in err and "Exception ignored" not in err and "error" not in err
