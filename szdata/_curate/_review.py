"""``szdata review``: record that a person checked an article's rows against its text.

A review records who reviewed, when, and the SHA-256 of the raw text it covered: when the
text changes, its hash no longer matches and the build marks the article's rows unreviewed
again. Writing the review and rebuilding the tables are one atomic step, under the
package's write lock (:mod:`szdata._curate._draft`): both files change together or neither does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from szdata._core._errors import UsageError

ReviewStatus = Literal["reviewed", "unreviewed"]


def _check_cells(**cells: str) -> None:
    """Refuse a ``--reviewer`` or ``--note`` that the text rules refuse in ``reviews.csv``."""
    from szdata._validate._text import cell_problems

    for option, value in cells.items():
        for rule, message in cell_problems(option, value):
            raise UsageError(f"--{option}: {message} [{rule}]")


def _check_texts_built(root: Path, articles: dict[str, tuple[str, str]]) -> None:
    """Refuse to accept an article whose raw text is not the one its rows were built from:
    the review would record the old text's hash, and be stale at once."""
    from szdata._disk._cache import file_sha256

    ids = list(articles)
    found = file_sha256(root, [articles[a][1] for a in ids])
    for article_id, digest in zip(ids, found, strict=True):
        if digest != articles[article_id][0]:
            raise UsageError(
                f"the raw text of {article_id} is not the one its rows were built from "
                "(hint: run `szdata build --check` to see why; a raw text is kept as "
                "published, so restore it, or rebuild and check its rows before accepting)"
            )


def set_review(
    article_ids: Sequence[str],
    *,
    status: ReviewStatus,
    reviewer: str | None = None,
    note: str | None = None,
    path: str | Path | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Set the review status of articles in ``reviews`` and rebuild the tables, atomically.

    Parameters
    ----------
    article_ids
        The articles reviewed (``articles.article_id``).
    status
        ``"reviewed"`` to accept the article's rows (of its text as it is now), or
        ``"unreviewed"`` to reopen them.
    reviewer
        Who checked them; required to accept.
    note
        What was checked or left open.
    path
        The package folder; ``None`` for the installed package.
    today
        The review date (default: today).

    Returns
    -------
    list of str
        The articles whose review row changed.

    Raises
    ------
    UsageError
        Accepting without a reviewer, or an article the package does not have.

    Examples
    --------
    >>> set_review([], status="reviewed", reviewer="A. Reviewer")
    []
    """
    from szdata._curate._draft import draft
    from szdata._curate._rows import with_rows
    from szdata._disk._package import open_package
    from szdata._disk._readers import table_frame, table_records

    if status == "reviewed" and not (reviewer and reviewer.strip()):
        raise UsageError("accepting an article needs --reviewer NAME (who checked its rows)")
    _check_cells(reviewer=(reviewer or "").strip(), note=(note or "").strip())
    if not article_ids:
        return []
    day = (today or dt.date.today()).isoformat()
    root = open_package(path).root
    with draft(root, command="review") as d:
        pkg = d.package()
        ids = table_frame(pkg, "articles").select("article_id", "sha256", "raw_path")
        rows_of = {a: (h or "", p or "") for a, h, p in ids.iter_rows()}
        hashes = {a: h for a, (h, _) in rows_of.items()}
        unknown = [a for a in article_ids if a not in hashes]
        if unknown:
            raise UsageError(
                f"no article {unknown[0]!r} in the package (hint: `szdata show articles "
                "--columns article_id,title` lists them)"
            )
        if status == "reviewed":
            _check_texts_built(d.copy, {a: rows_of[a] for a in article_ids})
        header = pkg.schema("reviews").field_names
        by_id = {
            r["article_id"]: r
            for r in table_records(pkg, "reviews", where=("article_id", set(article_ids)))
        }
        replaced: dict[str, dict[str, str]] = {}
        added: list[dict[str, str]] = []
        changed: list[str] = []
        for article_id in dict.fromkeys(article_ids):
            accepted = status == "reviewed"
            new = dict.fromkeys(header, "") | {
                "article_id": article_id,
                "status": status,
                "reviewer": (reviewer or "").strip() if accepted else "",
                "reviewed_on": day if accepted else "",
                "sha256": hashes[article_id] if accepted else "",
                "note": (note or "").strip(),
            }
            old = by_id.get(article_id)
            if old is None:
                added.append(new)
                changed.append(article_id)
            elif any(old.get(k, "") != v for k, v in new.items() if k != "reviewed_on"):
                replaced[article_id] = new
                changed.append(article_id)
        if not changed:
            return []
        # when the draft is known to be built, only the reviewed articles' rows change
        built = d.known_built()
        reviews = with_rows(pkg, "reviews", replace=replaced, append=added)  # their lines alone
        d.write(pkg.resource("reviews")["path"], reviews)
        d.build(touched=changed if built else None)
        d.commit()
    return changed
