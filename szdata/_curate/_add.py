"""``szdata add``: bring new raw texts into the package, all at once and never invalid.

Every text given is read and parsed first, in memory; a text that prints no publication
date gets it from the curator (``--published`` with ``--url``, and ``--evidence`` when the
address does not carry the date), recorded as decisions. Then, under the package's write
lock, a draft of the package (:mod:`szdata._curate._draft`) receives the texts, their review rows
(unreviewed) and those decisions, is rebuilt and validated, every layer but review. Only a
draft that validates replaces the package's files, all together; otherwise nothing is
written and the refusal lists every problem, per file, with the command that resolves it.
Running it twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shlex
import stat
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szdata._core._address import is_web_address
from szdata._core._errors import ParseError, SzdataError, UsageError
from szdata._core._project import report_hint
from szdata._core._typing import BUILT_TABLES

if TYPE_CHECKING:
    import polars as pl

    from szdata._curate._build import BuildResult
    from szdata._curate._draft import Draft
    from szdata._disk._package import Package
    from szdata._parse import ParsedArticle, Registry
    from szdata._validate import Issue

RAW_DIR = "data/raw"
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


@dataclass(frozen=True)
class Problem:
    """Why a text cannot be added as it is, and the command that resolves it."""

    source: str
    message: str
    command: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}\n    resolve with: {self.command}"


class AddRefused(SzdataError):
    """``szdata add`` refused its input; nothing was written.

    ``problems`` lists, per file given, what is wrong and the command that resolves it.
    """

    def __init__(self, message: str | list[Problem]) -> None:
        self.problems: list[Problem] = [] if isinstance(message, str) else list(message)
        if isinstance(message, str):
            text = message
        else:
            count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
            text = f"nothing was added ({count}):\n" + "\n".join(f"  {p}" for p in self.problems)
        super().__init__(text)


@dataclass
class AddedArticle:
    """One text given to ``szdata add`` and what became of it."""

    source: Path
    article_id: str
    status: str  # "added" | "already-present"
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    proposed_organizations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)


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


@dataclass
class _Text:
    """A text given to ``add``, read and parsed."""

    source: Path
    shown: str
    data: bytes
    parsed: ParsedArticle

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def article_id(self) -> str:
        return self.source.name.removesuffix(".txt")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_input(path: Path, shown: str) -> bytes | Problem:
    """The bytes of a text given to ``add``, or why it cannot be read."""
    from szdata._disk._files import max_raw_bytes

    try:
        info = os.stat(path)
    except OSError as exc:
        return Problem(shown, f"cannot be read ({exc.strerror})", "give the path of a text file")
    if not stat.S_ISREG(info.st_mode):
        return Problem(
            shown, "is not a regular file (a folder, a pipe or a device)", "give a text file"
        )
    limit = max_raw_bytes()
    if info.st_size > limit:
        return Problem(
            shown,
            f"has {info.st_size:,} bytes, more than the raw-text limit of {limit:,}",
            f"SZDATA_MAX_RAW_BYTES={info.st_size} szdata add {shlex.quote(shown)}",
        )
    if not _FILE_NAME.fullmatch(path.name):
        return Problem(
            shown,
            f"the file name {path.name!r} cannot be an article id",
            "rename it to lower-case letters, digits, '_' and '-' (at most 64), ending in .txt",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        return Problem(shown, f"cannot be read ({exc.strerror})", "give a readable text file")


def _propose_organizations(text: str, known_spans: Iterable[tuple[int, int]]) -> list[str]:
    """Organization-like names in ``text`` that no mention covers, for a curator to consider."""
    from szdata._parse._proposals import propose_organizations

    return propose_organizations(text, known_spans)


def curator_name(root: Path, by: str | None) -> str | None:
    """Who records a decision: ``by``, else ``git config user.name`` in ``root``, else ``None``."""
    if by and by.strip():
        return by.strip()
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip()
    return name or None


def next_decision_id(existing: Iterable[str], offset: int = 0) -> str:
    """The decision id after the highest of ``existing`` (``offset`` more).

    Examples
    --------
    >>> next_decision_id(["D0001", "D0007"]), next_decision_id([], offset=1)
    ('D0008', 'D0002')
    """
    numbers = [int(d[1:]) for d in existing if d[1:].isdigit() and len(d) < 19]
    return f"D{max(numbers, default=0) + 1 + offset:04d}"


def add_articles(
    raw_files: Sequence[str | Path],
    *,
    path: str | Path | None = None,
    published: dt.date | None = None,
    url: str | None = None,
    evidence: str | None = None,
    by: str | None = None,
    remove: Sequence[str] = (),
    reason: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> AddResult:
    """Add raw texts to the package at ``path`` (default: the installed one).

    Parameters
    ----------
    raw_files
        The texts to add, UTF-8, exactly as published; each file name (lower-case, ending in
        ``.txt``) becomes the article id.
    path
        The package folder (a checkout); ``None`` for the installed package.
    published, url, evidence
        For a text that prints no publication date: the date, the address it was published
        at, and (when the address does not carry the date) why that date. Recorded as
        decisions with basis ``address`` or ``inferred``. ``url`` alone sets the address.
    by
        Who records those decisions (default: ``git config user.name``).
    remove
        ``TABLE:KEY`` of rows of the new texts to leave out (a false match of the parser),
        each recorded as a ``remove`` decision with ``reason``.
    dry_run
        Build and validate the draft, report the rows, but write nothing.
    on_progress
        Called with a short message after each step (for a progress bar).
    today
        The decisions' date (default: today).

    Returns
    -------
    AddResult
        The articles added or already present, their rows, and the files written.

    Raises
    ------
    AddRefused
        With every problem, per file, and the command that resolves it: a text that cannot
        be read or parsed, prints no date and got none, is already in the package under
        another name, would change an existing row, or would make the package invalid.

    Examples
    --------
    >>> from szdata._curate._add import add_articles
    >>> add_articles([], dry_run=True).added
    []
    """
    from szdata._curate._draft import draft
    from szdata._disk._package import open_package
    from szdata._parse import Registry

    if url is not None and not is_web_address(url):
        raise UsageError(
            f"--url {url!r} is not a web address (hint: give the address the text was "
            "published at, starting http:// or https://)"
        )
    pkg = open_package(path)
    step = on_progress or (lambda _msg: None)
    registry = Registry.load(pkg)
    with draft(pkg.root, command="add") as d:
        # under the lock, no other command adds a text meanwhile; the package's texts are
        # listed and hashed beneath the draft, once for the whole command
        articles, texts, problems = _read_texts(d.copy, raw_files, registry, published, step)
        decisions, decided = _date_decisions(
            pkg, texts, published, url, evidence, by, today, problems
        )
        decisions += _remove_decisions(
            texts, remove, reason, by, pkg, today, problems, len(decisions)
        )
        if problems:
            raise AddRefused(problems)
        if not texts:
            return AddResult(articles, [], dry_run)
        if not d.is_built():
            raise AddRefused(
                "the committed tables are not what the build produces, so new rows cannot be told "
                "apart from changed ones (hint: run `szdata build --check` to see the difference, "
                "then `szdata build`)"
            )
        valid = d.known_valid()  # then only the new articles' rows are validated
        _write_texts(d, texts, decisions)
        step("building the tables")
        try:
            built = d.build(touched=[t.article_id for t in texts])
        except SzdataError as exc:
            raise AddRefused([_build_problem(texts, exc)]) from None
        new = _new_rows(d, built)
        step("validating")
        report = d.validate(touched=[t.article_id for t in texts] if valid else None)
        refusals = [
            _issue_problem(d, texts, i)
            for i in report.errors
            if not i.rule.startswith("review.") or i.rule == "review.complete"
        ]
        if refusals:
            raise AddRefused(list(dict.fromkeys(refusals)))
        for text in texts:
            art = AddedArticle(
                text.source,
                text.article_id,
                "added",
                warnings=list(text.parsed.warnings),
                decisions=decided.get(text.article_id, []),
            )
            spans = [(int(m["start"]), int(m["end"])) for m in text.parsed.mentions]
            art.proposed_organizations = _propose_organizations(text.data.decode("utf-8"), spans)
            for table in BUILT_TABLES:
                art.rows[table] = [r for r in new[table] if r["article_id"] == text.article_id]
            articles.append(art)
        if dry_run:
            return AddResult(articles, [], dry_run)
        step("writing")
        written = d.commit()
    return AddResult(articles, written, dry_run)


def _read_texts(
    root: Path,
    raw_files: Sequence[str | Path],
    registry: Registry,
    published: dt.date | None,
    step: Callable[[str], None],
) -> tuple[list[AddedArticle], list[_Text], list[Problem]]:
    """Read and parse the texts given, against the raw texts of the package at ``root``:
    the articles already there, the texts to add, and the problems found."""
    from szdata._disk._cache import file_sha256
    from szdata._disk._files import list_folder, read_files
    from szdata._parse import parse

    problems: list[Problem] = []
    names = list_folder(root, RAW_DIR, suffix=".txt")
    rels = [f"{RAW_DIR}/{n}" for n in names]
    digests = file_sha256(root, rels)
    # what is not a regular file is refused here as every read of a raw text refuses it
    for _ in read_files(root, [r for r, d in zip(rels, digests, strict=True) if d is None]):
        pass
    present = set(names)
    by_hash = {d: n for n, d in zip(names, digests, strict=True) if d is not None}
    articles: list[AddedArticle] = []
    texts: list[_Text] = []
    for given in raw_files:
        src = Path(given)
        shown = str(given)
        data = _read_input(src, shown)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        if src.name in present:
            (existing,) = read_files(root, [f"{RAW_DIR}/{src.name}"])
            if existing == data:
                articles.append(AddedArticle(src, src.name[:-4], "already-present"))
                step(f"{src.name}: already in the package")
                continue
            problems.append(
                Problem(
                    shown,
                    f"data/raw/{src.name} already holds a different text",
                    "raw texts are never replaced: give the new text another file name",
                )
            )
            continue
        digest = _sha256(data)
        if digest in by_hash:
            problems.append(
                Problem(
                    shown,
                    f"the same text is already in the package as data/raw/{by_hash[digest]}",
                    "nothing to add: the text is there",
                )
            )
            continue
        if any(t.name == src.name for t in texts):
            problems.append(Problem(shown, f"{src.name} is given twice", "give it once"))
            continue
        try:
            parsed = parse(data, file_name=src.name, registry=registry, reference_date=published)
        except ParseError as exc:
            problems.append(Problem(shown, str(exc), exc.hint or "save the text as published"))
            continue
        texts.append(_Text(src, shown, data, parsed))
        by_hash[digest] = src.name
        step(f"{src.name}: parsed")
    return articles, texts, problems


def _new_rows(d: Draft, built: BuildResult) -> dict[str, list[dict[str, str]]]:
    """The rows the build added to each built table, as text (``""`` for an empty cell).

    A build of the new articles alone (:func:`~szdata._curate._build.build_touched`) added
    only their rows; a whole build is refused when it changed or dropped another row.
    """
    import polars as pl

    from szdata._disk._readers import LINE, read_csv_bytes

    if built.touched is not None:
        return {table: built.touched.get(table, []) for table in BUILT_TABLES}
    pkg = d.package()
    out: dict[str, list[dict[str, str]]] = {}
    for table in BUILT_TABLES:
        rel = pkg.resource(table)["path"]
        if rel not in built.changed:
            out[table] = []
            continue
        old = read_csv_bytes(built.old(rel).encode("utf-8"), file=rel).frame.drop(LINE)
        new = read_csv_bytes(built.contents[rel].encode("utf-8"), file=rel).frame.drop(LINE)
        _check_only_appended(table, old, new)
        added = new.join(old.unique(), on=new.columns, how="anti", nulls_equal=True)
        out[table] = [
            {k: "" if v is None else v for k, v in r.items()}
            for r in added.select(pl.all()).iter_rows(named=True)
        ]
    return out


def _write_texts(d: Draft, texts: list[_Text], decisions: list[dict[str, str]]) -> None:
    """Write the texts, their review rows and the decisions into the draft."""
    from szdata._curate._rows import with_rows

    pkg = d.package()
    for text in texts:
        d.write(f"{RAW_DIR}/{text.name}", text.data)
    reviews = [
        {
            "article_id": text.article_id,
            "status": "unreviewed",
            "note": "added by szdata add; not yet checked against the text",
        }
        for text in texts
    ]
    d.write(pkg.resource("reviews")["path"], with_rows(pkg, "reviews", append=reviews))
    if decisions:
        d.write(pkg.resource("decisions")["path"], with_rows(pkg, "decisions", append=decisions))


def _date_decisions(
    pkg: Package,
    texts: list[_Text],
    published: dt.date | None,
    url: str | None,
    evidence: str | None,
    by: str | None,
    today: dt.date | None,
    problems: list[Problem],
) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """The decisions that record the publication date (and address) of the texts given."""
    from szdata._disk._readers import table_records
    from szdata._validate._article import address_dates

    undated = [t for t in texts if t.parsed.article.get("published") is None]
    dated = [t for t in texts if t.parsed.article.get("published") is not None]
    if published is not None:
        for t in dated:
            printed = t.parsed.article["published"]
            if printed != published:
                problems.append(
                    Problem(
                        t.shown,
                        f"the text prints its own publication date, {printed} "
                        f"({t.parsed.article['published_basis']}), not {published}",
                        f"szdata add {shlex.quote(t.shown)}  (without --published)",
                    )
                )
    if len(undated) > 1 and published is not None:
        for t in undated:
            problems.append(
                Problem(
                    t.shown,
                    "--published is given for several texts that print no date",
                    "add each undated text on its own: "
                    f"szdata add {shlex.quote(t.shown)} --published YYYY-MM-DD --url URL",
                )
            )
        return [], {}
    for t in undated:
        if published is None:
            unreadable = [w for w in t.parsed.warnings if "the Updated field" in w]
            problems.append(
                Problem(
                    t.shown,
                    unreadable[0].split(": ", 1)[-1]
                    + " (so the text prints no date szdata can use)"
                    if unreadable
                    else "the text prints no publication date (no Updated: field, no date in its "
                    "title)",
                    f"szdata add {shlex.quote(t.shown)} --published YYYY-MM-DD --url URL "
                    "(and --evidence TEXT when the address does not carry the date)",
                )
            )
    basis = None
    if undated and published is not None:
        if url and published in address_dates(url):
            basis = "address"
        elif not evidence:
            problems.append(
                Problem(
                    undated[0].shown,
                    f"the address {url!r} does not carry the date {published}"
                    if url
                    else "no address carries the date given",
                    f"szdata add {shlex.quote(undated[0].shown)} --published {published} "
                    f"--url {shlex.quote(url or 'URL')} --evidence 'why this date (a web "
                    "address, or a quote of the text)'",
                )
            )
        else:
            basis = "inferred"
    wanted = bool(basis) or (url and texts)
    if not wanted:
        return [], {}
    curator = curator_name(pkg.root, by)
    if curator is None:
        problems.append(
            Problem(
                texts[0].shown,
                "no curator's name for the decisions (no --by, and no git user.name)",
                "give --by 'Your Name' (or set git config user.name)",
            )
        )
        return [], {}
    existing = [r["decision_id"] for r in table_records(pkg, "decisions")]
    day = (today or dt.date.today()).isoformat()
    rows: list[dict[str, str]] = []
    decided: dict[str, list[str]] = {}

    def decision(text: _Text, column: str, value: str, why: str, proof: str) -> None:
        did = next_decision_id(existing, offset=len(rows))
        rows.append(
            {
                "decision_id": did,
                "table": "articles",
                "key": text.article_id,
                "action": "set",
                "column": column,
                "parsed_value": "",
                "curated_value": value,
                "reason": why,
                "evidence": proof,
                "decided_on": day,
                "decided_by": curator,
            }
        )
        decided.setdefault(text.article_id, []).append(did)

    for t in undated if basis else []:
        assert published is not None
        proof = url if basis == "address" else (evidence or "")
        why = (
            f"The text prints no date; its address carries the posting date ({published})."
            if basis == "address"
            else f"The text prints no date; the publication date is inferred: {evidence}"
        )
        decision(t, "published", published.isoformat(), why, proof or "")
        decision(t, "published_basis", basis, f"The publication date is read from its {basis}.",
                 proof or "")  # fmt: skip
    if url:
        for t in texts:
            decision(
                t,
                "url",
                url,
                "The text prints no address; this is where it was published.",
                url,
            )
    return rows, decided


def _remove_decisions(
    texts: list[_Text],
    remove: Sequence[str],
    reason: str | None,
    by: str | None,
    pkg: Package,
    today: dt.date | None,
    problems: list[Problem],
    already: int,
) -> list[dict[str, str]]:
    """``remove`` decisions for rows of the new texts (a parser's false match)."""
    from szdata._disk._readers import table_records

    if not remove:
        return []
    if not (reason and reason.strip()):
        problems.append(
            Problem("--remove", "a removed row needs --reason", "add --reason 'why it is wrong'")
        )
        return []
    curator = curator_name(pkg.root, by)
    if curator is None:
        problems.append(Problem("--remove", "no curator's name", "give --by 'Your Name'"))
        return []
    existing = [r["decision_id"] for r in table_records(pkg, "decisions")]
    rows = []
    for spec in remove:
        table, _, key = spec.partition(":")
        found = [
            r
            for t in texts
            if table in BUILT_TABLES and table != "articles"
            for r in t.parsed.rows(table)
            if str(r[pkg.schema(table).primary_key[0]]) == key
        ]
        if not found:
            problems.append(
                Problem(
                    "--remove",
                    f"{spec!r} is not TABLE:KEY of a row of the texts given",
                    "name it as items|figures|dates|mentions:ID (see `szdata add --dry-run`)",
                )
            )
            continue
        quote = found[0].get("quote") or found[0].get("headline") or ""
        rows.append(
            {
                "decision_id": next_decision_id(existing, offset=already + len(rows)),
                "table": table,
                "key": key,
                "action": "remove",
                "reason": reason.strip(),
                "evidence": f'"{quote}"',
                "decided_on": (today or dt.date.today()).isoformat(),
                "decided_by": curator,
            }
        )
    return rows


def _build_problem(texts: list[_Text], exc: SzdataError) -> Problem:
    message = str(exc)
    source = next((t.shown for t in texts if t.article_id in message), "the package")
    if "no publication date" in message:
        command = f"szdata add {shlex.quote(source)} --published YYYY-MM-DD --url URL"
    else:
        command = "szdata build --check (the package's curation no longer applies; fix it first)"
    return Problem(source, message, command)


def _issue_problem(d: Draft, texts: list[_Text], issue: Issue) -> Problem:
    """A validation error of the draft, said for the text it comes from, with a way out."""
    from szdata._disk._readers import read_table

    pkg = d.package()
    where = f"{issue.where} [{issue.rule}] {issue.message}"
    row: dict[str, str] = {}
    if issue.row is not None and issue.table in pkg.table_names():
        frame = read_table(pkg, issue.table).frame
        match = frame.filter(frame["__line"] == issue.row)
        if match.height:
            row = {k: v for k, v in match.row(0, named=True).items() if isinstance(v, str)}
    text = next((t for t in texts if t.article_id == row.get("article_id")), None)
    if text is None:
        text = next((t for t in texts if t.article_id in issue.message), None)
    if text is None:
        return Problem(
            "the package",
            f"{where} (already so before this text)",
            "szdata validate (fix the package first, then add again)",
        )
    raw = text.data.decode("utf-8", errors="replace")
    if issue.rule.startswith("text.") and issue.value and issue.value in raw:
        line = raw.count("\n", 0, raw.index(issue.value)) + 1
        return Problem(
            f"{text.shown}:{line}",
            f"{issue.message}, read from this line [{issue.rule}]",
            "compare the file with the page it was published on and save it again as published: "
            "control and invisible characters come from copying (a terminal, a word processor), "
            "not from the page",
        )
    key = row.get(pkg.schema(issue.table).primary_key[0], "") if row else ""
    if issue.table in BUILT_TABLES and issue.table != "articles" and key:
        command = (
            f"szdata add {shlex.quote(text.shown)} --remove {issue.table}:{key} --reason 'WHY' "
            f"(the parser misread it: please {report_hint()})"
        )
    else:
        command = f"{report_hint()}: the parser cannot read this text yet"
    return Problem(text.shown, where, command)


def _check_only_appended(table: str, old: pl.DataFrame, new: pl.DataFrame) -> None:
    """Refuse a build that would change or drop an existing row of ``table``."""
    changed = old.join(new.unique(), on=old.columns, how="anti", nulls_equal=True)
    if changed.height:
        first = changed.row(0)[0] if changed.width else ""
        raise AddRefused(
            f"adding would change {changed.height} existing row(s) of {table}, the first "
            f"{'' if first is None else first!r}; "
            "nothing was written (hint: `szdata add` only adds rows; rebuild and review first)"
        )
