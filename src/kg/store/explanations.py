"""The explanations graph, kept beside the store: one row per subject (``explanations.sqlite``).

Every inferred statement has an explanation (:mod:`kg.reason.explain`): its node reifies
the statement and names its rule and premises. They are most of a build's quads (72 % of
the two seed documents' 151,226; 8.4 of 22.4 million at 10,000 documents), and loading
and compacting them into the store was most of what a build spent after mapping. Nothing
reads them by SPARQL pattern across explanations: the Why? pages and ``/why/<hash>.ttl``
look up one node at a time, and exports and ``kg publish`` copy the whole graph. So the
build writes the graph's lines here instead, grouped by subject, in a SQLite table keyed
by the subject's N-Triples form, in the build's own folder beside ``store``; it is swapped
in with the store, as the search index is.

:func:`with_explanations` gives a store that also answers ``quads_for_pattern`` and
``named_graphs`` from this file, so the readers (the Why? pages, exports, ``kg publish``,
which then sends the graph to an external store as before) see the same graph as when it
was in the store. What is given up: SPARQL over the explanations graph on the embedded
endpoint (a published copy keeps it). Triples with blank nodes, which only the store keeps
with their canonical labels, still go to the store's graph, and readers join the two.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import StoreError

#: The file, in a build's folder beside ``store``.
FILE = "explanations.sqlite"
_ROWS = 2_000  # subjects written per statement
_MASK = (1 << 64) - 1


class ExplanationRows:
    """The explanations graph ``graph`` kept, as N-Triples, by subject in the file ``path``:
    given subject by subject (:meth:`add`, as :meth:`kg.reason.explain.Explanations.subjects`
    makes them) or as N-Quads text, a subject's lines together (:meth:`write`).

    Each subject's lines get a 64-bit digest (:attr:`digests`, kept in the build's record).
    Given the served build's file (``base``) and its digests (``old``), an incremental build
    starts from a copy of that file and writes only the subjects whose lines changed, and
    removes those gone: the same file a full build writes, for a fraction of the writes.
    A subject may come with the digest of its lines instead of the lines (written before,
    :class:`kg.reason.explain.Written`): the lines are then those of the file ``kept``,
    read from it only if ``base`` does not hold them already."""

    def __init__(self, path: Path, graph: str, base: Path | None = None,
                 old: dict[str, int] | None = None, kept: Path | None = None):
        self.path, self.graph = Path(path), graph
        self.kept = sqlite3.connect(f"file:{kept}?mode=ro", uri=True) if kept else None
        self.suffix = f" <{graph}> ."
        self.old = old if base is not None and old is not None else None
        if self.old is not None:
            assert base is not None
            shutil.copyfile(base, self.path)
        self.db = sqlite3.connect(self.path)
        with _written(self.path):
            self._create(graph)
        self.rows: list[tuple[str, str]] = []
        self.key: str | None = None  # the subject whose lines are being gathered
        self.lines: list[str] = []
        self.count = 0
        self.digests: dict[str, int] = {}

    def _create(self, graph: str) -> None:
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS subject (key TEXT PRIMARY KEY, lines TEXT NOT NULL);")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('graph', ?)", (graph,))

    def write(self, text: str) -> int:
        """Take N-Quads lines of the graph, a subject's lines together."""
        cut = len(self.suffix)
        for line in text.split("\n"):
            if not line:
                continue
            if not line.endswith(self.suffix):
                raise StoreError(f"a line for the explanations names another graph: {line!r}")
            key = line[:line.find(" ")]
            if key != self.key:
                self._gather()
                self.key = key
            self.lines.append(line[:-cut] + " .\n")
            self.count += 1
        return len(text)

    def add(self, subjects: Iterable[tuple[str, str | int, int]]) -> int:
        """Take the graph subject by subject: (N-Triples form of the subject, its lines as
        N-Triples or their digest, how many), as
        :meth:`kg.reason.explain.Explanations.subjects` gives them; return how many lines."""
        self._gather()
        before = self.count
        old = self.old or {}
        for key, text, count in subjects:
            if not count:
                continue
            self.count += count
            if isinstance(text, int):  # lines written before
                if old.get(key) == text and key not in self.digests:
                    self.digests[key] = text
                    continue  # the copy of the base file holds these very lines
                text = self._lines(key)
            self._keep(key, text)
        return self.count - before

    def _lines(self, key: str) -> str:
        found = self.kept.execute("SELECT lines FROM subject WHERE key = ?",
                                  (key,)).fetchone() if self.kept else None
        if found is None:
            raise StoreError(f"the explanations kept have no lines for {key}; build with "
                             "--full")
        return str(found[0])

    def _gather(self) -> None:
        if self.key is None or not self.lines:
            return
        text = "".join(self.lines)
        self.lines = []
        self._keep(self.key, text)

    def _keep(self, key: str, text: str) -> None:
        digest = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        if key in self.digests:  # a subject met again later: none is, as the writer goes
            if self.old is not None:
                raise StoreError(f"the explanations of {key} came in two parts; build with "
                                 "--full")
            digest = (digest + self.digests[key]) & _MASK
        elif self.old is not None and self.old.get(key) == digest:
            self.digests[key] = digest
            return  # the copy of the served build's file holds these very lines
        self.digests[key] = digest
        self.rows.append((key, text))
        if len(self.rows) >= _ROWS:
            self._flush()

    def _flush(self) -> None:
        # Appended to when the subject is there: met again (a full build), or replaced (an
        # incremental build deletes the changed subjects' old rows first, in _stale).
        with _written(self.path):
            if self.old is not None:
                self.db.executemany("DELETE FROM subject WHERE key = ?",
                                    [(k,) for k, _ in self.rows])
            self.db.executemany(
                "INSERT INTO subject VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                " SET lines = lines || excluded.lines", self.rows)
        self.rows = []

    def close(self) -> None:
        self._gather()
        self._flush()
        with _written(self.path):
            if self.old is not None:  # the subjects the served build had and this one has not
                self.db.executemany("DELETE FROM subject WHERE key = ?",
                                    [(k,) for k in self.old if k not in self.digests])
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('lines', ?)",
                            (str(self.count),))
            self.db.commit()
        self.db.close()
        if self.kept:
            self.kept.close()

    def __enter__(self) -> ExplanationRows:
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:  # the build failed: its folder, this file with it, is removed
            self.db.close()
            if self.kept:
                self.kept.close()


@contextmanager
def _written(path: Path) -> Iterator[None]:
    """SQLite's errors as the build reports them: a full disk as the OSError it is (the
    build says so in one line and removes what it wrote), any other with the file."""
    try:
        yield
    except sqlite3.Error as exc:
        if "full" in str(exc):
            raise OSError(errno.ENOSPC, f"No space left on device: {exc}", str(path)) from None
        raise StoreError(f"cannot write the explanations in {path}: {exc}") from None


class ExplanationFile:
    """The explanations of one build, read from its file (thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()
        found = self._one("SELECT value FROM meta WHERE key = 'graph'")
        self.graph = ox.NamedNode(found or "urn:missing")
        self.lines = int(self._one("SELECT value FROM meta WHERE key = 'lines'") or 0)

    def subjects(self, prefix: str) -> int:
        """How many subjects are IRIs starting with ``prefix``."""
        return int(self._one("SELECT COUNT(*) FROM subject WHERE key >= ? AND key < ?",
                             f"<{prefix}", f"<{prefix}\uffff"))

    def _one(self, sql: str, *args: Any) -> Any:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return row[0] if row else None

    def triples(self, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
        """The triples of ``subject``."""
        text = self._one("SELECT lines FROM subject WHERE key = ?", str(subject))
        return list(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)) if text else []

    def all(self) -> Iterator[ox.Triple]:
        """Every triple, subject by subject (in the order of their N-Triples forms)."""
        last = ""
        while True:
            with self._lock:  # a batch at a time: other threads read between batches
                batch = self._db.execute(
                    "SELECT key, lines FROM subject WHERE key > ? ORDER BY key LIMIT ?",
                    (last, _ROWS)).fetchall()
            if not batch:
                return
            last = batch[-1][0]
            yield from ox.parse("".join(r[1] for r in batch).encode(),
                                format=ox.RdfFormat.N_TRIPLES)


def open_explanations(store_path: str | Path) -> ExplanationFile | None:
    """The explanations beside the store at ``store_path``, None if it has none (a store
    from an older build keeps them inside, one ``kg build`` did not make has none)."""
    path = Path(store_path).resolve().parent / FILE
    try:
        return ExplanationFile(path) if path.is_file() else None
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the explanations in {path}: {exc}") from None


class WithExplanations:
    """A store and the explanations beside it, read as one dataset: ``quads_for_pattern``
    (given a subject, or naming the explanations graph) and ``named_graphs`` see both;
    everything else (SPARQL included) is the store's."""

    def __init__(self, store: ox.Store, explanations: ExplanationFile):
        self.store, self.explanations = store, explanations

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __len__(self) -> int:
        """The quads of the store and of the explanations beside it."""
        return len(self.store) + self.explanations.lines

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        graphs = list(self.store.named_graphs())
        yield from graphs
        if self.explanations.graph not in graphs:
            yield self.explanations.graph

    def beside(self) -> Iterator[ox.Quad]:
        """The quads of the file (not the store's)."""
        graph = self.explanations.graph
        return (ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in self.explanations.all())

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        yield from self.store.quads_for_pattern(subject, predicate, object, graph_name)
        graph = self.explanations.graph
        if isinstance(subject, ox.Literal) or graph_name not in (None, graph) or \
                subject is None and graph_name is None:
            return  # the file is read by subject, or whole when its graph is named
        triples = (self.explanations.triples(subject) if subject is not None
                   else self.explanations.all())
        for t in triples:
            if (predicate is None or t.predicate == predicate) and \
                    (object is None or t.object == object):
                yield ox.Quad(t.subject, t.predicate, t.object, graph)


def with_explanations(store: ox.Store, store_path: str | Path) -> ox.Store | WithExplanations:
    """``store`` joined with the explanations beside it, if it has any."""
    found = open_explanations(store_path)
    return store if found is None else WithExplanations(store, found)
