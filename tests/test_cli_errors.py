"""Every user mistake the `kg` command meets: one line on stderr, a non-zero exit, within a
second, no traceback. Each case is a real subprocess (as a user runs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Built
from kg.config import PROJECT_ROOT

KG = [sys.executable, "-m", "kg.cli"]
#: The bound on each case: the CLI's start-up and the check (about 0.3 s here), with room
#: for a machine busy with the rest of the test suite.
SECONDS = 2.0


def run(*args: str, cwd: Path = PROJECT_ROOT, wrap: list[str] | None = None,
        **env: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = subprocess.run([*(wrap or []), *KG, *args], cwd=cwd, capture_output=True,
                            text=True, timeout=30, env={**os.environ, **env})
    return result.returncode, result.stderr, time.monotonic() - started


def one_line(code: int, stderr: str, seconds: float, *expected: str) -> None:
    assert code != 0
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.startswith("error: "), stderr
    for text in expected:
        assert text in stderr, stderr
    assert seconds < SECONDS


@pytest.fixture(scope="module")
def store(built: Built) -> Path:
    """A data folder with a store in it: the session's real build of the project (`kg
    build` as a subprocess runs in test_kg_builds_the_project_it_runs_in)."""
    return Path(built.config.data_dir)


def test_data_dir_under_proc() -> None:
    one_line(*run("build", KG_DATA_DIR="/proc/kg-data"), "/proc/kg-data", "KG_DATA_DIR")


def test_data_dir_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    one_line(*run("build", KG_DATA_DIR=str(tmp_path / "file" / "data")),
             "a part of it is a file", "KG_DATA_DIR")
    one_line(*run("build", KG_DATA_DIR=str(tmp_path / "file")), "is a file")


def test_data_dir_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        one_line(*run("build", KG_DATA_DIR=str(folder / "data")), "KG_DATA_DIR")
        return
    # root writes through permission bits: a read-only mount is the real case
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("no private mount namespace for a read-only mount")
    wrap = ["unshare", "--mount", "sh", "-c",
            f'mount -t tmpfs -o ro,size=1m tmpfs {folder} && exec "$@"', "sh"]
    one_line(*run("build", wrap=wrap, KG_DATA_DIR=str(folder / "data")),
             "read-only file system", "KG_DATA_DIR")


def test_serve_on_a_port_in_use(store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_line(*run("--data-dir", str(store), "serve", "--port", str(port)),
                 f"127.0.0.1:{port}", "already in use", "KG_PORT")


def test_serve_what_is_not_a_store(tmp_path: Path) -> None:
    one_line(*run("serve", "--store", str(tmp_path)), "not a pyoxigraph store")
    one_line(*run("--data-dir", str(tmp_path), "serve"), "no store at", "kg build")


def test_query_without_a_store_or_with_a_bad_query(tmp_path: Path, store: Path) -> None:
    one_line(*run("--data-dir", str(tmp_path), "query", "ASK {}"), "no store at")
    one_line(*run("--data-dir", str(store), "query", "SELEC ?x"), "malformed query")


def test_bad_settings_and_usage(tmp_path: Path) -> None:
    one_line(*run("serve", KG_PORT="eighty"), "KG_PORT", "whole number")
    one_line(*run("--config", str(tmp_path / "none.toml"), "build"), "config file not found")
    one_line(*run("--no-such-option"), "--no-such-option", "kg --help")
    one_line(*run("query", "-f", str(tmp_path / "none.rq")), "none.rq", "does not exist")
    one_line(*run("query"), "give a query or --file")


def test_export_to_a_folder_that_is_not_there(store: Path) -> None:
    one_line(*run("--data-dir", str(store), "export", "-o", "/proc/none/x.ttl"),
             "/proc/none/x.ttl")


def test_outside_a_project(tmp_path: Path) -> None:
    one_line(*run("build", cwd=tmp_path), "not in a kg project", "--project")
    one_line(*run("--project", str(tmp_path), "validate"), "not a kg project")


# The project `kg` works on: the one it is run in (or --project), not the installed one.

def copy_project(target: Path) -> Path:
    """What a project needs: corpus, mappings, ontology, queries."""
    for name in ("corpus", "mappings", "ontology", "queries"):
        shutil.copytree(PROJECT_ROOT / name, target / name)
    return target


def graphs(data: Path) -> int:
    result = subprocess.run([*KG, "--data-dir", str(data), "query", "--format", "csv",
                             "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"],
                            capture_output=True, text=True, timeout=60, cwd=data.parent)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[1])


def test_kg_builds_the_project_it_runs_in(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "copy")
    (copy / "corpus" / "1948-12-30-mao-to-stalin.txt").unlink()  # one document, not two
    (copy / "mappings" / "documents" / "1948-12-30-mao-to-stalin.yaml").unlink()
    (copy / "docs").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    result = subprocess.run([*KG, "build"], cwd=copy / "docs", env=env, capture_output=True,
                            text=True, timeout=120)  # from a folder inside the project
    assert result.returncode == 0, result.stderr
    assert f"-> {copy / 'data' / 'store'}" in result.stderr
    # the copy's one document (+ ontology, registry, inferred: the explanations are kept
    # beside the store), not two
    assert graphs(copy / "data") == 4
    # --project from elsewhere; a setting still overrides a folder of the project
    result = subprocess.run([*KG, "--project", str(copy), "build"], cwd=tmp_path,
                            env={**env, "KG_CORPUS_DIR": str(PROJECT_ROOT / "corpus"),
                                 "KG_MAPPINGS_DIR": str(PROJECT_ROOT / "mappings")},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert graphs(copy / "data") == 5


def test_a_mistake_in_the_copy_is_the_copy_s(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "copy")
    registry = copy / "mappings" / "registry.yaml"
    registry.write_text(registry.read_text() + "\n  - [unclosed\n")
    code, stderr, _ = run("validate", cwd=copy)
    errors = [line for line in stderr.splitlines() if line.startswith("error")]
    assert code != 0 and "Traceback" not in stderr
    assert len(errors) == 1 and errors[0].startswith(f"error: {registry}:"), stderr
    assert run("validate", cwd=PROJECT_ROOT)[0] == 0  # the original is untouched, and fine
