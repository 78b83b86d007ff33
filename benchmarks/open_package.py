"""What checking the descriptor and schemas costs `open_package`, which every command runs.

For each package given, in a fresh process each time (so the lazy ``import jsonschema`` is
counted), the median over ``--repeat`` runs of:

- floor: reading ``datapackage.json`` and ``json.loads`` (what opening always did);
- ``open_package``: the same plus every check of :mod:`szdata._disk._descriptor` (the profiles,
  the resources, the schemas) and the path checks;
- ``szdata info``: a whole command, as a person runs it.

Usage::

    python benchmarks/open_package.py .                        # the repository's package
    python benchmarks/make_package.py /tmp/szbench/1m --figures 1000000
    python benchmarks/open_package.py . /tmp/szbench/1m --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_FLOOR = """
import json, sys, time
t0 = time.perf_counter()
json.loads(open(sys.argv[1] + "/datapackage.json", encoding="utf-8").read())
print(time.perf_counter() - t0)
"""

_OPEN = """
import sys, time
from szdata._disk._package import open_package
t0 = time.perf_counter()
pkg = open_package(sys.argv[1])
pkg.schema("figures")
print(time.perf_counter() - t0)
"""


def _seconds(code: str, package: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", code, str(package)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def _command(package: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "szdata", "info", "--path", str(package)],
        env=env,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - t0


def measure(package: Path, repeat: int) -> dict[str, float]:
    """The medians, in seconds, for one package."""
    floor, opened, info = [], [], []
    for _ in range(repeat):  # take turns, so that a machine slowing down slows them alike
        floor.append(_seconds(_FLOOR, package))
        opened.append(_seconds(_OPEN, package))
        info.append(_command(package))
    resources = len(json.loads((package / "datapackage.json").read_text("utf-8"))["resources"])
    return {
        "resources": resources,
        "floor": statistics.median(floor),
        "open_package": statistics.median(opened),
        "info": statistics.median(info),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python benchmarks/open_package.py PACKAGE... [--repeat N]``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("packages", type=Path, nargs="+")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print("| package | resources | read + json.loads | open_package | ratio | szdata info |")
    print("|---|---:|---:|---:|---:|---:|")
    for package in args.packages:
        m = measure(package.resolve(), args.repeat)
        print(
            f"| {package} | {m['resources']:,} | {m['floor'] * 1000:.1f} ms "
            f"| {m['open_package'] * 1000:.1f} ms | {m['open_package'] / m['floor']:.1f}x "
            f"| {m['info'] * 1000:.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
