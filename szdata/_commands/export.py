"""``szdata export FORMAT OUT``: the package as SQLite, DuckDB or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from szdata._commands._options import PackageOption, package_location
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
        out: Annotated[Path, typer.Argument(metavar="OUT", help="The file or folder to write.")],
        path: PackageOption = None,
        force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    ) -> None:
        """Export every table with its keys and types.

        SQLite enforces foreign keys only on connections that run PRAGMA foreign_keys = ON.
        """
        from szdata._export import export as run

        if format not in FORMATS:
            typer.echo(
                f"error: unknown format {format!r}; use one of {', '.join(FORMATS)}", err=True
            )
            raise typer.Exit(2)
        written = run(format, out, path=package_location(path).root, overwrite=force)  # type: ignore[arg-type]
        typer.echo(f"wrote {written} ({format})")
