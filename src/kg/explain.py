"""Why does the graph say this? One derivation for every inferred statement.

A reasoner says *what* follows from the documents and the ontology; the rules engine
(:mod:`kg.chaining`) also says *why*: it derives in rounds, so every inferred triple has
one derivation whose premises are asserted statements or statements derived in an earlier
round (an explanation never goes in a circle). Whichever reasoner the build used, the
explanations come from that engine. Rules: class membership up ``rdfs:subClassOf`` and
across ``owl:equivalentClass``, ``rdfs:domain`` and ``rdfs:range``, ``rdfs:subPropertyOf``
and ``owl:equivalentProperty``, ``owl:inverseOf``, ``owl:SymmetricProperty``,
``owl:TransitiveProperty`` and ``owl:propertyChainAxiom``.

Each derivation is written as RDF (see :func:`explanations`), so it can be stored beside
the inferred graph, queried and served as linked data: an explanation node per inferred
statement, carrying the statement and its premises, and one shared node per rule and
axiom it applies.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg import chaining
from kg.chaining import (
    CHAIN,
    DOMAIN,
    EQUIVALENT_CLASS,
    EQUIVALENT_PROPERTY,
    INVERSE,
    RANGE,
    SUBCLASS,
    SUBPROPERTY,
    SYMMETRIC,
    TRANSITIVE,
    Derivation,
)
from kg.iris import Iris, short_hash

Triple = tuple[Node, Node, Node]

#: Rule names as shown to readers, with the OWL 2 RL rule they implement.
OWL2RL_RULE = {SUBCLASS: "cax-sco", EQUIVALENT_CLASS: "cax-eqc", DOMAIN: "prp-dom",
               RANGE: "prp-rng", SUBPROPERTY: "prp-spo1", EQUIVALENT_PROPERTY: "prp-eqp",
               INVERSE: "prp-inv", SYMMETRIC: "prp-symp", TRANSITIVE: "prp-trp",
               CHAIN: "prp-spo2"}
#: The rule of inferred statements no rule derives (none, for this ontology).
UNEXPLAINED = "unexplained"


def statement_hash(s: object, p: object, o: object) -> str:
    """The hash naming a statement's nodes (``/id/explanation/<h>``, and the
    ``/id/inferred/<h>`` marks of data documents).

    Terms are hashed in their N-Triples form, the same string pyoxigraph gives for its
    terms, so :mod:`kg.describe` (pyoxigraph) and this module (rdflib) agree."""
    return short_hash(*(_nt(t) for t in (s, p, o)))


def _nt(term: object) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return str(ox.Literal(str(term), datatype=datatype))
    return str(term)


def derivations(asserted: Iterable[Triple], inferred: Iterable[Triple], ontology: Graph,
                evidenced: Container[Triple] = ()) -> tuple[dict[Triple, Derivation], set[Triple]]:
    """Derivations (:mod:`kg.chaining`, well-founded: premises are asserted or derived in an
    earlier round) of the triples a reasoner inferred from ``asserted`` and ``ontology``;
    and the inferred triples no rule derives (none, for this ontology)."""
    engine = chaining.Closure(chaining.Rules.read(ontology), itertools.chain(asserted, ontology),
                              evidenced)
    found = engine.derivations
    return found, {t for t in inferred if t not in found and t not in engine.known}


def explain(asserted: Graph | Iterable[Graph], inferred: Graph, ontology: Graph,
            iris: Iris) -> Graph:
    """The explanations of ``inferred`` as an rdflib graph (see :func:`explanations`).

    ``asserted`` is the data the reasoner ran on (a graph, or the build's graphs); fact
    and annotation nodes in it are used to point at evidence, not as premises.
    """
    graphs = [asserted] if isinstance(asserted, Graph) else list(asserted)
    kg = iris.kg
    facts: dict[Triple, list[Node]] = defaultdict(list)
    data: list[Triple] = []
    for g in graphs:
        for fact in g.subjects(RDF.type, kg.Fact):
            key = (g.value(fact, RDF.subject), g.value(fact, RDF.predicate),
                   g.value(fact, RDF.object))
            facts[key].append(fact)
        data.extend(t for t in g if not iris.is_provenance(t[0]))
    out = Graph()
    out.bind("kg", kg)
    for t in explanations(data, facts, inferred, ontology, iris):
        out.add(t)
    return out


def explanations(data: Iterable[Triple], facts: Mapping[Triple, Iterable[Node]],
                 inferred: Iterable[Triple], ontology: Graph, iris: Iris,
                 found: Mapping[Triple, Derivation] | None = None) -> Iterator[Triple]:
    """The explanations of ``inferred`` as triples, one ``kg:Explanation`` per triple.

    ``data`` is the asserted data the reasoner ran on, without the provenance layer;
    ``facts`` gives the fact nodes stating a triple. For an inferred ``s p o`` with hash
    ``h`` (:func:`statement_hash`), the explanation reifies the statement itself and
    points at the rule that derived it::

        <base>/id/explanation/h  a kg:Explanation ;
            rdf:subject s ; rdf:predicate p ; rdf:object o ;
            kg:derivedBy <base>/id/rule/prp-inv-<hash> ;
            kg:premise <fact node> | <explanation> | <base>/id/asserted/h2 .

        <base>/id/rule/prp-inv-<hash>  a kg:InferenceRule ;
            kg:rule "inverse (owl:inverseOf)" ; kg:owlRlRule "prp-inv" ;
            kg:ruleTerm kg:sent, kg:sender ;         # the ontology terms whose axiom fired
            rdfs:label "inverse (owl:inverseOf) on sender, sent"@en .

    A rule node stands for one rule and one set of terms, and is written once, however
    many explanations use it (its hash is that of the rule's name and terms). A premise
    stated in a document is its ``kg:Fact`` node (one per document stating it); one the
    reasoner derived is its explanation; one asserted without a fact node (the registry,
    the ontology) is a ``kg:AssertedStatement`` node. Inferred triples no rule explains
    (none, for this ontology) are derived by the rule node ``<base>/id/rule/unexplained``.
    A derived premise the inferred graph leaves out (a step through a triple about a
    literal, say) is explained too. ``found`` passes the derivations when the reasoner
    has them already (the rules engine).
    """
    kg = iris.kg
    inferred_triples = sorted(inferred, key=lambda t: tuple(map(_nt, t)))
    if found is None:
        found, unexplained = derivations(data, inferred_triples, ontology, facts)
    else:
        unexplained = {t for t in inferred_triples if t not in found}
    asserted_nodes: set[Triple] = set()
    explained = set(inferred_triples)
    rules = _RuleNodes(iris)

    def premise_node(t: Triple) -> Iterator[Node]:
        if t in found:
            if t not in explained:
                explained.add(t)
                inferred_triples.append(t)
            yield iris.id("explanation", statement_hash(*t))
        elif facts.get(t):
            yield from sorted(set(facts[t]), key=_nt)
        else:
            asserted_nodes.add(t)
            yield iris.id("asserted", statement_hash(*t))

    for t in inferred_triples:  # grows while premises outside the inferred graph are met
        node = iris.id("explanation", statement_hash(*t))
        yield from _reified(node, kg.Explanation, t)
        d = found.get(t)
        if d is None:
            yield node, kg.derivedBy, rules.node(UNEXPLAINED, ())
            continue
        yield node, kg.derivedBy, rules.node(d.rule, d.terms)
        for p_node in dict.fromkeys(n for premise in d.premises for n in premise_node(premise)):
            yield node, kg.premise, p_node
    yield from rules.triples()
    for t in asserted_nodes:
        yield from _reified(iris.id("asserted", statement_hash(*t)), kg.AssertedStatement, t)
    if unexplained:
        yield (iris.graph("explanations"), RDFS.comment,
               Literal(f"{len(unexplained)} inferred statements without a derivation"))


class _RuleNodes:
    """One ``kg:InferenceRule`` node per distinct rule and set of ontology terms."""

    def __init__(self, iris: Iris):
        self.iris = iris
        self._by_derivation: dict[tuple[str, tuple[Node, ...]], URIRef] = {}
        self._rules: dict[URIRef, tuple[str, tuple[URIRef, ...]]] = {}

    def node(self, rule: str, terms: tuple[Node, ...]) -> URIRef:
        """The node of ``rule`` applied to the axiom of ``terms`` (their order and any
        blank node aside: explanations name the terms, not the axiom's shape)."""
        key = (rule, terms)
        found = self._by_derivation.get(key)
        if found is None:
            named = tuple(sorted({t for t in terms if isinstance(t, URIRef)}, key=_nt))
            if rule == UNEXPLAINED:
                found = self.iris.id("rule", UNEXPLAINED)
            else:
                digest = short_hash(rule, *(_nt(t) for t in named))
                found = self.iris.id("rule", f"{OWL2RL_RULE.get(rule, 'rule')}-{digest}")
            self._by_derivation[key] = found
            self._rules[found] = (rule, named)
        return found

    def triples(self) -> Iterator[Triple]:
        kg = self.iris.kg
        for node, (rule, terms) in sorted(self._rules.items()):
            yield node, RDF.type, kg.InferenceRule
            yield node, kg.rule, Literal(rule)
            if rule in OWL2RL_RULE:
                yield node, kg.owlRlRule, Literal(OWL2RL_RULE[rule])
            for term in terms:
                yield node, kg.ruleTerm, term
            names = ", ".join(_local_name(t) for t in terms)
            yield node, RDFS.label, Literal(f"{rule} on {names}" if names else rule, lang="en")


def _local_name(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _reified(node: URIRef, cls: URIRef, t: Triple) -> Iterator[Triple]:
    yield node, RDF.type, cls
    yield node, RDF.subject, t[0]
    yield node, RDF.predicate, t[1]
    yield node, RDF.object, t[2]
