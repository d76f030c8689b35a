"""Slow clients against the endpoint: trickling connections beside normal requests.

``python -m bench slow-clients`` serves a copy of the project's current build (``kg build``
first) as ``kg serve`` does (gunicorn with :mod:`server.front`), opens ``--connections``
connections that trickle their requests (a header line, a few body bytes or a body chunk
every ``--interval`` seconds; a connection the server closes, answered 408 after its read
deadline, is opened again at once) and keeps them for ``--seconds`` while ``--clients``
clients send normal requests one after another: entity look-ups (answered in the server's
threads) and, one in ten, a query never sent before (answered by a query process). Every
normal request is timed; the figures are their count, errors, median, p99 and maximum.
Bounded: every connection stops at the end, the server is stopped by its own pid.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg.config import Config

#: Seconds a normal request may take before it counts as unanswered.
DEADLINE = 5.0
#: The three ways to trickle: the head, a body with a Content-Length, a chunked body.
KINDS = ("head", "body", "chunked")


def trickle(address: tuple[str, int], kind: str, stop: float, interval: float,
            counts: dict[str, int], lock: threading.Lock) -> None:
    """Keep one trickling connection open until ``stop`` (``time.monotonic()``); open it
    again whenever the server closes it."""
    while time.monotonic() < stop:
        try:
            with socket.create_connection(address, timeout=interval + 5) as sock:
                with lock:
                    counts["opened"] += 1
                head = "POST /sparql HTTP/1.1\r\nHost: bench\r\nContent-Type: " \
                    "application/sparql-query\r\n"
                if kind == "body":
                    sock.sendall(f"{head}Content-Length: 100000\r\n\r\n".encode())
                elif kind == "chunked":
                    sock.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
                else:
                    sock.sendall(head.encode())
                while time.monotonic() < stop:
                    piece = {"head": b"X-Slow: 1\r\n", "body": b"# slow\n",
                             "chunked": b"7\r\n# slow\n\r\n"}[kind]
                    sock.sendall(piece)
                    sock.settimeout(interval)
                    try:
                        if sock.recv(4096):  # an answer (408): the server let go
                            with lock:
                                counts["cut"] += 1
                            break
                        break  # closed
                    except TimeoutError:
                        continue
        except OSError:
            with lock:
                counts["errors"] += 1
            time.sleep(0.1)


def normal(base: str, iris: list[str], stop: float, client: int, times: list[float],
           failures: list[str]) -> None:
    """Normal requests one after another until ``stop``, each timed."""
    n = 0
    while time.monotonic() < stop:
        n += 1
        iri = iris[(client * 7919 + n) % len(iris)]
        if n % 10:
            query = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
        else:  # never sent before: a query process answers it
            query = f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ <{iri}> ?p ?o }} GROUP BY ?p " \
                f"LIMIT {client * 100000 + n}"
        url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=DEADLINE) as response:  # noqa: S310
                response.read()
            times.append(time.perf_counter() - start)
        except (OSError, urllib.error.HTTPError) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")


def measure(address: tuple[str, int], iris: list[str], connections: int, seconds: float,
            clients: int = 4, interval: float = 2.0) -> dict[str, object]:
    """Trickling connections and normal requests at once, for ``seconds``; the figures."""
    counts = {"opened": 0, "cut": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    slow = [threading.Thread(target=trickle, args=(address, KINDS[i % 3], stop, interval,
                                                   counts, lock), daemon=True)
            for i in range(connections)]
    for t in slow:
        t.start()
    time.sleep(min(2.0, seconds / 4))  # every trickling connection open first
    times: list[float] = []
    failures: list[str] = []
    base = f"http://{address[0]}:{address[1]}"
    normals = [threading.Thread(target=normal, args=(base, iris, stop, c, times, failures))
               for c in range(clients)]
    for t in normals:
        t.start()
    for t in normals + slow:
        t.join(seconds + interval + 10)
    times.sort()
    return {
        "connections": connections, "seconds": seconds, "clients": clients,
        "requests": len(times), "failed": len(failures), "failures": failures[:5],
        "median_ms": round(1000 * statistics.median(times), 2) if times else None,
        "p99_ms": round(1000 * times[max(0, int(len(times) * 0.99) - 1)], 2) if times else None,
        "max_ms": round(1000 * times[-1], 2) if times else None,
        "trickling_opened": counts["opened"], "trickling_cut_408": counts["cut"],
        "trickling_errors": counts["errors"],
    }


def bench_slow_clients(connections: int, seconds: float, work: Path,
                       port: int = 18941) -> dict[str, object]:
    """Serve a copy of the current build and :func:`measure`; print and return the row."""
    from bench.endpoint import entities, start, wait_ready

    store = Config.load().store_path
    if not store.exists():
        raise SystemExit(f"no store at {store}: run `kg build` first")
    copy = work / "slow-clients"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store.resolve(), copy / "store")
    iris = entities(copy / "store")
    log = work / "slow-clients.log"
    log.unlink(missing_ok=True)
    proc = start("ours", copy / "store", port, log)
    try:
        wait_ready(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", proc)
        row = measure(("127.0.0.1", port), iris, connections, seconds)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    print(json.dumps(row))
    with (work / "slow-clients.jsonl").open("a") as out:
        out.write(json.dumps(row) + "\n")
    return row
