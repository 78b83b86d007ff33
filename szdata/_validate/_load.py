"""Load a package for validation: every table as text and typed frames, and the raw texts.

Each table is read once with polars, every column as text; a ``__line`` column holds the
row's line number in the CSV file (header = line 1). A table whose header is wrong is
reported and not loaded, so that no rule runs on columns that are not what they claim.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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
    from szdata._validate._raw import RawReader

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
    distinct: set[tuple[str, ...]] = field(default_factory=set)
    """Sets of string columns proven to repeat in no two rows (empty cells aside), by the
    structural checks of ``unique`` fields and primary keys; rules skip ``unique()`` there."""

    def unique_by(self, frame: pl.LazyFrame, column: str, key: str | None = None) -> pl.LazyFrame:
        """``frame.unique(key, keep="first")``, skipped when ``column`` is proven distinct.

        ``frame`` holds rows of this table, ``key`` is ``column`` under its name there.
        """
        if (column,) in self.distinct:
            return frame
        return frame.unique(key or column, keep="first", maintain_order=True)

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
    texts: pl.DataFrame | None = None
    """The raw texts read by ``check_raw_texts``: ``article_id``, ``__text``, ``__len``
    (code points), one row per article id (the first row of a repeated id)."""
    raw: tuple[pl.DataFrame, RawReader] | None = None
    """The article rows whose raw texts are being read in the background, and the reader."""

    def keep_columns(self, name: str, keep: list[str]) -> None:
        """Keep only the columns ``keep`` (and ``__line``) of table ``name``, if loaded."""
        table = self.table(name)
        if table is None:
            return
        assert table.text is not None and table.typed is not None
        kept = [LINE, *(c for c in dict.fromkeys(keep) if c in table.text.columns)]
        table.text, table.typed = table.text.select(kept), table.typed.select(kept)

    def close(self) -> None:
        """Stop the background reading of raw texts, if any (validation ended early)."""
        if self.raw is not None:
            self.raw[1].cancel()
            self.raw = None

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
    del data
    # one chunk per column (the reader returns one per block read): later steps then never
    # realign the chunks of columns, and the text columns' buffers are compacted
    frame = frame.rechunk().with_columns(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(LINE)
        if lines is None
        else pl.lit(pl.Series(lines, dtype=pl.Int64)).alias(LINE)
    )
    issues: list[Issue] = []
    extra = frame.lazy().select(LINE, EXTRA).filter(pl.col(EXTRA).is_not_null()).collect()
    for line, value in extra.iter_rows():
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
    text = frame.select(pl.exclude(EXTRA))
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


def load(package: Package, loaded: Callable[[Context, str], None] | None = None) -> Context:
    """Read every table of ``package``; header and row-length issues go to ``issues``.

    ``loaded(ctx, name)`` is called after each table is read (e.g. to start reading the raw
    texts once the articles are in). If reading fails, :meth:`Context.close` is called.
    """
    ctx = Context(package=package, tables={})
    try:
        for name in package.table_names():
            table, found = read_table(package, name)
            ctx.tables[name] = table
            ctx.issues.extend(found)
            if loaded is not None:
                loaded(ctx, name)
    except BaseException:
        ctx.close()
        raise
    return ctx
