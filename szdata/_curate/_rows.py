"""Rows written into a small curated table, its other lines kept byte for byte.

``add`` appends review rows and decisions, ``correct`` appends decisions, ``review``
replaces the review rows of the articles it reviews. Rewriting the whole table from its
records would cost every row (10,000 reviews in a large package) and would rewrite lines
that did not change (a cell quoted by hand, a CRLF file): the change would not show as
the rows it is. So the file is read and checked whole, as every command reads it, and
only the lines of the rows changed are written.

Examples
--------
>>> from szdata._disk._package import default_root, open_package
>>> pkg = open_package(default_root())
>>> row = {"article_id": "new_text", "status": "unreviewed"}
>>> with_rows(pkg, "reviews", append=[row]).decode().splitlines()[-1]
'new_text,unreviewed,,,,'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from szdata._disk._package import Package

Row = Mapping[str, str]


def with_rows(
    pkg: Package,
    table: str,
    *,
    replace: Mapping[str, Row] | None = None,
    append: Sequence[Row] = (),
) -> bytes:
    """The bytes of table ``table`` of ``pkg`` with rows replaced and rows appended.

    Parameters
    ----------
    replace
        New rows by the primary key (one column) of the rows they replace; each must be in
        the table.
    append
        Rows added after the last line.

    Every other line is kept as it is; new lines end as the file's last line does. When a
    row to replace spans several lines (a cell holding a line break), the table is written
    again from its records.

    Raises
    ------
    PackageError
        When the file has a CSV syntax issue or a header other than its schema's.
    KeyError
        When a row to replace is not in the table.
    """
    import polars as pl

    from szdata._disk._files import read_file
    from szdata._disk._readers import LINE, read_csv_bytes

    replace = dict(replace or {})
    rel = pkg.resource(table)["path"]
    header = pkg.schema(table).field_names
    data = read_file(pkg.root, rel)
    read = read_csv_bytes(data, file=rel).check(header)
    eol = "\r\n" if data.endswith(b"\r\n") else "\n"
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the file ends with a line ending: no line after it
    if replace:
        (key,) = pkg.schema(table).primary_key
        keys = read.frame.select(LINE, key)
        at = dict(keys.filter(pl.col(key).is_in(list(replace))).select(key, LINE).iter_rows())
        missing = [k for k in replace if k not in at]
        if missing:
            raise KeyError(f"no row {missing[0]!r} in {rel}")
        if len(lines) != keys.height + 1:  # a record over several lines: write every record
            rows = [replace.get(r[key], r) for r in read.records()]
            return _csv(header, rows, eol, with_header=True) + _csv(header, append, eol)
        for k, row in replace.items():
            line = lines[at[k] - 1]
            end = b"\r" if line.endswith(b"\r") else b""
            lines[at[k] - 1] = _csv(header, [row], "\n").rstrip(b"\n") + end
    body = b"\n".join(lines)
    if lines:
        body += b"\n"
    return body + _csv(header, append, eol)


def _csv(header: list[str], rows: Sequence[Row], eol: str, *, with_header: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator=eol, extrasaction="ignore")
    if with_header:
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")
