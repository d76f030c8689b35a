"""The `kg` command as a user types it: answers on stdout, progress on stderr, one clear
line and a non-zero exit for mistakes, no traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import QUERIES, Built
from kg.cli import main


@pytest.fixture
def run(built: Built):
    runner = CliRunner()

    def invoke(*args: str, data_dir: str | None = None):
        return runner.invoke(main, ["--data-dir", data_dir or built.config.data_dir, *args],
                             catch_exceptions=False)

    return invoke


def test_query_prints_a_readable_table(run) -> None:
    result = run("query", "SELECT DISTINCT ?name WHERE { person:li-lisan kg:codename ?name }")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "name"
    assert "Strakhov" in lines[2]
    assert lines[-1] == "(1 row)"


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_query_file_in_standard_formats(run, fmt: str) -> None:
    result = run("query", "--file", str(QUERIES / "02-deviations.rq"), "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        bindings = json.loads(result.stdout)["results"]["bindings"]
        leaders = [b["leader"]["value"] for b in bindings]
    else:
        delimiter = "," if fmt == "csv" else "\t"
        rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
        key = "leader" if fmt == "csv" else "?leader"
        leaders = [r[key].removesuffix("@en").strip('"') for r in rows]
    assert leaders == ["Chen Duxiu", "Li Lisan", "Wang Ming"]


def test_construct_query_as_turtle(run) -> None:
    result = run("query", "CONSTRUCT { ?s kg:codename ?c } WHERE { ?s kg:codename ?c }",
                 "--format", "ttl")
    assert result.exit_code == 0, result.output
    g = Graph().parse(data=result.stdout, format="turtle")
    assert {str(o) for o in g.objects()} >= {"Filippov", "Strakhov"}


def test_export_writes_one_format_to_a_file(run, tmp_path: Path, built: Built) -> None:
    # One format: the others take the same path (tests/test_export.py writes and parses
    # every format, with rdflib and pyoxigraph, through `kg export --all`).
    out = tmp_path / "graph.nq"
    result = run("export", "--format", "nq", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out.stat().st_size} bytes to {out}\n"
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    # Every dump also carries the dataset description, in a graph of its own.
    dataset = ox.NamedNode(f"{built.config.base_iri}/graph/dataset")
    assert len([q for q in quads if q.graph_name != dataset]) == sum(
        built.report.triples.values())
    assert {q.graph_name for q in quads} == {
        ox.NamedNode(g) for g in built.report.triples} | {dataset}


def test_validate_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "validate"])
    assert result.exit_code == 0, result.output
    assert "valid: 2 documents" in result.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELEC nothing"], "error: malformed query"),
        (["query", "SELECT * { ?s ?p ?o }", "--format", "ttl"], "error: a SELECT or ASK"),
        (["--base-iri", "ftp://x", "query", "ASK {}"], "error: base_iri (KG_BASE_IRI)"),
    ],
)
def test_mistakes_give_one_line_and_exit_1(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_missing_store_says_to_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "query", "ASK {}"])
    assert result.exit_code == 1
    assert "run `kg build` first" in result.stderr


def test_build_reports_stages_and_skips_when_up_to_date(built: Built) -> None:
    result = CliRunner().invoke(main, ["--data-dir", built.config.data_dir, "build",
                                       "--if-needed"])
    assert result.exit_code == 0
    assert "store is up to date" in result.stderr


def test_build_prints_each_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "build"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "full build: no store built yet"  # which kind of build, and why
    stages = [line.split()[0] for line in lines[1:6]]
    assert stages == ["parse", "map", "validate", "reason", "load"]
