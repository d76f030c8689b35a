"""The pages in a real browser: Debian's headless Chromium driven by Playwright, over the
real server (gunicorn, as ``kg serve`` runs it). Screenshots go to tests/artifacts/.

Skipped, with the reason, when /usr/bin/chromium or the playwright package is missing
(``apt-get install chromium`` and ``pip install playwright``; never ``playwright install``:
the browser comes from Debian)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Built, kg_serve
from kg.config import PROJECT_ROOT
from kg.read.diagram import timeline_items
from kg.store.builds import open_store_handle

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install playwright")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium",
                allow_module_level=True)



@pytest.fixture(scope="module")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_serve(built.config.data_dir, tmp_path_factory.mktemp("browser"),
                  workers=1) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means: cannot test here
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield chromium
        chromium.close()


class Page:
    """A page that records console errors and failed requests."""

    def __init__(self, browser: Any, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))

    def shot(self, name: str, full: bool = True) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.close()


@pytest.mark.parametrize(("path", "name"), [
    ("/", "home"), ("/id/person/li-lisan.html", "person-li-lisan"),
    ("/ontology", "ontology"), ("/search?q=Filippov", "search-filippov"),
])
def test_pages_load_without_console_errors(server: str, page: Page, path: str,
                                           name: str) -> None:
    response = page.page.goto(server + path)
    assert response is not None and response.ok
    page.page.wait_for_load_state("networkidle")
    page.shot(name)
    assert page.errors == []


def test_search_finds_a_person_by_codename(server: str, page: Page) -> None:
    page.page.goto(server + "/")
    box = page.page.get_by_label("Find a person, place, organization, operation or document")
    box.type("Filippov")
    first = page.page.locator("#home-q-suggestions li").first
    first.wait_for()
    assert "Joseph Stalin" in first.inner_text()
    assert "codename" in first.inner_text()
    page.shot("autocomplete-filippov", full=False)
    page.page.keyboard.press("ArrowDown")
    page.page.keyboard.press("Enter")
    page.page.wait_for_url("**/id/person/joseph-stalin.html")
    assert page.page.locator("h1").inner_text() == "Joseph Stalin"
    assert page.errors == []


def test_selecting_a_highlighted_passage_shows_its_facts(server: str, page: Page) -> None:
    page.page.goto(server + "/id/document/1949-05-17-kovalev-to-filippov.html")
    panel = page.page.locator("#passage-panel")
    assert panel.is_hidden()
    mark = page.page.locator("article.document mark[data-passages]").nth(3)
    mark.scroll_into_view_if_needed()
    mark.click(position={"x": 2, "y": 2})
    panel.wait_for(state="visible")
    assert "Facts this passage supports" in panel.inner_text()
    assert panel.locator("ul.facts li").count() >= 1
    page.shot("reader-passage-selected", full=False)
    assert page.errors == []


def test_timeline_and_network_render_every_item(server: str, page: Page,
                                                built: Built) -> None:
    store = open_store_handle(built.config.store_path)
    expected = len(timeline_items(store, built.config.base_iri))
    del store
    page.page.goto(server + "/timeline")
    assert page.page.locator("svg.timeline g.timeline-item").count() == expected
    box = page.page.locator("svg.timeline").bounding_box()
    assert box and box["height"] > 100
    page.shot("timeline")
    page.page.goto(server + "/network")
    assert page.page.locator("svg.network g.agent").count() == 3
    assert page.page.locator("svg.network g.letter").count() == 3
    page.shot("network")
    assert page.errors == []


def test_narrow_screen(server: str, browser: Any) -> None:
    narrow = Page(browser, width=375)
    try:
        narrow.page.goto(server + "/id/person/mao-zedong.html")
        width = narrow.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, "the page scrolls sideways on a phone"
        narrow.shot("narrow-mao-zedong", full=False)
        narrow.page.goto(server + "/timeline")
        assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 376
        assert narrow.errors == []
    finally:
        narrow.close()
