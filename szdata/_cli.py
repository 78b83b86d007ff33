"""The ``szdata`` command line (also ``python -m szdata``).

Each command lives in its own module of :mod:`szdata._commands` and registers itself on
the one Typer application here. Exit status: 0 success, 1 invalid data or a failed
check, 2 a package or input that cannot be read.
"""

from __future__ import annotations

import contextlib
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

COMMAND_MODULES: tuple[str, ...] = (
    "info",
    "show",
    "export",
    "site",
    "validate",
    "add",
    "review",
    "build",
)


_registered: list[str] = []


def _register_all() -> None:
    for name in COMMAND_MODULES:
        if name not in _registered:
            import_module(f"szdata._commands.{name}").register(app)
            _registered.append(name)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit status."""
    import signal
    import sys

    _register_all()
    # SIGTERM unwinds like Ctrl-C, so that staged temporary files are removed (see _atomic).
    with contextlib.suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGTERM, _terminate)
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
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except typer.TyperException as exc:  # usage errors: bad options, missing arguments
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"error: {exc}", err=True)
        return int(getattr(exc, "exit_code", 2))
    finally:
        sys.stdout.flush()
    return status if isinstance(status, int) else 0
