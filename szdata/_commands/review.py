"""``szdata review ARTICLE [...] --accept|--reopen``: record a review."""

from __future__ import annotations

from typing import Annotated

import typer

from szdata._commands._options import PackageOption, announce, package_location


def review(
    article_ids: Annotated[
        list[str], typer.Argument(metavar="ARTICLE...", help="The articles reviewed.")
    ],
    accept: Annotated[
        bool, typer.Option("--accept", help="Mark the articles' rows reviewed.")
    ] = False,
    reopen: Annotated[
        bool, typer.Option("--reopen", help="Mark the articles' rows unreviewed again.")
    ] = False,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", "--by", help="Who checked the rows.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What was checked.")] = None,
    path: PackageOption = None,
) -> None:
    """Record that articles' rows were checked against their texts (or reopen them)."""
    from szdata._curate._review import set_review

    if accept == reopen:
        typer.echo("error: give exactly one of --accept and --reopen", err=True)
        raise typer.Exit(2)
    status = "reviewed" if accept else "unreviewed"
    location = package_location(path, writes="review")
    announce(location)
    changed = set_review(
        article_ids, status=status, reviewer=reviewer, note=note, path=location.root
    )
    if not changed:
        typer.echo("nothing changed: the articles already have that review status")
        return
    for article_id in changed:
        typer.echo(f"{article_id}: {status}")


def register(app: typer.Typer) -> None:
    """Add the ``review`` command to ``app``."""
    app.command("review")(review)
