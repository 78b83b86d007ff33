"""A static review site of the package: the reviewer's desk and the reader's view of the data.

:func:`build_site` writes plain files (HTML, CSS, a little JavaScript) that open from the
file system, no server needed:

- ``index.html``: the reviewer's queue (the validation state of the package, with every
  error listed; the articles not reviewed yet or whose text changed since their review;
  what the site could not show), the articles with bars of their rows, charts drawn as
  tables, and the downloads;
- ``articles/<id>.html``: the raw text with every figure, date and mention highlighted,
  the article's curation decisions (each row they changed marked and linked), its rows
  by table, and the reviewer's checklist;
- ``decisions.html``: every curation decision, by article;
- ``changes.html`` (with ``base``): what changed since a git revision, by primary key, as
  ``szdata diff`` says it; the rows added or changed are marked on their article pages;
- ``package/``: a copy of the data package (a valid one); ``exports/``: its SQLite and
  Parquet exports, when the export extra is installed.

A package that fails validation is still shown: what cannot be placed is listed, never
hidden. The site is built in a temporary folder next to the output and renamed into place,
so an interrupted build leaves no half-written site; the same package (and the same
installed extras) always gives the same bytes.

Examples
--------
>>> import tempfile, pathlib
>>> out = build_site(pathlib.Path(tempfile.mkdtemp()) / "site", exports=False)
>>> (out / "index.html").is_file()
True
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._site._errors import SiteError

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._site._data import SiteData

__all__ = ["MARKER", "SiteError", "build_site", "summary"]

MARKER = ".szdata-site"
"""The file that marks a folder as a site built by szdata (and so safe to replace)."""

_STATIC = ("site.css", "site.js")
_NEVER_REPLACED = ("datapackage.json", ".git", "pyproject.toml")


def build_site(
    out: str | Path,
    *,
    path: str | Path | None = None,
    force: bool = False,
    exports: bool | None = None,
    base: str | None = None,
) -> Path:
    """Write the review site of a package into the folder ``out``.

    Parameters
    ----------
    out
        The folder to write. It may be missing, empty, or a site built earlier (which is
        replaced); any other folder is refused unless ``force`` is true.
    path
        The package (a folder or its ``datapackage.json``); ``None`` for the installed one.
    force
        Replace ``out`` even when it holds something other than a site.
    exports
        Whether to add the SQLite and Parquet exports to the downloads: ``None`` (default)
        when the export extra's libraries are installed, ``True`` always (a missing library
        is an error), ``False`` never.
    base
        A git revision (``origin/main``): add a "changes" page of what changed since it, as
        ``szdata diff BASE`` sees it, linked from the reviewer's queue, and mark every row
        added or changed since it on its article page. The package must be in a git clone.

    Returns
    -------
    Path
        The site's folder; open its ``index.html`` in a browser.

    Raises
    ------
    SiteError
        When ``out`` is taken, or ``exports=True`` and the export extra is missing.
    PackageError
        When the package cannot be read (or, with ``base``, the base's package).
    UsageError
        With ``base``, when the package is not in a git clone or ``base`` is unknown.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> site = build_site(pathlib.Path(tempfile.mkdtemp()) / "site", exports=False)
    >>> sorted(p.name for p in site.iterdir())
    ['.szdata-site', 'articles', 'decisions.html', 'index.html', 'package', 'static']
    """
    from szdata._disk._package import open_package
    from szdata._disk._paths import overlaps_package
    from szdata._site._data import load_site_data, read_tables
    from szdata._site._decisions import attach_decisions
    from szdata._site._queue import validate_package

    out = Path(out).expanduser().absolute()
    pkg = open_package(path)
    if overlaps_package(out, pkg.root, parts=("data", "schemas", "datapackage.json")):
        raise SiteError(
            f"{out} is the package's folder, a folder that holds it, or inside its data: "
            f"szdata never replaces or writes into those (hint: e.g. {pkg.root / 'site'})"
        )
    _check_out(out, force=force)
    changes = None
    if base is not None:  # an unknown revision is refused before anything is written
        from szdata._site._changes import compute_changes

        changes = compute_changes(pkg.root, base)
    tables = read_tables(pkg)
    site = load_site_data(pkg, tables)
    attach_decisions(pkg, site, tables.rows)
    site.validation = validate_package(pkg.root)
    site.changes = changes
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        tmp.chmod(0o755)
        _write_site(tmp, site, pkg, exports=exports)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _check_out(out: Path, *, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder; hint: give a folder for the site")
    guarded = [name for name in _NEVER_REPLACED if (out / name).exists()]
    if guarded and not (out / MARKER).is_file():
        raise SiteError(
            f"{out} holds {guarded[0]}: it looks like a repository or a data package, which "
            "szdata never replaces, even with --force; hint: write the site to a new folder"
        )
    if force or (out / MARKER).is_file() or not any(out.iterdir()):
        return
    raise SiteError(
        f"{out} is not empty and is not a site built by szdata; "
        "hint: choose a new or empty folder, or pass --force to replace its contents"
    )


def _replace(new: Path, out: Path) -> None:
    """Rename ``new`` into ``out``, replacing what is there only once ``new`` is complete."""
    if not out.exists():
        os.replace(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_site(root: Path, site: SiteData, pkg: Package, *, exports: bool | None) -> None:
    from szdata._site._changes import PAGE
    from szdata._site._charts import bar_css, organizations_chart, units_chart
    from szdata._site._downloads import add_exports, copy_package
    from szdata._site._render import (
        render_article,
        render_changes,
        render_decisions,
        render_index,
    )

    for folder in ("articles", "static"):
        (root / folder).mkdir()
    static = resources.files("szdata._site") / "static"
    for name in _STATIC:
        (root / "static" / name).write_bytes((static / name).read_bytes())
    _write_text(root / "static" / "bars.css", bar_css())
    downloads = copy_package(pkg, root, site.problems)
    if exports is not False:
        add_exports(pkg, root, downloads, required=exports is True)
    charts = [
        units_chart(site.unit_counts, site.units),
        organizations_chart(site.mention_counts, site.organizations),
    ]
    scale = max((a.count(k) for a in site.articles for k in site.kind_titles), default=0)
    arts = site.articles
    for i, art in enumerate(arts):
        prev = arts[i - 1] if i > 0 else None
        nxt = arts[i + 1] if i + 1 < len(arts) else None
        _write_text(root / art.page, render_article(site, art, prev, nxt, downloads))
    _write_text(root / "decisions.html", render_decisions(site))
    if site.changes is not None:
        _write_text(root / PAGE, render_changes(site))
    _write_text(root / "index.html", render_index(site, charts, downloads, scale=scale))
    v = site.validation
    marker = {
        "generator": "szdata site",
        "version": site.version,
        "pages": len(arts) + 2 + (site.changes is not None),
        "changes": None if site.changes is None else site.changes.base,
        "errors": None if v is None or v.failure else len(v.errors),
        "queue": len(site.queue),
        "decisions": len(site.decisions),
        "not_shown": len(site.problems),
    }
    _write_text(root / MARKER, json.dumps(marker, sort_keys=True) + "\n")


def summary(site: Path) -> str:
    """One line on a built site: pages, validation errors, the queue, what it could not show.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> print(summary(build_site(pathlib.Path(tempfile.mkdtemp()) / "s", exports=False)))
    wrote ... pages to ...; validation: no errors; ... in the reviewer's queue; ...
    """
    info = json.loads((site / MARKER).read_text(encoding="utf-8"))
    errors = info.get("errors")
    state = (
        "could not run (see the index)"
        if errors is None
        else "no errors"
        if errors == 0
        else f"{errors} error(s), listed on the index"
    )
    parts = [
        f"wrote {info.get('pages')} pages to {site}",
        f"validation: {state}",
        f"{info.get('queue')} article(s) in the reviewer's queue",
        f"{info.get('decisions')} decision(s)",
    ]
    if info.get("changes"):
        parts.append(f"the changes since {info['changes']} on changes.html")
    if info.get("not_shown"):
        parts.append(f"{info['not_shown']} thing(s) not shown, listed on the index")
    return "; ".join(parts) + f"; open {site / 'index.html'} in a browser"


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
