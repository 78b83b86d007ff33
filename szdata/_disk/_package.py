"""Find, read and check a copy of the data package: its descriptor, schemas and files.

The installed package is found through :mod:`importlib.resources`: a wheel carries the
descriptor, schemas and data under ``szdata/_pkg/``; a source checkout (or an editable
install) has them at the repository root, next to the ``szdata/`` folder.

The command line acts on the package of the current folder, as git does
(:func:`locate_package`): the nearest folder, from the current one upward, that holds a
``datapackage.json``; the installed copy only outside any package. Writing commands refuse
an installed copy (:func:`refuse_installed_copy`): it is not a checkout anyone can commit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from szdata._core._errors import PackageError
from szdata._disk._paths import check_relative_path, is_raw_resource
from szdata._schemas._schema import TableSchema

DESCRIPTOR = "datapackage.json"


def default_root() -> Path:
    """The folder of the installed package's ``datapackage.json``.

    Examples
    --------
    >>> (default_root() / "datapackage.json").is_file()
    True
    """
    shipped = resources.files("szdata") / "_pkg" / DESCRIPTOR
    if shipped.is_file():
        return Path(str(shipped)).parent
    checkout = Path(str(resources.files("szdata"))).parent
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise PackageError(
        "the installed szdata has no datapackage.json: neither szdata/_pkg/ (a wheel) "
        f"nor {checkout} (a source checkout) holds one; reinstall szdata"
    )


Found = Literal["given", "found", "installed"]
"""How the command line came to a package: ``--path``, the current folder, or the install."""


@dataclass(frozen=True)
class Location:
    """Where a command's package is, and how it was found."""

    root: Path
    found: Found

    def describe(self) -> str:
        """One line saying which package a command acts on, and why that one.

        Examples
        --------
        >>> Location(Path("/data/szdata"), "given").describe()
        'package: /data/szdata (given with --path)'
        """
        how = {
            "given": "given with --path",
            "found": "found from the current folder",
            "installed": "the installed copy: no datapackage.json in the current folder or above",
        }[self.found]
        return f"package: {self.root} ({how})"


def locate_package(path: str | Path | None = None, *, start: str | Path | None = None) -> Location:
    """The package a command acts on: ``path``, else the current folder's, else the installed one.

    The current folder's package is the nearest folder, from ``start`` (default: the
    current folder) upward, that holds a ``datapackage.json``, as git finds its repository.

    Examples
    --------
    >>> loc = locate_package(start=default_root() / "data")
    >>> loc.root == default_root().resolve(), loc.found
    (True, 'found')
    """
    if path is not None:
        p = Path(path).expanduser()
        root = p.parent if p.name == DESCRIPTOR and not p.is_dir() else p
        return Location(root.absolute(), "given")
    here = Path(start if start is not None else os.getcwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / DESCRIPTOR).is_file():
            return Location(folder, "found")
    return Location(default_root(), "installed")


def is_installed_copy(root: Path) -> bool:
    """Whether ``root`` is the copy of the package inside an installed szdata (a wheel's).

    Examples
    --------
    >>> is_installed_copy(Path("/usr/lib/python3/site-packages/szdata/_pkg"))
    True
    >>> is_installed_copy(Path("/home/me/szdata"))
    False
    """
    parts = Path(root).absolute().parts
    return "site-packages" in parts or "dist-packages" in parts or parts[-2:] == ("szdata", "_pkg")


def refuse_installed_copy(root: Path, *, command: str) -> None:
    """Refuse to write into an installed copy of the package (a writing command's first step).

    Raises
    ------
    UsageError
        Naming the copy and how to get one that can be written: a clone of the repository.
    """
    from szdata._core._errors import UsageError

    if is_installed_copy(root):
        raise UsageError(
            f"`szdata {command}` would write into the installed copy of the package at {root}, "
            "which is not a checkout (hint: clone the repository and run the command there, "
            "or give a checkout with --path)"
        )


@dataclass(frozen=True)
class Package:
    """A copy of the data package on disk: its root folder and parsed descriptor.

    Use :func:`open_package` to make one; it checks every path of the descriptor first.
    """

    root: Path
    descriptor: dict[str, Any] = field(repr=False)
    schema_descriptors: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    """Each table's Table Schema as read and checked by :func:`open_package`."""

    @property
    def version(self) -> str:
        """The package's version (the one version of code and data)."""
        return str(self.descriptor.get("version", ""))

    @cached_property
    def _resources(self) -> dict[str, dict[str, Any]]:
        return {r["name"]: r for r in self.descriptor.get("resources", [])}

    def table_names(self) -> list[str]:
        """The names of the tabular resources, in descriptor order."""
        return list(self._table_names)

    def check_table(self, name: str) -> None:
        """Refuse a table the package does not have, naming the ones it has.

        Raises
        ------
        PackageError
            When ``name`` is not one of :meth:`table_names`.
        """
        if name not in self._table_names:
            raise PackageError(
                f"the package at {self.root} has no table {name!r}; "
                f"known tables: {', '.join(self._table_names)}"
            )

    @cached_property
    def _table_names(self) -> tuple[str, ...]:
        # computed once: a large package has 100,000 raw-text resources to skip
        return tuple(n for n, r in self._resources.items() if r.get("type") == "table")

    def raw_resources(self) -> list[dict[str, Any]]:
        """The descriptor's entries for the raw texts (named ``raw-...``, without a ``type``)."""
        return [r for r in self._resources.values() if is_raw_resource(r)]

    def resource(self, name: str) -> dict[str, Any]:
        """The descriptor of resource ``name``."""
        try:
            return self._resources[name]
        except KeyError:
            known = ", ".join(self.table_names())
            raise PackageError(
                f"the package at {self.root} has no resource {name!r}; known tables: {known}"
            ) from None

    def path_of(self, name: str) -> Path:
        """The file of resource ``name`` (checked to be inside the package)."""
        rel = self.resource(name)["path"]
        return self.root / rel

    def file(self, relative: str) -> Path:
        """A file of the package given by a relative path, refused if unsafe."""
        return self.root / check_relative_path(relative, what="the path")

    def schema(self, name: str) -> TableSchema:
        """The Table Schema of table ``name``."""
        return self._schemas[name]

    @cached_property
    def _schemas(self) -> dict[str, TableSchema]:
        from szdata._disk._descriptor import check_package

        found = self.schema_descriptors
        if not found:  # a Package made by hand: read and check its schemas as open_package does
            found = check_package(self.root, DESCRIPTOR)[1]
        return {name: TableSchema.from_descriptor(name, found[name]) for name in self.table_names()}


def open_package(path: str | Path | None = None) -> Package:
    """Open the package at ``path`` (a folder or its ``datapackage.json``), or the installed one.

    Parameters
    ----------
    path
        A folder holding ``datapackage.json``, the descriptor itself, or ``None`` for the
        package installed with szdata.

    Raises
    ------
    PackageError
        When the descriptor is missing, is not JSON, or names a path that is unsafe
        (absolute, ``..``, ``~``, ``$VAR``, a URL) or a file that does not exist.
    DescriptorError
        When the descriptor or a Table Schema breaks a rule of :mod:`szdata._disk._descriptor`
        (the Data Package v2 profile, the tables szdata knows, what it reads of a schema),
        naming the file and the JSON path.

    Examples
    --------
    >>> pkg = open_package()
    >>> "figures" in pkg.table_names()
    True
    """
    descriptor_path = descriptor_of(path)
    root = descriptor_path.parent
    from szdata._disk._descriptor import check_package

    descriptor, schemas = check_package(root, descriptor_path.name)
    return Package(root=root.resolve(), descriptor=descriptor, schema_descriptors=schemas)


def descriptor_of(path: str | Path | None = None) -> Path:
    """The descriptor :func:`open_package` opens for ``path``, not read yet.

    Raises
    ------
    PackageError
        When there is no descriptor there.

    Examples
    --------
    >>> descriptor_of().name
    'datapackage.json'
    """
    if path is None:
        descriptor_path = default_root() / DESCRIPTOR
    else:
        p = Path(path).expanduser()
        descriptor_path = p / DESCRIPTOR if p.is_dir() else p
    if not descriptor_path.is_file():
        raise PackageError(f"no data package descriptor at {descriptor_path}")
    return descriptor_path
