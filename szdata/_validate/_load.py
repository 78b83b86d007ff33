"""Load a package for validation: every table as text and typed frames, and the raw texts.

Each table is read once with polars, every column as text; a ``__line`` column holds the
row's line number in the CSV file (header = line 1). A table whose header is wrong is
reported and not loaded, so that no rule runs on columns that are not what they claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from szdata._disk._readers import LINE
from szdata._schemas._typed import typed_frame
from szdata._validate._report import Issue
from szdata._validate._rules import RULES

if TYPE_CHECKING:
    import polars as pl

    from szdata._disk._package import Package
    from szdata._schemas._schema import TableSchema
    from szdata._validate._raw import RawReader


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
    sha256: str | None = None
    """The SHA-256 of the file's bytes, as the reader read them (``None``: not read)."""
    size: int | None = None
    """The file's length in bytes (``None``: not read)."""
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
    raw_facts: tuple[list[str], list[int | None], list[str | None]] | None = None
    """The raw texts read by ``check_raw_texts``: paths, sizes and SHA-256 (``None``:
    missing), for ``structure.integrity``."""

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


def read_table(package: Package, name: str) -> tuple[LoadedTable, list[Issue]]:
    """Read table ``name`` with the one CSV reader; return it with the syntax issues found.

    A table whose header is not its schema's is reported (``structure.header``) and not
    loaded. Row-length, blank-row and CSV-syntax issues are reported; the table is loaded.

    Raises
    ------
    PackageError
        When the file is missing, not a regular file, or not UTF-8 (exit status 2).
    """
    from szdata._disk._readers import read_table as read_csv_table

    schema = package.schema(name)
    read = read_csv_table(package, name)
    table = LoadedTable(
        name=name, file=read.file, schema=schema, sha256=read.sha256, size=read.size
    )
    issues = [table.issue(i.rule, i.line, i.column, i.value, i.message) for i in read.issues]
    wrong = read.header_issue(schema.field_names)
    if wrong is not None:
        header = table.issue(wrong.rule, wrong.line, wrong.column, wrong.value, wrong.message)
        return table, [header, *issues]
    table.text = read.frame
    table.typed = typed_frame(read.frame, schema)
    return table, issues


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
