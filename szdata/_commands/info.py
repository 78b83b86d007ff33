"""``szdata info``: the package's version, tables with row counts, and sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from szdata._commands._options import JsonOption, PackageOption, announce, package_location


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
    from szdata._disk._package import open_package
    from szdata._disk._readers import count_records

    pkg = open_package(path)
    tables = [
        {
            "name": name,
            "title": pkg.resource(name).get("title", ""),
            "path": pkg.resource(name)["path"],
            "rows": count_records(pkg, name),
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
        path: PackageOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Show the package's version, its tables with row counts, and its sources."""
        location = package_location(path)
        announce(location, err=as_json)
        data = package_info(location.root)
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for line in info_lines(data):
            typer.echo(line)


def info_lines(data: dict[str, Any]) -> list[str]:
    r"""What ``szdata info`` prints: plain lines, every value from the data escaped.

    Examples
    --------
    >>> data = {"name": "p", "version": "1", "title": "[b]T", "tables": [
    ...     {"name": "units", "rows": 3, "title": "Units", "path": "data/u.csv"}],
    ...     "raw_texts": 0, "sources": [{"title": "S\x1b[2J", "path": None}]}
    >>> for line in info_lines(data):
    ...     print(line)
    p 1: [b]T
      table  rows  title  file
      units     3  Units  data/u.csv
    raw texts: 0
    sources:
      - S\x1b[2J
    """
    from szdata._core._terminal import shown

    lines = [shown(f"{data['name']} {data['version']}: {data['title']}", one_line=True)]
    rows = [("table", "rows", "title", "file")] + [
        (t["name"], str(t["rows"]), t["title"], t["path"]) for t in data["tables"]
    ]
    rows = [tuple(shown(c, one_line=True) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]), r[3]]
        lines.append("  " + "  ".join(cells).rstrip())
    lines.append(f"raw texts: {data['raw_texts']}")
    lines.append("sources:")
    for s in data["sources"]:
        where = f" <{s['path']}>" if s["path"] else ""
        lines.append(shown(f"  - {s['title']}{where}", one_line=True))
    return lines
