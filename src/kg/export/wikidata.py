"""The graph's curated facts as Wikidata would hold them.

Three outputs, all from the same selection:

- Wikibase RDF (``wikibase.ttl``): for each fact whose subject has a verified QID, whose
  predicate has a Wikidata property (``ontology/wikidata.ttl``, exactMatch or closeMatch) and
  whose object is an item with a QID or a value the property's datatype can hold, a statement
  node ``wd:Qs p:Pn <statement>`` with ``ps:``/``psv:`` values, ``pq:`` qualifiers and a
  ``prov:wasDerivedFrom`` reference naming the archival record, its title and the quotation.
- QuickStatements V1 (``quickstatements.txt``): the same statements, one line per reference.
- Creation candidates (``candidates.csv``): every entity without a QID that a fact or the
  registry names, with label, description, aliases and the class to suggest, and the facts
  not exported with the reason (``wikidata-skipped.csv``): nothing is dropped silently.

Statement and reference IRIs are derived from the fact IRI, so they are stable across builds.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OntologyError
from kg.store.query import execute

ALIGNMENT_FILE = "wikidata.ttl"

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
#: Proleptic Gregorian calendar (QuickStatements' default calendar model) and the unit "1".
GREGORIAN = WD + "Q1985727"
UNIT_ONE = WD + "Q199"
MATCHES = {SKOS + "exactMatch": "exact", SKOS + "closeMatch": "close",
           SKOS + "relatedMatch": "related"}
#: Kinds of node (the IRI segment after /id/) that would be items of their own on Wikidata.
ITEM_KINDS = ("person", "organization", "place", "operation", "meeting", "deviation",
              "event", "communication", "document")
PRECISION = {XSD + "date": 11, XSD + "gYearMonth": 10, XSD + "gYear": 9}
NUMBER_TYPES = {XSD + "integer", XSD + "decimal", XSD + "int", XSD + "long",
                XSD + "nonNegativeInteger"}
#: Qualifier rule: an event that is part of another (kg:partOfEvent, P361) takes its place in
#: that series from the same document as P1545 series ordinal (the second deviation of the
#: Chinese Revolution: P361 with P1545 "2").
SERIES_ORDINAL = "P1545"
QUOTE_LANGUAGE = "en"


# --------------------------------------------------------------------------------------------
# The alignment (ontology/wikidata.ttl)
# --------------------------------------------------------------------------------------------

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
        by_subject[_text(t.subject)][_text(t.predicate)].append(_text(t.object))
    labels = {s: p[RDFS + "label"][0] for s, p in by_subject.items()
              if s.startswith(WD) and p.get(RDFS + "label")}
    properties: dict[str, PropertyMapping] = {}
    classes: dict[str, tuple[str, str]] = {}
    for t in triples:
        match = MATCHES.get(_text(t.predicate))
        target = _text(t.object)
        if not match or not target.startswith(WD):
            continue
        term, wid = _text(t.subject), target.removeprefix(WD)
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


# --------------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """A Wikibase value: an item, a time (with precision), a quantity or a string."""

    kind: str  # item | time | quantity | string | monolingual
    text: str  # Q42 | +1948-12-30T00:00:00Z | +600000 | the string
    precision: int = 0
    language: str = ""

    def quickstatements(self) -> str:
        if self.kind == "item":
            return self.text
        if self.kind == "time":
            return f"{self.text}/{self.precision}"
        if self.kind == "quantity":
            return self.text.removeprefix("+")
        text = '"' + _one_line(self.text) + '"'
        return f"{self.language}:{text}" if self.kind == "monolingual" else text


@dataclass(frozen=True)
class Reference:
    """Where a statement comes from: the fact, its archival record and the quoted passages
    (with those of the facts its qualifiers come from)."""

    fact: str
    record: str
    record_qid: str | None
    title: str | None
    quotes: tuple[str, ...]
    qualifier_facts: tuple[str, ...] = ()


@dataclass
class Statement:
    subject: str  # QID
    pid: str
    value: Value
    qualifiers: tuple[tuple[str, Value], ...]
    references: list[Reference] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return self.references[0].fact.replace("/id/fact/", "/id/statement/", 1)


@dataclass
class Candidate:
    """An entity to create on Wikidata before the facts about it can be exported."""

    iri: str
    kind: str
    cls: str
    label: str
    description: str
    aliases: tuple[str, ...]
    instance_of: str  # suggested class QID, or ""
    facts: int = 0
    unblocks: int = 0


@dataclass(frozen=True)
class Skipped:
    fact: str
    subject: str
    predicate: str
    object: str
    reason: str


@dataclass
class WikidataExport:
    statements: list[Statement]
    candidates: list[Candidate]
    skipped: list[Skipped]
    alignment: Alignment


@dataclass
class _Fact:
    iri: str
    subject: ox.NamedNode | ox.BlankNode
    predicate: str
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    record: str
    title: str | None
    quotes: tuple[str, ...]


def collect(store: ox.Store, base: str, alignment: Alignment) -> WikidataExport:
    """Select the facts Wikidata can hold and the entities it would need first."""
    qids = _qids(store, base)
    facts = _facts(store, base)
    ordinals = {(f.subject.value, f.record): f for f in facts
                if f.predicate == f"{base}/ontology#ordinal" and isinstance(f.object, ox.Literal)}
    groups: dict[tuple[object, ...], Statement] = {}
    skipped: list[Skipped] = []
    missing_by_fact: dict[str, set[str]] = {}
    for fact in facts:
        reason, missing, statement = _convert(fact, alignment, qids, ordinals)
        if statement is None:
            skipped.append(Skipped(fact.iri, _text(fact.subject), fact.predicate,
                                   _text(fact.object), reason))
            if missing:
                missing_by_fact[fact.iri] = missing
            continue
        key = (statement.subject, statement.pid, statement.value, statement.qualifiers)
        if key in groups:  # the same claim from another fact: one statement, two references
            groups[key].references.extend(statement.references)
        else:
            groups[key] = statement
    statements = sorted(groups.values(), key=lambda s: (_qnum(s.subject), _qnum(s.pid),
                                                        s.value.text, s.iri))
    for statement in statements:
        statement.references.sort(key=lambda r: r.fact)
    candidates = _candidates(store, base, alignment, qids, facts, missing_by_fact)
    # A fact written as a qualifier (an ordinal) is exported, not skipped.
    used = {f for st in statements for ref in st.references for f in ref.qualifier_facts}
    skipped = sorted((s for s in skipped if s.fact not in used), key=lambda s: s.fact)
    return WikidataExport(statements, candidates, skipped, alignment)


def _convert(fact: _Fact, alignment: Alignment, qids: dict[str, str],
             ordinals: dict[tuple[str, str], _Fact]
             ) -> tuple[str, set[str], Statement | None]:
    mapping = alignment.usable(fact.predicate)
    if mapping is None:
        related = alignment.properties.get(fact.predicate)
        why = (f"only related to {related.pid} ({related.label})" if related
               else "has no Wikidata property")
        return f"predicate {_short(fact.predicate)} {why}", set(), None
    value, problem = _value(fact.object, mapping, qids)
    if problem:
        return problem, set(), None
    missing = {e for e in (_text(fact.subject),) if e not in qids}
    if value is None:
        missing.add(_text(fact.object))
    if missing:
        sides = [side for side, term in (("subject", fact.subject), ("object", fact.object))
                 if _text(term) in missing]
        return f"{' and '.join(sides)} without a Wikidata item", missing, None
    assert value is not None
    qualifiers: list[tuple[str, Value]] = []
    reference_quotes = list(fact.quotes)
    qualifier_facts: list[str] = []
    ordinal = ordinals.get((_text(fact.subject), fact.record))
    if ordinal is not None and fact.predicate.endswith("/ontology#partOfEvent"):
        qualifiers.append((SERIES_ORDINAL, Value("string", _text(ordinal.object))))
        reference_quotes += [q for q in ordinal.quotes if q not in reference_quotes]
        qualifier_facts.append(ordinal.iri)
    reference = Reference(fact.iri, fact.record, qids.get(fact.record), fact.title,
                          tuple(reference_quotes), tuple(qualifier_facts))
    statement = Statement(qids[_text(fact.subject)], mapping.pid, value, tuple(qualifiers),
                          [reference])
    return "", set(), statement


def _value(term: object, mapping: PropertyMapping, qids: dict[str, str]
           ) -> tuple[Value | None, str]:
    """The Wikibase value of a fact's object; (None, "") when it is an item without a QID."""
    kind = mapping.datatype
    if kind == "WikibaseItem":
        if not isinstance(term, ox.NamedNode):
            return None, f"{mapping.pid} needs an item, the object is a literal"
        qid = qids.get(term.value)
        return (Value("item", qid) if qid else None), ""
    if not isinstance(term, ox.Literal):
        return None, f"{mapping.pid} needs a {kind.lower()} value, the object is a resource"
    datatype = term.datatype.value
    if kind == "Time":
        if datatype not in PRECISION:
            return None, f"{mapping.pid} needs a date, got {_short(datatype)}"
        return _time(term.value, PRECISION[datatype]), ""
    if kind == "Quantity":
        if datatype not in NUMBER_TYPES:
            return None, f"{mapping.pid} needs a number, got {_short(datatype)}"
        return Value("quantity", _amount(term.value)), ""
    if kind == "String":
        return Value("string", term.value), ""
    if kind == "Monolingualtext":
        return Value("monolingual", term.value, language=term.language or QUOTE_LANGUAGE), ""
    return None, f"{mapping.pid} has datatype {kind}, which the export does not write"


def _time(text: str, precision: int) -> Value:
    parts = (text.split("-") + ["00", "00"])[:3]
    year, month, day = parts[0], parts[1] if precision >= 10 else "00", \
        parts[2] if precision >= 11 else "00"
    return Value("time", f"+{year}-{month}-{day}T00:00:00Z", precision)


def _amount(text: str) -> str:
    text = text.strip()
    return text if text.startswith(("+", "-")) else "+" + text


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

def wikibase_triples(export: WikidataExport, base: str, header: Iterable[ox.Triple] = ()
                     ) -> list[ox.Triple]:
    """The statements in the Wikibase RDF shape, sorted (no wdt: truthy triples: these are
    proposals for review, not Wikidata's own statements)."""
    p = PREFIXES
    out: list[ox.Triple] = list(header)

    def add(s: ox.NamedNode, pred: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(pred), o))

    for st in export.statements:
        node = ox.NamedNode(st.iri)
        add(ox.NamedNode(WD + st.subject), p["p"] + st.pid, node)
        add(node, RDF + "type", ox.NamedNode(WIKIBASE + "Statement"))
        add(node, WIKIBASE + "rank", ox.NamedNode(WIKIBASE + "NormalRank"))
        add(node, p["ps"] + st.pid, _simple(st.value))
        if st.value.kind in {"time", "quantity"}:
            value_node = ox.NamedNode(st.iri + "/value")
            add(node, p["psv"] + st.pid, value_node)
            out.extend(_full_value(value_node, st.value))
        for pid, qualifier in st.qualifiers:
            add(node, p["pq"] + pid, _simple(qualifier))
            if qualifier.kind in {"time", "quantity"}:
                value_node = ox.NamedNode(f"{st.iri}/qualifier/{pid}")
                add(node, p["pqv"] + pid, value_node)
                out.extend(_full_value(value_node, qualifier))
        for ref in st.references:
            ref_node = ox.NamedNode(ref.fact.replace("/id/fact/", "/id/reference/", 1))
            add(node, PROV + "wasDerivedFrom", ref_node)
            add(ref_node, RDF + "type", ox.NamedNode(WIKIBASE + "Reference"))
            for fact in (ref.fact, *ref.qualifier_facts):
                add(ref_node, DCTERMS + "source", ox.NamedNode(fact))
            add(ref_node, p["pr"] + "P248",
                ox.NamedNode(WD + ref.record_qid if ref.record_qid else ref.record))
            if ref.title and not ref.record_qid:
                add(ref_node, p["pr"] + "P1476", ox.Literal(ref.title, language="en"))
            for quote in ref.quotes:
                add(ref_node, p["pr"] + "P1683", ox.Literal(quote, language=QUOTE_LANGUAGE))
    for pid in sorted({st.pid for st in export.statements}
                      | {q for st in export.statements for q, _ in st.qualifiers}
                      | {"P248", "P1476", "P1683"}, key=_qnum):
        label = export.alignment.labels.get(WD + pid)
        if label:
            add(ox.NamedNode(WD + pid), RDFS + "label", ox.Literal(label, language="en"))
    return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _simple(value: Value) -> ox.NamedNode | ox.Literal:
    if value.kind == "item":
        return ox.NamedNode(WD + value.text)
    if value.kind == "time":
        return ox.Literal(_xsd_time(value), datatype=ox.NamedNode(XSD + "dateTime"))
    if value.kind == "quantity":
        return ox.Literal(value.text, datatype=ox.NamedNode(XSD + "decimal"))
    if value.kind == "monolingual":
        return ox.Literal(value.text, language=value.language)
    return ox.Literal(value.text)


def _xsd_time(value: Value) -> str:
    # Wikibase RDF writes unknown month and day as 01 so that the value is a valid dateTime.
    return value.text.removeprefix("+").replace("-00", "-01")


def _full_value(node: ox.NamedNode, value: Value) -> list[ox.Triple]:
    def t(pred: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(node, ox.NamedNode(WIKIBASE + pred), o)

    integer = ox.NamedNode(XSD + "integer")
    if value.kind == "time":
        return [ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(WIKIBASE + "TimeValue")),
                t("timeValue", _simple(value)),
                t("timePrecision", ox.Literal(str(value.precision), datatype=integer)),
                t("timeTimezone", ox.Literal("0", datatype=integer)),
                t("timeCalendarModel", ox.NamedNode(GREGORIAN))]
    return [ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(WIKIBASE + "QuantityValue")),
            t("quantityAmount", _simple(value)),
            t("quantityUnit", ox.NamedNode(UNIT_ONE))]


def quickstatements(export: WikidataExport) -> str:
    """QuickStatements V1: one tab-separated line per statement and reference."""
    lines = []
    for st in export.statements:
        head = [st.subject, st.pid, st.value.quickstatements()]
        for pid, qualifier in st.qualifiers:
            head += [pid, qualifier.quickstatements()]
        for ref in st.references:
            source = (["S248", ref.record_qid] if ref.record_qid
                      else ["S1476", Value("monolingual", ref.title or ref.record,
                                           language="en").quickstatements()])
            for quote in ref.quotes:
                source += ["S1683", Value("monolingual", quote,
                                          language=QUOTE_LANGUAGE).quickstatements()]
            lines.append("\t".join(head + source))
    return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class QuickStatement:
    """One parsed QuickStatements V1 line."""

    subject: str
    property: str
    value: str
    qualifiers: tuple[tuple[str, str], ...]
    references: tuple[tuple[str, str], ...]


def parse_quickstatement(line: str) -> QuickStatement:
    """Split a V1 line into its statement, qualifiers (P..) and reference snaks (S..)."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) < 3 or len(fields) % 2 == 0:
        raise ValueError(f"not a V1 statement line: {line!r}")
    pairs = list(zip(fields[3::2], fields[4::2], strict=True))
    return QuickStatement(fields[0], fields[1], fields[2],
                          tuple(p for p in pairs if p[0].startswith("P")),
                          tuple(p for p in pairs if p[0].startswith("S")))


def unquote(value: str) -> str:
    """The text of a V1 string or monolingual value: ``en:"text"`` -> ``text``."""
    match = re.fullmatch(r'(?:[a-z-]+:)?"(.*)"', value)
    if not match:
        raise ValueError(f"not a quoted value: {value!r}")
    return match.group(1)


CANDIDATE_COLUMNS = ("iri", "kind", "class", "label_en", "description_en", "aliases_en",
                     "instance_of", "instance_of_label", "facts", "statements_if_created")


def candidates_csv(export: WikidataExport) -> str:
    """The entities to create, one row each; aliases are separated by " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANDIDATE_COLUMNS)
    for c in export.candidates:
        writer.writerow([c.iri, c.kind, c.cls, c.label, c.description, " | ".join(c.aliases),
                         c.instance_of, export.alignment.labels.get(WD + c.instance_of, "")
                         if c.instance_of else "", c.facts, c.unblocks])
    return out.getvalue()


def skipped_csv(export: WikidataExport) -> str:
    """Every fact not written as a Wikidata statement, with the reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("fact", "subject", "predicate", "object", "reason"))
    for s in export.skipped:
        writer.writerow((s.fact, s.subject, s.predicate, s.object, s.reason))
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Reading the store
# --------------------------------------------------------------------------------------------

def _rows(store: ox.Store, query: str, base: str) -> ox.QuerySolutions:
    result = execute(store, query, base)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _qids(store: ox.Store, base: str) -> dict[str, str]:
    rows = _rows(store, "SELECT DISTINCT ?e ?q WHERE { ?e kg:wikidata ?q }", base)
    return {str(r["e"].value): str(r["q"].value) for r in rows}


def _facts(store: ox.Store, base: str) -> list[_Fact]:
    quotes: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in _rows(store, """
            SELECT DISTINCT ?f ?exact ?start WHERE {
              ?f a kg:Fact ; kg:evidence ?a . ?a oa:hasTarget ?t .
              ?t oa:hasSelector ?q . ?q oa:exact ?exact .
              OPTIONAL { ?t oa:hasSelector ?pos . ?pos oa:start ?start } }""", base):
        start = int(r["start"].value) if r["start"] is not None else -1
        quotes[str(r["f"].value)].append((start, str(r["exact"].value)))
    facts = []
    for r in _rows(store, """
            SELECT DISTINCT ?f ?s ?p ?o ?record ?title WHERE {
              ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                 kg:statedIn ?record .
              OPTIONAL { ?record kg:title ?title } } ORDER BY ?f""", base):
        iri = str(r["f"].value)
        facts.append(_Fact(iri, r["s"], str(r["p"].value), r["o"], str(r["record"].value),
                           str(r["title"].value) if r["title"] is not None else None,
                           tuple(dict.fromkeys(q for _, q in sorted(quotes[iri])))))
    return facts


def _candidates(store: ox.Store, base: str, alignment: Alignment, qids: dict[str, str],
                facts: list[_Fact], missing_by_fact: dict[str, set[str]]) -> list[Candidate]:
    ident = f"{base}/id/"
    kinds = {kind: i for i, kind in enumerate(ITEM_KINDS)}

    def kind_of(iri: str) -> str | None:
        kind = iri.removeprefix(ident).split("/", 1)[0] if iri.startswith(ident) else None
        return kind if kind in kinds else None

    wanted: dict[str, int] = defaultdict(int)
    for fact in facts:
        for term in (fact.subject, fact.object):
            iri = _text(term)
            if isinstance(term, ox.NamedNode) and iri not in qids and kind_of(iri):
                wanted[iri] += 1
    for r in _rows(store, f"""SELECT DISTINCT ?e WHERE {{ GRAPH <{base}/graph/registry> {{
            ?e a ?c FILTER NOT EXISTS {{ ?e kg:wikidata ?q }} }} }}""", base):
        wanted.setdefault(str(r["e"].value), 0)
    for fact in facts:
        if fact.record not in qids:  # the record a reference would cite (P248)
            wanted[fact.record] += 1
    unblocks: dict[str, int] = defaultdict(int)
    for missing in missing_by_fact.values():
        if len(missing) == 1:
            unblocks[next(iter(missing))] += 1

    info = _entity_info(store, base)
    superclasses = _superclasses(store, base)
    out = []
    for iri, count in wanted.items():
        kind = kind_of(iri)
        if kind is None:
            continue
        labels, descriptions, aliases, classes = info.get(iri, ({}, {}, (), ()))
        cls = classes[0] if classes else ""
        out.append(Candidate(
            iri=iri, kind=kind, cls=_short(cls) if cls else "",
            label=labels or iri.rsplit("/", 1)[-1],
            description=descriptions, aliases=aliases,
            instance_of=_suggest(cls, alignment, superclasses),
            facts=count, unblocks=unblocks.get(iri, 0)))
    out.sort(key=lambda c: (kinds[c.kind], c.label.casefold(), c.iri))
    return out


def _entity_info(store: ox.Store, base: str
                 ) -> dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """Label, description, aliases and asserted kg: classes of every entity under /id/."""
    labels: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    classes: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, f"""
            SELECT ?e ?p ?o WHERE {{ GRAPH ?g {{ ?e ?p ?o }}
              FILTER(?g != <{base}/graph/inferred> && STRSTARTS(STR(?e), "{base}/id/"))
              VALUES ?p {{ rdfs:label kg:description kg:title kg:spelling kg:codename
                           skos:altLabel rdf:type }} }} ORDER BY ?e ?p ?o""", base):
        e, p, o = str(r["e"].value), str(r["p"].value), r["o"]
        name = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name == "type":
            if str(o.value).startswith(f"{base}/ontology#"):
                classes[e].append(str(o.value))
        elif name in {"label", "title"}:
            labels.setdefault(e, str(o.value))
        elif name == "description":
            descriptions.setdefault(e, str(o.value))
        elif str(o.value) not in aliases[e]:
            aliases[e].append(str(o.value))
    keys = set(labels) | set(descriptions) | set(aliases) | set(classes)
    return {e: (labels.get(e, ""), descriptions.get(e, ""),
                tuple(a for a in aliases[e] if a != labels.get(e)), tuple(classes[e]))
            for e in keys}


def _superclasses(store: ox.Store, base: str) -> dict[str, list[str]]:
    rows = store.query(f"""SELECT ?c ?s WHERE {{ GRAPH <{base}/graph/ontology> {{
        ?c <{RDFS}subClassOf> ?s FILTER(isIRI(?s)) }} }} ORDER BY ?c ?s""")
    assert isinstance(rows, ox.QuerySolutions)
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[str(r["c"].value)].append(str(r["s"].value))
    return out


def _suggest(cls: str, alignment: Alignment, superclasses: dict[str, list[str]]) -> str:
    """The QID of the nearest aligned class at or above ``cls`` (breadth first)."""
    seen, frontier = set(), [cls]
    while frontier:
        for c in frontier:
            if c in alignment.classes and alignment.classes[c][1] in {"exact", "close"}:
                return alignment.classes[c][0]
        seen.update(frontier)
        frontier = [s for c in frontier for s in superclasses.get(c, []) if s not in seen]
    return ""


def _text(term: object) -> str:
    return str(getattr(term, "value", term))


def _short(iri: str) -> str:
    for prefix, ns in (("xsd", XSD), ("rdf", RDF), ("oa", "http://www.w3.org/ns/oa#")):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return "kg:" + iri.rsplit("#", 1)[-1] if "/ontology#" in iri else iri


def _qnum(ident: str) -> tuple[str, int]:
    return ident[:1], int(ident[1:]) if ident[1:].isdigit() else 0


def _one_line(text: str) -> str:
    # A V1 line holds no tab or line break: whitespace runs become one space.
    return " ".join(text.split())
