"""The dataset's description in VoID and DCAT: what it is, where it comes from, under which
terms it may be reused, when and with which version it was built, and how many triples each
named graph holds.

Every dump carries this description in the named graph ``<base>/graph/dataset`` (merged into
the triple formats). Creation date and version come from the build metadata written next to
the store (``build.json``), never from the clock at export time, so that exporting an
unchanged store twice gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.store.explanations import WithExplanations
from kg.store.query import execute

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
WD = "http://www.wikidata.org/entity/"

#: Prefixes the description uses beyond the project's own (kg.store.query.prefixes_for).
PREFIXES = {"void": VOID, "dcat": DCAT}

TITLE = "Cold War documents knowledge graph"
DESCRIPTION = (
    "Declassified Cold War documents (telegrams and cables between Mao Zedong, Stalin and "
    "Soviet envoys, 1948-1949) from the Wilson Center Digital Archive, as a knowledge graph. "
    "Every curated statement is a kg:Fact traced to the passage that states it (a W3C Web "
    "Annotation with the exact quotation and its character offsets) and attributed to "
    "whoever made the claim. Named graphs: the ontology, the entity registry, one graph per "
    "document, and what OWL 2 RL reasoning added."
)
#: Our curation (statements, annotations, registry, alignments).
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
RIGHTS = (
    "The source documents are published by the Wilson Center Digital Archive; copyright in "
    "them stays with their rights holders, and each archival record carries the archive's "
    "reuse statement (kg:rights, repeated below). The curation in this dataset (statements, "
    "evidence annotations, registry, alignments) is licensed under CC BY 4.0."
)
ARCHIVE = "https://digitalarchive.wilsoncenter.org/"
ARCHIVE_TITLE = "Wilson Center Digital Archive"
#: Wikidata itself, as the target of the registry's links.
WIKIDATA = WD + "Q2013"


@dataclass(frozen=True)
class Distribution:
    """One file of ``kg export --all``: its name, IANA media type and a title."""

    file: str
    media_type: str
    title: str


def dataset_iri(base: str) -> str:
    return f"{base}/dataset"


def graph_iri(base: str) -> str:
    """The named graph that carries the description in every dump."""
    return f"{base}/graph/dataset"


def describe(store: ox.Store, base: str, meta: dict[str, Any],
             distributions: Sequence[Distribution] = ()) -> list[ox.Triple]:
    """The VoID/DCAT description of the store, sorted; ``meta`` is the build metadata."""
    kg = f"{base}/ontology#"
    dataset = _iri(dataset_iri(base))
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, _iri(p), o))

    add(dataset, RDF + "type", _iri(VOID + "Dataset"))
    add(dataset, RDF + "type", _iri(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", ox.Literal(TITLE, language="en"))
    add(dataset, DCTERMS + "description", ox.Literal(DESCRIPTION, language="en"))
    add(dataset, DCTERMS + "license", _iri(LICENSE))
    add(dataset, DCTERMS + "rights", ox.Literal(RIGHTS, language="en"))
    add(dataset, DCTERMS + "source", _iri(ARCHIVE))
    add(_iri(ARCHIVE), DCTERMS + "title", ox.Literal(ARCHIVE_TITLE, language="en"))
    add(dataset, VOID + "uriSpace", ox.Literal(f"{base}/id/"))
    add(dataset, VOID + "rootResource", _iri(f"{base}/ontology"))
    if meta.get("built"):
        add(dataset, DCTERMS + "created",
            ox.Literal(str(meta["built"]), datatype=_iri(XSD + "dateTime")))
    if meta.get("version"):
        add(dataset, DCAT + "version", ox.Literal(str(meta["version"])))
        add(dataset, OWL + "versionInfo", ox.Literal(str(meta["version"])))

    for record, title, rights in _records(store, base):
        add(dataset, PROV + "wasDerivedFrom", _iri(record))
        if title:
            add(_iri(record), DCTERMS + "title", ox.Literal(title))
        if rights:
            add(dataset, DCTERMS + "rights", ox.Literal(rights))

    counts = _graph_counts(store, base)
    add(dataset, VOID + "triples", _int(sum(counts.values())))
    add(dataset, VOID + "entities", _int(_count_entities(store, base)))
    for graph, n in sorted(counts.items()):
        subset = _iri(graph)
        add(dataset, VOID + "subset", subset)
        add(subset, RDF + "type", _iri(VOID + "Dataset"))
        add(subset, DCTERMS + "title", ox.Literal(_graph_title(store, base, graph), language="en"))
        add(subset, VOID + "triples", _int(n))
    for vocabulary in _vocabularies(store, kg):
        add(dataset, VOID + "vocabulary", _iri(vocabulary))

    links = _iri(f"{base}/dataset/wikidata-links")
    add(dataset, VOID + "subset", links)
    add(links, RDF + "type", _iri(VOID + "Linkset"))
    add(links, DCTERMS + "title",
        ox.Literal("Registry entities linked to their verified Wikidata items", language="en"))
    add(links, VOID + "linkPredicate", _iri(SKOS + "exactMatch"))
    add(links, VOID + "subjectsTarget", dataset)
    add(links, VOID + "objectsTarget", _iri(WIKIDATA))
    add(links, VOID + "triples", _int(_count_wikidata_links(store)))

    for dist in distributions:
        node = _iri(f"{base}/dataset/distribution/{dist.file}")
        add(dataset, DCAT + "distribution", node)
        add(node, RDF + "type", _iri(DCAT + "Distribution"))
        add(node, DCTERMS + "title", ox.Literal(dist.title, language="en"))
        add(node, DCTERMS + "identifier", ox.Literal(dist.file))
        add(node, DCAT + "mediaType",
            _iri(f"https://www.iana.org/assignments/media-types/{dist.media_type}"))
        add(node, DCTERMS + "license", _iri(LICENSE))
    return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def _rows(store: ox.Store, query: str, base: str) -> Iterable[ox.QuerySolution]:
    result = execute(store, query, base)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _value(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def _records(store: ox.Store, base: str) -> list[tuple[str, str | None, str | None]]:
    rows = _rows(store, """
        SELECT DISTINCT ?r ?title ?rights WHERE {
          ?r a kg:ArchivalRecord .
          OPTIONAL { ?r kg:title ?title } OPTIONAL { ?r kg:rights ?rights }
        } ORDER BY ?r""", base)
    return [(str(r["r"].value), _value(r["title"]), _value(r["rights"])) for r in rows]


def _graph_counts(store: ox.Store, base: str) -> dict[str, int]:
    rows = _rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                 base)
    counts = {str(r["g"].value): int(r["n"].value) for r in rows}
    if isinstance(store, WithExplanations):  # the explanations beside the store
        graph = store.explanations.graph.value
        counts[graph] = counts.get(graph, 0) + store.explanations.lines
    return counts


def _count_entities(store: ox.Store, base: str) -> int:
    rows = _rows(store, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o
        FILTER(STRSTARTS(STR(?s), "{base}/id/")) }}""", base)
    beside = store.explanations.subjects(f"{base}/id/") if isinstance(
        store, WithExplanations) else 0
    return int(next(iter(rows))["n"].value) + beside


def _count_wikidata_links(store: ox.Store) -> int:
    rows = store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
        ?s <{SKOS}exactMatch> ?o FILTER(STRSTARTS(STR(?o), "{WD}")) }} }}""",
                       use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _vocabularies(store: ox.Store, kg: str) -> list[str]:
    """The namespaces of every predicate in the data (the ontology's own as ``<base>/ontology``)."""
    rows = store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(rows, ox.QuerySolutions)
    spaces = set()
    for row in rows:
        iri = str(row["p"].value)
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        spaces.add(kg[:-1] if iri.startswith(kg) else iri[:cut])
    return sorted(spaces)


def _graph_title(store: ox.Store, base: str, graph: str) -> str:
    name = graph.removeprefix(f"{base}/graph/")
    fixed = {"ontology": "The ontology", "registry": "The entity registry",
             "inferred": "What OWL 2 RL reasoning added"}
    if name in fixed:
        return fixed[name]
    if name.startswith("document/"):
        doc = name.removeprefix("document/")
        rows = list(_rows(store, f"SELECT ?t WHERE {{ <{base}/id/document/{doc}> kg:title ?t }}",
                          base))
        title = str(rows[0]["t"].value) if rows else doc
        return f"What the document says: {title}"
    return name
