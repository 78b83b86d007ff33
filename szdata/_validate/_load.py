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
    from szdata._disk._readers import CsvTable
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
    focus: frozenset[str] | None = None
    """Validate the rows of these articles only (see :func:`load`); ``None``: every row."""
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

    return _loaded(name, package.schema(name), read_csv_table(package, name))


def _loaded(name: str, schema: TableSchema, read: CsvTable) -> tuple[LoadedTable, list[Issue]]:
    """Table ``name`` as ``read``, typed by ``schema`` when its header is the schema's; with
    the syntax issues of the reading."""
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


def load(
    package: Package,
    loaded: Callable[[Context, str], None] | None = None,
    focus: frozenset[str] | None = None,
) -> Context:
    """Read every table of ``package``; header and row-length issues go to ``issues``.

    ``loaded(ctx, name)`` is called after each table is read (e.g. to start reading the raw
    texts once the articles are in). If reading fails, :meth:`Context.close` is called.

    ``focus``: keep only the rows about these articles (see :func:`narrow`), after checking
    that their keys repeat none of the other rows'.
    """
    ctx = Context(package=package, tables={}, focus=focus)
    try:
        for name in package.table_names():
            focused = None if focus is None else _read_focused(package, name, focus)
            if focused is not None:
                table, found = focused
            else:
                table, found = read_table(package, name)
                if focus is not None:
                    found.extend(narrow(table, focus))
            ctx.tables[name] = table
            ctx.issues.extend(found)
            if loaded is not None:
                loaded(ctx, name)
    except BaseException:
        ctx.close()
        raise
    return ctx


def _article_expr(table: LoadedTable) -> pl.Expr | None:
    """The article each row of ``table`` is about, or ``None`` for a table about none."""
    import polars as pl

    assert table.text is not None
    if "article_id" in table.text.columns:
        return pl.col("article_id")
    if {"table", "key"} <= set(table.text.columns):  # decisions: ARTICLE or ARTICLE.f123
        return pl.col("key").str.extract(r"^([^.]*)")
    return None


def _read_focused(
    package: Package, name: str, focus: frozenset[str]
) -> tuple[LoadedTable, list[Issue]] | None:
    """Table ``name`` as :func:`read_table` and :func:`narrow` leave it, reading only the
    lines of the articles ``focus`` and the keys of the other rows; ``None`` when the table
    is about no article or cannot be read line by line (then read it whole)."""
    import polars as pl

    from szdata._disk._cache import known_sha256
    from szdata._disk._files import read_file
    from szdata._disk._readers import read_csv_rows
    from szdata._schemas._typed import cast_expr

    schema = package.schema(name)
    if "article_id" not in schema.field_names:
        return None
    keys = _key_sets(schema)
    columns = list(dict.fromkeys(["article_id", *(c for k in keys for c in k)]))
    rel = package.resource(name)["path"]
    sha256 = known_sha256(package.root / rel)  # when this process wrote it: not hashed again
    got = read_csv_rows(
        read_file(package.root, rel),
        file=rel,
        column="article_id",
        wanted=focus,
        keep=columns,
        sha256=sha256,
    )
    if got is None:
        return None
    read, every = got
    table, issues = _loaded(name, schema, read)
    if not table.usable:
        return table, issues
    every = every.select(LINE, *(cast_expr(schema.field(c)) for c in columns))
    inside = pl.col("article_id").is_in(list(focus)).fill_null(False)
    issues.extend(_key_issues(table, every, every.select(inside).to_series()))
    return table, issues


def _key_sets(schema: TableSchema) -> list[list[str]]:
    """The primary key's columns, then each ``unique`` column: values no two rows share."""
    keys = [list(schema.primary_key)] if schema.primary_key else []
    keys += [[f.name] for f in schema.fields if f.unique and list(schema.primary_key) != [f.name]]
    return keys


def _key_issues(table: LoadedTable, every: pl.DataFrame, inside: pl.Series) -> list[Issue]:
    """The keys of the rows ``inside`` of ``every`` (rows of ``table`` with their key
    columns and lines, typed) that another row of ``every`` repeats."""
    import polars as pl

    issues: list[Issue] = []
    schema = table.schema
    for columns in _key_sets(schema):
        rule = (
            "structure.primary-key" if columns == list(schema.primary_key) else "structure.unique"
        )
        what = "primary key" if rule == "structure.primary-key" else columns[0]
        complete = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
        mine = every.filter(inside).filter(complete)
        # the other rows holding a key of these articles' rows: looked up, not grouped
        others = (
            every.filter(~inside)
            .join(mine.select(columns).unique(), on=columns, how="semi")
            .group_by(columns)
            .agg(pl.col(LINE).min().alias("__other"))
        )
        for row in mine.join(others, on=columns, how="inner").iter_rows(named=True):
            shown = row[columns[0]] if len(columns) == 1 else tuple(row[c] for c in columns)
            issues.append(
                table.issue(
                    rule,
                    row[LINE],
                    ",".join(columns),
                    shown,
                    f"{what} {shown!r} repeats line {row['__other']}",
                )
            )
    return issues


def narrow(table: LoadedTable, focus: frozenset[str]) -> list[Issue]:
    """Keep only the rows of ``table`` about the articles ``focus``; the issues of their keys.

    For the drafts of ``add``, ``correct`` and ``review``, whose changes are the rows of
    some articles (:func:`szdata._validate.validate_articles`): every rule is about one row
    or one article, but for the primary keys and ``unique`` fields, whose values must not
    repeat another article's: those are checked here, on the whole table, before it is
    narrowed. A table about no article (organizations, units, ...) is kept whole.
    """

    if not table.usable:
        return []
    assert table.text is not None and table.typed is not None
    article = _article_expr(table)
    if article is None:
        return []
    inside = table.typed.select(article.is_in(list(focus)).fill_null(False)).to_series()
    issues = _key_issues(table, table.typed, inside)
    # rechunked: the text and typed frames are put side by side (polars 2.1 panics on
    # frames of unequal chunks there)
    table.text = table.text.filter(inside).rechunk()
    table.typed = table.typed.filter(inside).rechunk()
    return issues
