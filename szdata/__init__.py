"""szdata: Shenzhen government COVID-19 news of 2020 as traceable, validated tables.

The package is a Frictionless data package (``datapackage.json``) of tables read from
raw texts kept byte for byte as published. This module stays light: pandas, polars,
frictionless, pandera and pydantic are imported only when a function needs them.

Examples
--------
>>> import szdata
>>> "figures" in szdata.tables()
True
"""

from __future__ import annotations

from importlib import import_module

from szdata._core._errors import (
    BuildError,
    MissingExtra,
    PackageError,
    ParseError,
    SzdataError,
    ValidationFailed,
)

# ``typing`` is not imported at run time: the command line starts from this module, and its
# signal handlers go in only once it is imported (Ctrl-C must find them as early as can be)
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from typing import Any

    from szdata._core._typing import Backend, TableName
    from szdata._export import export
    from szdata._load._loader import Tables, describe, load, load_all, raw_text, records, tables
    from szdata._load._pandera import pandera_schema
    from szdata._site import build_site
    from szdata.models import model

__all__ = [
    "Backend",
    "BuildError",
    "BuildResult",
    "Issue",
    "MissingExtra",
    "PackageError",
    "ParseError",
    "ParsedArticle",
    "Report",
    "SzdataError",
    "TableName",
    "Tables",
    "ValidationFailed",
    "__version__",
    "build",
    "build_site",
    "data_version",
    "describe",
    "export",
    "load",
    "load_all",
    "model",
    "open_package",
    "pandera_schema",
    "parse",
    "raw_text",
    "records",
    "tables",
    "validate",
]

# public name -> module that defines it; imported on first use (PEP 562).
_LAZY: dict[str, str] = {
    "Backend": "szdata._core._typing",
    "TableName": "szdata._core._typing",
    "open_package": "szdata._disk._package",
    "parse": "szdata._parse",
    "ParsedArticle": "szdata._parse",
    "build": "szdata._curate._build",
    "BuildResult": "szdata._curate._build",
    "validate": "szdata._validate",
    "Report": "szdata._validate",
    "Issue": "szdata._validate",
    "build_site": "szdata._site",
    "tables": "szdata._load._loader",
    "load": "szdata._load._loader",
    "load_all": "szdata._load._loader",
    "records": "szdata._load._loader",
    "raw_text": "szdata._load._loader",
    "describe": "szdata._load._loader",
    "Tables": "szdata._load._loader",
    "export": "szdata._export",
    "pandera_schema": "szdata._load._pandera",
    "model": "szdata.models",
}


def __getattr__(name: str) -> Any:
    if name in ("__version__", "data_version"):
        from szdata._disk._package import open_package

        return open_package().version
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'szdata' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
