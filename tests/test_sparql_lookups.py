"""Look-ups answered in the request's thread: the same answers as a query process gives,
and everything else still in a killable query process; the WSGI front of ``/sparql`` and
the Flask route answer alike."""

from __future__ import annotations

import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from server import create_app, query_text
from server.executor import Executor, QueryTimeout, ResultTooLarge

from server_fixtures import ALIASES, EX, PEOPLE, RUNAWAY, build_store

TIMEOUT = 2
PROLOGUE = f"PREFIX ex: <{EX}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
#: Look-ups of every shape query_text.is_lookup accepts.
SOLUTION_LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{EX}mao> ?p ?o }}",
    PROLOGUE + "SELECT * { ex:stalin ?p ?o . } ORDER BY ?p DESC(?o)",
    PROLOGUE + "SELECT DISTINCT ?p WHERE { ex:mao ?p ?o } LIMIT 2 OFFSET 1",
    PROLOGUE + "SELECT ?o WHERE { ex:hostile rdfs:label ?o }",
    PROLOGUE + "SELECT ?p FROM <" + ALIASES + "> WHERE { ex:stalin ?p 'Filippov' }",
    PROLOGUE + 'SELECT ?p WHERE { ex:mao ?p "Mao Zedong"@en }',
    PROLOGUE + "ASK { ex:mao a ex:Person }",
    PROLOGUE + "ASK WHERE { ex:nobody ?p ?o }",
    PROLOGUE + "ASK {}",
]
GRAPH_LOOKUPS = [
    PROLOGUE + "DESCRIBE ex:mao",
    f"DESCRIBE <{EX}stalin> <{EX}zhou>",
    PROLOGUE + "CONSTRUCT WHERE { ex:mao ?p ?o }",
    PROLOGUE + "CONSTRUCT { ?o ?p ex:stalin } WHERE { ex:stalin ?p ?o } LIMIT 5",
]
NOT_LOOKUPS = [
    RUNAWAY,
    "SELECT * WHERE { ?s ?p ?o }",
    PROLOGUE + "SELECT * { ex:mao ?p ?o . ?o ?q ?r }",
    PROLOGUE + "SELECT * { ?s ?p ex:Person }",
    PROLOGUE + "SELECT * { ex:mao ex:knows+ ?o }",
    PROLOGUE + "SELECT * { ex:mao ?p ?o FILTER(isLiteral(?o)) }",
    PROLOGUE + "SELECT (COUNT(*) AS ?n) { ex:mao ?p ?o }",
    PROLOGUE + "SELECT * { GRAPH ?g { ex:mao ?p ?o } }",
    PROLOGUE + "SELECT * { _:b ?p ?o }",
    PROLOGUE + "DESCRIBE ?s WHERE { ?s a ex:Person }",
    PROLOGUE + "SELECT * { ex:mao ?p ?o } ORDER BY RAND()",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { <http://x/a> ?p ?o } }",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("lookups") / "store")


@pytest.fixture(scope="module")
def executor(store: Path) -> Iterator[Executor]:
    with Executor(store, processes=2, timeout=TIMEOUT, max_results=1000) as executor:
        yield executor


def _request(executor: Executor, query: str, fmt: str | None,
             default_graphs: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """What Executor.execute sends to a query process, or answers here."""
    text = query_text.inspect(query)
    union = not (default_graphs or text.has_dataset)
    return (query, list(default_graphs), [], fmt, executor.max_results, union, text.prefixes)


@pytest.mark.parametrize("query", SOLUTION_LOOKUPS + GRAPH_LOOKUPS + NOT_LOOKUPS)
def test_lookups_are_told_apart(query: str) -> None:
    assert query_text.inspect(query).lookup is (query not in NOT_LOOKUPS)


def test_a_prologue_seen_before_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [PROLOGUE + "ASK {}", PROLOGUE + "PREFIX x: <http://x/> ASK { x:a ?p ?o }",
             PROLOGUE + "# PREFIX y: <http://y/>\nASK {}", PROLOGUE[:-2] + "x> ASK {}",
             PROLOGUE + "BASE <http://b/> SELECT * { <a> ?p ?o }", "ASK {}", PROLOGUE]
    fresh = []
    for text in texts:
        monkeypatch.setattr(query_text, "_last_prologue", "")
        fresh.append(query_text.inspect.__wrapped__(text))
    for text in texts:  # each after the one before it: its prologue seen
        seen = query_text._last_prologue
        assert query_text.inspect.__wrapped__(text) == fresh[texts.index(text)], (seen, text)


@pytest.mark.parametrize("fmt", [None, "json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("query", SOLUTION_LOOKUPS)
def test_solutions_here_are_those_of_a_query_process(executor: Executor, query: str,
                                                     fmt: str | None) -> None:
    request = _request(executor, query, fmt)
    here = executor.answer_here(request)
    assert here is not None and here[0] == "ok", here
    assert here == executor.answer_in_process(request)


@pytest.mark.parametrize("fmt", [None, "ttl", "nt", "rdfxml", "jsonld"])
@pytest.mark.parametrize("query", GRAPH_LOOKUPS)
def test_graphs_here_are_those_of_a_query_process(executor: Executor, query: str,
                                                  fmt: str | None) -> None:
    request = _request(executor, query, fmt)
    here = executor.answer_here(request)
    assert here is not None and here[0] == "ok" and here[2], here
    assert here == executor.answer_in_process(request)


@pytest.mark.parametrize(
    ("query", "fmt", "graphs"),
    [
        (f"SELECT ?o WHERE {{ <{EX}stalin> ?p ?o }}", "json", (ALIASES,)),  # a given dataset
        ("SELECT ?o WHERE { ex:stalin ?p ?o }", "json", ()),  # an undeclared prefix
        (PROLOGUE + "SELECT * { ex:mao ?p ?o }", "ttl", ()),  # a format that does not fit
        (PROLOGUE + "DESCRIBE ex:mao", "csv", ()),
    ],
)
def test_datasets_and_errors_here_are_those_of_a_query_process(
    executor: Executor, query: str, fmt: str, graphs: tuple[str, ...]
) -> None:
    request = _request(executor, query, fmt, graphs)
    assert executor.answer_here(request) == executor.answer_in_process(request)


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_result_limit_here_is_that_of_a_query_process(store: Path, limit: int) -> None:
    # ex:mao has 3 statements: over the limit below 3, within it from 3 on.
    query = PROLOGUE + "SELECT * { ex:mao ?p ?o }"
    with Executor(store, processes=1, timeout=TIMEOUT, max_results=limit) as executor:
        for fmt in ("json", "xml", "csv", "tsv"):
            request = _request(executor, query, fmt)
            here = executor.answer_here(request)
            assert here == executor.answer_in_process(request)
            assert here is not None and here[0] == ("ok" if limit >= 3 else "error")
        if limit < 3:
            with pytest.raises(ResultTooLarge):
                executor.execute(query)


def test_a_lookup_past_its_time_goes_to_a_query_process(store: Path) -> None:
    query = PROLOGUE + "SELECT * { ex:mao ?p ?o }"
    with Executor(store, processes=1, timeout=TIMEOUT, slow_after=1e-9) as executor:
        request = _request(executor, query, "json")
        assert executor.answer_here(request) is None  # past its deadline at the first write
        sent = []
        in_process = executor.answer_in_process

        def counted(request: tuple[Any, ...]) -> tuple[str, str, Any]:
            sent.append(request[0])
            return in_process(request)

        executor.answer_in_process = counted  # type: ignore[method-assign]
        _, body = executor.execute(query)
        assert sent == [query] and len(json.loads(body)["results"]["bindings"]) == 3


def test_lookups_need_no_query_process(store: Path) -> None:
    """With the only query process busy with a runaway query, look-ups are answered at
    once; the runaway query is still stopped at the timeout."""
    with Executor(store, processes=1, timeout=TIMEOUT) as executor:
        outcome: list[BaseException] = []

        def runaway() -> None:
            try:
                executor.execute(RUNAWAY)
            except QueryTimeout as exc:
                outcome.append(exc)

        start = time.monotonic()
        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        for query in SOLUTION_LOOKUPS + GRAPH_LOOKUPS:
            executor.execute(query)
        assert thread.is_alive() and time.monotonic() - start < TIMEOUT / 2
        thread.join(TIMEOUT + 5)
        assert len(outcome) == 1 and TIMEOUT <= time.monotonic() - start < TIMEOUT + 5


# --- the WSGI front and the Flask route ----------------------------------------------------


@pytest.fixture(scope="module")
def app(store: Path) -> Iterator[Flask]:
    app = create_app({"store": str(store), "query_timeout": TIMEOUT, "max_results": 1000})
    yield app
    app.extensions["kg.executor"].close()


def _call(wsgi: Any, method: str, query_string: str = "", body: bytes = b"",
          **headers: str) -> tuple[str, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": "/sparql", "QUERY_STRING": query_string,
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        **{("CONTENT_TYPE" if k == "content_type" else "HTTP_" + k.upper()): v
           for k, v in headers.items()},
    }
    started: list[Any] = []
    chunks = wsgi(environ, lambda status, headers, exc_info=None: started.extend([status,
                                                                                headers]))
    data = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    status, header_list = started
    return status, {k.lower(): v for k, v in header_list if k.lower() != "date"}, data


@pytest.mark.parametrize(
    ("query_string", "accept"),
    [
        (urlencode({"query": SOLUTION_LOOKUPS[1]}), "application/sparql-results+json"),
        (urlencode({"query": SOLUTION_LOOKUPS[1]}), "text/csv"),
        (urlencode({"query": GRAPH_LOOKUPS[0]}), "text/turtle"),
        (urlencode({"query": f"SELECT * WHERE {{ GRAPH <{PEOPLE}> {{ ?s ?p ?o }} }}"}), "*/*"),
        (urlencode({"query": "SELECT * WHERE { ?s ?p "}), "application/json"),  # 400
        (urlencode({"query": "INSERT DATA { <http://x/a> <http://x/b> 1 }"}), "text/html"),
        (urlencode({"query": SOLUTION_LOOKUPS[1], "format": "ttl"}), "*/*"),  # 406
        (urlencode({"query": SOLUTION_LOOKUPS[1], "default-graph-uri": "x y"}), "text/plain"),
    ],
)
def test_the_front_and_the_flask_route_answer_alike(app: Flask, query_string: str,
                                                    accept: str) -> None:
    front = app.wsgi_app.app  # type: ignore[attr-defined]  # Replay -> Endpoint
    status, headers, body = _call(front, "GET", query_string, accept=accept)
    assert (status, headers, body) == _call(front.inner, "GET", query_string, accept=accept)
    assert headers["access-control-allow-origin"] == "*" and headers["vary"] == "Accept"
    head = _call(front, "HEAD", query_string, accept=accept)  # HEAD: the Flask route
    assert head[0] == status and head[2] == b""


def test_conditional_requests_through_the_front(app: Flask) -> None:
    front = app.wsgi_app.app  # type: ignore[attr-defined]
    query_string = urlencode({"query": SOLUTION_LOOKUPS[0]})
    _, headers, _ = _call(front, "GET", query_string)
    for condition, status in (({"if_none_match": headers["etag"]}, "304 NOT MODIFIED"),
                              ({"if_match": '"another"'}, "412 PRECONDITION FAILED")):
        answer = _call(front, "GET", query_string, **condition)
        assert answer == _call(front.inner, "GET", query_string, **condition)
        assert answer[0] == status and answer[2] == b""
        assert answer[1]["etag"] == headers["etag"]
    assert "content-type" not in _call(front, "GET", query_string,
                                       if_none_match=headers["etag"])[1]


def test_post_through_the_front(app: Flask) -> None:
    client = app.test_client()
    query = SOLUTION_LOOKUPS[0]
    direct = client.post("/sparql", data=query, content_type="application/sparql-query")
    form = client.post("/sparql", data={"query": query})
    got = client.get("/sparql", query_string={"query": query})
    assert direct.status_code == form.status_code == got.status_code == 200
    assert direct.data == form.data == got.data
    assert direct.headers["ETag"] == got.headers["ETag"]
    assert len(json.loads(direct.data)["results"]["bindings"]) == 3


def test_unexpected_errors_keep_the_error_shape(store: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"store": str(store), "PROPAGATE_EXCEPTIONS": False})
    try:
        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(app.extensions["kg.executor"], "execute", broken)
        response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 500
        body = response.get_json()
        assert body["error"] == "Internal Server Error" and body["status"] == 500
        assert "a bug" not in response.text
    finally:
        app.extensions["kg.executor"].close()


def test_query_processes_start_without_the_web_stack() -> None:
    """A query process imports server.executor: nothing of Flask or werkzeug comes along
    (each costs a new process some 100 ms of CPU, paid whenever the pool grows)."""
    import subprocess

    code = ("import sys; import server.executor; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'werkzeug'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_threads_query_processes_and_slow_query_after_are_settings(store: Path) -> None:
    from server import gunicorn_argv

    from kg.config import Config

    config = Config.load({}, env={"KG_THREADS": "3", "KG_QUERY_PROCESSES": "2",
                                  "KG_SLOW_QUERY_AFTER": "0.5"})
    assert (config.threads, config.query_processes, config.slow_query_after) == (3, 2, 0.5)
    argv = gunicorn_argv("python", "127.0.0.1:1", 2, config.threads, 10.0)
    assert argv[argv.index("--threads") + 1] == "3"
    app = create_app({"store": str(store), "threads": 3, "query_processes": 2,
                      "slow_query_after": 0.5})
    try:
        executor = app.extensions["kg.executor"]
        assert (executor.processes, executor.slow_after) == (2, 0.5)
    finally:
        app.extensions["kg.executor"].close()
