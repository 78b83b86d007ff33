"""``szdata add RAW.txt [...]``: add new articles, marked unreviewed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from szdata._checklist import ARTICLE_CHECKS as _CHECKLIST  # the one list
from szdata._commands._options import JsonOption, PackageOption, announce, package_location

_PROGRESS_FROM = 4  # files; fewer are quick enough without a bar


def add(
    raw_files: Annotated[list[Path], typer.Argument(help="UTF-8 texts, exactly as published.")],
    path: PackageOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the rows it would add; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Add raw texts to the package: copy, parse, and add their rows as unreviewed."""
    from szdata._add import add_articles

    location = package_location(path, writes="add")
    announce(location, err=as_json)
    path = location.root
    show_bar = len(raw_files) >= _PROGRESS_FROM and sys.stdout.isatty() and not as_json
    if show_bar:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("adding", total=len(raw_files) + 2)
            result = add_articles(
                raw_files,
                path=path,
                dry_run=dry_run,
                on_progress=lambda msg: progress.update(task, advance=1, description=msg[:40]),
            )
    else:
        result = add_articles(raw_files, path=path, dry_run=dry_run)

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
        for warning in art.warnings:
            typer.echo(f"  warning: {warning}")
        if art.proposed_organizations:
            typer.echo("  names not in the organization registry (consider adding them):")
            for name in art.proposed_organizations:
                typer.echo(f"    - {name}")
        if dry_run:
            for table, rows in art.rows.items():
                for row in rows:
                    typer.echo(f"  {table}: {json.dumps(row, ensure_ascii=False)}")
    typer.echo("A reviewer must check, against each text:")
    for line in _CHECKLIST:
        typer.echo(f"  [ ] {line}")
    if not dry_run:
        ids = " ".join(a.article_id for a in result.added)
        typer.echo(f"then run: szdata review {ids} --accept --reviewer NAME")


def register(app: typer.Typer) -> None:
    """Add the ``add`` command to ``app``."""
    app.command("add")(add)
