"""The descriptor's resources as szdata expects them: its tables and its raw texts.

After the profile (:mod:`szdata._disk._descriptor._profile`), which knows no table of this
package, these rules refuse, naming the JSON path:

- two resources of one name;
- a table szdata knows (:data:`szdata._core._typing.TABLE_NAMES`) missing, renamed, or not
  typed ``table``; a resource that is neither one of those tables nor a raw text
  (``raw-<article id>``, without a ``type``);
- what szdata does not read the way the descriptor says: inline ``data``, several
  paths, a ``dialect`` or ``compression``, a format other than CSV (tables) or text (raw
  texts), an encoding other than UTF-8; a table without a schema;
- a ``hash`` of an algorithm other than :data:`HASH_ALGORITHMS`; a source whose ``path``
  is not a web address (:func:`check_sources`);
- a path that could leave the package (:func:`szdata._disk._paths.check_relative_path`), and a
  table whose file is missing.
"""

from __future__ import annotations

import re
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any

from szdata._core._errors import DescriptorError, PackageError
from szdata._core._typing import TABLE_NAMES

RAW_NAME = re.compile(r"raw-[a-z0-9][a-z0-9-]{0,63}")
"""A raw text's resource name: ``raw-`` and its article id, ``_`` written ``-``."""

_TABLE_FORMAT = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
_RAW_FORMAT = {"format": "txt", "mediatype": "text/plain", "encoding": "utf-8"}
_UNREAD = ("data", "dialect", "compression")


def check_resources(descriptor: dict[str, Any], file: str, root: Path | None) -> None:
    """Refuse resources that are not the tables and raw texts szdata knows (see the module).

    ``descriptor`` has passed the profile: ``resources`` is a list of objects with a
    string ``name``. With a ``root``, each table's file must be a regular file there
    (:func:`check_table_files`); without, only the descriptor itself is checked.
    """
    from szdata._disk._paths import RAW_PREFIX

    entries: list[dict[str, Any]] = descriptor["resources"]
    names = [res["name"] for res in entries]
    if len(set(names)) != len(names):
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                raise DescriptorError(
                    file,
                    f"resources[{i}].name",
                    f"{name!r} is also the name of resources[{first[name]}]",
                    hint="every resource has its own name",
                )
            first[name] = i
    tables: dict[str, int] = {}
    raws: list[int] = []
    for i, name in enumerate(names):
        if name.startswith(RAW_PREFIX):
            raws.append(i)
        else:
            tables[name] = i
            _check_table(entries[i], i, file)
    for name in TABLE_NAMES:
        if name not in tables:
            raise DescriptorError(
                file,
                "resources",
                f"has no table {name!r}; szdata reads the tables {', '.join(TABLE_NAMES)}",
                hint="a table keeps its name; restore its resource",
            )
    _check_raws(entries, raws, file)
    _check_hashes(entries, file)
    if root is not None:
        _check_paths(entries, file, root)


def _check_table(res: dict[str, Any], i: int, file: str) -> None:
    name = res["name"]
    where = f"resources[{i}]"
    if name not in TABLE_NAMES:
        raise DescriptorError(
            file,
            f"{where}.name",
            f"{name!r} is not a table szdata knows ({', '.join(TABLE_NAMES)}) nor a raw text "
            "(named 'raw-<article id>')",
            hint="a renamed table is refused: give the resource its name back",
        )
    if res.get("type") != "table":
        raise DescriptorError(
            file,
            f"{where}.type",
            f'table {name!r} must be typed "table" (it has no type)',
        )
    _check_read(res, where, file, _TABLE_FORMAT)
    if "schema" not in res:
        raise DescriptorError(file, f"{where}.schema", f"table {name!r} has no Table Schema")


def _check_read(res: dict[str, Any], where: str, file: str, expected: dict[str, str]) -> None:
    for key in _UNREAD:
        if key in res:
            raise DescriptorError(
                file,
                f"{where}.{key}",
                f"szdata reads resource {res['name']!r} from its file as plain "
                f"{expected['format']}: it does not support {key!r}",
                hint=f"remove {key!r}",
            )
    if not isinstance(res.get("path"), str):
        raise DescriptorError(
            file,
            f"{where}.path",
            f"resource {res['name']!r} must have one path, a string (got {res.get('path')!r})",
        )
    for key, value in expected.items():
        if key in res and str(res[key]).lower() != value:
            raise DescriptorError(
                file,
                f"{where}.{key}",
                f"resource {res['name']!r} has {key} {res[key]!r}; szdata reads it as {value!r}",
            )


def _check_raws(entries: list[dict[str, Any]], raws: list[int], file: str) -> None:
    names = [entries[i]["name"] for i in raws]
    if names and not re.fullmatch(f"(?:{RAW_NAME.pattern}\n)*", "\n".join(names) + "\n"):
        for i, name in zip(raws, names, strict=True):
            if not RAW_NAME.fullmatch(name):
                raise DescriptorError(
                    file,
                    f"resources[{i}].name",
                    f"{name!r} is not a raw text's name ('raw-' and the article id: lower-case "
                    "letters, digits and '-', at most 64)",
                )
    members = [entries[i] for i in raws]
    # one tuple of keys per entry, and the distinct ones: a large package has 100,000 raw
    # texts, all written by `szdata build` with the same keys
    shapes = set(map(tuple, members))
    if any("type" in shape for shape in shapes):
        i = next(i for i in raws if "type" in entries[i])
        raise DescriptorError(
            file,
            f"resources[{i}].type",
            f"raw text {entries[i]['name']!r} is a plain file, not a {entries[i]['type']!r}: "
            "its entry has no type (Data Package v2 types only tables)",
            hint="remove the type; `szdata build` writes these entries",
        )
    plain = not any(key in shape for shape in shapes for key in _UNREAD)
    plain = plain and set(map(type, map(itemgetter("path"), members))) <= {str}
    for key, value in _RAW_FORMAT.items():
        seen = set(map(methodcaller("get", key, value), members))
        plain = plain and all(str(v).lower() == value for v in seen)
    if not plain:
        for i in raws:
            _check_read(entries[i], f"resources[{i}]", file, _RAW_FORMAT)


HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
"""The algorithms a resource's ``hash`` may name (``sha256:<hex>``; bare hex is MD5): those
the Data Package standard's tools compute, frictionless among them."""


def hash_algorithm(recorded: str) -> str:
    """The algorithm of a recorded ``hash`` (``md5`` when it names none).

    Examples
    --------
    >>> hash_algorithm("sha256:ab12"), hash_algorithm("ab12")
    ('sha256', 'md5')
    """
    return recorded.rpartition(":")[0].lower() or "md5"


def _check_hashes(entries: list[dict[str, Any]], file: str) -> None:
    """Refuse a ``hash`` naming an algorithm outside :data:`HASH_ALGORITHMS` (one pass over
    the distinct algorithms: a large package records 100,000 hashes)."""
    found = {hash_algorithm(str(res["hash"])) for res in entries if "hash" in res}
    if found <= set(HASH_ALGORITHMS):
        return
    for i, res in enumerate(entries):
        if "hash" in res and hash_algorithm(str(res["hash"])) not in HASH_ALGORITHMS:
            raise DescriptorError(
                file,
                f"resources[{i}].hash",
                f"resource {res['name']!r} records a {hash_algorithm(str(res['hash']))!r} hash; "
                f"szdata checks {', '.join(HASH_ALGORITHMS)}",
                hint="restore datapackage.json (git checkout datapackage.json); `szdata build` "
                "records the SHA-256 of every file",
            )


def check_sources(descriptor: dict[str, Any], file: str) -> None:
    """Refuse a source whose ``path`` is not a web address (``http://`` or ``https://``).

    szdata writes one source per article, its ``path`` the article's address: what a
    reader's browser opens. The profile also allows a relative path, which ``javascript:``
    or ``data:`` addresses pass for; none of them is an address of the package.
    """
    from szdata._core._address import is_web_address

    sources = descriptor.get("sources")
    if not isinstance(sources, list):
        return
    for i, source in enumerate(sources):
        if isinstance(source, dict) and "path" in source and not is_web_address(source["path"]):
            raise DescriptorError(
                file,
                f"sources[{i}].path",
                f"{source['path']!r} is not a web address (http:// or https://)",
                hint="restore datapackage.json (git checkout datapackage.json); `szdata build` "
                "writes each article's address from articles.url",
            )


def check_paths_safe(descriptor: Any, file: str) -> None:
    """Refuse a resource path that could leave the package, before anything else is read.

    Run before the profile (which refuses such paths too, in its own words), so that the
    message says why: :func:`szdata._disk._paths.check_relative_path`.
    """
    from szdata._disk._paths import check_relative_path, surely_safe

    entries = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(entries, list):
        return
    paths = [res.get("path") if isinstance(res, dict) else None for res in entries]
    if surely_safe(paths):
        return
    for i, (res, path) in enumerate(zip(entries, paths, strict=True)):
        if not isinstance(path, str):
            continue  # the profile says what a path is
        name = res.get("name")
        try:
            check_relative_path(path, what=f"resource {name!r}" if name else f"resource {i}")
        except PackageError as exc:
            raise DescriptorError(file, f"resources[{i}].path", str(exc)) from None


def check_table_files(descriptor: dict[str, Any], file: str, root: Path) -> None:
    """Refuse a table resource whose file under ``root`` is missing or not a regular file
    (what :func:`check_resources` checks of the files, for a descriptor checked before)."""
    _check_paths(descriptor["resources"], file, root)


def _check_paths(entries: list[dict[str, Any]], file: str, root: Path) -> None:
    from szdata._disk._files import regular_file

    for i, res in enumerate(entries):
        # Tables must exist to be read at all. Raw texts (thousands in a large package) are
        # checked where they are read: `szdata validate` reports a missing one as
        # provenance.raw-missing, and raw_text() refuses it.
        if res["name"] not in TABLE_NAMES:
            continue
        where = f"resources[{i}].path"
        try:
            exists = regular_file(root, res["path"])
        except PackageError as exc:  # a link, a folder, a pipe
            raise DescriptorError(file, where, str(exc)) from None
        if not exists:
            raise DescriptorError(
                file,
                where,
                f"resource {res['name']!r} points to a missing file: {root / res['path']}",
            )
