"""The alignment of the ontology with Wikidata (``ontology/wikidata.ttl``): which property or
class each term maps to and how closely (and for which subjects or objects only), which terms
have none, the classes and archives of the documents' items, the values Wikidata already holds,
and the alignment as published (with a NoTermFound record for every term the file does not
mention)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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
    datatype: str  # WikibaseItem | Time | Quantity | String | Monolingualtext | Url
    label: str
    subject_class: str = ""  # written only when the subject is of this class
    object_class: str = ""  # written only when the object is of this class


@dataclass(frozen=True)
class DocumentKind:
    """How a kind of archival record is typed on Wikidata ("instance of")."""

    qid: str
    document_type: str = ""  # the archive's own type ("Memorandum")
    record_of: str = ""  # the class of what the record gives an account of (kg:Meeting)
    communication_class: str = ""  # the class of the communication it reproduces


@dataclass
class Alignment:
    """Ontology terms and their Wikidata properties and classes, read from the data file."""

    triples: list[ox.Triple]
    properties: dict[str, PropertyMapping]
    classes: dict[str, tuple[str, str]]  # kg class -> (QID, match)
    unmapped: dict[str, str]  # term -> note
    labels: dict[str, str]  # Wikidata entity IRI -> English label
    document_kinds: list[DocumentKind] = field(default_factory=list)
    archives: dict[str, str] = field(default_factory=dict)  # "APRF" -> QID ("" unverified)
    held: dict[tuple[str, str], int] = field(default_factory=dict)  # (QID, PID) -> precision

    def verified(self, qid: str) -> bool:
        """Whether an item ID is one this file verified (it carries its English label)."""
        return WD + qid in self.labels

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
    kga = f"{base}/wikidata-alignment#"
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
        axiom = next((p for p in by_subject.values()
                      if p.get(OWL + "annotatedSource") == [term]
                      and p.get(OWL + "annotatedTarget") == [target]), {})
        properties[term] = PropertyMapping(
            term, wid, match, kinds[0].removeprefix(WIKIBASE) if kinds else "",
            labels.get(target, wid), (axiom.get(kga + "onlyWhenSubjectIs") or [""])[0],
            (axiom.get(kga + "onlyWhenObjectIs") or [""])[0])
    unmapped = {
        p[OWL + "annotatedSource"][0]: (p.get(SKOS + "note") or [""])[0]
        for p in by_subject.values()
        if p.get(OWL + "annotatedTarget") == [NO_TERM] and p.get(OWL + "annotatedSource")
    }
    kinds_of = {kga + "DocumentKind", kga + "Archive", kga + "HeldValue"}
    by_type: dict[str, list[dict[str, list[str]]]] = defaultdict(list)
    for _, p in sorted(by_subject.items(), key=lambda item: item[0]):
        for kind in set(p.get(RDF + "type", [])) & kinds_of:
            by_type[kind].append(p)

    def one(p: dict[str, list[str]], name: str) -> str:
        return (p.get(name) or [""])[0]

    document_kinds = [DocumentKind(one(p, kga + "instanceOf").removeprefix(WD),
                                   one(p, kga + "documentType"), one(p, kga + "recordOf"),
                                   one(p, kga + "communicationClass"))
                      for p in by_type[kga + "DocumentKind"]]
    archives = {one(p, SKOS + "notation"): one(p, kga + "item").removeprefix(WD)
                for p in by_type[kga + "Archive"]}
    held = {(one(p, kga + "item").removeprefix(WD), one(p, kga + "property").removeprefix(WD)):
            int(one(p, WIKIBASE + "timePrecision") or 0) for p in by_type[kga + "HeldValue"]}
    for qid in [k.qid for k in document_kinds] + [q for q in archives.values() if q]:
        if WD + qid not in labels:
            raise OntologyError(f"{qid} is used for the documents' items but has no rdfs:label; "
                                "declare it with its English label and evidence", file=str(path))
    # Documents are typed by the archive's type first, then as records of meetings, then by
    # the communication's class, the general class (kg:Communication) last.
    document_kinds.sort(key=lambda k: (not k.document_type, not k.record_of,
                                       k.communication_class.endswith("#Communication")))
    return Alignment(triples, properties, classes, unmapped, labels, document_kinds, archives,
                     held)


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
