"""Benchmark ``szdata diff`` against ``szdata validate`` on the same package, in the same run.

For each size, a synthetic package (``make_package.py``) is committed into a new git
repository (the base); then a contribution changes a fraction of the rows of every built
table (default 1%): of those rows, 70% get a cell edited, 15% are removed and 15% are added
(a copy under a new key). Then, taking turns (a machine slowing down slows them alike),
each in its own child process, median of ``--repeat`` runs, wall time and peak memory
(the child's max RSS, from ``wait4``):

* ``szdata validate --path PKG --json``: the baseline, what CI runs on every pull request;
* ``szdata diff HEAD --path PKG --format json``: the working tree against the base;
* ``szdata diff HEAD --path PKG --format markdown``: the same, as CI's job summary.

The target (issue 23): at 1M figures with 1% of the rows changed, the diff takes at most
2x ``szdata validate``, and its peak memory is no more than validate's. No test asserts a
time; ``tests/test_diff.py`` runs this harness on a small package.

Usage::

    python benchmarks/diff.py                      # 1M figures, 1% changed, 3 runs each
    python benchmarks/diff.py --figures 10000 --repeat 1 --keep --workdir /tmp/szdiff
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from benchmarks.make_package import make_package  # noqa: E402
from benchmarks.run import Run, _interleaved  # noqa: E402

PYTHON = sys.executable
TARGET = 2.0
"""``szdata diff`` / ``szdata validate`` at most, at 1M figures with 1% of rows changed."""

EDITED = {
    "articles": "title",
    "items": "headline",
    "figures": "counted",
    "dates": "quote",
    "mentions": "quote",
}
"""The column a contribution edits in each built table (a cell a reviewer would look at)."""
KEYS = {
    "articles": "article_id",
    "items": "item_id",
    "figures": "figure_id",
    "dates": "date_id",
    "mentions": "mention_id",
}


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def contribute(root: Path, fraction: float) -> dict[str, dict[str, int]]:
    """Change ``fraction`` of the rows of every built table of the package at ``root``.

    Of the rows chosen (every ``1/fraction``-th), 70% get their :data:`EDITED` cell
    changed, 15% are removed, 15% are added again under a new key. Returns what was done,
    by table: ``{"changed": n, "removed": n, "added": n}``.
    """
    import polars as pl

    done: dict[str, dict[str, int]] = {}
    step = max(1, round(1 / fraction))
    for table, column in EDITED.items():
        path = root / "data" / f"{table}.csv"
        frame = pl.read_csv(path, infer_schema=False)
        n = pl.int_range(pl.len())
        chosen = n % step == 0
        kind = (n // step) % 20  # 0..13 changed, 14..16 removed, 17..19 added
        edited = frame.with_columns(
            pl.when(chosen & (kind < 14))
            .then(pl.col(column).fill_null("") + " [edited]")
            .otherwise(pl.col(column))
            .alias(column)
        )
        removed = chosen & (kind >= 14) & (kind < 17)
        copies = frame.filter(chosen & (kind >= 17)).with_columns(
            (pl.col(KEYS[table]) + "x").alias(KEYS[table])
        )
        out = pl.concat([edited.filter(~removed), copies])
        out.write_csv(path)
        counts = frame.select(
            changed=(chosen & (kind < 14)).sum(), removed=removed.sum(), added=copies.height
        ).row(0, named=True)
        done[table] = {k: int(v) for k, v in counts.items()}
    return done


def prepare(workdir: Path, figures: int, fraction: float, seed: int) -> tuple[Path, dict]:
    """A git repository holding a generated package (the base) and a contribution on top."""
    root = workdir / f"diff-{figures}"
    t = time.perf_counter()
    make_package(root, figures, seed=seed, overwrite=True)
    generated = time.perf_counter() - t
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    committed = time.perf_counter() - t - generated
    done = contribute(root, fraction)
    return root, {"generated_s": generated, "committed_s": committed, "contribution": done}


def measure(root: Path, repeat: int) -> dict[str, Any]:
    """Validate and diff the package at ``root`` ``repeat`` times each, taking turns."""
    commands = [
        ([PYTHON, "-m", "szdata", "validate", "--path", str(root), "--json"], (0, 1)),
        ([PYTHON, "-m", "szdata", "diff", "HEAD", "--path", str(root), "--format", "json"], (0,)),
        (
            [PYTHON, "-m", "szdata", "diff", "HEAD", "--path", str(root), "--format", "markdown"],
            (0,),
        ),
    ]
    validate, as_json, markdown = _interleaved(commands, repeat)

    def stat(runs: list[Run]) -> dict[str, float]:
        return {
            "seconds": statistics.median(r.seconds for r in runs),
            "max_rss_mb": max(r.max_rss_mb for r in runs),
        }

    document = json.loads(as_json[-1].stdout)
    return {
        "validate": stat(validate),
        "diff_json": stat(as_json),
        "diff_markdown": stat(markdown),
        "counts": document["counts"]["rows"],
        "markdown_bytes": len(markdown[-1].stdout.encode()),
        "json_bytes": len(as_json[-1].stdout.encode()),
    }


def render(figures: int, fraction: float, prep: dict, result: dict[str, Any]) -> str:
    """The results as a Markdown table, ratios against validate measured in the same run."""
    v = result["validate"]
    lines = [
        f"`szdata diff` at {figures:,} figures, {fraction:.0%} of the rows of every built "
        f"table changed ({result['counts']}); medians, each run in its own process:",
        "",
        "| measurement | wall | / validate | peak memory | / validate | output |",
        "|---|---:|---:|---:|---:|---:|",
        f"| `szdata validate` (baseline) | {v['seconds']:.2f} s | 1.0x | "
        f"{v['max_rss_mb']:,.0f} MB | 1.0x | |",
    ]
    for name, key, size in (
        ("`szdata diff HEAD --format json`", "diff_json", "json_bytes"),
        ("`szdata diff HEAD --format markdown`", "diff_markdown", "markdown_bytes"),
    ):
        d = result[key]
        ratio = d["seconds"] / v["seconds"]
        mark = " ✓" if ratio <= TARGET else " ✗"
        lines.append(
            f"| {name} | {d['seconds']:.2f} s | {ratio:.2f}x{mark} | {d['max_rss_mb']:,.0f} MB "
            f"| {d['max_rss_mb'] / v['max_rss_mb']:.2f}x | {result[size] / 1024:,.0f} KB |"
        )
    lines += [
        "",
        f"Target: the diff at most {TARGET:g}x `szdata validate`. Package generated in "
        f"{prep['generated_s']:.0f} s and committed in {prep['committed_s']:.0f} s (not timed).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (and write it to ``--output``)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--figures", type=int, default=1_000_000)
    p.add_argument("--changed", type=float, default=0.01, help="fraction of rows changed")
    p.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "szbench"))
    p.add_argument("--keep", action="store_true", help="keep the generated repository")
    p.add_argument("--output", help="also write the table to this file")
    args = p.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    root, prep = prepare(workdir, args.figures, args.changed, args.seed)
    try:
        result = measure(root, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    text = render(args.figures, args.changed, prep, result)
    print(text, end="")
    print(json.dumps({"prepare": prep, "result": result}), file=sys.stderr)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
