"""Why? explanations: every inferred statement gets one well-founded derivation by an
OWL 2 RL rule of the ontology, with premises that are stated facts (with evidence) or
other explanations."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from conftest import Built
from kg.build import compile_graphs
from kg.explain import explain, statement_hash
from kg.iris import Iris, short_hash
from kg.reason import closure


@dataclass
class Explained:
    iris: Iris
    asserted: list[Graph]
    inferred: Graph
    graph: Graph


@pytest.fixture(scope="module")
def explained(built: Built) -> Explained:
    compiled = compile_graphs(built.config)
    inference = closure(compiled.graphs.values(), compiled.iris)
    asserted = [g for iri, g in compiled.graphs.items() if iri != compiled.iris.ontology_graph]
    graph = explain(asserted, inference.graph, compiled.ontology.graph, compiled.iris)
    return Explained(compiled.iris, asserted, inference.graph, graph)


def _explanation(e: Explained, s: URIRef, p: URIRef, o: object) -> URIRef:
    node = e.iris.id("explanation", statement_hash(s, p, o))
    assert (node, RDF.type, e.iris.kg.Explanation) in e.graph, f"no explanation of {s} {p} {o}"
    return node


def test_every_inferred_triple_is_explained_by_a_rule(explained: Explained) -> None:
    kg = explained.iris.kg
    nodes = set(explained.graph.subjects(RDF.type, kg.Explanation))
    assert len(nodes) == len(explained.inferred)
    rules = {str(r) for r in explained.graph.objects(None, kg.rule)}
    assert "unexplained" not in rules
    assert {"inverse (owl:inverseOf)", "subclass (rdfs:subClassOf)",
            "property chain (owl:propertyChainAxiom)",
            "symmetric (owl:SymmetricProperty)"} <= rules
    for node in nodes:
        assert list(explained.graph.objects(node, kg.premise)), node
        assert list(explained.graph.objects(node, kg.ruleTerm)), node


def test_inverse_points_at_the_stated_fact_and_its_evidence(explained: Explained) -> None:
    iris, g = explained.iris, explained.graph
    li, deviation = iris.entity("person", "li-lisan"), iris.entity("deviation",
                                                                    "deviation-li-lisan")
    node = _explanation(explained, li, iris.kg.led, deviation)
    assert g.value(node, iris.kg.rule) == Literal("inverse (owl:inverseOf)")
    assert set(g.objects(node, iris.kg.ruleTerm)) == {iris.kg.led, iris.kg.ledBy}
    premises = list(g.objects(node, iris.kg.premise))
    facts = [p for p in premises if str(p).startswith(iris.base + "/id/fact/")]
    assert facts
    doc = next(a for a in explained.asserted if (facts[0], RDF.type, iris.kg.Fact) in a)
    assert doc.value(facts[0], RDF.predicate) == iris.kg.ledBy
    assert doc.value(facts[0], iris.kg.evidence) is not None


def test_premises_may_be_inferred_and_never_loop(explained: Explained) -> None:
    kg, g = explained.iris.kg, explained.graph
    chained = [n for n in g.subjects(kg.rule, Literal("property chain (owl:propertyChainAxiom)"))]
    assert any(any((p, RDF.type, kg.Explanation) in g for p in g.objects(n, kg.premise))
               or len(list(g.objects(n, kg.premise))) >= 2 for n in chained)

    def depth(node: URIRef, path: frozenset[URIRef]) -> int:
        assert node not in path, f"circular explanation through {node}"
        inner = [p for p in g.objects(node, kg.premise) if (p, RDF.type, kg.Explanation) in g]
        return 1 + max((depth(p, path | {node}) for p in inner), default=0)

    assert max(depth(n, frozenset()) for n in g.subjects(RDF.type, kg.Explanation)) >= 2


def test_explanations_are_stable_and_match_describe_hashes(explained: Explained,
                                                           built: Built) -> None:
    compiled = compile_graphs(built.config)
    inference = closure(compiled.graphs.values(), compiled.iris)
    asserted = [g for iri, g in compiled.graphs.items() if iri != compiled.iris.ontology_graph]
    again = explain(asserted, inference.graph, compiled.ontology.graph, compiled.iris)
    assert set(again) == set(explained.graph)
    # The hash names the same statement as kg.describe's /id/inferred/<hash> nodes.
    s = ox.NamedNode(built.config.base_iri + "/id/person/li-lisan")
    p = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for o, r in ((ox.Literal("Li Lisan", language="en"), Literal("Li Lisan", lang="en")),
                 (ox.Literal("5", datatype=ox.NamedNode(
                     "http://www.w3.org/2001/XMLSchema#integer")), Literal(5)),
                 (ox.Literal('say "a"\nb'), Literal('say "a"\nb'))):
        assert short_hash(s, p, o) == statement_hash(URIRef(s.value), URIRef(p.value), r)
