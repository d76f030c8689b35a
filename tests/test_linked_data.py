"""Linked data over the built graph: entity IRIs answer 303 to an HTML page or a data
document by Accept, representations by extension, validators, 404s, and escaped pages."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from conftest import Built

LI = "/id/person/li-lisan"




@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", f"{LI}.html"),  # a browser
        ("text/turtle", f"{LI}.ttl"),
        ("application/n-triples", f"{LI}.nt"),
        ("application/rdf+xml", f"{LI}.rdf"),
        ("application/ld+json", f"{LI}.jsonld"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", f"{LI}.jsonld"),
    ],
)
def test_entity_iri_answers_303_by_accept(client: FlaskClient, accept: str, target: str) -> None:
    response = client.get(LI, headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(target)
    assert "Accept" in response.headers["Vary"]


def test_unacceptable_type_is_406(client: FlaskClient) -> None:
    assert client.get(LI, headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/nobody.ttl",
                                  "/id/../../etc/passwd", "/id/person/%00x.ttl",
                                  "/id/person/LI-LISAN"])
def test_unknown_or_malformed_iri_is_404(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


def test_data_document_parses_and_tells_inferred_from_asserted(
        client: FlaskClient, built: Built) -> None:
    response = client.get(f"{LI}.ttl")
    assert response.status_code == 200
    assert response.content_type.startswith("text/turtle")
    g = Graph().parse(data=response.data, format="turtle")
    base = built.config.base_iri
    kg = Namespace(f"{base}/ontology#")
    li = URIRef(f"{base}/id/person/li-lisan")
    assert (li, kg.codename, Literal("Strakhov")) in g
    # Curated statements come with their fact node; derived ones with an inferred mark.
    assert any(g.value(f, RDF.predicate) == kg.codename for f in g.subjects(RDF.type, kg.Fact))
    marks = list(g.subjects(RDF.type, kg.InferredStatement))
    assert any(g.value(m, RDF.subject) == li and g.value(m, RDF.predicate) == kg.led
               for m in marks)
    # ... linked to their explanation, which carries the same statement (as /why/<hash>).
    assert all(g.value(predicate=kg.explains, object=m) is not None for m in marks)


def test_every_rdf_representation_parses(client: FlaskClient) -> None:
    for ext, fmt in (("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML),
                     ("jsonld", ox.RdfFormat.JSON_LD)):
        response = client.get(f"{LI}.{ext}")
        assert response.status_code == 200
        assert len(list(ox.parse(response.data, format=fmt))) > 100


def test_conditional_requests_use_the_build_validators(client: FlaskClient) -> None:
    first = client.get(f"{LI}.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(f"{LI}.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"{LI}.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert "Accept" in first.headers["Vary"]


def test_html_page_shows_labels_evidence_and_inferred(client: FlaskClient) -> None:
    html = client.get(f"{LI}.html").get_data(as_text=True)
    assert "<h1>Li Lisan</h1>" in html
    assert "Strakhov" in html
    assert "the second—is Strakhov (Li Lisan)" in html  # the evidence passage
    assert "claimed by Mao Zedong, reported by Ivan Kovalev" in html
    assert 'class="badge">inferred' in html
    assert 'href="/id/person/mao-zedong"' in html


def test_wikidata_link_when_known(client: FlaskClient) -> None:
    html = client.get("/id/person/mao-zedong.html").get_data(as_text=True)
    assert 'href="http://www.wikidata.org/entity/Q5816"' in html


def test_document_page_links_mentions_and_marks_evidence(client: FlaskClient) -> None:
    html = client.get("/id/document/1949-05-17-kovalev-to-filippov.html").get_data(as_text=True)
    assert '<a href="/id/person/zhu-de">Zhu De</a>' in html
    assert "<mark id=\"at-" in html


def test_ontology_dereferences_as_html_and_turtle(client: FlaskClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and b"PoliticalDeviation" in html.data
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.content_type.startswith("text/turtle")
    g = Graph().parse(data=ttl.data, format="turtle")
    assert len(g) > 500


def test_text_from_the_data_is_escaped(app: Flask, built: Built) -> None:
    from flask import render_template

    from kg.read.view import ResourceView, Row

    evil = "<script>alert(1)</script>"
    view = ResourceView("https://x/id/person/x", evil, [], [], [
        Row("p", evil, "v", evil, False, False, False)])
    with app.test_request_context():
        html = render_template("resource.html", view=view, doc=None,
                               local=lambda iri: None, formats=[], path="person/x")
    assert evil not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(("path", "fmt"), [("/dumps/graph.ttl", ox.RdfFormat.TURTLE),
                                           ("/dumps/graph.nq", ox.RdfFormat.N_QUADS),
                                           ("/dumps/graph.jsonld", ox.RdfFormat.JSON_LD)])
def test_dumps_are_served_and_parse(client: FlaskClient, built: Built, path: str,
                                    fmt: ox.RdfFormat) -> None:
    response = client.get(path)
    assert response.status_code == 200
    quads = list(ox.parse(response.data, format=fmt))
    assert len(quads) >= built.report.triples[f"{built.config.base_iri}/graph/inferred"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_void_describes_the_dataset(client: FlaskClient, built: Built) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    g = Graph().parse(data=response.data, format="turtle")
    void = Namespace("http://rdfs.org/ns/void#")
    dataset = URIRef(f"{built.config.base_iri}/dataset")
    assert (dataset, RDF.type, void.Dataset) in g
    assert client.get("/dumps/../../etc/passwd").status_code == 404
    assert client.get("/dumps/nothing.ttl").status_code == 404


@pytest.mark.parametrize(
    ("path", "headings"),
    [
        ("/id/person/li-lisan.html", ["Names", "Posts and roles", "Characterizations",
                                      "Deviations", "Mentioned in"]),
        ("/id/person/mao-zedong.html", ["Communications", "Characterizations"]),
        ("/id/operation/operation-near-xuzhou.html", ["Forces, figures and outcomes",
                                                      "Where and when"]),
        ("/id/deviation/deviation-wang-ming.html", ["Leader, supporters and consequences"]),
    ],
)
def test_entity_pages_group_statements_by_kind(client: FlaskClient, path: str,
                                               headings: list[str]) -> None:
    html = client.get(path).get_data(as_text=True)
    found = re.findall(r"<h2>([^<]+)</h2>", html)
    assert set(headings) <= set(found), found
