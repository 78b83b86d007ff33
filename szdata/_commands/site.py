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
    out: Annotated[Path, typer.Argument(help="The folder to write the site into.")],
    path: PackageOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT even if it holds other files.")
    ] = False,
) -> None:
    """Write a static site: every figure, date and mention highlighted in its article.

    The site opens from the file system (no server): open OUT/index.html in a browser.
    """
    from szdata._site import build_site

    written = build_site(out, path=package_location(path).root, force=force)
    pages = sum(1 for _ in (written / "articles").glob("*.html")) + 1
    typer.echo(f"wrote {pages} pages to {written}; open {written / 'index.html'} in a browser")
