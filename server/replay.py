"""Repeated requests answered before the app runs: a WSGI middleware that replays responses.

Everything this server sends with validators (an ETag) and ``Cache-Control: public`` only
changes with a new build, and each process serves one build. So a repeat of a GET request
(same path, query string, ``Accept`` and ``Host``) gets the same bytes again without
routing, parsing or running anything. Conditional requests (``If-None-Match`` ...) and
requests with a body go to the app, which answers them cheaply itself. Each process keeps
the most recently used responses within :data:`MAX_BYTES`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

#: Bytes of response bodies kept per process, and the largest body kept.
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_BYPASS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
           "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")

Entry = tuple[str, list[tuple[str, str]], bytes]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Replay:
    """Wraps a WSGI app; replays its reusable responses to repeated GET requests."""

    def __init__(self, app: WSGIApp, max_bytes: int = MAX_BYTES,
                 max_entry_bytes: int = MAX_ENTRY_BYTES):
        self.app = app
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or any(h in environ for h in _BYPASS):
            return self.app(environ, start_response)
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
               environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_HOST", ""))
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None:
            status, headers, body = entry
            start_response(status, headers)
            return [body]
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, capture)
        if not captured or not _reusable(captured[0], captured[1]):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        if len(body) <= self.max_entry_bytes:
            headers = [(k, v) for k, v in captured[1] if k.lower() != "date"]
            self._keep(key, (captured[0], headers, body))
        return [body]

    def _keep(self, key: tuple[str, ...], entry: Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._entries[key] = entry
            self._bytes += len(entry[2])
            while self._bytes > self.max_bytes:
                _, (_, _, body) = self._entries.popitem(last=False)
                self._bytes -= len(body)


def _reusable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {k.lower(): v for k, v in headers}
    return "etag" in names and "public" in names.get("cache-control", "") \
        and "set-cookie" not in names
