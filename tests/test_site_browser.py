"""The review site in a real browser: Debian's headless Chromium, driven by Playwright.

Install the browser with ``apt-get install -y chromium``; these tests are skipped, with a
message saying so, only where no Chromium binary exists. Set ``SZDATA_UPDATE_SCREENSHOT=1``
to also refresh the README's screenshot (``docs/img/article.png``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from szdata._package import open_package
from szdata._readers import read_text_table
from szdata._site import build_site
from szdata._site._data import KINDS, format_value

from .conftest import REPO
from .test_site import EVIL, edit_csv

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
HIGHLIGHTS_JS = """() => Array.from(document.querySelectorAll('mark.hl[data-id]'), m => ({
    id: m.dataset.id, kind: m.dataset.kind, text: m.textContent, status: m.dataset.status}))"""


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
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the shipped package."""
    return build_site(tmp_path_factory.mktemp("browser") / "site")


def _rows(table: str) -> list[dict[str, Any]]:
    return read_text_table(open_package().path_of(table)).to_dicts()


def _articles() -> list[str]:
    return [r["article_id"] for r in _rows("articles")]


def _open(page: Any, site: Path, article_id: str) -> None:
    page.goto((site / "articles" / f"{article_id}.html").as_uri())


@pytest.mark.parametrize("article_id", _articles())
def test_every_row_is_a_highlight_with_its_quote(page: Any, site: Path, article_id: str) -> None:
    _open(page, site, article_id)
    shown = {h["id"]: h for h in page.evaluate(HIGHLIGHTS_JS)}
    pkg = open_package()
    for kind, table in KINDS.items():
        key = pkg.schema(table).primary_key[0]
        rows = [r for r in _rows(table) if r["article_id"] == article_id]
        assert sum(h["kind"] == kind for h in shown.values()) == len(rows), kind
        for r in rows:
            h = shown[r[key]]
            assert (h["kind"], h["text"], h["status"]) == (kind, r["quote"], r["review_status"])
    art = next(r for r in _rows("articles") if r["article_id"] == article_id)
    raw = pkg.file(art["raw_path"]).read_bytes().decode("utf-8")
    assert page.locator("#text").text_content() == raw
    assert page.errors == []


def test_hovering_each_figure_shows_its_value(page: Any, site: Path) -> None:
    tip = page.locator("#tip")
    value_field = open_package().schema("figures").field("value")
    for art in _articles():
        _open(page, site, art)
        for r in (r for r in _rows("figures") if r["article_id"] == art):
            page.locator(f'mark[data-id="{r["figure_id"]}"]').hover()
            assert tip.is_visible()
            assert tip.get_attribute("data-for") == r["figure_id"]
            text = tip.inner_text()
            assert format_value(value_field.type, r["value"]) in text
            assert r["unit"] in text
            assert r["quote"] in text


def test_keyboard_focus_shows_the_row_and_escape_hides_it(page: Any, site: Path) -> None:
    _open(page, site, "004_4c9b5674638746a7")
    tip = page.locator("#tip")
    for _ in range(40):  # past the skip link, the navigation, then the first highlight
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
    page.keyboard.press("Tab")
    assert tip.get_attribute("data-for") == page.evaluate("document.activeElement.dataset.id")


def test_the_index_lists_articles_and_draws_charts(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.locator("main").get_by_text(f"Version {open_package().version}").count() == 1
    for img in page.locator("figure.chart img").all():
        assert page.evaluate("(i) => i.complete && i.naturalWidth > 0", img.element_handle())
    dates = page.locator("td.date").all_inner_texts()
    assert dates == sorted(dates) and len(dates) == len(_articles())


def test_script_in_the_data_is_shown_as_text_not_run(
    page: Any, package_copy: Path, tmp_path: Path
) -> None:
    figure = "000_7a64f3334c1b3195.f2253"
    edit_csv(package_copy / "data/figures.csv", "figure_id", figure, {"counted": EVIL})
    img = '<img src=x onerror="window.__pwned=2">'
    edit_csv(
        package_copy / "data/curation/organizations.csv",
        "organization_id",
        "shenzhen-government",
        {"name": EVIL + img},
    )
    edit_csv(
        package_copy / "data/articles.csv", "article_id", "000_7a64f3334c1b3195", {"title": EVIL}
    )
    out = build_site(tmp_path / "site", path=package_copy)

    _open(page, out, "000_7a64f3334c1b3195")
    assert EVIL in page.locator("h1").inner_text()
    page.locator(f'mark[data-id="{figure}"]').hover()
    assert EVIL in page.locator("#tip").inner_text()
    page.locator('mark[data-id="000_7a64f3334c1b3195.m114"]').hover()
    assert EVIL + img in page.locator("#tip").inner_text()
    page.goto((out / "index.html").as_uri())
    assert page.get_by_text(EVIL).count() >= 1
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.errors == []
    page.screenshot(path=str(tmp_path / "index-with-script.png"))


def test_article_page_screenshot(page: Any, site: Path, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 860, "height": 640})
    _open(page, site, "004_4c9b5674638746a7")
    page.locator("#item-3").evaluate(
        "(el) => window.scrollTo({top: el.getBoundingClientRect().top + window.scrollY - 90,"
        " behavior: 'instant'})"
    )
    page.locator('mark[data-id="004_4c9b5674638746a7.f2865"]').hover()
    assert page.locator("#tip").is_visible()
    shot = tmp_path / "article.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("SZDATA_UPDATE_SCREENSHOT") == "1":
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, REPO / "docs" / "img" / "article.png")
