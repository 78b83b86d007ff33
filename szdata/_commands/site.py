"""``szdata site OUT/``: write the static review site of the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from szdata._commands._options import PackageOption, package_location


def register(app: typer.Typer) -> None:
    """Add the ``site`` command to the application."""
    app.command("site")(site)


def site(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The folder to write the site into.")],
    path: PackageOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT even if it holds other files.")
    ] = False,
    exports: Annotated[
        bool | None,
        typer.Option(
            "--exports/--no-exports",
            help="Add the SQLite and Parquet exports to the downloads (default: when the "
            "export extra is installed; --exports fails without it).",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="A git revision (e.g. origin/main): add a page of the changes since it "
            "(as szdata diff REF), linked from the reviewer's queue, and mark every row "
            "added or changed since it on its article page.",
        ),
    ] = None,
) -> None:
    """Write a static site: the reviewer's queue, every decision, every row in its text.

    The site opens from the file system (no server): open OUT/index.html in a browser.
    A package that fails validation is still written, with its errors listed on the index.
    With --base REF, a "changes" page says what changed since REF (exit status 2 when REF
    is unknown or the package is not in a git clone).
    """
    from szdata._core._terminal import shown
    from szdata._site import build_site, summary

    location = package_location(path)
    written = build_site(out, path=location.root, force=force, exports=exports, base=base)
    typer.echo(shown(summary(written)))
