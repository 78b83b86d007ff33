"""A static review site of the package: every figure, date and mention highlighted in its text.

:func:`build_site` writes plain files (HTML, CSS, a little JavaScript, SVG charts) that
open from the file system, no server needed. The site is built in a temporary folder
next to the output and renamed into place, so an interrupted build leaves no half-written
site; the same package always gives the same bytes.

Examples
--------
>>> import tempfile, pathlib
>>> out = build_site(pathlib.Path(tempfile.mkdtemp()) / "site")
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
    from szdata._site._data import SiteData

__all__ = ["MARKER", "SiteError", "build_site"]

MARKER = ".szdata-site"
"""The file that marks a folder as a site built by szdata (and so safe to replace)."""

_STATIC = ("site.css", "site.js")
_NEVER_REPLACED = ("datapackage.json", ".git", "pyproject.toml")


def build_site(out: str | Path, *, path: str | Path | None = None, force: bool = False) -> Path:
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

    Returns
    -------
    Path
        The site's folder; open its ``index.html`` in a browser.

    Raises
    ------
    SiteError
        When ``out`` is taken, or a row does not match its raw text.
    PackageError
        When the package cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> site = build_site(pathlib.Path(tempfile.mkdtemp()) / "site")
    >>> sorted(p.name for p in site.iterdir())
    ['.szdata-site', 'articles', 'charts', 'index.html', 'static']
    """
    from szdata._package import open_package
    from szdata._site._data import load_site_data

    out = Path(out).expanduser().absolute()
    _check_out(out, force=force)
    pkg = open_package(path)
    site = load_site_data(pkg)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        tmp.chmod(0o755)
        _write_site(tmp, site)
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


def _write_site(root: Path, site: SiteData) -> None:
    from szdata._site._charts import articles_svg, organizations_svg
    from szdata._site._render import render_article, render_index

    for folder in ("articles", "charts", "static"):
        (root / folder).mkdir()
    static = resources.files("szdata._site") / "static"
    for name in _STATIC:
        (root / "static" / name).write_bytes((static / name).read_bytes())

    names = {oid: str(org.get("name") or oid) for oid, org in site.organizations.items()}
    top = site.mention_counts[:12]
    charts = [
        {
            "file": "charts/organizations.svg",
            "svg": organizations_svg(top, names),
            "caption": "The organizations mentioned most often across all articles.",
            "alt": "Bar chart of mentions per organization: "
            + "; ".join(f"{names.get(oid, oid)}: {n}" for oid, n in top),
        },
        {
            "file": "charts/articles.svg",
            "svg": articles_svg(site.articles, site.kind_titles),
            "caption": "How many figures, dates and mentions each article holds, by date.",
            "alt": "Line chart of highlights per article by publication date: "
            + "; ".join(
                f"{a.published} {a.title}: "
                + ", ".join(f"{a.count(k)} {t.lower()}" for k, t in site.kind_titles.items())
                for a in site.articles
            ),
        },
    ]
    for chart in charts:
        _write_text(root / chart["file"], chart.pop("svg"))
    _write_text(root / "index.html", render_index(site, charts))
    arts = site.articles
    for i, art in enumerate(arts):
        prev = arts[i - 1] if i > 0 else None
        nxt = arts[i + 1] if i + 1 < len(arts) else None
        _write_text(root / art.page, render_article(site, art, prev, nxt))
    marker = {"generator": "szdata site", "version": site.version}
    _write_text(root / MARKER, json.dumps(marker, sort_keys=True) + "\n")


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
