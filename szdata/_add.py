"""``szdata add``: bring new raw texts into the package, safely.

The new texts are parsed first, in memory, so that a bad text is refused before anything is
written. The build then runs on a mirror of the package in a temporary folder (raw texts are
hard-linked, not copied), the result is checked (no existing row may change), and only then are
the changed files staged and moved into place together (see :mod:`szdata._atomic`). An
interrupted run leaves the package as it was; running it twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from szdata._atomic import StagedFiles
from szdata._errors import ParseError, SzdataError
from szdata._package import DESCRIPTOR, Package, open_package
from szdata._typing import BUILT_TABLES

RAW_DIR = "data/raw"
REVIEWS = "data/curation/reviews.csv"
_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\.txt")
_ORG_WORDS = (
    "Bureau|Commission|Committee|Office|Hospital|Government|Federation|Association|University|"
    "Administration|Center|Centre|Department|Group|Daily|TV|Television|Company|Council|Institute|"
    "Branch|Headquarters|Ministry|Agency|Authority|Foundation|Society|Union|Corporation|Co\\.|Ltd"
)
_ORG_LIKE = re.compile(
    r"\b(?:[A-Z][\w’'&.-]*\s+)(?:(?:of|and|for|the|on|[A-Z][\w’'&.-]*)\s+){0,9}?"
    rf"(?:{_ORG_WORDS})\b"
)


class AddRefused(SzdataError):
    """``szdata add`` refused its input; nothing was written."""


@dataclass
class AddedArticle:
    """One text given to ``szdata add`` and what became of it."""

    source: Path
    article_id: str
    status: str  # "added" | "already-present"
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    proposed_organizations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AddResult:
    """What ``szdata add`` did (or, with ``dry_run``, would do)."""

    articles: list[AddedArticle]
    written: list[Path]
    dry_run: bool

    @property
    def added(self) -> list[AddedArticle]:
        """The articles that are new to the package."""
        return [a for a in self.articles if a.status == "added"]

    def rows_added(self) -> dict[str, int]:
        """Rows added per table, over every new article."""
        counts = dict.fromkeys(BUILT_TABLES, 0)
        for art in self.added:
            for table, rows in art.rows.items():
                counts[table] += len(rows)
        return counts


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run_build(root: Path, *, check: bool) -> bool:
    """Build the package at ``root``; with ``check``, only say whether it is up to date."""
    from szdata._build import build

    result = build(root, check=check)
    return bool(getattr(result, "ok", True))


def _read_input(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AddRefused(f"{path}: cannot be read ({exc.strerror})") from None
    if not _FILE_NAME.fullmatch(path.name):
        raise AddRefused(
            f"{path}: the file name {path.name!r} cannot be an article id "
            "(hint: rename it to lower-case letters, digits, '_' and '-', ending in .txt)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 ({exc.reason} at byte {exc.start})",
            file=str(path),
            hint="save the text as UTF-8 without changing its characters",
        ) from None
    return data, text


def _propose_organizations(text: str, known_spans: Iterable[tuple[int, int]]) -> list[str]:
    """Organization-like names in ``text`` that no mention covers, for a curator to consider."""
    from szdata._parse._proposals import propose_organizations

    return propose_organizations(text, known_spans)


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _mirror(pkg: Package, dest: Path) -> Path:
    """A copy of the package at ``dest`` that the build can run in; raw texts are hard links."""
    root = pkg.root
    shutil.copy2(root / DESCRIPTOR, dest / DESCRIPTOR)
    shutil.copytree(root / "schemas", dest / "schemas")
    (dest / "data").mkdir()
    shutil.copytree(root / "data" / "curation", dest / "data" / "curation")
    for table in BUILT_TABLES:
        src = pkg.path_of(table)
        target = dest / src.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    raw_dest = dest / RAW_DIR
    raw_dest.mkdir(parents=True, exist_ok=True)
    for raw in sorted((root / RAW_DIR).glob("*.txt")):
        try:
            os.link(raw, raw_dest / raw.name)
        except OSError:
            shutil.copy2(raw, raw_dest / raw.name)
    return dest


def _review_row(article_id: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(
        [article_id, "unreviewed", "", "", "added by szdata add; not yet checked against the text"]
    )
    return buf.getvalue()


def add_articles(
    raw_files: Sequence[str | Path],
    *,
    path: str | Path | None = None,
    dry_run: bool = False,
    on_progress: Callable[[str], None] | None = None,
) -> AddResult:
    """Add raw texts to the package at ``path`` (default: the installed one).

    Parameters
    ----------
    raw_files
        The texts to add, UTF-8, exactly as published; each file name (lower-case, ending in
        ``.txt``) becomes the article id.
    path
        The package folder (a checkout); ``None`` for the installed package.
    dry_run
        Parse and build, report the rows, but write nothing.
    on_progress
        Called with a short message after each step (for a progress bar).

    Returns
    -------
    AddResult
        The articles added or already present, their rows, and the files written.

    Raises
    ------
    AddRefused
        A file with the same name but another text is already in the package, the same text
        is there under another name, the build is not up to date, or an existing row would change.
    ParseError
        A text is empty, not UTF-8, or has no title.

    Examples
    --------
    >>> from szdata._add import add_articles
    >>> add_articles([], dry_run=True).added
    []
    """
    from szdata._parse import parse

    pkg = open_package(path)
    root = pkg.root
    step = on_progress or (lambda _msg: None)
    raw_dir = root / RAW_DIR
    present = {p.name: p for p in sorted(raw_dir.glob("*.txt"))}
    by_hash = {_sha256(p.read_bytes()): name for name, p in present.items()}

    articles: list[AddedArticle] = []
    new_texts: dict[str, bytes] = {}
    for given in raw_files:
        src = Path(given)
        data, text = _read_input(src)
        article_id = src.name[: -len(".txt")]
        digest = _sha256(data)
        if src.name in present:
            if present[src.name].read_bytes() == data:
                articles.append(AddedArticle(src, article_id, "already-present"))
                step(f"{src.name}: already in the package")
                continue
            raise AddRefused(
                f"{src}: data/raw/{src.name} already holds a different text "
                "(hint: the raw texts are never replaced; give the new text another name, "
                "or record a correction as a decision)"
            )
        if digest in by_hash:
            raise AddRefused(
                f"{src}: the same text is already in the package as data/raw/{by_hash[digest]}"
            )
        if src.name in new_texts:
            raise AddRefused(f"{src}: {src.name} is given twice")
        parsed = parse(text, file_name=src.name)
        spans = [(int(m["start"]), int(m["end"])) for m in parsed.mentions]
        art = AddedArticle(src, article_id, "added", warnings=list(parsed.warnings))
        art.proposed_organizations = _propose_organizations(text, spans)
        articles.append(art)
        new_texts[src.name] = data
        by_hash[digest] = src.name
        step(f"{src.name}: parsed")

    if not new_texts:
        return AddResult(articles, [], dry_run)

    if not _run_build(root, check=True):
        raise AddRefused(
            "the committed tables are not what the build produces, so new rows cannot be told "
            "apart from changed ones (hint: run `szdata build --check` to see the difference, "
            "then `szdata build`)"
        )

    with tempfile.TemporaryDirectory(prefix="szdata-add-") as tmp:
        mirror = _mirror(pkg, Path(tmp))
        for name, data in new_texts.items():
            (mirror / RAW_DIR / name).write_bytes(data)
        reviews = (root / REVIEWS).read_bytes()
        if not reviews.endswith(b"\n"):
            reviews += b"\n"
        for name in new_texts:
            reviews += _review_row(name[: -len(".txt")]).encode("utf-8")
        (mirror / REVIEWS).write_bytes(reviews)
        step("building the tables")
        _run_build(mirror, check=False)

        changed: dict[Path, bytes] = {}
        for name, data in new_texts.items():
            changed[root / RAW_DIR / name] = data
        changed[root / REVIEWS] = reviews
        for table in BUILT_TABLES:
            rel = pkg.path_of(table).relative_to(root)
            old, new = (root / rel).read_bytes(), (mirror / rel).read_bytes()
            new_rows = _csv_rows(new)
            _check_only_appended(table, _csv_rows(old), new_rows)
            by_article: dict[str, list[dict[str, str]]] = {}
            for row in new_rows:
                by_article.setdefault(row["article_id"], []).append(row)
            for art in articles:
                if art.status == "added":
                    art.rows[table] = by_article.get(art.article_id, [])
            if new != old:
                changed[root / rel] = new
        descriptor = (mirror / DESCRIPTOR).read_bytes()
        if descriptor != (root / DESCRIPTOR).read_bytes():
            changed[root / DESCRIPTOR] = descriptor

    if dry_run:
        return AddResult(articles, [], dry_run)
    step("writing")
    with StagedFiles() as staged:
        for target, data in changed.items():
            staged.write(target, data)
    return AddResult(articles, list(changed), dry_run)


def _check_only_appended(table: str, old: list[dict[str, str]], new: list[dict[str, str]]) -> None:
    """Refuse a build that would change or drop an existing row of ``table``."""
    new_rows = {tuple(r.items()) for r in new}
    changed = [r for r in old if tuple(r.items()) not in new_rows]
    if changed:
        first = next(iter(changed[0].values()), "")
        raise AddRefused(
            f"adding would change {len(changed)} existing row(s) of {table}, the first {first!r}; "
            "nothing was written (hint: `szdata add` only adds rows; rebuild and review first)"
        )
