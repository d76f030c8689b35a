"""A remote SPARQL store, for serving from an external triple store (``KG_STORE=http...``).

:class:`RemoteStore` answers SPARQL queries (the text is forwarded with the project's
prefixes added, the store's response passed through); :class:`RemoteGraph` puts it behind
the few calls the web side makes of a pyoxigraph ``Store``. The remote store must treat
its default graph as the union of the named graphs, as the embedded one does: ``oxigraph
serve --union-default-graph`` or, per request, oxigraph's ``union-default-graph``
parameter (sent when ``union_param`` is set); Fuseki's ``tdb2:unionDefaultGraph true``;
GraphDB and Virtuoso (``http://host:8890/sparql``) do so by default.

Answers are checked, not trusted: one the store says it cut short (Virtuoso's
``X-SPARQL-MaxRows``, when a result passes its ``ResultSetMaxRows``) or left incomplete
(``X-SQL-State``, an "anytime" answer stopped by a timeout) raises :class:`StoreError`
instead of passing for the whole answer. Blank nodes that a store names with something
other than a blank node label (Virtuoso's ``nodeID://b10094`` in JSON results, ``_:b10094``
in its N-Triples) get a label, so results parse; such a node cannot be looked up again.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.store.query import with_prologue

JSON = "application/sparql-results+json"


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

    def query(self, text: str, accept: str = JSON) -> Answer:
        """Run ``text`` (with the project's prefixes) remotely; return the answer: the
        store's own for a graph (CONSTRUCT, DESCRIBE) or a SELECT in JSON; otherwise the
        store's JSON written again in ``accept`` by pyoxigraph, so that results in XML,
        CSV and TSV, and ASK in any format, are the standard ones whatever the store
        (Virtuoso 7.2 answers ASK as a SELECT of one ``__ASK_RETVAL`` column, and
        writes TSV headers as quoted strings)."""
        form = _form(text)
        if form not in {"SELECT", "ASK"}:
            return self._fetch(text, accept)
        wanted = JSON if accept.startswith(JSON) else accept
        if form == "SELECT" and wanted == JSON:
            return self._fetch(text, JSON)
        fmt = ox.QueryResultsFormat.from_media_type(wanted)
        if fmt is None:
            return self._fetch(text, accept)
        answer = self._fetch(text, JSON)
        body = solutions(answer.body, ask=form == "ASK").serialize(format=fmt)
        return Answer(answer.status, fmt.media_type, body)

    def _fetch(self, text: str, accept: str) -> Answer:
        params = {"query": with_prologue(text, self.base_iri)}
        if self.union_param:
            params["union-default-graph"] = ""
        req = urllib.request.Request(
            self.query_url, data=urlencode(params).encode(), method="POST",
            headers={"Accept": accept,
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                answer = Answer(resp.status, resp.headers.get("Content-Type", ""), resp.read())
                headers = resp.headers
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise QueryError(f"the remote store rejected the query: {detail}") from None
            raise StoreError(f"the remote store answered HTTP {exc.code}: {detail}") from None
        except OSError as exc:
            raise StoreError(f"cannot reach the remote store at {self.query_url}: {exc}") \
                from None
        if headers.get("X-SPARQL-MaxRows"):
            raise StoreError(f"the remote store cut the answer at {headers['X-SPARQL-MaxRows']} "
                             "rows (for Virtuoso: raise ResultSetMaxRows in its [SPARQL] "
                             "settings)")
        if headers.get("X-SQL-State"):
            raise StoreError("the remote store returned an incomplete answer: "
                             f"{headers['X-SQL-State']} {headers.get('X-SQL-Message', '')}"
                             .strip()[:300])
        return answer

    def select(self, text: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """A SELECT's solutions as {variable: term}."""
        rows = solutions(self.query(text).body)
        if not isinstance(rows, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in rows.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in rows]


def solutions(body: bytes, *, ask: bool = False) -> ox.QuerySolutions | ox.QueryBoolean:
    """SPARQL JSON results parsed; blank nodes given a label where the store gave none
    (Virtuoso's ``nodeID://b10094`` becomes ``b10094``, as in its N-Triples); for an ASK
    (``ask``) answered as rows, true when a row holds anything but 0 or false."""
    if ask or b'"bnode"' in body:
        data = json.loads(body)
        rows = data.get("results", {}).get("bindings", [])
        if ask and "boolean" not in data:
            data = {"head": {}, "boolean": any(
                term.get("value") not in {"0", "false"} for row in rows for term in row.values())}
        for row in rows:
            for term in row.values():
                if term.get("type") == "bnode":
                    term["value"] = _label(term["value"])
        body = json.dumps(data).encode()
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def _label(value: str) -> str:
    value = value.removeprefix("_:").removeprefix("nodeID://")
    return re.sub(r"[^A-Za-z0-9_-]", "_", value) or "b"


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
        return solutions(self.remote.query(text).body)

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
