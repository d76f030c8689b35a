"""The built store: named graphs, asserted and inferred facts kept apart, noise dropped,
stable IRIs, deterministic output, and the build report."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import Built
from kg.build import build
from kg.config import Config
from kg.store.builds import build_meta, open_store
from kg.store.query import select
from kg.store.record import up_to_date


def graphs_of(built: Built) -> set[str]:
    table = select(built.config.store_path,
                   "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                   base=built.config.base_iri)
    return {row[0] for row in table.rows}


def test_one_named_graph_per_document_plus_ontology_registry_inferred(built: Built) -> None:
    base = built.config.base_iri
    assert graphs_of(built) == {
        f"<{base}/graph/{name}>" for name in (
            "ontology", "registry", "inferred",
            "document/1948-12-30-mao-to-stalin", "document/1949-05-17-kovalev-to-filippov")
    }
    # The explanations are kept beside the store, in the build's folder, one row per
    # subject; readers of the build see them as a sixth graph.
    with open_store(built.config.store_path) as store:
        assert f"{base}/graph/explanations" in {g.value for g in store.named_graphs()}
        assert store.explanations.lines == built.report.triples[f"{base}/graph/explanations"]


def test_report_counts_triples_and_inferences_by_kind(built: Built) -> None:
    report = built.report
    assert report.documents == 2
    assert report.facts > 600
    inferred = report.triples[f"{built.config.base_iri}/graph/inferred"]
    assert inferred == sum(report.inferred.values()) > 0
    assert report.inferred["class memberships"] > 0
    assert {"sent links", "correspondedWith links", "wroteTo links"} <= set(report.inferred)
    assert set(report.seconds) == {"parse", "map", "validate", "reason", "load"}


def _count(built: Built, where: str) -> int:
    table = select(built.config.store_path, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}",
                   base=built.config.base_iri)
    return int(table.rows[0][0])


INFERRED = "GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), '/graph/inferred'))"


@pytest.mark.parametrize(
    ("noise", "pattern"),
    [
        ("reflexive statements", "FILTER(?s = ?o)"),
        ("typing as owl:Thing or rdfs:Resource",
         "FILTER(?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource))"),
        ("statements about literals", "FILTER(isLiteral(?s))"),
        ("axioms about vocabulary terms", "FILTER(!STRSTARTS(STR(?s), STR(id:)))"),
    ],
)
def test_inferred_graph_holds_no_noise(built: Built, noise: str, pattern: str) -> None:
    assert _count(built, f"{INFERRED} {pattern}") == 0, noise


def test_inferred_triples_are_not_also_asserted(built: Built) -> None:
    overlap = _count(built, f"""{INFERRED}
        GRAPH ?h {{ ?s ?p ?o }} FILTER(!STRENDS(STR(?h), '/graph/inferred'))""")
    assert overlap == 0


def test_facts_and_quantities_have_stable_iris_not_blank_nodes(built: Built) -> None:
    # Blank nodes appear only in the ontology's own axioms (lists, restrictions).
    assert _count(built, """GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o))
                            FILTER(!STRENDS(STR(?g), '/graph/ontology'))""") == 0
    iris = select(built.config.store_path,
                  "SELECT ?f WHERE { ?f a kg:Fact } ORDER BY ?f LIMIT 1",
                  base=built.config.base_iri).rows[0][0]
    assert iris.startswith("id:fact/")


def test_facts_quoting_one_passage_share_its_target_not_their_annotations(
        built: Built) -> None:
    rows = select(built.config.store_path, """
        SELECT ?t (COUNT(DISTINCT ?a) AS ?annotations) (COUNT(DISTINCT ?fact) AS ?facts)
               (COUNT(DISTINCT ?quote) AS ?quotes) (COUNT(DISTINCT ?position) AS ?positions)
        WHERE { ?fact kg:evidence ?a . ?a oa:hasBody ?fact ; oa:hasTarget ?t .
                ?t a oa:SpecificResource ; oa:hasSelector ?quote, ?position .
                ?quote a oa:TextQuoteSelector . ?position a oa:TextPositionSelector }
        GROUP BY ?t ORDER BY DESC(?facts)""", base=built.config.base_iri).rows
    annotations, facts, quotes, positions = (int(x) for x in rows[0][1:])
    assert facts > 1, "some passage states several facts"
    assert annotations == facts, "each fact has an annotation of its own"
    assert (quotes, positions) == (1, 1), "the passage is one target with its two selectors"
    assert _count(built, "?t oa:hasSource ?r1, ?r2 FILTER(?r1 != ?r2)") == 0


def quads(config: Config) -> list[str]:
    store = ox.Store.read_only(str(config.store_path.resolve()))
    return sorted(str(q) for q in store)


def test_same_input_gives_identical_graphs_and_base_is_configurable(
        built: Built, tmp_path: Path) -> None:
    # Compacting the new store (the default) changes how it is laid out on disk, not what
    # it holds.
    again = Config.load({"data_dir": str(tmp_path / "a"), "compact_store": False}, env={})
    build(again)
    assert quads(again) == quads(built.config)
    assert built.config.compact_store

    other = Config.load({"data_dir": str(tmp_path / "b"),
                         "base_iri": "https://archive.example/kg"}, env={})
    build(other)
    table = select(other.store_path,
                   "SELECT DISTINCT ?p WHERE { ?p kg:codename 'Filippov' }", base=other.base_iri)
    assert table.rows == [["person:joseph-stalin"]]
    store = ox.Store.read_only(str(other.store_path.resolve()))
    stalin = ox.NamedNode("https://archive.example/kg/id/person/joseph-stalin")
    assert list(store.quads_for_pattern(stalin, None, None, None))


def test_build_metadata_and_if_needed(built: Built) -> None:
    meta = build_meta(built.config.store_path)
    assert meta["base_iri"] == built.config.base_iri
    assert meta["documents"] == ["1948-12-30-mao-to-stalin", "1949-05-17-kovalev-to-filippov"]
    assert up_to_date(built.config)


def test_every_kg_term_the_data_uses_is_defined_in_the_ontology(built: Built) -> None:
    undefined = select(built.config.store_path, """
        SELECT DISTINCT ?term WHERE {
          { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } }
          FILTER(STRSTARTS(STR(?term), STR(kg:)))
          FILTER NOT EXISTS { GRAPH ?onto { ?term rdfs:label ?label ; skos:definition ?d }
                              FILTER(STRENDS(STR(?onto), '/graph/ontology')) }
        }""", base=built.config.base_iri)
    assert undefined.rows == []
