"""``szdata cache``: what the cache of derived results holds, and ``--clear`` to empty it."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from szdata._commands._options import JsonOption

ClearOption = Annotated[
    bool, typer.Option("--clear", help="Remove every entry (each is derived again when needed).")
]


def cache_report(*, clear: bool = False) -> dict[str, Any]:
    """The cache's folder, and its entries and bytes by kind (with ``clear``: those removed).

    Examples
    --------
    >>> sorted(cache_report())
    ['bytes', 'cleared', 'entries', 'folder', 'kinds']
    """
    from szdata._disk import _cache

    found = _cache.clear() if clear else _cache.usage()
    return {
        "folder": None if found.folder is None else str(found.folder),
        "cleared": clear,
        "entries": found.entries,
        "bytes": found.size,
        "kinds": {k: {"entries": n, "bytes": b} for k, (n, b) in found.kinds.items()},
    }


def cache_lines(report: dict[str, Any]) -> list[str]:
    """What ``szdata cache`` prints: plain lines, the folder escaped.

    Examples
    --------
    >>> for line in cache_lines({"folder": "/c", "cleared": False, "entries": 2,
    ...         "bytes": 2048, "kinds": {"parses": {"entries": 2, "bytes": 2048}}}):
    ...     print(line)
    cache: /c
      parses               2 entries        2.0 KB
      total                2 entries        2.0 KB
    """
    from szdata._core._sizes import human_size
    from szdata._core._terminal import shown

    if report["folder"] is None:
        return ["cache: off (SZDATA_NO_CACHE is set): nothing is cached or read from a cache"]
    folder = shown(report["folder"])
    if report["cleared"]:
        removed = f"removed {report['entries']:,} entries ({human_size(report['bytes'])})"
        return [f"cache: {folder}", removed]
    rows = [*report["kinds"].items(), ("total", report)]
    return [f"cache: {folder}"] + [
        f"  {name:<12} {found['entries']:>9,} entries {human_size(found['bytes']):>13}"
        for name, found in rows
    ]


def register(app: typer.Typer) -> None:
    """Add ``cache`` to the command line."""

    @app.command("cache")
    def cache(clear: ClearOption = False, as_json: JsonOption = False) -> None:
        """Show what the cache of derived results holds (parses, reports, digests...), or clear it.

        The cache lives outside any package ($SZDATA_CACHE_DIR, else $XDG_CACHE_HOME/szdata,
        else ~/.cache/szdata); SZDATA_NO_CACHE=1 turns it off. An entry only saves work: a
        missing, stale or tampered one is derived again, and CI uses none.
        """
        report = cache_report(clear=clear)
        if as_json:
            typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for line in cache_lines(report):
            typer.echo(line)
