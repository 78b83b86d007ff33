"""Pydantic row models of every table, generated at import from the Table Schemas.

The public face of :mod:`szdata._load._models`, where they are built: one model class per
table (``Figure``, ``Article``, ...), :func:`model_for` to get one by table name, and
:func:`model` for a package of your own. Use them for single records; validate whole tables
with :func:`szdata.validate`, which is vectorised.

Examples
--------
>>> from szdata.models import Figure, model_for
>>> model_for("figures") is Figure
True
"""

from __future__ import annotations

from szdata._load import _models
from szdata._load._models import *  # noqa: F403  (the models and their helpers)
from szdata._load._models import CLASS_NAMES, model_from_schema

__all__ = [*_models.__all__, "CLASS_NAMES", "model_from_schema"]
