"""``/sparql``: the SPARQL 1.1 Protocol query operation over the read-only store.

Queries come as ``GET ?query=``, as a form ``POST`` (``query=``) or as an
``application/sparql-query`` body, with optional ``default-graph-uri`` and
``named-graph-uri`` (repeatable). Without them the default graph is the union of all
named graphs. Results follow the ``Accept`` header, or a ``format`` parameter.
``GET /sparql`` without a query returns the service description (RDF clients) or a
query form (browsers). Updates and (unless allowed) ``SERVICE`` are refused.

Query requests are answered by :class:`Endpoint`, a WSGI layer in front of Flask that
reads the request from the WSGI environment and writes the response itself (Flask's
request context, routing and response objects cost more than a look-up); the Flask route
serves the rest. Both go through :func:`respond`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge
from werkzeug.http import http_date
from werkzeug.wsgi import get_input_stream

from kg.config import Config
from kg.errors import KGError, QueryError
from kg.store.remote import RemoteStore, is_remote
from server import formats, linked_data, query_text, service_description
from server.answers import AnswerCache, key_digest
from server.errors import (
    InternalError,
    ProtocolError,
    ReadOnly,
    ServiceRefused,
    TooLarge,
    UnsupportedMediaType,
    wsgi_error,
)
from server.executor import Executor

#: Deepest bracket nesting accepted; deeper queries are refused before they reach the engine.
MAX_DEPTH = 100

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_HTML = ("text/html", "application/xhtml+xml")

bp = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register the endpoint and its query executor on ``app``, and put :class:`Endpoint`
    in front of the app for query requests."""
    config: Config = app.config["KG"]
    app.wsgi_app = Endpoint(app, app.wsgi_app)  # type: ignore[method-assign]
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
        processes=config.query_processes,
        timeout=config.query_timeout,
        max_results=config.max_results,
        slow_after=config.slow_query_after,
        lookups_here=app.config.get("LOOKUPS_HERE", True),
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

    def answers_here(self, text: query_text.QueryText) -> bool:
        """Never: every answer comes from the remote store, and is worth keeping."""
        return False

    def close(self) -> None:
        """Nothing to stop: a remote store runs no query processes of ours."""


def executor() -> Executor:
    return current_app.extensions["kg.executor"]


def _config() -> Config:
    return current_app.config["KG"]


#: A response made without Flask: status line, headers, body.
Answer = tuple[str, list[tuple[str, str]], bytes]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Endpoint:
    """The WSGI front of ``/sparql``: GET and POST query requests are answered here, with
    no Flask request, routing, context or response objects (they cost more than a look-up
    does); everything else (the service description, the query form, CORS preflight,
    other methods) goes on to the Flask app. Errors keep the app's one shape
    (:func:`server.errors.wsgi_error`)."""

    def __init__(self, app: Flask, inner: WSGIApp):
        self.app = app
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql" or \
                environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return self.inner(environ, start_response)
        try:
            answer = respond(self.app, environ)
        except KGError as exc:
            answer = wsgi_error(self.app, environ, exc)
        except Exception:
            if self.app.testing or self.app.config.get("PROPAGATE_EXCEPTIONS"):
                raise
            self.app.logger.exception("Exception on /sparql [%s]", environ["REQUEST_METHOD"])
            answer = wsgi_error(self.app, environ,
                                InternalError(InternalServerError.description or ""))
        if answer is None:
            return self.inner(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """What :class:`Endpoint` leaves to Flask: preflight, the service description, and
    query requests it did not see (``HEAD``)."""
    if request.method == "OPTIONS":
        return _preflight()
    answer = respond(current_app, request.environ)
    if answer is None:
        return _describe_service(_parse_params(request.query_string, "URL query string"))
    status, headers, body = answer
    return Response(body, status=status, headers=headers)


def respond(app: Flask, environ: dict[str, Any]) -> Answer | None:
    """Answer a SPARQL protocol request (a WSGI ``environ``); None for a GET without a
    query (the service description's, which Flask renders). Raises :class:`KGError`."""
    params, body_query = _read_request(environ, app.config["KG"].max_query_bytes)
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    queries = params.get("query", []) + ([body_query] if body_query is not None else [])
    if not queries:
        if environ["REQUEST_METHOD"] != "POST":
            return None
        raise ProtocolError(
            "no query: send query=... in the form body, or the query itself as an "
            f"{DIRECT} body"
        )
    if len(queries) > 1:
        raise ProtocolError(f"{len(queries)} queries given; send exactly one")
    return _run(app, environ, queries[0], params)


def _run(app: Flask, environ: dict[str, Any], query: str,
         params: dict[str, list[str]]) -> Answer:
    config: Config = app.config["KG"]
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
        fmt = formats.from_param(params.get("format", []), graph) or \
            formats.negotiate_header(environ.get("HTTP_ACCEPT", ""), graph)
        result_format = fmt.key
    build = linked_data.current(app)
    key = (build.etag, text.normalized, tuple(default_graphs), tuple(named_graphs),
           result_format)
    digest = key_digest(key)
    # The data only change with a new build: answers carry validators, are reused, and a
    # client's copy that is still current is confirmed without running the query again.
    headers = [("ETag", f'"{build.etag}-{digest[:16]}"'),
               ("Last-Modified", http_date(build.modified)),
               ("Cache-Control", f"public, max-age={MAX_AGE}"), ("Vary", "Accept"),
               ("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]
    if any(h in environ for h in _CONDITIONAL):
        response = Response(status=200, headers=headers, content_type=formats.BY_KEY[
            result_format].content_type if result_format else None)
        response.make_conditional(environ)
        if response.status_code != 200:  # 304 Not Modified, 412 Precondition Failed
            return response.status, response.get_wsgi_headers(environ).to_wsgi_list(), b""
    engine: Executor | RemoteExecutor = app.extensions["kg.executor"]
    run = partial(engine.execute, query, default_graphs, named_graphs, result_format)
    if engine.answers_here(text):
        content_type, body = run()  # cheaper to answer again than to look up and keep
    else:
        answers: AnswerCache = app.extensions["kg.answers"]
        content_type, body = answers.answer(digest, run, wait=config.query_timeout)
    headers[:0] = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return "200 OK", headers, body


#: Seconds a client or proxy may reuse an answer without asking again.
MAX_AGE = 300
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                "HTTP_IF_UNMODIFIED_SINCE")


def _read_request(environ: dict[str, Any], limit: int
                  ) -> tuple[dict[str, list[str]], str | None]:
    """The request's parameters (URL and form body) and the query of a direct POST body."""
    params = _parse_params(environ.get("QUERY_STRING", "").encode("latin-1"),
                           "URL query string")
    if environ["REQUEST_METHOD"] != "POST":
        return params, None
    mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if mimetype == UPDATE:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    if mimetype not in (FORM, DIRECT):
        raise UnsupportedMediaType(
            f"a POST must be {FORM} (query=...) or {DIRECT} (the query itself), "
            f"not {mimetype or 'without a Content-Type'}"
        )
    body = _body(environ, limit)
    if mimetype == DIRECT:
        return params, _decode(body, "request body")
    for name, values in _parse_params(body, "form body").items():
        params.setdefault(name, []).extend(values)
    return params, None


def _body(environ: dict[str, Any], limit: int) -> bytes:
    try:
        return get_input_stream(environ, max_content_length=limit).read()
    except RequestEntityTooLarge:
        raise TooLarge(
            f"the request body is larger than {limit} bytes, the most this endpoint accepts "
            "(max_query_bytes)"
        ) from None


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
