"""Find entities by any name the graph knows: canonical labels, aliases, the spellings and
transliterations the documents use ("Jiang Jieshi") and codenames ("Filippov").

:func:`build_index` reads the names from the store once; :meth:`SearchIndex.search` matches
a query by prefix and substring, ignoring case, accents and punctuation, and ranks exact
matches first, then prefixes of the name, then prefixes of a word in it, then substrings;
canonical labels before aliases. Each entry carries what tells apart two of the same
name (an archival record and the telegram it reproduces share a title): its types, its
date, the record's archival citation, and the record or communication it is a copy of.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: Name properties by how they are shown, and their rank (lower first) on equal matches.
NAME_KINDS = {"label": 0, "codename": 1, "spelling": 2, "alias": 3, "title": 4}
#: Kinds of IRI under ``/id/`` worth finding (not facts, annotations, paragraphs...).
SEARCHABLE = ("person", "organization", "place", "operation", "meeting", "deviation",
              "document", "communication", "plan", "event", "characterization")

_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold case, accents and punctuation: ``"Chiang Kai-shek"`` -> ``"chiang kai shek"``."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", folded)).strip()


@dataclass
class Entry:
    """One searchable entity with every name it goes by."""

    iri: str
    label: str
    kind: str  # the IRI's kind segment: person, place, ...
    types: list[str] = field(default_factory=list)
    description: str = ""
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (name, how, normalized)
    date: str = ""  # kg:date as stated
    citation: str = ""  # an archival record's first citation
    reproduces: str = ""  # an archival record's communication
    reproduced_in: str = ""  # a communication's archival record


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    types: list[str]
    description: str
    matched: str  # the name that matched
    how: str  # label, codename, spelling, alias, title
    score: int
    date: str = ""
    citation: str = ""
    reproduces: str = ""
    reproduced_in: str = ""

    def as_json(self, path: str | None = None) -> dict[str, object]:
        out = asdict(self)
        out["path"] = path
        return out


class SearchIndex:
    def __init__(self, entries: list[Entry]):
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Entities whose names match ``query``, best first (at most ``limit``)."""
        q = normalize(query)
        if not q:
            return []
        hits = []
        for entry in self.entries:
            best: tuple[int, str, str] | None = None
            for name, how, norm in entry.names:
                score = _score(q, norm)
                if score is None:
                    continue
                score = score * 10 + NAME_KINDS.get(how, 5)
                if best is None or score < best[0]:
                    best = (score, name, how)
            if best is not None:
                hits.append(Hit(entry.iri, entry.label, entry.kind, entry.types,
                                entry.description, best[1], best[2], best[0], entry.date,
                                entry.citation, entry.reproduces, entry.reproduced_in))
        hits.sort(key=lambda h: (h.score, _KIND_ORDER.get(h.kind, 99), h.label.casefold()))
        return hits[:limit]


_KIND_ORDER = {kind: i for i, kind in enumerate(SEARCHABLE)}


def _score(q: str, name: str) -> int | None:
    if name == q:
        return 0
    if name.startswith(q):
        return 1
    if f" {q}" in f" {name}":
        return 2
    if q in name:
        return 3
    compact = q.replace(" ", "")
    if compact and compact in name.replace(" ", ""):
        return 4  # "kaishek" finds "Kai-shek"
    return None


def build_index(store: ox.Store, base: str) -> SearchIndex:
    """The names of every entity under ``<base>/id/`` of a searchable kind."""
    kg = f"{base}/ontology#"
    how_of = {RDFS_LABEL: "label", kg + "codename": "codename", kg + "spelling": "spelling",
              SKOS + "altLabel": "alias", SKOS + "prefLabel": "alias", kg + "title": "title",
              kg + "senderName": "codename", kg + "recipientName": "codename"}
    entries: dict[str, Entry] = {}
    prefix = f"{base}/id/"
    rows = store.query(f"""
        SELECT ?s ?p ?name WHERE {{
          VALUES ?p {{ {" ".join(f"<{p}>" for p in how_of)} }}
          ?s ?p ?name . FILTER(isLiteral(?name) && STRSTARTS(STR(?s), "{prefix}")) }}""",
                       use_default_graph_as_union=True)
    named: dict[str, dict[str, set[str]]] = {}
    for s, p, name in rows:
        kind = s.value[len(prefix):].split("/", 1)[0]
        if kind not in SEARCHABLE or s.value[len(prefix):].count("/") > 1:
            continue
        how = how_of[p.value]
        if how == "codename" and p.value != kg + "codename":
            # A communication's "sender name as written" names its sender, not the telegram.
            continue
        named.setdefault(s.value, {}).setdefault(how, set()).add(name.value)
    for iri, names in named.items():
        labels = sorted(names.get("label", ())) or sorted(names.get("title", ())) or [
            iri.rsplit("/", 1)[-1]]
        entry = Entry(iri, labels[0], iri[len(prefix):].split("/", 1)[0])
        seen: set[str] = set()
        for how in sorted(names, key=lambda h: NAME_KINDS.get(h, 5)):
            for name in sorted(names[how]):
                if name not in seen:
                    seen.add(name)
                    entry.names.append((name, how, normalize(name)))
        entries[iri] = entry
    _add_types_and_descriptions(store, base, entries)
    _add_dates_and_copies(store, base, entries)
    return SearchIndex(sorted(entries.values(), key=lambda e: e.label.casefold()))


def _add_types_and_descriptions(store: ox.Store, base: str, entries: dict[str, Entry]) -> None:
    kg = f"{base}/ontology#"
    rows = store.query(f"""
        SELECT ?s ?label WHERE {{
          GRAPH ?g {{ ?s a ?c }} ?c <{RDFS_LABEL}> ?label .
          FILTER(STRSTARTS(STR(?c), "{kg}") && !STRENDS(STR(?g), "/graph/inferred")
                 && LANG(?label) = "en") }}""", use_default_graph_as_union=True)
    for s, label in rows:
        entry = entries.get(s.value)
        if entry is not None and label.value not in entry.types:
            entry.types.append(label.value)
    for s, d in store.query(f"SELECT ?s ?d WHERE {{ ?s <{kg}description> ?d }}",
                            use_default_graph_as_union=True):
        entry = entries.get(s.value)
        if entry is not None and not entry.description:
            entry.description = " ".join(d.value.split())
    for entry in entries.values():
        entry.types.sort()


def _add_dates_and_copies(store: ox.Store, base: str, entries: dict[str, Entry]) -> None:
    kg = f"{base}/ontology#"
    for s, d in store.query(f"SELECT ?s ?d WHERE {{ ?s <{kg}date> ?d }} ORDER BY STR(?d)",
                            use_default_graph_as_union=True):
        entry = entries.get(s.value)
        if entry is not None and not entry.date:
            entry.date = d.value
    for r, c in store.query(f"SELECT ?r ?c WHERE {{ ?r <{kg}reproduces> ?c }} ORDER BY ?r",
                            use_default_graph_as_union=True):
        if r.value in entries and not entries[r.value].reproduces:
            entries[r.value].reproduces = c.value
        if c.value in entries and not entries[c.value].reproduced_in:
            entries[c.value].reproduced_in = r.value
    for r, text in store.query(f"""
            SELECT ?r ?text WHERE {{ ?r <{kg}citation> ?c .
              OPTIONAL {{ ?c <{kg}citationText> ?t }}
              OPTIONAL {{ ?c <http://purl.org/dc/terms/bibliographicCitation> ?b }}
              BIND(COALESCE(?t, ?b, STR(?c)) AS ?text) }} ORDER BY ?r ?text""",
                               use_default_graph_as_union=True):
        entry = entries.get(r.value)
        if entry is not None and not entry.citation:
            entry.citation = text.value
