"""Optional dependencies: a feature whose extra is not installed says which one to install.

``pip install szdata`` brings what reading and validating the package needs (polars, pandera,
pydantic and the command line). The rest is optional, named by extra in ``pyproject.toml``:

=========  ==========================  =============================================
extra      packages                    for
=========  ==========================  =============================================
pandas     pandas (+ pandera's pandas  ``load(..., backend="pandas")``, the pandas
           backend)                    Pandera schemas
export     duckdb, pyarrow             ``szdata export`` (Parquet, DuckDB)
site       jinja2                      ``szdata site`` (the review site)
all        every extra above
=========  ==========================  =============================================

Examples
--------
>>> require("json", "export").__name__
'json'
>>> require("no_such_module_szdata", "export")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
szdata._core._errors.MissingExtra: ... pip install 'szdata[export]'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from szdata._core._errors import MissingExtra, UsageError
from szdata._core._typing import BACKENDS, FrameBackend

EXTRAS: dict[str, tuple[str, ...]] = {
    "pandas": ("pandas",),
    "export": ("duckdb", "pyarrow"),
    "site": ("jinja2",),
}
"""Extra -> the top-level modules it provides (kept in step with pyproject.toml by a test)."""


def require(module: str, extra: str, *, feature: str = "", instead: str = "") -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` naming the extra that provides it.

    Parameters
    ----------
    module
        The module to import, e.g. ``"duckdb"`` or ``"pyarrow.parquet"``.
    extra
        The szdata extra that installs it, e.g. ``"export"``.
    feature
        What needs it, for the message (default: ``szdata[extra]``'s features).
    instead
        What else the user can do, for the message (e.g. ``"pass backend='polars'"``).

    Returns
    -------
    ModuleType
        The imported module.

    Raises
    ------
    MissingExtra
        The module (or a package it needs) is not installed.
    """
    found = sys.modules.get(module)
    if found is not None:
        return found
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or module
        what = feature or f"this feature of szdata (the {extra!r} extra)"
        alternative = f", or {instead}" if instead else ""
        raise MissingExtra(
            f"{what} needs the optional package {missing!r}, which is not installed; "
            f"install it with: pip install 'szdata[{extra}]'{alternative}"
        ) from exc


def resolve_backend(backend: str) -> FrameBackend:
    """The data frame library a ``backend`` argument names: ``"auto"`` is pandas when it is
    installed, else polars (the core install has polars, pandas comes with ``szdata[pandas]``).

    The choice is made without importing pandas, as :mod:`altair.datasets` picks among the
    installed backends.

    Raises
    ------
    UsageError
        An unknown backend, naming the known ones.

    Examples
    --------
    >>> resolve_backend("polars")
    'polars'
    >>> resolve_backend("auto") in ("pandas", "polars")
    True
    >>> resolve_backend("spark")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    szdata._core._errors.UsageError: unknown backend 'spark'; use one of auto, pandas, polars
    """
    if backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "auto":
        return "pandas" if _installed("pandas") else "polars"
    return backend  # type: ignore[return-value]


def _installed(module: str) -> bool:
    if module in sys.modules:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
