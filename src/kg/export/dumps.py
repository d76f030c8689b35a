"""Exports of the built store, for taking the graph elsewhere without losing anything.

Graph dumps: Turtle and N-Triples (all graphs merged), N-Quads, TriG and JSON-LD (with the
named graphs). Each carries the dataset's VoID/DCAT description (kg.export.dataset) in the graph
``<base>/graph/dataset``. Turtle, TriG and JSON-LD use the project's prefixes; JSON-LD is
compacted with the published context (``context.jsonld``), embedded so that it reads offline.

Wikidata: the alignment of the ontology (``wikidata-alignment.ttl``), the facts as Wikibase
statements (``wikibase.ttl``) and QuickStatements, the entities to create first
(``candidates.csv``) and the facts not exported with the reason (kg.export.wikidata).

Output is deterministic: statements are sorted and dates come from the build metadata, so
re-exporting an unchanged store gives byte-identical files and two builds diff cleanly.
``export_all`` writes every file into a directory, replaced as a whole only once all are
written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import PROJECT_ROOT, Config
from kg.errors import KGError
from kg.export import cmif, dataset, jsonld, ntriples, turtle, wikidata
from kg.store.builds import build_meta, open_store
from kg.store.query import prefixes_for

CHECKSUMS = "SHA256SUMS"
DEFAULT_ONTOLOGY_DIR = PROJECT_ROOT / "ontology"


@dataclass(frozen=True)
class Format:
    """One export: its file name in ``kg export --all DIR``, media type and description."""

    file: str
    media_type: str
    title: str


FORMATS: dict[str, Format] = {
    "ttl": Format("graph.ttl", "text/turtle", "Turtle, all graphs merged"),
    "nt": Format("graph.nt", "application/n-triples", "N-Triples, all graphs merged"),
    "nq": Format("graph.nq", "application/n-quads", "N-Quads, with the named graphs"),
    "trig": Format("graph.trig", "application/trig", "TriG, with the named graphs"),
    "jsonld": Format("graph.jsonld", "application/ld+json",
                     "JSON-LD with the named graphs, compacted with context.jsonld (embedded)"),
    "context": Format("context.jsonld", "application/ld+json",
                      "The JSON-LD context of graph.jsonld"),
    "void": Format("void.ttl", "text/turtle", "VoID and DCAT description of the dataset"),
    "alignment": Format("wikidata-alignment.ttl", "text/turtle",
                        "The ontology's terms aligned with Wikidata properties and classes"),
    "wikibase": Format("wikibase.ttl", "text/turtle",
                       "Facts as Wikibase statements with qualifiers and references"),
    "quickstatements": Format("quickstatements.txt", "text/plain",
                              "The same statements as QuickStatements V1, one per reference"),
    "candidates": Format("candidates.csv", "text/csv",
                         "Entities without a Wikidata item, to create before their facts"),
    "skipped": Format("wikidata-skipped.csv", "text/csv",
                      "Facts not written as Wikidata statements, with the reason"),
    "wikidata-documents": Format("wikidata-documents.txt", "text/plain",
                                 "QuickStatements V1 creating an item for each archival document"),
    "wikidata-document-ids": Format("wikidata-document-ids.csv", "text/csv",
                                    "Documents and the QIDs of their items, to fill after step 1"),
    "wikidata-citing": Format("wikidata-citing.txt", "text/plain",
                              "QuickStatements V1 citing the documents' items (stated in)"),
    "wikidata-pending": Format("wikidata-pending.csv", "text/csv",
                               "Statements not citable yet, with the reason"),
    "cmif": Format("cmif.xml", "application/tei+xml",
                   "Correspondence metadata in CMIF (TEI correspDesc), for correspSearch"),
}
#: Kept for callers of the first version of this module.
EXPORT_FORMATS = FORMATS


def prefixes(base: str) -> dict[str, str]:
    """The prefixes of the dumps: the project's own plus VoID and DCAT."""
    return {**prefixes_for(base), **dataset.PREFIXES}


def json_ld_context(base: str) -> dict[str, Any]:
    """The published JSON-LD context (``context.jsonld``): the dumps' prefixes."""
    return {"@context": prefixes(base)}


def export(store_path: str | Path, fmt: str, *, base: str,
           ontology_dir: str | Path = DEFAULT_ONTOLOGY_DIR) -> bytes:
    """Serialize the store as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    with open_store(store_path) as store:
        return _Exporter(store, base, build_meta(store_path), Path(ontology_dir)).render(fmt)


@dataclass(frozen=True)
class Written:
    file: str
    size: int


def export_all(store_path: str | Path, out_dir: str | Path, *, base: str,
               ontology_dir: str | Path = DEFAULT_ONTOLOGY_DIR) -> list[Written]:
    """Write every export and a SHA256SUMS file into ``out_dir``.

    The files are written into a temporary directory beside ``out_dir``, which then replaces
    it: a failed export leaves the previous directory as it was. A directory holding other
    files than an export's is never replaced."""
    out = Path(out_dir)
    names = {f.file for f in FORMATS.values()} | {CHECKSUMS}
    if out.exists():
        if not out.is_dir():
            raise KGError(f"{out} is a file; give a directory to export into")
        foreign = sorted(p.name for p in out.iterdir() if p.name not in names)
        if foreign:
            raise KGError(f"{out} holds files kg export did not write ({', '.join(foreign[:3])}"
                          f"{', ...' if len(foreign) > 3 else ''}); give a new or empty directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        written = []
        with open_store(store_path) as store:
            exporter = _Exporter(store, base, build_meta(store_path), Path(ontology_dir))
            for fmt, spec in FORMATS.items():
                data = exporter.render(fmt)
                (tmp / spec.file).write_bytes(data)
                written.append(Written(spec.file, len(data)))
        sums = "".join(f"{hashlib.sha256((tmp / w.file).read_bytes()).hexdigest()}  {w.file}\n"
                       for w in sorted(written, key=lambda w: w.file)).encode()
        (tmp / CHECKSUMS).write_bytes(sums)
        written.append(Written(CHECKSUMS, len(sums)))
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _replace_dir(new: Path, target: Path) -> None:
    if not target.exists():
        new.rename(target)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class ExportResult:
    """What ``kg export`` does with the result: bytes for standard output, or a report."""

    data: bytes | None
    message: str


def write_export(config: Config, *, fmt: str = "ttl", output: str | None = None,
                 all_dir: str | None = None) -> ExportResult:
    """The ``kg export`` command: one format to stdout or a file, or everything to a dir."""
    ontology_dir = Path(config.ontology_dir)
    if all_dir:
        written = export_all(config.store_path, all_dir, base=config.base_iri,
                             ontology_dir=ontology_dir)
        total = sum(w.size for w in written)
        return ExportResult(None, f"wrote {len(written)} files, {total} bytes, to {all_dir}")
    data = export(config.store_path, fmt, base=config.base_iri, ontology_dir=ontology_dir)
    if not output:
        return ExportResult(data, "")
    target = Path(output)
    if not target.parent.is_dir():
        raise KGError(f"cannot write {output}: no directory {target.parent}")
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return ExportResult(None, f"wrote {len(data)} bytes to {output}")


class _Exporter:
    """Renders every format from one open store, reading and sorting it only once."""

    def __init__(self, store: ox.Store, base: str, meta: dict[str, Any], ontology_dir: Path):
        self.store, self.base, self.meta, self.ontology_dir = store, base, meta, ontology_dir
        self.renderers: dict[str, Callable[[], bytes]] = {
            "ttl": lambda: self._dump("ttl"), "nt": lambda: self._dump("nt"),
            "nq": lambda: self._dump("nq"), "trig": lambda: self._dump("trig"),
            "jsonld": self._jsonld, "context": self._context, "void": self._void,
            "alignment": self._alignment, "wikibase": self._wikibase,
            "quickstatements": lambda: wikidata.quickstatements(self.wikidata).encode(),
            "candidates": lambda: wikidata.candidates_csv(self.wikidata).encode(),
            "skipped": lambda: wikidata.skipped_csv(self.wikidata).encode(),
            "wikidata-documents": lambda: wikidata.documents_quickstatements(
                self.documents).encode(),
            "wikidata-document-ids": lambda: wikidata.document_ids_csv(
                self.documents, self.document_ids).encode(),
            "wikidata-citing": lambda: self.citing[0].encode(),
            "wikidata-pending": lambda: wikidata.pending_csv(self.citing[1]).encode(),
            "cmif": lambda: cmif.render(self.store, self.base, self.meta),
        }

    def render(self, fmt: str) -> bytes:
        return self.renderers[fmt]()

    @cached_property
    def description(self) -> list[ox.Triple]:
        dists = [dataset.Distribution(f.file, f.media_type, f.title) for f in FORMATS.values()]
        return dataset.describe(self.store, self.base, self.meta, dists)

    @cached_property
    def graphs(self) -> list[ntriples.Graph]:
        """Every graph as sorted N-Triples lines, the description in its own."""
        return ntriples.read(self.store, {dataset.graph_iri(self.base): self.description})

    @cached_property
    def triples(self) -> list[str]:
        """The graphs merged, as sorted N-Triples lines."""
        return ntriples.merged(self.graphs)

    @cached_property
    def alignment(self) -> wikidata.Alignment:
        return wikidata.load_alignment(self.ontology_dir, self.base)

    @cached_property
    def wikidata(self) -> wikidata.WikidataExport:
        return wikidata.collect(self.store, self.base, self.alignment)

    @cached_property
    def document_ids(self) -> dict[str, str]:
        return wikidata.read_document_ids(self.ontology_dir / wikidata.DOCUMENT_IDS_FILE)

    @cached_property
    def documents(self) -> list[wikidata.DocumentItem]:
        return wikidata.document_items(self.store, self.base, self.alignment, self.document_ids)

    @cached_property
    def citing(self) -> tuple[str, list[wikidata.Pending]]:
        return wikidata.citing_quickstatements(self.wikidata, self.document_ids)

    def _dump(self, fmt: str) -> bytes:
        if fmt == "ttl":
            return turtle.turtle(self.triples, prefixes(self.base), self.base)
        if fmt == "trig":
            return turtle.trig(self.graphs, prefixes(self.base), self.base)
        if fmt == "nt":
            return "".join(f"{line} .\n" for line in self.triples).encode()
        return "".join(f"{line} {g.name} .\n" if g.name else f"{line} .\n"
                       for g in self.graphs for line in g.lines).encode()

    def _turtle(self, triples: Iterable[ox.Triple], extra: dict[str, str] | None = None) -> bytes:
        return turtle.turtle(ntriples.lines(triples), {**prefixes(self.base), **(extra or {})},
                             self.base)

    def _void(self) -> bytes:
        return self._turtle(self.description)

    def _alignment(self) -> bytes:
        return self._turtle(wikidata.published_alignment(self.store, self.base, self.alignment),
                            {**wikidata.PREFIXES, "alignment": f"{self.base}/wikidata-alignment#"})

    def _wikibase(self) -> bytes:
        node = ox.NamedNode(f"{self.base}/dataset/wikibase")
        dataset_node = ox.NamedNode(dataset.dataset_iri(self.base))
        header = [
            ox.Triple(node, ox.NamedNode(wikidata.RDF + "type"),
                      ox.NamedNode(dataset.VOID + "Dataset")),
            ox.Triple(node, ox.NamedNode(dataset.DCTERMS + "title"), ox.Literal(
                "The curated facts as Wikibase statements, for review before any upload",
                language="en")),
            ox.Triple(node, ox.NamedNode(dataset.DCTERMS + "source"), dataset_node),
            ox.Triple(node, ox.NamedNode(dataset.DCTERMS + "license"),
                      ox.NamedNode(dataset.LICENSE)),
        ]
        if self.meta.get("built"):
            header.append(ox.Triple(node, ox.NamedNode(dataset.DCTERMS + "created"), ox.Literal(
                str(self.meta["built"]), datatype=ox.NamedNode(dataset.XSD + "dateTime"))))
        return self._turtle(wikidata.wikibase_triples(self.wikidata, self.base, header),
                            wikidata.PREFIXES)

    def _context(self) -> bytes:
        return (json.dumps(json_ld_context(self.base), indent=2) + "\n").encode()

    def _jsonld(self) -> bytes:
        return jsonld.document(self.graphs, prefixes(self.base))
