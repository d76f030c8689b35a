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

A query process holds at most ``query_memory`` megabytes (:class:`MemoryGuard`): a query
that needs more is answered with an error that says so, and the process exits so that the
executor starts a fresh one; the queries in other processes go on untouched.

This module does not import Flask: it is imported by every query process.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
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
    guard = MemoryGuard(conn, memory_limit())
    server = threading.Thread(target=_serve, args=(conn, store_path, guard), name="kg-query")
    server.start()
    # Watch for the parent's death (a killed server must not leave a query running) and,
    # while a query runs, for the memory it takes.
    while server.is_alive():
        if guard.running.wait(1.0):
            server.join(WATCH_EVERY)
        if os.getppid() != parent_pid:
            os._exit(0)
        guard.check()


def _serve(conn: Connection, store_path: str, guard: MemoryGuard) -> None:
    try:
        try:
            store = ox.Store.read_only(store_path)
        except OSError as exc:
            conn.send(("error", "StoreError", f"cannot open the store at {store_path}: {exc}"))
            return
        guard.cap_address_space()
        conn.send(("ready", threading.get_native_id()))
        while True:
            request = conn.recv()
            guard.running.set()
            reply = answer(store, *request)
            with guard.lock:  # not while the guard answers in its place
                guard.running.clear()
                conn.send(reply)
    except (EOFError, OSError):  # the executor closed the socket: it is done with us
        return


#: Seconds between two looks at a running query's memory.
WATCH_EVERY = 0.01
#: Address space a query process may reserve beyond its memory limit (at least).
ADDRESS_SLACK = 1024 * 1024 * 1024
#: Exit status of a query process stopped for its memory.
MEMORY_EXIT = 3


def memory_limit() -> int:
    """The ``query_memory`` setting in bytes (0: no limit), as the server passes it to its
    query processes: in their environment (``KG_QUERY_MEMORY``, which ``kg serve`` sets)."""
    from kg.config import Config

    return max(0, Config.load().query_memory) * 1024 * 1024


class MemoryGuard:
    """The memory cap of a query process (``query_memory``): a query whose process holds
    more than ``limit`` bytes is answered with an error that says so, and the process
    exits (the executor starts another in its place). The main thread looks every
    :data:`WATCH_EVERY` seconds while a query runs; the address space is also capped
    (``RLIMIT_AS``), :data:`ADDRESS_SLACK` beyond what the process reserved at start
    and the limit (allocators reserve address space well ahead of use), so that one huge
    allocation fails (and the process dies) instead of taking the machine's memory."""

    def __init__(self, conn: Connection, limit: int):
        self.conn = conn
        self.limit = limit
        self.running = threading.Event()  # set while a query runs
        self.lock = threading.Lock()

    def cap_address_space(self) -> None:
        if not self.limit or (pages := _statm()) is None:
            return
        cap = pages[0] + self.limit + max(self.limit, ADDRESS_SLACK)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

    def check(self) -> None:
        """Stop the process if the running query holds more than the limit."""
        if not (self.limit and self.running.is_set()):
            return
        sizes = _statm()
        if sizes is None or sizes[1] <= self.limit:
            return
        self.lock.acquire()  # never released: the process exits
        if not self.running.is_set():  # the query finished meanwhile: its answer went out
            self.lock.release()
            return
        message = (f"the query needed more than {self.limit >> 20} MB of memory, the most one "
                   "query may use (query_memory); it was stopped and its query process "
                   "replaced: make it more selective or add a LIMIT")
        # The answer must reach the executor only once this process is gone, or it could
        # hand the next query to a dying process: a copy of this thread alone (fork) waits
        # for that, then answers, while this process exits at once.
        parent = os.getpid()
        if os.fork() == 0:
            deadline = time.monotonic() + 5.0
            while os.getppid() == parent and time.monotonic() < deadline:
                time.sleep(0.001)
            with contextlib.suppress(OSError):
                self.conn.send(("error", "WorkerFailure", message))
            os._exit(0)
        os._exit(MEMORY_EXIT)


def _statm() -> tuple[int, int] | None:
    """This process's virtual and resident size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as f:
            virtual, resident = f.read().split()[:2]
    except OSError:
        return None
    return int(virtual) * _PAGE, int(resident) * _PAGE


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


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
    if writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3,
                  ox.RdfFormat.RDF_XML):
        # The query's own prefixes make Turtle (and TriG, N3) and RDF/XML readable.
        with contextlib.suppress(ValueError):  # a prefix the format cannot declare
            return ox.serialize(triples, format=writer, prefixes=prefixes)
        triples = ox.parse(text, counted)
    return ox.serialize(triples, format=writer)
