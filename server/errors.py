"""One error shape for the whole app: JSON for machines, a small HTML page for browsers.

Every :class:`kg.errors.KGError` (title, status, message) and every werkzeug
``HTTPException`` is answered as ``{"error": title, "message": ..., "status": n}``, or as
an escaped HTML page when the client prefers ``text/html``, or as one line of plain text
when it prefers ``text/plain``.
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

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


class TooLarge(KGError):
    title = "Request too large"
    status = 413


class UnsupportedMediaType(KGError):
    title = "Unsupported media type"
    status = 415


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    app.register_error_handler(KGError, _kg_error)
    app.register_error_handler(HTTPException, _http_error)


def error_response(
    title: str, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """Render one error in the representation the client prefers."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html", "text/plain"])
    if best == "text/html":
        body = (
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{status} {escape(title)}</title></head>\n"
            f"<body><h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
            f"<p><small>HTTP status {status}</small></p></body></html>\n"
        )
        content_type = "text/html; charset=utf-8"
    elif best == "text/plain":
        body = f"{status} {title}: {message}\n"
        content_type = "text/plain; charset=utf-8"
    else:
        body = json.dumps({"error": title, "message": message, "status": status},
                          ensure_ascii=False)
        content_type = "application/json"
    response = Response(body, status=status, content_type=content_type)
    response.headers.update(headers or {})
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept")
    return response


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
