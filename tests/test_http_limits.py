"""Limits that refuse instead of truncating, on a real ``kg serve`` (gunicorn with the
reading front, :mod:`server.front`): request bodies over ``max_query_bytes`` (413, with
``Content-Length`` or chunked), heads too large (431), results over ``max_results`` (422,
before any byte of them is sent), and a query over ``query_memory`` (an error that says
so, its process replaced, the queries beside it answered)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from conftest import kg_serve
from server_fixtures import EX, NUMBER_COUNT, build_store

MAX_QUERY_BYTES = 4000
MAX_RESULTS = 500
QUERY_MEMORY = 200  # MB
#: Two independent patterns over the sample store, sorted: some 4 million rows held at
#: once, over a gigabyte.
MEMORY_HOG = "SELECT ?a ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
SMALL = f"SELECT ?o WHERE {{ <{EX}mao> ?p ?o }}"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("limits")
    store = build_store(tmp / "store")
    with kg_serve(str(tmp / "data"), tmp, store=str(store), max_query_bytes=str(MAX_QUERY_BYTES),
                  max_results=str(MAX_RESULTS), query_memory=str(QUERY_MEMORY),
                  query_timeout="10") as url:
        parsed = urllib.parse.urlsplit(url)
        yield parsed.hostname or "127.0.0.1", parsed.port or 80


def request(server: tuple[str, int], method: str, path: str, body: object = None,
            headers: dict[str, str] | None = None, chunked: bool = False
            ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw(server: tuple[str, int], data: bytes, read_for: float = 5.0) -> bytes:
    """Send ``data`` on a fresh connection; everything the server answers until it closes
    the connection or ``read_for`` seconds pass."""
    with socket.create_connection(server, timeout=read_for) as sock:
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + read_for
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
        return received


def message(body: bytes) -> str:
    error = json.loads(body)
    assert set(error) == {"error", "message", "status"}
    return str(error["message"])


def padded(size: int, tail: str = " LIMIT 1", fill: str = "x") -> str:
    """A query of ``size`` bytes (UTF-8) that ends in ``tail``: cut anywhere before, it
    returns every number of the store. ``fill``: the comment's character, of 1 or 2 bytes."""
    head = "SELECT ?s WHERE { ?s ?p ?o } "
    room = size - len(head) - len(tail) - 2
    width = len(fill.encode())
    return head + "#" + fill * (room // width) + "x" * (room % width) + "\n" + tail


def test_content_length_over_the_limit(server: tuple[str, int]) -> None:
    status, _, body = request(server, "POST", "/sparql", padded(MAX_QUERY_BYTES * 3).encode(),
                              {"Content-Type": DIRECT})
    assert status == 413
    assert "max_query_bytes" in message(body)


def test_form_over_the_limit(server: tuple[str, int]) -> None:
    form = urllib.parse.urlencode({"query": padded(MAX_QUERY_BYTES * 3)})
    status, _, body = request(server, "POST", "/sparql", form.encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413


def test_chunked_body_over_the_limit_is_refused_not_cut(server: tuple[str, int]) -> None:
    """The issue's case: a query ending in LIMIT 1, sent chunked, longer than the limit.
    Cut at the limit it would lose its LIMIT and return the whole store."""
    text = padded(MAX_QUERY_BYTES * 3).encode()
    chunks = iter([text[i:i + 1000] for i in range(0, len(text), 1000)])
    status, _, body = request(server, "POST", "/sparql", chunks,
                              {"Content-Type": DIRECT, "Accept": "application/json"},
                              chunked=True)
    assert status == 413, body[:200]
    assert "max_query_bytes" in message(body)


@pytest.mark.parametrize("size", [MAX_QUERY_BYTES, MAX_QUERY_BYTES + 1])
def test_chunked_body_at_the_limit(server: tuple[str, int], size: int) -> None:
    text = padded(size).encode()
    assert len(text) == size
    chunks = iter([text[i:i + 700] for i in range(0, len(text), 700)])
    status, _, body = request(server, "POST", "/sparql", chunks, {"Content-Type": DIRECT},
                              chunked=True)
    if size <= MAX_QUERY_BYTES:
        assert status == 200, body[:300]
        assert len(json.loads(body)["results"]["bindings"]) == 1
    else:
        assert status == 413


def test_expect_continue_over_the_limit_is_refused_before_the_body(
        server: tuple[str, int]) -> None:
    head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {DIRECT}\r\n"
            f"Content-Length: {MAX_QUERY_BYTES * 10}\r\nExpect: 100-continue\r\n\r\n")
    answer = raw(server, head.encode())  # the body is never sent
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"100 Continue" not in answer


def test_expect_continue_within_the_limit(server: tuple[str, int]) -> None:
    body = SMALL.encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {DIRECT}\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close"
            "\r\n\r\n").encode()
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert b"Mao Zedong" in answer


def test_long_get_query(server: tuple[str, int]) -> None:
    """A GET query longer than gunicorn's default request line (4 KiB) but within the
    limit is answered; over the limit, 413."""
    text = padded(MAX_QUERY_BYTES - 10, fill="\u00e9")  # 6 characters in a URL
    path = "/sparql?" + urllib.parse.urlencode({"query": text})
    assert len(path) > 4096
    assert request(server, "GET", path)[0] == 200
    path = "/sparql?" + urllib.parse.urlencode({"query": padded(MAX_QUERY_BYTES + 10,
                                                                fill="\u00e9")})
    assert request(server, "GET", path)[0] == 413


def test_head_too_large(server: tuple[str, int]) -> None:
    fields = "".join(f"X-Field-{i}: {'y' * 1000}\r\n" for i in range(80))
    answer = raw(server, f"GET /sparql HTTP/1.1\r\nHost: x\r\n{fields}\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_pipelined_requests_are_each_answered(server: tuple[str, int]) -> None:
    one = f"GET /sparql?{urllib.parse.urlencode({'query': SMALL})} HTTP/1.1\r\nHost: x\r\n"
    answer = raw(server, (one + "\r\n" + one + "Connection: close\r\n\r\n").encode())
    assert answer.count(b"HTTP/1.1 200 ") == 2


def test_result_over_max_results(server: tuple[str, int]) -> None:
    """More rows than max_results: 422 and a message, before any row is sent; the server
    answers the next query as usual."""
    query = f"SELECT ?s WHERE {{ ?s <{EX}value> ?v }}"
    assert NUMBER_COUNT > MAX_RESULTS
    status, headers, body = request(server, "GET",
                                    "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 422
    assert int(headers["Content-Length"]) == len(body)
    assert f"more than {MAX_RESULTS} rows" in message(body)
    status, _, body = request(server, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": query + f" LIMIT {MAX_RESULTS}"}))
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_RESULTS


def test_query_over_the_memory_cap(server: tuple[str, int]) -> None:
    """A query that needs more than query_memory: an error that says so, within a second
    or so; queries running beside it and after it are answered."""
    others: list[int] = []
    stop = threading.Event()

    def steady() -> None:
        n = 0
        while not stop.is_set():
            n += 1  # never repeated: answered by a query process, not a cache
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} LIMIT {n}"
            others.append(request(server, "GET", "/sparql?" + urllib.parse.urlencode(
                {"query": query}))[0])

    threads = [threading.Thread(target=steady) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        start = time.monotonic()
        status, _, body = request(server, "POST", "/sparql", MEMORY_HOG.encode(),
                                  {"Content-Type": DIRECT})
        took = time.monotonic() - start
        again = request(server, "POST", "/sparql", MEMORY_HOG.encode() + b" ",
                        {"Content-Type": DIRECT})
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert status == 500
    text = message(body)
    assert f"more than {QUERY_MEMORY} MB of memory" in text and "query_memory" in text
    assert took < 5
    assert again[0] == 500  # its replacement is capped the same way
    assert others and set(others) == {200}, others
    status, _, _ = request(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": SMALL}))
    assert status == 200
