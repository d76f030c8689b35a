"""Builds and a running server together, for real: a copy of the project, `kg build` as a
subprocess, `kg serve` (gunicorn) under a bounded load of keep-alive clients.

- the server follows each new build within seconds, and never answers from a half-built
  store; builds a process still uses are kept; the load sees no error;
- two builds at once: the second refuses with one line; the store stays whole;
- a build killed with SIGKILL at any point: the server goes on answering and the next
  build succeeds, clearing what the killed one left;
- a full disk (a real one: a small tmpfs in a private mount namespace, where the machine
  allows it): one line, the previous store intact and served.

The figures of docs/reliability.md come from these tests: run them with ``-s`` to see them.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import free_port, kg_serve
from kg.config import PROJECT_ROOT
from kg.store.lifecycle import build_lock

KG = [sys.executable, "-m", "kg.cli"]
#: The named graphs the endpoint serves: one per document plus ontology, registry and
#: inferred (the explanations are kept beside the store, kg.store.explanations).
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LOOKUP = ("SELECT ?p ?o WHERE { <https://coldwar-kg.example.org/id/person/li-lisan> ?p ?o }"
          " LIMIT 20")
#: A page added and removed between builds (the project's own documents name each other's
#: nodes, so neither can go without the other).
EXTRA = PROJECT_ROOT / "tests" / "archive" / "1947-06-12-kuznetsov-report.txt"
#: What each client asks, in turn: a counted answer (a query process), a look-up (the
#: request's thread), a data document (the linked-data side).
REQUESTS = ("/sparql?query=" + urllib.parse.quote(GRAPHS),
            "/sparql?query=" + urllib.parse.quote(LOOKUP),
            "/id/person/li-lisan.ttl")


def copy_project(target: Path) -> Path:
    """What a project needs to build and serve: corpus, mappings, ontology, queries."""
    for name in ("corpus", "mappings", "ontology", "queries"):
        shutil.copytree(PROJECT_ROOT / name, target / name)
    return target


def kg(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "KG_DATA_DIR": "data"})


def set_documents(project: Path, both: bool) -> int:
    """Build the project's documents and one page more (:data:`EXTRA`, no mapping), or
    without it (set aside); return the graphs expected."""
    inside, aside = project / "corpus" / EXTRA.name, project / EXTRA.name
    if both and not inside.exists():
        shutil.copy(EXTRA, inside)
    elif not both and inside.exists():
        inside.rename(aside)
    return 6 if both else 5


@dataclass
class Load:
    """``clients`` threads, each on its own kept-alive connection, asking :data:`REQUESTS`
    in turn until stopped (or ``limit`` requests in all). Errors: any status but 200, an
    answer naming neither graph count, any failure of a fresh connection. A request sent
    on a kept-alive connection the server closed meanwhile is sent again once on a new
    connection (RFC 9112, 9.3.1): counted in ``retried``, an error only if that fails."""

    port: int
    clients: int = 8
    limit: int = 100_000
    counts: set[int] = field(default_factory=lambda: {5, 6})
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retried: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(self.clients)]

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)

    def _run(self, i: int) -> None:
        conn: http.client.HTTPConnection | None = None
        n = i
        while not self._stop.is_set() and len(self.latencies) < self.limit:
            path = REQUESTS[n % len(REQUESTS)]
            n += 1
            started = time.perf_counter()
            for attempt in (0, 1):
                reused = conn is not None
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                try:
                    conn.request("GET", path, headers={
                        "Accept": "text/csv" if path.startswith("/sparql") else "text/turtle"})
                    response = conn.getresponse()
                    body = response.read()
                except (ConnectionError, http.client.RemoteDisconnected,
                        http.client.BadStatusLine) as exc:
                    conn.close()
                    conn = None
                    if reused and attempt == 0:
                        with self._lock:
                            self.retried += 1
                        continue
                    self._record(time.perf_counter() - started, f"{path}: {exc!r}")
                    break
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                problem = None
                if response.status != 200:
                    problem = f"{path}: {response.status} {body[:200]!r}"
                elif path == REQUESTS[0] and int(body.split()[1]) not in self.counts:
                    problem = f"{path}: unexpected answer {body!r}"
                self._record(time.perf_counter() - started, problem, response.status)
                break
        if conn is not None:
            conn.close()

    def _record(self, seconds: float, problem: str | None, status: int = 0) -> None:
        with self._lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if problem:
                self.errors.append(problem)

    def summary(self) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[int(0.99 * (len(ordered) - 1))] if ordered else 0.0
        return (f"{self.clients} clients, {len(ordered)} requests, {len(self.errors)} errors, "
                f"{self.retried} resent on a new connection, p50 "
                f"{ordered[len(ordered) // 2] * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                f"max {ordered[-1] * 1000:.0f} ms")


def check_errors(load: Load) -> None:
    """No status but 200, no wrong answer, no connection dropped without an answer (a worker
    stopped by a rebuild finishes reading the requests it has begun: server.front)."""
    assert load.errors == [], load.errors[:5]
    assert load.retried == 0


def graphs_served(port: int) -> int:
    """The graph count the server answers now (a new connection each time)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", REQUESTS[0], headers={"Accept": "text/csv",
                                                  "Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body
        return int(body.split()[1])
    finally:
        conn.close()


def follow_delay(port: int, expected: int, since: float, stable: int = 8) -> float:
    """Seconds from ``since`` until ``stable`` answers in a row give ``expected``."""
    row = 0
    deadline = time.monotonic() + 30
    while row < stable:
        assert time.monotonic() < deadline, f"the server never answered {expected}"
        row = row + 1 if graphs_served(port) == expected else 0
        if row == 1:
            first = time.monotonic()
    return first - since


@dataclass
class Served:
    project: Path
    port: int

    @property
    def data(self) -> Path:
        return self.project / "data"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = copy_project(tmp_path_factory.mktemp("project"))
    result = kg(project, "build")
    assert result.returncode == 0, result.stderr
    with kg_serve(str(project / "data"), project, workers=2) as url:
        yield Served(project, int(url.rsplit(":", 1)[1]))


def test_server_follows_rebuilds_under_load(served: Served) -> None:
    delays = []
    with Load(served.port, clients=4) as load:
        time.sleep(0.5)
        for both in (True, False, True):
            expected = set_documents(served.project, both)
            result = kg(served.project, "build")
            assert result.returncode == 0, result.stderr
            delays.append(follow_delay(served.port, expected, time.monotonic()))
        time.sleep(0.5)
    set_documents(served.project, False)
    print(f"\nrebuilds under load: 3 builds, {load.summary()}; the new build answered "
          f"{max(delays):.2f} s at most after `kg build` returned "
          f"({', '.join(f'{d:.2f}' for d in delays)})")
    assert max(delays) < 3.0, delays  # under half a second on an idle machine
    assert len(load.latencies) > 100
    builds = [p for p in (served.data / "builds").iterdir() if not p.name.startswith(".")]
    assert len(builds) <= 3, builds  # the newest two, and one old worker's at most
    check_errors(load)


def test_a_build_in_use_is_kept(served: Served) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from kg.store.builds import open_store; "
         "s = open_store(sys.argv[1]).__enter__(); print(s.__len__(), flush=True); "
         "sys.stdin.read(); print(len(s), flush=True)", str(served.data / "store")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    count = holder.stdout.readline().strip()
    held = (served.data / "store").resolve().parent
    for _ in range(2):
        result = kg(served.project, "build")
        assert result.returncode == 0, result.stderr
    assert held.is_dir()  # two builds later: older than the newest two, but in use
    holder.stdin.close()
    assert holder.stdout.readline().strip() == count  # still readable, whole
    holder.stdout.close()
    assert holder.wait(10) == 0
    assert kg(served.project, "build").returncode == 0
    assert not held.exists()  # removed once nobody uses it


def test_two_builds_at_once(served: Served) -> None:
    with build_lock(served.data):  # a build running: the second refuses at once
        started = time.monotonic()
        result = kg(served.project, "build")
        seconds = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "another `kg build`" in result.stderr and str(os.getpid()) in result.stderr
    assert seconds < 3  # the CLI's start-up, then the refusal
    # Two real builds started together: one builds, the other refuses (or, if the first
    # was over before the second began, both build); the store is whole either way.
    first, second = (subprocess.Popen([*KG, "build"], cwd=served.project, text=True,
                                      stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      env={**os.environ, "KG_DATA_DIR": "data"})
                     for _ in range(2))
    outcomes = sorted((p.wait(60), p.communicate()[1]) for p in (first, second))
    assert outcomes[0][0] == 0, outcomes
    assert outcomes[1][0] == 0 or "another `kg build`" in outcomes[1][1], outcomes
    print(f"\ntwo builds at once: exit codes {[code for code, _ in outcomes]}")
    assert graphs_served(served.port) == 5


def test_build_killed_at_any_point(served: Served) -> None:
    started = time.monotonic()
    assert kg(served.project, "build").returncode == 0
    duration = time.monotonic() - started
    killed = []
    with Load(served.port, clients=2) as load:
        for fraction in (0.1, 0.4, 0.7, 0.9, 1.0):
            build = subprocess.Popen([*KG, "build"], cwd=served.project,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "KG_DATA_DIR": "data"})
            with contextlib.suppress(subprocess.TimeoutExpired):
                build.wait(fraction * duration)
            if build.poll() is None:
                build.send_signal(signal.SIGKILL)
                killed.append(fraction)
            build.wait()
            assert graphs_served(served.port) == 5  # served all along
        result = kg(served.project, "build")
        assert result.returncode == 0, result.stderr
        time.sleep(1)
    print(f"\nbuilds killed (SIGKILL) at {killed} of a {duration:.1f} s build: "
          f"{load.summary()}")
    assert len(killed) >= 4
    leftovers = [*served.data.glob(".build-*"), *served.data.glob("builds/*.partial"),
                 *served.data.glob("builds/.deleting-*"), *served.data.glob(".store.*.tmp")]
    assert leftovers == []
    assert graphs_served(served.port) == 5
    check_errors(load)


#: Run in a private mount namespace (``unshare --mount``): a tmpfs with room for one
#: build (a copy of the one served), a server on it, a build that fills the disk, queries
#: meanwhile and after.
FULL_DISK = r"""
set -e
mount -t tmpfs -o size="$SIZE" tmpfs "$DISK"
cd "$PROJECT"
export KG_DATA_DIR="$DISK/data"
mkdir -p "$KG_DATA_DIR/builds"
cp -a "$BUILD" "$KG_DATA_DIR/builds/"
ln -s "builds/$(basename "$BUILD")/store" "$KG_DATA_DIR/store"
"$PYTHON" -m kg.cli serve --port "$PORT" --workers 1 >"$LOG" 2>&1 &
SERVER=$!
"$PYTHON" "$DRIVER"
kill $SERVER
wait
"""

DRIVER = r"""
import json, os, subprocess, sys, time
sys.path.insert(0, os.environ["TESTS"])
from test_build_reliability import KG, Load, graphs_served
port = int(os.environ["PORT"])
deadline = time.monotonic() + 30
while True:
    try:
        graphs_served(port)
        break
    except OSError:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)
with Load(port, clients=4) as load:
    time.sleep(0.5)
    build = subprocess.run([*KG, "build"], capture_output=True, text=True)
    time.sleep(0.5)
data = os.environ["KG_DATA_DIR"]
print(json.dumps({"code": build.returncode, "stderr": build.stderr.splitlines()[-1:],
                  "lines": [l for l in build.stderr.splitlines() if l.startswith("error")],
                  "errors": load.errors[:5], "summary": load.summary(),
                  "graphs": graphs_served(port),
                  "left": sorted(os.listdir(os.path.join(data, "builds")))}))
"""


def test_full_disk_leaves_the_store_served(served: Served, tmp_path: Path) -> None:
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("no private mount namespace here to mount a small disk in")
    build = (served.data / "store").resolve().parent
    size = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
    disk = tmp_path / "disk"
    disk.mkdir()
    (tmp_path / "driver.py").write_text(DRIVER)
    port = free_port()
    env = {**os.environ, "SIZE": str(int(size * 1.4)), "DISK": str(disk),
           "PROJECT": str(served.project), "PYTHON": sys.executable, "PORT": str(port),
           "LOG": str(tmp_path / "serve.log"), "DRIVER": str(tmp_path / "driver.py"),
           "TESTS": str(Path(__file__).parent), "BUILD": str(build)}
    result = subprocess.run(["unshare", "--mount", "sh", "-c", FULL_DISK], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + (tmp_path / "serve.log").read_text()
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\nfull disk ({int(size * 1.4) // 1024} KiB tmpfs): {outcome['lines']}; "
          f"{outcome['summary']}")
    assert outcome["code"] == 1
    assert len(outcome["lines"]) == 1 and "the disk is full" in outcome["lines"][0]
    assert outcome["errors"] == []
    assert outcome["graphs"] == 5
    assert len(outcome["left"]) == 1  # the served build, nothing half-written
