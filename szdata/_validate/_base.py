"""What a git revision of the package held: the raw texts at ``REF``, for ``validate --base``.

Raw texts are evidence, kept byte for byte as published, so they are append-only: a
contribution may add texts, never change or delete one that the base revision (the pull
request's base, ``origin/main``) already has. :func:`changed_raw_texts` lists the raw texts
(``data/raw/*.txt``) that ``REF`` has and the package on disk no longer has byte for byte;
the rule ``provenance.raw-append-only`` (:mod:`._provenance`) turns each into an error
unless a decision records why.

git is run through :mod:`szdata._disk._git` (which ``szdata diff`` uses too): one
``ls-tree`` lists the texts at ``REF`` with their object ids, and each text on disk is
hashed as git hashes a blob, in this process, so that only the texts that differ are read
from git (one ``cat-file --batch``) to compare their bytes.

Examples
--------
>>> changed_raw_texts(".", "--output=x")
Traceback (most recent call last):
...
szdata._core._errors.UsageError: --base '--output=x' is not a git revision (e.g. origin/main)
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from szdata._core._errors import PackageError
from szdata._disk._git import RAW_TEXT, blob_id, blobs, ls_tree, object_format, resolve

__all__ = ["RAW_TEXT", "Change", "changed_raw_texts", "resolve"]


@dataclass(frozen=True)
class Change:
    """A raw text that ``REF`` has and the package no longer has byte for byte.

    Parameters
    ----------
    path
        The text's path relative to the package root (``data/raw/<article_id>.txt``).
    article_id
        The article the text is of (its file name without ``.txt``).
    base_sha256
        The SHA-256 of the text at ``REF``.
    sha256
        The SHA-256 of the text now, or ``None`` when it was deleted.
    """

    path: str
    article_id: str
    base_sha256: str
    sha256: str | None


def changed_raw_texts(root: str | Path, ref: str) -> list[Change]:
    """The raw texts that ``ref`` has and the package at ``root`` has changed or deleted.

    The package is compared as it is on disk (the working tree, not a commit). New texts
    are not changes.

    Raises
    ------
    UsageError
        When ``root`` is not in a git repository or ``ref`` is unknown (exit status 2).
    PackageError
        When a text on disk cannot be read safely (a link, a device, too large; exit 2).
    """
    from szdata._disk._files import max_raw_bytes, read_file

    root = Path(root)
    commit, prefix = resolve(root, ref)
    algorithm = object_format(root)
    base = {
        path: entry.oid
        for path, entry in ls_tree(root, commit, prefix, ["data/raw/"]).items()
        if RAW_TEXT.fullmatch(path)
    }
    limit = max_raw_bytes()
    now: dict[str, bytes | None] = {}
    for path, oid in base.items():
        try:
            data = read_file(root, path, limit=limit)
        except PackageError:
            if os.path.lexists(root / path):
                raise  # there, but not a regular file: refused as everywhere else
            data = None
        if data is None or blob_id(data, algorithm) != oid:
            now[path] = data
    old = blobs(root, sorted({base[p] for p in now}))
    changes = []
    for path in sorted(now):
        before, after = old[base[path]], now[path]
        if after == before:  # a filter (eol conversion) made the ids differ, not the bytes
            continue
        changes.append(
            Change(
                path=path,
                article_id=path.rsplit("/", 1)[1].removesuffix(".txt"),
                base_sha256=hashlib.sha256(before).hexdigest(),
                sha256=None if after is None else hashlib.sha256(after).hexdigest(),
            )
        )
    return changes
