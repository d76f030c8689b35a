"""Endpoint benchmark on loopback: our server, ``oxigraph serve-read-only`` and rdflib.

The three serve the same store: a copy of the corpus's current build, taken when the
benchmark starts (a build running meanwhile would otherwise switch the store under the
servers). The load generator is ``wrk`` (Debian package) driven by ``bench/wrk_mix.lua``,
which cycles through a request file; every run is bounded in time (``-d``) and stops by
itself. Each run gets a freshly started server (stopped by its own pid afterwards), a
warm-up of :data:`WARM_UP` seconds with the run's number of clients and the repeated
requests only, and a quiet moment: the run starts once the server has finished what the
warm-up left running.

Workloads:
- ``mixed``: entity look-ups (``SELECT ?p ?o`` of one entity), dereferencing (ours: the
  entity's Turtle document ``GET /id/....ttl``; the others: the equivalent ``DESCRIBE``),
  DESCRIBEs and the competency queries of ``queries/``; each kind half repeated verbatim
  and half never repeated: a look-up, dereference or DESCRIBE of the next entity of the
  whole store's pool, and SPARQL text with a ``LIMIT`` no other request uses (so no answer
  cache, however it normalizes the text, can serve it);
- ``lookup``: entity look-ups only (the p99 target).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.config import DEFAULT_BASE_IRI, PROJECT_ROOT, Config
from kg.store.query import with_prologue

LUA = Path(__file__).with_name("wrk_mix.lua")
KINDS = ("person", "organization", "place", "meeting", "plan", "quantity", "communication",
         "document", "position")
WORKLOADS = ("mixed", "lookup")
#: Our server's settings recorded with each of its rows.
SETTINGS = ("workers", "threads", "query_processes", "slow_query_after")
#: Seconds of the warm-up before each run, and the most to wait for a quiet server after.
WARM_UP = 3
QUIET_TIMEOUT = 60.0


def entities(store_path: Path) -> list[str]:
    """Every entity IRI of the benchmark's kinds in the store, sorted."""
    store = ox.Store.read_only(str(store_path))
    iris: set[str] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        s = q.subject
        if isinstance(s, ox.NamedNode) and s.value.startswith(DEFAULT_BASE_IRI + "/id/"):
            kind = s.value[len(DEFAULT_BASE_IRI) + 4:].split("/", 1)[0]
            if kind in KINDS:
                iris.add(s.value)
    return sorted(iris)


def sample(iris: list[str], n: int, seed: int = 7) -> list[str]:
    return random.Random(seed).sample(iris, min(n, len(iris)))


def requests_for(server: str, workload: str, repeated: list[str]) -> list[tuple[str, str, str]]:
    """(accept, path, unique) rows. Unique rows carry the placeholders of wrk_mix.lua:
    ENTITYQ (an entity IRI, percent-encoded), ENTITYP (its path), UNIQUE (a number)."""
    qpath = "/sparql?query=" if server == "ours" else "/query?query="
    json_ = "application/sparql-results+json"
    rows: list[tuple[str, str, str]] = []

    def sparql(template: str, accept: str, iri: str | None = None) -> None:
        text = template.replace("ENTITY", iri) if iri else template
        rows.append((accept, qpath + quote(with_prologue(text, DEFAULT_BASE_IRI)), "0"))
        unique = with_prologue(template.replace("ENTITY", "ENTITYQ"), DEFAULT_BASE_IRI)
        rows.append((accept, qpath + quote(unique + "\nLIMIT UNIQUE"), "1"))

    lookup = "SELECT ?p ?o WHERE { <ENTITY> ?p ?o }"
    for iri in repeated:
        sparql(lookup, json_, iri)
    if workload == "lookup":
        return rows
    for iri in repeated[: len(repeated) // 2]:
        if server == "ours":
            rows.append(("text/turtle", iri[len(DEFAULT_BASE_IRI):] + ".ttl", "0"))
            rows.append(("text/turtle", "ENTITYP.ttl", "1"))
        else:
            sparql("DESCRIBE <ENTITY>", "text/turtle", iri)
    for iri in repeated[len(repeated) // 2:]:
        sparql("DESCRIBE <ENTITY>", "text/turtle", iri)
    for rq in sorted((PROJECT_ROOT / "queries").glob("*.rq")):
        text = rq.read_text(encoding="utf-8")
        rows.append((json_, qpath + quote(with_prologue(text, DEFAULT_BASE_IRI)), "0"))
        rows.append((json_, qpath + quote(with_prologue(text, DEFAULT_BASE_IRI)
                                          + "\nLIMIT UNIQUE"), "1"))
    random.Random(3).shuffle(rows)
    return rows


def ours_config() -> Config:
    """The settings our server runs with: the defaults, or ``KG_*`` variables of the
    benchmark's environment (which the server inherits), such as ``KG_THREADS``."""
    return Config.load({})


def ours_command(bind: str) -> list[str]:
    """Our server as ``kg serve`` starts it (:func:`ours_config`, no access log)."""
    from server import gunicorn_argv

    config = ours_config()
    return gunicorn_argv(sys.executable, bind, config.workers, config.threads,
                         config.query_timeout, access_log=False)


def start(server: str, store: Path, port: int, log: Path) -> subprocess.Popen:
    bind = f"127.0.0.1:{port}"
    env = dict(os.environ)
    if server == "ours":
        env.update(KG_STORE=str(store), KG_BASE_IRI=DEFAULT_BASE_IRI)
        cmd = ours_command(bind)
    elif server == "oxigraph":
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        cmd = [exe, "serve-read-only", "--location", str(store), "--bind", bind,
               "--union-default-graph"]
    else:
        cmd = [sys.executable, "-m", "bench.rdflib_endpoint", str(store), str(port)]
    out = log.open("a")
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


def cpu_seconds(group: int) -> float:
    """CPU time used so far by the processes of a process group (Linux ``/proc``: utime
    and stime, which the kernel scales to the scheduler's exact total, threads that have
    ended included)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # pgrp; then utime, stime at 11, 12 (clock ticks)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (all CPUs, /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(proc: subprocess.Popen, timeout: float = QUIET_TIMEOUT) -> float:
    """Wait until the server uses under 5% of a CPU over half a second (queries the
    warm-up left running have finished); return the seconds waited."""
    start = time.monotonic()
    before = cpu_seconds(proc.pid)
    while time.monotonic() - start < timeout:
        time.sleep(0.5)
        now = cpu_seconds(proc.pid)
        if now - before < 0.025:
            break
        before = now
    return time.monotonic() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(port: int, clients: int, seconds: int, request_file: Path, pool_file: Path,
        salt: int) -> dict:
    threads = 1 if clients == 1 else 2
    cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout",
           "10s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(request_file),
           str(pool_file), str(salt), str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise RuntimeError(f"wrk failed: {proc.stdout} {proc.stderr}")
    return json.loads(line[-1])


def snapshot(size: int, work: Path) -> Path:
    """A copy of the corpus's current build (store and build.json); return its store."""
    root = work / f"corpus-{size}"
    store = root / "data" / "store"
    if not store.exists():
        from bench.build import run_one
        from bench.corpus import generate

        generate(root, size)
        run_one(root, ["reasonable"], skip_validate=True)
    build = store.resolve().parent
    copy = work / f"endpoint-{size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(build, copy)
    return copy / store.name


def bench_endpoint(size: int, clients: list[int], seconds: int, servers: list[str],
                   work: Path, port: int = 18931) -> list[dict]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    store = snapshot(size, work).resolve()
    pool = entities(store)
    repeated = sample(pool, 200)
    pool_file = work / "entities.tsv"
    pool_file.write_text("".join(f"{quote(iri, safe='')}\t{iri[len(DEFAULT_BASE_IRI):]}\n"
                                 for iri in random.Random(11).sample(pool, len(pool))))
    rows = []
    salt = 0
    for server in servers:
        (work / f"{server}.log").unlink(missing_ok=True)
        probe = "/sparql?query=ASK%7B%7D" if server == "ours" else "/query?query=ASK%7B%7D"
        for workload in WORKLOADS:
            requests = requests_for(server, workload, repeated)
            reqs = work / f"requests-{server}-{workload}.tsv"
            reqs.write_text("".join(f"{a}\t{p}\t{u}\n" for a, p, u in requests))
            warm = work / f"requests-{server}-{workload}-repeated.tsv"
            warm.write_text("".join(f"{a}\t{p}\t{u}\n" for a, p, u in requests if u == "0"))
            for c in clients:
                salt += 1
                proc = start(server, store, port, work / f"{server}.log")
                try:
                    t = time.perf_counter()
                    wait_ready(f"http://127.0.0.1:{port}{probe}", proc)
                    ready = time.perf_counter() - t
                    wrk(port, c, WARM_UP, warm, pool_file, salt)
                    quiet = wait_quiet(proc)
                    load = os.getloadavg()[0]
                    cpu = (busy_seconds(), cpu_seconds(proc.pid), _children_cpu())
                    r = wrk(port, c, seconds, reqs, pool_file, salt)
                    used = (busy_seconds() - cpu[0], cpu_seconds(proc.pid) - cpu[1],
                            _children_cpu() - cpu[2])
                finally:
                    stop(proc)
                # CPU the server, wrk and anything else on the machine used during the run,
                # in CPUs (this machine has os.cpu_count()): "other" is noise.
                row = {"size": size, "server": server, "workload": workload, "clients": c,
                       **({"settings": {k: getattr(ours_config(), k) for k in SETTINGS}}
                          if server == "ours" else {}),
                       "startup_s": round(ready, 1), "quiet_s": round(quiet, 1),
                       "load1": round(load, 2), **r,
                       "server_cpu": round(used[1] / r["seconds"], 2),
                       "wrk_cpu": round(used[2] / r["seconds"], 2),
                       "other_cpu": round(max(0.0, used[0] - used[1] - used[2]) / r["seconds"],
                                          2)}
                print(json.dumps(row), flush=True)
                rows.append(row)
                with (work / "endpoint.jsonl").open("a") as f:
                    f.write(json.dumps(row) + "\n")
    return rows
