"""``szdata review``: record that a person checked an article's rows against its text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from szdata._atomic import atomic_write_text
from szdata._errors import SzdataError
from szdata._package import open_package

ReviewStatus = Literal["reviewed", "unreviewed"]


def set_review(
    article_ids: Sequence[str],
    *,
    status: ReviewStatus,
    reviewer: str | None = None,
    note: str | None = None,
    path: str | Path | None = None,
    today: dt.date | None = None,
    rebuild: bool = True,
) -> list[str]:
    """Set the review status of articles in ``reviews`` and rebuild the tables.

    Parameters
    ----------
    article_ids
        The articles reviewed (``articles.article_id``).
    status
        ``"reviewed"`` to accept the article's rows, ``"unreviewed"`` to reopen them.
    reviewer
        Who checked them; required to accept.
    note
        What was checked or left open.
    path
        The package folder; ``None`` for the installed package.
    today
        The review date (default: today).
    rebuild
        Rebuild the tables afterwards so that their ``review_status`` follows.

    Returns
    -------
    list of str
        The articles whose review row changed.

    Examples
    --------
    >>> set_review([], status="reviewed", reviewer="A. Reviewer", rebuild=False)
    []
    """
    if status == "reviewed" and not (reviewer and reviewer.strip()):
        raise SzdataError("accepting an article needs --reviewer NAME (who checked its rows)")
    pkg = open_package(path)
    known = {row["article_id"] for row in _rows(pkg.path_of("articles"))}
    unknown = [a for a in article_ids if a not in known]
    if unknown:
        raise SzdataError(
            f"no article {unknown[0]!r} in the package (hint: `szdata info` lists the articles)"
        )
    reviews_path = pkg.path_of("reviews")
    with reviews_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    by_id = {r["article_id"]: r for r in rows}
    day = (today or dt.date.today()).isoformat()
    changed: list[str] = []
    for article_id in article_ids:
        new = {
            "article_id": article_id,
            "status": status,
            "reviewer": (reviewer or "").strip() if status == "reviewed" else "",
            "reviewed_on": day if status == "reviewed" else "",
            "note": (note or "").strip(),
        }
        old = by_id.get(article_id)
        if old is None:
            rows.append(new)
            changed.append(article_id)
        elif any(old.get(k, "") != v for k, v in new.items() if k != "reviewed_on"):
            old.update(new)
            changed.append(article_id)
    if changed:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(reviews_path, buf.getvalue())
        if rebuild:
            from szdata._build import build

            build(pkg.root)
    return changed


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
