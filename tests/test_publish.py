"""End to end: publish the built graph to a real external store (``oxigraph serve`` from
PyPI, started here on loopback) and answer queries and dereferencing from it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from server import create_app

from conftest import QUERIES, Built, free_port
from kg.cli import main
from kg.errors import QueryError, StoreError
from kg.store.builds import open_store
from kg.store.publish import Published, publish
from kg.store.query import execute, with_prologue
from kg.store.remote import RemoteStore

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
pytestmark = pytest.mark.skipif(not Path(OXIGRAPH).exists(),
                                reason="the oxigraph server (pip install oxigraph) is missing")



@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("remote")),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


@pytest.fixture(scope="module")
def published(built: Built, remote: str) -> Published:
    """The built store published once to the remote store (``publish``)."""
    return publish(built.config.store_path, remote + "/store")


def _rows(result: object) -> list[tuple[str, ...]]:
    return sorted(tuple(str(s[v]) if s[v] is not None else "" for v in
                        [x.value for x in result.variables])  # type: ignore[attr-defined]
                  for s in result)  # type: ignore[attr-defined]


def test_publish_keeps_named_graphs_and_answers_like_the_embedded_store(
        built: Built, remote: str, published: Published) -> None:
    config = built.config
    local_counts = built.report.triples
    assert published.graphs == local_counts
    # Publishing again, as a user would with `kg publish`, replaces and never duplicates.
    again = CliRunner().invoke(main, ["--data-dir", config.data_dir, "publish",
                                      "--store", remote + "/store"])
    assert again.exit_code == 0, again.output
    assert f"{sum(local_counts.values())} triples in {len(local_counts)} graphs" in again.stderr

    store = RemoteStore.from_url(remote, config.base_iri)
    per_graph = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                             "GROUP BY ?g")
    assert {r["g"].value: int(r["n"].value) for r in per_graph} == local_counts

    with open_store(config.store_path) as local:
        for rq in sorted(QUERIES.glob("*.rq")):
            text = rq.read_text(encoding="utf-8")
            expected = _rows(execute(local, text, config.base_iri))
            answer = store.query(text, accept="text/tab-separated-values")
            got = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.TSV)
            assert _rows(got) == expected, rq.name

        stalin = f"{config.base_iri}/id/person/joseph-stalin"
        mine = {str(q.triple) for q in local.quads_for_pattern(ox.NamedNode(stalin), None, None)}
        assert {str(t) for t in _triples_about(store, stalin)} == mine
        assert any("Filippov" in t for t in mine)


def _triples_about(store: RemoteStore, iri: str) -> list[ox.Triple]:
    """Every triple with ``iri`` as subject, by a CONSTRUCT through the remote store."""
    answer = store.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}",
                         accept="application/n-triples")
    return list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))


def test_remote_errors_are_clear(remote: str) -> None:
    store = RemoteStore.from_url(remote + "/store", "https://coldwar-kg.example.org")
    with pytest.raises(QueryError, match="rejected"):
        store.query("SELECT WHERE {")
    with pytest.raises(StoreError, match="cannot reach"):
        RemoteStore.from_url("http://127.0.0.1:9", "https://x.example").query("ASK {}")
    with pytest.raises(StoreError, match="http"):
        publish("/nonexistent", "ftp://example")


def test_server_answers_from_the_remote_store(built: Built, remote: str,
                                              published: Published) -> None:
    """KG_STORE=http...: the SPARQL endpoint and dereferencing work over the external store."""
    app = create_app({"store": remote, "base_iri": built.config.base_iri, "TESTING": True})
    client = app.test_client()
    text = with_prologue((QUERIES / "02-deviations.rq").read_text(), built.config.base_iri)
    answer = client.get("/sparql", query_string={"query": text},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.data
    leaders = [b["leader"]["value"] for b in answer.get_json()["results"]["bindings"]]
    assert leaders == ["Chen Duxiu", "Li Lisan", "Wang Ming"]
    redirect = client.get("/id/person/li-lisan", headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303
    data = client.get("/id/person/li-lisan.ttl")
    assert data.status_code == 200 and b"Strakhov" in data.data
    page = client.get("/id/person/li-lisan.html").get_data(as_text=True)
    assert "the second—is Strakhov (Li Lisan)" in page  # evidence, fetched remotely
    assert client.get("/dumps/graph.nq").status_code == 404
