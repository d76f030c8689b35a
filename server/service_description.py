"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from server.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = {
    "sd": SD,
    "rdfs": RDFS,
    "formats": "http://www.w3.org/ns/formats/",
}

#: Lists the named graphs of the store, for sd:namedGraph.
NAMED_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(
    endpoint: str, named_graphs: Iterable[str], *, allow_service: bool = False
) -> list[ox.Triple]:
    """The service description of the endpoint at ``endpoint`` over those named graphs."""
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, ox.NamedNode(RDFS + "label"),
                  ox.Literal("SPARQL endpoint of the Cold War knowledge graph (read-only)")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
    ]
    if allow_service:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    triples += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.iri))
        for f in SOLUTION_FORMATS + GRAPH_FORMATS
    ]
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(RDFS + "comment"), ox.Literal(
            "The default graph is the union of all the named graphs, unless the request "
            "names its dataset (default-graph-uri, named-graph-uri, FROM, FROM NAMED).")),
    ]
    for name in named_graphs:
        node = ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(name)),
        ]
    return triples


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    prefixes = PREFIXES if fmt.writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt.writer, prefixes=prefixes)
