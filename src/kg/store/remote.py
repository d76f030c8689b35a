"""A remote SPARQL store, for serving from an external triple store (``KG_STORE=http...``).

:class:`RemoteStore` answers SPARQL queries (the text is forwarded with the project's
prefixes added, the store's response passed through); :class:`RemoteGraph` puts it behind
the few calls the web side makes of a pyoxigraph ``Store``. The remote store must treat
its default graph as the union of the named graphs, as the embedded one does: ``oxigraph
serve --union-default-graph`` or, per request, oxigraph's ``union-default-graph``
parameter (sent when ``union_param`` is set); Fuseki's ``tdb2:unionDefaultGraph true``;
GraphDB and Virtuoso do so by default.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.store.query import with_prologue


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass
class RemoteStore:
    """``query_url``: the store's SPARQL query endpoint (oxigraph ``/query``, Fuseki
    ``/<dataset>/query``)."""

    query_url: str
    base_iri: str
    timeout: float = 10.0
    union_param: bool = False

    @classmethod
    def from_url(cls, url: str, base_iri: str, timeout: float = 10.0) -> RemoteStore:
        """From ``KG_STORE``: a query endpoint; an oxigraph root (``http://host:7878``) or
        its ``/store`` gets ``/query`` and the union-default-graph parameter."""
        url = url.rstrip("/")
        if url.endswith("/store"):
            url = url[: -len("/store")]
        if not url.endswith(("/query", "/sparql")):
            return cls(url + "/query", base_iri, timeout, union_param=True)
        return cls(url, base_iri, timeout)

    def query(self, text: str, accept: str = "application/sparql-results+json") -> Answer:
        """Run ``text`` (with the project's prefixes) remotely; return the raw answer."""
        params = {"query": with_prologue(text, self.base_iri)}
        if self.union_param:
            params["union-default-graph"] = ""
        req = urllib.request.Request(
            self.query_url, data=urlencode(params).encode(), method="POST",
            headers={"Accept": accept,
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                return Answer(resp.status, resp.headers.get("Content-Type", ""), resp.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise QueryError(f"the remote store rejected the query: {detail}") from None
            raise StoreError(f"the remote store answered HTTP {exc.code}: {detail}") from None
        except OSError as exc:
            raise StoreError(f"cannot reach the remote store at {self.query_url}: {exc}") \
                from None

    def select(self, text: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """A SELECT's solutions as {variable: term}."""
        answer = self.query(text, accept="application/sparql-results+json")
        rows = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in rows.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in rows]


_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _form(text: str) -> str:
    """The query form, read after the prologue (PREFIX/BASE lines and comments)."""
    body = re.sub(r"#[^\n]*", " ", text)
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", body)
    match = _FORM.search(body)
    return match.group(1).upper() if match else "SELECT"


def _term(term: object) -> str:
    return str(term) if term is not None else ""


class RemoteGraph:
    """The remote store behind the few calls the web side makes of a pyoxigraph ``Store``
    (``query`` and ``quads_for_pattern``), so that data documents, pages and search work
    the same over an external store as over the embedded one."""

    def __init__(self, remote: RemoteStore):
        self.remote = remote

    def query(self, text: str, use_default_graph_as_union: bool = True) -> object:
        form = _form(text)
        if form in {"CONSTRUCT", "DESCRIBE"}:
            answer = self.remote.query(text, accept="application/n-triples")
            return list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        answer = self.remote.query(text, accept="application/sparql-results+json")
        return ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)

    def quads_for_pattern(self, subject: object = None, predicate: object = None,
                          obj: object = None, graph_name: object = None) -> list[ox.Quad]:
        s, p, o, g = (_term(t) or f"?{v}" for t, v in
                      ((subject, "s"), (predicate, "p"), (obj, "o"), (graph_name, "g")))
        text = f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}"
        solutions = self.query(text)
        quads = []
        for row in solutions:  # type: ignore[attr-defined]
            quads.append(ox.Quad(subject or row["s"], predicate or row["p"], obj or row["o"],
                                 graph_name or row["g"]))
        return quads

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.quads_for_pattern())


def is_remote(store: str) -> bool:
    """Whether a ``KG_STORE`` setting names a remote store (``http://...``)."""
    return store.startswith(("http://", "https://"))
