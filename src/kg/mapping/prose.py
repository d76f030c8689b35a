"""Facts hiding in prose: a curator's note or a node's label that states a figure or names a
registry entity which no fact of that node states.

A query reads facts, never the words of a note or a label: "Mao calls it the biggest
operation on the southern front" in a note is invisible to every query, and so is "600,000"
in a label when the node's quantity says nothing of it. Each hit is a warning for the
curator (``kg build`` and ``kg review`` list them): state the fact, or reword the prose.

What counts as stated, for a node: every value and entity its facts state, and those of the
nodes of the mapping it links to, up to three steps away (a force commitment's quantity, the
quantity's value), with the claimants of those facts; for a fact's note, the same around the
fact's subject and object. Registry entities end a path one step after the start: they link
to half the graph. A
figure matches a number in a literal (commas dropped; "100 thousand" is 100,000; a year or
day matches a date), a name matches the one registry entity it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from kg.mapping.curated import Resolver
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.registry import Entity

Triple = tuple[Node, Node, Node]

_FIGURE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s+thousand)?(?![\w])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
#: Steps from a node, through nodes of the mappings, within which a fact counts as the node's.
HOPS = 3


def figures(text: str) -> list[tuple[str, float]]:
    """The figures a text states, as written and as numbers ("100 thousand" -> 100000)."""
    found = []
    for m in _FIGURE.finditer(text):
        number = float(m.group(1).replace(",", ""))
        if m.group(2):
            number *= 1000
        found.append((m.group(0).strip(), number))
    return found


def _numbers(literal: Literal) -> set[float]:
    return {float(d) for d in _DIGITS.findall(str(literal).replace(",", ""))}


class _Neighbourhood:
    """The document graph's domain triples, by node, for the look-ups the check makes."""

    def __init__(self, graph: Iterable[Triple], iris: Iris, nodes: set[Node]):
        provenance = (iris.base + "/id/fact/", iris.base + "/id/annotation/")
        self.nodes = nodes  # the mappings' nodes: the only ones a path goes through
        self.edges: dict[Node, set[Node]] = {}
        self.notes: list[tuple[Node, Node, str]] = []  # (subject, object, note) of a fact
        facts: dict[Node, dict[Node, Node]] = {}
        parts = {RDF.subject, RDF.object, iris.kg.note, iris.kg.claimedBy}
        skip = {RDF.type, iris.kg.mentions}
        for s, p, o in graph:
            if str(s).startswith(provenance):
                if p in parts:
                    facts.setdefault(s, {})[p] = o
                continue
            if p in skip:
                continue
            self.edges.setdefault(s, set()).add(o)
            if isinstance(o, URIRef):
                self.edges.setdefault(o, set()).add(s)
        for fact in facts.values():
            subject, claimant = fact.get(RDF.subject), fact.get(iris.kg.claimedBy)
            if subject is not None and claimant is not None:
                self.edges.setdefault(subject, set()).add(claimant)
            note = fact.get(iris.kg.note)
            if note is not None and subject is not None:
                self.notes.append((subject, fact.get(RDF.object), str(note)))

    def near(self, *starts: Node | None) -> set[Node]:
        """Every node and value within :data:`HOPS` steps of ``starts``, going on only
        through nodes of the mappings."""
        seen = {s for s in starts if s is not None}
        frontier, through = set(seen), set(seen)
        for _ in range(HOPS):
            frontier = {n for f in frontier if f in through or f in self.nodes
                        for n in self.edges.get(f, ())} - seen
            seen |= frontier
            through = frontier  # a registry entity next to the start: its facts count too
        return seen


def hidden_facts(graph: Iterable[Triple], iris: Iris, linker: Linker, resolver: Resolver,
                 own: Iterable[str]) -> list[str]:
    """Warnings, one per figure or registry entity that the label of a node of this
    document's mapping (``own``: their ids) or a fact's note states and no fact of that
    node does."""
    index = _index(resolver)
    hood = _Neighbourhood(graph, iris, index.nodes)
    ids, by_iri = index.ids, index.entities
    texts: list[tuple[str, str, set[Node]]] = []
    for ident in sorted(own):
        node = resolver.nodes[ident]
        iri = node.iri
        if node.label and iri in hood.edges:
            texts.append((f"the label of {ident}", str(node.label), hood.near(iri)))
    for subject, obj, note in sorted(hood.notes, key=lambda n: (str(n[0]), n[2])):
        name = ids.get(subject) or str(subject).rsplit("/", 2)[-2]  # "document", "communication"
        texts.append((f"a note on {name}", note, hood.near(subject, obj)))
    warnings: list[str] = []
    for where, text, near in texts:
        numbers = {n for v in near if isinstance(v, Literal) for n in _numbers(v)}
        for written, number in figures(text):
            if number not in numbers:
                warnings.append(f"{where} states {written!r}, which no fact of it states: "
                                f"{_clip(text)!r}")
        # A name within the name of an entity the facts state is stated with it ("northern
        # China" of the "Party committee of northern China").
        names = " | ".join(name.lower() for iri in near if iri in by_iri
                           for name in by_iri[iri].names)
        for name, entity in _entities(text, linker):
            if entity.iri not in near and name.lower() not in names:
                warnings.append(f"{where} names {name!r} ({entity.id}), whom no fact of it "
                                f"names: {_clip(text)!r}")
    return warnings


class _Index:
    """The look-ups of every mapping node and registry entity by IRI, made once per
    resolver (a build's documents all share one) instead of once per document."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self.ids = {node.iri: ident for ident, node in resolver.nodes.items()}
        self.nodes: set[Node] = set(self.ids)
        self.ids.update({ent.iri: ident for ident, ent in resolver.registry.entities.items()})
        self.entities = {ent.iri: ent for ent in resolver.registry.entities.values()}


_last: list[_Index] = []


def _index(resolver: Resolver) -> _Index:
    if not _last or _last[0].resolver is not resolver:
        _last[:] = [_Index(resolver)]
    return _last[0]


def _entities(text: str, linker: Linker) -> list[tuple[str, Entity]]:
    found = []
    for start, end in linker.scanner.spans(text):
        entities = linker.names.get(text[start:end], ())
        if len(entities) == 1:
            found.append((text[start:end], entities[0]))
    return found


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

