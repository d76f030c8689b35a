"""The header a historian expects above a document's text: what kind of document it is, its
date, who wrote it to whom and via whom (with the names as written), where the archive keeps
it (each citation in full), where it was reprinted, and who translated it. Read from the
record and the communication it reproduces."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS = "http://purl.org/dc/terms/"
#: The most specific communication classes first: the first one a communication has names it.
KINDS = ("CipheredTelegram", "Telegram", "Cable", "Letter", "Communication")


@dataclass
class Party:
    """A sender, recipient or intermediary: the entity, and the name the document uses."""

    iri: str
    label: str
    as_written: str | None = None


@dataclass
class RecordHeader:
    iri: str
    title: str
    kind: str = ""
    date: str = ""
    summary: str = ""
    communication: str | None = None
    senders: list[Party] = field(default_factory=list)
    recipients: list[Party] = field(default_factory=list)
    intermediaries: list[Party] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)  # ("incoming", "54755")
    citations: list[str] = field(default_factory=list)
    reprint: str = ""
    translators: list[Party] = field(default_factory=list)
    record_id: str = ""


def _rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(row) for row in store.query(query, use_default_graph_as_union=True)]


def _one(store: ox.Store, s: str, p: str) -> str:
    values = sorted(q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(s), ox.NamedNode(p), None, None))
    return values[0] if values else ""


def _parties(store: ox.Store, s: str, p: str, name_p: str | None) -> list[Party]:
    name = _one(store, s, name_p) if name_p else ""
    out = []
    for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None):
        if not isinstance(q.object, ox.NamedNode):
            continue
        labels = [lab.object for lab in store.quads_for_pattern(
            q.object, ox.NamedNode(RDFS_LABEL), None, None)]
        best = sorted(lab.value for lab in labels
                      if getattr(lab, "language", None) in (None, "en")) or \
            [q.object.value.rsplit("/", 1)[-1]]
        out.append(Party(q.object.value, best[0], name if name and name != best[0] else None))
    unique = {party.iri: party for party in out}
    return sorted(unique.values(), key=lambda party: party.label)


def record_header(store: ox.Store, record: str, base: str) -> RecordHeader:
    """The header of the record ``record`` (an archival record's IRI)."""
    kg = f"{base}/ontology#"
    header = RecordHeader(record, _one(store, record, kg + "title")
                          or _one(store, record, RDFS_LABEL) or record.rsplit("/", 1)[-1])
    header.date = _one(store, record, kg + "date")
    header.summary = _one(store, record, kg + "summary")
    header.record_id = _one(store, record, kg + "recordId")
    header.kind = _one(store, record, kg + "documentType")
    header.translators = _parties(store, record, kg + "translator", None)
    communication = _one(store, record, kg + "reproduces")
    if communication:
        header.communication = communication
        types = {q.object.value for q in store.quads_for_pattern(
            ox.NamedNode(communication), ox.NamedNode(
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None, None)}
        if not header.kind:
            kind = next((k for k in KINDS if kg + k in types), "")
            header.kind = _one(store, kg + kind, RDFS_LABEL) if kind else ""
        header.date = header.date or _one(store, communication, kg + "date")
        header.senders = _parties(store, communication, kg + "sender", kg + "senderName")
        header.recipients = _parties(store, communication, kg + "recipient",
                                     kg + "recipientName")
        header.intermediaries = _parties(store, communication, kg + "intermediary", None)
        header.numbers = [(label, n) for label, prop in (("incoming", "incomingNumber"),
                                                         ("outgoing", "outgoingNumber"))
                          if (n := _one(store, communication, kg + prop))]
    for (text,) in _rows(store, f"""
            SELECT ?text WHERE {{ <{record}> <{kg}citation> ?c .
              OPTIONAL {{ ?c <{kg}citationText> ?t }}
              OPTIONAL {{ ?c <{DCTERMS}bibliographicCitation> ?b }}
              BIND(COALESCE(?t, ?b, STR(?c)) AS ?text) }} ORDER BY STR(?c)"""):
        if text.value not in header.citations:
            header.citations.append(text.value)
    reprint = _one(store, record, kg + "reprintedIn")
    if reprint:
        header.reprint = _one(store, reprint, DCTERMS + "bibliographicCitation") or \
            _one(store, reprint, kg + "bookTitle")
    return header
