"""A new store is filled while the build runs and becomes current only when complete: what
the loader rejects is named by its source and line, and a failure at any point leaves the
current store as it was, with no half-built store behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import StoreError
from kg.store.builds import BUILDS, StoreWriter, open_store

G = "http://example.org/graph/"


def quad(i: int, graph: str = "docs") -> str:
    return f'<http://example.org/s{i}> <http://example.org/p> "value {i}" <{G}{graph}> .\n'


def count(data_dir: Path, graph: str) -> int:
    with open_store(data_dir / "store") as store:
        return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(G + graph))))


def leftovers(data_dir: Path) -> list[str]:
    return [p.name for p in (data_dir / BUILDS).iterdir() if p.name.endswith(".partial")]


def loader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kg-store-loader"]


def assert_left_as_it_was(data_dir: Path, triples: int) -> None:
    assert count(data_dir, "first") == triples, "the store being served is untouched"
    assert leftovers(data_dir) == []
    assert not loader_threads()


def shard_of(tmp_path: Path, n: int) -> Path:
    """An N-Quads file of ``n`` document quads, as a compile worker writes them."""
    shard = tmp_path / "shard.nq"
    shard.write_text("".join(quad(i) for i in range(n)))
    return shard


def build_one(data_dir: Path, n: int) -> None:
    with StoreWriter(data_dir) as store:
        with store.writer("first") as out:
            out.writelines(quad(i, "first") for i in range(n))
        store.commit({}, {"build": n})


def test_files_and_streamed_text_all_land_in_the_new_store(tmp_path: Path) -> None:
    shard = shard_of(tmp_path, 1000)
    kept = tmp_path / "kept.nq"
    kept.write_text(quad(5000, "kept"))
    ontology = Graph()
    ontology.add((URIRef("http://example.org/C"), URIRef("http://example.org/label"),
                  Literal("a class")))
    with StoreWriter(tmp_path / "data") as store:
        store.load(shard, name="documents 1 to 1000", remove=True)
        store.load(kept)
        with store.writer(G + "inferred") as out:
            for i in range(3000):  # more than one block of text
                out.write(quad(i, "inferred") * 200 if i == 0 else quad(i, "inferred"))
        path = store.commit({G + "ontology": ontology}, {"documents": 1000})
    assert path == tmp_path / "data" / "store"
    assert count(tmp_path / "data", "docs") == 1000
    assert count(tmp_path / "data", "kept") == 1
    assert count(tmp_path / "data", "inferred") == 3000
    assert count(tmp_path / "data", "ontology") == 1
    assert not shard.exists(), "a shard given with remove=True is deleted once loaded"
    assert kept.exists()
    assert leftovers(tmp_path / "data") == []
    assert not loader_threads()


def test_a_bad_line_is_named_by_its_source_and_line_and_the_old_store_stays(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_one(data, 10)
    shard = shard_of(tmp_path, 50)
    with pytest.raises(StoreError) as err, StoreWriter(data) as store:
        store.load(shard, name="graphs of documents a to b")
        with store.writer("the explanations graph") as out:
            out.write(quad(1, "x") + quad(2, "x") + '<http://example.org/s> <p> "unclosed\n')
        store.commit({}, {})
    message = str(err.value)
    assert message.startswith("cannot load the explanations graph: Parser error at line 3"), message
    assert "\n" not in message
    assert_left_as_it_was(data, 10)


def test_an_error_in_the_build_stops_the_loader_and_removes_the_half_built_store(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_one(data, 7)
    shard = shard_of(tmp_path, 20_000)

    class Interrupted(Exception):
        """Any error the build raises while the store is loading."""

    with pytest.raises(Interrupted), StoreWriter(data) as store:
        store.load(shard)
        with store.writer("inferred") as out:
            out.write(quad(1, "inferred"))
        raise Interrupted
    assert_left_as_it_was(data, 7)


def test_a_writer_left_unused_leaves_nothing(tmp_path: Path) -> None:
    with StoreWriter(tmp_path / "data") as store:
        assert store.thread is None, "no loader until something is given to load"
    assert leftovers(tmp_path / "data") == []
    assert not (tmp_path / "data" / "store").exists()


def test_graphs_loaded_first_keep_their_blank_nodes_labels(tmp_path: Path) -> None:
    ontology = Graph()
    c, label = URIRef("http://example.org/C"), URIRef("http://example.org/label")
    ontology.add((c, label, Literal("a class")))
    ontology.add((c, URIRef("http://example.org/union"), BNode("cb0canonical")))
    with StoreWriter(tmp_path / "data") as store:
        store.first({G + "ontology": ontology})
        store.load(shard_of(tmp_path, 10), name="documents")
        with pytest.raises(RuntimeError, match="too late"):
            store.first({G + "other": ontology})
        store.commit({G + "ontology": ontology}, {})  # given again, as the build does
    with open_store(tmp_path / "data" / "store") as read:
        quads = list(read.quads_for_pattern(None, None, None, ox.NamedNode(G + "ontology")))
    assert {str(q.object) for q in quads} == {'"a class"', "_:cb0canonical"}
    assert count(tmp_path / "data", "docs") == 10
