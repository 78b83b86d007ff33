"""The ``szdata`` command line (also ``python -m szdata``).

Each command lives in its own module of :mod:`szdata._commands` and registers itself on
the one Typer application (:mod:`._app`), which :func:`main` imports only once its signal
handlers are in place, so that Ctrl-C at any moment exits 130 with one line. Every command
exits with one of the statuses of :data:`szdata._core._errors.EXIT_CODES`: 0 success, 1
invalid data (or a refused contribution), 2 an unreadable package or input, or wrong usage,
3 an internal error (a bug, reported with a request to report it), 130 interrupted. An error
is one line on standard error; with ``--json``, standard output still gets one complete JSON
document. Everything printed goes through the escaping guard of :mod:`szdata._core._terminal`.
"""

from __future__ import annotations

import os
import sys

from szdata._core._errors import SzdataError

TYPE_CHECKING = False  # ``typing`` is not imported before the signal handlers are in
if TYPE_CHECKING:
    from typing import Any

    import typer


def _make_app(args: list[str] | None = None) -> typer.Typer:
    """The Typer application (:mod:`._app` imports typer): with every command registered, or
    only the one ``args`` runs when its first argument names one (not ``--help``)."""
    from szdata._commands._app import make_app

    return make_app(args[0] if args and not args[0].startswith("-") else None)


_LAZY = ("COMMAND_MODULES", "version_text")


def __getattr__(name: str) -> Any:
    """``app`` and the names of :mod:`._app`, imported on first use (typer is heavy)."""
    if name == "app":
        return _make_app()
    if name in _LAZY:
        from szdata._commands import _app

        return getattr(_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _signals() -> Any:
    """The signal module: its C part when there is one, which imports in no time (``signal``
    builds enums first), so that the handlers go in at once."""
    try:
        import _signal as signals
    except ImportError:  # pragma: no cover - another Python than CPython
        import signal as signals
    return signals


def _install_handlers() -> dict[int, Any]:
    """SIGINT and SIGTERM unwind the command like Ctrl-C (so that staged temporary files are
    removed, see ``_atomic``); the handlers they had, to put back."""
    signals = _signals()
    previous: dict[int, Any] = {}
    for signum, handler in ((signals.SIGINT, _interrupt), (signals.SIGTERM, _terminate)):
        try:  # noqa: SIM105 - contextlib is not imported yet: the handlers go in first
            previous[signum] = signals.signal(signum, handler)
        except (ValueError, OSError):  # only the main thread may set them
            pass
    return previous


def _restore_handlers(previous: dict[int, Any]) -> None:
    import contextlib

    signals = _signals()
    for signum, handler in previous.items():
        with contextlib.suppress(ValueError, OSError, TypeError):
            signals.signal(signum, handler if handler is not None else signals.SIG_DFL)


def _exit_now(status: int) -> None:
    """End the process with ``status`` at once, its output flushed.

    After Ctrl-C, CPython ends a process whose ``KeyboardInterrupt`` passed through code run
    by ``exec`` (as imports of dataclasses do) by killing itself with SIGINT, whatever exit
    status it was given; the command line's own process exits 130 as documented instead.
    """
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(status)


def _late_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C once the command is done (the interpreter is closing): one line, exit 130."""
    try:
        os.write(2, b"interrupted\n")
    finally:
        os._exit(130)


def _wants_json(argv: list[str]) -> bool:
    args = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in args


def _error_document(message: str, status: int) -> str:
    import json

    return json.dumps(
        {"ok": False, "exit_code": status, "error": message}, ensure_ascii=False, indent=2
    )


def _say(text: str, *, err: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError):  # a closed stream
        pass


def _fail(message: str, status: int, as_json: bool) -> int:
    from szdata._core._terminal import shown

    _say(f"error: {shown(message)}")
    if as_json:
        _say(_error_document(message, status), err=False)
    return status


def internal_error_message(exc: BaseException) -> str:
    """The one line an internal error (a bug) prints: what it is, and where to report it.

    The address is the project's issue tracker as its metadata gives it (``project.urls``
    in ``pyproject.toml``, :func:`szdata._core._project.report_hint`); without one, the
    line names none.

    Examples
    --------
    >>> internal_error_message(ValueError("boom")).startswith("internal error: ValueError: boom.")
    True
    """
    from szdata._core._project import report_hint

    return (
        f"internal error: {type(exc).__name__}: {exc}. This is a bug in szdata, not a "
        f"problem of your data: please {report_hint()} with the command you ran "
        "(set SZDATA_DEBUG=1 to see the traceback)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit status (:data:`szdata._core._errors.EXIT_CODES`).

    The signal handlers go in first, before any heavy import, so that Ctrl-C at any moment
    of the run exits 130 with one line; everything the command prints goes through the
    escaping guard of :mod:`szdata._core._terminal`. Called without ``argv`` (the process's
    own command line: the ``szdata`` command, ``python -m szdata``), it ends the process
    with its status once the output is flushed, so that Ctrl-C at its very end exits 130 too.
    """
    previous = _install_handlers()
    status = 130
    try:
        from szdata._core._terminal import guarded

        with guarded(), _WithoutCycleCollection():
            status = _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:  # between the command's own handling and its return
        _say("interrupted")
    finally:
        if argv is None:
            import contextlib

            with contextlib.suppress(ValueError, OSError):
                _signals().signal(_signals().SIGINT, _late_interrupt)
        else:
            _restore_handlers(previous)
    if argv is None:
        # The process's own run ends here, without the interpreter's finalization: CPython
        # gives SIGINT back its default action while it closes, so a Ctrl-C in that window
        # would kill the process (status -2) instead of exiting 130 with one line.
        _exit_now(status)
    return status


class _WithoutCycleCollection:
    """Turn off the cyclic garbage collector's automatic passes while a command runs.

    A command holds the package in memory (at 10,000 articles, the descriptor's 10,000
    resources and the tables' rows), and each full pass of the collector walks every object
    alive: measured, the passes took 0.11 s of ``szdata add`` into 10,000 articles (33 ms
    into the shipped package), 0.30 s of ``validate`` at 1,000,000 figures and 5.8 s of
    ``site`` at 10,000 articles, with the same peak memory without them (the commands make
    few reference cycles; reference counting frees the rest). The collector is turned back
    on after the command if it was on, so a caller of :func:`main` keeps its own setting.

    Examples
    --------
    >>> import gc
    >>> with _WithoutCycleCollection():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    def __enter__(self) -> None:
        import gc

        self.was_on = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        import gc

        if self.was_on:
            gc.enable()


def _run(args: list[str]) -> int:
    import contextlib

    as_json = _wants_json(args)
    status: Any = 0
    try:
        app = _make_app(args)
        status = app(args=args, standalone_mode=False, prog_name="szdata")
        if status == 130:  # typer turns Ctrl-C into Exit(130), silently
            _say("interrupted")
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except SystemExit as exc:  # typer/click exits
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # typer's answer to a closed pipe
            return 0
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except SzdataError as exc:
        return _fail(str(exc), exc.exit_code, as_json)
    except BrokenPipeError:  # `szdata show figures | head`: the reader has all it wants
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        return _typer_exit(exc, as_json)
    except BaseException as exc:  # a Rust panic from a library (PanicException): a bug too
        return _internal_error(exc, as_json)
    finally:
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            sys.stdout.flush()
    return status if isinstance(status, int) else 0


def _typer_exit(exc: Exception, as_json: bool) -> int:
    """The status of an exception typer raised (an exit, an abort, a usage error), else a bug."""
    typer = sys.modules.get("typer")
    if typer is None:
        return _internal_error(exc, as_json)
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        _say("interrupted")
        return 130
    if isinstance(exc, typer.TyperException):  # usage errors: bad options, missing arguments
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            _say(f"error: {exc.format_message()}")
        status = int(getattr(exc, "exit_code", 2))
        if as_json:
            _say(_error_document(exc.format_message(), status), err=False)
        return status
    return _internal_error(exc, as_json)


def _internal_error(exc: BaseException, as_json: bool) -> int:
    """A bug: never a bare traceback, never a verdict on the data."""
    if os.environ.get("SZDATA_DEBUG"):
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)
    return _fail(internal_error_message(exc), 3, as_json)
