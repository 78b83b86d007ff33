"""``szdata validate``: check every layer of the package and print one report.

The first line names the package checked (``--path``, else the current folder's, else the
installed copy). Exit status: 0 valid (warnings allowed unless ``--strict``), 1 invalid data,
2 a package that cannot be read, or ``--base REF`` outside a git clone or with an unknown
``REF`` (the error is one sentence on stderr).
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from szdata._commands._options import (
    JsonOption,
    LegacyPackageArgument,
    PackageOption,
    announce,
    package_location,
)


class Format(str, Enum):
    """How the report is printed."""

    text = "text"
    github = "github"


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the command line."""

    @app.command("validate")
    def validate(
        legacy_path: LegacyPackageArgument = None,
        path: PackageOption = None,
        as_json: JsonOption = False,
        fmt: Annotated[
            Format,
            typer.Option(
                "--format",
                help="text: grouped by table and rule; github: ::error annotations for CI.",
            ),
        ] = Format.text,
        strict: Annotated[
            bool,
            typer.Option("--strict", help="Fail while unreviewed rows remain."),
        ] = False,
        summary: Annotated[
            bool,
            typer.Option("--summary/--no-summary", help="End with the package summary."),
        ] = True,
        base: Annotated[
            str | None,
            typer.Option(
                "--base",
                metavar="REF",
                help="A git revision (e.g. origin/main): fail when a raw text it has was "
                "changed or deleted, unless a decision records why.",
            ),
        ] = None,
        limit: Annotated[
            int,
            typer.Option(
                "--limit",
                min=0,
                help="Issues shown per table and rule, and articles in the summary (0: all).",
            ),
        ] = 10,
    ) -> None:
        """Validate the package: schemas, keys, provenance, figures, dates, names, text.

        Checks what the Table Schemas say (types, required, enums, bounds, patterns, primary
        and foreign keys, exact headers) and the rules beyond them, each named (e.g.
        provenance.quote-span). With --base REF, raw texts are append-only since REF.
        Exit status 0 valid, 1 invalid, 2 unreadable (or REF unknown, or not a git clone).
        """
        from szdata._validate import validate as run
        from szdata._validate._render import print_rich, render_github, render_text

        location = package_location(path, legacy_path)
        announce(location, err=as_json)
        path = location.root
        interactive = sys.stdout.isatty() and not as_json and fmt is Format.text
        if interactive:
            from szdata._core._terminal import console as make_console

            console = make_console()
            with console.status("validating") as status:
                report = run(
                    path, strict=strict, base=base, progress=lambda s: status.update(f"{s}...")
                )
            print_rich(report, console, limit=limit or None, summary=summary)
        else:
            report = run(path, strict=strict, base=base)
            if as_json:
                typer.echo(report.to_json())
            elif fmt is Format.github:
                typer.echo(render_github(report), nl=False)
            else:
                typer.echo(render_text(report, limit=limit or None, summary=summary), nl=False)
        if not report.ok:
            raise typer.Exit(1)
