"""The error the site builder raises."""

from __future__ import annotations

from szdata._errors import SzdataError


class SiteError(SzdataError):
    """The site cannot be built: a row does not match its text, or the output folder is taken.

    The command line exits with status 1 on this error.
    """
