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


def _random_case(seed: int) -> tuple[Graph, list, list, set]:
    """A small random ontology of every axiom the rules engine reads, and random base
    data, document data (some of it derived from the base alone) and evidenced triples."""
    import random

    from rdflib.collection import Collection

    rng = random.Random(seed)
    ex = Namespace("http://example.org/")
    props, classes, things = ([ex[f"{k}{i}"] for i in range(n)]
                              for k, n in (("p", 6), ("C", 5), ("x", 7)))
    owl = Namespace("http://www.w3.org/2002/07/owl#")
    onto = Graph()
    for _ in range(rng.randint(2, 8)):
        kind = rng.randrange(9)
        p, q, c, d = rng.choice(props), rng.choice(props), rng.choice(classes), \
            rng.choice(classes)
        axioms = [(c, RDFS.subClassOf, d), (c, owl.equivalentClass, d), (p, RDFS.domain, c),
                  (p, RDFS.range, c), (p, RDFS.subPropertyOf, q), (p, owl.inverseOf, q),
                  (p, RDF.type, owl.SymmetricProperty), (p, RDF.type, owl.TransitiveProperty)]
        if kind < len(axioms):
            onto.add(axioms[kind])
        else:
            head = ex[f"list{seed}-{len(onto)}"]
            Collection(onto, head, [q, rng.choice(props)][:rng.randint(1, 2)] + [p])
            onto.add((rng.choice(props), owl.propertyChainAxiom, head))

    def triples(n: int) -> list:
        out = []
        for _ in range(n):
            if rng.random() < 0.3:
                out.append((rng.choice(things), RDF.type, rng.choice(classes)))
            else:
                out.append((rng.choice(things), rng.choice(props), rng.choice(things)))
        return out

    from kg.reason.rules import Closure, Rules, schema

    base = triples(rng.randint(0, 12))
    docs = triples(rng.randint(0, 8))
    derived = list(Closure(Rules.read(schema(onto)), [*onto, *base]).derivations)
    docs += rng.sample(derived, min(len(derived), rng.randint(0, 3)))
    evidenced = set(rng.sample(base + docs, min(len(base + docs), rng.randint(0, 6))))
    return onto, base, docs, evidenced


@pytest.mark.parametrize("seeds", [range(0, 400), range(400, 800)])
def test_a_closure_extended_is_the_closure_computed_whole(seeds: range) -> None:
    """What the build does with the reasoning over the ontology and registry it keeps: the
    same triples, derivations and rounds as reasoning over everything at once."""
    from kg.reason.rules import Closure, Rules, schema

    changed = 0
    for seed in seeds:
        onto, base, docs, evidenced = _random_case(seed)
        rules = Rules.read(schema(onto))
        kept = Closure(rules, [*onto, *base], rivals=True)
        extended = kept.extend(docs, evidenced)
        whole = Closure(rules, [*onto, *base, *docs], evidenced)
        assert extended is not None
        assert extended.known == whole.known, seed
        assert extended.derivations == whole.derivations, seed
        assert extended.levels == whole.levels, seed
        assert extended.rounds == whole.rounds, seed
        changed += any(kept.derivations.get(t) not in (None, d)
                       for t, d in whole.derivations.items())
    assert changed > 20  # the documents changed derivations the kept closure had made

    # A rival the documents leave alone wins over the derivation they made worse.
    ex = Namespace("http://example.org/")
    onto = Graph()
    onto.add((ex.S, RDFS.subPropertyOf, ex.T))
    onto.add((ex.T, RDF.type, URIRef("http://www.w3.org/2002/07/owl#TransitiveProperty")))
    rules = Rules.read(schema(onto))
    base = [(ex.a, ex.S, ex.b), (ex.b, ex.S, ex.c), (ex.c, ex.S, ex.d)]
    kept = Closure(rules, [*onto, *base], rivals=True)
    assert kept.derivations[(ex.a, ex.T, ex.d)].premises[0] == (ex.a, ex.T, ex.b)
    extended = kept.extend([(ex.a, ex.T, ex.b)])  # asserted now: a bare premise
    assert extended is not None
    assert extended.derivations[(ex.a, ex.T, ex.d)].premises[0] == (ex.a, ex.T, ex.c)
    assert extended.derivations == Closure(rules, [*onto, *base, (ex.a, ex.T, ex.b)]).derivations
    onto, base, docs, _ = _random_case(0)  # documents stating axioms: computed whole
    kept = Closure(Rules.read(schema(onto)), [*onto, *base], rivals=True)
    assert kept.extend([(URIRef("http://example.org/p0"), RDFS.subPropertyOf,
                         URIRef("http://example.org/p1"))]) is None
