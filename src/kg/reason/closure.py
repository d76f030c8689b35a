"""OWL 2 RL reasoning: the closure of the ontology plus all asserted data.

The engine is chosen by the ``reasoner`` setting (:mod:`kg.reason.engines`): ``rules`` (the
default, which also keeps the derivations), ``reasonable`` or owlrl (the reference); all
give the same inferred graph.

Only what reasoning adds about the graph's own resources is kept (in the inferred graph);
the noise owlrl emits is dropped: reflexive owl:sameAs, axiomatic triples about the
RDF/RDFS/OWL/XSD vocabularies, typing as rdfs:Resource or owl:Thing, triples about
literals, and schema-level consequences about the ontology's own terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.mapping.iris import Iris
from kg.reason.base import Base
from kg.reason.engines import consistent, default_reasoner, materialize, rules_closure
from kg.reason.rules import Derivation
from kg.speedups import gc_paused

NOISE_TYPES = {RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property}


@dataclass
class Inference:
    triples: set[tuple]
    counts: Counter[str] = field(default_factory=Counter)
    #: How the engine derived each new triple (the rules engine keeps them; others don't).
    derivations: dict[tuple, Derivation] | None = None

    @property
    def graph(self) -> Graph:
        """The inferred triples as an rdflib graph (built on demand: small graphs only)."""
        g = Graph()
        for t in self.triples:
            g.add(t)
        return g

    def summary(self) -> str:
        parts = [f"{n} {kind}" for kind, n in sorted(self.counts.items(), key=lambda kv: -kv[1])]
        return ", ".join(parts) or "nothing"


def closure(graphs: Iterable[Iterable[tuple]], iris: Iris, reasoner: str | None = None,
            evidenced: Collection[tuple] = (), base: Base | None = None) -> Inference:
    """Reason over the union of ``graphs``; return the meaningful new triples.

    With a ``base`` (:mod:`kg.reason.base`: the reasoning over the ontology and registry,
    kept), ``graphs`` are what is added to them: the rules engine starts from the base and
    derives only what they add, with the same result.

    ``graphs`` are rdflib graphs or any iterables of triples. ``reasoner`` names the engine
    (:data:`kg.reason.engines.REASONERS`; default :func:`kg.reason.engines.default_reasoner`). The
    provenance layer (fact nodes and their evidence annotations) is left out of the input:
    the build writes it fully typed, and reasoning over it would only re-derive alignment
    types at several times the cost.

    ``evidenced`` (the statements with a quoted passage) guides which derivation the rules
    engine keeps for explanations.

    Raises :class:`InconsistencyError` naming the resources when the reasoner finds a
    contradiction (a resource in two disjoint classes, two different individuals
    made the same, ...).
    """
    with gc_paused():
        work: list[tuple] = []
        asserted: set[tuple] = set()
        for g in graphs:
            for t in g:
                asserted.add(t)
                if not iris.is_provenance(t[0]):
                    work.append(t)
        inferred: set[tuple] = set()
        derivations = None
        rules = (reasoner or default_reasoner()) == "rules"
        extended = base.closure.extend(work, evidenced) if base and rules else None
        if extended is not None and base is not None:
            derivations = consistent(extended).derivations
            asserted.update(base.aside)  # the rest of the base's is never derived
            result: Iterable[tuple] = derivations
        elif base is not None:  # documents stating axioms, another engine: from scratch
            own = base.closure
            return closure([(t for t in own.known if t not in own.levels), base.aside,
                            *graphs], iris, reasoner, evidenced)
        elif rules:
            engine = rules_closure(work, evidenced)
            derivations = engine.derivations
            result = derivations
        else:
            result = materialize(work, reasoner)
        for t in result:
            if t in asserted or t in inferred or not keep(t, iris):
                continue
            inferred.add(t)
        # The kind of an inference depends on its predicate alone.
        counts: Counter[str] = Counter()
        for p, n in Counter(p for _, p, _ in inferred).items():
            counts[kind_of_inference((None, p, None))] += n
    return Inference(inferred, counts, derivations)


_TYPE, _SAME_AS, _RDF = RDF.type, OWL.sameAs, str(RDF)


def keep(triple: tuple, iris: Iris) -> bool:
    """Whether an inferred triple says something about the graph's own resources."""
    s, p, o = triple
    if isinstance(s, Literal) or not iris.is_entity(s):
        return False
    if s is o or s == o:  # x sameAs x, x sameHometownAs x, x partOf x: true but empty
        return False
    if p is _TYPE or p == _TYPE:
        return o not in NOISE_TYPES and not (isinstance(o, URIRef) and o.startswith(_RDF))
    return True


def kind_of_inference(triple: tuple) -> str:
    p = triple[1]
    if p is _TYPE or p == _TYPE:
        return "class memberships"
    if p == _SAME_AS:
        return "identities"
    name = str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return f"{name} links"
