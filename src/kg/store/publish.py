"""Publish a built store to any triple store that speaks the SPARQL 1.1 Graph Store HTTP
Protocol, named graphs kept.

Each named graph of the local store is sent as N-Triples to ``<url>?graph=<graph IRI>``
(indirect graph identification): the first chunk with ``PUT`` (replacing what the remote
graph held), the rest with ``POST`` (merging), so a graph of millions of triples never sits
in memory as one request. Only the standard library's HTTP client is used.

Authentication (``user``): Basic, sent with every request; or Digest when the store asks
for it (Virtuoso's ``/sparql-graph-crud-auth``). Before any body is sent, a ``HEAD`` learns
the scheme and a second one tries the credentials (refused: one clear error); then every
request carries its own digest, and a nonce gone stale is renewed once.

Endpoints: ``oxigraph serve`` -> ``http://host:7878/store``; Apache Jena Fuseki ->
``http://host:3030/<dataset>/data``; GraphDB -> ``http://host:7200/repositories/<repo>/rdf-graphs/service``;
Virtuoso -> ``http://host:8890/sparql-graph-crud-auth`` (user ``dba``); Blazegraph and
RDF4J have their own paths, see docs/scaling.md.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import quote
from urllib.request import parse_http_list, parse_keqv_list

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
    auth = _Auth(url, user, password or "", timeout) if user is not None else None
    result = Published(url)
    with open_store(store_path) as store:
        graphs = sorted(store.named_graphs(), key=lambda g: g.value)
        if graphs:  # before any body is sent: a store may close the connection mid-body
            if auth is not None:
                auth.check(_target(url, graphs[0].value))
            elif _head(_target(url, graphs[0].value), None, timeout)[0] == 401:
                raise StoreError(f"the store at {url} asks for a user name and password "
                                 "(--user, --password)")
        for graph in graphs:
            count = 0
            for i, (body, n) in enumerate(_chunks(store, graph)):
                _send(_target(url, graph.value), body, "PUT" if i == 0 else "POST", auth,
                      timeout)
                count += n
            result.graphs[graph.value] = count
    return result


class _Auth:
    """The ``Authorization`` header of each request: Basic, or Digest (RFC 7616, computed
    by the standard library's digest handler) when the store challenges for it."""

    def __init__(self, url: str, user: str, password: str, timeout: float):
        self.user, self.timeout = user, timeout
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.basic = f"Basic {token}"
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password)
        self.digest = urllib.request.AbstractDigestAuthHandler(passwords)
        self.challenge: dict[str, str] | None = None

    def header(self, req: urllib.request.Request) -> str:
        if self.challenge is None:
            return self.basic
        value = self.digest.get_authorization(req, self.challenge)
        if value is None:
            raise StoreError(f"cannot answer the store's digest challenge {self.challenge}")
        return f"Digest {value}"

    def renew(self, target: str) -> None:
        """Take the store's challenge (a ``HEAD`` without credentials): Digest, with a
        fresh nonce, or none (Basic then)."""
        status, headers = _head(target, None, self.timeout)
        scheme, _, params = (headers.get("WWW-Authenticate") or "").partition(" ")
        if status == 401 and scheme.lower() == "digest":
            self.challenge = parse_keqv_list([p for p in parse_http_list(params) if p])

    def check(self, target: str) -> None:
        """Learn the scheme, then try the credentials on a ``HEAD``, before any body is
        sent (a store that refuses them may close the connection mid-body)."""
        self.renew(target)
        req = urllib.request.Request(target, method="HEAD")
        status, _ = _head(target, self.header(req), self.timeout)
        if status in (401, 403):
            raise StoreError(f"the store at {target.split('?')[0]} refused user "
                             f"{self.user!r}: HTTP {status}")


def _head(target: str, authorization: str | None, timeout: float) -> tuple[int, Message]:
    """A ``HEAD`` of ``target``: its status and headers."""
    req = urllib.request.Request(target, method="HEAD")
    if authorization:
        req.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (user's URL)
            return resp.status, resp.headers
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, exc.headers
    except OSError as exc:
        raise StoreError(f"cannot reach the store at {target}: {exc}") from None


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


def _target(url: str, graph: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}graph={quote(graph, safe='')}"


def _send(target: str, body: bytes, method: str, auth: _Auth | None, timeout: float,
          retried: bool = False) -> None:
    req = urllib.request.Request(target, data=body, method=method,
                                 headers={"Content-Type": f"{NT}; charset=utf-8"})
    if auth is not None:
        req.add_header("Authorization", auth.header(req))
    # With Digest, a nonce that went stale is refused with a 401, perhaps before the body
    # is read (a broken connection): once, take a fresh challenge and send again.
    renew = auth is not None and auth.challenge is not None and not retried
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (user's URL)
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        if renew and exc.code == 401:
            auth.renew(target)  # type: ignore[union-attr]
            return _send(target, body, method, auth, timeout, retried=True)
        raise StoreError(f"{method} {target} failed: HTTP {exc.code} {detail}".strip()) from None
    except OSError as exc:
        if renew:
            auth.renew(target)  # type: ignore[union-attr]
            return _send(target, body, method, auth, timeout, retried=True)
        raise StoreError(f"cannot reach the store at {target}: {exc}") from None
