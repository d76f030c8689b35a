"""``/reconcile``: the W3C Entity Reconciliation Service API over the graph (the version
OpenRefine speaks). The service manifest on a plain GET; ``queries=`` (a JSON batch) by GET
or POST form; a preview card; suggest services for entities, types and properties. The
matching itself is :mod:`kg.read.reconcile`; this module reads requests and writes JSON.
Open to every origin, like ``/sparql``; JSONP (``callback=``) for old clients."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Flask, Response, request
from markupsafe import escape
from werkzeug.exceptions import NotFound

from kg.read.reconcile import DEFAULT_TYPES, ReconcileError, Reconciler, reconciler_for
from server import linked_data
from server.pages import cached

bp = Blueprint("reconcile", __name__)
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
SUGGEST_LIMIT = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def reconciler() -> Reconciler:
    """The service for the build being served (made once per build and process)."""
    return cached("reconcile", lambda: reconciler_for(linked_data.current().store,
                                                      linked_data.config()))


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _param(name: str) -> str | None:
    return request.values.get(name)


def _answer(data: object) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback:
        if not _CALLBACK.match(callback):
            raise ReconcileError("callback must be a JavaScript function name")
        return Response(f"{callback}({body});", content_type="text/javascript; charset=utf-8")
    return Response(body, content_type="application/json; charset=utf-8")


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    """The manifest, or the answer to ``queries`` (a batch) or ``query`` (one query)."""
    service = reconciler()
    batch, single = _param("queries"), _param("query")
    if batch is not None:
        return _answer(service.reconcile(service.parse_queries(batch)))
    if single is not None:
        return _answer({"result": service.candidates(service.parse_single(single))})
    return _answer(manifest(service))


def manifest(service: Reconciler) -> dict:
    """The service manifest, with this server's own URLs."""
    root = request.host_url.rstrip("/")
    suggest = {kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
               for kind in ("entity", "type", "property")}
    return {
        "versions": ["0.2"],
        "name": "Cold War archive knowledge graph",
        "identifierSpace": service.id_space,
        "schemaSpace": service.schema_space,
        "defaultTypes": [{"id": t, "name": service.classes[t]} for t in DEFAULT_TYPES
                         if t in service.classes],
        "view": {"url": root + "/id/{{id}}.html"},
        "preview": {"url": root + "/reconcile/preview?id={{id}}", "width": 400, "height": 220},
        "suggest": suggest,
        "documentation": root + "/ontology",
    }


@bp.route("/reconcile/preview")
def preview() -> Response:
    """A small HTML card: the entity's name, types, description, names and links."""
    ident = request.args.get("id", "")
    service = reconciler()
    ent = service.preview(ident)
    if ent is None:
        raise NotFound(f"no entity with id {ident!r}; ids are as /reconcile returns them "
                       "(person/joseph-stalin)")
    page = "/id/" + service.entity_id(ent.iri) + ".html"
    names = "".join(f"<li>{escape(n)} <small>({escape(how)})</small></li>"
                    for n, how in ent.names if n != ent.label)
    types = ", ".join(service.classes.get(t, t) for t in ent.types)
    wikidata = (f' · <a href="https://www.wikidata.org/wiki/{escape(ent.wikidata)}" '
                f'target="_blank">{escape(ent.wikidata)}</a>') if ent.wikidata else ""
    body = (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(ent.label)}</title><style>body{{font:14px/1.4 sans-serif;margin:8px}}"
        "h1{font-size:16px;margin:0}ul{margin:4px 0;padding-left:18px}small{color:#555}"
        "</style></head>\n<body>"
        f'<h1><a href="{escape(page)}" target="_blank">{escape(ent.label)}</a></h1>\n'
        f"<p><small>{escape(types)}{wikidata}</small></p>\n"
        f"<p>{escape(ent.description)}</p>\n"
        + (f"<p>Also known as:</p><ul>{names}</ul>\n" if names else "")
        + "</body></html>\n")
    return Response(body, content_type="text/html; charset=utf-8")


def _limit() -> int:
    raw = request.args.get("limit", str(SUGGEST_LIMIT))
    if not raw.strip().isdigit():
        raise ReconcileError(f"limit must be a number, got {raw!r}")
    return max(1, min(SUGGEST_LIMIT, int(raw)))


def _cursor() -> int:
    raw = request.args.get("cursor", "0")
    if not raw.strip().isdigit():
        raise ReconcileError(f"cursor must be a number, got {raw!r}")
    return int(raw)


@bp.route("/reconcile/suggest/<kind>")
def suggest(kind: str) -> Response:
    """Prefix search: ``/reconcile/suggest/entity?prefix=Fil&type=Person``."""
    service = reconciler()
    prefix = request.args.get("prefix", "")[:200]
    limit, cursor = _limit(), _cursor()
    if kind == "entity":
        types = request.args.getlist("type")
        found = service.suggest_entities(prefix, types, cursor + limit)
    elif kind == "type":
        found = service.suggest_types(prefix, cursor + limit)
    elif kind == "property":
        found = service.suggest_properties(prefix, cursor + limit)
    else:
        raise NotFound(f"no suggest service {kind!r}; use entity, type or property")
    return _answer({"code": "/api/status/ok", "status": "200 OK", "prefix": prefix,
                    "result": found[cursor:]})
