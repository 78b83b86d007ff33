"""The ``szdata`` command line (also ``python -m szdata``).

Each command lives in its own module of :mod:`szdata._commands` and registers itself on
the one Typer application here. Every command exits with one of the statuses of
:data:`szdata._core._errors.EXIT_CODES`: 0 success, 1 invalid data (or a refused contribution),
2 an unreadable package or input, or wrong usage, 3 an internal error (a bug, reported
with a request to report it), 130 interrupted. An error is one line on standard error;
with ``--json``, standard output still gets one complete JSON document.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from importlib import import_module
from typing import Annotated

import typer

from szdata._core._errors import SzdataError
from szdata._core._project import report_hint

app = typer.Typer(
    name="szdata",
    help="Shenzhen COVID-19 government news of 2020 as traceable, validated tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

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
)


_registered: list[str] = []


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


@app.callback()
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


def _register_all() -> None:
    for name in COMMAND_MODULES:
        if name not in _registered:
            import_module(f"szdata._commands.{name}").register(app)
            _registered.append(name)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _wants_json(argv: list[str]) -> bool:
    args = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in args


def _error_document(message: str, status: int) -> str:
    return json.dumps(
        {"ok": False, "exit_code": status, "error": message}, ensure_ascii=False, indent=2
    )


def _fail(message: str, status: int, as_json: bool) -> int:
    from szdata._core._terminal import shown

    typer.echo(f"error: {shown(message)}", err=True)
    if as_json:
        typer.echo(_error_document(message, status))
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit status (:data:`szdata._core._errors.EXIT_CODES`)."""
    import signal

    args = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(args)
    # SIGTERM unwinds like Ctrl-C, so that staged temporary files are removed (see _atomic).
    with contextlib.suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGTERM, _terminate)
    try:
        _register_all()
        status = app(args=args, standalone_mode=False, prog_name="szdata")
        if status == 130:  # typer turns Ctrl-C into Exit(130), silently
            typer.echo("interrupted", err=True)
    except SystemExit as exc:  # typer/click exits
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # typer's answer to a closed pipe
            return 0
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except typer.Exit as exc:
        return exc.exit_code
    except SzdataError as exc:
        return _fail(str(exc), exc.exit_code, as_json)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("interrupted", err=True)
        return 130
    except typer.TyperException as exc:  # usage errors: bad options, missing arguments
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"error: {exc.format_message()}", err=True)
        status = int(getattr(exc, "exit_code", 2))
        if as_json:
            typer.echo(_error_document(exc.format_message(), status))
        return status
    except BrokenPipeError:  # `szdata show figures | head`: the reader has all it wants
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: never a bare traceback, never a verdict on the data
        if os.environ.get("SZDATA_DEBUG"):
            import traceback

            traceback.print_exc()
        message = (
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in szdata, not a "
            f"problem of your data: please {report_hint()} with the command you ran "
            "(set SZDATA_DEBUG=1 to see the traceback)"
        )
        return _fail(message, 3, as_json)
    finally:
        with contextlib.suppress(BrokenPipeError, ValueError):
            sys.stdout.flush()
    return status if isinstance(status, int) else 0
