"""``pip install .`` ships the data: the wheel, installed in a fresh environment, loads every table.

The wheel is built with ``python -m build --wheel`` and installed into a new virtual
environment that does not see this one's packages (pip fetches the dependencies from the
configured index, reusing its cache). Every check then runs from an empty folder, so nothing
can be read from the checkout by accident.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from szdata._package import open_package
from tests.conftest import REPO

PKG = open_package(REPO)
HEAVY = ("pandas", "polars", "frictionless", "pandera", "pydantic", "pyarrow", "duckdb")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)], cwd=out)
    (built,) = out.glob("szdata-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)  # no system site-packages
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=venv.parent)
    return python


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _csv_rows(name: str) -> int:
    with PKG.path_of(name).open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


@pytest.mark.slow
def test_wheel_ships_every_file_of_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {"datapackage.json"}
    for res in PKG.descriptor["resources"]:
        shipped.add(res["path"])
        if isinstance(res.get("schema"), str):
            shipped.add(res["schema"])
    missing = sorted(p for p in shipped if f"szdata/_pkg/{p}" not in names)
    assert missing == []
    assert "szdata/_loader.py" in names
    assert not any(n.startswith(("tests/", "szdata/_pkg/szdata/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_loads_figures_from_any_folder(fresh_python: Path, empty_dir: Path) -> None:
    out = _run(
        [str(fresh_python), "-c", "import szdata; print(szdata.load('figures').dtypes)"], empty_dir
    )
    dtypes = dict(line.split() for line in out.splitlines() if not line.startswith("dtype"))
    assert dtypes["refers_to"].startswith("datetime64"), out
    assert dtypes["qualifier"] == "category", out
    assert dtypes["start"] == "Int64", out
    assert list(dtypes) == PKG.schema("figures").field_names


@pytest.mark.slow
def test_installed_wheel_loads_every_table_from_its_own_files(
    fresh_python: Path, empty_dir: Path
) -> None:
    code = (
        "import json, szdata; from szdata import open_package; "
        "print(json.dumps({'root': str(open_package().root), 'version': szdata.__version__, "
        "'rows': {n: len(szdata.load(n, backend=b)) for n in szdata.tables() "
        "for b in ('pandas', 'polars')}, "
        "'records': len(szdata.records('figures'))}))"
    )
    data = json.loads(_run([str(fresh_python), "-c", code], empty_dir))
    assert data["rows"] == {n: _csv_rows(n) for n in PKG.table_names()}
    assert data["records"] == _csv_rows("figures")
    assert data["version"] == PKG.version
    root = Path(data["root"])
    assert root.name == "_pkg" and "site-packages" in root.parts, "read from the wheel's copy"


@pytest.mark.slow
def test_installed_import_is_light(fresh_python: Path, empty_dir: Path) -> None:
    code = f"import sys, szdata; print([m for m in {HEAVY!r} if m in sys.modules])"
    assert _run([str(fresh_python), "-c", code], empty_dir).strip() == "[]"


@pytest.mark.slow
def test_installed_command_line_works(fresh_python: Path, empty_dir: Path) -> None:
    scripts = fresh_python.parent
    info = json.loads(_run([str(scripts / "szdata"), "info", "--json"], empty_dir))
    assert info["version"] == PKG.version
    assert _run([str(fresh_python), "-m", "szdata", "export", "sqlite", "x.sqlite"], empty_dir)
    assert (empty_dir / "x.sqlite").is_file()
