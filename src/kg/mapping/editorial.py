"""What the archive's editors state about a page, as facts with evidence: its archival
citations, the edition that reprints it and its translator, read from the page's own
citation lines. :mod:`kg.mapping.metadata` writes these statements; here each becomes a
``kg:Fact`` claimed by the editors (``digital-archive-editors``), never by the author, with
the passage it was read from.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from kg.ingest.document import Document, find_all_quotes
from kg.mapping.metadata import EDITORS, split_names
from kg.mapping.provenance import Evidence, FactWriter
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


def state_page_facts(doc: Document, writer: FactWriter) -> None:
    """Restate the record's citations, reprint and translator (already in the graph) as
    facts of the editors, each with the citation passage it was read from."""
    if writer.editors is None:
        return
    kg = writer.iris.kg
    record = writer.record
    graph = writer.graph
    wanted = {kg.citation, kg.reprintedIn, kg.translator}
    stated = sorted((t for t in graph if t[0] == record and t[1] in wanted), key=str)
    texts: dict[Node, str] = {s: str(o) for s, p, o in graph if p == kg.citationText}
    for _, prop, obj in stated:
        if prop == kg.citation:
            text = texts.get(obj)
        elif prop == kg.reprintedIn:
            text = doc.reprint.text if doc.reprint else None
        else:
            text = doc.translator_text or doc.translator
        evidence = _last(writer, text)
        if evidence:
            writer.state(record, prop, obj, evidence, claimed_by=writer.editors,
                         reported=False)


def _last(writer: FactWriter, text: str | None) -> list[Evidence]:
    """The last occurrence of ``text`` in the page (citations close the page, after any
    mention of the same words in the body)."""
    if not text:
        return []
    hits = find_all_quotes(writer.source, text)
    return [writer.span(*hits[-1])] if hits else []
