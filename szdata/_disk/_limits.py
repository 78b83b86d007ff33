"""The size limits a user sets through ``SZDATA_MAX_*_BYTES``, read one way.

Examples
--------
>>> limit("SZDATA_NO_SUCH_LIMIT", 10)
10
"""

from __future__ import annotations

import os
import re

from szdata._core._errors import UsageError


def limit(name: str, default: int) -> int:
    """The size limit in force: the environment variable ``name``, or ``default``.

    Raises
    ------
    UsageError
        When the variable is set to anything but a positive whole number in ASCII digits
        (as numbers are written in the tables: no spaces, signs, separators or other
        scripts' digits).
    """
    value = os.environ.get(name)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]+", value) or int(value) <= 0:
        raise UsageError(f"{name}={value!r} is not a positive number of bytes (e.g. {default})")
    return int(value)
