"""The Wikidata exports: the alignment is data and covers every term, statements carry their
references, QuickStatements lines match the facts they come from, and every entity without a
QID is a creation candidate: nothing is dropped silently."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from conftest import MAPPINGS, Built
from kg.config import PROJECT_ROOT
from kg.export.wikidata import (
    NO_TERM,
    PREFIXES,
    WD,
    Value,
    collect,
    load_alignment,
    published_alignment,
    quickstatements,
    wikibase_triples,
)
from kg.store.query import execute

ONTOLOGY = PROJECT_ROOT / "ontology"
DOC = PROJECT_ROOT / "docs" / "wikidata.md"
OWL = "http://www.w3.org/2002/07/owl#"


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


@pytest.fixture(scope="module")
def store(built: Built) -> ox.Store:
    return ox.Store.read_only(str(built.config.store_path.resolve()))


@pytest.fixture(scope="module")
def export(built: Built, store: ox.Store):
    base = built.config.base_iri
    return collect(store, base, load_alignment(ONTOLOGY, base))


def _select(store: ox.Store, query: str, base: str) -> list[dict[str, str]]:
    result = execute(store, query, base)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: str(row[n].value) for n in names if row[n] is not None} for row in result]


def test_alignment_covers_every_term_and_every_id_is_documented(
        built: Built, store: ox.Store, export) -> None:
    base = built.config.base_iri
    alignment = export.alignment
    mapped = {m.pid for m in alignment.properties.values()} | {
        q for q, _ in alignment.classes.values()}
    assert {"P710", "P1344", "P585", "P580", "P582", "P276", "P361", "P1817"} <= mapped
    assert {"Q5", "Q43229"} <= mapped
    # Every identifier has its label and, for properties in use, its datatype.
    for ident in mapped:
        assert alignment.labels.get(WD + ident), ident
    for m in alignment.properties.values():
        if m.match != "related":
            assert m.datatype in {"WikibaseItem", "Time", "Quantity", "String", "Monolingualtext"}
    # The editor's page names every identifier the data uses, and no other P or Q number.
    text = DOC.read_text()
    documented = set(re.findall(r"\b[PQ][1-9][0-9]*\b", text))
    used = mapped | {"Q1985727", "Q199", "Q2013"}
    assert used <= documented, sorted(used - documented)
    # Published: every ontology class and property has a record, mapped or NoTermFound.
    published = published_alignment(store, base, alignment)
    sources = {t.object.value for t in published if t.predicate.value == OWL + "annotatedSource"}
    linked = {t.subject.value for t in published if t.predicate.value.startswith(
        "http://www.w3.org/2004/02/skos/core#") and t.object.value.startswith(WD)}
    terms = {r["t"] for r in _select(store, f"""SELECT DISTINCT ?t WHERE {{
        GRAPH <{base}/graph/ontology> {{ ?t a ?type
        VALUES ?type {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
        FILTER(STRSTARTS(STR(?t), STR(kg:))) }} }}""", base)}
    assert terms <= sources | linked
    # Every predicate a fact uses is mapped or explicitly unmapped.
    predicates = {r["p"] for r in _select(
        store, "SELECT DISTINCT ?p WHERE { ?f a kg:Fact ; rdf:predicate ?p }", base)}
    unmapped = {t.subject.value for t in published if t.object.value == NO_TERM}
    assert not {p for p in predicates
                if p not in alignment.properties and not _axiom_for(published, p, unmapped)}


def _axiom_for(published: list[ox.Triple], term: str, unmapped: set[str]) -> bool:
    return any(t.predicate.value == OWL + "annotatedSource" and t.object.value == term
               and t.subject.value in unmapped for t in published)


def test_every_fact_is_exported_or_skipped_with_a_reason(built: Built, store: ox.Store,
                                                         export) -> None:
    facts = {r["f"] for r in _select(store, "SELECT DISTINCT ?f WHERE { ?f a kg:Fact }",
                                     built.config.base_iri)}
    exported = {ref.fact for st in export.statements for ref in st.references}
    skipped = {s.fact for s in export.skipped}
    assert exported and not exported & skipped
    assert exported | skipped == facts
    assert all(s.reason for s in export.skipped)


def test_statements_have_wikibase_shape_and_references(built: Built, store: ox.Store,
                                                       export) -> None:
    base = built.config.base_iri
    triples = wikibase_triples(export, base)
    by_subject: dict[str, dict[str, list[object]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(
            t.object)
    for st in export.statements:
        node = by_subject[st.iri]
        assert ox.NamedNode(st.iri) in by_subject[WD + st.subject][PREFIXES["p"] + st.pid]
        assert node[PREFIXES["ps"] + st.pid]
        assert st.iri == st.references[0].fact.replace("/id/fact/", "/id/statement/")
        for ref_node in node["http://www.w3.org/ns/prov#wasDerivedFrom"]:
            ref = by_subject[ref_node.value]
            fact = ref["http://purl.org/dc/terms/source"][0].value
            assert ref[PREFIXES["pr"] + "P248"]  # stated in: the archival record
            quotes = {q.value for q in ref[PREFIXES["pr"] + "P1683"]}
            evidence = {r["e"] for r in _select(store, f"""SELECT ?e WHERE {{ <{fact}> a kg:Fact ;
                kg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?e }}""", base)}
            assert evidence <= quotes
    # The Great Patriotic War began in 1941: a year-precision time value.
    start = next(st for st in export.statements if st.subject == "Q189266" and st.pid == "P580")
    value = by_subject[st_value(start)]
    assert value["http://wikiba.se/ontology#timePrecision"][0].value == "9"
    assert value["http://wikiba.se/ontology#timeValue"][0].value == "1941-01-01T00:00:00Z"


def st_value(statement) -> str:
    return statement.iri + "/value"


def test_quickstatements_match_the_facts_they_come_from(built: Built, store: ox.Store,
                                                        export) -> None:
    base = built.config.base_iri
    lines = quickstatements(export).splitlines()
    assert lines and len(lines) == sum(len(st.references) for st in export.statements)
    by_pid: dict[str, set[str]] = {}
    for term, m in export.alignment.properties.items():
        by_pid.setdefault(m.pid, set()).add(term)
    for line in lines:  # every line: the sample is the whole file while it is small
        qs = parse_quickstatement(line)
        assert re.fullmatch(r"Q[1-9][0-9]*", qs.subject) and qs.property in by_pid
        refs = dict(qs.references[:1])
        quotes = [unquote(v) for s, v in qs.references if s == "S1683"]
        assert quotes and ("S248" in refs or "S1476" in refs)
        predicates = " ".join(f"<{p}>" for p in sorted(by_pid[qs.property]))
        rows = _select(store, f"""
            SELECT ?f ?o ?title ?exact WHERE {{
              ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                 kg:statedIn ?record ; kg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?exact .
              ?s kg:wikidata "{qs.subject}" . ?record kg:title ?title .
              VALUES ?p {{ {predicates} }} }}""", base)
        matching = [r for r in rows if _same_value(r["o"], qs.value)
                    and ("S1476" not in refs or r["title"] == unquote(refs["S1476"]))]
        assert matching, line
        found = {" ".join(r["exact"].split()) for r in matching}
        assert set(quotes) <= found, line


def _same_value(stored: str, written: str) -> bool:
    if re.fullmatch(r"Q[0-9]+", written):
        return stored.endswith(written)
    if written.startswith("+") and "/" in written:  # +1941-00-00T00:00:00Z/9
        date, precision = written[1:].split("T")[0], int(written.rsplit("/", 1)[1])
        return stored == date[: {9: 4, 10: 7, 11: 10}[precision]]
    return stored == written.strip('"')


def test_candidates_list_every_entity_without_a_qid(export) -> None:
    registry = yaml.safe_load((MAPPINGS / "registry.yaml").read_text())
    without = {ident for section in registry.values() if section
               for ident, entry in section.items() if not entry.get("wikidata")}
    with_qid = {ident for section in registry.values() if section
                for ident, entry in section.items() if entry.get("wikidata")}
    ids = {c.iri.rsplit("/", 1)[-1]: c for c in export.candidates}
    assert without <= set(ids)
    assert not with_qid & set(ids)
    li = ids["li-lisan"]
    assert li.label == "Li Lisan" and "Strakhov" in li.aliases and li.instance_of == "Q5"
    assert li.description.startswith("Chinese Communist")
    assert ids["1948-12-30-mao-to-stalin"].kind == "document"  # the record P248 would cite
    assert all(c.label for c in export.candidates)
    assert any(c.unblocks for c in export.candidates)


def test_candidates_and_skipped_files_read_as_csv(built: Built, export) -> None:
    from kg.export.wikidata import candidates_csv, skipped_csv

    rows = list(csv.DictReader(io.StringIO(candidates_csv(export))))
    assert len(rows) == len(export.candidates)
    li = next(r for r in rows if r["iri"].endswith("/person/li-lisan"))
    assert li["aliases_en"] == "Strakhov" and li["instance_of_label"] == "human"
    skipped = list(csv.DictReader(io.StringIO(skipped_csv(export))))
    assert len(skipped) == len(export.skipped)


SYNTHETIC = """
@prefix kg: <{base}/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix id: <{base}/id/> .

id:deviation\\/d2 kg:wikidata "Q100" .
id:event\\/revolution kg:wikidata "Q200" .
id:meeting\\/m kg:wikidata "Q300" .
id:document\\/doc kg:title "A telegram" .
id:fact\\/doc\\/f1 a kg:Fact ; rdf:subject id:deviation\\/d2 ; rdf:predicate kg:partOfEvent ;
    rdf:object id:event\\/revolution ; kg:statedIn id:document\\/doc ; kg:evidence id:a\\/1 .
id:fact\\/doc\\/f2 a kg:Fact ; rdf:subject id:deviation\\/d2 ; rdf:predicate kg:ordinal ;
    rdf:object 2 ; kg:statedIn id:document\\/doc ; kg:evidence id:a\\/2 .
id:fact\\/doc\\/f3 a kg:Fact ; rdf:subject id:meeting\\/m ; rdf:predicate kg:date ;
    rdf:object "1949-03"^^xsd:gYearMonth ; kg:statedIn id:document\\/doc ; kg:evidence id:a\\/3 .
id:a\\/1 oa:hasTarget [ oa:hasSelector [ oa:exact "the second deviation" ] ] .
id:a\\/2 oa:hasTarget [ oa:hasSelector [ oa:exact "the\\nsecond" ] ] .
id:a\\/3 oa:hasTarget [ oa:hasSelector [ oa:exact "in March" ] ] .
"""


def test_qualifiers_precision_and_line_breaks(tmp_path: Path) -> None:
    base = "https://example.org"
    store = ox.Store()
    store.load(SYNTHETIC.format(base=base).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(f"{base}/graph/document/doc"))
    result = collect(store, base, load_alignment(ONTOLOGY, base))
    lines = quickstatements(result).splitlines()
    # Part of a series: P361 with the ordinal as qualifier, both quotes in the reference;
    # a line break in a quotation becomes a space.
    assert lines[0] == ('Q100\tP361\tQ200\tP1545\t"2"\tS1476\ten:"A telegram"'
                        '\tS1683\ten:"the second deviation"\tS1683\ten:"the second"')
    assert lines[1].startswith("Q300\tP585\t+1949-03-00T00:00:00Z/10\t")
    triples = wikibase_triples(result, base)
    qualifier = [t for t in triples if t.predicate.value == PREFIXES["pq"] + "P1545"]
    assert [t.object.value for t in qualifier] == ["2"]
    assert Value("quantity", "+600000").quickstatements() == "600000"
