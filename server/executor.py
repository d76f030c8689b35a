"""The pool of query processes and its lifecycle, so that a runaway query can be stopped.

pyoxigraph has no query timeout and a running query cannot be interrupted from Python.
So queries run in separate processes: each worker opens the store read-only once and
answers one request at a time over a socket, with the results already serialized.
:meth:`Executor.execute` hands a query to an idle worker and waits at most ``timeout``
seconds; a worker that overruns is killed and a fresh one takes its place. Several
queries at once each get their own worker: the pool starts with one and grows, up to
``processes``, when a query finds every worker busy; past that a request waits for one.
A query still running after ``slow_after`` seconds yields the CPU (a lower priority) and
gives up its place: the pool may then grow past ``processes``, up to
:data:`SLOW_HEADROOM` times more, and shrinks back once the workers it grew by have been
idle for ``retire_after`` seconds. So slow queries, however many, hold up nobody but their
own clients. The idle worker used last is used first: its memory is still in the CPU's
caches.

Look-ups (:attr:`server.query_text.QueryText.lookup`: one triple pattern with a bound
subject, a ``DESCRIBE`` of a few IRIs) are answered in the calling thread instead, from a
read-only handle the pool opens in its own process: their work is bounded by one subject's
statements, so they need no stopping, and the round trip to a query process would cost
more than the query (pyoxigraph releases the GIL while it evaluates and serializes, so
other threads go on meanwhile). One still writing results after ``slow_after`` seconds is
dropped and run again in a query process. Both ways run :func:`server.worker.answer`
(what a query process runs, with its limits and serialization): the same answers.

Workers are fresh interpreters (``python -c``, not ``fork``: no inherited locks, threads
or open stores; and unlike multiprocessing's ``spawn`` they do not re-import the parent's
``__main__``), talking over a socket pair. They start on the first query of the process
that owns the pool, so a pool created before a fork (gunicorn ``--preload``) is started
again in each child (:func:`server.worker.main` is their entry point).

This module holds the pool (:class:`Executor`: starting, growing, retiring, replacing and
stopping query processes, timeouts and priorities) and the errors it raises; it does not
import Flask, nor does :mod:`server.worker`: query processes start without the web stack.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryError, StoreError
from kg.store.lifecycle import hold
from server import query_text
from server.formats import BY_KEY, NotAcceptable
from server.worker import Overrun, answer

#: Most worker processes per pool when the caller does not say.
DEFAULT_PROCESSES = 2
#: Seconds after which a query counts as long (default of the ``slow_query_after``
#: setting), and the niceness its worker then gets: long queries yield the CPU to quick ones
#: (look-ups, pages) instead of sharing it equally.
SLOW_AFTER = 0.2
SLOW_NICE = 10
#: How many times ``processes`` more workers a pool may start beside those running slow
#: queries (each some 35 MB): the bound on query processes is ``processes`` running at
#: normal priority, and ``processes * (1 + SLOW_HEADROOM)`` in all.
SLOW_HEADROOM = 3
#: Seconds a worker beyond ``processes`` stays idle before it is stopped (default).
RETIRE_AFTER = 60.0
#: Seconds a new worker may take to start and open the store.
BOOT_TIMEOUT = 30.0


class QueryTimeout(KGError):
    title = "Query timeout"
    status = 503


class ResultTooLarge(KGError):
    title = "Result too large"
    status = 422


class ServerBusy(KGError):
    title = "Server busy"
    status = 503
    headers = {"Retry-After": "1"}


class WorkerFailure(KGError):
    title = "Query engine failure"
    status = 500


_ERRORS: dict[str, type[KGError]] = {
    cls.__name__: cls
    for cls in (QueryError, StoreError, ResultTooLarge, NotAcceptable, WorkerFailure)
}


@dataclass(eq=False)  # compared and hashed by identity: kept in a set
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    ready: bool = False
    thread: int = 0  # the native id of the thread that runs its queries


class Executor:
    """A pool of query processes over one read-only pyoxigraph store."""

    def __init__(
        self,
        store_path: str | os.PathLike[str],
        *,
        processes: int = DEFAULT_PROCESSES,
        timeout: float = 10.0,
        max_results: int = 100_000,
        slow_after: float = SLOW_AFTER,
        lookups_here: bool = True,
        retire_after: float = RETIRE_AFTER,
    ):
        self.store_path = Path(store_path)
        self.processes = max(1, processes)
        self.timeout = timeout
        self.max_results = max_results
        self.slow_after = slow_after
        self.retire_after = retire_after
        self.lookups_here = lookups_here
        """Whether look-ups are answered in the calling thread (False: every query goes to
        a query process)."""
        self._lock = threading.Lock()
        self._idle = _Idle()
        self._workers: set[_Worker] = set()
        self._slow = 0  # workers running a query past slow_after, at a lower priority
        self._owner: int | None = None  # pid of the process that started the workers
        self._closed = False
        self._store: ox.Store | None = None  # the handle for look-ups, opened by _owner
        self._hold: int | None = None  # the lock that keeps builds from removing the store

    def execute(
        self,
        query: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        result_format: str | None = None,
    ) -> tuple[str, bytes]:
        """Run ``query``; return the content type and the serialized results.

        With neither ``default_graphs`` nor ``named_graphs``, the default graph is the
        union of all named graphs and every named graph is available to ``GRAPH``
        (unless the query has its own ``FROM`` / ``FROM NAMED``); otherwise the dataset
        is exactly the graphs given (SPARQL 1.1 Protocol).
        ``result_format`` is a key of :data:`server.formats.BY_KEY` fitting the query
        form, or None for the form's default (JSON results, Turtle).

        Look-ups are answered in the calling thread (see the module's docstring), other
        queries in a query process.

        Raises :class:`QueryError` (malformed or failing query), :class:`QueryTimeout`,
        :class:`ResultTooLarge`, :class:`StoreError` (no store), :class:`ServerBusy`,
        :class:`NotAcceptable` or :class:`WorkerFailure`.
        """
        text = query_text.inspect(query)
        # Without a given dataset the default graph is the union, unless the query names
        # its own (FROM / FROM NAMED), which the union would override.
        union = not (default_graphs or named_graphs or text.has_dataset)
        request = (query, list(default_graphs), list(named_graphs), result_format,
                   self.max_results, union, text.prefixes)
        reply = self.answer_here(request) if self.answers_here(text) else None
        if reply is None:
            reply = self.answer_in_process(request)
        if reply[0] == "ok":
            return BY_KEY[reply[1]].content_type, reply[2]
        raise _ERRORS.get(reply[1], QueryError)(reply[2])

    def answers_here(self, text: query_text.QueryText) -> bool:
        """Whether a query is answered in the calling thread: a look-up, cheaper to answer
        again than to keep."""
        return self.lookups_here and text.lookup

    def answer_here(self, request: tuple[Any, ...]) -> tuple[str, str, Any] | None:
        """:func:`server.worker.answer` in this thread, or None if it was still writing
        results after :attr:`slow_after` seconds (then it is a job for a query process)."""
        store = self._handle()
        try:
            return answer(store, *request, deadline=time.monotonic() + self.slow_after)
        except Overrun:
            return None

    def answer_in_process(self, request: tuple[Any, ...]) -> tuple[str, str, Any]:
        """:func:`server.worker.answer` in a query process, stopped after :attr:`timeout`
        seconds."""
        self._check_store()
        worker = self._acquire()
        healthy = slow = False
        try:
            self._boot(worker)
            worker.conn.send(request)
            if not worker.conn.poll(min(self.slow_after, self.timeout)):
                # A long query: it yields the CPU to quick ones from now on, and its place.
                slow = _set_priority(worker, SLOW_NICE)
                if slow:
                    self._count_slow(1)
                if not worker.conn.poll(max(0.0, self.timeout - self.slow_after)):
                    raise QueryTimeout(
                        f"the query ran longer than {self.timeout:g} s and was stopped; "
                        "make it more selective or add a LIMIT"
                    )
            reply = worker.conn.recv()
            # A worker that cannot be given its priority back is replaced.
            healthy = not slow or _set_priority(worker, 0)
        except (EOFError, OSError):
            code = worker.process.poll()
            raise WorkerFailure(
                "the query engine stopped while running this query"
                + (f" (exit code {code})" if code is not None else "")
                + "; it has been restarted"
            ) from None
        finally:
            if slow:
                self._count_slow(-1)
            if healthy:
                self._idle.put(worker)
                self._retire_idle()
            else:
                self._replace(worker)
        return reply

    def start(self) -> None:
        """Start the worker processes now rather than on the first query."""
        with self._lock:
            if self._owner == os.getpid() or self._closed:
                return
            # First start, or a pool inherited through fork: the workers (if any) belong
            # to the parent process, leave them alone.
            self._idle = _Idle()
            self._workers = set()
            self._store = None
            self._owner = os.getpid()
            self._hold = self._lock_build()
            self._idle.put(self._spawn())
            atexit.register(self.close)

    def close(self) -> None:
        """Stop every worker process. The executor cannot be used afterwards."""
        with self._lock:
            self._closed = True
            workers = list(self._workers) if self._owner == os.getpid() else []
            self._workers.clear()
            self._store = None
        for worker in workers:
            worker.conn.close()  # idle workers exit at end of input, all at once
        for worker in workers:
            _stop(worker, grace=2.0)
        atexit.unregister(self.close)

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> ox.Store:
        """This process's read-only handle on the store, for look-ups."""
        if self._closed:
            raise StoreError("the query executor is shut down")
        if self._owner != os.getpid():
            self.start()
        store = self._store
        if store is None:
            self._check_store()
            with self._lock:
                if self._store is None:
                    try:
                        self._store = ox.Store.read_only(str(self.store_path))
                    except OSError as exc:
                        raise StoreError(
                            f"cannot open the store at {self.store_path}: {exc}") from None
                store = self._store
        return store

    def _check_store(self) -> None:
        if not self.store_path.exists():
            raise StoreError(
                f"there is no store at {self.store_path}: run `kg build` to build it, "
                "or point KG_STORE at one"
            )

    def _acquire(self) -> _Worker:
        if self._closed:
            raise StoreError("the query executor is shut down")
        if self._owner != os.getpid():
            self.start()
        while True:
            worker = self._idle.get(0) or self._grow() or self._wait()
            if worker.process.poll() is None:
                return worker
            self._replace(worker)  # died while idle (killed from outside): not this query's fault

    def _grow(self) -> _Worker | None:
        """A new worker for this query, unless ``processes`` workers are running queries
        at normal priority, or the pool is at its largest."""
        with self._lock:
            size = len(self._workers)
            if (self._closed or size - self._slow >= self.processes
                    or size >= self.processes * (1 + SLOW_HEADROOM)):
                return None
            return self._spawn()

    def _wait(self) -> _Worker:
        """An idle worker, or a new one as soon as a running query turns slow."""
        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            worker = self._idle.get(min(left, self.slow_after)) or self._grow()
            if worker is not None:
                return worker
        raise ServerBusy(f"all {self.processes} query processes stayed busy for "
                         f"{self.timeout:g} s; try again shortly")

    def _count_slow(self, change: int) -> None:
        with self._lock:
            self._slow += change

    def _retire_idle(self) -> None:
        """Stop the workers the pool grew by for slow queries once they have been idle for
        :attr:`retire_after` seconds (not at once: starting a worker costs more than
        keeping one through a burst of slow queries)."""
        with self._lock:
            surplus = len(self._workers) - self.processes
            old = self._idle.take_oldest(surplus, self.retire_after) if surplus > 0 else []
            self._workers.difference_update(old)
        for worker in old:
            _stop(worker, grace=0.0)

    def _boot(self, worker: _Worker) -> None:
        """Wait for a new worker to open the store; raise StoreError if it cannot."""
        if worker.ready:
            return
        if not worker.conn.poll(BOOT_TIMEOUT):
            raise StoreError(f"the query process did not start within {BOOT_TIMEOUT:g} s")
        message = worker.conn.recv()
        if message[0] != "ready":
            raise StoreError(message[2])
        worker.ready = True
        worker.thread = message[1]

    def _lock_build(self) -> int | None:
        """Mark the build served as in use (:func:`kg.store.lifecycle.hold`), for this
        process and, through the descriptor, its query processes: a later ``kg build``
        leaves it in place until they are gone."""
        try:
            return hold(self.store_path)
        except (StoreError, OSError):
            return None  # no build there (yet): the queries will say so

    def _spawn(self) -> _Worker:
        parent_end, child_end = socket.socketpair()
        with parent_end, child_end:
            fd = child_end.fileno()
            held = [self._hold] if self._hold is not None else []
            code = (
                "import sys; from server.worker import main; "
                "main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))"
            )
            process = subprocess.Popen(
                [sys.executable, "-c", code, str(fd), str(self.store_path), str(os.getpid())],
                pass_fds=[fd, *held],
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            )
            worker = _Worker(process, Connection(parent_end.detach()))
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that overran or failed and put a fresh one in its place (unless
        the pool had grown past its size for slow queries)."""
        _stop(worker, grace=0.0)
        with self._lock:
            if worker not in self._workers:
                return  # closed meanwhile
            self._workers.discard(worker)
            if not self._closed and len(self._workers) < self.processes:
                self._idle.put(self._spawn())


def _set_priority(worker: _Worker, nice: int) -> bool:
    """Set the niceness of the worker's query thread; False if this is not allowed
    (raising a priority again takes privileges on most systems)."""
    if not worker.thread:  # 0 would mean this process
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, worker.thread, nice)
    except OSError:
        return False
    return True


def _stop(worker: _Worker, *, grace: float) -> None:
    """Stop a worker: with a grace period, let it finish and exit at end of input; kill it
    when the grace period is over or there is none."""
    if grace:
        worker.conn.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(grace)
    worker.process.kill()  # no effect on a process that has exited
    worker.process.wait()
    worker.conn.close()


class _Idle:
    """The idle workers of a pool, the one used last on top (its memory is still in the
    CPU's caches), each with the time it became idle."""

    def __init__(self) -> None:
        self._workers: list[tuple[_Worker, float]] = []
        self._ready = threading.Condition()

    def put(self, worker: _Worker) -> None:
        with self._ready:
            self._workers.append((worker, time.monotonic()))
            self._ready.notify()

    def get(self, timeout: float) -> _Worker | None:
        """The worker used last, waiting up to ``timeout`` seconds for one; None if none."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._workers, timeout):
                return None
            return self._workers.pop()[0]

    def take_oldest(self, most: int, idle_for: float) -> list[_Worker]:
        """Take out up to ``most`` workers idle for ``idle_for`` seconds or more."""
        since = time.monotonic() - idle_for
        with self._ready:
            n = 0
            while n < min(most, len(self._workers)) and self._workers[n][1] <= since:
                n += 1
            taken, self._workers[:n] = self._workers[:n], []
        return [worker for worker, _ in taken]
