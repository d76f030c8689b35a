"""The embedded pyoxigraph store, built atomically.

Each build writes a complete new store under ``<data_dir>/builds/<build-id>/store`` and
then switches the ``<data_dir>/store`` symlink to it in one atomic rename. A failed or
interrupted build never touches the store being served; the previous build is kept so
that readers that opened it keep working.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError

BUILDS = "builds"
CURRENT = "store"
META = "build.json"
KEEP_BUILDS = 2


def write_store(data_dir: str | Path, graphs: dict[str, Graph], meta: dict[str, Any], *,
                nquads: Iterable[Path] = ()) -> Path:
    """Load each graph (by graph IRI) and each N-Quads file into a fresh store; make it the
    current one.

    N-Quads files go through the store's parallel bulk loader; they must hold no blank
    nodes (the loader relabels them). Graphs with canonical blank node labels (the
    ontology's) are given as rdflib graphs in ``graphs``.
    """
    data_dir = Path(data_dir)
    builds = data_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    target = builds / build_id
    partial = builds / (build_id + ".partial")
    try:
        partial.mkdir()
        store = ox.Store(str(partial / CURRENT))
        for iri, graph in graphs.items():
            _load(store, graph, ox.NamedNode(iri))
        for path in nquads:
            try:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            except SyntaxError as exc:  # a term the build wrote that RDF does not allow
                raise StoreError(f"cannot load the compiled graphs: {exc}",
                                 file=str(path)) from None
        store.optimize()
        store.flush()
        del store
        (partial / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _switch(data_dir, target)
    _prune(builds, keep=target)
    return data_dir / CURRENT


def _load(store: ox.Store, graph: Graph, name: ox.NamedNode) -> None:
    # Terms are converted directly (faster than a round trip through N-Triples, and it
    # keeps blank node labels, which parsers would relabel: the ontology's are canonical).
    store.bulk_extend([ox.Quad(_term(s), _term(p), _term(o), name) for s, p, o in graph])


def _term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    raise TypeError(f"not an RDF term: {term!r}")


def _switch(data_dir: Path, target: Path) -> None:
    link = data_dir / CURRENT
    if link.exists() and not link.is_symlink():
        # A store from an older layout: keep it as a build so nothing is lost.
        link.rename(data_dir / BUILDS / f"legacy-{int(time.time())}")
    tmp = data_dir / f".{CURRENT}.{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path(BUILDS) / target.name / CURRENT)
    os.replace(tmp, link)


def _prune(builds: Path, keep: Path) -> None:
    done = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in done[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob("*.partial"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def build_meta(store_path: str | Path) -> dict[str, Any]:
    """The metadata written next to a built store (empty for a foreign store)."""
    meta = Path(store_path).resolve().parent / META
    try:
        return json.loads(meta.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def open_store_handle(store_path: str | Path) -> ox.Store:
    """A long-lived read-only handle (for servers); a missing store is a clear error."""
    path = Path(store_path)
    if not path.exists():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --store DIR)")
    try:
        return ox.Store.read_only(str(path.resolve()))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


@contextmanager
def open_store(store_path: str | Path) -> Iterator[ox.Store]:
    """Open a built store read-only; a missing store is a clear error."""
    store = open_store_handle(store_path)
    try:
        yield store
    finally:
        del store
