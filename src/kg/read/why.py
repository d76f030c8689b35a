"""Why does the graph say this? The explanation of one inferred statement, read from the store.

The build keeps one derivation per inferred statement in the explanations graph
(``<base>/graph/explanations``, written by :mod:`kg.reason.explain`): an explanation node
carrying the statement and its premises, and a shared node for the rule and the ontology
terms that derived it. The graph lives beside the store (:mod:`kg.store.explanations`;
the functions here take the store joined with it), or in the store itself (a store the
graph was published to, or one an older build made). The web's Why? pages read one
explanation at a time: each step is a few look-ups by subject in that graph, so a page
costs the same whether the graph holds a thousand triples or millions, and nothing is
loaded up front. A store that another tool built may have no such graph:
:func:`has_explanations` tells, and the pages say that no explanation is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.mapping.iris import Iris, short_hash
from kg.read.view import Evidence  # a quote with its document, as entity pages show it
from kg.store.explanations import WithExplanations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode(RDF + "type")
SUBJECT = ox.NamedNode(RDF + "subject")
PREDICATE = ox.NamedNode(RDF + "predicate")
OBJECT = ox.NamedNode(RDF + "object")
OA = "http://www.w3.org/ns/oa#"

Node = ox.NamedNode | ox.BlankNode
Any_ = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Term:
    iri: str | None  # None for literals
    label: str


@dataclass
class Step:
    """A statement and why the graph holds it: stated (with quotes) or derived by a rule."""

    hash: str
    subject: Term
    predicate: Term
    object: Term
    inferred: bool
    rule: str = ""
    rule_id: str = ""
    terms: list[Term] = field(default_factory=list)
    premises: list[Step] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # Stated without a fact node: where, "registry", "ontology" or "document" (the
    # documents' records and titles in ``documents``: metadata, structure, mentions).
    source: str = ""
    documents: list[Term] = field(default_factory=list)


class _Explanations:
    """Look-ups in the explanations graph of a store."""

    def __init__(self, store: ox.Store, base: str):
        self.store = store
        self.iris = Iris(base)
        self.kg = str(self.iris.kg)
        self.graph = ox.NamedNode(str(self.iris.graph("explanations")))

    def node(self, kind: str, digest: str) -> ox.NamedNode:
        return ox.NamedNode(str(self.iris.id(kind, digest)))

    def term(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.kg + name)

    def objects(self, subject: Node, predicate: ox.NamedNode) -> list[Any_]:
        """The objects of ``subject predicate``, in N-Triples order (stable pages)."""
        return sorted((q.object for q in self.store.quads_for_pattern(
            subject, predicate, None, self.graph)), key=str)

    def value(self, subject: Any_, predicate: ox.NamedNode) -> Any_ | None:
        if isinstance(subject, ox.Literal):
            return None
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def is_a(self, node: Node, cls: str) -> bool:
        return any(
            True for _ in self.store.quads_for_pattern(node, TYPE, self.term(cls), self.graph))

    def statement(self, node: Any_ | None) -> tuple[Any_, Any_, Any_] | None:
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            return None
        s, p, o = (self.value(node, x) for x in (SUBJECT, PREDICATE, OBJECT))
        return None if s is None or p is None or o is None else (s, p, o)


def has_explanations(store: ox.Store | WithExplanations, base: str) -> bool:
    """Whether the store holds an explanations graph, or has one beside it (a store ``kg
    build`` did not make may have none)."""
    if isinstance(store, WithExplanations) and store.explanations.lines:
        return True
    graph = Iris(base).graph("explanations")
    return bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))


def why_view(store: ox.Store, base: str, digest: str, depth: int = 8) -> Step | None:
    """The derivation tree of the inferred statement with hash ``digest``, or None."""
    ex = _Explanations(store, base)
    node = ex.node("explanation", digest)
    if not ex.is_a(node, "Explanation"):
        return None
    return _step(ex, node, depth)


def _step(ex: _Explanations, node: Any_, depth: int) -> Step:
    if isinstance(node, ox.Literal):
        return Step("", Term(None, node.value), Term(None, ""), Term(None, ""), inferred=False)
    if ex.is_a(node, "Explanation"):
        t = ex.statement(node)
        if t is not None:
            step = Step(short_hash(*t), *(_term(ex.store, x) for x in t), inferred=True)
            rule = ex.value(node, ex.term("derivedBy"))
            if rule is not None:
                step.rule = getattr(ex.value(rule, ex.term("rule")), "value", "")
                step.rule_id = getattr(ex.value(rule, ex.term("owlRlRule")), "value", "")
                step.terms = [_term(ex.store, x) for x in ex.objects(rule, ex.term("ruleTerm"))]
            if depth > 0:
                step.premises = _premises(ex, node, depth - 1)
            return step
    if ex.is_a(node, "AssertedStatement"):
        t = ex.statement(node)
        if t is not None:
            step = Step(short_hash(*t), *(_term(ex.store, x) for x in t), inferred=False)
            _stated_where(ex, step, t)
            return step
    return _fact_step(ex.store, ex.kg, node)


def _stated_where(ex: _Explanations, step: Step, t: tuple[Any_, Any_, Any_]) -> None:
    """Which graphs state ``t``: the ontology, the registry, or documents (their parsed
    metadata and structure: what the document says about itself)."""
    if isinstance(t[0], ox.Literal):
        return
    graphs = {q.graph_name.value for q in ex.store.quads_for_pattern(*t, None)
              if isinstance(q.graph_name, ox.NamedNode)}
    prefix = str(ex.iris.graph("document")) + "/"
    documents = sorted(g.removeprefix(prefix) for g in graphs if g.startswith(prefix))
    if documents:
        step.source = "document" if len(documents) == 1 else "documents"
        step.documents = [_document(ex.store, str(ex.iris.document(d)), ex.term("title"))
                          for d in documents]
    elif str(ex.iris.registry_graph) in graphs:
        step.source = "registry"
    elif str(ex.iris.ontology_graph) in graphs:
        step.source = "ontology"


def _document(store: ox.Store, record: str, kg_title: ox.NamedNode) -> Term:
    titles = [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(record), kg_title, None)]
    return Term(record, min(titles) if titles else record.rsplit("/", 1)[-1])


def _premises(ex: _Explanations, node: Node, depth: int) -> list[Step]:
    steps: dict[str, Step] = {}
    for p in ex.objects(node, ex.term("premise")):
        step = _step(ex, p, depth)
        if step.hash in steps:  # the same statement in two documents: one premise, two sources
            steps[step.hash].evidence += step.evidence
        else:
            steps[step.hash] = step
    return list(steps.values())


def _fact_step(store: ox.Store, kg: str, fact: Node) -> Step:
    rows = list(store.query(f"""
        SELECT ?s ?p ?o ?quote ?start ?record ?title ?claimed ?reported WHERE {{
          {fact} <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o .
          OPTIONAL {{ {fact} <{kg}statedIn> ?record . OPTIONAL {{ ?record <{kg}title> ?title }} }}
          OPTIONAL {{ {fact} <{kg}claimedBy>/<{RDFS_LABEL.value}> ?claimed }}
          OPTIONAL {{ {fact} <{kg}reportedBy>/<{RDFS_LABEL.value}> ?reported }}
          OPTIONAL {{ {fact} <{kg}evidence>/<{OA}hasTarget> ?t .
                     ?t <{OA}hasSelector> ?q, ?pos . ?q <{OA}exact> ?quote .
                     ?pos <{OA}start> ?start }}
        }}""", use_default_graph_as_union=True))
    if not rows:
        return Step("", Term(None, fact.value), Term(None, ""), Term(None, ""), inferred=False)
    first = rows[0]
    step = Step(short_hash(first[0], first[1], first[2]),
                *(_term(store, first[i]) for i in range(3)), inferred=False)
    seen = set()
    for row in rows:
        if row["quote"] is None or (row["quote"].value, row["start"].value) in seen:
            continue
        seen.add((row["quote"].value, row["start"].value))
        step.evidence.append(Evidence(
            row["quote"].value, row["record"].value if row["record"] else "",
            row["title"].value if row["title"] else "", int(row["start"].value),
            row["claimed"].value if row["claimed"] else None,
            row["reported"].value if row["reported"] else None))
    step.evidence.sort(key=lambda q: (q.title, q.start))
    return step


def _term(store: ox.Store, term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term(term.value, _label(store, term.value))
    return Term(None, getattr(term, "value", str(term)))


def _label(store: ox.Store, iri: str) -> str:
    labels = [q.object for q in store.quads_for_pattern(ox.NamedNode(iri), RDFS_LABEL, None)]
    english = sorted(lab.value for lab in labels
                     if getattr(lab, "language", None) in (None, "en"))
    if english:
        return english[0]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def explanation_triples(store: ox.Store, base: str, digest: str) -> list[ox.Triple]:
    """The explanation of one statement as data: its node, the rule nodes it and its
    premises were derived by, and its premises' nodes, recursively (the whole derivation
    down to stated facts), as stored in the explanations graph; empty if there is none."""
    ex = _Explanations(store, base)
    follow = {ex.term("derivedBy"), ex.term("premise")}
    out: list[ox.Triple] = []
    todo: list[Any_] = [ex.node("explanation", digest)]
    seen: set[Any_] = set()
    while todo:
        node = todo.pop()
        if node in seen or not isinstance(node, ox.NamedNode | ox.BlankNode):
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None, ex.graph):
            out.append(ox.Triple(q.subject, q.predicate, q.object))
            if q.predicate in follow:
                todo.append(q.object)
    return sorted(out, key=str)
