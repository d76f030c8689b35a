"""Pages for people: the home page and the query editor, with its assets served locally."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient
from server.pages import yasgui_available

from conftest import QUERIES

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}




def test_home_page_lists_documents_and_questions(client: FlaskClient) -> None:
    html = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'href="/id/document/1949-05-17-kovalev-to-filippov"' in html
    assert "2 documents" in html
    assert html.count('href="/sparql?example=') == len(list(QUERIES.glob("*.rq")))


def test_editor_is_preloaded_with_the_example_queries(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=HTML)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    payload = re.search(r'<script type="application/json" id="examples">(.*?)</script>',
                        html, re.S)
    assert payload
    examples = json.loads(payload.group(1))
    assert [e["name"] for e in examples] == sorted(p.stem for p in QUERIES.glob("*.rq"))
    # Each example declares the prefixes it uses, and only those, so it runs as is on the
    # endpoint and the query itself is in view.
    for example in examples:
        lines = example["query"].splitlines()
        body = "\n".join(x for x in lines if not x.startswith("PREFIX"))
        for line in lines:
            if line.startswith("PREFIX"):
                assert f"{line.split()[1]}" in body, (example["name"], line)
        answer = client.get("/sparql", query_string={"query": example["query"]},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, (example["name"], answer.get_data(as_text=True))


def test_example_links_open_the_editor(client: FlaskClient) -> None:
    html = client.get("/sparql", headers=HTML).get_data(as_text=True)
    links = re.findall(r'<ol class="examples">(.*?)</ol>', html, re.S)[0]
    assert "format=json" not in links and "query=" not in links
    assert links.count('href="/sparql?example=') == len(list(QUERIES.glob("*.rq")))
    # Without JavaScript, the plain form holds the chosen example, ready to run.
    page = client.get("/sparql?example=05-li-lisan", headers=HTML).get_data(as_text=True)
    assert 'id="plain-form"' in page and "hidden" not in page.split('id="plain-form"')[1][:40]
    text = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert text and "Li Lisan" in text.group(1)


def test_editor_assets_come_from_this_server(client: FlaskClient) -> None:
    html = client.get("/sparql", headers=HTML).get_data(as_text=True)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    if not yasgui_available():
        pytest.skip("YASGUI is not installed (run `make install`, which runs npm ci)")
    assert '<script src="/vendor/yasgui/yasgui.min.js"></script>' in html
    with client.get("/vendor/yasgui/yasgui.min.js") as js:
        assert js.status_code == 200 and len(js.data) > 100_000
    assert client.get("/vendor/yasgui/package.json").status_code == 404
    assert client.get("/vendor/yasgui/..%2F..%2Fpackage.json").status_code == 404


def test_sparql_answers_carry_validators(client: FlaskClient) -> None:
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    json_accept = {"Accept": "application/sparql-results+json"}
    first = client.get("/sparql", query_string=query, headers=json_accept)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/sparql", query_string=query,
                       headers={**json_accept, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # Another format of the same query is another answer, with another validator.
    csv = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    assert csv.headers["ETag"] != first.headers["ETag"]
    assert csv.data.decode().splitlines()[1] == str(
        first.get_json()["results"]["bindings"][0]["n"]["value"])


def _timeline(client: FlaskClient, query: str = "") -> str:
    response = client.get("/timeline" + query, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _sparql_count(client: FlaskClient, query: str) -> int:
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"})
    return int(answer.get_json()["results"]["bindings"][0]["n"]["value"])


def test_timeline_draws_every_dated_item(client: FlaskClient) -> None:
    dated = _sparql_count(client, """PREFIX kg: <https://coldwar-kg.example.org/ontology#>
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
          VALUES ?p { kg:date kg:startDate kg:endDate kg:plannedDate kg:notLaterThan }
          ?e ?p ?d . FILTER NOT EXISTS { ?e a kg:ArchivalRecord } }""")
    html = _timeline(client)
    assert dated >= 20 and html.count('class="timeline-item"') == dated
    assert html.count('<svg class="track"') == dated
    # The legend says how each kind of date is drawn, and the break in the axis.
    for words in ("a day", "a month", "about", "before", "after", "early in", "a break"):
        assert words in html


def test_timeline_draws_a_month_as_the_month(client: FlaskClient) -> None:
    html = _timeline(client, "?from=1949&to=1949")
    item = re.search(r'<li class="timeline-item"[^>]*data-start="1949-02"[^>]*'
                     r'data-precision="month".*?</li>', html, re.S)
    assert item, "the estimate of February 1949 is on the 1949 timeline"
    bar = re.search(r'<rect class="range" x="([\d.]+)%" width="([\d.]+)%"', item.group(0))
    assert bar, "a month is drawn as a range, not a point"
    # The axis gives 96 % of the width to the year: February takes 28/365 of it.
    assert abs(float(bar.group(2)) - 96 * 28 / 365) < 0.2
    # A day is a point; "about" has whiskers; "before" is open to the left.
    assert re.search(r'data-precision="day" data-shape="exact">.*?<circle class="day"',
                     html, re.S)
    assert 'data-shape="about"' in html and 'class="whisker"' in html
    assert 'data-shape="before"' in html and 'class="open-before"' in html


def test_timeline_filter_and_zoom_narrow_it(client: FlaskClient) -> None:
    everything = _timeline(client).count('class="timeline-item"')
    meetings = _timeline(client, "?kind=meeting")
    shown = re.findall(r'<li class="timeline-item" data-group="([a-z]+)"', meetings)
    assert 0 < len(shown) < everything and set(shown) == {"meeting"}
    both = _timeline(client, "?kind=meeting&kind=communication").count('class="timeline-item"')
    assert len(shown) < both < everything
    # Zoom: only what overlaps the window, on an axis labelled by month.
    may = _timeline(client, "?from=1949-05&to=1949-05")
    starts = re.findall(r'<li class="timeline-item"[^>]*data-start="([^"]+)"', may)
    assert starts and len(starts) < everything
    assert all(s[:4] <= "1949" for s in starts)
    assert "May 1949" in may or ">May<" in may
    assert "Nothing dated in this window" in _timeline(client, "?from=1800&to=1801")
    for bad in ("?kind=bogus", "?from=May", "?from=1950&to=1949"):
        assert client.get("/timeline" + bad, headers=HTML).status_code == 400
