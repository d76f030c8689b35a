"""Why does the graph say this? One derivation for every inferred statement.

The reasoner (owlrl) says *what* follows from the documents and the ontology, not *why*.
:func:`explain` replays the OWL 2 RL rules the ontology uses over the asserted data, in
rounds, until every inferred triple has one derivation whose premises are asserted
statements or statements explained in an earlier step (so an explanation never goes in a
circle). Rules: class membership up ``rdfs:subClassOf`` and across ``owl:equivalentClass``,
``rdfs:domain`` and ``rdfs:range``, ``rdfs:subPropertyOf`` and ``owl:equivalentProperty``,
``owl:inverseOf``, ``owl:SymmetricProperty``, ``owl:TransitiveProperty`` and
``owl:propertyChainAxiom``.

Each derivation is written as RDF (see :func:`explain`), so it can be stored beside the
inferred graph, queried and served as linked data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.iris import Iris, short_hash

Triple = tuple[Node, Node, Node]

#: Rule names as shown to readers, with the OWL 2 RL rule they implement.
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
OWL2RL_RULE = {SUBCLASS: "cax-sco", EQUIVALENT_CLASS: "cax-eqc", DOMAIN: "prp-dom",
               RANGE: "prp-rng", SUBPROPERTY: "prp-spo1", EQUIVALENT_PROPERTY: "prp-eqp",
               INVERSE: "prp-inv", SYMMETRIC: "prp-symp", TRANSITIVE: "prp-trp",
               CHAIN: "prp-spo2"}


def statement_hash(s: object, p: object, o: object) -> str:
    """The hash naming a statement's nodes (``/id/inferred/<h>``, ``/id/explanation/<h>``).

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


@dataclass
class Derivation:
    """One step: ``triple`` follows by ``rule`` (the axiom of ``terms``) from ``premises``."""

    triple: Triple
    rule: str
    terms: tuple[URIRef, ...]
    premises: tuple[Triple, ...]


@dataclass
class _Axioms:
    subclass: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    equivalent_class: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    domain_of: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    range_of: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    subproperty: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    equivalent_property: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    inverse: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    transitive: set[Node] = field(default_factory=set)
    chains: dict[Node, list[list[Node]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, ontology: Graph) -> _Axioms:
        """Axioms keyed by what they conclude: ``subclass[D]`` holds the C with C ⊑ D."""
        ax = cls()
        for c, d in ontology.subject_objects(RDFS.subClassOf):
            ax.subclass[d].add(c)
        for a, b in ontology.subject_objects(OWL.equivalentClass):
            ax.equivalent_class[a].add(b)
            ax.equivalent_class[b].add(a)
        for p, c in ontology.subject_objects(RDFS.domain):
            ax.domain_of[c].add(p)
        for p, c in ontology.subject_objects(RDFS.range):
            ax.range_of[c].add(p)
        for p, q in ontology.subject_objects(RDFS.subPropertyOf):
            ax.subproperty[q].add(p)
        for a, b in ontology.subject_objects(OWL.equivalentProperty):
            ax.equivalent_property[a].add(b)
            ax.equivalent_property[b].add(a)
        for a, b in ontology.subject_objects(OWL.inverseOf):
            ax.inverse[a].add(b)
            ax.inverse[b].add(a)
        ax.symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
        ax.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        for p, head in ontology.subject_objects(OWL.propertyChainAxiom):
            ax.chains[p].append(list(Collection(ontology, head)))
        return ax


class _Known:
    """The statements usable as premises so far, indexed for the rules."""

    def __init__(self) -> None:
        self.triples: set[Triple] = set()
        self.by_sp: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.by_po: dict[tuple[Node, Node], set[Node]] = defaultdict(set)

    def add(self, t: Triple) -> None:
        if t not in self.triples:
            self.triples.add(t)
            self.by_sp[t[0], t[1]].add(t[2])
            self.by_po[t[1], t[2]].add(t[0])

    def __contains__(self, t: object) -> bool:
        return t in self.triples


def _derive(t: Triple, known: _Known, ax: _Axioms) -> Derivation | None:
    s, p, o = t
    if p == RDF.type:
        for c in sorted(ax.subclass.get(o, ()), key=_nt):
            if (s, RDF.type, c) in known:
                return Derivation(t, SUBCLASS, (c, o), ((s, RDF.type, c),))
        for c in sorted(ax.equivalent_class.get(o, ()), key=_nt):
            if (s, RDF.type, c) in known:
                return Derivation(t, EQUIVALENT_CLASS, (c, o), ((s, RDF.type, c),))
        for q in sorted(ax.domain_of.get(o, ()), key=_nt):
            objects = known.by_sp.get((s, q))
            if objects:
                return Derivation(t, DOMAIN, (q, o), ((s, q, min(objects, key=_nt)),))
        for q in sorted(ax.range_of.get(o, ()), key=_nt):
            subjects = known.by_po.get((q, s))
            if subjects:
                return Derivation(t, RANGE, (q, o), ((min(subjects, key=_nt), q, s),))
        return None
    for q in sorted(ax.subproperty.get(p, ()), key=_nt):
        if (s, q, o) in known:
            return Derivation(t, SUBPROPERTY, (q, p), ((s, q, o),))
    for q in sorted(ax.equivalent_property.get(p, ()), key=_nt):
        if (s, q, o) in known:
            return Derivation(t, EQUIVALENT_PROPERTY, (q, p), ((s, q, o),))
    for q in sorted(ax.inverse.get(p, ()), key=_nt):
        if (o, q, s) in known:
            return Derivation(t, INVERSE, (q, p), ((o, q, s),))
    if p in ax.symmetric and (o, p, s) in known:
        return Derivation(t, SYMMETRIC, (p,), ((o, p, s),))
    if p in ax.transitive:
        for y in sorted(known.by_sp.get((s, p), ()), key=_nt):
            if y != o and (y, p, o) in known:
                return Derivation(t, TRANSITIVE, (p,), ((s, p, y), (y, p, o)))
    for chain in ax.chains.get(p, ()):
        path = _chain_path(s, o, chain, known)
        if path:
            return Derivation(t, CHAIN, (p, *chain), tuple(path))
    return None


def _chain_path(s: Node, o: Node, chain: list[Node], known: _Known) -> list[Triple] | None:
    """Premises ``s p1 y1, y1 p2 y2, ..., yn-1 pn o`` for a chain ``p1 ... pn``, if known."""
    if not chain:
        return None
    first, rest = chain[0], chain[1:]
    if not rest:
        return [(s, first, o)] if (s, first, o) in known else None
    for y in sorted(known.by_sp.get((s, first), ()), key=_nt):
        tail = _chain_path(y, o, rest, known)
        if tail:
            return [(s, first, y), *tail]
    return None


def derivations(asserted: Iterable[Triple], inferred: Iterable[Triple],
                ontology: Graph) -> tuple[dict[Triple, Derivation], set[Triple]]:
    """One well-founded derivation per inferred triple, and the triples left unexplained."""
    ax = _Axioms.read(ontology)
    known = _Known()
    for t in asserted:
        known.add(t)
    for t in ontology:
        known.add(t)
    todo = sorted(set(inferred) - known.triples, key=lambda t: tuple(map(_nt, t)))
    found: dict[Triple, Derivation] = {}
    while todo:
        left = []
        for t in todo:
            d = _derive(t, known, ax)
            if d is None:
                left.append(t)
            else:
                found[t] = d
        if len(left) == len(todo):
            break
        for t in found:
            known.add(t)
        todo = left
    return found, set(todo)


def explain(asserted: Graph | Iterable[Graph], inferred: Graph, ontology: Graph,
            iris: Iris) -> Graph:
    """The explanations of ``inferred`` as RDF, one ``kg:Explanation`` per triple.

    ``asserted`` is the data the reasoner ran on (a graph, or the build's graphs; fact
    and annotation nodes in it are used to point at evidence, not as premises). For an
    inferred ``s p o`` with hash ``h`` (:func:`statement_hash`)::

        <base>/id/explanation/h  a kg:Explanation ;
            kg:explains <base>/id/inferred/h ;       # a kg:InferredStatement: rdf:subject s ...
            kg:rule "inverse (owl:inverseOf)" ;      # the rule, by name
            kg:ruleTerm kg:sent, kg:sender ;         # the ontology terms whose axiom fired
            kg:premise <fact node> | <explanation> | <base>/id/asserted/h2 .

    A premise stated in a document is its ``kg:Fact`` node (one per document stating
    it); one the reasoner derived is its explanation; one asserted without a fact node (the
    registry, the ontology) is a ``kg:AssertedStatement`` node. Inferred triples no rule
    explains (none, for this ontology) get an explanation with rule ``"unexplained"``.
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
    inferred_triples = list(inferred)
    found, unexplained = derivations(data, inferred_triples, ontology)

    out = Graph()
    out.bind("kg", kg)
    asserted_nodes: set[Triple] = set()

    def premise_node(t: Triple) -> Iterator[Node]:
        if t in found:
            yield iris.id("explanation", statement_hash(*t))
        elif facts.get(t):
            yield from sorted(set(facts[t]), key=_nt)
        else:
            asserted_nodes.add(t)
            yield iris.id("asserted", statement_hash(*t))

    for t in inferred_triples:
        h = statement_hash(*t)
        node = iris.id("explanation", h)
        statement = iris.id("inferred", h)
        out.add((node, RDF.type, kg.Explanation))
        out.add((node, kg.explains, statement))
        _reify(out, statement, kg.InferredStatement, t)
        d = found.get(t)
        if d is None:
            out.add((node, kg.rule, Literal("unexplained")))
            continue
        out.add((node, kg.rule, Literal(d.rule)))
        for term in d.terms:
            if isinstance(term, URIRef):
                out.add((node, kg.ruleTerm, term))
        for premise in d.premises:
            for p_node in premise_node(premise):
                out.add((node, kg.premise, p_node))
    for t in asserted_nodes:
        _reify(out, iris.id("asserted", statement_hash(*t)), kg.AssertedStatement, t)
    if unexplained:
        out.add((iris.graph("explanations"), RDFS.comment,
                 Literal(f"{len(unexplained)} inferred statements without a derivation")))
    return out


def _reify(g: Graph, node: URIRef, cls: URIRef, t: Triple) -> None:
    g.add((node, RDF.type, cls))
    g.add((node, RDF.subject, t[0]))
    g.add((node, RDF.predicate, t[1]))
    g.add((node, RDF.object, t[2]))


# --- Reading explanations (the web's Why? pages) ------------------------------------------

def explanations_from_store(store: ox.Store, base: str) -> Graph:
    """The build's explanations graph (``<base>/graph/explanations``), or, for a store built
    before explanations were stored, explanations computed now from its graphs."""
    iris = Iris(base)
    stored = ox.NamedNode(str(iris.graph("explanations")))
    if next(store.quads_for_pattern(None, None, None, stored), None) is not None:
        return _to_rdflib(store, stored)
    ontology = iris.ontology_graph
    inferred = iris.inferred_graph
    asserted = [_to_rdflib(store, g) for g in store.named_graphs()
                if g.value not in {str(ontology), str(inferred), stored.value}]
    return explain(asserted, _to_rdflib(store, ox.NamedNode(str(inferred))),
                   _to_rdflib(store, ox.NamedNode(str(ontology))), iris)


def _to_rdflib(store: ox.Store, graph: ox.NamedNode | ox.BlankNode) -> Graph:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return Graph().parse(data=data or b"", format="nt")


@dataclass
class Term:
    iri: str | None  # None for literals
    label: str


@dataclass
class Quote:
    quote: str
    document: str
    title: str
    start: int
    claimed_by: str | None = None
    reported_by: str | None = None


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
    evidence: list[Quote] = field(default_factory=list)
    source: str = ""  # for asserted statements without a document: "registry", "ontology"


def why_view(explanations: Graph, store: ox.Store, base: str, digest: str,
             depth: int = 8) -> Step | None:
    """The derivation tree of the inferred statement with hash ``digest``, or None."""
    iris = Iris(base)
    node = iris.id("explanation", digest)
    if (node, RDF.type, iris.kg.Explanation) not in explanations:
        return None
    return _step(explanations, store, iris, node, depth)


def _step(ex: Graph, store: ox.Store, iris: Iris, node: URIRef, depth: int) -> Step:
    kg = iris.kg
    if (node, RDF.type, kg.Explanation) in ex:
        statement = ex.value(node, kg.explains)
        t = (ex.value(statement, RDF.subject), ex.value(statement, RDF.predicate),
             ex.value(statement, RDF.object))
        rule = str(ex.value(node, kg.rule) or "")
        step = Step(statement_hash(*t), *(_term(store, x) for x in t), inferred=True,
                    rule=rule, rule_id=OWL2RL_RULE.get(rule, ""),
                    terms=[_term(store, x) for x in sorted(ex.objects(node, kg.ruleTerm),
                                                           key=_nt)])
        if depth > 0:
            step.premises = _premises(ex, store, iris, node, depth - 1)
        return step
    if (node, RDF.type, kg.AssertedStatement) in ex:
        t = (ex.value(node, RDF.subject), ex.value(node, RDF.predicate),
             ex.value(node, RDF.object))
        source = "ontology" if str(t[0]).startswith(str(kg)) else "registry"
        return Step(statement_hash(*t), *(_term(store, x) for x in t), inferred=False,
                    source=source)
    return _fact_step(store, iris, node)


def _premises(ex: Graph, store: ox.Store, iris: Iris, node: URIRef, depth: int) -> list[Step]:
    steps: dict[str, Step] = {}
    for p in sorted(ex.objects(node, iris.kg.premise), key=_nt):
        step = _step(ex, store, iris, p, depth)
        if step.hash in steps:  # the same statement in two documents: one premise, two sources
            steps[step.hash].evidence += step.evidence
        else:
            steps[step.hash] = step
    return list(steps.values())


def _fact_step(store: ox.Store, iris: Iris, fact: Node) -> Step:
    kg, oa = str(iris.kg), "http://www.w3.org/ns/oa#"
    rdf = str(RDF)
    rows = list(store.query(f"""
        SELECT ?s ?p ?o ?quote ?start ?record ?title ?claimed ?reported WHERE {{
          <{fact}> <{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o .
          OPTIONAL {{ <{fact}> <{kg}statedIn> ?record . OPTIONAL {{ ?record <{kg}title> ?title }} }}
          OPTIONAL {{ <{fact}> <{kg}claimedBy>/<{RDFS.label}> ?claimed }}
          OPTIONAL {{ <{fact}> <{kg}reportedBy>/<{RDFS.label}> ?reported }}
          OPTIONAL {{ <{fact}> <{kg}evidence>/<{oa}hasTarget> ?t .
                     ?t <{oa}hasSelector> ?q, ?pos . ?q <{oa}exact> ?quote .
                     ?pos <{oa}start> ?start }}
        }}""", use_default_graph_as_union=True))
    if not rows:
        return Step("", Term(None, str(fact)), Term(None, ""), Term(None, ""), inferred=False)
    first = rows[0]
    terms = [_ox_term(store, first[i]) for i in range(3)]
    step = Step(short_hash(first[0], first[1], first[2]), *terms, inferred=False)
    seen = set()
    for row in rows:
        if row["quote"] is None or (row["quote"].value, row["start"].value) in seen:
            continue
        seen.add((row["quote"].value, row["start"].value))
        step.evidence.append(Quote(
            row["quote"].value, row["record"].value if row["record"] else "",
            row["title"].value if row["title"] else "", int(row["start"].value),
            row["claimed"].value if row["claimed"] else None,
            row["reported"].value if row["reported"] else None))
    step.evidence.sort(key=lambda q: (q.title, q.start))
    return step


def _term(store: ox.Store, term: Node) -> Term:
    if isinstance(term, URIRef):
        return Term(str(term), _label(store, str(term)))
    return Term(None, str(term))


def _ox_term(store: ox.Store, term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term(term.value, _label(store, term.value))
    return Term(None, getattr(term, "value", str(term)))


def _label(store: ox.Store, iri: str) -> str:
    labels = [q.object for q in store.quads_for_pattern(ox.NamedNode(iri),
                                                        ox.NamedNode(str(RDFS.label)), None)]
    english = sorted(lab.value for lab in labels
                     if getattr(lab, "language", None) in (None, "en"))
    if english:
        return english[0]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def explanation_triples(explanations: Graph, iris: Iris, digest: str) -> Graph:
    """The explanation of one statement as data: its node, and its premises' nodes,
    recursively (the whole derivation down to stated facts)."""
    out = Graph()
    out.bind("kg", iris.kg)
    todo = [iris.id("explanation", digest)]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in explanations.predicate_objects(node):
            out.add((node, p, o))
            if p in (iris.kg.explains, iris.kg.premise):
                todo.append(o)
    return out
