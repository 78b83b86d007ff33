"""What a git revision of the package held: the raw texts at ``REF``, for ``validate --base``.

Raw texts are evidence, kept byte for byte as published, so they are append-only: a
contribution may add texts, never change or delete one that the base revision (the pull
request's base, ``origin/main``) already has. :func:`changed_raw_texts` lists the raw texts
(``data/raw/*.txt``) that ``REF`` has and the package on disk no longer has byte for byte;
the rule ``provenance.raw-append-only`` (:mod:`._provenance`) turns each into an error
unless a decision records why.

git is run as a subprocess (``git -C ROOT ...``): one ``ls-tree`` lists the texts at
``REF`` with their object ids, and each text on disk is hashed as git hashes a blob, in
this process, so that only the texts that differ are read from git (one ``cat-file
--batch``) to compare their bytes.

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
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from szdata._core._errors import PackageError, UsageError

RAW_TEXT = re.compile(r"data/raw/[^/]+\.txt")
"""The raw texts the rule covers: the files ``data/raw/*.txt`` (relative to the root)."""

_TIMEOUT = 300


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


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    git = shutil.which("git")
    if git is None:
        raise UsageError("--base needs git, which is not installed (or not on PATH)")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            [git, "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            timeout=_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--base: git {args[0]} failed in {root}: {exc}") from None


def _message(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def resolve(root: Path, ref: str) -> tuple[str, str]:
    """The commit ``ref`` names, and the package root's path inside the repository.

    Returns
    -------
    tuple of str
        The commit id, and the root's prefix in the repository (``""`` at its top, else
        ending with ``/``).

    Raises
    ------
    UsageError
        When ``root`` is not in a git repository, or ``ref`` names no commit (exit status 2).
    """
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"--base {ref!r} is not a git revision (e.g. origin/main)")
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise UsageError(
            f"--base {ref}: {root} is not in a git repository ({_message(prefix)}); "
            "run it in a clone of the package"
        )
    commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise UsageError(
            f"--base {ref}: no such commit in {root} (hint: fetch it first, e.g. "
            "`git fetch origin main`, or check the name)"
        )
    return commit.stdout.decode().strip(), prefix.stdout.decode().strip()


def _object_format(root: Path) -> str:
    done = _git(root, "rev-parse", "--show-object-format")
    name = done.stdout.decode().strip() if done.returncode == 0 else ""
    return name if name in ("sha1", "sha256") else "sha1"


def _blob_id(data: bytes, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _tree(root: Path, commit: str, prefix: str) -> dict[str, str]:
    """The raw texts at ``commit``: path relative to the root -> blob id."""
    done = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", f"{prefix}data/raw/")
    if done.returncode != 0:
        raise UsageError(f"--base: cannot list the raw texts at {commit} ({_message(done)})")
    texts: dict[str, str] = {}
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape").removeprefix(prefix)
        if kind == "blob" and mode != "120000" and RAW_TEXT.fullmatch(path):
            texts[path] = oid
    return texts


def _blobs(root: Path, oids: list[str]) -> dict[str, bytes]:
    """The contents of the blobs ``oids`` (one ``git cat-file --batch``)."""
    if not oids:
        return {}
    done = _git(root, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in oids).encode())
    if done.returncode != 0:
        raise UsageError(f"--base: cannot read the raw texts from git ({_message(done)})")
    out, at, blobs = done.stdout, 0, {}
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:
            raise UsageError(f"--base: git has no object {oid}")
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return blobs


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
    algorithm = _object_format(root)
    base = _tree(root, commit, prefix)
    limit = max_raw_bytes()
    now: dict[str, bytes | None] = {}
    for path, oid in base.items():
        try:
            data = read_file(root, path, limit=limit)
        except PackageError:
            if os.path.lexists(root / path):
                raise  # there, but not a regular file: refused as everywhere else
            data = None
        if data is None or _blob_id(data, algorithm) != oid:
            now[path] = data
    old = _blobs(root, sorted({base[p] for p in now}))
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
