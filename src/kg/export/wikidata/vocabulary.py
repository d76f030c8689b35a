"""The vocabularies the Wikidata export reads and writes: namespaces, the Wikibase RDF
prefixes, and how IRIs are shown in a reason and Wikidata ids sorted."""

WD = "http://www.wikidata.org/entity/"
WIKIBASE = "http://wikiba.se/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
NO_TERM = "https://w3id.org/sssom/NoTermFound"

#: Wikibase RDF prefixes (Wikibase/Indexing/RDF Dump Format on mediawiki.org).
PREFIXES = {
    "wd": WD,
    "wikibase": WIKIBASE,
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "psv": "http://www.wikidata.org/prop/statement/value/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "pqv": "http://www.wikidata.org/prop/qualifier/value/",
    "pr": "http://www.wikidata.org/prop/reference/",
    "sssom": "https://w3id.org/sssom/",
    "void": "http://rdfs.org/ns/void#",
}


def term_text(term: object) -> str:
    """The IRI or lexical form of a pyoxigraph term (a string is its own text)."""
    return str(getattr(term, "value", term))


def short_name(iri: str) -> str:
    """``xsd:date``, ``kg:partOfEvent``: an IRI as a reason shows it."""
    for prefix, ns in (("xsd", XSD), ("rdf", RDF), ("oa", "http://www.w3.org/ns/oa#")):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return "kg:" + iri.rsplit("#", 1)[-1] if "/ontology#" in iri else iri


def id_order(ident: str) -> tuple[str, int]:
    """The sort key of a Wikidata id: P17 before P131, Q5 before Q42."""
    return ident[:1], int(ident[1:]) if ident[1:].isdigit() else 0
