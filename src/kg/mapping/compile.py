"""Compiling documents into their graphs: one document at a time, in parallel processes.

A document compiles on its own: its parsed text, its mapping, the registry and the node
ids of every mapping are all it needs. So the build spreads documents over worker
processes (``build_processes``), and each worker writes every document graph straight to
N-Quads for the store's bulk loader (:mod:`kg.mapping.nquads`). What comes back to the build is
only what the later stages need:

- the *domain* triples: everything but the provenance layer (fact nodes and evidence
  annotations), which reasoning and the whole-graph SHACL checks run over;
- the fact nodes stating each triple (explanations point at them);
- the SHACL results of the provenance layer, checked here, per document: a fact or
  annotation node belongs to the one document whose graph holds all its triples;
- counts and review notes.

With ``keep`` (tests, ``kg review``, small corpora) the whole graph comes back too.
"""

from __future__ import annotations

import multiprocessing
import os
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from kg.ingest.document import Document
from kg.mapping import nquads
from kg.mapping.curated import CURATORS, Mapping, Resolver, compile_mapping
from kg.mapping.editorial import editorial_claimants
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.metadata import Review, compile_mentions, compile_metadata
from kg.mapping.prose import hidden_facts
from kg.mapping.provenance import FactWriter
from kg.mapping.registry import Registry
from kg.speedups import gc_paused

Triple = tuple[Node, Node, Node]
T = TypeVar("T")
R = TypeVar("R")

#: Below this many documents per process, forking costs more than it saves.
MIN_PER_PROCESS = 8
#: Documents per task handed to a worker.
CHUNK = 32


@dataclass
class Context:
    """What every document's compilation reads (shared, never written)."""

    iris: Iris
    registry: Registry
    resolver: Resolver
    linker: Linker
    mappings: dict[str, Mapping]
    copies: dict[str, str]  # merged copy id -> id of the copy kept
    check: Callable[[Iterable[Triple]], list[str]] | None = None  # provenance SHACL check
    keep: bool = False

    @cached_property
    def shared_nodes(self) -> frozenset[str]:
        """The node ids declared by more than one mapping (a node several files use)."""
        seen: set[str] = set()
        shared: set[str] = set()
        for m in self.mappings.values():
            for ident in m.nodes:
                (shared if ident in seen else seen).add(ident)
        return frozenset(shared)


@dataclass
class Compiled:
    """One document's graph, as the later build stages need it."""

    doc_id: str
    facts: int = 0
    mentions: int = 0
    triples: int = 0
    review: list[str] = field(default_factory=list)
    domain: list[Triple] = field(default_factory=list)
    fact_nodes: list[tuple[Triple, URIRef]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    graph: set[Triple] | None = None


def document_graph(doc: Document, ctx: Context, review: Review) -> tuple[set[Triple], int, int]:
    """The triples of one document's graph, with its number of facts and of mentions."""
    iris = ctx.iris
    g: set[Triple] = set()
    editors, editorial = editorial_claimants(doc, ctx.registry)
    curators = ctx.resolver.ontology.individuals.get(CURATORS)
    writer = FactWriter(iris, doc.id, doc.source, g, editors=editors,
                        editorial=editorial | ({curators} if curators else set()),
                        body=tuple((p.start, p.end) for p in doc.body))
    mapping = ctx.mappings.get(doc.id)
    if mapping is not None:
        compile_mapping(mapping, writer, ctx.resolver)
    compile_metadata(doc, writer, ctx.registry, ctx.resolver.ontology, review, ctx.linker)
    if mapping is not None:
        # A node declared here only to be referred to is described where its facts are.
        about = {item.get("about") for item in mapping.facts if isinstance(item, dict)}
        own = [i for i in mapping.nodes if i not in ctx.shared_nodes or i in about]
        for warning in hidden_facts(g, iris, ctx.linker, ctx.resolver, own):
            review.add(doc.id, f"warning: {warning}")
        if mapping.candidates:  # drafted by `kg add --draft`, left out of the graph
            review.add(doc.id, f"{mapping.candidates} candidate fact(s) not yet reviewed "
                               "(accept one by deleting its `candidate: true`)")
    for copy, kept in sorted(ctx.copies.items()):
        if kept == doc.id:
            g.add((iris.document(doc.id), iris.kg.otherCopy, Literal(f"{copy}.txt")))
    mentions = compile_mentions(doc, writer, ctx.linker, ctx.registry, review)
    return g, writer.facts, mentions


def compile_one(doc: Document, ctx: Context, out: Any | None) -> Compiled:
    """Compile ``doc``; write its graph as N-Quads to ``out`` (a text file) if given."""
    review = Review()
    g, facts, mentions = document_graph(doc, ctx, review)
    iris = ctx.iris
    if out is not None:
        nquads.write(out, g, str(iris.document_graph(doc.id)))
    domain: list[Triple] = []
    provenance: list[Triple] = []
    fact_type = iris.kg.Fact
    statement: dict[Node, dict[Node, Node]] = {}
    facts_seen: list[Node] = []
    subject, predicate, object_, rdf_type = RDF.subject, RDF.predicate, RDF.object, RDF.type
    parts = {subject, predicate, object_}
    provenance_prefixes = (iris.base + "/id/fact/", iris.base + "/id/annotation/")
    for t in g:
        s, p, o = t
        if str.startswith(s, provenance_prefixes):  # (rdflib terms take no tuple here)
            provenance.append(t)
            if p in parts:
                statement.setdefault(s, {})[p] = o
            elif p == rdf_type and o == fact_type:
                facts_seen.append(s)
        else:
            domain.append(t)
    fact_nodes = []
    for fact in facts_seen:
        spo = statement.get(fact, {})
        if len(spo) == 3:
            fact_nodes.append(((spo[subject], spo[predicate], spo[object_]), fact))
    return Compiled(
        doc_id=doc.id, facts=facts, mentions=mentions, triples=len(g), review=review.items,
        domain=domain, fact_nodes=fact_nodes,  # type: ignore[arg-type]
        violations=ctx.check(provenance) if ctx.check else [],
        graph=g if ctx.keep else None,
    )


# --- in parallel ---------------------------------------------------------------------------

_SHARED: dict[str, Any] = {}  # set in the parent just before forking; read by the workers


def _compile_chunk(task: tuple[list[int], str | None]) -> list[Compiled]:
    indexes, shard_dir = task
    ctx: Context = _SHARED["context"]
    documents: list[Document] = _SHARED["documents"]
    with gc_paused():
        if shard_dir is None:
            return [compile_one(documents[i], ctx, None) for i in indexes]
        with open(shard_path(shard_dir, indexes[0]), "w", encoding="utf-8") as out:
            return [compile_one(documents[i], ctx, out) for i in indexes]


def shard_path(shard_dir: str | Path, first: int) -> Path:
    """The N-Quads file of the chunk of documents starting at index ``first``."""
    return Path(shard_dir) / f"documents-{first:07d}.nq"


@dataclass(frozen=True)
class Shards:
    """Document graphs written as N-Quads files in ``dir``, one per chunk of documents, each
    handed to ``ready(path, description)`` as soon as it is complete (the build's store
    loader reads it while later chunks compile)."""

    dir: Path
    ready: Callable[[Path, str], None]


#: Where compiled document graphs go: kept in memory, written as shards, or dropped.
Output = typing.Literal["keep", "drop"] | Shards


def compile_all(documents: list[Document], ctx: Context, shards: Shards | None,
                processes: int) -> list[Compiled]:
    """Compile every document, in ``processes`` worker processes when that pays off, the
    graphs written to ``shards`` if given. Results come back in document order, whatever
    the order the workers finished in.
    """
    shard = str(shards.dir) if shards is not None else None
    tasks = [(list(range(i, min(i + CHUNK, len(documents)))), shard)
             for i in range(0, len(documents), CHUNK)]
    results: list[Compiled] = []
    for (indexes, _), chunk in zip(tasks, _map(_compile_chunk, tasks, processes, context=ctx,
                                               documents=documents), strict=True):
        results.extend(chunk)
        if shards is not None:
            first, last = documents[indexes[0]].id, documents[indexes[-1]].id
            shards.ready(shard_path(shard, indexes[0]), f"graphs of documents {first} to {last}")
    return results


def parallel_map(fn: Callable[[T], R], items: list[T], processes: int) -> list[R]:
    """``[fn(x) for x in items]``, over worker processes when there are enough items.
    ``fn`` must be a module-level function; results keep the order of ``items``."""
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    return [r for chunk in _map(_apply, [(fn, c) for c in chunks], processes) for r in chunk]


def _apply(task: tuple[Callable[[Any], Any], list[Any]]) -> list[Any]:
    fn, chunk = task
    return [fn(x) for x in chunk]


def processes_for(setting: int, items: int) -> int:
    """How many processes to use: the setting (0 = one per CPU), fewer for small inputs."""
    wanted = setting or os.cpu_count() or 1
    return max(1, min(wanted, items // MIN_PER_PROCESS))


def _map(fn: Callable[[Any], list[Any]], tasks: list[Any], processes: int,
         **shared: Any) -> Iterator[list[Any]]:
    """``fn`` over ``tasks``, results in order, each as soon as it and those before it are
    done."""
    # With fork, the workers inherit the shared state (registry, mappings, documents)
    # instead of receiving it pickled.
    _SHARED.update(shared)
    try:
        if processes <= 1 or len(tasks) <= 1:
            for t in tasks:
                yield fn(t)
            return
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(fn, tasks, chunksize=1)
    finally:
        _SHARED.clear()
