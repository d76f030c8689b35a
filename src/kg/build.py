"""The pipeline: parse -> map -> validate -> reason -> store.

:func:`compile_graphs` does everything that needs no disk writes (``kg validate`` stops
there); :func:`build` adds reasoning and the atomic store write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.config import Config
from kg.document import Document, parse_document
from kg.duplicates import choose, group_copies
from kg.errors import DocumentError, MappingError
from kg.explain import explain
from kg.iris import Iris
from kg.linking import Linker
from kg.mapping import (
    MAPPINGS_SUBDIR,
    Mapping,
    Resolver,
    collect_nodes,
    compile_mapping,
    load_mapping,
)
from kg.metadata import Review, compile_mentions, compile_metadata
from kg.ontology import Ontology
from kg.provenance import FactWriter
from kg.reason import Inference, closure
from kg.registry import Registry
from kg.store import write_store
from kg.validate import shacl_check

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Compiled:
    """The asserted graphs of a build, by graph IRI, with what the build was unsure of."""

    iris: Iris
    ontology: Ontology
    registry: Registry
    graphs: dict[URIRef, Graph]
    documents: list[Document]
    facts: int
    review: Review


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


def read_corpus(config: Config, review: Review, *, strict: bool = False) -> list[Document]:
    """Parse every corpus document. An unreadable one is reported and skipped (the rest of
    the build goes on) or, with ``strict``, stops the build."""
    documents = []
    for path in corpus_files(config):
        try:
            documents.append(parse_document(path))
        except DocumentError as exc:
            if strict:
                raise
            review.add(path.stem, f"skipped, not built: {exc.message}")
    return documents


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


def compile_graphs(config: Config, progress: Progress = _quiet,
                   report: BuildReport | None = None, *, strict: bool = False) -> Compiled:
    """Parse the corpus and compile ontology, registry, metadata and mappings into graphs."""
    report = report or BuildReport()
    stages = _Stages(progress, report)
    iris = Iris(config.base_iri)
    ontology = Ontology.load(config.ontology_dir, iris)
    review = Review()

    documents = read_corpus(config, review, strict=strict)
    curated = {p.stem for p in (Path(config.mappings_dir) / MAPPINGS_SUBDIR).glob("*.yaml")}
    documents, copies = merge_copies(documents, curated, review)
    stages.done("parse", f"{len(documents)} documents"
                + (f" ({len(copies)} duplicate copies merged)" if copies else ""))

    registry = Registry.load(config.mappings_dir, ontology)
    known = {d.id for d in documents}
    mappings: dict[str, Mapping] = {}
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
        mappings[path.stem] = load_mapping(path, ontology)
    resolver = Resolver(ontology, registry, collect_nodes(list(mappings.values()), registry))

    graphs: dict[URIRef, Graph] = {
        iris.ontology_graph: ontology.graph,
        iris.registry_graph: registry.graph(ontology),
    }
    facts = mentions = 0
    linker = Linker(registry)
    for doc in documents:
        g = Graph()
        writer = FactWriter(iris, doc.id, doc.source, g)
        m = mappings.get(doc.id)
        if m is not None:
            compile_mapping(m, writer, resolver)

        compile_metadata(doc, writer, registry, ontology, review)
        for copy, kept in sorted(copies.items()):
            if kept == doc.id:
                g.add((iris.document(doc.id), iris.kg.otherCopy, Literal(f"{copy}.txt")))
        mentions += compile_mentions(doc, writer, linker, registry, review)
        graphs[iris.document_graph(doc.id)] = g
        facts += writer.facts
    report.documents = len(documents)
    report.facts = facts
    report.review = review.items
    stages.done("map", f"{facts} facts with evidence, {mentions} mentions linked, "
                       f"{len(registry.entities)} registry entities")
    return Compiled(iris, ontology, registry, graphs, documents, facts, review)


def validate(compiled: Compiled) -> None:
    """SHACL-check the asserted data (not the ontology) against ontology/shapes.ttl."""
    data = Graph()
    for iri, g in compiled.graphs.items():
        if iri != compiled.iris.ontology_graph:
            data += g
    shacl_check(data, compiled.ontology.shapes(), compiled.ontology.graph)


def check(config: Config, progress: Progress = _quiet, *, strict: bool = False) -> Compiled:
    """Everything ``kg validate`` does: compile and SHACL-check, writing nothing."""
    report = BuildReport()
    compiled = compile_graphs(config, progress, report, strict=strict)
    stages = _Stages(progress, report)
    validate(compiled)
    stages.done("validate", "SHACL shapes conform")
    return compiled


def all_graphs(compiled: Compiled, inference: Inference | None) -> dict[str, Graph]:
    """Every graph by graph IRI: the asserted ones, then the inferred one."""
    graphs = {str(iri): g for iri, g in compiled.graphs.items()}
    if inference is not None:
        graphs[str(compiled.iris.inferred_graph)] = inference.graph
    return graphs


def input_files(config: Config) -> list[Path]:
    """Every file a build reads: corpus, mappings, ontology."""
    files = corpus_files(config)
    for folder in (config.mappings_dir, config.ontology_dir):
        files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return files


def up_to_date(config: Config) -> bool:
    """Whether the current store was built after every input last changed."""
    from kg.store import build_meta

    meta_file = config.store_path.resolve().parent / "build.json"
    if not config.store_path.exists() or not meta_file.exists():
        return False
    if build_meta(config.store_path).get("base_iri") != config.base_iri:
        return False
    built = meta_file.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in input_files(config))


def build(config: Config, progress: Progress = _quiet, *, strict: bool = False) -> BuildReport:
    """Build the reasoned store from the corpus, mappings and ontology, atomically."""
    report = BuildReport()
    compiled = compile_graphs(config, progress, report, strict=strict)
    stages = _Stages(progress, report)
    validate(compiled)
    stages.done("validate", "SHACL shapes conform")

    inference = closure(compiled.graphs.values(), compiled.iris, config.reasoner)
    report.inferred = dict(inference.counts)
    asserted = [g for iri, g in compiled.graphs.items() if iri != compiled.iris.ontology_graph]
    explanations = explain(asserted, inference.graph, compiled.ontology.graph, compiled.iris)
    stages.done("reason", f"{len(inference.graph)} triples inferred: {inference.summary()}")

    graphs = all_graphs(compiled, inference)
    graphs[str(compiled.iris.graph("explanations"))] = explanations
    report.triples = {iri: len(g) for iri, g in graphs.items()}
    meta = {
        "version": __version__,
        "base_iri": compiled.iris.base,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "documents": [d.id for d in compiled.documents],
        "facts": compiled.facts,
        "triples": report.triples,
        "inferred": report.inferred,
    }
    report.store = str(write_store(config.data_dir, graphs, meta))
    total = sum(report.triples.values())
    stages.done("load", f"{total} triples in {len(report.triples)} graphs -> {report.store}")
    return report
