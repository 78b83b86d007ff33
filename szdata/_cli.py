"""The ``szdata`` command line (also ``python -m szdata``).

Each command lives in its own module of :mod:`szdata._commands` and registers itself on
the one Typer application here. Exit status: 0 success, 1 invalid data or a failed
check, 2 a package or input that cannot be read.
"""

from __future__ import annotations

from importlib import import_module

import typer

from szdata._errors import PackageError, SzdataError

app = typer.Typer(
    name="szdata",
    help="Shenzhen COVID-19 government news of 2020 as traceable, validated tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES: tuple[str, ...] = ()


def _register_all() -> None:
    for name in COMMAND_MODULES:
        import_module(f"szdata._commands.{name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit status."""
    import sys

    _register_all()
    try:
        status = app(args=argv, standalone_mode=False)
    except SystemExit as exc:  # typer/click exits
        return int(exc.code or 0)
    except PackageError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except SzdataError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            typer.echo("aborted", err=True)
            return 1
        raise
    finally:
        sys.stdout.flush()
    return status if isinstance(status, int) else 0
