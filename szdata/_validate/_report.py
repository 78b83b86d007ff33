"""What a validation found: :class:`Issue` (one broken rule at one cell) and :class:`Report`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from szdata._core._errors import ValidationFailed

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One rule broken at one place of the package.

    Parameters
    ----------
    table
        The table (resource name) the offending row belongs to.
    file
        The table's file, relative to the package root (``data/figures.csv``).
    row
        The 1-based line number of the row in the CSV file, header included: the first
        data row is line 2, the header line 1.
    column
        The offending column; empty when the issue concerns a whole row or file.
    value
        The offending cell as stored (``None`` for an empty cell).
    rule
        The rule's stable name (see :data:`szdata._validate._rules.RULES`).
    message
        What is wrong, in one sentence.
    hint
        What to do about it.
    severity
        ``error`` or ``warning``.

    Examples
    --------
    >>> i = Issue("figures", "data/figures.csv", 5, "value", "-1", "structure.minimum",
    ...           "-1 is below the minimum 0", "check the value", "error")
    >>> i.where
    'data/figures.csv:5'
    """

    table: str
    file: str
    row: int | None
    column: str
    value: str | None
    rule: str
    message: str
    hint: str
    severity: Severity = "error"

    @property
    def where(self) -> str:
        """``file:row`` (or the file alone)."""
        return f"{self.file}:{self.row}" if self.row is not None else self.file

    def to_dict(self) -> dict[str, Any]:
        """The issue as a JSON-ready dictionary."""
        return dict(self.__dict__)  # its fields, in order (dataclasses.asdict, 20x faster)


@dataclass
class Report:
    """The result of :func:`szdata.validate`: every issue found, and what was validated.

    Examples
    --------
    >>> report = Report(issues=[])
    >>> report.ok
    True
    >>> report.raise_for_errors() is report
    True
    """

    issues: list[Issue] = field(default_factory=list)
    package: dict[str, Any] = field(default_factory=dict)
    strict: bool = False

    @property
    def errors(self) -> list[Issue]:
        """The issues that make the package invalid."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The issues reported without making the package invalid."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """``True`` when there is no error (warnings allowed)."""
        return not any(i.severity == "error" for i in self.issues)

    def rules(self) -> set[str]:
        """The names of the rules with at least one issue."""
        return {i.rule for i in self.issues}

    def raise_for_errors(self) -> Report:
        """Raise :class:`~szdata.ValidationFailed` if there is an error; else return ``self``.

        Raises
        ------
        ValidationFailed
            With the number of errors and the first few of them in the message.
        """
        errors = self.errors
        if not errors:
            return self
        shown = "; ".join(f"{e.where} [{e.rule}] {e.message}" for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise ValidationFailed(f"the package has {len(errors)} error(s): {shown}{more}")

    def to_dict(self) -> dict[str, Any]:
        """The complete report as a JSON-ready dictionary (nothing summarised)."""
        return {
            "ok": self.ok,
            "strict": self.strict,
            "package": self.package,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The complete report as JSON (nothing summarised)."""
        if indent is None:
            return json.dumps(self.to_dict(), ensure_ascii=False, default=str)
        from szdata._validate._json import dumps_indented

        return dumps_indented(self.to_dict(), indent)
