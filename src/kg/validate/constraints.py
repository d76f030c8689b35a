"""The SHACL constraint components the engine runs, one class each.

A constraint checks a batch at once (all the focus nodes of a shape, each with its value nodes,
see :mod:`kg.validate.index`) and gives the failures as (focus node, value node), the value
None for a count. Where pyshacl makes a choice the specification leaves open, the class says so
and does the same. The compiler in :mod:`kg.validate.shacl` builds them from a shapes graph.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validate.index import NONE, Batch, Index, distinct
from kg.validate.values import at_least, has_datatype, less_than

if TYPE_CHECKING:
    from kg.validate.shacl import Result, Shape

Failure = tuple[Node, Node | None]


class Constraint:
    component: URIRef
    message: str  # when the shape has no sh:message

    def failures(self, index: Index, batch: Batch) -> list[Failure]:
        """The (focus, value) pairs of ``batch`` that fail: each subclass checks its own."""
        raise NotImplementedError


class MinCount(Constraint):
    component = SH.MinCountConstraintComponent

    def __init__(self, count: int):
        self.count = count
        self.message = f"Less than {count} values"

    def failures(self, index, batch):
        count = self.count
        return [(f, None) for f, vs in batch if len(vs) < count]


class MaxCount(Constraint):
    component = SH.MaxCountConstraintComponent

    def __init__(self, count: int):
        self.count = count
        self.message = f"More than {count} values"

    def failures(self, index, batch):
        count = self.count
        return [(f, None) for f, vs in batch if len(vs) > count]


class Datatype(Constraint):
    component = SH.DatatypeConstraintComponent

    def __init__(self, datatype: URIRef, shown: str):
        self.datatype = datatype
        self.message = f"Value is not a literal of datatype {shown}"

    def failures(self, index, batch):
        datatype = self.datatype
        return [(f, v) for f, vs in batch for v in vs if not has_datatype(v, datatype)]


class NodeKind(Constraint):
    component = SH.NodeKindConstraintComponent

    def __init__(self, kinds: tuple[type, ...], shown: str):
        self.kinds = kinds
        self.exact = frozenset(kinds)  # isinstance on rdflib terms is slow: try type() first
        self.message = f"Value is not of node kind {shown}"

    def failures(self, index, batch):
        exact, kinds = self.exact, self.kinds
        return [(f, v) for f, vs in batch for v in vs
                if type(v) not in exact and not isinstance(v, kinds)]


class In(Constraint):
    component = SH.InConstraintComponent

    def __init__(self, members: frozenset[Node]):
        self.members = members
        self.message = "Value is not one of the allowed values (sh:in)"

    def failures(self, index, batch):
        members = self.members
        return [(f, v) for f, vs in batch for v in vs if v not in members]


class Class(Constraint):
    component = SH.ClassConstraintComponent

    def __init__(self, cls: Node, shown: str):
        self.cls = cls
        self.message = f"Value is not an instance of {shown}"

    def failures(self, index, batch):
        members = index.members(self.cls)
        return [(f, v) for f, vs in batch for v in vs if isinstance(v, Literal) or v not in members]


class Conforms(Constraint):
    """sh:node: a value fails if validating it against the shape gives any result at all,
    warnings included (pyshacl)."""

    component = SH.NodeConstraintComponent

    def __init__(self, shape: Shape):
        self.shape = shape
        self.message = f"Value does not conform to shape {shape.name}"

    def failures(self, index, batch):
        nested: list[Result] = []
        self.shape.validate(index, distinct(v for _, vs in batch for v in vs), nested)
        failing = {r.focus for r in nested}
        return [(f, v) for f, vs in batch for v in vs if v in failing]


class Or(Constraint):
    """sh:or: a value fails if it conforms to none of the shapes; a shape whose severity is
    sh:Warning or sh:Info always conforms (pyshacl with warnings allowed)."""

    component = SH.OrConstraintComponent

    def __init__(self, shapes: list[Shape]):
        self.shapes = shapes
        self.message = "Value does not conform to any shape of sh:or"

    def failures(self, index, batch):
        failing = distinct(v for _, vs in batch for v in vs)
        for shape in self.shapes:
            if not failing:
                break
            left = shape.nonconforming(index, failing)
            failing = [v for v in failing if v in left]
        failed = set(failing)
        return [(f, v) for f, vs in batch for v in vs if v in failed]


class Pattern(Constraint):
    """sh:pattern, searched anywhere in the lexical form or IRI; blank nodes fail."""

    component = SH.PatternConstraintComponent

    def __init__(self, regex: re.Pattern):
        self.regex = regex
        self.message = f"Value does not match pattern {regex.pattern!r}"

    def failures(self, index, batch):
        search = self.regex.search
        return [(f, v) for f, vs in batch for v in vs if isinstance(v, BNode) or not search(str(v))]


class MinLength(Constraint):
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


class MinInclusive(Constraint):
    component = SH.MinInclusiveConstraintComponent

    def __init__(self, bound: Literal):
        self.bound = bound
        self.message = f"Value is not >= {bound}"

    def failures(self, index, batch):
        bound = self.bound
        return [(f, v) for f, vs in batch for v in vs if not at_least(v, bound)]


class LessThan(Constraint):
    """sh:lessThan: one failure per (value, other value) pair that is not in order."""

    component = SH.LessThanConstraintComponent

    def __init__(self, predicate: URIRef, shown: str):
        self.predicate = predicate
        self.message = f"Value is not less than the value of {shown}"

    def failures(self, index, batch):
        get = index.by_predicate[self.predicate].get
        return [(f, v) for f, vs in batch for v in vs for other in get(f, NONE)
                if not less_than(v, other)]
