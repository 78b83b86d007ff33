"""What git knows about the package: revisions, their files, and what changed between two.

``szdata validate --base REF`` (the append-only check of raw texts) and ``szdata diff`` read
earlier revisions of the package through this module, and find the same default base
(:func:`default_base`): where the branch left ``origin/main``, else the parent commit.

git is run as a subprocess (``git -C ROOT ...``), never through a shell, with no terminal
prompt, no optional locks (it never writes the index of a repository it only reads), and
paths read as paths, never as patterns.
Revisions are checked to be commits before anything else is asked of git, and a name that
starts with ``-`` is refused (it would be read as an option).

Examples
--------
>>> resolve(".", "--output=x")
Traceback (most recent call last):
...
szdata._core._errors.UsageError: --base '--output=x' is not a git revision (e.g. origin/main)
>>> blob_id(b"hello\\n", "sha1")  # what `git hash-object` says of the same bytes
'ce013625030ba8dba906f756967f9e9ca394464a'
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from szdata._core._errors import UsageError

TIMEOUT = 300
"""Seconds any one git command may take."""

RAW_TEXT = re.compile(r"data/raw/[^/]+\.txt")
"""The raw texts of a package: the files ``data/raw/*.txt`` (relative to its root)."""

DEFAULT_UPSTREAM = "origin/main"
"""The branch a contribution is merged into; the default base is where HEAD left it."""


def _env() -> dict[str, str]:
    # paths are paths, never patterns: a file named `*.csv` names that file alone
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
    }


def _executable(what: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise UsageError(f"{what} needs git, which is not installed (or not on PATH)")
    return git


def git(
    root: str | Path, *args: str, stdin: bytes | None = None, what: str = "--base"
) -> subprocess.CompletedProcess:
    """Run ``git -C root ARGS`` and return what it did (its status is the caller's to check).

    Parameters
    ----------
    root
        The folder git runs in (the package root).
    args
        git's arguments.
    stdin
        Bytes for git's standard input.
    what
        The option or argument that needed git, named in errors (``--base``, ``BASE``).

    Raises
    ------
    UsageError
        When git is missing, cannot be run, or takes longer than :data:`TIMEOUT`.
    """
    try:
        return subprocess.run(
            [_executable(what), "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT,
            env=_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"{what}: git {args[0]} failed in {root}: {exc}") from None


def message(done: subprocess.CompletedProcess) -> str:
    """The last line git wrote on its standard error (or its exit status)."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def prefix_of(root: str | Path, *, what: str = "--base") -> str:
    """The path of ``root`` inside its git repository (``""`` at the top, else ending in ``/``).

    Raises
    ------
    UsageError
        When ``root`` is not inside a git repository (exit status 2).
    """
    done = git(root, "rev-parse", "--show-prefix", what=what)
    if done.returncode != 0:
        raise UsageError(
            f"{what}: {root} is not in a git repository ({message(done)}); "
            "run it in a clone of the package"
        )
    return done.stdout.decode().strip()


def resolve(root: str | Path, ref: str, *, what: str = "--base") -> tuple[str, str]:
    """The commit ``ref`` names, and the package root's path inside the repository.

    Returns
    -------
    tuple of str
        The commit id, and the root's prefix in the repository (see :func:`prefix_of`).

    Raises
    ------
    UsageError
        When ``root`` is not in a git repository, or ``ref`` names no commit (exit status 2).
    """
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"{what} {ref!r} is not a git revision (e.g. {DEFAULT_UPSTREAM})")
    prefix = prefix_of(root, what=f"{what} {ref}")
    commit = git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", what=what
    )
    if commit.returncode != 0:
        raise UsageError(
            f"{what} {ref}: no such commit in {root} (hint: fetch it first, e.g. "
            "`git fetch origin main`, or check the name)"
        )
    return commit.stdout.decode().strip(), prefix


def default_base(root: str | Path, *, what: str = "BASE") -> str | None:
    """The revision a contribution is compared with: where ``HEAD`` left ``origin/main``.

    The merge base of ``HEAD`` and :data:`DEFAULT_UPSTREAM` when the clone has that branch,
    else the parent commit ``HEAD~1``; ``None`` in a repository with neither (one commit,
    or a shallow clone). ``.ci/run`` finds the base for ``validate --base`` the same way.

    Raises
    ------
    UsageError
        When ``root`` is not inside a git repository (exit status 2).
    """
    prefix_of(root, what=what)
    merge = git(root, "merge-base", "HEAD", DEFAULT_UPSTREAM, what=what)
    if merge.returncode == 0 and merge.stdout.strip():
        return merge.stdout.decode().strip()
    parent = git(root, "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}", what=what)
    if parent.returncode == 0 and parent.stdout.strip():
        return parent.stdout.decode().strip()
    return None


def object_format(root: str | Path) -> str:
    """The hash git names objects with in this repository: ``sha1`` or ``sha256``."""
    done = git(root, "rev-parse", "--show-object-format")
    name = done.stdout.decode().strip() if done.returncode == 0 else ""
    return name if name in ("sha1", "sha256") else "sha1"


def blob_id(data: bytes, algorithm: str) -> str:
    """The id git gives a blob of these bytes (``git hash-object``)."""
    h = hashlib.new(algorithm)
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class TreeEntry:
    """A file of a commit: its path relative to the package root, mode and blob id."""

    path: str
    mode: str
    oid: str


def ls_tree(
    root: str | Path,
    commit: str,
    prefix: str,
    paths: Iterable[str] = (),
    *,
    what: str = "--base",
    links: set[str] | None = None,
) -> dict[str, TreeEntry]:
    """The files of ``commit`` under the package root (or only ``paths`` of it), by path.

    Paths are relative to the package root; links and submodules are left out (szdata
    never reads through a link): the paths of the links go to ``links``, when given.

    Raises
    ------
    UsageError
        When git cannot list the commit's files.
    """
    specs = [f"{prefix}{p}" for p in paths] or [prefix or "."]
    done = git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs, what=what)
    if done.returncode != 0:
        raise UsageError(f"{what}: cannot list the files at {commit} ({message(done)})")
    out: dict[str, TreeEntry] = {}
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == "blob" and path.startswith(prefix):
            rel = path[len(prefix) :]
            if mode != "120000":
                out[rel] = TreeEntry(rel, mode, oid)
            elif links is not None:
                links.add(rel)
    return out


def blobs(root: str | Path, oids: list[str], *, what: str = "--base") -> dict[str, bytes]:
    """The contents of the blobs ``oids`` (one ``git cat-file --batch``), for small files.

    Raises
    ------
    UsageError
        When git has no such object.
    """
    if not oids:
        return {}
    done = git(
        root, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in oids).encode(), what=what
    )
    if done.returncode != 0:
        raise UsageError(f"{what}: cannot read files from git ({message(done)})")
    out, at, found = done.stdout, 0, {}
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:
            raise UsageError(f"{what}: git has no object {oid}")
        size = int(header[2])
        found[oid] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


_CHUNK = 1 << 20


def write_blobs(
    root: str | Path, targets: dict[str, Path], *, what: str = "--base"
) -> dict[str, int]:
    """Stream each blob ``oid`` of ``targets`` into its file, through one ``git cat-file``.

    The blobs are copied a megabyte at a time, so that a table of hundreds of megabytes is
    never held in memory whole.

    Returns
    -------
    dict of str to int
        The size of each blob written, by id.

    Raises
    ------
    UsageError
        When git has no such object, or cannot be run.
    """
    if not targets:
        return {}
    oids = list(targets)
    sizes: dict[str, int] = {}
    try:
        proc = subprocess.Popen(
            [_executable(what), "-C", str(root), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
    except OSError as exc:
        raise UsageError(f"{what}: git cat-file failed in {root}: {exc}") from None
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write("".join(f"{o}\n" for o in oids).encode())
        proc.stdin.close()
        for oid in oids:
            header = proc.stdout.readline().split()
            if len(header) != 3:
                raise UsageError(f"{what}: git has no object {oid}")
            size = int(header[2])
            with targets[oid].open("wb") as fh:
                _copy(proc.stdout, fh, size)
            proc.stdout.read(1)  # the newline after each object
            sizes[oid] = size
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return sizes


def _copy(src: IO[bytes], dst: IO[bytes], size: int) -> None:
    left = size
    while left:
        chunk = src.read(min(left, _CHUNK))
        if not chunk:
            raise UsageError("git stopped before the end of a file")
        dst.write(chunk)
        left -= len(chunk)


@dataclass(frozen=True)
class PathChange:
    """A file that differs between two sides: ``A`` added, ``M`` modified, ``D`` deleted."""

    status: str
    path: str


def changed_paths(
    root: str | Path, base: str, head: str | None, paths: Iterable[str], *, what: str = "BASE"
) -> Iterator[PathChange]:
    """The files under ``paths`` (relative to the root) that differ from ``base`` to ``head``.

    ``head`` ``None`` is the working tree: tracked files as they are on disk (git's clean
    filters applied, as ``git diff`` does), and untracked ones as added. Renames are a
    deletion and an addition. Paths are relative to the package root.

    Raises
    ------
    UsageError
        When git cannot compare the two sides.
    """
    specs = list(paths) or ["."]
    args = ["diff", "--no-renames", "--no-ext-diff", "--name-status", "-z", "--relative", base]
    if head is not None:
        args.append(head)
    done = git(root, *args, "--", *specs, what=what)
    if done.returncode != 0:
        raise UsageError(
            f"{what}: git cannot compare {base} with {head or 'the working tree'} ({message(done)})"
        )
    parts = done.stdout.split(b"\0")
    for status, name in zip(parts[0::2], parts[1::2], strict=False):
        if status:
            yield PathChange(status.decode()[:1], name.decode("utf-8", "surrogateescape"))
    if head is None:
        done = git(root, "ls-files", "--others", "-z", "--", *specs, what=what)
        if done.returncode != 0:
            raise UsageError(f"{what}: git cannot list untracked files ({message(done)})")
        for name in done.stdout.split(b"\0"):
            if name:
                yield PathChange("A", name.decode("utf-8", "surrogateescape"))
