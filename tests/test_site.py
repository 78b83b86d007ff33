"""The static review site: segmentation of texts, highlights, escaping, safe writing, the CLI."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szdata import _cli as cli
from szdata._cli import main
from szdata._package import open_package
from szdata._readers import read_text_table
from szdata._site import MARKER, SiteError, build_site
from szdata._site._charts import organizations_svg
from szdata._site._data import KINDS, format_value
from szdata._site._spans import Node, Span, primaries, segment

from .conftest import REPO

EVIL = "<script>window.__pwned=1;alert(1)</script>"

# --------------------------------------------------------------------------- helpers


class _Elements(HTMLParser):
    """Collect every element's attributes and text content, as a browser's DOM would."""

    VOID = frozenset({"meta", "link", "img", "br", "hr", "input", "source", "area", "base", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []
        self.script_sources: list[str | None] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.script_sources.append(dict(attrs).get("src"))
            self._in_script = True
        if tag in self.VOID:
            self.elements.append((tag, {k: v or "" for k, v in attrs}, []))
            return
        parts: list[str] = []
        self.elements.append((tag, {k: v or "" for k, v in attrs}, parts))
        self._open.append(parts)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        assert not self._in_script or not data.strip(), f"script body found: {data!r}"
        for parts in self._open:
            parts.append(data)


def parse(html: str) -> _Elements:
    p = _Elements()
    p.feed(html)
    p.close()
    return p


def text_of(page: _Elements, **attrs: str) -> list[str]:
    """The text content of every element whose attributes include ``attrs``."""
    return [
        "".join(parts)
        for _, a, parts in page.elements
        if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def highlights(page: _Elements) -> dict[str, tuple[str, str]]:
    """data-id -> (kind, text content) of the page's highlights (primary elements)."""
    out = {}
    for tag, a, parts in page.elements:
        if tag == "mark" and "data-id" in a:
            assert a["data-id"] not in out, f"two highlights for {a['data-id']}"
            out[a["data-id"]] = (a["data-kind"], "".join(parts))
    return out


def edit_csv(path: Path, key: str, value: str, changes: dict[str, str]) -> None:
    """Change the cells of the row whose column ``key`` is ``value``."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    hits = [r for r in rows if r[key] == value]
    assert hits, f"no row {key}={value} in {path}"
    for r in hits:
        r.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tree_text(tree: list) -> str:
    return "".join(n if isinstance(n, str) else n.text_content() for n in tree)


def fragments(tree: list, span_id: str) -> list[str]:
    """The texts of a span's primary node and its continuations, in document order."""
    out: list[str] = []
    for n in tree:
        if isinstance(n, Node):
            if n.span.id == span_id:
                out.append(n.text_content())
            else:
                out.extend(fragments(n.children, span_id))
    return out


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "site", path=REPO)


# --------------------------------------------------------------------------- segmentation

TEXT = "0123456789abcdef"

SEGMENT_CASES = {
    "none": [],
    "one": [("a", 2, 5)],
    "whole-text": [("a", 0, len(TEXT))],
    "nested": [("a", 0, 10), ("b", 3, 6)],
    "same-start": [("a", 0, 10), ("b", 0, 4)],
    "same-end": [("a", 0, 10), ("b", 6, 10)],
    "identical": [("a", 4, 8), ("b", 4, 8)],
    "adjacent": [("a", 0, 4), ("b", 4, 8)],
    "crossing": [("a", 0, 8), ("b", 5, 12)],
    "crossing-three": [("a", 0, 6), ("b", 3, 9), ("c", 5, 14)],
    "crossing-nested": [("a", 0, 12), ("b", 2, 6), ("c", 4, 9)],
}


@pytest.mark.parametrize("spans", SEGMENT_CASES.values(), ids=SEGMENT_CASES.keys())
def test_segment_keeps_the_text_and_gives_each_span_one_primary(spans: list) -> None:
    tree = segment(TEXT, [Span(i, "figure", s, e) for i, s, e in spans])
    assert tree_text(tree) == TEXT
    ids = [n.span.id for n in primaries(tree)]
    assert sorted(ids) == sorted(i for i, _, _ in spans)
    for i, s, e in spans:
        assert "".join(fragments(tree, i)) == TEXT[s:e]


@pytest.mark.parametrize(
    "spans",
    [SEGMENT_CASES[k] for k in ("nested", "same-start", "same-end", "identical", "adjacent")],
    ids=["nested", "same-start", "same-end", "identical", "adjacent"],
)
def test_nested_spans_are_never_split(spans: list) -> None:
    tree = segment(TEXT, [Span(i, "date", s, e) for i, s, e in spans])
    for i, s, e in spans:
        assert fragments(tree, i) == [TEXT[s:e]]


def test_crossing_span_goes_on_in_a_continuation() -> None:
    tree = segment(TEXT, [Span("a", "figure", 0, 8), Span("b", "mention", 5, 12)])
    assert fragments(tree, "a") == ["01234567"]
    assert fragments(tree, "b") == ["567", "89ab"]
    cont = [n for n in tree if isinstance(n, Node) and n.span.id == "b"]
    assert [n.continued for n in cont] == [True]


def test_items_stay_outside_highlights_that_start_before_them() -> None:
    item = Span("i1", "item", 4, 12, rank=0)
    fig = Span("f", "figure", 2, 6)
    tree = segment(TEXT, [fig, item])
    top = [n for n in tree if isinstance(n, Node)]
    assert [(n.span.id, n.continued) for n in top] == [("f", False), ("i1", False)]
    assert fragments(tree, "f") == ["23", "45"]


@pytest.mark.parametrize(
    ("start", "end"),
    [(3, 3), (5, 2), (-1, 2), (10, 99)],
    ids=["empty", "reversed", "neg", "past-end"],
)
def test_segment_refuses_bad_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="span 'x'"):
        segment(TEXT, [Span("x", "figure", start, end)])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), text=st.text(alphabet="ab \u00a0’\n<&", min_size=1, max_size=30))
def test_segment_property(data: st.DataObject, text: str) -> None:
    n = len(text)
    starts = data.draw(st.lists(st.integers(0, n - 1), max_size=8), label="starts")
    spans = [
        Span(f"s{i}", data.draw(st.sampled_from(list(KINDS))), a, data.draw(st.integers(a + 1, n)))
        for i, a in enumerate(starts)
    ]
    tree = segment(text, spans)
    assert tree_text(tree) == text
    assert sorted(p.span.id for p in primaries(tree)) == sorted(s.id for s in spans)
    for s in spans:
        parts = fragments(tree, s.id)  # the primary node first, then its continuations
        assert "".join(parts) == text[s.start : s.end]
        assert parts[0] == text[s.start : s.start + len(parts[0])]


# --------------------------------------------------------------------------- the shipped site


def test_every_row_is_one_highlight_with_its_quote(shipped_site: Path) -> None:
    pkg = open_package(REPO)
    articles = read_text_table(pkg.path_of("articles")).to_dicts()
    for art in articles:
        page = parse((shipped_site / "articles" / f"{art['article_id']}.html").read_text("utf-8"))
        found = highlights(page)
        expected = {}
        for kind, table in KINDS.items():
            key = pkg.schema(table).primary_key[0]
            for row in read_text_table(pkg.path_of(table)).to_dicts():
                if row["article_id"] == art["article_id"]:
                    expected[row[key]] = (kind, row["quote"])
        assert found == expected
        raw = pkg.file(art["raw_path"]).read_bytes().decode("utf-8")
        assert text_of(page, id="text") == [raw]  # NBSP, curly quotes and line breaks kept


def test_highlight_counts_per_kind_equal_the_tables(shipped_site: Path) -> None:
    pkg = open_package(REPO)
    counts: Counter[str] = Counter()
    for page_file in (shipped_site / "articles").glob("*.html"):
        counts.update(kind for kind, _ in highlights(parse(page_file.read_text("utf-8"))).values())
    assert counts == {k: read_text_table(pkg.path_of(t)).height for k, t in KINDS.items()}


def test_items_are_anchored_and_tooltips_described(shipped_site: Path) -> None:
    page = parse((shipped_site / "articles" / "004_4c9b5674638746a7.html").read_text("utf-8"))
    anchors = [a["id"] for _, a, _ in page.elements if a.get("data-kind") == "item" and "id" in a]
    assert anchors == [f"item-{n}" for n in range(1, 6)]
    desc = text_of(page, id="d-004_4c9b5674638746a7.f1731")[0]
    assert "250,000,000" in desc
    assert "CNY" in desc
    assert "item 2" in desc
    marks = [a for t, a, _ in page.elements if t == "mark" and "data-id" in a]
    assert all(a["tabindex"] == "0" and a["aria-describedby"] == f"d-{a['data-id']}" for a in marks)
    mention = text_of(page, id="d-004_4c9b5674638746a7.m502")[0]
    assert "Shenzhen Municipal People's Government (government)" in mention


def test_index_lists_version_tables_articles_in_date_order_and_charts(shipped_site: Path) -> None:
    html = (shipped_site / "index.html").read_text("utf-8")
    page = parse(html)
    assert f"Version {open_package(REPO).version} of" in text_of(page, id="main")[0]
    links = [
        a["href"]
        for t, a, _ in page.elements
        if t == "a" and a.get("href", "").startswith("articles/")
    ]
    assert links == ["articles/004_4c9b5674638746a7.html", "articles/000_7a64f3334c1b3195.html"]
    imgs = [a for t, a, _ in page.elements if t == "img"]
    assert [a["src"] for a in imgs] == ["charts/organizations.svg", "charts/articles.svg"]
    assert all(a["alt"] for a in imgs)
    for a in imgs:
        ET.parse(shipped_site / a["src"])  # well-formed SVG
    pkg = open_package(REPO)
    rows = ["".join(parts) for tag, _, parts in page.elements if tag == "tr"]
    for name in pkg.table_names():
        title = pkg.resource(name)["title"]
        assert f"{name}{title}{read_text_table(pkg.path_of(name)).height}" in rows


def test_pages_are_mobile_ready_and_load_only_their_own_script(shipped_site: Path) -> None:
    for f in [shipped_site / "index.html", *(shipped_site / "articles").glob("*.html")]:
        page = parse(f.read_text("utf-8"))
        metas = {a.get("name"): a.get("content") for t, a, _ in page.elements if t == "meta"}
        assert metas["viewport"] == "width=device-width, initial-scale=1"
        assert [s.rsplit("/", 1)[-1] for s in page.script_sources if s] == ["site.js"]
        assert None not in page.script_sources  # no inline scripts at all


def test_site_is_the_same_bytes_every_time(tmp_path: Path, shipped_site: Path) -> None:
    again = build_site(tmp_path / "again", path=REPO)
    files = sorted(p.relative_to(shipped_site) for p in shipped_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (shipped_site / rel).read_bytes() == (again / rel).read_bytes(), rel
    assert b"<dc:date>" not in (again / "charts" / "organizations.svg").read_bytes()


# --------------------------------------------------------------------------- escaping


def test_script_in_the_data_is_escaped(package_copy: Path, tmp_path: Path) -> None:
    edit_csv(
        package_copy / "data/figures.csv",
        "figure_id",
        "000_7a64f3334c1b3195.f2253",
        {"counted": EVIL},
    )
    edit_csv(
        package_copy / "data/curation/organizations.csv",
        "organization_id",
        "shenzhen-government",
        {"name": EVIL},
    )
    edit_csv(
        package_copy / "data/articles.csv",
        "article_id",
        "000_7a64f3334c1b3195",
        {"title": EVIL, "url": "javascript:alert(1)"},
    )
    raw = package_copy / "data/raw/000_7a64f3334c1b3195.txt"
    raw.write_bytes(raw.read_bytes() + f"\n{EVIL}".encode())
    site = build_site(tmp_path / "site", path=package_copy)
    for f in site.rglob("*"):
        if f.suffix in (".html", ".svg"):
            text = f.read_text("utf-8")
            assert "<script>window" not in text, f
            assert "javascript:" not in text, f
    page = parse((site / "articles/000_7a64f3334c1b3195.html").read_text("utf-8"))
    assert EVIL in text_of(page, id="d-000_7a64f3334c1b3195.f2253")[0]
    assert EVIL in text_of(page, id="d-000_7a64f3334c1b3195.m114")[0]
    assert text_of(page, id="text")[0].endswith(EVIL)
    assert EVIL in text_of(parse((site / "index.html").read_text("utf-8")), id="main")[0]
    ET.parse(site / "charts/organizations.svg")  # the name is escaped in the SVG too


# --------------------------------------------------------------------------- bad data


def _quote_mismatch(pkg: Path) -> None:
    edit_csv(
        pkg / "data/figures.csv", "figure_id", "000_7a64f3334c1b3195.f2253", {"quote": "41.300"}
    )


def _offsets_not_integers(pkg: Path) -> None:
    edit_csv(pkg / "data/dates.csv", "date_id", "000_7a64f3334c1b3195.d275", {"start": "x"})


def _offsets_past_end(pkg: Path) -> None:
    edit_csv(pkg / "data/mentions.csv", "mention_id", "000_7a64f3334c1b3195.m97", {"end": "99999"})


def _unknown_article(pkg: Path) -> None:
    edit_csv(
        pkg / "data/figures.csv",
        "figure_id",
        "000_7a64f3334c1b3195.f198",
        {"article_id": "999_nope"},
    )


def _bad_article_id(pkg: Path) -> None:
    edit_csv(
        pkg / "data/articles.csv", "article_id", "000_7a64f3334c1b3195", {"article_id": "../evil"}
    )


BAD = {
    "quote-mismatch": (
        _quote_mismatch,
        r"figures\.csv: line 6: column 'quote': '41\.300' is not raw\[2253:2259\] = '41,300'",
    ),
    "offsets-not-integers": (
        _offsets_not_integers,
        r"dates\.csv: line 2: columns 'start'/'end' must be integers, got 'x'",
    ),
    "offsets-past-end": (
        _offsets_past_end,
        r"mentions\.csv: line 2: offsets \[97, 99999\) lie outside",
    ),
    "unknown-article": (
        _unknown_article,
        r"figures\.csv: line 2: column 'article_id': unknown article '999_nope'",
    ),
    "bad-article-id": (_bad_article_id, r"article_id '\.\./evil' does not match the pattern"),
}


@pytest.mark.parametrize(("breaker", "message"), BAD.values(), ids=BAD.keys())
def test_bad_rows_are_refused_with_file_line_column_and_hint(
    package_copy: Path, tmp_path: Path, breaker, message: str
) -> None:
    breaker(package_copy)
    with pytest.raises(SiteError, match=message) as err:
        build_site(tmp_path / "site", path=package_copy)
    assert "hint:" in str(err.value)
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]  # no temporary folder left


# --------------------------------------------------------------------------- writing safely


def test_a_folder_with_other_files_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SiteError, match="is not empty and is not a site built by szdata"):
        build_site(out, path=REPO)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    build_site(out, path=REPO, force=True)
    assert not (out / "notes.txt").exists()
    assert (out / MARKER).is_file()


@pytest.mark.parametrize("guard", ["datapackage.json", ".git", "pyproject.toml"])
def test_a_package_or_repository_is_never_replaced(tmp_path: Path, guard: str) -> None:
    (tmp_path / guard).mkdir()
    with pytest.raises(SiteError, match=f"holds {guard}: .* never replaces, even with --force"):
        build_site(tmp_path, path=REPO, force=True)
    assert [p.name for p in tmp_path.iterdir()] == [guard]


def test_a_previous_site_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    build_site(out, path=REPO)
    (out / "stale.html").write_text("old")
    build_site(out, path=REPO)
    assert not (out / "stale.html").exists()
    marker = {"generator": "szdata site", "version": open_package(REPO).version}
    assert json.loads((out / MARKER).read_text()) == marker
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(SiteError, match="is not a folder"):
        build_site(tmp_path / "out", path=REPO)


def test_cli_writes_the_site_and_reports_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "site" in cli.COMMAND_MODULES
    out = tmp_path / "out"
    assert main(["site", str(out), "--path", str(REPO)]) == 0
    assert "index.html" in capsys.readouterr().out
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    assert main(["site", str(tmp_path / "taken"), "--path", str(REPO)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["site", str(tmp_path / "taken"), "--path", str(REPO), "--force"]) == 0
    assert main(["site", str(tmp_path / "o2"), "--path", str(tmp_path / "nowhere")]) == 2


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("ftype", "value", "shown"),
    [
        ("number", "41300", "41,300"),
        ("number", "97.5", "97.5"),
        ("number", "0", "0"),
        ("integer", "3625", "3,625"),
        ("number", "n/a", "n/a"),
        ("string", "10000", "10000"),
    ],
    ids=["thousands", "decimal", "zero", "integer", "not-a-number", "string"],
)
def test_format_value(ftype: str, value: str, shown: str) -> None:
    assert format_value(ftype, value) == shown


def test_organization_chart_escapes_names_and_is_deterministic() -> None:
    svg = organizations_svg([("x", 2), ("y", 1)], {"x": EVIL, "y": "A & B"})
    assert svg == organizations_svg([("x", 2), ("y", 1)], {"x": EVIL, "y": "A & B"})
    root = ET.fromstring(svg.encode())
    texts = "".join(root.itertext())
    assert "A & B" in texts
    assert "<script>" not in svg


def test_site_module_imports_no_heavy_library() -> None:
    code = (
        "import sys, szdata, szdata._site; "
        "print(sorted(m for m in ('matplotlib', 'jinja2', 'polars') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
