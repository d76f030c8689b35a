"""Why? explanations: every inferred statement gets one well-founded derivation by an
OWL 2 RL rule of the ontology, with premises that are stated facts (with evidence) or
other explanations."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from conftest import Built
from kg.build import compile_graphs
from kg.mapping.iris import Iris, short_hash
from kg.read.why import explanation_triples, why_view
from kg.reason.closure import closure
from kg.reason.explain import explain, statement_hash


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
    kg, g = explained.iris.kg, explained.graph
    nodes = set(g.subjects(RDF.type, kg.Explanation))
    assert len(nodes) == len(explained.inferred)
    rules = {str(r) for r in g.objects(None, kg.rule)}
    assert "unexplained" not in rules
    assert {"inverse (owl:inverseOf)", "subclass (rdfs:subClassOf)",
            "property chain (owl:propertyChainAxiom)",
            "symmetric (owl:SymmetricProperty)"} <= rules
    for node in nodes:
        assert list(g.objects(node, kg.premise)), node
        assert list(g.objects(g.value(node, kg.derivedBy), kg.ruleTerm)), node


def test_the_stored_graph_is_compact(explained: Explained) -> None:
    """Each explanation carries its statement and points at a shared rule node; no separate
    inferred-statement node, no kg:explains, rule and terms written once per axiom."""
    iris, g = explained.iris, explained.graph
    kg = iris.kg
    assert not list(g.triples((None, kg.explains, None)))
    assert not list(g.subjects(RDF.type, kg.InferredStatement))
    nodes = set(g.subjects(RDF.type, kg.Explanation))
    for node in nodes:
        s, p, o = (g.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert node == iris.id("explanation", statement_hash(s, p, o))
        assert len(list(g.objects(node, kg.derivedBy))) == 1, node
        assert g.value(node, kg.rule) is None and g.value(node, kg.ruleTerm) is None
    rules = set(g.subjects(RDF.type, kg.InferenceRule))
    assert set(g.objects(None, kg.derivedBy)) == rules
    assert len(rules) < len(nodes) / 5  # shared: a few dozen axioms for ~2,000 statements
    signatures = set()
    for rule in rules:
        assert str(rule).startswith(f"{iris.base}/id/rule/")
        name = g.value(rule, kg.rule)
        assert name is not None and g.value(rule, RDFS.label).language == "en"
        signature = (name, frozenset(g.objects(rule, kg.ruleTerm)))
        assert signature not in signatures, f"two rule nodes for {signature}"
        signatures.add(signature)
    inverse = next(r for r in rules if g.value(r, kg.rule) == Literal("inverse (owl:inverseOf)"))
    assert g.value(inverse, kg.owlRlRule) == Literal("prp-inv")
    assert str(inverse).startswith(f"{iris.base}/id/rule/prp-inv-")


def test_inverse_points_at_the_stated_fact_and_its_evidence(explained: Explained) -> None:
    iris, g = explained.iris, explained.graph
    li, deviation = iris.entity("person", "li-lisan"), iris.entity("deviation",
                                                                    "deviation-li-lisan")
    node = _explanation(explained, li, iris.kg.led, deviation)
    assert (node, RDF.subject, li) in g and (node, RDF.object, deviation) in g
    rule = g.value(node, iris.kg.derivedBy)
    assert g.value(rule, iris.kg.rule) == Literal("inverse (owl:inverseOf)")
    assert set(g.objects(rule, iris.kg.ruleTerm)) == {iris.kg.led, iris.kg.ledBy}
    assert g.value(rule, RDFS.label) == Literal("inverse (owl:inverseOf) on led, ledBy",
                                                lang="en")
    premises = list(g.objects(node, iris.kg.premise))
    facts = [p for p in premises if str(p).startswith(iris.base + "/id/fact/")]
    assert facts
    doc = next(a for a in explained.asserted if (facts[0], RDF.type, iris.kg.Fact) in a)
    assert doc.value(facts[0], RDF.predicate) == iris.kg.ledBy
    assert doc.value(facts[0], iris.kg.evidence) is not None


def test_premises_may_be_inferred_and_never_loop(explained: Explained) -> None:
    kg, g = explained.iris.kg, explained.graph
    chained = [n for rule in g.subjects(kg.rule, Literal("property chain (owl:propertyChainAxiom)"))
               for n in g.subjects(kg.derivedBy, rule)]
    assert chained
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
    # The hash names the same statement as kg.read.describe's /id/inferred/<hash> nodes.
    s = ox.NamedNode(built.config.base_iri + "/id/person/li-lisan")
    p = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for o, r in ((ox.Literal("Li Lisan", language="en"), Literal("Li Lisan", lang="en")),
                 (ox.Literal("5", datatype=ox.NamedNode(
                     "http://www.w3.org/2001/XMLSchema#integer")), Literal(5)),
                 (ox.Literal('say "a"\nb'), Literal('say "a"\nb'))):
        assert short_hash(s, p, o) == statement_hash(URIRef(s.value), URIRef(p.value), r)


def test_why_still_reads_explanations_stored_before_they_were_compact() -> None:
    """A store built before explanations carried their statement (kg:explains to a
    kg:InferredStatement node, rule and terms on the explanation) still shows its Why?."""
    base = "https://kg.test"
    kg, rdf = f"{base}/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    s, p, o = (ox.NamedNode(f"{base}/id/person/a"), ox.NamedNode(kg + "knows"),
               ox.NamedNode(f"{base}/id/person/b"))
    digest = short_hash(s, p, o)
    node = ox.NamedNode(f"{base}/id/explanation/{digest}")
    statement = ox.NamedNode(f"{base}/id/inferred/{digest}")
    premise = ox.NamedNode(f"{base}/id/asserted/{short_hash(o, p, s)}")
    graph = ox.NamedNode(f"{base}/graph/explanations")
    store = ox.Store()
    for t in ((node, ox.NamedNode(rdf + "type"), ox.NamedNode(kg + "Explanation")),
              (node, ox.NamedNode(kg + "explains"), statement),
              (node, ox.NamedNode(kg + "rule"), ox.Literal("symmetric (owl:SymmetricProperty)")),
              (node, ox.NamedNode(kg + "ruleTerm"), p),
              (node, ox.NamedNode(kg + "premise"), premise),
              (statement, ox.NamedNode(rdf + "type"), ox.NamedNode(kg + "InferredStatement")),
              (statement, ox.NamedNode(rdf + "subject"), s),
              (statement, ox.NamedNode(rdf + "predicate"), p),
              (statement, ox.NamedNode(rdf + "object"), o),
              (premise, ox.NamedNode(rdf + "type"), ox.NamedNode(kg + "AssertedStatement")),
              (premise, ox.NamedNode(rdf + "subject"), o),
              (premise, ox.NamedNode(rdf + "predicate"), p),
              (premise, ox.NamedNode(rdf + "object"), s)):
        store.add(ox.Quad(*t, graph))
    step = why_view(store, base, digest)
    assert step is not None and step.subject.iri == s.value and step.object.iri == o.value
    assert (step.rule, step.rule_id) == ("symmetric (owl:SymmetricProperty)", "prp-symp")
    assert [t.iri for t in step.terms] == [p.value]
    assert [x.subject.iri for x in step.premises] == [o.value]
    assert len(explanation_triples(store, base, digest)) == 13
