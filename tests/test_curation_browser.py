"""A new page curated from nothing to a built graph in the workbench, in a real browser
(Debian's Chromium driven by Playwright) over a real `kg curate` process: two candidates
accepted, one edited, one fact made from a selected passage, one provisional person merged
into the registry; then the facts answer SPARQL with their evidence and claimant.
Screenshots: tests/artifacts/curate-*.png. The page is tests/curate/*.txt, written for the
tests (not an archive document)."""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Skips this module too where Chromium or Playwright is missing.
import test_web_browser as web
from conftest import free_port, running
from kg.config import PROJECT_ROOT, Config
from kg.curate.corpus import add_documents

ARTIFACTS, sync_api = web.ARTIFACTS, web.sync_api
browser = web.browser  # the module's Chromium, a fixture

PAGE = next((PROJECT_ROOT / "tests" / "curate").glob("*.txt"))


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """`kg curate` on a project of its own holding the seed documents and the new page,
    added with `kg add --draft` (its candidates not yet reviewed)."""
    root = tmp_path_factory.mktemp("curate")
    for name in ("corpus", "mappings", "ontology", "queries"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    config = Config.load({"data_dir": str(root / "data")}, project=root, env={})
    (added,) = add_documents(config, [PAGE], draft=True)
    doc = Path(added.target).stem
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    command = [sys.executable, "-m", "kg.cli", "--project", str(root), "--data-dir",
               str(root / "data"), "curate", "--port", str(port)]
    # The first build runs before the server starts.
    with running(command, root, env, root / "curate.log", f"http://127.0.0.1:{port}",
                 "/curate", wait=90) as url:
        yield url, root, doc


def card(page: Any, words: str, prop: str | None = None) -> Any:
    """The first fact card quoting ``words`` (with the property ``prop``)."""
    cards = page.locator(".curate-fact", has=page.locator("blockquote", has_text=words))
    if prop:
        cards = cards.filter(has=page.locator("dt", has_text=prop))
    return cards.first


def wait_done(page: Any, what: str) -> None:
    try:
        page.wait_for_function(
            "w => document.querySelector('#curate-status').textContent.includes(w)"
            " && !document.querySelector('#curate-status').textContent.includes('Saving')",
            arg=what, timeout=60_000)
    except sync_api.TimeoutError:
        page.screenshot(path=str(ARTIFACTS / "curate-failed.png"))
        pytest.fail(f"no {what!r}: " + page.locator("#curate-status").text_content())
    status = page.locator("#curate-status").text_content()
    assert "failed" not in status and "built:" in status, status


def select_text(page: Any, words: str) -> None:
    """Select ``words`` in the document's text as a mouse would."""
    page.evaluate("""words => {
        const box = document.querySelector('#curate-source');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let text = '', nodes = [];
        while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]);
                                    text += walker.currentNode.data; }
        const start = text.indexOf(words), end = start + words.length;
        const at = pos => { for (let i = nodes.length - 1; i >= 0; i--)
            if (nodes[i][1] <= pos) return [nodes[i][0], pos - nodes[i][1]]; };
        const range = document.createRange();
        range.setStart(...at(start)); range.setEnd(...at(end));
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        document.dispatchEvent(new Event('selectionchange'));
    }""", words)


def sparql(url: str, query: str) -> list[dict[str, str]]:
    import json
    from urllib.parse import urlencode

    request = urllib.request.Request(url + "/sparql", data=urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


EVIDENCE = """
PREFIX kg: <https://coldwar-kg.example.org/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?p ?o ?passage ?claimant WHERE {
  ?fact a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:statedIn <https://coldwar-kg.example.org/id/document/%s> ; kg:evidence ?a .
  ?a oa:hasTarget/oa:hasSelector/oa:exact ?passage .
  OPTIONAL { ?fact kg:claimedBy ?claimant }
}"""


def test_a_new_page_curated_from_nothing_to_the_graph(workbench, browser):
    url, root, doc = workbench
    kg = "https://coldwar-kg.example.org/ontology#"
    before = sparql(url, EVIDENCE % doc)  # the metadata's facts only (date, sender ...)
    assert before and not [r for r in before if r["p"] in (kg + "participant", kg + "post")]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: r.url.startswith(("http://", "https://"))
            and not r.url.startswith(url) and outside.append(r.url))

    page.goto(url + "/curate")
    page.get_by_role("link", name="Ciphered Telegram from Roshchin").click()
    page.wait_for_selector(".curate-fact.candidate")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "curate-1366.png"))

    # 1-2. Accept two candidates: the visit, and Zhou Enlai's post.
    card(page, "visited Zhou Enlai").get_by_role("button", name="Accept").click()
    wait_done(page, "accepted")
    card(page, "Minister of Foreign Affairs", "holds").get_by_role(
        "button", name="Accept").click()
    wait_done(page, "accepted")

    # 3. Edit one: the post's quote stops short of its closing bracket.
    card(page, "Minister of Foreign Affairs", "post").get_by_role("button", name="Edit").click()
    form = page.locator("#curate-form")
    assert form.locator("textarea[name=quote]").input_value() == \
        "Zhou Enlai (Minister of Foreign Affairs"
    form.locator("textarea[name=quote]").fill("Zhou Enlai (Minister of Foreign Affairs)")
    page.screenshot(path=str(ARTIFACTS / "curate-edit-1366.png"))
    page.locator("#curate-save").click()
    wait_done(page, "edited")

    # 4. A fact from a selected passage: the request Zhou Enlai conveys, a plan of its own.
    request = "the Chinese side requests that you send 300 trucks to Manchuria"
    select_text(page, request)
    page.get_by_role("button", name="New fact from the selected passage").click()
    assert form.locator("textarea[name=quote]").input_value() == request
    form.locator("input[name=new_node]").check()
    form.locator("input[name=node_id]").fill("request-trucks-for-manchuria-1950")
    form.locator("input[name=node_type]").fill("Plan")
    form.locator("input[name=node_label]").fill("300 trucks to be sent to Manchuria, requested")
    form.locator(".prop-name").fill("destination")
    form.locator(".prop-value").fill("manchuria")
    assert "destination" in form.locator(".curate-definition").text_content()
    form.locator("input[name=claimed_by]").fill("zhou-enlai")
    page.locator("#curate-save").click()
    wait_done(page, "added a fact")

    # 5. Merge a provisional person into the registry's.
    person = page.locator(".curate-person", has_text="Wu Syu-tsyuan")
    person.locator("input").fill("Wu Xiuquan (wu-xiuquan)")
    person.get_by_role("button", name="Merge").click()
    wait_done(page, "merged")
    assert page.locator(".curate-person", has_text="Wu Syu-tsyuan").count() == 0
    page.screenshot(path=str(ARTIFACTS / "curate-done-1366.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "curate-375.png"))
    assert errors == [] and outside == []
    context.close()

    # The facts answer SPARQL, each with its passage and claimant.
    rows = [r for r in sparql(url, EVIDENCE % doc) if r not in before]
    ids = "https://coldwar-kg.example.org/id/"

    def stated(p: str, o: str) -> list[dict[str, str]]:
        return [r for r in rows if r["p"] == kg + p and r["o"] == o]

    (visit,) = stated("participant", ids + "person/zhou-enlai")
    assert visit["passage"] == "On 1 March I visited Zhou Enlai at his request."
    (post_row,) = stated("post", "Minister of Foreign Affairs")
    assert post_row["passage"] == "Zhou Enlai (Minister of Foreign Affairs)"
    (trucks,) = stated("destination", ids + "place/manchuria")
    assert trucks["passage"] == request
    assert trucks["claimant"] == ids + "person/zhou-enlai"
    (merged,) = stated("identifiedAs", ids + "person/wu-xiuquan")
    assert merged["passage"] == "Wu Syu-tsyuan" and merged["claimant"] == kg + "Curators"
    # The candidates left unreviewed are still out of the graph.
    assert not stated("post", "counsellor of the embassy")
    # And the YAML says the same: the source of truth.
    text = (root / "mappings" / "documents" / f"{doc}.yaml").read_text()
    assert "destination: manchuria" in text and "claimed_by: zhou-enlai" in text
    assert "Wu Syu-tsyuan" in (root / "mappings" / "registry" / "china.yaml").read_text()
