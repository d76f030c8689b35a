"""``/sparql``: the SPARQL 1.1 Protocol query operation over the read-only store.

Queries come as ``GET ?query=``, as a form ``POST`` (``query=``) or as an
``application/sparql-query`` body, with optional ``default-graph-uri`` and
``named-graph-uri`` (repeatable). Without them the default graph is the union of all
named graphs. Results follow the ``Accept`` header, or a ``format`` parameter.
``GET /sparql`` without a query returns the service description (RDF clients) or a
query form (browsers). Updates and (unless allowed) ``SERVICE`` are refused; ``OPTIONS``
answers a CORS preflight, other methods than ``GET``, ``HEAD`` and ``POST`` get 405.

Every request to ``/sparql`` goes through one function, :func:`respond`: it reads the
request from the WSGI environment, answers it (or renders its error in the app's one
shape) as a status, headers and body, and sets the protocol headers
(:data:`PROTOCOL_HEADERS`) in one place. :class:`Endpoint`, a WSGI layer in front of Flask,
calls it for every ``/sparql`` request and writes the response itself: Flask's request
context, routing and response objects cost more than a look-up (the "WSGI front" figures
in docs/benchmarks.md). Only the query form's HTML is rendered by Flask (a template), in a
request context pushed for it. The Flask route calls :func:`respond` too, for a request that
reaches the app without the front (``app.wsgi_app`` inside it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge
from werkzeug.http import http_date, parse_accept_header
from werkzeug.wsgi import get_current_url, get_input_stream

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
    status_line,
    wsgi_error,
)
from server.executor import Executor

#: Deepest bracket nesting accepted; deeper queries are refused before they reach the engine.
MAX_DEPTH = 100

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_HTML = ("text/html", "application/xhtml+xml")
#: The methods ``/sparql`` answers; any other gets 405.
METHODS = ("GET", "HEAD", "POST", "OPTIONS")
#: Set on every ``/sparql`` response, answers and errors alike, by :func:`respond` alone:
#: readable from any origin, never content-sniffed, negotiated by ``Accept``.
PROTOCOL_HEADERS = (("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff"),
                    ("Vary", "Accept"))

bp = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register the endpoint and its query executor on ``app``, and put :class:`Endpoint`
    in front of the app for ``/sparql`` requests."""
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


#: A response made without Flask: status line, headers, body.
Answer = tuple[str, list[tuple[str, str]], bytes]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class MethodNotAllowed(KGError):
    title = "Method Not Allowed"
    status = 405
    headers = {"Allow": ", ".join(METHODS)}


class Endpoint:
    """The WSGI front of ``/sparql``: every request to it is answered by :func:`respond`,
    with no Flask request, routing, context or response objects (they cost more than a
    look-up does); other paths go on to the Flask app."""

    def __init__(self, app: Flask, inner: WSGIApp):
        self.app = app
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.inner(environ, start_response)
        status, headers, body = respond(self.app, environ)
        start_response(status, headers)
        return [body]


@bp.route("/sparql", methods=[*METHODS, "PUT", "DELETE", "PATCH"])
def sparql() -> Response:
    """``/sparql`` reached through Flask without :class:`Endpoint` in front: the same
    :func:`respond`. (An iterable body: Flask keeps the given ``Content-Length``.)"""
    status, headers, body = respond(current_app, request.environ)
    return Response([body], status=status, headers=headers)


def respond(app: Flask, environ: dict[str, Any]) -> Answer:
    """Answer one request to ``/sparql`` (a WSGI ``environ``): the path of every such
    request. Errors take the app's one shape (:func:`server.errors.wsgi_error`); the
    protocol headers are added here; a ``HEAD`` gets the headers of its ``GET``."""
    method = environ["REQUEST_METHOD"]
    try:
        if method == "OPTIONS":
            answer = _preflight(environ)
        elif method not in METHODS:
            raise MethodNotAllowed(f"/sparql does not answer {method}: send a query with GET "
                                   "or POST (SPARQL 1.1 Protocol)")
        else:
            answer = _answer(app, environ)
    except KGError as exc:
        answer = wsgi_error(app, environ, exc)
    except Exception:
        if app.testing or app.config.get("PROPAGATE_EXCEPTIONS"):
            raise
        app.logger.exception("Exception on /sparql [%s]", method)
        answer = wsgi_error(app, environ, InternalError(InternalServerError.description or ""))
    status, headers, body = answer
    headers.extend(PROTOCOL_HEADERS)
    return status, headers, b"" if method == "HEAD" else body


def _answer(app: Flask, environ: dict[str, Any]) -> Answer:
    """A query's results; without a query, the service description or the query form
    (a ``GET``) or an error (a ``POST``). Raises :class:`KGError`."""
    params, body_query = _read_request(environ, app.config["KG"].max_query_bytes)
    if "update" in params:
        raise ReadOnly("this endpoint is read-only: SPARQL updates are not accepted")
    queries = params.get("query", []) + ([body_query] if body_query is not None else [])
    if not queries:
        if environ["REQUEST_METHOD"] != "POST":
            return _describe_service(app, environ, params)
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
    if text.relative_iris:
        # Resolved against the endpoint's own IRI, as the protocol allows (a BASE of the
        # query's own, relative or not, still applies: it comes after this one).
        query = f"BASE <{config.base_iri}/sparql> {query}"
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
               ("Cache-Control", f"public, max-age={MAX_AGE}")]
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
    return _ok(content_type, body, headers)


def _ok(content_type: str, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> Answer:
    return "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body))),
                      *headers], body


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
    """The request body, or :class:`TooLarge` past ``limit`` bytes, whether it comes with
    a ``Content-Length`` or chunked (then read up to one byte past the limit: werkzeug's
    own limit would cut such a body at ``limit`` bytes, silently)."""
    too_large = TooLarge(f"the request body is larger than {limit} bytes, the most this "
                         "endpoint accepts (max_query_bytes)")
    try:
        stream = get_input_stream(environ, max_content_length=limit)
    except RequestEntityTooLarge:
        raise too_large from None
    if environ.get("CONTENT_LENGTH"):
        return stream.read()
    stream = environ["wsgi.input"] if environ.get("wsgi.input_terminated") else stream
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_large
    return b"".join(chunks)


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


def _preflight(environ: dict[str, Any]) -> Answer:
    return status_line(204), [
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers",
         environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "Accept, Content-Type")),
        ("Access-Control-Max-Age", "86400"),
    ], b""


def _describe_service(app: Flask, environ: dict[str, Any], params: dict[str, list[str]]
                      ) -> Answer:
    """The service description for RDF clients, the query form for browsers."""
    fmt = formats.from_param(params.get("format", []), graph=True)
    if fmt is None:
        accept = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)
        best = accept.best_match(formats.media_types(True) + list(_HTML)) if accept else None
        if best in _HTML:
            return _ok("text/html; charset=utf-8", _form_page(app, environ).encode("utf-8"))
        fmt = formats.negotiate(accept, graph=True)
    engine: Executor | RemoteExecutor = app.extensions["kg.executor"]
    _, body = engine.execute(service_description.NAMED_GRAPHS_QUERY, result_format="json")
    bindings = json.loads(body)["results"]["bindings"]
    names = [b["g"]["value"] for b in bindings if b.get("g", {}).get("type") == "uri"]
    triples = service_description.describe(
        get_current_url(environ, strip_querystring=True), names,
        allow_service=app.config["KG"].allow_service,
    )
    return _ok(fmt.content_type, service_description.serialize(triples, fmt))


def _form_page(app: Flask, environ: dict[str, Any]) -> str:
    """The query editor for browsers (server/pages.py), rendered by Flask (a template)."""
    from server.pages import editor_page

    with app.request_context(environ):
        return editor_page()
