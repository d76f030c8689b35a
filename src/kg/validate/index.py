"""The triples under validation, indexed in plain dicts, and the compiled property paths that
walk them.

:class:`Index` keeps only what the shapes look at: predicate -> subject -> objects for the
predicates of paths and targets, class -> instances for rdf:type and class -> subclasses for
rdfs:subClassOf. A :data:`Batch` is what every constraint checks at once: the focus nodes of a
shape, each with its value nodes, as a :class:`Walk` (a compiled path) finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Protocol

from rdflib import RDF, RDFS, URIRef
from rdflib.term import Node

from kg.validate.paths import AlternativePath, Path, SequencePath

Triple = tuple[Node, Node, Node]
NONE: tuple = ()


class Index:
    """The triples the shapes look at, in plain dicts and lists: predicate -> subject ->
    objects for the predicates of paths and targets, class -> instances for rdf:type and
    class -> subclasses for rdfs:subClassOf.

    An index may start from a ``base`` (the ontology's triples, indexed once per set of
    shapes): its dicts are copied, its value lists shared as tuples and copied into lists only
    when a triple adds to them, so the base is never changed."""

    def __init__(self, triples: Iterable[Triple], predicates: Iterable[URIRef],
                 base: Index | None = None):
        if base is None:
            self.by_predicate: dict[Node, dict[Node, Sequence[Node]]] = {
                p: {} for p in predicates}
            self.by_class: dict[Node, Sequence[Node]] = {}
            self.subclasses: dict[Node, Sequence[Node]] = {}
        else:
            self.by_predicate = {p: dict(objects) for p, objects in base.by_predicate.items()}
            self.by_class = dict(base.by_class)
            self.subclasses = dict(base.subclasses)
        # Where each predicate goes: (subject -> objects, object -> subjects), either None.
        # Found by the predicate's text: rdflib compares two equal terms in Python (slow)
        # unless they are the same object, plain strings compare in C. Then kept by the
        # predicate's term: a graph's triples share a few predicate objects, found again by
        # identity, without making their text.
        sinks: dict[str, tuple[dict | None, dict | None]] = {
            str(p): (objects, None) for p, objects in self.by_predicate.items()}
        for p, by_object in ((RDF.type, self.by_class), (RDFS.subClassOf, self.subclasses)):
            sinks[str(p)] = (sinks.get(str(p), (None, None))[0], by_object)
        sink = sinks.get
        seen: dict[Node, tuple[dict | None, dict | None] | None] = {}
        for s, p, o in triples:
            try:
                found = seen[p]
            except KeyError:
                found = seen[p] = sink(str(p))
            if found is None:
                continue
            by_subject, by_object = found
            if by_subject is not None:
                values = by_subject.get(s)
                if values is None:
                    by_subject[s] = [o]
                elif o not in values:  # a list of triples may repeat one
                    if type(values) is tuple:  # the base's
                        by_subject[s] = [*values, o]
                    else:
                        values.append(o)
            if by_object is not None:
                values = by_object.get(o)
                if values is None:
                    by_object[o] = [s]
                elif type(values) is tuple:
                    by_object[o] = [*values, s]
                else:
                    values.append(s)
        self._closures: dict[Node, frozenset[Node]] = {}
        self._members: dict[Node, set[Node]] = {}
        self._batches: dict[tuple[Node, int], tuple[Sequence[Node], Batch]] = {}

    def frozen(self) -> Index:
        """This index with its value lists made tuples: a base for other indexes."""
        for by_key in (*self.by_predicate.values(), self.by_class, self.subclasses):
            for key, values in by_key.items():
                by_key[key] = tuple(values)
        return self

    def batch(self, predicate: Node, nodes: Sequence[Node]) -> Batch:
        """Each node with its objects for ``predicate``, kept for the next property shape that
        asks for the same predicate of the same list of nodes (``oa:hasSelector`` is asked
        three times of every oa:SpecificResource)."""
        key = (predicate, id(nodes))
        kept = self._batches.get(key)
        if kept is not None and kept[0] is nodes:
            return kept[1]
        get = self.by_predicate[predicate].get
        found = [(node, get(node, NONE)) for node in nodes]
        self._batches[key] = (nodes, found)  # holding ``nodes`` keeps its id from being reused
        return found

    def forget_batches(self) -> None:
        self._batches.clear()

    def closure(self, cls: Node) -> frozenset[Node]:
        """``cls`` and every class under it through rdfs:subClassOf."""
        found = self._closures.get(cls)
        if found is None:
            found = {cls}
            todo = [cls]
            while todo:
                for sub in self.subclasses.get(todo.pop(), NONE):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            found = self._closures[cls] = frozenset(found)
        return found

    def instances(self, cls: Node) -> Iterable[Node]:
        """The SHACL instances of ``cls``: ``?node rdf:type/rdfs:subClassOf* cls``."""
        return chain.from_iterable(self.by_class.get(c, NONE) for c in self.closure(cls))

    def members(self, cls: Node) -> set[Node]:
        """:meth:`instances` as a set, kept for the next sh:class check."""
        found = self._members.get(cls)
        if found is None:
            found = self._members[cls] = set(self.instances(cls))
        return found


Batch = list[tuple[Node, Sequence[Node]]]  # nodes, each with its value nodes


class Walk(Protocol):
    """A compiled path. (Objects rather than closures: compiled shapes must pickle, to be
    sent to the build's worker processes.)"""

    repeats: bool  # whether a node may reach the same value twice

    def batch(self, index: Index, nodes: Sequence[Node]) -> Batch:
        """Each node with the nodes the path reaches from it."""


def walker(path: Path, predicate: Callable[[URIRef], URIRef]) -> Walk:
    """The walk of ``path``; ``predicate`` registers each predicate with the index and gives
    the term to look it up by."""
    if isinstance(path, SequencePath):
        return _Sequence([walker(step, predicate) for step in path.steps])
    if isinstance(path, AlternativePath):
        return _Alternatives([walker(option, predicate) for option in path.options])
    return _Predicate(predicate(path))


class _Predicate:
    repeats = False

    def __init__(self, predicate: URIRef):
        self.predicate = predicate

    def batch(self, index: Index, nodes: Sequence[Node]) -> Batch:
        return index.batch(self.predicate, nodes)


class _Sequence:
    repeats = True

    def __init__(self, steps: list[Walk]):
        self.steps = steps

    def batch(self, index: Index, nodes: Sequence[Node]) -> Batch:
        found = self.steps[0].batch(index, nodes)
        for step in self.steps[1:]:
            # One walk of the step for all the nodes reached so far, then regrouped: each
            # reached node takes the next entry of ``after``, in order.
            after = iter(step.batch(index, [n for _, reached in found for n in reached]))
            found = [(node, [v for _ in reached for v in next(after)[1]])
                     for node, reached in found]
        return found


class _Alternatives:
    repeats = True

    def __init__(self, options: list[Walk]):
        self.options = options

    def batch(self, index: Index, nodes: Sequence[Node]) -> Batch:
        each = [option.batch(index, nodes) for option in self.options]
        return [(node, [v for _, vs in found for v in vs])
                for node, *found in zip(nodes, *each, strict=True)]


def distinct(nodes: Iterable[Node]) -> list[Node]:
    """``nodes`` without repeats, in their first order."""
    return list(dict.fromkeys(nodes))
