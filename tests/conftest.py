"""Shared fixtures: the repository's package, and throwaway copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "schemas", "data")


def copy_package(dest: Path) -> Path:
    """Copy the package's descriptor, schemas and data (raw texts included) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root, which is also the package root in a checkout."""
    return REPO


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A fresh copy of the package in a temporary folder, safe to break."""
    return copy_package(tmp_path / "pkg")
