"""``szdata diff [BASE] [HEAD]``: review a contribution as data, by primary key.

BASE and HEAD are git revisions; HEAD defaults to the working tree, BASE to where the branch
left ``origin/main`` (else the parent commit), the base ``.ci/run`` gives ``validate --base``.
Every table is compared by its primary key (rows added, removed and changed, each changed
cell old -> new, with the decisions behind it), raw texts and Table Schemas too.

Exit status: 0 when the diff was computed, differences or not (with ``--exit-code``, as in
``git diff``, 1 when there are differences); 2 for an unknown revision, a folder outside
git, or a side whose package cannot be read (the error names the side).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from szdata._commands._options import JsonOption, PackageOption, announce, package_location

TEXT_LIMIT = 20
"""Rows listed per table and kind by ``--format text`` and ``markdown`` unless ``--limit``."""


class Format(str, Enum):
    """How the diff is printed."""

    text = "text"
    markdown = "markdown"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add ``diff`` to the command line."""
    app.command("diff")(diff)


def diff(
    base: Annotated[
        str | None,
        typer.Argument(
            metavar="BASE",
            help="The revision compared with (default: the merge base of HEAD and "
            "origin/main, else the parent commit).",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(
            metavar="HEAD",
            help="The revision compared (default: the working tree).",
            show_default=False,
        ),
    ] = None,
    path: PackageOption = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="text: for a terminal; markdown: for a pull request or a job summary; "
            "json: one document for machines (its JSON Schema ships with szdata).",
        ),
    ] = Format.text,
    as_json: JsonOption = False,
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit with status 1 when the sides differ (as git diff)."),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help=f"Rows listed per table and kind (default: {TEXT_LIMIT} for text and "
            "markdown, 1000 for json; 0: all). Counts are always complete.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Compare two revisions of the package by primary key: rows, cells, decisions, texts.

    Lists rows added, removed and changed in every table (each changed cell old -> new,
    with its article and the decisions that explain it), raw texts added, changed and
    deleted, and schema changes. Rows whose only change is their review status are
    counted, not listed. Exit status 0 (with --exit-code: 1 when the sides differ), 2 for
    an unknown revision, a folder outside git, or a side that cannot be read.
    """
    import json

    from szdata._core._errors import SzdataError
    from szdata._curate._diff import DEFAULT_LIMIT, compute_diff
    from szdata._curate._diff_render import render_markdown, render_text
    from szdata._curate._revision import open_sides

    if as_json:
        fmt = Format.json
    location = package_location(path)
    announce(location, err=fmt is not Format.text)
    if limit is None:
        limit = DEFAULT_LIMIT if fmt is Format.json else TEXT_LIMIT
    try:
        with open_sides(location.root, base, head) as sides:
            document = compute_diff(sides).document(limit)
    except SzdataError as exc:
        if fmt is Format.json and not as_json:  # with --json, the command line prints it
            error = {"ok": False, "exit_code": exc.exit_code, "error": str(exc)}
            typer.echo(json.dumps(error, ensure_ascii=False, indent=2))
        raise
    if fmt is Format.json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt is Format.markdown:
        typer.echo(render_markdown(document), nl=False)
    else:
        typer.echo(render_text(document), nl=False)
    if exit_code and document["differs"]:
        raise typer.Exit(1)
