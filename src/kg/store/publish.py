"""Publish a built store to any triple store that speaks the SPARQL 1.1 Graph Store HTTP
Protocol, named graphs kept.

Each named graph of the local store is sent as N-Triples to ``<url>?graph=<graph IRI>``
(indirect graph identification): the first chunk with ``PUT`` (replacing what the remote
graph held), the rest with ``POST`` (merging), so a graph of millions of triples never sits
in memory as one request. Only the standard library's HTTP client is used.

Endpoints: ``oxigraph serve`` -> ``http://host:7878/store``; Apache Jena Fuseki ->
``http://host:3030/<dataset>/data``; GraphDB -> ``http://host:7200/repositories/<repo>/rdf-graphs/service``;
Blazegraph, Virtuoso and RDF4J have their own paths, see docs/scaling.md.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store.builds import open_store

CHUNK = 200_000  # triples per request
NT = "application/n-triples"


@dataclass
class Published:
    url: str
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def publish(store_path: str | Path, url: str, *, user: str | None = None,
            password: str | None = None, timeout: float = 600.0) -> Published:
    """Copy every named graph of the store at ``store_path`` to the Graph Store at ``url``."""
    if not url.startswith(("http://", "https://")):
        raise StoreError(f"--store must be an http(s) Graph Store URL, got {url!r}")
    headers = {"Content-Type": f"{NT}; charset=utf-8"}
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    result = Published(url)
    with open_store(store_path) as store:
        for graph in sorted(store.named_graphs(), key=lambda g: g.value):
            count = 0
            for i, (body, n) in enumerate(_chunks(store, graph)):
                _send(url, graph.value, body, "PUT" if i == 0 else "POST", headers, timeout)
                count += n
            result.graphs[graph.value] = count
    return result


def _chunks(store: ox.Store, graph: ox.NamedNode) -> Iterator[tuple[bytes, int]]:
    batch: list[ox.Triple] = []
    quads = store.quads_for_pattern(None, None, None, graph)
    for q in quads:
        batch.append(ox.Triple(q.subject, q.predicate, q.object))
        if len(batch) >= CHUNK:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)


def _send(url: str, graph: str, body: bytes, method: str, headers: dict[str, str],
          timeout: float) -> None:
    sep = "&" if "?" in url else "?"
    target = f"{url}{sep}graph={quote(graph, safe='')}"
    req = urllib.request.Request(target, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (user's URL)
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise StoreError(f"{method} {target} failed: HTTP {exc.code} {detail}".strip()) from None
    except OSError as exc:
        raise StoreError(f"cannot reach the store at {url}: {exc}") from None
