"""``szdata show TABLE``: a table, readable in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from szdata._commands._options import PackageOption, package_location

if TYPE_CHECKING:
    import polars as pl


def _usage_error(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def parse_where(conditions: list[str], columns: list[str]) -> list[tuple[str, str]]:
    """``col=value`` conditions, checked against the table's columns.

    An unknown column or a condition without ``=`` prints an error and exits with status 2.

    Examples
    --------
    >>> parse_where(["unit=CNY", "item_id="], ["unit", "item_id"])
    [('unit', 'CNY'), ('item_id', '')]
    """
    out = []
    for cond in conditions:
        column, eq, value = cond.partition("=")
        if not eq:
            raise _usage_error(f"--where {cond!r} is not COLUMN=VALUE")
        if column not in columns:
            raise _usage_error(f"--where: no column {column!r}; columns: {', '.join(columns)}")
        out.append((column, value))
    return out


def filter_rows(frame: pl.DataFrame, where: list[tuple[str, str]]) -> pl.DataFrame:
    """Rows whose columns equal the values as text; an empty value selects empty cells."""
    import polars as pl

    for column, value in where:
        col = pl.col(column)
        frame = frame.filter(col.is_null() if value == "" else col.cast(pl.String) == value)
    return frame


def register(app: typer.Typer) -> None:
    """Add ``show`` to the command line."""

    @app.command("show")
    def show(
        table: Annotated[str, typer.Argument(help="The table to show (see `szdata info`).")],
        limit: Annotated[
            int, typer.Option("--limit", "-n", min=0, help="Show at most N rows (0: all).")
        ] = 20,
        where: Annotated[
            list[str] | None,
            typer.Option("--where", "-w", help="Keep rows where COLUMN=VALUE (repeatable)."),
        ] = None,
        columns: Annotated[
            str | None, typer.Option("--columns", "-c", help="Comma-separated columns to show.")
        ] = None,
        path: PackageOption = None,
    ) -> None:
        """Show a table's rows in the terminal, optionally filtered."""
        from rich.console import Console
        from rich.table import Table

        from szdata._loader import load

        frame = load(table, backend="polars", path=package_location(path).root)  # type: ignore[arg-type]
        total = frame.height
        frame = filter_rows(frame, parse_where(where or [], frame.columns))
        matched = frame.height
        if columns:
            wanted = [c.strip() for c in columns.split(",") if c.strip()]
            unknown = [c for c in wanted if c not in frame.columns]
            if unknown:
                raise _usage_error(
                    f"--columns: no column(s) {', '.join(unknown)}; "
                    f"columns: {', '.join(frame.columns)}"
                )
            frame = frame.select(wanted)
        if limit:
            frame = frame.head(limit)
        caption = f"{frame.height} of {matched} rows" + (
            f" ({total} in the table)" if matched != total else ""
        )
        out = Table(*frame.columns, title=table, caption=caption)
        for row in frame.iter_rows():
            out.add_row(*("" if v is None else str(v) for v in row))
        Console().print(out)
