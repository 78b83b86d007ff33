"""The reviewer's checklist: the one place it is written.

``szdata add`` prints the checks of a new article, every page of the review site shows the
whole list, and the checklists of ``CONTRIBUTING.md`` and the pull-request template are
generated from it between ``<!-- checklist:start -->`` and ``<!-- checklist:end -->``
(``python -m szdata._curate._checklist --write FILE``; a test fails when a copy is stale).

Examples
--------
>>> CHECKLIST[0].title
'For a new article (`szdata add`)'
>>> ARTICLE_CHECKS == CHECKLIST[0].checks
True
>>> markdown().splitlines()[1][:40]
'- [ ] The raw text in `data/raw/` is byt'
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

START = "<!-- checklist:start -->"
END = "<!-- checklist:end -->"


@dataclass(frozen=True)
class Section:
    """A group of checks, for one kind of change."""

    title: str
    checks: tuple[str, ...]


CHECKLIST: tuple[Section, ...] = (
    Section(
        "For a new article (`szdata add`)",
        (
            "The raw text in `data/raw/` is byte for byte as published (no re-encoding, no "
            "trimming); its address is in a `set url` decision if known.",
            "Every figure in the text is a row of `figures`, with the right `value`, `unit`, "
            "`qualifier` and `counted`.",
            "Nothing that is not a figure (ordinals, COVID-19, item numbers, clock times, "
            "identifiers) is one.",
            "Every date expression is a row of `dates`, resolved to the right calendar date.",
            "Every organization named is a row of `mentions`; new organizations have a registry "
            "row with kind and parent, and their printed names are aliases.",
            "The publication date and its basis are right (`published`, `published_basis`); a "
            "text that prints none has a decision with evidence.",
            "`szdata review ARTICLE --accept --reviewer NAME` has been run after checking.",
        ),
    ),
    Section(
        "For a correction",
        (
            "It is a row of `data/curation/decisions.csv` with before -> after, a reason and "
            "evidence (an address or a quote); no built table was edited by hand.",
            'It is listed under "Data corrections" in `CHANGELOG.md`.',
        ),
    ),
    Section(
        "Always",
        (
            "`szdata build --check`, `szdata validate --strict` and `frictionless validate "
            "datapackage.json` pass.",
            "The version in `datapackage.json` is bumped per the policy in `CHANGELOG.md` "
            "(minor: rows added or corrected).",
        ),
    ),
)
"""Every check a reviewer makes, by kind of change, in the order they are made."""

ARTICLE_CHECKS: tuple[str, ...] = CHECKLIST[0].checks
"""The checks of a new article: what ``szdata add`` prints."""


def markdown() -> str:
    """The checklist as Markdown task lists, one per section.

    Examples
    --------
    >>> markdown().splitlines()[0]
    'For a new article (`szdata add`):'
    """
    blocks = []
    for section in CHECKLIST:
        lines = [f"{section.title}:", *(f"- [ ] {check}" for check in section.checks)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m szdata._curate._checklist [--write FILE | --check FILE]``; else print it."""
    from szdata._load._codebook import section_command

    return section_command(
        argv,
        prog="szdata._curate._checklist",
        description=__doc__,
        what="reviewer's checklist",
        content=lambda _path: markdown(),
        start=START,
        end=END,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
