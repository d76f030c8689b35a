"""Linked data (W3C "Cool URIs for the Semantic Web"): every entity IRI under the base
dereferences. ``/id/...`` answers 303 See Other to an HTML page for browsers or to a data
document for RDF clients; ``/id/....ttl`` (``.nt``, ``.rdf``, ``.jsonld``, ``.html``) reach a
representation directly. The ontology dereferences at ``/ontology`` the same way.

Responses carry ``Vary: Accept`` and the build's ETag and Last-Modified, so caches and
conditional requests work; the data only changes with a new build.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, abort, redirect, render_template, request

from kg.read.describe import describe
from kg.read.record import record_header
from kg.read.view import dates_of, document_view, inverse_properties, resource_view
from kg.store.query import prefixes_for
from server import linked_data

bp = Blueprint("resources", __name__)

#: Representations by file extension: (media type, pyoxigraph format or None for HTML).
REPRESENTATIONS: dict[str, tuple[str, ox.RdfFormat | None]] = {
    "html": ("text/html", None),
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
_BY_TYPE = {media: ext for ext, (media, _) in REPRESENTATIONS.items()}
_ALSO = {"application/xhtml+xml": "html", "application/x-turtle": "ttl", "text/n3": "ttl",
         "application/json": "jsonld", "text/plain": "nt"}
#: What an entity path may contain: lowercase ids, digits, hyphens, slashes.
_PATH = re.compile(r"^[a-z0-9][a-z0-9\-_/]*$")
#: Rendered representations kept per process, keyed by build, path and extension.
CACHE_SIZE = 1024
_cache: dict[tuple[str, str, str], tuple[bytes, str, str]] = {}
#: The kinds of entity a page dates where it names them (communications, meetings ...).
_DATED = re.compile(r"^/id/(communication|meeting|operation|event|plan|document)/")
_EXT = re.compile(r"^(?P<path>.+)\.(?P<ext>html|ttl|nt|rdf|jsonld)$")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def negotiate(default: str = "html") -> str | None:
    """The extension of the representation the Accept header prefers, or None (406)."""
    offered = [*(_BY_TYPE), *(_ALSO)]
    if not request.accept_mimetypes:
        return default
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        return None
    return _BY_TYPE.get(best) or _ALSO[best]


def _validated(response: Response) -> Response:
    build = linked_data.current()
    response.set_etag(build.etag)
    response.last_modified = build.modified
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Cache-Control", "public, max-age=300")
    return response.make_conditional(request)


@bp.route("/id/<path:path>")
def entity(path: str) -> Response:
    match = _EXT.match(path)
    if match:
        return representation(match["path"], match["ext"])
    if not _PATH.match(path):
        abort(404)
    config = linked_data.config()
    iri = f"{config.base_iri}/id/{path}"
    if not _known(linked_data.current().with_explanations, ox.NamedNode(iri)):
        abort(404, description=f"nothing is known about <{iri}>")
    ext = negotiate()
    if ext is None:
        abort(406, description="available: " + ", ".join(_BY_TYPE))
    response = redirect(f"/id/{path}.{ext}", code=303)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _known(store: ox.Store, node: ox.NamedNode) -> bool:
    """Whether the store says anything about ``node`` (as :func:`kg.read.describe.describe`
    would find it: as subject or object)."""
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or \
        any(True for _ in store.quads_for_pattern(None, None, node, None))


def representation(path: str, ext: str) -> Response:
    if not _PATH.match(path):
        abort(404)
    build = linked_data.current()
    key = (build.etag, path, ext)
    cached = _cache.get(key)
    if cached is None:
        cached = _render(path, ext)
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = cached
    body, content_type, iri = cached
    response = Response(body, content_type=content_type)
    response.headers["Link"] = f'<{iri}>; rel="describes"'
    return _validated(response)


def _render(path: str, ext: str) -> tuple[bytes, str, str]:
    """A representation's bytes and media type; the data only change with a new build,
    so each process renders each one once (:data:`CACHE_SIZE` most recent kept)."""
    config = linked_data.config()
    base = config.base_iri
    iri = f"{base}/id/{path}"
    store = linked_data.current().with_explanations
    d = describe(store, iri, base)
    if not d.found:
        abort(404, description=f"nothing is known about <{iri}>")
    media, fmt = REPRESENTATIONS[ext]
    if fmt is None:
        from server.pages import cached

        inverses = cached("inverses", lambda: inverse_properties(store, base))
        dated = sorted({o.value for t in d.triples for o in (t.subject, t.object)
                        if isinstance(o, ox.NamedNode) and _DATED.match(o.value[len(base):])})
        view = resource_view(d, base, inverses, dates_of(store, dated, base))
        doc = document_view(store, iri, base) if path.startswith("document/") else None
        header = record_header(store, iri, base) if doc else None
        html = render_template("resource.html", view=view, doc=doc, header=header,
                               local=linked_data.local_path,
                               formats=[e for e in REPRESENTATIONS if e != "html"], path=path)
        return html.encode("utf-8"), "text/html; charset=utf-8", iri
    prefixes = prefixes_for(base) if ext in {"ttl", "jsonld"} else None
    return ox.serialize(d.triples, format=fmt, prefixes=prefixes), media, iri


@bp.route("/ontology", defaults={"ext": None})
@bp.route("/ontology.<any(html, ttl, nt, rdf, jsonld):ext>")
def ontology(ext: str | None) -> Response:
    """The ontology: HTML documentation for people, RDF for machines (by Accept)."""
    chosen = ext or negotiate()
    if chosen is None:
        abort(406, description="available: " + ", ".join(_BY_TYPE))
    config = linked_data.config()
    base = config.base_iri
    store = linked_data.current().store
    graph = ox.NamedNode(f"{base}/graph/ontology")
    triples = sorted((ox.Triple(q.subject, q.predicate, q.object)
                      for q in store.quads_for_pattern(None, None, None, graph)),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    media, fmt = REPRESENTATIONS[chosen]
    if fmt is None:
        response = Response(render_template("ontology.html", terms=_terms(triples, base)),
                            content_type="text/html; charset=utf-8")
    else:
        prefixes = prefixes_for(base) if chosen in {"ttl", "jsonld"} else None
        response = Response(ox.serialize(triples, format=fmt, prefixes=prefixes),
                            content_type=media)
    if ext is None:
        response.headers["Content-Location"] = f"/ontology.{chosen}"
    return _validated(response)


def _terms(triples: list[ox.Triple], base: str) -> list[dict[str, object]]:
    ns = f"{base}/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    terms: dict[str, dict[str, object]] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode) or not t.subject.value.startswith(ns):
            continue
        term = terms.setdefault(t.subject.value, {"name": t.subject.value[len(ns):],
                                                  "kinds": [], "parents": []})
        p = t.predicate.value
        if p.endswith("#label"):
            term["label"] = t.object.value
        elif p.endswith("core#definition"):
            term["definition"] = t.object.value
        elif p == rdf_type and isinstance(t.object, ox.NamedNode):
            term["kinds"].append(t.object.value.rsplit("#", 1)[-1])  # type: ignore[union-attr]
        elif p.endswith(("#subClassOf", "#subPropertyOf")) and isinstance(t.object, ox.NamedNode):
            term["parents"].append(t.object.value)  # type: ignore[union-attr]
        elif p.endswith("#domain") and isinstance(t.object, ox.NamedNode):
            term["domain"] = t.object.value
        elif p.endswith("#range") and isinstance(t.object, ox.NamedNode):
            term["range"] = t.object.value
    order = {"Class": 0, "ObjectProperty": 1, "DatatypeProperty": 2}
    return sorted(terms.values(), key=lambda t: (
        min((order.get(k, 3) for k in t["kinds"]), default=3), str(t["name"]).lower()))
