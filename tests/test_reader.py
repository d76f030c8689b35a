"""The historian's pages in Chromium (issue 19): the reader opens on the text, an entity page
states each fact once, tables keep their headings on a phone, full-text search leads to the
passage and its facets narrow it. Screenshots at 1366 and 375 px go to tests/artifacts/.

Uses the browser and server of tests/test_web_browser.py (skipped as it is, with the reason,
when Chromium or playwright is missing)."""

from __future__ import annotations

from typing import Any

from test_web_browser import Page, browser, server  # noqa: F401 - fixtures

READER = "/id/document/1949-05-17-kovalev-to-filippov.html"
#: Each cell of a table that has hidden its headings must say which column it is.
UNLABELLED_CELLS = """() => {
  const out = [];
  for (const table of document.querySelectorAll("main table")) {
    const head = table.querySelector("thead");
    if (head && head.getBoundingClientRect().height > 2) continue;  // headings shown
    for (const td of table.querySelectorAll("td")) {
      const label = getComputedStyle(td, "::before").content;
      if (!td.dataset.label || label === "none" || label === "normal") out.push(td.innerText);
    }
  }
  return out;
}"""


def _page(browser: Any, width: int) -> Page:  # noqa: F811
    return Page(browser, width, 768 if width > 400 else 740, timeout=15_000)


def test_reader_opens_on_the_text(server: str, browser: Any) -> None:  # noqa: F811
    wide = _page(browser, 1366)
    try:
        wide.page.goto(server + READER)
        header = wide.page.locator("dl.record-header").inner_text()
        for label in ("Type", "Date", "From", "To", "Archive", "Translator"):
            assert label in header
        assert "Filippov" in header and "RGASPI, f. 558, op. 11, d. 331" in header
        first = wide.page.locator("article.document p").first.bounding_box()
        assert first and first["y"] + 10 < 768, f"the text starts {first} px down"
        # The long lists wait, folded, below the text.
        assert wide.page.locator("details.section[open]").count() == 0
        wide.shot("reader-1366", full=False)
        assert wide.errors == []
    finally:
        wide.close()
    narrow = _page(browser, 375)
    try:
        narrow.page.goto(server + READER)
        assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 376
        narrow.shot("reader-375", full=False)
        assert narrow.errors == []
    finally:
        narrow.close()


def test_a_person_page_states_each_fact_once(server: str, browser: Any) -> None:  # noqa: F811
    for width in (1366, 375):
        p = _page(browser, width)
        try:
            p.page.goto(server + "/id/person/li-lisan.html")
            facts = p.page.locator("tr[data-fact]").evaluate_all(
                "rows => rows.map(r => r.dataset.fact)")
            assert facts and len(facts) == len(set(facts))
            assert "Agent" not in p.page.locator("p.meta").inner_text()
            # Inverse readings of stated facts are not repeated (holder: holds; ledBy: led),
            # nor symmetric ones (acquaintedWith, once).
            assert p.page.locator("tr[data-fact*='#holder ']").count() == 0
            assert p.page.locator("tr[data-fact*='#acquaintedWith ']").count() == 1
            # "led" is read from Li Lisan's side once, with its passage and its why?
            led = p.page.locator("tr[data-fact*='#led ']")
            assert led.count() == 1 and "Strakhov" in led.inner_text()
            assert p.page.locator("tr[data-fact*='#ledBy ']").count() == 0
            if width == 375:
                assert p.page.evaluate(UNLABELLED_CELLS) == []
            p.shot(f"person-li-lisan-{width}", full=width == 1366)
            assert p.errors == []
        finally:
            p.close()


def test_narrow_tables_label_their_cells(server: str, browser: Any) -> None:  # noqa: F811
    narrow = _page(browser, 375)
    try:
        for path, name in (("/network", "network-375"), ("/timeline", "timeline-375"),
                           ("/dumps/", None)):
            narrow.page.goto(server + path)
            assert narrow.page.locator("main td").count() > 0
            assert narrow.page.evaluate(UNLABELLED_CELLS) == [], path
            assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 376
            if name:
                narrow.shot(name, full=True)
        assert narrow.errors == []
    finally:
        narrow.close()


def test_full_text_search_leads_to_the_passage(server: str, browser: Any) -> None:  # noqa: F811
    wide = _page(browser, 1366)
    try:
        wide.page.goto(server + "/search?q=lead*")
        hits = wide.page.locator("ol.text-hits > li")
        total = hits.count()
        assert total >= 2
        wide.shot("search-text-1366", full=True)
        wide.page.locator("ul[data-facet=kind] a").last.click()
        wide.page.wait_for_load_state()
        narrowed = wide.page.locator("ol.text-hits > li").count()
        assert 0 < narrowed < total
        first = wide.page.locator("ol.text-hits > li a").first
        href = first.get_attribute("href")
        assert href and "#p" in href
        first.click()
        wide.page.wait_for_url("**/id/document/**")
        target = wide.page.locator(f"#{href.split('#')[1]}")
        assert "lead" in target.inner_text().lower()
        assert wide.errors == []
    finally:
        wide.close()
    narrow = _page(browser, 375)
    try:
        narrow.page.goto(server + "/search?q=Shanghai")
        assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 376
        narrow.shot("search-text-375", full=False)
        assert narrow.errors == []
    finally:
        narrow.close()
