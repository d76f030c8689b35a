"""N-Quads text for rdflib triples, written fast enough for millions of them.

The build writes document graphs, the inferred graph and the explanations as N-Quads
files that the store's bulk loader reads (:mod:`kg.store.builds`); rdflib's serializer is built
for pretty output, not volume. Literals keep their lexical form exactly (``str(literal)``),
as the store's own term conversion does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

#: Lines held before they are written out (and formatted IRIs forgotten).
BATCH = 100_000


def term(node: Node) -> str:
    """The N-Triples form of an rdflib term."""
    kind = type(node)
    if kind is URIRef:
        return f"<{node}>"
    if kind is Literal:
        return literal(node)
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return literal(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def literal(node: Literal) -> str:
    """The N-Triples form of a literal."""
    text = f'"{escape(str(node))}"'
    language = node.language
    if language:
        return f"{text}@{language}"
    datatype = node.datatype
    if datatype is not None:
        return f"{text}^^<{datatype}>"
    return text


def escape(text: str) -> str:
    """``text`` with the N-Triples string escapes. Most literals need none: four searches
    cost less than one ``str.translate``, which looks every character up in a dict."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


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
    # Nodes recur (an annotation's node is the subject of four triples and the object of
    # one; predicates and classes in every other triple): each is formatted once per batch.
    # Literals rarely recur, and rdflib hashes them in Python: they are formatted each time.
    known: dict[Node, str] = {}
    get, append = known.get, lines.append  # (looked up once, for millions of lines)
    for t in triples:
        s, p, o = t
        if blank is not None and (isinstance(s, BNode) or isinstance(o, BNode)):
            blank.append(t)
            continue
        ss = get(s)
        if ss is None:
            ss = known[s] = term(s)
        ps = get(p)
        if ps is None:
            ps = known[p] = term(p)
        if type(o) is Literal:
            os_ = literal(o)
        else:
            os_ = get(o)
            if os_ is None:
                os_ = known[o] = term(o)
        append(f"{ss} {ps} {os_}{name}")
        if len(lines) >= BATCH:
            out.write("".join(lines))
            written += len(lines)
            lines.clear()
            known.clear()  # (a large graph's nodes would fill memory)
    out.write("".join(lines))
    return written + len(lines)
