"""The one reader of the package's CSV files, tables and curated files alike.

Every command reads CSV through :func:`read_csv` (``validate``, ``build``, ``load``, ``add``,
``correct``, ``review``, the site and the exports), so a file is read the same way
everywhere: it never passes one command and crashes another. The reader follows RFC 4180
as Python's :mod:`csv` module reads it (what ``frictionless validate`` reads too):

* a UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped; LF, CRLF and old-Mac lone CR
  line endings are all line endings; a cell may be of any length;
* a record with fewer or more cells than the header is a ``structure.row-length`` issue (the
  missing cells are read as empty, the extra ones dropped); a blank line is a
  ``structure.blank-row`` issue (and skipped); a quote that does not open or close a cell
  (``a,b"c``) or a quoted cell never closed is a ``structure.csv-syntax`` issue, each with
  its file, line and column;
* bytes that are not UTF-8 are a :class:`~szdata.PackageError` (rule ``text.utf8``, exit 2),
  naming the line and byte; so is a file that is a link, a pipe or a device (see
  :mod:`szdata._disk._files`).

Cells are kept as text, exactly as stored (empty cells are null), with the line each
record starts on in column ``__line``. The fast path is polars; a file it cannot read the
same way as :mod:`csv` (lone CRs, blank lines, cells over several lines, malformed quotes,
ragged records) is read with :mod:`csv` instead, which gives the same cells and finds
every issue. A test compares both paths on generated files.

Examples
--------
>>> table = read_csv_bytes(b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n3\\r\\n", file="x.csv")
>>> table.header, table.frame.rows()
(['a', 'b'], [('1', '2', 2), ('3', None, 3)])
>>> [(i.rule, i.line) for i in table.issues]
[('structure.row-length', 3)]
"""

from __future__ import annotations

import csv
import dataclasses
import io
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szdata._core._errors import PackageError
from szdata._disk._cache import Sha256Ahead

if TYPE_CHECKING:
    import polars as pl

    from szdata._disk._package import Package

LINE = "__line"
"""The column holding the line each record starts on (the header is line 1)."""

Where = tuple[str, "str | frozenset[str] | set[str]"]
"""A column, and the text (or the texts) its records must hold (:meth:`CsvTable.records`)."""

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvIssue:
    """A problem of the file's CSV syntax, at a line (and column, when there is one)."""

    rule: str
    line: int
    column: str
    value: str | None
    message: str


@dataclass
class CsvTable:
    """A CSV file read as text: its header, its records and the syntax issues found."""

    file: str
    header: list[str]
    frame: pl.DataFrame
    """One ``String`` column per header name (empty cells null), and :data:`LINE`."""
    issues: list[CsvIssue] = field(default_factory=list)
    sha256: str = ""
    """The SHA-256 of the file's bytes as stored (a byte-order mark included), hex."""
    size: int = 0
    """The file's length in bytes, as stored."""

    def header_issue(self, expected: list[str]) -> CsvIssue | None:
        """A ``structure.header`` issue when the header is not ``expected``, else ``None``.

        Examples
        --------
        >>> t = read_csv_bytes(b"a,c\\n", file="x.csv")
        >>> t.header_issue(["a", "b"]).message
        "the header does not match the schema: column 'b' is missing; expected: a,b"
        """
        header = self.header
        if header == expected:
            return None
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        if not header:
            what, column = "the file is empty: a table needs at least its header row", ""
        elif missing:
            what, column = f"column {missing[0]!r} is missing", missing[0]
        elif unknown:
            what, column = f"column {unknown[0]!r} is not in the schema", unknown[0]
        elif len(header) != len(set(header)):
            repeated = next(c for c in header if header.count(c) > 1)
            what, column = f"column {repeated!r} is repeated", repeated
        else:
            first = next(
                i for i, (a, b) in enumerate(zip(header, expected, strict=False)) if a != b
            )
            what = (
                f"column {expected[first]!r} should be column {first + 1}, found {header[first]!r}"
            )
            column = expected[first]
        return CsvIssue(
            "structure.header",
            1,
            column,
            ",".join(header),
            f"the header does not match the schema: {what}; expected: {','.join(expected)}",
        )

    def check(self, expected: list[str] | None = None) -> CsvTable:
        """``self``, after raising :class:`~szdata.PackageError` for any issue (or wrong header).

        For the commands that need a well-formed file to go on (``build``, ``load``, ...):
        the message lists the first issues with file, line, column and rule, and says to
        run ``szdata validate`` for the rest.
        """
        _refuse_issues(self, expected)
        return self

    def records(self, *, where: Where | None = None) -> list[dict[str, str]]:
        """The records as dictionaries of text, empty cells as ``""`` (for small files).

        ``where``: only the records whose column (the first item) holds the text (the
        second), or one of the texts (a set of them), found by polars: one row of a large
        table costs no dictionary per row.
        """
        import polars as pl

        names = self.header
        frame = self.frame.select(names)
        if where is not None:
            column, wanted = where
            if isinstance(wanted, str):
                frame = frame.filter(pl.col(column) == wanted)
            else:
                frame = frame.filter(pl.col(column).is_in(sorted(wanted)))
        return [
            {n: "" if v is None else v for n, v in zip(names, row, strict=True)}
            for row in frame.iter_rows()
        ]


def _refuse_issues(table: CsvTable, expected: list[str] | None) -> None:
    """Raise :class:`~szdata.PackageError` for the issues of ``table`` (see ``check``)."""
    issues = list(table.issues)
    if expected is not None and (wrong := table.header_issue(expected)) is not None:
        issues.insert(0, wrong)
    elif not table.header:
        issues.insert(0, table.header_issue(["(a header)"]))  # type: ignore[arg-type]
    if issues:
        shown = "; ".join(
            f"{table.file}:{i.line}{' column ' + repr(i.column) if i.column else ''}: "
            f"[{i.rule}] {i.message}"
            for i in issues[:3]
        )
        more = f" (and {len(issues) - 3} more)" if len(issues) > 3 else ""
        raise PackageError(
            f"{shown}{more} (hint: fix the file; `szdata validate` lists every issue)"
        )


_SMALL = 1 << 20
"""Files up to this size are counted by :func:`count_records` with the csv module alone."""


def count_records(package: Package, name: str) -> int:
    """The number of records of table ``name``, refused if malformed (as :func:`table_frame`).

    A small file is read by the reader's csv path alone, which reads the same records as its
    polars path (a test compares them): ``szdata info`` then needs no polars.

    Raises
    ------
    PackageError
        When the file is missing, not UTF-8, or has a CSV syntax issue or a header other
        than its schema's.

    Examples
    --------
    >>> from szdata._disk._package import open_package
    >>> count_records(open_package(), "units") > 0
    True
    """
    from szdata._disk._files import read_file

    rel = package.resource(name)["path"]
    expected = package.schema(name).field_names
    data = read_file(package.root, rel)
    if len(data) > _SMALL:
        return read_csv_bytes(data, file=rel).check(expected).frame.height
    if data.startswith(BOM):
        data = data[len(BOM) :]
    text = _decode(data, rel)
    header, records, _starts, issues = _records(text) if text.strip() else ([], [], [], [])
    _refuse_issues(CsvTable(file=rel, header=header, frame=None, issues=issues), expected)  # type: ignore[arg-type]
    return len(records)


def read_csv(root: str | Path, rel: str) -> CsvTable:
    """Read the CSV file ``rel`` of the package at ``root`` (see the module docstring).

    Raises
    ------
    PackageError
        When the file is missing, not a regular file, or not UTF-8.
    """
    from szdata._disk._files import read_file

    return read_csv_bytes(read_file(root, rel), file=rel)


def read_table(package: Package, name: str) -> CsvTable:
    """Table ``name`` of ``package`` as read by :func:`read_csv` (issues kept, not raised)."""
    return read_csv(package.root, package.resource(name)["path"])


def table_records(
    package: Package, name: str, *, where: Where | None = None
) -> list[dict[str, str]]:
    """The records of table ``name`` as text (``""`` for empty cells), for small tables,
    or those whose column ``where[0]`` holds ``where[1]`` (a text, or a set of texts:
    :meth:`CsvTable.records`).

    Raises
    ------
    PackageError
        When the file has any CSV syntax issue or a header other than its schema's.
    """
    table = read_table(package, name).check(package.schema(name).field_names)
    return table.records(where=where)


def built_table_records(package: Package, name: str, *, where: Where) -> list[dict[str, str]]:
    """The records of table ``name`` whose column ``where[0]`` holds ``where[1]``, as
    :func:`table_records` gives them, read from their lines alone: for a built table that
    the caller knows is what the build wrote (a draft known built), whose other rows need no
    checking (``szdata correct`` looks one figure up among 100,000: 70 ms read whole at
    10,000 articles). Read whole, as :func:`table_records` does, when the file cannot be
    read line by line (a record over several lines).

    Raises
    ------
    PackageError
        When the lines read have a CSV syntax issue, or the header is not the schema's.

    Examples
    --------
    >>> from szdata._disk._package import open_package
    >>> pkg = open_package()
    >>> rows = built_table_records(pkg, "articles", where=("article_id", "000_7a64f3334c1b3195"))
    >>> [r["article_id"] for r in rows]
    ['000_7a64f3334c1b3195']
    """
    from szdata._disk._cache import known_sha256
    from szdata._disk._files import read_file

    rel = package.resource(name)["path"]
    column, wanted = where
    got = read_csv_rows(
        read_file(package.root, rel),
        file=rel,
        column=column,
        wanted={wanted} if isinstance(wanted, str) else wanted,
        keep=[column],
        sha256=known_sha256(package.root / rel),
    )
    if got is None:
        return table_records(package, name, where=where)
    return got[0].check(package.schema(name).field_names).records()


def table_frame(package: Package, name: str) -> pl.DataFrame:
    """Table ``name`` as text columns (empty cells null), refused if malformed (as above)."""
    table = read_table(package, name).check(package.schema(name).field_names)
    return table.frame.drop(LINE)


def read_csv_path(path: Path, *, file: str | None = None) -> CsvTable:
    """Read a CSV file given by its path (its folder is trusted; the file must be regular)."""
    from szdata._disk._files import read_file

    return read_csv_bytes(read_file(path.parent, path.name), file=file or str(path))


def read_csv_bytes(data: bytes, *, file: str) -> CsvTable:
    """Read the bytes of a CSV file (``file`` names it in messages).

    Raises
    ------
    PackageError
        When the bytes are not UTF-8 (rule ``text.utf8``).
    """
    hashed = Sha256Ahead(data)
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        table = _fast(body, file) or _slow(body, file)
    finally:
        table_hash = hashed.hexdigest()
    table.sha256, table.size = table_hash, len(data)
    return table


def read_csv_column(data: bytes, column: str) -> pl.Series | None:
    """The cells of one ``column`` of a CSV file's bytes (empty cells null), read by polars
    as :func:`read_csv_bytes` reads every column, the others skipped.

    For a file szdata wrote and knows unchanged (a build's table, found by its digest),
    where a command needs one column of 100,000 rows and not the whole checked table: a
    polars series, searched where it is (300,000 Python strings cost 20 ms to make).
    ``None`` when the header has no such column (or quotes), or polars refuses the file.

    Examples
    --------
    >>> read_csv_column(b'a,b\\n1,"x,y"\\n2,\\n', "b").to_list()
    ['x,y', None]
    """
    read = _some_columns(data, [column])
    return None if read is None else read[1].to_series(0)


def _some_columns(data: bytes, columns: list[str]) -> tuple[list[str], pl.DataFrame] | None:
    """The header of a CSV file's bytes and the cells of its ``columns``, read by polars as
    :func:`read_csv_bytes` reads every column, the others skipped. ``None`` when the header
    holds a quote, a name twice or not every one of ``columns``, or polars refuses the file.
    """
    import polars as pl

    eol = data.find(b"\n")
    header_bytes = (data if eol < 0 else data[:eol]).rstrip(b"\r")
    if b'"' in header_bytes:
        return None
    header = header_bytes.decode("utf-8", errors="replace").split(",")
    if not set(columns) <= set(header) or len(set(header)) != len(header):
        return None
    try:
        return header, _polars_read(data, header, extra=False, columns=columns)
    except pl.exceptions.PolarsError:
        return None


def read_csv_rows(
    data: bytes,
    *,
    file: str,
    column: str,
    wanted: Collection[str],
    keep: Sequence[str],
    sha256: str | None = None,
) -> tuple[CsvTable, pl.DataFrame] | None:
    """The records of a CSV file whose ``column`` holds one of ``wanted``, read and checked
    as :func:`read_csv_bytes` reads a file, with their line numbers in the file; and the
    columns ``keep`` of every record, with :data:`LINE`.

    For a table of which only some records changed since it was found valid (a draft's:
    :func:`szdata._validate.validate_articles`), so that 10,000 articles' rows are not all
    read and checked again for one. The table's ``sha256`` and ``size`` are the whole
    file's. ``None`` when that cannot be done line by line (a record over several lines,
    a header with quotes, a file polars refuses): then read the whole file. ``sha256``:
    the digest of ``data`` when it is known (this process wrote the file,
    :func:`~szdata._disk._cache.note_sha256`); else it is computed while polars reads.

    Examples
    --------
    >>> data = b'id,a\\nx,1\\ny,"2,5"\\nx,3\\n'
    >>> table, every = read_csv_rows(data, file="t.csv", column="id", wanted={"y"}, keep=["id"])
    >>> table.frame.rows(), every.rows()
    ([('y', '2,5', 3)], [('x', 2), ('y', 3), ('x', 4)])
    """
    import polars as pl

    if data.startswith(BOM):
        return None
    hashing = None if sha256 is not None else Sha256Ahead(data)  # while polars reads
    read = _some_columns(data, list(dict.fromkeys([column, *keep])))
    if read is None:
        if hashing is not None:
            hashing.hexdigest()
        return None
    header, every = read
    lines = _Lines(data)
    if lines.count != every.height + 1:
        if hashing is not None:
            hashing.hexdigest()
        return None  # a record over several lines, or a blank line
    every = with_lines(every)
    picked = every.filter(pl.col(column).is_in(sorted(wanted)))[LINE].to_list()
    part = read_csv_bytes(b"\n".join(lines.take([1, *picked])) + b"\n", file=file)
    part.sha256 = sha256 if hashing is None else hashing.hexdigest()
    part.size = len(data)
    if part.frame.height != len(picked) or part.header != header:
        return None
    at = [1, 1, *picked]  # a line of the part -> its line in the file
    part.frame = part.frame.with_columns(pl.Series(LINE, picked, dtype=pl.Int64))
    part.issues = [dataclasses.replace(i, line=at[i.line]) for i in part.issues]
    return part, every.select(*keep, LINE)


class _Lines:
    """The lines of ``data`` (split at ``\\n``; a last line ending ends no empty line),
    taken by number without splitting the whole of it: 300,000 lines are counted block by
    block (a count runs at the speed of memory), and a line is looked for from the start
    of its block, or from the line taken before it.

    Examples
    --------
    >>> lines = _Lines(b"a\\nbc\\n\\nd\\n")
    >>> lines.count, lines.take([1, 2, 3, 4])
    (4, [b'a', b'bc', b'', b'd'])
    """

    _BLOCK = 1 << 16

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = []  # the line (0-based) holding the first byte of each block
        breaks = 0
        for at in range(0, len(data), self._BLOCK):
            self.starts.append(breaks)
            breaks += data.count(b"\n", at, at + self._BLOCK)
        self.count = breaks + (0 if data.endswith(b"\n") or not data else 1)

    def take(self, numbers: list[int]) -> list[bytes]:
        """Lines ``numbers`` (1-based, ascending, at most :attr:`count`), without their ending."""
        import bisect

        data, out = self.data, []
        line, at = 0, 0  # a line (0-based) and where it starts
        for number in numbers:
            k = number - 1
            block = bisect.bisect_right(self.starts, k) - 1
            if not line <= k < line + 256:  # far ahead: from its block
                line = self.starts[block]
                if line == k:  # it holds the block's first byte
                    at = data.rfind(b"\n", 0, block * self._BLOCK) + 1
                else:
                    at = data.index(b"\n", block * self._BLOCK) + 1
                    line += 1
            for _ in range(k - line):
                at = data.index(b"\n", at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end
            out.append(data[at:end])
            line, at = k + 1, end + 1
        return out


def read_text_table(path: Path) -> pl.DataFrame:
    """A CSV file's records as text columns (empty cells null), refused if malformed.

    Raises
    ------
    PackageError
        When the file is not UTF-8, not a regular file, or has any CSV syntax issue.
    """
    table = read_csv_path(path).check()
    return table.frame.drop(LINE)


def read_header(path: Path) -> list[str]:
    """The header row of a CSV file, as :func:`read_csv` reads it."""
    return read_csv_path(path).header


# -- decoding --------------------------------------------------------------------------------


def _utf8_error(file: str, data: bytes, exc: UnicodeDecodeError) -> PackageError:
    line = data.count(b"\n", 0, exc.start) + 1
    return PackageError(
        f"{file} is not UTF-8 ({exc.reason} at byte {exc.start}, line {line}) [text.utf8] "
        "(hint: re-save it as UTF-8)"
    )


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _utf8_error(file, data, exc) from None


# -- the fast path: polars, when it reads the file as csv would --------------------------------


def _fast(data: bytes, file: str) -> CsvTable | None:
    """The table read by polars, or ``None`` when polars might read it otherwise than csv.

    Polars is used when every record is one line (no cell holds a line break), no line is
    blank, every line ending is LF or CRLF, the header holds no quote, and polars parses
    every quote as RFC 4180 says (it raises otherwise). Polars also checks that the cells
    are UTF-8.

    The number of cells of every record is proven without splitting lines in Python: polars
    refuses a record with more cells than the header, and the commas of the file that are
    not inside a cell are then exactly ``(columns - 1) * records`` only if no record has
    fewer (a blank line, which polars reads as a record of empty cells, has fewer).
    Otherwise the cells of each line are counted on the line (:func:`_ragged`).
    """
    import polars as pl

    if not data or data.isspace():
        return None
    has_cr = b"\r" in data
    if has_cr and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone CR
    eol = data.find(b"\n")
    header_bytes = (data if eol < 0 else data[:eol]).rstrip(b"\r")
    if b'"' in header_bytes:
        return None
    try:
        header = header_bytes.decode("utf-8").split(",")
    except UnicodeDecodeError:
        _decode(data, file)  # names the first bad byte of the file
        raise

    if len(set(header)) != len(header) or any(not h or h.startswith("__") for h in header):
        return None  # let csv read it: the caller reports the header
    width = len(header)
    body = eol + 1 if eol >= 0 else len(data)
    if width == 1 and (b"\n\n" in data or b"\n\r\n" in data):
        return None  # a blank line: with one column, a record of one empty cell to polars
    try:
        frame = _polars_read(data, header, extra=False)
    except pl.exceptions.PolarsError:  # a record with too many cells, or not UTF-8, or ...
        try:
            frame = _polars_read(data, header, extra=True)
        except pl.exceptions.PolarsError:
            _decode(data, file)  # a UTF-8 error is reported as such
            return None
        return _ragged(data, file, frame, header)
    empty: list[str] = []
    if data.find(b'"', body) < 0:  # no quoted cell: every comma separates two cells
        separators = _count(data, b",", body)
    else:
        # every byte of the records is a cell's, a separator, a line ending or a quote;
        # polars refused any quote that does not open, close or double (RFC 4180), so the
        # quotes are two per quoted cell and two per quote inside a cell
        newlines = _count(data, b"\n", 0)
        n_lines = newlines + (0 if data.endswith(b"\n") else 1)
        if frame.height != n_lines - 1:
            return None  # a cell over several lines: csv gives the line numbers
        doubled = _has_pair(data, b'"', body)
        stats = frame.select(
            pl.sum_horizontal(pl.col(header).str.len_bytes().sum()).alias("__bytes"),
            *(
                [
                    pl.sum_horizontal(
                        pl.col(header).str.count_matches('"', literal=True).sum()
                    ).alias("__quotes"),
                    *((pl.col(c) == "").any().alias(f"__empty{i}") for i, c in enumerate(header)),
                ]
                if doubled
                else []
            ),
        ).row(0)
        in_cells = (stats[0] or 0) - (stats[1] or 0 if doubled else 0)
        # the line ends of the records: every one but the header's
        endings = newlines - (1 if eol >= 0 else 0) + (_count(data, b"\r", body) if has_cr else 0)
        separators = len(data) - body - in_cells - endings - _count(data, b'"', body)
        if doubled:
            empty = [c for c, e in zip(header, stats[2:], strict=True) if e]
    if separators != (width - 1) * frame.height:
        return _ragged(data, file, _polars_read(data, header, extra=True), header)
    # a quoted empty cell ("") is empty too, as csv reads it (polars keeps it as "")
    nulls = [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in empty]
    frame = with_lines(frame.with_columns(*nulls) if nulls else frame)
    return CsvTable(file=file, header=header, frame=frame)


def with_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (the records of a file, from its second line) with :data:`LINE`, the line of
    each record, as its last column; every column in one piece.

    Polars reads a large file in pieces (62 at 1,000,000 figures); a column made in one
    piece beside them (``int_range``, ``with_row_index``) makes every later operation on
    the frame join the pieces again: a ``select`` of one column of 1,000,000 rows took
    11-57 ms, and 0.3 ms once the frame is put in one piece (12 ms, once).

    Examples
    --------
    >>> import polars as pl
    >>> with_lines(pl.DataFrame({"a": ["x", "y"]})).rows()
    [('x', 2), ('y', 3)]
    """
    import polars as pl

    return frame.rechunk().with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(LINE))


_NUMPY_FROM = 1 << 25
"""Bytes from which :func:`_count` counts with numpy, when installed (ten times faster; from
a megabyte when numpy is imported already)."""


_STEP = 1 << 23
"""Bytes numpy compares at a time (8 MB: the comparison's array stays small)."""


def _numpy_view(data: bytes, start: int) -> Any:
    """``data[start:]`` as a numpy array of bytes (no copy), when ``data`` is large enough
    for numpy to be worth it and numpy is installed; else ``None``."""
    if len(data) >= _NUMPY_FROM or (len(data) >= 1 << 20 and "numpy" in sys.modules):
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy comes with pandas, pyarrow, ...
            return None
        return np.frombuffer(data, dtype=np.uint8, offset=start)
    return None


def _count(data: bytes, byte: bytes, start: int) -> int:
    """How many times the one ``byte`` occurs in ``data[start:]``."""
    view = _numpy_view(data, start)
    if view is None:
        return data.count(byte, start)
    import numpy as np

    return sum(
        int(np.count_nonzero(view[i : i + _STEP] == byte[0])) for i in range(0, len(view), _STEP)
    )


def _has_pair(data: bytes, byte: bytes, start: int) -> bool:
    """Whether ``byte`` occurs twice in a row in ``data[start:]`` (``bytes.find`` of two bytes
    reads 1.3 GB/s; numpy five times as fast).

    Examples
    --------
    >>> _has_pair(b'a,"b""c"', b'"', 0), _has_pair(b'a,"b"', b'"', 0)
    (True, False)
    """
    view = _numpy_view(data, start)
    if view is None:
        return data.find(byte * 2, start) >= 0
    for i in range(0, len(view), _STEP):
        same = view[i : i + _STEP + 1] == byte[0]  # one byte more: a pair across the cut
        if (same[:-1] & same[1:]).any():
            return True
    return False


def _polars_read(
    data: bytes, header: list[str], *, extra: bool, columns: list[str] | None = None
) -> pl.DataFrame:
    """The records of ``data`` (its header skipped), every column ``String``.

    With ``extra``, a column ``__extra`` takes the first cell past the header's (and the
    others are dropped); without, polars raises on a record with too many cells.
    ``columns``: only these columns of the header are kept (the others are not built).
    """
    import polars as pl

    schema = {name: pl.String for name in header}
    if extra:
        schema["__extra"] = pl.String
    return pl.read_csv(
        data,
        has_header=False,
        skip_rows=1,
        schema=schema,
        columns=None if columns is None else [header.index(c) for c in columns],
        truncate_ragged_lines=extra,
        missing_columns="insert",
        empty_string_is_null=True,
        raise_if_empty=False,
        quote_char='"',
    )


def _ragged(data: bytes, file: str, frame: pl.DataFrame, header: list[str]) -> CsvTable | None:
    """The table, with ``structure.row-length`` issues: the cells of each line, counted
    outside quoted cells (``frame`` has ``__extra``); ``None`` for the csv module to read a
    blank line or a cell over several lines."""
    import polars as pl

    width = len(header)
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if frame.height != n_lines - 1:
        return None  # a cell over several lines: csv gives the line numbers
    text = _decode(data, file) if not data.isascii() else data.decode("ascii")
    lines = pl.Series(text.split("\n")[1:n_lines], dtype=pl.String).str.strip_suffix("\r")
    del text
    if (lines == "").any():
        return None  # a blank line
    counts = lines.str.replace_all(r'"(?:[^"]|"")*"', "").str.count_matches(",") + 1
    frame = with_lines(
        frame.with_columns(*(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in header))
    )
    ragged = frame.with_columns(counts.alias("__cells")).filter(pl.col("__cells") != width)
    issues = [
        _row_length(line, n, width, "" if extra is None and n > width else extra)
        for line, n, extra in ragged.select(LINE, "__cells", "__extra").iter_rows()
    ]
    return CsvTable(file=file, header=header, frame=frame.drop("__extra"), issues=issues)


def _row_length(line: int, cells: int, width: int, extra: str | None) -> CsvIssue:
    if cells > width:
        return CsvIssue(
            "structure.row-length",
            line,
            "",
            extra,
            f"the row has {cells} cells, more than the {width} columns of the header "
            f"(first extra cell: {extra!r})",
        )
    return CsvIssue(
        "structure.row-length",
        line,
        "",
        None,
        f"the row has {cells} cells, fewer than the {width} columns of the header "
        "(the missing cells are read as empty)",
    )


# -- the slow path: the csv module -------------------------------------------------------------


def _slow(data: bytes, file: str) -> CsvTable:
    import polars as pl

    text = _decode(data, file)
    if not text.strip():  # no header: the caller says the file is empty
        return CsvTable(
            file=file, header=[], frame=pl.DataFrame({LINE: []}, schema={LINE: pl.Int64})
        )
    header, records, starts, issues = _records(text)
    columns: list[list[str | None]] = [[] for _ in header]
    for record in records:
        for i, column in enumerate(columns):
            value = record[i] if i < len(record) else ""
            column.append(value if value != "" else None)
    # built with the lines, so that a header of no names still has its records' rows
    frame = pl.DataFrame(
        [
            *(pl.Series(name, cells, dtype=pl.String) for name, cells in _named(header, columns)),
            pl.Series(LINE, starts, dtype=pl.Int64),
        ]
    )
    return CsvTable(file=file, header=header, frame=frame, issues=issues)


def _records(text: str) -> tuple[list[str], list[list[str]], list[int], list[CsvIssue]]:
    """The header, records, their first lines and the issues of a CSV text, read by csv."""
    issues: list[CsvIssue] = []
    issues.extend(_syntax_issues(text))
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    _unlimited_fields()
    header: list[str] | None = None
    records: list[list[str]] = []
    starts: list[int] = []
    line = 1
    try:
        for record in reader:
            if header is None:
                header = record
            elif not record:
                issues.append(CsvIssue("structure.blank-row", line, "", None, "the line is blank"))
            else:
                records.append(record)
                starts.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:  # e.g. a NUL byte on an old Python: reported, nothing read after
        issues.append(CsvIssue("structure.csv-syntax", line, "", None, f"not CSV: {exc}"))
    header = header or []
    width = len(header)
    for record, start in zip(records, starts, strict=True):
        if len(record) != width:
            extra = record[width] if len(record) > width else None
            issues.append(_row_length(start, len(record), width, extra))
    issues.sort(key=lambda i: i.line)
    return header, records, starts, issues


def _named(header: list[str], columns: list[list[str | None]]) -> list[tuple[str, list]]:
    """Columns under their header names; a repeated or empty name gets a placeholder."""
    seen: set[str] = set()
    out = []
    for i, (name, cells) in enumerate(zip(header, columns, strict=True)):
        key = name if name and name not in seen and name != LINE else f"__column{i + 1}"
        seen.add(key)
        out.append((key, cells))
    return out


def _unlimited_fields() -> None:
    """Let the csv module read cells of any length (its default limit is 131,072 characters)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # pragma: no cover - 32-bit C long
            limit //= 2


def _syntax_issues(text: str) -> list[CsvIssue]:
    """``structure.csv-syntax``: quotes that neither open nor close a cell, unclosed cells.

    Read with the csv module's ``strict`` mode, which stops at the first such quote; the
    file is then read leniently (as frictionless reads it) for the other rules.
    """
    _unlimited_fields()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1  # where the record being read starts
    try:
        for _ in reader:
            line = reader.line_num + 1
    except csv.Error as exc:
        where = line if "end of data" in str(exc) else reader.line_num
        return [
            CsvIssue(
                "structure.csv-syntax",
                where,
                "",
                None,
                f"the line is not well-formed CSV ({exc}): a quote inside a cell must be "
                'doubled ("") and the cell quoted, and every quoted cell closed',
            )
        ]
    return []
