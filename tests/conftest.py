"""Shared fixtures: the repository's package, and throwaway fixture packages to break.

Two kinds of tests (see tests/README.md):

- tests of the shipped data (``repo``) assert invariants over whatever rows are there;
- tests of exact rows, ids, line numbers and reports use a fixture package
  (``package_copy``, ``fixture_package``): the first two shipped articles with the frozen
  curation of ``tests/fixtures/package/``, built in a temporary folder by ``szdata build``,
  whose rows do not change when articles are added to the package.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixture_package import _default_fixture, build_fixture_package, copy_fixture_package

REPO = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "schemas", "data")

__all__ = ["REPO", "build_fixture_package", "copy_package", "copy_shipped_package"]


def copy_package(dest: Path) -> Path:
    """Copy the default fixture package (descriptor, schemas, data, raw texts) into ``dest``.

    Its rows are those of the first two shipped articles with the frozen curation, whatever
    has been added to the shipped package since: tests may rely on their ids and lines.
    """
    return copy_fixture_package(dest)


def copy_shipped_package(dest: Path) -> Path:
    """Copy the shipped package as it is (descriptor, schemas, data, raw texts) into ``dest``.

    For tests of properties every shipped file must have (bytes kept by git, say): assert
    nothing about its rows but invariants.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session", autouse=True)
def _no_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No cache of derived results (szdata._disk._cache) unless a test turns it on: every
    verdict is derived (tests/test_caches.py tests the caches, in folders of their own);
    subprocesses inherit this too."""
    import os

    os.environ["SZDATA_CACHE_DIR"] = str(tmp_path_factory.mktemp("szdata-cache"))
    os.environ["SZDATA_NO_CACHE"] = "1"


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root, which is also the shipped package's root in a checkout.

    Assert invariants only: its rows grow with every contribution.
    """
    return REPO


@pytest.fixture(scope="session")
def fixture_package() -> Path:
    """The default fixture package, built once; read it, never change it (copy it first)."""
    return _default_fixture()


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A fresh copy of the default fixture package in a temporary folder, safe to break."""
    return copy_package(tmp_path / "pkg")


OFFLINE_SIGNS = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
)
"""What pip prints when it cannot reach a package index (an unpacked sdist tested offline)."""


def skip_if_offline(output: str) -> None:
    """Skip a ``network`` test whose pip could not reach a package index: being offline is
    not a failure of szdata. Any other failure is left to the test."""
    for sign in OFFLINE_SIGNS:
        if sign in output:
            line = next(line for line in output.splitlines() if sign in line)
            pytest.skip(f"no package index reachable: {line.strip()[:200]}")
