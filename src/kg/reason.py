"""OWL 2 RL reasoning with owlrl: the closure of the ontology plus all asserted data.

Only what reasoning adds about the graph's own resources is kept (in the inferred graph);
the noise owlrl emits is dropped: reflexive owl:sameAs, axiomatic triples about the
RDF/RDFS/OWL/XSD vocabularies, typing as rdfs:Resource or owl:Thing, triples about
literals, and schema-level consequences about the ontology's own terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.errors import InconsistencyError
from kg.iris import Iris

NOISE_TYPES = {RDFS.Resource, OWL.Thing, RDFS.Class, OWL.Class, RDF.Property}


@dataclass
class Inference:
    graph: Graph
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [f"{n} {kind}" for kind, n in sorted(self.counts.items(), key=lambda kv: -kv[1])]
        return ", ".join(parts) or "nothing"


def closure(graphs: Iterable[Graph], iris: Iris) -> Inference:
    """Run owlrl over the union of ``graphs``; return the meaningful new triples.

    The provenance layer (fact nodes and their evidence annotations) is left out of the
    input: the build writes it fully typed, and reasoning over it would only re-derive
    alignment types at several times the cost.

    Raises :class:`InconsistencyError` naming the resources when owlrl finds a
    contradiction (a resource in two disjoint classes, two different individuals
    made the same, ...).
    """
    work = Graph()
    asserted: set[tuple] = set()
    for g in graphs:
        for t in g:
            asserted.add(t)
            if not iris.is_provenance(t[0]):
                work.add(t)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    errors = sorted(str(m) for m in work.objects(None, ERRNS.error))
    if errors:
        shown = "; ".join(" ".join(e.split()) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise InconsistencyError(f"the reasoner found a contradiction: {shown}{more}")
    inferred = Graph()
    counts: Counter[str] = Counter()
    for t in work:
        if t in asserted or not keep(t, iris):
            continue
        inferred.add(t)
        counts[kind_of_inference(t)] += 1
    return Inference(inferred, counts)


def keep(triple: tuple, iris: Iris) -> bool:
    """Whether an inferred triple says something about the graph's own resources."""
    s, p, o = triple
    if isinstance(s, Literal) or not iris.is_entity(s):
        return False
    if s == o:  # x sameAs x, x sameHometownAs x, x partOf x: true but empty
        return False
    if p == RDF.type and o in NOISE_TYPES:
        return False
    return not (p == RDF.type and isinstance(o, URIRef) and str(o).startswith(str(RDF)))


def kind_of_inference(triple: tuple) -> str:
    p = triple[1]
    if p == RDF.type:
        return "class memberships"
    if p == OWL.sameAs:
        return "identities"
    name = str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return f"{name} links"
