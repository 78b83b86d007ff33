"""What pip installs and what the sdist carries: a light core, extras that say their name, data.

The wheel and the sdist are built with ``python -m build --no-isolation`` (hatchling comes
with the test extra), so the checks of their contents run offline, from a checkout and from an
unpacked sdist alike. The checks of a fresh install need pip to fetch the dependencies and are
marked ``network``: ``-m "not network"`` deselects them. Each of those runs from an empty
folder, so nothing can be read from the checkout by accident.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from szdata._core._extras import EXTRAS
from szdata._disk._descriptor._profile import PROFILES
from szdata._disk._package import open_package
from tests.conftest import REPO, skip_if_offline

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PKG = open_package(REPO)
HEAVY = (
    "pandas", "polars", "frictionless", "pandera", "pydantic", "pyarrow", "duckdb", "jsonschema"
)  # fmt: skip
NOT_CORE = ("pandas", "numpy", "pyarrow", "duckdb", "jinja2", "matplotlib", "frictionless")
"""Distributions the core must not install: each is an extra's, or only a test tool."""
SDIST_MUST_HAVE = (
    "tests/conftest.py",
    "tests/fixtures/texts/README.md",
    "benchmarks/run.py",
    "benchmarks/install_size.py",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "README.md",
    "docs/img/queue.png",
    "docs/img/decision.png",
    "LICENSE",
    "LICENSE-DATA",
    ".gitattributes",
    ".pre-commit-config.yaml",
    ".github/workflows/validate.yml",
    ".ci/run",
    ".ci/package.json",
    ".ci/package-lock.json",
    "szdata/py.typed",
    "CITATION.cff",
    "szdata/_disk/_descriptor/profiles/datapackage.json",
)


def pyproject() -> dict:
    """The parsed pyproject.toml."""
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def optional_dependencies() -> dict[str, list[str]]:
    """pyproject.toml's extras and their requirements."""
    return pyproject()["project"]["optional-dependencies"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(argv: list[str], cwd: Path, *, status: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True)
    assert done.returncode == status, (
        f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


def build(kind: str, outdir: Path) -> Path:
    """Build this checkout's ``wheel`` or ``sdist`` into ``outdir``, offline."""
    _run(
        [
            sys.executable,
            "-m",
            "build",
            f"--{kind}",
            "--no-isolation",
            "--outdir",
            str(outdir),
            str(REPO),
        ],
        cwd=outdir,
    )
    (built,) = outdir.glob("szdata-*.whl" if kind == "wheel" else "szdata-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("wheel", tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, unpacked: its root folder."""
    out = tmp_path_factory.mktemp("sdist")
    archive = build("sdist", out)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):  # 3.12, and 3.10.12+, 3.11.4+
            tar.extractall(out, filter="data")
        else:  # pragma: no cover - an older Python; the archive is our own
            tar.extractall(out)
    (root,) = (p for p in out.iterdir() if p.is_dir())
    return root


def _metadata(wheel: Path) -> tuple[list[Requirement], list[str]]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(name).decode("utf-8"))
    return [Requirement(r) for r in meta.get_all("Requires-Dist") or []], meta.get_all(
        "Provides-Extra"
    ) or []


def _installs(requirements: list[Requirement], extra: str | None) -> set[str]:
    """The distribution names a plain install (``extra=None``) or an extra asks for."""
    env = {"extra": extra or ""}
    return {
        r.name.lower()
        for r in requirements
        if (r.marker is None and extra is None) or (r.marker is not None and r.marker.evaluate(env))
    }


# -- the wheel ---------------------------------------------------------------------------------


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
    assert {"szdata/_load/_loader.py", "szdata/py.typed"} <= names
    profiles = {f"szdata/_disk/_descriptor/profiles/{p}.json" for p in PROFILES}
    assert profiles <= names, "the Data Package v2 profiles (checked offline)"
    assert not any(n.startswith(("tests/", "szdata/_pkg/szdata/")) for n in names)


@pytest.mark.slow
def test_wheel_names_both_licences(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    assert meta["License-Expression"] == "MIT AND CC-BY-4.0"
    assert set(meta.get_all("License-File") or []) == {"LICENSE", "LICENSE-DATA"}
    assert {n.split(".dist-info/")[-1] for n in names if "/licenses/" in n} == {
        "licenses/LICENSE",
        "licenses/LICENSE-DATA",
    }


@pytest.mark.slow
def test_the_core_installs_no_extra(wheel: Path) -> None:
    requirements, _ = _metadata(wheel)
    core = _installs(requirements, None)
    assert {"polars", "pandera", "pydantic", "typer", "rich"} <= core
    assert sorted(core & set(NOT_CORE)) == []


@pytest.mark.slow
def test_each_extra_installs_the_modules_it_names(wheel: Path) -> None:
    requirements, extras = _metadata(wheel)
    assert set(extras) == {*EXTRAS, "all", "test"}
    for extra, modules in EXTRAS.items():
        assert set(modules) <= _installs(requirements, extra), extra
    every = set().union(*(_installs(requirements, extra) for extra in EXTRAS))
    assert _installs(requirements, "all") == every
    assert _installs(requirements, "test") >= every | {"pytest", "ruff"}


def test_pyproject_extras_are_the_ones_szdata_names_in_its_errors() -> None:
    extras = optional_dependencies()
    assert set(extras) == {*EXTRAS, "all", "test"}
    (everything,) = extras["all"]
    assert Requirement(everything).extras == set(EXTRAS)
    assert "szdata[all]" in extras["test"], "the test extra installs everything"
    tools = {Requirement(r).name for r in extras["test"]}
    assert {"pytest", "playwright", "build", "hatchling", "ruff", "frictionless", "zizmor"} <= tools


def test_classifiers_name_every_python_of_requires_python() -> None:
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.10"
    versions = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if c.count("::") == 2]
    assert [v for v in versions if v.startswith("3.")] == ["3.10", "3.11", "3.12", "3.13"]


def test_pandas_frames_are_the_same_with_and_without_pyarrow() -> None:
    """The pandas extra brings no pyarrow: the NumPy path gives what polars' Arrow path gives."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from szdata._load._loader import _read_typed
    from szdata._schemas._to_pandas import to_pandas

    for name in PKG.table_names():
        frame, fields = _read_typed(PKG, name), PKG.schema(name).fields
        via_numpy = to_pandas(frame, fields, use_pyarrow=False)
        pd.testing.assert_frame_equal(via_numpy, to_pandas(frame, fields, use_pyarrow=True))


@pytest.mark.parametrize(
    ("hidden", "argv", "extra"),
    [
        ("pyarrow", ["export", "parquet", "out"], "export"),
        ("duckdb", ["export", "duckdb", "out.duckdb"], "export"),
        ("jinja2", ["site", "out"], "site"),
    ],
)
def test_a_command_whose_extra_is_missing_names_it_and_writes_nothing(
    hidden: str,
    argv: list[str],
    extra: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from szdata._commands._main import main

    monkeypatch.setitem(sys.modules, hidden, None)  # `import hidden` now fails as if missing
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    status = main([*argv, "--path", str(REPO)])
    out = capsys.readouterr()
    assert status == 2, out.out + out.err
    assert f"needs the optional package {hidden!r}" in out.out + out.err
    assert f"pip install 'szdata[{extra}]'" in out.out + out.err
    assert sorted(p.name for p in work.iterdir()) == [], "nothing written"


def test_load_with_pandas_missing_names_the_extra_before_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import szdata
    from szdata._load import _loader

    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setattr(_loader, "_read_typed", lambda *a: pytest.fail("read before the check"))
    with pytest.raises(szdata.SzdataError, match=r"pip install 'szdata\[pandas\]', or pass") as exc:
        szdata.load("figures", backend="pandas")
    assert type(exc.value).__name__ == "MissingExtra" and exc.value.exit_code == 2
    monkeypatch.undo()
    assert len(szdata.load("figures", backend="polars")) == _csv_rows("figures")


@pytest.mark.parametrize("call", ["load", "load_all", "pandera_schema"])
def test_the_default_backend_is_polars_without_pandas(
    monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """``backend="auto"`` (every default): polars when pandas cannot be imported."""
    import polars as pl

    import szdata
    from szdata._core import _extras

    monkeypatch.setattr(_extras, "_installed", lambda module: module != "pandas")
    if call == "pandera_schema":
        schema = szdata.pandera_schema("units")
        assert type(schema).__module__.startswith("pandera.api.polars")
        assert schema.validate(szdata.load("units")).height > 0
    elif call == "load_all":
        assert isinstance(szdata.load_all().figures, pl.DataFrame)
    else:
        assert isinstance(szdata.load("figures"), pl.DataFrame)


def test_the_default_backend_is_pandas_when_installed() -> None:
    pd = pytest.importorskip("pandas")
    import szdata

    assert isinstance(szdata.load("units"), pd.DataFrame)
    assert type(szdata.pandera_schema("units")).__module__.startswith("pandera.api.pandas")


# -- the sdist ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_sdist_carries_what_its_tests_read(sdist: Path) -> None:
    missing = [p for p in SDIST_MUST_HAVE if not (sdist / p).is_file()]
    assert missing == []
    if (REPO / "CITATION.cff").is_file():
        assert (sdist / "CITATION.cff").is_file()
    assert not (sdist / ".venv").exists() and not (sdist / ".ci" / "node_modules").exists()


@pytest.mark.slow
def test_sdist_has_every_file_git_tracks(sdist: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist, say)")
    done = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"git ls-files failed: {done.stderr.strip()}")
    tracked = [p for p in done.stdout.splitlines() if (REPO / p).is_file()]
    assert [p for p in tracked if not (sdist / p).is_file()] == []


@pytest.mark.slow
def test_sdist_runs_its_own_tests_offline(sdist: Path) -> None:
    """From the unpacked sdist: the package validates, every test collects, a few run."""
    python = sys.executable
    _run([python, "-m", "szdata", "validate", "--path", str(sdist)], cwd=sdist)
    args = ["-m", "pytest", "-p", "no:cacheprovider", "-m", "not network", "-q"]
    collected = _run([python, *args, "--collect-only"], cwd=sdist)
    assert "error" not in collected.stdout.splitlines()[-1], collected.stdout[-2000:]
    code = "import szdata, sys; print(szdata.__file__)"
    here = _run([python, "-c", code], cwd=sdist).stdout.strip()
    assert Path(here).is_relative_to(sdist), "the tests import the sdist's own szdata"
    ran = _run([python, *args, "tests/test_ci.py", "tests/test_git_hygiene.py"], cwd=sdist)
    assert " passed" in ran.stdout.splitlines()[-1]


# -- a fresh install of the core (pip; network) -------------------------------------------------


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)  # no system site-packages
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    argv = [str(python), "-m", "pip", "install", "--quiet", str(wheel)]
    done = subprocess.run(argv, cwd=venv.parent, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        skip_if_offline(done.stdout + done.stderr)
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return python


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _csv_rows(name: str) -> int:
    with PKG.path_of(name).open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


@pytest.mark.network
@pytest.mark.slow
def test_installed_core_loads_every_table_from_its_own_files(
    fresh_python: Path, empty_dir: Path
) -> None:
    code = (
        "import json, szdata; from szdata import open_package; "
        "print(json.dumps({'root': str(open_package().root), 'version': szdata.__version__, "
        "'rows': {n: len(szdata.load(n, backend='polars')) for n in szdata.tables()}, "
        "'records': len(szdata.records('figures')), 'valid': szdata.validate().ok}))"
    )
    data = json.loads(_run([str(fresh_python), "-c", code], empty_dir).stdout)
    assert data["rows"] == {n: _csv_rows(n) for n in PKG.table_names()}
    assert data["records"] == _csv_rows("figures")
    assert data["version"] == PKG.version
    assert data["valid"] is True
    root = Path(data["root"])
    assert root.name == "_pkg" and "site-packages" in root.parts, "read from the wheel's copy"


@pytest.mark.network
@pytest.mark.slow
def test_installed_import_is_light(fresh_python: Path, empty_dir: Path) -> None:
    code = f"import sys, szdata; print([m for m in {HEAVY!r} if m in sys.modules])"
    assert _run([str(fresh_python), "-c", code], empty_dir).stdout.strip() == "[]"


@pytest.mark.network
@pytest.mark.slow
def test_installed_core_loads_with_the_default_backend(fresh_python: Path, empty_dir: Path) -> None:
    """The README's first example on the core install: ``load`` with no backend, from an
    empty folder, gives polars frames; ``backend="pandas"`` names the extra to install."""
    code = (
        "import szdata\n"
        "frame = szdata.load('figures')\n"
        "print(type(frame).__module__.split('.')[0], len(frame))\n"
        "print(type(szdata.pandera_schema('figures').validate(frame)).__name__)\n"
        "try:\n    szdata.load('figures', backend='pandas')\n"
        "except szdata.SzdataError as exc:\n    print(type(exc).__name__, exc.exit_code, exc)"
    )
    lines = _run([str(fresh_python), "-c", code], empty_dir).stdout.splitlines()
    assert lines[0] == f"polars {_csv_rows('figures')}"
    assert lines[1] == "DataFrame"
    assert lines[2].startswith("MissingExtra 2 "), lines
    assert "pip install 'szdata[pandas]'" in lines[2] and "backend='polars'" in lines[2]


@pytest.mark.network
@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "extra"),
    [
        (["export", "parquet", "out"], "export"),
        (["export", "duckdb", "out.duckdb"], "export"),
        (["site", "out"], "site"),
    ],
    ids=["parquet", "duckdb", "site"],
)
def test_installed_core_command_names_the_missing_extra(
    fresh_python: Path, empty_dir: Path, argv: list[str], extra: str
) -> None:
    szdata = fresh_python.parent / ("szdata.exe" if os.name == "nt" else "szdata")
    done = _run([str(szdata), *argv], empty_dir, status=2)
    assert f"pip install 'szdata[{extra}]'" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in empty_dir.iterdir()) == [], "nothing written"


@pytest.mark.network
@pytest.mark.slow
def test_installed_core_command_line_works(fresh_python: Path, empty_dir: Path) -> None:
    scripts = fresh_python.parent
    info = json.loads(_run([str(scripts / "szdata"), "info", "--json"], empty_dir).stdout)
    assert info["version"] == PKG.version
    _run([str(fresh_python), "-m", "szdata", "export", "sqlite", "x.sqlite"], empty_dir)
    assert (empty_dir / "x.sqlite").is_file(), "SQLite needs no extra"
