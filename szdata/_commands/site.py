"""``szdata site OUT/``: write the static review site of the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the ``site`` command to the application."""
    app.command("site")(site)


def site(
    out: Annotated[Path, typer.Argument(help="The folder to write the site into.")],
    path: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at runtime on 3.10
        typer.Option(
            "--path", help="The package (folder or datapackage.json); default: installed."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT even if it holds other files.")
    ] = False,
    exports: Annotated[
        Optional[bool],  # noqa: UP045 - typer reads the annotation at runtime on 3.10
        typer.Option(
            "--exports/--no-exports",
            help="Add the SQLite and Parquet exports to the downloads (default: when the "
            "export extra is installed; --exports fails without it).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a static site: the reviewer's queue, every decision, every row in its text.

    The site opens from the file system (no server): open OUT/index.html in a browser.
    A package that fails validation is still written, with its errors listed on the index.
    """
    from szdata._site import build_site, summary

    written = build_site(out, path=path, force=force, exports=exports)
    typer.echo(summary(written))
