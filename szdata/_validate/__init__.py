"""Validate every layer of a data package: structure, provenance, figures, dates, names, text.

:func:`validate` reads each table once with polars and runs the structural checks derived
from the Table Schemas (:mod:`._structural`) and the rules beyond the standard
(:mod:`._checks`), each with a stable name from the registry (:mod:`._rules`), in the order
that costs least time and memory (:mod:`._run`). It does not
run ``frictionless validate``, the standard's reference checker, which CI runs separately.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szdata._validate._report import Issue, Report
from szdata._validate._rules import RULES, Rule

if TYPE_CHECKING:
    from szdata._disk._package import Package

__all__ = ["RULES", "Issue", "Report", "Rule", "validate"]


def validate(
    path: str | Path | None = None,
    *,
    strict: bool = False,
    base: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Validate the package at ``path`` (default: the installed package).

    Parameters
    ----------
    path
        A folder holding ``datapackage.json``, or the descriptor itself.
    strict
        Make the warnings of the rules marked ``strict`` (``review.unreviewed``,
        ``review.text-changed``) errors.
    base
        A git revision (``origin/main``): also check that every raw text it has is
        unchanged, or that a decision records why (``provenance.raw-append-only``). The
        package must be in a git repository that has the revision.
    progress
        Called with the name of each step as it starts (the command line shows it).

    Returns
    -------
    Report
        Every issue found; ``report.ok`` is ``True`` when there is no error.

    Raises
    ------
    PackageError
        When the package cannot be read: a missing descriptor, an unsafe path, a file that
        is not UTF-8 or not CSV.
    UsageError
        When ``base`` is given and the package is not in a git repository, or the
        revision is unknown.

    A package whose every file was validated before, byte for byte, by the same code on the
    same day, gets that report again (:mod:`szdata._validate._verdicts`; not with ``base``,
    nor with ``SZDATA_NO_CACHE=1``).

    Examples
    --------
    >>> import szdata
    >>> report = szdata.validate()
    >>> report.ok, report.errors
    (True, [])
    """
    from szdata._disk._package import DESCRIPTOR, descriptor_of, open_package

    step = progress or (lambda _name: None)
    step("opening the package")
    descriptor = descriptor_of(path)
    if base is None and descriptor.name == DESCRIPTOR:
        from szdata._validate import _verdicts

        # before the package is opened: its descriptor's bytes are in the report's key
        known = _verdicts.recall(descriptor.parent.resolve(), strict=strict)
        if known is not None:  # every file as it was validated before, byte for byte
            step("writing the report")
            return known
    package = open_package(path)
    if base is not None:  # an unknown revision is refused before the long work
        from szdata._validate._base import resolve

        resolve(package.root, base)
    from szdata._validate._run import run_checks

    ctx, issues = run_checks(package, step)
    if base is not None:
        from szdata._validate._provenance import check_append_only

        step(f"comparing the raw texts with {base}")
        issues.extend(check_append_only(ctx, base))
    step("writing the report")
    if strict:
        issues = [
            dataclasses.replace(i, severity="error") if RULES[i.rule].strict else i for i in issues
        ]
    report = Report(
        issues=_ordered(issues, package.table_names()), package=_summary(ctx), strict=strict
    )
    if base is None:
        _verdicts.remember(package, ctx, report)
    return report


def validate_articles(path: str | Path | Package, articles: Collection[str]) -> Report:
    """Validate the rows of ``articles`` of the package at ``path``, and their keys.

    For the drafts of ``add``, ``correct`` and ``review`` (:mod:`szdata._curate._draft`),
    which change the rows of some articles of a package known to be valid: every rule is
    about one row or one article, so the other articles' rows are what they were, valid;
    the primary keys and ``unique`` fields of the articles' rows are checked against every
    row (:func:`szdata._validate._load.narrow`), and the tables' and the articles' raw
    texts' bytes and hashes. The report holds the issues of those rows only.

    Examples
    --------
    >>> from szdata._disk._package import default_root
    >>> validate_articles(default_root(), ["004_4c9b5674638746a7"]).ok
    True
    """
    from szdata._disk._package import Package, open_package
    from szdata._validate._run import run_checks

    package = path if isinstance(path, Package) else open_package(path)
    ctx, issues = run_checks(package, lambda _name: None, frozenset(articles))
    return Report(
        issues=_ordered(issues, package.table_names()), package=_summary(ctx), strict=False
    )


def _ordered(issues: list[Issue], tables: list[str]) -> list[Issue]:
    table_rank = {t: n for n, t in enumerate(tables)}
    rule_rank = {r: n for n, r in enumerate(RULES)}
    return sorted(
        issues,
        key=lambda i: (
            table_rank.get(i.table, len(table_rank)),
            rule_rank.get(i.rule, len(rule_rank)),
            i.row if i.row is not None else 0,
            i.column,
        ),
    )


def _summary(ctx: Any) -> dict[str, Any]:
    """Name, version, tables with their row counts, and the articles with their dates."""
    descriptor = ctx.package.descriptor
    tables = []
    for name, table in ctx.tables.items():
        rows = table.text.height if table.text is not None else None
        tables.append({"name": name, "file": table.file, "rows": rows})
    articles: list[dict[str, str | None]] = []
    loaded = ctx.table("articles")
    if loaded is not None and loaded.typed is not None:
        import polars as pl

        cols = [
            c for c in ("article_id", "kind", "published", "title") if c in loaded.typed.columns
        ]
        # as text, as str() writes it (dates in ISO form), null kept as None
        typed = loaded.typed
        if "published" in cols:  # in date order, undated last, ties by id
            typed = typed.sort(["published", "article_id"], nulls_last=True)
        shown = typed.select(pl.col(cols).cast(pl.String))
        articles = [dict(zip(cols, row, strict=True)) for row in shown.iter_rows()]
    return {
        "name": descriptor.get("name"),
        "title": descriptor.get("title"),
        "version": ctx.package.version,
        "root": str(ctx.package.root),
        "tables": tables,
        "articles": articles,
    }
