"""The result formats the SPARQL endpoint speaks, and how a request chooses one.

SELECT and ASK answer with SPARQL results (:data:`SOLUTION_FORMATS`), CONSTRUCT and
DESCRIBE with an RDF graph (:data:`GRAPH_FORMATS`). A request chooses by its ``Accept``
header or, overriding it, by a ``format`` parameter (``json``, ``xml``, ``csv``, ``tsv``,
``ttl``, ``nt``, ``rdfxml``, ``jsonld``, ``nq``, ``trig``, ``n3``, the names SPARQLWrapper
sends, or a media type). That is every format ``oxigraph serve`` offers, and
``application/xml`` for SPARQL results in XML; a graph answer in N-Quads or TriG is the
triples in the default graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KGError

if TYPE_CHECKING:  # werkzeug is not imported at run time: query processes import this module
    from werkzeug.datastructures import MIMEAccept

FORMATS_NS = "http://www.w3.org/ns/formats/"


class NotAcceptable(KGError):
    title = "Not acceptable"
    status = 406


class UnknownFormat(KGError):
    title = "Unknown format"
    status = 400


@dataclass(frozen=True)
class Format:
    """One serialization of query results."""

    key: str
    """Short name, as in ``format=json``; also how the executor is told what to write."""
    media_type: str
    graph: bool
    """True for RDF graph formats (CONSTRUCT, DESCRIBE), false for SPARQL results."""
    w3c_name: str
    """Local name in the W3C format registry (``http://www.w3.org/ns/formats/``)."""
    writer: Any
    """pyoxigraph's ``QueryResultsFormat`` or ``RdfFormat`` for it."""
    aliases: tuple[str, ...] = ()
    """Other media types clients ask for meaning this format."""

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"

    @property
    def iri(self) -> str:
        return FORMATS_NS + self.w3c_name


_R = ox.QueryResultsFormat
SOLUTION_FORMATS: tuple[Format, ...] = (  # the first is the default
    Format("json", "application/sparql-results+json", False, "SPARQL_Results_JSON", _R.JSON,
           ("application/json",)),
    Format("xml", "application/sparql-results+xml", False, "SPARQL_Results_XML", _R.XML,
           ("application/xml",)),
    Format("csv", "text/csv", False, "SPARQL_Results_CSV", _R.CSV),
    Format("tsv", "text/tab-separated-values", False, "SPARQL_Results_TSV", _R.TSV),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", True, "Turtle", ox.RdfFormat.TURTLE,
           ("application/x-turtle", "application/turtle")),
    Format("nt", "application/n-triples", True, "N-Triples", ox.RdfFormat.N_TRIPLES),
    Format("rdfxml", "application/rdf+xml", True, "RDF_XML", ox.RdfFormat.RDF_XML),
    Format("jsonld", "application/ld+json", True, "JSON-LD", ox.RdfFormat.JSON_LD),
    Format("nq", "application/n-quads", True, "N-Quads", ox.RdfFormat.N_QUADS),
    Format("trig", "application/trig", True, "TriG", ox.RdfFormat.TRIG),
    Format("n3", "text/n3", True, "N3", ox.RdfFormat.N3),
)
BY_KEY = {f.key: f for f in SOLUTION_FORMATS + GRAPH_FORMATS}

# format= values beyond the keys: SPARQLWrapper's names (it sends format=turtle, rdf, n3 ...).
# "json" and "xml" name a results format for SELECT/ASK and a graph format for CONSTRUCT.
_PARAM_ALIASES = {
    (False, "json"): "json", (True, "json"): "jsonld",
    (False, "xml"): "xml", (True, "xml"): "rdfxml",
    (True, "turtle"): "ttl", (True, "n3"): "ttl",
    (True, "ntriples"): "nt", (True, "n-triples"): "nt",
    (True, "rdf"): "rdfxml", (True, "rdf+xml"): "rdfxml",
    (True, "json-ld"): "jsonld",
    (True, "nquads"): "nq", (True, "n-quads"): "nq",
}


def offered(graph: bool) -> tuple[Format, ...]:
    return GRAPH_FORMATS if graph else SOLUTION_FORMATS


def media_types(graph: bool) -> list[str]:
    """The media types a client may ask for, the main ones first, then aliases."""
    formats = offered(graph)
    return [f.media_type for f in formats] + [a for f in formats for a in f.aliases]


def by_media_type(media_type: str, graph: bool) -> Format | None:
    media_type = media_type.split(";", 1)[0].strip().lower()
    for f in offered(graph):
        if media_type == f.media_type or media_type in f.aliases:
            return f
    return None


def from_param(values: Sequence[str], graph: bool) -> Format | None:
    """The format a ``format`` parameter names, or None when there is none.

    SPARQLWrapper repeats the parameter (``format=tsv&format=text/tab-separated-values``):
    the first value this endpoint knows wins.
    """
    if not values:
        return None
    kind = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
    choices = ", ".join(f.key for f in offered(graph))
    for value in values:
        name = value.strip().lower()
        key = _PARAM_ALIASES.get((graph, name), name)
        if key in BY_KEY:
            if BY_KEY[key].graph != graph:
                raise NotAcceptable(
                    f"format={value} does not fit a {kind} query; choose one of {choices}"
                )
            return BY_KEY[key]
        found = by_media_type(name, graph)
        if found:
            return found
    raise UnknownFormat(
        f"unknown format {values[0]!r}; a {kind} query can be returned as {choices}"
    )


def negotiate(accept: MIMEAccept, graph: bool) -> Format:
    """Choose a format by the ``Accept`` header (q-values, wildcards); none means the default."""
    if not accept:
        return offered(graph)[0]
    chosen = accept.best_match(media_types(graph))
    found = by_media_type(chosen, graph) if chosen else None
    if found is None:
        raise NotAcceptable(
            "none of the media types in the Accept header can be produced for this query; "
            "acceptable: " + ", ".join(f.media_type for f in offered(graph))
        )
    return found


@lru_cache(maxsize=256)
def negotiate_header(accept: str, graph: bool) -> Format:
    """:func:`negotiate` for the text of an ``Accept`` header (clients send the same few
    again and again: each is parsed once)."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    return negotiate(parse_accept_header(accept, MIMEAccept), graph)
