"""The endpoint served for real: gunicorn with two workers on a loopback port, queried by
SPARQLWrapper and rdflib's SPARQLStore, and a runaway query beside normal ones."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from conftest import kg_serve
from server_fixtures import EX, PEOPLE, RUNAWAY, SCRIPT, build_store

TIMEOUT = 3
PEOPLE_QUERY = (
    f"SELECT ?s ?label WHERE {{ GRAPH <{PEOPLE}> {{ ?s a <{EX}Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } } ORDER BY ?s"
)



def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def _query_url(endpoint: str, query: str) -> str:
    return endpoint + "?" + urllib.parse.urlencode({"query": query})


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve` (gunicorn, 2 workers) over the sample store."""
    tmp = tmp_path_factory.mktemp("live")
    store = build_store(tmp / "store")
    with kg_serve(str(tmp / "data"), tmp, store=str(store), query_timeout=str(TIMEOUT)) as url:
        yield url + "/sparql"


def test_sparqlwrapper_select_json(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(PEOPLE_QUERY)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert labels == ["Mao Zedong", "Joseph Stalin", "Zhou Enlai"]


def test_sparqlwrapper_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"ASK {{ <{EX}stalin> ?p 'Filippov' }}")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert() == {"head": {}, "boolean": True}


def test_sparqlwrapper_construct_turtle(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PEOPLE}> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(TURTLE)
    data = client.queryAndConvert()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert len(graph) == 7
    assert (rdflib.URIRef(EX + "hostile"), rdflib.RDFS.label, rdflib.Literal(SCRIPT)) in graph


def test_sparqlwrapper_sees_errors(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p ")
    client.setReturnFormat(JSON)
    with pytest.raises(Exception, match="error at 1:"):
        client.queryAndConvert()


def test_rdflib_sparqlstore(endpoint: str) -> None:
    store = SPARQLStore(endpoint)
    try:
        # A graph with a blank-node name: rdflib then sends no default-graph-uri.
        graph = rdflib.Graph(store)
        rows = list(graph.query(PEOPLE_QUERY))
        assert [str(row.label) for row in rows] == ["Mao Zedong", "Joseph Stalin", "Zhou Enlai"]
        assert graph.query(f"ASK {{ <{EX}mao> ?p ?o }}").askAnswer is True
    finally:
        store.close()


def test_runaway_query_does_not_hold_up_others(endpoint: str) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        start = time.monotonic()
        outcome["status"], outcome["body"] = _get(_query_url(endpoint, RUNAWAY), timeout=30)
        outcome["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        time.sleep(0.5)  # let it reach a worker and start counting
        durations = []
        for _ in range(20):
            start = time.monotonic()
            status, body = _get(_query_url(endpoint, PEOPLE_QUERY))
            durations.append(time.monotonic() - start)
            assert status == 200, body
            assert len(json.loads(body)["results"]["bindings"]) == 3
        assert thread.is_alive(), "the runaway query should still be running"
    finally:
        thread.join(30)
    assert max(durations) < TIMEOUT / 2
    assert outcome["status"] == 503
    assert json.loads(outcome["body"])["error"] == "Query timeout"  # type: ignore[arg-type]
    assert TIMEOUT <= outcome["elapsed"] < TIMEOUT + 10  # type: ignore[operator]
    # and the worker that ran it answers again
    for _ in range(4):
        assert _get(_query_url(endpoint, "ASK {}"))[0] == 200
