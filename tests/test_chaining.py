"""The rules engine on small ontologies: each rule, fixpoints through several rules, the
derivation kept for each new triple, and refusal of what it does not implement."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from kg.errors import ConfigError
from kg.reason.rules import CHAIN, SUBCLASS, TRANSITIVE, closure

PREFIXES = """@prefix : <http://x.example/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def run(turtle: str):
    g = Graph().parse(data=PREFIXES + turtle, format="turtle")
    return closure(list(g))


def x(name: str) -> URIRef:
    return URIRef("http://x.example/" + name)


A = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_transitive_property_closes_a_path_of_four() -> None:
    c = run(""":partOf a owl:TransitiveProperty .
        :a :partOf :b . :b :partOf :c . :c :partOf :d .""")
    assert {(x(s), x("partOf"), x(o)) for s, o in ("ac", "bd", "ad")} <= c.known
    d = c.derivations[(x("a"), x("partOf"), x("d"))]
    assert d.rule == TRANSITIVE and len(d.premises) == 2


def test_a_chain_of_three_links_and_what_follows_from_its_result() -> None:
    c = run(""":grandUncle owl:propertyChainAxiom ( :parent :parent :brother ) .
        :grandUncle rdfs:subPropertyOf :relative . :relative rdfs:domain :Person .
        :a :parent :b . :b :parent :c . :c :brother :d .""")
    conclusion = (x("a"), x("grandUncle"), x("d"))
    assert c.derivations[conclusion].rule == CHAIN
    assert c.derivations[conclusion].premises == (
        (x("a"), x("parent"), x("b")), (x("b"), x("parent"), x("c")),
        (x("c"), x("brother"), x("d")))
    assert (x("a"), x("relative"), x("d")) in c.known
    assert (x("a"), A, x("Person")) in c.known


def test_classes_up_subclasses_equivalences_domains_ranges_inverses_symmetry() -> None:
    c = run(""":Cable rdfs:subClassOf :Message . :Message owl:equivalentClass :Communication .
        :sent owl:inverseOf :sender . :sender rdfs:range :Agent .
        :knows a owl:SymmetricProperty .
        :c1 a :Cable . :mao :sent :c1 . :mao :knows :zhou .""")
    assert (x("c1"), A, x("Communication")) in c.known
    assert c.derivations[(x("c1"), A, x("Message"))].rule == SUBCLASS
    assert (x("c1"), x("sender"), x("mao")) in c.known
    assert (x("mao"), A, x("Agent")) in c.known
    assert (x("zhou"), x("knows"), x("mao")) in c.known
    # Each derivation rests on triples known before it: asserted, or derived earlier.
    for t, d in c.derivations.items():
        assert t not in d.premises


def test_the_derivation_kept_is_the_same_whatever_the_input_order() -> None:
    turtle = """:knows a owl:SymmetricProperty . :knows rdfs:subPropertyOf :met .
        :met a owl:SymmetricProperty . :a :knows :b . :b :knows :a . :a :met :b ."""
    g = Graph().parse(data=PREFIXES + turtle, format="turtle")
    forward, backward = closure(sorted(g)), closure(sorted(g, reverse=True))
    assert forward.derivations == backward.derivations


@pytest.mark.parametrize("axiom", [
    ":p a owl:FunctionalProperty .",
    ":C owl:someValuesFrom :D .",
    ":a owl:sameAs :b .",
])
def test_what_the_engine_does_not_implement_is_refused_by_name(axiom: str) -> None:
    with pytest.raises(ConfigError, match="KG_REASONER=reasonable or owlrl"):
        run(axiom)
