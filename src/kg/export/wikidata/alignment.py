"""The alignment of the ontology with Wikidata (``ontology/wikidata.ttl``): which property or
class each term maps to and how closely, which terms have none, and the alignment as published
(with a NoTermFound record for every term the file does not mention)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OntologyError
from kg.export.wikidata.vocabulary import NO_TERM, OWL, RDF, RDFS, SKOS, WD, WIKIBASE, term_text

ALIGNMENT_FILE = "wikidata.ttl"
MATCHES = {SKOS + "exactMatch": "exact", SKOS + "closeMatch": "close",
           SKOS + "relatedMatch": "related"}


@dataclass(frozen=True)
class PropertyMapping:
    term: str
    pid: str
    match: str  # exact | close | related
    datatype: str  # WikibaseItem | Time | Quantity | String | Monolingualtext
    label: str


@dataclass
class Alignment:
    """Ontology terms and their Wikidata properties and classes, read from the data file."""

    triples: list[ox.Triple]
    properties: dict[str, PropertyMapping]
    classes: dict[str, tuple[str, str]]  # kg class -> (QID, match)
    unmapped: dict[str, str]  # term -> note
    labels: dict[str, str]  # Wikidata entity IRI -> English label

    def usable(self, term: str) -> PropertyMapping | None:
        """The property to write statements with, when the match is exact or close."""
        found = self.properties.get(term)
        return found if found and found.match in {"exact", "close"} else None


def load_alignment(ontology_dir: str | Path, base: str) -> Alignment:
    """Read ``<ontology_dir>/wikidata.ttl`` against ``base`` (like kg.ttl)."""
    path = Path(ontology_dir) / ALIGNMENT_FILE
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                                     base_iri=base + "/")]
    except FileNotFoundError:
        raise OntologyError("file not found", file=str(path)) from None
    except SyntaxError as exc:
        raise OntologyError(f"Turtle syntax: {' '.join(str(exc).split())}",
                            file=str(path)) from None
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[term_text(t.subject)][term_text(t.predicate)].append(term_text(t.object))
    labels = {s: p[RDFS + "label"][0] for s, p in by_subject.items()
              if s.startswith(WD) and p.get(RDFS + "label")}
    properties: dict[str, PropertyMapping] = {}
    classes: dict[str, tuple[str, str]] = {}
    for t in triples:
        match = MATCHES.get(term_text(t.predicate))
        target = term_text(t.object)
        if not match or not target.startswith(WD):
            continue
        term, wid = term_text(t.subject), target.removeprefix(WD)
        if wid.startswith("Q"):
            classes[term] = (wid, match)
            continue
        kinds = by_subject[target].get(WIKIBASE + "propertyType", [])
        if not kinds and match != "related":
            raise OntologyError(f"{wid} is mapped by {match}Match but has no "
                                "wikibase:propertyType; add its datatype", file=str(path))
        properties[term] = PropertyMapping(term, wid, match,
                                           kinds[0].removeprefix(WIKIBASE) if kinds else "",
                                           labels.get(target, wid))
    unmapped = {
        p[OWL + "annotatedSource"][0]: (p.get(SKOS + "note") or [""])[0]
        for p in by_subject.values()
        if p.get(OWL + "annotatedTarget") == [NO_TERM] and p.get(OWL + "annotatedSource")
    }
    return Alignment(triples, properties, classes, unmapped, labels)


def published_alignment(store: ox.Store, base: str, alignment: Alignment) -> list[ox.Triple]:
    """The alignment as published: the data file plus a NoTermFound record for every ontology
    class and property that has no record, so that the unmapped terms are listed as data."""
    kg = f"{base}/ontology#"
    recorded = set(alignment.unmapped) | set(alignment.properties) | set(alignment.classes)
    rows = store.query(f"""
        SELECT DISTINCT ?t WHERE {{ GRAPH <{base}/graph/ontology> {{
          VALUES ?type {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty> }}
          ?t a ?type FILTER(STRSTARTS(STR(?t), "{kg}")) }} }}""")
    assert isinstance(rows, ox.QuerySolutions)
    out = list(alignment.triples)
    for row in rows:
        term = str(row["t"].value)
        if term in recorded:
            continue
        axiom = ox.NamedNode(f"{base}/wikidata-alignment#{term.removeprefix(kg)}")
        out += [
            ox.Triple(axiom, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Axiom")),
            ox.Triple(axiom, ox.NamedNode(OWL + "annotatedSource"), ox.NamedNode(term)),
            ox.Triple(axiom, ox.NamedNode(OWL + "annotatedProperty"),
                      ox.NamedNode(SKOS + "exactMatch")),
            ox.Triple(axiom, ox.NamedNode(OWL + "annotatedTarget"), ox.NamedNode(NO_TERM)),
            ox.Triple(axiom, ox.NamedNode(SKOS + "note"),
                      ox.Literal("No Wikidata equivalent recorded.", language="en")),
        ]
    return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
