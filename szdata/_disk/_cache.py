"""A cache of derived results, keyed by the SHA-256 of everything they derive from.

What it holds is never trusted: an entry is used only under the key of the exact inputs
(file bytes, code and vocabulary versions) it was derived from, and a missing, stale,
truncated or tampered entry is simply derived again. So the cache can slow a command (a
miss), never change a verdict. ``szdata build --check`` and CI derive everything again
regardless.

It lives outside the package, in ``$SZDATA_CACHE_DIR``, else ``$XDG_CACHE_HOME/szdata``,
else ``~/.cache/szdata`` (so nothing in the repository needs ignoring), one file per
entry. ``SZDATA_NO_CACHE=1`` turns it off (``0``, ``false``, ``no``, ``off`` or empty
leave it on). Writing is best effort: a read-only or full disk only means no cache.

Examples
--------
>>> key = digest(b"some input")  # the key of what derives from these bytes
>>> len(key), key == digest(b"some input"), key == digest(b"other input")
(64, True, False)
>>> get("demo", "not-a-key!") is None  # never read: not a key
True

``szdata cache`` shows what the cache holds (:func:`usage`) and ``szdata cache --clear``
empties it (:func:`clear`). ``tests/test_caches.py`` stores, reads and breaks entries in a
folder of its own.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szdata._disk import _files

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_MAGIC = b"szdata-cache 1\n"
"""Every entry starts with this line, then the key it was written under, then the data."""


def digest(*parts: bytes | str) -> str:
    """The SHA-256 (hex) of ``parts``, each length-prefixed (so no two lists collide).

    Examples
    --------
    >>> digest("a", "bc") == digest("ab", "c")
    False
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is turned off (``SZDATA_NO_CACHE``)."""
    env = os.environ
    return _cache_dir(
        env.get("SZDATA_NO_CACHE", ""), env.get("SZDATA_CACHE_DIR"), env.get("XDG_CACHE_HOME")
    )


@functools.lru_cache(maxsize=8)
def _cache_dir(off: str, base: str | None, xdg: str | None) -> Path | None:
    if off.strip().casefold() not in ("", "0", "false", "no", "off"):
        return None
    if base:
        return Path(base)
    return Path(xdg) / "szdata" if xdg else Path.home() / ".cache" / "szdata"


def _entry(kind: str, key: str) -> str | None:
    folder = cache_dir()
    if folder is None or not key.isalnum() or not kind.isidentifier():
        return None
    return os.path.join(folder, kind, key[:2], key)


def get(kind: str, key: str) -> bytes | None:
    """The data stored under ``key``, or ``None`` (missing, unreadable or not its key's)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = _MAGIC + key.encode("ascii") + b"\n"
    if not data.startswith(head):
        return None  # truncated, or written under another key: derived again
    return data[len(head) :]


def put(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` (atomically; silently nothing if the disk refuses)."""
    path = _entry(kind, key)
    if path is None:
        return
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(_MAGIC + key.encode("ascii") + b"\n" + data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """What identifies a file's bytes without reading them: device, inode, size, and the
    modification and change times."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_SHA256: dict[tuple[int, int, int, int, int], str] = {}
"""SHA-256 of files this process read, by (device, inode, size, modification and change
times)."""


def file_sha256(root: str | Path, rels: list[str]) -> list[str | None]:
    """The SHA-256 of each regular file ``root/rel`` (``None``: missing, a link, not a file).

    A file is read and hashed once per process while it keeps its inode, size and times (a
    command hashes a package's raw texts for several keys; a draft reads the package's
    own, :func:`~szdata._disk._files.underlay`), and once at all while it keeps them and
    the cache is on (:class:`_FolderDigests`: as git's index knows a file unchanged).
    ``rels`` are relative paths already checked safe.

    A pass over 10,000 unchanged files costs their metadata: one ``lstat`` each, and a few
    dictionary lookups (the folder's digests are looked up once per folder, not per file).
    """
    from stat import S_ISREG

    from szdata._disk._files import Beneath, frozen_memo

    out: list[str | None] = [None] * len(rels)
    todo: list[tuple[int, tuple[int, int, int, int, int], str]] = []
    places = Beneath(root)  # a draft's raw texts are the package's (an underlay)
    frozen: list[tuple[int, str, dict[object, object]]] = []
    folders = None if cache_dir() is None else _Opener()
    memos: dict[str, Any] = {}
    lstat, known_here = os.lstat, _SHA256.get
    folder_of: dict[str, _FolderDigests] = {}
    own = os.fspath(places.root)
    named: dict[int, str] = {id(places.root): own}  # a Path's str: once, not once a file
    for n, rel in enumerate(rels):
        place = places.where(rel)
        where = named.get(id(place)) or named.setdefault(id(place), os.fspath(place))
        memo = None if where == own else memos.get(where, False)
        if memo is False:
            memo = memos[where] = frozen_memo(where)
        if memo is not None:
            known = memo.get(("sha256", rel), False)
            if known is not False:  # beneath a draft: looked at once while the draft lasts
                out[n] = known  # type: ignore[assignment]
                continue
            frozen.append((n, rel, memo))
        path = f"{where}/{rel}"  # rel: checked safe, with '/' (os.path.join: 4x slower)
        try:
            st = lstat(path)
        except OSError:
            continue
        if not S_ISREG(st.st_mode):
            continue
        key = _stat_key(st)
        known = known_here(key)
        if known is None and folders is not None:
            folder, _, name = path.rpartition("/")
            digests = folder_of.get(folder)
            if digests is None:
                digests = folder_of[folder] = folders(path, st.st_dev)
            known = digests.get_name(name, key)
            if known is not None:
                _SHA256[key] = known
        if known is None:
            todo.append((n, key, path))
        else:
            out[n] = known
    if todo:
        digests_found = _read_and_hash(root, [rels[n] for n, _, _ in todo])
        for (n, key, path), found in zip(todo, digests_found, strict=True):
            if found is not None:
                out[n] = _SHA256[key] = found
                if folders is not None:
                    folders(path, key[0]).put(path, key, found)
    if folders is not None:
        folders.save()
    for n, rel, memo in frozen:
        if out[n] is not None:  # a file that could not be read is looked at again
            memo[("sha256", rel)] = out[n]
    return out


_SETTLED_NS = _files.SETTLED_NS
"""How long ago a file must have last changed for its digest to be remembered across
processes (:data:`szdata._disk._files.SETTLED_NS`, 2 s): a file changed again within the
same tick of the file system's clock could keep its times, as git's "racy" files; those are
hashed every time."""


class _FolderDigests:
    """The SHA-256 of the files of one folder, by name, with the inode, size and times each
    had when hashed; in the cache (kind ``digests``), one entry per folder.

    A digest is used only for a file that has the very inode, size, modification and change
    times it had (the change time cannot be set back by a user), and is kept only for a
    file that had not changed for :data:`_SETTLED_NS` when it was hashed. So a validation
    of 10,000 unchanged raw texts reads their metadata, not their bytes. An entry that is
    not what :meth:`save` writes is ignored (the files are hashed again).
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.entries: dict[str, Any] = {}
        self.dirty = False
        data = get("digests", key)
        if data is None:
            return
        import json

        try:
            entries = json.loads(data)
        except ValueError:
            return
        if isinstance(entries, dict):  # each entry checked when asked for (10,000 of them)
            self.entries = entries

    def get_name(self, name: str, key: tuple[int, int, int, int, int]) -> str | None:
        """The digest of the file ``name`` of the folder if it is as it was when hashed."""
        entry = self.entries.get(name)
        if (
            type(entry) is not list
            or len(entry) != 5
            or entry[0] != key[1]
            or entry[1] != key[2]
            or entry[2] != key[3]
            or entry[3] != key[4]
        ):
            return None
        sha = entry[4]  # 64 hexadecimal digits (str.strip: 10x faster than a regex)
        return sha if type(sha) is str and len(sha) == 64 and not sha.strip(_HEX) else None

    def put(self, path: str, key: tuple[int, int, int, int, int], sha: str) -> None:
        """Remember the digest of a file that had settled (see the class)."""
        import time

        if max(key[3], key[4]) < time.time_ns() - _SETTLED_NS:
            self.entries[os.path.basename(path)] = [*key[1:], sha]
            self.dirty = True

    def save(self) -> None:
        if self.dirty:
            import json

            put("digests", self.key, json.dumps(self.entries, separators=(",", ":")).encode())
            self.dirty = False


class _Opener:
    """The :class:`_FolderDigests` of the folders one call looks at."""

    def __init__(self) -> None:
        self.folders: dict[str, _FolderDigests] = {}

    def __call__(self, path: str, device: int) -> _FolderDigests:
        folder = os.path.dirname(path)
        found = self.folders.get(folder)
        if found is None:
            key = digest("digests", str(device), os.path.realpath(folder))
            found = self.folders[folder] = _FolderDigests(key)
        return found

    def save(self) -> None:
        for folder in self.folders.values():
            folder.save()


_HEX = "0123456789abcdef"


def _read_and_hash(root: str | Path, rels: list[str]) -> list[str | None]:
    """The SHA-256 of each file (``None``: missing), read as every read of the package does.

    One thread: with two cores, threads reading 10,000 small files were slower (the GIL).
    """
    from szdata._disk._files import read_files

    found = read_files(root, rels, missing_ok=True)
    return [None if d is None else hashlib.sha256(d).hexdigest() for d in found]


def hash_ahead(
    root: str | Path,
    rels: list[str],
    *,
    keep: Mapping[str, Callable[[bytes], object]] | None = None,
) -> Callable[[], None]:
    """Start hashing the files ``root/rel`` in a thread, for :func:`file_sha256` to find
    later in this process; returns the function that waits until it is done.

    For what a command is sure to hash a moment later, while it does other work first: a
    draft's copies of a package's tables (60 MB at 10,000 articles, 45-55 ms to read and
    hash), while ``szdata add`` parses the new text. Reading and :mod:`hashlib` release the
    GIL, so on a machine with a core to spare the digests cost no wall time.

    ``keep``: for some of the files, a function of their bytes (polars reading a column,
    which releases the GIL too); the bytes and what it returns are kept for one
    :func:`take_ahead` of the file (a draft's build reads each table's ``article_id``,
    30-40 ms at 10,000 articles: ``szdata review`` there took 0.60 s with it read ahead,
    0.65 s without, taking turns; ``add`` and ``correct``, whose main thread waits for this
    one sooner, the same within the machine's noise). A function that raises keeps
    nothing: the command reads the file itself, and says what is wrong.

    A digest or bytes are kept only for a regular file whose inode, size and times were the
    same before and after it was read (so a file changed meanwhile is read again when asked
    for); a file that cannot be read is skipped (the command's own read says why). Nothing
    is stored in the cache folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "t.csv").write_bytes(b"a,b\\n")
    >>> wait = hash_ahead(root, ["t.csv", "missing.csv"], keep={"t.csv": len})
    >>> wait()
    >>> file_sha256(root, ["t.csv"]) == [hashlib.sha256(b"a,b\\n").hexdigest()]
    True
    >>> take_ahead(root / "t.csv")
    (b'a,b\\n', 4)
    >>> take_ahead(root / "t.csv") is None  # taken once
    True
    """
    import threading

    thread = threading.Thread(
        target=_hash_into_memo, args=(os.fspath(root), list(rels), dict(keep or {})), daemon=True
    )
    thread.start()
    return thread.join


def note_sha256(path: str | Path, sha256: str, size: int) -> None:
    """Remember the SHA-256 of the file ``path`` of ``size`` bytes that this process has
    just written, for :func:`file_sha256` (in this process, while the file keeps its
    inode, size and times): a build hashed the bytes it wrote, and a draft's validation
    hashed them again (45 MB at 10,000 articles, beside polars reading them).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "t.csv").write_bytes(b"a\\n")
    >>> note_sha256(root / "t.csv", hashlib.sha256(b"a\\n").hexdigest(), 2)
    >>> known_sha256(root / "t.csv") == hashlib.sha256(b"a\\n").hexdigest()
    True
    >>> known_sha256(root / "missing.csv") is None
    True
    """
    from stat import S_ISREG

    try:
        info = os.lstat(path)
    except OSError:
        return
    if S_ISREG(info.st_mode) and info.st_size == size:
        _SHA256[_stat_key(info)] = sha256


def known_sha256(path: str | Path) -> str | None:
    """The SHA-256 of the file ``path`` if this process knows it (it wrote or hashed the
    file, which has kept its inode, size and times since); ``None``: not known, nothing
    read."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _SHA256.get(_stat_key(info))


_KEPT: dict[tuple[int, int, int, int, int], tuple[bytes, object]] = {}
"""The bytes of files read ahead (:func:`hash_ahead`'s ``keep``) and what was derived from
them, by the file's device, inode, size and times when read."""


def take_ahead(path: str | Path) -> tuple[bytes, object] | None:
    """The bytes of the file ``path`` read ahead and what was derived from them, if it is
    still the file read (its inode, size and times the same); ``None`` otherwise. Once:
    what is taken is no longer held."""
    from stat import S_ISREG

    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not S_ISREG(info.st_mode):
        return None
    return _KEPT.pop(_stat_key(info), None)


def forget_ahead() -> None:
    """Let go of every file read ahead and not taken (a command that did not need them)."""
    _KEPT.clear()


def _hash_into_memo(root: str, rels: list[str], keep: dict[str, Callable[[bytes], object]]) -> None:
    from stat import S_ISREG

    from szdata._disk._files import read_files

    for rel in rels:
        path = f"{root}/{rel}"
        derive = keep.get(rel)
        try:
            before = os.lstat(path)
            key = _stat_key(before)
            if not S_ISREG(before.st_mode) or (key in _SHA256 and derive is None):
                continue
            (data,) = read_files(root, [rel], missing_ok=True)
            if data is None or _stat_key(os.lstat(path)) != key or len(data) != before.st_size:
                continue
        except Exception:  # the command's own read reports what is wrong
            continue
        _SHA256.setdefault(key, hashlib.sha256(data).hexdigest())
        if derive is not None:
            try:
                _KEPT[key] = (data, derive(data))
            except Exception:  # the command reads the file itself, and says what is wrong
                continue


class Sha256Ahead:
    """The SHA-256 of ``data``, computed in a thread while the caller goes on (polars reads
    the same bytes, or the build prints the descriptor).

    :mod:`hashlib` releases the GIL on large inputs, so hashing costs no wall time on a
    machine with a core to spare; a small input (under 1 MiB) is hashed at once.

    Examples
    --------
    >>> Sha256Ahead(b"abc").hexdigest()[:16], Sha256Ahead(b"x" * (1 << 21)).hexdigest()[:16]
    ('ba7816bf8f01cfea', '6932fd31e5daf473')
    """

    _THREAD_FROM = 1 << 20

    def __init__(self, data: bytes) -> None:
        self._hash = hashlib.sha256()
        self._thread = None
        if len(data) < self._THREAD_FROM:
            self._hash.update(data)
        else:
            import threading

            self._thread = threading.Thread(target=self._hash.update, args=(data,), daemon=True)
            self._thread.start()

    def hexdigest(self) -> str:
        """The digest, once the thread is done."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._hash.hexdigest()


@dataclass(frozen=True)
class CacheUsage:
    """What the cache folder holds (or what :func:`clear` removed from it), by kind."""

    folder: Path | None
    """The cache folder; ``None`` when caching is off (``SZDATA_NO_CACHE``)."""
    kinds: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Entries and bytes of each kind of entry (``parses``, ``builds``, ``verdicts``, ...)."""

    @property
    def entries(self) -> int:
        """Entries of every kind."""
        return sum(n for n, _ in self.kinds.values())

    @property
    def size(self) -> int:
        """Bytes of every entry."""
        return sum(b for _, b in self.kinds.values())


_ENTRY_NAME = re.compile(r"(?P<key>[0-9a-f]{64})|\.(?P<tmp>[0-9a-f]{64})\.[0-9]+\.tmp")
"""The name of a file :func:`put` writes: an entry (its key, a SHA-256 in hex), or the
temporary file of a write that was interrupted."""


def _entries(folder: Path) -> list[tuple[str, str, bool]]:
    """``(kind, path, temporary)`` of every file where :func:`put` writes one:
    ``kind/xx/KEY`` (``xx`` the key's first two characters), or ``kind/xx/.KEY.PID.tmp``.
    Nothing else in the folder is ever counted or removed, and no link is followed (a link
    is itself an entry's name at most)."""
    found: list[tuple[str, str, bool]] = []
    try:
        kinds = [e for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return found
    for kind in kinds:
        if not kind.name.isidentifier():
            continue
        with contextlib.suppress(OSError):
            for sub in os.scandir(kind.path):
                if len(sub.name) != 2 or not sub.is_dir(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    for entry in os.scandir(sub.path):
                        m = _ENTRY_NAME.fullmatch(entry.name)
                        if m is None or entry.is_dir(follow_symlinks=False):
                            continue
                        if (m["key"] or m["tmp"]).startswith(sub.name):
                            found.append((kind.name, entry.path, m["tmp"] is not None))
    return found


def _is_entry(path: str, temporary: bool) -> bool:
    """Whether the file at ``path`` is one :func:`put` wrote: it starts with the entry's
    first line (a temporary file may hold nothing yet). A link is not followed."""
    if temporary or os.path.islink(path):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False


def usage() -> CacheUsage:
    """What the cache holds: entries and bytes by kind.

    Examples
    --------
    >>> usage().entries >= 0
    True
    """
    return _sweep(remove=False)


def clear() -> CacheUsage:
    """Remove every entry of the cache (only files named and headed as :func:`put` writes
    them, wherever ``SZDATA_CACHE_DIR`` points); what was removed.

    Nothing is lost: every entry is derived again when next needed.
    """
    return _sweep(remove=True)


def _sweep(*, remove: bool) -> CacheUsage:
    """The entries of the cache folder by kind, each removed first with ``remove``."""
    folder = cache_dir()
    if folder is None:
        return CacheUsage(None)
    kinds: dict[str, tuple[int, int]] = {}
    emptied: set[str] = set()
    for kind, path, temporary in _entries(folder):
        if remove and not _is_entry(path, temporary):
            continue
        try:
            size = os.lstat(path).st_size
            if remove:
                os.unlink(path)
        except OSError:
            continue
        n, b = kinds.get(kind, (0, 0))
        kinds[kind] = (n + 1, b + size)
        emptied.add(os.path.dirname(path))
    for sub in sorted(emptied, reverse=True) if remove else ():  # folders left empty
        with contextlib.suppress(OSError):
            os.rmdir(sub)
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(sub))
    return CacheUsage(folder, dict(sorted(kinds.items())))
