"""Reconciliation: match names from a spreadsheet against the graph's entities, the way the
W3C Entity Reconciliation Service API (the version OpenRefine speaks) asks.

Names are matched by :mod:`kg.read.search` (the one name matcher: labels, aliases, the
registry's spellings and Chinese-script names, cover names, document titles), extended here
with the names the documents' identifications resolve ("Yao Soushi" is Rao Shushi) and the
registry's initials ("J. V. Stalin"). Each candidate says how it matched and on what
evidence: the registry (with a cover name's period and channel) and the documents whose
facts state the name, with their quotes.

Scores are 0-100 and deterministic: the name score (exact 100, prefix 80, a word's prefix
70, substring 55, letters only 45, less the share of the name the query leaves unmatched),
averaged with one score per property constraint (100 agrees, 50 unknown, 0 disagrees),
the name counting twice. ``match`` is true only for the one candidate whose name is the
query exactly, when no other candidate's is and no property disagrees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.config import Config
from kg.errors import KGError
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry, normalize_name, script_language
from kg.read.search import SearchIndex, build_index, normalize

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
OA = "http://www.w3.org/ns/oa#"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_QUERIES = 200
#: Types offered first in the manifest (OpenRefine proposes them for a column).
DEFAULT_TYPES = ("Person", "Organization", "Place", "Event")
#: Properties that are not ontology properties of an entity in the graph.
EXTRA_PROPERTIES = {
    "country": "the state the entity belongs to, as the registry says (id, IRI or name)",
    "wikidata": "the verified Wikidata item (QID such as Q855, or its IRI)",
}
_LEVEL_SCORE = {0: 100, 1: 80, 2: 70, 3: 55, 4: 45}
#: How a name of the search index reads in a result.
_HOW = {"label": "label", "codename": "cover name", "spelling": "spelling", "alias": "alias",
        "title": "title"}
#: An identification's kind (kg:identificationKind) as a result says it, and the search
#: index's name kind it ranks as.
_KIND = {"CoverName": ("cover name", "codename"), "PenName": ("pen name", "spelling"),
         "Transliteration": ("spelling", "spelling"), "SameEntity": ("same entity", "alias"),
         "Description": ("description", "alias")}


class ReconcileError(KGError):
    """A reconciliation request the API does not allow (malformed JSON, unknown type ...)."""

    title = "Bad reconciliation request"


@dataclass(frozen=True)
class Query:
    """One query of a batch: the name, type constraints, limit and property constraints."""

    query: str
    types: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Evidence:
    """Where a name of an entity comes from: the registry or a document's fact."""

    source: str  # "registry" or "document"
    note: str = ""
    document: str | None = None
    title: str = ""
    quote: str = ""
    claimed_by: str = ""

    def as_json(self) -> dict[str, str]:
        fields = (("source", self.source), ("note", self.note), ("document", self.document),
                  ("title", self.title), ("quote", self.quote), ("claimedBy", self.claimed_by))
        return {key: value for key, value in fields if value}


@dataclass
class Entity:
    """What a result and a preview show of an entity, beyond its names."""

    iri: str
    label: str
    description: str
    types: list[str]  # stated ontology classes (local names)
    all_types: set[str]  # with the superclasses the reasoner inferred
    wikidata: str | None = None
    country: str | None = None  # the country's IRI
    names: list[tuple[str, str]] = field(default_factory=list)  # (name, how)


class Reconciler:
    """The reconciliation service over one build's store (made by :func:`build_reconciler`)."""

    def __init__(self, base: str, index: SearchIndex, entities: dict[str, Entity],
                 classes: dict[str, str], properties: dict[str, str],
                 evidence: dict[tuple[str, str], list[Evidence]],
                 how: dict[tuple[str, str], str], registry: Registry | None,
                 store: ox.Store):
        self.base = base
        self.index = index
        self.entities = entities
        self.classes = classes  # local name -> label
        self.properties = properties  # id -> description
        self.evidence = evidence  # (entity IRI, normalized name) -> evidence
        self.how = how  # (entity IRI, normalized name) -> how it reads
        self.registry = registry
        self.store = store
        self.id_space = f"{base}/id/"
        self.schema_space = f"{base}/ontology#"

    # -- identifiers ------------------------------------------------------------------------
    def entity_id(self, iri: str) -> str:
        """The API id of an entity: its IRI relative to the identifier space."""
        return iri[len(self.id_space):] if iri.startswith(self.id_space) else iri

    def entity_iri(self, ident: str) -> str | None:
        """The IRI of an API id (or of a full IRI), None when no entity has it."""
        iri = ident if ident.startswith(("http://", "https://")) else self.id_space + ident
        return iri if iri in self.entities else None

    def type_id(self, name: str) -> str:
        """``Person``, ``kg:Person`` or the class IRI as the class's local name."""
        local = name.removeprefix(self.schema_space).removeprefix("kg:")
        if local not in self.classes:
            known = ", ".join(sorted(self.classes))
            raise ReconcileError(f"unknown type {name!r}; use one of the ontology's classes: "
                                 f"{known}")
        return local

    # -- queries ----------------------------------------------------------------------------
    def parse_queries(self, text: str) -> dict[str, Query]:
        """A batch (``{"q0": {"query": ..., "type": ..., "limit": n, "properties": [...]}}``)
        read and checked: :class:`ReconcileError` names what is wrong."""
        data = _json(text, "queries")
        if not isinstance(data, dict):
            raise ReconcileError('queries must be a JSON object: {"q0": {"query": "..."}}')
        if len(data) > MAX_QUERIES:
            raise ReconcileError(f"at most {MAX_QUERIES} queries per request, got {len(data)}")
        return {str(key): self.parse_query(value, str(key)) for key, value in data.items()}

    def parse_single(self, text: str) -> Query:
        """The ``query=`` parameter: a JSON object, or the name itself."""
        return self.parse_query(_json(text, "query") if text.lstrip().startswith("{")
                                else text)

    def parse_query(self, value: object, key: str = "query") -> Query:
        """One query: a JSON object, or a bare string (the name alone)."""
        if isinstance(value, str):
            return Query(value)
        if not isinstance(value, dict):
            raise ReconcileError(f"{key} must be an object with a \"query\" string")
        name = value.get("query")
        if not isinstance(name, str):
            raise ReconcileError(f"{key}: \"query\" must be a string, got {name!r}")
        raw_types = value.get("type") or ()
        if isinstance(raw_types, str):
            raw_types = (raw_types,)
        if not isinstance(raw_types, list | tuple) or not all(
                isinstance(t, str) for t in raw_types):
            raise ReconcileError(f"{key}: \"type\" must be a type id or a list of them")
        limit = value.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, str) and limit.strip().isdigit():
            limit = int(limit)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise ReconcileError(f"{key}: \"limit\" must be a number, got {limit!r}")
        props = value.get("properties") or []
        if not isinstance(props, list):
            raise ReconcileError(f"{key}: \"properties\" must be a list of {{pid, v}} objects")
        return Query(name, tuple(self.type_id(t) for t in raw_types if t),
                     max(1, min(MAX_LIMIT, limit)),
                     tuple(self._property(p, key) for p in props))

    def _property(self, item: object, key: str) -> tuple[str, tuple[str, ...]]:
        if not isinstance(item, dict) or not isinstance(item.get("pid") or item.get("p"), str):
            raise ReconcileError(f"{key}: each property must be an object with \"pid\" and \"v\"")
        pid = str(item.get("pid") or item.get("p")).removeprefix(self.schema_space)
        pid = pid.removeprefix("kg:")
        if pid not in self.properties:
            raise ReconcileError(f"{key}: unknown property {pid!r}; use country, wikidata or "
                                 "a property of the ontology (see /reconcile/suggest/property)")
        values = item.get("v")
        values = values if isinstance(values, list) else [values]
        out = []
        for v in values:
            if isinstance(v, dict):
                v = v.get("id", v.get("name"))
            if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip():
                out.append(str(v).strip())
        return pid, tuple(out)

    def reconcile(self, queries: Mapping[str, Query]) -> dict[str, dict[str, list[dict]]]:
        """The answer to a batch: ``{"q0": {"result": [candidates]}}``."""
        return {key: {"result": self.candidates(q)} for key, q in queries.items()}

    def candidates(self, q: Query) -> list[dict]:
        """The candidates of one query, best first, as the API writes them."""
        norm = normalize(q.query)
        if not norm:
            return []
        found = [(hit.score // 10, rank, hit.iri, hit.matched, hit.how)
                 for rank, hit in enumerate(self.index.search(q.query, len(self.index)))]
        seen = {f[2] for f in found}
        for ent in self.registry.candidates(q.query) if self.registry else ():
            if str(ent.iri) not in seen and str(ent.iri) in self.entities:
                found.append((1, len(found), str(ent.iri), q.query, "initials"))
        scored = []
        for level, rank, iri, name, how in found:
            ent = self.entities.get(iri)
            if ent is None or (q.types and not ent.all_types.intersection(q.types)):
                continue
            name_score = _LEVEL_SCORE[min(level, 4)]
            if level:
                name_score -= round(10 * (1 - min(1.0, len(norm) / max(1, len(normalize(name))))))
            prop_scores = [self._property_score(ent, pid, values) for pid, values in q.properties]
            score = round((2 * name_score + sum(prop_scores)) / (2 + len(prop_scores)))
            scored.append((score, rank, level, ent, name, how, 0 in prop_scores))
        scored.sort(key=lambda s: (-s[0], s[1]))
        exact = [s[3] for s in scored if s[2] == 0]
        return [self._result(ent, name, how, score,
                             exact == [ent] and not disagrees)
                for score, _, _, ent, name, how, disagrees in scored[:q.limit]]

    def _result(self, ent: Entity, name: str, how: str, score: int, match: bool) -> dict:
        key = (ent.iri, normalize(name))
        shown = "initials and surname" if how == "initials" else self.how.get(
            key, _how_of(how, name))
        evidence = [e.as_json() for e in self.evidence.get(key, [])]
        description = ent.description
        if shown != "label":
            description = f"{description} ({shown} \u201c{name}\u201d)".strip()
        return {"id": self.entity_id(ent.iri), "name": ent.label,
                "type": [{"id": t, "name": self.classes.get(t, t)} for t in ent.types],
                "score": score, "match": match, "description": description,
                "matched": name, "how": shown, "evidence": evidence,
                "features": [{"id": "name", "value": score}]}

    def _property_score(self, ent: Entity, pid: str, values: tuple[str, ...]) -> int:
        """100 when the entity's value agrees with one of ``values``, 50 when it has none
        (or none was given), 0 when it disagrees."""
        if not values:
            return 50
        mine = self.values_of(ent, pid)
        if not mine:
            return 50
        wanted = {_fold(v) for v in values}
        return 100 if mine & wanted else 0

    def values_of(self, ent: Entity, pid: str) -> set[str]:
        """The folded forms an entity's value of ``pid`` may be given as: an IRI, an id,
        a QID, a label or any name of the value."""
        if pid == "wikidata":
            return {_fold(ent.wikidata)} if ent.wikidata else set()
        if pid == "country":
            raw: list[ox.NamedNode | ox.Literal] = [ox.NamedNode(ent.country)] \
                if ent.country else []
        else:
            raw = [row[0] for row in self.store.query(
                f"SELECT ?o WHERE {{ <{ent.iri}> <{self.schema_space}{pid}> ?o }}",
                use_default_graph_as_union=True)]  # type: ignore[index]
        out: set[str] = set()
        for term in raw:
            out.add(_fold(term.value))
            if isinstance(term, ox.NamedNode):
                out.add(_fold(self.entity_id(term.value)))
                out.add(_fold(term.value.rsplit("/", 1)[-1]))
                value = self.entities.get(term.value)
                if value is not None:
                    out.update(_fold(n) for n, _ in value.names)
        return out

    # -- suggest and preview ----------------------------------------------------------------
    def suggest_entities(self, prefix: str, types: Iterable[str] = (), limit: int = 10
                         ) -> list[dict]:
        """Entities with a name starting with ``prefix`` (or containing it), best first."""
        wanted = {self.type_id(t) for t in types if t}
        out = []
        for hit in self.index.search(prefix, len(self.index)):
            ent = self.entities.get(hit.iri)
            if ent is None or (wanted and not ent.all_types & wanted):
                continue
            out.append({"id": self.entity_id(ent.iri), "name": ent.label,
                        "description": ent.description,
                        "notable": [{"id": t, "name": self.classes.get(t, t)}
                                    for t in ent.types]})
            if len(out) >= limit:
                break
        return out

    def suggest_types(self, prefix: str, limit: int = 10) -> list[dict]:
        """The ontology's classes whose name or label matches ``prefix``."""
        return _prefix_matches(prefix, self.classes, limit)

    def suggest_properties(self, prefix: str, limit: int = 10) -> list[dict]:
        """The properties a query may constrain on."""
        return _prefix_matches(prefix, {k: k for k in self.properties}, limit,
                               self.properties)

    def preview(self, ident: str) -> Entity | None:
        """The entity behind an API id (or IRI), for the preview card."""
        iri = self.entity_iri(ident)
        return self.entities.get(iri) if iri else None


def _prefix_matches(prefix: str, names: dict[str, str], limit: int,
                    descriptions: Mapping[str, str] | None = None) -> list[dict]:
    p = normalize(prefix)
    ranked = []
    for ident, label in names.items():
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", ident)  # "memberOf" -> "member Of"
        forms = (normalize(ident), normalize(words), normalize(label))
        level = 0 if any(f.startswith(p) for f in forms) else 1 if any(p in f for f in forms) \
            else None
        if level is not None:
            ranked.append((level, label.casefold(), ident, label))
    ranked.sort()
    return [{"id": ident, "name": label,
             **({"description": descriptions[ident]} if descriptions else {})}
            for _, _, ident, label in ranked[:limit]]


def _fold(value: str) -> str:
    value = value.strip().removeprefix(WIKIDATA_ENTITY)
    return normalize(value) if not re.fullmatch(r"[Qq]\d+", value) else value.upper()


def _json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ReconcileError(f"{what} is not valid JSON: {err}") from None


def _how_of(how: str, name: str) -> str:
    shown = _HOW.get(how, how)
    if shown == "spelling":
        script = script_language(name)
        return {"zh": "Chinese-script name", "ru": "Cyrillic spelling"}.get(script or "", shown)
    return shown


def reconciler_for(store: ox.Store, config: Config) -> Reconciler:
    """The service over ``store``, with the registry of ``config``'s mappings when it reads
    (its countries and cover-name periods; every name itself is in the store)."""
    try:
        registry: Registry | None = Registry.load(
            config.mappings_dir, Ontology.load(config.ontology_dir, Iris(config.base_iri)))
    except (KGError, OSError):
        registry = None
    return build_reconciler(store, config.base_iri, registry)


def build_reconciler(store: ox.Store, base: str, registry: Registry | None = None
                     ) -> Reconciler:
    """Read the names, types, evidence and classes from ``store`` once (and the registry's
    countries and cover-name periods, when given)."""
    index = build_index(store, base)
    kg = f"{base}/ontology#"
    q = _query(store)
    classes = {c.value[len(kg):]: label.value for c, label in q(f"""
        SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{
          ?c a <{OWL_CLASS}> ; <{RDFS_LABEL}> ?l .
          FILTER(STRSTARTS(STR(?c), "{kg}") && LANG(?l) = "en") }} GROUP BY ?c""")}
    entities: dict[str, Entity] = {}
    for entry in index.entries:
        entities[entry.iri] = Entity(entry.iri, entry.label, entry.description, [], set())
    for s, c, g in q(f"""SELECT DISTINCT ?s ?c ?g WHERE {{ GRAPH ?g {{ ?s a ?c }}
                         FILTER(STRSTARTS(STR(?c), "{kg}")) }}"""):
        ent = entities.get(s.value)
        local = c.value[len(kg):]
        if ent is None or local not in classes:
            continue
        ent.all_types.add(local)
        if not g.value.endswith("/graph/inferred") and local not in ent.types:
            ent.types.append(local)
    for s, qid in q(f"SELECT ?s ?q WHERE {{ ?s <{kg}wikidata> ?q }}"):
        if s.value in entities:
            entities[s.value].wikidata = qid.value
    properties = dict(EXTRA_PROPERTIES)
    for (p,) in q(f"""SELECT DISTINCT ?p WHERE {{ ?p a ?k . VALUES ?k {{
                      <http://www.w3.org/2002/07/owl#ObjectProperty>
                      <http://www.w3.org/2002/07/owl#DatatypeProperty> }}
                      FILTER(STRSTARTS(STR(?p), "{kg}")) }}"""):
        properties.setdefault(p.value[len(kg):], f"kg:{p.value[len(kg):]}")
    evidence, how = _evidence(q, kg, index, entities)
    if registry is not None:
        _registry_facts(registry, entities, evidence, how)
    for entry in index.entries:
        entities[entry.iri].names = [(n, how.get((entry.iri, norm), _how_of(h, n)))
                                     for n, h, norm in entry.names]
    for ent in entities.values():
        ent.types.sort()
    return Reconciler(base, index, entities, classes, properties, evidence, how, registry,
                      store)


def _query(store: ox.Store) -> Callable[[str], list[Any]]:
    def run(text: str) -> list[Any]:
        return list(store.query(text, use_default_graph_as_union=True))  # type: ignore[arg-type]
    return run


def _evidence(q: Callable[[str], list[Any]], kg: str, index: SearchIndex,
              entities: dict[str, Entity]
              ) -> tuple[dict[tuple[str, str], list[Evidence]], dict[tuple[str, str], str]]:
    """The documents' facts stating a name of an entity (a cover name, a spelling, a name an
    identification resolves, a correspondent's name as written), with their quotes; the
    identifications' names join the index."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rows = q(f"""
        SELECT DISTINCT ?entity ?name ?kind ?doc ?claimant ?quote WHERE {{
          ?f <{rdf}object> ?name ; <{kg}statedIn> ?doc .
          {{ VALUES ?p {{ <{kg}codename> <{kg}spelling> }}
             ?f <{rdf}predicate> ?p ; <{rdf}subject> ?entity }}
          UNION {{ ?f <{rdf}predicate> <{kg}nameAsWritten> ; <{rdf}subject> ?s .
                   ?s <{kg}identifiedAs> ?entity .
                   OPTIONAL {{ ?s <{kg}identificationKind> ?kind }} }}
          UNION {{ VALUES (?p ?role) {{ (<{kg}senderName> <{kg}sender>)
                                       (<{kg}recipientName> <{kg}recipient>) }}
                   ?f <{rdf}predicate> ?p ; <{rdf}subject> ?s . ?s ?role ?entity .
                   FILTER NOT EXISTS {{ ?s ?role ?other FILTER(?other != ?entity) }} }}
          OPTIONAL {{ ?f <{kg}claimedBy> ?claimant }}
          OPTIONAL {{ ?f <{kg}evidence>/<{OA}hasTarget>/<{OA}hasSelector>/<{OA}exact> ?quote }}
          FILTER(isLiteral(?name)) }}""")
    labels = {e.iri: e.label for e in index.entries}
    for c, label in q(f"""SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ ?f <{kg}claimedBy> ?c .
                          ?c <{RDFS_LABEL}> ?l }} GROUP BY ?c"""):
        labels.setdefault(c.value, label.value)
    by_iri = {e.iri: e for e in index.entries}
    evidence: dict[tuple[str, str], list[Evidence]] = {}
    how: dict[tuple[str, str], str] = {}
    for entity, name, kind, doc, claimant, quote in sorted(
            rows, key=lambda r: tuple("" if t is None else t.value for t in r)):
        if entity.value not in entities:
            continue
        norm = normalize(name.value)
        key = (entity.value, norm)
        if kind is not None:
            shown, rank_as = _KIND.get(kind.value.rsplit("#", 1)[-1], ("alias", "alias"))
            how.setdefault(key, shown)
            entry = by_iri[entity.value]
            if all(n[2] != norm for n in entry.names):
                entry.names.append((name.value, rank_as, norm))
        item = Evidence("document", document=doc.value, title=labels.get(doc.value, ""),
                        quote=quote.value if quote is not None else "",
                        claimed_by=labels.get(claimant.value, claimant.value.rsplit("/", 1)[-1])
                        if claimant is not None else "")
        found = evidence.setdefault(key, [])
        if not any(e.document == item.document and e.quote == item.quote for e in found):
            found.append(item)
    return evidence, how


def _registry_facts(registry: Registry, entities: dict[str, Entity],
                    evidence: dict[tuple[str, str], list[Evidence]],
                    how: dict[tuple[str, str], str]) -> None:
    """The registry's word on each name (a cover name's period and channel), and countries."""
    for reg in sorted(registry.entities.values(), key=lambda e: e.id):
        iri = str(reg.iri)
        ent = entities.get(iri)
        if ent is None:
            continue
        if reg.country and reg.country in registry:
            ent.country = str(registry[reg.country].iri)
        periods = {normalize_name(c.name): c for c in reg.codename_periods}
        for name in reg.names:
            key = (iri, normalize(name))
            note = ""
            if name in reg.codenames:
                how.setdefault(key, "cover name")
                period = periods.get(normalize_name(name))
                if period is not None:
                    span = "-".join(p for p in (period.start, period.end) if p)
                    if period.start and not period.end:
                        span += " on"
                    note = ", ".join(p for p in (span, period.channel) if p)
            evidence.setdefault(key, []).insert(0, Evidence("registry", note=note))
