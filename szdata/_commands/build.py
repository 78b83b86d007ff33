"""``szdata build [--path PATH] [--check] [--scores [--fixtures DIR]]``: rebuild the tables.

The first line names the package built (``--path``, else the current folder's); building
writes, so an installed copy is refused, and the package is locked while it is written.

Exit status: 0 built (or, with ``--check``, up to date); 1 ``--check`` found committed
files that differ from the build, or a curation decision no longer applies; 2 a package
or raw text that cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from szdata._commands._options import (
    LegacyPackageArgument,
    PackageOption,
    announce,
    package_location,
)

if TYPE_CHECKING:
    from szdata._curate._build import Score


def _print_scores(what: str, scores: dict[str, Score]) -> None:
    typer.echo(f"parser against {what}:")
    typer.echo(f"{'table':<10} {'precision':>9} {'recall':>7}  matched/parsed/expected")
    for table, s in scores.items():
        typer.echo(
            f"{table:<10} {s.precision:>9.3f} {s.recall:>7.3f}  {s.matched}/{s.parsed}/{s.expected}"
        )


def register(app: typer.Typer) -> None:
    """Add ``build`` to the command line."""

    @app.command("build")
    def build(
        legacy_path: LegacyPackageArgument = None,
        path: PackageOption = None,
        check: Annotated[
            bool,
            typer.Option(
                "--check",
                help="Write nothing; exit 1 and show the difference if the committed files "
                "are not what the build produces.",
            ),
        ] = False,
        scores: Annotated[
            bool,
            typer.Option(
                "--scores",
                help="Print the unaided parser's precision and recall per table, build nothing.",
            ),
        ] = False,
        fixtures: Annotated[
            Path | None,
            typer.Option(
                "--fixtures",
                metavar="FOLDER",
                help="With --scores: also score the parser on the labelled texts of FOLDER "
                "(NAME.txt with NAME.expected.json).",
            ),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Do not print the parser's warnings.")
        ] = False,
    ) -> None:
        """Regenerate data/*.csv from data/raw/ and data/curation/, deterministically."""
        location = package_location(path, legacy_path, writes=None if check or scores else "build")
        announce(location)
        path = location.root
        if scores:
            from szdata._curate._build import parser_scores

            _print_scores("the package's tables", parser_scores(path))
            if fixtures is not None:
                from szdata._curate._scores import fixture_scores

                _print_scores(f"labelled texts of {fixtures}", fixture_scores(fixtures))
            return
        from szdata._core._terminal import shown
        from szdata._curate._build import build as run_build

        result = run_build(path, check=check)
        if not quiet:
            for w in result.warnings:
                typer.echo(f"warning: {shown(w)}", err=True)
        if check:
            if result.changed:
                typer.echo(result.diff(), nl=False)
                typer.echo(
                    f"error: {len(result.changed)} file(s) differ from what the build produces: "
                    f"{', '.join(result.changed)} (hint: run `szdata build` and commit the result)",
                    err=True,
                )
                raise typer.Exit(1)
            typer.echo("up to date: the committed tables are what the build produces")
            return
        if result.changed:
            typer.echo(f"built: {', '.join(result.changed)}")
        else:
            typer.echo("up to date: nothing to write")
