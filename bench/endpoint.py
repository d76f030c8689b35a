"""Endpoint benchmark on loopback: our server, ``oxigraph serve-read-only`` and rdflib.

The three serve the same store. The load generator is ``wrk`` (Debian package) driven by
``bench/wrk_mix.lua``, which cycles through a request file; every run is bounded in time
(``-d``) and stops by itself, and every server is stopped (by its own pid) afterwards.

Workloads:
- ``mixed``: entity look-ups (SELECT ?p ?o of one entity), dereferencing (ours:
  ``GET /id/...`` as Turtle; the others: the equivalent ``DESCRIBE``), the competency
  queries of ``queries/`` and DESCRIBEs, half of them repeated verbatim and half made
  unique by a per-request comment (``#n<thread>-<counter>``), so no text cache helps;
- ``lookup``: entity look-ups only (the p99 target).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from kg.query import with_prologue

LUA = Path(__file__).with_name("wrk_mix.lua")
KINDS = ("person", "organization", "place", "meeting", "plan", "quantity", "communication",
         "document", "position")


def sample_entities(store_path: Path, n: int, seed: int = 7) -> list[str]:
    store = ox.Store.read_only(str(store_path))
    iris: set[str] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        s = q.subject
        if isinstance(s, ox.NamedNode) and s.value.startswith(DEFAULT_BASE_IRI + "/id/"):
            kind = s.value[len(DEFAULT_BASE_IRI) + 4:].split("/", 1)[0]
            if kind in KINDS:
                iris.add(s.value)
    rnd = random.Random(seed)
    return rnd.sample(sorted(iris), min(n, len(iris)))


def requests_for(server: str, workload: str, entities: list[str]) -> list[tuple[str, str, str]]:
    """(accept, path, unique?) rows; the path carries NONCE where a unique comment goes."""
    qpath = "/sparql?query=" if server == "ours" else "/query?query="
    json_ = "application/sparql-results+json"
    rows: list[tuple[str, str, str]] = []

    def sparql(text: str, accept: str) -> None:
        full = with_prologue(text, DEFAULT_BASE_IRI)
        rows.append((accept, qpath + quote(full), "0"))
        rows.append((accept, qpath + quote(full + "\n#") + "NONCE", "1"))

    for iri in entities:
        sparql(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", json_)
    if workload == "lookup":
        return rows
    for iri in entities[: len(entities) // 2]:
        if server == "ours":
            path = iri[len(DEFAULT_BASE_IRI):]
            rows.append(("text/turtle", path, "0"))
            rows.append(("text/turtle", path + "?n=NONCE", "1"))
        else:
            sparql(f"DESCRIBE <{iri}>", "text/turtle")
    for iri in entities[len(entities) // 2:]:
        sparql(f"DESCRIBE <{iri}>", "text/turtle")
    for rq in sorted((PROJECT_ROOT / "queries").glob("*.rq")):
        sparql(rq.read_text(encoding="utf-8"), json_)
    random.Random(3).shuffle(rows)
    return rows


def start(server: str, store: Path, port: int, log: Path) -> subprocess.Popen:
    bind = f"127.0.0.1:{port}"
    env = dict(os.environ)
    if server == "ours":
        env.update(KG_STORE=str(store), KG_BASE_IRI=DEFAULT_BASE_IRI)
        cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", bind,
               "server.wsgi:app"]
    elif server == "oxigraph":
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        cmd = [exe, "serve-read-only", "--location", str(store), "--bind", bind,
               "--union-default-graph"]
    else:
        cmd = [sys.executable, "-m", "bench.rdflib_endpoint", str(store), str(port)]
    out = log.open("w")
    return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                            cwd=PROJECT_ROOT, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server not ready after {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(port: int, clients: int, seconds: int, request_file: Path) -> dict:
    threads = 1 if clients == 1 else 2
    cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout",
           "10s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(request_file)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise RuntimeError(f"wrk failed: {proc.stdout} {proc.stderr}")
    return json.loads(line[-1])


def bench_endpoint(size: int, clients: list[int], seconds: int, servers: list[str],
                   work: Path, port: int = 18931) -> list[dict]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    root = work / f"corpus-{size}"
    store = root / "data" / "store"
    if not store.exists():
        from bench.build import run_one
        from bench.corpus import generate

        generate(root, size)
        run_one(root, ["reasonable"], skip_validate=True)
    store = store.resolve()
    entities = sample_entities(store, 200)
    rows = []
    for server in servers:
        proc = start(server, store, port, work / f"{server}.log")
        try:
            probe = "/sparql?query=ASK%7B%7D" if server == "ours" else "/query?query=ASK%7B%7D"
            t = time.perf_counter()
            wait_ready(f"http://127.0.0.1:{port}{probe}", proc)
            ready = time.perf_counter() - t
            for workload in ("mixed", "lookup"):
                reqs = work / f"requests-{server}-{workload}.tsv"
                reqs.write_text("".join(f"{a}\t{p}\t{u}\n"
                                        for a, p, u in requests_for(server, workload, entities)))
                wrk(port, 2, 2, reqs)  # warm-up
                for c in clients:
                    r = wrk(port, c, seconds, reqs)
                    row = {"size": size, "server": server, "workload": workload, "clients": c,
                           "startup_s": round(ready, 1), **r}
                    print(json.dumps(row), flush=True)
                    rows.append(row)
                    with (work / "endpoint.jsonl").open("a") as f:
                        f.write(json.dumps(row) + "\n")
        finally:
            stop(proc)
    return rows
