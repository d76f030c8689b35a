"""Changing a graph of a store into another by its difference: what an incremental build
does to the inferred graph and the explanations, which a change to one document touches
only here and there.

:func:`replace_subjects`, the usual way, needs nothing from the store: the build that
made the graph recorded a digest of each subject's lines (:class:`kg.store.record.Record`),
and the new content comes with its own digests; only the subjects whose digest differs
are changed, each by removing its quads in that graph and adding its new lines.

:func:`replace_graph`, without digests (blank nodes in the graph): the graph's content now
is dumped by the store as N-Triples and compared line for line with the new content
(N-Quads of that graph, as the build writes them); the lines only on the old side are
removed, then those only on the new side added. A quad spelled two ways (the build's
writer and the store's serializer agree, but nothing here relies on it) is then removed
and added again: the result is right either way, only less minimal. Blank nodes, which a
parser would relabel, are compared as the store's own terms instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox


def replace_graph(store: ox.Store, graph: str, path: Path,
                  extra: Iterable[ox.Quad] = ()) -> tuple[int, int]:
    """Make the named graph ``graph`` of ``store`` hold exactly the N-Quads of the file
    ``path`` (whose quads all name ``graph``) plus ``extra``; return (removed, added)."""
    name = ox.NamedNode(graph)
    suffix = f" <{graph}> .\n".encode()
    new: set[bytes] = set()
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(suffix):
                raise ValueError(f"a line for {graph} names another graph: {line!r}")
            new.add(line[:-len(suffix)] + b" .\n")
    old = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b""
    extra = list(extra)
    if extra or b"_:" in old or any(b"_:" in line for line in new):
        return _by_terms(store, name, path, extra)
    lines = set(old.splitlines(keepends=True))
    gone = [line for line in lines if line not in new]
    added = [line for line in new if line not in lines]
    for t in ox.parse(b"".join(gone), format=ox.RdfFormat.N_TRIPLES):
        store.remove(ox.Quad(t.subject, t.predicate, t.object, name))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name)
                      for t in ox.parse(b"".join(added), format=ox.RdfFormat.N_TRIPLES))
    return len(gone), len(added)


def replace_subjects(store: ox.Store, graph: str, path: Path, old: dict[str, int],
                     new: dict[str, int]) -> tuple[int, int]:
    """Make the named graph ``graph`` of ``store`` hold exactly the N-Quads of ``path``
    (no blank nodes), given the digest of each subject's lines in the graph now (``old``)
    and in ``path`` (``new``), subjects keyed by their N-Triples form; return (removed,
    added)."""
    name = ox.NamedNode(graph)
    stale = [key for key, digest in old.items() if new.get(key) != digest]
    fresh = {key.encode() for key, digest in new.items() if old.get(key) != digest}
    removed = 0
    for key in stale:
        quads = list(store.quads_for_pattern(ox.NamedNode(key[1:-1]), None, None, name))
        for quad in quads:
            store.remove(quad)
        removed += len(quads)
    lines = []
    if fresh:
        with open(path, "rb") as f:
            lines = [line for line in f if line[:line.find(b" ")] in fresh]
    store.bulk_extend(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS))
    return removed, len(lines)


def _by_terms(store: ox.Store, name: ox.NamedNode, path: Path,
              extra: list[ox.Quad]) -> tuple[int, int]:
    """The same, comparing the store's terms (blank nodes kept as labelled)."""
    with open(path, "rb") as f:
        new = set(ox.parse(f, format=ox.RdfFormat.N_QUADS))
    new.update(extra)
    gone = [q for q in store.quads_for_pattern(None, None, None, name) if q not in new]
    for quad in gone:
        store.remove(quad)
    added = [q for q in new if q not in store]
    store.bulk_extend(added)
    return len(gone), len(added)
