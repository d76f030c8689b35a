"""The SPARQL 1.1 Protocol endpoint, in-process, route by route and Accept case by Accept case."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from server import create_app, query_text
from server.executor import Executor, QueryTimeout, ResultTooLarge

from kg.errors import QueryError, StoreError
from server_fixtures import ALIASES, EX, GRAPHS, NUMBER_COUNT, PEOPLE, RUNAWAY, SCRIPT, build_store

TIMEOUT = 2
MAX_RESULTS = 1000
PEOPLE_QUERY = (
    f"SELECT ?s ?label WHERE {{ GRAPH <{PEOPLE}> {{ ?s a <{EX}Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } } ORDER BY ?s"
)
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PEOPLE}> {{ ?s ?p ?o }} }}"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
FORM = "application/x-www-form-urlencoded"
# rdflib's own JSON-LD parser still builds a ConjunctiveGraph, which rdflib deprecates.
RDFLIB_JSONLD = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("sparql") / "store")


@contextmanager
def _app(store: Path, **settings: object) -> Iterator[Flask]:
    app = create_app({"store": str(store), "query_timeout": TIMEOUT, **settings})
    try:
        yield app
    finally:
        app.extensions["kg.executor"].close()


@pytest.fixture(scope="session")
def app(store: Path) -> Iterator[Flask]:
    with _app(store, max_results=MAX_RESULTS) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, query: str, accept: str | None = None, **params: object):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def bindings(response) -> list[dict]:
    return json.loads(response.data)["results"]["bindings"]


def assert_error(response, status: int, *words: str) -> dict:
    """The one error shape: JSON with error (title), message and status."""
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message", "status"} and body["status"] == status
    for word in words:
        assert word.lower() in body["message"].lower(), body["message"]
    return body


# --- the three ways to send a query --------------------------------------------------------


def test_get_select_defaults_to_json(client: FlaskClient) -> None:
    response = get(client, PEOPLE_QUERY)
    assert response.status_code == 200
    assert response.mimetype == SPARQL_JSON
    rows = bindings(response)
    assert [r["label"]["value"] for r in rows] == ["Mao Zedong", "Joseph Stalin", "Zhou Enlai"]
    assert rows[0]["label"] == {"type": "literal", "value": "Mao Zedong", "xml:lang": "en"}
    assert response.headers["Vary"] == "Accept"


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": PEOPLE_QUERY}, content_type=FORM)
    assert response.status_code == 200 and len(bindings(response)) == 3


def test_post_direct(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data=PEOPLE_QUERY.encode(), content_type="application/sparql-query"
    )
    assert response.status_code == 200 and len(bindings(response)) == 3


def test_post_direct_takes_dataset_from_url(client: FlaskClient) -> None:
    response = client.post(
        f"/sparql?default-graph-uri={ALIASES}",
        data=b"SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o",
        content_type="application/sparql-query",
    )
    assert [r["o"]["value"] for r in bindings(response)] == ["Filippov", "Mao Tse-tung"]


def test_post_other_media_type_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=PEOPLE_QUERY, content_type="text/plain")
    assert_error(response, 415, "application/sparql-query")


def test_no_query_in_post_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"foo": "bar"}, content_type=FORM)
    assert_error(response, 400, "no query")


def test_two_queries_are_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK{}&query=ASK{}")
    assert_error(response, 400, "exactly one")


# --- content negotiation ---------------------------------------------------------------


def _parse_solutions(media_type: str, data: bytes) -> list[str]:
    """The labels in a results document, whatever its format."""
    text = data.decode()
    if media_type == SPARQL_JSON:
        return [r["label"]["value"] for r in json.loads(text)["results"]["bindings"]]
    if media_type == SPARQL_XML:
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(text)
        return [e.text for e in root.findall(".//r:binding[@name='label']/r:literal", ns)]
    if media_type == "text/csv":
        return [row["label"] for row in csv.DictReader(io.StringIO(text))]
    rows = [line.split("\t") for line in text.splitlines()]
    assert rows[0] == ["?s", "?label"]
    return [r[1].split('"')[1] for r in rows[1:]]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (SPARQL_JSON, SPARQL_JSON),
        ("application/json", SPARQL_JSON),
        (SPARQL_XML, SPARQL_XML),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", SPARQL_JSON),
        (f"{SPARQL_JSON};q=0.5, {SPARQL_XML}", SPARQL_XML),
        (f"text/csv;q=0.1, {SPARQL_XML};q=0.9, {SPARQL_JSON};q=0.8", SPARQL_XML),
        ("text/*", "text/csv"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", SPARQL_JSON),
    ],
)
def test_select_formats(client: FlaskClient, accept: str, media_type: str) -> None:
    response = get(client, PEOPLE_QUERY, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == media_type
    assert _parse_solutions(media_type, response.data) == [
        "Mao Zedong", "Joseph Stalin", "Zhou Enlai"
    ]


@RDFLIB_JSONLD
@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("*/*", "text/turtle", "turtle"),
        ("application/ld+json;q=0.4, application/n-triples;q=0.6", "application/n-triples", "nt"),
    ],
)
def test_construct_formats(
    client: FlaskClient, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert len(graph) == 7
    assert (rdflib.URIRef(EX + "hostile"), rdflib.RDFS.label, rdflib.Literal(SCRIPT)) in graph


def test_construct_turtle_uses_the_query_prefixes(client: FlaskClient) -> None:
    response = get(client, f"PREFIX ex: <{EX}> DESCRIBE ex:mao", "text/turtle")
    assert response.status_code == 200
    assert f"@prefix ex: <{EX}>" in response.text and "ex:mao" in response.text
    # prefixes RDF/XML cannot declare as XML namespaces are left out, not fatal
    query = f"PREFIX : <{EX}> PREFIX a.b: <{EX}> PREFIX x: <{EX}x> DESCRIBE :mao"
    response = get(client, query, "application/rdf+xml")
    assert response.status_code == 200, response.data
    assert len(rdflib.Graph().parse(data=response.data, format="xml")) == 3


def test_ask(client: FlaskClient) -> None:
    response = get(client, f"ASK {{ <{EX}mao> ?p ?o }}")
    assert response.get_json() == {"head": {}, "boolean": True}
    response = get(client, f"ASK {{ <{EX}nobody> ?p ?o }}", SPARQL_XML)
    assert response.mimetype == SPARQL_XML and b"<boolean>false</boolean>" in response.data


@pytest.mark.parametrize(
    ("query", "fmt", "media_type"),
    [
        (PEOPLE_QUERY, "csv", "text/csv"),
        (PEOPLE_QUERY, "xml", SPARQL_XML),
        (PEOPLE_QUERY, "tsv", "text/tab-separated-values"),
        (CONSTRUCT, "nt", "application/n-triples"),
        (CONSTRUCT, "turtle", "text/turtle"),  # SPARQLWrapper's name
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "json", "application/ld+json"),
        (CONSTRUCT, "rdfxml", "application/rdf+xml"),
        (CONSTRUCT, "jsonld", "application/ld+json"),
        (CONSTRUCT, "text/turtle", "text/turtle"),
    ],
)
def test_format_parameter_overrides_accept(
    client: FlaskClient, query: str, fmt: str, media_type: str
) -> None:
    response = get(client, query, SPARQL_JSON + ", text/turtle", format=fmt)
    assert response.status_code == 200 and response.mimetype == media_type


def test_format_not_fitting_the_query_is_406(client: FlaskClient) -> None:
    assert_error(get(client, PEOPLE_QUERY, format="ttl"), 406, "json, xml, csv, tsv")


def test_unknown_format_is_400(client: FlaskClient) -> None:
    assert_error(get(client, PEOPLE_QUERY, format="yaml"), 400, "unknown format")


def test_nothing_acceptable_is_406_with_the_list(client: FlaskClient) -> None:
    body = assert_error(get(client, PEOPLE_QUERY, "image/png"), 406)
    for media_type in (SPARQL_JSON, SPARQL_XML, "text/csv", "text/tab-separated-values"):
        assert media_type in body["message"]
    assert_error(get(client, CONSTRUCT, SPARQL_JSON), 406, "text/turtle", "application/ld+json")


# --- errors --------------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(client: FlaskClient) -> None:
    body = assert_error(get(client, "SELECT * WHERE { ?s ?p "), 400, "error at 1:")
    assert body["error"] == "Invalid query"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
        "PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1/data.ttl>",
        "clear all",
        "DROP GRAPH <http://ex/g>",
        "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_as_query_is_403(client: FlaskClient, update: str) -> None:
    assert_error(get(client, update), 403, "read-only")


def test_update_parameter_and_body_are_403(client: FlaskClient) -> None:
    update = "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"
    assert_error(client.post("/sparql", data={"update": update}, content_type=FORM),
                 403, "read-only")
    assert_error(client.get("/sparql", query_string={"update": update}), 403, "read-only")
    response = client.post("/sparql", data=update, content_type="application/sparql-update")
    assert_error(response, 403, "read-only")
    assert get(client, f"ASK {{ <{EX}mao> ?p ?o }}").get_json()["boolean"] is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:8000/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1/> { ?s ?p ?o } }",
        "SELECT * WHERE {SERVICE<http://127.0.0.1/>{}}",
        "PREFIX s: <http://127.0.0.1/> SELECT * WHERE { SERVICEs:x { ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p true SERVICE <http://127.0.0.1/> { } }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1/> { } }",
        "SELECT * WHERE { <http://x\\u0041#> ?p ?o . SERVICE <http://127.0.0.1/> { } }",
        "SELECT * WHERE { BIND(<http://127.0.0.1/> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client: FlaskClient, query: str) -> None:
    assert_error(get(client, query), 403, "SERVICE")


def test_service_in_strings_iris_comments_and_names_is_not_refused(client: FlaskClient) -> None:
    query = f"""PREFIX ex: <{EX}>  # SERVICE <http://127.0.0.1/> {{ }}
    SELECT ?service WHERE {{
      BIND("SERVICE <http://127.0.0.1/> {{ }}" AS ?service)
      OPTIONAL {{ ?s <http://example.org/SERVICE> ex:SERVICE }}
      FILTER(?service != '''SERVICE''')
    }}"""
    response = get(client, query)
    assert response.status_code == 200, response.data
    assert bindings(response)[0]["service"]["value"].startswith("SERVICE")


def test_service_runs_when_allowed(store: Path) -> None:
    with _app(store, allow_service=True, query_processes=1) as app:
        # Port 1 is refused by the engine's HTTP client itself: proof that it tried.
        query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"
        assert_error(get(app.test_client(), query), 400, "port 1")


def test_query_too_large_is_413(app: Flask, client: FlaskClient) -> None:
    limit = app.config["KG"].max_query_bytes
    huge = "ASK {} #" + "x" * limit
    assert_error(get(client, huge), 413, str(limit))
    assert_error(client.post("/sparql", data=huge, content_type="application/sparql-query"),
                 413, str(limit))
    assert_error(client.post("/sparql", data={"query": huge}, content_type=FORM),
                 413, str(limit))
    assert app.config["MAX_CONTENT_LENGTH"] == limit


def test_result_too_large_is_an_error_not_a_truncation(client: FlaskClient) -> None:
    query = f"SELECT ?s WHERE {{ GRAPH <{GRAPHS[2]}> {{ ?s ?p ?o }} }}"
    assert_error(get(client, query), 422, f"more than {MAX_RESULTS} rows", "LIMIT")
    construct = query.replace("SELECT ?s", "CONSTRUCT { ?s ?p ?o }")
    assert_error(get(client, construct), 422, f"more than {MAX_RESULTS} triples")
    assert len(bindings(get(client, query + f" LIMIT {MAX_RESULTS}"))) == MAX_RESULTS
    # Four million solutions: the answer is cut short at the limit, not computed in full.
    start = time.monotonic()
    assert_error(get(client, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"), 422, "rows")
    assert time.monotonic() - start < TIMEOUT


def test_runaway_query_is_stopped_and_the_endpoint_goes_on(client: FlaskClient) -> None:
    # The same shape with two patterns and a LIMIT is a valid, quick query...
    small = get(client, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 3")
    assert small.status_code == 200 and len(bindings(small)) == 3
    # ...with three patterns it counts ~10^10 solutions: it runs until it is stopped.
    start = time.monotonic()
    body = assert_error(get(client, RUNAWAY), 503, "stopped", f"{TIMEOUT} s")
    elapsed = time.monotonic() - start
    assert body["error"] == "Query timeout"
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    assert len(bindings(get(client, PEOPLE_QUERY))) == 3


def test_missing_store_is_503_saying_to_build(tmp_path: Path) -> None:
    with _app(tmp_path / "nowhere") as app:
        body = assert_error(get(app.test_client(), "ASK {}"), 503, "kg build")
        assert body["error"] == "Store unavailable"


# --- datasets ------------------------------------------------------------------------------


def test_default_graph_is_the_union_of_named_graphs(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert bindings(get(client, query))[0]["n"]["value"] == str(9 + NUMBER_COUNT)
    query = (
        f"SELECT ?alias WHERE {{ <{EX}stalin> ?p ?alias FILTER(isLiteral(?alias)) }} "
        "ORDER BY ?alias"
    )
    assert [r["alias"]["value"] for r in bindings(get(client, query))] == [
        "Filippov", "Joseph Stalin"
    ]


def test_default_graph_uri(client: FlaskClient) -> None:
    query = f"SELECT ?alias WHERE {{ <{EX}stalin> ?p ?alias FILTER(isLiteral(?alias)) }}"
    rows = bindings(get(client, query, **{"default-graph-uri": ALIASES}))
    assert [r["alias"]["value"] for r in rows] == ["Filippov"]
    rows = bindings(client.get("/sparql", query_string=[
        ("query", query), ("default-graph-uri", ALIASES), ("default-graph-uri", PEOPLE)
    ]))
    assert sorted(r["alias"]["value"] for r in rows) == ["Filippov", "Joseph Stalin"]


def test_named_graph_uri(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = bindings(get(client, query, **{"named-graph-uri": ALIASES}))
    assert [r["g"]["value"] for r in rows] == [ALIASES]
    # named-graph-uri alone: the default graph is empty
    everything = "SELECT * WHERE { ?s ?p ?o }"
    assert bindings(get(client, everything, **{"named-graph-uri": ALIASES})) == []
    all_graphs = {r["g"]["value"] for r in bindings(get(client, query))}
    assert all_graphs == set(GRAPHS)


def test_from_clause(client: FlaskClient) -> None:
    query = f"SELECT ?o FROM <{ALIASES}> WHERE {{ <{EX}stalin> ?p ?o }}"
    assert [r["o"]["value"] for r in bindings(get(client, query))] == ["Filippov"]
    query = (
        f"SELECT ?g ?o FROM NAMED <{ALIASES}> "
        f"WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ <{EX}stalin> ?p ?o }} }} }}"
    )
    rows = bindings(get(client, query))  # FROM NAMED alone: an empty default graph
    assert [(r["g"]["value"], r["o"]["value"]) for r in rows] == [(ALIASES, "Filippov")]


@pytest.mark.parametrize("iri", ["not an iri", "relative/path", "http://ex/a b", "<script>"])
def test_invalid_graph_iri_is_400(client: FlaskClient, iri: str) -> None:
    assert_error(get(client, "ASK {}", **{"default-graph-uri": iri}), 400, "default-graph-uri")
    assert_error(get(client, "ASK {}", **{"named-graph-uri": iri}), 400, "named-graph-uri")


# --- CORS, service description, the browser page -------------------------------------------


def test_cors(client: FlaskClient) -> None:
    assert get(client, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    assert get(client, "ASK {").headers["Access-Control-Allow-Origin"] == "*"
    response = client.options("/sparql", headers={
        "Origin": "https://example.net",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


@RDFLIB_JSONLD
@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("*/*", "turtle"),
     ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_service_description(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    service = rdflib.URIRef("http://localhost/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.resultFormat,
            rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    dataset = graph.value(service, sd.defaultDataset)
    assert graph.value(dataset, sd.defaultGraph) is not None
    names = {str(graph.value(g, sd.name)) for g in graph.objects(dataset, sd.namedGraph)}
    assert names == set(GRAPHS)


def test_browser_gets_a_query_form(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"<form" in response.data and b"<textarea" in response.data


# --- the error shape -----------------------------------------------------------------------


def test_error_shape_for_browsers_is_escaped_html(client: FlaskClient) -> None:
    response = get(client, "ASK {}", "text/html", **{"default-graph-uri": SCRIPT})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert b"<script>" not in response.data and b"&lt;script&gt;" in response.data
    assert b"<h1>Bad request</h1>" in response.data


def test_error_shape_plain_text(client: FlaskClient) -> None:
    response = get(client, "ASK {}", "text/plain", **{"named-graph-uri": "x y"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.text.startswith("400 Bad request: named-graph-uri 'x y' is not")


def test_http_errors_have_the_same_shape(client: FlaskClient) -> None:
    body = assert_error(client.get("/no/such/page"), 404)
    assert body["error"] == "Not Found"
    response = client.put("/sparql", data="x")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_results_carry_hostile_literals_as_data(client: FlaskClient) -> None:
    query = f"SELECT ?l WHERE {{ <{EX}hostile> ?p ?l }}"
    assert bindings(get(client, query))[0]["l"]["value"] == SCRIPT
    assert get(client, query, "text/csv").text.splitlines()[1] == SCRIPT


# --- hostile input ------------------------------------------------------------------------


def test_non_utf8_bodies_are_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK { \xff\xfe }",
                           content_type="application/sparql-query")
    assert_error(response, 400, "UTF-8")
    response = client.post("/sparql", data=b"query=ASK%7B%7D%FF", content_type=FORM)
    assert_error(response, 400, "UTF-8")
    response = client.post("/sparql", data=b"query=ASK{}\xff", content_type=FORM)
    assert_error(response, 400, "UTF-8")
    assert_error(client.get("/sparql?query=ASK%7B%C3%28%7D"), 400, "UTF-8")


def test_deep_nesting_is_400_and_harms_nothing(client: FlaskClient) -> None:
    query = "SELECT * WHERE " + "{" * 2000 + "?s ?p ?o" + "}" * 2000
    assert_error(get(client, query), 400, "2000 levels")
    query = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    assert_error(client.post("/sparql", data=query, content_type="application/sparql-query"),
                 400, "levels")
    assert len(bindings(get(client, PEOPLE_QUERY))) == 3


def test_long_expression_chains_do_not_crash_the_engine(client: FlaskClient) -> None:
    # 15,000 disjuncts overflow a default 8 MiB stack in the engine (a segfault):
    # the workers run queries on a larger one.
    query = "SELECT ?x WHERE { BIND(" + "||".join(["true"] * 15_000) + " AS ?x) }"
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 200, response.data
    assert bindings(response)[0]["x"]["value"] == "true"


def test_huge_query_is_413_before_anything_else(client: FlaskClient) -> None:
    query = "SELECT * WHERE { " + "{" * 1_000_000 + " }"
    assert_error(client.post("/sparql", data=query, content_type="application/sparql-query"),
                 413)


# --- the executor, without Flask -----------------------------------------------------------


def test_executor_interface(store: Path) -> None:
    with Executor(store, processes=1, timeout=TIMEOUT, max_results=10) as executor:
        content_type, body = executor.execute(PEOPLE_QUERY)
        assert content_type == "application/sparql-results+json; charset=utf-8"
        assert len(json.loads(body)["results"]["bindings"]) == 3
        content_type, body = executor.execute(CONSTRUCT, result_format="nt")
        assert content_type.startswith("application/n-triples")
        assert len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) == 7
        _, body = executor.execute("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[ALIASES])
        assert len(json.loads(body)["results"]["bindings"]) == 2
        with pytest.raises(QueryError, match="error at"):
            executor.execute("SELECT")
        with pytest.raises(ResultTooLarge):
            executor.execute("SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(QueryTimeout):
            executor.execute(RUNAWAY)
        _, body = executor.execute("ASK {}", result_format="csv")
        assert body == b"true"
    with pytest.raises(StoreError, match="kg build"):
        Executor(store.parent / "missing").execute("ASK {}")


def test_executor_replaces_a_dead_worker(store: Path) -> None:
    ask = "ASK { ?s ?p ?o }"  # not a look-up: a query process answers it
    with Executor(store, processes=1, timeout=TIMEOUT) as executor:
        executor.execute(ask)
        (worker,) = executor._workers
        worker.process.kill()
        worker.process.wait()
        assert executor.execute(ask)[1] == b'{"head":{},"boolean":true}'
        assert executor._workers and worker not in executor._workers


def test_query_text_lexer() -> None:
    text = query_text.inspect(
        "BASE <http://b/> PREFIX ex: <http://e/> PREFIX : <http://d/>\n"
        "# a comment with SERVICE and { braces\n"
        "construct { ?s ex:p 'SERVICE {' } WHERE { ?s <http://x/SERVICE> [ ex:q (1 2) ] }"
    )
    assert text.form == "CONSTRUCT" and text.answers_with_graph
    assert text.depth == 3 and not text.uses_service and not text.is_update
    assert text.prefixes == {"ex": "http://e/", "": "http://d/"}
    assert query_text.inspect("  delete where { ?s ?p ?o }").is_update
    assert query_text.inspect("SELECT*{}").form == "SELECT"
    assert query_text.inspect("PREFIX:<http://x/>ASK{}").form == "ASK"
    assert query_text.inspect("nonsense").form is None
    assert query_text.inspect("SELECT * FROM <http://g/> { }").has_dataset
    assert not query_text.inspect("SELECT ?from { ?s <http://ex/FROM> 'FROM' }").has_dataset
    assert query_text.inspect("ASK { ?s ?p '''x'''@service }").uses_service is False


def test_query_text_normalized_ignores_comments_and_spacing_only() -> None:
    def same(a: str, b: str) -> bool:
        return query_text.inspect(a).normalized == query_text.inspect(b).normalized

    assert same("SELECT * # all\nWHERE  {\n ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }")
    assert same("ASK {} # one", "ASK {}\n#two\n")
    assert not same("SELECT * { ?s ?p 'a  # b' }", "SELECT * { ?s ?p 'a # b' }")
    assert not same("SELECT * { ?s <http://x/#a> ?o }", "SELECT * { ?s <http://x/#b> ?o }")
    assert not same("ASK { ?s ?p ?o }", "ASK {?s ?p ?o}")  # only runs of spaces become one
    assert not same("SELECT * { ?s ?p ?o } LIMIT 1", "SELECT * { ?s ?p ?o } LIMIT 2")
    declared = "PREFIX x: <http://y/>\nSELECT * { x:a ?p ?o }"
    assert not same("# " + declared, declared)  # a commented-out declaration
    assert query_text.inspect("#" + declared).prefixes == {}


# --- answers kept for reuse ----------------------------------------------------------------


class CountingExecutor:
    """The app's executor, counting the queries that reach it."""

    def __init__(self, inner: Executor):
        self.inner = inner
        self.queries: list[str] = []

    def execute(self, query: str, *args: object, **kwargs: object) -> tuple[str, bytes]:
        self.queries.append(query)
        return self.inner.execute(query, *args, **kwargs)  # type: ignore[arg-type]

    def answers_here(self, text: query_text.QueryText) -> bool:
        return self.inner.answers_here(text)


def test_answers_are_reused_and_confirmed_without_running_the_query(store: Path) -> None:
    with _app(store) as app:
        counting = CountingExecutor(app.extensions["kg.executor"])
        app.extensions["kg.executor"] = counting
        client = app.test_client()
        first = get(client, PEOPLE_QUERY, SPARQL_JSON)
        assert first.status_code == 200 and len(bindings(first)) == 3
        assert first.headers["Cache-Control"] == "public, max-age=300"
        # The same query with other comments and spacing: the same answer, not run again.
        variant = get(client, "# who?\n" + PEOPLE_QUERY.replace(" ", "  "), SPARQL_JSON)
        assert variant.data == first.data and variant.headers["ETag"] == first.headers["ETag"]
        # A client's current copy is confirmed: 304, nothing run.
        again = client.get("/sparql", query_string={"query": PEOPLE_QUERY + " # again"},
                           headers={"Accept": SPARQL_JSON,
                                    "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.data
        assert len(counting.queries) == 1
        # Another query, or another format, is another answer.
        assert len(bindings(get(client, PEOPLE_QUERY + " LIMIT 2", SPARQL_JSON))) == 2
        assert get(client, PEOPLE_QUERY, "text/csv").data.count(b"\n") == 4
        assert len(counting.queries) == 3
        app.extensions["kg.executor"] = counting.inner


def test_answer_cache_shares_costly_answers_through_the_build_directory(tmp_path: Path) -> None:
    from server.answers import AnswerCache, key_digest

    assert AnswerCache.for_store(tmp_path / "store").directory is None  # not a build
    (tmp_path / "build.json").write_text("{}")
    one = AnswerCache.for_store(tmp_path / "store")
    assert one.directory == tmp_path.resolve() / "answers"
    other = AnswerCache.for_store(tmp_path / "store")  # another worker process's
    slow, quick = key_digest(("etag", "slow query")), key_digest(("etag", "quick query"))

    def compute(body: bytes, seconds: float = 0.0):
        def run() -> tuple[str, bytes]:
            time.sleep(seconds)
            return "text/csv", body
        return run

    assert one.answer(slow, compute(b"a,b\n", one.share_after), wait=1) == ("text/csv", b"a,b\n")
    assert one.answer(quick, compute(b"c\n"), wait=1) == ("text/csv", b"c\n")
    assert other.get(slow) == ("text/csv", b"a,b\n")
    assert other.get(quick) is None  # cheap to compute again: kept in its own process only
    assert one.get(quick) == ("text/csv", b"c\n")


def test_answer_cache_computes_an_answer_once_for_concurrent_requests() -> None:
    import threading

    from server.answers import AnswerCache

    cache = AnswerCache(None)
    started, release = threading.Event(), threading.Event()
    calls = []

    def compute() -> tuple[str, bytes]:
        calls.append(1)
        started.set()
        release.wait(5)
        return "text/plain", b"42"

    results = []
    first = threading.Thread(target=lambda: results.append(cache.answer("k", compute, 5)))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.answer("k", compute, 5)))
    second.start()
    time.sleep(0.1)  # the second request is waiting for the first one's answer
    release.set()
    first.join(5)
    second.join(5)
    assert results == [("text/plain", b"42")] * 2 and len(calls) == 1


def test_a_slow_query_holds_up_no_other_query(store: Path) -> None:
    import threading

    with Executor(store, processes=2, timeout=TIMEOUT) as executor:
        executor.execute("ASK {}")
        assert len(executor._workers) == 1  # the pool starts small and grows when needed
        slow = threading.Thread(target=lambda: pytest.raises(QueryTimeout, executor.execute,
                                                             RUNAWAY))
        slow.start()
        time.sleep(0.2)
        _, body = executor.execute(PEOPLE_QUERY)  # a second worker starts for it
        assert slow.is_alive() and len(json.loads(body)["results"]["bindings"]) == 3
        assert len(executor._workers) == 2
        slow.join(TIMEOUT + 5)


SLOW_TIMEOUT = 6  # long enough for query processes to start on a busy machine


def _runaways(executor: Executor, n: int, errors: list[BaseException]) -> list[Any]:
    """``n`` threads each running the runaway query, each started once the one before has
    turned slow (it has given up its place in the pool)."""
    import threading

    def run() -> None:
        try:
            executor.execute(RUNAWAY)
        except BaseException as exc:  # noqa: BLE001 (checked by the test)
            errors.append(exc)

    threads = []
    for _ in range(n):
        slow = executor._slow
        threads.append(threading.Thread(target=run))
        threads[-1].start()
        _until(lambda before=slow: executor._slow > before)
    return threads


def _until(condition: Any, seconds: float = SLOW_TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the pool did not get there in time"
        time.sleep(0.01)


def test_slow_queries_give_up_their_place_in_the_pool_up_to_its_largest(store: Path) -> None:
    from server.executor import SLOW_HEADROOM

    largest = 1 + SLOW_HEADROOM
    errors: list[BaseException] = []
    with Executor(store, processes=1, timeout=SLOW_TIMEOUT, slow_after=0.05,
                  retire_after=0.0) as executor:
        runaways = _runaways(executor, largest - 1, errors)
        try:
            _, body = executor.execute(PEOPLE_QUERY)  # not held up by the slow ones
            assert all(t.is_alive() for t in runaways)
            assert len(json.loads(body)["results"]["bindings"]) == 3
            assert len(executor._workers) == largest - 1, "the quick query's worker retired"
            runaways += _runaways(executor, 1, errors)
            assert len(executor._workers) == largest
            last = threading.Thread(target=lambda: errors.append(
                pytest.raises(QueryTimeout, executor.execute, RUNAWAY).value))
            last.start()
            time.sleep(0.3)  # it waits: the pool is at its largest
            assert len(executor._workers) == largest, "no more than the largest pool"
            runaways.append(last)
        finally:
            for thread in runaways:
                thread.join(3 * SLOW_TIMEOUT + 5)
        executor.execute(PEOPLE_QUERY)
        assert len(executor._workers) == 1, "back to its size once the others are idle"
    assert len(errors) == largest + 1
    assert all(isinstance(e, QueryTimeout) for e in errors), errors


def test_workers_the_pool_grew_by_stay_a_while_for_the_next_slow_queries(store: Path) -> None:
    errors: list[BaseException] = []
    with Executor(store, processes=1, timeout=SLOW_TIMEOUT, slow_after=0.05) as executor:
        (slow,) = _runaways(executor, 1, errors)
        try:
            executor.execute(PEOPLE_QUERY)
            assert len(executor._workers) == 2
        finally:
            slow.join(SLOW_TIMEOUT + 5)
        executor.execute(PEOPLE_QUERY)
        # The runaway's worker was stopped (not replaced: the pool was past its size); the
        # quick query's worker is kept for RETIRE_AFTER seconds of idleness.
        assert len(executor._workers) == 1
        assert executor.retire_after > 0
    assert [type(e) for e in errors] == [QueryTimeout]


def test_why_pages_of_a_store_without_explanations(store: Path) -> None:
    with _app(store) as app:
        response = app.test_client().get("/why/0123456789ab")
        assert_error(response, 404, "no explanation stored", "kg build")


def test_parameters_decode_as_parse_qs_does() -> None:
    from urllib.parse import parse_qs

    from server.errors import ProtocolError
    from server.sparql import _parse_params

    for raw in (b"query=SELECT+*+%7B%3Fs+%3Fp+%22caf%C3%A9+%5C+%2541%22%7D&format=json",
                b"a=1&b=%zz&c=%4&d=%%41&e&&=x", b"q=%E2%82%AC&q=raw\xc3\xa9&q=a\\x41"):
        assert _parse_params(raw, "URL") == parse_qs(raw.decode(), keep_blank_values=True)
    with pytest.raises(ProtocolError, match="not valid UTF-8"):
        _parse_params(b"query=%C3%28", "URL")
