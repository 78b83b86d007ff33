"""The parse benchmark's harness at tiny sizes (no time is asserted)."""

from __future__ import annotations

from benchmarks import parse as bench


def test_synthetic_text_has_the_size_and_items_in_order() -> None:
    text = bench.synthetic_text(5_000)
    assert len(text.encode()) >= 5_000
    from szdata._parse import parse

    art = parse(text, file_name="b.txt")
    assert [i["item_no"] for i in art.items] == list(range(1, len(art.items) + 1))
    assert art.figures and art.dates


def test_report_has_one_line_per_size_and_ratio_one_at_baseline(capsys) -> None:
    assert bench.main(["--sizes", "2000,8000", "--repeat", "1", "--baseline", "8000"]) == 0
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert len(rows) == 2
    assert rows[1].rstrip(" |").endswith("1.00")
    assert "baseline: the" in out
