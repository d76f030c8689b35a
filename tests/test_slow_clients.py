"""Slow clients cost a socket, not a thread (:mod:`server.front`), on a real ``kg serve``.

100 connections trickle their requests (the head, a body with a Content-Length, a chunked
body: a piece every second) for about 8 seconds, more than the server's threads (2 workers
of 8 threads here); meanwhile two clients send normal requests one after another, and
every one is answered within a generous deadline. A connection that stalls halfway through
its head is answered 408 once its read deadline (:data:`server.front.READ_TIMEOUT`) has
passed. The full measurement (200 connections, 20 s, p99) is ``python -m bench
slow-clients``.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from server.front import READ_TIMEOUT

from conftest import kg_serve
from server_fixtures import EX, build_store

CONNECTIONS = 100
SECONDS = 8.0
#: Seconds a normal request may take: generous (a loaded 2-CPU machine), and far below
#: the time the trickling connections last.
DEADLINE = 2.0
PIECES = {"head": b"X-Slow: 1\r\n", "body": b"# slow\n", "chunked": b"7\r\n# slow\n\r\n"}
HEAD = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
FIRST = {"head": HEAD, "body": HEAD + b"Content-Length: 5000\r\n\r\n",
         "chunked": HEAD + b"Transfer-Encoding: chunked\r\n\r\n"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("slow")
    store = build_store(tmp / "store")
    with kg_serve(str(tmp / "data"), tmp, store=str(store), threads="8") as url:
        parsed = urllib.parse.urlsplit(url)
        yield parsed.hostname or "127.0.0.1", parsed.port or 80


def trickle(server: tuple[str, int], kind: str, stop: float, opened: list[int],
            errors: list[str]) -> None:
    try:
        with socket.create_connection(server, timeout=5) as sock:
            sock.sendall(FIRST[kind])
            opened.append(1)
            while time.monotonic() < stop:
                time.sleep(1.0)
                sock.sendall(PIECES[kind])
    except OSError as exc:
        errors.append(f"{kind}: {exc}")


def test_trickling_connections_do_not_hold_up_normal_requests(
        server: tuple[str, int]) -> None:
    stalled = socket.create_connection(server, timeout=READ_TIMEOUT + 5)
    stalled.sendall(HEAD)  # and nothing more
    stalled_at = time.monotonic()
    stop = time.monotonic() + SECONDS
    opened: list[int] = []
    errors: list[str] = []
    slow = [threading.Thread(target=trickle, args=(server, list(PIECES)[i % 3], stop,
                                                   opened, errors))
            for i in range(CONNECTIONS)]
    for t in slow:
        t.start()
    time.sleep(1.5)
    assert len(opened) == CONNECTIONS

    times: list[float] = []
    failures: list[str] = []

    def normal(client: int) -> None:
        n = 0
        while time.monotonic() < stop - 0.5:
            n += 1
            query = f"SELECT ?p ?o WHERE {{ <{EX}mao> ?p ?o }} LIMIT {client * 10000 + n}"
            url = f"http://{server[0]}:{server[1]}/sparql?" + urllib.parse.urlencode(
                {"query": query})
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=DEADLINE) as response:
                    response.read()
                times.append(time.perf_counter() - start)
            except OSError as exc:
                failures.append(str(exc))
            time.sleep(0.02)

    clients = [threading.Thread(target=normal, args=(c,)) for c in range(2)]
    for t in clients:
        t.start()
    for t in clients + slow:
        t.join(SECONDS + 10)
    assert not errors, errors[:3]
    assert not failures, failures[:3]
    assert len(times) > 50
    assert max(times) < DEADLINE

    # The stalled connection: answered 408 once its deadline passed, then closed.
    time.sleep(max(0.0, stalled_at + READ_TIMEOUT + 1.5 - time.monotonic()))
    with stalled:
        answer = stalled.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
