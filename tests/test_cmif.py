"""The correspondence as CMIF (TEI correspDesc, as correspSearch harvests it): the file keeps
the format's rules, and says who wrote to whom and when exactly as the graph does."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from conftest import Built
from kg.export import cmif
from kg.export.dumps import export

T = {"tei": cmif.TEI}
BASE = "https://example.org/kg"
KG = f"{BASE}/ontology#"
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def tags(element: ET.Element) -> list[str]:
    return [child.tag.rsplit("}", 1)[-1] for child in element]


def real_date(value: str) -> bool:
    """A year, year-month or date that exists on the calendar (as CMIF's XML Schema types)."""
    padded = {4: "-01-01", 7: "-01", 10: ""}.get(len(value))
    try:
        return padded is not None and ISO.match(value) is not None \
            and datetime.date.fromisoformat(value + padded).year > 0
    except ValueError:
        return False


def check_cmif(root: ET.Element) -> list[ET.Element]:
    """The CMIF rules a harvester relies on; the file's correspondence descriptions."""
    assert root.tag == f"{{{cmif.TEI}}}TEI"
    # The schema's order and cardinality: header then text; the file description's three
    # parts; one title then editors; the publication statement's four parts in this order.
    assert tags(root) == ["teiHeader", "text"]
    header = root.find("tei:teiHeader", T)
    assert tags(header) in (["fileDesc"], ["fileDesc", "profileDesc"])
    assert tags(header.find("tei:fileDesc", T)) == ["titleStmt", "publicationStmt", "sourceDesc"]
    title_stmt = tags(header.find("tei:fileDesc/tei:titleStmt", T))
    assert title_stmt[0] == "title" and set(title_stmt[1:]) == {"editor"}
    assert tags(header.find("tei:fileDesc/tei:publicationStmt", T)) == [
        "publisher", "idno", "date", "availability"]
    assert root.findall("tei:text/tei:body/tei:p", T)  # a body holds at least one paragraph
    assert header.find("tei:fileDesc/tei:titleStmt/tei:title", T).text
    assert header.find("tei:fileDesc/tei:titleStmt/tei:editor", T).text
    publication = header.find("tei:fileDesc/tei:publicationStmt", T)
    assert publication.find("tei:publisher/tei:ref", T).get("target").startswith("http")
    assert publication.find("tei:idno[@type='url']", T).text.endswith("/cmif.xml")
    assert real_date(publication.find("tei:date", T).get("when"))
    assert publication.find("tei:availability/tei:licence", T).get("target").startswith(
        "https://creativecommons.org/")
    bibl = header.find("tei:fileDesc/tei:sourceDesc/tei:bibl", T)
    source_id = bibl.get(f"{{{cmif.XML}}}id")
    assert bibl.get("type") == "online" and source_id
    descs = header.findall("tei:profileDesc/tei:correspDesc", T)
    for desc in descs:
        assert desc.get("source") == f"#{source_id}" and desc.get("ref").startswith("http")
        # No empty description: it holds at least one action, and nothing but actions here.
        assert tags(desc) and set(tags(desc)) == {"correspAction"}
        for action in desc.findall("tei:correspAction", T):
            assert action.get("type") in {"sent", "received"}
            # No empty action: at least a name or a date, and nothing else.
            assert tags(action) and set(tags(action)) <= {"persName", "orgName", "date"}
            names = action.findall("tei:persName", T) + action.findall("tei:orgName", T)
            assert all(n.text for n in names)
            for name in names:  # an authority ID, or none
                ref = name.get("ref")
                assert ref is None or re.fullmatch(r"http://www\.wikidata\.org/entity/Q\d+", ref)
            for date in action.findall("tei:date", T):
                # A date is an empty element: its value is only in its attributes.
                assert not (date.text or "").strip() and len(date) == 0
                attrs = {k: v for k, v in date.attrib.items()
                         if k in {"when", "notBefore", "notAfter"}}
                assert attrs and all(real_date(v) for v in attrs.values())
    return descs


def actions(desc: ET.Element) -> dict[str, object]:
    out: dict[str, object] = {}
    for action in desc.findall("tei:correspAction", T):
        people = [(n.text, n.get("ref", "").rsplit("/", 1)[-1]) for n in action
                  if n.tag in (f"{{{cmif.TEI}}}persName", f"{{{cmif.TEI}}}orgName")]
        out[action.get("type")] = people
        date = action.find("tei:date", T)
        if date is not None:
            out["date"] = dict(date.attrib)
    return out


def test_the_built_graph_as_cmif(built: Built) -> None:
    data = export(built.config.store_path, "cmif", base=built.config.base_iri)
    descs = check_cmif(ET.fromstring(data))
    by_ref = {d.get("ref").rsplit("/", 1)[-1]: actions(d) for d in descs}
    # Who wrote to whom and when, as the two documents state it; QIDs only where verified.
    assert by_ref["1948-12-30-mao-to-stalin"] == {
        "sent": [("Mao Zedong", "Q5816")], "date": {"when": "1948-12-30"},
        "received": [("Joseph Stalin", "Q855")]}
    assert by_ref["1949-05-17-kovalev-to-filippov"] == {
        "sent": [("Ivan Kovalev", "")], "date": {"when": "1949-05-17"},
        "received": [("Joseph Stalin", "Q855")]}
    # The telegram the cable answers is correspondence too.
    assert by_ref["stalin-telegram-1948-11-28"]["sent"] == [("Joseph Stalin", "Q855")]


def store_of(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle.encode(), ox.RdfFormat.TURTLE, base_iri=BASE + "/",
               to_graph=ox.NamedNode(f"{BASE}/graph/document/t"))
    return store


PREFIXES = (f"@prefix kg: <{KG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
            f"@prefix comm: <{BASE}/id/communication/> . "
            f"@prefix org: <{BASE}/id/organization/> . @prefix p: <{BASE}/id/person/> .\n")


@pytest.mark.parametrize(("date", "qualifier", "expected"), [
    ('"1950-05"^^xsd:gYearMonth', None, {"when": "1950-05"}),
    ('"1950"^^xsd:gYear', "kg:Before", {"notAfter": "1950"}),
    ('"1950-05-02"^^xsd:date', "kg:After", {"notBefore": "1950-05-02"}),
])
def test_dates_keep_their_precision_and_qualifier(date: str, qualifier: str | None,
                                                  expected: dict[str, str]) -> None:
    store = store_of(PREFIXES + f"""
        comm:t a kg:Communication ; kg:date {date} ;
            {'kg:dateQualifier ' + qualifier + ' ;' if qualifier else ''}
            kg:sender org:cc ; kg:recipient p:x .
        org:cc a kg:Organization ; rdfs:label "CC VKP(b)"@en .
        p:x rdfs:label "Cde. X"@en .""")
    (desc,) = check_cmif(ET.fromstring(cmif.render(store, BASE, {"built": "2026-01-02T10:00Z"})))
    got = actions(desc)
    assert got["date"] == expected
    assert got["sent"] == [("CC VKP(b)", "")]  # a body is an orgName, with no invented ID
    assert desc.find("tei:correspAction/tei:orgName", T) is not None


def test_a_communication_without_parties_or_date_has_no_invented_action() -> None:
    # Nothing stated to describe: left out, since a correspDesc cannot be empty.
    store = store_of(PREFIXES + 'comm:t a kg:Communication ; rdfs:label "A note" .')
    assert check_cmif(ET.fromstring(cmif.render(store, BASE, {}))) == []


@pytest.mark.parametrize(("date", "expected"), [
    ('"1950-05"^^xsd:gYearMonth', {"sent": [], "date": {"when": "1950-05"},
                                   "received": [("Cde. X", "")]}),
    ('"1950-02-30"^^xsd:date', {"received": [("Cde. X", "")]}),  # no such day: not written
])
def test_a_date_without_a_stated_sender_is_kept_alone(date: str,
                                                      expected: dict[str, object]) -> None:
    store = store_of(PREFIXES + f"""
        comm:t a kg:Communication ; kg:date {date} ; kg:recipient p:x .
        p:x rdfs:label "Cde. X"@en .""")
    (desc,) = check_cmif(ET.fromstring(cmif.render(store, BASE, {})))
    assert actions(desc) == expected
    # A dated communication with no party stated at all keeps its sent action and date.
    alone = store_of(PREFIXES + f"comm:t a kg:Communication ; kg:date {date} .")
    descs = check_cmif(ET.fromstring(cmif.render(alone, BASE, {})))
    assert [actions(d) for d in descs] == ([{"sent": [], "date": expected["date"]}]
                                          if "date" in expected else [])
