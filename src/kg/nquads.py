"""N-Quads text for rdflib triples, written fast enough for millions of them.

The build writes document graphs, the inferred graph and the explanations as N-Quads
files that the store's bulk loader reads (:mod:`kg.store`); rdflib's serializer is built
for pretty output, not volume. Literals keep their lexical form exactly (``str(literal)``),
as the store's own term conversion does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node

_TYPE = RDF.type
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def term(node: Node) -> str:
    """The N-Triples form of an rdflib term."""
    if type(node) is URIRef or isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def write(out: TextIO, triples: Iterable[tuple[Node, Node, Node]], graph: str,
          blank: list[tuple[Node, Node, Node]] | None = None) -> int:
    """Write ``triples`` into the named graph ``graph`` (an IRI); return how many.

    A bulk loader gives blank nodes new labels, which would cut them off from the same
    nodes loaded another way (the ontology's class expressions): with ``blank``, triples
    with a blank node go to that list instead of ``out``.
    """
    name = f" <{graph}> .\n"
    lines: list[str] = []
    written = 0
    known: dict[Node, str] = {}  # predicates and classes recur: format each once
    for t in triples:
        s, p, o = t
        if blank is not None and (isinstance(s, BNode) or isinstance(o, BNode)):
            blank.append(t)
            continue
        ps = known.get(p)
        if ps is None:
            ps = known[p] = term(p)
        os_ = known.get(o) if p is _TYPE else None
        if os_ is None:
            os_ = f"<{o}>" if type(o) is URIRef else term(o)
            if p is _TYPE:
                known[o] = os_
        lines.append(f"{f'<{s}>' if type(s) is URIRef else term(s)} {ps} {os_}{name}")
        if len(lines) >= 100_000:
            out.write("".join(lines))
            written += len(lines)
            lines.clear()
    out.write("".join(lines))
    return written + len(lines)
