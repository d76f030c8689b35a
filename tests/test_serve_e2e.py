"""`kg serve` for real: a gunicorn process over the built graph, queried by SPARQLWrapper,
with entity IRIs dereferenced by following the 303 as a browser and an RDF client would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import QUERIES, Built
from kg.config import PROJECT_ROOT
from kg.query import with_prologue


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "server.log"
    env = {**os.environ, "KG_DATA_DIR": built.config.data_dir}
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--workers", "2"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/sparql", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("server did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_sparqlwrapper_answers_a_competency_question(server: str, built: Built) -> None:
    client = SPARQLWrapper(server + "/sparql")
    text = (QUERIES / "02-deviations.rq").read_text()
    client.setQuery(with_prologue(text, built.config.base_iri))
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["leader"]["value"] for r in rows] == ["Chen Duxiu", "Li Lisan", "Wang Ming"]


def test_entity_iri_dereferences_for_rdf_clients(server: str, built: Built) -> None:
    request = urllib.request.Request(server + "/id/person/li-lisan",
                                     headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:  # follows the 303
        assert response.url.endswith("/id/person/li-lisan.ttl")
        g = Graph().parse(data=response.read(), format="turtle")
    kg = Namespace(built.config.base_iri + "/ontology#")
    li = URIRef(built.config.base_iri + "/id/person/li-lisan")
    assert (li, kg.codename, Literal("Strakhov")) in g


def test_entity_iri_dereferences_for_browsers(server: str) -> None:
    request = urllib.request.Request(server + "/id/person/li-lisan",
                                     headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.url.endswith("/id/person/li-lisan.html")
        assert b"<h1>Li Lisan</h1>" in response.read()
