"""``szdata add RAW.txt [...]``: add new articles, marked unreviewed.

Exit status 0 when the texts were added (or already there), 1 when they were refused
(nothing written; every problem is listed with the command that resolves it), 2 when the
package cannot be read or the options are wrong.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from szdata._commands._options import (
    ByOption,
    DryRunOption,
    EvidenceOption,
    JsonOption,
    PackageOption,
    ReasonOption,
    announce,
    package_location,
)
from szdata._curate._checklist import ARTICLE_CHECKS as _CHECKLIST  # the one list

if TYPE_CHECKING:
    from szdata._curate._add import AddResult

_PROGRESS_FROM = 4  # files; fewer are quick enough without a bar


def add(
    raw_files: Annotated[
        list[Path], typer.Argument(metavar="RAW_FILE...", help="UTF-8 texts, exactly as published.")
    ],
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            metavar="YYYY-MM-DD",
            help="The publication date of a text that prints none (recorded as decisions).",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="The address the text was published at."),
    ] = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove",
            metavar="TABLE:KEY",
            help="Leave out a row the parser misread (repeatable; needs --reason).",
        ),
    ] = None,
    reason: ReasonOption = None,
    path: PackageOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add raw texts to the package: copy, parse, and add their rows as unreviewed."""
    import datetime as dt

    from szdata._core._errors import UsageError
    from szdata._curate._add import AddRefused

    location = package_location(path, writes="add")
    announce(location, err=as_json)
    path = location.root
    try:
        day = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise UsageError(f"--published {published!r} is not a date like 2020-04-09") from None
    options = {
        "published": day,
        "url": url,
        "evidence": evidence,
        "by": by,
        "remove": remove or (),
        "reason": reason,
    }
    try:
        result = _run(raw_files, path, dry_run, as_json, options)
    except AddRefused as exc:
        if as_json:
            problems = [
                {"file": p.source, "problem": p.message, "resolve_with": p.command}
                for p in exc.problems
            ]
            typer.echo(
                json.dumps(
                    {"ok": False, "exit_code": 1, "error": str(exc), "problems": problems},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        from szdata._core._terminal import shown

        typer.echo(f"error: {shown(str(exc))}", err=True)
        raise typer.Exit(1) from None
    _report(result, dry_run, as_json)


def _run(
    raw_files: list[Path], path: Path, dry_run: bool, as_json: bool, options: dict[str, Any]
) -> AddResult:
    from szdata._curate._add import add_articles

    show_bar = len(raw_files) >= _PROGRESS_FROM and sys.stdout.isatty() and not as_json
    if show_bar:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("adding", total=len(raw_files) + 2)
            return add_articles(
                raw_files,
                path=path,
                dry_run=dry_run,
                on_progress=lambda msg: progress.update(task, advance=1, description=msg[:40]),
                **options,
            )
    return add_articles(raw_files, path=path, dry_run=dry_run, **options)


def _report(result: AddResult, dry_run: bool, as_json: bool) -> None:
    from szdata._core._terminal import shown

    if as_json:
        typer.echo(
            json.dumps(
                {
                    "dry_run": result.dry_run,
                    "rows_added": result.rows_added(),
                    "articles": [
                        {
                            "article_id": a.article_id,
                            "source": str(a.source),
                            "status": a.status,
                            "rows": a.rows,
                            "proposed_organizations": a.proposed_organizations,
                            "warnings": a.warnings,
                            "decisions": a.decisions,
                        }
                        for a in result.articles
                    ],
                    "written": [str(p) for p in result.written],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for art in result.articles:
        if art.status == "already-present":
            typer.echo(f"{art.article_id}: already in the package; nothing to add")
    if not result.added:
        return
    verb = "would add" if dry_run else "added"
    for art in result.added:
        counts = ", ".join(f"{table}: {len(rows)}" for table, rows in art.rows.items())
        typer.echo(f"{art.article_id}: {verb} rows, unreviewed ({counts})")
        if art.decisions:
            typer.echo(f"  decisions recorded: {', '.join(art.decisions)}")
        for warning in art.warnings:
            typer.echo(f"  warning: {shown(warning)}")
        if art.proposed_organizations:
            typer.echo("  names not in the organization registry (consider adding them):")
            for name in art.proposed_organizations:
                typer.echo(f"    - {shown(name)}")
        if dry_run:
            for table, rows in art.rows.items():
                for row in rows:
                    typer.echo(f"  {table}: {json.dumps(row)}")
    typer.echo("A reviewer must check, against each text:")
    for line in _CHECKLIST:
        typer.echo(f"  [ ] {line}")
    if not dry_run:
        ids = " ".join(a.article_id for a in result.added)
        typer.echo(f"then run: szdata review {ids} --accept --reviewer NAME")


def register(app: typer.Typer) -> None:
    """Add the ``add`` command to ``app``."""
    app.command("add")(add)
