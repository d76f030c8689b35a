"""The reasoning engines are interchangeable: same inferred graph, same contradictions."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.build import compile_graphs
from kg.config import Config
from kg.errors import ConfigError, InconsistencyError
from kg.iris import Iris
from kg.ontology import Ontology
from kg.reason import closure
from kg.reasoners import REASONERS, default_reasoner

pytest.importorskip("reasonable")

IRIS = Iris(Config.load({}).base_iri)
KG = Namespace(str(IRIS.kg))
ID = Namespace(IRIS.base + "/id/")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Ontology.load(Config.load({}).ontology_dir, IRIS).graph


def test_same_inferred_graph_on_the_real_corpus() -> None:
    compiled = compile_graphs(Config.load({}))
    graphs = list(compiled.graphs.values())
    reference = closure(graphs, compiled.iris, "owlrl")
    fast = closure(graphs, compiled.iris, "reasonable")
    assert len(reference.graph) > 1000
    assert set(fast.graph) == set(reference.graph)
    assert fast.counts == reference.counts
    # The chains reasonable cannot do by itself are there, with their consequences.
    for link in ("memberOf", "wroteTo", "correspondedWith"):
        assert any(p == KG[link] for _, p, _ in fast.graph), link
    assert any(p == URIRef("http://www.w3.org/ns/org#memberOf") for _, p, _ in fast.graph)


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
    with pytest.raises(ConfigError, match="owlrl, reasonable"):
        closure([ontology], IRIS, "hermit")
    assert default_reasoner() == "reasonable"
