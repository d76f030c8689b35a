"""Full-text search over the documents' bodies, with facets.

A side index beside the store: an SQLite database (FTS5, in Python's standard library) with
one row per body paragraph and, per document, its title, kind, date and correspondents.
It is made from the store alone (:func:`write_index`) into the build's own folder, written
to a temporary file and renamed into place, so a build's index is complete or absent and
goes with its build; :func:`open_index` makes it on first use.

Queries are words (all must occur, accents and case folded) and "quoted phrases"; words
ending in ``*`` match as prefixes. Each hit is a paragraph with the matching words marked in
context and a link to it in the reader. Facets count the hits by kind of document, year,
correspondent and document, each under the other facets chosen.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.read.record import record_header

INDEX_NAME = "fulltext.sqlite"
#: Marks around matched words in a snippet (control characters: never in the text).
OPEN, CLOSE = "\x02", "\x03"
#: Facets, in the order a page shows them: (parameter, title).
FACETS = (("kind", "Type"), ("year", "Year"), ("party", "Correspondent"),
          ("doc", "Document"))
_TOKEN = re.compile(r'"([^"]+)"|(\S+)')

SCHEMA = """
CREATE TABLE documents (doc INTEGER PRIMARY KEY, iri TEXT UNIQUE, title TEXT, kind TEXT,
                        date TEXT, year INTEGER);
CREATE TABLE parties (doc INTEGER, role TEXT, iri TEXT, label TEXT);
CREATE INDEX parties_doc ON parties (doc);
CREATE VIRTUAL TABLE paragraphs USING fts5(
    text, doc UNINDEXED, ordinal UNINDEXED, start UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass
class Hit:
    document: str  # the record's IRI
    title: str
    kind: str
    date: str
    ordinal: int
    start: int
    snippet: str  # with OPEN/CLOSE around the matched words

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) runs, for a template to escape and mark."""
        out = []
        for i, piece in enumerate(re.split(f"[{OPEN}{CLOSE}]", self.snippet)):
            if piece:
                out.append((piece, i % 2 == 1))
        return out


@dataclass
class Results:
    query: str
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    #: per facet parameter: [(value, label, count)], most hits first
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query: each word and "phrase" quoted (so no character
    is FTS5 syntax), all required; ``word*`` a prefix. None when nothing is searchable."""
    terms = []
    for phrase, word in _TOKEN.findall(text):
        raw = phrase or word
        prefix = bool(word) and raw.endswith("*")
        cleaned = " ".join(re.findall(r"\w+", raw))
        if cleaned:
            terms.append('"' + cleaned.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None


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
        records = sorted({row[0].value for row in store.query(
            f"SELECT DISTINCT ?r WHERE {{ ?r <{kg}paragraph> ?p }}",
            use_default_graph_as_union=True)})
        ids = {}
        for n, record in enumerate(records, 1):
            h = record_header(store, record, base)
            year = int(h.date[:4]) if h.date[:4].isdigit() else None
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                       (n, record, h.title, h.kind or "Document", h.date, year))
            for role, parties in (("sender", h.senders), ("recipient", h.recipients),
                                  ("intermediary", h.intermediaries)):
                db.executemany("INSERT INTO parties VALUES (?, ?, ?, ?)",
                               [(n, role, p.iri, p.label) for p in parties])
            ids[record] = n
        rows = store.query(f"""
            SELECT ?r ?n ?start ?text WHERE {{ ?r <{kg}paragraph> ?p .
              ?p <{kg}ordinal> ?n ; <{kg}startOffset> ?start ; <{kg}text> ?text }}""",
                           use_default_graph_as_union=True)
        db.executemany("INSERT INTO paragraphs (text, doc, ordinal, start) VALUES (?, ?, ?, ?)",
                       ((text.value, ids[r.value], int(n.value), int(start.value))
                        for r, n, start, text in rows if r.value in ids))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return path


class FullText:
    """A built index, opened read-only for each search (cheap, and safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def search(self, text: str, chosen: dict[str, str] | None = None,
               limit: int = 50) -> Results:
        """Paragraphs matching ``text`` under the ``chosen`` facets (parameter -> value:
        ``kind``, ``year``, ``party`` (an entity IRI), ``doc`` (a record IRI)), best first,
        and the facets' counts."""
        results = Results(text)
        match = fts_query(text)
        if match is None:
            return results
        chosen = {k: v for k, v in (chosen or {}).items() if v and k in dict(FACETS)}
        with self._connect() as db:
            where, args = self._where(chosen)
            results.total = db.execute(
                f"SELECT COUNT(*) FROM paragraphs p JOIN documents d ON d.doc = p.doc "
                f"WHERE paragraphs MATCH ?{where}", (match, *args)).fetchone()[0]
            for row in db.execute(
                    f"SELECT d.iri, d.title, d.kind, d.date, p.ordinal, p.start, "
                    f"snippet(paragraphs, 0, '{OPEN}', '{CLOSE}', '…', 32) "
                    f"FROM paragraphs p JOIN documents d ON d.doc = p.doc "
                    f"WHERE paragraphs MATCH ?{where} ORDER BY bm25(paragraphs), d.date "
                    f"LIMIT ?", (match, *args, limit)):
                results.hits.append(Hit(*row))
            for facet, _ in FACETS:
                where, args = self._where({k: v for k, v in chosen.items() if k != facet})
                value, label, join = {
                    "kind": ("d.kind", "d.kind", ""),
                    "year": ("d.year", "d.year", ""),
                    "party": ("x.iri", "x.label",
                              " JOIN (SELECT DISTINCT doc, iri, label FROM parties) x"
                              " ON x.doc = d.doc"),
                    "doc": ("d.iri", "d.title", ""),
                }[facet]
                results.facets[facet] = [
                    (str(v), str(lab), n) for v, lab, n in db.execute(
                        f"SELECT {value}, {label}, COUNT(*) AS n FROM paragraphs p "
                        f"JOIN documents d ON d.doc = p.doc{join} "
                        f"WHERE paragraphs MATCH ?{where} AND {value} IS NOT NULL "
                        f"GROUP BY {value} ORDER BY n DESC, {label} LIMIT 20",
                        (match, *args))]
        return results

    @staticmethod
    def _where(chosen: dict[str, str]) -> tuple[str, list[object]]:
        sql, args = "", []
        for facet, value in sorted(chosen.items()):
            if facet == "kind":
                sql += " AND d.kind = ?"
            elif facet == "year":
                sql += " AND d.year = ?"
            elif facet == "doc":
                sql += " AND d.iri = ?"
            elif facet == "party":
                sql += " AND EXISTS (SELECT 1 FROM parties x WHERE x.doc = d.doc AND x.iri = ?)"
            args.append(int(value) if facet == "year" and value.isdigit() else value)
        return sql, args


def open_index(store: ox.Store, base: str, folder: Path) -> FullText:
    """The index in ``folder`` (a build's folder), made from ``store`` if it is not there."""
    path = Path(folder) / INDEX_NAME
    if not path.is_file():
        write_index(store, base, path)
    return FullText(path)
