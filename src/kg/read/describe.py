"""What the graph says about one resource, as a self-contained data document for linked
data: its outgoing and incoming statements, the labels of what it links to, and their
provenance.

Provenance travels with the triples, so that it survives any RDF format (Turtle has no
graphs): each curated statement comes with its ``kg:Fact`` node (who claims it, in which
document, with which evidence passage: exact quote and character offsets), and each
statement that only the reasoner derived comes with a ``kg:InferredStatement`` node,
linked to its explanation (``kg:explains``, when the build stored one; pass the store
joined with the explanations beside it, :mod:`kg.store.explanations`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.mapping.iris import short_hash
from kg.store.explanations import WithExplanations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OA = "http://www.w3.org/ns/oa#"
LABEL = ox.NamedNode(RDFS + "label")
TYPE = ox.NamedNode(RDF + "type")
#: IRI kinds of the explanations graph (kg.reason.explain), kept out of entities' data documents.
_EXPLANATION = ("explanation", "inferred", "asserted", "rule")


@dataclass
class Description:
    """A resource's data document, with its statements split by origin."""

    iri: str
    triples: list[ox.Triple] = field(default_factory=list)
    asserted: set[ox.Triple] = field(default_factory=set)
    inferred: set[ox.Triple] = field(default_factory=set)

    @property
    def found(self) -> bool:
        return bool(self.asserted or self.inferred)


def _graph_kind(graph: object, base: str) -> str:
    name = getattr(graph, "value", "")
    return "inferred" if name == f"{base}/graph/inferred" else "asserted"


def describe(store: ox.Store | WithExplanations, iri: str, base: str, *,
             limit: int = 5000) -> Description:
    """The data document of ``iri``: empty (``found`` false) if the store never names it."""
    node = ox.NamedNode(iri)
    kg = f"{base}/ontology#"
    d = Description(iri)
    statements: dict[ox.Triple, set[str]] = {}
    for quad in store.quads_for_pattern(node, None, None, None):
        statements.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object),
                              set()).add(_graph_kind(quad.graph_name, base))
        if len(statements) >= limit:
            break
    for quad in store.quads_for_pattern(None, None, node, None):
        if str(quad.subject.value).startswith((f"{base}/id/fact/", f"{base}/id/annotation/")):
            continue  # provenance nodes pointing here are added below, with their context
        if str(quad.subject.value).startswith(tuple(f"{base}/id/{k}/" for k in _EXPLANATION)):
            continue  # Why? nodes (kg.reason.explain) reify statements: served at /why/<hash>
        statements.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object),
                              set()).add(_graph_kind(quad.graph_name, base))
        if len(statements) >= 2 * limit:
            break
    for triple, kinds in statements.items():
        if "asserted" in kinds:
            d.asserted.add(triple)
        else:
            d.inferred.add(triple)
    out: set[ox.Triple] = set(statements)

    # Labels of everything linked.
    linked = {t.object for t in statements if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject for t in statements if isinstance(t.subject, ox.NamedNode)}
    linked |= {t.predicate for t in statements}
    for other in linked:
        for q in store.quads_for_pattern(other, LABEL, None, None):
            out.add(ox.Triple(q.subject, q.predicate, q.object))

    # Provenance of asserted statements: their fact nodes, evidence and documents.
    # The type test inside each branch: joined after the union, it made the engine read
    # every fact of the store (60 ms instead of 0.5 ms per entity at 100 documents).
    facts = _select(store, f"""
        SELECT DISTINCT ?fact WHERE {{
          {{ ?fact <{RDF}subject> <{iri}> ; a <{kg}Fact> }}
          UNION {{ ?fact <{RDF}object> <{iri}> ; a <{kg}Fact> }} }}""")
    for fact in facts:
        out |= _triples_of(store, fact)
        for ann in _objects(store, fact, ox.NamedNode(kg + "evidence")):
            out |= _triples_of(store, ann)
            for target in _objects(store, ann, ox.NamedNode(OA + "hasTarget")):
                out |= _triples_of(store, target)
                for selector in _objects(store, target, ox.NamedNode(OA + "hasSelector")):
                    out |= _triples_of(store, selector)
        for record in _objects(store, fact, ox.NamedNode(kg + "statedIn")):
            for q in store.quads_for_pattern(record, ox.NamedNode(kg + "title"), None, None):
                out.add(ox.Triple(q.subject, q.predicate, q.object))

    # Labels of the people and records the provenance names.
    named = {t.object for t in out if isinstance(t.object, ox.NamedNode)} - linked
    for other in sorted(named, key=str)[:limit]:
        for q in store.quads_for_pattern(other, LABEL, None, None):
            out.add(ox.Triple(q.subject, q.predicate, q.object))

    # Statements only the reasoner derived, marked as such and linked to their explanation.
    marks = {t: short_hash(t.subject, t.predicate, t.object) for t in d.inferred}
    for t, digest in marks.items():
        node_iri = ox.NamedNode(f"{base}/id/inferred/{digest}")
        out.add(ox.Triple(node_iri, TYPE, ox.NamedNode(kg + "InferredStatement")))
        out.add(ox.Triple(node_iri, ox.NamedNode(RDF + "subject"), t.subject))
        out.add(ox.Triple(node_iri, ox.NamedNode(RDF + "predicate"), t.predicate))
        out.add(ox.Triple(node_iri, ox.NamedNode(RDF + "object"), t.object))
    for why in _explained(store, sorted(set(marks.values())), base):
        digest = why.value.rsplit("/", 1)[-1]
        out.add(ox.Triple(why, ox.NamedNode(kg + "explains"),
                          ox.NamedNode(f"{base}/id/inferred/{digest}")))
    d.triples = sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return d


def _explained(store: ox.Store | WithExplanations, digests: list[str],
               base: str) -> list[ox.NamedNode]:
    """The explanation nodes of the statements with these hashes that have one."""
    if not digests:
        return []
    kg = f"{base}/ontology#"
    nodes = [ox.NamedNode(f"{base}/id/explanation/{h}") for h in digests]
    if isinstance(store, WithExplanations):  # look-ups in the file beside the store
        explanation = ox.NamedNode(kg + "Explanation")
        return [n for n in nodes if any(True for _ in store.quads_for_pattern(
            n, TYPE, explanation, store.explanations.graph))]
    # One query for all: a remote store answers each look-up over HTTP.
    values = " ".join(str(n) for n in nodes)
    return _select(store, f"""
        SELECT ?why WHERE {{ VALUES ?why {{ {values} }}
          GRAPH <{base}/graph/explanations> {{ ?why a <{kg}Explanation> }} }}""")


def _objects(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode) -> list[ox.NamedNode]:
    return sorted({q.object for q in store.quads_for_pattern(s, p, None, None)
                   if isinstance(q.object, ox.NamedNode)}, key=str)


def _triples_of(store: ox.Store, s: ox.NamedNode) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(s, None, None, None)}


def _select(store: ox.Store, query: str) -> list[ox.NamedNode]:
    return [row[0] for row in store.query(query, use_default_graph_as_union=True)]
