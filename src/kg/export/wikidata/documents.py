"""The archival documents as Wikidata items, in two steps QuickStatements supports.

Step 1 (``wikidata-documents.txt``): one ``CREATE`` block per archival record, with its label,
description, "instance of" (from the document kinds of ``ontology/wikidata.ttl``), title, author
(the person's item, else an author name string), addressee, inception with the date's
precision, language, archive and inventory number (only where the archive's item is verified),
translator, described at URL and main subjects. Unknown people stay names: an addressee or
translator without an item is ``somevalue`` with the name as "stated as" (P1932).

Step 2 (``wikidata-citing.txt``): the statements about existing items, each citing the
document's new item ("stated in", P248) with the quotation (P1683). The created QIDs come from
a CSV the user fills after step 1 (``wikidata-document-ids.csv``, columns ``document`` and
``qid``); a statement whose document has no QID yet, or whose value Wikidata already holds at
equal or better precision (``kga:HeldValue`` in the alignment file), is listed in
``wikidata-pending.csv`` with the reason, never written with a placeholder.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.export.wikidata.alignment import Alignment
from kg.export.wikidata.facts import read_qids, read_types, select
from kg.export.wikidata.statements import (
    PRECISION,
    QUOTE_LANGUAGE,
    Value,
    WikidataExport,
    _time,
)
from kg.export.wikidata.vocabulary import WD, id_order, term_text

#: The file, beside ``wikidata.ttl``, that maps each document to the item created for it.
DOCUMENT_IDS_FILE = "wikidata-document-ids.csv"
FOAF_PAGE = "http://xmlns.com/foaf/0.1/page"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
QID = re.compile(r"Q[1-9][0-9]*")


@dataclass
class DocumentItem:
    """An archival record as the item to create: its label, description and statements
    (property, value, qualifiers), in the order they are written."""

    iri: str
    label: str
    description: str
    instance_of: str
    statements: list[tuple[str, Value, tuple[tuple[str, Value], ...]]] = field(
        default_factory=list)


def read_document_ids(path: str | Path) -> dict[str, str]:
    """Document IRI -> QID from the CSV filled after step 1 (rows without a QID are skipped);
    an empty mapping when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return {}
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    if rows and not {"document", "qid"} <= set(rows[0]):
        raise KGError(f"{path}: the header needs the columns document and qid")
    out = {}
    for line, row in enumerate(rows, start=2):
        qid = (row.get("qid") or "").strip()
        if not qid:
            continue
        if not QID.fullmatch(qid):
            raise KGError(f"{path}, line {line}: {qid!r} is not a Wikidata item ID (Q123)")
        out[(row.get("document") or "").strip()] = qid
    return out


def document_items(store: ox.Store, base: str, alignment: Alignment,
                   document_ids: dict[str, str] | None = None) -> list[DocumentItem]:
    """The archival records to create, sorted by IRI; those with a QID already (registry or
    ``document_ids``) are left out."""
    kg = f"{base}/ontology#"
    qids = {**read_qids(store, base), **(document_ids or {})}
    types = read_types(store, base)
    records, values = _values(store, base)
    dates = _dates(store, base)
    labels = _labels(store, base)
    out = []
    for iri in records:
        if iri in qids:
            continue
        v = values[iri]
        title = _first(v.get(kg + "title")) or iri.rsplit("/", 1)[-1]
        about = (v.get(kg + "reproduces") or v.get(kg + "recordOf") or [""])[0]
        meeting = bool(v.get(kg + "recordOf"))
        kind = _kind(alignment, _first(v.get(kg + "documentType")),
                     types.get(about, set()), meeting)
        date = dates.get(iri)
        kind_label = alignment.labels.get(WD + kind, "document") if kind else "document"
        item = DocumentItem(iri, title, f"{kind_label} of {_date_text(date)}" if date
                            else kind_label, kind)
        add = item.statements.append
        if kind:
            add(("P31", Value("item", kind), ()))
        add(("P1476", Value("monolingual", title, language="en"), ()))
        c = values.get(about, {})
        names = c.get(kg + "senderName", [])
        for person in sorted(c.get(kg + "sender", [])):
            if person in qids:
                add(("P50", Value("item", qids[person]), _stated_as(names, labels, person)))
            elif labels.get(person) or names:
                add(("P2093", Value("string", labels.get(person) or names[0]), ()))
        for person in sorted(c.get(kg + "recipient", [])):
            add(_person("P1817", person, qids, labels, c.get(kg + "recipientName", [])))
        if date:
            add(("P571", date, ()))
        for language in sorted(v.get(kg + "language", [])):
            if language in qids:  # only a language the registry identified with its QID
                add(("P407", Value("item", qids[language]), ()))
        for archive, inventory in _citations(values, v.get(kg + "citation", []), kg):
            qid = alignment.archives.get(archive, "")
            if qid:
                add(("P485", Value("item", qid), (("P217", Value("string", inventory)),)))
        for person in sorted(v.get(kg + "translator", [])):
            add(_person("P655", person, qids, labels, []))
        for page in sorted(v.get(FOAF_PAGE, [])):
            add(("P973", Value("url", page), ()))
        for subject in sorted({qids[s] for s in c.get(kg + "concerns", []) if s in qids},
                              key=id_order):
            add(("P921", Value("item", subject), ()))
        out.append(item)
    return out


def documents_quickstatements(items: list[DocumentItem]) -> str:
    """Step 1: a ``CREATE`` block per document, then ``LAST`` lines for its terms and
    statements."""
    lines = []
    for item in items:
        lines += ["CREATE", f"LAST\tLen\t{Value('string', item.label).quickstatements()}",
                  f"LAST\tDen\t{Value('string', item.description).quickstatements()}"]
        for pid, value, qualifiers in item.statements:
            cols = ["LAST", pid, value.quickstatements()]
            for qpid, qvalue in qualifiers:
                cols += [qpid, qvalue.quickstatements()]
            lines.append("\t".join(cols))
    return "".join(line + "\n" for line in lines)


def document_ids_csv(items: list[DocumentItem], document_ids: dict[str, str]) -> str:
    """The mapping to fill after step 1: every document, in the order of the CREATE blocks,
    with the QID already known or an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("document", "qid", "label", "instance_of"))
    for iri, qid in sorted(document_ids.items()):
        writer.writerow((iri, qid, "", ""))
    for item in items:
        writer.writerow((item.iri, "", item.label, item.instance_of))
    return out.getvalue()


@dataclass(frozen=True)
class Pending:
    """A statement of step 2 not written yet, with the reason."""

    fact: str
    subject: str
    property: str
    value: str
    document: str
    reason: str


def citing_quickstatements(export: WikidataExport, document_ids: dict[str, str]
                           ) -> tuple[str, list[Pending]]:
    """Step 2: each statement about an existing item, once per reference, citing the
    document's item (S248) with the quotations (S1683). Statements whose document has no QID
    yet, or whose value Wikidata already holds at equal or better precision, are pending."""
    lines: list[str] = []
    pending: list[Pending] = []
    for st in export.statements:
        head = [st.subject, st.pid, st.value.quickstatements()]
        for pid, qualifier in st.qualifiers:
            head += [pid, qualifier.quickstatements()]
        held = export.alignment.held.get((st.subject, st.pid))
        for ref in st.references:
            document = ref.record_qid or document_ids.get(ref.record)
            reason = ""
            if held is not None and st.value.kind == "time" and st.value.precision <= held:
                reason = (f"Wikidata already holds {st.pid} of {st.subject} at precision "
                          f"{held} (ontology/wikidata.ttl); this value has precision "
                          f"{st.value.precision}")
            elif not document:
                reason = (f"the document has no Wikidata item yet: create it (step 1) and "
                          f"add its QID to {DOCUMENT_IDS_FILE}")
            if reason:
                pending.append(Pending(ref.fact, st.subject, st.pid, st.value.quickstatements(),
                                       ref.record, reason))
                continue
            source = ["S248", document or ""]
            for quote in ref.quotes:
                source += ["S1683", Value("monolingual", quote,
                                          language=QUOTE_LANGUAGE).quickstatements()]
            lines.append("\t".join(head + source))
    return "".join(line + "\n" for line in lines), pending


def pending_csv(pending: list[Pending]) -> str:
    """The statements of step 2 not written, with the reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("fact", "subject", "property", "value", "document", "reason"))
    for p in pending:
        writer.writerow((p.fact, p.subject, p.property, p.value, p.document, p.reason))
    return out.getvalue()


# --- reading the store ---------------------------------------------------------------------


def _values(store: ox.Store, base: str
            ) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """The archival records (sorted) and, for each of them and everything they point to
    (communication, meeting, citations): predicate -> values."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    # The nodes first, then their values, sorted here: one pattern sorted by the query's
    # ORDER BY (which compares terms slowly) took 0.8 s instead of 0.1.
    rows = select(store, f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        {{ SELECT DISTINCT ?s WHERE {{ ?d a kg:ArchivalRecord .
          {{ BIND(?d AS ?s) }} UNION {{ ?d kg:reproduces|kg:recordOf|kg:citation ?s }} }} }}
        ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{base}/ontology#") || ?p = <{FOAF_PAGE}>) }}""",
                  base)
    for r in rows:
        out[str(r["s"].value)][str(r["p"].value)].append(term_text(r["o"]))
    for by_predicate in out.values():
        for found in by_predicate.values():
            found.sort()
    records = sorted(str(r["d"].value) for r in select(
        store, "SELECT DISTINCT ?d WHERE { ?d a kg:ArchivalRecord }", base))
    return records, out


def _dates(store: ox.Store, base: str) -> dict[str, Value]:
    """Each record's date as a time value whose precision comes from the literal's datatype
    (xsd:date day, xsd:gYearMonth month, xsd:gYear year); other literals are not dates."""
    out: dict[str, Value] = {}
    for r in select(store, """SELECT ?d ?date WHERE { ?d a kg:ArchivalRecord ; kg:date ?date }
                              ORDER BY ?d ?date""", base):
        date = r["date"]
        if isinstance(date, ox.Literal) and date.datatype.value in PRECISION:
            out.setdefault(str(r["d"].value),
                           _time(date.value, PRECISION[date.datatype.value]))
    return out


def _labels(store: ox.Store, base: str) -> dict[str, str]:
    rows = select(store, """SELECT ?e ?l WHERE { ?e rdfs:label ?l
        FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) } ORDER BY ?e ?l""", base)
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(str(r["e"].value), str(r["l"].value))
    return out


def _first(values: list[str] | None) -> str:
    return sorted(values)[0] if values else ""


def _kind(alignment: Alignment, document_type: str, classes: set[str], meeting: bool) -> str:
    for kind in alignment.document_kinds:
        if kind.document_type and kind.document_type.casefold() == document_type.casefold():
            return kind.qid
        if kind.record_of and meeting and kind.record_of in classes:
            return kind.qid
        if kind.communication_class and not meeting and kind.communication_class in classes:
            return kind.qid
    return ""


def _date_text(value: Value) -> str:
    year, month, day = value.text.removeprefix("+").split("T")[0].split("-")
    parts = [str(int(day))] if value.precision >= 11 else []
    parts += [MONTHS[int(month) - 1]] if value.precision >= 10 else []
    return " ".join([*parts, year])


def _citations(values: dict[str, dict[str, list[str]]], nodes: list[str], kg: str
               ) -> list[tuple[str, str]]:
    """(archive, inventory number) of each parsed citation: the citation as printed without
    the archive's abbreviation ("APRF: F. 39, Op. 1, D. 31, Ll. 49-52" -> "F. 39, ...")."""
    out = []
    for node in sorted(nodes):
        c = values.get(node, {})
        archive, text = _first(c.get(kg + "archive")), _first(c.get(kg + "citationText"))
        if archive and text:
            out.append((archive, text.removeprefix(archive).lstrip(":, ").strip()))
    return out


def _stated_as(names: list[str], labels: dict[str, str], person: str
               ) -> tuple[tuple[str, Value], ...]:
    """The name as the document writes it ("Filippov"), when it is not the item's label."""
    return tuple(("P1932", Value("string", n)) for n in sorted(names)
                 if n != labels.get(person))


def _person(pid: str, person: str, qids: dict[str, str], labels: dict[str, str],
            names: list[str]) -> tuple[str, Value, tuple[tuple[str, Value], ...]]:
    """An item-valued person statement: the item where verified, else "somevalue" with the
    name as "stated as" (P1932), so that no unverified QID is ever written."""
    if person in qids:
        return pid, Value("item", qids[person]), _stated_as(names, labels, person)
    name = labels.get(person) or (names[0] if names else person.rsplit("/", 1)[-1])
    return pid, Value("somevalue", "somevalue"), (("P1932", Value("string", name)),)
