"""The exceptions szdata raises, each with a message a person can act on and an exit status.

The command line turns each into its documented exit status (:data:`EXIT_CODES`): an
error of the data a user or contributor wrote is never a traceback.
"""

from __future__ import annotations

EXIT_CODES: dict[int, str] = {
    0: "success: the package is valid, or the command did what it says",
    1: "invalid data: the package breaks a rule, a check found a difference, or a "
    "contribution was refused (nothing was written)",
    2: "the package or an input cannot be read (missing, unsafe, not UTF-8, a bad "
    "descriptor or schema), or the command was used wrongly",
    3: "internal error: a bug in szdata (please report it)",
    130: "interrupted (Ctrl-C); nothing half-written is left",
}
"""Every exit status of every ``szdata`` command, and what it means (the README's table)."""


class SzdataError(Exception):
    """Base class of every error szdata raises on purpose.

    ``exit_code`` is the command line's exit status for it (see :data:`EXIT_CODES`).
    """

    exit_code: int = 1


class PackageError(SzdataError):
    """The package cannot be read: a missing or unsafe descriptor, path or file.

    The command line exits with status 2 on this error.
    """

    exit_code = 2


class DescriptorError(PackageError):
    """The descriptor or a table schema breaks a rule szdata checks before using it.

    The message names the file and the JSON path of what is wrong, as
    ``datapackage.json: resources[3].schema: ...``. The command line exits with status 2.

    Parameters
    ----------
    file
        The file, relative to the package (``datapackage.json``, ``schemas/x.schema.json``).
    path
        The JSON path in it (``resources[3].name``; ``$`` for the whole document).
    message
        What is wrong.
    hint
        What to do about it.

    Examples
    --------
    >>> str(DescriptorError("datapackage.json", "resources[3].name", "is not a string"))
    'datapackage.json: resources[3].name: is not a string'
    """

    def __init__(self, file: str, path: str, message: str, *, hint: str = "") -> None:
        self.file = file
        self.path = path
        self.hint = hint
        text = f"{file}: {path}: {message}"
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)


class UsageError(SzdataError):
    """A command or function was called wrongly (an unknown option value, a missing name).

    The command line exits with status 2 on this error.
    """

    exit_code = 2


class MissingExtra(SzdataError):
    """A feature needs an optional package that is not installed; the message names the extra.

    The command line exits with status 2 on this error (see :func:`szdata._core._extras.require`).
    """

    exit_code = 2


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


class LockTimeout(SzdataError):
    """Another szdata command is writing the package; this one waited and gave up.

    The command line exits with status 1 on this error: nothing was written.
    """
