"""Literal tests the way pyshacl makes them: whether a node is a well-typed literal of a
datatype (sh:datatype), and the orderings of sh:minInclusive and sh:lessThan.

rdflib compares two well-typed numeric literals by their Python values; the fast paths here do
that directly and leave every other comparison to rdflib, as pyshacl does.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node

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
