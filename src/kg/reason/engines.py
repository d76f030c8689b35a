"""The OWL 2 RL engines the build can reason with, behind one function.

``rules`` (:mod:`kg.reason.rules`, the default) runs just the rules the ontology's axioms call
for, semi-naively, and keeps a derivation for each inferred triple (the explanations). It
refuses an ontology that needs more of OWL 2 RL than it implements.

``owlrl`` (pure Python) is the reference: slow (seconds for two documents, hours for
thousands) but complete for OWL 2 RL. ``reasonable`` (Rust, on PyPI) is about a hundred
times faster but leaves out two things the graph relies on, which this module supplies:

- ``owl:propertyChainAxiom`` (``kg:memberOf``, ``kg:wroteTo``): the chains are joined over
  the closure, their results added to the input and the closure recomputed until no chain
  yields anything new, so that what follows from a chained triple (``org:memberOf``, the
  symmetric ``kg:correspondedWith``, further chains) is derived by the engine itself;
- literals: ``reasonable`` drops language tags and types plain strings as ``xsd:string``,
  so every literal goes in as an opaque IRI and comes back as the very same term;
- contradictions: the OWL 2 RL rules that derive ``false`` (disjoint classes, ``owl:Nothing``,
  ``owl:sameAs`` against ``owl:differentFrom`` / ``owl:AllDifferent``, irreflexive and
  asymmetric properties, disjoint properties) are checked over the result.

Every engine returns the full closure (input included); :func:`kg.reason.closure.closure` keeps the
meaningful part. ``tests/test_reasoners.py`` checks that the kept part is the same triple for
triple on the real corpus whichever engine runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Iterator

from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg.config import REASONERS
from kg.errors import ConfigError, InconsistencyError
from kg.reason.rules import Closure, closure

Triple = tuple[Node, Node, Node]

_LITERAL = "urn:x-kg-literal:"
_MAX_ROUNDS = 50


def default_reasoner() -> str:
    """``rules`` (:mod:`kg.reason.rules`): the fastest, and it explains what it infers."""
    return "rules"


def materialize(triples: Iterable[Triple], reasoner: str | None = None) -> Iterator[Triple]:
    """The OWL 2 RL closure of ``triples`` (input included), computed by ``reasoner``.

    Raises :class:`InconsistencyError` naming the resources involved when the closure
    contains a contradiction, and :class:`ConfigError` for an unknown engine.
    """
    name = reasoner or default_reasoner()
    if name == "rules":
        return iter(rules_closure(triples).known)
    if name == "owlrl":
        return _owlrl(triples)
    if name == "reasonable":
        return _reasonable(triples)
    raise ConfigError(f"unknown reasoner {name!r}: choose one of {', '.join(REASONERS)}")


def rules_closure(triples: Iterable[Triple], evidenced: Container[Triple] = ()) -> Closure:
    """The closure by :mod:`kg.reason.rules`, with its derivations, checked for contradictions."""
    return consistent(closure(triples, evidenced))


def consistent(result: Closure) -> Closure:
    """``result``, unless it holds a contradiction (:class:`InconsistencyError`)."""
    _raise_if_any(result.contradictions())
    return result


def _owlrl(triples: Iterable[Triple]) -> Iterator[Triple]:
    import owlrl
    from owlrl.Namespaces import ERRNS

    work = Graph()
    for t in triples:
        work.add(t)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    _raise_if_any(" ".join(str(m).split()) for m in work.objects(None, ERRNS.error))
    return iter(work)


def _reasonable(triples: Iterable[Triple]) -> Iterator[Triple]:
    try:
        import reasonable
    except ImportError:
        raise ConfigError("reasoner 'reasonable' is not installed: `pip install reasonable`, "
                          "or set KG_REASONER=owlrl") from None

    literals: dict[Literal, URIRef] = {}
    back: dict[URIRef, Literal] = {}

    def hide(term: Node) -> Node:
        if isinstance(term, Literal):
            iri = literals.get(term)
            if iri is None:
                iri = literals[term] = URIRef(f"{_LITERAL}{len(literals)}")
                back[iri] = term
            return iri
        return term

    base = [(s, p, hide(o)) for s, p, o in triples]
    chains = _chains(base)
    engine = reasonable.PyReasoner()
    engine.from_graph(base)
    result: set[Triple] = set()
    for _ in range(_MAX_ROUNDS):
        result = set(engine.reason())
        new = [t for t in _join_chains(result, chains) if t not in result]
        if not new:
            break
        engine.from_graph(new)  # only additions: the engine reasons incrementally
    _raise_if_any(_contradictions(result, back))
    return ((s, p, back.get(o, o)) for s, p, o in result  # type: ignore[call-overload]
            if not (isinstance(s, URIRef) and s.startswith(_LITERAL)))


def _list(items: dict[Node, dict[Node, Node]], head: Node) -> list[Node]:
    out: list[Node] = []
    while head != RDF.nil and head in items and len(out) < 1000:
        out.append(items[head].get(RDF.first))  # type: ignore[arg-type]
        head = items[head].get(RDF.rest, RDF.nil)
    return out


def _rdf_lists(triples: Iterable[Triple]) -> dict[Node, dict[Node, Node]]:
    cells: dict[Node, dict[Node, Node]] = defaultdict(dict)
    for s, p, o in triples:
        if p in (RDF.first, RDF.rest):
            cells[s][p] = o
    return cells


def _chains(triples: list[Triple]) -> list[tuple[Node, list[Node]]]:
    """Every ``P owl:propertyChainAxiom (p1 ... pn)`` of the input, as (P, [p1 ... pn])."""
    cells = _rdf_lists(triples)
    return [(s, _list(cells, o)) for s, p, o in triples if p == OWL.propertyChainAxiom]


def _join_chains(closure: set[Triple], chains: list[tuple[Node, list[Node]]]) -> set[Triple]:
    """prp-spo2: x0 p1 x1 ... p_n x_n gives x0 P x_n."""
    wanted = {p for _, links in chains for p in links}
    by_pred: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in wanted}
    for s, p, o in closure:
        if p in by_pred:
            by_pred[p][s].add(o)
    out: set[Triple] = set()
    for prop, links in chains:
        if not links:
            continue
        pairs = {(s, o) for s, objs in by_pred[links[0]].items() for o in objs}
        for link in links[1:]:
            step = by_pred[link]
            pairs = {(s, o2) for s, o in pairs for o2 in step.get(o, ())}
        out.update((s, prop, o) for s, o in pairs)
    return out


_TYPE, _SAME, _DIFFERENT, _DISJOINT = RDF.type, OWL.sameAs, OWL.differentFrom, OWL.disjointWith
_SPECIAL = {OWL.IrreflexiveProperty, OWL.AsymmetricProperty, OWL.Nothing,
            OWL.AllDisjointClasses, OWL.AllDifferent}
_SCHEMA = {OWL.propertyDisjointWith, OWL.members, OWL.distinctMembers, RDF.first, RDF.rest}


def _contradictions(closure: set[Triple], literals: dict[URIRef, Literal]) -> Iterator[str]:
    """The OWL 2 RL rules whose conclusion is ``false``, over a computed closure."""
    types: dict[Node, set[Node]] = defaultdict(set)
    same: list[tuple[Node, Node]] = []
    different: set[tuple[Node, Node]] = set()
    disjoint: dict[Node, set[Node]] = defaultdict(set)
    special: dict[Node, set[Node]] = defaultdict(set)
    schema: list[Triple] = []
    for t in closure:
        s, p, o = t
        if p == _TYPE:
            types[s].add(o)
            if o in _SPECIAL:
                special[o].add(s)
        elif p == _SAME:
            if s != o:
                same.append((s, o))
        elif p == _DISJOINT:
            disjoint[s].add(o)
        elif p == _DIFFERENT:
            different.add((s, o))
        elif p in _SCHEMA:
            schema.append(t)
    cells = _rdf_lists(schema)
    lists = {s: o for s, p, o in schema if p in (OWL.members, OWL.distinctMembers)}
    for node, head in lists.items():
        members = _list(cells, head)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if node in special[OWL.AllDisjointClasses]:
                    disjoint[a].add(b)
                elif node in special[OWL.AllDifferent]:
                    different.add((a, b))

    def show(term: Node) -> str:
        return str(literals.get(term, term))  # type: ignore[call-overload]

    for x in special[OWL.Nothing]:
        yield f"{show(x)} is an instance of owl:Nothing"
    for x, classes in types.items():
        for c in classes:
            for d in disjoint.get(c, ()):
                if d in classes:
                    yield f"{show(x)} is in the disjoint classes {show(c)} and {show(d)}"
    for a, b in same:
        if (a, b) in different or (b, a) in different:
            yield f"{show(a)} and {show(b)} are both the same and different"
    checks = special[OWL.IrreflexiveProperty] | special[OWL.AsymmetricProperty]
    disjoint_props = [(s, o) for s, p, o in schema if p == OWL.propertyDisjointWith]
    if not checks and not disjoint_props:
        return
    by_pred: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
    for s, p, o in closure:
        by_pred[p].add((s, o))
    for prop in special[OWL.IrreflexiveProperty]:
        for s, o in by_pred.get(prop, ()):
            if s == o:
                yield f"{show(s)} {show(prop)} itself, an irreflexive property"
    for prop in special[OWL.AsymmetricProperty]:
        pairs = by_pred.get(prop, set())
        for s, o in pairs:
            if (o, s) in pairs and s != o:
                yield f"{show(s)} and {show(o)} {show(prop)} each other, an asymmetric property"
    for p1, p2 in disjoint_props:
        for pair in by_pred.get(p1, set()) & by_pred.get(p2, set()):
            yield f"{show(pair[0])} {show(p1)} and {show(p2)} {show(pair[1])}: disjoint properties"


def _raise_if_any(messages: Iterable[str]) -> None:
    errors = sorted(set(messages))
    if errors:
        shown = "; ".join(errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise InconsistencyError(f"the reasoner found a contradiction: {shown}{more}")
