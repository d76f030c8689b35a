"""A fast SHACL Core engine: the shapes compiled once into Python checks over a dict index.

pyshacl (the reference engine, also run by :mod:`kg.validate.validator`) re-reads the
shapes graph and walks an rdflib graph for every focus node: 20 to 60 seconds for 190k triples. Here
:meth:`Shapes.compile` turns every shape into a list of small constraint objects, once;
:meth:`Shapes.validate` indexes the triples in plain dicts (predicate -> subject -> objects,
for the predicates the shapes look at) and runs each constraint over all the focus nodes of
its shape at once: about 2.5 microseconds of CPU per triple, plus 2 more to read the triples
out of an rdflib Graph.

Only the SHACL Core features that ontology/shapes.ttl uses are supported (:data:`SUPPORTED`).
Any other ``sh:`` term on a shape, or any other kind of property path, raises
:class:`~kg.errors.ConfigError` naming the shape, so that a new shape is never silently ignored.

The results are pyshacl's as :mod:`kg.validate.validator` calls it: the ontology mixed into
the data graph (SHACL class semantics: an instance of a subclass is an instance), no inference, warnings
allowed. Where pyshacl makes a choice the specification leaves open, the constraint below says
so and does the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from typing import Protocol

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.errors import ConfigError
from kg.gc_pause import gc_paused

SH = Namespace("http://www.w3.org/ns/shacl#")
Triple = tuple[Node, Node, Node]

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
CONSTRAINTS = (SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["in"], SH["or"],
               SH.lessThan, SH["class"], SH.node, SH.pattern, SH.flags, SH.minLength,
               SH.minInclusive)
#: The ``sh:`` predicates a shape may use; anything else is refused with a ConfigError.
SUPPORTED = frozenset((*TARGETS, *CONSTRAINTS, SH.path, SH.property, SH.severity, SH.message,
                       SH.deactivated, SH.name, SH.description, SH.order, SH.group))
SINGLE = (SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.minLength, SH.flags,
          SH.severity, SH.deactivated)
PROPERTY_ONLY = (SH.minCount, SH.maxCount, SH.lessThan)
# Predicates of the blank nodes that make up complex paths: those nodes are not shapes.
PATH_PREDICATES = (SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                   SH.zeroOrOnePath)
NODE_KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
# Warnings and infos do not make a shape non-conforming inside sh:or (pyshacl, allow_warnings).
SOFT_SEVERITIES = (SH.Warning, SH.Info)
# The Python type rdflib must have parsed a literal into for it to count as of that datatype.
PYTHON_TYPES = {str(iri): kinds for iri, kinds in {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: (int,),
    XSD.float: (float,), XSD.decimal: (Decimal,), XSD.boolean: (bool,), XSD.date: (date,),
    XSD.time: (time,), XSD.dateTime: (datetime,),
}.items()}
STRING, LANG_STRING, LITERAL, DATATYPE = (
    str(iri) for iri in (XSD.string, RDF.langString, RDFS.Literal, RDFS.Datatype))
# The datatypes whose literals rdflib compares by their Python values.
NUMERIC_DATATYPES = frozenset(str(XSD[name]) for name in (
    "integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte"))
NONE: tuple = ()


# ---------------------------------------------------------------------------------------------
# Results and paths
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SequencePath:
    """``( p1 p2 )``: the nodes reached by following each step in turn."""

    steps: tuple[Path, ...]


@dataclass(frozen=True)
class AlternativePath:
    """``[ sh:alternativePath ( p1 p2 ) ]``: the nodes reached by any of the options."""

    options: tuple[Path, ...]


Path = URIRef | SequencePath | AlternativePath


@dataclass(frozen=True)
class Result:
    """One validation result, as in a SHACL report (``value`` is None for sh:minCount and
    sh:maxCount, ``path`` is None for the constraints of a node shape)."""

    focus: Node
    path: Path | None
    value: Node | None
    severity: URIRef
    message: str
    component: URIRef

    def key(self) -> tuple:
        """What two engines must agree on: everything but the message."""
        return (self.focus, self.path, self.severity, self.component, self.value)


def read_path(graph: Graph, node: Node) -> Path:
    """The SHACL property path at ``node`` (in a shapes graph or in a validation report)."""
    if isinstance(node, URIRef):
        return node
    if isinstance(node, BNode):
        if (node, RDF.first, None) in graph:
            steps = tuple(read_path(graph, step) for step in Collection(graph, node))
            if len(steps) >= 2:
                return SequencePath(steps)
            raise ConfigError("a sequence path needs at least two steps")
        options = list(graph.objects(node, SH.alternativePath))
        if len(options) == 1:
            items = tuple(read_path(graph, item) for item in Collection(graph, options[0]))
            if len(items) >= 2:
                return AlternativePath(items)
            raise ConfigError("sh:alternativePath needs at least two options")
        kinds = sorted(p.n3(graph.namespace_manager) for p in graph.predicates(node)
                       if p in PATH_PREDICATES)
        if kinds:
            raise ConfigError(f"{', '.join(kinds)} paths are not supported by kg.validate.shacl "
                              "(only predicates, sequences and sh:alternativePath)")
    raise ConfigError(f"{node.n3()} is not a property path")


def path_text(path: Path, namespaces: NamespaceManager) -> str:
    """A path in SPARQL property path syntax: ``kg:a``, ``oa:hasSelector/oa:exact``,
    ``kg:reproduces|kg:recordOf``."""
    if isinstance(path, SequencePath):
        return "/".join(_step_text(step, namespaces) for step in path.steps)
    if isinstance(path, AlternativePath):
        return "|".join(_step_text(option, namespaces) for option in path.options)
    return path.n3(namespaces)


def _step_text(path: Path, namespaces: NamespaceManager) -> str:
    text = path_text(path, namespaces)
    return text if isinstance(path, URIRef) else f"({text})"


# ---------------------------------------------------------------------------------------------
# The index of the triples under validation
# ---------------------------------------------------------------------------------------------

class _Index:
    """The triples the shapes look at, in plain dicts and lists: predicate -> subject ->
    objects for the predicates of paths and targets, class -> instances for rdf:type and
    class -> subclasses for rdfs:subClassOf.

    An index may start from a ``base`` (the ontology's triples, indexed once per set of
    shapes): its dicts are copied, its value lists shared as tuples and copied into lists only
    when a triple adds to them, so the base is never changed."""

    def __init__(self, triples: Iterable[Triple], predicates: Iterable[URIRef],
                 base: _Index | None = None):
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

    def frozen(self) -> _Index:
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

    def batch(self, index: _Index, nodes: Sequence[Node]) -> Batch:
        """Each node with the nodes the path reaches from it."""


def _walker(path: Path, predicate: Callable[[URIRef], URIRef]) -> Walk:
    """The walk of ``path``; ``predicate`` registers each predicate with the index and gives
    the term to look it up by."""
    if isinstance(path, SequencePath):
        return _Sequence([_walker(step, predicate) for step in path.steps])
    if isinstance(path, AlternativePath):
        return _Alternatives([_walker(option, predicate) for option in path.options])
    return _Predicate(predicate(path))


class _Predicate:
    repeats = False

    def __init__(self, predicate: URIRef):
        self.predicate = predicate

    def batch(self, index: _Index, nodes: Sequence[Node]) -> Batch:
        return index.batch(self.predicate, nodes)


class _Sequence:
    repeats = True

    def __init__(self, steps: list[Walk]):
        self.steps = steps

    def batch(self, index: _Index, nodes: Sequence[Node]) -> Batch:
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

    def batch(self, index: _Index, nodes: Sequence[Node]) -> Batch:
        each = [option.batch(index, nodes) for option in self.options]
        return [(node, [v for _, vs in found for v in vs])
                for node, *found in zip(nodes, *each, strict=True)]


# ---------------------------------------------------------------------------------------------
# Literal comparisons, the way pyshacl makes them
# ---------------------------------------------------------------------------------------------

def has_datatype(node: Node, datatype: URIRef) -> bool:
    """Whether ``node`` is a well-typed literal of ``datatype`` (sh:datatype).

    A literal rdflib could not parse ("abc"^^xsd:integer, "1949-02-30"^^xsd:date) never
    matches, and for the datatypes of :data:`PYTHON_TYPES` rdflib's value must be of that
    Python type. A plain literal ("abc") is an xsd:string; "abc"@en is an rdf:langString only.
    Any literal is an rdfs:Literal, any typed literal an rdfs:Datatype.
    """
    if type(node) is not Literal and not isinstance(node, Literal):
        return False
    # str.__eq__ compares two IRIs as rdflib does, without its Python-level overhead.
    kind = node.datatype
    if kind is not None:
        if not str.__eq__(kind, datatype):
            return str.__eq__(datatype, LITERAL) or str.__eq__(datatype, DATATYPE)
        if getattr(node, "ill_typed", None) is True:
            return False
    elif not str.__eq__(datatype, STRING if node.language is None else LANG_STRING):
        return str.__eq__(datatype, LITERAL)
    expected = PYTHON_TYPES.get(str(datatype))
    return expected is None or isinstance(node.value, expected)


def _is_text(node: Literal) -> bool:
    return isinstance(node.value, str)


def _number(node: Node) -> object | None:
    """The value of a well-typed numeric literal (None for anything else): rdflib compares
    two of those by their values, which the fast paths below do directly."""
    if (type(node) is Literal or isinstance(node, Literal)) and (
            str(node.datatype) in NUMERIC_DATATYPES and not node.ill_typed):
        return node.value
    return None


def at_least(node: Node, bound: Literal) -> bool:
    """``bound <= node`` for sh:minInclusive.

    Only literals compare, a string only with a string; otherwise rdflib's value comparison
    decides (``Literal.eq``, then ``>``), except that datetimes and times compare their Python
    values. Two values that cannot be compared (an error) make a failure.
    """
    if not isinstance(node, Literal):
        return False
    try:
        value, least = _number(node), _number(bound)
        if value is not None and least is not None:
            return value == least or value > least
        if _is_text(node) != _is_text(bound):
            return False
        if node.eq(bound):
            return True
        if type(node.value) in (datetime, time):
            return node.value == bound.value or node.value > bound.value
        return bool(node > bound)
    except (TypeError, NotImplementedError, ArithmeticError):  # NaN against a decimal, ...
        return False


def less_than(node: Node, other: Node) -> bool:
    """``node < other`` for sh:lessThan.

    IRIs and string literals compare as Python strings, and only with one another; other
    literals by rdflib's ``<``. A blank node, or values that cannot be compared (NaN and a
    decimal), make a failure where pyshacl stops with an error.
    """
    if isinstance(node, BNode) or isinstance(other, BNode):
        return False
    try:
        value, limit = _number(node), _number(other)
        if value is not None and limit is not None:
            return not (value > limit or value == limit)  # rdflib's Literal.__lt__
        node_text, node_key = _ordering_key(node)
        other_text, other_key = _ordering_key(other)
        return node_text == other_text and bool(node_key < other_key)
    except (TypeError, ArithmeticError):
        return False


def _ordering_key(node: Node) -> tuple[bool, object]:
    if isinstance(node, URIRef):
        return True, str(node)
    if isinstance(node, Literal) and _is_text(node):
        return True, node.value
    return False, node


# ---------------------------------------------------------------------------------------------
# Constraints. Each checks a batch at once (all the focus nodes of a shape, each with its value
# nodes) and gives the failures as (focus node, value node), the value None for a count.
# ---------------------------------------------------------------------------------------------

Failure = tuple[Node, Node | None]


class _Constraint:
    component: URIRef
    message: str  # when the shape has no sh:message

    def failures(self, index: _Index, batch: Batch) -> list[Failure]:
        """The (focus, value) pairs of ``batch`` that fail: each subclass checks its own."""
        raise NotImplementedError


class _MinCount(_Constraint):
    component = SH.MinCountConstraintComponent

    def __init__(self, count: int):
        self.count = count
        self.message = f"Less than {count} values"

    def failures(self, index, batch):
        count = self.count
        return [(f, None) for f, vs in batch if len(vs) < count]


class _MaxCount(_Constraint):
    component = SH.MaxCountConstraintComponent

    def __init__(self, count: int):
        self.count = count
        self.message = f"More than {count} values"

    def failures(self, index, batch):
        count = self.count
        return [(f, None) for f, vs in batch if len(vs) > count]


class _Datatype(_Constraint):
    component = SH.DatatypeConstraintComponent

    def __init__(self, datatype: URIRef, shown: str):
        self.datatype = datatype
        self.message = f"Value is not a literal of datatype {shown}"

    def failures(self, index, batch):
        datatype = self.datatype
        return [(f, v) for f, vs in batch for v in vs if not has_datatype(v, datatype)]


class _NodeKind(_Constraint):
    component = SH.NodeKindConstraintComponent

    def __init__(self, kinds: tuple[type, ...], shown: str):
        self.kinds = kinds
        self.exact = frozenset(kinds)  # isinstance on rdflib terms is slow: try type() first
        self.message = f"Value is not of node kind {shown}"

    def failures(self, index, batch):
        exact, kinds = self.exact, self.kinds
        return [(f, v) for f, vs in batch for v in vs
                if type(v) not in exact and not isinstance(v, kinds)]


class _In(_Constraint):
    component = SH.InConstraintComponent

    def __init__(self, members: frozenset[Node]):
        self.members = members
        self.message = "Value is not one of the allowed values (sh:in)"

    def failures(self, index, batch):
        members = self.members
        return [(f, v) for f, vs in batch for v in vs if v not in members]


class _Class(_Constraint):
    component = SH.ClassConstraintComponent

    def __init__(self, cls: Node, shown: str):
        self.cls = cls
        self.message = f"Value is not an instance of {shown}"

    def failures(self, index, batch):
        members = index.members(self.cls)
        return [(f, v) for f, vs in batch for v in vs if isinstance(v, Literal) or v not in members]


class _Node(_Constraint):
    """sh:node: a value fails if validating it against the shape gives any result at all,
    warnings included (pyshacl)."""

    component = SH.NodeConstraintComponent

    def __init__(self, shape: _Shape):
        self.shape = shape
        self.message = f"Value does not conform to shape {shape.name}"

    def failures(self, index, batch):
        nested: list[Result] = []
        self.shape.validate(index, _distinct(v for _, vs in batch for v in vs), nested)
        failing = {r.focus for r in nested}
        return [(f, v) for f, vs in batch for v in vs if v in failing]


class _Or(_Constraint):
    """sh:or: a value fails if it conforms to none of the shapes; a shape whose severity is
    sh:Warning or sh:Info always conforms (pyshacl with warnings allowed)."""

    component = SH.OrConstraintComponent

    def __init__(self, shapes: list[_Shape]):
        self.shapes = shapes
        self.message = "Value does not conform to any shape of sh:or"

    def failures(self, index, batch):
        failing = _distinct(v for _, vs in batch for v in vs)
        for shape in self.shapes:
            if not failing:
                break
            left = shape.nonconforming(index, failing)
            failing = [v for v in failing if v in left]
        failed = set(failing)
        return [(f, v) for f, vs in batch for v in vs if v in failed]


class _Pattern(_Constraint):
    """sh:pattern, searched anywhere in the lexical form or IRI; blank nodes fail."""

    component = SH.PatternConstraintComponent

    def __init__(self, regex: re.Pattern):
        self.regex = regex
        self.message = f"Value does not match pattern {regex.pattern!r}"

    def failures(self, index, batch):
        search = self.regex.search
        return [(f, v) for f, vs in batch for v in vs if isinstance(v, BNode) or not search(str(v))]


class _MinLength(_Constraint):
    component = SH.MinLengthConstraintComponent

    def __init__(self, length: int):
        self.length = length
        self.message = f"String length is less than {length}"

    def failures(self, index, batch):
        length = self.length
        if length == 0:
            return []
        return [(f, v) for f, vs in batch for v in vs
                if isinstance(v, BNode) or len(str(v)) < length]


class _MinInclusive(_Constraint):
    component = SH.MinInclusiveConstraintComponent

    def __init__(self, bound: Literal):
        self.bound = bound
        self.message = f"Value is not >= {bound}"

    def failures(self, index, batch):
        bound = self.bound
        return [(f, v) for f, vs in batch for v in vs if not at_least(v, bound)]


class _LessThan(_Constraint):
    """sh:lessThan: one failure per (value, other value) pair that is not in order."""

    component = SH.LessThanConstraintComponent

    def __init__(self, predicate: URIRef, shown: str):
        self.predicate = predicate
        self.message = f"Value is not less than the value of {shown}"

    def failures(self, index, batch):
        get = index.by_predicate[self.predicate].get
        return [(f, v) for f, vs in batch for v in vs for other in get(f, NONE)
                if not less_than(v, other)]


def _distinct(nodes: Iterable[Node]) -> list[Node]:
    return list(dict.fromkeys(nodes))


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------

class _Shape:
    """A compiled node shape (``walk`` is None) or property shape."""

    def __init__(self, node: Node, name: str):
        self.node = node
        self.name = name
        self.path: Path | None = None
        self.walk: Walk | None = None
        self.severity: URIRef = SH.Violation
        self.soft = False  # severity sh:Warning or sh:Info
        self.message: str | None = None
        self.deactivated = False
        self.constraints: list[_Constraint] = []
        self.properties: list[_Shape] = []
        self.target_classes: list[Node] = []
        self.target_subjects_of: list[URIRef] = []
        self.target_objects_of: list[URIRef] = []
        self.target_nodes: list[Node] = []

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of or self.target_objects_of
                    or self.target_nodes)

    def focus_nodes(self, index: _Index) -> list[Node]:
        return _distinct(chain(
            self.target_nodes,
            chain.from_iterable(index.instances(c) for c in self.target_classes),
            chain.from_iterable(index.by_predicate[p] for p in self.target_subjects_of),
            (o for p in self.target_objects_of
             for objects in index.by_predicate[p].values() for o in objects),
        ))

    def batch(self, index: _Index, focus_nodes: Sequence[Node]) -> Batch:
        """Each focus node with its value nodes, without repeats."""
        if self.walk is None:
            return [(f, (f,)) for f in focus_nodes]
        found = self.walk.batch(index, focus_nodes)
        if self.walk.repeats:
            return [(f, vs if len(vs) < 2 else _distinct(vs)) for f, vs in found]
        return found

    def validate(self, index: _Index, focus_nodes: Sequence[Node],
                 results: list[Result]) -> None:
        """Append the results of the focus nodes against this shape (none if they conform)."""
        if self.deactivated or not focus_nodes:
            return
        batch = self.batch(index, focus_nodes)
        for constraint in self.constraints:
            failed = constraint.failures(index, batch)
            if failed:
                message = self.message or constraint.message
                results.extend(Result(f, self.path, v, self.severity, message,
                                      constraint.component) for f, v in failed)
        for prop in self.properties:
            prop.validate(index, focus_nodes, results)

    def nonconforming(self, index: _Index, focus_nodes: Sequence[Node]) -> set[Node]:
        """The focus nodes that do not conform, as pyshacl decides it with warnings allowed:
        a warning or info shape always conforms, whatever its constraints or property shapes
        say (inside sh:or only: sh:node counts any result)."""
        if self.deactivated or self.soft or not focus_nodes:
            return set()
        batch = self.batch(index, focus_nodes)
        failing = {f for c in self.constraints for f, _ in c.failures(index, batch)}
        for prop in self.properties:
            failing |= prop.nonconforming(index, focus_nodes)
        return failing


class Shapes:
    """A shapes graph compiled for validation. Compile once, validate many triple sets."""

    def __init__(self, targeted: list[_Shape], predicates: frozenset[URIRef],
                 ontology_triples: list[Triple]):
        self._targeted = targeted
        self._predicates = predicates
        # The ontology's part of every index, made once: documents are validated one by one.
        self._base = _Index(ontology_triples, predicates).frozen()

    @classmethod
    def compile(cls, shapes: Graph, ontology: Graph) -> Shapes:
        """Compile every shape of ``shapes``; ``ontology`` is mixed into all the data validated
        (its rdfs:subClassOf and rdf:type triples count, as with pyshacl's ont_graph).

        Raises ConfigError naming the shape for any feature this engine does not support."""
        compiler = _Compiler(shapes)
        for node in compiler.shape_nodes():
            compiler.shape(node)
        targeted = [s for s in compiler.compiled.values() if s.has_targets and not s.deactivated]
        predicates = frozenset(compiler.predicates.values())
        indexed = predicates | {RDF.type, RDFS.subClassOf}
        ontology_triples = [t for t in ontology if t[1] in indexed]
        return cls(targeted, predicates, ontology_triples)

    def validate(self, triples: Iterable[Triple]) -> list[Result]:
        """Every validation result for ``triples`` (a list of rdflib-term triples, a Graph)."""
        with gc_paused():
            index = _Index(triples, self._predicates, self._base)
            results: list[Result] = []
            for shape in self._targeted:
                shape.validate(index, shape.focus_nodes(index), results)
                index.forget_batches()
        return results


class _Compiler:
    """Reads the shapes graph into :class:`_Shape` objects, refusing what it cannot run."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.names = graph.namespace_manager
        self.compiled: dict[Node, _Shape] = {}
        self.in_progress: set[Node] = set()
        self.predicates: dict[str, URIRef] = {}

    def predicate(self, p: URIRef) -> URIRef:
        """One term per predicate IRI, the key of the index (see :class:`_Index`)."""
        return self.predicates.setdefault(str(p), p)

    def shape_nodes(self) -> list[Node]:
        """Every node the graph says something about with an ``sh:`` predicate, except the
        blank nodes of complex paths; typed shapes too."""
        found = {s for s, p, _ in self.graph if str(p).startswith(str(SH))
                 and p not in PATH_PREDICATES}
        for kind in (SH.NodeShape, SH.PropertyShape):
            found.update(self.graph.subjects(RDF.type, kind))
        return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))

    def shape(self, node: Node) -> _Shape:
        done = self.compiled.get(node)
        if done is not None:
            return done
        name = self.name(node)
        if node in self.in_progress:
            raise ConfigError(f"shape {name} refers back to itself (sh:node, sh:or or "
                              "sh:property): recursive shapes are not supported by "
                              "kg.validate.shacl")
        self.in_progress.add(node)
        try:
            shape = self._build(node, name)
        except ConfigError as exc:
            if exc.message.startswith("shape "):
                raise
            raise ConfigError(f"shape {name}: {exc.message}") from None
        self.in_progress.discard(node)
        self.compiled[node] = shape
        return shape

    def _build(self, node: Node, name: str) -> _Shape:
        params: dict[Node, list[Node]] = {}
        for p, o in self.graph.predicate_objects(node):
            if str(p).startswith(str(SH)):
                params.setdefault(p, []).append(o)
        unsupported = sorted(self.show(p) for p in params if p not in SUPPORTED)
        if unsupported:
            raise ConfigError(f"{', '.join(unsupported)} not supported by the fast SHACL engine "
                              "(kg.validate.shacl runs the SHACL Core features of "
                              "ontology/shapes.ttl); "
                              "the pyshacl validator (KG_VALIDATOR=pyshacl) runs it")
        for p in SINGLE:
            if len(params.get(p, NONE)) > 1:
                raise ConfigError(f"more than one {self.show(p)}")
        shape = _Shape(node, name)
        if SH.path in params:
            shape.path = read_path(self.graph, params[SH.path][0])
            shape.walk = _walker(shape.path, self.predicate)
        else:
            for p in PROPERTY_ONLY:
                if p in params:
                    raise ConfigError(f"{self.show(p)} applies to property shapes (sh:path) only")
        self._read_targets(node, shape, params)
        if SH.severity in params:
            shape.severity = self.iri(params[SH.severity][0], SH.severity)
            shape.soft = shape.severity in SOFT_SEVERITIES
        if SH.message in params:
            shape.message = str(min(params[SH.message], key=_message_preference))
        if SH.deactivated in params:
            shape.deactivated = params[SH.deactivated][0].toPython() is True
        for p in CONSTRAINTS:
            for value in params.get(p, NONE):
                shape.constraints.extend(self._constraint(p, value, params))
        for value in params.get(SH.property, NONE):
            prop = self.shape(value)
            if prop.walk is None:
                raise ConfigError(f"sh:property {self.show(value)} has no sh:path")
            shape.properties.append(prop)
        return shape

    def _read_targets(self, node: Node, shape: _Shape, params: dict[Node, list[Node]]) -> None:
        shape.target_classes = list(params.get(SH.targetClass, NONE))
        shape.target_nodes = list(params.get(SH.targetNode, NONE))
        shape.target_subjects_of = [self.predicate(self.iri(p, SH.targetSubjectsOf))
                                    for p in params.get(SH.targetSubjectsOf, NONE)]
        shape.target_objects_of = [self.predicate(self.iri(p, SH.targetObjectsOf))
                                   for p in params.get(SH.targetObjectsOf, NONE)]
        # A shape that is also a class targets its own instances (implicit class target); as
        # in pyshacl, a class is an rdfs:Class or an instance of a direct subclass of it.
        class_kinds = {RDFS.Class, *self.graph.subjects(RDFS.subClassOf, RDFS.Class)}
        if any(t in class_kinds for t in self.graph.objects(node, RDF.type)):
            shape.target_classes.append(node)

    def _constraint(self, p: Node, value: Node,
                    params: dict[Node, list[Node]]) -> list[_Constraint]:
        if p == SH.minCount:
            return [_MinCount(self.count(value, p))]
        if p == SH.maxCount:
            return [_MaxCount(self.count(value, p))]
        if p == SH.minLength:
            return [_MinLength(self.count(value, p))]
        if p == SH.datatype:
            return [_Datatype(self.iri(value, p), self.show(value))]
        if p == SH.nodeKind:
            if value not in NODE_KINDS:
                raise ConfigError(f"sh:nodeKind {self.show(value)} is not a SHACL node kind")
            return [_NodeKind(NODE_KINDS[value], self.show(value))]
        if p == SH["in"]:
            return [_In(frozenset(self.items(value, p)))]
        if p == SH["or"]:
            return [_Or([self.shape(member) for member in self.items(value, p)])]
        if p == SH["class"]:
            if isinstance(value, Literal):
                raise ConfigError(f"sh:class {self.show(value)} is not a class")
            return [_Class(value, self.show(value))]
        if p == SH.node:
            shape = self.shape(value)
            if shape.walk is not None:
                raise ConfigError(f"sh:node {self.show(value)} is a property shape")
            return [_Node(shape)]
        if p == SH.lessThan:
            return [_LessThan(self.predicate(self.iri(value, p)), self.show(value))]
        if p == SH.minInclusive:
            if not isinstance(value, Literal):
                raise ConfigError(f"sh:minInclusive {self.show(value)} is not a literal")
            return [_MinInclusive(value)]
        if p == SH.pattern:
            return [_Pattern(self.regex(value, params.get(SH.flags, NONE)))]
        return []  # sh:flags: read with sh:pattern

    def regex(self, pattern: Node, flags: Sequence[Node]) -> re.Pattern:
        if not isinstance(pattern, Literal):
            raise ConfigError(f"sh:pattern {self.show(pattern)} is not a literal")
        options = 0
        for letter in str(flags[0]) if flags else "":
            if letter not in "im":
                raise ConfigError(f"sh:flags {letter!r} is not supported by "
                                  "kg.validate.shacl (i, m)")
            options |= re.IGNORECASE if letter == "i" else re.MULTILINE
        try:
            return re.compile(str(pattern), options)
        except re.error as exc:
            raise ConfigError(f"sh:pattern {self.show(pattern)}: {exc}") from None

    def count(self, value: Node, p: Node) -> int:
        number = value.toPython() if isinstance(value, Literal) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise ConfigError(f"{self.show(p)} {self.show(value)} is not a whole number >= 0")
        return number

    def iri(self, value: Node, p: Node) -> URIRef:
        if not isinstance(value, URIRef):
            raise ConfigError(f"{self.show(p)} {self.show(value)} is not an IRI")
        return value

    def items(self, head: Node, p: Node) -> list[Node]:
        if head != RDF.nil and (head, RDF.first, None) not in self.graph:
            raise ConfigError(f"{self.show(p)} {self.show(head)} is not an RDF list")
        return list(Collection(self.graph, head))

    def show(self, node: Node) -> str:
        return node.n3(self.names)

    def name(self, node: Node) -> str:
        """How an error names a shape: its IRI, or where a blank-node shape sits."""
        if not isinstance(node, BNode):
            return self.show(node)
        for parent in self.graph.subjects(SH.property, node):
            path = self.graph.value(node, SH.path)
            try:
                shown = "?" if path is None else path_text(read_path(self.graph, path), self.names)
            except ConfigError:
                shown = self.show(path)
            return f"[ sh:path {shown} ] (sh:property of {self.name(parent)})"
        for head in self._lists_holding(node):
            for parent, p in self.graph.subject_predicates(head):
                return f"{self.show(node)} (in the {self.show(p)} list of {self.name(parent)})"
        return self.show(node)

    def _lists_holding(self, node: Node) -> list[Node]:
        heads = []
        for cell in self.graph.subjects(RDF.first, node):
            while True:
                previous = self.graph.value(predicate=RDF.rest, object=cell)
                if previous is None:
                    break
                cell = previous
            heads.append(cell)
        return heads


def _message_preference(message: Node) -> tuple:
    # One message per result: the untagged or English one first (pyshacl reports them all).
    language = getattr(message, "language", None)
    return (language not in (None, "en"), language or "", str(message))
