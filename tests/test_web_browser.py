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

from conftest import Built
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
def server(built_server: str) -> str:
    """`kg serve` over the built graph (tests/conftest.py: one per test worker)."""
    return built_server


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Any:
    """Chromium (tests/conftest.py: started once per test worker); each test opens its own
    context (:class:`Page`)."""
    return chromium


class Page:
    """A page that records console errors and failed requests."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 900,
                 timeout: float | None = None) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        if timeout is not None:
            self.context.set_default_timeout(timeout)
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
    # Suggestions come as the name is typed ("F" finds others first): wait for the last.
    sync_api.expect(first).to_contain_text("Joseph Stalin")
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
    assert page.page.locator("li.timeline-item svg.track").count() == expected
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


#: Text of the page cut at the right edge, or squeezed out of its box (scrollWidth).
CUT_TEXT = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 || box.left < -1 || el.scrollWidth > el.clientWidth + 1)
      out.push(el.textContent.trim().slice(0, 60));
  }
  return out;
}"""


def test_timeline_on_a_time_axis(server: str, browser: Any, built: Built) -> None:
    store = open_store_handle(built.config.store_path)
    expected = len(timeline_items(store, built.config.base_iri))
    del store
    for width in (1366, 375):
        p = Page(browser, width=width)
        try:
            p.page.goto(server + "/timeline")
            assert p.page.locator("li.timeline-item").count() == expected
            # Labels wrap: none is cut, on the rows or on the axis.
            assert p.page.evaluate(CUT_TEXT, ".timeline-rows .text") == []
            assert p.page.evaluate(CUT_TEXT, "svg.axis text") == []
            assert p.page.evaluate("document.documentElement.scrollWidth") <= width + 1
            p.page.locator(".timeline").scroll_into_view_if_needed()
            p.shot(f"timeline-axis-{width}", full=False)
            # The filter (a form: no JavaScript needed) narrows, the axis' years zoom.
            p.page.get_by_label("Posts held").uncheck()
            p.page.get_by_role("button", name="Show").click()
            p.page.wait_for_url("**/timeline?*")
            assert 0 < p.page.locator("li.timeline-item").count() < expected
            assert p.page.locator("li.timeline-item[data-group=position]").count() == 0
            p.page.goto(server + "/timeline?from=1949&to=1949&kind=event&kind=meeting")
            month = p.page.locator("li.timeline-item[data-precision=month] rect.range").first
            box, track = month.bounding_box(), p.page.locator("svg.track").first.bounding_box()
            assert box and track and 0.06 < box["width"] / track["width"] < 0.1, "a month"
            p.page.locator(".timeline").scroll_into_view_if_needed()
            p.shot(f"timeline-1949-{width}", full=False)
            assert p.errors == []
        finally:
            p.close()


#: Whether any token of the editor's text lies under its buttons.
COVERED = """() => {
  const buttons = [...document.querySelectorAll('.yasqe_buttons > *')]
    .map(b => b.getBoundingClientRect()).filter(r => r.width > 0);
  const hits = [];
  for (const span of document.querySelectorAll('.CodeMirror-code pre span span')) {
    for (const r of span.getClientRects())
      for (const b of buttons)
        if (r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top)
          hits.push(span.textContent);
  }
  return hits;
}"""


def test_query_editor(server: str, browser: Any) -> None:
    for width in (1366, 375):
        p = Page(browser, width=width)
        try:
            p.page.goto(server + "/sparql")
            p.page.locator(".yasqe .CodeMirror").wait_for()
            # One tab, the first example, no empty "Query" tab; its prologue folded, so the
            # query itself is in view from the first lines.
            assert p.page.locator(".tabsList .tab").count() == 1
            first = p.page.locator(".CodeMirror-code > div").all_inner_texts()[:6]
            assert "PREFIX" in first[0] and any("SELECT" in line for line in first)
            assert p.page.evaluate(COVERED) == []
            # An example from the list opens in the editor, not as JSON.
            p.page.locator("ol.examples a[href$='05-li-lisan']").click()
            p.page.wait_for_url("**/sparql?example=05-li-lisan")
            p.page.locator(".yasqe .CodeMirror").wait_for()
            assert "Li Lisan" in p.page.locator(".CodeMirror-code").inner_text()
            p.page.locator(".yasqe_queryButton").click()
            p.page.locator(".yasr table.dataTable tbody tr").first.wait_for()
            # Results whole: no heading or cell shortened.
            assert p.page.evaluate(CUT_TEXT.replace("window.innerWidth + 1", "1e9"),
                                   ".yasr table.dataTable th, .yasr table.dataTable td") == []
            assert p.page.locator(".yasr table.dataTable.ellipseTable").count() == 0
            assert p.page.evaluate("document.documentElement.scrollWidth") <= width + 1
            p.shot(f"editor-{width}", full=False)
            p.page.locator(".yasr").screenshot(path=str(ARTIFACTS / f"editor-results-{width}.png"))
            assert p.errors == []
        finally:
            p.close()
