"""Codebooks: each table's columns with type, constraints and description, from the schemas.

:func:`szdata.describe` returns a :class:`Codebook` for one table; :func:`data_dictionary`
renders every table as Markdown for the README, between the markers
``<!-- codebook:start -->`` and ``<!-- codebook:end -->``. Regenerate the README's copy with::

    python -m szdata._load._codebook --write README.md

and check that it is fresh with ``--check README.md`` (exit 1 when stale).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from szdata._schemas._schema import Field, TableSchema

START = "<!-- codebook:start -->"
END = "<!-- codebook:end -->"


def _fmt(value: object) -> str:
    return getattr(value, "isoformat", lambda: str(value))()


def _rules(field: Field) -> tuple[str, ...]:
    out: list[str] = []
    if field.required:
        out.append("required")
    if field.unique:
        out.append("unique")
    if field.enum is not None:
        out.append("one of " + ", ".join(map(str, field.enum)))
    if field.minimum is not None:
        out.append(f">= {_fmt(field.minimum)}")
    if field.maximum is not None:
        out.append(f"<= {_fmt(field.maximum)}")
    if field.min_length is not None:
        out.append(f"length >= {field.min_length}")
    if field.max_length is not None:
        out.append(f"length <= {field.max_length}")
    if field.pattern is not None:
        out.append(f"pattern {field.pattern}")
    if field.format not in (None, "default"):
        out.append(f"format {field.format}")
    return tuple(out)


@dataclass(frozen=True)
class Column:
    """One column of a codebook.

    Examples
    --------
    >>> from szdata._schemas._schema import Field
    >>> print(Column.from_field(Field(name="n", type="integer", required=True, minimum=1,
    ...                               description="A count.")))
    n (integer, required, >= 1): A count.
    """

    name: str
    type: str
    title: str
    description: str
    constraints: tuple[str, ...]
    example: object = None

    @classmethod
    def from_field(cls, field: Field) -> Column:
        """The codebook entry of a schema field."""
        return cls(
            name=field.name,
            type=field.type,
            title=field.title,
            description=field.description,
            constraints=_rules(field),
            example=field.example,
        )

    def __str__(self) -> str:
        return f"{self.name} ({', '.join((self.type, *self.constraints))}): {self.description}"


@dataclass(frozen=True)
class Codebook:
    """The codebook of one table: its description, keys and columns.

    ``str(book)`` is plain text for a terminal; :meth:`to_markdown` a Markdown section;
    :meth:`to_records` a list of dicts (``pandas.DataFrame(book.to_records())``).
    """

    table: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[str, ...]
    columns: tuple[Column, ...]

    def to_records(self) -> list[dict[str, object]]:
        """One dict per column: name, type, constraints (``; ``-joined), title, description."""
        return [
            {
                "name": c.name,
                "type": c.type,
                "constraints": "; ".join(c.constraints),
                "title": c.title,
                "description": c.description,
            }
            for c in self.columns
        ]

    def __str__(self) -> str:
        lines = [f"{self.table}: {self.title}", self.description, ""]
        lines.append(f"primary key: {', '.join(self.primary_key) or '-'}")
        lines += [f"foreign key: {fk}" for fk in self.foreign_keys]
        lines.append("")
        lines += [f"  {c}" for c in self.columns]
        return "\n".join(lines)

    def to_markdown(self, *, level: int = 3) -> str:
        """The codebook as a Markdown section: heading, description, keys, a table of columns."""
        out = [f"{'#' * level} `{self.table}`: {self.title}", "", self.description, ""]
        keys = f"Primary key: `{', '.join(self.primary_key)}`."
        if self.foreign_keys:
            keys += " Foreign keys: " + "; ".join(f"`{fk}`" for fk in self.foreign_keys) + "."
        out += [keys, "", "| column | type | constraints | description |", "|---|---|---|---|"]
        for c in self.columns:
            rules = "; ".join(f"`{r}`" if r.startswith("pattern ") else r for r in c.constraints)
            out.append(f"| `{c.name}` | {c.type} | {_cell(rules)} | {_cell(c.description)} |")
        return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, no line breaks."""
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "\\|")


def codebook(schema: TableSchema) -> Codebook:
    """The codebook of a Table Schema.

    Examples
    --------
    >>> from szdata import open_package
    >>> book = codebook(open_package().schema("units"))
    >>> book.table, book.primary_key
    ('units', ('unit',))
    """
    fks = tuple(
        f"{', '.join(fk.fields)} -> {fk.resource}.{', '.join(fk.reference_fields)}"
        for fk in schema.foreign_keys
    )
    return Codebook(
        table=schema.name,
        title=schema.title,
        description=schema.description,
        primary_key=schema.primary_key,
        foreign_keys=fks,
        columns=tuple(Column.from_field(f) for f in schema.fields),
    )


def data_dictionary(path: str | Path | None = None) -> str:
    """The data dictionary of every table, as Markdown, in descriptor order.

    Examples
    --------
    >>> text = data_dictionary()
    >>> text.startswith("### `organizations`")
    True
    """
    from szdata._disk._package import open_package

    pkg = open_package(path)
    return "\n".join(codebook(pkg.schema(n)).to_markdown() for n in pkg.table_names())


def replace_section(document: str, content: str, *, start: str = START, end: str = END) -> str:
    """``document`` with the text between the ``start`` and ``end`` markers set to ``content``.

    Examples
    --------
    >>> replace_section("a [ old ] b", "new", start="[", end="]")
    'a [\\nnew\\n] b'
    """
    i, j = document.find(start), document.find(end)
    if i < 0 or j < i:
        raise ValueError(f"the document has no {start} ... {end} section")
    return document[: i + len(start)] + "\n" + content.strip("\n") + "\n" + document[j:]


def section_command(
    argv: list[str] | None,
    *,
    prog: str,
    description: str | None,
    what: str,
    content: Callable[[str | None], str],
    start: str = START,
    end: str = END,
) -> int:
    """``python -m PROG [--write FILE | --check FILE] [--path PACKAGE]`` for a generated section.

    Prints ``content(path)`` without ``--write``/``--check``; ``--write`` replaces the
    section between ``start`` and ``end`` in FILE; ``--check`` exits 1 when FILE's section is
    stale. ``--path`` names the package to describe (default: the installed one).
    """
    from szdata._disk._atomic import atomic_write_text

    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=description)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help=f"rewrite the {what} section of FILE")
    group.add_argument("--check", metavar="FILE", help=f"exit 1 when FILE's {what} is stale")
    parser.add_argument("--path", help="the package to describe (default: the installed one)")
    args = parser.parse_args(argv)
    text = content(args.path)
    target = args.write or args.check
    if target is None:
        sys.stdout.write(text)
        return 0
    document = Path(target).read_text(encoding="utf-8")
    try:
        fresh = replace_section(document, text, start=start, end=end)
    except ValueError as exc:
        print(f"{target}: {exc}; add the two markers where the {what} goes", file=sys.stderr)
        return 1
    if args.check:
        if fresh != document:
            print(
                f"{target}: the {what} is stale; run: python -m {prog} --write {target}",
                file=sys.stderr,
            )
            return 1
        return 0
    if fresh != document:
        atomic_write_text(target, fresh)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m szdata._load._codebook [--write FILE | --check FILE]``, else print it."""
    return section_command(
        argv, prog="szdata._load._codebook", description=__doc__, what="data dictionary",
        content=data_dictionary,
    )  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
