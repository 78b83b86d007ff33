"""The Typer application of the command line, with every command registered.

Imported by :func:`szdata._commands._main.main` once its signal handlers are in place:
``import typer`` is the heaviest import of a command's start.
"""

from __future__ import annotations

from importlib import import_module
from typing import Annotated

import typer

from szdata._core._errors import SzdataError

COMMAND_MODULES: tuple[str, ...] = (
    "info",
    "show",
    "export",
    "site",
    "validate",
    "diff",
    "add",
    "correct",
    "review",
    "build",
    "cache",
)

_APP: typer.Typer | None = None


def version_text() -> str:
    """``szdata --version``: the code's version, and the data's version and place.

    Examples
    --------
    >>> version_text().startswith("szdata ")
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    from szdata._disk._package import locate_package, open_package

    try:
        code = version("szdata")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree, not installed
        code = "unknown"
    try:
        location = locate_package()
        data = f"data {open_package(location.root).version} ({location.describe()})"
    except SzdataError as exc:
        data = f"data: unreadable ({exc})"
    return f"szdata {code}\n{data}"


def _version(value: bool) -> None:
    if value:
        from szdata._core._terminal import shown

        typer.echo(shown(version_text()))
        raise typer.Exit(0)


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the code and data versions and exit.",
        ),
    ] = False,
) -> None:
    """Shenzhen COVID-19 government news of 2020 as traceable, validated tables."""


def make_app(command: str | None = None) -> typer.Typer:
    """The application, made once, with every command of :data:`COMMAND_MODULES`.

    ``command``: the one command about to run, when the arguments name one: an application
    with that command alone (each command's module imports what it uses, and a Typer
    command costs time to set up, so that ``szdata info`` does not pay for ``site``).
    """
    global _APP
    if _APP is not None:
        return _APP
    if command in COMMAND_MODULES:
        if command not in _ONE:
            _ONE[command] = _new_app((command,))
        return _ONE[command]
    _APP = _new_app(COMMAND_MODULES)
    return _APP


_ONE: dict[str, typer.Typer] = {}


def _new_app(commands: tuple[str, ...]) -> typer.Typer:
    app = typer.Typer(
        name="szdata",
        help="Shenzhen COVID-19 government news of 2020 as traceable, validated tables.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    for name in commands:
        import_module(f"szdata._commands.{name}").register(app)
    return app
