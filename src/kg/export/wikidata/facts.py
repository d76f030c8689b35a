"""Reading the store: the curated facts (kg:Fact) with their record and quotations, and the
QIDs of the entities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.store.query import execute


@dataclass
class Fact:
    """A curated fact (kg:Fact): its triple, the record stating it and the quoted passages."""

    iri: str
    subject: ox.NamedNode | ox.BlankNode
    predicate: str
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    record: str
    title: str | None
    quotes: tuple[str, ...]


def select(store: ox.Store, query: str, base: str) -> ox.QuerySolutions:
    """The rows of a SELECT query with the project's prefixes."""
    result = execute(store, query, base)
    assert isinstance(result, ox.QuerySolutions)
    return result


def read_qids(store: ox.Store, base: str) -> dict[str, str]:
    """Entity IRI -> its QID (kg:wikidata)."""
    rows = select(store, "SELECT DISTINCT ?e ?q WHERE { ?e kg:wikidata ?q }", base)
    return {str(r["e"].value): str(r["q"].value) for r in rows}


def read_facts(store: ox.Store, base: str) -> list[Fact]:
    """Every fact, sorted by IRI, with its quotations in the order of the text."""
    quotes: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in select(store, """
            SELECT DISTINCT ?f ?exact ?start WHERE {
              ?f a kg:Fact ; kg:evidence ?a . ?a oa:hasTarget ?t .
              ?t oa:hasSelector ?q . ?q oa:exact ?exact .
              OPTIONAL { ?t oa:hasSelector ?pos . ?pos oa:start ?start } }""", base):
        start = int(r["start"].value) if r["start"] is not None else -1
        quotes[str(r["f"].value)].append((start, str(r["exact"].value)))
    facts = []
    for r in select(store, """
            SELECT DISTINCT ?f ?s ?p ?o ?record ?title WHERE {
              ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                 kg:statedIn ?record .
              OPTIONAL { ?record kg:title ?title } } ORDER BY ?f""", base):
        iri = str(r["f"].value)
        facts.append(Fact(iri, r["s"], str(r["p"].value), r["o"], str(r["record"].value),
                          str(r["title"].value) if r["title"] is not None else None,
                          tuple(dict.fromkeys(q for _, q in sorted(quotes[iri])))))
    return facts


def read_types(store: ox.Store, base: str) -> dict[str, set[str]]:
    """Entity IRI -> its classes in the ontology's namespace (asserted and inferred)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in select(store, f"""SELECT DISTINCT ?e ?c WHERE {{ ?e a ?c
            FILTER(STRSTARTS(STR(?c), "{base}/ontology#")) }}""", base):
        out[str(r["e"].value)].add(str(r["c"].value))
    return out
