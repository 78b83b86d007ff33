"""Load a package for validation: every table as text and typed frames, and the raw texts.

Each table is read once with polars, every column as text; a ``__line`` column holds the
row's line number in the CSV file (header = line 1). A table whose header is wrong is
reported and not loaded, so that no rule runs on columns that are not what they claim.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._errors import PackageError
from szdata._validate._report import Issue
from szdata._validate._rules import RULES
from szdata._validate._typed import typed_frame

if TYPE_CHECKING:
    import polars as pl

    from szdata._package import Package
    from szdata._schema import TableSchema

LINE = "__line"
EXTRA = "__extra"


@dataclass
class LoadedTable:
    """One table of the package, read for validation.

    ``text`` holds the cells as stored (empty -> null), ``typed`` the same rows read as
    their types (unreadable -> null); both carry the ``__line`` column. Both are ``None``
    when the header is wrong.
    """

    name: str
    file: str
    schema: TableSchema
    text: pl.DataFrame | None = None
    typed: pl.DataFrame | None = None

    @property
    def usable(self) -> bool:
        """Whether the table was loaded (its header is right)."""
        return self.typed is not None

    def issue(
        self,
        rule: str,
        row: int | None,
        column: str,
        value: object,
        message: str,
    ) -> Issue:
        """An issue at ``row``/``column`` of this table, with the rule's hint and severity."""
        r = RULES[rule]
        return Issue(
            table=self.name,
            file=self.file,
            row=row,
            column=column,
            value=None if value is None else str(value),
            rule=rule,
            message=message,
            hint=r.hint,
            severity=r.severity,
        )


@dataclass
class Context:
    """Everything the rules look at: the package, its loaded tables, and the raw texts."""

    package: Package
    tables: dict[str, LoadedTable]
    issues: list[Issue] = field(default_factory=list)
    raw_texts: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> LoadedTable | None:
        """The loaded table ``name``, or ``None`` when it is absent or unusable."""
        t = self.tables.get(name)
        return t if t is not None and t.usable else None


def _relative(package: Package, path: Path) -> str:
    try:
        return path.resolve().relative_to(package.root).as_posix()
    except ValueError:
        return path.as_posix()


def _utf8_error(path: str, data: bytes) -> PackageError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return PackageError(
            f"{path} is not UTF-8: {exc.reason} at byte {exc.start} (line {line}) "
            f"[text.utf8]; re-save it as UTF-8"
        )
    return PackageError(f"{path} cannot be read as CSV")


def _line_numbers(data: bytes, n_rows: int) -> list[int] | None:
    """The first line of each record when some cell spans lines; ``None`` when none does."""
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if newlines == n_rows + 1:
        return None
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    next(reader, None)
    starts = []
    line = reader.line_num + 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts


def read_table(package: Package, name: str) -> tuple[LoadedTable, list[Issue]]:
    """Read table ``name``; return it with the header and row-length issues found.

    Raises
    ------
    PackageError
        When the file is not UTF-8 or not CSV at all (exit status 2).
    """
    import polars as pl

    schema = package.schema(name)
    path = package.path_of(name)
    rel = _relative(package, path)
    table = LoadedTable(name=name, file=rel, schema=schema)
    data = path.read_bytes()
    eol = data.find(b"\n")
    header_bytes = data if eol < 0 else data[:eol]  # not partition(): it copies the rest
    try:
        header_text = header_bytes.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise _utf8_error(rel, data) from None
    header = next(csv.reader([header_text.rstrip("\r")]), [])
    expected = schema.field_names
    if header != expected:
        return table, [_header_issue(table, header, expected)]
    columns = {n: pl.String for n in [*expected, EXTRA]}
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            skip_rows=1,
            schema=columns,
            truncate_ragged_lines=True,
            missing_columns="insert",
            empty_string_is_null=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise _utf8_error(rel, data) from None
        raise PackageError(f"{rel} cannot be read as CSV: {exc}") from None
    lines = _line_numbers(data, frame.height)
    line_col = (
        pl.int_range(2, frame.height + 2, dtype=pl.Int64)
        if lines is None
        else pl.Series(LINE, lines, dtype=pl.Int64)
    )
    frame = frame.with_columns(line_col.alias(LINE))
    issues: list[Issue] = []
    extra = frame.filter(pl.col(EXTRA).is_not_null())
    for line, value in extra.select(LINE, EXTRA).iter_rows():
        issues.append(
            table.issue(
                "structure.row-length",
                line,
                "",
                value,
                f"the row has more cells than the {len(expected)} columns of the header "
                f"(first extra cell: {value!r})",
            )
        )
    text = frame.drop(EXTRA)
    table.text = text
    table.typed = typed_frame(text, schema)
    return table, issues


def _header_issue(table: LoadedTable, header: list[str], expected: list[str]) -> Issue:
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing:
        what = f"column {missing[0]!r} is missing"
        column = missing[0]
    elif unknown:
        what = f"column {unknown[0]!r} is not in the schema"
        column = unknown[0]
    else:
        first = next(i for i, (a, b) in enumerate(zip(header, expected, strict=False)) if a != b)
        what = f"column {expected[first]!r} should be column {first + 1}, found {header[first]!r}"
        column = expected[first]
    return table.issue(
        "structure.header",
        1,
        column,
        ",".join(header),
        f"the header does not match the schema: {what}; expected: {','.join(expected)}",
    )


def load(package: Package) -> Context:
    """Read every table of ``package``; header and row-length issues go to ``issues``."""
    tables: dict[str, LoadedTable] = {}
    issues: list[Issue] = []
    for name in package.table_names():
        table, found = read_table(package, name)
        tables[name] = table
        issues.extend(found)
    return Context(package=package, tables=tables, issues=issues)
