"""``szdata correct TABLE:KEY --set|--add|--remove|--note ...``: record a curation decision.

Exit status 0 when the decision was recorded and the tables rebuilt, 1 when it was refused
(nothing written; the reason and a way out are printed), 2 when the package cannot be read
or the options do not make one correction.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from szdata._commands._options import (
    ByOption,
    DryRunOption,
    EvidenceOption,
    JsonOption,
    PackageOption,
    ReasonOption,
    announce,
    package_location,
)


def correct(
    target: Annotated[
        str,
        typer.Argument(
            metavar="TABLE:KEY",
            help="The row: a built table and its key (e.g. figures:000_7a64f3334c1b3195.f1809).",
        ),
    ],
    set_values: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="COLUMN=VALUE", help="Give a column a new value."),
    ] = None,
    add_values: Annotated[
        list[str] | None,
        typer.Option("--add", metavar="COLUMN=VALUE", help="A column of a row the parser missed."),
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Leave out a row the parser misread.")
    ] = False,
    notes: Annotated[
        list[str] | None,
        typer.Option(
            "--note",
            metavar="COLUMN=FACT",
            help="Record a fact about a cell whose printed text is wrong; the cell keeps it.",
        ),
    ] = None,
    reason: ReasonOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    path: PackageOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Correct a built row with a recorded decision (next id, today, you), then rebuild."""
    from szdata._core._terminal import shown
    from szdata._curate._correct import CorrectionRefused
    from szdata._curate._correct import correct as record

    location = package_location(path, writes="correct")
    announce(location, err=as_json)
    try:
        result = record(
            target,
            set_values=set_values or (),
            add_values=add_values or (),
            remove=remove,
            notes=notes or (),
            reason=reason,
            evidence=evidence,
            by=by,
            path=location.root,
            dry_run=dry_run,
        )
    except CorrectionRefused as exc:
        if as_json:
            document = {
                "ok": False,
                "exit_code": 1,
                "error": str(exc),
                "problems": exc.problems,
                "hint": exc.hint,
            }
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        typer.echo(f"error: {shown(str(exc))}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        document = {
            "ok": True,
            "dry_run": result.dry_run,
            "decisions": result.decisions,
            "written": [str(p) for p in result.written],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    verb = "would record" if result.dry_run else "recorded"
    for d in result.decisions:
        change = d["action"]
        if d["column"]:
            change += f" {d['column']}: {d['parsed_value']!r} -> {d['curated_value']!r}"
        elif d["action"] == "add":
            change += f" {d['curated_value']}"
        typer.echo(shown(f"{verb} {d['decision_id']}: {d['table']} {d['key']} {change}"))
    for written in result.written:
        typer.echo(f"wrote {written}")


def register(app: typer.Typer) -> None:
    """Add the ``correct`` command to ``app``."""
    app.command("correct")(correct)
