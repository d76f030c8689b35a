"""The dataset as sorted N-Triples lines, graph by graph: what every graph dump is written from.

A statement is kept as its N-Triples line without the final `` .`` (``s p o``), as the store
writes it (``Store.dump``, in Rust): strings sort, hash and join much faster than
pyoxigraph's term objects, and N-Triples and N-Quads are then the lines joined. Turtle, TriG
and JSON-LD (kg.export.turtle, kg.export.jsonld) read the terms back from the lines with
:func:`split` and :func:`literal`.

The order is fixed so that dumps are deterministic: named nodes, then blank nodes, then
literals, each by their N-Triples form; graph by graph, then subject, predicate and object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.store.explanations import WithExplanations

DEFAULT_GRAPH = ""  # the default graph's name in :class:`Graph`
_RANK = {"<": "0", "_": "1", '"': "2"}  # named nodes, blank nodes, literals


@dataclass
class Graph:
    """One graph: its name in N-Triples form (``""`` for the default graph) and its sorted
    statements as ``s p o`` lines."""

    name: str
    lines: list[str]


def sort(lines: Iterable[str]) -> list[str]:
    """``s p o`` lines in the dumps' order. Subjects and predicates hold no space, so the
    line splits in three; subjects already sort by kind ('<' before '_'), objects are given
    the rank of theirs."""
    def key(line: str) -> tuple[str, str, str, str]:
        s, p, o = line.split(" ", 2)
        return s, p, _RANK[o[0]], o

    return sorted(lines, key=key)


def lines(triples: Iterable[ox.Triple]) -> list[str]:
    """Sorted lines of pyoxigraph triples."""
    return sort(str(t) for t in triples)


def read(store: ox.Store | WithExplanations, extra: dict[str, list[ox.Triple]]) -> list[Graph]:
    """Every graph of ``store``, with the explanations kept beside it and the ``extra``
    triples (by graph IRI), sorted."""
    inner = store.store if isinstance(store, WithExplanations) else store
    found: dict[str, list[str]] = {}

    def add(name: str, text: bytes) -> None:
        if text:
            found.setdefault(name, []).extend(line[:-2] for line in text.decode().splitlines())

    for graph in [ox.DefaultGraph(), *inner.named_graphs()]:
        add(_name(graph), inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph))
    if isinstance(store, WithExplanations):  # the explanations beside the store
        add(str(store.explanations.graph),
            ox.serialize(store.explanations.all(), format=ox.RdfFormat.N_TRIPLES))
    for iri, triples in extra.items():
        found.setdefault(f"<{iri}>", []).extend(str(t) for t in triples)
    return [Graph(name, sort(found[name])) for name in sorted(found, key=_graph_key)]


def merged(graphs: list[Graph]) -> list[str]:
    """The statements of all graphs, each once, sorted."""
    return sort({line for graph in graphs for line in graph.lines})


def split(line: str) -> tuple[str, str, str]:
    """``s p o`` -> (subject, predicate, object) in N-Triples form."""
    s, p, o = line.split(" ", 2)
    return s, p, o


def literal(term: str) -> tuple[str, str]:
    """A literal's N-Triples form -> (its quoted, escaped lexical form; what follows it:
    ``""``, ``"@lang"`` or ``"^^<datatype>"``)."""
    end = term.rindex('"') + 1
    return term[:end], term[end:]


def unquote(quoted: str) -> str:
    """The value of a quoted N-Triples string. Its escapes (``\\"`` ``\\\\`` ``\\n`` ``\\r``
    ``\\t`` ``\\b`` ``\\f`` ``\\uXXXX``, all that pyoxigraph writes) are JSON's too."""
    return json.loads(quoted) if "\\" in quoted else quoted[1:-1]


def _name(graph: object) -> str:
    return DEFAULT_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph)


def _graph_key(name: str) -> tuple[int, str]:
    # Named graphs, then those named by blank nodes, then the default graph.
    return (0 if name.startswith("<") else 1 if name else 2), name
