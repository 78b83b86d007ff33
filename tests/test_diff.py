"""``szdata diff``: a contribution reviewed as data, by primary key.

Each case commits a fixture package into a new git repository (the base) and changes it
the way a pull request would. The fast cases edit the files by hand (the diff compares what
is stored; it does not validate); the slow ones make a real contribution with the commands
a curator runs: ``szdata add`` of a fixture text and ``szdata review``, a ``szdata correct
--set`` of one figure and a ``--remove`` of another, then a commit. Every document is
checked against an oracle (the rows of each table read by key on both sides) and against
the diff's own JSON Schema.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from szdata._commands._main import main
from szdata._curate._diff import compare_table, json_schema, key_of, schema_changes
from szdata._curate._diff_render import md, render_markdown, render_text
from szdata._disk._readers import read_csv_bytes
from tests.conftest import copy_package

GIT = shutil.which("git")
pytestmark = [
    pytest.mark.git,
    pytest.mark.skipif(GIT is None, reason="needs the git command, which is not on PATH"),
]
FIXTURE = Path(__file__).parent / "fixtures" / "diff" / "fixture_diff_longgang.txt"
NEW = FIXTURE.stem
BRIEFING = "004_4c9b5674638746a7"
CORRECTED = f"{BRIEFING}.f1877"  # "3,625" (sets of research equipment): counted cut to its head
REMOVED = f"{BRIEFING}.f804"  # "More than a month": removed, not a count
TABLES = ("articles", "reviews", "items", "figures", "dates", "mentions", "decisions")


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        [GIT or "git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _commit(root: Path, message: str) -> str:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "--allow-empty", "-m", message)
    return _git(root, "rev-parse", "HEAD").strip()


def _repo(dest: Path) -> Path:
    root = copy_package(dest)
    _git(root, "init", "-q")
    _commit(root, "the package")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose only commit (``HEAD``) is the fixture package."""
    return _repo(tmp_path / "pkg")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    """The exit status, standard output, and standard error but the "package:" line."""
    capsys.readouterr()
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    err = "".join(line for line in err.splitlines(True) if not line.startswith("package: "))
    return code, out, err


def _json(capsys, root: Path, *args: str) -> dict[str, Any]:
    code, out, err = _run(capsys, "--path", str(root), "--format", "json", *args)
    assert code == 0, err
    document = json.loads(out)
    jsonschema.validate(document, json_schema())
    return document


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def _edit(path: Path, edit) -> None:
    """Rewrite a CSV file through ``edit(rows) -> rows`` (its header kept)."""
    header, rows = _rows(path.read_text(encoding="utf-8"))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(edit(rows))
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _oracle(root: Path, base: str) -> dict[str, dict[str, set[str]]]:
    """Each table's rows added, removed and changed from ``base`` to the working tree, read
    by key with the csv module (the review status alone does not make a row changed)."""
    keys = {
        "articles": "article_id",
        "reviews": "article_id",
        "items": "item_id",
        "figures": "figure_id",
        "dates": "date_id",
        "mentions": "mention_id",
        "decisions": "decision_id",
    }
    paths = {t: f"data/{t}.csv" for t in keys} | {
        t: f"data/curation/{t}.csv" for t in ("reviews", "decisions")
    }
    out = {}
    for table, key in keys.items():
        old = {r[key]: r for r in _rows(_git(root, "show", f"{base}:{paths[table]}"))[1]}
        new = {r[key]: r for r in _rows((root / paths[table]).read_text(encoding="utf-8"))[1]}

        def differs(a: dict[str, str], b: dict[str, str]) -> bool:
            return {k: v for k, v in a.items() if k != "review_status"} != {
                k: v for k, v in b.items() if k != "review_status"
            }

        out[table] = {
            "added": set(new) - set(old),
            "removed": set(old) - set(new),
            "changed": {k for k in set(old) & set(new) if differs(old[k], new[k])},
        }
    return out


def _listed(document: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    return {
        t["table"]: {kind: {r["id"] for r in t[kind]} for kind in ("added", "removed", "changed")}
        for t in document["tables"]
    }


def _assert_matches_oracle(document: dict[str, Any], oracle: dict[str, dict[str, set[str]]]):
    listed = _listed(document)
    for table, kinds in oracle.items():
        for kind, ids in kinds.items():
            assert listed.get(table, {}).get(kind, set()) == ids, (table, kind)
            counts = document["counts"]["tables"].get(table, {})
            assert counts.get(kind, 0) == len(ids), (table, kind)


# -- the core, without git ----------------------------------------------------------------------


def _csv(text: str):
    return read_csv_bytes(text.encode(), file="data/t.csv")


def test_only_the_lines_that_differ_are_read_and_keep_their_line_numbers() -> None:
    from szdata._curate._diff import _differing_lines, _renumbered

    base = b"id,v\na,1\nb,2\nc,3\n"
    head = b"id,v\r\nc,3\r\nb,20\r\na,1\r\nd,4\r\n"  # reordered, CRLF: the same rows
    (old_lines, old_text), (new_lines, new_text) = _differing_lines(base, head)
    assert (old_lines, old_text) == ([3], b"id,v\nb,2\n")
    assert (new_lines, new_text) == ([3, 5], b"id,v\nb,20\nd,4\n")
    new = _renumbered(_csv(new_text.decode()), new_lines)
    t = compare_table("t", _renumbered(_csv(old_text.decode()), old_lines), new, ["id"])
    assert t.changed.select("__id", "old", "new", "__line", "__base_line").rows() == [
        ("b", "2", "20", 3, 3)
    ]
    assert t.added.select("__id", "__line").rows() == [("d", 5)]


@pytest.mark.parametrize(
    "data",
    [
        b'id,v\n"a\nb",1\n',  # a cell over two lines
        b"id,v\na,1\n\nb,2\n",  # a blank line
        b"id,v\ra,1\r",  # old Mac line ends
        b"id,v\na,\x00\n",  # a NUL
        b"id,v\na,\xff\n",  # not UTF-8
    ],
    ids=["multi-line cell", "blank line", "lone CR", "NUL", "not UTF-8"],
)
def test_a_file_whose_lines_are_not_rows_is_read_whole(data: bytes) -> None:
    from szdata._curate._diff import _differing_lines

    assert _differing_lines(b"id,v\na,1\n", data) is None


def test_compare_table_by_key_whatever_the_order() -> None:
    base = _csv("id,v,w,review_status\na,1,x,reviewed\nb,2,y,reviewed\nc,3,z,unreviewed\n")
    head = _csv("id,v,w,review_status\nc,3,z,reviewed\nd,4,q,reviewed\nb,2,Y,reviewed\n")
    t = compare_table("t", base, head, ["id"])
    assert t.added["__id"].to_list() == ["d"] and t.added["__line"].to_list() == [3]
    assert t.removed["__id"].to_list() == ["a"] and t.removed["__line"].to_list() == [2]
    assert t.changed.select("__id", "column", "old", "new", "__line", "__base_line").rows() == [
        ("b", "w", "y", "Y", 4, 3)
    ]
    assert t.review_only.select("__id", "old", "new").rows() == [("c", "unreviewed", "reviewed")]
    assert t.counts == {"added": 1, "removed": 1, "changed": 1, "review_only": 1}


def test_a_row_whose_review_status_changes_with_a_cell_is_changed_not_review_only() -> None:
    base = _csv("id,v,review_status\na,1,unreviewed\n")
    head = _csv("id,v,review_status\na,2,reviewed\n")
    t = compare_table("t", base, head, ["id"])
    assert sorted(t.changed["column"].to_list()) == ["review_status", "v"]
    assert t.review_only.height == 0


def test_repeated_keys_and_missing_key_columns_are_notes_not_crashes() -> None:
    base = _csv("id,v\na,1\na,2\n")
    head = _csv("id,v\na,1\n")
    t = compare_table("t", base, head, ["id"])
    assert t.counts == {"added": 0, "removed": 0, "changed": 0, "review_only": 0}
    assert any("repeat a key" in n for n in t.notes)
    t = compare_table("t", base, _csv("key,v\na,1\n"), ["id"])
    assert not t.comparable and t.differs and "not comparable by key" in t.notes[0]


def test_columns_only_one_side_has_are_not_compared() -> None:
    t = compare_table("t", _csv("id,v\na,1\n"), _csv("id,v,extra\na,1,new\n"), ["id"])
    assert t.changed.height == 0 and any("extra only in HEAD" in n for n in t.notes)


def test_schema_changes_are_reported_as_schema_changes() -> None:
    old = {"t": {"fields": [{"name": "a"}, {"name": "b", "type": "number"}], "primaryKey": "a"}}
    new = {
        "t": {
            "fields": [
                {"name": "a", "constraints": {"required": True}},
                {"name": "b", "type": "integer"},
                {"name": "c", "type": "date"},
            ],
            "primaryKey": ["a"],
        },
        "u": {"fields": []},
    }
    found = {(c.table, c.change, c.field, c.old, c.new) for c in schema_changes(old, new)}
    assert found == {
        ("t", "field_added", "c", None, "date"),
        ("t", "field_retyped", "b", "number", "integer"),
        ("t", "field_constraints", "a", None, '{"required": true}'),
        ("t", "primary_key", None, '"a"', '["a"]'),
        ("u", "table_added", None, None, None),
    }


def test_markdown_cells_cannot_break_the_table_or_mention_anyone() -> None:
    text = md("a | b `c` <img src=x> @org/team [l](http://x) **b** _i_ row_id.f1")
    assert "|" not in text and "`" not in text and "<" not in text and "@" not in text
    assert "[" not in text and "*" not in text and "row_id.f1" in text
    assert md("x\ny") == "x&#92;x0ay"  # a line break shown as \\x0a: one line per row


def test_key_of_a_composite_key() -> None:
    assert key_of(["a", "b"], "x|y|z") == {"a": "x", "b": "y|z"}


def test_the_json_schema_is_a_schema_that_refuses_what_it_should() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "szdata-diff/1"}, schema)


# -- exit statuses (fast: hand-made changes) -----------------------------------------------------


def test_an_unchanged_head_exits_0(repo: Path, capsys) -> None:
    code, out, _ = _run(capsys, "--path", str(repo), "HEAD", "--exit-code")
    assert code == 0 and "no differences" in out
    document = _json(capsys, repo, "HEAD")
    assert document["differs"] is False and document["tables"] == []
    assert document["counts"]["rows"] == {"added": 0, "removed": 0, "changed": 0, "review_only": 0}


def test_differences_exit_0_and_with_exit_code_1(repo: Path, capsys) -> None:
    _edit(repo / "data" / "figures.csv", lambda rows: rows[1:])
    assert _run(capsys, "--path", str(repo), "HEAD")[0] == 0
    assert _run(capsys, "--path", str(repo), "HEAD", "--exit-code")[0] == 1
    assert _run(capsys, "--path", str(repo), "HEAD", "--exit-code", "--format", "json")[0] == 1


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=x", "HEAD~5"])
def test_an_unknown_base_exits_2_naming_the_side(repo: Path, capsys, ref: str) -> None:
    code, out, err = _run(capsys, "--path", str(repo), "--format", "json", "--", ref)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error: BASE ") and ref in err
    assert json.loads(out) == {"ok": False, "exit_code": 2, "error": err[len("error: ") :].strip()}


def test_an_unknown_head_exits_2_naming_the_side(repo: Path, capsys) -> None:
    code, _, err = _run(capsys, "--path", str(repo), "HEAD", "no-such-head")
    assert code == 2 and err.startswith("error: HEAD no-such-head")


def test_a_folder_outside_git_exits_2(package_copy: Path, capsys) -> None:
    code, _, err = _run(capsys, "--path", str(package_copy), "HEAD")
    assert code == 2 and "not in a git repository" in err and "Traceback" not in err


def test_no_default_base_in_a_repository_of_one_commit_exits_2(repo: Path, capsys) -> None:
    code, _, err = _run(capsys, "--path", str(repo))
    assert code == 2 and err.startswith("error: BASE: no revision to compare with")


def test_an_unreadable_head_exits_2_naming_it(repo: Path, capsys) -> None:
    (repo / "datapackage.json").write_text("{not json", encoding="utf-8")
    code, _, err = _run(capsys, "--path", str(repo), "HEAD")
    assert code == 2 and err.startswith("error: HEAD (the working tree): datapackage.json")


def test_an_unreadable_base_exits_2_naming_it(repo: Path, capsys) -> None:
    good = (repo / "datapackage.json").read_bytes()
    (repo / "datapackage.json").write_text("{not json", encoding="utf-8")
    broken = _commit(repo, "a broken descriptor")
    (repo / "datapackage.json").write_bytes(good)
    code, _, err = _run(capsys, "--path", str(repo), "HEAD")
    assert code == 2 and err.startswith(f"error: BASE HEAD ({broken[:12]}): datapackage.json")


def test_a_table_that_is_not_utf8_exits_2_naming_the_side(repo: Path, capsys) -> None:
    path = repo / "data" / "figures.csv"
    path.write_bytes(path.read_bytes() + b"\xff\xfe\n")
    code, _, err = _run(capsys, "--path", str(repo), "HEAD")
    assert code == 2 and err.startswith("error: HEAD (the working tree): data/figures.csv")
    assert "text.utf8" in err


# -- what the document says (fast: hand-made changes) ---------------------------------------------


def test_json_names_exactly_the_rows_added_removed_and_changed(repo: Path, capsys) -> None:
    figures = repo / "data" / "figures.csv"
    _, rows = _rows(figures.read_text(encoding="utf-8"))
    gone, edited = rows[0]["figure_id"], rows[3]["figure_id"]
    extra = {**rows[5], "figure_id": f"{BRIEFING}.f9999", "start": "9999"}

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        out = [r for r in rows if r["figure_id"] != gone]
        for r in out:
            if r["figure_id"] == edited:
                r["counted"] = "hand-edited things"
        return [*out, extra]

    _edit(figures, edit)
    document = _json(capsys, repo, "HEAD")
    _assert_matches_oracle(document, _oracle(repo, "HEAD"))
    (table,) = document["tables"]
    (changed,) = table["changed"]
    assert changed["changes"] == [
        {"column": "counted", "old": rows[3]["counted"] or None, "new": "hand-edited things"}
    ]
    assert changed["article_id"] == rows[3]["article_id"] and changed["line"] >= 2
    assert table["removed"][0]["cells"]["quote"] == rows[0]["quote"]
    assert table["added"][0]["key"] == {"figure_id": f"{BRIEFING}.f9999"}


def test_a_changed_row_names_the_decision_that_explains_it(repo: Path, capsys) -> None:
    decision = {
        "decision_id": "D0100",
        "table": "figures",
        "key": CORRECTED,
        "action": "set",
        "column": "counted",
        "parsed_value": "sets of research equipment",
        "curated_value": "sets",
        "reason": "what was counted is the sets, the head of the phrase",
        "evidence": "3,625 sets of research equipment",
        "decided_on": "2024-01-02",
        "decided_by": "Fixture Curator",
    }
    _edit(repo / "data" / "curation" / "decisions.csv", lambda rows: [*rows, decision])

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if r["figure_id"] == CORRECTED:
                r["counted"], r["decision_ids"] = "sets", "D0100"
        return rows

    _edit(repo / "data" / "figures.csv", edit)
    document = _json(capsys, repo, "HEAD")
    (figures,) = [t for t in document["tables"] if t["table"] == "figures"]
    (row,) = figures["changed"]
    assert row["id"] == CORRECTED and row["article_id"] == BRIEFING
    assert {"column": "counted", "old": "sets of research equipment", "new": "sets"} in (
        row["changes"]
    )
    assert row["decisions"] == [
        {
            "decision_id": "D0100",
            "status": "added",
            "action": "set",
            "column": "counted",
            "reason": "what was counted is the sets, the head of the phrase",
        }
    ]
    (article,) = document["articles"]
    assert article["article_id"] == BRIEFING and article["status"] == "changed"
    assert article["title"] and article["published"] == "2020-03-20"


def test_rows_whose_only_change_is_review_status_are_summarised_not_listed(
    repo: Path, capsys
) -> None:
    def reopen(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if r["article_id"] == BRIEFING:
                r["review_status"] = "unreviewed"
        return rows

    for table in ("figures", "dates"):
        _edit(repo / "data" / f"{table}.csv", reopen)
    document = _json(capsys, repo, "HEAD")
    for t in document["tables"]:
        assert t["changed"] == [] and t["counts"]["changed"] == 0
        assert t["counts"]["review_only"] > 0
        (summary,) = t["review_only"]
        assert summary["article_id"] == BRIEFING and summary["rows"] == t["counts"]["review_only"]
        assert (summary["from"], summary["to"]) == ("reviewed", "unreviewed")
    text = _run(capsys, "--path", str(repo), "HEAD")[1]
    assert "REVIEW STATUS ONLY" in text and f"{BRIEFING}.f" not in text


def test_raw_texts_added_changed_and_deleted(repo: Path, capsys) -> None:
    raw = repo / "data" / "raw"
    first, second = sorted(raw.glob("*.txt"))
    first.write_bytes(first.read_bytes() + b"\n")
    second.unlink()
    shutil.copyfile(FIXTURE, raw / FIXTURE.name)
    document = _json(capsys, repo, "HEAD")
    by_status = {r["status"]: r for r in document["raw_texts"]}
    assert by_status["changed"]["path"] == f"data/raw/{first.name}"
    assert by_status["changed"]["head_bytes"] == by_status["changed"]["base_bytes"] + 1
    assert by_status["deleted"]["article_id"] == second.stem
    assert by_status["deleted"]["head_sha256"] is None and by_status["deleted"]["base_sha256"]
    assert by_status["added"]["article_id"] == NEW and by_status["added"]["base_bytes"] is None
    assert document["counts"]["raw_texts"] == {"added": 1, "changed": 1, "deleted": 1}
    base = _git(repo, "rev-parse", "HEAD").strip()
    _commit(repo, "texts added, changed and deleted")
    assert _json(capsys, repo, base, "HEAD")["raw_texts"] == document["raw_texts"]


def test_a_field_added_to_a_schema_is_a_schema_change(repo: Path, capsys) -> None:
    path = repo / "schemas" / "units.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "symbol", "type": "string"})
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    document = _json(capsys, repo, "HEAD")
    assert {
        "table": "units",
        "change": "field_added",
        "field": "symbol",
        "old": None,
        "new": "string",
    } in document["schema_changes"]
    assert document["differs"] and document["counts"]["schema_changes"] >= 1


def test_two_revisions_are_compared_without_the_working_tree(repo: Path, capsys) -> None:
    base = _git(repo, "rev-parse", "HEAD").strip()
    _edit(repo / "data" / "figures.csv", lambda rows: rows[1:])
    head = _commit(repo, "a figure less")
    (repo / "data" / "figures.csv").unlink()  # the working tree is not read
    document = _json(capsys, repo, base, head)
    assert document["head"]["commit"] == head and not document["head"]["working_tree"]
    assert document["counts"]["tables"]["figures"]["removed"] == 1


def test_a_package_in_a_folder_of_the_repository(tmp_path: Path, capsys) -> None:
    top = tmp_path / "repo"
    root = copy_package(top / "pkg")
    _git(top, "init", "-q")
    (top / "notes.txt").write_text("not the package\n", encoding="utf-8")
    _commit(top, "the package in a folder")
    _edit(root / "data" / "figures.csv", lambda rows: rows[1:])
    (root / "data" / "raw" / "stray.txt").write_text("a new text\n", encoding="utf-8")
    (top / "notes.txt").write_text("changed, and no part of the package\n", encoding="utf-8")
    document = _json(capsys, root, "HEAD")
    assert document["counts"]["tables"]["figures"]["removed"] == 1
    assert [r["path"] for r in document["raw_texts"]] == ["data/raw/stray.txt"]


def test_the_default_base_is_where_head_left_origin_main(repo: Path, capsys) -> None:
    first = _git(repo, "rev-parse", "HEAD").strip()
    _git(repo, "update-ref", "refs/remotes/origin/main", first)
    _edit(repo / "data" / "figures.csv", lambda rows: rows[1:])
    _commit(repo, "one")
    _edit(repo / "data" / "figures.csv", lambda rows: rows[1:])
    _commit(repo, "two")
    document = _json(capsys, repo)
    assert document["base"]["commit"] == first
    assert document["counts"]["tables"]["figures"]["removed"] == 2  # "one" and "two"
    _git(repo, "update-ref", "-d", "refs/remotes/origin/main")
    document = _json(capsys, repo)  # no origin/main: the parent commit
    assert document["base"]["commit"] == _git(repo, "rev-parse", "HEAD~1").strip()
    assert document["counts"]["tables"]["figures"]["removed"] == 1  # "two" only


def test_text_and_markdown_escape_what_a_contributor_wrote(repo: Path, capsys) -> None:
    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["counted"] = "evil\x1b[2J | <script> @everyone"
        return rows

    _edit(repo / "data" / "figures.csv", edit)
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "9.9.9\x1b[2J"
    (repo / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    text = _run(capsys, "--path", str(repo), "HEAD")[1]
    assert "\x1b" not in text and "\\x1b[2J" in text and "version 9.9.9\\x1b[2J" in text
    markdown = _run(capsys, "--path", str(repo), "HEAD", "--format", "markdown")[1]
    assert "\x1b" not in markdown and "<script>" not in markdown and "@everyone" not in markdown


def test_markdown_counts_first_then_removals_changes_and_capped_additions(
    repo: Path, capsys
) -> None:
    figures = repo / "data" / "figures.csv"
    _, rows = _rows(figures.read_text(encoding="utf-8"))
    extra = [{**rows[5], "figure_id": f"{BRIEFING}.f{9000 + i}"} for i in range(3)]

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[2]["counted"] = "hand-edited things"
        return [*rows[1:], *extra]

    _edit(figures, edit)
    code, out, _ = _run(capsys, "--path", str(repo), "HEAD", "--format", "markdown", "--limit", "1")
    assert code == 0 and out.startswith("## szdata diff")
    assert "package:" not in out  # stdout is the markdown alone (the package is on stderr)
    counts = out.index("| table | added | removed | changed |")
    removed = out.index("Removed: 1 row")
    changed = out.index("Changed cells: 1 row")
    added = out.index("Added: 3 rows")
    assert counts < removed < changed < added
    assert rows[0]["figure_id"] in out[removed:changed]
    assert "hand-edited things" in out[changed:added]
    assert "and 2 more added in `figures`" in out[added:]
    assert sum(f"{BRIEFING}.f90" in line for line in out[added:].splitlines()) == 1


# -- a real contribution (slow: add, review, correct, remove, commit) ----------------------------


@pytest.fixture(scope="module")
def contribution(tmp_path_factory) -> tuple[Path, str]:
    """The fixture package at its first commit (the base), then a contribution committed:
    an article added and reviewed, one figure corrected and another removed."""
    root = _repo(tmp_path_factory.mktemp("diff") / "pkg")
    base = _git(root, "rev-parse", "HEAD").strip()
    path = str(root)
    steps = [
        ["add", str(FIXTURE), "--path", path],
        ["review", NEW, "--accept", "--reviewer", "Fixture Reviewer", "--path", path],
        [
            "correct",
            f"figures:{CORRECTED}",
            "--set",
            "counted=sets",
            "--reason",
            "what was counted is the sets, the head of the phrase",
            "--evidence",
            "3,625 sets of research equipment",
            "--by",
            "Fixture Curator",
            "--path",
            path,
        ],
        [
            "correct",
            f"figures:{REMOVED}",
            "--remove",
            "--reason",
            "a duration, not a count",
            "--evidence",
            "More than a month",
            "--by",
            "Fixture Curator",
            "--path",
            path,
        ],
    ]
    for args in steps:
        assert main(args) == 0, args
    _commit(root, "a contribution")
    return root, base


@pytest.mark.slow
def test_a_contribution_names_every_row_added_changed_and_removed(contribution, capsys) -> None:
    root, base = contribution
    document = _json(capsys, root, base, "--limit", "0")
    _assert_matches_oracle(document, _oracle(root, base))
    figures = next(t for t in document["tables"] if t["table"] == "figures")
    (changed,) = figures["changed"]
    assert changed["id"] == CORRECTED
    assert {"column": "counted", "old": "sets of research equipment", "new": "sets"} in (
        changed["changes"]
    )
    assert [(d["action"], d["status"]) for d in changed["decisions"]] == [("set", "added")]
    (removed,) = figures["removed"]
    assert removed["id"] == REMOVED and removed["cells"]["quote"] == "More than a month"
    assert [(d["action"], d["reason"]) for d in removed["decisions"]] == [
        ("remove", "a duration, not a count")
    ]
    article = next(a for a in document["articles"] if a["status"] == "added")
    assert article["article_id"] == NEW
    assert article["title"] == "Longgang opens 40 testing booths for returning workers"
    assert article["published"] == "2020-04-14" and article["review_status"] == "reviewed"
    assert article["rows"]["figures"]["added"] == figures["counts"]["added"] > 0
    assert {r["path"] for r in document["raw_texts"]} == {f"data/raw/{NEW}.txt"}
    # the contribution is committed: HEAD the revision says what the working tree says
    assert _json(capsys, root, base, "HEAD", "--limit", "0")["tables"] == document["tables"]
    assert _json(capsys, root, "HEAD")["differs"] is False


@pytest.mark.slow
def test_a_contributions_markdown_names_the_removal_and_the_counts(contribution, capsys) -> None:
    root, base = contribution
    code, out, _ = _run(capsys, "--path", str(root), base, "--format", "markdown")
    assert code == 0
    assert re.search(r"\| `figures` \| \d+ \| \*\*1\*\* \| 1 \| 0 \|", out)
    removals = out[out.index("Removed: 1 row") : out.index("Changed cells")]
    assert REMOVED in removals and "a duration, not a count" in removals
    assert "Longgang opens 40 testing booths" in out[out.index("Added articles") :]
    text = _run(capsys, "--path", str(root), base)[1]
    assert REMOVED in text and "'sets of research equipment' -> 'sets'" in text


@pytest.mark.slow
def test_renderers_accept_every_document_the_schema_accepts(contribution, capsys) -> None:
    root, base = contribution
    document = _json(capsys, root, base, "--limit", "1")
    assert render_text(document).count("\n") > 10
    assert render_markdown(document).startswith("## szdata diff")
    assert all(sum(t["more"].values()) >= 0 for t in document["tables"])


# -- the site: szdata site --base ----------------------------------------------------------------


def _broken_links(site: Path) -> list[tuple[str, str]]:
    """Every link of every page of ``site`` whose file or anchor does not exist."""
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: set[str] = set()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("id"):
                self.ids.add(str(found["id"]))
            if tag == "a" and found.get("href"):
                self.hrefs.append(str(found["href"]))

    pages = {}
    for f in site.rglob("*.html"):
        page = Page()
        page.feed(f.read_text(encoding="utf-8"))
        pages[f.resolve()] = page
    broken = []
    for f, page in pages.items():
        for href in page.hrefs:
            if href.startswith(("http://", "https://")):
                continue
            name, _, anchor = href.partition("#")
            target = (f.parent / name).resolve() if name else f
            if not target.is_file() or (
                anchor and target in pages and anchor not in pages[target].ids
            ):
                broken.append((f.name, href))
    return broken


def test_site_base_adds_the_changes_page_and_marks_rows(repo: Path, tmp_path: Path, capsys) -> None:
    figures = repo / "data" / "figures.csv"
    _, rows = _rows(figures.read_text(encoding="utf-8"))
    (edited,) = [r["figure_id"] for r in rows if r["figure_id"] == CORRECTED]

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if r["figure_id"] == CORRECTED:
                r["counted"] = "sets"
        return [r for r in rows if r["figure_id"] != REMOVED]

    _edit(figures, edit)
    out = tmp_path / "site"
    capsys.readouterr()
    code = main(["site", str(out), "--path", str(repo), "--base", "HEAD", "--no-exports"])
    assert code == 0, capsys.readouterr().err
    assert "changes.html" in capsys.readouterr().out
    index = (out / "index.html").read_text(encoding="utf-8")
    queue = index[index.index('id="h-queue"') : index.index('id="h-articles"')]
    assert 'href="changes.html"' in queue and "Changes since HEAD" in queue
    changes = (out / "changes.html").read_text(encoding="utf-8")
    assert changes.index(REMOVED) < changes.index(edited)  # removals first
    assert "sets of research equipment" in changes and "sets" in changes
    assert f'href="articles/{BRIEFING}.html#r-{CORRECTED}"' in changes
    page = (out / "articles" / f"{BRIEFING}.html").read_text(encoding="utf-8")
    mark = re.search(rf'<mark class="([^"]*)" id="h-{re.escape(CORRECTED)}"', page)
    assert mark and "chg-changed" in mark.group(1).split()
    row = re.search(rf'<tr id="r-{re.escape(CORRECTED)}" class="([^"]*)"', page)
    assert row and "chg-changed" in row.group(1).split()
    assert "sets of research equipment → sets" in page
    assert page.count('data-change="') == 1  # the one changed row, nothing else
    assert _broken_links(out) == []


def test_site_with_an_unknown_base_exits_2_and_writes_nothing(
    repo: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "site"
    code = main(["site", str(out), "--path", str(repo), "--base", "nope", "--no-exports"])
    assert code == 2 and "BASE nope" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_site_marks_every_row_of_a_new_article(contribution, tmp_path: Path) -> None:
    root, base = contribution
    out = tmp_path / "site"
    assert main(["site", str(out), "--path", str(root), "--base", base, "--no-exports"]) == 0
    page = (out / "articles" / f"{NEW}.html").read_text(encoding="utf-8")
    ids = re.findall(r'<mark class="[^"]*" id="h-([^"]+)"[^>]*data-change="added"', page)
    highlighted = re.findall(
        r'<mark class="hl hl-(?:figure|date|mention)[^"]*" id="h-([^"]+)"', page
    )
    assert ids and sorted(ids) == sorted(highlighted)
    assert "New since" in page
    changes = (out / "changes.html").read_text(encoding="utf-8")
    assert f'href="articles/{NEW}.html"' in changes
    assert _broken_links(out) == []


# -- in CI ---------------------------------------------------------------------------------------


def test_the_workflow_writes_the_markdown_to_a_pull_requests_job_summary() -> None:
    import yaml

    from tests.test_ci import WORKFLOW

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    (step,) = [s for s in steps if "szdata diff" in s.get("run", "")]
    assert step["if"].startswith("github.event_name == 'pull_request'")
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    run = step["run"].strip()
    assert run == 'szdata diff "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"'
    assert "--exit-code" not in run and "${{" not in run  # differences never fail the run
    names = [s.get("name", "") for s in steps]
    first_tests = min(i for i, n in enumerate(names) if n.startswith("Tests"))
    assert names.index(step["name"]) < first_tests


def test_ci_run_prints_the_text_diff_when_there_is_a_base() -> None:
    from tests.test_ci import CI_RUN

    text = CI_RUN.read_text(encoding="utf-8")
    guarded = text.split('if [ -n "$base" ]; then', 1)[1].split("\nfi\n", 1)[0]
    lines = [line.strip() for line in guarded.splitlines()]
    assert 'szdata diff "$base"' in lines and "--exit-code" not in guarded


# -- the benchmark harness -----------------------------------------------------------------------


@pytest.mark.slow
def test_the_benchmark_changes_what_it_says_and_reports_ratios(tmp_path: Path, capsys) -> None:
    from benchmarks import diff as bench

    out = tmp_path / "results.md"
    args = ["--figures", "300", "--repeat", "1", "--workdir", str(tmp_path), "--output", str(out)]
    assert bench.main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "`szdata validate` (baseline)" in text and "/ validate" in text
    details = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    done = details["prepare"]["contribution"]
    counts = details["result"]["counts"]
    assert counts["changed"] == sum(t["changed"] for t in done.values())
    assert counts["removed"] == sum(t["removed"] for t in done.values())
    assert counts["added"] == sum(t["added"] for t in done.values())


# -- the README's example ------------------------------------------------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"


def _normalized(text: str) -> str:
    """The output without what changes from run to run: commits, today's dates, version."""
    text = re.sub(r"\(([0-9a-f]{12})\)", "(COMMIT)", text)
    text = re.sub(r"(reviewed_on|decided_on) '\d{4}-\d{2}-\d{2}'", r"\1 'TODAY'", text)
    return re.sub(r"version [^\s,]+", "version VERSION", text)


@pytest.mark.slow
def test_the_readme_shows_what_szdata_diff_prints(contribution, capsys) -> None:
    root, base = contribution
    _git(root, "update-ref", "refs/remotes/origin/main", base)
    readme = README.read_text(encoding="utf-8")
    block = readme.split("<!-- diff-example:start -->", 1)[1].split("<!-- diff-example:end -->")[0]
    command, shown = block.split("```text\n", 1)[1].split("```", 1)[0].split("\n", 1)
    assert command == "$ szdata diff origin/main --limit 2"
    code, out, _ = _run(capsys, "--path", str(root), "origin/main", "--limit", "2")
    out = "".join(line for line in out.splitlines(True) if not line.startswith("package: "))
    assert code == 0
    assert _normalized(shown) == _normalized(out), "update the README's diff-example block"


@pytest.mark.slow
def test_contributing_shows_what_the_job_summary_shows(contribution, capsys) -> None:
    root, base = contribution
    _git(root, "update-ref", "refs/remotes/origin/main", base)
    text = (README.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = text.split("```markdown\n", 1)[1].split("```", 1)[0]
    code, out, _ = _run(capsys, "--path", str(root), "origin/main", "--format", "markdown")
    assert code == 0
    lines = set(out.splitlines())
    missing = [ln for ln in block.splitlines() if ln != "..." and ln not in lines]
    assert missing == [], "update CONTRIBUTING.md's example of the job summary"


def test_the_default_base_is_the_one_ci_run_gives_validate(repo: Path) -> None:
    """``.ci/run`` finds the base of ``validate --base`` in shell; ``szdata diff`` in Python
    (:func:`szdata._disk._git.default_base`): both must name the same commit."""
    from szdata._disk._git import default_base
    from tests.test_ci import CI_RUN

    text = CI_RUN.read_text(encoding="utf-8")
    snippet = text[text.index('base=""') : text.index('if [ -n "$base" ]; then')]
    bash = shutil.which("bash")
    if bash is None or sys.platform == "win32":
        pytest.skip(".ci/run is a bash script for Linux and macOS")

    def shell() -> str | None:
        done = subprocess.run(
            [bash, "-c", snippet + 'printf %s "$base"'], cwd=repo, capture_output=True, text=True
        )
        return done.stdout.strip() or None

    assert default_base(repo) is None and shell() is None  # one commit, no origin/main
    first = _git(repo, "rev-parse", "HEAD").strip()
    _commit(repo, "two")
    assert default_base(repo) == shell() == first  # the parent commit
    _git(repo, "update-ref", "refs/remotes/origin/main", first)
    _commit(repo, "three")
    assert default_base(repo) == shell() == first  # where HEAD left origin/main
