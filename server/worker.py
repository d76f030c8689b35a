"""What runs inside a query process: open the store, then answer one query at a time.

:func:`main` is a query process's entry point (started by :class:`server.executor.Executor`
as ``python -c``, talking over a socket pair): it opens the store read-only and serves
requests from a thread with a large stack (Oxigraph's parser and optimizer recurse, and a
long ``a || b || ...`` or ``UNION`` chain would overflow a default 8 MiB stack and crash
the process), and exits on its own when the process that started it dies.

:func:`answer` runs one query and serializes its results within the limits: at most
``max_results`` solutions or triples, counted on a line-based serialization that stops the
query as soon as the limit is passed. The executor also calls it in a request's thread for
look-ups, with a deadline: both ways give the same answers.

This module does not import Flask: it is imported by every query process.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from server.formats import BY_KEY, offered

#: Stack of the thread that parses and runs queries in a worker (virtual memory, mostly
#: untouched): enough for any query of a few hundred kilobytes.
STACK_BYTES = 256 * 1024 * 1024


def main(fd: int, store_path: str, parent_pid: int) -> None:
    """Entry point of a worker process: serve requests until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, not for us
    threading.stack_size(STACK_BYTES)
    conn = Connection(fd)
    server = threading.Thread(target=_serve, args=(conn, store_path), name="kg-query")
    server.start()
    # Watch for the parent's death: a killed server must not leave a query running.
    while server.is_alive():
        server.join(1.0)
        if os.getppid() != parent_pid:
            os._exit(0)


def _serve(conn: Connection, store_path: str) -> None:
    try:
        try:
            store = ox.Store.read_only(store_path)
        except OSError as exc:
            conn.send(("error", "StoreError", f"cannot open the store at {store_path}: {exc}"))
            return
        conn.send(("ready", threading.get_native_id()))
        while True:
            request = conn.recv()
            conn.send(answer(store, *request))
    except (EOFError, OSError):  # the executor closed the socket: it is done with us
        return


def answer(
    store: ox.Store,
    query: str,
    default_graphs: list[str],
    named_graphs: list[str],
    result_format: str | None,
    max_results: int,
    union: bool,
    prefixes: dict[str, str],
    deadline: float | None = None,
) -> tuple[str, str, Any]:
    """Run one query; return ("ok", format key, bytes) or ("error", error class, message).

    With a ``deadline`` (``time.monotonic()``; a look-up, in a request's thread), raise
    :class:`Overrun` if results are still being written then; and write them straight in
    the requested format when it needs no prefixes: every solution or triple takes at
    least a byte, so an answer of at most ``max_results`` bytes is within the limit
    (a longer one is written again, counted as a query process does)."""

    def run() -> Any:
        if default_graphs or named_graphs:
            return store.query(
                query,
                default_graph=[ox.NamedNode(g) for g in default_graphs],
                named_graphs=[ox.NamedNode(g) for g in named_graphs],
            )
        return store.query(query, use_default_graph_as_union=union)

    try:
        result = run()
        graph = isinstance(result, ox.QueryTriples)
        fmt = BY_KEY[result_format] if result_format else offered(graph)[0]
        if fmt.graph != graph:
            kind = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
            return ("error", "NotAcceptable",
                    f"a {kind} query cannot be returned as {fmt.key}; choose one of "
                    + ", ".join(f.key for f in offered(graph)))
        if isinstance(result, ox.QueryBoolean):
            return ("ok", fmt.key, result.serialize(format=fmt.writer))
        if deadline is not None and (not graph or fmt.writer == ox.RdfFormat.N_TRIPLES):
            buffer = _Limit(max_results, deadline, lines=False)
            if _write(result, fmt.writer, buffer):
                return ("ok", fmt.key, buffer.getvalue())
            result = run()
        body = _serialize(result, fmt.writer, max_results, prefixes, deadline)
        if body is None:
            what = "triples" if graph else "rows"
            return ("error", "ResultTooLarge",
                    f"the query returns more than {max_results} {what}, the most this "
                    "endpoint sends; add a LIMIT (and OFFSET to page through them)")
        return ("ok", fmt.key, body)
    except SyntaxError as exc:
        return ("error", "QueryError", str(exc))
    except Overrun:
        raise
    except Exception as exc:  # evaluation errors: a failing SERVICE, an unbound service...
        return ("error", "QueryError", f"the query failed: {exc}")


class Overrun(Exception):
    """A look-up answered in a request's thread took longer than it should."""


class _Limit(io.RawIOBase):
    """Collects a serialization; refuses to grow past ``limit`` lines (one item a line) or
    bytes, or past ``deadline`` (``time.monotonic()``)."""

    def __init__(self, limit: int, deadline: float | None = None, lines: bool = True):
        super().__init__()
        self.limit = limit
        self.deadline = deadline
        self.count_lines = lines
        self.count = 0
        self.exceeded = False
        self.overran = False
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.count += chunk.count(b"\n") if self.count_lines else len(chunk)
        if self.count > self.limit:
            self.exceeded = True
            raise OverflowError("result limit reached")  # stops the query there
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.overran = True
            raise OverflowError("deadline passed")
        self._chunks.append(chunk)
        return len(chunk)

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


def _write(result: Any, writer: Any, buffer: _Limit) -> bool:
    """Serialize ``result`` into ``buffer``; False if it went past its limit. Raise
    :class:`Overrun` if it went past its deadline."""
    try:
        result.serialize(buffer, format=writer)
    except Exception:
        if buffer.exceeded:
            return False
        if buffer.overran:
            raise Overrun() from None
        raise
    return True


def _serialize(result: Any, writer: Any, max_results: int,
               prefixes: dict[str, str], deadline: float | None = None) -> bytes | None:
    """Serialize solutions or triples, or return None past ``max_results`` of them; raise
    :class:`Overrun` if still writing at ``deadline``.

    Counting happens on a line-based serialization that pyoxigraph writes natively (TSV
    results: a header line, then one line per solution; N-Triples: one line per triple,
    newlines in literals escaped), stopping the query as soon as the limit is passed. That
    text is then the answer, or parsed back and written in the requested format: TSV and
    N-Triples keep every term exactly (blank node labels included).
    """
    graph = isinstance(result, ox.QueryTriples)
    counted = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.TSV
    buffer = _Limit(max_results if graph else max_results + 1, deadline)
    if not _write(result, counted, buffer):
        return None
    text = buffer.getvalue()
    if writer == counted:
        return text
    if not graph:
        return ox.parse_query_results(text, counted).serialize(format=writer)
    triples = ox.parse(text, counted)
    if writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        # The query's own prefixes make Turtle and RDF/XML readable.
        with contextlib.suppress(ValueError):  # a prefix the format cannot declare
            return ox.serialize(triples, format=writer, prefixes=prefixes)
        triples = ox.parse(text, counted)
    return ox.serialize(triples, format=writer)
