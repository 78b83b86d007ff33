"""The benchmark tools: the synthetic package generator and the harness.

No test here asserts a time. They check that a generated package is valid under every
layer (szdata and frictionless), that every injected error is reported with its rule,
table, row and column, and that the harness measures and reports what it says.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import make_package as gen
from benchmarks import run as bench

pytestmark = pytest.mark.slow  # the benchmark harness on generated packages

REPO = Path(__file__).resolve().parents[1]
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def _key(issue: dict) -> tuple:
    return (issue["rule"], issue["table"], issue["row"], issue["column"])


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "clean"
    gen.make_package(out, 300, seed=7)
    return out


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench") / "broken"
    summary = gen.make_package(out, 2000, seed=3, errors=0.03)
    return out, summary


def test_clean_package_has_the_proportions_asked(clean: Path) -> None:
    rows = {
        t: sum(1 for _ in (clean / f"data/{t}.csv").open(encoding="utf-8")) - 1
        for t in ("articles", "items", "figures", "dates", "mentions")
    }
    assert rows == {"articles": 30, "items": 150, "figures": 300, "dates": 90, "mentions": 240}
    assert len(list((clean / "data/raw").glob("*.txt"))) == 30


def test_clean_package_passes_szdata_validate(clean: Path) -> None:
    import szdata

    report = szdata.validate(clean)
    assert report.ok, [(i.rule, i.table, i.row, i.column, i.message) for i in report.errors[:5]]
    assert report.errors == [] and report.warnings == []


@pytest.mark.parametrize(
    ("limit", "listed", "more"), [(None, 10, 20), (3, 3, 27), (0, 30, 0)], ids=str
)
def test_the_summary_lists_the_first_articles_of_a_large_package(
    clean: Path, limit: int | None, listed: int, more: int
) -> None:
    argv = [sys.executable, "-m", "szdata", "validate", "--path", str(clean)]
    argv += [] if limit is None else ["--limit", str(limit)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("  30 articles, 2020-"))
    dated = [line for line in lines[at + 1 :] if re.match(r"^    \d{4}-\d{2}-\d{2}  ", line)]
    assert len(dated) == listed
    assert dated == sorted(dated)  # in date order
    tail = f"    ... and {more} more (every one with --json)"
    assert (lines[-1] == tail) is (more > 0)
    report = json.loads(
        subprocess.run([*argv, "--json"], capture_output=True, text=True, check=True).stdout
    )
    assert len(report["package"]["articles"]) == 30  # the JSON report has every one


def test_clean_package_passes_frictionless(clean: Path) -> None:
    r = subprocess.run(
        [str(FRICTIONLESS), "validate", "datapackage.json", "--json"],
        cwd=clean,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout[-2000:]
    assert json.loads(r.stdout)["valid"] is True


def test_spans_quotes_and_hashes_agree_with_the_raw_texts(clean: Path) -> None:
    import polars as pl

    articles = pl.read_csv(clean / "data/articles.csv", infer_schema=False)
    texts = {}
    for aid, raw_path, sha, nbytes, chars in articles.select(
        "article_id", "raw_path", "sha256", "bytes", "chars"
    ).iter_rows():
        data = (clean / raw_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == int(nbytes)
        texts[aid] = data.decode("utf-8")
        assert len(texts[aid]) == int(chars)
    items = {
        i: (int(s), int(e))
        for i, s, e in pl.read_csv(clean / "data/items.csv", infer_schema=False)
        .select("item_id", "start", "end")
        .iter_rows()
    }
    for table in ("figures", "dates", "mentions"):
        frame = pl.read_csv(clean / f"data/{table}.csv", infer_schema=False)
        id_col = frame.columns[0]
        for rid, aid, item, start, end, quote in frame.select(
            id_col, "article_id", "item_id", "start", "end", "quote"
        ).iter_rows():
            s, e = int(start), int(end)
            assert texts[aid][s:e] == quote, rid
            assert rid == f"{aid}.{table[0]}{s}"
            if item is not None:
                assert items[item][0] <= s < e <= items[item][1], rid


def test_generation_is_deterministic(tmp_path: Path) -> None:
    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for f in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(f.relative_to(root).as_posix().encode() + f.read_bytes())
        return h.hexdigest()

    a = gen.make_package(tmp_path / "a", 300, seed=1, errors=0.2)
    b = gen.make_package(tmp_path / "b", 300, seed=1, errors=0.2)
    assert a["injected"] == b["injected"]
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_every_generator_rule_is_injected_and_written_to_the_manifest(broken) -> None:
    out, summary = broken
    manifest = json.loads((out / gen.MANIFEST).read_text(encoding="utf-8"))
    assert manifest == summary["injected"]
    assert {i["rule"] for i in manifest} == set(gen.RULE_NAMES)
    rows = [(i["table"], i["row"]) for i in manifest if i["rule"] != "structure.header"]
    assert len(rows) == len(set(rows)), "a row was broken twice"


def test_every_injected_error_is_reported(broken) -> None:
    import szdata

    out, summary = broken
    report = szdata.validate(out)
    assert not report.ok
    reported = {(i.rule, i.table, i.row, i.column) for i in report.errors}
    missing = [i for i in summary["injected"] if _key(i) not in reported]
    assert missing == []


def test_every_injected_error_is_reported_by_the_command_line(broken) -> None:
    out, _ = broken
    r = subprocess.run(
        [sys.executable, "-m", "szdata", "validate", "--path", str(out), "--json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1, r.stderr
    found = bench.completeness(out, r.stdout)
    assert (found["found"], found["missing"]) == (found["injected"], [])


def test_generator_rules_match_the_validator_registry() -> None:
    from szdata._validate._rules import RULES

    assert set(gen.RULE_NAMES) <= set(RULES)
    assert set(RULES) - set(gen.RULE_NAMES) == set(gen.NOT_INJECTED)


@pytest.mark.parametrize("rule", ["figure.value-from-quote", "text.formula", "item.order"])
def test_a_chosen_rule_alone_is_injected(tmp_path: Path, rule: str) -> None:
    summary = gen.make_package(tmp_path / "one", 500, errors=0.02, rules=[rule])
    assert summary["injected"] and {i["rule"] for i in summary["injected"]} == {rule}


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"figures": 5}, ValueError, "at least 10"),
        ({"figures": 100, "rules": ["no.such-rule"]}, ValueError, "known: structure.type"),
    ],
    ids=["too-few-figures", "unknown-rule"],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        gen.make_package(tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_an_existing_folder_is_kept_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    with pytest.raises(FileExistsError, match="overwrite"):
        gen.make_package(tmp_path / "x", 10)
    assert gen.make_package(tmp_path / "x", 10, overwrite=True)["rows"]["figures"] == 10


@pytest.mark.parametrize(
    "argv",
    [["--errors", "0.9"], ["--rules", "nope"], ["--figures", "3"]],
    ids=["fraction-too-big", "unknown-rule", "too-few-figures"],
)
def test_generator_command_line_refuses_bad_input(tmp_path: Path, argv: list[str]) -> None:
    r = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/make_package.py"), str(tmp_path / "x"), *argv],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "error:" in r.stderr
    assert not (tmp_path / "x").exists()


def test_run_child_reports_status_and_memory() -> None:
    r = bench.run_child([sys.executable, "-c", "b = bytearray(200 * 2**20); print('hi')"])
    assert (r.returncode, r.stdout.strip()) == (0, "hi")
    assert r.max_rss_mb >= 200 and r.seconds > 0
    assert bench.run_child([sys.executable, "-c", "raise SystemExit(3)"]).returncode == 3


def test_completeness_names_what_was_not_reported(tmp_path: Path) -> None:
    injected = [
        {"rule": "a.b", "table": "figures", "row": 2, "column": "value", "value": "1"},
        {"rule": "c.d", "table": "items", "row": 5, "column": "end", "value": "9"},
    ]
    (tmp_path / gen.MANIFEST).write_text(json.dumps(injected), encoding="utf-8")
    report = {
        "issues": [
            {**injected[0], "severity": "error"},
            {"rule": "c.d", "table": "items", "row": 6, "column": "end", "severity": "error"},
        ]
    }
    found = bench.completeness(tmp_path, json.dumps(report))
    assert (found["injected"], found["found"], found["reported"]) == (2, 1, 2)
    assert found["missing"] == [injected[1]]
    with pytest.raises(ValueError, match="no 'errors' list"):
        bench.issues_of({"ok": True})


def test_harness_runs_end_to_end_on_a_tiny_package(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    status = bench.main(
        [
            "--sizes",
            "200",
            "--repeat",
            "1",
            "--frictionless-max",
            "0",
            "--import-runs",
            "2",
            "--parse-articles",
            "5",
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(out),
        ]
    )
    assert status == 0
    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and "**cpu**" in text and "polars" in text
    row = next(line for line in text.splitlines() if line.startswith("| 200 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    found, injected = (int(x.replace(",", "")) for x in cells[-1].split()[0:3:2])
    assert found == injected > 0
    assert "(est.)" not in row and "`import szdata`" in text
    # where the time goes: every step of validate, as its progress display names them
    section = text.split("## Where the time goes (200 figures)")[1].split("## Calls")[0]
    steps = re.findall(r"^\| ([a-z][a-z ]+) \| [0-9.]+ s \|", section, flags=re.M)
    assert steps[:3] == ["opening the package", "reading the tables", "checking the foreign keys"]
    assert {"spans", "figure values"} <= set(steps) and steps[-1] == "writing the report"
    assert re.search(r"^\| \*\*all\*\* \| \*\*[0-9.]+ s\*\*", section, flags=re.M)
    assert not (tmp_path / "work" / "clean-200").exists()  # generated packages are removed
