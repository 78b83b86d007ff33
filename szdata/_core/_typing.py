"""Names shared across szdata: the table names, typed so that editors complete them."""

from __future__ import annotations

from typing import Literal, get_args

TableName = Literal[
    "organizations",
    "aliases",
    "units",
    "articles",
    "reviews",
    "items",
    "figures",
    "dates",
    "mentions",
    "decisions",
]
"""The tables of the package, in the order of ``datapackage.json``."""

TABLE_NAMES: tuple[TableName, ...] = get_args(TableName)

BuiltTableName = Literal["articles", "items", "figures", "dates", "mentions"]
"""The tables ``szdata build`` derives from the raw texts and the curation decisions."""

BUILT_TABLES: tuple[BuiltTableName, ...] = get_args(BuiltTableName)

Backend = Literal["auto", "pandas", "polars"]
"""The data frame libraries :func:`szdata.load` can return; ``"auto"`` (the default) picks
pandas when it is installed, else polars (:func:`szdata._core._extras.resolve_backend`)."""

BACKENDS: tuple[Backend, ...] = get_args(Backend)

FrameBackend = Literal["pandas", "polars"]
"""A backend once ``"auto"`` is resolved."""
