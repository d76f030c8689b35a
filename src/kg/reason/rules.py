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

import copy
from collections import abc, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import ConfigError
from kg.mapping import nquads
from kg.speedups import Interner

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
#: Axioms read into :class:`Rules`: the table each fills, and whether it holds both ways.
_AXIOMS = {
    RDFS.subClassOf: ("superclasses", False),
    OWL.equivalentClass: ("equivalent_classes", True),
    RDFS.domain: ("domains", False),
    RDFS.range: ("ranges", False),
    RDFS.subPropertyOf: ("superproperties", False),
    OWL.equivalentProperty: ("equivalent_properties", True),
    OWL.inverseOf: ("inverses", True),
}


@dataclass(frozen=True, slots=True)
class Derivation:
    """One step: ``triple`` follows by ``rule`` (the axiom of ``terms``) from ``premises``."""

    triple: Triple
    rule: str
    terms: tuple[Node, ...]
    premises: tuple[Triple, ...]

    def key(self, term: Callable[[Node], str] = nquads.term) -> tuple:
        """Orders the derivations of one triple (the first one is kept); ``term`` gives the
        N-Triples form of a term."""
        return (_RANK[self.rule],
                tuple(term(x) for t in self.premises for x in t),
                tuple(term(x) for x in self.terms))


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
    disjoint: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def read(cls, ontology: Graph, *, strict: bool = True) -> Rules:
        """The rules of ``ontology``'s axioms. ``strict`` refuses an ontology that uses
        vocabulary of OWL 2 RL these rules leave out (:data:`UNSUPPORTED`): reasoning with
        them would be incomplete. Explaining what another engine inferred is not strict:
        the rules explain what they can, and the rest is marked as unexplained."""
        for term in UNSUPPORTED if strict else ():
            if (None, term, None) in ontology or (None, None, term) in ontology:
                raise ConfigError(
                    f"the ontology uses {term.n3(ontology.namespace_manager)}, which the "
                    "rules reasoner does not implement: set KG_REASONER=reasonable or owlrl")
        r = cls()
        for axiom, (name, both_ways) in _AXIOMS.items():
            table = getattr(r, name)
            for a, b in ontology.subject_objects(axiom):
                table[a].add(b)
                if both_ways:
                    table[b].add(a)
        r.symmetric = set(ontology.subjects(_TYPE, OWL.SymmetricProperty))
        r.transitive = set(ontology.subjects(_TYPE, OWL.TransitiveProperty))
        for p, head in ontology.subject_objects(OWL.propertyChainAxiom):
            r.chains.append((p, tuple(Collection(ontology, head))))
        for a, b in ontology.subject_objects(OWL.disjointWith):
            r.disjoint[a].add(b)
            r.disjoint[b].add(a)
        for node in ontology.subjects(_TYPE, OWL.AllDisjointClasses):
            for head in ontology.objects(node, OWL.members):
                members = list(Collection(ontology, head))
                for a in members:
                    r.disjoint[a].update(m for m in members if m != a)
        return r

    @property
    def joined(self) -> set[Node]:
        """Properties whose triples are joined with others (transitive ones, chain links)."""
        return self.transitive | {p for _, links in self.chains for p in links}


def _index() -> defaultdict[Node, set[Node]]:
    return defaultdict(set)


class Closure:
    """The fixpoint of :class:`Rules` over some triples, with a derivation per new triple.

    ``levels`` gives the round in which each new triple was derived (the length of its
    shortest derivation); with ``rivals``, every derivation of that round is kept for the
    triples derived more than one way, which :meth:`extend` needs."""

    def __init__(self, rules: Rules, triples: Iterable[Triple],
                 evidenced: Container[Triple] = (), *, rivals: bool = False):
        self.rules = rules
        self.evidenced = evidenced
        self.known: set[Triple] = set()
        self.derivations: dict[Triple, Derivation] = {}
        self.levels: dict[Triple, int] = {}
        self.rivals: dict[Triple, list[Derivation]] | None = {} if rivals else None
        self._terms: dict[Node, str] = {}  # N-Triples forms, to order rival derivations
        self._joined = rules.joined
        self._symmetric, self._transitive = rules.symmetric, rules.transitive
        # Where each property occurs in a chain: (chain property, links, position).
        self._in_chains: dict[Node, list[tuple[Node, tuple[Node, ...], int]]] = defaultdict(list)
        for prop, links in rules.chains:
            for i, link in enumerate(links):
                self._in_chains[link].append((prop, links, i))
        self._forward: dict[Node, dict[Node, set[Node]]] = defaultdict(_index)
        self._backward: dict[Node, dict[Node, set[Node]]] = defaultdict(_index)
        # rdf:type is then told by identity (``p is a``) in :meth:`_fire`.
        self._interner = Interner([(_TYPE, _TYPE, _TYPE)])
        self._type = _TYPE
        delta = []
        for t in self._interner.triples(triples):
            if t not in self.known:
                self._add(t)
                delta.append(t)
        self.rounds = 0
        while delta:
            self.rounds += 1
            found: dict[Triple, Derivation] = {}
            rivals: dict[Triple, list[Derivation]] = {}  # triples derived more than one way
            known = self.known
            for t in delta:
                for triple, rule, terms_, premises in self._fire(t):
                    if triple in known:
                        continue
                    d = Derivation(triple, rule, terms_, premises)
                    first = found.setdefault(triple, d)
                    if first is not d:
                        rivals.setdefault(triple, [first]).append(d)
            for triple, ds in rivals.items():
                found[triple] = min(ds, key=self._rank)  # the first of the best
            if self.rivals is not None:
                self.rivals.update(rivals)
            delta = list(found)
            for t in delta:
                self._add(t)
            self.derivations.update(found)
            self.levels.update(dict.fromkeys(found, self.rounds))

    def extend(self, triples: Iterable[Triple],
               evidenced: abc.Collection[Triple] = ()) -> Closure | None:
        """The closure of this one's triples and ``triples``, with the very derivations
        (and rounds) :func:`closure` keeps computing it whole from all of them with
        ``evidenced``; this closure is left as it was. It must have been computed with
        ``rivals`` kept and nothing evidenced. None if ``triples`` state axioms (the rules
        would change): compute the closure whole then.

        Only what ``triples`` change is fired: the new triples, those of this closure
        they make asserted or derived in an earlier round, and the asserted ones they make
        evidenced. A triple's round is one more than the latest round of its premises in
        its earliest derivation, so rounds are found in order (a bucket per round), each
        such triple fired once, in its final round, against everything known. A triple
        derived only from premises that did not change keeps its round, its rivals and
        their rank, so its derivation; any other is chosen again, by :meth:`_rank`, among
        its derivations of that round: those found here and its rivals in this closure.
        The rank is a total order, so the choice does not depend on the order found.
        """
        if self.rivals is None or self.evidenced:
            raise ValueError("extend a closure computed with rivals kept, nothing evidenced")
        new = copy.copy(self)
        new.evidenced, new.rivals = evidenced, None
        new.known, new.derivations = set(self.known), dict(self.derivations)
        new.levels, new._terms = dict(self.levels), dict(self._terms)
        new._interner = Interner()
        new._interner.terms = dict(self._interner.terms)
        new._forward, new._backward = defaultdict(_index), defaultdict(_index)
        for mine, theirs in ((new._forward, self._forward), (new._backward, self._backward)):
            for p, index in theirs.items():
                mine[p].update((x, set(ys)) for x, ys in index.items())
        known, levels, a = new.known, new.levels, self._type
        axioms, unsupported = _SCHEMA | set(UNSUPPORTED), set(UNSUPPORTED)
        todo: list[list[Triple]] = [[]]  # triples to fire, by round
        for t in new._interner.triples(triples):
            s, p, o = t
            if p in axioms or o in unsupported or (p is a and o in _PROPERTY_KINDS):
                return None
            if t not in known:
                new._add(t)
                todo[0].append(t)
            elif t in levels:  # derived here, asserted there
                del levels[t]
                del new.derivations[t]
                todo[0].append(t)
        todo[0] += (t for t in map(new._interner.triple, evidenced)
                    if t in self.known and t not in self.levels)
        found: dict[Triple, list[Derivation]] = defaultdict(list)
        fired: set[Triple] = set()
        k = 0
        while k < len(todo):
            for t in todo[k]:
                if t in fired or levels.get(t, 0) != k:
                    continue  # fired already, or found in an earlier round since
                fired.add(t)
                for triple, rule, terms_, premises in list(new._fire(t)):  # then added
                    if triple in known and triple not in levels:
                        continue  # asserted
                    found[triple].append(Derivation(triple, rule, terms_, premises))
                    level = 1 + max(levels.get(x, 0) for x in premises)
                    before = levels.get(triple)
                    if before is None:
                        new._add(triple)
                    elif before <= level:
                        continue
                    levels[triple] = level
                    while len(todo) <= level:
                        todo.append([])
                    todo[level].append(triple)
            k += 1
        for triple, ds in found.items():
            level = levels.get(triple, 0)
            if level == 0:
                continue
            if triple in self.derivations:  # its rivals here may still be rivals
                ds = ds + (self.rivals.get(triple) or [self.derivations[triple]])
            ds = [d for d in ds if 1 + max(levels.get(x, 0) for x in d.premises) == level]
            new.derivations[triple] = ds[0] if len(ds) == 1 else min(ds, key=new._rank)
        new.rounds = max(levels.values(), default=0) + 1
        return new

    def contradictions(self) -> Iterator[str]:
        """The OWL 2 RL rules deriving ``false`` that can fire here (the engine refuses the
        vocabulary of the others): cls-nothing2, cax-dw, cax-adc, and eq-diff on x itself."""
        disjoint = self.rules.disjoint
        watched = set(disjoint) | {OWL.Nothing}
        types: dict[Node, set[Node]] = defaultdict(set)
        # Set look-ups, not ==: rdflib compares terms in Python, a set hashes an IRI in C.
        type_, different = {self._type}, {OWL.differentFrom}
        for s, p, o in self.known:
            if p in type_:
                if o in watched:
                    types[s].add(o)
            elif p in different and s == o:
                yield f"{s} is both the same as and different from itself"
        for x, classes in types.items():
            if OWL.Nothing in classes:
                yield f"{x} is an instance of owl:Nothing"
            for c in classes:
                for d in disjoint.get(c, ()):
                    if d in classes:
                        yield f"{x} is in the disjoint classes {c} and {d}"

    def _rank(self, d: Derivation) -> tuple:
        # Premises quoted from a document (or derived from such) make the best explanation.
        bare = sum(1 for t in d.premises if t not in self.evidenced and t not in self.levels)
        return (bare, *d.key(self._term))

    def _term(self, node: Node) -> str:
        form = self._terms.get(node)
        if form is None:
            form = self._terms[node] = nquads.term(node)
        return form

    def _add(self, t: Triple) -> None:
        self.known.add(t)
        s, p, o = t
        if p in self._joined:
            self._forward[p][s].add(o)
            self._backward[p][o].add(s)

    def _fire(self, t: Triple) -> Iterator[tuple]:
        """Every (conclusion, rule, axiom terms, premises) with ``t`` among the premises."""
        s, p, o = t
        r = self.rules
        a = self._type
        if p is a:
            for d in r.superclasses.get(o, ()):
                yield (s, a, d), SUBCLASS, (o, d), (t,)
            for d in r.equivalent_classes.get(o, ()):
                yield (s, a, d), EQUIVALENT_CLASS, (o, d), (t,)
            return
        for c in r.domains.get(p, ()):
            yield (s, a, c), DOMAIN, (p, c), (t,)
        for c in r.ranges.get(p, ()):
            yield (o, a, c), RANGE, (p, c), (t,)
        for q in r.superproperties.get(p, ()):
            yield (s, q, o), SUBPROPERTY, (p, q), (t,)
        for q in r.equivalent_properties.get(p, ()):
            yield (s, q, o), EQUIVALENT_PROPERTY, (p, q), (t,)
        for q in r.inverses.get(p, ()):
            yield (o, q, s), INVERSE, (p, q), (t,)
        if p in self._symmetric:
            yield (o, p, s), SYMMETRIC, (p,), (t,)
        if p in self._transitive:
            for z in self._forward[p].get(o, ()):
                yield (s, p, z), TRANSITIVE, (p,), (t, (o, p, z))
            for x in self._backward[p].get(s, ()):
                yield (x, p, o), TRANSITIVE, (p,), ((x, p, s), t)
        for prop, links, i in self._in_chains.get(p, ()):
            for left in self._paths_back(s, links[:i]):
                for right in self._paths_forward(o, links[i + 1:]):
                    path = (*left, t, *right)
                    yield (path[0][0], prop, path[-1][2]), CHAIN, (prop, *links), path

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


def closure(triples: Iterable[Triple], evidenced: Container[Triple] = (), *,
            strict: bool = True, rivals: bool = False) -> Closure:
    """The closure of ``triples`` under the rules their own axioms (the ontology's triples,
    given among them) state. Among derivations of a triple in one round, the one with the
    fewest premises outside ``evidenced`` (statements with a quoted passage) is kept.
    ``strict``: see :meth:`Rules.read`; ``rivals``: see :class:`Closure`."""
    work = list(triples)
    return Closure(Rules.read(schema(work), strict=strict), work, evidenced, rivals=rivals)


_SCHEMA = {RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range, RDFS.subPropertyOf,
           OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom, RDF.first, RDF.rest,
           OWL.disjointWith, OWL.members}
_PROPERTY_KINDS = {OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.AllDisjointClasses}


def schema(triples: Iterable[Triple]) -> Graph:
    """The axioms among ``triples`` (what :meth:`Rules.read` reads, and what it refuses)."""
    g = Graph()
    unsupported = set(UNSUPPORTED)
    for t in triples:
        s, p, o = t
        if (p in _SCHEMA or p in unsupported or o in unsupported
                or (o in _PROPERTY_KINDS and p == _TYPE)):
            g.add(t)
    return g
