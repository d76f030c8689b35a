"""The pipeline: parse -> map -> validate -> reason -> store.

:func:`compile_graphs` does everything that needs no disk writes (``kg validate`` stops
there); :func:`build` adds reasoning and the atomic store write.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg import __version__
from kg.config import Config
from kg.errors import DocumentError, MappingError
from kg.ingest.document import Document, parse_document
from kg.ingest.duplicates import choose, group_copies
from kg.mapping import coordinates
from kg.mapping.compile import Compiled as DocumentResult
from kg.mapping.compile import Context, Output, Shards, compile_all, parallel_map, processes_for
from kg.mapping.curated import (
    BUILTIN_SUBJECTS,
    MAPPINGS_SUBDIR,
    Mapping,
    Resolver,
    collect_nodes,
    load_mapping,
)
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.metadata import Review
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.mapping.shared import Shared, SharedCache
from kg.reason.base import Base
from kg.reason.closure import Inference, closure
from kg.reason.explain import Explanations
from kg.speedups import Interner, gc_paused
from kg.store import explanations as beside
from kg.store.builds import StoreWriter
from kg.store.lifecycle import build_lock, data_dir_problem, disk_full, is_disk_full
from kg.store.record import Cache, Inputs, Plan, Record, read_inputs, reusable, strings
from kg.store.record import plan as plan_build
from kg.validate.validator import Validator, validation_error

Progress = Callable[[str], None]
Triple = tuple[Node, Node, Node]


def _quiet(_: str) -> None:
    """The default progress callback: print nothing."""


@dataclass
class Compiled:
    """The asserted data of a build, with what the build was unsure of.

    Document graphs are kept whole in ``graphs`` only when asked (``keep``); a build of
    thousands of documents writes them to N-Quads ``shards`` and keeps the ``domain``
    triples (everything but the provenance layer), which reasoning and the whole-graph
    checks need, and the fact nodes stating each of them.
    """

    iris: Iris
    ontology: Ontology
    registry: Registry
    graphs: dict[URIRef, Graph]
    documents: list[Document]
    facts: int
    review: Review
    domain: list[Triple] = field(default_factory=list)
    fact_nodes: dict[Triple, list[URIRef]] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    processes: int = 1  # compile worker processes used
    counts: dict[str, int] = field(default_factory=dict)  # triples per document graph
    validator: Validator | None = None  # the SHACL engine chosen, ready to check
    #: Each document's compiled result (what :class:`kg.store.record.Record` keeps).
    results: dict[str, DocumentResult] = field(default_factory=dict)
    compiled: set[str] = field(default_factory=set)  # the documents compiled by this build

    @property
    def registry_graph(self) -> Graph:
        return self.graphs[self.iris.registry_graph]


@dataclass
class BuildReport:
    documents: int = 0
    facts: int = 0
    triples: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    store: str = ""

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


class _Stages:
    def __init__(self, progress: Progress, report: BuildReport):
        self.progress = progress
        self.report = report
        self.t = time.perf_counter()

    def done(self, stage: str, detail: str) -> None:
        now = time.perf_counter()
        self.report.seconds[stage] = round(now - self.t, 3)
        self.progress(f"{stage:<9}{detail} ({now - self.t:.2f} s)")
        self.t = now


def corpus_files(config: Config) -> list[Path]:
    corpus = Path(config.corpus_dir)
    if not corpus.is_dir():
        raise MappingError("corpus directory not found", file=str(corpus))
    return sorted(corpus.glob("*.txt"))


def read_corpus(config: Config, review: Review, *, strict: bool = False,
                processes: int = 1, cache: Cache | None = None) -> list[Document]:
    """Parse every corpus document. An unreadable one is reported and skipped (the rest of
    the build goes on) or, with ``strict``, stops the build. With a ``cache``, pages read
    by an earlier build and unchanged since are taken from it."""
    documents = []
    files = corpus_files(config)
    for path, parsed in zip(files, cache.map(_parse, files, processes, "pages") if cache
                            else parallel_map(_parse, files, processes), strict=True):
        if isinstance(parsed, DocumentError):
            if strict:
                raise parsed
            review.add(path.stem, f"skipped, not built: {parsed.message}")
        else:
            documents.append(parsed)
    return documents


def _parse(path: Path) -> Document | DocumentError:
    try:
        return parse_document(path)
    except DocumentError as exc:
        return exc


def merge_copies(documents: list[Document], curated: set[str],
                 review: Review) -> tuple[list[Document], dict[str, str]]:
    """Keep one copy of each document that arrived from several mirrors; map the others
    (by id) to the copy kept, and report them."""
    kept: list[Document] = []
    copies: dict[str, str] = {}
    for group in group_copies(documents):
        best = choose(group, curated)
        kept.append(best)
        for other in group:
            if other is not best:
                copies[other.id] = best.id
                review.add(other.id, f"a copy of {best.id} (same record ID or date and "
                                     "title): merged into it, not built twice")
    order = {d.id: i for i, d in enumerate(documents)}
    return sorted(kept, key=lambda d: order[d.id]), copies


@dataclass
class Prepared:
    """What every document compiles against: the pages parsed (copies merged), the
    ontology, the registry, every mapping, with their nodes resolved."""

    iris: Iris
    ontology: Ontology
    registry: Registry
    documents: list[Document]
    copies: dict[str, str]
    mappings: dict[str, Mapping]
    resolver: Resolver
    review: Review
    report: BuildReport
    stages: _Stages
    checker: Validator | None
    registry_graph: Graph  # coordinates included
    linker: Linker | None = None  # of the registry's names: made by compile_documents


def compile_graphs(config: Config, progress: Progress = _quiet,
                   report: BuildReport | None = None, *, strict: bool = False,
                   output: Output = "keep", validator: str | None = None) -> Compiled:
    """Parse the corpus and compile ontology, registry, metadata and mappings into graphs.

    ``output`` says where the document graphs go: ``"keep"``, back whole in ``graphs`` (for
    small corpora: tests, ``kg review``); :class:`~kg.mapping.compile.Shards`, written as
    N-Quads files, each handed on as soon as it is complete (the build's store loader);
    ``"drop"``, nowhere (``kg validate``). With a ``validator`` (a SHACL engine's name),
    the provenance layer of each document is SHACL-checked as it is compiled
    (``violations``), and :func:`validate` checks the rest with the same engine.
    """
    prepared = prepare(config, progress, report, strict=strict, validator=validator)
    return compile_documents(config, prepared, output)


def prepare(config: Config, progress: Progress = _quiet, report: BuildReport | None = None,
            *, strict: bool = False, validator: str | None = None,
            cache: Cache | None = None, shared: SharedCache | None = None) -> Prepared:
    """Parse every page (merging copies) and load ontology, registry and mappings: the
    checks of a whole build, before any document compiles (with a ``cache``, the files
    unchanged since the last build are not read again; with ``shared``, nor the ontology
    and registry, if the served build kept them)."""
    report = report or BuildReport()
    stages = _Stages(progress, report)
    iris = Iris(config.base_iri)
    hit = shared.get() if shared else None
    ontology = hit.ontology if hit else Ontology.load(config.ontology_dir, iris)
    review = Review()

    corpus = corpus_files(config)
    processes = processes_for(config.build_processes, len(corpus))
    documents = read_corpus(config, review, strict=strict, processes=processes, cache=cache)
    curated = {p.stem for p in (Path(config.mappings_dir) / MAPPINGS_SUBDIR).glob("*.yaml")}
    documents, copies = merge_copies(documents, curated, review)
    stages.done("parse", f"{len(documents)} documents"
                + (f" ({len(copies)} duplicate copies merged)" if copies else ""))

    registry = hit.registry if hit else Registry.load(config.mappings_dir, ontology)
    known = {d.id for d in documents}
    paths = []
    for path in sorted((Path(config.mappings_dir) / MAPPINGS_SUBDIR).glob("*.yaml")):
        if path.stem not in known:
            if path.stem in copies:
                raise MappingError(
                    f"{path.stem}.txt is a copy of {copies[path.stem]}.txt and is merged into "
                    f"it: move this mapping to {copies[path.stem]}.yaml", file=str(path), line=1)
            if (Path(config.corpus_dir) / f"{path.stem}.txt").exists():
                continue  # its document was skipped, and reported, above
            raise MappingError(
                f"no corpus document {path.stem}.txt for this mapping in {config.corpus_dir}",
                file=str(path), line=1)
        paths.append(path)
    items = [(p, ontology) for p in paths]
    loaded = (cache.map(_load_mapping, items, processes, "mappings") if cache
              else parallel_map(_load_mapping, items, processes))
    mappings: dict[str, Mapping] = {}
    for path, m in zip(paths, loaded, strict=True):
        if isinstance(m, MappingError):
            raise m
        mappings[path.stem] = m
    resolver = Resolver(ontology, registry, collect_nodes(list(mappings.values()), registry))
    checker = Validator(ontology.shapes(), ontology.graph, validator) if validator else None
    if hit is None:
        graph = registry.graph(ontology)
        graph += coordinates.graph(coordinates.load(config.mappings_dir, registry), registry,
                                   ontology)
    return Prepared(iris, ontology, registry, documents, copies, mappings, resolver, review,
                    report, stages, checker, hit.graph if hit else graph,
                    hit.linker if hit else None)


def compile_documents(config: Config, prepared: Prepared, output: Output = "keep", *,
                      reuse: dict[str, DocumentResult] | None = None) -> Compiled:
    """Compile the documents of ``prepared`` into their graphs (see :func:`compile_graphs`),
    except those whose result is given in ``reuse`` (an incremental build: compiled by an
    earlier build from the same inputs), which are taken as they are."""
    p = prepared
    iris, ontology, registry, review, report = p.iris, p.ontology, p.registry, p.review, p.report
    graphs: dict[URIRef, Graph] = {iris.ontology_graph: ontology.graph,
                                   iris.registry_graph: p.registry_graph}
    reuse = reuse or {}
    todo = [d for d in p.documents if d.id not in reuse]
    processes = processes_for(config.build_processes, len(todo))
    p.linker = p.linker or Linker(registry)
    ctx = Context(iris, registry, p.resolver, p.linker, p.mappings, p.copies,
                  check=p.checker.check if p.checker else None, keep=output == "keep")
    if processes > 1:  # the linker's look-up made once, before forking
        ctx.linker.scanner  # noqa: B018
    fresh = {r.doc_id: r for r in compile_all(
        todo, ctx, output if isinstance(output, Shards) else None, processes)}
    compiled = Compiled(iris, ontology, registry, graphs, p.documents, 0, review,
                        processes=processes, validator=p.checker, compiled=set(fresh))
    mentions = 0
    # One object per term across documents (kg.speedups).
    interner = Interner(itertools.chain(ontology.graph, graphs[iris.registry_graph]))
    for doc in p.documents:
        r = fresh.get(doc.id) or reuse[doc.id]
        compiled.results[doc.id] = r
        compiled.facts += r.facts
        mentions += r.mentions
        review.extend(r.review)
        r.domain = list(interner.triples(r.domain))
        compiled.domain.extend(r.domain)
        r.fact_nodes = [(interner.triple(t), fact) for t, fact in r.fact_nodes]
        for t, fact in r.fact_nodes:
            compiled.fact_nodes.setdefault(t, []).append(fact)
        compiled.violations.extend(r.violations)
        compiled.counts[str(iris.document_graph(doc.id))] = r.triples
        if r.graph is not None:
            g = graphs[iris.document_graph(doc.id)] = Graph()
            for t in r.graph:
                g.add(t)
            r.graph = None
    report.documents = len(p.documents)
    report.facts = compiled.facts
    report.review = review.items
    p.stages.done("map", f"{compiled.facts} facts with evidence, {mentions} mentions linked, "
                         f"{len(registry.entities)} registry entities"
                         + (f", {len(todo)} documents compiled" if reuse else "")
                         + (f" ({processes} processes)" if processes > 1 else ""))
    return compiled


def _load_mapping(args: tuple[Path, Ontology]) -> Mapping | MappingError:
    try:
        return load_mapping(*args)
    except MappingError as exc:
        return exc


def validate(compiled: Compiled) -> None:
    """SHACL-check the asserted data (not the ontology) against ontology/shapes.ttl.

    Each document's provenance layer (fact and annotation nodes) was checked as it was
    compiled (``compiled.violations``); what is left is the domain data of all documents
    with the registry, checked at once. Whichever engine validates, the data are
    split the same way: no shape relates a fact or annotation node to another document's.
    """
    if compiled.validator is None:
        raise ValueError("compiled without a validator: nothing to validate with")
    problems = compiled.violations + compiled.validator.check(
        itertools.chain(compiled.registry_graph, compiled.domain))
    if problems:
        raise validation_error(problems)


def check(config: Config, progress: Progress = _quiet, *, strict: bool = False) -> Compiled:
    """Everything ``kg validate`` does: compile and SHACL-check, writing nothing."""
    report = BuildReport()
    compiled = compile_graphs(config, progress, report, strict=strict, output="drop",
                              validator=config.validator)
    stages = _Stages(progress, report)
    validate(compiled)
    stages.done("validate", f"SHACL shapes conform ({config.validator})")
    return compiled


def reason(compiled: Compiled, reasoner: str | None = None,
           base: Base | None = None) -> Inference:
    """The OWL 2 RL closure of the ontology, the registry (or a ``base``: their closure,
    kept) and the documents' domain data."""
    graphs = [compiled.ontology.graph, compiled.registry_graph] if base is None else []
    return closure([*graphs, compiled.domain], compiled.iris, reasoner, compiled.fact_nodes, base)


def write_graphs(compiled: Compiled, inference: Inference, report: BuildReport,
                 sink: Callable[[str], TextIO], rows: beside.ExplanationRows,
                 digests: dict[str, dict[str, int]] | None = None,
                 base: Base | None = None) -> dict[str, Graph]:
    """Write the inferred graph as N-Quads to ``sink(graph IRI)`` (a text stream: the store
    loader's), and the explanations to ``rows``, beside the store (those the ``base`` wrote
    before taken from it); return the graphs to load as rdflib graphs instead (the ontology,
    the registry, triples with blank nodes). Counts the triples of each graph into
    ``report``; with ``digests``, puts there both graphs' subjects' (no blank nodes)."""
    iris = compiled.iris
    graphs = {str(iri): g for iri, g in compiled.graphs.items()}
    report.triples = {iri: len(g) for iri, g in graphs.items()}
    report.triples.update(compiled.counts)
    with gc_paused():
        explained = Explanations(itertools.chain(compiled.registry_graph, compiled.domain),
                                 compiled.fact_nodes, inference.triples,
                                 compiled.ontology.graph, iris, inference.derivations,
                                 base.written if base else None)
        inferred, why = str(iris.inferred_graph), rows.graph
        blanks: dict[str, list[Triple]] = {inferred: [], why: []}
        subjects: dict[str, int] = {}
        with sink(inferred) as stream:
            report.triples[inferred] = explained.write_inferred(stream, inferred,
                                                                blanks[inferred], subjects)
        with rows:
            report.triples[why] = rows.add(explained.subjects(blanks[why]))
        for name, found in ((inferred, subjects), (why, rows.digests)):
            blank = blanks[name]
            report.triples[name] += len(blank)
            if digests is not None and not blank:
                digests[name] = found
            if blank:  # kept from the bulk loader, which would relabel their blank nodes
                graphs[name] = Graph()
                graphs[name] += blank
    return graphs


def build(config: Config, progress: Progress = _quiet, *, strict: bool = False,
          full: bool = False) -> BuildReport:
    """Build the reasoned store from the corpus, mappings and ontology, atomically.

    Only what changed since the served build is redone (:mod:`kg.store.record` says what
    changed, and when a full build is needed instead: the first one, a change to the
    ontology, the registry, the code or the settings, a record missing or damaged); the
    result is the store a full build would make. ``full`` forces a full build. The progress
    says which it is, and why a full one.

    The new store is filled while the build runs (:class:`kg.store.builds.StoreWriter`):
    document graphs as the compile workers finish them (through N-Quads files in a scratch
    directory under ``data_dir``), then the inferred graph; the explanations go beside it.
    An incremental build starts from a checkpoint of the served store (hard links), without
    the graphs of the documents removed or to compile again, and changes the inferred graph
    by its difference. The new store becomes the current one once everything is loaded; a
    failed build leaves the current one as it was. One build at a time per data directory
    (:class:`kg.store.lifecycle.BuildRunning`); a full disk is a :class:`StoreError`.
    """
    data_dir = Path(config.data_dir)
    try:
        with build_lock(data_dir), gc_paused():  # one collection after, not one per stage
            inputs = read_inputs(config)
            plan = Plan("asked for (--full)") if full else plan_build(config, inputs)
            if plan.full:
                progress(f"full build: {plan.reason}")
            return _build(config, data_dir, progress, strict, inputs, plan)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(data_dir) from None
        if exc.filename and Path(exc.filename).is_relative_to(data_dir):
            raise data_dir_problem(data_dir, exc) from None
        raise


def _build(config: Config, data_dir: Path, progress: Progress, strict: bool, inputs: Inputs,
           plan: Plan) -> BuildReport:
    report = BuildReport()
    cache = Cache(inputs.documents, plan.record)
    shared = SharedCache.served(config, inputs.shared)
    prepared = prepare(config, progress, report, strict=strict, validator=config.validator,
                       cache=cache, shared=shared)
    iris = prepared.iris
    nodes = {ident: str(node.iri) for ident, node in prepared.resolver.nodes.items()}
    reuse: dict[str, DocumentResult] = {}
    base = None
    if plan.record is not None:  # incremental
        mappings = prepared.mappings
        reuse = reusable(plan.record, plan, [d.id for d in prepared.documents],
                         prepared.copies, nodes,
                         set(prepared.ontology.individuals) | set(BUILTIN_SUBJECTS),
                         lambda d: strings([mappings[d].author, mappings[d].facts])
                         if d in mappings else set())
        base = config.store_path.resolve()
        progress(f"incremental build: {plan.summary(len(inputs.documents))}")
    why = str(iris.graph("explanations"))  # beside the store (in it, only its blank nodes)
    drop = [str(iris.document_graph(d)) for d in (plan.record.results if plan.record else ())
            if d not in reuse] + [why]
    with tempfile.TemporaryDirectory(prefix=".build-", dir=data_dir) as scratch, \
            StoreWriter(data_dir, compact=config.compact_store and base is None, base=base,
                        drop=drop, digests=plan.record.digests if plan.record else None) as store:
        if base is None:  # loaded first, in the loader's thread, while documents compile
            store.first({str(iris.ontology_graph): prepared.ontology.graph,
                         str(iris.registry_graph): prepared.registry_graph})
        compiled = compile_documents(
            config, prepared, reuse=reuse,
            output=Shards(Path(scratch), lambda path, name: store.load(path, name=name,
                                                                       remove=True)))
        stages = _Stages(progress, report)
        validate(compiled)
        stages.done("validate", f"SHACL shapes conform ({config.validator})")

        kept = Base.kept(shared.found and shared.found.reasoning, config.reasoner, [
            prepared.ontology.graph, prepared.registry_graph], iris, shared.served)
        inference = reason(compiled, config.reasoner, kept)
        report.inferred = dict(inference.counts)
        digests: dict[str, dict[str, int]] = {}
        then = (base.parent / beside.FILE, plan.record.digests.get(why)) if plan.record else None
        rows = beside.ExplanationRows(store.partial / beside.FILE, why, *(
            kept.start(shared.served, then) if kept and shared.served else then or ()))
        graphs = write_graphs(compiled, inference, report, store.replace, rows, digests, kept)
        if kept and shared.served:  # the rows file goes with it
            kept.keep(store.partial, shared.served, rows.digests, beside.FILE)
        stages.done("reason", f"{len(inference.triples)} triples inferred by "
                              f"{config.reasoner}: {inference.summary()}")
        if base is not None:  # the ontology and the registry are the served build's
            graphs = {name: g for name, g in graphs.items()
                      if name in store.replaced or name == why}

        meta = {
            "version": __version__,
            "base_iri": compiled.iris.base,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "documents": [d.id for d in compiled.documents], "facts": compiled.facts,
            "triples": report.triples,
            "inferred": report.inferred,
            "validator": config.validator, "reasoner": config.reasoner,
            "incremental": base is not None,
        }
        Record(inputs.shared, inputs.documents, prepared.copies, nodes, compiled.results,
               digests, cache.new["pages"], cache.new["mappings"]).save(store.partial)
        shared.save(store.partial, Shared(prepared.ontology, prepared.registry,
                                          compiled.registry_graph, prepared.linker, kept))
        report.store = str(store.commit(graphs, meta, digests))
    total = sum(report.triples.values())
    stages.done("load", f"{total} triples in {len(report.triples)} graphs -> {report.store}")
    return report
