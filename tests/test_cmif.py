"""The correspondence as CMIF (TEI correspDesc, as correspSearch harvests it): the file keeps
the format's rules, and says who wrote to whom and when exactly as the graph does."""

from __future__ import annotations

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


def check_cmif(root: ET.Element) -> list[ET.Element]:
    """The CMIF rules a harvester relies on; the file's correspondence descriptions."""
    assert root.tag == f"{{{cmif.TEI}}}TEI"
    header = root.find("tei:teiHeader", T)
    assert header.find("tei:fileDesc/tei:titleStmt/tei:title", T).text
    assert header.find("tei:fileDesc/tei:titleStmt/tei:editor", T).text
    publication = header.find("tei:fileDesc/tei:publicationStmt", T)
    assert publication.find("tei:publisher/tei:ref", T).get("target").startswith("http")
    assert publication.find("tei:idno[@type='url']", T).text.endswith("/cmif.xml")
    assert ISO.match(publication.find("tei:date", T).get("when"))
    assert publication.find("tei:availability/tei:licence", T).get("target").startswith(
        "https://creativecommons.org/")
    bibl = header.find("tei:fileDesc/tei:sourceDesc/tei:bibl", T)
    source_id = bibl.get(f"{{{cmif.XML}}}id")
    assert bibl.get("type") == "online" and source_id
    descs = header.findall("tei:profileDesc/tei:correspDesc", T)
    for desc in descs:
        assert desc.get("source") == f"#{source_id}" and desc.get("ref").startswith("http")
        for action in desc.findall("tei:correspAction", T):
            assert action.get("type") in {"sent", "received"}
            names = action.findall("tei:persName", T) + action.findall("tei:orgName", T)
            assert names and all(n.text for n in names)
            for name in names:  # an authority ID, or none
                ref = name.get("ref")
                assert ref is None or re.fullmatch(r"http://www\.wikidata\.org/entity/Q\d+", ref)
            for date in action.findall("tei:date", T):
                attrs = {k: v for k, v in date.attrib.items()
                         if k in {"when", "notBefore", "notAfter"}}
                assert attrs and all(ISO.match(v) for v in attrs.values())
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
    store = store_of(PREFIXES + 'comm:t a kg:Communication ; rdfs:label "A note" .')
    (desc,) = check_cmif(ET.fromstring(cmif.render(store, BASE, {})))
    assert desc.findall("tei:correspAction", T) == []
