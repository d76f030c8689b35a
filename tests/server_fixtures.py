"""A small pyoxigraph store for the SPARQL endpoint tests, and helpers around it.

Three named graphs: people (with labels, one of them a ``<script>`` literal), aliases,
and 2,000 numbered triples that make a cross product of three patterns run for hours.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox

EX = "http://example.org/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")

PEOPLE = EX + "graph/people"
ALIASES = EX + "graph/aliases"
NUMBERS = EX + "graph/numbers"
GRAPHS = (PEOPLE, ALIASES, NUMBERS)
NUMBER_COUNT = 2000
SCRIPT = "<script>alert('x')</script>"

#: Three independent patterns over the whole store: some 10^10 solutions to count.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def quads() -> list[ox.Quad]:
    people, aliases, numbers = (ox.NamedNode(g) for g in GRAPHS)
    person = ex("Person")
    data = [
        ox.Quad(ex("mao"), RDF_TYPE, person, people),
        ox.Quad(ex("mao"), RDFS_LABEL, ox.Literal("Mao Zedong", language="en"), people),
        ox.Quad(ex("stalin"), RDF_TYPE, person, people),
        ox.Quad(ex("stalin"), RDFS_LABEL, ox.Literal("Joseph Stalin", language="en"), people),
        ox.Quad(ex("zhou"), RDF_TYPE, person, people),
        ox.Quad(ex("zhou"), RDFS_LABEL, ox.Literal("Zhou Enlai", language="en"), people),
        ox.Quad(ex("hostile"), RDFS_LABEL, ox.Literal(SCRIPT), people),
        ox.Quad(ex("stalin"), ALT_LABEL, ox.Literal("Filippov"), aliases),
        ox.Quad(ex("mao"), ALT_LABEL, ox.Literal("Mao Tse-tung"), aliases),
    ]
    data += [
        ox.Quad(ex(f"n{i}"), ex("value"), ox.Literal(i), numbers) for i in range(NUMBER_COUNT)
    ]
    return data


def build_store(path: Path) -> Path:
    """Write the sample store at ``path`` and close it; return ``path``."""
    store = ox.Store(str(path))
    store.extend(quads())
    store.flush()
    del store
    gc.collect()  # the store is closed when the object goes: before anyone opens it read-only
    return path
