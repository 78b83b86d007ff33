"""``szdata build``: regenerate the built tables from the raw texts and the curation decisions.

The build is deterministic: the same raw texts and curated files give the same bytes
(rows in id order, i.e. by article then start offset; LF line endings; integers written
without ``.0``; dates in ISO 8601). It

1. parses every ``data/raw/*.txt`` with :func:`szdata.parse` (a publication date set by a
   decision is passed to the parser as its reference date);
2. applies ``data/curation/decisions.csv`` in id order: ``set`` gives a column its curated
   value, refusing (:class:`~szdata.BuildError`) a decision whose ``parsed_value`` is no
   longer what the parser read; ``add`` adds the row given as JSON (origin ``curation``);
   ``remove`` drops a parsed row; ``note`` changes nothing but must name a row that exists
   (except the note recording why a raw text was deleted, ``provenance.raw-append-only``);
3. fills ``review_status`` from ``data/curation/reviews.csv`` (``unreviewed`` when absent);
4. writes ``data/{articles,items,figures,dates,mentions}.csv`` and, in ``datapackage.json``,
   only the raw-text resources, the ``sources`` list and every table's ``hash``, ``bytes``
   and ``licenses``, each file atomically, all together (so ``--check`` also fails when a
   curated table was edited without a build).

``check=True`` writes nothing and reports the difference instead.

Examples
--------
>>> result = build(check=True)
>>> result.ok
True
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from szdata._core._address import is_web_address
from szdata._core._errors import BuildError
from szdata._core._typing import BUILT_TABLES
from szdata._disk._cache import Sha256Ahead, note_sha256, take_ahead
from szdata._disk._files import list_folder, max_raw_bytes, read_files
from szdata._disk._paths import RAW_PREFIX, is_raw_resource
from szdata._disk._readers import LINE, table_records
from szdata._schemas._curation import added_row, correctable_columns, records_deletion

if TYPE_CHECKING:
    import polars as pl

    from szdata._disk._package import Package
    from szdata._parse import ParsedArticle, Registry

RAW_DIR = "data/raw"
DESCRIPTOR = "datapackage.json"
MAX_DIFF_ROWS = 10
"""Differing rows shown per file by ``--check`` (then how many more)."""

Row = dict[str, Any]


@dataclass
class BuildResult:
    """What a build produced, and how it differs from the files on disk.

    Attributes
    ----------
    root
        The package folder.
    contents
        Relative path -> the content the build produces.
    changed
        The relative paths whose content on disk differs (before writing).
    written
        Whether the changed files were written (never with ``check``).
    warnings
        What the parser could not read, per article.
    """

    root: Path
    contents: MutableMapping[str, str]
    changed: list[str] = field(default_factory=list)
    written: bool = False
    warnings: list[str] = field(default_factory=list)
    _old: dict[str, bytes] = field(default_factory=dict, repr=False)
    """The bytes on disk of each changed file before the build (decoded when asked)."""
    _keys: dict[str, int] = field(default_factory=dict, repr=False)
    """The column of each built table's primary key, by file."""
    touched: dict[str, list[dict[str, str]]] | None = None
    """For :func:`build_touched`: the rows of the articles rebuilt, per table, as text
    (``""`` for an empty cell); ``None`` after a whole build."""
    sha256: dict[str, str] = field(default_factory=dict, repr=False)
    """The SHA-256 of each file's built content, by file (once the build recorded them)."""
    _parsed: tuple[dict[str, Any] | None, dict[str, set[int]]] = field(
        default=(None, {}), repr=False
    )
    """The built descriptor as ``json.loads`` reads it, and its entries already checked
    (:func:`_printed_descriptor`), when the build kept them."""

    def old(self, rel: str) -> str:
        """The content of ``rel`` before the build (the built content when unchanged)."""
        old = self._old.get(rel)
        return self.contents[rel] if old is None else old.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        """True when the files on disk are (now) what the build produces."""
        return not self.changed or self.written

    def diff(self, max_rows: int = MAX_DIFF_ROWS) -> str:
        """The first ``max_rows`` differing rows of each changed file, and how many more.

        Rows are compared by content in linear time (never a diff of whole files): a line
        of the committed file that the built one lacks is shown with ``-``, a built line
        the committed file lacks with ``+``, the two lines of a row whose primary key is in
        both side by side. A file whose rows are the same but whose bytes are not (line
        endings, a byte-order mark, quoting) is said so.
        """
        return "".join(
            _file_diff(rel, self.old(rel), self.contents[rel], self._keys.get(rel), max_rows)
            for rel in self.changed
        )


def _file_diff(rel: str, old: str, new: str, key: int | None, max_rows: int) -> str:
    """:meth:`BuildResult.diff` of one file; ``key`` is the column of its primary key."""
    from collections import Counter

    old_lines, new_lines = old.splitlines(), new.splitlines()

    def only_in(lines: list[str], other: list[str]) -> list[str]:
        """The lines of ``lines`` that ``other`` lacks, counted as a multiset, in order."""
        left = Counter(other)
        out = []
        for line in lines:
            if left[line] > 0:
                left[line] -= 1
            else:
                out.append(line)
        return out

    removed, added = only_in(old_lines, new_lines), only_in(new_lines, old_lines)
    out = [f"--- {rel} (committed)\n", f"+++ {rel} (built)\n"]
    if not removed and not added:
        out.append(
            f"  (every line is the same: the bytes differ, e.g. line endings, a byte-order mark "
            f"or the final newline; committed {len(old.encode())} bytes, built "
            f"{len(new.encode())})\n"
        )
        return "".join(out)
    groups: dict[object, list[str]] = {}  # the rows in order, a changed row's lines together
    for sign, lines in (("-", removed), ("+", added)):
        for n, line in enumerate(lines):
            groups.setdefault(_row_key(line, key) if key is not None else (sign, n), []).append(
                sign + line
            )
    shown = list(groups.values())
    for lines in shown[:max_rows]:
        out.extend(line + "\n" for line in lines)
    if len(shown) > max_rows:
        out.append(f"... and {len(shown) - max_rows} more differing rows in {rel}\n")
    return "".join(out)


def _row_key(line: str, column: int) -> object:
    """The primary key of a CSV line (the cell at ``column``), or the line itself."""
    try:
        cells = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return ("line", line)
    return ("key", cells[column]) if column < len(cells) else ("line", line)


# -- public entry points ---------------------------------------------------------------------


def build(path: str | Path | None = None, *, check: bool = False) -> BuildResult:
    """Rebuild the tables of the package at ``path`` (default: the installed package).

    Parameters
    ----------
    path
        The package folder (or its ``datapackage.json``).
    check
        Write nothing; report in :attr:`BuildResult.changed` what differs.

    Raises
    ------
    BuildError
        A decision no longer applies (its row is gone, or its ``parsed_value`` is not what
        the parser read), a decision is malformed, or an article has no publication date.
    ParseError
        A raw text is empty, not UTF-8, or has no title.
    """
    from szdata._disk._package import open_package

    pkg = open_package(path)
    if check:
        return build_package(pkg, check=True)
    from szdata._disk._lock import package_lock

    with package_lock(pkg.root, command="build"):
        return build_package(pkg, check=False)


def build_package(
    pkg: Package, *, check: bool, cache: bool = False, durable: bool = True
) -> BuildResult:
    """:func:`build` on an open package, without taking its lock (the caller holds it).

    With ``cache``, each text's parse may come from the parse cache
    (:mod:`szdata._curate._parses`): for the drafts of ``add``, ``correct`` and ``review``,
    never for ``szdata build`` itself. ``durable=False``: the files written are not synced
    to disk (a draft's, in a temporary folder).
    """
    tables, warnings = build_tables(pkg, cache=cache)
    contents = {
        pkg.path_of(t).relative_to(pkg.root).as_posix(): _csv(pkg, t, tables[t])
        for t in BUILT_TABLES
    }
    data = _Encoded()
    for rel, text in contents.items():
        data.add(rel, text)
    contents[DESCRIPTOR] = _descriptor(pkg, tables["articles"], data.facts)
    result = BuildResult(root=pkg.root, contents=contents, warnings=warnings)
    return _settle(pkg, result, data, {}, check=check, durable=durable)


class _Decoded(MutableMapping[str, str]):
    """Texts kept as the UTF-8 bytes they were built as, each decoded when first read.

    The tables :func:`build_touched` splices are bytes (52 MB at 10,000 articles); nothing
    of a draft's build reads them as text, so they are not decoded (50 ms) unless asked.

    Examples
    --------
    >>> texts = _Decoded()
    >>> texts.put("t.csv", "é,1\\n".encode("utf-8"))
    >>> texts["d.json"] = "{}"
    >>> list(texts), texts["t.csv"]
    (['t.csv', 'd.json'], 'é,1\\n')
    """

    def __init__(self) -> None:
        self._data: dict[str, bytes | str] = {}

    def put(self, rel: str, data: bytes) -> None:
        """``rel`` holds the text these UTF-8 bytes encode."""
        self._data[rel] = data

    def __getitem__(self, rel: str) -> str:
        value = self._data[rel]
        if isinstance(value, bytes):
            value = self._data[rel] = value.decode("utf-8")
        return value

    def __setitem__(self, rel: str, text: str) -> None:
        self._data[rel] = text

    def __delitem__(self, rel: str) -> None:
        del self._data[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Encoded:
    """The bytes of a build's files, each encoded and hashed once (45 MB at 10,000
    articles): the descriptor's file facts, the files written and the record of the build
    all take them from here."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self._hashing: dict[str, Sha256Ahead] = {}
        self._facts: dict[str, dict[str, Any]] = {}

    def add(self, rel: str, text: str) -> None:
        """The file ``rel`` holds ``text``."""
        self.add_bytes(rel, text.encode("utf-8"))

    def add_bytes(self, rel: str, data: bytes) -> None:
        """The file ``rel`` holds ``data``; a large file is hashed in a thread meanwhile
        (until :attr:`facts` is asked for)."""
        self.data[rel] = data
        self._hashing[rel] = Sha256Ahead(data)
        self._facts.pop(rel, None)

    @property
    def facts(self) -> dict[str, dict[str, Any]]:
        """The ``hash`` and ``bytes`` of each file, as the descriptor lists them
        (:func:`file_facts`)."""
        for rel in self.data:
            if rel not in self._facts:
                sha = self._hashing.pop(rel).hexdigest()
                self._facts[rel] = {"hash": f"sha256:{sha}", "bytes": len(self.data[rel])}
        return self._facts

    def sha256(self) -> dict[str, str]:
        return {rel: f["hash"].removeprefix("sha256:") for rel, f in self.facts.items()}


def _settle(
    pkg: Package,
    result: BuildResult,
    data: _Encoded,
    committed: dict[str, bytes],
    *,
    check: bool,
    durable: bool,
) -> BuildResult:
    """Compare ``result`` with the files on disk (``committed``: the bytes of some, already
    read), write the files that differ unless ``check``, and record the build when the
    package is then what it produces."""
    _key_columns(pkg, result)
    data.add(DESCRIPTOR, result.contents[DESCRIPTOR])
    for rel in result.contents:
        old = committed[rel] if rel in committed else _committed(pkg, rel)
        if old != data.data[rel]:
            result.changed.append(rel)
            result._old[rel] = old or b""
    result.sha256 = data.sha256()
    if check and result.changed:
        return result
    if result.changed:
        _write(pkg, result, data.data, durable)
    _remember_built(pkg, result, data.data)
    return result


def _inputs_key(pkg: Package, descriptor_sha256: str | None = None) -> str | None:
    """The digest of everything a build of ``pkg`` reads, or ``None`` when a file is missing.

    The raw texts (names and bytes), the descriptor (``descriptor_sha256``: the digest of
    other bytes than the file's), every Table Schema file, the curated tables, and the code
    of the build and the parser. Two packages with the same key build the same files.
    """
    from szdata._curate._parses import parser_version
    from szdata._disk import _cache

    names = list_folder(pkg.root, RAW_DIR, suffix=".txt")
    built = {pkg.resource(t)["path"] for t in BUILT_TABLES}
    rels = sorted(
        {
            *(
                r["schema"]
                for r in map(pkg.resource, pkg.table_names())
                if isinstance(r.get("schema"), str)
            ),
            *(pkg.resource(t)["path"] for t in pkg.table_names()),
        }
        - built
    )
    rels += [f"{RAW_DIR}/{n}" for n in names]
    h = hashlib.sha256(_cache.digest("build", parser_version(), _code_version()).encode())
    if descriptor_sha256 is None:
        rels.insert(0, DESCRIPTOR)
    else:
        h.update(f"{DESCRIPTOR}\0{descriptor_sha256}\n".encode())
    digests = _cache.file_sha256(pkg.root, rels)
    if None in digests:
        return None
    h.update("".join([f"{rel}\0{sha}\n" for rel, sha in zip(rels, digests, strict=True)]).encode())
    return h.hexdigest()


@functools.cache
def _code_version() -> str:
    from szdata._disk import _cache

    return _cache.digest(Path(__file__).read_bytes())


def _write(pkg: Package, result: BuildResult, data: dict[str, bytes], durable: bool) -> None:
    """Write the files of ``result`` that changed (``data``: the bytes of each), together."""
    from szdata._disk._atomic import StagedFiles

    with StagedFiles(durable=durable) as staged:
        for rel in result.changed:
            staged.write(pkg.root / rel, data[rel])
    result.written = True
    for rel in result.changed:  # hashed as they were printed: not read and hashed again
        note_sha256(pkg.root / rel, result.sha256[rel], len(data[rel]))


def _remember_built(pkg: Package, result: BuildResult, data: dict[str, bytes]) -> None:
    """Record that a package with the inputs of ``pkg`` (and the built descriptor) builds
    ``result.contents`` (``data``: their bytes, and ``result.sha256`` their digests): the
    digests of its built tables, by :func:`_inputs_key`."""
    from szdata._disk import _cache
    from szdata._disk._descriptor import printed

    printed(data[DESCRIPTOR], *result._parsed)  # no key twice, no lone surrogate
    key = _inputs_key(pkg, result.sha256[DESCRIPTOR])
    if key is None:
        return
    digests = {rel: d for rel, d in result.sha256.items() if rel != DESCRIPTOR}
    _cache.put("builds", key, json.dumps(digests, sort_keys=True).encode("utf-8"))


def known_built(pkg: Package, *, before_tables: Callable[[], None] | None = None) -> bool:
    """Whether a build of these very inputs is known to produce the files ``pkg`` has.

    From the cache of builds (:mod:`szdata._disk._cache`): a build that left the package
    as it is now recorded the digests of its tables under the digest of its inputs. Only a
    ``True`` is ever taken from it; ``False`` means: build to know. ``szdata build --check``
    never asks.

    ``before_tables``: called once the inputs are hashed, before the built tables are (a
    draft waits there for the digests its thread computes of them meanwhile).
    """
    from szdata._disk import _cache

    key = _inputs_key(pkg)
    data = None if key is None else _cache.get("builds", key)
    if data is None:
        return False
    if before_tables is not None:
        before_tables()
    try:
        digests = json.loads(data)
        rels = sorted(digests)
        if rels != sorted(pkg.resource(t)["path"] for t in BUILT_TABLES):
            return False
        # hashed once per process (the validation's record of the package hashes them too)
        found = _cache.file_sha256(pkg.root, rels)
        return all(d is not None and d == digests[r] for r, d in zip(rels, found, strict=True))
    except (ValueError, TypeError, AttributeError):
        return False


def article_of(key: str) -> str:
    """The article of a row id (``ARTICLE.f123``) or an article id.

    Examples
    --------
    >>> article_of("004_4c9b5674638746a7.f181"), article_of("004_4c9b5674638746a7")
    ('004_4c9b5674638746a7', '004_4c9b5674638746a7')
    """
    return key.split(".", 1)[0]


def build_touched(pkg: Package, articles: list[str], *, durable: bool = True) -> BuildResult | None:
    """Build ``pkg`` by rebuilding the rows of ``articles`` alone, and write the files.

    ``szdata add`` appends raw texts, their review rows and decisions about them; ``review``
    changes the review rows of some articles, ``correct`` adds decisions about rows of
    some articles. Every other article's rows are then what they were, so the new tables
    are the committed ones with the rows of ``articles`` (whose texts are parsed again,
    without the parse cache) put in their places, as a whole build would place them: rows
    are in article order, each article's rows together. The descriptor is then written
    from those tables. The caller knows the committed files were what the build produced
    before its changes (:meth:`~szdata._curate._draft.Draft.is_built`), and holds the lock.

    Returns ``None``, having written nothing, when the committed tables cannot be spliced
    line by line (a cell over several lines): then build everything. A test compares the
    files with those of a whole build. ``durable``: as for :func:`build_package`.
    """
    import polars as pl

    from szdata._disk._readers import read_csv_bytes

    only = set(articles)
    tables, warnings = build_tables(pkg, cache=False, only=only)
    contents = _Decoded()
    data_of = _Encoded()
    committed: dict[str, bytes] = {}
    rebuilt: dict[str, list[dict[str, str]]] = {}
    committed_ids: list[str] = []
    articles_data = b""  # the committed articles table, for the descriptor
    for t in BUILT_TABLES:
        rel = pkg.path_of(t).relative_to(pkg.root).as_posix()
        ahead = take_ahead(pkg.root / rel)  # read while the command read its input
        if ahead is not None:
            data, keys = ahead[0], cast("pl.Series | None", ahead[1])
        else:
            (data,) = read_files(pkg.root, [rel], missing_ok=True)
            if data is None:
                return None
            # the file is the build's (the caller knows it): where each article's rows are
            keys = _article_column(data)
        header = ",".join(pkg.schema(t).field_names).encode("utf-8")
        if keys is None or keys.null_count() or not data.startswith(header + b"\n"):
            return None
        committed[rel] = data
        if t == "articles":
            committed_ids, articles_data = keys.to_list(), data
        new_text = _csv(pkg, t, tables[t])
        rebuilt[t] = list(csv.DictReader(io.StringIO(new_text, newline="")))
        new_lines = new_text.splitlines(keepends=True)[1:]
        if len(new_lines) != len(tables[t]):
            return None  # a new row over several lines
        by_article: dict[str, list[str]] = {a: [] for a in only}
        for row, line in zip(tables[t], new_lines, strict=True):
            by_article.setdefault(str(row.get("article_id")), []).append(line)
        spliced = _splice(data, keys, by_article)
        if spliced is None:
            return None
        # UTF-8: the committed file is what a build printed, the new lines are encoded
        contents.put(rel, spliced)
        data_of.add_bytes(rel, spliced)
    committed[DESCRIPTOR] = _committed(pkg, DESCRIPTOR) or b""
    old_descriptor = committed[DESCRIPTOR].decode("utf-8", errors="replace")
    kept = _kept_blocks(old_descriptor, committed_ids, set(committed_ids) - only)
    if kept is not None:  # the descriptor needs no cell of the other articles but their id
        others: list[Row] = [{"article_id": a} for a in committed_ids if a not in only]
    else:  # every cell of the other articles
        rel = pkg.path_of("articles").relative_to(pkg.root).as_posix()
        read = read_csv_bytes(articles_data, file=rel).check(pkg.schema("articles").field_names)
        frame = read.frame.drop(LINE).filter(~pl.col("article_id").is_in(list(only)))
        others = list(
            frame.with_columns(
                pl.col("bytes").cast(pl.Int64, strict=False),
                pl.col("chars").cast(pl.Int64, strict=False),
            ).iter_rows(named=True)
        )
    del articles_data
    every = [*others, *tables["articles"]]
    every.sort(key=_order)
    from szdata._disk._descriptor import opened_from

    old = None if kept is None else opened_from(committed[DESCRIPTOR])
    contents[DESCRIPTOR], parsed, checked = _printed_descriptor(
        pkg, every, data_of.facts, kept=kept, old=old
    )
    result = BuildResult(root=pkg.root, contents=contents, warnings=warnings, touched=rebuilt)
    result._parsed = (parsed, checked)
    return _settle(pkg, result, data_of, committed, check=False, durable=durable)


def _article_column(data: bytes) -> pl.Series | None:
    """The ``article_id`` cells of a built table's bytes (see :func:`build_touched`)."""
    from szdata._disk._readers import read_csv_column

    return read_csv_column(data, "article_id")


def ahead_of_build(pkg: Package) -> dict[str, Callable[[bytes], object]]:
    """What :func:`build_touched` reads of each built table of ``pkg``, by file: for a draft
    to read it ahead (:func:`~szdata._disk._cache.hash_ahead`), in a thread, while the
    command reads its input."""
    return {pkg.resource(t)["path"]: _article_column for t in BUILT_TABLES}


def _splice(data: bytes, keys: pl.Series, rows: dict[str, list[str]]) -> bytes | None:
    """The CSV bytes ``data`` (a built table: a line a row, in article order, each row's
    first cell its article id or a key starting with it and a dot; ``keys``, the article
    of each row, sorted) with the rows of each article of ``rows`` replaced by its lines
    there.

    ``None`` when the bytes are not laid out so (a record over several lines, a first cell
    quoted): the lines counted between the places found must be the rows ``keys`` says.
    Only the places of the articles are looked for; the other rows are copied as bytes,
    not split into lines (300,000 of them at 10,000 articles).
    """
    view = memoryview(data)
    header_end = data.find(b"\n") + 1
    if header_end == 0 or not data.endswith(b"\n"):
        return None

    def first_line(row: int, lo: int) -> int | None:
        """The offset of the line of row ``row`` (the first of its article), from ``lo``."""
        if row == len(keys):
            return len(data)
        found = re.compile(rb"\n" + re.escape(keys[row].encode("utf-8")) + rb"[.,]").search(
            data, lo - 1
        )
        return None if found is None else found.start() + 1

    out: list[bytes | memoryview] = [view[:header_end]]
    row, at = 0, header_end
    for article in sorted(rows):
        start = int(keys.search_sorted(article, side="left"))
        end = int(keys.search_sorted(article, side="right"))
        if start < row:
            return None  # not sorted
        begin = first_line(start, at)
        if begin is None or data.count(b"\n", at, begin) != start - row:
            return None
        finish = first_line(end, begin)
        if finish is None or data.count(b"\n", begin, finish) != end - start:
            return None
        out += [view[at:begin], "".join(rows[article]).encode("utf-8")]
        row, at = end, finish
    if data.count(b"\n", at) != len(keys) - row:
        return None
    out.append(view[at:])
    return b"".join(out)


def built_files(pkg: Package) -> list[str]:
    """The files a build of ``pkg`` writes: its built tables and the descriptor."""
    return [*(pkg.path_of(t).relative_to(pkg.root).as_posix() for t in BUILT_TABLES), DESCRIPTOR]


def _key_columns(pkg: Package, result: BuildResult) -> None:
    for t in BUILT_TABLES:
        schema = pkg.schema(t)
        if len(schema.primary_key) == 1:
            rel = pkg.path_of(t).relative_to(pkg.root).as_posix()
            result._keys[rel] = schema.field_names.index(schema.primary_key[0])


def _committed(pkg: Package, rel: str) -> bytes | None:
    """The committed bytes of a file the build writes (``None`` when it does not exist yet)."""
    (data,) = read_files(pkg.root, [rel], missing_ok=True)
    return data


def build_tables(
    pkg: Package,
    *,
    decisions: bool = True,
    registry: Registry | None = None,
    cache: bool = False,
    only: set[str] | None = None,
) -> tuple[dict[str, list[Row]], list[str]]:
    """The built tables' rows (sorted, with ``review_status``) and the parser's warnings.

    With ``decisions=False`` the curation decisions are not applied (the unaided parser,
    for :func:`parser_scores`); the publication dates they set are still used to resolve
    relative dates. With ``cache``, parses come from the parse cache when they can. With
    ``only``, the rows of those articles alone, with the decisions about them (see
    :func:`build_touched`).
    """
    from szdata._curate._parses import cached_parse
    from szdata._parse import Registry

    registry = registry if registry is not None else Registry.load(pkg)
    rows_of_decisions = _read_decisions(pkg)
    if only is not None:
        rows_of_decisions = [d for d in rows_of_decisions if article_of(d["key"]) in only]
    tables: dict[str, list[Row]] = {t: [] for t in BUILT_TABLES}
    warnings: list[str] = []
    names = list_folder(pkg.root, RAW_DIR, suffix=".txt")
    if only is not None:
        names = [n for n in names if n.removesuffix(".txt") in only]
    raws = read_files(
        pkg.root, [f"{RAW_DIR}/{n}" for n in names], limit=max_raw_bytes(), missing_ok=False
    )
    texts: dict[str, str] = {}
    for name, data in zip(names, raws, strict=True):
        article_id = name.removesuffix(".txt")
        texts[article_id] = data.decode("utf-8", errors="replace")  # parse() refuses non-UTF-8
        parsed: ParsedArticle = cached_parse(
            data,
            file_name=name,
            registry=registry,
            reference_date=_curated_published(rows_of_decisions, article_id),
            use_cache=cache,
        )
        warnings.extend(parsed.warnings)
        for t in BUILT_TABLES:
            tables[t].extend(parsed.rows(t))
    if decisions:
        _apply_decisions(pkg, tables, rows_of_decisions, texts)
    _fill_review_status(pkg, tables)
    for t in BUILT_TABLES:
        tables[t].sort(key=_order)
    if decisions:
        for art in tables["articles"]:
            if art.get("published") in (None, ""):
                raise BuildError(
                    f"article {art['article_id']} has no publication date: its text prints none "
                    "(hint: add a decision to data/curation/decisions.csv: table articles, "
                    f"key {art['article_id']}, action set, column published, with evidence, "
                    "and one for published_basis)"
                )
    return tables, warnings


@dataclass(frozen=True)
class Score:
    """Precision and recall of the unaided parser on one table."""

    table: str
    matched: int
    parsed: int
    expected: int

    @property
    def precision(self) -> float:
        """Share of the parser's rows that are in the table."""
        return self.matched / self.parsed if self.parsed else 1.0

    @property
    def recall(self) -> float:
        """Share of the table's rows the parser finds."""
        return self.matched / self.expected if self.expected else 1.0


SCORE_KEYS: dict[str, tuple[str, ...]] = {
    "items": ("item_no", "headline", "source_printed"),
    "figures": ("value", "unit", "qualifier"),
    "dates": ("date",),
    "mentions": ("organization_id",),
}
"""Columns that must agree, besides ``(article_id, start, end)``, for a row to match."""


def parser_scores(path: str | Path | None = None) -> dict[str, Score]:
    """Precision and recall of the parser, without decisions, against the committed tables.

    Rows match on ``(article_id, start, end)`` and the columns of :data:`SCORE_KEYS`.
    Rows the curation added (origin ``curation``) are left out of the expected rows; the
    parser is given each article's curated publication date as its reference date, as
    in the build, since a text that prints none cannot be read without it.

    Examples
    --------
    >>> scores = parser_scores()
    >>> 0 <= scores["figures"].precision <= 1 and 0 <= scores["figures"].recall <= 1
    True
    """
    from szdata._disk._package import open_package
    from szdata._disk._readers import table_frame

    pkg = open_package(path)
    parsed, _ = build_tables(pkg, decisions=False)
    out = {}
    for table, keys in SCORE_KEYS.items():
        frame = table_frame(pkg, table)
        expected_rows = [
            r for r in frame.iter_rows(named=True) if (r.get("origin") or "parser") != "curation"
        ]
        expected = {_score_key(r, keys) for r in expected_rows}
        got = {_score_key(r, keys) for r in parsed[table]}
        out[table] = Score(table, len(expected & got), len(got), len(expected))
    return out


# -- decisions -------------------------------------------------------------------------------


def _read_decisions(pkg: Package) -> list[dict[str, str]]:
    path = pkg.path_of("decisions")
    rows = [r for r in table_records(pkg, "decisions") if any(map(str.strip, r.values()))]
    schema = pkg.schema("decisions")
    actions = set(schema.field("action").enum or ())
    tables = set(schema.field("table").enum or ())
    for n, r in enumerate(rows, start=2):
        where = f"{path.name} row {n} ({r.get('decision_id') or 'no id'})"
        if r.get("action") not in actions:
            raise BuildError(f"{where}: action {r.get('action')!r} is not one of {sorted(actions)}")
        if r.get("table") not in tables:
            raise BuildError(f"{where}: table {r.get('table')!r} is not one of {sorted(tables)}")
        if not r.get("key"):
            raise BuildError(f"{where}: the key is empty (hint: the primary key of the row)")
    return sorted(rows, key=lambda r: _decision_number(r.get("decision_id", "")))


def _decision_number(decision_id: str) -> tuple[int, str, str]:
    """The sort key of a decision id: its number (compared as digits, never converted: an id
    may have thousands of them), then the id."""
    digits = "".join(c for c in decision_id if c.isdigit()).lstrip("0")
    return (len(digits), digits, decision_id)


def _curated_published(decisions: list[dict[str, str]], article_id: str) -> dt.date | None:
    for d in decisions:
        if (d["table"], d["key"], d["action"], d.get("column")) == (
            "articles",
            article_id,
            "set",
            "published",
        ):
            try:
                return dt.date.fromisoformat(d["curated_value"])
            except (TypeError, ValueError):
                raise BuildError(
                    f"decision {d['decision_id']}: curated published {d['curated_value']!r} "
                    "is not an ISO date like 2020-04-09"
                ) from None
    return None


def _apply_decisions(
    pkg: Package,
    tables: dict[str, list[Row]],
    decisions: list[dict[str, str]],
    texts: dict[str, str],
) -> None:
    applied: dict[tuple[str, str], list[str]] = {}
    indexes: dict[str, dict[str, int]] = {}  # table: primary key -> position, built once
    removed: dict[str, set[int]] = {}  # table: positions of the rows removed
    for d in decisions:
        _apply_decision(pkg, tables, d, indexes, removed)
        applied.setdefault((d["table"], d["key"]), []).append(d["decision_id"])
    for table, gone in removed.items():
        tables[table][:] = [r for i, r in enumerate(tables[table]) if i not in gone]
    _follow_dates(tables, decisions, texts, applied)
    for table, rows in tables.items():
        (pk,) = pkg.schema(table).primary_key
        for row in rows:
            ids = applied.get((table, row[pk]))
            row["decision_ids"] = " ".join(ids) if ids else None


def _follow_dates(
    tables: dict[str, list[Row]],
    decisions: list[dict[str, str]],
    texts: dict[str, str],
    applied: dict[tuple[str, str], list[str]],
) -> None:
    """Re-derive ``refers_to`` of the figures of articles whose dates a decision changed.

    A figure refers to the date of its sentence when the sentence's dates are all one
    date (:func:`szdata._parse.parse`); a decision that sets, removes or adds a date row
    changes that, so the figures of its sentence follow, and list the date's decisions.
    A figure whose ``refers_to`` a decision set itself keeps it.
    """
    import bisect

    from szdata._core._normalize import fold
    from szdata._parse._sentences import sentence_spans_of

    kept = {
        d["key"] for d in decisions if d["table"] == "figures" and d.get("column") == "refers_to"
    }
    touched: dict[str, list[tuple[int, str]]] = {}  # article: (start, decision id) of its dates
    for d in decisions:
        article, _, start = d["key"].rpartition(".d")  # a date id is ARTICLE.dSTART
        if d["table"] == "dates" and d["action"] != "note" and start.isdigit() and len(start) < 19:
            touched.setdefault(article, []).append((int(start), d["decision_id"]))
    sentences = {a: sentence_spans_of(fold(texts[a])) for a in touched if a in texts}
    if not sentences:
        return
    dates: dict[str, list[tuple[int, str]]] = {}  # article: (start, date) of its date rows
    for r in tables["dates"]:
        if r["article_id"] in sentences and isinstance(r["start"], int):
            dates.setdefault(r["article_id"], []).append((r["start"], cell(r["date"])))
    for figure in tables["figures"]:
        article, start = figure.get("article_id"), figure.get("start")
        if article not in sentences or not isinstance(start, int):
            continue
        if figure.get("origin") == "curation" or figure["figure_id"] in kept:
            continue
        spans = sentences[article]
        k = bisect.bisect_right(spans, (start, float("inf"))) - 1
        s0, s1 = spans[k] if k >= 0 and start < spans[k][1] else (start, start)
        found = {date for p, date in dates.get(article, []) if s0 <= p < s1}
        new = found.pop() if len(found) == 1 else None
        if new != (cell(figure.get("refers_to")) or None):
            figure["refers_to"] = new
            ids = applied.setdefault(("figures", figure["figure_id"]), [])
            ids.extend(i for p, i in touched[article] if s0 <= p < s1 and i not in ids)


def _apply_decision(
    pkg: Package,
    tables: dict[str, list[Row]],
    d: dict[str, str],
    indexes: dict[str, dict[str, int]],
    removed: dict[str, set[int]],
) -> None:
    """Apply one decision; ``indexes`` and ``removed`` are kept up to date (a removed row
    stays in its list, out of its index, until every decision is applied)."""
    table = d["table"]
    schema = pkg.schema(table)
    (pk,) = schema.primary_key
    rows = tables[table]
    index = indexes.get(table)
    if index is None:
        index = indexes[table] = {r[pk]: i for i, r in enumerate(rows)}
    key = d["key"]
    did = d["decision_id"]
    action = d["action"]
    column = d.get("column") or ""
    if action == "add":
        _add(d, schema.field_names, pk, rows, index)
        return
    if key not in index:
        if records_deletion(table, action, column, d.get("curated_value") or ""):
            return  # why a raw text was deleted: its row is gone
        raise BuildError(
            f"decision {did} ({action} {table} {key}) names a row the parser no longer "
            f"produces (hint: the text or the parser changed; update or remove {did})"
        )
    row = rows[index[key]]
    if action == "remove":
        removed.setdefault(table, set()).add(index.pop(key))
    elif action == "set":
        if column not in correctable_columns(schema):
            raise BuildError(
                f"decision {did}: column {column!r} cannot be set on table {table} "
                f"(columns a decision can set: {', '.join(correctable_columns(schema))}; "
                "the span, quote and ids come from the raw text)"
            )
        now = cell(row.get(column))
        if now != (d.get("parsed_value") or ""):
            raise BuildError(
                f"decision {did} ({table} {key}, column {column}) expects the parser to read "
                f"{d.get('parsed_value') or ''!r} but it reads {now!r} "
                f"(hint: check the text and the decision; update parsed_value, or remove {did})"
            )
        row[column] = d.get("curated_value") or None
    elif action == "note" and column and column not in schema.field_names:
        raise BuildError(f"decision {did}: table {table} has no column {column!r}")


def _add(
    d: dict[str, str], columns: list[str], pk: str, rows: list[Row], index: dict[str, int]
) -> None:
    did = d["decision_id"]
    try:
        new = added_row(d.get("curated_value") or "", columns, pk, d["key"])
    except ValueError as exc:
        raise BuildError(f"decision {did}: {exc}") from None
    if d["key"] in index:
        raise BuildError(
            f"decision {did}: row {d['key']} already exists (the parser finds it): "
            f"remove the decision"
        )
    row = {c: new.get(c) for c in columns}
    if "origin" in columns:
        row["origin"] = "curation"
    rows.append(row)
    index[d["key"]] = len(rows) - 1


def reviewed_articles(reviews: list[dict[str, str]], articles: list[Row]) -> set[str]:
    """The articles whose review holds: marked reviewed, of the text they have now.

    A review records the SHA-256 of the text it covered: when the text's hash is another
    one, the text changed since the review and its rows are unreviewed again.

    Examples
    --------
    >>> reviews = [{"article_id": "a", "status": "reviewed", "sha256": "11"},
    ...            {"article_id": "b", "status": "reviewed", "sha256": "22"}]
    >>> sorted(reviewed_articles(reviews, [{"article_id": "a", "sha256": "11"},
    ...                                    {"article_id": "b", "sha256": "33"}]))
    ['a']
    """
    hashes = {a["article_id"]: a.get("sha256") for a in articles}
    return {
        r["article_id"]
        for r in reviews
        if r.get("status") == "reviewed"
        and r.get("sha256")
        and hashes.get(r["article_id"]) == r["sha256"]
    }


def _fill_review_status(pkg: Package, tables: dict[str, list[Row]]) -> None:
    ids = {str(a["article_id"]) for a in tables["articles"]}  # the reviews of these alone
    reviews = table_records(pkg, "reviews", where=("article_id", ids))
    reviewed = reviewed_articles(reviews, tables["articles"])
    for rows in tables.values():
        for r in rows:
            r["review_status"] = "reviewed" if r["article_id"] in reviewed else "unreviewed"


def _order(row: Row) -> tuple[str, int]:
    start = row.get("start")
    return (str(row.get("article_id")), int(start) if start not in (None, "") else -1)


def _score_key(row: Row, keys: tuple[str, ...]) -> tuple[str, ...]:
    base = ("article_id", "start", "end", *keys)
    return tuple(_norm(cell(row.get(k))) for k in base)


def _norm(value: str) -> str:
    try:
        return cell(float(value)) if value and value[0].isdigit() and "-" not in value else value
    except ValueError:
        return value


# -- writing ---------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """A value as written in the CSV files.

    Examples
    --------
    >>> cell(250000000.0), cell(97.5), cell(None), cell(dt.date(2020, 3, 20))
    ('250000000', '97.5', '', '2020-03-20')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _csv(pkg: Package, table: str, rows: list[Row]) -> str:
    """The CSV text of ``rows`` under the schema's columns, each value as :func:`cell` writes it.

    Column by column: a column of text, integers, dates and empty values is written by
    :mod:`csv` itself, which writes them as :func:`cell` does (``None`` as nothing, an
    integer in digits, a date in ISO form); any other column goes through :func:`cell`.
    100,000 rows take a fraction of a second.
    """
    columns = pkg.schema(table).field_names
    cells = []
    for c in columns:
        values = list(map(dict.get, rows, repeat(c)))
        if not set(map(type, values)) <= _AS_CSV_WRITES:
            values = [cell(v) for v in values]
        cells.append(values)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*cells, strict=True))
    return buf.getvalue()


_AS_CSV_WRITES = frozenset({str, int, type(None), dt.date})
"""The types :mod:`csv` writes as :func:`cell` does (``bool``, ``float`` and ``datetime``
are not among them: ``True``, ``20.0``, ``2020-03-20 00:00:00``)."""


TABLE_LICENSES: list[dict[str, str]] = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 (LICENSE-DATA)",
    }
]
"""The licence of every table, curated or built (the curation work and what it derives)."""

RAW_LICENSES: list[dict[str, str]] = [
    {
        "name": "other-closed",
        "title": "The publisher's text, kept as evidence: not under CC-BY-4.0 or MIT",
    }
]
"""The licence entry of every raw text: its publisher's, shipped as evidence, under neither
of the package's licences (``other-closed`` is the Open Definition id for "not open")."""


def file_facts(data: bytes) -> dict[str, Any]:
    """The ``hash`` (Data Package v2 form, ``sha256:<hex>``) and ``bytes`` of a file's bytes.

    Examples
    --------
    >>> file_facts(b"abc")
    {'hash': 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'bytes': 3}
    """
    return {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _with_facts(res: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """``res`` with ``hash``, ``bytes`` and ``licenses`` set, placed after its ``encoding``."""
    out: dict[str, Any] = {}
    rest = {k: v for k, v in res.items() if k not in ("hash", "bytes", "licenses")}
    for key, value in rest.items():
        out[key] = value
        if key == "encoding":
            out.update(facts)
    out.update({k: v for k, v in facts.items() if k not in out})
    return out


def _descriptor(
    pkg: Package,
    articles: list[Row],
    built: dict[str, dict[str, Any]],
    *,
    kept: _KeptBlocks | None = None,
) -> str:
    """``datapackage.json`` with its raw-text resources, sources and file facts rebuilt
    (:func:`_printed_descriptor`, its text)."""
    return _printed_descriptor(pkg, articles, built, kept=kept)[0]


def _printed_descriptor(
    pkg: Package,
    articles: list[Row],
    built: dict[str, dict[str, Any]],
    *,
    kept: _KeptBlocks | None = None,
    old: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any] | None, dict[str, set[int]]]:
    """``datapackage.json`` with its raw-text resources, sources and file facts rebuilt.

    Every table's ``hash`` and ``bytes`` are those of the file the build leaves: those of
    the built content for a built table (``built``: its :func:`file_facts`, by relative
    path), of the committed file for a curated one. Everything else a maintainer wrote is
    kept.

    ``kept``: the raw-text resource and the source of the articles whose rows did not
    change, as the committed descriptor prints them (:func:`_kept_blocks`): put in as they
    are, not built and printed again (10,000 of them for one ``add``).

    Returns the text; with ``kept`` and ``old``, the committed descriptor as this process
    opened and checked it (:func:`szdata._disk._descriptor.opened_from`), also what
    ``json.loads`` of the text gives, its kept entries those of ``old``, and their positions
    (:func:`szdata._disk._descriptor.printed`: the new descriptor is then not parsed, and
    the profile checks its new entries alone). Else ``None`` and ``{}``.
    """
    # the descriptor as opened (checked, shared read-only): its keys are replaced, never changed
    desc = dict(pkg.descriptor)
    orgs = _organization_names(pkg)
    tables = [r for r in desc.get("resources", []) if not is_raw_resource(r)]
    curated = [r["path"] for r in tables if r["path"] not in built]
    on_disk = dict(zip(curated, read_files(pkg.root, curated, missing_ok=True), strict=True))
    resources: list[Any] = []
    for res in tables:
        path = res["path"]
        facts = built[path] if path in built else file_facts(on_disk[path] or b"")
        resources.append(_with_facts(res, {**facts, "licenses": TABLE_LICENSES}))
    from szdata._validate._json import dumps_indented  # json.dumps(indent=2), 3x faster

    if kept is None or not articles:
        desc["resources"] = resources + [_raw_resource(art) for art in articles]
        desc["sources"] = [_source(art, orgs) for art in articles]
        return dumps_indented(desc, 2) + "\n", None, {}
    old_raws: list[Any] = []
    old_sources: list[Any] = []
    if old is not None:
        old_raws = old["resources"][len(old["resources"]) - len(kept.resources) :]
        old_sources = old["sources"]
        if len(old_raws) != len(kept.resources) or len(old_sources) != len(kept.sources):
            old = None
    raws: list[str] = []
    sources: list[str] = []
    objects: list[tuple[Any, Any]] = []  # the parsed entries, while ``old`` holds
    checked: list[int] = []
    for art in articles:
        at = kept.at.get(art["article_id"])
        if at is not None:  # as the committed descriptor prints it
            raws.append(kept.resources[at])
            sources.append(kept.sources[at])
            if old is not None:
                if old_raws[at].get("name") != RAW_PREFIX + art["article_id"].replace("_", "-"):
                    old = None
                checked.append(len(objects))
                objects.append((old_raws[at], old_sources[at]))
        else:
            raws.append(_element(_raw_resource(art)))
            sources.append(_element(_source(art, orgs)))
            objects.append((json.loads(raws[-1]), json.loads(sources[-1])))
    # printed with a mark in place of each list of blocks, then the blocks put in
    desc["resources"] = [*resources, _MARK + "R"]
    desc["sources"] = [_MARK + "S"]
    text = dumps_indented(desc, 2) + "\n"
    marks = sorted(
        (text.index(f'{_PRINTED_MARK}{kind}"'), blocks)
        for kind, blocks in (("R", raws), ("S", sources))
    )
    out, at = [], 0
    for start, blocks in marks:
        out += [text[at:start], _BETWEEN.join(blocks)]
        at = start + len(_PRINTED_MARK) + 2
    out.append(text[at:])
    if old is None:
        return "".join(out), None, {}
    parsed = json.loads(text)  # the descriptor with its marks: its tables, a few KB
    parsed["resources"][-1:] = [r for r, _ in objects]
    parsed["sources"] = [s for _, s in objects]
    offset = len(resources)
    done = {"resources": {offset + i for i in checked}, "sources": set(checked)}
    return "".join(out), parsed, done


def _element(item: dict[str, Any]) -> str:
    """``item`` as :func:`dumps_indented` prints an element of an array of the top object."""
    from szdata._validate._json import dumps_indented

    text = dumps_indented({"": [item]}, 2)
    return text[text.index("[") + len("[" + _BETWEEN[1:]) : text.rindex("\n  ]")]


def _raw_resource(art: Row) -> dict[str, Any]:
    """The resource of an article's raw text."""
    aid = art["article_id"]
    return {
        "name": RAW_PREFIX + aid.replace("_", "-"),
        "path": art["raw_path"],
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "hash": f"sha256:{art['sha256']}",
        "bytes": art["bytes"],
        "licenses": RAW_LICENSES,
        "title": f"Raw text of article {aid}",
        "description": (
            "The article as published, byte for byte, kept as evidence. "
            "Entry kept in step with `articles` by `szdata build`."
        ),
    }


def _source(art: Row, orgs: dict[str, str]) -> dict[str, str]:
    """The source an article lists: its publisher, title, date and address."""
    publisher = orgs.get(art.get("publisher_id") or "") or art.get("source_printed") or "Unknown"
    title = f"{publisher}: {art['title']}, {cell(art.get('published'))}"
    source: dict[str, str] = {"title": title}
    if art.get("url"):
        if not is_web_address(art["url"]):  # never into the descriptor
            raise BuildError(
                f"article {art['article_id']}: url {art['url']!r} is not a web address "
                "(http:// or https://) [structure.format-uri] (hint: correct the decision "
                "that sets it; an address is where the text was posted)"
            )
        source["path"] = art["url"]
    else:
        source["title"] += "; address not known"
    return source


_MARK = "\x01"
"""Starts the text that stands for the committed blocks while the descriptor is printed: a
control character, which no value of a descriptor holds (JSON prints it escaped)."""
_PRINTED_MARK = '"\\u0001'
_BETWEEN = ",\n    "
"""Between two elements of an array of the descriptor's top object, as printed."""


@dataclass(frozen=True)
class _KeptBlocks:
    """The raw-text resources and sources of the committed descriptor, as printed."""

    at: dict[str, int]
    """The position of each article kept, in both lists, by article id."""
    resources: list[str]
    sources: list[str]


def _kept_blocks(old: str, committed: list[str], kept: set[str]) -> _KeptBlocks | None:
    """The blocks of the articles ``kept`` in the committed descriptor ``old``, which lists
    the raw texts and sources of the articles ``committed`` (in its order).

    ``None`` when the text is not as the build prints it (then everything is printed).
    """
    parts = {}
    for key in ("resources", "sources"):
        head = f'\n  "{key}": [\n    '
        start = old.find(head)
        end = old.find("\n  ]", start)
        if start < 0 or end < 0:
            return None
        # no string holds a line break: an element ends where a line at its indentation
        # closes it
        pieces = old[start + len(head) : end].split("\n    }" + _BETWEEN + "{")
        last = len(pieces) - 1
        parts[key] = [
            ("{" if n else "") + piece + ("\n    }" if n < last else "")
            for n, piece in enumerate(pieces)
        ]
    raws = parts["resources"][len(parts["resources"]) - len(committed) :]
    if len(raws) != len(committed) or len(parts["sources"]) != len(committed):
        return None
    at: dict[str, int] = {}
    for n, aid in enumerate(committed):
        if aid in kept:
            name = RAW_PREFIX + aid.replace("_", "-")
            if not raws[n].startswith(f'{{\n      "name": "{name}",'):
                return None  # not the committed article's block: print them all
            at[aid] = n
    return _KeptBlocks(at, raws, parts["sources"])


def _organization_names(pkg: Package) -> dict[str, str]:
    return {r["organization_id"]: r["name"] for r in table_records(pkg, "organizations")}
