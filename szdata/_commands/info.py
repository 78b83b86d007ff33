"""``szdata info``: the package's version, tables with row counts, and sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

PathOption = Annotated[
    Path | None,
    typer.Option("--path", help="Another copy of the package (default: the installed one)."),
]


def package_info(path: Path | None = None) -> dict[str, Any]:
    """The package's name, version, root, tables (name, title, file, rows) and sources.

    Rows are counted on the CSV files as stored (no type conversion), so ``info`` works even
    on a package that does not validate.

    Examples
    --------
    >>> info = package_info()
    >>> info["tables"][0]["name"], info["tables"][0]["rows"] > 0
    ('organizations', True)
    """
    from szdata._package import open_package
    from szdata._readers import read_text_table

    pkg = open_package(path)
    tables = [
        {
            "name": name,
            "title": pkg.resource(name).get("title", ""),
            "path": pkg.resource(name)["path"],
            "rows": read_text_table(pkg.path_of(name)).height,
        }
        for name in pkg.table_names()
    ]
    return {
        "name": pkg.descriptor.get("name", ""),
        "title": pkg.descriptor.get("title", ""),
        "version": pkg.version,
        "root": str(pkg.root),
        "tables": tables,
        "raw_texts": len(pkg.raw_resources()),
        "sources": [
            {"title": s.get("title", ""), "path": s.get("path")}
            for s in pkg.descriptor.get("sources", [])
        ],
    }


def register(app: typer.Typer) -> None:
    """Add ``info`` to the command line."""

    @app.command("info")
    def info(
        path: PathOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    ) -> None:
        """Show the package's version, its tables with row counts, and its sources."""
        data = package_info(path)
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        console.print(f"[bold]{data['name']}[/bold] {data['version']}: {data['title']}")
        console.print(f"package: {data['root']}")
        table = Table("table", "rows", "title", "file")
        for t in data["tables"]:
            table.add_row(t["name"], str(t["rows"]), t["title"], t["path"])
        console.print(table)
        console.print(f"raw texts: {data['raw_texts']}")
        console.print("sources:")
        for s in data["sources"]:
            where = f" <{s['path']}>" if s["path"] else ""
            console.print(f"  - {s['title']}{where}", highlight=False, markup=False)
