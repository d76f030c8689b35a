"""Search: names the graph knows (labels, aliases, spellings, codenames) and the documents'
text, with facets. ``/search`` is the HTML page; ``/search.json`` (or ``/search`` with
``Accept: application/json``) answers both as JSON, for the autocomplete and for programs.
A bad parameter answers 400: a message in JSON, or the page with the message on it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, render_template, request, url_for

from kg.read.facets import FACETS, Filters, SearchError
from kg.read.fulltext import FullText, Results, open_index
from kg.read.search import SearchIndex, build_index
from server import linked_data
from server.pages import cached

bp = Blueprint("search", __name__)
MAX_RESULTS = 50
#: Names listed on the HTML page before the rest are folded.
SHOWN_NAMES = 8
#: Passages per page on the HTML page.
PAGE = 20


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


def _number(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SearchError(f"{name}: {value!r} is not a whole number")
    return max(low, min(high, int(value)))


def _passages(q: str, limit: int, offset: int) -> Results | None:
    filters = Filters.from_args(request.args)
    return fulltext().search(q, filters, limit, offset) if q.strip() else None


@bp.route("/search.json")
def search_json() -> Response:
    """``{"query", "results": [names], "passages": {total, offset, filters, hits, facets,
    dates}}``; ``limit`` (10, at most 50) applies to both, ``offset`` to the passages."""
    q = request.args.get("q", "")[:200]
    try:
        limit = _number("limit", 10, 1, MAX_RESULTS)
        offset = _number("offset", 0, 0, 10**6)
        text = _passages(q, limit, offset)
    except SearchError as exc:
        response = jsonify({"error": exc.title, "message": str(exc), "status": exc.status})
        response.status_code = exc.status
        return response
    hits = index().search(q, limit)
    passages = text.as_json() if text else None
    if passages:
        for hit in passages["hits"]:  # type: ignore[union-attr]
            path = linked_data.local_path(hit["document"])
            hit["path"] = path
            hit["link"] = f"{path or hit['document']}.html#p{hit['paragraph']}"
    response = jsonify({"query": q, "results": [
        h.as_json(linked_data.local_path(h.iri)) for h in hits], "passages": passages})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/search")
def search() -> Response | str | tuple[str, int]:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json" and request.accept_mimetypes["application/json"] > \
            request.accept_mimetypes["text/html"]:
        return search_json()
    q = request.args.get("q", "")[:200]
    hits = index().search(q, MAX_RESULTS) if q.strip() else []
    error, text, filters = "", None, Filters()
    try:
        page = _number("page", 1, 1, 10**4)
        filters = Filters.from_args(request.args)
        text = _passages(q, PAGE, (page - 1) * PAGE)
    except SearchError as exc:
        error = str(exc)
    html = render_template(
        "search.html", q=q, hits=hits, text=text, filters=filters, facets=FACETS,
        error=error, page_size=PAGE, shown_names=SHOWN_NAMES, args=request.args,
        local=linked_data.local_path, **_links(q, filters))
    return (html, 400) if error else html


def _links(q: str, filters: Filters) -> dict[str, object]:
    """The page's links, each keeping the query and the other filters chosen (and going
    back to the first page of passages)."""
    def url(params: dict[str, str]) -> str:
        return url_for("search.search", q=q, **params) + "#text"

    def toggle(facet: str, value: str) -> str:
        """Choose ``value`` for ``facet``, or, chosen already, remove it."""
        if getattr(filters, facet) == value:
            return url(filters.without(facet).params())
        return url({**filters.params(), facet: value})

    def period(value: str) -> str:
        """The window of one year or month, or, chosen already, no window."""
        if filters.date_from == filters.date_to == value:
            return url(filters.without("date").params())
        return url({**filters.params(), "from": value, "to": value})

    return {"toggle": toggle, "period": period,
            "remove": lambda facet: url(filters.without(facet).params()),
            "page_url": lambda n: url({**filters.params(), "page": str(n)})}
