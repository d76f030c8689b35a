"""One error shape for the whole app: JSON for machines, a small HTML page for browsers.

Every :class:`kg.errors.KGError` (title, status, message) and every werkzeug
``HTTPException`` is answered as ``{"error": title, "message": ..., "status": n}``, or as
an escaped HTML page when the client prefers ``text/html``, or as one line of plain text
when it prefers ``text/plain``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, request
from markupsafe import escape
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header

from kg.errors import KGError


class ProtocolError(KGError):
    """A request the SPARQL protocol does not allow (missing or repeated query, bad IRI ...)."""

    title = "Bad request"


class ReadOnly(KGError):
    title = "Read-only endpoint"
    status = 403


class ServiceRefused(KGError):
    title = "Federated query refused"
    status = 403


class Forbidden(KGError):
    """A request the workbench's guards refuse (no CSRF token, another site's origin)."""

    title = "Forbidden"
    status = 403


class Unauthorized(KGError):
    """A workbench request without its token."""

    title = "Sign in"
    status = 401


class TooLarge(KGError):
    title = "Request too large"
    status = 413


class UnsupportedMediaType(KGError):
    title = "Unsupported media type"
    status = 415


class InternalError(KGError):
    """A bug: an exception no handler expected."""

    title = "Internal Server Error"
    status = 500


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    app.register_error_handler(KGError, _kg_error)
    app.register_error_handler(HTTPException, _http_error)


def error_body(accept: MIMEAccept, title: str, status: int, message: str) -> tuple[str, str]:
    """The content type and body of one error, in the representation ``accept`` prefers."""
    best = accept.best_match(["application/json", "text/html", "text/plain"])
    if best == "text/html":
        body = (
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{status} {escape(title)}</title></head>\n"
            f"<body><h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
            f"<p><small>HTTP status {status}</small></p></body></html>\n"
        )
        return "text/html; charset=utf-8", body
    if best == "text/plain":
        return "text/plain; charset=utf-8", f"{status} {title}: {message}\n"
    body = json.dumps({"error": title, "message": message, "status": status},
                      ensure_ascii=False)
    return "application/json", body


def error_response(
    title: str, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """Render one error in the representation the client prefers."""
    content_type, body = error_body(request.accept_mimetypes, title, status, message)
    response = Response(body, status=status, content_type=content_type)
    response.headers.update(headers or {})
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept")
    return response


def wsgi_error(app: Flask, environ: dict[str, Any], exc: KGError
               ) -> tuple[str, list[tuple[str, str]], bytes]:
    """The status, headers and body of ``exc`` for a WSGI response made outside Flask
    (:func:`server.sparql.respond`, which adds its protocol headers): the same error shape."""
    if exc.status >= 500:
        app.logger.warning("%s %s: %s", exc.status, exc.title, exc)
    accept = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)
    content_type, text = error_body(accept, exc.title, exc.status, str(exc))
    body = text.encode("utf-8")
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))),
               *(getattr(exc, "headers", None) or {}).items()]
    return status_line(exc.status), headers, body


def status_line(status: int) -> str:
    """``404 NOT FOUND``, as werkzeug writes it."""
    return f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}"


def _kg_error(exc: KGError) -> Response:
    if exc.status >= 500:  # timeouts, a missing store, a crashed worker: worth a log line
        current_app.logger.warning("%s %s: %s", exc.status, exc.title, exc)
    # An error class may add response headers (ServerBusy: Retry-After).
    return error_response(exc.title, exc.status, str(exc), getattr(exc, "headers", None))


def _http_error(exc: HTTPException) -> Response:
    headers = {
        k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")
    }
    return error_response(exc.name, exc.code or 500, exc.description or exc.name, headers)
