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
    # Each example carries its PREFIX lines, so it runs as is on the endpoint.
    first = examples[0]["query"]
    answer = client.get("/sparql", query_string={"query": first},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.get_json()["results"]["bindings"]


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
