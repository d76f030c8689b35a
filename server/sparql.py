"""``/sparql``: the SPARQL 1.1 Protocol query operation over the read-only store.

Queries come as ``GET ?query=``, as a form ``POST`` (``query=``) or as an
``application/sparql-query`` body, with optional ``default-graph-uri`` and
``named-graph-uri`` (repeatable). Without them the default graph is the union of all
named graphs. Results follow the ``Accept`` header, or a ``format`` parameter.
``GET /sparql`` without a query returns the service description (RDF clients) or a
query form (browsers). Updates and (unless allowed) ``SERVICE`` are refused.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from kg.config import Config
from kg.errors import QueryError
from kg.remote import RemoteStore, is_remote
from server import formats, linked_data, query_text, service_description
from server.answers import AnswerCache, key_digest
from server.errors import ProtocolError, ReadOnly, ServiceRefused, TooLarge, UnsupportedMediaType
from server.executor import DEFAULT_PROCESSES, Executor

#: Deepest bracket nesting accepted; deeper queries are refused before they reach the engine.
MAX_DEPTH = 100

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_HTML = ("text/html", "application/xhtml+xml")

bp = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register the endpoint and its query executor on ``app``."""
    config: Config = app.config["KG"]
    if is_remote(config.store):
        app.extensions["kg.executor"] = RemoteExecutor(
            RemoteStore.from_url(config.store, config.base_iri, config.query_timeout))
        app.extensions["kg.answers"] = AnswerCache(None)
        app.register_blueprint(bp)
        return
    # The build this process serves: the workers keep to it even if a new build
    # switches the store link meanwhile, as the pages do (server.linked_data).
    store_path = config.store_path.resolve()
    app.extensions["kg.answers"] = AnswerCache.for_store(store_path)
    app.extensions["kg.executor"] = Executor(
        store_path,
        processes=app.config.get("QUERY_PROCESSES", DEFAULT_PROCESSES),
        timeout=config.query_timeout,
        max_results=config.max_results,
    )
    app.register_blueprint(bp)


class RemoteExecutor:
    """Queries forwarded to an external store (``KG_STORE=http...``), which enforces its
    own timeouts; the answer keeps the store's content type."""

    def __init__(self, remote: RemoteStore):
        self.remote = remote

    def execute(self, query: str, default_graphs: list[str] | tuple[str, ...] = (),
                named_graphs: list[str] | tuple[str, ...] = (),
                result_format: str | None = None) -> tuple[str, bytes]:
        if default_graphs or named_graphs:
            raise ProtocolError("default-graph-uri and named-graph-uri are not forwarded to "
                                "the remote store: use FROM / FROM NAMED in the query")
        media = formats.BY_KEY[result_format].media_type if result_format else \
            "application/sparql-results+json"
        answer = self.remote.query(query, accept=media)
        return answer.content_type or media, answer.body

    def close(self) -> None:
        """Nothing to stop: a remote store runs no query processes of ours."""


def executor() -> Executor:
    return current_app.extensions["kg.executor"]


def _config() -> Config:
    return current_app.config["KG"]


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    params, body_query = _read_request()
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    queries = params.get("query", []) + ([body_query] if body_query is not None else [])
    if not queries:
        if request.method == "GET":
            return _describe_service(params)
        raise ProtocolError(
            "no query: send query=... in the form body, or the query itself as an "
            f"{DIRECT} body"
        )
    if len(queries) > 1:
        raise ProtocolError(f"{len(queries)} queries given; send exactly one")
    return _run(queries[0], params)


def _run(query: str, params: dict[str, list[str]]) -> Response:
    config = _config()
    size = len(query.encode("utf-8"))
    if size > config.max_query_bytes:
        raise TooLarge(
            f"the query is {size} bytes long; this endpoint accepts at most "
            f"{config.max_query_bytes} (max_query_bytes)"
        )
    text = query_text.inspect(query)
    if text.is_update:
        raise ReadOnly(f"this endpoint is read-only: {text.form} (a SPARQL update) is refused")
    if text.depth > MAX_DEPTH:
        raise QueryError(
            f"the query nests brackets {text.depth} levels deep; at most {MAX_DEPTH} are allowed"
        )
    if text.uses_service and not config.allow_service:
        raise ServiceRefused(
            "this endpoint does not run federated queries, and the query uses SERVICE; "
            "if it only appears in a prefix name (say 'services:'), rename the prefix"
        )
    default_graphs = _iris(params, "default-graph-uri")
    named_graphs = _iris(params, "named-graph-uri")
    result_format = None  # unknown form: the parser will explain, or the default applies
    if text.form is not None:
        graph = text.answers_with_graph
        fmt = formats.from_param(params.get("format", []), graph) or formats.negotiate(
            request.accept_mimetypes, graph
        )
        result_format = fmt.key
    build = linked_data.current()
    key = (build.etag, text.normalized, tuple(default_graphs), tuple(named_graphs),
           result_format)
    digest = key_digest(key)
    # The data only change with a new build: answers carry validators, are reused, and a
    # client's copy that is still current is confirmed without running the query again.
    response = Response(content_type=formats.BY_KEY[result_format].content_type
                        if result_format else None)
    response.set_etag(f"{build.etag}-{digest[:16]}")
    response.last_modified = build.modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Accept")
    if any(h in request.environ for h in _CONDITIONAL):
        response.make_conditional(request)
        if response.status_code != 200:  # 304 Not Modified, 412 Precondition Failed
            return response
    answers: AnswerCache = current_app.extensions["kg.answers"]
    content_type, body = answers.answer(
        digest, lambda: executor().execute(query, default_graphs, named_graphs, result_format),
        wait=_config().query_timeout)
    response.content_type = content_type
    response.set_data(body)
    return response


#: Seconds a client or proxy may reuse an answer without asking again.
MAX_AGE = 300
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                "HTTP_IF_UNMODIFIED_SINCE")


def _read_request() -> tuple[dict[str, list[str]], str | None]:
    """The request's parameters (URL and form body) and the query of a direct POST body."""
    params = _parse_params(request.query_string, "URL query string")
    if request.method != "POST":
        return params, None
    if request.mimetype == UPDATE:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    if request.mimetype not in (FORM, DIRECT):
        raise UnsupportedMediaType(
            f"a POST must be {FORM} (query=...) or {DIRECT} (the query itself), "
            f"not {request.mimetype or 'without a Content-Type'}"
        )
    body = _body()
    if request.mimetype == DIRECT:
        return params, _decode(body, "request body")
    for name, values in _parse_params(body, "form body").items():
        params.setdefault(name, []).extend(values)
    return params, None


def _body() -> bytes:
    limit = _config().max_query_bytes
    too_large = TooLarge(
        f"the request body is larger than {limit} bytes, the most this endpoint accepts "
        "(max_query_bytes)"
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large from None


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"the {where} is not valid UTF-8 (byte {exc.start}: {exc.reason}); "
            "SPARQL requests must be encoded in UTF-8"
        ) from None


def _parse_params(data: bytes, where: str) -> dict[str, list[str]]:
    """Parse URL-encoded parameters strictly (as ``parse_qs`` with ``errors="strict"``):
    werkzeug would replace invalid UTF-8 silently."""
    text = _decode(data, where)
    params: dict[str, list[str]] = {}
    if text.count("&") >= MAX_FIELDS:
        raise ProtocolError(f"the {where} cannot be parsed: more than {MAX_FIELDS} fields")
    try:
        for field in text.split("&"):
            if field:
                name, _, value = field.partition("=")
                params.setdefault(_unquote(name), []).append(_unquote(value))
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"the {where} percent-encodes bytes that are not valid UTF-8 ({exc.reason}); "
            "SPARQL requests must be encoded in UTF-8"
        ) from None
    return params


MAX_FIELDS = 1000


def _unquote(text: str) -> str:
    """``+`` and ``%XX`` decoded, the result read as UTF-8 (strictly).

    Every ``%XX`` becomes a ``\\xXX`` escape (backslashes escaped first) that the
    ``unicode_escape`` codec decodes in C: a query is a few hundred escapes, which the
    standard ``unquote`` decodes one by one in Python. A malformed escape (``%zz``, a
    ``%`` at the end) goes the standard way, which keeps it as it is."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    raw = text.encode("utf-8")
    try:
        raw = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x").decode(
            "unicode_escape").encode("latin-1")
    except UnicodeDecodeError:
        return unquote(text, errors="strict")
    return raw.decode("utf-8")


def _iris(params: dict[str, list[str]], name: str) -> list[str]:
    for value in params.get(name, []):
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ProtocolError(f"{name} {value!r} is not a valid absolute IRI: {exc}") from None
    return params.get(name, [])


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _describe_service(params: dict[str, list[str]]) -> Response:
    """The service description for RDF clients, the query form for browsers."""
    fmt = formats.from_param(params.get("format", []), graph=True)
    if fmt is None:
        accept = request.accept_mimetypes
        best = accept.best_match(formats.media_types(True) + list(_HTML)) if accept else None
        if best in _HTML:
            return Response(_form_page(), content_type="text/html; charset=utf-8")
        fmt = formats.negotiate(accept, graph=True)
    _, body = executor().execute(service_description.NAMED_GRAPHS_QUERY, result_format="json")
    bindings = json.loads(body)["results"]["bindings"]
    names = [b["g"]["value"] for b in bindings if b["g"]["type"] == "uri"]
    triples = service_description.describe(
        request.base_url, names, allow_service=_config().allow_service
    )
    return Response(service_description.serialize(triples, fmt), content_type=fmt.content_type)


def _form_page() -> str:
    """The query editor for browsers (server/pages.py)."""
    from server.pages import editor_page

    return editor_page()
