"""The W3C SPARQL 1.1 Protocol test suite, run against a real ``kg serve``.

The suite's manifest (``sparql11-protocol/manifest.ttl`` in the W3C's rdf-tests) lists 34
tests, each an HTTP request with the status and results it requires. The 27 that a
read-only endpoint can pass are written out below, request by request, from the
manifest's facts (method, path, headers, body, expected status, format, boolean): the 20
query tests and the 7 refusals of malformed updates. The other 7 run updates and read
their effect back; this endpoint is read-only, so each must be refused (403) and change
nothing, which :func:`test_updates_are_refused` checks.

Each request sends exactly the headers the manifest names (no ``Accept``: the endpoint
chooses the format); the manifest's ``/sparql/`` is this endpoint's ``/sparql``. The store
holds the suite's three data files, each a named graph named after it.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest

from conftest import kg_serve

DATA = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
#: The manifest's expected formats, as the content types each allows.
TABULAR = ("application/sparql-results+xml", "application/sparql-results+json", "text/csv",
           "text/tab-separated-values")
BOOLEAN = ("application/sparql-results+xml", "application/sparql-results+json")
RDF = ("application/rdf+xml", "text/turtle", "application/n-triples", "text/html")


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def data(n: int) -> str:
    return f"{DATA}data{n}.rdf"


@dataclass(frozen=True)
class Case:
    """One request of the suite and what its answer must be."""

    method: str
    path: str  # after /sparql
    body: bytes | None = None
    content_type: str | None = None
    status: int = 2  # the first digit of the status: 2 for 2xx (or 3xx), 4 for 4xx
    format: tuple[str, ...] = ()  # content types allowed, empty when the test names none
    boolean: bool | None = None


ASK_12 = f"ASK {{ <{data(1)}> a ?type . <{data(2)}> a ?type . }}"
ASK_G12 = (f"ASK {{ GRAPH ?g1 {{ <{data(1)}> a ?type }} "
           f"GRAPH ?g2 {{ <{data(2)}> a ?type }} }}")
D0 = f"default-graph-uri={q(data(0))}"
D12 = f"default-graph-uri={q(data(1))}&default-graph-uri={q(data(2))}"
N12 = f"named-graph-uri={q(data(1))}&named-graph-uri={q(data(2))}"
CHANGE = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
          "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName "
          "'William' }\nWHERE {\n    ?person foaf:givenName 'Bill'\n}")

CASES: dict[str, Case] = {
    # The 20 query tests.
    "query_post_form": Case("POST", f"?{D0}", b"query=ASK%20%7B%7D", FORM,
                            format=BOOLEAN, boolean=True),
    "query_dataset_default_graphs_get": Case("GET", f"?query={q(ASK_12)}&{D12}",
                                             format=BOOLEAN, boolean=True),
    "query_dataset_default_graphs_post": Case("POST", f"?{D12}", ASK_12.encode(), QUERY,
                                              format=BOOLEAN, boolean=True),
    "query_dataset_named_graphs_post": Case("POST", f"?{N12}", ASK_G12.encode(), QUERY,
                                            format=BOOLEAN, boolean=True),
    "query_dataset_named_graphs_get": Case("GET", f"?query={q(ASK_G12)}&{N12}",
                                           format=BOOLEAN, boolean=True),
    "query_dataset_full": Case(
        "POST", f"?default-graph-uri={q(data(3))}&{N12}",
        (f"ASK {{\n  <{data(3)}> a ?type\n  GRAPH ?g1 {{ <{data(1)}> a ?type }}\n"
         f"  GRAPH ?g2 {{ <{data(2)}> a ?type }}\n}}").encode(), QUERY,
        format=BOOLEAN, boolean=True),
    "query_multiple_dataset": Case(
        "POST", f"?{N12}", f"ASK FROM <{data(3)}> {ASK_G12[4:]}".encode(), QUERY,
        format=BOOLEAN, boolean=True),
    "query_get": Case("GET", f"?query=ASK%20%7B%7D&{D0}", format=BOOLEAN, boolean=True),
    "query_content_type_select": Case("POST", f"?{D0}", b"SELECT (1 AS ?value) {}", QUERY,
                                      format=TABULAR),
    "query_content_type_ask": Case("POST", f"?{D0}", b"ASK {}", QUERY, format=BOOLEAN),
    "query_content_type_describe": Case("POST", f"?{D0}", b"DESCRIBE <http://example.org/>",
                                        QUERY, format=RDF),
    # Relative IRIs: resolved against the endpoint's base.
    "query_content_type_construct": Case("POST", f"?{D0}", b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                                         QUERY, format=RDF),
    "query_post_direct": Case("POST", "", b"ASK {}", QUERY, format=BOOLEAN, boolean=True),
    "bad_query_method": Case("PUT", f"?query=ASK%20%7B%7D&{D0}", b"", FORM, status=4),
    "bad_multiple_queries": Case("GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
                                 status=4),
    "bad_query_wrong_media_type": Case("POST", "", b"ASK {}", "text/plain", status=4),
    "bad_query_missing_form_type": Case("POST", "", b"query=ASK%20%7B%7D", status=4),
    "bad_query_missing_direct_type": Case("POST", "", b"ASK {}", status=4),
    "bad_query_non_utf8": Case("POST", "", "ASK {}".encode("utf-16"),
                               f"{QUERY}; charset=UTF-16", status=4),
    "bad_query_syntax": Case("GET", "?query=ASK%20%7B", status=4),
    # The 7 malformed updates: refused (4xx) by any endpoint.
    "bad_update_get": Case("GET", "?update=CLEAR%20ALL", status=4),
    "bad_multiple_updates": Case("POST", "", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                                 FORM, status=4),
    "bad_update_wrong_media_type": Case("POST", "", b"CLEAR NAMED", "text/plain", status=4),
    "bad_update_missing_form_type": Case("POST", "", b"update=CLEAR%20NAMED", status=4),
    "bad_update_non_utf8": Case("POST", "", "CLEAR NAMED".encode("utf-16"),
                                f"{UPDATE}; charset=UTF-16", status=4),
    "bad_update_syntax": Case("POST", "", b"update=CLEAR%20XYZ", FORM, status=4),
    "bad_update_dataset_conflict": Case(
        "POST", f"?using-named-graph-uri={q('http://example/people')}", CHANGE.encode(),
        UPDATE, status=4),
}

#: The suite's 7 updates that succeed on a writable endpoint (the manifest's update
#: requests, shortened to their first operation where it has several: refused all the
#: same), and the query each test then asks, true after the update.
UPDATES: dict[str, tuple[Case, str]] = {
    "update_dataset_default_graph": (
        Case("POST", f"?using-graph-uri={q(data(1))}", b"CLEAR ALL", UPDATE),
        "ASK { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s ?p ?o } }"),
    "update_dataset_default_graphs": (
        Case("POST", f"?using-graph-uri={q(data(1))}&using-graph-uri={q(data(2))}",
             b"DROP ALL", UPDATE),
        "ASK { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> { ?s ?p ?o } }"),
    "update_dataset_named_graphs": (
        Case("POST", f"?using-named-graph-uri={q(data(1))}&using-named-graph-uri={q(data(2))}",
             b"DROP ALL", UPDATE),
        "ASK { GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> "
        "{ ?s ?p ?o } }"),
    "update_dataset_full": (
        Case("POST", f"?using-graph-uri={q(data(1))}&using-named-graph-uri={q(data(2))}",
             b"DROP ALL", UPDATE),
        "ASK { GRAPH <http://example.org/protocol-update-dataset-full-test/> { ?s ?p ?o } }"),
    "update_post_form": (Case("POST", "", b"update=CLEAR+ALL", FORM),
                         f"ASK {{ GRAPH <{data(1)}> {{ ?s ?p ?o }} }}"),
    "update_post_direct": (Case("POST", "", b"CLEAR ALL", UPDATE),
                           f"ASK {{ GRAPH <{data(2)}> {{ ?s ?p ?o }} }}"),
    "update_base_uri": (
        Case("POST", "", b"CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
             b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
             b"{ <http://example.org/s> <http://example.org/p> <test> } }", UPDATE),
        "ASK { GRAPH <http://example.org/protocol-base-test/> { ?s ?p ?o } }"),
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``kg serve`` over the suite's data: data1-3, each in the named graph of its name."""
    tmp = tmp_path_factory.mktemp("w3c")
    path = tmp / "store"
    store = ox.Store(str(path))
    store.extend(ox.Quad(ox.NamedNode(data(n)), RDF_TYPE, FOAF_DOCUMENT, ox.NamedNode(data(n)))
                 for n in (1, 2, 3))
    store.flush()
    del store
    with kg_serve(str(tmp / "data"), tmp, workers=1, store=str(path)) as url:
        parsed = urllib.parse.urlsplit(url)
        yield parsed.hostname or "127.0.0.1", parsed.port or 80


def send(endpoint: tuple[str, int], case: Case) -> tuple[int, str, bytes]:
    """The request, with exactly the headers the test names (http.client adds only Host,
    Accept-Encoding: identity and Content-Length)."""
    conn = http.client.HTTPConnection(*endpoint, timeout=10)
    try:
        headers = {"Content-Type": case.content_type} if case.content_type else {}
        conn.request(case.method, "/sparql" + case.path, body=case.body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def boolean(content_type: str, body: bytes) -> bool:
    if content_type.startswith("application/sparql-results+json"):
        return bool(json.loads(body)["boolean"])
    results = ox.parse_query_results(body, ox.QueryResultsFormat.XML)
    assert isinstance(results, ox.QueryBoolean)
    return bool(results)


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 27
    assert sum("update" in name for name in CASES) == 7


@pytest.mark.parametrize("name", list(CASES))
def test_protocol(endpoint: tuple[str, int], name: str) -> None:
    case = CASES[name]
    status, content_type, body = send(endpoint, case)
    if case.status == 2:
        assert status // 100 in (2, 3), (status, body)
    else:
        assert status // 100 == 4, (status, body)
        assert b"Traceback" not in body
        return
    if case.format:
        assert content_type.split(";")[0].strip() in case.format, content_type
    if case.boolean is not None:
        assert boolean(content_type, body) is case.boolean


@pytest.mark.parametrize("name", list(UPDATES))
def test_updates_are_refused(endpoint: tuple[str, int], name: str) -> None:
    """A read-only endpoint: each update the suite runs is refused (403) and the graphs
    it would have written or cleared are as they were."""
    update, check = UPDATES[name]
    status, _, body = send(endpoint, update)
    assert status == 403, body
    assert b"read-only" in body
    status, content_type, body = send(endpoint, Case("POST", "", check.encode(), QUERY))
    assert status == 200
    expected = name in ("update_post_form", "update_post_direct")  # data1, data2 kept
    assert boolean(content_type, body) is expected


def test_relative_iris_resolve_against_the_endpoint(endpoint: tuple[str, int]) -> None:
    status, _, body = send(endpoint, Case("POST", "", b"SELECT * WHERE { <s> ?p ?o }", QUERY))
    assert status == 200, body
    status, _, body = send(endpoint, Case(
        "POST", "", b"SELECT (STR(<s>) AS ?iri) (STR(<../x>) AS ?up) {}", QUERY))
    row = json.loads(body)["results"]["bindings"][0]
    assert row["iri"]["value"] == "https://coldwar-kg.example.org/s"
    assert row["up"]["value"] == "https://coldwar-kg.example.org/x"
    # A BASE of the query's own still applies.
    status, _, body = send(endpoint, Case(
        "POST", "", b"BASE <http://example.org/a/> SELECT (STR(<s>) AS ?iri) {}", QUERY))
    assert json.loads(body)["results"]["bindings"][0]["iri"]["value"] == \
        "http://example.org/a/s"


@pytest.mark.parametrize("accept,media", [
    ("application/n-quads", "application/n-quads"),
    ("application/trig", "application/trig"),
    ("text/n3", "text/n3"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
])
def test_graph_formats(endpoint: tuple[str, int], accept: str, media: str) -> None:
    query = "CONSTRUCT { ?s a ?t } WHERE { GRAPH ?g { ?s a ?t } }"
    conn = http.client.HTTPConnection(*endpoint, timeout=10)
    conn.request("POST", "/sparql", body=query.encode(),
                 headers={"Content-Type": QUERY, "Accept": accept})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith(media)
    fmt = ox.RdfFormat.from_media_type(media)
    assert fmt is not None
    quads = list(ox.parse(body, fmt))
    assert len(quads) == 3


def test_select_as_application_xml(endpoint: tuple[str, int]) -> None:
    conn = http.client.HTTPConnection(*endpoint, timeout=10)
    conn.request("POST", "/sparql", body=b"SELECT (1 AS ?one) {}",
                 headers={"Content-Type": QUERY, "Accept": "application/xml"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("application/sparql-results+xml")
    results = ox.parse_query_results(body, ox.QueryResultsFormat.XML)
    assert [str(s["one"].value) for s in results] == ["1"]

