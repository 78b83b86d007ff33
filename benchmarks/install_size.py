"""Measure what ``pip install szdata`` costs: the venv size of the core, of each extra, of all.

For each target, a fresh virtual environment is made in a temporary folder and the wheel is
installed into it with pip (``szdata-*.whl`` for the core, ``szdata-*.whl[export]`` for an
extra); then the venv and its site-packages are measured as ``du`` does (disk blocks, each
file once) and the installed distributions counted (pip and setuptools included, as a new
user's ``pip list`` shows them). pip needs the package index or its cache (network).

Usage::

    python benchmarks/install_size.py                       # build the wheel, every target
    python benchmarks/install_size.py --targets core,all --wheel dist/szdata-0.2.0-py3-none-any.whl
    python benchmarks/install_size.py --python ~/.pyenv/versions/3.10.13/bin/python --json

Exits 1 when the core is larger than ``--max-core-mb`` (default 384, half of the 768 MB that
``pip install szdata`` took before the extras, issue 15).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MB = 1024 * 1024
TARGETS: tuple[str, ...] = ("core", "pandas", "export", "site", "all", "test")
"""What can be measured: the core, then each extra of pyproject.toml."""
MAX_CORE_MB = 384.0


@dataclass(frozen=True)
class Measurement:
    """One target's install: what was asked of pip and what it left on disk."""

    target: str
    requirement: str
    packages: int
    venv_bytes: int
    site_packages_bytes: int


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of this script.

    Examples
    --------
    >>> args = parse_args(["--targets", "core,export"])
    >>> args.targets, args.max_core_mb
    (['core', 'export'], 384.0)
    """
    parser = argparse.ArgumentParser(
        description="Measure the venv size of szdata's core, each extra and all of them."
    )
    parser.add_argument(
        "--targets",
        type=_targets,
        default=list(TARGETS),
        help=f"comma-separated, from {','.join(TARGETS)} (default: all of them)",
    )
    parser.add_argument("--wheel", type=Path, help="the wheel to install (default: build one)")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter the venvs are made with (default: this one)",
    )
    parser.add_argument("--keep", type=Path, help="make the venvs in this folder and keep them")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--max-core-mb",
        type=float,
        default=MAX_CORE_MB,
        help=f"exit 1 when the core's venv is larger (default {MAX_CORE_MB:g})",
    )
    return parser.parse_args(argv)


def _targets(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in names if t not in TARGETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown target(s) {', '.join(unknown) or '(none given)'}; use {','.join(TARGETS)}"
        )
    return names


def requirement(wheel: Path, target: str) -> str:
    """What pip is asked to install for ``target``.

    Examples
    --------
    >>> requirement(Path("/d/szdata-1-py3-none-any.whl"), "core")
    '/d/szdata-1-py3-none-any.whl'
    >>> requirement(Path("/d/szdata-1-py3-none-any.whl"), "export")
    '/d/szdata-1-py3-none-any.whl[export]'
    """
    return str(wheel) if target == "core" else f"{wheel}[{target}]"


def disk_usage(path: Path) -> int:
    """Bytes ``path`` takes on disk, as ``du`` counts them: blocks, each file once, no symlinks.

    On a system without block counts (Windows), the files' sizes.
    """
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            st = os.lstat(os.path.join(folder, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            blocks = getattr(st, "st_blocks", None)
            total += blocks * 512 if blocks is not None else st.st_size
    return total


def venv_python(venv: Path) -> Path:
    """The interpreter of a virtual environment."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def site_packages(venv: Path) -> Path:
    """The site-packages folder of a virtual environment."""
    found = sorted(venv.glob("lib/python*/site-packages")) or [venv / "Lib" / "site-packages"]
    return found[0]


def measure_venv(venv: Path, target: str = "core", req: str = "") -> Measurement:
    """Measure an installed virtual environment."""
    site = site_packages(venv)
    packages = sum(1 for p in site.iterdir() if p.name.endswith(".dist-info"))
    return Measurement(target, req, packages, disk_usage(venv), disk_usage(site))


def install(python: str, wheel: Path, target: str, venv: Path) -> Measurement:
    """Make ``venv`` with ``python``, pip-install the target's requirement, measure it."""
    req = requirement(wheel, target)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv_python(venv)), "-m", "pip", "install", "--quiet", req],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return measure_venv(venv, target, req)


def build_wheel(outdir: Path) -> Path:
    """Build the wheel of this checkout into ``outdir``."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(REPO)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return next(outdir.glob("szdata-*.whl"))


def python_version(python: str) -> str:
    """``3.11.7`` and the like, of the interpreter at ``python``."""
    done = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def format_report(results: Sequence[Measurement], *, python: str = "", wheel: str = "") -> str:
    """A Markdown table of the measurements, each also compared with the core.

    Examples
    --------
    >>> core = Measurement("core", "w.whl", 30, 240 * MB, 230 * MB)
    >>> full = Measurement("all", "w.whl[all]", 50, 600 * MB, 590 * MB)
    >>> print(format_report([core, full], python="3.11.7", wheel="w.whl"))
    Installed sizes of w.whl (Python 3.11.7, a fresh venv each, pip included)
    <BLANKLINE>
    | install | packages | venv (MB) | site-packages (MB) | vs core |
    |---|---:|---:|---:|---:|
    | `pip install szdata` | 30 | 240 | 230 | 1.00x |
    | `pip install 'szdata[all]'` | 50 | 600 | 590 | 2.50x |
    """
    core = next((r for r in results if r.target == "core"), None)
    on = f"Python {python}, " if python else ""
    head = f"Installed sizes of {wheel or 'szdata'} ({on}a fresh venv each, pip included)"
    lines = [
        head,
        "",
        "| install | packages | venv (MB) | site-packages (MB) | vs core |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        extra = "" if r.target == "core" else f"[{r.target}]"
        what = f"`pip install 'szdata{extra}'`" if extra else "`pip install szdata`"
        ratio = f"{r.venv_bytes / core.venv_bytes:.2f}x" if core and core.venv_bytes else "-"
        lines.append(
            f"| {what} | {r.packages} | {r.venv_bytes / MB:.0f} | "
            f"{r.site_packages_bytes / MB:.0f} | {ratio} |"
        )
    return "\n".join(lines)


def too_large(results: Sequence[Measurement], max_core_mb: float) -> str:
    """Why the core is too large, or ``""``.

    Examples
    --------
    >>> too_large([Measurement("core", "w", 30, 400 * MB, 390 * MB)], 384)
    'the core takes 400 MB, more than 384 MB'
    >>> too_large([Measurement("core", "w", 30, 240 * MB, 230 * MB)], 384)
    ''
    """
    for r in results:
        if r.target == "core" and r.venv_bytes / MB > max_core_mb:
            return f"the core takes {r.venv_bytes / MB:.0f} MB, more than {max_core_mb:g} MB"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the targets, print (and write) the report; 1 when the core is too large."""
    args = parse_args(argv)
    if args.wheel and not args.wheel.is_file():
        print(f"error: no wheel at {args.wheel}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="szdata-size-") as scratch:
        try:
            wheel = (args.wheel or build_wheel(Path(scratch) / "dist")).resolve()
            where = args.keep or Path(scratch) / "venvs"
            where.mkdir(parents=True, exist_ok=True)
            results = []
            for target in args.targets:
                venv = where / target
                if venv.exists():
                    print(f"error: {venv} exists; choose an empty --keep folder", file=sys.stderr)
                    return 2
                print(f"installing {requirement(wheel, target)} ...", file=sys.stderr)
                results.append(install(args.python, wheel, target, venv))
            version = python_version(args.python)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"error: {exc} (pip needs the package index or its cache)", file=sys.stderr)
            return 2
    if args.json:
        report = json.dumps(
            {
                "python": version,
                "platform": platform.platform(),
                "wheel": wheel.name,
                "results": [asdict(r) for r in results],
            },
            indent=2,
        )
    else:
        report = format_report(results, python=version, wheel=wheel.name)
    print(report)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    problem = too_large(results, args.max_core_mb)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
