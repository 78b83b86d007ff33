"""Arguments and options shared by several commands, written once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

PackageArgument = Annotated[
    Path | None,
    typer.Argument(
        help="The package folder or its datapackage.json (default: the installed one).",
        show_default=False,
    ),
]
"""The optional ``PATH`` of a package, as the first argument of ``validate`` and ``build``."""
