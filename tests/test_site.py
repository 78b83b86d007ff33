"""The static review site: segmentation, highlights, decisions, the reviewer's queue, downloads.

Exact rows are tested on a package built in a temporary folder (:func:`make_review_package`):
a copy of the shipped package with two fixture texts added by ``szdata add``, curation
decisions of every action on them, one left unreviewed and one whose text changed since its
review. Tests of the shipped package's site assert invariants over whatever rows it has.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szdata._commands import _main as cli
from szdata._commands._main import main
from szdata._curate._checklist import CHECKLIST
from szdata._disk._package import open_package
from szdata._disk._readers import read_text_table
from szdata._site import MARKER, SiteError, build_site
from szdata._site._charts import abbreviate, bar_width, organizations_chart
from szdata._site._data import KINDS, format_value
from szdata._site._spans import Node, Span, primaries, segment

from .conftest import REPO, copy_package

EVIL = "<script>window.__pwned=1;alert(1)</script>"
MARKUP = "$x$ [/b] [bold]"  # mathtext and console markup: must stay text
FIXTURES = Path(__file__).parent / "fixtures"
STORY = FIXTURES / "site" / "fixture_site_story.txt"
BRIEFING = FIXTURES / "contribution" / "fixture_briefing_mar26.txt"

# --------------------------------------------------------------------------- helpers


class _Elements(HTMLParser):
    """Collect every element's attributes and text content, as a browser's DOM would."""

    VOID = frozenset(
        {"meta", "link", "img", "br", "hr", "input", "source", "area", "base", "col", "wbr"}
    )

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


def page_of(path: Path) -> _Elements:
    return parse(path.read_text("utf-8"))


def text_of(page: _Elements, **attrs: str) -> list[str]:
    """The text content of every element whose attributes include ``attrs``."""
    return [
        "".join(parts)
        for _, a, parts in page.elements
        if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def elements(page: _Elements, tag: str, **attrs: str) -> list[tuple[dict[str, str], str]]:
    """(attributes, text) of every ``tag`` element whose attributes include ``attrs``."""
    return [
        (a, "".join(parts))
        for t, a, parts in page.elements
        if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def highlights(page: _Elements) -> dict[str, tuple[str, str]]:
    """data-id -> (kind, text content) of the page's row highlights (primary elements)."""
    out = {}
    for tag, a, parts in page.elements:
        if tag == "mark" and "data-id" in a and a.get("data-kind") in KINDS:
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


def site_pages(site: Path) -> list[Path]:
    return [
        site / "index.html",
        site / "decisions.html",
        *sorted((site / "articles").glob("*.html")),
    ]


# --------------------------------------------------------------------------- the review package


@dataclass(frozen=True)
class ReviewPackage:
    """A package with added articles, decisions of every action and a queue to review."""

    path: Path
    story: str  # added, with decisions, not reviewed
    briefing: str  # added, reviewed, then its text changed since the review
    decisions: dict[str, str]  # what -> decision id
    stale_sha256: str


def _run_cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def _append_decisions(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        fields = csv.DictReader(fh).fieldnames
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=fields, lineterminator="\n").writerows(rows)


def _next_numbers(path: Path, n: int) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        used = [int(r["decision_id"][1:]) for r in csv.DictReader(fh)]
    top = max(used, default=0)
    return [f"D{top + i:04d}" for i in range(1, n + 1)]


def set_review_sha256(pkg: Path, article_id: str, sha256: str) -> None:
    """Give the article's review the hash of the text it covered (a column since reviews v2)."""
    path = pkg / "data/curation/reviews.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    if "sha256" not in fields:
        fields.insert(fields.index("reviewed_on") + 1, "sha256")
    for r in rows:
        r.setdefault("sha256", "")
        if r["article_id"] == article_id:
            r["sha256"] = sha256
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make_review_package(dest: Path) -> ReviewPackage:
    """The shipped package plus two fixture texts, five decisions and a changed review."""
    pkg = copy_package(dest)
    story, briefing = STORY.stem, BRIEFING.stem
    _run_cli("add", str(STORY), str(BRIEFING), "--path", str(pkg))
    decisions_csv = pkg / "data/curation/decisions.csv"
    ids = dict(
        zip(
            ("set", "remove", "add", "note", "writers"),
            _next_numbers(decisions_csv, 5),
            strict=True,
        )
    )
    common = {"decided_on": "2026-12-01", "decided_by": "Fixture Curator"}
    added = {
        "date_id": f"{story}.d253",
        "article_id": story,
        "date": "2020-04-15",
        "resolution": "explicit",
        "start": 253,
        "end": 263,
        "quote": "15/04/2020",
    }
    _append_decisions(
        decisions_csv,
        [
            {
                "decision_id": ids["set"],
                "table": "figures",
                "key": f"{story}.f229",
                "action": "set",
                "column": "counted",
                "parsed_value": "clinics",
                "curated_value": "fever clinics",
                "reason": "The clinics counted are fever clinics (see the sentence before).",
                "evidence": "the city opened 12 fever clinics on Wednesday",
                **common,
            },
            {
                "decision_id": ids["remove"],
                "table": "figures",
                "key": f"{story}.f15",
                "action": "remove",
                "column": "",
                "parsed_value": "",
                "curated_value": "",
                "reason": "The 12 of the title repeats the 12 clinics of the text.",
                "evidence": "Shenzhen opens 12 fever clinics",
                **common,
            },
            {
                "decision_id": ids["add"],
                "table": "dates",
                "key": f"{story}.d253",
                "action": "add",
                "column": "",
                "parsed_value": "",
                "curated_value": json.dumps(added),
                "reason": "The parser does not read day/month/year dates.",
                "evidence": "https://example.org/fixture/a-date-the-parser-misses.html",
                **common,
            },
            {
                "decision_id": ids["note"],
                "table": "dates",
                "key": f"{story}.d351",
                "action": "note",
                "column": "date",
                "parsed_value": "",
                "curated_value": "2020-04-01",
                "reason": "Yesterday is the day before the header's date.",
                "evidence": "Updated: 2020-04-02",
                **common,
            },
            {
                "decision_id": ids["writers"],
                "table": "articles",
                "key": story,
                "action": "set",
                "column": "writers",
                "parsed_value": "Fixture Writer",
                "curated_value": "Fixture Writer-Smith",
                "reason": "The byline drops the second half of the writer's name.",
                "evidence": "https://example.org/fixture/byline",
                **common,
            },
        ],
    )
    _run_cli("build", "--path", str(pkg))
    _run_cli("review", briefing, "--accept", "--reviewer", "Fixture Reviewer", "--path", str(pkg))
    stale = hashlib.sha256(b"the text as it was when it was reviewed").hexdigest()
    set_review_sha256(pkg, briefing, stale)
    _run_cli("build", "--path", str(pkg))
    return ReviewPackage(pkg, story, briefing, ids, stale)


@pytest.fixture(scope="module")
def review_package(tmp_path_factory: pytest.TempPathFactory) -> ReviewPackage:
    return make_review_package(tmp_path_factory.mktemp("review") / "pkg")


@pytest.fixture(scope="module")
def review_site(review_package: ReviewPackage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(
        tmp_path_factory.mktemp("review-site") / "site", path=review_package.path, exports=False
    )


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "site", path=REPO, exports=False)


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
        page = page_of(shipped_site / "articles" / f"{art['article_id']}.html")
        expected = {}
        for kind, table in KINDS.items():
            key = pkg.schema(table).primary_key[0]
            for row in read_text_table(pkg.path_of(table)).to_dicts():
                if row["article_id"] == art["article_id"]:
                    expected[row[key]] = (kind, row["quote"])
        assert highlights(page) == expected
        raw = pkg.file(art["raw_path"]).read_bytes().decode("utf-8")
        assert text_of(page, id="text") == [raw]  # NBSP, curly quotes and line breaks kept


def test_highlight_counts_per_kind_equal_the_tables(shipped_site: Path) -> None:
    pkg = open_package(REPO)
    counts: Counter[str] = Counter()
    for page_file in (shipped_site / "articles").glob("*.html"):
        counts.update(kind for kind, _ in highlights(page_of(page_file)).values())
    assert counts == {k: read_text_table(pkg.path_of(t)).height for k, t in KINDS.items()}


def test_every_shipped_decision_is_on_its_article_page(shipped_site: Path) -> None:
    pkg = open_package(REPO)
    rows_of = {t: read_text_table(pkg.path_of(t)).to_dicts() for t in pkg.table_names()}
    keys = {
        t: {r[pkg.schema(t).primary_key[0]]: r for r in rows_of[t]}
        for t in ("articles", *KINDS.values(), "items")
    }
    decisions_page = page_of(shipped_site / "decisions.html")
    for d in rows_of["decisions"]:
        row = keys[d["table"]].get(d["key"])
        art = row["article_id"] if row else d["key"].partition(".")[0]
        page = page_of(shipped_site / "articles" / f"{art}.html")
        cards = text_of(page, id=d["decision_id"])
        assert len(cards) == 1, d["decision_id"]
        assert d["reason"] in cards[0]
        assert len(text_of(decisions_page, id=d["decision_id"])) == 1


def test_index_lists_every_article_in_date_order_and_every_table(shipped_site: Path) -> None:
    page = page_of(shipped_site / "index.html")
    pkg = open_package(REPO)
    assert f"Version {pkg.version} of" in text_of(page, id="main")[0]
    articles = read_text_table(pkg.path_of("articles")).to_dicts()
    order = [
        a["article_id"] for a in sorted(articles, key=lambda a: (a["published"], a["article_id"]))
    ]
    rows = elements(page, "table", **{"class": "articles"})
    assert rows, "no articles table"
    links = [
        a["href"]
        for t, a, _ in page.elements
        if t == "a" and a.get("href", "").startswith("articles/")
    ]
    assert [h for h in links if h.count("/") == 1 and "#" not in h][-len(order) :] == [
        f"articles/{i}.html" for i in order
    ]
    body = text_of(page, id="main")[0]
    for name in pkg.table_names():
        assert pkg.resource(name)["title"] in body
    assert elements(page, "img") == []  # charts are tables, not images


def test_pages_are_mobile_ready_and_load_only_their_own_script(shipped_site: Path) -> None:
    for f in site_pages(shipped_site):
        page = page_of(f)
        metas = {a.get("name"): a.get("content") for t, a, _ in page.elements if t == "meta"}
        assert metas["viewport"] == "width=device-width, initial-scale=1"
        assert [s.rsplit("/", 1)[-1] for s in page.script_sources if s] == ["site.js"]
        assert None not in page.script_sources  # no inline scripts at all
        assert not [a for _, a, _ in page.elements if "style" in a]  # the CSP forbids them


def test_the_shipped_package_validates_on_the_index(shipped_site: Path) -> None:
    page = page_of(shipped_site / "index.html")
    assert "The package validates: no errors" in text_of(page, id="main")[0]


# --------------------------------------------------------------------------- decisions


def test_every_decision_is_listed_on_its_article_page(
    review_package: ReviewPackage, review_site: Path
) -> None:
    page = page_of(review_site / "articles" / f"{review_package.story}.html")
    cards = {a["id"]: text for a, text in elements(page, "li", **{"class": "decision"})}
    assert set(review_package.decisions.values()) <= set(cards)
    ids = review_package.decisions
    set_card = cards[ids["set"]]
    assert "figures.counted" in set_card and "clinics" in set_card and "fever clinics" in set_card
    assert "Fixture Curator" in set_card and "2026-12-01" in set_card
    assert "the city opened 12 fever clinics" in set_card  # a quote as evidence: text
    add_card = cards[ids["add"]]
    assert "15/04/2020" in add_card and "(no row)" in add_card
    evidence_links = [
        a["href"] for a, _ in elements(page, "a") if a.get("href", "").startswith("https://")
    ]
    assert "https://example.org/fixture/a-date-the-parser-misses.html" in evidence_links
    assert "(removed)" in cards[ids["remove"]] and "“12”" in cards[ids["remove"]]
    assert "noted: 2020-04-01" in cards[ids["note"]]
    assert (
        "Fixture Writer" in cards[ids["writers"]]
        and "Fixture Writer-Smith" in cards[ids["writers"]]
    )


def test_rows_changed_or_added_are_marked_in_the_text_and_tables(
    review_package: ReviewPackage, review_site: Path
) -> None:
    story, ids = review_package.story, review_package.decisions
    page = page_of(review_site / "articles" / f"{story}.html")
    marks = {a["data-id"]: a for a, _ in elements(page, "mark") if "data-id" in a}
    for what, row in (
        ("set", f"{story}.f229"),
        ("add", f"{story}.d253"),
        ("note", f"{story}.d351"),
    ):
        assert ids[what] in marks[row]["data-decisions"].split(), what
        assert "decided" in marks[row]["class"]
        (tr,) = [a for a, _ in elements(page, "tr") if a.get("id") == f"r-{row}"]
        assert tr["class"] == "decided"
    refs = {a["href"] for a, _ in elements(page, "a", **{"class": "dref"})}
    assert {f"#{i}" for i in ids.values()} <= refs  # each decision is linked from the text
    anchors = {a["id"] for _, a, _ in page.elements if "id" in a}
    for href in {a["href"] for a, _ in elements(page, "a") if a.get("href", "").startswith("#")}:
        assert href[1:] in anchors, href
    # the removed figure and the corrected byline are marked where the text prints them
    removed = marks[ids["remove"]]
    assert removed["data-kind"] == "decision"
    assert text_of(page, id=f"h-{ids['remove']}")[0] == "12"
    assert text_of(page, id=f"h-{ids['writers']}")[0] == "Fixture Writer"
    assert f"{story}.f15" not in marks  # the removed row is not a figure any more
    assert "decision" in text_of(page, id="meta-writers")[0]
    raw = STORY.read_text(encoding="utf-8")
    assert text_of(page, id="text") == [raw]  # the markers are CSS: the text stays the text


def test_the_decisions_page_lists_all_and_links_resolve(
    review_package: ReviewPackage, review_site: Path
) -> None:
    page = page_of(review_site / "decisions.html")
    pkg_decisions = read_text_table(review_package.path / "data/curation/decisions.csv")
    cards = [a["id"] for a, _ in elements(page, "li", **{"class": "decision"})]
    assert sorted(cards) == sorted(pkg_decisions["decision_id"].to_list())
    for a, _ in elements(page, "a"):
        href = a.get("href", "")
        if href.startswith("articles/"):
            file, _, anchor = href.partition("#")
            target = page_of(review_site / file)
            assert not anchor or anchor in {x["id"] for _, x, _ in target.elements if "id" in x}, (
                href
            )


# --------------------------------------------------------------------------- the reviewer's queue


def test_the_queue_lists_changed_then_unreviewed_articles(
    review_package: ReviewPackage, review_site: Path
) -> None:
    page = page_of(review_site / "index.html")
    (table,) = [t for a, t in elements(page, "table") if a.get("class") == "todo"]
    assert "Text changed since its review" in table and "Not reviewed yet" in table
    hrefs = [a["href"] for a, _ in elements(page, "a") if a.get("href", "").startswith("articles/")]
    first = hrefs.index(f"articles/{review_package.briefing}.html")
    assert first < hrefs.index(f"articles/{review_package.story}.html")


def test_the_page_of_a_text_changed_since_review_says_so(
    review_package: ReviewPackage, review_site: Path
) -> None:
    page = page_of(review_site / "articles" / f"{review_package.briefing}.html")
    (note,) = text_of(page, id="changed")
    assert "The text changed since its review" in note
    assert review_package.stale_sha256 in note and "Fixture Reviewer" in note
    other = page_of(review_site / "articles" / f"{review_package.story}.html")
    assert text_of(other, id="changed") == []
    assert "Not reviewed yet" in text_of(other, id="main")[0]


def test_every_article_page_shows_the_reviewers_checklist(review_site: Path) -> None:
    for f in (review_site / "articles").glob("*.html"):
        (section,) = [
            t for a, t in elements(page_of(f), "section") if a.get("class") == "checklist"
        ]
        for part in CHECKLIST:
            for check in part.checks:
                assert check.replace("`", "") in section, (f.name, check)
        assert f"szdata review {f.stem} --accept" in section


def test_validation_errors_are_listed_and_the_site_still_built(
    review_package: ReviewPackage, tmp_path: Path
) -> None:
    import shutil

    pkg = shutil.copytree(review_package.path, tmp_path / "pkg")
    story = review_package.story
    edit_csv(pkg / "data/figures.csv", "figure_id", f"{story}.f313", {"quote": "Less than 2,000"})
    edit_csv(pkg / "data/figures.csv", "figure_id", f"{story}.f383", {"start": "x"})
    site = build_site(tmp_path / "site", path=pkg, exports=False)
    index = text_of(page_of(site / "index.html"), id="main")[0]
    assert "The package fails validation" in index
    assert "provenance.quote-span" in index
    assert "data/figures.csv" in index and "Not shown on this site" in index
    page = page_of(site / "articles" / f"{story}.html")
    assert f"{story}.f313" not in highlights(page) and f"{story}.f383" not in highlights(page)
    problems = text_of(page, id="main")[0]
    assert "'Less than 2,000' is not raw[313:328]" in problems
    assert "columns 'start'/'end' must be integers, got 'x'" in problems
    assert text_of(page, id="text") == [STORY.read_text(encoding="utf-8")]


# --------------------------------------------------------------------------- downloads


def _local_links(page_file: Path) -> list[str]:
    return [
        a["href"]
        for a, _ in elements(page_of(page_file), "a")
        if "href" in a and not a["href"].startswith(("http://", "https://", "#"))
    ]


def test_every_link_of_every_page_resolves(review_site: Path) -> None:
    for f in site_pages(review_site):
        for href in _local_links(f):
            target = (f.parent / href.partition("#")[0]).resolve()
            assert target.is_file(), (f.name, href)
            assert review_site.resolve() in target.parents


def test_the_package_copy_is_the_package(review_package: ReviewPackage, review_site: Path) -> None:
    import szdata

    copy = review_site / "package"
    src = open_package(review_package.path)
    for name in src.table_names():
        assert (copy / src.resource(name)["path"]).read_bytes() == src.path_of(name).read_bytes()
    for res in src.raw_resources():
        assert (copy / res["path"]).read_bytes() == (src.root / res["path"]).read_bytes()
    ours, theirs = szdata.validate(copy), szdata.validate(review_package.path)
    assert [(i.rule, i.where) for i in ours.issues] == [(i.rule, i.where) for i in theirs.issues]
    hrefs = _local_links(review_site / "index.html")
    assert "package/datapackage.json" in hrefs
    for name in src.table_names():
        assert f"package/{src.resource(name)['path']}" in hrefs
    for f in (review_site / "articles").glob("*.html"):
        assert any(h.startswith("../package/data/raw/") for h in _local_links(f)), f.name


def test_exports_are_offered_when_they_can_be_built(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    site = build_site(tmp_path / "site", path=REPO, exports=True)
    hrefs = _local_links(site / "index.html")
    assert "exports/szdata.sqlite" in hrefs
    tables = open_package(REPO).table_names()
    assert {f"exports/parquet/{t}.parquet" for t in tables} <= set(hrefs)
    import sqlite3

    con = sqlite3.connect(site / "exports/szdata.sqlite")
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert n == read_text_table(REPO / "data/articles.csv").height
    none = build_site(tmp_path / "none", path=REPO, exports=False)
    assert not (none / "exports").exists()
    assert not [h for h in _local_links(none / "index.html") if h.startswith("exports/")]


def test_an_export_the_package_cannot_give_is_said_not_linked(
    package_copy: Path, tmp_path: Path
) -> None:
    units = package_copy / "data/curation/units.csv"
    edit_csv(units, "unit", "count", {"dimension": "not-a-dimension"})
    site = build_site(tmp_path / "site", path=package_copy, exports=True)
    index = text_of(page_of(site / "index.html"), id="main")[0]
    assert "not built" in index
    assert not [h for h in _local_links(site / "index.html") if h.startswith("exports/")]


def test_a_missing_export_library_is_said_or_refused(
    review_package: ReviewPackage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import szdata._export as export_module

    def missing(*_args: object, **_kw: object) -> None:
        raise ModuleNotFoundError("No module named 'pyarrow'")

    monkeypatch.setattr(export_module, "export", missing)
    site = build_site(tmp_path / "auto", path=review_package.path)  # default: when importable
    index = page_of(site / "index.html")
    assert not [h for h in _local_links(site / "index.html") if h.startswith("exports/")]
    assert "pip install 'szdata[export]'" in text_of(index, id="main")[0]
    assert not (site / "exports").exists()
    with pytest.raises(SiteError, match=r"hint: pip install 'szdata\[export\]'"):
        build_site(tmp_path / "required", path=review_package.path, exports=True)
    assert not (tmp_path / "required").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["auto"]  # no temporary folder left


# --------------------------------------------------------------------------- charts


def test_charts_are_tables_with_bars_and_captions(review_site: Path) -> None:
    page = page_of(review_site / "index.html")
    charts = [a for a, _ in elements(page, "figure", **{"class": "chart"})]
    assert [c["aria-labelledby"] for c in charts] == ["cap-units", "cap-organizations"]
    captions = [t for a, t in elements(page, "caption")]
    assert any("Figures by unit" in c for c in captions)
    assert any("Organizations by mentions" in c for c in captions)
    fills = [a["class"] for a, _ in elements(page, "span") if "fill" in a.get("class", "").split()]
    assert fills and all(any(c.startswith("w-") for c in f.split()) for f in fills)
    css = (review_site / "static/bars.css").read_text(encoding="utf-8")
    assert ".w-0 {" in css and ".w-100 {" in css


def test_bar_widths_and_abbreviations() -> None:
    assert [bar_width(n, 7) for n in (0, 1, 7)] == [0, 15, 100]
    name = "The Very Long Name of an Organization That Goes On and On and On Past Eighty Characters"
    chart = organizations_chart([("x", 3)], {"x": {"name": name, "kind": "party"}})
    (bar,) = chart.bars
    assert bar.full == name and bar.label == abbreviate(name) and bar.label.endswith("…")
    assert len(bar.label) <= 80


# --------------------------------------------------------------------------- escaping


def test_markup_in_the_data_is_shown_as_text(review_package: ReviewPackage, tmp_path: Path) -> None:
    import shutil

    pkg = shutil.copytree(review_package.path, tmp_path / "pkg")
    story = review_package.story
    evil_name = f"{EVIL} {MARKUP}"
    edit_csv(pkg / "data/figures.csv", "figure_id", f"{story}.f313", {"counted": evil_name})
    edit_csv(
        pkg / "data/curation/organizations.csv",
        "organization_id",
        "sz-health-commission",
        {"name": evil_name},
    )
    edit_csv(
        pkg / "data/articles.csv",
        "article_id",
        story,
        {"title": evil_name, "url": "javascript:alert(1)"},
    )
    edit_csv(
        pkg / "data/curation/decisions.csv",
        "decision_id",
        review_package.decisions["set"],
        {"reason": evil_name, "evidence": "javascript:alert(1) " + MARKUP},
    )
    site = build_site(tmp_path / "site", path=pkg, exports=False)
    for f in site.rglob("*.html"):
        text = f.read_text("utf-8")
        assert "<script>window" not in text, f
        assert 'href="javascript:' not in text, f
    page = page_of(site / "articles" / f"{story}.html")
    assert evil_name in text_of(page, id=f"d-{story}.f313")[0]
    assert evil_name in text_of(page, id=review_package.decisions["set"])[0]
    assert evil_name in text_of(page_of(site / "index.html"), id="main")[0]  # chart and queue
    assert evil_name in text_of(page_of(site / "decisions.html"), id="main")[0]


def test_cli_output_keeps_markup_as_text(
    review_package: ReviewPackage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "[/b] $x$ site"
    assert main(["site", str(out), "--path", str(review_package.path), "--no-exports"]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "reviewer's queue" in printed


# --------------------------------------------------------------------------- bad data


def _quote_mismatch(pkg: Path, story: str) -> str:
    edit_csv(pkg / "data/figures.csv", "figure_id", f"{story}.f383", {"quote": "481"})
    return r"data/figures.csv:\d+ column quote: '481' is not raw\[383:386\] = '480'"


def _offsets_past_end(pkg: Path, story: str) -> str:
    edit_csv(pkg / "data/mentions.csv", "mention_id", f"{story}.m103", {"end": "99999"})
    return r"data/mentions.csv:\d+ column end: offsets \[103, 99999\) lie outside"


def _unknown_article(pkg: Path, story: str) -> str:
    edit_csv(pkg / "data/dates.csv", "date_id", f"{story}.d131", {"article_id": "999_nope"})
    return r"data/dates.csv:\d+ column article_id: unknown article '999_nope'"


def _bad_article_id(pkg: Path, story: str) -> str:
    edit_csv(pkg / "data/articles.csv", "article_id", story, {"article_id": "../evil"})
    return r"data/articles.csv:\d+ column article_id: article_id '\.\./evil' does not match"


def _missing_raw(pkg: Path, story: str) -> str:
    (pkg / "data/raw" / f"{story}.txt").unlink()
    return r"data/articles.csv:\d+ column raw_path: article '[a-z_]+' names a missing raw text"


def _unreadable_table(pkg: Path, story: str) -> str:
    (pkg / "data/items.csv").write_bytes(b"\xff\xfe not utf-8")
    return r"data/items.csv: the table cannot be read"


BAD = {
    "quote-mismatch": _quote_mismatch,
    "offsets-past-end": _offsets_past_end,
    "unknown-article": _unknown_article,
    "bad-article-id": _bad_article_id,
    "missing-raw": _missing_raw,
    "unreadable-table": _unreadable_table,
}


@pytest.mark.parametrize("breaker", BAD.values(), ids=BAD.keys())
def test_bad_rows_are_listed_with_file_line_column_and_hint(
    review_package: ReviewPackage, tmp_path: Path, breaker
) -> None:
    import re
    import shutil

    pkg = shutil.copytree(review_package.path, tmp_path / "pkg")
    expected = breaker(pkg, review_package.story)
    site = build_site(tmp_path / "site", path=pkg, exports=False)
    page = page_of(site / "index.html")
    problems = [
        " ".join(t.split()) for a, t in elements(page, "ul") if a.get("class") == "problems"
    ]
    assert problems and re.search(expected, problems[0]), problems
    assert "Hint:" in problems[0]
    main_text = text_of(page, id="main")[0]
    assert "The package fails validation" in main_text or "could not be validated" in main_text
    for f in site_pages(site):
        assert f.stat().st_size > 0


# --------------------------------------------------------------------------- determinism


def test_site_is_the_same_bytes_every_time(review_package: ReviewPackage, tmp_path: Path) -> None:
    one = build_site(tmp_path / "one", path=review_package.path)
    two = build_site(tmp_path / "two", path=review_package.path)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for rel in files:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


# --------------------------------------------------------------------------- writing safely


def test_a_folder_with_other_files_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SiteError, match="is not empty and is not a site built by szdata"):
        build_site(out, path=REPO, exports=False)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    build_site(out, path=REPO, force=True, exports=False)
    assert not (out / "notes.txt").exists()
    assert (out / MARKER).is_file()


@pytest.mark.parametrize("guard", ["datapackage.json", ".git", "pyproject.toml"])
def test_a_package_or_repository_is_never_replaced(tmp_path: Path, guard: str) -> None:
    (tmp_path / guard).mkdir()
    with pytest.raises(SiteError, match=f"holds {guard}: .* never replaces, even with --force"):
        build_site(tmp_path, path=REPO, force=True, exports=False)
    assert [p.name for p in tmp_path.iterdir()] == [guard]


def test_a_previous_site_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    build_site(out, path=REPO, exports=False)
    (out / "stale.html").write_text("old")
    build_site(out, path=REPO, exports=False)
    assert not (out / "stale.html").exists()
    marker = json.loads((out / MARKER).read_text())
    assert marker["generator"] == "szdata site"
    assert marker["version"] == open_package(REPO).version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(SiteError, match="is not a folder"):
        build_site(tmp_path / "out", path=REPO, exports=False)


def test_cli_writes_the_site_and_reports_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "site" in cli.COMMAND_MODULES
    out = tmp_path / "out"
    assert main(["site", str(out), "--path", str(REPO), "--no-exports"]) == 0
    printed = capsys.readouterr().out
    assert "index.html" in printed and "validation: no errors" in printed
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    assert main(["site", str(tmp_path / "taken"), "--path", str(REPO), "--no-exports"]) == 1
    assert "--force" in capsys.readouterr().err
    assert (
        main(["site", str(tmp_path / "taken"), "--path", str(REPO), "--force", "--no-exports"]) == 0
    )
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


def test_site_module_imports_no_heavy_library() -> None:
    code = (
        "import sys, szdata, szdata._site; "
        "print(sorted(m for m in ('matplotlib', 'jinja2', 'polars') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_building_the_site_needs_no_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "from szdata._site import build_site; "
        f"build_site({str(tmp_path / 's')!r}, exports=False); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
