"""The explanations kept beside the store (kg.store.explanations): written by subject, read
back by subject or whole, and joined with the store for the readers of a build."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import Built
from kg.errors import StoreError
from kg.store.builds import open_store
from kg.store.explanations import FILE, ExplanationFile, ExplanationRows, WithExplanations

G = "http://example.org/graph/explanations"
EX = "http://example.org/id/"


def line(s: str, p: str, o: str) -> str:
    return f"<{EX}{s}> <{EX}{p}> {o} <{G}> .\n"


@pytest.fixture
def written(tmp_path: Path) -> ExplanationFile:
    with ExplanationRows(tmp_path / FILE, G) as rows:
        rows.write(line("e1", "derivedBy", f"<{EX}r1>") + line("e1", "premise", f"<{EX}f1>"))
        rows.write(line("e1", "premise", f"<{EX}f2>") + line("r1", "label", '"rule one"@en'))
        rows.write(line("e1", "note", '"met again"'))  # a subject met again is appended to
    return ExplanationFile(tmp_path / FILE)


def test_each_subjects_lines_are_read_back_whatever_the_batches(
        written: ExplanationFile) -> None:
    triples = written.triples(ox.NamedNode(EX + "e1"))
    assert {(t.predicate.value.rsplit("/", 1)[-1], str(t.object)) for t in triples} == {
        ("derivedBy", f"<{EX}r1>"), ("premise", f"<{EX}f1>"), ("premise", f"<{EX}f2>"),
        ("note", '"met again"')}
    assert written.triples(ox.NamedNode(EX + "nobody")) == []
    assert written.lines == 5 == len(list(written.all()))
    assert written.graph == ox.NamedNode(G)
    assert written.subjects(EX) == 2


def test_a_line_of_another_graph_is_refused(tmp_path: Path) -> None:
    rows = ExplanationRows(tmp_path / FILE, G)
    with pytest.raises(StoreError, match="names another graph"):
        rows.write(f"<{EX}e1> <{EX}p> <{EX}o> <http://example.org/graph/other> .\n")


def test_the_store_and_the_file_read_as_one_dataset(written: ExplanationFile,
                                                    tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "store"))
    other = ox.NamedNode("http://example.org/graph/data")
    store.add(ox.Quad(ox.NamedNode(EX + "e1"), ox.NamedNode(EX + "label"),
                      ox.Literal("in the store"), other))
    both = WithExplanations(store, written)
    e1 = ox.NamedNode(EX + "e1")
    assert len(list(both.quads_for_pattern(e1, None, None))) == 5  # 1 stored, 4 beside
    assert len(list(both.quads_for_pattern(e1, None, None, other))) == 1
    assert len(list(both.quads_for_pattern(None, None, None, ox.NamedNode(G)))) == 5
    premises = list(both.quads_for_pattern(e1, ox.NamedNode(EX + "premise"), None))
    assert {q.graph_name for q in premises} == {ox.NamedNode(G)} and len(premises) == 2
    # The file is read by subject, or whole when its graph is named: never scanned for an
    # object (an entity's incoming links are the store's).
    assert list(both.quads_for_pattern(None, None, ox.NamedNode(EX + "f1"))) == []
    assert {g.value for g in both.named_graphs()} == {other.value, G}
    assert len(both) == 6
    assert both.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)  # the store


def test_a_build_keeps_its_explanations_beside_its_store(built: Built) -> None:
    base = built.config.base_iri
    path = built.config.store_path.resolve()
    assert (path.parent / FILE).is_file()
    with open_store(built.config.store_path) as store:
        assert isinstance(store, WithExplanations)
        # Out of the store's SPARQL: what the embedded endpoint gives up.
        assert not store.query(f"ASK {{ GRAPH <{base}/graph/explanations> {{ ?s ?p ?o }} }}")
        explained = list(store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(f"{base}/ontology#Explanation"),
            ox.NamedNode(f"{base}/graph/explanations")))
        inferred = built.report.triples[f"{base}/graph/inferred"]
        assert len(explained) >= inferred > 1000


def test_a_build_writes_only_what_changed_since_the_served_one_and_gets_the_same_file(
        tmp_path: Path) -> None:
    def write(path: Path, text: str, base: Path | None = None,
              old: dict[str, int] | None = None) -> dict[str, int]:
        with ExplanationRows(path, G, base, old) as rows:
            rows.write(text)
        return rows.digests

    def content(path: Path) -> list[str]:
        return sorted(str(t) for t in ExplanationFile(path).all())

    served = (line("e1", "premise", f"<{EX}f1>") + line("e2", "premise", f"<{EX}f2>")
              + line("e3", "premise", f"<{EX}f3>"))
    now = (line("e1", "premise", f"<{EX}f1>") + line("e2", "premise", f"<{EX}f9>")
           + line("e4", "premise", f"<{EX}f4>"))  # e1 kept, e2 changed, e3 gone, e4 new
    old = write(tmp_path / "served.sqlite", served)
    digests = write(tmp_path / "patched.sqlite", now, tmp_path / "served.sqlite", old)
    full = write(tmp_path / "full.sqlite", now)
    assert content(tmp_path / "patched.sqlite") == content(tmp_path / "full.sqlite")
    assert digests == full and digests[f"<{EX}e1>"] == old[f"<{EX}e1>"]
    assert ExplanationFile(tmp_path / "patched.sqlite").lines == 3
    assert content(tmp_path / "served.sqlite") != content(tmp_path / "patched.sqlite")
