"""`kg export`: every dump parses back, with rdflib and with pyoxigraph, into graphs isomorphic
to the store's plus the dataset description; the JSON-LD expands and compacts with its
published context; re-exporting an unchanged store gives byte-identical files."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, VOID, XSD

from conftest import MAPPINGS, Built
from kg.cli import main
from kg.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from kg.export.dumps import CHECKSUMS, FORMATS, export, export_all, json_ld_context
from kg.store.builds import build_meta
from kg.store.explanations import WithExplanations, open_explanations

DCAT = "http://www.w3.org/ns/dcat#"
Quad = tuple[object, object, object, object]


@pytest.fixture(scope="module")
def exported(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kg export --all DIR`, as a user runs it (the library's export_all is compared with
    it byte for byte in test_reexport_of_an_unchanged_store_is_byte_identical)."""
    out = tmp_path_factory.mktemp("export") / "all"
    result = CliRunner().invoke(main, ["--data-dir", built.config.data_dir, "export",
                                       "--all", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "wrote 18 files" in result.stderr  # 17 formats and SHA256SUMS
    return out


Triples = set[tuple[object, object, object]]


@pytest.fixture(scope="module")
def expected(built: Built, exported: Path) -> dict[object, Triples]:
    """The store's quads and the explanations kept beside it, graph by graph, plus the
    description (void.ttl) in its graph."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        path = built.config.store_path.resolve()
        store = ox.Store.read_only(str(path))
    beside = open_explanations(path)
    assert beside is not None
    graphs = _by_graph([*store.quads_for_pattern(None, None, None, None),
                        *WithExplanations(store, beside).beside()])
    del store
    void = Graph().parse(exported / "void.ttl", format="turtle")
    graphs[URIRef(f"{built.config.base_iri}/graph/dataset")] = set(void)
    return graphs


def _rdflib(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # rdflib's parsers leave it implicit
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _by_graph(quads) -> dict[object, Triples]:
    graphs: dict[object, Triples] = defaultdict(set)
    terms: dict[object, URIRef | BNode | Literal] = {}  # each term converted once

    def term(t: object) -> URIRef | BNode | Literal:
        if (known := terms.get(t)) is None:
            known = terms[t] = _rdflib(t)
        return known

    for q in quads:
        name = q.graph_name
        graphs[URIRef(name.value) if isinstance(name, ox.NamedNode) else None].add(
            (term(q.subject), term(q.predicate), term(q.object)))
    return dict(graphs)


def _same(actual: Triples, wanted: Triples) -> None:
    """Isomorphic: identical ground triples, and isomorphic where blank nodes are involved."""
    def split(triples: Triples) -> tuple[Triples, Graph]:
        ground, blank = set(), Graph()
        for t in triples:
            (blank.add(t) if any(isinstance(x, BNode) for x in t) else ground.add(t))
        return ground, blank

    a_ground, a_blank = split(actual)
    w_ground, w_blank = split(wanted)
    assert a_ground == w_ground, (sorted(a_ground - w_ground)[:3], sorted(w_ground - a_ground)[:3])
    assert len(a_blank) == len(w_blank)
    assert isomorphic(a_blank, w_blank)


def _merged(graphs: dict[object, Triples]) -> Triples:
    return set().union(*graphs.values())


def _ox_graphs(path: Path, fmt: ox.RdfFormat) -> dict[object, Triples]:
    return _by_graph(ox.parse(path=str(path), format=fmt))


def _rdflib_graphs(data: bytes, fmt: str) -> dict[object, Triples]:
    # rdflib parses quads only into a Dataset, whose parser warns about its own deprecations.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ds = Dataset()
        ds.parse(data=data, format=fmt)
        return {g.identifier: set(g) for g in ds.contexts() if len(g)}


def test_all_writes_every_format_with_checksums(exported: Path) -> None:
    names = {p.name for p in exported.iterdir()}
    assert names == {f.file for f in FORMATS.values()} | {CHECKSUMS}
    for line in (exported / CHECKSUMS).read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((exported / name).read_bytes()).hexdigest() == digest


def test_reexport_of_an_unchanged_store_is_byte_identical(built: Built, exported: Path) -> None:
    before = {p.name: p.read_bytes() for p in exported.iterdir()}
    # Into the same directory (written by `kg export --all`): it replaces its own earlier
    # export, leaving nothing behind.
    export_all(built.config.store_path, exported, base=built.config.base_iri,
               ontology_dir=built.config.ontology_dir)
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == before
    assert [p.name for p in exported.parent.iterdir()] == [exported.name]
    # A single format is the same bytes as the file in the directory.
    single = export(built.config.store_path, "trig", base=built.config.base_iri)
    assert single == (exported / "graph.trig").read_bytes()


def test_turtle_parses_back_with_rdflib_and_pyoxigraph(exported: Path, expected) -> None:
    wanted = _merged(expected)
    text = (exported / "graph.ttl").read_text()
    assert text.startswith("@prefix kg: ") and "\nperson:mao-zedong a " in text
    _same(set(Graph().parse(data=text, format="turtle")), wanted)
    _same(_merged(_ox_graphs(exported / "graph.ttl", ox.RdfFormat.TURTLE)), wanted)
    _same(_merged(_ox_graphs(exported / "graph.nt", ox.RdfFormat.N_TRIPLES)), wanted)


def test_nquads_and_trig_keep_the_named_graphs(exported: Path, expected) -> None:
    """N-Quads with rdflib and pyoxigraph, TriG with pyoxigraph: graph by graph."""
    for graphs in (_ox_graphs(exported / "graph.nq", ox.RdfFormat.N_QUADS),
                   _rdflib_graphs((exported / "graph.nq").read_bytes(), "nquads"),
                   _ox_graphs(exported / "graph.trig", ox.RdfFormat.TRIG)):
        assert set(graphs) == set(expected)
        for graph, g in graphs.items():
            _same(g, expected[graph])


def test_jsonld_expands_and_compacts_with_its_published_context(
        built: Built, exported: Path, expected) -> None:
    document = json.loads((exported / "graph.jsonld").read_text())
    published = json.loads((exported / "context.jsonld").read_text())
    assert document["@context"] == published["@context"]
    # The context in docs/ is the one published for the default base.
    docs = json.loads((PROJECT_ROOT / "docs" / "context.jsonld").read_text())
    assert docs == json_ld_context(DEFAULT_BASE_IRI)
    assert "person:mao-zedong" in {node["@id"] for g in document["@graph"]
                                   for node in g["@graph"]}
    # Expanded to RDF by rdflib and by pyoxigraph: the store's graphs.
    data = (exported / "graph.jsonld").read_bytes()
    for graphs in (_rdflib_graphs(data, "json-ld"),
                   _ox_graphs(exported / "graph.jsonld", ox.RdfFormat.JSON_LD)):
        assert set(graphs) == set(expected)
        for graph, g in graphs.items():
            _same(g, expected[graph])
    # Compacted again with the published context: prefixed names, the same graph.
    registry = Graph()
    for t in expected[URIRef(f"{built.config.base_iri}/graph/registry")]:
        registry.add(t)
    with warnings.catch_warnings():  # rdflib's JSON-LD plugin uses a deprecated class
        warnings.simplefilter("ignore", DeprecationWarning)
        compacted = registry.serialize(format="json-ld", context=published["@context"],
                                       auto_compact=True)
        again = set(Graph().parse(data=compacted, format="json-ld"))
    assert '"person:mao-zedong"' in compacted and '"rdfs:label"' in compacted
    _same(again, set(registry))


def test_every_dump_carries_the_dataset_description(built: Built, exported: Path) -> None:
    base = built.config.base_iri
    meta = build_meta(built.config.store_path)
    void = Graph().parse(exported / "void.ttl", format="turtle")
    ds = URIRef(f"{base}/dataset")
    assert (ds, RDF.type, VOID.Dataset) in void and (ds, RDF.type, URIRef(DCAT + "Dataset")) in void
    assert void.value(ds, DCTERMS.title) == Literal("Cold War documents knowledge graph", lang="en")
    assert void.value(ds, DCTERMS.description)
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(ds, DCTERMS.source) == URIRef("https://digitalarchive.wilsoncenter.org/")
    rights = {str(r) for r in void.objects(ds, DCTERMS.rights)}
    assert any(r.startswith("The History and Public Policy Program welcomes reuse") for r in rights)
    # Date and version come from the build, not from the clock.
    assert void.value(ds, DCTERMS.created) == Literal(meta["built"], datatype=XSD.dateTime)
    assert str(void.value(ds, URIRef(DCAT + "version"))) == meta["version"]
    assert str(void.value(ds, OWL.versionInfo)) == meta["version"]
    # Triples per named graph, as the build counted them.
    for graph, n in meta["triples"].items():
        assert (ds, VOID.subset, URIRef(graph)) in void
        assert void.value(URIRef(graph), VOID.triples).toPython() == n
    assert void.value(ds, VOID.triples).toPython() == sum(meta["triples"].values())
    files = {str(o) for o in void.objects(None, DCTERMS.identifier)}
    assert files == {f.file for f in FORMATS.values()}
    # The same description is in every dump.
    dataset_graph = f"<{base}/graph/dataset>"
    nq = (exported / "graph.nq").read_text()
    assert sum(1 for line in nq.splitlines() if line.endswith(f"{dataset_graph} .")) == len(void)
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "graph.nt"):
        assert "welcomes reuse of Digital Archive materials" in (exported / name).read_text()


def test_verified_qids_link_with_skos_exact_match_never_owl_same_as(exported: Path) -> None:
    files = [MAPPINGS / "registry.yaml", *sorted((MAPPINGS / "registry").glob("*.yaml"))]
    qids = {ident: entry["wikidata"] for f in files
            for section in yaml.safe_load(f.read_text()).values() if isinstance(section, dict)
            for ident, entry in section.items() if entry.get("wikidata")}
    assert len(qids) > 20
    g = Graph().parse(exported / "graph.nt", format="nt")
    linked = {(str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1])
              for s, o in g.subject_objects(SKOS.exactMatch)
              if str(o).startswith("http://www.wikidata.org/entity/")}
    assert linked == set(qids.items())
    assert not [t for t in g.triples((None, OWL.sameAs, None))
                if "wikidata.org" in str(t[2]) or "wikidata.org" in str(t[0])]


def test_cli_writes_a_directory_and_refuses_foreign_files(built: Built, exported: Path,
                                                         tmp_path: Path) -> None:
    runner = CliRunner()
    # `exported` is the CLI's directory (written in the fixture, exit 0, "wrote 18 files").
    assert (exported / "void.ttl").exists()
    out = tmp_path / "dump"
    shutil.copytree(exported, out)
    (out / "notes.txt").write_text("mine")

    def run(*args: str):
        return runner.invoke(main, ["--data-dir", built.config.data_dir, "export", *args],
                             catch_exceptions=False)

    result = run("--all", str(out))
    assert result.exit_code == 1 and "notes.txt" in result.stderr
    assert (out / "notes.txt").exists()
    result = runner.invoke(main, ["--data-dir", built.config.data_dir, "export", "--all",
                                  str(out), "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2
    result = run("--format", "quickstatements")
    assert result.exit_code == 0 and result.stdout.startswith("Q")
