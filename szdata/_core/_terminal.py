"""What the command line prints: data shown as text, never as markup or terminal controls.

A cell of a contributed CSV can hold anything: rich markup (``[/b]``), an ANSI escape
sequence (``ESC [2J`` clears the screen, ``ESC ]`` starts an operating-system command), a
C1 control (``\\x9b`` is a one-character ``ESC [``), a bidi override that makes a terminal
show text in another order than it is stored, or a lone surrogate that no encoder takes.
:data:`UNSAFE` is the one list of them; :func:`escape` is the one function that escapes
them, either as Python's ``repr`` would (``\\x1b``, ``\\u202e``; :func:`shown`) or as JSON
does (``\\u001b``), so that what a terminal shows is what the file holds.

Every output path goes through it, whatever the environment says about colour:

- text the commands print is escaped with :func:`shown` where it is put together;
- :func:`guarded` wraps standard output and standard error for the whole run of a command
  (:func:`szdata._commands._main.main`), so that anything else written there (CSV rows,
  JSON documents, GitHub annotations, a library's message) is escaped too, in the JSON
  form, which keeps a JSON document valid;
- :func:`console` gives a rich console that reads no markup, emoji or highlighting, escapes
  every piece of text it renders, and writes its own colour codes past the guard. It
  follows the colour conventions: ``NO_COLOR`` (no colour), ``FORCE_COLOR`` and
  ``CLICOLOR_FORCE`` (colour even in a pipe), ``CLICOLOR=0`` (no colour on a terminal).

Examples
--------
>>> shown("Han Ximin")
'Han Ximin'
>>> shown("evil\\x1b[2J\\u202eTXT")
'evil\\\\x1b[2J\\\\u202eTXT'
>>> escape("\\x9b31m", form="json")
'\\\\u009b31m'
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from rich.console import Console

_OTHERS = (
    r"\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
    r"\ud800-\udfff"
)
UNSAFE = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHERS}]")
"""C0 controls but tab and newline, DEL, C1 controls, zero-width and bidi controls,
line/paragraph separators, the byte-order mark, interlinear annotations, and lone
surrogates (which no encoder writes)."""
_UNSAFE_ANY = re.compile(rf"[\x00-\x1f{_OTHERS}]")
_UNSAFE_STREAM = re.compile(rf"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHERS}]")
"""What the guard of a stream escapes: :data:`UNSAFE`, but a carriage return only when a
line feed follows it (``show`` writes CSV with CRLF line ends, as RFC 4180 says)."""

Form = Literal["repr", "json"]


def _repr_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: object, *, form: Form = "repr", one_line: bool = False) -> str:
    """``text`` with every character of :data:`UNSAFE` escaped (tab and newline too if
    ``one_line``).

    ``form="repr"`` writes them as Python's ``repr`` does (``\\x1b``); ``form="json"`` as
    JSON does (``\\u001b``), valid inside a JSON string.

    Examples
    --------
    >>> escape("a\\x1bb"), escape("a\\x1bb", form="json")
    ('a\\\\x1bb', 'a\\\\u001bb')
    """
    value = str(text)
    regex = _UNSAFE_ANY if one_line else UNSAFE
    return regex.sub(_json_escape if form == "json" else _repr_escape, value)


def shown(text: object, *, one_line: bool = False) -> str:
    """``text`` with every terminal control escaped (tabs and newlines too if ``one_line``).

    Examples
    --------
    >>> shown("a\\tb\\nc", one_line=True)
    'a\\\\x09b\\\\x0ac'
    """
    return escape(text, one_line=one_line)


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default: standard output) is a terminal."""
    stream = stream if stream is not None else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class GuardedStream(io.TextIOBase):
    """A text stream that escapes :data:`UNSAFE` characters (JSON form) before writing them.

    It has no ``buffer``, so that a library looking for the bytes underneath (click does)
    writes through it; text the stream's encoding cannot hold is written with backslash
    escapes instead of failing.

    Examples
    --------
    >>> out = io.StringIO()
    >>> guarded_out = GuardedStream(out)
    >>> guarded_out.write("cell\\x1b[2J\\u202e,ok\\r\\n")
    14
    >>> out.getvalue()
    'cell\\\\u001b[2J\\\\u202e,ok\\r\\n'
    """

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return is_terminal(self.inner)

    def fileno(self) -> int:
        return self.inner.fileno()

    def flush(self) -> None:
        self.inner.flush()

    def write(self, text: str) -> int:
        safe = _UNSAFE_STREAM.sub(_json_escape, text)
        try:
            self.inner.write(safe)
        except UnicodeEncodeError:
            encoding = self.encoding
            self.inner.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)


def unguarded(stream: TextIO) -> TextIO:
    """The stream under a :class:`GuardedStream` (``stream`` itself if not guarded)."""
    return stream.inner if isinstance(stream, GuardedStream) else stream


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Guard ``sys.stdout`` and ``sys.stderr`` with :class:`GuardedStream` inside the block.

    Examples
    --------
    >>> with guarded():
    ...     isinstance(sys.stdout, GuardedStream)
    True
    """
    saved = (sys.stdout, sys.stderr)
    if sys.stdout is not None and not isinstance(sys.stdout, GuardedStream):
        sys.stdout = GuardedStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, GuardedStream):
        sys.stderr = GuardedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _colour(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Rich's colour settings from the conventions rich does not read itself.

    ``NO_COLOR`` (https://no-color.org) and ``FORCE_COLOR`` (https://force-color.org) are
    read by rich; ``CLICOLOR_FORCE`` (colour even in a pipe) and ``CLICOLOR=0`` (no colour)
    come from https://bixense.com/clicolors/, ``NO_COLOR`` winning over both.

    Examples
    --------
    >>> _colour({"CLICOLOR_FORCE": "1"}), _colour({"CLICOLOR": "0"}), _colour({})
    ({'force_terminal': True}, {'no_color': True}, {})
    >>> _colour({"CLICOLOR_FORCE": "1", "NO_COLOR": "1"})
    {}
    """
    if environ.get("NO_COLOR", ""):
        return {}  # rich reads it
    if environ.get("FORCE_COLOR") is None and environ.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return {"force_terminal": True}
    if environ.get("FORCE_COLOR") is None and environ.get("CLICOLOR") == "0":
        return {"no_color": True}
    return {}


_SAFE_CONSOLE: type[Console] | None = None


def _safe_console_class() -> type[Console]:
    global _SAFE_CONSOLE
    if _SAFE_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        class SafeConsole(Console):
            """A rich console that escapes :data:`UNSAFE` in every piece of text it renders
            (its own cursor and colour codes are not text, and pass)."""

            def _render_buffer(self, buffer: Any) -> str:
                return super()._render_buffer(
                    s if s.control else Segment(UNSAFE.sub(_repr_escape, s.text), s.style)
                    for s in buffer
                )

        _SAFE_CONSOLE = SafeConsole
    return _SAFE_CONSOLE


def console(*, stderr: bool = False) -> Console:
    """A rich console that prints data as text: no markup, emoji or highlighting, every
    control escaped, colour as the environment asks (see the module)."""
    stream = unguarded(sys.stderr if stderr else sys.stdout)
    return _safe_console_class()(
        file=stream, markup=False, emoji=False, highlight=False, **_colour(os.environ)
    )
