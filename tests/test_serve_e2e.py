"""`kg serve` for real: a gunicorn process over the built graph, queried by SPARQLWrapper,
with entity IRIs dereferenced by following the 303 as a browser and an RDF client would."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import QUERIES, Built, kg_serve
from kg.store.query import with_prologue


@pytest.fixture(scope="module")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with kg_serve(built.config.data_dir, tmp_path_factory.mktemp("serve"),
                  workers=2) as url:
        yield url


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
