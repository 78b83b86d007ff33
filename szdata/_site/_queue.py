"""The validation state of the package the site is built from, for the reviewer's queue.

The site runs :func:`szdata.validate` on the package and lists every error it finds; a
package that fails validation (or cannot be validated at all) is still shown, with the
reason at the top of the index.

Examples
--------
>>> v = Validation(errors=(), warnings=(), failure=None)
>>> v.ok
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from szdata._validate import Issue


@dataclass(frozen=True)
class Validation:
    """What :func:`szdata.validate` found: errors, warnings, or why it could not run."""

    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    failure: str | None

    @property
    def ok(self) -> bool:
        """Whether the package validated without an error."""
        return self.failure is None and not self.errors

    def warning_rules(self) -> list[tuple[str, int]]:
        """``(rule, number of warnings)``, most frequent first.

        Examples
        --------
        >>> Validation((), (), None).warning_rules()
        []
        """
        counts = Counter(i.rule for i in self.warnings)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def validate_package(path: str | Path | None) -> Validation:
    """Validate the package at ``path``; a failure to validate is reported, never raised."""
    from szdata._validate import validate

    try:
        report = validate(path)
    except Exception as exc:  # the site shows what it can; the reason goes on the index
        return Validation((), (), f"{type(exc).__name__}: {exc}")
    return Validation(tuple(report.errors), tuple(report.warnings), None)
