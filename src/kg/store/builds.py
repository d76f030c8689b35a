"""The embedded pyoxigraph store, built atomically.

Each build writes a complete new store under ``<data_dir>/builds/<build-id>/store`` and
then switches the ``<data_dir>/store`` symlink to it in one atomic rename. A failed or
interrupted build never touches the store being served. Old builds are removed once they
are neither among the newest two nor in use by a process (:mod:`kg.store.lifecycle`:
the locks, and the running servers told of the new build).
"""

from __future__ import annotations

import io
import json
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.mapping import nquads
from kg.store.explanations import WithExplanations, with_explanations
from kg.store.lifecycle import disk_full, hold, is_disk_full, notify_servers, remove_unused
from kg.store.patch import replace_graph, replace_subjects

BUILDS = "builds"
CURRENT = "store"
META = "build.json"
KEEP_BUILDS = 2


class StoreWriter:
    """A new store, filled while the build still runs, made current only by :meth:`commit`.

    Everything given to :meth:`load` (N-Quads files, or text written with :meth:`writer`)
    goes through one call of the store's bulk loader, which runs in a background thread
    (it releases the GIL): the build feeds it document graphs as the compile workers finish
    them and the explanations as they are generated, so loading overlaps the rest of the
    build instead of following it. Without :meth:`commit` (an error, an interrupt) the
    half-built store is removed and the current one is untouched.
    """

    def __init__(self, data_dir: str | Path, *, compact: bool = True,
                 base: Path | None = None, drop: Iterable[str] = (),
                 digests: dict[str, dict[str, int]] | None = None):
        self.data_dir = Path(data_dir)
        self.compact = compact
        #: An incremental build starts from a checkpoint of ``base`` (the served store:
        #: hard links to its files) without the named graphs ``drop``; ``digests`` are
        #: those of the subjects of its graphs that :meth:`replace` changes, as recorded
        #: by the build that made it (:func:`kg.store.patch.replace_subjects`).
        self.base, self.drop = base, sorted(drop)
        self.digests = digests or {}
        self.replaced: dict[str, Path] = {}  # graphs whose whole new content is given
        self.early: dict[str, Graph] = {}  # graphs the loader's thread takes first
        builds = self.data_dir / BUILDS
        builds.mkdir(parents=True, exist_ok=True)
        self.build_id = (time.strftime("%Y%m%dT%H%M%S")
                         + f"-{time.time_ns() % 10**9:09d}-{os.getpid()}")
        self.target = builds / self.build_id
        self.partial = builds / (self.build_id + ".partial")
        self.partial.mkdir()
        self.store: ox.Store | None = None
        self.feed = _Feed()
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None
        #: Seconds :meth:`commit` spent waiting for the loader, compacting (if asked) and
        #: closing the store.
        self.seconds: dict[str, float] = {}

    def _start(self) -> None:
        # Opened at the first load, not before: the build forks its compile workers first,
        # and a process should not fork with the store's threads running.
        if self.thread is not None:
            return
        try:
            if self.base is not None:
                ox.Store.read_only(str(self.base)).backup(str(self.partial / CURRENT))
            self.store = ox.Store(str(self.partial / CURRENT))
        except OSError as exc:
            raise StoreError(f"cannot create a store in {self.partial}: {exc}") from None
        for name in self.drop:
            self.store.remove_graph(ox.NamedNode(name))
        texts: list[tuple[str, bytes]] = []
        labelled: list[ox.Quad] = []
        for name, graph in self.early.items():
            blank: list[tuple[Node, Node, Node]] = []
            text = io.StringIO()
            nquads.write(text, graph, name, blank)
            texts.append((name, text.getvalue().encode()))
            labelled += [_quad(s, p, o, name) for s, p, o in blank]
        self.thread = threading.Thread(target=self._bulk_load, args=(labelled,),
                                       name="kg-store-loader", daemon=True)
        self.thread.start()
        for name, data in texts:
            self.feed.put(_Source(name, data=data))

    def _bulk_load(self, labelled: list[ox.Quad]) -> None:
        assert self.store is not None
        try:
            if labelled:  # blank nodes: their labels kept (the bulk loader would change them)
                self.store.bulk_extend(labelled)
            self.store.bulk_load(input=self.feed, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # reported to the build by load(), writer(), commit()
            self.failure = exc
            self.feed.stop()
            self.feed._close()  # the loader has returned: nothing reads the file any more

    def first(self, graphs: dict[str, Graph]) -> None:
        """Load ``graphs`` (rdflib graphs by graph IRI: the ontology, the registry) first,
        when loading starts: their triples without blank nodes as N-Quads, the others with
        their labels kept (the ontology's are canonical). Before any :meth:`load`; they are
        not given to :meth:`commit` again."""
        if self.thread is not None:
            raise RuntimeError("the loader has started: too late for graphs to load first")
        self.early.update(graphs)

    def load(self, path: Path, *, name: str = "", remove: bool = False) -> None:
        """Queue the N-Quads file ``path`` (no blank nodes: the loader relabels them) for
        loading; with ``remove`` it is deleted once read. ``name`` says what it holds, for
        error messages."""
        self._check()
        self._start()
        self.feed.put(_Source(name or str(path), path=path, remove=remove))

    def writer(self, name: str) -> _Writer:
        """A text stream whose N-Quads go straight to the loader (nothing on disk)."""
        self._check()
        self._start()
        return _Writer(self, name)

    def replace(self, name: str) -> TextIO:
        """A text stream of the whole new content of the graph ``name`` (N-Quads, no blank
        nodes). Without a base store it goes to the loader as :meth:`writer`; in a store
        started from a base, :meth:`commit` makes the graph equal to it by removing and
        adding only the difference (:func:`kg.store.patch.replace_graph`)."""
        if self.base is None:
            return self.writer(name)
        self._check()
        self._start()
        path = self.replaced[name] = self.partial / f"replace-{len(self.replaced)}.nq"
        return open(path, "w", encoding="utf-8")  # noqa: SIM115  (the caller closes it)

    def commit(self, graphs: dict[str, Graph], meta: dict[str, Any],
               digests: dict[str, dict[str, int]] | None = None) -> Path:
        """Wait for the loader, add ``graphs`` (rdflib graphs by graph IRI: those with
        canonical blank nodes, which the bulk loader would relabel), compact the store if
        asked, and make it the current one. ``digests`` are those of the subjects of the
        graphs given to :meth:`replace` (by graph IRI), to compare with the base's.

        Everything reaches the store through the bulk loader, which writes finished
        table files: there is nothing to flush. Without ``compact`` the store is closed
        as the loader left it (RocksDB stops the compactions it had begun on its own):
        the same data, in many overlapping files that every look-up has to search."""
        self._start()
        self.feed.close()
        assert self.thread is not None and self.store is not None
        t = time.perf_counter()
        self.thread.join()
        self._check()
        for iri, graph in graphs.items():
            if iri not in self.replaced and iri not in self.early:
                _load(self.store, graph, ox.NamedNode(iri))
        self.seconds["wait"] = round(time.perf_counter() - t, 3)
        if self.replaced:
            t = time.perf_counter()
            digests = digests or {}
            for iri, path in self.replaced.items():
                blank = [_quad(s, p, o, iri) for s, p, o in graphs.get(iri, ())]
                if not blank and iri in self.digests and iri in digests:
                    replace_subjects(self.store, iri, path, self.digests[iri], digests[iri])
                else:
                    replace_graph(self.store, iri, path, blank)
                path.unlink()
            self.store.flush()
            self.seconds["patch"] = round(time.perf_counter() - t, 3)
        if self.compact:
            t = time.perf_counter()
            self.store.optimize()
            self.seconds["optimize"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        self.store = None  # closed: the last reference
        self.seconds["close"] = round(time.perf_counter() - t, 3)
        (self.partial / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        self.partial.rename(self.target)
        _switch(self.data_dir, self.target)
        _prune(self.data_dir)
        notify_servers(self.data_dir)
        return self.data_dir / CURRENT

    def abort(self) -> None:
        """Stop loading and remove the half-built store."""
        self.feed.stop()
        if self.thread is not None:
            self.thread.join()
        self.store = None
        shutil.rmtree(self.partial, ignore_errors=True)

    def _check(self) -> None:
        exc = self.failure
        if exc is None:
            return
        if isinstance(exc, SyntaxError):  # a term the build wrote that RDF does not allow
            raise StoreError(f"cannot load {self.feed.locate(exc)}") from None
        if isinstance(exc, _Stopped):
            raise StoreError("the store loader was stopped") from None
        if is_disk_full(exc):
            raise disk_full(self.data_dir) from None
        raise StoreError(f"cannot load the compiled graphs: {exc}") from exc

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.partial.exists():
            self.abort()


class _Stopped(Exception):
    """Raised into the loader to stop it."""


@dataclass
class _Source:
    name: str
    path: Path | None = None
    remove: bool = False
    data: bytes = b""
    offset: int = 0
    first_line: int = 0  # of the stream, 1-based, set when reading starts


class _Feed:
    """What the bulk loader reads: the queued sources one after the other, as one stream.

    Text written through :class:`_Writer` comes in blocks, with a bound on how much may
    wait (so memory stays flat when the loader is slower than the build)."""

    LIMIT = 8  # blocks of in-memory text waiting (or being read)

    def __init__(self) -> None:
        self.queue: queue.Queue[_Source | None] = queue.Queue()
        self.waiting = threading.Semaphore(self.LIMIT)
        self.stopped = False
        self.current: _Source | None = None
        self.file: BinaryIO | None = None
        self.lines = 0
        self.done: list[_Source] = []

    def put(self, source: _Source) -> None:
        if source.path is None:
            while not self.waiting.acquire(timeout=0.5):
                if self.stopped:
                    return
        self.queue.put(source)

    def close(self) -> None:
        self.queue.put(None)

    def stop(self) -> None:
        self.stopped = True
        self.queue.put(None)

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else 1 << 20
        while True:
            if self.stopped:
                self._close()
                raise _Stopped()
            if self.current is None:
                source = self.queue.get()
                if source is None:
                    if self.stopped:
                        raise _Stopped()
                    self.queue.put(None)  # the loader may read again after the end
                    return b""
                source.first_line = self.lines + 1
                self.done.append(source)
                self.current = source
                if source.path is not None:
                    # Open across read() calls; closed at its end or by _close().
                    self.file = open(source.path, "rb")  # noqa: SIM115
            source = self.current
            if self.file is not None:
                block = self.file.read(size)
            else:  # text from a _Writer, handed out at most ``size`` bytes at a time
                block = source.data[source.offset:source.offset + size]
                source.offset += len(block)
            if block:
                self.lines += block.count(b"\n")
                return block
            if self.file is not None:
                self.file.close()
                self.file = None
                if source.remove and source.path is not None:
                    source.path.unlink(missing_ok=True)
            else:
                source.data = b""
                self.waiting.release()
            self.current = None

    def _close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def locate(self, exc: SyntaxError) -> str:
        """The parser's message with the source its line falls in and the line in that
        source (the parser counts lines across the whole stream)."""
        message = str(exc)
        found = re.search(r"line (\d+)", message)
        line = int(found.group(1)) if found else 0
        for source in reversed(self.done):
            if line and source.first_line <= line:
                local = line - source.first_line + 1
                message = re.sub(r" ?\(line \d+\)", "", message)
                return f"{source.name}: " + re.sub(r"\bline \d+", f"line {local}", message)
        return f"the compiled graphs: {message}"


class _Writer(io.TextIOBase):
    """Text written here reaches the loader in blocks of about a megabyte."""

    BLOCK = 1 << 20

    def __init__(self, owner: StoreWriter, name: str):
        self.owner, self.name = owner, name
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.BLOCK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.parts:
            data = "".join(self.parts).encode("utf-8")
            self.parts.clear()
            self.size = 0
            self.owner._check()
            self.owner.feed.put(_Source(self.name, data=data))

    def close(self) -> None:
        self.flush()
        super().close()


def _load(store: ox.Store, graph: Graph, name: ox.NamedNode) -> None:
    # Terms are converted directly (faster than a round trip through N-Triples, and it
    # keeps blank node labels, which parsers would relabel: the ontology's are canonical).
    store.bulk_extend([ox.Quad(_term(s), _term(p), _term(o), name) for s, p, o in graph])


def _quad(s: Node, p: Node, o: Node, graph: str) -> ox.Quad:
    return ox.Quad(_term(s), _term(p), _term(o), ox.NamedNode(graph))  # type: ignore[arg-type]


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


def _prune(data_dir: Path) -> None:
    """Remove the builds older than the newest :data:`KEEP_BUILDS`, except the current one
    and any a process still uses (:func:`kg.store.lifecycle.remove_unused`)."""
    builds = data_dir / BUILDS
    current = (data_dir / CURRENT).resolve().parent
    # Build ids begin with their time: their order is the builds' (older layouts first).
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")
                   and not p.name.endswith(".partial")),
                  key=lambda p: (p.name[:1].isdigit(), p.name))
    for old in done[:-KEEP_BUILDS]:
        if old != current:
            remove_unused(old)


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
    resolved = path.resolve()  # once: the link may be switched meanwhile
    hold(resolved)  # kept from removal by later builds while this process lives
    try:
        return ox.Store.read_only(str(resolved))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


@contextmanager
def open_store(store_path: str | Path) -> Iterator[ox.Store | WithExplanations]:
    """Open a built store read-only, joined with the explanations beside it
    (:mod:`kg.store.explanations`); a missing store is a clear error."""
    path = Path(store_path)
    resolved = path.resolve() if path.exists() else path
    store = open_store_handle(resolved)
    try:
        yield with_explanations(store, resolved)
    finally:
        del store
