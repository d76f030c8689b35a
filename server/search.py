"""Search by any name the graph knows (labels, aliases, spellings, codenames): JSON for the
autocomplete (``/search.json?q=``, or ``/search?q=`` with ``Accept: application/json``) and
an HTML results page for everyone else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from kg.read.fulltext import FACETS, FullText, open_index
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


def fulltext() -> FullText:
    """The full-text index of the build being served, made on first use in the build's
    folder (or, for a store ``kg build`` did not make, in the temporary folder, by build)."""
    config = linked_data.config()
    build = linked_data.current()
    folder = build.folder
    if folder is None:
        folder = Path(tempfile.gettempdir()) / f"kg-fulltext-{build.etag}"
        folder.mkdir(exist_ok=True)
    return cached("fulltext", lambda: open_index(build.store, config.base_iri, folder))


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
    chosen = {k: request.args.get(k, "")[:300] for k, _ in FACETS if request.args.get(k)}
    text = fulltext().search(q, chosen, MAX_RESULTS) if q.strip() else None
    return render_template("search.html", q=q, hits=hits, text=text, chosen=chosen,
                           facets=FACETS, local=linked_data.local_path)
