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
from kg.errors import KGError
from kg.export.wikidata import (
    NO_TERM,
    PREFIXES,
    WD,
    Value,
    citing_quickstatements,
    collect,
    document_ids_csv,
    document_items,
    documents_quickstatements,
    load_alignment,
    pending_csv,
    published_alignment,
    quickstatements,
    read_document_ids,
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


#: The V1 value forms: an item, somevalue/novalue, a time with its precision, a quantity, a
#: string or a monolingual text (a string runs from its first to its last double quote).
V1_VALUE = re.compile("|".join((
    r"Q[1-9][0-9]*", "somevalue", "novalue",
    r"[+-][0-9]{4,}-[0-9]{2}-[0-9]{2}T00:00:00Z/(?:9|10|11)",
    r"[+-]?[0-9]+(?:\.[0-9]+)?",
    r'(?:[a-z]{2,3}(?:-[a-z]+)?:)?"[^\t]*"')))
V1_TERM = re.compile(r"[LDA][a-z]{2,3}")


def parse_v1(line: str) -> QuickStatement | None:
    """Parse one V1 command (QuickStatements' syntax: tab-separated columns): ``CREATE``
    (returns None), ``Len``/``Den``/``Aen`` terms, or a statement ``ITEM|LAST Pn value`` with
    qualifier pairs (``Pn value``) and reference pairs (``Sn value``). Raises ValueError on
    anything else, including a line break, a "|" or a "/* */" comment outside a value."""
    if "\n" in line.rstrip("\n") or "\r" in line:
        raise ValueError(f"line break inside a command: {line!r}")
    fields = line.rstrip("\n").split("\t")
    if fields == ["CREATE"]:
        return None
    if len(fields) < 3 or len(fields) % 2 == 0:
        raise ValueError(f"not a V1 statement line: {line!r}")
    subject, prop, value = fields[:3]
    if not re.fullmatch(r"Q[1-9][0-9]*|LAST", subject):
        raise ValueError(f"bad subject {subject!r}: {line!r}")
    if V1_TERM.fullmatch(prop):
        if len(fields) != 3 or not re.fullmatch(r'"[^\t]*"', value):
            raise ValueError(f"bad term line: {line!r}")
    elif not re.fullmatch(r"P[1-9][0-9]*", prop) or not V1_VALUE.fullmatch(value):
        raise ValueError(f"bad statement {prop!r} {value!r}: {line!r}")
    pairs = list(zip(fields[3::2], fields[4::2], strict=True))
    for key, val in pairs:
        if not re.fullmatch(r"[PS][1-9][0-9]*", key) or not V1_VALUE.fullmatch(val):
            raise ValueError(f"bad qualifier or source {key!r} {val!r}: {line!r}")
    keys = "".join(key[0] for key, _ in pairs)
    if "SP" in keys:
        raise ValueError(f"a qualifier after the reference: {line!r}")
    # Syntax V1 reads wherever it stands: "|" separates columns, a trailing /* */ is the summary.
    if "|" in line or re.search(r"/\*.*\*/ *$", line.rstrip("\n")):
        raise ValueError(f"unescaped | or /* */: {line!r}")
    return QuickStatement(subject, prop, value,
                          tuple(p for p in pairs if p[0].startswith("P")),
                          tuple(p for p in pairs if p[0].startswith("S")))


def parse_quickstatement(line: str) -> QuickStatement:
    """A statement line (not CREATE)."""
    parsed = parse_v1(line)
    assert parsed is not None, line
    return parsed


def unquote(value: str) -> str:
    """The text of a V1 string or monolingual value: ``en:"text"`` -> ``text``."""
    match = re.fullmatch(r'(?:[a-z-]+:)?"(.*)"', value, re.S)
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
    used = mapped | {"Q1985727", "Q199", "Q2013"} | {k.qid for k in alignment.document_kinds} | {
        "P50", "P2093", "P571", "P407", "P485", "P217", "P655", "P973", "P1932", "P921"}
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
        # Proposed statements are not Wikidata's nor under the placeholder domain.
        assert st.iri.startswith("urn:uuid:")
        for ref_node in node["http://www.w3.org/ns/prov#wasDerivedFrom"]:
            assert ref_node.value.startswith("urn:uuid:")
            ref = by_subject[ref_node.value]
            fact = next(s.value for s in ref["http://purl.org/dc/terms/source"]
                        if "/id/fact/" in s.value)
            # stated in takes an item; without one the record is named by its title.
            assert all(v.value.startswith(WD) for v in ref.get(PREFIXES["pr"] + "P248", []))
            assert ref.get(PREFIXES["pr"] + "P248") or ref.get(PREFIXES["pr"] + "P1476")
            quotes = {q.value for q in ref[PREFIXES["pr"] + "P1683"]}
            evidence = {r["e"] for r in _select(store, f"""SELECT ?e WHERE {{ <{fact}> a kg:Fact ;
                kg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?e }}""", base)}
            assert evidence <= quotes
    # The Great Patriotic War began in 1941: a year-precision time value.
    start = next(st for st in export.statements if st.subject == "Q189266" and st.pid == "P580")
    value = by_subject[by_subject[start.iri][PREFIXES["psv"] + "P580"][0].value]
    assert value["http://wikiba.se/ontology#timePrecision"][0].value == "9"
    assert value["http://wikiba.se/ontology#timeValue"][0].value == "1941-01-01T00:00:00Z"
    assert not any(t.subject.value.startswith(base + "/") and "/id/statement/" in t.subject.value
                   for t in triples)


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


# --- the documents as items, the two-step workflow, escaping and the fixed properties --------


def _blocks(text: str) -> list[list[QuickStatement]]:
    """The CREATE blocks of a step-1 file, every line parsed against the V1 syntax."""
    blocks: list[list[QuickStatement]] = []
    for line in text.splitlines():
        parsed = parse_v1(line)
        if parsed is None:
            blocks.append([])
        else:
            assert blocks and parsed.subject == "LAST", line
            blocks[-1].append(parsed)
    return blocks


def _qids_in(statements: list[QuickStatement]) -> set[str]:
    values = [s.value for s in statements]
    values += [v for s in statements for _, v in s.qualifiers + s.references]
    return {v for v in values if re.fullmatch(r"Q[0-9]+", v)}


def test_documents_become_items_with_verified_ids_only(built: Built, store: ox.Store,
                                                       export) -> None:
    base = built.config.base_iri
    items = document_items(store, base, export.alignment)
    records = {r["d"] for r in _select(store, "SELECT ?d WHERE { ?d a kg:ArchivalRecord }", base)}
    assert {i.iri for i in items} == records
    blocks = _blocks(documents_quickstatements(items))
    assert len(blocks) == len(records)
    registry = {r["q"] for r in _select(store, "SELECT ?q WHERE { ?e kg:wikidata ?q }", base)}
    for block, item in zip(blocks, items, strict=True):
        by_pid = {s.property: s for s in block}
        assert unquote(by_pid["Len"].value) == item.label and by_pid["Den"].value
        assert by_pid["P1476"].value.startswith("en:")
        # Every item ID written is verified: the registry's or the alignment file's.
        for qid in _qids_in(block):
            assert qid in registry or export.alignment.verified(qid), (qid, item.iri)
        assert "P485" not in by_pid  # no archive item is verified yet
    kovalev = next(b for b, i in zip(blocks, items, strict=True)
                   if i.iri.endswith("1949-05-17-kovalev-to-filippov"))
    lines = {(s.property, s.value, s.qualifiers) for s in kovalev}
    assert ("P31", "Q628523", ()) in lines  # message: telegram is not a verified item
    assert ("P2093", '"Ivan Kovalev"', ()) in lines  # no QID: the author's name
    assert ("P1817", "Q855", (("P1932", '"Filippov"'),)) in lines  # Stalin, as written
    assert ("P571", "+1949-05-17T00:00:00Z/11", ()) in lines  # a day: precision 11
    assert ("P655", "somevalue", (("P1932", '"Sergey Radchenko"'),)) in lines


def test_two_step_flow_cites_created_items_and_never_a_placeholder(tmp_path: Path) -> None:
    base = "https://example.org"
    store = ox.Store()
    store.load(SYNTHETIC.format(base=base).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(f"{base}/graph/document/doc"))
    store.load(f"""<{base}/id/document/doc> a <{base}/ontology#ArchivalRecord> ;
        <{base}/ontology#date> "1949-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .
        """.encode(), format=ox.RdfFormat.TURTLE)
    alignment = load_alignment(ONTOLOGY, base)
    result = collect(store, base, alignment)
    doc = f"{base}/id/document/doc"
    # Step 1: the document is created; its month keeps precision 10.
    items = document_items(store, base, alignment)
    block = _blocks(documents_quickstatements(items))[0]
    assert ("P571", "+1949-03-00T00:00:00Z/10") in {(s.property, s.value) for s in block}
    template = list(csv.DictReader(io.StringIO(document_ids_csv(items, {}))))
    assert template == [{"document": doc, "qid": "", "label": "A telegram",
                         "instance_of": ""}]
    # Before the user fills the mapping: nothing is written, everything is pending.
    text, pending = citing_quickstatements(result, {})
    assert text == "" and {p.document for p in pending} == {doc}
    assert all("no Wikidata item yet" in p.reason for p in pending)
    assert len(list(csv.DictReader(io.StringIO(pending_csv(pending))))) == len(pending)
    # After: the mapping file gives the created QID, and every statement cites it.
    mapping = tmp_path / "wikidata-document-ids.csv"
    mapping.write_text(f"document,qid,label,instance_of\n{doc},Q4115189,A telegram,\n")
    ids = read_document_ids(mapping)
    text, pending = citing_quickstatements(result, ids)
    assert not pending
    lines = [parse_quickstatement(line) for line in text.splitlines()]
    assert lines and all(dict(q.references[:1]) == {"S248": "Q4115189"} for q in lines)
    assert lines[1].property == "P585" and lines[1].references[1] == ("S1683", 'en:"in March"')
    # The created item is no longer proposed for creation.
    assert document_items(store, base, alignment, ids) == []
    mapping.write_text(f"document,qid\n{doc},Q12x\n")
    with pytest.raises(KGError, match="line 2"):
        read_document_ids(mapping)


HELD = """
@prefix kg: <{base}/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{base}/id/> .
id:operation\\/war kg:wikidata "Q189266" .
id:fact\\/doc\\/y a kg:Fact ; rdf:subject id:operation\\/war ; rdf:predicate kg:startDate ;
    rdf:object "1941"^^xsd:gYear ; kg:statedIn id:document\\/doc .
id:fact\\/doc\\/d a kg:Fact ; rdf:subject id:operation\\/war ; rdf:predicate kg:endDate ;
    rdf:object "1945-05-09"^^xsd:date ; kg:statedIn id:document\\/doc .
"""


def test_values_wikidata_holds_at_equal_or_better_precision_are_withheld() -> None:
    base = "https://example.org"
    store = ox.Store()
    store.load(HELD.format(base=base).encode(), format=ox.RdfFormat.TURTLE)
    alignment = load_alignment(ONTOLOGY, base)
    assert alignment.held[("Q189266", "P580")] == 11
    result = collect(store, base, alignment)
    text, pending = citing_quickstatements(result, {f"{base}/id/document/doc": "Q4115189"})
    assert text == ""  # a year (9) and a day (11) are both no better than the day held
    assert {(p.property, p.value) for p in pending} == {
        ("P580", "+1941-00-00T00:00:00Z/9"), ("P582", "+1945-05-09T00:00:00Z/11")}
    assert all("already holds" in p.reason for p in pending)


def test_v1_escaping_of_syntax_inside_values() -> None:
    nasty = 'a | b /* not a summary */ "quoted"\tand\nmore'
    for value in (Value("string", nasty), Value("monolingual", nasty, language="en")):
        column = value.quickstatements()
        line = f"Q42\tP1476\t{column}"
        parsed = parse_quickstatement(line)  # one command, three columns, no summary
        assert parsed.value == column and not parsed.qualifiers
        text = unquote(column)
        assert "|" not in text and "/*" not in text and "*/" not in text
        assert '"quoted"' in text and "\t" not in text and "\n" not in text
    with pytest.raises(ValueError):
        parse_v1('Q42\tP1476\t"a | b"')
    with pytest.raises(ValueError):
        parse_v1('Q42\tP1476\t"x" /* summary */')
    assert Value("string", "x").quickstatements() == '"x"'


def test_doubtful_properties_are_fixed() -> None:
    base = "https://example.org"
    alignment = load_alignment(ONTOLOGY, base)
    kg = f"{base}/ontology#"
    usable = {m.pid for m in alignment.properties.values() if alignment.usable(m.term)}
    assert not usable & {"P463", "P749", "P1114"}
    member = alignment.usable(kg + "memberOf")
    assert member and member.pid == "P102" and member.object_class == kg + "PoliticalParty"
    assert alignment.usable(kg + "subOrganizationOf").pid == "P361"  # type: ignore[union-attr]
    assert alignment.usable(kg + "concerns").subject_class == kg + "Communication"  # type: ignore[union-attr]
    store = ox.Store()
    store.load(f"""
        @prefix kg: <{kg}> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix id: <{base}/id/> .
        id:person\\/p kg:wikidata "Q1" . id:organization\\/party kg:wikidata "Q2" .
        id:organization\\/party a kg:PoliticalParty . id:organization\\/cc kg:wikidata "Q3" .
        id:meeting\\/m kg:wikidata "Q4" .
        id:fact\\/d\\/1 a kg:Fact ; rdf:subject id:person\\/p ; rdf:predicate kg:memberOf ;
            rdf:object id:organization\\/party ; kg:statedIn id:document\\/d .
        id:fact\\/d\\/2 a kg:Fact ; rdf:subject id:person\\/p ; rdf:predicate kg:memberOf ;
            rdf:object id:organization\\/cc ; kg:statedIn id:document\\/d .
        id:fact\\/d\\/3 a kg:Fact ; rdf:subject id:meeting\\/m ; rdf:predicate kg:concerns ;
            rdf:object id:organization\\/cc ; kg:statedIn id:document\\/d .
        """.encode(), format=ox.RdfFormat.TURTLE)
    result = collect(store, base, alignment)
    assert [(s.subject, s.pid, s.value.text) for s in result.statements] == [("Q1", "P102", "Q2")]
    reasons = {s.fact.rsplit("/", 1)[-1]: s.reason for s in result.skipped}
    assert "only when the object is a kg:PoliticalParty" in reasons["2"]
    assert "only when the subject is a kg:Communication" in reasons["3"]
    # The reference names the record by title only: pr:P248 takes an item, never our IRI.
    triples = wikibase_triples(result, base)
    assert not [t for t in triples if t.predicate.value == PREFIXES["pr"] + "P248"]
    assert all(not t.subject.value.startswith(base) for t in triples
               if isinstance(t.subject, ox.NamedNode) and "wikiba.se" not in t.subject.value
               and not t.subject.value.startswith(WD))
