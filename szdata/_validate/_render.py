"""Show a :class:`~szdata._validate._report.Report`: as text, JSON, or GitHub annotations.

The text report is grouped by table, then by rule; each group shows its first issues and
says how many more there are (``--json`` has them all). It ends with the package summary
when the package is valid, or with the count of errors when it is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any

from szdata._core._terminal import shown
from szdata._validate._rules import RULES

if TYPE_CHECKING:
    from rich.console import Console

    from szdata._validate._report import Issue, Report

DEFAULT_LIMIT = 10
_VALUE_WIDTH = 60


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _short(value: str | None) -> str:
    if value is None:
        return "(empty)"
    text = repr(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 3] + "..."


_MESSAGE_WIDTH = 500
"""Characters of an issue's message a listing prints: a message quotes the cell it is about,
which a contribution may make megabytes long; ``--json`` keeps every character."""


def _clipped(message: str) -> str:
    """``message``, cut to :data:`_MESSAGE_WIDTH` characters and saying how many it left out.

    Examples
    --------
    >>> _clipped("short")
    'short'
    >>> _clipped("x" * 600)[-52:]
    'xxx... (100 more characters: --json prints them all)'
    """
    if len(message) <= _MESSAGE_WIDTH:
        return message
    rest = len(message) - _MESSAGE_WIDTH
    return f"{message[:_MESSAGE_WIDTH]}... ({rest:,} more characters: --json prints them all)"


def _counts(issues: list[Issue]) -> str:
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return ", ".join(parts)


def _groups(report: Report) -> Iterator[tuple[str, list[tuple[str, list[Issue]]]]]:
    """(table, [(rule, issues)]) in the report's order (table, then rule, then row)."""
    for table, in_table in groupby(report.issues, key=lambda i: i.table):
        rules = [(rule, list(group)) for rule, group in groupby(in_table, key=lambda i: i.rule)]
        yield table, rules


def _issue_lines(report: Report, limit: int | None) -> Iterator[tuple[str, str]]:
    """(style, line) pairs of the grouped issue listing, every terminal control escaped."""
    for style, line in _raw_issue_lines(report, limit):
        yield style, shown(line, one_line=True)


def _raw_issue_lines(report: Report, limit: int | None) -> Iterator[tuple[str, str]]:
    for table, rules in _groups(report):
        issues = [i for _, group in rules for i in group]
        yield "table", f"{table} ({issues[0].file}): {_counts(issues)}"
        for rule, group in rules:
            r = RULES.get(rule)
            style = "error" if group[0].severity == "error" else "warning"
            explanation = f": {r.explanation}" if r else ""
            yield style, f"  [{rule}] {_counts(group)}{explanation}"
            first = _first(group, limit)
            for i in first:
                column = f" {i.column}" if i.column else ""
                yield "issue", f"    {i.where}{column}: {_clipped(i.message)}"
            if len(group) > len(first):
                yield "more", f"    {_more(len(group) - len(first))}"
            yield "hint", f"    hint: {group[0].hint}"


def summary_lines(package: dict[str, Any], *, limit: int | None = DEFAULT_LIMIT) -> list[str]:
    """The package summary as plain lines: name, version, tables, articles.

    The first ``limit`` articles are listed, in date order (``None``: every one): a
    package of thousands of articles says how many more there are, and ``--json`` has them.

    Examples
    --------
    >>> pkg = {"name": "p", "version": "1", "title": "P", "tables": [],
    ...        "articles": [{"article_id": f"a{n}", "published": "2020-03-2" + str(n),
    ...                      "kind": "news", "title": "T"} for n in range(3)]}
    >>> print("\\n".join(summary_lines(pkg, limit=2)))
    p 1: P
      3 articles, 2020-03-20 to 2020-03-22:
        2020-03-20  news      a0  T
        2020-03-21  news      a1  T
        ... and 1 more (every one with --json)
    """
    lines = [f"{package.get('name')} {package.get('version')}: {package.get('title', '')}"]
    lines = [shown(line, one_line=True) for line in lines]
    width = max((len(t["name"]) for t in package.get("tables", [])), default=0)
    for t in package.get("tables", []):
        rows = "?" if t["rows"] is None else f"{t['rows']:,}"
        lines.append(f"  {t['name']:<{width}}  {rows:>9} rows  {t['file']}")
    articles = package.get("articles", [])
    if articles:
        lines.append(f"  {_articles_heading(articles)}:")
        first = _first(articles, limit)
        for a in first:
            lines.append(
                shown(
                    f"    {a.get('published')}  {a.get('kind', ''):<8}  {a.get('article_id')}  "
                    f"{a.get('title', '')}",
                    one_line=True,
                )
            )
        if len(articles) > len(first):
            lines.append(f"    {_more(len(articles) - len(first))}")
    return lines


def _articles_heading(articles: list[dict[str, Any]]) -> str:
    """How many articles, and from which date to which (they come in date order)."""
    dated = [a["published"] for a in articles if a.get("published")]
    span = f", {dated[0]} to {dated[-1]}" if len(dated) > 1 else ""
    return f"{_plural(len(articles), 'article')}{span}"


def _first(items: list[Any], limit: int | None) -> list[Any]:
    return items if limit is None else items[:limit]


def _more(rest: int) -> str:
    return f"... and {rest:,} more (every one with --json)"


def _verdict(report: Report) -> str:
    if report.ok:
        tail = f" ({_counts(report.warnings)})" if report.warnings else ""
        return f"valid: every layer checked{tail}"
    tables = len({i.table for i in report.errors})
    return f"invalid: {_counts(report.issues)} in {_plural(tables, 'table')}"


def render_text(report: Report, *, limit: int | None = DEFAULT_LIMIT, summary: bool = True) -> str:
    """The report as plain text, grouped by table and rule (``limit`` issues per group).

    Examples
    --------
    >>> from szdata._validate._report import Report
    >>> render_text(Report(), summary=False)
    'valid: every layer checked\\n'
    """
    lines = [line for _, line in _issue_lines(report, limit)]
    if lines:
        lines.append("")
    lines.append(_verdict(report))
    if summary and report.ok and report.package:
        lines += ["", *summary_lines(report.package, limit=limit)]
    return "\n".join(lines) + "\n"


def print_rich(
    report: Report, console: Console, *, limit: int | None = DEFAULT_LIMIT, summary: bool = True
) -> None:
    """Print the report on a terminal: the same lines as :func:`render_text`, with colour."""
    from rich.table import Table
    from rich.text import Text

    styles = {
        "table": "bold",
        "error": "bold red",
        "warning": "bold yellow",
        "issue": "",
        "more": "dim",
        "hint": "cyan",
    }
    printed = False
    for style, line in _issue_lines(report, limit):
        console.print(Text(line, style=styles[style]))
        printed = True
    if printed:
        console.print()
    console.print(Text(_verdict(report), style="bold green" if report.ok else "bold red"))
    if not (summary and report.ok and report.package):
        return
    pkg = report.package
    tables = Table(title=f"{pkg.get('name')} {pkg.get('version')}", title_justify="left")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    tables.add_column("file", style="dim")
    for t in pkg.get("tables", []):
        tables.add_row(t["name"], "?" if t["rows"] is None else f"{t['rows']:,}", t["file"])
    console.print(tables)
    if pkg.get("articles"):
        arts = Table(title=_articles_heading(pkg["articles"]), title_justify="left")
        for col in ("published", "kind", "article_id", "title"):
            arts.add_column(col)
        shown = _first(pkg["articles"], limit)
        for a in shown:
            arts.add_row(
                *(str(a.get(c) or "") for c in ("published", "kind", "article_id", "title"))
            )
        if len(pkg["articles"]) > len(shown):
            arts.caption = _more(len(pkg["articles"]) - len(shown))
        console.print(arts)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """One GitHub Actions annotation per issue: ``::error file=...,line=...,title=<rule>::...``.

    Examples
    --------
    >>> from szdata._validate._report import Issue, Report
    >>> i = Issue("figures", "data/figures.csv", 5, "value", "-1", "structure.minimum",
    ...           "value -1 is below the minimum 0", "check it")
    >>> render_github(Report(issues=[i]))
    '::error file=data/figures.csv,line=5,title=structure.minimum::value -1 is below the minimum 0 (column value; hint: check it)\\n'
    """  # noqa: E501
    out = []
    for i in report.issues:
        props = [f"file={_escape_property(shown(i.file))}"]
        if i.row is not None:
            props.append(f"line={i.row}")
        props.append(f"title={_escape_property(i.rule)}")
        column = f"column {i.column}; " if i.column else ""
        body = shown(f"{_clipped(i.message)} ({column}hint: {i.hint})")
        out.append(f"::{i.severity} {','.join(props)}::{_escape_data(body)}")
    return "".join(line + "\n" for line in out)
