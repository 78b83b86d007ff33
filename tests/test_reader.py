"""The reader's fast path (polars) reads every file exactly as its slow path (csv) does.

The fast path proves the number of cells of each record without splitting lines in Python
(see ``szdata._disk._readers._fast``); these tests break that proof every way a file can:
short and long records that cancel out, blank lines, quoted commas, quoted line breaks and
quoted empty cells. Whatever the fast path accepts, it reads as the csv module does, with
the same issues; when it is not sure, it hands the file to the slow path.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szdata._disk._readers import _fast, _slow, read_csv_bytes


def _same(data: bytes) -> bool:
    """Whether the fast path read ``data`` (else it handed it on); asserts it agrees."""
    fast, slow = _fast(data, "t.csv"), _slow(data, "t.csv")
    if fast is None:
        return False
    assert fast.header == slow.header
    assert fast.frame.columns == slow.frame.columns
    assert fast.frame.rows() == slow.frame.rows()
    assert [(i.rule, i.line, i.value) for i in fast.issues] == [
        (i.rule, i.line, i.value) for i in slow.issues
    ]
    return True


def _quote(cell: str) -> str:
    if any(c in cell for c in ',"\n') or cell == "":
        return '"' + cell.replace('"', '""') + '"'
    return cell


def test_a_short_and_a_long_record_that_cancel_out_are_both_reported() -> None:
    data = b"a,b,c\n1,2\n3,4,5,6\n7,8,9\n"
    assert _same(data)
    assert [i.line for i in read_csv_bytes(data, file="t.csv").issues] == [2, 3]


def test_a_trailing_empty_extra_cell_is_reported() -> None:
    data = b"a,b\n1,2,\n3,4\n"
    assert _same(data)
    assert [i.rule for i in read_csv_bytes(data, file="t.csv").issues] == ["structure.row-length"]


def test_a_blank_line_goes_to_the_csv_module() -> None:
    for data in (b"a,b\n1,2\n\n3,4\n", b"a\n1\n\n3\n", b"a,b\r\n1,2\r\n\r\n3,4\r\n"):
        assert _fast(data, "t.csv") is None
        assert [i.rule for i in read_csv_bytes(data, file="t.csv").issues] == [
            "structure.blank-row"
        ]


def test_quoted_commas_line_breaks_and_empty_cells() -> None:
    assert _same(b'a,b\n"x, y",""\n"say ""hi""",z\n')
    assert _fast(b'a,b\n"x\ny",1\n', "t.csv") is None  # a cell over two lines
    assert read_csv_bytes(b'a,b\n"x\ny",1\n', file="t.csv").frame.rows() == [("x\ny", "1", 2)]


def test_the_hash_and_size_are_those_of_the_bytes_as_stored() -> None:
    data = b"\xef\xbb\xbfa,b\r\n1,2\r\n"
    table = read_csv_bytes(data, file="t.csv")
    assert (table.sha256, table.size) == (hashlib.sha256(data).hexdigest(), len(data))
    big = b"a,b\n" + b"1,2\n" * 400_000  # hashed in a thread while polars reads
    assert read_csv_bytes(big, file="t.csv").sha256 == hashlib.sha256(big).hexdigest()


_CELL = st.text(alphabet='ab,"\n é', max_size=4)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=8),
    eol=st.sampled_from(["\n", "\r\n"]),
    last_eol=st.booleans(),
)
def test_both_paths_agree_on_any_records(
    width: int, rows: list[list[str]], eol: str, last_eol: bool
) -> None:
    header = ",".join(f"c{i}" for i in range(width))
    lines = [header, *(",".join(_quote(c) for c in row) for row in rows)]
    data = (eol.join(lines) + (eol if last_eol else "")).encode()
    _same(data)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL, min_size=2, max_size=2), min_size=1, max_size=12),
    step=st.integers(min_value=1, max_value=9),
)
def test_the_numpy_counts_read_as_the_plain_ones(rows: list[list[str]], step: int) -> None:
    """Large files count line ends and look for doubled quotes with numpy, a few megabytes
    at a time: here every file is large, and the pieces are a few bytes, so that a doubled
    quote or a line end falls on every cut."""
    from szdata._disk import _readers

    pytest.importorskip("numpy")
    data = ("a,b\n" + "".join(",".join(_quote(c) for c in row) + "\n" for row in rows)).encode()
    plain = _fast(data, "t.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_readers, "_NUMPY_FROM", 0)
        patch.setattr(_readers, "_STEP", step)
        for start in range(len(data)):
            assert _readers._has_pair(data, b'"', start) == (data.find(b'""', start) >= 0)
            assert _readers._count(data, b"\n", start) == data.count(b"\n", start)
        counted = _fast(data, "t.csv")
    assert (plain is None) == (counted is None)
    if plain is not None and counted is not None:
        assert plain.frame.rows() == counted.frame.rows()


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=60),
    final=st.booleans(),
    block=st.sampled_from([1, 2, 5, 64, 1 << 16]),
    data=st.data(),
)
def test_lines_taken_by_number_are_the_lines_of_a_split(lines, final, block, data) -> None:
    """``read_csv_rows`` takes a draft's lines by number, without splitting 45 MB: the same
    lines as a split, whatever the block a count covers."""
    from szdata._disk import _readers

    raw = b"\n".join(lines) + (b"\n" if final and lines else b"")
    expected = raw.split(b"\n")
    if raw.endswith(b"\n") or not raw:
        expected.pop()
    taken = _readers._Lines.__new__(_readers._Lines)
    taken._BLOCK = block
    taken.__init__(raw)
    assert taken.count == len(expected)
    numbers = sorted(data.draw(st.sets(st.integers(1, max(1, len(expected))))))
    if expected:
        assert taken.take(numbers) == [expected[n - 1] for n in numbers]


@pytest.mark.parametrize("ragged", [False, True], ids=["even", "a short record"])
def test_a_large_file_is_read_into_columns_of_one_piece(ragged: bool) -> None:
    """Polars reads a file of some megabytes in pieces; the table's columns, its line
    numbers among them, come out in one piece each (else every later step joins them again),
    and the line numbers are those of the file."""
    rows = [b"r%d,name number %d\n" % (i, i) for i in range(200_000)]
    if ragged:
        rows[150_000] = b"short\n"
    table = read_csv_bytes(b"id,name\n" + b"".join(rows), file="t.csv")
    assert set(table.frame.n_chunks("all")) == {1}
    lines = table.frame["__line"]
    assert lines[0] == 2 and lines[-1] == 200_001 and lines.is_sorted()
    assert [i.line for i in table.issues] == ([150_002] if ragged else [])


def test_a_built_table_s_rows_by_their_lines_are_the_rows_read_whole(package_copy) -> None:
    import csv

    from szdata._disk._package import open_package
    from szdata._disk._readers import built_table_records, table_records

    pkg = open_package(package_copy)
    with (package_copy / "data" / "figures.csv").open(encoding="utf-8", newline="") as fh:
        ids = [r["figure_id"] for r in csv.DictReader(fh)]
    for where in [
        ("figure_id", ids[0]),
        ("figure_id", ids[-1]),
        ("figure_id", {ids[1], ids[-2]}),
        ("figure_id", "no-such-figure"),
        ("article_id", {ids[0].split(".")[0]}),
    ]:
        by_lines = built_table_records(pkg, "figures", where=where)
        assert by_lines == table_records(pkg, "figures", where=where), where


def test_a_table_with_a_record_over_two_lines_is_read_whole(package_copy) -> None:
    import csv
    import io

    from szdata._disk._package import open_package
    from szdata._disk._readers import built_table_records, table_records

    path = package_copy / "data" / "curation" / "organizations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("name")] = "Two\nlines"  # quoted over two lines: no line per record
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    path.write_text("".join([lines[0], out.getvalue(), *lines[2:]]), encoding="utf-8")
    pkg = open_package(package_copy)
    where = ("organization_id", cells[header.index("organization_id")])
    rows = built_table_records(pkg, "organizations", where=where)
    assert rows == table_records(pkg, "organizations", where=where)
    assert rows[0]["name"] == "Two\nlines"
