"""The HTTP front: a gunicorn worker that reads each request whole before a thread takes it.

gunicorn's threaded worker (``gthread``) hands a connection to a thread as soon as its
first bytes arrive; the thread then reads the rest of the request, blocking. A client that
trickles its headers or body (a line every few seconds) so holds a thread for as long as
it likes, and a few dozen such clients hold them all: nobody else gets an answer.

:class:`ReadingWorker` is ``gthread`` with one change: the worker's event loop (one
thread, non-blocking sockets) reads each request into a buffer, the head and the body,
and only a complete request goes to a thread, which then reads it from the buffer
without waiting. A trickling connection costs a socket and a few bytes, not a thread.
Each request must arrive within :data:`READ_TIMEOUT` seconds of its first byte (or of the
connection, for a new one): past that it is answered ``408`` and the connection closed.
A head larger than :data:`MAX_HEAD` bytes is answered ``431``.

A body larger than the app accepts (``max_query_bytes``) is not buffered whole: the
request goes to the app as soon as the front knows the body is too large (by its
``Content-Length``, or once a chunked body has passed the limit), the app answers
``413`` without reading the rest, and the connection is closed after the answer.
The front never answers in the app's place otherwise: every status comes from the app.

``kg serve`` runs gunicorn with ``--worker-class server.front.ReadingWorker``
(:func:`server.gunicorn_argv`). The worker relies on gthread's methods (``enqueue_req``,
``handle``, ``murder_pending``, ``_keepalive_after``), which is why ``pyproject.toml``
pins gunicorn's major version; ``tests/test_slow_clients.py`` holds the behaviour.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, ThreadWorker

from kg.config import Config

#: Seconds a client has to send a whole request, head and body, once it has started it.
READ_TIMEOUT = 10.0
#: Largest request head (request line and header fields) read, in bytes.
MAX_HEAD = 64 * 1024
#: Bytes read from a socket at once.
RECV_BYTES = 64 * 1024

_INCOMPLETE, _COMPLETE, _OVER_LIMIT, _MALFORMED = range(4)


@dataclass
class Pending:
    """A request being read: its bytes so far, its deadline, and what is known of its body."""

    deadline: float
    data: bytearray = field(default_factory=bytearray)
    head_end: int = -1  # where the body starts, once the head is complete
    length: int | None = None  # Content-Length
    chunked: bool = False
    chunk_at: int = 0  # chunked body: where the next chunk's size line starts
    decoded: int = 0  # chunked body: bytes of content so far
    expects_continue: bool = False
    watched: bool = False  # registered with the event loop

    def state(self, limit: int) -> int:
        """Whether the request is complete, still arriving, has a body over ``limit``, or
        cannot be framed (then the app's HTTP parser answers it)."""
        if self.head_end < 0:
            end = self.data.find(b"\r\n\r\n")
            if end < 0:
                return _INCOMPLETE
            self.head_end = end + 4
            if not self._read_head(bytes(self.data[:end])):
                return _MALFORMED
            self.chunk_at = self.head_end
            self.decoded = 0
        if self.chunked:
            return self._chunks(limit)
        length = self.length or 0
        if length > limit:
            return _OVER_LIMIT
        return _COMPLETE if len(self.data) - self.head_end >= length else _INCOMPLETE

    def _read_head(self, head: bytes) -> bool:
        lengths = set()
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            value = value.strip().lower()
            if name == b"content-length":
                lengths.add(value)
            elif name == b"transfer-encoding":
                self.chunked = self.chunked or value.endswith(b"chunked")
                if not value.endswith(b"chunked"):
                    return False
            elif name == b"expect" and value == b"100-continue":
                self.expects_continue = True
        if self.chunked:
            return not lengths
        if len(lengths) > 1:
            return False
        if lengths:
            value = lengths.pop()
            if not value.isdigit():
                return False
            self.length = int(value)
        return True

    def _chunks(self, limit: int) -> int:
        data = self.data
        while True:
            line_end = data.find(b"\r\n", self.chunk_at)
            if line_end < 0:
                return _MALFORMED if len(data) - self.chunk_at > 1024 else _INCOMPLETE
            size_text = bytes(data[self.chunk_at:line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                return _MALFORMED
            if size == 0:  # the last chunk, then trailer fields up to an empty line
                if data.find(b"\r\n", line_end + 2) == line_end + 2:
                    return _COMPLETE
                return _COMPLETE if data.find(b"\r\n\r\n", line_end) >= 0 else _INCOMPLETE
            self.decoded += size
            if self.decoded > limit:
                return _OVER_LIMIT
            end = line_end + 2 + size + 2
            if len(data) < end:
                self.decoded -= size  # counted again once the chunk is all there
                return _INCOMPLETE
            self.chunk_at = end

    def without_expect(self) -> bytes:
        """The bytes read, with the head's ``Expect`` field taken out (the front has
        answered it)."""
        head = bytes(self.data[:self.head_end])
        lines = [line for line in head.split(b"\r\n")
                 if not line.lower().startswith(b"expect:")]
        return b"\r\n".join(lines) + bytes(self.data[self.head_end:])


class ReadingWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker, reading whole requests in its event loop (see the
    module docstring)."""

    def init_process(self) -> None:
        self.reading: dict[Any, Pending] = {}
        self._stop_by: float | None = None  # when a stopping worker stops reading
        self.body_limit = Config.load().max_query_bytes
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        """Read ``conn``'s next request in the event loop; a thread takes it once complete."""
        if getattr(conn, "kg_request", None) is not None:
            super().enqueue_req(conn)  # complete: for a thread
            return
        pending = Pending(time.monotonic() + READ_TIMEOUT)
        if conn.parser is not None:  # bytes read ahead of a kept-alive connection's request
            pending.data += conn.parser.unreader.take_buffered()
        self.reading[conn] = pending
        conn.sock.setblocking(False)
        if pending.data and self._advance(conn, pending):
            return
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))
        pending.watched = True

    def _readable(self, conn: Any, _sock: Any) -> None:
        pending = self.reading.get(conn)
        if pending is None:
            return
        try:
            data = conn.sock.recv(RECV_BYTES)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                return
            data = b""
        if not data:  # the client went away
            self._drop(conn)
            return
        pending.data += data
        self._advance(conn, pending)

    def _advance(self, conn: Any, pending: Pending) -> bool:
        """Hand the request over, or refuse it, if it can be; True if done with reading."""
        state = pending.state(self.body_limit)
        if pending.head_end > MAX_HEAD or pending.head_end < 0 and len(pending.data) > MAX_HEAD:
            self._refuse(conn, "431 Request Header Fields Too Large",
                         f"the request head is larger than {MAX_HEAD} bytes")
            return True
        if state == _INCOMPLETE:
            if pending.expects_continue:
                pending.expects_continue = False
                pending.data[:] = pending.without_expect()
                pending.head_end = -1  # read again, without the Expect field
                pending.state(self.body_limit)
                self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
            return False
        if state == _OVER_LIMIT:
            # The app answers 413 without reading the rest; nothing more is read after.
            conn.kg_close = True
            if pending.expects_continue:
                pending.data[:] = pending.without_expect()
        self._stop_reading(conn)
        conn.kg_request = bytes(pending.data)
        conn.sock.setblocking(True)
        super().enqueue_req(conn)
        return True

    def handle(self, conn: Any) -> Any:
        """gthread's ``handle``, the request read from the front's buffer."""
        data = conn.__dict__.pop("kg_request", None)
        if data is not None:
            conn.data_ready = True
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(data)
        return super().handle(conn)

    def _keepalive_after(self, conn: Any, keepalive: Any) -> bool:
        if conn.__dict__.pop("kg_close", False):
            return False  # a body too large, left unread: the connection cannot go on
        return bool(super()._keepalive_after(conn, keepalive))

    def murder_pending(self) -> None:
        """gthread's time-outs, and the front's: a request not complete by its deadline
        is answered 408 (a connection that sent nothing is just closed). A stopping worker
        (a rebuild restarts the workers) finishes reading the requests already begun,
        within gunicorn's stop linger, instead of dropping their connections."""
        super().murder_pending()
        now = time.monotonic()
        if not self.alive:
            if self._stop_by is None:
                self._stop_by = now + STOP_KEEPALIVE_LINGER
            for pending in self.reading.values():
                pending.deadline = min(pending.deadline, self._stop_by)
        for conn, pending in list(self.reading.items()):
            if now >= pending.deadline:
                if pending.data:
                    self._refuse(conn, "408 Request Timeout",
                                 f"the request was not received within {READ_TIMEOUT:g} s")
                else:
                    self._drop(conn)

    def _refuse(self, conn: Any, status: str, message: str) -> None:
        """Answer a request the app never sees (one line of text) and close."""
        body = f"{status}: {message}\n".encode()
        self._send(conn, f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                   + body)
        self._drop(conn)

    def _send(self, conn: Any, data: bytes) -> None:
        with contextlib.suppress(OSError):
            conn.sock.send(data)  # small: fits the socket buffer, or the client is gone

    def _stop_reading(self, conn: Any) -> None:
        pending = self.reading.pop(conn, None)
        if pending is not None and pending.watched:
            self.poller.unregister(conn.sock)

    def _drop(self, conn: Any) -> None:
        self._stop_reading(conn)
        self.nr_conns -= 1
        conn.close()
