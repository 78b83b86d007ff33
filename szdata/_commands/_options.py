"""Arguments and options shared by the commands, written once.

Every command names its package the same way, with ``--path``; without it, the package is
the one of the current folder (found upward, as git finds its repository), and only
outside any package the installed copy (see :func:`szdata._disk._package.locate_package`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from szdata._disk._package import Location, locate_package, refuse_installed_copy

PackageOption = Annotated[
    Path | None,
    typer.Option(
        "--path",
        help="The package folder or its datapackage.json (default: the package of the current "
        "folder or above, else the installed copy).",
        show_default=False,
    ),
]
"""The ``--path PATH`` option of every command that reads or writes a package."""

LegacyPackageArgument = Annotated[
    Path | None,
    typer.Argument(hidden=True, show_default=False, metavar="PATH"),
]
"""The old positional ``PATH`` of ``validate`` and ``build``, kept working; use ``--path``."""

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document for machines.")]
"""The ``--json`` option: the command prints one complete JSON document on standard output."""

ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who records the decisions (default: git config user.name)."),
]
"""The ``--by`` option of the commands that record decisions."""

ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why: recorded with the decisions.")
]
"""The ``--reason`` option of the commands that record decisions."""

EvidenceOption = Annotated[
    str | None,
    typer.Option(
        "--evidence", help="Where it can be checked: a web address or a quote of the text."
    ),
]
"""The ``--evidence`` option of the commands that record decisions."""

DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Build and validate the result; write nothing.")
]
"""The ``--dry-run`` option of the commands that change the package."""


def package_location(
    path: Path | None, legacy: Path | None = None, *, writes: str | None = None
) -> Location:
    """The package a command acts on; ``writes`` names a writing command (refused on an install).

    Raises
    ------
    UsageError
        When both ``--path`` and the old positional ``PATH`` are given, or a writing command
        would write into an installed copy.
    """
    from szdata._core._errors import UsageError

    if legacy is not None:
        if path is not None:
            raise UsageError("give the package once, with --path PATH")
        typer.echo(f"note: the package PATH argument is deprecated; use --path {legacy}", err=True)
        path = legacy
    location = locate_package(path)
    if writes is not None:
        refuse_installed_copy(location.root, command=writes)
    return location


def announce(location: Location, *, err: bool = False) -> None:
    """Print which package the command acts on (its first line of output)."""
    from szdata._core._terminal import shown

    typer.echo(shown(location.describe()), err=err)
