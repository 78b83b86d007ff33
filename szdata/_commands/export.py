"""``szdata export FORMAT OUT``: the package as SQLite, DuckDB or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from szdata._commands._options import PackageOption, announce, package_location
from szdata._export import FORMATS


def register(app: typer.Typer) -> None:
    """Add ``export`` to the command line."""

    @app.command("export")
    def export(
        format: Annotated[
            str,
            typer.Argument(
                metavar="FORMAT", help=f"One of {', '.join(FORMATS)} (parquet writes a folder)."
            ),
        ],
        out: Annotated[
            Path,
            typer.Argument(metavar="OUT", help="The file or folder to write, outside the package."),
        ],
        path: PackageOption = None,
        force: Annotated[
            bool,
            typer.Option(
                "--force", help="Replace OUT if it is an earlier export szdata wrote (only then)."
            ),
        ] = False,
    ) -> None:
        """Export every table with its keys and constraints, the raw texts and the metadata.

        OUT is written only when it is missing, or, with --force, when it is an earlier szdata
        export; anything else is refused and left as it is. SQLite enforces foreign keys only
        on connections that run PRAGMA foreign_keys = ON.
        """
        from szdata._core._errors import UsageError
        from szdata._core._terminal import shown
        from szdata._export import run_export

        if format not in FORMATS:
            raise UsageError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
        location = package_location(path)
        announce(location)
        written = run_export(
            format, out, path=location.root, overwrite=force, replace_option="--force"
        )
        shown_out = out if not out.is_absolute() and written == Path(out).absolute() else written
        typer.echo(shown(f"wrote {shown_out} ({format})"))
