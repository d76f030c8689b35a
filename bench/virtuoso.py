"""Virtuoso Open Source (Debian's ``virtuoso-opensource``, 7.2) on loopback: a fresh
database in a folder of its own, for ``tests/test_virtuoso.py`` and the figures of
docs/scaling.md.

    python -m bench.virtuoso                      # the project's graph, built here first
    python -m bench.virtuoso --data-dir DIR       # any built data dir (a synthetic corpus)
    python -m bench.virtuoso --data-dir DIR --publish-only

Publishes the built store (``kg.store.publish``), then times each query of a set (counts
per graph, a CONSTRUCT, an ASK, the competency queries) on the embedded store and through
``kg.store.remote.RemoteStore`` on Virtuoso, best of ``--reps``, and says whether the rows
agree. Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
#: The administrator of a fresh database; the server only ever listens on loopback.
USER = PASSWORD = "dba"

# Everything relative to the folder the server runs in. ResultSetMaxRows: Debian's sample
# virtuoso.ini cuts every SELECT at 10,000 rows (the inferred-only query has 12,624).
INI = """\
[Database]
DatabaseFile       = virtuoso.db
ErrorLogFile       = virtuoso.log
LockFile           = virtuoso.lck
TransactionFile    = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping        = 0

[Parameters]
ServerPort         = 127.0.0.1:{isql_port}
DisableUnixSocket  = 1
CheckpointInterval = 0
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty}
DirsAllowed        = .

[HTTPServer]
ServerPort    = 127.0.0.1:{http_port}
ServerRoot    = www
ServerThreads = 10

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass
class Virtuoso:
    url: str  #: ``http://127.0.0.1:PORT``
    folder: Path

    @property
    def graph_store(self) -> str:
        """The Graph Store endpoint that takes writes (digest authentication)."""
        return f"{self.url}/sparql-graph-crud-auth"

    @property
    def sparql(self) -> str:
        """The public, read-only SPARQL endpoint (``KG_STORE``)."""
        return f"{self.url}/sparql"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(folder: Path, *, buffers: int = 40_000, timeout: float = 60) -> Iterator[Virtuoso]:
    """A Virtuoso server over a new database in ``folder``, bound to free loopback ports
    (HTTP and ISQL); stopped (SIGTERM, then SIGKILL) whatever happens. ``buffers``: 8 KB
    pages of cache."""
    if VIRTUOSO is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    http_port, isql_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(INI.format(
        http_port=http_port, isql_port=isql_port, buffers=buffers, dirty=buffers * 3 // 4))
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"],
                                cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Virtuoso(f"http://127.0.0.1:{http_port}", folder)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(server.sparql + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (folder / "server.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"Virtuoso did not start:\n{log_text}") from None
                time.sleep(0.2)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _best(reps: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(reps):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    import pyoxigraph as ox

    from kg.build import build
    from kg.config import PROJECT_ROOT, Config
    from kg.store.builds import open_store
    from kg.store.publish import publish
    from kg.store.query import execute
    from kg.store.remote import RemoteStore, solutions

    parser = argparse.ArgumentParser(prog="python -m bench.virtuoso")
    parser.add_argument("--data-dir", type=Path, help="a built data dir (default: build "
                        "the project's graph into bench-work/virtuoso-data)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--buffers", type=int, default=40_000)
    parser.add_argument("--publish-only", action="store_true", help="time publishing only")
    args = parser.parse_args(argv)
    data = args.data_dir or Path("bench-work/virtuoso-data")
    config = Config.load({"data_dir": str(data)}, env={})
    if args.data_dir is None:
        build(config)

    def emit(**figure: object) -> None:
        print(json.dumps(figure), flush=True)

    def rows(result: object) -> object:
        """An answer as comparable values: a boolean, sorted rows or sorted triples."""
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names)
                          for s in result)
        return sorted(str(t) for t in result)  # type: ignore[attr-defined]

    stalin = f"{config.base_iri}/id/person/joseph-stalin"
    queries = {
        "triples per graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                             f"FILTER(STRSTARTS(STR(?g), \"{config.base_iri}/\")) }} GROUP BY ?g",
        "CONSTRUCT a person": f"CONSTRUCT {{ <{stalin}> ?p ?o }} WHERE {{ <{stalin}> ?p ?o }}",
        "ASK": f"ASK {{ <{stalin}> kg:codename \"Filippov\" }}",
    }
    for rq in sorted((PROJECT_ROOT / "queries").glob("*.rq")):
        queries[rq.name] = rq.read_text(encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="virtuoso-") as tmp, \
            running(Path(tmp), buffers=args.buffers) as server:
        start = time.perf_counter()
        published = publish(config.store_path, server.graph_store, user=USER, password=PASSWORD)
        emit(figure="publish", seconds=round(time.perf_counter() - start, 2),
             triples=published.triples, graphs=len(published.graphs))
        if args.publish_only:
            return
        remote = RemoteStore.from_url(server.sparql, config.base_iri, timeout=600)

        def ask_remote(text: str) -> object:
            if text.lstrip().upper().startswith("CONSTRUCT"):
                body = remote.query(text, accept="application/n-triples").body
                return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            return solutions(remote.query(text).body)

        with open_store(config.store_path) as local:
            for name, text in queries.items():
                local_s, mine = _best(args.reps, lambda t=text: rows(
                    execute(local, t, config.base_iri)))
                try:
                    remote_s, theirs = _best(args.reps, lambda t=text: rows(ask_remote(t)))
                except Exception as exc:  # noqa: BLE001 (a figure, not a failure)
                    emit(query=name, local_ms=round(local_s * 1000, 1), error=str(exc)[:200])
                    continue
                emit(query=name, local_ms=round(local_s * 1000, 1),
                     virtuoso_ms=round(remote_s * 1000, 1), same=mine == theirs)


if __name__ == "__main__":
    main()
