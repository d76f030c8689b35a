"""A fast SHACL Core engine: the shapes compiled once into Python checks over a dict index.

pyshacl (the reference engine, also run by :mod:`kg.validate.validator`) re-reads the
shapes graph and walks an rdflib graph for every focus node: 20 to 60 seconds for 190k triples.
Here :meth:`Shapes.compile` turns every shape into a list of small constraint objects
(:mod:`kg.validate.constraints`), once; :meth:`Shapes.validate` indexes the triples in plain
dicts (:mod:`kg.validate.index`: predicate -> subject -> objects, for the predicates the shapes
look at) and runs each constraint over all the focus nodes of its shape at once: about 2.5
microseconds of CPU per triple, plus 2 more to read the triples out of an rdflib Graph.

Only the SHACL Core features that ontology/shapes.ttl uses are supported (:data:`SUPPORTED`).
Any other ``sh:`` term on a shape, or any other kind of property path
(:mod:`kg.validate.paths`), raises :class:`~kg.errors.ConfigError` naming the shape, so that a
new shape is never silently ignored.

The results are pyshacl's as :mod:`kg.validate.validator` calls it: the ontology mixed into
the data graph (SHACL class semantics: an instance of a subclass is an instance), no
inference, warnings allowed. Where pyshacl makes a choice the specification leaves open, the
constraint class says so and does the same; the literal comparisons are in
:mod:`kg.validate.values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import ConfigError
from kg.speedups import gc_paused
from kg.validate import constraints as c
from kg.validate.index import NONE, Batch, Index, Triple, Walk, distinct, walker
from kg.validate.paths import PATH_PREDICATES, Path, path_text, read_path

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
NODE_KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
# Warnings and infos do not make a shape non-conforming inside sh:or (pyshacl, allow_warnings).
SOFT_SEVERITIES = (SH.Warning, SH.Info)


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


class Shape:
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
        self.constraints: list[c.Constraint] = []
        self.properties: list[Shape] = []
        self.target_classes: list[Node] = []
        self.target_subjects_of: list[URIRef] = []
        self.target_objects_of: list[URIRef] = []
        self.target_nodes: list[Node] = []

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of or self.target_objects_of
                    or self.target_nodes)

    def focus_nodes(self, index: Index) -> list[Node]:
        return distinct(chain(
            self.target_nodes,
            chain.from_iterable(index.instances(c) for c in self.target_classes),
            chain.from_iterable(index.by_predicate[p] for p in self.target_subjects_of),
            (o for p in self.target_objects_of
             for objects in index.by_predicate[p].values() for o in objects),
        ))

    def batch(self, index: Index, focus_nodes: Sequence[Node]) -> Batch:
        """Each focus node with its value nodes, without repeats."""
        if self.walk is None:
            return [(f, (f,)) for f in focus_nodes]
        found = self.walk.batch(index, focus_nodes)
        if self.walk.repeats:
            return [(f, vs if len(vs) < 2 else distinct(vs)) for f, vs in found]
        return found

    def validate(self, index: Index, focus_nodes: Sequence[Node],
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

    def nonconforming(self, index: Index, focus_nodes: Sequence[Node]) -> set[Node]:
        """The focus nodes that do not conform, as pyshacl decides it with warnings allowed:
        a warning or info shape always conforms, whatever its constraints or property shapes
        say (inside sh:or only: sh:node counts any result)."""
        if self.deactivated or self.soft or not focus_nodes:
            return set()
        batch = self.batch(index, focus_nodes)
        failing = {f for check in self.constraints for f, _ in check.failures(index, batch)}
        for prop in self.properties:
            failing |= prop.nonconforming(index, focus_nodes)
        return failing


class Shapes:
    """A shapes graph compiled for validation. Compile once, validate many triple sets."""

    def __init__(self, targeted: list[Shape], predicates: frozenset[URIRef],
                 ontology_triples: list[Triple]):
        self._targeted = targeted
        self._predicates = predicates
        # The ontology's part of every index, made once: documents are validated one by one.
        self._base = Index(ontology_triples, predicates).frozen()

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
            index = Index(triples, self._predicates, self._base)
            results: list[Result] = []
            for shape in self._targeted:
                shape.validate(index, shape.focus_nodes(index), results)
                index.forget_batches()
        return results


class _Compiler:
    """Reads the shapes graph into :class:`Shape` objects, refusing what it cannot run."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.names = graph.namespace_manager
        self.compiled: dict[Node, Shape] = {}
        self.in_progress: set[Node] = set()
        self.predicates: dict[str, URIRef] = {}

    def predicate(self, p: URIRef) -> URIRef:
        """One term per predicate IRI, the key of the index (see :class:`Index`)."""
        return self.predicates.setdefault(str(p), p)

    def shape_nodes(self) -> list[Node]:
        """Every node the graph says something about with an ``sh:`` predicate, except the
        blank nodes of complex paths; typed shapes too."""
        found = {s for s, p, _ in self.graph if str(p).startswith(str(SH))
                 and p not in PATH_PREDICATES}
        for kind in (SH.NodeShape, SH.PropertyShape):
            found.update(self.graph.subjects(RDF.type, kind))
        return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))

    def shape(self, node: Node) -> Shape:
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

    def _build(self, node: Node, name: str) -> Shape:
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
        shape = Shape(node, name)
        if SH.path in params:
            shape.path = read_path(self.graph, params[SH.path][0])
            shape.walk = walker(shape.path, self.predicate)
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

    def _read_targets(self, node: Node, shape: Shape, params: dict[Node, list[Node]]) -> None:
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
                    params: dict[Node, list[Node]]) -> list[c.Constraint]:
        if p == SH.minCount:
            return [c.MinCount(self.count(value, p))]
        if p == SH.maxCount:
            return [c.MaxCount(self.count(value, p))]
        if p == SH.minLength:
            return [c.MinLength(self.count(value, p))]
        if p == SH.datatype:
            return [c.Datatype(self.iri(value, p), self.show(value))]
        if p == SH.nodeKind:
            if value not in NODE_KINDS:
                raise ConfigError(f"sh:nodeKind {self.show(value)} is not a SHACL node kind")
            return [c.NodeKind(NODE_KINDS[value], self.show(value))]
        if p == SH["in"]:
            return [c.In(frozenset(self.items(value, p)))]
        if p == SH["or"]:
            return [c.Or([self.shape(member) for member in self.items(value, p)])]
        if p == SH["class"]:
            if isinstance(value, Literal):
                raise ConfigError(f"sh:class {self.show(value)} is not a class")
            return [c.Class(value, self.show(value))]
        if p == SH.node:
            shape = self.shape(value)
            if shape.walk is not None:
                raise ConfigError(f"sh:node {self.show(value)} is a property shape")
            return [c.Conforms(shape)]
        if p == SH.lessThan:
            return [c.LessThan(self.predicate(self.iri(value, p)), self.show(value))]
        if p == SH.minInclusive:
            if not isinstance(value, Literal):
                raise ConfigError(f"sh:minInclusive {self.show(value)} is not a literal")
            return [c.MinInclusive(value)]
        if p == SH.pattern:
            return [c.Pattern(self.regex(value, params.get(SH.flags, NONE)))]
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
