"""The reasoning engines are interchangeable: same inferred graph, same contradictions."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.build import compile_graphs
from kg.config import Config
from kg.errors import ConfigError, InconsistencyError
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.reason.closure import closure
from kg.reason.engines import REASONERS, default_reasoner

pytest.importorskip("reasonable")

IRIS = Iris(Config.load({}).base_iri)
KG = Namespace(str(IRIS.kg))
ID = Namespace(IRIS.base + "/id/")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Ontology.load(Config.load({}).ontology_dir, IRIS).graph


@pytest.fixture(scope="module")
def reference() -> tuple:
    """The real corpus's graphs and what owlrl, the reference, infers from them."""
    compiled = compile_graphs(Config.load({}))
    graphs = list(compiled.graphs.values())
    return graphs, closure(graphs, compiled.iris, "owlrl")


@pytest.mark.parametrize("reasoner", ["rules", "reasonable"])
def test_same_inferred_graph_on_the_real_corpus(reference: tuple, reasoner: str) -> None:
    graphs, expected = reference
    fast = closure(graphs, IRIS, reasoner)
    assert len(expected.triples) > 1000
    assert fast.triples == expected.triples
    assert fast.counts == expected.counts
    # The chains reasonable cannot do by itself are there, with their consequences.
    for link in ("memberOf", "wroteTo", "correspondedWith"):
        assert any(p == KG[link] for _, p, _ in fast.triples), link
    assert any(p == URIRef("http://www.w3.org/ns/org#memberOf") for _, p, _ in fast.triples)


def test_the_rules_engine_keeps_a_well_founded_derivation_of_every_inference(
        reference: tuple) -> None:
    graphs, expected = reference
    inference = closure(graphs, IRIS, "rules")
    derivations = inference.derivations
    assert derivations is not None and expected.triples <= derivations.keys()
    asserted = {t for g in graphs for t in g}
    # Each premise is asserted or derived; following premises always ends in asserted ones.
    done: set = set()

    def grounded(t: tuple, seen: frozenset) -> bool:
        if t in asserted or t in done:
            return True
        assert t not in seen, f"circular derivation through {t}"
        ok = all(grounded(p, seen | {t}) for p in derivations[t].premises)
        done.add(t)
        return ok

    assert all(grounded(t, frozenset()) for t in expected.triples)


def test_the_rules_engine_refuses_what_it_does_not_implement(ontology: Graph) -> None:
    data = Graph()
    data.add((ID["person/a"], URIRef("http://www.w3.org/2002/07/owl#sameAs"), ID["person/b"]))
    with pytest.raises(ConfigError, match="owl:sameAs.*KG_REASONER=reasonable or owlrl"):
        closure([ontology, data], IRIS, "rules")
    # The other engines reason with it.
    assert (ID["person/b"], URIRef("http://www.w3.org/2002/07/owl#sameAs"), ID["person/a"]) in \
        closure([ontology, data], IRIS, "reasonable").triples


@pytest.mark.parametrize("reasoner", REASONERS)
def test_chains_and_their_consequences(ontology: Graph, reasoner: str) -> None:
    data = Graph()
    mao, post = ID["person/mao-zedong"], ID["position/mao-chair"]
    politburo, party = ID["organization/politburo"], ID["organization/ccp"]
    stalin, cable = ID["person/joseph-stalin"], ID["communication/c1"]
    data.add((mao, RDF.type, KG.Person))
    data.add((stalin, RDF.type, KG.Person))
    data.add((post, KG.holder, mao))
    data.add((post, KG.inOrganization, politburo))
    data.add((politburo, KG.subOrganizationOf, party))
    data.add((cable, KG.sender, mao))
    data.add((cable, KG.recipient, stalin))
    data.add((mao, RDFS.label, Literal("Mao Zedong", lang="en")))
    inferred = set(closure([ontology, data], IRIS, reasoner).graph)
    assert (mao, KG.memberOf, politburo) in inferred
    assert (mao, KG.memberOf, party) in inferred  # memberOf o partOf, after the first chain
    assert (mao, KG.wroteTo, stalin) in inferred
    assert (stalin, KG.correspondedWith, mao) in inferred  # symmetric closure of a chain
    labels = {o for s, p, o in inferred if s == mao and isinstance(o, Literal)}
    assert all(o.language == "en" for o in labels)  # literals come back as they went in


@pytest.mark.parametrize("reasoner", REASONERS)
def test_contradiction_names_the_resource(ontology: Graph, reasoner: str) -> None:
    data = Graph()
    meeting = ID["meeting/m1"]
    data.add((meeting, RDF.type, KG.Meeting))
    data.add((meeting, RDF.type, KG.Settlement))
    with pytest.raises(InconsistencyError, match="meeting/m1"):
        closure([ontology, data], IRIS, reasoner)


def test_unknown_reasoner_is_a_config_error(ontology: Graph) -> None:
    with pytest.raises(ConfigError, match="rules, reasonable, owlrl"):
        closure([ontology], IRIS, "hermit")
    assert default_reasoner() == "rules"
