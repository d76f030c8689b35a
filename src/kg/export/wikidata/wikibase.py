"""The statements in the Wikibase RDF shape (Wikibase/Indexing/RDF Dump Format on
mediawiki.org): ``wd:Qs p:Pn <statement>`` with ``ps:``/``psv:`` values, ``pq:`` qualifiers and
a ``prov:wasDerivedFrom`` reference naming the archival record, its title and the quotation."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.export.wikidata.statements import QUOTE_LANGUAGE, Value, WikidataExport, node_iri
from kg.export.wikidata.vocabulary import (
    DCTERMS,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    WD,
    WIKIBASE,
    XSD,
    id_order,
)

#: Proleptic Gregorian calendar (QuickStatements' default calendar model) and the unit "1".
GREGORIAN = WD + "Q1985727"
UNIT_ONE = WD + "Q199"


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
            value_node = ox.NamedNode(node_iri(st.references[0].fact, "value"))
            add(node, p["psv"] + st.pid, value_node)
            out.extend(_full_value(value_node, st.value))
        for pid, qualifier in st.qualifiers:
            add(node, p["pq"] + pid, _simple(qualifier))
            if qualifier.kind in {"time", "quantity"}:
                value_node = ox.NamedNode(node_iri(st.references[0].fact,
                                                   f"qualifier/{pid}"))
                add(node, p["pqv"] + pid, value_node)
                out.extend(_full_value(value_node, qualifier))
        for ref in st.references:
            ref_node = ox.NamedNode(node_iri(ref.fact, "reference"))
            add(node, PROV + "wasDerivedFrom", ref_node)
            add(ref_node, RDF + "type", ox.NamedNode(WIKIBASE + "Reference"))
            for fact in (ref.fact, *ref.qualifier_facts):
                add(ref_node, DCTERMS + "source", ox.NamedNode(fact))
            # "stated in" takes an item: without the record's QID the reference names the
            # record by its title, and our record IRI only as dcterms:source.
            if ref.record_qid:
                add(ref_node, p["pr"] + "P248", ox.NamedNode(WD + ref.record_qid))
            else:
                add(ref_node, DCTERMS + "source", ox.NamedNode(ref.record))
                if ref.title:
                    add(ref_node, p["pr"] + "P1476", ox.Literal(ref.title, language="en"))
            for quote in ref.quotes:
                add(ref_node, p["pr"] + "P1683", ox.Literal(quote, language=QUOTE_LANGUAGE))
    for pid in sorted({st.pid for st in export.statements}
                      | {q for st in export.statements for q, _ in st.qualifiers}
                      | {"P248", "P1476", "P1683"}, key=id_order):
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
