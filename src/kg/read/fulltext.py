"""Full-text search over the documents' bodies, with facets.

A side index beside the store: an SQLite database (FTS5, in Python's standard library) with
one row per body paragraph, the claimants of the facts each paragraph is evidence for, and,
per document, its title, kind, date (as a span of days, by its precision), first archival
citation and correspondents. It is made from the store alone (:func:`write_index`) into the
build's own folder, written to a temporary file and renamed into place, so a build's index
is complete or absent and goes with its build; :func:`open_index` makes it on first use, and
again when it was written by another version of this module (:data:`SCHEMA_VERSION`).

Queries are words (all must occur, accents and case folded) and "quoted phrases"; words
ending in ``*`` match as prefixes. User text never reaches FTS5 as syntax: every word is
quoted. Each hit is a paragraph with the matching words marked in context and a link to it
in the reader. The facets that narrow the hits and count them, and the rule by which a
document's date falls in a date window, are in :mod:`kg.read.facets`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.read.facets import (
    VALUE_FACETS,
    FacetValue,
    Filters,
    Period,
    SearchError,
    check_filters,
    date_periods,
    document_span,
    facet_values,
    where_sql,
)
from kg.read.record import record_header

INDEX_NAME = "fulltext.sqlite"
#: Written as the database's user_version: an index of another version is made again.
SCHEMA_VERSION = 2
#: Marks around matched words in a snippet (control characters: never in the text).
OPEN, CLOSE = "\x02", "\x03"
#: Words and phrases of one query, at most.
MAX_TERMS = 32
_TOKEN = re.compile(r'"([^"]*)"?|([^\s()"]+)')
OA = "http://www.w3.org/ns/oa#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

SCHEMA = """
CREATE TABLE documents (doc INTEGER PRIMARY KEY, iri TEXT UNIQUE, title TEXT, kind TEXT,
                        date TEXT, precision TEXT, lo INTEGER, hi INTEGER, citation TEXT,
                        communication TEXT);
CREATE TABLE parties (doc INTEGER, role TEXT, iri TEXT, label TEXT);
CREATE INDEX parties_doc ON parties (doc, iri);
CREATE TABLE claims (para INTEGER, iri TEXT, label TEXT, reporter TEXT);
CREATE INDEX claims_para ON claims (para, iri);
CREATE VIRTUAL TABLE paragraphs USING fts5(
    text, doc UNINDEXED, ordinal UNINDEXED, start UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass
class Hit:
    document: str  # the record's IRI
    title: str
    kind: str
    date: str  # as stated: its length is its precision
    ordinal: int
    start: int
    snippet: str  # with OPEN/CLOSE around the matched words
    citation: str = ""  # the record's first archival citation
    #: whether the document's date lies wholly inside the chosen window
    inside: bool = True
    #: who claims the facts this paragraph is evidence for: (IRI, label, reported by)
    claimants: list[tuple[str, str, str]] = field(default_factory=list)

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) runs, for a template to escape and mark."""
        out = []
        for i, piece in enumerate(re.split(f"[{OPEN}{CLOSE}]", self.snippet)):
            if piece:
                out.append((piece, i % 2 == 1))
        return out

    def as_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["paragraph"] = out.pop("ordinal")
        out["snippet"] = "".join(text for text, _ in self.parts())
        out["parts"] = [[text, matched] for text, matched in self.parts()]
        out["claimants"] = [{"iri": i, "label": lab, "reportedBy": rep or None}
                            for i, lab, rep in self.claimants]
        return out


@dataclass
class Results:
    query: str
    filters: Filters = field(default_factory=Filters)
    total: int = 0
    offset: int = 0
    hits: list[Hit] = field(default_factory=list)
    #: per value facet: its values with hits, most hits first (a chosen one always)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: the dates' histogram, in time order, then the less precise and undated
    dates: list[Period] = field(default_factory=list)
    unit: str = "year"  # of the histogram's bars: year or month
    #: what the user may have meant and the search did not do (operators typed)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"total": self.total, "offset": self.offset, "filters": self.filters.params(),
                "notes": self.notes,
                "hits": [h.as_json() for h in self.hits],
                "facets": {name: [dataclasses.asdict(v) for v in values]
                           for name, values in self.facets.items()},
                "dates": {"unit": self.unit,
                          "periods": [dataclasses.asdict(p) for p in self.dates]}}


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query: each word and "phrase" quoted (so no character
    is FTS5 syntax: quotes, parentheses, AND, OR, NOT, NEAR are words or nothing), all
    required; ``word*`` a prefix. None when nothing is searchable."""
    terms = []
    for phrase, word in _TOKEN.findall(text):
        raw = phrase or word
        prefix = bool(word) and raw.endswith("*")
        cleaned = " ".join(re.findall(r"\w+", raw))
        if cleaned:
            terms.append('"' + cleaned.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms[:MAX_TERMS]) or None


def query_notes(text: str) -> list[str]:
    """What the search does not do that ``text`` looks like it asks for."""
    notes = []
    operators = sorted({w for w in re.findall(r"\b(AND|OR|NOT|NEAR)\b", text)})
    if operators or "(" in text or ")" in text:
        shown = ", ".join(operators + [p for p in "()" if p in text])
        notes.append(f"{shown}: not operators here; every word must occur "
                     "(a capitalized AND, OR, NOT or NEAR is searched as a word)")
    if len(_TOKEN.findall(text)) > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} words and phrases were searched for")
    return notes


def write_index(store: ox.Store, base: str, path: Path) -> Path:
    """Index every record's body paragraphs into ``path``, atomically (temporary file,
    then rename)."""
    kg = f"{base}/ontology#"
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        records = sorted({row[0].value for row in store.query(
            f"SELECT DISTINCT ?r WHERE {{ ?r <{kg}paragraph> ?p }}",
            use_default_graph_as_union=True)})
        ids = {}
        for n, record in enumerate(records, 1):
            h = record_header(store, record, base)
            qualifier = _qualifier(store, kg, [record, h.communication or ""])
            span = document_span(h.date, qualifier)
            lo, hi, precision = span if span else (None, None, "")
            date = f"{qualifier.lower()} {h.date}" if qualifier and h.date else h.date
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (n, record, h.title, h.kind or "Document", date, precision, lo, hi,
                        h.citations[0] if h.citations else "", h.communication))
            for role, parties in (("sender", h.senders), ("recipient", h.recipients),
                                  ("intermediary", h.intermediaries)):
                db.executemany("INSERT INTO parties VALUES (?, ?, ?, ?)",
                               [(n, role, p.iri, p.label) for p in parties])
            ids[record] = n
        paragraphs: dict[int, list[tuple[int, int, int]]] = {}  # doc -> (start, end, rowid)
        rows = store.query(f"""
            SELECT DISTINCT ?r ?n ?start ?end ?text WHERE {{ ?r <{kg}paragraph> ?p .
              ?p <{kg}ordinal> ?n ; <{kg}startOffset> ?start ; <{kg}endOffset> ?end ;
                 <{kg}text> ?text }}""", use_default_graph_as_union=True)
        for rowid, (r, n, start, end, text) in enumerate(
                (row for row in rows if row[0].value in ids), 1):
            doc = ids[r.value]
            db.execute("INSERT INTO paragraphs (rowid, text, doc, ordinal, start) "
                       "VALUES (?, ?, ?, ?, ?)",
                       (rowid, text.value, doc, int(n.value), int(start.value)))
            paragraphs.setdefault(doc, []).append((int(start.value), int(end.value), rowid))
        db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?)",
                       _claims(store, kg, ids, paragraphs))
        db.commit()
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(tmp, path)
    return path


def _qualifier(store: ox.Store, kg: str, subjects: list[str]) -> str:
    """How the first of ``subjects`` with a date qualifier qualifies it: About, Before..."""
    for subject in filter(None, subjects):
        for q in store.quads_for_pattern(ox.NamedNode(subject),
                                         ox.NamedNode(kg + "dateQualifier"), None, None):
            return q.object.value.rsplit("#", 1)[-1]
    return ""


def _claims(store: ox.Store, kg: str, ids: dict[str, int],
            paragraphs: dict[int, list[tuple[int, int, int]]]) -> list[tuple]:
    """(paragraph, claimant, its label, who reports it) for every fact whose evidence
    passage overlaps a body paragraph, each once."""
    rows = [tuple(row) for row in store.query(f"""
        SELECT DISTINCT ?r ?s ?e ?who ?by WHERE {{
          ?f <{kg}claimedBy> ?who ; <{kg}evidence> ?a . ?a <{OA}hasTarget> ?t .
          ?t <{OA}hasSource> ?r ; <{OA}hasSelector> ?sel .
          ?sel <{OA}start> ?s ; <{OA}end> ?e .
          OPTIONAL {{ ?f <{kg}reportedBy> ?by }} }}""", use_default_graph_as_union=True)]
    names: dict[str, str] = {}
    for agent in {term for row in rows for term in row[3:] if term is not None}:
        labels = sorted(q.object.value for q in store.quads_for_pattern(
            agent, ox.NamedNode(RDFS_LABEL), None, None)
            if getattr(q.object, "language", None) in (None, "en"))
        names[agent.value] = labels[0] if labels else \
            agent.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    out: set[tuple] = set()
    for r, s, e, who, by in rows:
        doc = ids.get(r.value)
        if doc is None:
            continue
        lo, hi = int(s.value), int(e.value)
        for start, end, rowid in paragraphs.get(doc, ()):
            if lo < end and hi > start:
                out.add((rowid, who.value, names[who.value], names[by.value] if by else ""))
    return sorted(out)


class FullText:
    """A built index, opened read-only for each search (cheap, and safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def search(self, text: str, filters: Filters | None = None, limit: int = 50,
               offset: int = 0) -> Results:
        """Paragraphs matching ``text`` under ``filters``, best first (``limit`` of them
        from ``offset``), and the facets' counts. No word to search for, or a facet value
        the index does not hold, is a :class:`SearchError`."""
        filters = filters or Filters()
        results = Results(text, filters, offset=offset, notes=query_notes(text))
        match = fts_query(text)
        if match is None:
            if text.strip():
                raise SearchError(f"q: nothing to search for in {text.strip()!r}: type a "
                                  'word, a "quoted phrase" or the beginning of a word and *')
            return results
        with closing(self._connect()) as db:
            check_filters(db, filters)
            try:
                self._run(db, match, results, limit)
            except sqlite3.OperationalError as exc:  # never expected: the words are quoted
                raise SearchError(f"q: the index cannot search for {text!r} ({exc})") from None
        return results

    def _run(self, db: sqlite3.Connection, match: str, results: Results, limit: int) -> None:
        filters = results.filters
        where, args = where_sql(filters)
        base = ("FROM paragraphs p JOIN documents d ON d.doc = p.doc "
                f"WHERE paragraphs MATCH ?{where}")
        results.total = db.execute(f"SELECT COUNT(*) {base}", (match, *args)).fetchone()[0]
        lo, hi = filters.window()
        for row in db.execute(
                f"SELECT d.iri, d.title, d.kind, d.date, p.ordinal, p.start, "
                f"snippet(paragraphs, 0, '{OPEN}', '{CLOSE}', '…', 32), d.citation, "
                f"d.lo, d.hi, p.rowid {base} ORDER BY bm25(paragraphs), d.lo, p.ordinal "
                f"LIMIT ? OFFSET ?", (match, *args, limit, results.offset)):
            hit = Hit(*row[:8])
            hit.inside = (lo is None and hi is None) or (
                row[8] is not None and (lo is None or row[8] >= lo)
                and (hi is None or row[9] <= hi))
            hit.claimants = [tuple(c) for c in db.execute(
                "SELECT iri, label, reporter FROM claims WHERE para = ? "
                "ORDER BY reporter != '', label", (row[10],))]
            results.hits.append(hit)
        for facet in VALUE_FACETS:
            results.facets[facet] = facet_values(db, match, facet, filters)
        results.dates, results.unit = date_periods(db, match, filters)


def open_index(store: ox.Store, base: str, folder: Path) -> FullText:
    """The index in ``folder`` (a build's folder), made from ``store`` if it is not there
    or was written by another version of this module."""
    path = Path(folder) / INDEX_NAME
    if _version(path) != SCHEMA_VERSION:
        write_index(store, base, path)
    return FullText(path)


def _version(path: Path) -> int | None:
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:  # a damaged file: made again
        return None
