"""Search by any name the graph knows (labels, aliases, spellings, codenames): JSON for the
autocomplete (``/search.json?q=``, or ``/search?q=`` with ``Accept: application/json``) and
an HTML results page for everyone else."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from kg.read.search import SearchIndex, build_index
from server import linked_data
from server.pages import cached

bp = Blueprint("search", __name__)
MAX_RESULTS = 50


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def index() -> SearchIndex:
    config = linked_data.config()
    return cached("search", lambda: build_index(linked_data.current().store, config.base_iri))


def _limit() -> int:
    try:
        return max(1, min(MAX_RESULTS, int(request.args.get("limit", 10))))
    except ValueError:
        return 10


@bp.route("/search.json")
def search_json() -> Response:
    q = request.args.get("q", "")[:200]
    hits = index().search(q, _limit())
    response = jsonify({"query": q, "results": [
        h.as_json(linked_data.local_path(h.iri)) for h in hits]})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/search")
def search() -> Response | str:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json" and request.accept_mimetypes["application/json"] > \
            request.accept_mimetypes["text/html"]:
        return search_json()
    q = request.args.get("q", "")[:200]
    hits = index().search(q, MAX_RESULTS) if q.strip() else []
    return render_template("search.html", q=q, hits=hits, local=linked_data.local_path)
