"""Shared fixtures: the real project graph built once per session into a temporary data
directory, and small throwaway projects for error cases."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildReport, build
from kg.config import PROJECT_ROOT, Config

CORPUS = PROJECT_ROOT / "corpus"
MAPPINGS = PROJECT_ROOT / "mappings"
QUERIES = PROJECT_ROOT / "queries"


#: The slowest test files (builds, exports, servers), slowest first. `make test` hands
#: whole files to its workers in collection order (``--dist loadfile
#: --no-loadscope-reorder``): these go first, the many quick files fill in after them, and
#: the workers end together instead of one waiting for a long file picked up last.
SLOW_FIRST = (
    "test_export.py", "test_build_reliability.py", "test_incremental_build.py",
    "test_publish.py", "test_engines.py", "test_ingest.py", "test_cli.py",
    "test_curation_workbench.py", "test_curation_browser.py", "test_reasoners.py", "test_build.py",
    "test_sparql_protocol.py", "test_candidates.py", "test_web_browser.py", "test_ontology.py",
    "test_cli_errors.py", "test_explain.py", "test_linked_data.py", "test_reader.py",
    "test_slow_clients.py",
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (`make test`): one worker per CPU this process may use, at least 2 and at
    most 6 (each worker builds the graph once, some 250 MB; past six, the longest file
    alone sets the time). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    return min(6, max(2, len(os.sched_getaffinity(0))))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of :data:`SLOW_FIRST` first, in its order; the others as collected."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@dataclass
class Built:
    config: Config
    report: BuildReport


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project's own corpus, mappings and ontology, built into a fresh store."""
    data = tmp_path_factory.mktemp("data")
    config = Config.load({"data_dir": str(data)}, env={})
    return Built(config, build(config))


@pytest.fixture
def project(tmp_path: Path) -> Config:
    """A writable copy of the mappings over the real corpus, with its own data dir."""
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    return Config.load(
        {"data_dir": str(tmp_path / "data"), "mappings_dir": str(mappings)}, env={}
    )


@pytest.fixture(scope="module")
def app(built: Built) -> Iterator[Flask]:
    """The Flask app over the built graph, in process."""
    from server import create_app

    app = create_app({"data_dir": built.config.data_dir, "TESTING": True})
    yield app
    app.extensions["kg.executor"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def built_server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve` (gunicorn, one worker) over the session's build, started once per test
    worker for every file that only reads from it (browser pages, reconciliation)."""
    with kg_serve(built.config.data_dir, tmp_path_factory.mktemp("served"), workers=1) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, started once per test worker: the ``browser``
    of tests/test_web_browser.py, which says where it is and skips when it is missing."""
    import test_web_browser as web  # imported already by whoever asks: not skipped

    with web.sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=web.CHROMIUM, args=web.ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means: cannot test here
            pytest.skip(f"Chromium at {web.CHROMIUM} does not start: {exc}")
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def kg_serve(data_dir: str, log_dir: Path, workers: int = 2,
             **settings: str) -> Iterator[str]:
    """`kg serve` for real (gunicorn) on a free loopback port, with extra ``KG_*`` settings
    (``store=...``, ``query_timeout=...``); stopped whatever happens."""
    port = free_port()
    log_path = log_dir / "server.log"
    env = {**os.environ, "KG_DATA_DIR": data_dir,
           **{f"KG_{k.upper()}": v for k, v in settings.items()}}
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port),
               "--workers", str(workers)]
    with running(command, PROJECT_ROOT, env, log_path, f"http://127.0.0.1:{port}",
                 "/sparql") as url:
        yield url


@contextmanager
def running(command: list[str], cwd: Path, env: dict[str, str], log_path: Path, url: str,
            probe: str, wait: float = 30) -> Iterator[str]:
    """A server process (its output in ``log_path``), once ``url + probe`` answers;
    stopped whatever happens."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                with urllib.request.urlopen(url + probe, timeout=2):
                    break
            except OSError:  # refused, reset, or a first answer slower than 2 s (busy)
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("server did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
