"""``structure.integrity``: every resource's file has the ``bytes`` and ``hash`` recorded.

``datapackage.json`` records the length and SHA-256 of every file it lists, tables and raw
texts alike (``szdata build`` writes them), and ``frictionless validate`` checks them. So
does ``szdata validate``, without reading anything twice: a table is hashed by the one CSV
reader from the bytes it parses (:attr:`~szdata._disk._readers.CsvTable.sha256`), a raw text
by the reader of the raw texts (``ctx.raw_facts``). Only a file that neither read (a raw
text no article names) is read here.

A file edited after the build (a curated CSV saved by a spreadsheet with a byte-order mark
and CRLF line endings, say) is reported with the file, the recorded and the actual values,
and the hint to run ``szdata build``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from szdata._validate._report import Issue
from szdata._validate._rules import RULES

if TYPE_CHECKING:
    from szdata._validate._load import Context

RULE = "structure.integrity"
_NAMES = {"sha256": "SHA-256", "sha1": "SHA-1", "md5": "MD5", "sha512": "SHA-512"}
_DEFAULT_ALGORITHM = "md5"
"""The algorithm of a ``hash`` without a ``name:`` prefix (Data Package v2)."""


def _recorded_hash(value: Any) -> tuple[str, str] | None:
    """``(algorithm, hex digest)`` of a recorded ``hash``; ``None`` when there is none.

    Examples
    --------
    >>> _recorded_hash("sha256:AB"), _recorded_hash("ab"), _recorded_hash(None)
    (('sha256', 'ab'), ('md5', 'ab'), None)
    """
    if not isinstance(value, str) or not value:
        return None
    algorithm, _, digest = value.rpartition(":")
    return (algorithm.lower() or _DEFAULT_ALGORITHM), digest.lower()


def _issue(name: str, path: str, column: str, value: object, message: str) -> Issue:
    rule = RULES[RULE]
    return Issue(
        table=name,
        file=path,
        row=None,
        column=column,
        value=None if value is None else str(value),
        rule=RULE,
        message=message,
        hint=rule.hint,
        severity=rule.severity,
    )


def file_issues(
    name: str,
    path: str,
    recorded: dict[str, Any],
    size: int | None,
    sha256: str | None,
    data: bytes | None = None,
) -> list[Issue]:
    """The issues of one file: its ``size`` and ``sha256`` against its ``recorded`` entry.

    ``size`` and ``sha256`` are ``None`` for a missing file. A hash recorded with another
    algorithm than SHA-256 is computed from ``data`` (or the file is read by the caller).

    Examples
    --------
    >>> entry = {"bytes": 3, "hash": "sha256:" + "0" * 64}
    >>> [i.column for i in file_issues("t", "t.csv", entry, 4, "ab" * 32)]
    ['bytes', 'hash']
    """
    issues: list[Issue] = []
    recorded_bytes = recorded.get("bytes")
    if size is None:
        if recorded_bytes is not None or recorded.get("hash"):
            issues.append(
                _issue(
                    name,
                    path,
                    "path",
                    path,
                    f"{path} does not exist, so its bytes and hash "
                    "cannot be what datapackage.json records",
                )
            )
        return issues
    if (
        isinstance(recorded_bytes, int)
        and not isinstance(recorded_bytes, bool)
        and recorded_bytes != size
    ):
        issues.append(
            _issue(
                name,
                path,
                "bytes",
                recorded_bytes,
                f"{path} has {size:,} bytes but datapackage.json records {recorded_bytes:,} "
                f"(resource {name!r})",
            )
        )
    want = _recorded_hash(recorded.get("hash"))
    if want is not None:
        algorithm, expected = want
        if algorithm == "sha256":
            actual = sha256
        elif data is not None and algorithm in hashlib.algorithms_available:
            actual = hashlib.new(algorithm, data).hexdigest()
        else:
            actual = None
        if actual is None:
            issues.append(
                _issue(
                    name,
                    path,
                    "hash",
                    recorded.get("hash"),
                    f"resource {name!r} records a hash with an unknown algorithm {algorithm!r}",
                )
            )
        elif actual != expected:
            issues.append(
                _issue(
                    name,
                    path,
                    "hash",
                    recorded.get("hash"),
                    f"the {_NAMES.get(algorithm, algorithm)} of {path} is {actual} but "
                    f"datapackage.json records "
                    f"{expected} (resource {name!r})",
                )
            )
    return issues


def check_integrity(ctx: Context) -> list[Issue]:
    """``structure.integrity`` for every resource of the descriptor, in descriptor order."""
    from szdata._disk._files import read_files

    facts: dict[str, tuple[int | None, str | None]] = {}
    if ctx.raw_facts is not None:
        paths, sizes, digests = ctx.raw_facts
        facts = dict(zip(paths, zip(sizes, digests, strict=True), strict=True))
    issues: list[Issue] = []
    unread: list[dict[str, Any]] = []
    for res in ctx.package.descriptor.get("resources", []):
        path = res.get("path")
        fact = facts.get(path) if type(path) is str else None
        if fact is not None and fact[1] is not None:  # a raw text read: most of them agree
            recorded = res.get("bytes")
            if (
                type(recorded) is int
                and recorded == fact[0]
                and res.get("hash") == "sha256:" + fact[1]
                and res.get("name") not in ctx.tables
            ):
                continue
        name = str(res.get("name"))
        if not isinstance(path, str) or ("bytes" not in res and "hash" not in res):
            continue
        table = ctx.tables.get(name)
        if table is not None and table.size is not None:
            data = None
            want = _recorded_hash(res.get("hash"))
            if want is not None and want[0] != "sha256":
                data = next(read_files(ctx.package.root, [path]))
            issues.extend(file_issues(name, path, res, table.size, table.sha256, data))
        elif path in facts and _sha256_recorded(res):
            size, digest = facts[path]
            issues.extend(file_issues(name, path, res, size, digest))
        elif ctx.focus is None:
            unread.append(res)  # (the other articles' raw texts are not read with a focus)
    if unread:
        paths = [r["path"] for r in unread]
        for res, data in zip(unread, read_files(ctx.package.root, paths), strict=True):
            digest = None if data is None else hashlib.sha256(data).hexdigest()
            size = None if data is None else len(data)
            issues.extend(file_issues(str(res["name"]), res["path"], res, size, digest, data))
    return issues


def _sha256_recorded(res: dict[str, Any]) -> bool:
    want = _recorded_hash(res.get("hash"))
    return want is None or want[0] == "sha256"
