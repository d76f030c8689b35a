"""The pages historians use, in-process: search (JSON and HTML), home page, entity pages
with Why? links, the document reader's passages, Why? pages, timeline, network, ontology."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from conftest import Built
from kg.read.diagram import timeline_items
from kg.read.search import normalize
from kg.reason.explain import statement_hash
from kg.store.builds import open_store_handle

DOC = "/id/document/1949-05-17-kovalev-to-filippov.html"




def _first(client: FlaskClient, q: str) -> dict:
    results = client.get("/search.json", query_string={"q": q}).get_json()["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]


@pytest.mark.parametrize(("q", "path", "how"), [
    ("Filippov", "/id/person/joseph-stalin", "codename"),
    ("filip", "/id/person/joseph-stalin", "codename"),
    ("Jiang Jieshi", "/id/person/chiang-kai-shek", "spelling"),
    ("Bai Po", "/id/person/bai-po", "label"),
    ("Strakhov", "/id/person/li-lisan", "codename"),
    ("MAO ZÉDONG", "/id/person/mao-zedong", "label"),
    ("kai-shek", "/id/person/chiang-kai-shek", "label"),
])
def test_search_finds_by_any_name(client: FlaskClient, q: str, path: str, how: str) -> None:
    hit = _first(client, q)
    assert (hit["path"], hit["how"]) == (path, how)


def test_search_negotiates_json_and_html(client: FlaskClient) -> None:
    json_answer = client.get("/search?q=Filippov", headers={"Accept": "application/json"})
    assert json_answer.get_json()["results"][0]["label"] == "Joseph Stalin"
    html = client.get("/search?q=Filippov", headers={"Accept": "text/html"}).get_data(True)
    assert '<a href="/id/person/joseph-stalin">Joseph Stalin</a>' in html
    assert "found as codename “Filippov”" in html
    assert client.get("/search.json?q=").get_json()["results"] == []
    evil = client.get("/search", query_string={"q": "<script>x</script>"}).get_data(True)
    assert "<script>x</script>" not in evil


def test_normalize_folds_case_accents_and_punctuation() -> None:
    assert normalize("  Chiang Kai-shek ") == "chiang kai shek"
    assert normalize("Zhōu Ēnlái") == "zhou enlai"


def test_home_page_shows_what_the_graph_holds(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and "data-autocomplete" in html
    assert '<a href="/id/person/li-lisan">Li Lisan</a>' in html
    assert "The first deviation" in html
    assert re.search(r'<a href="/ontology#Person">Person</a></td><td>\d+</td>', html)
    assert "/timeline" in html and "/network" in html


def test_inferred_rows_link_to_their_explanation(client: FlaskClient) -> None:
    html = client.get("/id/person/li-lisan.html").get_data(as_text=True)
    links = re.findall(r'href="(/why/[0-9a-f]{12})"', html)
    assert links
    for link in links[:5]:
        assert client.get(link).status_code == 200


def test_why_page_shows_rule_and_premises_with_evidence(client: FlaskClient) -> None:
    html = client.get("/id/person/li-lisan.html").get_data(as_text=True)
    row = re.search(r'<tr class="restated"[^>]*>\s*<th scope="row">led</th>.*?href="(/why/\w+)"',
                    html, re.S)
    assert row
    why = client.get(row.group(1)).get_data(as_text=True)
    assert "inverse (owl:inverseOf)" in why and "prp-inv" in why
    assert "the second—is Strakhov (Li Lisan)" in why  # the premise's evidence passage
    assert 'href="/id/document/1949-05-17-kovalev-to-filippov.html#at-' in why
    data = client.get(row.group(1) + ".ttl")
    g = Graph().parse(data=data.data, format="turtle")
    assert len(g) >= 5


def test_why_data_has_the_statement_rule_terms_and_premises(client: FlaskClient,
                                                            built: Built) -> None:
    """/why/<hash>.ttl: the explanation node carries the statement, and the shared rule
    node it is derived by comes with it (rule, OWL 2 RL id, terms); premises follow."""
    base = built.config.base_iri
    kg = Namespace(base + "/ontology#")
    html = client.get("/id/person/li-lisan.html").get_data(as_text=True)
    row = re.search(r'<tr class="restated"[^>]*>\s*<th scope="row">led</th>.*?href="/why/(\w+)"',
                    html, re.S)
    assert row
    g = Graph().parse(data=client.get(f"/why/{row.group(1)}.ttl").data, format="turtle")
    node = URIRef(f"{base}/id/explanation/{row.group(1)}")
    assert (node, RDF.type, kg.Explanation) in g
    assert g.value(node, RDF.subject) == URIRef(f"{base}/id/person/li-lisan")
    assert g.value(node, RDF.predicate) == kg.led
    rule = g.value(node, kg.derivedBy)
    assert rule is not None and str(rule).startswith(f"{base}/id/rule/prp-inv-")
    assert g.value(rule, kg.rule) == Literal("inverse (owl:inverseOf)")
    assert g.value(rule, kg.owlRlRule) == Literal("prp-inv")
    assert set(g.objects(rule, kg.ruleTerm)) == {kg.led, kg.ledBy}
    premises = list(g.objects(node, kg.premise))
    assert premises and all(str(p).startswith(f"{base}/id/") for p in premises)
    assert not list(g.triples((None, kg.explains, None)))
    assert client.get("/why/000000000000").status_code == 404
    assert client.get("/why/../etc").status_code == 404


def test_why_page_of_a_chain_nests_inferred_premises(client: FlaskClient, built: Built) -> None:
    kg = Namespace(built.config.base_iri + "/ontology#")
    html = client.get("/id/person/mao-zedong.html").get_data(as_text=True)
    links = re.findall(r'href="(/why/[0-9a-f]{12})"', html)
    pages = [client.get(link).get_data(as_text=True) for link in links]
    chained = [p for p in pages if "property chain" in p]
    assert chained, f"no chain among {len(pages)} explanations ({kg})"
    assert any(p.count('class="premises"') >= 1 for p in chained)


def test_why_page_names_the_graph_that_states_a_premise(client: FlaskClient,
                                                        built: Built) -> None:
    """A premise stated without a fact node is attributed to where it is stated: a
    document's own metadata to that document, a registry entry to the registry."""
    base = built.config.base_iri
    kg = Namespace(base + "/ontology#")
    dcterms = Namespace("http://purl.org/dc/terms/")
    record = URIRef(f"{base}/id/document/1948-12-30-mao-to-stalin")
    store = open_store_handle(built.config.store_path)
    (title,) = [q.object for q in store.quads_for_pattern(
        ox.NamedNode(record), ox.NamedNode(kg.title), None,
        ox.NamedNode(f"{base}/graph/document/1948-12-30-mao-to-stalin"))]
    # a spelling the registry alone gives (no document states it)
    only_registry = next(iter(store.query(f"""
        SELECT ?s ?o WHERE {{
          GRAPH <{base}/graph/registry> {{ ?s <{kg.spelling}> ?o }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?s <{kg.spelling}> ?o }}
                               FILTER(STRSTARTS(STR(?g), "{base}/graph/document/")) }}
        }} ORDER BY ?s ?o LIMIT 1""")))
    del store
    # (hashed in N-Triples form, which pyoxigraph's terms print as)
    why = client.get(f"/why/{statement_hash(record, dcterms.title, title)}")
    stated = why.get_data(True).split('class="premises"', 1)[1]
    assert f'<a href="/id/document/1948-12-30-mao-to-stalin.html">{title.value}</a>' in stated
    assert "in the registry" not in stated
    skos_alt = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    why = client.get(f"/why/{statement_hash(only_registry[0], skos_alt, only_registry[1])}")
    stated = why.get_data(True).split('class="premises"', 1)[1]
    assert "in the registry" in stated and "/id/document/" not in stated


def test_document_reader_lists_the_facts_of_each_passage(client: FlaskClient) -> None:
    html = client.get(DOC).get_data(as_text=True)
    marks = re.findall(r'<mark id="at-\d+" tabindex="0" data-passages="([\d\- ]+)">', html)
    assert marks
    key = marks[0].split()[0]
    assert f'id="passage-{key}"' in html
    section = html.split(f'id="passage-{key}"', 1)[1].split("</li>\n  \n", 1)[0]
    assert "<em>" in section  # at least one fact: subject <em>predicate</em> object
    assert f'href="#passage-{key}"' in html  # no-JS path from the passage to its facts


def test_timeline_and_network(client: FlaskClient, built: Built) -> None:
    store = open_store_handle(built.config.store_path)
    expected = len(timeline_items(store, built.config.base_iri))
    del store
    html = client.get("/timeline").get_data(as_text=True)
    assert html.count('class="timeline-item"') == expected >= 10
    assert "Ciphered Telegram No.54755" in html
    net = client.get("/network").get_data(as_text=True)
    assert net.count('class="agent"') == 3 and net.count('class="letter"') == 3
    assert "to Filippov" in net


def test_ontology_page_has_a_generated_diagram(client: FlaskClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ontology-diagram"' in html
    assert 'data-class="PoliticalDeviation"' in html and 'href="#PoliticalDeviation"' in html
    assert "ledBy → Person" in html
