"""Who states what about a page besides its author: the archive's editors
(``digital-archive-editors``), who claim what the page's title, date line and citation
lines say, and the page's translators, whose brackets are their own words.
:mod:`kg.mapping.metadata` writes the editors' statements as their facts.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.ingest.document import Document
from kg.mapping.metadata import EDITORS, split_names
from kg.mapping.registry import Registry


def editorial_claimants(doc: Document, registry: Registry) -> tuple[URIRef | None,
                                                                     frozenset[URIRef]]:
    """The archive's editors, and every claimant who makes the page or the graph rather
    than its text (editors, the document's registry translators, the curators)."""
    editors = registry.entities.get(EDITORS)
    found: set[URIRef] = set()
    if editors is not None:
        found.add(editors.iri)
    for name in split_names(doc.translator):
        ent = registry.resolve(name)
        if ent is not None:
            found.add(ent.iri)
    return (editors.iri if editors else None), frozenset(found)
