"""The corpus: adding archive documents to it, checked, unchanged, never doubled."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kg.config import Config
from kg.curate.draft import draft_mapping
from kg.errors import DocumentError
from kg.ingest.document import Document, parse_document
from kg.mapping.curated import mapping_path
from kg.mapping.iris import Iris, slugify
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry


@dataclass
class Added:
    source: str
    target: str | None = None
    draft: str | None = None
    problem: str | None = None


def target_name(doc: Document) -> str:
    """A readable corpus file name: ``<date>-<title words>.txt``."""
    stem = slugify(doc.title or doc.id)[:80].strip("-")
    return f"{doc.date}-{stem}.txt" if doc.date and not stem.startswith(doc.date) else \
        f"{stem}.txt"


def _key(doc: Document) -> tuple[str, ...]:
    if doc.record_id:
        return ("record", doc.record_id)
    return ("title", doc.date or "", " ".join((doc.title or "").casefold().split()))


def add_documents(config: Config, files: list[str | Path], *, draft: bool = False) -> list[Added]:
    """Copy each file, unchanged, into the corpus after checking that it parses and is not
    already there; with ``draft``, also write a mapping skeleton. One problem does not stop
    the others."""
    corpus = Path(config.corpus_dir)
    existing = {}
    for path in sorted(corpus.glob("*.txt")):
        try:
            existing[_key(parse_document(path))] = path.name
        except DocumentError:
            continue
    registry = None
    results = []
    for file in files:
        result = Added(str(file))
        results.append(result)
        try:
            doc = parse_document(file)
        except DocumentError as exc:
            result.problem = str(exc)
            continue
        if _key(doc) in existing:
            result.problem = f"{file}: already in the corpus as {existing[_key(doc)]}"
            continue
        target = corpus / target_name(doc)
        if target.exists():
            result.problem = f"{file}: {target} exists with other content; rename the file"
            continue
        shutil.copyfile(file, target)
        existing[_key(doc)] = target.name
        result.target = str(target)
        if draft:
            if registry is None:
                iris = Iris(config.base_iri)
                registry = Registry.load(config.mappings_dir, Ontology.load(config.ontology_dir,
                                                                            iris))
            doc = parse_document(target)
            out = mapping_path(config.mappings_dir, doc.id)
            if out.exists():
                result.problem = f"{out} exists already; no draft written"
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(draft_mapping(doc, registry), encoding="utf-8")
            result.draft = str(out)
    return results
