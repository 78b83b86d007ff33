"""What the curator's commands and the quick commands cost, as ratios measured in one run.

Measured by ``benchmarks/run.py`` (see ``benchmarks/README.md``), each command in its own
child process, the runs of a command and of its baseline taking turns:

* ``add`` of the shipped Daily Briefing, ``review ARTICLE --accept`` and ``correct`` (a note
  on a figure's ``counted``), into synthetic packages of 100, 1,000 and 10,000 articles
  (``make_package.py``, built and validated, as a curator's checkout is), against the same
  commands on the shipped package (its first article, the briefing to add); every run on a
  fresh copy of the package (hard links, made outside the timing);
* ``build --check`` at the largest size, up to date, and with 10% of the rows of every
  built table edited (it fails and shows the first differing rows);
* ``szdata info`` against ``python -c "import polars"``, and ``szdata validate`` on the
  shipped package against ``frictionless validate``: cold (``SZDATA_NO_CACHE=1``) and warm
  (the report of unchanged files reused, :mod:`szdata._validate._verdicts`).

The caches (:mod:`szdata._disk._cache`) live in a folder of the run, warmed as a curator's
are: by the build of the package, then by each command's first run (not timed). The copies
of a command's runs are made first and left to settle (:data:`SETTLE`), as a checkout's
files were written before the command.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BRIEFING = "004_4c9b5674638746a7"
FIRST = "000_7a64f3334c1b3195"
PYTHON = sys.executable


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SZDATA_NO_CACHE"}
    env["SZDATA_CACHE_DIR"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def _copy(src: Path, dest: Path) -> Path:
    """A copy of a package; files hard-linked (the commands replace files, never edit them).

    The package lock is left out: a linked lock file would be one lock shared by every copy.
    """
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, copy_function=os.link, ignore=shutil.ignore_patterns(".szdata.lock"))
    return dest


SETTLE = 2.5
"""Seconds the copies of a package are left alone before the commands run on them. A link
made to a file changes its change time; a curator's checkout was written long before the
command, and the digests of its files are remembered only once they have settled
(:data:`szdata._disk._cache._SETTLED_NS`)."""


def _szdata(*args: str) -> list[str]:
    return [PYTHON, "-m", "szdata", *args]


def commands(pkg: Path, article: str, figure: str) -> dict[str, list[str]]:
    """The curator's commands measured, on the package at ``pkg``."""
    brief = str(REPO / "data" / "raw" / f"{BRIEFING}.txt")
    return {
        "add": _szdata("add", brief, "--path", str(pkg), "--by", "Bench Mark", "--json"),
        "review": _szdata(
            "review", article, "--accept", "--reviewer", "Bench Mark", "--path", str(pkg)
        ),
        "correct": _szdata(
            "correct",
            f"figures:{figure}",
            "--note",
            "counted=benchmark units",
            "--reason",
            "A benchmark of the command.",
            "--evidence",
            "http://www.eyeshenzhen.com/content/2020-03/20/content_23000000.htm",
            "--by",
            "Bench Mark",
            "--path",
            str(pkg),
        ),
    }


def shipped_package(dest: Path) -> Path:
    """The shipped package with its first article alone (the briefing is then added)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.fixture_package import build_fixture_package

    if dest.exists():
        shutil.rmtree(dest)
    return build_fixture_package(dest, [REPO / "data" / "raw" / f"{FIRST}.txt"])


def first_ids(pkg: Path) -> tuple[str, str]:
    """An article of ``pkg`` and a figure of it (for ``review`` and ``correct``)."""
    import csv

    with (pkg / "data" / "figures.csv").open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    return row["article_id"], row["figure_id"]


def time_commands(
    packages: dict[str, Path],
    workdir: Path,
    repeat: int,
    run_child: Callable[..., Any],
    log: Callable[[str], None],
) -> dict[str, dict[str, dict[str, float]]]:
    """Median seconds of each command on each package (label -> command -> stats)."""
    cache = workdir / "cache"
    env = _env(cache)
    out: dict[str, dict[str, dict[str, float]]] = {label: {} for label in packages}
    for name in ("add", "review", "correct"):
        times: dict[str, list[float]] = {label: [] for label in packages}
        cpu: dict[str, list[float]] = {label: [] for label in packages}
        copies = {
            (label, n): _copy(src, workdir / f"run-{label}-{n}")
            for n in range(repeat + 1)
            for label, src in packages.items()
        }
        time.sleep(SETTLE)  # as a checkout's files are: written before, not just now
        for n in range(repeat + 1):  # the first run of each warms the caches, untimed
            for label, src in packages.items():
                article, figure = first_ids(src)
                # every run in one folder, as a curator's checkout stays where it is; no
                # copy is removed meanwhile (an unlinked link changes its file's times)
                place = workdir / f"run-{label}"
                copies[label, n].rename(place)
                argv = commands(place, article, figure)[name]
                r = run_child(argv, env=env)
                copies[label, n] = place.rename(workdir / f"ran-{label}-{n}")
                if r.returncode != 0:
                    raise RuntimeError(
                        f"{name} on {label} exited {r.returncode}:\n{r.stderr[-1500:]}"
                        f"{r.stdout[-1500:]}"
                    )
                if n:
                    times[label].append(r.seconds)
                    cpu[label].append(r.cpu)
        for label in packages:
            out[label][name] = {
                "seconds": statistics.median(times[label]),
                "cpu": statistics.median(cpu[label]),
            }
        log(
            f"  {name}: "
            + ", ".join(f"{label} {out[label][name]['seconds']:.2f} s" for label in packages)
        )
        for copy in copies.values():
            shutil.rmtree(copy, ignore_errors=True)
    return out


def edit_rows(pkg: Path, fraction: float = 0.1) -> int:
    """Flip the review status of ``fraction`` of the rows of every built table (as a stale
    build leaves them): rows the build writes otherwise. Returns the rows edited."""
    edited = 0
    step = max(1, round(1 / fraction))
    for table in ("articles", "items", "figures", "dates", "mentions"):
        path = pkg / "data" / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i in range(1, len(lines), step):
            line = lines[i]
            for now, then in ((",unreviewed\n", ",reviewed\n"), (",reviewed\n", ",unreviewed\n")):
                if line.endswith(now):
                    lines[i] = line[: -len(now)] + then
                    edited += 1
                    break
        path.unlink()  # a hard link to the source package: replaced, not written through
        path.write_text("".join(lines), encoding="utf-8")
    return edited


def time_build_check(
    pkg: Path, workdir: Path, repeat: int, run_child: Callable[..., Any]
) -> dict[str, Any]:
    """``build --check`` up to date, and with 10% of the rows edited, taking turns."""
    env = _env(workdir / "cache")
    edited = _copy(pkg, workdir / "check-edited")
    rows = edit_rows(edited)
    clean, changed, output = [], [], ""
    for _ in range(repeat):
        r = run_child(_szdata("build", "--check", "-q", "--path", str(pkg)), env=env)
        if r.returncode != 0:
            raise RuntimeError(f"build --check failed on the built package:\n{r.stderr[-1500:]}")
        clean.append(r.seconds)
        r = run_child(_szdata("build", "--check", "-q", "--path", str(edited)), env=env)
        if r.returncode != 1:
            raise RuntimeError(f"build --check did not see the edits:\n{r.stderr[-1500:]}")
        changed.append(r.seconds)
        output = r.stdout
    shutil.rmtree(edited, ignore_errors=True)
    return {
        "clean": statistics.median(clean),
        "changed": statistics.median(changed),
        "rows_edited": rows,
        "output_lines": len(output.splitlines()),
    }


def time_latency(repeat: int, workdir: Path, run_child: Callable[..., Any]) -> dict[str, float]:
    """``info`` vs ``import polars``; ``validate`` (warm, cold) vs ``frictionless validate``,
    on the shipped package (the repository), every command in turn."""
    env = _env(workdir / "cache")
    cold = _env(workdir / "cache", SZDATA_NO_CACHE="1")
    frictionless = str(Path(PYTHON).parent / "frictionless")
    runs: dict[str, tuple[Sequence[str], dict[str, str] | None, Path | None]] = {
        "import_polars": ([PYTHON, "-c", "import polars"], None, None),
        "info": (_szdata("info", "--path", str(REPO)), env, None),
        "validate_warm": (_szdata("validate", "--path", str(REPO)), env, None),
        "validate_cold": (_szdata("validate", "--path", str(REPO)), cold, None),
        "frictionless": ([frictionless, "validate", "datapackage.json"], None, REPO),
    }
    run_child(runs["validate_warm"][0], env=env)  # the report of the files, remembered
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeat):
        for name, (argv, e, cwd) in runs.items():
            r = run_child(argv, env=e, cwd=cwd)
            if r.returncode != 0:
                raise RuntimeError(f"{name} exited {r.returncode}:\n{r.stderr[-1500:]}")
            times[name].append(r.seconds)
    return {k: statistics.median(v) for k, v in times.items()}
