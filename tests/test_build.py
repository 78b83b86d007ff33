"""``szdata build``: the committed tables are what parse + decisions produce, byte for byte;
stale tables, stale decisions and bad raw texts are refused without writing anything."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from szdata import BuildError, ParseError
from szdata._commands._main import main
from szdata._curate._build import build, cell, parser_scores
from tests.conftest import REPO

BUILT = [
    "data/articles.csv",
    "data/items.csv",
    "data/figures.csv",
    "data/dates.csv",
    "data/mentions.csv",
    "datapackage.json",
]
DECISIONS = "data/curation/decisions.csv"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in BUILT}


def _add_decision(root: Path, **cells: str) -> None:
    path = root / DECISIONS
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    row = {
        "decision_id": "D9001",
        "column": "",
        "parsed_value": "",
        "curated_value": "",
        "reason": "test",
        "evidence": "test",
        "decided_on": "2026-11-23",
        "decided_by": "tests",
    } | cells
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([row.get(c, "") for c in header])


def test_check_passes_on_the_repository() -> None:
    result = build(REPO, check=True)
    assert result.changed == [], result.diff()
    assert result.ok


def test_cli_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--path", str(REPO), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_build_is_deterministic_and_writes_only_what_changed(package_copy: Path) -> None:
    before = _snapshot(package_copy)
    assert build(package_copy).changed == []
    for rel in BUILT[:-1]:
        (package_copy / rel).write_text("stale\n", encoding="utf-8")
    first = build(package_copy)
    assert sorted(first.changed) == sorted(BUILT[:-1]) and first.written
    assert _snapshot(package_copy) == before
    assert build(package_copy).changed == []
    assert _snapshot(package_copy) == before
    assert not list(package_copy.rglob("*.szdata-tmp"))


def test_edited_raw_text_fails_the_check_with_a_diff(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = package_copy / "data/raw/004_4c9b5674638746a7.txt"
    raw.write_bytes(raw.read_bytes().replace(b"5000 anti-epidemic", b"6000 anti-epidemic"))
    before = _snapshot(package_copy)
    assert main(["build", "--path", str(package_copy), "--check", "-q"]) == 1
    out = capsys.readouterr()
    # the first differing rows of each file (the article's rows are unreviewed again), then
    # a count of the rest
    assert "--- data/figures.csv (committed)\n+++ data/figures.csv (built)\n" in out.out
    assert re.search(r"^\.\.\. and \d+ more differing rows in data/figures\.csv$", out.out, re.M)
    assert '"hash": "sha256:' in out.out  # the descriptor's raw resource changes too
    every_row = build(package_copy, check=True).diff(max_rows=1000)
    removed = "-004_4c9b5674638746a7.f4849,004_4c9b5674638746a7,004_4c9b5674638746a7.i5,5000"
    added = "+004_4c9b5674638746a7.f4849,004_4c9b5674638746a7,004_4c9b5674638746a7.i5,6000"
    assert f"{removed}" in every_row and f"{added}" in every_row
    # a changed row's two lines are shown together
    lines = every_row.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(removed))
    assert lines[at + 1].startswith(added)
    assert "differ from what the build produces" in out.err
    assert _snapshot(package_copy) == before  # --check writes nothing
    assert main(["build", "--path", str(package_copy), "-q"]) == 0
    assert main(["build", "--path", str(package_copy), "--check", "-q"]) == 0


def test_edited_curation_row_fails_the_check(package_copy: Path) -> None:
    reviews = package_copy / "data/curation/reviews.csv"
    lines = reviews.read_text(encoding="utf-8").splitlines(keepends=True)
    reviews.write_text("".join(lines[:2]), encoding="utf-8")  # 004 loses its review
    result = build(package_copy, check=True)
    # the tables it marks unreviewed, and the descriptor: the hash and bytes of reviews.csv
    assert set(result.changed) == {*BUILT[:-1], "datapackage.json"}
    assert "unreviewed" in result.diff()


def test_new_alias_fails_the_check_until_rebuilt(package_copy: Path) -> None:
    with (package_copy / "data/curation/aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("Jianli County,european-union,a wrong alias added by a test\n")
    result = build(package_copy, check=True)
    assert result.changed == ["data/mentions.csv", "datapackage.json"]
    assert "Jianli County" in result.diff()


def test_stale_set_decision_is_refused(package_copy: Path) -> None:
    raw = package_copy / "data/raw/000_7a64f3334c1b3195.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Han XImin", b"Han Ximin"))
    before = _snapshot(package_copy)
    with pytest.raises(BuildError, match=r"D0004 .*expects the parser to read 'Han XImin'"):
        build(package_copy)
    assert _snapshot(package_copy) == before
    assert main(["build", "--path", str(package_copy)]) == 1


def test_decision_on_a_missing_row_is_refused(package_copy: Path) -> None:
    _add_decision(package_copy, table="figures", key="004_4c9b5674638746a7.f1", action="remove")
    with pytest.raises(BuildError, match=r"D9001 .*no longer produces"):
        build(package_copy, check=True)


def test_remove_and_add_decisions(package_copy: Path) -> None:
    _add_decision(package_copy, table="figures", key="004_4c9b5674638746a7.f4849", action="remove")
    row = {
        "article_id": "004_4c9b5674638746a7",
        "item_id": "004_4c9b5674638746a7.i5",
        "value": 1,
        "unit": "count",
        "counted": "thing",
        "qualifier": "exact",
        "start": 4849,
        "end": 4853,
        "quote": "5000",
    }
    _add_decision(
        package_copy,
        decision_id="D9002",
        table="figures",
        key="004_4c9b5674638746a7.f4849",
        action="add",
        curated_value=json.dumps(row),
    )
    build(package_copy)
    with (package_copy / "data/figures.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["figure_id"]: r for r in csv.DictReader(fh)}
    added = rows["004_4c9b5674638746a7.f4849"]
    assert (added["value"], added["counted"], added["origin"]) == ("1", "thing", "curation")
    assert added["review_status"] == "reviewed"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"table": "figures", "key": "x", "action": "rename"}, "action 'rename'"),
        ({"table": "units", "key": "x", "action": "note"}, "table 'units'"),
        ({"table": "figures", "key": "x", "action": "add", "curated_value": "{"}, "not a JSON"),
        (
            {"table": "articles", "key": "004_4c9b5674638746a7", "action": "set", "column": "nope"},
            "column 'nope'",
        ),
        (
            {
                "table": "figures",
                "key": "004_4c9b5674638746a7.f181",
                "action": "add",
                "curated_value": "{}",
            },
            "already exists",
        ),
    ],
    ids=["unknown-action", "not-a-built-table", "bad-json", "unknown-column", "add-existing"],
)
def test_malformed_decisions_are_refused(package_copy: Path, cells: dict, message: str) -> None:
    _add_decision(package_copy, **cells)
    with pytest.raises(BuildError, match=message):
        build(package_copy, check=True)


def test_article_without_publication_date_needs_a_decision(package_copy: Path) -> None:
    (package_copy / "data/raw/005_new.txt").write_text("A story\n\nShenzhen Daily said.", "utf-8")
    before = _snapshot(package_copy)
    with pytest.raises(BuildError, match="005_new has no publication date"):
        build(package_copy)
    assert _snapshot(package_copy) == before


def test_bad_raw_text_is_a_parse_error_and_nothing_is_written(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (package_copy / "data/raw/006_bad.txt").write_bytes(b"Title\n\ncaf\xe9")
    before = _snapshot(package_copy)
    with pytest.raises(ParseError, match=r"006_bad.txt:3: the file is not UTF-8"):
        build(package_copy)
    assert main(["build", "--path", str(package_copy)]) == 1
    assert "006_bad.txt:3" in capsys.readouterr().err
    assert _snapshot(package_copy) == before


def test_new_article_gets_its_raw_resource_and_source(package_copy: Path) -> None:
    src = REPO / "tests/fixtures/texts/fixture_mar_briefing.txt"
    (package_copy / "data/raw/007_fixture.txt").write_bytes(src.read_bytes())
    result = build(package_copy)
    assert "data/items.csv" in result.changed
    desc = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    raw = [r for r in desc["resources"] if r["name"].startswith("raw-")]
    assert [r["name"] for r in raw][-1] == "raw-007-fixture"
    assert raw[-1]["bytes"] == len(src.read_bytes())
    assert desc["sources"][-1]["title"].endswith("2020-03-25; address not known")
    with (package_copy / "data/articles.csv").open(encoding="utf-8", newline="") as fh:
        new = [r for r in csv.DictReader(fh) if r["article_id"] == "007_fixture"]
    assert new[0]["review_status"] == "unreviewed"


def test_parser_scores_are_at_least_095(fixture_package: Path) -> None:
    # on the fixture package: corrections added to the shipped data lower the parser's score
    scores = parser_scores(fixture_package)
    for table in ("figures", "dates", "mentions"):
        assert scores[table].precision >= 0.95, scores[table]
        assert scores[table].recall >= 0.95, scores[table]


def test_cli_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--path", str(REPO), "--scores"]) == 0
    out = capsys.readouterr().out
    assert "figures" in out and "precision" in out


def test_cli_scores_on_labelled_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    families = REPO / "tests" / "fixtures" / "texts" / "families"
    assert main(["build", "--path", str(REPO), "--scores", "--fixtures", str(families)]) == 0
    out = capsys.readouterr().out
    assert f"parser against labelled texts of {families}" in out
    assert "articles" in out.split("labelled texts")[1]  # the fixtures' own table of scores


@pytest.mark.parametrize(
    ("label", "says"),
    [
        pytest.param("{", "cannot be read as a labelled fixture", id="not-json"),
        pytest.param('{"items": [1]}', "a list of rows per table", id="rows-not-objects"),
        pytest.param("[" * 5000 + "]" * 5000, "cannot be read", id="nested-deep"),
    ],
)
def test_cli_scores_on_a_bad_label_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, says: str
) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "a.expected.json").write_text(label, encoding="utf-8")
    status = main(["build", "--path", str(REPO), "--scores", "--fixtures", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert says in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "text"),
    [(250000000.0, "250000000"), (97.5, "97.5"), (0.0, "0"), (None, ""), (3, "3"), ("a", "a")],
)
def test_cell(value: object, text: str) -> None:
    assert cell(value) == text


def test_the_descriptor_keeps_the_committed_blocks_of_untouched_articles(
    package_copy: Path,
) -> None:
    """A build of some articles puts the other articles' raw-text resources and sources in
    as the committed descriptor prints them: the very text a whole build prints."""
    from szdata._curate import _build
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    text = (package_copy / "datapackage.json").read_text(encoding="utf-8")
    ids = [r["article_id"] for r in _build.table_records(pkg, "articles")]
    assert len(ids) >= 2
    tables, _ = _build.build_tables(pkg)
    contents = {
        pkg.path_of(t).relative_to(pkg.root).as_posix(): _build._csv(pkg, t, tables[t])
        for t in _build.BUILT_TABLES
    }
    encoded = _build._Encoded()
    for rel, content in contents.items():
        encoded.add(rel, content)
    facts = encoded.facts
    whole = _build._descriptor(pkg, tables["articles"], facts)
    kept = _build._kept_blocks(text, ids, set(ids[1:]))
    assert kept is not None and set(kept.at) == set(ids[1:])
    assert _build._descriptor(pkg, tables["articles"], facts, kept=kept) == whole
    assert whole == text  # the package is built


@pytest.mark.parametrize("kept", [(), (0,), (1,), (0, 1)], ids=["none", "first", "second", "both"])
def test_kept_articles_are_put_in_as_printed_whatever_runs_they_make(
    package_copy: Path, kept: tuple[int, ...]
) -> None:
    from szdata._curate import _build
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    text = (package_copy / "datapackage.json").read_text(encoding="utf-8")
    ids = [r["article_id"] for r in _build.table_records(pkg, "articles")]
    tables, _ = _build.build_tables(pkg)
    encoded = _build._Encoded()
    for t in _build.BUILT_TABLES:
        encoded.add(pkg.path_of(t).relative_to(pkg.root).as_posix(), _build._csv(pkg, t, tables[t]))
    blocks = _build._kept_blocks(text, ids, {ids[n] for n in kept})
    assert blocks is not None
    printed = _build._descriptor(pkg, tables["articles"], encoded.facts, kept=blocks)
    assert printed == text


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: json.dumps(json.loads(t), indent=4),  # not as the build prints it
        lambda t: t.replace('"name": "raw-', '"name": "raw-x', 1),  # another article's block
        lambda t: t.replace('\n  "sources": [', '\n  "origins": [', 1),  # no sources
    ],
    ids=["indent", "other-name", "no-sources"],
)
def test_a_descriptor_not_as_printed_is_printed_whole(package_copy: Path, edit) -> None:
    from szdata._curate import _build
    from szdata._disk._package import open_package

    pkg = open_package(package_copy)
    text = (package_copy / "datapackage.json").read_text(encoding="utf-8")
    ids = [r["article_id"] for r in _build.table_records(pkg, "articles")]
    assert _build._kept_blocks(edit(text), ids, set(ids)) is None


_TABLE = b"row_id,article_id,x\na.1,a,1\na.2,a,2\nc,c,3\ne.1,e,4\n"
"""A built table in article order: each row's first cell is its article, or a key starting
with it and a dot."""


def _spliced_by_lines(data: bytes, rows: dict[str, list[str]]) -> bytes:
    """What :func:`szdata._curate._build._splice` must give, from the table's lines."""
    lines = data.decode().splitlines(keepends=True)
    kept = [ln for ln in lines[1:] if ln.split(",")[1] not in rows]
    new = [ln for article in rows for ln in rows[article]]
    return (lines[0] + "".join(sorted(kept + new, key=lambda ln: ln.split(",")[1]))).encode()


@pytest.mark.parametrize(
    "rows",
    [
        {"0": ["0.1,0,9\n"]},  # before the first article
        {"b": ["b.1,b,9\n", "b.2,b,9\n"]},  # between two
        {"z": ["z,z,9\n"]},  # after the last
        {"c": ["c,c,8\n"]},  # in place of an article's rows
        {"a": ["a.1,a,7\n"], "e": []},  # fewer rows; none
        {"a": [], "c": [], "e": []},  # every article's rows gone
        {"b": ["b,b,9\n"], "d": ["d,d,9\n"], "c": ["c,c,5\n"]},  # several, in any order
    ],
    ids=["first", "between", "last", "replaced", "fewer", "all-gone", "several"],
)
def test_splice_puts_the_rows_of_articles_where_a_whole_build_would(rows) -> None:
    import polars as pl

    from szdata._curate._build import _splice

    keys = pl.Series([ln.split(",")[1] for ln in _TABLE.decode().splitlines()[1:]])
    assert _splice(_TABLE, keys, rows) == _spliced_by_lines(_TABLE, rows)


@pytest.mark.parametrize(
    "data",
    [
        b'row_id,article_id,x\na.1,a,1\n"c",c,3\n',  # a quoted first cell, where it goes
        b'row_id,article_id,x\na.1,a,"1\n2"\nc,c,3\n',  # a record over two lines
        b"row_id,article_id,x\nc,a,1\nc,c,3\n",  # a first cell that is not its article's
        b"row_id,article_id,x\na.1,a,1\nc,c,3",  # no line break at the end
    ],
    ids=["quoted", "two-lines", "other-key", "no-final-break"],
)
def test_splice_refuses_a_table_not_laid_out_as_the_build_writes(data: bytes) -> None:
    """Then the caller builds everything: no row is put in a wrong place."""
    import polars as pl

    from szdata._curate._build import _splice

    assert _splice(data, pl.Series(["a", "c"]), {"b": ["b,b,9\n"]}) is None


def test_a_build_of_some_articles_gives_the_descriptor_json_loads_reads(
    package_copy: Path,
) -> None:
    """The draft's new descriptor is not parsed again: the build gives the object, its
    kept entries those of the descriptor it opened, said checked; the rest is new."""
    from szdata._curate._draft import draft

    with draft(package_copy, command="test") as d:
        pkg = d.package()
        ids = [r["article_id"] for r in _build_records(pkg)]
        assert d.is_built() and len(ids) >= 2
        d.write("data/curation/reviews.csv", d.read("data/curation/reviews.csv"))
        result = d.build(touched=[ids[0]])
        parsed, checked = result._parsed
        text = result.contents["datapackage.json"]
        assert parsed == json.loads(text)
        raws = [i for i, r in enumerate(parsed["resources"]) if r["name"].startswith("raw-")]
        assert checked["resources"] == set(raws[1:])  # every article's but the rebuilt one
        assert checked["sources"] == set(range(1, len(parsed["sources"])))
        kept = {id(r) for r in pkg.descriptor["resources"]}
        assert all(id(parsed["resources"][i]) in kept for i in checked["resources"])


def test_a_build_of_some_articles_gives_every_file_as_it_wrote_it(package_copy: Path) -> None:
    """Its tables are kept as bytes and decoded when read: the text is the file's, and the
    facts in the descriptor are those of the bytes written."""
    from szdata._curate._build import file_facts
    from szdata._curate._draft import draft

    with draft(package_copy, command="test") as d:
        ids = [r["article_id"] for r in _build_records(d.package())]
        assert d.is_built()
        d.write("data/curation/reviews.csv", d.read("data/curation/reviews.csv"))
        result = d.build(touched=[ids[-1]])
        listed = {
            r["path"]: r for r in json.loads(result.contents["datapackage.json"])["resources"]
        }
        assert set(result.contents) >= {"data/figures.csv", "datapackage.json"}
        for rel in result.contents:
            data = (d.copy / rel).read_bytes()
            assert result.contents[rel] == data.decode("utf-8"), rel
            if rel in listed:
                assert {k: listed[rel][k] for k in ("hash", "bytes")} == file_facts(data), rel


def _build_records(pkg):
    from szdata._curate._build import table_records

    return table_records(pkg, "articles")


def test_an_amount_hyphenated_as_an_adjective_is_built_and_validated(tmp_path: Path) -> None:
    """ "a 1.5-billion-yuan fund": the parser's row and the validator's reading of its quote
    agree (value, unit), and the package is valid."""
    import szdata
    from tests.fixture_package import build_fixture_package

    raw = tmp_path / "raw" / "998_00000000000000a1.txt"
    raw.parent.mkdir()
    raw.write_text(
        "Daily Briefing on Fighting against COVID-19(Mar. 25)\n\n"
        "Writer:  |  Editor: A. Tester  |  From: Foreign Affairs Office of Shenzhen Municipal "
        "Government  |  Updated: 2020-03-25 11:24:00\n\n"
        "1. The city set up a 1.5-billion-yuan fund and a 300 million-yuan loan for "
        "1,100-odd small firms run by people aged from 18 to 60. (Source: Shenzhen TV)\n",
        encoding="utf-8",
    )
    pkg = build_fixture_package(tmp_path / "pkg", [raw])
    figures = szdata.load("figures", path=pkg, backend="polars")
    rows = {
        r["quote"]: (r["value"], r["unit"], r["qualifier"]) for r in figures.iter_rows(named=True)
    }
    assert rows["1.5-billion-yuan"] == (1_500_000_000, "CNY", "exact")
    assert rows["300 million-yuan"] == (300_000_000, "CNY", "exact")
    assert rows["1,100-odd"] == (1100, "count", "more_than")
    assert rows["aged from 18 to 60"] == (18, "year", "exact")
    report = szdata.validate(pkg)
    assert report.ok, [i for i in report.issues if i.severity == "error"]
