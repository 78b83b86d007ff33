"""What the command line prints: data shown as text, never as markup or terminal controls.

A cell of a contributed CSV can hold anything: rich markup (``[/b]``), an ANSI escape
sequence (``ESC [2J`` clears the screen), a C1 control, or a bidi override that makes a
terminal show text in another order than it is stored. :func:`shown` escapes all of them,
as Python's ``repr`` would (``\\x1b``, ``\\u202e``), so that what a terminal shows is what
the file holds; :func:`console` gives a rich console that reads no markup, emoji or
highlighting in what it prints.

Examples
--------
>>> shown("Han Ximin")
'Han Ximin'
>>> shown("evil\\x1b[2J\\u202eTXT")
'evil\\\\x1b[2J\\\\u202eTXT'
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
"""C0 controls but tab and newline, DEL, C1 controls, zero-width and bidi controls,
line/paragraph separators, and the byte-order mark."""
_UNSAFE_ANY = re.compile(f"[\t\n]|{_UNSAFE.pattern}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object, *, one_line: bool = False) -> str:
    """``text`` with every terminal control escaped (tabs and newlines too if ``one_line``).

    Examples
    --------
    >>> shown("a\\tb\\nc", one_line=True)
    'a\\\\x09b\\\\x0ac'
    """
    value = str(text)
    regex = _UNSAFE_ANY if one_line else _UNSAFE
    return regex.sub(_escape, value)


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default: standard output) is a terminal."""
    stream = stream if stream is not None else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def console(*, stderr: bool = False) -> Console:
    """A rich console that prints data as text: no markup, emoji or highlighting."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)
