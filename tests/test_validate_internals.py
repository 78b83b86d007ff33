"""The shortcuts that make ``szdata validate`` fast give the answers of the plain way.

Each shortcut is compared with what it replaces: templates of figure quotes with
``read_quantity`` on every quote, the indented-JSON writer with ``json.dumps``, the raw-text
reader with reading files one by one, the vectorised pre-filters with the Python rules, and
the order the checks run in (and the columns dropped after the first ones) with running
every check in the registry's order on whole tables.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import szdata
from benchmarks import make_package as gen
from szdata._core._errors import PackageError
from szdata._parse._quantities import QUALIFIER_PHRASES, SCALES, UnitWords, read_quantity
from szdata._validate import _checks, _item, _raw
from szdata._validate._json import dumps_indented
from szdata._validate._load import load
from szdata._validate._quotes import fast_path_sound, read_quotes
from szdata._validate._structural import check_structure
from tests.conftest import REPO
from tests.test_mutations import BRIEFING, run_json, set_cell

UNITS = UnitWords.load()

# -- figure quotes: templates read as read_quantity reads each quote -------------------------


def _plain(quote: str, units: UnitWords = UNITS) -> tuple[object, ...]:
    try:
        q = read_quantity(quote, units=units)
    except ValueError as exc:
        return (quote, None, None, None, str(exc), None)
    try:
        unit = units.unit_of(q.unit_word)
    except KeyError:
        unit = None
    return (quote, q.value, q.qualifier, unit, None, q.value_max)


def _same(quotes: list[str], units: UnitWords = UNITS) -> None:
    got = {r[0]: r for r in read_quotes(pl.Series(quotes, dtype=pl.String), units).rows()}
    assert set(got) == set(quotes)
    for quote in set(quotes):
        want, have = _plain(quote, units), got[quote]
        assert have[2:] == want[2:], quote
        assert (have[1] is None and want[1] is None) or have[1] == want[1], quote


EDGE_QUOTES = [
    "41,300", "more than 41,300 masks", "2.6 million yuan", "RMB 5 million", "RMB5 million",
    "97.5%", "about 84.7 percent", "a 14-day", "70-year-old", "14-day", "Seventeen",
    "Eighty-three", "More than a month", "24 out of 28", "twenty out of 28", "zero out of 5",
    "0", "0 yuan", "1,00", "1,000,00", ".5", "5.", "1.2.3", "12,345.678 yuan", "٣", "٣5",
    "5٣", "a٣ 5", "5 ٣", "9" * 400, "  41,300  ", "41\u00a0300", "over\u00a012", "1 2",
    "5,000 u.s. dollars", "up to 264,000 RMB", "nearly 519 billion yuan", "5 million million",
    "", "x", "4.1 billion yuan", "33.3 million", "0.35%", "5-8℃", "below 12℃", "from 30 to 50",
    "2-3 million", "one-fifth", "a third", "five-day", "37.3 degrees", "1.23456789012345678",
    "1.5-billion-yuan", "1.5 billion-yuan", "nearly 100-million-yuan", "3.25-trillion-yuan",
    "1.5-billion", "7-million-square-meter", "1,100-odd", "20-odd years", "some 300-odd",
    "5-8-odd", "aged from 18 to 60", "aged from 18",
]  # fmt: skip


def test_quote_templates_read_the_edge_cases_as_read_quantity() -> None:
    assert fast_path_sound(UNITS)
    _same(EDGE_QUOTES)


_WORDS = [*QUALIFIER_PHRASES, *SCALES, *UNITS.by_word, "a", "an", "out of", "-", "%", "-old"]
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.from_regex(r"[0-9]{1,7}(,[0-9]{3}){0,2}(\.[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["seventeen", "Twenty-one", "one hundred", "٣", ",", ".", "\u00a0", "  "]),
    st.text(alphabet="0123456789.,-% a\u2009", max_size=4),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=5).map(" ".join), max_size=12))
def test_quote_templates_read_generated_quotes_as_read_quantity(quotes: list[str]) -> None:
    _same(quotes)


def test_a_unit_word_with_a_digit_turns_the_shortcut_off(tmp_path: Path) -> None:
    src = (REPO / "data/curation/units.csv").read_text(encoding="utf-8").splitlines()
    header = src[0].split(",")
    row = dict.fromkeys(header, "")
    row |= {"unit": "m2", "dimension": "area", "words": "m2|2nd floor"}
    path = tmp_path / "units.csv"
    path.write_text("\n".join([*src, ",".join(row[h] for h in header)]) + "\n", encoding="utf-8")
    from szdata._disk._readers import read_csv_path

    units = UnitWords.from_records(read_csv_path(path).records())
    assert not fast_path_sound(units)
    _same(["5 m2", "12 2nd floor", "41,300 masks"], units)


# -- indented JSON ---------------------------------------------------------------------------

_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.lists(st.dictionaries(st.sampled_from(["a", "b%s", "é"]), inner, max_size=3)),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.sampled_from([1, 2, 4]))
def test_indented_json_is_byte_for_byte_json_dumps(obj: object, indent: int) -> None:
    assert dumps_indented(obj, indent) == json.dumps(
        obj, indent=indent, ensure_ascii=False, default=str
    )


_SHARED = [{"name": "other-closed", "title": "one list, shared by every record"}]
"""A nested value shared by several records, rendered once (as a descriptor's licences)."""


@pytest.mark.parametrize(
    "obj",
    [
        {"when": __import__("datetime").date(2020, 3, 20)},
        {1: "integer key"},
        [{"a": 1}, {"a": [1, {"b": None}]}, {"a": math.nan}],
        ("a", "tuple"),
        {"issues": [{"row": 2}, {"row": 3, "extra": True}, {}]},
        {"resources": [{"n": 1, "l": _SHARED}, {"n": 2, "l": _SHARED}, {"n": 3, "l": []}]},
        {"resources": [{"n": "%s", "l": [{"k": "%d"}]}, {"n": "%%", "l": {"k": [1, [2]]}}]},
        [{"a": 1, "b": 2}, {"a": {"x": 1}, "b": 2}, {"a": 3, "b": 4}, {"b": 5, "a": 6}],
    ],
    ids=[
        "date",
        "int-key",
        "nested-record",
        "tuple",
        "mixed-records",
        "shared-nested-value",
        "percent-signs-nested",
        "flat-after-nested",
    ],
)
def test_indented_json_of_other_values_is_json_dumps(obj: object) -> None:
    assert dumps_indented(obj) == json.dumps(obj, indent=2, ensure_ascii=False, default=str)


# -- raw texts -------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero: POSIX only")
def test_reading_a_file_that_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "text").write_bytes(b"abc")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "big").write_bytes(b"y" * (3 * 65536 + 5))
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")  # open() would wait for a writer without O_NONBLOCK
    os.symlink("/dev/zero", tmp_path / "device")  # endless: must not be read to its end
    os.symlink("text", tmp_path / "link")  # even a link to a file of the package
    read = _raw.read_raw_files(str(tmp_path), ["text", "empty", "big", "missing"])
    assert read.texts.to_list() == ["abc", "", "y" * (3 * 65536 + 5), None]
    for name, kind in [("folder", "a folder"), ("pipe", "a named pipe"),
                       ("device", "a symbolic link"), ("link", "a symbolic link")]:  # fmt: skip
        refused = rf"{name} is {kind}: .*\[provenance\.regular-file\]"
        with pytest.raises(PackageError, match=refused):
            _raw.read_raw_files(str(tmp_path), ["text", name])


def _raw_dir(tmp_path: Path, contents: list[bytes]) -> list[str]:
    (tmp_path / "raw").mkdir()
    for n, content in enumerate(contents):
        (tmp_path / "raw" / f"{n}.txt").write_bytes(content)
    return [f"raw/{n}.txt" for n in range(len(contents))]


def test_raw_texts_in_batches_are_the_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_raw, "_BATCH", 3)
    contents = [f"text {n}\u00a0’é\r\n".encode() * n for n in range(8)]
    paths = [*_raw_dir(tmp_path, contents), "raw/none.txt"]
    raw = _raw.read_raw_files(str(tmp_path), paths)
    assert raw.texts.to_list() == [c.decode() for c in contents] + [None]
    assert raw.sizes == [len(c) for c in contents] + [None]
    assert raw.digests[1] == __import__("hashlib").sha256(contents[1]).hexdigest()


@pytest.mark.parametrize("batch", [2, 100], ids=["across-batches", "one-batch"])
def test_the_first_bad_raw_text_in_order_is_reported(tmp_path: Path, monkeypatch, batch) -> None:
    monkeypatch.setattr(_raw, "_BATCH", batch)
    paths = _raw_dir(tmp_path, [b"ok", b"ok", b"caf\xe9", b"ok"])
    with pytest.raises(PackageError, match=r"raw/2\.txt is not UTF-8: .* at byte 3 \[text\.utf8\]"):
        _raw.read_raw_files(str(tmp_path), [*paths, "../outside.txt"])
    with pytest.raises(PackageError, match=r"unsafe path '\.\./outside\.txt'"):
        _raw.read_raw_files(str(tmp_path), [paths[0], "../outside.txt", paths[2]])


def test_the_background_reader_hands_over_its_error_and_stops(tmp_path: Path) -> None:
    paths = _raw_dir(tmp_path, [b"a", b"b"])
    with pytest.raises(PackageError, match="unsafe path"):
        _raw.RawReader(str(tmp_path), [*paths, "/etc/passwd"]).result()
    reader = _raw.RawReader(str(tmp_path), paths * 5000)
    reader.cancel()
    assert not reader._thread.is_alive()


# -- vectorised steps against their Python rules ---------------------------------------------


def test_rank_in_run() -> None:
    frame = pl.DataFrame({"a": ["x", "x", "y", "x", "x", "x"]})
    ranks = frame.select(_item._rank_in_run("a").alias("r"))["r"].to_list()
    assert ranks == [0, 1, 0, 0, 1, 2]


@pytest.mark.parametrize(
    ("printed", "reported"),
    [
        ("Updated:\u00a02020-03-20", False),  # as published: a no-break space
        ("Updated: 2020-03-20", False),
        ("Updated:\u20032020-03-20", False),  # a space for both polars and Python
        ("Updated:\x1c2020-03-20", False),  # a space for Python only: Python decides
        ("Updated:2020-03-20", False),
        ("Updated: 2020-03-21", True),
        ("Update: 2020-03-20", True),
    ],
    ids=["nbsp", "space", "em-space", "file-separator", "no-space", "other-date", "no-header"],
)
def test_header_basis_agrees_with_the_python_rule(
    printed: str, reported: bool, package_copy: Path, capsys
) -> None:
    raw = f"data/raw/{BRIEFING}.txt"
    text = (package_copy / raw).read_text(encoding="utf-8")
    assert text.count("Updated:\u00a02020-03-20") == 1
    (package_copy / raw).write_text(text.replace("Updated:\u00a02020-03-20", printed), "utf-8")
    _, report = run_json(package_copy, capsys)
    basis = [i for i in report["issues"] if i["rule"] == "article.published-basis"]
    assert bool(basis) is reported, basis


def test_title_basis_and_repeated_article_ids(package_copy: Path, capsys) -> None:
    # a second row for the briefing: the rules read the first row's raw text and date
    set_cell("articles", 3, "published_basis", "title")(package_copy)
    path = package_copy / "data/articles.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*rows, rows[2]]) + "\n", encoding="utf-8")
    _, report = run_json(package_copy, capsys)
    rules = {(i["rule"], i["row"]) for i in report["issues"]}
    assert ("structure.primary-key", 4) in rules
    assert not {r for r, _ in rules} & {"article.published-basis", "provenance.quote-span"}


# -- the order the checks run in -------------------------------------------------------------


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("internals") / "broken"
    gen.make_package(out, 1500, seed=11, errors=0.05)
    return out


def test_validate_reports_what_the_checks_report_in_registry_order(broken: Path) -> None:
    from szdata._validate import _ordered

    report = szdata.validate(broken)
    package = szdata.open_package(broken)
    ctx = load(package)
    issues = [*ctx.issues, *check_structure(ctx)]
    for check in _checks.CHECKS:  # every column kept, no background reading
        issues.extend(check(ctx))
    assert report.issues == _ordered(issues, package.table_names())
    assert len({i.rule for i in report.issues}) > 25


def test_the_checks_run_side_by_side_only_read_the_context(broken: Path) -> None:
    """After the first :data:`~szdata._validate._checks.READ_FIRST` checks, no check sets
    anything of the context or of a table (they run in threads, sharing it)."""
    package = szdata.open_package(broken)
    ctx = load(package)
    check_structure(ctx)
    for check in _checks.CHECKS[: _checks.READ_FIRST]:
        check(ctx)

    def state() -> dict[str, object]:
        seen: dict[str, object] = {k: id(v) for k, v in vars(ctx).items()}
        seen["issues"] = len(ctx.issues)
        for name, table in ctx.tables.items():
            seen |= {f"{name}.{k}": id(v) for k, v in vars(table).items()}
        return seen

    before = state()
    for check in _checks.CHECKS[_checks.READ_FIRST :]:
        check(ctx)
        assert state() == before, check.__name__


def _fake(name: str, result: list | Exception, *, delay: float = 0.0):
    import time

    def check(_ctx) -> list:
        time.sleep(delay)
        if isinstance(result, Exception):
            raise result
        return result

    check.__name__ = f"check_{name}"
    return check


@pytest.mark.parametrize("cores", [1, 2, 64], ids=["one core", "two cores", "many cores"])
def test_checks_side_by_side_give_their_issues_under_each_check(monkeypatch, cores: int) -> None:
    import threading

    from szdata._validate import _run

    monkeypatch.setattr(_run, "_cores", lambda: cores)
    monkeypatch.setattr(_run, "MAX_CHECK_THREADS", 3)  # many cores: no more than this
    threads: set[str] = set()

    def recorded(name: str, result: list, delay: float = 0.0):
        inner = _fake(name, result, delay=delay)

        def check(ctx) -> list:
            threads.add(threading.current_thread().name)
            return inner(ctx)

        check.__name__ = inner.__name__
        return check

    checks = [recorded("slow", ["a"], 0.05), *(recorded(f"c{i}", [i]) for i in range(8))]
    found: dict = {}
    steps: list[str] = []
    _run._run_side_by_side(checks, None, steps.append, found)
    assert [found[c] for c in checks] == [["a"], *([i] for i in range(8))]
    assert steps == ["slow", *(f"c{i}" for i in range(8))]
    assert len(threads) <= min(cores, 3)


def test_the_first_failing_check_in_order_is_the_error(monkeypatch) -> None:
    """A later check that fails sooner does not hide the error of an earlier one, and a
    failure stops the checks not yet started."""
    from szdata._validate import _run

    monkeypatch.setattr(_run, "_cores", lambda: 2)
    import time

    ran: list[int] = []

    def later(n: int):
        def check(_ctx) -> list:
            time.sleep(0.01)
            ran.append(n)
            return []

        return check

    late = _fake("late", PackageError("data/raw/a.txt is a symbolic link"), delay=0.1)
    soon = _fake("soon", PackageError("data/raw/b.txt is a named pipe"))
    with pytest.raises(PackageError, match=r"a\.txt is a symbolic link"):
        _run._run_side_by_side([late, soon, *map(later, range(50))], None, lambda _s: None, {})
    assert len(ran) < 50  # the checks not yet started were not run


def test_rule_columns_are_columns_of_the_schemas() -> None:
    package = szdata.open_package(REPO)
    for table, columns in _checks.RULE_COLUMNS.items():
        assert set(columns) <= set(package.schema(table).field_names), table


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="ab é€\n.", max_size=30), min_size=1, max_size=4),
    rows=st.lists(
        st.tuples(
            st.integers(0, 4),
            st.one_of(st.none(), st.integers(-40, 40)),
            st.one_of(st.none(), st.integers(0, 40)),
        ),
        max_size=30,
    ),
    long_from=st.sampled_from([0, 5, 10_000]),
    joined=st.booleans(),
)
def test_text_slices_cut_in_python_are_what_polars_cuts(texts, rows, long_from, joined) -> None:
    """The rules cut the rows of a long raw text in Python (polars counts the characters
    before each row's offset anew): the same strings as ``str.slice`` (a missing length
    cuts nothing), rows of articles without a text left out as a join leaves them."""
    import types

    import polars as pl

    from szdata._validate import _common

    ctx = types.SimpleNamespace(
        texts=pl.DataFrame(
            {
                "article_id": [f"a{i}" for i in range(len(texts))],
                _common.TEXT: texts,
                _common.LENGTH: [len(t) for t in texts],
            },
            schema_overrides={_common.LENGTH: pl.Int64},
        )
    )
    frame = pl.DataFrame(
        {
            "row": list(range(len(rows))),
            "article_id": [f"a{a}" for a, _, _ in rows],  # a4 may have no text
            "o": [o for _, o, _ in rows],
            "n": [n for _, _, n in rows],
        },
        schema={"row": pl.Int64, "article_id": pl.String, "o": pl.Int64, "n": pl.Int64},
    ).lazy()
    expected = (
        frame.join(ctx.texts.lazy(), on="article_id", how="inner")
        .select(
            "row",
            pl.col(_common.TEXT).str.slice(pl.col("o"), pl.col("n").fill_null(0)).alias("cut"),
        )
        .sort("row")
        .collect()
    )
    if joined:  # as a rule gives it: its rows joined with their texts already
        frame = frame.join(ctx.texts.lazy(), on="article_id", how="inner")
    original = _common.LONG_TEXT
    _common.LONG_TEXT = long_from
    try:
        got = _common.with_text_slices(ctx, frame, {"cut": (pl.col("o"), pl.col("n"))})
        got = got.select("row", "cut").sort("row").collect()
    finally:
        _common.LONG_TEXT = original
    assert got.to_dicts() == expected.to_dicts()


_EDGES = st.sampled_from(
    # the starts, ends and characters the text rules look for, one by one
    [
        *" \t\n\x00\x7f\u00a0\u200b\ufeff\u00ad=+-@|%0＝﹦ｘéÅﬁa1x",
        "%0A",
        "0x",
        "0X1b",
        "00_",
        "e\u0301",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.text(max_size=8), st.lists(_EDGES, max_size=4).map("".join)),
        min_size=1,
        max_size=30,
    ),
    curated=st.booleans(),
)
def test_every_cell_a_text_rule_flags_is_a_suspect(cells: list[str], curated: bool) -> None:
    """The cheap pass of the text rules (``SUSPECT``) lets through only cells that break
    none of them: every cell a precise check flags matches it."""
    from szdata._validate._text import SUSPECT, _text_checks

    frame = pl.DataFrame({"c": cells}, schema={"c": pl.String})
    checks = _text_checks("c", "c", curated)
    flagged = frame.select(pl.any_horizontal(c.mask.fill_null(False) for c in checks)).to_series()
    suspect = frame.select(pl.col("c").str.contains(SUSPECT).fill_null(False)).to_series()
    missed = [cell for cell, f, s in zip(cells, flagged, suspect, strict=True) if f and not s]
    assert missed == []


def test_an_id_starting_with_zero_is_no_suspect_and_a_hex_payload_is() -> None:
    from szdata._validate._text import SUSPECT

    cells = pl.Series(["000_7a64f3334c1b3195", "0x1b", "0X1B", "=1+1", "a "])
    assert cells.str.contains(SUSPECT).to_list() == [False, True, True, True, True]
