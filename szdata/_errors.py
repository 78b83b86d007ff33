"""The exceptions szdata raises, each with a message a person can act on."""

from __future__ import annotations


class SzdataError(Exception):
    """Base class of every error szdata raises on purpose."""


class PackageError(SzdataError):
    """The package cannot be read: a missing or unsafe descriptor, path or file.

    The command line exits with status 2 on this error.
    """


class ParseError(SzdataError):
    """A raw text cannot be parsed: empty, not UTF-8, or without a title.

    Parameters
    ----------
    message
        What is wrong.
    file
        The file name of the text.
    line
        The 1-based line the problem is on, where there is one.
    hint
        What to do about it.
    """

    def __init__(
        self, message: str, *, file: str = "<text>", line: int | None = None, hint: str = ""
    ) -> None:
        self.file = file
        self.line = line
        self.hint = hint
        where = f"{file}:{line}" if line is not None else file
        text = f"{where}: {message}"
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)


class BuildError(SzdataError):
    """The tables cannot be built: a curation decision no longer applies, or a key is missing."""


class ValidationFailed(SzdataError):
    """Raised by :meth:`szdata.Report.raise_for_errors` when the package is invalid."""
