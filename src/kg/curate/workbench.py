"""The curation workbench's library: a document with its facts and candidates, the changes
a curator makes to them (accept, edit, reject, a new fact from a passage, provisional
people merged, registered or set aside), undo, and the graph rebuilt after each change.

The mapping and registry YAML files stay the source of truth: every change is written to
them (:mod:`kg.curate.files`: atomically, only inside the mappings folder, never over an
edit made elsewhere since the curator loaded the file), then ``kg build`` runs as it does
from the command line (incrementally: only the changed document is compiled again, unless
the registry changed). The HTTP layer (:mod:`server.curate`) only translates requests.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.config import Config
from kg.curate.fields import ID, clean_fact, clean_node
from kg.curate.files import (
    Change,
    History,
    add_node,
    append_fact,
    checked,
    drop_unused_candidate_nodes,
    fact_lines,
    fact_spans,
    find_entry,
    inside,
    registry_dump,
    registry_load,
    replace_fact,
    replace_person_node,
    set_candidate,
    version,
    write_atomic,
)
from kg.errors import ConflictError, CurationError, DocumentError, KGError
from kg.ingest.document import Document, find_all_quotes, parse_document
from kg.mapping import yamlfile
from kg.mapping.curated import CURATORS, RESERVED, mapping_path
from kg.mapping.iris import Iris, slugify
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import NOT_PERSONS, REGISTRY_DIR, Registry

#: Where the workbench puts the persons it registers and the names it sets aside.
CURATED_REGISTRY = "curated.yaml"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INDIVIDUAL = re.compile(r"^[A-Z][A-Za-z]+$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
CONFIDENCES = ("Certain", "Probable", "Possible")


@dataclass
class Outcome:
    """What a change did and what the build made of it."""

    what: str
    version: str | None = None
    built: bool = False
    seconds: float = 0.0
    message: str = ""
    #: Build errors, each with the fact (0-based index) it points at where it does.
    errors: list[dict[str, Any]] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Workbench:
    """One project's curation, for one process (changes and builds one at a time)."""

    def __init__(self, config: Config, *, build: Callable[[Config], Any] | None = None):
        """``build`` is what rebuilds the graph after a change (``kg.build.build``, which
        the edge that starts the workbench passes in); None: the files only."""
        self.config = config
        self.mappings = Path(config.mappings_dir)
        self.corpus = Path(config.corpus_dir)
        self.documents_dir = self.mappings / "documents"
        self.history = History(Path(config.data_dir) / "curate-history", (self.mappings,))
        self.build = build
        self._lock = threading.RLock()
        self.last_review: list[str] = []

    # --- reading -----------------------------------------------------------------------

    @cached_property
    def ontology(self) -> Ontology:
        return Ontology.load(self.config.ontology_dir, Iris(self.config.base_iri))

    def registry(self) -> Registry:
        return Registry.load(self.mappings, self.ontology)

    def document(self, doc_id: str) -> Document:
        if not isinstance(doc_id, str) or not ID.match(doc_id):
            raise CurationError(f"{doc_id!r} is not a document id")
        path = self.corpus / f"{doc_id}.txt"
        if not path.is_file():
            raise CurationError(f"no document {doc_id!r} in the corpus")
        try:
            return parse_document(path)
        except DocumentError as exc:
            raise CurationError(str(exc)) from None

    def mapping_file(self, doc_id: str) -> Path:
        self.document(doc_id)
        return inside(mapping_path(self.mappings, doc_id), self.documents_dir)

    def documents(self) -> list[dict[str, Any]]:
        """Every corpus document, with how many facts and candidates its mapping holds."""
        out = []
        for path in sorted(self.corpus.glob("*.txt")):
            try:
                doc = parse_document(path)
            except DocumentError:
                continue
            facts = candidates = 0
            problem = None
            mapping = mapping_path(self.mappings, doc.id)
            if mapping.exists():
                try:
                    data = yamlfile.load(mapping)
                    for f in data.get("facts") or []:
                        facts += 1
                        candidates += isinstance(f, dict) and f.get("candidate") is True
                except KGError as exc:  # listed with its problem, to be opened and mended
                    problem = str(exc)
            out.append({"id": doc.id, "title": doc.title or doc.id, "date": doc.date,
                        "type": doc.doc_type, "mapping": mapping.exists(), "facts": facts,
                        "candidates": candidates, "problem": problem})
        return out

    def page(self, doc_id: str) -> dict[str, Any]:
        """A document as the workbench shows it: the text, each fact with where its quote
        lies, the nodes, and the names to review, with the file's version."""
        doc = self.document(doc_id)
        path = self.mapping_file(doc_id)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        data = yamlfile.load_text(text, str(path)) if text else {}
        facts = []
        for i, f in enumerate((data.get("facts") or []) if isinstance(data, dict) else []):
            if not isinstance(f, dict):
                continue
            quote = f.get("quote") if isinstance(f.get("quote"), str) else ""
            facts.append({
                "index": i, "about": f.get("about"), "claimed_by": f.get("claimed_by"),
                "properties": {k: v for k, v in f.items() if k not in RESERVED},
                "quote": quote, "note": f.get("note"),
                "candidate": f.get("candidate") is True,
                "spans": [list(s) for s in find_all_quotes(doc.source, quote)] if quote else [],
            })
        nodes = {}
        for ident, spec in ((data.get("nodes") or {}) if isinstance(data, dict) else {}).items():
            if isinstance(spec, dict):
                nodes[ident] = {"type": spec.get("type"), "label": spec.get("label"),
                                "candidate": spec.get("candidate") is True}
        registry = self.registry()
        people: dict[str, list[list[int]]] = {}
        ambiguous: dict[str, dict[str, Any]] = {}
        for m in Linker(registry).mentions(doc):
            if m.provisional:
                people.setdefault(m.provisional, []).append([m.start, m.end])
            elif m.ambiguous:
                item = ambiguous.setdefault(m.text, {"spans": [], "candidates": [
                    {"id": e.id, "label": e.label, "description": e.description}
                    for e in m.candidates]})
                item["spans"].append([m.start, m.end])
        return {
            "id": doc.id, "title": doc.title or doc.id, "date": doc.date, "type": doc.doc_type,
            "source": doc.source, "version": version(text), "file": self._shown(path),
            "author": data.get("author") if isinstance(data, dict) else None,
            "facts": facts, "nodes": nodes,
            "provisional": [{"name": n, "spans": s} for n, s in sorted(people.items())],
            "ambiguous": [{"name": n, **v} for n, v in sorted(ambiguous.items())],
            "review": [r for r in self.last_review if doc.id in r],
            "classes": self.classes,
        }

    @cached_property
    def classes(self) -> list[str]:
        """The ontology's class names, for a new node's type."""
        ns = str(self.ontology.iris.kg)
        return sorted(str(c)[len(ns):] for c in self.ontology.classes if str(c).startswith(ns))

    def entities(self, q: str, limit: int = 15) -> list[dict[str, str]]:
        """Registry entities whose label or a name starts with (then contains) ``q``."""
        key = " ".join(q.casefold().split())
        if not key:
            return []
        scored = []
        for ent in self.registry().entities.values():
            names = [n.casefold() for n in ent.names] + [ent.id]
            if any(n.startswith(key) for n in names):
                scored.append((0, ent.label, ent))
            elif any(key in n for n in names):
                scored.append((1, ent.label, ent))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [{"id": e.id, "label": e.label, "type": e.cls,
                 "description": e.description or ""} for _, _, e in scored[:limit]]

    @cached_property
    def properties(self) -> list[dict[str, str]]:
        """The ontology's properties a fact may use, with their labels and definitions."""
        from rdflib import RDFS
        from rdflib.namespace import SKOS

        g = self.ontology.graph
        ns = str(self.ontology.iris.kg)
        out = []
        for kind, props in (("object", self.ontology.object_properties),
                            ("data", self.ontology.datatype_properties)):
            for p in props:
                if not str(p).startswith(ns):
                    continue
                name = str(p)[len(ns):]
                out.append({"name": name, "kind": kind,
                            "label": str(g.value(p, RDFS.label) or name),
                            "definition": str(g.value(p, SKOS.definition) or "")})
        return sorted(out, key=lambda d: d["label"].casefold())

    def _property_names(self) -> dict[str, str]:
        return {p["name"]: p["kind"] for p in self.properties}

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.mappings.parent.resolve()))
        except ValueError:
            return str(path)

    # --- changes to a document's facts -------------------------------------------------

    def accept(self, doc_id: str, index: int, expected: str) -> Outcome:
        return self._change_mapping(doc_id, expected, f"accepted fact {index + 1}",
                                    lambda text, file: set_candidate(text, file, index, False))

    def reject(self, doc_id: str, index: int, expected: str) -> Outcome:
        def change(text: str, file: str) -> str:
            return drop_unused_candidate_nodes(replace_fact(text, file, index, None), file)
        return self._change_mapping(doc_id, expected, f"rejected fact {index + 1}", change)

    def edit(self, doc_id: str, index: int, fact: dict[str, Any], expected: str) -> Outcome:
        """Replace fact ``index`` by ``fact`` (reviewed: no candidate mark)."""
        doc = self.document(doc_id)
        lines = fact_lines(clean_fact(fact, doc, self.ontology, self._property_names()))
        return self._change_mapping(doc_id, expected, f"edited fact {index + 1}",
                                    lambda text, file: replace_fact(text, file, index, lines))

    def add(self, doc_id: str, fact: dict[str, Any], expected: str,
            node: dict[str, Any] | None = None) -> Outcome:
        """Add a reviewed fact (and the node it is about, when ``node`` declares one)."""
        doc = self.document(doc_id)
        declared = None
        if node:
            declared = clean_node(node, self.ontology, self.registry())
            fact = {**fact, "about": declared[0]}
        lines = fact_lines(clean_fact(fact, doc, self.ontology, self._property_names(),
                                      new_node=declared[0] if declared else None))

        def change(text: str, file: str) -> str:
            if declared:
                text = add_node(text, file, *declared)
            return append_fact(text, file, lines, "made in the workbench")
        return self._change_mapping(doc_id, expected, "added a fact", change)

    def set_author(self, doc_id: str, author: str, expected: str) -> Outcome:
        """Name the document's author (an unread or unresolved sender)."""
        if author not in self.registry():
            raise CurationError(f"{author!r} is not a registry id")

        def change(text: str, file: str) -> str:
            if re.search(r"^author:.*$", text, re.M):
                return re.sub(r"^author:.*$", f"author: {author}", text, count=1, flags=re.M)
            return re.sub(r"^(document:.*\n)", rf"\1author: {author}\n", text, count=1,
                          flags=re.M)
        return self._change_mapping(doc_id, expected, f"author set to {author}", change)

    # --- review items: names ---------------------------------------------------------------

    def merge_person(self, doc_id: str, name: str, into: str, expected: str,
                     confidence: str = "Probable", quote: str | None = None) -> Outcome:
        """A provisional person is a registry person: the name becomes one of the person's
        spellings in the registry, and the document states the identification as the
        curators' claim, on the passage that names him (the evidence)."""
        doc = self.document(doc_id)
        registry = self.registry()
        if into not in registry or registry[into].section != "persons":
            raise CurationError(f"{into!r} is not a person of the registry")
        if confidence not in CONFIDENCES:
            raise CurationError(f"confidence must be one of {', '.join(CONFIDENCES)}")
        name = " ".join(name.split())
        if len(name.split()) < 2:
            raise CurationError(f"{name!r} is a bare surname: the registry never lists one as "
                                "a name (it would match every namesake); merge a full name")
        quote = quote or name
        if not find_all_quotes(doc.source, quote):
            raise CurationError(f"{quote!r} is not in the document")
        entity = registry[into]
        reg_path = inside(Path(entity.file), self.mappings)
        reg_text = reg_path.read_text(encoding="utf-8")
        data = registry_load(reg_text)
        entry = find_entry(data, into)
        aliases = entry.get("aliases")
        if aliases is None:
            from ruamel.yaml.comments import CommentedSeq

            aliases = CommentedSeq()
            aliases.fa.set_flow_style()
            entry.insert(list(entry).index("label") + 1 if "label" in entry else 0,
                         "aliases", aliases)
        if name not in aliases:
            aliases.append(name)
        new_reg = checked(registry_dump(data), str(reg_path))
        ident = f"identification-{slugify(name)}-{into}"[:90].strip("-")
        node = ("Identification", f'"{name}" is {entity.label}')
        fact = {"about": ident, "claimed_by": CURATORS, "nameAsWritten": name,
                "identifiedAs": into, "identificationKind": "SameEntity",
                "confidence": confidence, "quote": quote}

        def change(text: str, file: str) -> str:
            text = replace_person_node(text, file, name, into)
            text = add_node(text, file, ident, {"type": node[0], "label": node[1]})
            return append_fact(text, file, fact_lines(fact), "identification (workbench)")
        return self._change_mapping(doc_id, expected, f"merged {name!r} into {into}", change,
                                    more=[(reg_path, reg_text, new_reg)])

    def register_person(self, doc_id: str, name: str, ident: str | None = None,
                        description: str | None = None) -> Outcome:
        """A provisional person becomes a new registry person (in registry/curated.yaml)."""
        doc = self.document(doc_id)
        name = " ".join(name.split())
        if not name or not find_all_quotes(doc.source, name):
            raise CurationError(f"{name!r} is not a name the document writes")
        ident = ident or slugify(name)
        if not ID.match(ident):
            raise CurationError(f"{ident!r} is not an id (lower case words joined by '-')")
        if ident in self.registry():
            raise CurationError(f"{ident!r} is in the registry already; merge into it instead")
        entry = {"label": name,
                 "description": description or f"named in {doc.id}; registered in the "
                                               "curation workbench"}
        return self._change_registry(f"registered {name!r} as {ident}",
                                     lambda data: data.setdefault("persons", {}).update(
                                         {ident: entry}))

    def not_person(self, doc_id: str, name: str, note: str | None = None) -> Outcome:
        """A name the linker took for a person's is not one: never minted again."""
        doc = self.document(doc_id)
        name = " ".join(name.split())
        if not name or not find_all_quotes(doc.source, name):
            raise CurationError(f"{name!r} is not a name the document writes")
        item = {"name": name, "document": doc.id}
        if note:
            item["note"] = note

        def change(data: Any) -> None:
            data.setdefault(NOT_PERSONS, [])
            if all(x.get("name") != name for x in data[NOT_PERSONS]):
                data[NOT_PERSONS].append(item)
        return self._change_registry(f"{name!r} is not a person", change)

    def choose(self, doc_id: str, name: str, entity: str, expected: str) -> Outcome:
        """An ambiguous name: the curator says which entity the document means, as the
        curators' statement that the document mentions it, on the name's passage."""
        doc = self.document(doc_id)
        if entity not in self.registry():
            raise CurationError(f"{entity!r} is not a registry id")
        if not find_all_quotes(doc.source, name):
            raise CurationError(f"{name!r} is not in the document")
        fact = {"about": "document", "claimed_by": CURATORS, "mentions": entity, "quote": name}
        return self._change_mapping(doc_id, expected, f"{name!r} is {entity}",
                                    lambda text, file: append_fact(text, file, fact_lines(fact),
                                                                   "identification (workbench)"))

    # --- undo and build ----------------------------------------------------------------

    def undo(self) -> Outcome:
        with self._lock:
            changes = self.history.undo()
            return self._after(f"undone: {changes[0].what}", None)

    def rebuild(self) -> Outcome:
        with self._lock:
            return self._after("rebuilt", None)

    # --- the write path ------------------------------------------------------------------

    def _change_mapping(self, doc_id: str, expected: str, what: str, change: Any,
                        more: list[tuple[Path, str, str]] = ()) -> Outcome:
        with self._lock:
            path = self.mapping_file(doc_id)
            original = path.read_text(encoding="utf-8") if path.exists() else None
            if version(original or "") != expected:
                raise ConflictError(f"{self._shown(path)} changed since you loaded it (another "
                                    "tab or an editor): reload the document; nothing written")
            text = original or f"document: {doc_id}\n\nnodes: {{}}\n\nfacts: []\n"
            new = checked(change(text, str(path)), str(path))
            writes = [(path, original, new), *more]
            for p, _before, after in writes:
                write_atomic(p, after)
            self.history.record([Change(str(p), b, a, what) for p, b, a in writes])
            return self._after(what, version(new))

    def _change_registry(self, what: str, change: Any) -> Outcome:
        with self._lock:
            folder = self.mappings / REGISTRY_DIR
            folder.mkdir(exist_ok=True)
            path = inside(folder / CURATED_REGISTRY, self.mappings)
            before = path.read_text(encoding="utf-8") if path.exists() else None
            data = registry_load(before or "") if before else None
            if data is None:
                data = registry_load("# Registry entries made in the curation workbench "
                                     "(kg curate).\n{}\n")
                from ruamel.yaml.comments import CommentedMap

                data = data if isinstance(data, dict) else CommentedMap()
            change(data)
            after = checked(registry_dump(data), str(path))
            write_atomic(path, after)
            try:
                self.registry()
            except KGError as exc:  # an id twice, say: put the file back
                if before is None:
                    path.unlink()
                else:
                    write_atomic(path, before)
                raise CurationError(f"the registry would not load: {exc}") from None
            self.history.record([Change(str(path), before, after, what)])
            return self._after(what, None)

    def _after(self, what: str, new_version: str | None) -> Outcome:
        out = Outcome(what, new_version)
        if self.build is None:
            return out
        start = time.perf_counter()
        try:
            report = self.build(self.config)
        except KGError as exc:
            out.message = str(exc)
            out.errors.append({"file": exc.file, "line": exc.line, "message": exc.message,
                               **self._fact_at(exc.file, exc.line)})
        else:
            out.built = True
            out.message = (f"built: {report.documents} documents, {report.facts} facts")
            self.last_review = list(report.review)
            out.review = self.last_review
        out.seconds = round(time.perf_counter() - start, 2)
        return out

    def _fact_at(self, file: str | None, line: int | None) -> dict[str, Any]:
        """The document and fact (0-based) a build error's file and line point at."""
        if not file or not line:
            return {}
        path = Path(file)
        if not path.is_absolute():
            path = self.mappings.parent / path
        try:
            path = inside(path, self.documents_dir)
            spans, _ = fact_spans(path.read_text(encoding="utf-8"), file)
        except (KGError, OSError):
            return {}
        for span in spans:
            if span.first < line <= span.end:
                return {"document": path.stem, "fact": span.index}
        return {"document": path.stem}
