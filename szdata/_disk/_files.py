"""Read the package's files without trusting the file system: regular files inside the root only.

A contribution can put anything where the package expects a file: a symbolic link to
``/proc/self/environ`` or to another user's files, a named pipe that blocks every reader,
a device, a folder, or a file of many gigabytes. :func:`read_file` reads a file of the
package only when every component of its path below the package root is a real folder
(not a link) and the file itself is a regular file (not a link, pipe, device or folder)
no larger than a limit; anything else is a :class:`~szdata.PackageError` naming the file
and what it is. Nothing outside the root is ever opened: paths are relative, checked by
:func:`szdata._disk._paths.check_relative_path`, and walked one folder at a time with
``O_NOFOLLOW`` (from an open folder, where the platform allows it), so that no link, even
one swapped in meanwhile, is followed.

Raw texts have a size limit, :data:`MAX_RAW_BYTES` (``SZDATA_MAX_RAW_BYTES`` overrides it);
the tables have none (a package of a million figures has a 150 MB figures table).

Examples
--------
>>> import tempfile, pathlib, os
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> (root / "a.txt").write_bytes(b"text")
4
>>> read_file(root, "a.txt")
b'text'
>>> os.symlink("/etc/hostname", root / "b.txt")
>>> read_file(root, "b.txt")
Traceback (most recent call last):
...
szdata._core._errors.PackageError: b.txt is a symbolic link: ...
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from szdata._core._errors import PackageError

MAX_RAW_BYTES = 32 * 1024 * 1024
"""The largest raw text read, in bytes (32 MiB; ``SZDATA_MAX_RAW_BYTES`` overrides it)."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW
_HAS_DIR_FD = os.open in os.supports_dir_fd and bool(_NOFOLLOW) and bool(_DIRECTORY)

_UNDERLAYS: dict[str, tuple[str, Path]] = {}
"""The folders that show another package's folder beneath their own files (:func:`underlay`):
by root (as given, and resolved), the folder (relative) and the root read beneath it."""

_FROZEN: dict[str, dict[object, object]] = {}
"""What was learnt of the files beneath an underlay while it lasts (:func:`frozen_memo`), by
the root read beneath it (as given)."""


@contextlib.contextmanager
def underlay(root: str | Path, folder: str, base: str | Path) -> Iterator[None]:
    """Within the block, the package at ``root`` has every file of ``base/folder`` that its
    own ``folder`` lacks, as if it were there: read, listed, walked and hashed from ``base``,
    with the same refusals (a link, a pipe, a folder, too large).

    A draft (:mod:`szdata._curate._draft`) is a copy of a package whose raw texts are the
    package's, never changed, never removed: they are read beneath it rather than linked
    into it one by one (10,000 links and as many removals for one ``add``). Only files right
    in ``folder`` are shown, not below it; a file of the draft's own hides the one beneath.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> pkg, draft = (pathlib.Path(tempfile.mkdtemp()) for _ in range(2))
    >>> for root, name in ((pkg, "old.txt"), (draft, "new.txt")):
    ...     (root / "raw").mkdir()
    ...     _ = (root / "raw" / name).write_text(name)
    >>> with underlay(draft, "raw", pkg):
    ...     list_folder(draft, "raw"), read_file(draft, "raw/old.txt")
    (['new.txt', 'old.txt'], b'old.txt')
    >>> list_folder(draft, "raw")
    ['new.txt']
    """
    top = Path(root)
    keys = {os.fspath(top), os.fspath(top.resolve())}
    entry = (folder.strip("/"), Path(base))
    below = os.fspath(entry[1])
    owned = below not in _FROZEN
    if owned:
        _FROZEN[below] = {}
    for key in keys:
        _UNDERLAYS[key] = entry
    try:
        yield
    finally:
        for key in keys:
            _UNDERLAYS.pop(key, None)
        if owned:
            _FROZEN.pop(below, None)


def frozen_memo(base: str | Path) -> dict[object, object] | None:
    """A memo of what was learnt of the files of ``base`` beneath an :func:`underlay`, for
    as long as it lasts; ``None`` when ``base`` is beneath none.

    Those files are frozen meanwhile: the draft that reads them holds the package's lock,
    and no command changes or removes a raw text. So a command that hashes or lists them
    several times (the keys of its caches, before and after its build) looks at the 10,000
    files of a large package once, not at each time.
    """
    return _FROZEN.get(os.fspath(base)) if _FROZEN else None


class Beneath:
    """Where each file of ``root`` is, for one pass over many: ``root`` itself, or the root
    of its :func:`underlay` when ``root`` lacks it (its own folder listed once, so that a
    draft's 10,000 raw texts are not each looked for in vain first)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._entry = _UNDERLAYS.get(os.fspath(root)) if _UNDERLAYS else None
        self._prefix = "" if self._entry is None else self._entry[0] + "/"
        self._own: set[str] | None = None

    def where(self, rel: str) -> Path:
        """The root to read ``rel`` from."""
        if self._entry is None or not rel.startswith(self._prefix):
            return self.root
        name = rel[len(self._prefix) :]  # a file right in the folder, or ""
        if not name or "/" in name:
            return self.root
        if self._own is None:
            try:
                self._own = set(os.listdir(self.root / self._entry[0]))
            except OSError:
                self._own = set()
        return self.root if name in self._own else self._entry[1]


def _shown_beneath(root: str | Path, rel: str) -> tuple[str, Path] | None:
    """The underlay of ``root`` whose folder is ``rel`` or below it: (folder, base)."""
    if not _UNDERLAYS:
        return None
    entry = _UNDERLAYS.get(os.fspath(root))
    if entry is None:
        return None
    folder = entry[0]
    top = rel.strip("/")
    return entry if folder == top or folder.startswith(top + "/") or not top else None


def max_raw_bytes() -> int:
    """The raw-text size limit in force: ``SZDATA_MAX_RAW_BYTES`` or :data:`MAX_RAW_BYTES`.

    Raises
    ------
    UsageError
        When ``SZDATA_MAX_RAW_BYTES`` is not a positive whole number.
    """
    from szdata._disk._limits import limit

    return limit("SZDATA_MAX_RAW_BYTES", MAX_RAW_BYTES)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


REGULAR_FILE_RULE = "provenance.regular-file"
"""The rule every refusal of :func:`_refuse` names, whichever command reads the file."""


def _refuse(rel: str, what: str) -> PackageError:
    return PackageError(
        f"{rel} is {what}: the package's files must be regular files inside the package "
        f"folder [{REGULAR_FILE_RULE}] (hint: replace it with the file itself; links, pipes, "
        "devices and folders are never read)"
    )


class _Folders:
    """Open folders of one package, walked from the root without following links."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fds: dict[tuple[str, ...], int] = {}

    def close(self) -> None:
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()

    def fd(self, parts: tuple[str, ...], rel: str) -> int:
        """An open descriptor of the folder ``root/parts``, every component checked."""
        if parts in self._fds:
            return self._fds[parts]
        if not parts:
            fd = os.open(self.root, os.O_RDONLY | _DIRECTORY)
        else:
            parent = self.fd(parts[:-1], rel)
            try:
                fd = os.open(parts[-1], _DIR_FLAGS, dir_fd=parent)
            except FileNotFoundError:
                raise
            except OSError:
                mode = os.lstat(parts[-1], dir_fd=parent).st_mode
                raise _refuse("/".join(parts), _kind(mode)) from None
        self._fds[parts] = fd
        return fd


def _open(folders: _Folders | None, root: Path, rel: str) -> int:
    """Open ``root/rel`` for reading, refusing a link anywhere below ``root``."""
    parts = tuple(p for p in rel.split("/") if p not in ("", "."))
    if not parts:
        raise _refuse(rel, "the package folder itself")
    if folders is not None:
        parent = folders.fd(parts[:-1], rel)
        try:
            return os.open(parts[-1], _FILE_FLAGS, dir_fd=parent)
        except (FileNotFoundError, NotADirectoryError):
            raise
        except OSError:
            mode = os.lstat(parts[-1], dir_fd=parent).st_mode
            if stat.S_ISREG(mode):
                raise
            raise _refuse(rel, _kind(mode)) from None
    # no dir_fd (Windows): check every component with lstat, then open
    path = root
    for i, part in enumerate(parts):
        path = path / part
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode) or (i < len(parts) - 1 and not stat.S_ISDIR(mode)):
            raise _refuse("/".join(parts[: i + 1]), _kind(mode))
    return os.open(path, _FILE_FLAGS)


_RAW_HINT = "a raw text is one article; set SZDATA_MAX_RAW_BYTES to read larger files"


def _read_fd(fd: int, rel: str, limit: int | None, hint: str = _RAW_HINT) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(rel, _kind(info.st_mode))
    if limit is not None and info.st_size > limit:
        raise PackageError(
            f"{rel} has {info.st_size:,} bytes, more than the limit of {limit:,} (hint: {hint})"
        )
    # one read of one byte more than the file's size: a short read of a regular file is
    # all of it (a raw text is read with two system calls, fstat and read)
    first = os.read(fd, info.st_size + 1)
    if len(first) <= info.st_size:
        return first
    chunks = [first]
    size = len(first)
    while chunk := os.read(fd, 1 << 20):  # the file grew since fstat
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise PackageError(f"{rel} has more than the limit of {limit:,} bytes")
    return b"".join(chunks)


def read_raw_text(root: str | Path, rel: str) -> bytes:
    """The bytes of the raw text ``root/rel``: a regular file inside the package, opened
    without following links, no larger than :func:`max_raw_bytes`.

    Every command that reads a raw text reads it so (``validate``, ``site``, ``export``,
    ``load``, ``show``, ``build``, ``add``).

    Raises
    ------
    PackageError
        As :func:`read_file`: unsafe, missing, a link, a pipe, a device, a folder, too large.
    """
    return read_file(root, rel, limit=max_raw_bytes())


def read_file(
    root: str | Path, rel: str, *, limit: int | None = None, limit_hint: str = _RAW_HINT
) -> bytes:
    """The bytes of the regular file ``root/rel`` (``rel`` relative, ``/``-separated).

    Raises
    ------
    PackageError
        When ``rel`` is unsafe, missing, a link (anywhere below ``root``), a pipe, a device
        or a folder, cannot be read, or is larger than ``limit`` bytes.
    """
    from szdata._disk._paths import check_relative_path

    check_relative_path(rel, what="the file")
    for data in read_files(root, [rel], limit=limit, missing_ok=False, limit_hint=limit_hint):
        assert data is not None
        return data
    raise AssertionError("unreachable")  # pragma: no cover


def read_files(
    root: str | Path,
    rels: Iterable[str],
    *,
    limit: int | None = None,
    missing_ok: bool = True,
    limit_hint: str = _RAW_HINT,
) -> Iterator[bytes | None]:
    """The bytes of each file of ``rels`` (relative, already checked safe), in order.

    A missing file gives ``None`` when ``missing_ok``; everything else :func:`read_file`
    refuses raises. Folders are opened once for all the files in them.
    """
    base = Path(root)
    folders = _Folders(base) if _HAS_DIR_FD else None
    lower: dict[Path, _Folders | None] = {}  # the folders of an underlay, opened once
    places = Beneath(base)
    try:
        for rel in rels:
            try:
                other = places.where(rel)
                if other is base:
                    fd = _open(folders, base, rel)
                else:
                    if other not in lower:
                        lower[other] = _Folders(other) if _HAS_DIR_FD else None
                    fd = _open(lower[other], other, rel)
            except (FileNotFoundError, NotADirectoryError):
                if missing_ok:
                    yield None
                    continue
                raise PackageError(f"{rel} does not exist in the package at {base}") from None
            except PackageError:
                raise
            except OSError as exc:
                raise PackageError(f"{rel} cannot be read: {exc.strerror}") from None
            try:
                data = _read_fd(fd, rel, limit, limit_hint)
            except BlockingIOError:
                raise _refuse(rel, "a named pipe") from None
            except OSError as exc:
                raise PackageError(f"{rel} cannot be read: {exc.strerror}") from None
            finally:
                os.close(fd)
            yield data
    finally:
        for opened in (folders, *lower.values()):
            if opened is not None:
                opened.close()


def regular_file(root: str | Path, rel: str) -> bool:
    """Whether ``root/rel`` exists as a regular file (links refused as in :func:`read_file`).

    Raises
    ------
    PackageError
        When it exists but is a link, a pipe, a device or a folder.
    """
    folders = _Folders(Path(root)) if _HAS_DIR_FD else None
    try:
        fd = _open(folders, Path(root), rel)
    except (FileNotFoundError, NotADirectoryError):
        other = Beneath(root).where(rel)  # a draft's raw text is the package's
        return False if other == Path(root) else regular_file(other, rel)
    finally:
        if folders is not None:
            folders.close()
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise _refuse(rel, _kind(mode))
    return True


def _folder_path(root: str | Path, rel: str) -> Path | None:
    """``root/rel`` once every component is checked to be a real folder (``None``: missing).

    Raises
    ------
    PackageError
        When a component of ``rel`` is a link or not a folder.
    """
    path = Path(root)
    parts = tuple(p for p in rel.split("/") if p not in ("", "."))
    for i, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(mode):
            raise _refuse("/".join(parts[: i + 1]), _kind(mode))
    return path


SETTLED_NS = 2_000_000_000
"""How long ago a file or folder must have last changed for what was learnt of it to be
used again without looking (2 s): one changed again within the same tick of the file
system's clock could keep its times, as git's "racy" files; those are looked at every time."""

_LISTED: dict[str, tuple[tuple[int, int, int, int], tuple[tuple[str, str], ...]]] = {}
"""The entries of the folders this process listed that had settled, by path, with the
folder's device, inode, and modification and change times when listed."""


def _folder_entries(folder: str | Path) -> tuple[tuple[str, str], ...]:
    """The ``(name, kind)`` of every entry right in ``folder`` (see :func:`_entry_kind`).

    A folder listed before in this process is not listed again while its device, inode and
    times are the same and it had settled (:data:`SETTLED_NS`) when listed: adding,
    removing, renaming or replacing an entry changes the folder's times, and the kind of
    an entry cannot change without one of those. A command lists the 10,000 raw texts of
    a large package several times (its lock's clean-up, its draft, its caches' keys): each
    listing cost 7-10 ms there; a look at the folder's times costs a few microseconds.

    Raises
    ------
    OSError
        When the folder cannot be listed.
    """
    path = os.fspath(folder)
    try:
        info = os.lstat(path)  # before the listing: a change during it is a change after
    except OSError:
        info = None
    if info is not None:
        key = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
        known = _LISTED.get(path)
        if known is not None and known[0] == key:
            return known[1]
    import time

    started = time.time_ns()
    with os.scandir(path) as found:
        entries = tuple((entry.name, _entry_kind(entry)) for entry in found)
    if info is not None and max(key[2], key[3]) < started - SETTLED_NS:
        if len(_LISTED) >= 64:
            _LISTED.clear()
        _LISTED[path] = (key, entries)
    return entries


def list_folder(root: str | Path, rel: str, *, suffix: str = "") -> list[str]:
    """The names of the regular files in the package folder ``root/rel`` ending in ``suffix``,
    sorted.

    The folder must be a real folder below ``root`` (no link on the way), and everything in
    it a regular file, whatever its name: a link, a named pipe, a device or a folder there
    is refused, by every command that lists the folder (``build``, ``add``, ``validate``).

    Raises
    ------
    PackageError
        When a component of ``rel`` is a link or not a folder, or an entry of the folder is
        not a regular file (rule ``provenance.regular-file``).

    Examples
    --------
    >>> import tempfile, pathlib, os
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "raw").mkdir()
    >>> (root / "raw" / "a.txt").write_text("A")
    1
    >>> list_folder(root, "raw", suffix=".txt")
    ['a.txt']
    >>> os.mkfifo(root / "raw" / "b.fifo")
    >>> list_folder(root, "raw", suffix=".txt")
    Traceback (most recent call last):
    ...
    szdata._core._errors.PackageError: raw/b.fifo is a named pipe: ...
    """
    path = _folder_path(root, rel)
    if path is None:
        return []
    names = []
    for name, kind in _folder_entries(path):
        if kind != "file":
            raise not_regular(f"{rel.rstrip('/')}/{name}", kind)
        if name.endswith(suffix):
            names.append(name)
    shown = _shown_beneath(root, rel)
    if shown is not None and shown[0] == rel.strip("/"):
        memo = frozen_memo(shown[1])
        key = ("list", shown[0], suffix)
        below = memo.get(key) if memo is not None else None
        if below is None:  # listed once while the underlay lasts
            below = list_folder(shown[1], rel, suffix=suffix)
            if memo is not None:
                memo[key] = below
        if not names:  # a draft's own folder holds nothing yet: the package's, as listed
            return list(below)  # type: ignore[arg-type]
        names = list({*names, *below})  # type: ignore[misc]
    return sorted(names)


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """``"file"``, ``"folder"`` or what :func:`_kind` says, without following links (the
    type the folder's listing gives, so that a large folder costs no system call a file)."""
    if entry.is_file(follow_symlinks=False):  # a regular file (never a link), most entries
        return "file"
    if entry.is_symlink():
        return "a symbolic link"
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    return _kind(entry.stat(follow_symlinks=False).st_mode)


def not_regular(rel: str, kind: str) -> PackageError:
    """The refusal of ``rel``, which is ``kind`` (as :func:`walk_folder` says), not a regular
    file: the same error, naming rule ``provenance.regular-file``, for every command."""
    return _refuse(rel, "a folder" if kind == "folder" else kind)


def walk_folder(root: str | Path, rel: str) -> list[tuple[str, str]]:
    """Every entry below the package folder ``root/rel``, without following links.

    Returns ``(path relative to root, kind)`` pairs, sorted, where kind is ``"file"`` for
    a regular file, ``"folder"`` for a folder (whose entries are listed too), else what
    :func:`_kind` says (``"a symbolic link"``, ``"a named pipe"``, ...). Nothing is opened
    but folders; a missing ``rel`` gives ``[]``.

    Raises
    ------
    PackageError
        When a component of ``rel`` is a link or not a folder.

    Examples
    --------
    >>> import tempfile, pathlib, os
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data" / "sub").mkdir(parents=True)
    >>> (root / "data" / "sub" / "a.csv").write_text("a")
    1
    >>> os.symlink("/etc/hostname", root / "data" / "b.txt")
    >>> walk_folder(root, "data")
    [('data/b.txt', 'a symbolic link'), ('data/sub', 'folder'), ('data/sub/a.csv', 'file')]
    """
    top = _folder_path(root, rel)
    if top is None:
        return []
    found: list[tuple[str, str]] = []
    pending = [(top, rel.strip("/"))]
    while pending:  # a stack, not recursion: a folder tree may be deeper than Python's stack
        folder, prefix = pending.pop()
        try:
            entries = _folder_entries(folder)
        except OSError as exc:
            raise PackageError(f"{prefix} cannot be listed: {exc.strerror}") from None
        for entry_name, kind in entries:
            name = f"{prefix}/{entry_name}"
            found.append((name, kind))
            if kind == "folder":
                pending.append((folder / entry_name, name))
    shown = _shown_beneath(root, rel)
    if shown is not None:
        own = {name for name, _ in found}
        found += [(n, k) for n, k in _walk_beneath(*shown) if n not in own]
    return sorted(found)


def _walk_beneath(folder: str, base: Path) -> list[tuple[str, str]]:
    """The entries right in ``base/folder`` (an underlay's), walked once while it lasts."""
    memo = frozen_memo(base)
    key = ("walk", folder)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[return-value]
    cut = len(folder) + 1
    found = [(n, k) for n, k in walk_folder(base, folder) if "/" not in n[cut:]]
    if memo is not None:
        memo[key] = found
    return found
