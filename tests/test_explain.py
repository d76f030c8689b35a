"""Why? explanations: every inferred statement gets one well-founded derivation by an
OWL 2 RL rule of the ontology, with premises that are stated facts (with evidence) or
other explanations."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from conftest import Built
from kg.build import Compiled, compile_graphs
from kg.config import Config
from kg.mapping.iris import Iris, short_hash
from kg.reason.closure import closure
from kg.reason.explain import Explanations, derivations, statement_hash
from kg.store.builds import open_store


@dataclass
class Explained:
    iris: Iris
    asserted: list[Graph]
    inferred: Graph
    graph: Graph
    compiled: Compiled


def stored_graph(config: Config, name: str) -> Graph:
    """One named graph of a build (the explanations are kept beside the store), as rdflib
    reads it."""
    with open_store(config.store_path) as store:
        quads = store.quads_for_pattern(None, None, None,
                                        ox.NamedNode(f"{config.base_iri}/graph/{name}"))
        data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                            format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


@pytest.fixture(scope="module")
def explained(built: Built) -> Explained:
    """The explanations graph the build wrote, beside the data it explains."""
    compiled = compile_graphs(built.config)
    asserted = [g for iri, g in compiled.graphs.items() if iri != compiled.iris.ontology_graph]
    return Explained(compiled.iris, asserted, stored_graph(built.config, "inferred"),
                     stored_graph(built.config, "explanations"), compiled)


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


def test_explanations_are_the_derivations_of_the_rules(explained: Explained,
                                                       built: Built) -> None:
    """Each explanation written is the derivation :func:`derivations` gives for its
    statement: the same rule, the same axiom's terms, a premise node for each premise."""
    compiled = explained.compiled
    data = [t for g in explained.asserted for t in g
            if not compiled.iris.is_provenance(t[0])]
    kg, g = explained.iris.kg, explained.graph
    facts = {(a.value(f, RDF.subject), a.value(f, RDF.predicate), a.value(f, RDF.object))
             for a in explained.asserted for f in a.subjects(RDF.type, kg.Fact)}
    found = derivations(data, compiled.ontology.graph, facts)
    for node in g.subjects(RDF.type, kg.Explanation):
        t = tuple(g.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        d = found[t]
        rule = g.value(node, kg.derivedBy)
        assert str(g.value(rule, kg.rule)) == d.rule
        assert set(g.objects(rule, kg.ruleTerm)) == {x for x in d.terms if isinstance(x, URIRef)}
        premises = set(g.objects(node, kg.premise))
        for premise in d.premises:
            digest = statement_hash(*premise)
            if premise in found:
                assert explained.iris.id("explanation", digest) in premises
            elif premise not in facts:
                assert explained.iris.id("asserted", digest) in premises
        assert premises


def test_explanations_are_stable_and_match_describe_hashes(explained: Explained,
                                                           built: Built) -> None:
    compiled = explained.compiled
    data = [t for g in explained.asserted for t in g if not compiled.iris.is_provenance(t[0])]
    facts: dict = {}
    kg = compiled.iris.kg
    for a in explained.asserted:
        for f in a.subjects(RDF.type, kg.Fact):
            key = (a.value(f, RDF.subject), a.value(f, RDF.predicate), a.value(f, RDF.object))
            facts.setdefault(key, []).append(f)
    inference = closure(compiled.graphs.values(), compiled.iris, evidenced=facts)
    out = io.StringIO()
    graph = str(compiled.iris.graph("explanations"))
    Explanations(data, facts, inference.triples, compiled.ontology.graph, compiled.iris,
                 inference.derivations).write(out, graph, [])
    # Each line is an N-Quad in the explanations graph: without the graph, an N-Triple.
    again = Graph().parse(data="\n".join(line.rsplit(" <", 1)[0] + " ."
                                          for line in out.getvalue().splitlines()),
                          format="nt")
    assert set(again) == set(explained.graph)
    # The hash names the same statement as kg.read.describe's /id/inferred/<hash> nodes.
    s = ox.NamedNode(built.config.base_iri + "/id/person/li-lisan")
    p = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for o, r in ((ox.Literal("Li Lisan", language="en"), Literal("Li Lisan", lang="en")),
                 (ox.Literal("5", datatype=ox.NamedNode(
                     "http://www.w3.org/2001/XMLSchema#integer")), Literal(5)),
                 (ox.Literal('say "a"\nb'), Literal('say "a"\nb'))):
        assert short_hash(s, p, o) == statement_hash(URIRef(s.value), URIRef(p.value), r)
