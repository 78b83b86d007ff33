"""Text rules: the hygiene of every text cell (NFC, control and invisible characters, spaces,
formulas)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szdata._core._normalize import INVISIBLE
from szdata._core._terminal import shown
from szdata._core._typing import BUILT_TABLES
from szdata._validate._load import Context, LoadedTable
from szdata._validate._structural import MaskCheck, combined, run_masks, text_of

if TYPE_CHECKING:
    from szdata._validate._report import Issue


def check_text(ctx: Context) -> list[Issue]:
    """``text.nfc``, ``text.control-chars``, ``text.whitespace`` and ``text.formula``.

    Every ``string`` column of every table is checked, quotes included: a quote never starts
    or ends with a space (its span would be wrong), and may hold no-break spaces inside.
    """
    return [i for table in ctx.tables.values() for i in text_issues(table)]


def text_issues(table: LoadedTable) -> list[Issue]:
    """The text rules on the ``string`` columns of one table (see :func:`check_text`)."""
    import polars as pl

    if not table.usable:
        return []
    names = [f.name for f in table.schema.fields if f.type == "string"]
    curated = table.name not in BUILT_TABLES  # built cells are copied from the raw texts
    checks = [c for name in names for c in _text_checks(name, text_of(name), curated)]
    if not checks:
        return []
    # one cheap pass per column finds the cells worth a closer look: anything outside
    # printable ASCII (NFC, control characters, no-break spaces), a space at either end,
    # or a formula character first; only those rows get the four precise checks.
    odd = pl.any_horizontal(pl.col(text_of(n)).str.contains(SUSPECT) for n in names)
    suspects = combined(table, names).lazy().filter(odd.fill_null(False)).collect()
    if not suspects.height:  # the usual case: no query of the precise checks to plan
        return []
    return run_masks(table, suspects, checks)


SUSPECT = r"[^ -~]|^(?:[\s=+\-@|%]|0[xX])|\s$"
"""Cells that may break a text rule; every cell that breaks one matches this (a property
test proves it): anything outside printable ASCII, where a formula may start, or a space at
either end. A cell of printable ASCII is its own NFC and NFKC form and holds no control or
invisible character, so only ``text.formula`` and ``text.whitespace`` can flag it, by its
first or last characters. Not every cell starting with ``0``: the ids of real articles do."""
FORMULA = r"^[\p{Cf}\s]*(?:[=+\-@|]|%[0-9A-Fa-f]{2}|0[xX][0-9A-Fa-f])"
"""What a spreadsheet may run, in a cell folded to NFKC (so that the fullwidth ``＝`` and the
small ``﹦`` are ``=``), after any invisible or space characters: a formula (``=``, ``+``,
``-``, ``@``), a pipe (DDE), a percent-encoded or a hexadecimal payload (``%0A``, ``0x1b``)."""


def _text_checks(name: str, cell: str, curated: bool) -> list[MaskCheck]:
    import polars as pl

    c = pl.col(cell)
    invisible = [
        MaskCheck(
            "text.invisible",
            name,
            c.str.contains(INVISIBLE.pattern),
            lambda v, n=name: (
                f"{n} {shown(v)!r} holds the invisible character "
                f"{shown(INVISIBLE.search(v).group())!r}"  # type: ignore[union-attr]
            ),
        )
    ]
    return [
        *(invisible if curated else []),
        MaskCheck(
            "text.nfc",
            name,
            c != c.str.normalize("NFC"),
            lambda v, n=name: f"{n} {v!r} is not in Unicode normal form NFC",
        ),
        MaskCheck(
            "text.control-chars",
            name,
            c.str.contains(r"\p{Cc}"),
            lambda v, n=name: (
                f"{n} {v!r} contains the control character "
                f"{next(ch for ch in v if ord(ch) < 32 or 127 <= ord(ch) < 160)!r}"
            ),
        ),
        MaskCheck(
            "text.whitespace",
            name,
            c.str.contains(r"^\s|\s$"),
            lambda v, n=name: f"{n} {v!r} starts or ends with a space",
        ),
        MaskCheck(
            "text.formula",
            name,
            c.str.normalize("NFKC").str.contains(FORMULA),
            lambda v, n=name: (
                f"{n} {shown(v)!r} starts with {shown(v.lstrip()[:2])!r}: a spreadsheet would "
                "run it as a formula"
            ),
        ),
    ]


def cell_problems(column: str, value: str) -> list[tuple[str, str]]:
    """``(rule, message)`` of each text rule a curated cell ``value`` of ``column`` breaks:
    the rules of :func:`text_issues`, for a value a command is about to write.

    Examples
    --------
    >>> cell_problems("reviewer", "A. Reviewer")
    []
    >>> cell_problems("reviewer", "a\\nb")[0][0]
    'text.control-chars'
    """
    import polars as pl

    frame = pl.DataFrame({column: [value]}, schema={column: pl.String})
    out = []
    for check in _text_checks(column, column, True):
        if frame.select(check.mask.fill_null(False)).item():
            out.append((check.rule, check.message(value)))
    return out
