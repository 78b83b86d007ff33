"""The benchmark report's sections of issue 22, rendered from made-up measurements (fast).

``benchmarks/run.py`` itself runs in ``tests/test_benchmarks.py`` (slow tier); here only
what it writes from its numbers: the curators' table, ``build --check``, latency and the
README's table of ratios with its markers.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import run as bench


def _extra() -> dict:
    cur = {
        label: {name: {"seconds": s, "cpu": s * 0.9} for name in ("add", "review", "correct")}
        for label, s in (("shipped", 0.5), ("1,000", 0.8), ("10,000", 1.5))
    }
    return {
        "curators": cur,
        "build_check": {
            "label": "10,000",
            "clean": 8.0,
            "changed": 8.4,
            "rows_edited": 31_000,
            "output_lines": 116,
        },
        "latency": {
            "import_polars": 0.2,
            "info": 0.24,
            "validate_warm": 0.2,
            "validate_cold": 0.6,
            "frictionless": 0.8,
        },
        "load": {"pandas": 1.0, "load_pandas": 2.5, "load_polars": 1.5, "rows": 1_000_000},
        "parse": {"articles": 3000, "seconds": 2.0, "cpu": 1.5, "chars": 5282},
    }


def test_the_curators_build_check_and_latency_sections() -> None:
    lines = "\n".join(
        bench._curators_section(_extra()["curators"], _extra()["build_check"])
        + bench._latency_section(_extra()["latency"])
    )
    assert "| 10,000 | 1.50 s (1.35 s) | 3.0x ✗ |" in lines  # the target: at most 2x
    assert "| 1,000 | 0.80 s (0.72 s) | 1.6x |" in lines  # marked at the largest size only
    assert "| 8.00 s | 8.40 s | 1.05x ✓ |" in lines
    assert '| `szdata info` | 0.24 s | `python -c "import polars"` 0.20 s | 1.20x ✓ |' in lines
    assert "0.25x ✓" in lines and "0.75x ✗" in lines  # validate warm and cold


def test_the_readme_table_is_written_between_its_markers(tmp_path: Path) -> None:
    stat = bench.Stat
    size = {
        "figures": 1_000_000,
        "floor_raw": stat(2.0),
        "validate": stat(4.0, 1500.0),
        "warm": stat(2.2),
        "frictionless": stat(None),
    }
    table = bench.readme_table([size], _extra())
    assert "| `szdata validate`, 1,000,000 figures / reading every file | 2.0x (warm: 1.1x) |" in (
        table
    )
    assert "| `szdata.parse`, the shipped briefing | 2,000/s | 1,500/s |" in table
    assert "| `szdata add`, 10,000 articles / shipped package | 3.0x | at most 2x |" in table
    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- perf:start -->\nold\n<!-- perf:end -->\nb\n", encoding="utf-8")
    bench.update_readme(table, readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("a\n<!-- perf:start -->\n| measurement |") and "old" not in text
    assert text.endswith("<!-- perf:end -->\nb\n")


def test_the_code_is_compiled_before_it_is_measured(tmp_path: Path) -> None:
    import os

    (tmp_path / "a.py").write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("B = 2\n", encoding="utf-8")
    assert bench.compile_code(tmp_path) == 2  # no bytecode yet
    assert bench.compile_code(tmp_path) == 0  # as an install leaves it: nothing to do
    source = tmp_path / "a.py"
    source.write_text("A = 10\n", encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert bench.compile_code(tmp_path) == 1  # a changed module only
