"""Forward chaining over the OWL 2 RL rules the ontology uses, keeping one derivation each.

The ontology states subclasses, domains and ranges, subproperties, inverse, symmetric and
transitive properties, property chains and disjoint classes; nothing else (no
restrictions, keys, functional properties or ``owl:sameAs``). For such an ontology the
OWL 2 RL closure of the data is the fixpoint of these rules alone:

==========  =====================================================
cax-sco     x a C, C ⊑ D            -> x a D
cax-eqc     x a C, C ≡ D            -> x a D
prp-dom     x p y, p domain C       -> x a C
prp-rng     x p y, p range C        -> y a C
prp-spo1    x p y, p ⊑ q            -> x q y
prp-eqp     x p y, p ≡ q            -> x q y
prp-inv     x p y, p inverseOf q    -> y q x   (both directions)
prp-symp    x p y, p symmetric      -> y p x
prp-trp     x p y, y p z, p transitive -> x p z
prp-spo2    x0 p1 x1 ... pn xn, P chain (p1 ... pn) -> x0 P xn
==========  =====================================================

:class:`Rules` computes that fixpoint semi-naively, in rounds: round *k* joins what round
*k-1* added with everything known before. Each new triple keeps the derivation that made
it, chosen deterministically among those of its round, so every derivation rests on
statements of earlier rounds: explanations come out of reasoning for free, and never go
in a circle. An ontology or data using anything else is refused with a
:class:`~kg.errors.ConfigError` rather than reasoned over incompletely; ``reasonable``
and ``owlrl`` (the reference) handle all of OWL 2 RL. ``tests/test_reasoners.py`` checks
that all three give the same inferred graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph
from rdflib.collection import Collection
from rdflib.term import Node

from kg import nquads
from kg.errors import ConfigError

Triple = tuple[Node, Node, Node]

SUBCLASS = "subclass (rdfs:subClassOf)"
EQUIVALENT_CLASS = "equivalent class (owl:equivalentClass)"
DOMAIN = "domain (rdfs:domain)"
RANGE = "range (rdfs:range)"
SUBPROPERTY = "subproperty (rdfs:subPropertyOf)"
EQUIVALENT_PROPERTY = "equivalent property (owl:equivalentProperty)"
INVERSE = "inverse (owl:inverseOf)"
SYMMETRIC = "symmetric (owl:SymmetricProperty)"
TRANSITIVE = "transitive (owl:TransitiveProperty)"
CHAIN = "property chain (owl:propertyChainAxiom)"
RULE_ORDER = (SUBCLASS, EQUIVALENT_CLASS, DOMAIN, RANGE, SUBPROPERTY, EQUIVALENT_PROPERTY,
              INVERSE, SYMMETRIC, TRANSITIVE, CHAIN)
_RANK = {rule: i for i, rule in enumerate(RULE_ORDER)}

#: OWL 2 RL vocabulary whose rules this engine does not implement.
UNSUPPORTED = (
    OWL.sameAs, OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.hasKey,
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality,
    OWL.maxQualifiedCardinality, OWL.intersectionOf, OWL.unionOf, OWL.oneOf,
    OWL.complementOf, OWL.IrreflexiveProperty, OWL.AsymmetricProperty,
    OWL.propertyDisjointWith, OWL.AllDisjointProperties, OWL.ReflexiveProperty,
    OWL.onProperty,
)

_TYPE = RDF.type


@dataclass(frozen=True)
class Derivation:
    """One step: ``triple`` follows by ``rule`` (the axiom of ``terms``) from ``premises``."""

    triple: Triple
    rule: str
    terms: tuple[Node, ...]
    premises: tuple[Triple, ...]

    def key(self) -> tuple:
        """Orders the derivations of one triple (the first one is kept)."""
        return (_RANK[self.rule],
                tuple(nquads.term(x) for t in self.premises for x in t),
                tuple(nquads.term(x) for x in self.terms))


@dataclass
class Rules:
    """The ontology's axioms, read as rules keyed by the premise they fire on."""

    superclasses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    equivalent_classes: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    superproperties: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    equivalent_properties: dict[Node, set[Node]] = field(
        default_factory=lambda: defaultdict(set))
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    transitive: set[Node] = field(default_factory=set)
    chains: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)

    @classmethod
    def read(cls, ontology: Graph) -> Rules:
        for term in UNSUPPORTED:
            if (None, term, None) in ontology or (None, None, term) in ontology:
                raise ConfigError(
                    f"the ontology uses {term.n3(ontology.namespace_manager)}, which the "
                    "rules reasoner does not implement: set KG_REASONER=reasonable or owlrl")
        r = cls()
        for c, d in ontology.subject_objects(RDFS.subClassOf):
            r.superclasses[c].add(d)
        for a, b in ontology.subject_objects(OWL.equivalentClass):
            r.equivalent_classes[a].add(b)
            r.equivalent_classes[b].add(a)
        for p, c in ontology.subject_objects(RDFS.domain):
            r.domains[p].add(c)
        for p, c in ontology.subject_objects(RDFS.range):
            r.ranges[p].add(c)
        for p, q in ontology.subject_objects(RDFS.subPropertyOf):
            r.superproperties[p].add(q)
        for a, b in ontology.subject_objects(OWL.equivalentProperty):
            r.equivalent_properties[a].add(b)
            r.equivalent_properties[b].add(a)
        for a, b in ontology.subject_objects(OWL.inverseOf):
            r.inverses[a].add(b)
            r.inverses[b].add(a)
        r.symmetric = set(ontology.subjects(_TYPE, OWL.SymmetricProperty))
        r.transitive = set(ontology.subjects(_TYPE, OWL.TransitiveProperty))
        for p, head in ontology.subject_objects(OWL.propertyChainAxiom):
            r.chains.append((p, tuple(Collection(ontology, head))))
        return r

    @property
    def joined(self) -> set[Node]:
        """Properties whose triples are joined with others (transitive ones, chain links)."""
        return self.transitive | {p for _, links in self.chains for p in links}


class Closure:
    """The fixpoint of :class:`Rules` over some triples, with a derivation per new triple."""

    def __init__(self, rules: Rules, triples: Iterable[Triple],
                 evidenced: Container[Triple] = ()):
        self.rules = rules
        self.evidenced = evidenced
        self.known: set[Triple] = set()
        self.derivations: dict[Triple, Derivation] = {}
        self._joined = rules.joined
        self._forward: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self._backward: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        delta = []
        for t in triples:
            if t not in self.known:
                self._add(t)
                delta.append(t)
        self.rounds = 0
        while delta:
            self.rounds += 1
            found: dict[Triple, Derivation] = {}
            for t in delta:
                for d in self._fire(t):
                    if d.triple in self.known:
                        continue
                    best = found.get(d.triple)
                    if best is None or self._rank(d) < self._rank(best):
                        found[d.triple] = d
            delta = list(found)
            for t in delta:
                self._add(t)
            self.derivations.update(found)

    def _rank(self, d: Derivation) -> tuple:
        # Premises quoted from a document (or derived from such) make the best explanation.
        bare = sum(1 for t in d.premises
                   if t not in self.evidenced and t not in self.derivations)
        return (bare, *d.key())

    def _add(self, t: Triple) -> None:
        self.known.add(t)
        s, p, o = t
        if p in self._joined:
            self._forward[p][s].add(o)
            self._backward[p][o].add(s)

    def _fire(self, t: Triple) -> Iterator[Derivation]:
        s, p, o = t
        r = self.rules
        if p == _TYPE:
            for d in r.superclasses.get(o, ()):
                yield Derivation((s, _TYPE, d), SUBCLASS, (o, d), (t,))
            for d in r.equivalent_classes.get(o, ()):
                yield Derivation((s, _TYPE, d), EQUIVALENT_CLASS, (o, d), (t,))
        for c in r.domains.get(p, ()):
            yield Derivation((s, _TYPE, c), DOMAIN, (p, c), (t,))
        for c in r.ranges.get(p, ()):
            yield Derivation((o, _TYPE, c), RANGE, (p, c), (t,))
        for q in r.superproperties.get(p, ()):
            yield Derivation((s, q, o), SUBPROPERTY, (p, q), (t,))
        for q in r.equivalent_properties.get(p, ()):
            yield Derivation((s, q, o), EQUIVALENT_PROPERTY, (p, q), (t,))
        for q in r.inverses.get(p, ()):
            yield Derivation((o, q, s), INVERSE, (p, q), (t,))
        if p in r.symmetric:
            yield Derivation((o, p, s), SYMMETRIC, (p,), (t,))
        if p in r.transitive:
            for z in self._forward[p].get(o, ()):
                yield Derivation((s, p, z), TRANSITIVE, (p,), (t, (o, p, z)))
            for x in self._backward[p].get(s, ()):
                yield Derivation((x, p, o), TRANSITIVE, (p,), ((x, p, s), t))
        for prop, links in r.chains:
            for i, link in enumerate(links):
                if link != p:
                    continue
                for left in self._paths_back(s, links[:i]):
                    for right in self._paths_forward(o, links[i + 1:]):
                        path = (*left, t, *right)
                        yield Derivation((path[0][0], prop, path[-1][2]), CHAIN,
                                         (prop, *links), path)

    def _paths_forward(self, x: Node, links: tuple[Node, ...]) -> Iterator[tuple[Triple, ...]]:
        if not links:
            yield ()
            return
        p = links[0]
        for y in self._forward[p].get(x, ()):
            for rest in self._paths_forward(y, links[1:]):
                yield ((x, p, y), *rest)

    def _paths_back(self, x: Node, links: tuple[Node, ...]) -> Iterator[tuple[Triple, ...]]:
        if not links:
            yield ()
            return
        p = links[-1]
        for w in self._backward[p].get(x, ()):
            for rest in self._paths_back(w, links[:-1]):
                yield (*rest, (w, p, x))


def closure(triples: Iterable[Triple], evidenced: Container[Triple] = ()) -> Closure:
    """The closure of ``triples`` under the rules their own axioms (the ontology's triples,
    given among them) state. Among derivations of a triple in one round, the one with the
    fewest premises outside ``evidenced`` (statements with a quoted passage) is kept."""
    work = list(triples)
    return Closure(Rules.read(schema(work)), work, evidenced)


_SCHEMA = {RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range, RDFS.subPropertyOf,
           OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom, RDF.first, RDF.rest}
_PROPERTY_KINDS = {OWL.SymmetricProperty, OWL.TransitiveProperty}


def schema(triples: Iterable[Triple]) -> Graph:
    """The axioms among ``triples`` (what :meth:`Rules.read` reads, and what it refuses)."""
    g = Graph()
    unsupported = set(UNSUPPORTED)
    for t in triples:
        s, p, o = t
        if (p in _SCHEMA or p in unsupported or o in unsupported
                or (p == _TYPE and o in _PROPERTY_KINDS)):
            g.add(t)
    return g
