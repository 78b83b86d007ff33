"""The review site in a real browser: Debian's headless Chromium, driven by Playwright.

Install the browser with ``apt-get install -y chromium``; these tests are skipped, with a
message saying so, only where no Chromium binary exists. The site is built from a package
made in a temporary folder (``make_review_package``: added articles, decisions of every
action, an unreviewed article and one whose text changed since its review). Set
``SZDATA_UPDATE_SCREENSHOT=1`` to also refresh the README's screenshots (``docs/img/``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from szdata._disk._package import open_package
from szdata._disk._readers import read_text_table
from szdata._site import build_site
from szdata._site._data import KINDS, format_value

from .conftest import REPO
from .test_site import EVIL, MARKUP, ReviewPackage, edit_csv, make_review_package

pytestmark = pytest.mark.slow

CHROMIUM = next(
    (
        p
        for p in (os.environ.get("SZDATA_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
        if p and Path(p).is_file()
    ),
    None,
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (390, 768, 1280)
HIGHLIGHTS_JS = """() => Array.from(document.querySelectorAll('mark.hl[data-id]'), m => ({
    id: m.dataset.id, kind: m.dataset.kind, text: m.textContent, status: m.dataset.status}))"""
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"""
SMALL_TEXT_JS = """(sel) => {
    const out = [];
    for (const root of document.querySelectorAll(sel)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent.trim()) continue;
            const el = n.parentElement;
            if (!el.getClientRects().length) continue;
            const px = parseFloat(getComputedStyle(el).fontSize);
            if (px < 11) out.push([n.textContent.trim().slice(0, 40), px]);
        }
    }
    return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip(
            "no Chromium binary found (looked for $SZDATA_CHROMIUM, `chromium` on PATH and "
            "/usr/bin/chromium); install it with: apt-get install -y chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 900, "height": 800})
    pg = context.new_page()
    pg.dialogs, pg.console_lines, pg.errors = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console_lines.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> ReviewPackage:
    return make_review_package(tmp_path_factory.mktemp("browser-pkg") / "pkg")


@pytest.fixture(scope="module")
def site(review: ReviewPackage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the review package (exports included when the extra is installed)."""
    return build_site(tmp_path_factory.mktemp("browser") / "site", path=review.path)


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", site / "decisions.html", *sorted(site.glob("articles/*.html"))]


def _rows(pkg: Path, table: str) -> list[dict[str, Any]]:
    return read_text_table(open_package(pkg).path_of(table)).to_dicts()


def _open(page: Any, site: Path, article_id: str) -> None:
    page.goto((site / "articles" / f"{article_id}.html").as_uri())


# --------------------------------------------------------------------------- every page fits


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page: Any, site: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for f in _pages(site):
        page.goto(f.as_uri())
        scroll = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert scroll <= inner, f"{f.name} at {width} px: scrollWidth {scroll} > {inner}"
        # a table wider than the page scrolls inside its own box, never the page
        for box in page.locator(".scroll").all():
            assert box.evaluate("(b) => getComputedStyle(b).overflowX") == "auto"
        # dates never wrap mid-date
        for t in page.locator("time").all()[:200]:
            assert t.evaluate("(t) => t.getClientRects().length") <= 1, t.inner_text()
    assert page.errors == []


def test_key_columns_stay_in_view_when_a_table_scrolls(page: Any, site: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto((site / "index.html").as_uri())
    key = page.locator("table.articles tbody th.key-col").first
    assert key.evaluate("(e) => getComputedStyle(e).position") == "sticky"
    before = key.bounding_box()["x"]
    page.locator("table.articles").evaluate("(t) => { t.parentElement.scrollLeft = 400; }")
    assert abs(key.bounding_box()["x"] - before) < 1


def test_long_addresses_wrap_at_sensible_points(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    for f in (site / "decisions.html", site / "articles" / f"{review.story}.html"):
        page.goto(f.as_uri())
        links = page.locator('a[href^="https://example.org/fixture/"]').all()
        assert links
        for link in links:
            assert "<wbr>" in link.inner_html()
            # each piece between two break points stays on one line: breaks only at <wbr>
            split = link.evaluate(
                """(a) => Array.from(a.childNodes).filter(n => n.nodeType === 3).map(n => {
                    const r = document.createRange(); r.selectNodeContents(n);
                    return new Set(Array.from(r.getClientRects(), x => Math.round(x.top))).size;
                })"""
            )
            assert max(split) == 1, split
            box = link.bounding_box()
            assert box["x"] + box["width"] <= 390


def test_chart_text_is_at_least_11_px_at_390(page: Any, site: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto((site / "index.html").as_uri())
    assert page.locator("figure.chart table").count() == 2
    assert page.evaluate(SMALL_TEXT_JS, "figure.chart, table.articles") == []


# --------------------------------------------------------------------------- decisions


def test_every_decision_id_appears_on_its_article_page(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    pkg = open_package(review.path)
    keyed = {
        t: {r[pkg.schema(t).primary_key[0]]: r for r in _rows(review.path, t)}
        for t in ("articles", "items", *KINDS.values())
    }
    for d in _rows(review.path, "decisions"):
        row = keyed[d["table"]].get(d["key"])
        art = row["article_id"] if row else d["key"].partition(".")[0]
        _open(page, site, art)
        card = page.locator(f'li.decision[id="{d["decision_id"]}"]')
        assert card.count() == 1, d["decision_id"]
        assert d["decision_id"] in page.locator("main").inner_text()
        assert d["reason"] in card.inner_text()


def test_a_decision_marker_leads_to_its_decision(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    _open(page, site, review.story)
    did = review.decisions["set"]
    marker = page.locator(f'mark[data-decisions~="{did}"] a.dref').first
    assert marker.evaluate("(a) => getComputedStyle(a, '::before').content") == f'"{did}"'
    marker.click()
    assert page.evaluate("location.hash") == f"#{did}"
    assert page.locator(f'li.decision[id="{did}"]').is_visible()


def test_every_row_is_a_highlight_with_its_quote(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    pkg = open_package(review.path)
    for art in _rows(review.path, "articles"):
        _open(page, site, art["article_id"])
        shown = {h["id"]: h for h in page.evaluate(HIGHLIGHTS_JS)}
        for kind, table in KINDS.items():
            key = pkg.schema(table).primary_key[0]
            rows = [r for r in _rows(review.path, table) if r["article_id"] == art["article_id"]]
            assert sum(h["kind"] == kind for h in shown.values()) == len(rows), kind
            for r in rows:
                h = shown[r[key]]
                assert (h["kind"], h["text"], h["status"]) == (kind, r["quote"], r["review_status"])
        raw = pkg.file(art["raw_path"]).read_bytes().decode("utf-8")
        assert page.locator("#text").text_content() == raw
    assert page.errors == []


def test_hovering_each_figure_shows_its_value(page: Any, site: Path, review: ReviewPackage) -> None:
    tip = page.locator("#tip")
    value_field = open_package(review.path).schema("figures").field("value")
    _open(page, site, review.story)
    for r in (r for r in _rows(review.path, "figures") if r["article_id"] == review.story):
        page.locator(f'mark[data-id="{r["figure_id"]}"]').hover()
        assert tip.is_visible()
        assert tip.get_attribute("data-for") == r["figure_id"]
        text = tip.inner_text()
        assert format_value(value_field.type, r["value"]) in text
        assert r["unit"] in text and r["quote"] in text


def test_keyboard_focus_shows_the_row_and_escape_hides_it(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    _open(page, site, review.briefing)
    tip = page.locator("#tip")
    for _ in range(60):  # past the skip link, the navigation and the header's links
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.hl')"):
            break
    first = page.evaluate("document.activeElement.dataset.id")
    assert first == page.evaluate(HIGHLIGHTS_JS)[0]["id"]
    assert tip.is_visible() and tip.get_attribute("data-for") == first
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus ring
    page.keyboard.press("Escape")
    assert not tip.is_visible()


# --------------------------------------------------------------------------- the queue


def test_the_page_of_a_text_changed_after_review_says_so(
    page: Any, site: Path, review: ReviewPackage
) -> None:
    _open(page, site, review.briefing)
    note = page.locator("#changed")
    assert note.is_visible()
    assert "The text changed since its review" in note.inner_text()
    page.goto((site / "index.html").as_uri())
    queue = page.locator("table.todo")
    assert queue.locator(f'a[href="articles/{review.briefing}.html"]').count() == 1
    assert queue.locator(f'a[href="articles/{review.story}.html"]').count() == 1
    assert "Text changed since its review" in queue.inner_text()


def test_download_links_resolve(page: Any, site: Path) -> None:
    for f in _pages(site):
        page.goto(f.as_uri())
        for href in page.evaluate(LINKS_JS):
            if not href.startswith("file://"):
                continue
            target = Path(href.removeprefix("file://").partition("#")[0])
            assert target.is_file(), (f.name, href)
    page.goto((site / "index.html").as_uri())
    hrefs = page.evaluate(LINKS_JS)
    assert any(h.endswith("/package/datapackage.json") for h in hrefs)
    assert any(h.endswith("/package/data/figures.csv") for h in hrefs)


# --------------------------------------------------------------------------- escaping


def test_markup_in_the_data_is_shown_as_text_not_run(
    page: Any, review: ReviewPackage, tmp_path: Path
) -> None:
    pkg = shutil.copytree(review.path, tmp_path / "pkg")
    name = f'{EVIL} {MARKUP} <img src=x onerror="window.__pwned=2">'
    edit_csv(
        pkg / "data/curation/organizations.csv",
        "organization_id",
        "sz-health-commission",
        {"name": name},
    )
    edit_csv(pkg / "data/articles.csv", "article_id", review.story, {"title": name})
    out = build_site(tmp_path / "site", path=pkg, exports=False)
    _open(page, out, review.story)
    assert name in page.locator("h1").inner_text()
    page.locator(f'mark[data-id="{review.story}.m269"]').hover()
    assert name in page.locator("#tip").inner_text()
    page.goto((out / "index.html").as_uri())
    assert page.locator("figure.chart").get_by_text(MARKUP).count() >= 1
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [] and page.errors == []


def test_long_unbroken_values_do_not_widen_any_page(
    page: Any, review: ReviewPackage, tmp_path: Path
) -> None:
    pkg = shutil.copytree(review.path, tmp_path / "pkg")
    long = "Supercalifragilistic" * 12  # 240 characters, no space to wrap at
    edit_csv(pkg / "data/articles.csv", "article_id", review.story, {"title": long})
    edit_csv(pkg / "data/figures.csv", "figure_id", f"{review.story}.f313", {"counted": long})
    edit_csv(
        pkg / "data/curation/organizations.csv",
        "organization_id",
        "sz-health-commission",
        {"name": long},
    )
    edit_csv(
        pkg / "data/curation/decisions.csv",
        "decision_id",
        review.decisions["note"],
        {"reason": long, "evidence": "https://example.org/" + long, "curated_value": long},
    )
    out = build_site(tmp_path / "site", path=pkg, exports=False)
    page.set_viewport_size({"width": 390, "height": 800})
    for f in _pages(out):
        page.goto(f.as_uri())
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 390, f"{f.name}: scrollWidth {scroll}"


# --------------------------------------------------------------------------- screenshots


def _screenshot(page: Any, name: str, tmp_path: Path) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("SZDATA_UPDATE_SCREENSHOT") == "1":
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, REPO / "docs" / "img" / name)


def test_readme_screenshots(page: Any, site: Path, review: ReviewPackage, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 900, "height": 720})
    page.goto((site / "index.html").as_uri())
    page.locator("#h-queue").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.getElementById('h-queue').offsetTop - 10)")
    _screenshot(page, "queue.png", tmp_path)
    shipped = build_site(tmp_path / "shipped", exports=False)
    pages = sorted((shipped / "articles").glob("*.html"))
    marked = [f for f in pages if 'class="hl hl-decision' in f.read_text("utf-8")]
    page.goto((marked or pages)[0].as_uri())
    mark = page.locator("mark.hl-decision").first
    if mark.count():  # a correction of the byline, say: shown where the text prints it
        top = page.locator("dl.meta").bounding_box()["y"]
        page.evaluate("(y) => window.scrollTo(0, y)", max(0, top - 70))
        mark.hover()
    _screenshot(page, "decision.png", tmp_path)
