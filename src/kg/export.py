"""Exports of the built store: Turtle and N-Triples (all graphs merged), N-Quads and TriG
(with the named graphs), JSON-LD. Output is deterministic: statements are sorted, so
re-exporting an unchanged store gives byte-identical files and two builds diff cleanly."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import prefixes_for
from kg.store import open_store

EXPORT_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, False, "Turtle, all graphs merged"),
    "nt": (ox.RdfFormat.N_TRIPLES, False, "N-Triples, all graphs merged"),
    "nq": (ox.RdfFormat.N_QUADS, True, "N-Quads, with the named graphs"),
    "trig": (ox.RdfFormat.TRIG, True, "TriG, with the named graphs"),
    "jsonld": (ox.RdfFormat.JSON_LD, True, "JSON-LD, with the named graphs"),
}


def _key(term: object) -> tuple[int, str]:
    # Named nodes, then blank nodes, then literals; each by their N-Triples form.
    rank = 0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.BlankNode) else 2
    return rank, str(term)


def export(store_path: str | Path, fmt: str, *, base: str) -> bytes:
    """Serialize the store as ``fmt`` (see :data:`EXPORT_FORMATS`)."""
    if fmt not in EXPORT_FORMATS:
        raise KGError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    rdf_format, with_graphs, _ = EXPORT_FORMATS[fmt]
    with open_store(store_path) as store:
        if with_graphs:
            statements = sorted(
                store.quads_for_pattern(None, None, None, None),
                key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate),
                               _key(q.object)),
            )
        else:
            unique = {ox.Triple(q.subject, q.predicate, q.object)
                      for q in store.quads_for_pattern(None, None, None, None)}
            statements = sorted(
                unique, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object))
            )
    prefixes = prefixes_for(base) if fmt in {"ttl", "trig", "jsonld"} else None
    return ox.serialize(statements, format=rdf_format, prefixes=prefixes)
