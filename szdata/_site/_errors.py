"""The error the site builder raises."""

from __future__ import annotations

from szdata._core._errors import SzdataError


class SiteError(SzdataError):
    """The site cannot be built: the output folder is taken, or a required export cannot be made.

    Rows that do not match their texts do not stop the build: the site lists them.

    The command line exits with status 1 on this error.
    """
