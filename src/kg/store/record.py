"""What a build was made from, kept beside its store so that the next build can redo only
what changed (:func:`kg.build.build`).

A build reads three kinds of input: what every document depends on (the code that builds,
the settings that change the graph, the ontology, the registry), each document's page and
its curated mapping, and what documents share (copies of one page merged into one record,
the nodes a mapping declares, which other mappings may name). :func:`read_inputs` digests
the first two; the :class:`Record` written with a build keeps those digests, the shared
part as the build resolved it, and each document's compiled result (its domain triples,
the fact nodes stating them, its counts and review notes), which reasoning needs again
whichever documents change.

:func:`plan` compares the inputs now with the record of the served build: any change to
what every document depends on, or a record that is missing, damaged or of another
format, means a full build, with the reason; otherwise the documents added, edited and
removed are what an incremental build redoes.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import __version__
from kg.config import Config
from kg.errors import MappingError
from kg.mapping.compile import Compiled as DocumentResult
from kg.mapping.compile import parallel_map
from kg.mapping.curated import MAPPINGS_SUBDIR

RECORD = "record.pickle"
#: Bumped whenever what the record holds changes: an older record means a full build.
FORMAT = 2
#: The code that makes the store (the parts of the package a build runs): any change to it
#: is a change to what every document depends on.
CODE = ("__init__.py", "build.py", "config.py", "errors.py", "speedups.py",
        "ingest", "mapping", "validate", "reason", "store")
#: Settings that change what the store holds, or how it was checked.
SETTINGS = ("base_iri", "reasoner", "validator")


def _digest(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def code_digest() -> str:
    """The digest of the code that builds (:data:`CODE`), taken once per process: the code
    a process runs is the code it imported, whatever is edited on disk meanwhile."""
    package = Path(__file__).resolve().parent.parent
    code: list[Path] = []
    for name in CODE:
        part = package / name
        code += sorted(part.rglob("*.py")) if part.is_dir() else [part]
    return _digest(code, package)


@dataclass
class Inputs:
    """Digests of what a build reads."""

    #: What every document depends on: name -> digest.
    shared: dict[str, str]
    #: Each corpus page: document id -> digest of its page and its mapping (if any).
    documents: dict[str, str]
    #: Mappings without a page (a full build says which, and fails).
    orphans: list[str] = field(default_factory=list)


def read_inputs(config: Config) -> Inputs:
    """Digest the inputs of a build of ``config`` (taken before it reads them: a file edited
    during the build is then seen as changed by the next one)."""
    mappings = Path(config.mappings_dir)
    documents = mappings / MAPPINGS_SUBDIR
    registry = sorted(p for p in mappings.rglob("*")
                      if p.is_file() and not p.is_relative_to(documents))
    ontology_dir = Path(config.ontology_dir)
    shared = {
        "version": __version__,
        "code": code_digest(),
        "ontology": _digest(sorted(p for p in ontology_dir.rglob("*") if p.is_file()),
                            ontology_dir),
        "registry": _digest(registry, mappings),
        **{name: str(getattr(config, name)) for name in SETTINGS},
    }
    pages = {p.stem: p for p in sorted(Path(config.corpus_dir).glob("*.txt"))}
    curated = {p.stem: p for p in sorted(documents.glob("*.yaml"))}
    digests = {}
    for doc_id, page in pages.items():
        mapping = curated.get(doc_id)
        digests[doc_id] = _file_digest(page) + (":" + _file_digest(mapping) if mapping else "")
    return Inputs(shared, digests, sorted(set(curated) - set(pages)))


def input_files(config: Config) -> list[Path]:
    """Every file a build reads: corpus, mappings, ontology."""
    corpus = Path(config.corpus_dir)
    if not corpus.is_dir():
        raise MappingError("corpus directory not found", file=str(corpus))
    files = sorted(corpus.glob("*.txt"))
    for folder in (config.mappings_dir, config.ontology_dir):
        files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return files


def up_to_date(config: Config) -> bool:
    """Whether the current store was built after every input last changed."""
    from kg.store.builds import build_meta

    meta_file = config.store_path.resolve().parent / "build.json"
    if not config.store_path.exists() or not meta_file.exists():
        return False
    if build_meta(config.store_path).get("base_iri") != config.base_iri:
        return False
    built = meta_file.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in input_files(config))


@dataclass
class Record:
    """What the build beside which it is kept was made from, and each document's compiled
    result."""

    shared: dict[str, str]
    documents: dict[str, str]
    #: Merged copies: copy id -> id of the copy kept.
    copies: dict[str, str]
    #: Mapping nodes: id -> IRI (what other mappings resolve the id to).
    nodes: dict[str, str]
    #: The documents built (not skipped, not merged): id -> compiled result.
    results: dict[str, DocumentResult]
    #: The graphs an incremental build changes by difference (inferred, explanations):
    #: graph IRI -> digest of each subject's lines (:func:`kg.store.patch.replace_subjects`).
    digests: dict[str, dict[str, int]] = field(default_factory=dict)
    #: What reading the inputs gave, pickled as read, to be taken again unread while
    #: its file is unchanged: page id -> (digest of the page, parsed page), document id
    #: -> (digest of the mapping, loaded mapping).
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    mappings: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write the record into the build directory ``folder``."""
        for r in self.results.values():  # only what a later build needs
            r.graph, r.violations = None, []
        with open(folder / RECORD, "wb") as out:
            pickle.dump((FORMAT, self), out, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, folder: Path) -> Record:
        """The record of the build in ``folder``; :class:`RecordMissing` if there is none
        or it cannot be read (written by another format, truncated, damaged)."""
        path = folder / RECORD
        if not path.is_file():
            raise RecordMissing("the served build has no record of what it was built from")
        try:
            with open(path, "rb") as f:
                version, record = pickle.load(f)
        except Exception:  # noqa: BLE001  (any damage at all means: build in full)
            raise RecordMissing("the record of the served build is damaged") from None
        if version != FORMAT or not isinstance(record, cls):
            raise RecordMissing("the served build's record is of another format")
        return record


class RecordMissing(Exception):
    """No usable record of the served build (the message says why)."""


@dataclass
class Plan:
    """What a build will do: in full (``reason`` says why), or only what changed."""

    reason: str = ""
    record: Record | None = None
    #: Documents whose page or mapping was added or edited.
    changed: set[str] = field(default_factory=set)
    #: Documents whose page was removed.
    removed: set[str] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return self.record is None

    def summary(self, total: int) -> str:
        added = sum(1 for d in self.changed if self.record and d not in self.record.documents)
        return (f"{added} documents added, {len(self.changed) - added} edited, "
                f"{len(self.removed)} removed, of {total}")


_WHAT = {"version": "the code's version", "code": "the code that builds the graph",
         "ontology": "the ontology", "registry": "the registry",
         "base_iri": "the base_iri setting", "reasoner": "the reasoner setting",
         "validator": "the validator setting"}


def plan(config: Config, inputs: Inputs) -> Plan:
    """Compare ``inputs`` with the record of the served build (if any)."""
    store = config.store_path
    if not store.exists():
        return Plan("no store built yet")
    try:
        record = Record.load(store.resolve().parent)
    except RecordMissing as exc:
        return Plan(str(exc))
    changed = [_WHAT.get(k, k) for k in sorted(set(inputs.shared) | set(record.shared))
               if inputs.shared.get(k) != record.shared.get(k)]
    if changed:
        return Plan(", ".join(changed) + " changed")
    if inputs.orphans:
        return Plan("a mapping has no page")  # the full build names it, and fails
    now, then = inputs.documents, record.documents
    return Plan(record=record,
                changed={d for d, digest in now.items() if then.get(d) != digest},
                removed=set(then) - set(now))



def reusable(record: Record, plan: Plan, documents: list[str], copies: dict[str, str],
             nodes: dict[str, str], reserved: set[str],
             names: Callable[[str], set[str]]) -> dict[str, DocumentResult]:
    """The compiled results of ``record`` an incremental build keeps: those of the
    documents (ids, in the order built) whose page and mapping did not change, merged with
    the same copies as before, and whose mapping names no mapping node that changed.

    ``copies`` and ``nodes`` are what the build resolved now (copy id -> kept id; mapping
    node id -> IRI). A node changed if it was removed or given another IRI, or is new with
    the name of something else a mapping could have meant (``reserved``: the ontology's
    individuals, the built-in subjects). ``names(doc)`` gives every name the mapping of
    ``doc`` uses (a superset of the ids it resolves is enough).
    """
    touched = {ident for ident, iri in record.nodes.items() if nodes.get(ident) != iri}
    touched |= (set(nodes) - set(record.nodes)) & reserved

    def copies_of(merged: dict[str, str], doc: str) -> list[str]:
        return sorted(c for c, kept in merged.items() if kept == doc)

    return {d: record.results[d] for d in documents
            if d not in plan.changed and d in record.results
            and copies_of(copies, d) == copies_of(record.copies, d)
            and not (touched and touched & names(d))}


def strings(data: object) -> set[str]:
    """Every string in ``data`` (nested lists and mappings: their values)."""
    found: set[str] = set()
    todo = [data]
    while todo:
        x = todo.pop()
        if isinstance(x, str):
            found.add(x)
        elif isinstance(x, dict):
            todo.extend(x.values())
        elif isinstance(x, (list, tuple)):
            todo.extend(x)
    return found


class Cache:
    """Pages parsed and mappings loaded, pickled as read and kept in the build's record
    (:class:`Record`), so that the next build reads only the files that
    changed: ``digests`` are those of the files now (:class:`Inputs`),
    ``old`` the record of the served build, if any (its digests and pickles)."""

    def __init__(self, digests: dict[str, str], old: Record | None):
        self.digests = {"pages": {d: v.split(":")[0] for d, v in digests.items()},
                        "mappings": {d: v.split(":", 1)[1] for d, v in digests.items()
                                     if ":" in v}}
        self.old = {"pages": old.pages, "mappings": old.mappings} if old else {}
        self.new: dict[str, dict[str, tuple[str, bytes]]] = {"pages": {}, "mappings": {}}

    def map(self, fn: Callable[[Any], Any], items: list[Any], processes: int,
            kind: str) -> list[Any]:
        """``[fn(x) for x in items]`` (``items``: paths, or tuples starting with one), but
        the results of files unchanged since the old record taken from it."""
        digests, old, new = self.digests[kind], self.old.get(kind, {}), self.new[kind]
        out: list[Any] = [None] * len(items)
        todo = []
        for i, item in enumerate(items):
            stem = (item[0] if isinstance(item, tuple) else item).stem
            kept = old.get(stem)
            if kept is not None and kept[0] == digests.get(stem):
                out[i] = pickle.loads(kept[1])
                new[stem] = kept
            else:
                todo.append(i)
        for i, result in zip(todo, parallel_map(fn, [items[i] for i in todo], processes),
                             strict=True):
            out[i] = result
            stem = (items[i][0] if isinstance(items[i], tuple) else items[i]).stem
            if not isinstance(result, Exception) and stem in digests:
                new[stem] = (digests[stem], pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
        return out
