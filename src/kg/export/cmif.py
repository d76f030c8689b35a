"""The graph's correspondence as CMIF, the TEI Correspondence Metadata Interchange Format that
correspSearch harvests: one ``correspDesc`` per communication, with who sent it and who
received it (a person's Wikidata item as ``ref`` where the registry holds a verified one),
and its date as precise as stated
(``when="1949-05"`` for a month; ``notBefore`` / ``notAfter`` for a date given as after or
before; a date given as "about" is exported as it is written, as CMIF has no "circa").

Only what the graph states is written: a communication with no stated sender has a ``sent``
action holding only its date (or none at all if it is undated too), one with no stated
recipient has no ``received`` action, and one with neither parties nor a date is left out, as
CMIF requires a ``correspDesc`` to describe at least one action and an action to hold at least
a name or a date. A date that is not a real calendar date of the XML Schema forms CMIF takes
(year, year-month, full date) is not written. An intermediary (a relaying envoy) is not a CMIF
action, and no place of sending is written, as the graph does not state one.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.export.dataset import LICENSE
from kg.store.query import execute

TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
#: The ``xml:id`` of the one source every correspondence description cites: this dataset.
SOURCE_ID = "coldwar-kg"
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass
class Party:
    label: str
    kind: str  # "persName" or "orgName"
    wikidata: str | None = None


@dataclass
class Letter:
    iri: str
    title: str | None = None
    date: str | None = None
    qualifier: str | None = None  # the local name of a kg:DateQualifier
    senders: dict[str, Party] = field(default_factory=dict)
    recipients: dict[str, Party] = field(default_factory=dict)


def render(store: ox.Store, base: str, meta: dict[str, Any]) -> bytes:
    """The CMIF file of every communication in ``store``."""
    ET.register_namespace("", TEI)
    root = ET.Element(_t("TEI"))
    header = ET.SubElement(root, _t("teiHeader"))
    header.append(_file_desc(base, meta))
    profile = ET.SubElement(header, _t("profileDesc"))
    for letter in sorted(letters(store, base).values(), key=lambda x: (x.date or "", x.iri)):
        desc = _corresp_desc(letter)
        if len(desc):  # nothing stated about it: CMIF has no empty correspondence description
            profile.append(desc)
    ET.SubElement(ET.SubElement(ET.SubElement(root, _t("text")), _t("body")), _t("p"))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") \
        + b"\n"


def letters(store: ox.Store, base: str) -> dict[str, Letter]:
    """Every communication with its parties, date and the date's qualifier."""
    found: dict[str, Letter] = {}
    for row in execute(store, """
            SELECT ?c ?title ?date ?qualifier WHERE {
              ?c a kg:Communication .
              OPTIONAL { ?c rdfs:label ?title }
              OPTIONAL { ?c kg:date ?date }
              OPTIONAL { ?c kg:dateQualifier ?qualifier } }""", base):
        letter = found.setdefault(row["c"].value, Letter(row["c"].value))
        letter.title = letter.title or _value(row, "title")
        letter.date = letter.date or _value(row, "date")
        if row["qualifier"] is not None:
            letter.qualifier = row["qualifier"].value.rsplit("#", 1)[-1]
    for role in ("sender", "recipient"):
        for row in execute(store, f"""
                SELECT ?c ?p ?label ?qid ?org WHERE {{
                  ?c a kg:Communication ; kg:{role} ?p .
                  ?p rdfs:label ?label .
                  OPTIONAL {{ ?p kg:wikidata ?qid }}
                  BIND(EXISTS {{ ?p a kg:Organization }} AS ?org) }}""", base):
            letter = found[row["c"].value]
            parties = letter.senders if role == "sender" else letter.recipients
            parties.setdefault(row["p"].value, Party(
                row["label"].value, "orgName" if row["org"].value == "true" else "persName",
                _value(row, "qid")))
    return found


def _file_desc(base: str, meta: dict[str, Any]) -> ET.Element:
    file_desc = ET.Element(_t("fileDesc"))
    title_stmt = ET.SubElement(file_desc, _t("titleStmt"))
    ET.SubElement(title_stmt, _t("title")).text = (
        "Correspondence in the Cold War documents knowledge graph")
    editor = ET.SubElement(title_stmt, _t("editor"))
    editor.text = "Curators of the Cold War documents knowledge graph"
    publication = ET.SubElement(file_desc, _t("publicationStmt"))
    publisher = ET.SubElement(publication, _t("publisher"))
    ET.SubElement(publisher, _t("ref"), target=base).text = base
    ET.SubElement(publication, _t("idno"), type="url").text = f"{base}/dumps/cmif.xml"
    # The build's date (the same file for the same build); today's for a store kg did not build.
    built = str(meta.get("built") or "")[:10]
    when = built if is_w3c_date(built) else datetime.date.today().isoformat()
    ET.SubElement(publication, _t("date"), when=when)
    availability = ET.SubElement(publication, _t("availability"))
    ET.SubElement(availability, _t("licence"), target=LICENSE).text = "CC-BY 4.0"
    source = ET.SubElement(file_desc, _t("sourceDesc"))
    bibl = ET.SubElement(source, _t("bibl"), type="online", attrib={f"{{{XML}}}id": SOURCE_ID})
    bibl.text = ("Cold War documents knowledge graph: translated documents of the Wilson "
                 "Center Digital Archive, with the evidence for every fact. ")
    ET.SubElement(bibl, _t("ref"), target=base).text = base
    return file_desc


def _corresp_desc(letter: Letter) -> ET.Element:
    desc = ET.Element(_t("correspDesc"), ref=letter.iri, source=f"#{SOURCE_ID}")
    dated = is_w3c_date(letter.date or "")
    for kind, parties in (("sent", letter.senders), ("received", letter.recipients)):
        # The date is the sending's: a sent action may hold it alone, when no sender is stated.
        if not parties and not (kind == "sent" and dated):
            continue
        action = ET.SubElement(desc, _t("correspAction"), type=kind)
        for party in sorted(parties.values(), key=lambda p: p.label):
            attrs = {"ref": WIKIDATA_ENTITY + party.wikidata} if party.wikidata else {}
            ET.SubElement(action, _t(party.kind), attrs).text = party.label
        if kind == "sent" and dated:
            ET.SubElement(action, _t("date"), _date_attributes(letter))
    return desc


def is_w3c_date(value: str) -> bool:
    """Whether ``value`` is a real year, year-month or date in the form CMIF's dates take."""
    if not _ISO_DATE.match(value):
        return False
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:  # month 13, 30 February, year 0000
        return False
    return True


def _date_attributes(letter: Letter) -> dict[str, str]:
    """``when``, or ``notAfter`` for a date given as "before" and ``notBefore`` for "after"."""
    date = letter.date or ""
    if letter.qualifier == "Before":
        return {"notAfter": date}
    if letter.qualifier == "After":
        return {"notBefore": date}
    return {"when": date}


def _value(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return None if term is None else term.value


def _t(name: str) -> str:
    return f"{{{TEI}}}{name}"
