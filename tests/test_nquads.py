"""The build's N-Quads writer: what the store's bulk loader reads back is what was written."""

from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef

from kg.mapping import nquads
from kg.store.builds import _term

TRICKY = [
    Literal('He said "no" \\ then\nleft\r'),
    Literal("Жуков, 朱德, tab\there", lang="ru"),
    Literal("1949-05-17", datatype=XSD.date),
    Literal(42, datatype=XSD.integer),  # (the store keeps integer subtypes as integer)
    Literal("plain"),
]


def test_literals_and_iris_round_trip_through_the_bulk_loader() -> None:
    s, p = URIRef("https://x.example/id/a"), URIRef("https://x.example/ontology#p")
    out = io.StringIO()
    count = nquads.write(out, [(s, p, o) for o in TRICKY], "https://x.example/graph/g")
    assert count == len(TRICKY)
    store = ox.Store()
    store.bulk_load(out.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
    graph = ox.NamedNode("https://x.example/graph/g")
    assert {q.object for q in store.quads_for_pattern(None, None, None, graph)} == \
        {_term(o) for o in TRICKY}


def test_triples_with_blank_nodes_are_set_aside() -> None:
    out, blank = io.StringIO(), []
    b = BNode("b1")
    triples = [(URIRef("https://x.example/a"), URIRef("https://x.example/p"), b),
               (URIRef("https://x.example/a"), URIRef("https://x.example/p"), Literal("x"))]
    assert nquads.write(out, triples, "https://x.example/g", blank) == 1
    assert blank == [triples[0]]
    assert "_:" not in out.getvalue()
