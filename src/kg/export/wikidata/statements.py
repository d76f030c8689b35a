"""The statements to export: the Wikibase values, statements and references, and the
selection (:func:`collect`) of the facts Wikidata can hold, the others skipped with a reason.

A fact is written when its subject has a verified QID, its predicate a Wikidata property
(exactMatch or closeMatch in the alignment) and its object is an item with a QID or a value the
property's datatype can hold. Facts making the same claim become one statement with a
reference each.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.export.wikidata.alignment import Alignment, PropertyMapping
from kg.export.wikidata.candidates import Candidate, select_candidates
from kg.export.wikidata.facts import Fact, read_facts, read_qids, read_types
from kg.export.wikidata.vocabulary import XSD, id_order, short_name, term_text

PRECISION = {XSD + "date": 11, XSD + "gYearMonth": 10, XSD + "gYear": 9}
NUMBER_TYPES = {XSD + "integer", XSD + "decimal", XSD + "int", XSD + "long",
                XSD + "nonNegativeInteger"}
#: Qualifier rule: an event that is part of another (kg:partOfEvent, P361) takes its place in
#: that series from the same document as P1545 series ordinal (the second deviation of the
#: Chinese Revolution: P361 with P1545 "2").
SERIES_ORDINAL = "P1545"
#: "sourcing circumstances: circa", for a date the document gives as about (kg:About).
SOURCING_CIRCUMSTANCES, CIRCA = "P1480", "Q5727902"
QUOTE_LANGUAGE = "en"


@dataclass(frozen=True)
class Value:
    """A Wikibase value: an item, a time (with precision), a quantity or a string."""

    kind: str  # item | somevalue | time | quantity | string | url | monolingual
    text: str  # Q42 | +1948-12-30T00:00:00Z | +600000 | the string
    precision: int = 0
    language: str = ""

    def quickstatements(self) -> str:
        """The value as a QuickStatements V1 column: ``Q42``, ``somevalue``,
        ``+1949-05-00T00:00:00Z/10``, ``600000``, ``"text"`` or ``en:"text"``."""
        if self.kind in {"item", "somevalue"}:
            return self.text
        if self.kind == "time":
            return f"{self.text}/{self.precision}"
        if self.kind == "quantity":
            return self.text.removeprefix("+")
        text = '"' + v1_text(self.text) + '"'
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
        """A stable IRI of the proposed statement, derived from its first fact: a UUID URN,
        not an IRI under Wikidata's statement namespace (these are not Wikidata's statements)
        nor under the project's domain (a Wikibase mints its own)."""
        return node_iri(self.references[0].fact, "statement")


def node_iri(fact: str, part: str) -> str:
    """``urn:uuid:...``, the same for the same fact and part in every build."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{fact}#{part}')}"


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


def collect(store: ox.Store, base: str, alignment: Alignment) -> WikidataExport:
    """Select the facts Wikidata can hold and the entities it would need first."""
    qids = read_qids(store, base)
    facts = read_facts(store, base)
    types = read_types(store, base)
    ordinals = {(f.subject.value, f.record): f for f in facts
                if f.predicate == f"{base}/ontology#ordinal" and isinstance(f.object, ox.Literal)}
    circa = {(f.subject.value, f.record): f for f in facts
             if f.predicate == f"{base}/ontology#dateQualifier"
             and term_text(f.object) == f"{base}/ontology#About"}
    groups: dict[tuple[object, ...], Statement] = {}
    skipped: list[Skipped] = []
    missing_by_fact: dict[str, set[str]] = {}
    for fact in facts:
        reason, missing, statement = _convert(fact, alignment, qids, ordinals, circa, types)
        if statement is None:
            skipped.append(Skipped(fact.iri, term_text(fact.subject), fact.predicate,
                                   term_text(fact.object), reason))
            if missing:
                missing_by_fact[fact.iri] = missing
            continue
        key = (statement.subject, statement.pid, statement.value, statement.qualifiers)
        if key in groups:  # the same claim from another fact: one statement, two references
            groups[key].references.extend(statement.references)
        else:
            groups[key] = statement
    statements = sorted(groups.values(), key=lambda s: (id_order(s.subject), id_order(s.pid),
                                                        s.value.text, s.iri))
    for statement in statements:
        statement.references.sort(key=lambda r: r.fact)
    candidates = select_candidates(store, base, alignment, qids, facts, missing_by_fact)
    # A fact written as a qualifier (an ordinal) is exported, not skipped.
    used = {f for st in statements for ref in st.references for f in ref.qualifier_facts}
    skipped = sorted((s for s in skipped if s.fact not in used), key=lambda s: s.fact)
    return WikidataExport(statements, candidates, skipped, alignment)


def _convert(fact: Fact, alignment: Alignment, qids: dict[str, str],
             ordinals: dict[tuple[str, str], Fact],
             circa: dict[tuple[str, str], Fact] | None = None,
             types: dict[str, set[str]] | None = None
             ) -> tuple[str, set[str], Statement | None]:
    mapping = alignment.usable(fact.predicate)
    if mapping is None:
        related = alignment.properties.get(fact.predicate)
        why = (f"only related to {related.pid} ({related.label})" if related
               else "has no Wikidata property")
        return f"predicate {short_name(fact.predicate)} {why}", set(), None
    for side, term, cls in (("subject", fact.subject, mapping.subject_class),
                            ("object", fact.object, mapping.object_class)):
        if cls and cls not in (types or {}).get(term_text(term), set()):
            return (f"{mapping.pid} ({mapping.label}) is written only when the {side} is a "
                    f"{short_name(cls)}"), set(), None
    value, problem = _value(fact.object, mapping, qids)
    if problem:
        return problem, set(), None
    missing = {e for e in (term_text(fact.subject),) if e not in qids}
    if value is None:
        missing.add(term_text(fact.object))
    if missing:
        sides = [side for side, term in (("subject", fact.subject), ("object", fact.object))
                 if term_text(term) in missing]
        return f"{' and '.join(sides)} without a Wikidata item", missing, None
    assert value is not None
    qualifiers: list[tuple[str, Value]] = []
    reference_quotes = list(fact.quotes)
    qualifier_facts: list[str] = []
    ordinal = ordinals.get((term_text(fact.subject), fact.record))
    if ordinal is not None and fact.predicate.endswith("/ontology#partOfEvent"):
        qualifiers.append((SERIES_ORDINAL, Value("string", term_text(ordinal.object))))
        reference_quotes += [q for q in ordinal.quotes if q not in reference_quotes]
        qualifier_facts.append(ordinal.iri)
    about = (circa or {}).get((term_text(fact.subject), fact.record))
    if about is not None and value.kind == "time":  # a date given as "about": circa
        qualifiers.append((SOURCING_CIRCUMSTANCES, Value("item", CIRCA)))
        reference_quotes += [q for q in about.quotes if q not in reference_quotes]
        qualifier_facts.append(about.iri)
    reference = Reference(fact.iri, fact.record, qids.get(fact.record), fact.title,
                          tuple(reference_quotes), tuple(qualifier_facts))
    statement = Statement(qids[term_text(fact.subject)], mapping.pid, value,
                          tuple(qualifiers), [reference])
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
            return None, f"{mapping.pid} needs a date, got {short_name(datatype)}"
        return _time(term.value, PRECISION[datatype]), ""
    if kind == "Quantity":
        if datatype not in NUMBER_TYPES:
            return None, f"{mapping.pid} needs a number, got {short_name(datatype)}"
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


#: Character sequences QuickStatements V1 reads as syntax wherever they stand, and what a value
#: holds instead (V1 has no escape character): "|" separates columns like a tab in a pasted or
#: imported batch, and a trailing "/* ... */" is taken for the edit summary.
V1_REPLACEMENTS = (("|", "\u00a6"), ("/*", "/ *"), ("*/", "* /"))


def v1_text(text: str) -> str:
    """A string as a V1 value can carry it: whitespace runs (tabs and line breaks, which end a
    column or a command) become one space, and the sequences of :data:`V1_REPLACEMENTS` their
    look-alikes. Double quotes stay: V1 takes a string from its first to its last quote."""
    text = " ".join(text.split())
    for syntax, replacement in V1_REPLACEMENTS:
        text = text.replace(syntax, replacement)
    return text
