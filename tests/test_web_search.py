"""Full-text and faceted search in Chromium (issue 19, point 3): a word from a body leads to
its passage in the reader; a claimant and a date range narrow the passages, and the counts
the page shows agree with the passages it lists; a filter is removed in one click.
Screenshots at 1366 and 375 px: tests/artifacts/search-facets-1366.png and -375.png.

Uses the browser and server of tests/test_web_browser.py (skipped as it is, with the reason,
when Chromium or playwright is missing)."""

from __future__ import annotations

import re
from typing import Any

import test_reader
from conftest import Built
from kg.read.facets import Filters
from kg.read.fulltext import open_index
from kg.store.builds import open_store_handle
from test_web_browser import Page, browser, server  # noqa: F401 - fixtures

KOVALEV = "/id/document/1949-05-17-kovalev-to-filippov.html"
MAO = "/id/person/mao-zedong"
#: Passages listed, the total in the heading, and the counts beside the facets' values.
PAGE_STATE = """() => ({
  total: Number(document.querySelector("#text").textContent.match(/(\\d+) passage/)[1]),
  hits: [...document.querySelectorAll("ol.text-hits > li:not(.none)")].map(li => ({
    href: li.querySelector("a").getAttribute("href"),
    date: li.querySelector("time") ? li.querySelector("time").getAttribute("datetime") : "",
    claimants: li.querySelector(".claimants") ? li.querySelector(".claimants").innerText : ""})),
  facets: Object.fromEntries([...document.querySelectorAll("ul[data-facet]")].map(ul => [
    ul.dataset.facet, [...ul.querySelectorAll("li")].filter(li => li.querySelector(".count"))
      .map(li => ({label: li.firstElementChild.textContent.trim(),
                   count: Number(li.querySelector(".count").textContent),
                   chosen: !!li.querySelector("[aria-current]")}))]))
})"""


def _page(browser: Any, width: int) -> Page:  # noqa: F811
    return Page(browser, width, 800 if width > 400 else 740, timeout=15_000)


def test_a_word_from_a_body_leads_to_its_passage(server: str, browser: Any) -> None:  # noqa: F811
    wide = _page(browser, 1366)
    try:
        wide.page.goto(server + "/search?q=prisoners")
        hit = wide.page.locator("ol.text-hits > li").filter(has_text="prisoners").first
        assert hit.locator("mark").first.inner_text().lower() == "prisoners"
        link = hit.locator("a").first
        href = link.get_attribute("href") or ""
        assert href.startswith(KOVALEV + "#p"), href
        link.click()
        wide.page.wait_for_url(f"**{href}")
        target = wide.page.locator(":target")
        assert target.get_attribute("id") == href.split("#")[1]
        assert "prisoners" in target.inner_text()
        box = target.bounding_box()
        assert box and 0 <= box["y"] < 800, f"the passage is not in view: {box}"
        assert wide.errors == []
    finally:
        wide.close()


def test_a_claimant_and_a_date_range_narrow_the_passages(server: str, browser: Any,  # noqa: F811
                                                         built: Built, tmp_path) -> None:
    index = open_index(open_store_handle(built.config.store_path), built.config.base_iri,
                       tmp_path)
    wide = _page(browser, 1366)
    try:
        wide.page.goto(server + "/search?q=Chinese")
        before = wide.page.evaluate(PAGE_STATE)
        claimants = {v["label"]: v["count"] for v in before["facets"]["claimant"]}
        assert "Mao Zedong" in claimants and claimants["Mao Zedong"] < before["total"]
        # Both documents have passages; the date range will keep one of them.
        assert len(before["facets"]["date"]) == 2
        wide.page.locator("ul[data-facet=claimant] a", has_text="Mao Zedong").click()
        wide.page.wait_for_url(re.compile(r".*claimant=.*mao-zedong.*"))
        by_mao = wide.page.evaluate(PAGE_STATE)
        assert by_mao["total"] == claimants["Mao Zedong"] == len(by_mao["hits"])
        assert all("Mao Zedong" in h["claimants"] for h in by_mao["hits"])
        # The date range, typed into the form; the claimant stays chosen.
        form = wide.page.locator("form.date-range")
        form.get_by_label("From").fill("1949-05")
        form.get_by_label("to", exact=True).fill("1949-06")
        form.get_by_role("button", name="Apply").click()
        wide.page.wait_for_url(re.compile(r".*from=1949-05.*"))
        narrowed = wide.page.evaluate(PAGE_STATE)
        assert 0 < narrowed["total"] < by_mao["total"]
        assert narrowed["total"] == len(narrowed["hits"])
        assert all(h["date"].startswith("1949-05") for h in narrowed["hits"])
        assert all("Mao Zedong" in h["claimants"] for h in narrowed["hits"])
        # The counts agree with the passages listed: the chosen claimant's, the months'.
        chosen = [v for v in narrowed["facets"]["claimant"] if v["chosen"]]
        assert [(v["label"], v["count"]) for v in chosen] == [("Mao Zedong", narrowed["total"])]
        assert sum(v["count"] for v in narrowed["facets"]["date"]) == narrowed["total"]
        assert sum(v["count"] for v in narrowed["facets"]["doc"]) == narrowed["total"]
        # ... and with the library's answer to the same question.
        mao = built.config.base_iri + "/id/person/mao-zedong"
        expected = index.search("Chinese", Filters(claimant=mao, date_from="1949-05",
                                                 date_to="1949-06"))
        assert expected.total == narrowed["total"]
        assert wide.page.locator(".chosen-filters .chip").count() == 2
        wide.shot("search-facets-1366", full=True)
        # One click removes the claimant, keeping the dates.
        wide.page.locator(".chosen-filters .chip", has_text="Claimant").get_by_role(
            "link").click()
        wide.page.wait_for_url(re.compile(r"^(?!.*claimant=).*from=1949-05.*$"))
        undone = wide.page.evaluate(PAGE_STATE)
        assert undone["total"] == index.search("Chinese", Filters(
            date_from="1949-05", date_to="1949-06")).total >= narrowed["total"]
        assert wide.errors == []
    finally:
        wide.close()
    narrow = _page(browser, 375)
    try:
        narrow.page.goto(server + "/search?q=Chinese&claimant=" + mao.replace("#", "%23")
                         + "&from=1949-05&to=1949-06")
        assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 376
        assert narrow.page.evaluate(test_reader.UNLABELLED_CELLS) == []
        state = narrow.page.evaluate(PAGE_STATE)
        assert state["total"] == narrowed["total"]
        narrow.shot("search-facets-375", full=True)
        assert narrow.errors == []
    finally:
        narrow.close()
