"""Parse time against text length: is the parser linear?

Builds synthetic texts of about 10 KB, 100 KB, 1 MB and 5 MB by repeating varied
paragraphs of the fixture texts (``tests/fixtures/texts/``: synthetic, never package data)
under one title and header, parses each with :func:`szdata.parse`, and reports the time
per byte of each size as a ratio against the 100 KB run of the same invocation. A linear
parser has ratios near 1; the target is at most 2 at 5 MB.

Usage::

    python benchmarks/parse.py            # 10 KB, 100 KB, 1 MB, 5 MB
    python benchmarks/parse.py --sizes 2000,20000 --repeat 1
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "texts"
SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
BASELINE = 100_000
HEAD = (
    "Daily Briefing on Fighting against COVID-19 (Mar. 20)\n\n"
    "Writer:  | Editor: A | From: Foreign Affairs Office of Shenzhen Municipal Government"
    " | Updated: 2020-03-20\n\n"
)


@dataclass(frozen=True)
class Run:
    """One measured parse."""

    size: int
    """Length of the text in bytes (UTF-8)."""
    seconds: float
    rows: int
    """Figures, dates, mentions and items read."""

    @property
    def per_byte(self) -> float:
        return self.seconds / self.size


def paragraphs(folder: Path = FIXTURES) -> list[str]:
    """The body paragraphs of the fixture texts (title and header lines left out)."""
    out = []
    for path in sorted(folder.glob("fixture_*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        out.extend(ln for ln in lines[1:] if not ln.startswith(("Writer:", "From:", "Updated:")))
    return out


def synthetic_text(size: int, folder: Path = FIXTURES) -> str:
    """A text of at least ``size`` bytes: the head, then fixture paragraphs in turn, the
    numbered ones renumbered so that the items run 1..n."""
    paras = paragraphs(folder)
    parts = [HEAD]
    total = len(HEAD.encode())
    n = 0
    i = 0
    while total < size:
        p = paras[i % len(paras)]
        i += 1
        head, dot, rest = p.partition(".")
        if dot and head.isdigit():
            n += 1
            p = f"{n}.{rest}"
        parts.append(p + "\n\n")
        total += len(p.encode()) + 2
    return "".join(parts)


def measure(sizes: tuple[int, ...] = SIZES, repeat: int = 3) -> list[Run]:
    """The fastest of ``repeat`` parses of a synthetic text of each size."""
    from szdata._parse import Registry, parse

    registry = Registry.load()
    runs = []
    for size in sizes:
        text = synthetic_text(size)
        best = float("inf")
        rows = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            art = parse(text, file_name="bench.txt", registry=registry)
            best = min(best, time.perf_counter() - t0)
            rows = len(art.figures) + len(art.dates) + len(art.mentions) + len(art.items)
        runs.append(Run(len(text.encode()), best, rows))
    return runs


def report(runs: list[Run], baseline: int = BASELINE) -> str:
    """A table of the runs, with each one's time per byte against the baseline's."""
    base = min(runs, key=lambda r: abs(r.size - baseline))
    lines = [
        "| size (bytes) | rows | seconds | µs per KB | per byte vs baseline |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        ratio = r.per_byte / base.per_byte if base.per_byte else float("nan")
        lines.append(
            f"| {r.size:,} | {r.rows:,} | {r.seconds:.3f} | {r.per_byte * 1e9:.1f} | {ratio:.2f} |"
        )
    lines.append(f"\nbaseline: the {base.size:,}-byte run")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=int, default=BASELINE)
    args = ap.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(report(measure(sizes, args.repeat), args.baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
