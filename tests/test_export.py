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
from kg.export import jsonld, ntriples, turtle
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
def wanted(built: Built, exported: Path) -> dict[str, set[str]]:
    """What every dump must hold, one N-Quads line (as pyoxigraph writes it) a statement:
    the store's quads and the explanations kept beside it, plus the description (void.ttl)
    in its graph ("quads"); the same with the graphs merged ("triples")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        path = built.config.store_path.resolve()
        store = ox.Store.read_only(str(path))
    beside = open_explanations(path)
    assert beside is not None
    graph = ox.NamedNode(f"{built.config.base_iri}/graph/dataset")
    void = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in ox.parse(
        path=str(exported / "void.ttl"), format=ox.RdfFormat.TURTLE)]
    assert void
    text = b"".join((store.dump(format=ox.RdfFormat.N_QUADS),
                     ox.serialize(WithExplanations(store, beside).beside(),
                                  format=ox.RdfFormat.N_QUADS),
                     ox.serialize(void, format=ox.RdfFormat.N_QUADS)))
    del store
    dataset = ox.Store()
    dataset.load(text, format=ox.RdfFormat.N_QUADS)
    triples = set().union(*(_lines(dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g))
                            for g in [ox.DefaultGraph(), *dataset.named_graphs()]))
    return {"quads": _lines(text), "triples": triples}


@pytest.fixture(scope="module")
def expected(wanted: dict[str, set[str]]) -> dict[object, Triples]:
    """The same graph by graph, in rdflib's terms, for comparing rdflib's parses."""
    return _by_graph(ox.parse("\n".join(wanted["quads"]).encode(), format=ox.RdfFormat.N_QUADS))


def _lines(nquads: bytes) -> set[str]:
    return set(nquads.decode().splitlines())


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
        for t in triples:  # a predicate is never a blank node
            (blank.add(t) if isinstance(t[0], BNode) or isinstance(t[2], BNode)
             else ground.add(t))
        return ground, blank

    a_ground, a_blank = split(actual)
    w_ground, w_blank = split(wanted)
    assert a_ground == w_ground, (sorted(a_ground - w_ground)[:3], sorted(w_ground - a_ground)[:3])
    assert len(a_blank) == len(w_blank)
    assert isomorphic(a_blank, w_blank)


def _same_graphs(graphs: dict[object, Triples], wanted: dict[object, Triples]) -> None:
    assert set(graphs) == set(wanted)
    for graph, g in graphs.items():
        _same(g, wanted[graph])


def _merged(graphs: dict[object, Triples]) -> Triples:
    return set().union(*graphs.values())


def _ox_same(path: Path, fmt: ox.RdfFormat, wanted: set[str]) -> None:
    """pyoxigraph's parse of a dump, written as N-Quads, against the wanted lines: the same
    ground statements, isomorphic ones with blank nodes (graph by graph, with rdflib)."""
    actual = _lines(ox.serialize(ox.parse(path=str(path), format=fmt),
                                 format=ox.RdfFormat.N_QUADS))
    a_ground = {line for line in actual if "_:" not in line}
    w_ground = {line for line in wanted if "_:" not in line}
    assert a_ground == w_ground, (sorted(a_ground - w_ground)[:3], sorted(w_ground - a_ground)[:3])

    def blank(lines: set[str]) -> dict[object, Triples]:
        text = "\n".join(line for line in lines if "_:" in line)
        return _by_graph(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))

    assert len(actual) == len(wanted) and len(a_ground) < len(wanted)
    _same_graphs(blank(actual), blank(wanted))


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


def test_turtle_and_ntriples_parse_back_with_rdflib_and_pyoxigraph(
        exported: Path, wanted, expected) -> None:
    """All graphs merged: rdflib and pyoxigraph read each file as the store's statements."""
    merged = _merged(expected)
    text = (exported / "graph.ttl").read_text()
    assert text.startswith("@prefix kg: ") and "\nperson:mao-zedong a " in text
    _same(set(Graph().parse(data=text, format="turtle")), merged)
    _same(set(Graph().parse(exported / "graph.nt", format="nt")), merged)
    _ox_same(exported / "graph.ttl", ox.RdfFormat.TURTLE, wanted["triples"])
    _ox_same(exported / "graph.nt", ox.RdfFormat.N_TRIPLES, wanted["triples"])


def test_nquads_and_trig_keep_the_named_graphs(exported: Path, wanted, expected) -> None:
    """N-Quads and TriG with rdflib and pyoxigraph: graph by graph."""
    for name, fmt, ox_fmt in (("graph.nq", "nquads", ox.RdfFormat.N_QUADS),
                              ("graph.trig", "trig", ox.RdfFormat.TRIG)):
        _same_graphs(_rdflib_graphs((exported / name).read_bytes(), fmt), expected)
        _ox_same(exported / name, ox_fmt, wanted["quads"])


def test_jsonld_expands_and_compacts_with_its_published_context(
        built: Built, exported: Path, wanted, expected) -> None:
    document = json.loads((exported / "graph.jsonld").read_text())
    published = json.loads((exported / "context.jsonld").read_text())
    assert document["@context"] == published["@context"]
    # The context in docs/ is the one published for the default base.
    docs = json.loads((PROJECT_ROOT / "docs" / "context.jsonld").read_text())
    assert docs == json_ld_context(DEFAULT_BASE_IRI)
    assert "person:mao-zedong" in {node["@id"] for g in document["@graph"]
                                   for node in g["@graph"]}
    # Expanded to RDF by rdflib and by pyoxigraph: the store's graphs.
    _same_graphs(_rdflib_graphs((exported / "graph.jsonld").read_bytes(), "json-ld"), expected)
    _ox_same(exported / "graph.jsonld", ox.RdfFormat.JSON_LD, wanted["quads"])
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
    # Read with pyoxigraph: rdflib's parse of this file is checked above.
    triples = list(ox.parse(path=str(exported / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    linked = {(q.subject.value.rsplit("/", 1)[-1], q.object.value.rsplit("/", 1)[-1])
              for q in triples if q.predicate.value == str(SKOS.exactMatch)
              and q.object.value.startswith("http://www.wikidata.org/entity/")}
    assert linked == set(qids.items())
    assert not [q for q in triples if q.predicate.value == str(OWL.sameAs)
                and ("wikidata.org" in str(q.object) or "wikidata.org" in str(q.subject))]


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


def test_writers_keep_awkward_terms() -> None:
    """Turtle, TriG and JSON-LD, written from N-Triples lines, read back as the same
    statements with terms the seed data does not have: escapes, language tags,
    integers with a sign or leading zeros, rdf:type as an object, IRIs that need <>, blank
    nodes (also as a graph's name) and the default graph."""
    ex = "http://example.org/"
    a, p, g = ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "g")
    rdf_type = ox.NamedNode(str(RDF.type))

    def integer(text: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(str(XSD.integer)))

    quads = {
        ox.Quad(a, rdf_type, ox.NamedNode(ex + "C"), g),
        ox.Quad(a, p, ox.Literal('say "hi" \\ \n\t\r\x08\x0c\x01\x7f é 😀 _:x <y>'), g),
        ox.Quad(a, p, ox.Literal("Mao", language="en-GB"), g),
        ox.Quad(a, p, integer("007"), g),
        ox.Quad(a, p, integer("+8"), g),
        ox.Quad(a, p, integer("-7"), g),
        ox.Quad(a, p, integer("1 "), g),
        ox.Quad(a, p, ox.Literal("1.5", datatype=ox.NamedNode(str(XSD.decimal))), g),
        ox.Quad(a, p, rdf_type, g),
        ox.Quad(ox.NamedNode(ex + "dir/x."), p, ox.NamedNode(ex + "b?c=d"), g),
        ox.Quad(ox.BlankNode("b1"), p, ox.BlankNode("b10")),
        ox.Quad(a, p, ox.Literal(""), ox.BlankNode("g1")),
    }
    store = ox.Store()
    store.extend(quads)
    quads = set(store)  # as the store keeps them ("007" as 7, "en-GB" as "en-gb")
    graphs = ntriples.read(store, {})
    known = {"ex": ex, "rdf": str(RDF)}
    merged = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    for data, fmt, want in (
            (turtle.turtle(ntriples.merged(graphs), known, ex), ox.RdfFormat.TURTLE, merged),
            (turtle.trig(graphs, known, ex), ox.RdfFormat.TRIG, quads),
            (jsonld.document(graphs, known), ox.RdfFormat.JSON_LD, quads)):
        assert set(ox.parse(data, format=fmt)) == want, data.decode()
    text = turtle.trig(graphs, known, ex).decode()
    assert "\n    ex:a a ex:C ;\n        ex:p rdf:type ,\n" in text  # `a` as the verb only
    assert "\n            7 ,\n" in text and "\n            -7 ,\n" in text  # integers bare
    assert "\n    <http://example.org/dir/x.> ex:p" in text and "\n_:g1 {\n" in text
    # The JSON-LD text is put together by hand in the standard library's layout.
    document = jsonld.document(graphs, known)
    assert document == (json.dumps(json.loads(document), ensure_ascii=False, indent=1)
                        + "\n").encode()
