"""Scoring a build against hand-read facts: the quality of the automatic layer on real pages.

A *dev set* is a folder of page texts and a ``gold.yaml`` listing, for each page (by its
``file`` name), the facts a person read from it: date, title, type, record ID, translator,
the archival source, senders, recipients, intermediaries, participants, the cover names the
page resolves (``pseudonyms_stated``), and the persons, places and organizations it names
(the format and its conventions are in the dev set's README).

:func:`evaluate_gold` builds the pages as ``kg add`` and ``kg build`` would (the project's
registry and ontology, no curated mapping), in a temporary folder, then reads each
document's facts back from the store with SPARQL and compares them with the gold facts:
scalars by accuracy, lists by precision and recall. What is scored is what a user of the
graph gets, not what the parser returned on the way.

Names are compared folded (case, accents, punctuation and spacing ignored); an entity of the
graph matches a gold name when any of its names does: its label, spellings, alternative
labels or cover names. Beside precision and recall:

- *wrong identifications*: persons the graph took from the registry (an identification,
  with a Wikidata link or not) that the page does not name (organizations' names vary too
  much between the gold facts and the registry to call a mismatch wrong: they count in
  precision only);
- *junk persons*: persons minted from the page whose name is a gold place or organization,
  or holds a post or title word ("Premier", "Ambassador", "General Staff"): a fragment, not
  a person;
- *refused pages*: pages the build skipped.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from kg.build import build
from kg.config import Config
from kg.curate.evaluate import FieldScore
from kg.errors import MappingError
from kg.mapping.iris import Iris
from kg.store.builds import open_store
from kg.store.query import execute

SCALARS = ("date", "title", "type", "record_id", "translator")
ROLES = ("senders", "recipients", "intermediaries", "participants")
MENTIONS = {"persons_mentioned": "Person", "places_mentioned": "Place",
            "organizations_mentioned": "Organization"}
LISTS = (*ROLES, "pseudonyms_stated", *MENTIONS)
#: Words that make a "person" a post, a title or a body, not a name.
POST_WORDS = frozenset({"premier", "chairman", "chairmen", "minister", "ministry", "ambassador",
    "embassy", "general", "staff", "secretary", "committee", "council", "government", "comrade",
    "comrades", "president", "commander", "headquarters", "department", "bureau", "cabinet",
    "politburo", "presidium", "deputy", "counselor", "counsellor", "party", "army", "front",
    "office"})

EXTRA_PARTIES = {"senders": "sender_orgs", "recipients": "recipient_orgs"}
ROLE_PROPERTY = {"senders": "sender", "recipients": "recipient",
                 "intermediaries": "intermediary", "participants": "participant"}


def fold(name: str) -> str:
    """A name for comparison: no accents, case, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text.replace("’", "").replace("'", ""))
    return " ".join(text.split())


@dataclass
class GoldReport:
    """The scores, and every disagreement by page, field, expected and found."""

    pages: int = 0
    scores: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    wrong_identifications: list[tuple[str, str]] = field(default_factory=list)
    junk: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    all_right: int = 0  # pages with date, title, senders and recipients all right

    def markdown(self) -> str:
        out = [f"Dev set: {self.pages} pages; date, title, senders and recipients all right "
               f"on {self.all_right}; refused {len(self.refused)}; wrong identifications "
               f"{len(self.wrong_identifications)}; junk persons {len(self.junk)}.", "",
               "| field | precision | recall | pages right |", "| --- | ---: | ---: | ---: |"]
        for s in self.scores.values():
            out.append(f"| {s.field} | {s.precision:.2f} | {s.recall:.2f} | "
                       f"{s.correct}/{s.documents} |")
        for title, rows in (("Refused", [(f, "") for f in self.refused]),
                            ("Wrong identifications", self.wrong_identifications),
                            ("Junk persons", self.junk)):
            if rows:
                out += ["", f"{title}:", ""] + [f"- {f} {what}".rstrip() for f, what in rows]
        if self.misses:
            out += ["", "| page | field | expected, not found | found, not expected |",
                    "| --- | --- | --- | --- |"]
            out += [f"| {p} | {f} | {_cell(want)} | {_cell(got)} |"
                    for p, f, want, got in self.misses]
        return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "-"


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """The gold entries of ``path``, checked for the keys scoring needs."""
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the gold facts: {' '.join(str(exc).split())}",
                           file=str(path)) from None
    if not isinstance(entries, list):
        raise MappingError("the gold facts must be a list of pages", file=str(path))
    for n, entry in enumerate(entries, start=1):
        missing = [k for k in ("file", "title", *ROLES) if not isinstance(entry, dict)
                   or k not in entry]
        if missing:
            raise MappingError(f"page {n} lacks {', '.join(missing)}", file=str(path))
    return entries


def evaluate_gold(texts: str | Path, gold_path: str | Path, config: Config) -> GoldReport:
    """Build the pages of ``texts`` named in ``gold_path`` with ``config``'s registry and
    ontology, and score the graph against the gold facts."""
    entries = load_gold(gold_path)
    texts = Path(texts)
    with tempfile.TemporaryDirectory(prefix="kg-gold-") as tmp:
        work = Path(tmp)
        corpus, mappings = work / "corpus", work / "mappings"
        corpus.mkdir()
        present = []
        for entry in entries:
            source = texts / entry["file"]
            if source.exists():
                shutil.copyfile(source, corpus / f"{doc_id(entry)}.txt")
                present.append(entry)
        _copy_registry(Path(config.mappings_dir), mappings)
        run = config.with_(corpus_dir=str(corpus), mappings_dir=str(mappings),
                           data_dir=str(work / "data"), store="")
        build(run)
        with open_store(run.store_path) as store:
            return score(store, Iris(run.base_iri), present)


def doc_id(entry: dict[str, Any]) -> str:
    """The document id a gold page is built under (its file name's stem, as ``kg add``)."""
    return "page-" + Path(entry["file"]).stem.lower()


def _copy_registry(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in source.glob("registry*.yaml"):
        shutil.copyfile(path, target / path.name)
    if (source / "registry").is_dir():
        shutil.copytree(source / "registry", target / "registry")


def score(store: ox.Store, iris: Iris, entries: Iterable[dict[str, Any]]) -> GoldReport:
    """Compare the graph in ``store`` with the gold facts of ``entries``."""
    report = GoldReport()
    report.scores = {name: FieldScore(name, "set" if name in LISTS else "exact")
                     for name in (*SCALARS, "archival_source", *LISTS)}
    for entry in entries:
        report.pages += 1
        page = entry["file"]
        found = _Page(store, iris, doc_id(entry))
        if not found.exists():
            report.refused.append(page)
            for name in report.scores:
                _count_list(report, page, name, _gold_names(entry, name), []) \
                    if name in LISTS else _count_scalar(report, page, name, entry.get(name), None)
            continue
        right = True
        for name in SCALARS:
            ok = _count_scalar(report, page, name, _gold_scalar(entry, name), found.scalar(name))
            right &= ok or name not in ("date", "title")
        _count_scalar(report, page, "archival_source",
                      *_source_shown(entry.get("archival_source"), found.citations()))
        for name in LISTS:
            ok = _count_list(report, page, name, _gold_names(entry, name), found.entities(name))
            right &= ok or name not in ("senders", "recipients")
        report.all_right += right
        gold_people = {fold(n) for k in (*ROLES, "persons_mentioned")
                       for n in _gold_names(entry, k)}
        gold_other = {fold(n) for k in ("places_mentioned", "organizations_mentioned")
                      for n in _gold_names(entry, k)}
        for names, registered, kind in found.all_entities():
            folded = {fold(n) for n in names}
            # Organizations' names vary too much between the gold and the registry to call
            # a mismatch wrong: they count in precision only.
            if kind == "Person" and registered and not folded & gold_people:
                report.wrong_identifications.append((page, f"{kind.lower()} {names[0]}"))
            if kind == "Person" and not registered and not folded & gold_people and (
                    folded & gold_other or any(w in POST_WORDS for n in folded
                                               for w in n.split())):
                report.junk.append((page, names[0]))
    return report


def _source_shown(gold: str | None, found: list[str]) -> tuple[str | None, str | None]:
    """The gold citation and the graph's, compared as "shown" when every citation text the
    graph holds is part of the citation as printed (the graph keeps each reference or
    source apart, without the credits)."""
    def squeezed(text: str) -> str:
        return " ".join(fold(text).replace("’", "'").split())
    if not found:
        return ("shown" if gold else None), None
    if gold and all(squeezed(text) in squeezed(gold) for text in found):
        return "shown", "shown"
    return ("shown" if gold else None), "; ".join(found)


def _gold_scalar(entry: dict[str, Any], name: str) -> str | None:
    value = entry.get(name)
    if name == "translator" and value:  # several translators, in the order the graph lists
        return " and ".join(sorted(n.strip() for n in re.split(r",|\band\b", str(value))
                                   if n.strip()))
    return None if value is None else str(value)


def _gold_names(entry: dict[str, Any], name: str) -> list[str]:
    if name == "pseudonyms_stated":
        return [f"{p['alias']} = {p['person']}" for p in entry.get(name) or ()]
    # Institutional correspondents are parties too: "Ministry of Foreign Affairs of the USSR".
    keys = [name] + [k for k in (EXTRA_PARTIES.get(name),) if k]
    return [str(n) for k in keys for n in entry.get(k) or ()]


def _count_scalar(report: GoldReport, page: str, name: str, want: str | None,
                  have: str | None) -> bool:
    s = report.scores[name]
    s.documents += 1
    same = (want is None and have is None) or (
        want is not None and have is not None and fold(want) == fold(have))
    if same:
        s.correct += 1
        s.true_positives += want is not None
        return True
    s.false_positives += have is not None
    s.false_negatives += want is not None
    report.misses.append((page, name, want or "", have or ""))
    return False


def _count_list(report: GoldReport, page: str, name: str, want: list[str],
                have: list[list[str]]) -> bool:
    """Gold names against found entities (each a list of names): a gold name is found when
    an entity has it; an entity is right when it has a gold name."""
    s = report.scores[name]
    s.documents += 1
    gold = {key: n for n in want for key in _keys(n)}
    matched = set()
    wrong = []
    for names in have:
        hit = {fold(n) for n in names} & gold.keys()
        if hit:
            matched |= hit
            s.true_positives += 1
        else:
            wrong.append(names[0])
    s.false_positives += len(wrong)
    missed = sorted({n for k, n in gold.items()
                     if not any(key in matched for key in _keys(n))})
    s.false_negatives += len(missed)
    if missed or wrong:
        report.misses.append((page, name, "; ".join(sorted(missed)), "; ".join(sorted(wrong))))
        return False
    s.correct += 1
    return True


def _keys(name: str) -> set[str]:
    """A gold name folded, also without what it adds in parentheses ("Benxi (本溪)")."""
    bare = re.sub(r"\s*\([^)]*\)", "", name)
    return {fold(name), fold(bare)} - {""}


class _Page:
    """What the graph holds about one built page."""

    SCALAR_PROPERTY = {"date": "kg:date", "title": "kg:title", "type": "kg:documentType",
                       "record_id": "kg:recordId"}

    def __init__(self, store: ox.Store, iris: Iris, doc: str):
        self.store, self.iris = store, iris
        self.record = f"<{iris.document(doc)}>"
        self.comm = f"<{iris.communication(doc)}>"
        # What the page's own graph asserts: the union would add what reasoning derives
        # (a sender is also a participant).
        self.graph = f"<{iris.document_graph(doc)}>"

    def _rows(self, query: str) -> list[Any]:
        return list(execute(self.store, query, self.iris.base))  # type: ignore[call-overload]

    def exists(self) -> bool:
        return bool(self._rows(f"SELECT ?t WHERE {{ {self.record} a kg:ArchivalRecord }}"))

    def scalar(self, name: str) -> str | None:
        if name == "translator":
            rows = self._rows(f"SELECT DISTINCT ?n WHERE {{ {self.record} kg:translator ?p . "
                              f"?p rdfs:label ?n }}")
            return " and ".join(sorted(r["n"].value for r in rows)) or None
        rows = self._rows(f"SELECT ?v WHERE {{ {self.record} {self.SCALAR_PROPERTY[name]} ?v }}")
        return rows[0]["v"].value if rows else None

    def citations(self) -> list[str]:
        return [r["c"].value for r in self._rows(
            f"SELECT ?c WHERE {{ {{ {self.record} kg:citation/kg:citationText ?c }} UNION "
            f"{{ {self.record} dcterms:bibliographicCitation ?c }} }}")]

    def entities(self, name: str) -> list[list[str]]:
        if name == "pseudonyms_stated":
            rows = self._rows(f"SELECT ?code ?n WHERE {{ ?f a kg:Fact ; kg:statedIn {self.record} "
                              f"; rdf:predicate kg:codename ; rdf:subject ?p ; rdf:object ?code . "
                              f"?p rdfs:label ?n }}")
            return [[f"{r['code'].value} = {r['n'].value}"] for r in rows]
        if name in ROLE_PROPERTY:
            # A record of conversation has an author, not a sender: the gold's "senders".
            # Those present at an occasion a message reports count as its participants.
            role = {"senders": "kg:sender|kg:recordedBy",
                    "participants": "kg:participant|kg:concerns/kg:participant"}.get(
                        name, f"kg:{ROLE_PROPERTY[name]}")
            where = f"GRAPH {self.graph} {{ {self.comm} {role} ?e }}"
        else:
            where = (f"GRAPH {self.graph} {{ {self.record} kg:mentions ?e }} "
                     f"?e a kg:{MENTIONS[name]}")
        return [names for _, names, _ in self._named(where)]

    def all_entities(self) -> list[tuple[list[str], bool, str]]:
        """(names, from the registry, Person or Organization) of every agent the page has."""
        out = []
        for kind in ("Person", "Organization"):
            for _, names, registered in self._named(
                    f"GRAPH {self.graph} {{ {{ {self.record} kg:mentions ?e }} UNION "
                    f"{{ {self.comm} ?role ?e }} }} ?e a kg:{kind}"):
                out.append((names, registered, kind))
        return out

    def _named(self, where: str) -> list[tuple[str, list[str], bool]]:
        rows = self._rows(f"""
            SELECT ?e (SAMPLE(?label) AS ?l) (GROUP_CONCAT(DISTINCT ?name; SEPARATOR="\\u001f")
                   AS ?names) (SAMPLE(?review) AS ?r)
            WHERE {{ {where} . OPTIONAL {{ ?e rdfs:label ?label }}
                     OPTIONAL {{ ?e rdfs:label|kg:spelling|skos:altLabel|kg:codename ?name }}
                     OPTIONAL {{ ?e kg:needsReview ?review }} }}
            GROUP BY ?e""")
        out = []
        for r in rows:
            label = r["l"].value if r["l"] is not None else r["e"].value.rsplit("/", 1)[-1]
            names = [label] + [n for n in (r["names"].value.split("\x1f") if r["names"] else ())
                               if n and n != label]
            out.append((r["e"].value, names, r["r"] is None))
        return out
