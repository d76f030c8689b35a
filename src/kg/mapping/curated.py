"""Curated mappings: one YAML file per document, compiled into the document's graph.

A mapping names the nodes the document introduces (meetings, deviations, figures, ...)
and lists facts. Each fact is a subject (``about``), one or more ``property: value`` pairs
named by the ontology, a verbatim ``quote``, and optionally ``claimed_by`` for reported
speech. See docs/model.md for the format.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from kg.errors import MappingError
from kg.mapping import yamlfile
from kg.mapping.ontology import ANNOTATION_KEYS, PREFIXES, Ontology
from kg.mapping.provenance import Evidence, FactWriter
from kg.mapping.registry import Registry, kind_of

MAPPINGS_SUBDIR = "documents"
FILE_KEYS = {"document", "author", "nodes", "facts"}
NODE_KEYS = {"type", "label", "aliases", "description", "note", "candidate"}
RESERVED = {"about", "quote", "claimed_by", "note", "candidate"}
#: Subjects every mapping may name without declaring them.
BUILTIN_SUBJECTS = ("communication", "document")
#: The ontology individual for the graph's curators: ``claimed_by: Curators`` marks a reading
#: the curators make themselves (an identification, say), never reported speech.
CURATORS = "Curators"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# rdflib makes a new URIRef on every RDF.x / XSD.x access: these are made once.
_TYPE, _LABEL = RDF.type, RDFS.label
_INTEGER, _DECIMAL, _BOOLEAN, _STRING, _DATE, _DURATION_TYPE = (
    XSD.integer, XSD.decimal, XSD.boolean, XSD.string, XSD.date, XSD.duration)
_DATE_SHAPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), _DATE),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)
_DURATION = re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int}


@dataclass
class Node:
    id: str
    cls: URIRef
    label: str | None
    aliases: tuple[str, ...]
    description: str | None
    iri: URIRef
    line: int


@dataclass
class Mapping:
    """A parsed mapping file, not yet compiled."""

    path: Path
    file: str
    document: str
    author: str | None
    nodes: dict[str, Node]
    facts: list[Any]
    data: Any
    #: Facts still marked ``candidate: true`` (proposed by ``kg add --draft``, not yet
    #: reviewed): left out of the graph unless the mapping is loaded with candidates.
    candidates: int = 0


def mapping_path(mappings_dir: str | Path, doc_id: str) -> Path:
    return Path(mappings_dir) / MAPPINGS_SUBDIR / f"{doc_id}.yaml"


def load_mapping(path: Path, ontology: Ontology, *, display: str | None = None,
                 with_candidates: bool = False) -> Mapping:
    """Parse a mapping file and its node declarations (facts are checked at compile time).

    Facts marked ``candidate: true`` are left out unless ``with_candidates``; so are nodes
    marked so that no fact kept refers to."""
    file = display or str(path)
    data = yamlfile.load(path, display=file)
    if not isinstance(data, dict):
        raise MappingError("a mapping must be a YAML mapping with 'document' and 'facts'",
                           file=file, line=1)
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise MappingError(f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(FILE_KEYS))}",
                           file=file, line=data.lines[unknown[0]])
    doc = data.get("document")
    if not isinstance(doc, str) or doc != path.stem:
        raise MappingError(
            f"'document' must name the corpus file this mapping describes ({path.stem!r}), "
            f"got {doc!r}", file=file, line=data.lines.get("document", 1))
    nodes: dict[str, Node] = {}
    raw_nodes = data.get("nodes") or {}
    if not isinstance(raw_nodes, dict):
        raise MappingError("'nodes' must map ids to {type, label}", file=file,
                           line=data.lines.get("nodes", 1))
    facts = data.get("facts") or []
    if not isinstance(facts, list):
        raise MappingError("'facts' must be a list", file=file, line=data.lines.get("facts", 1))
    facts, pending, used = _reviewed(facts, file, with_candidates)
    for ident, spec in raw_nodes.items():
        if with_candidates or ident in used or not _is_candidate(spec, file):
            nodes[ident] = _node(ident, spec, raw_nodes.lines[ident], ontology, file)
    author = data.get("author")
    return Mapping(path, file, doc, author, nodes, facts, data, pending)


def _is_candidate(item: Any, file: str) -> bool:
    """Whether a fact or node is marked ``candidate: true`` (not yet reviewed)."""
    if not isinstance(item, dict) or "candidate" not in item:
        return False
    if not isinstance(item["candidate"], bool):
        raise MappingError("candidate takes true or false (remove it to accept the fact)",
                           file=file, line=item.lines["candidate"])
    return item["candidate"]


def _reviewed(facts: Any, file: str, with_candidates: bool) -> tuple[Any, int, set]:
    """The facts to compile (all, or those not marked as candidates), how many were left
    out, and every id the facts kept name (a candidate node they use is kept too)."""
    kept = yamlfile.LocatedList()
    kept.line, kept.lines = getattr(facts, "line", 1), []
    used: set = set()
    for item, line in zip(facts, getattr(facts, "lines", [1] * len(facts)), strict=True):
        if with_candidates or not _is_candidate(item, file):
            kept.append(item)
            kept.lines.append(line)
            if isinstance(item, dict):
                for value in item.values():
                    used.update(v for v in (value if isinstance(value, list) else [value])
                                if isinstance(v, str))
    return kept, len(facts) - len(kept), used


def _node(ident: object, spec: object, line: int, ontology: Ontology, file: str) -> Node:
    if not isinstance(ident, str) or not _ID.match(ident):
        raise MappingError(f"node id {ident!r} must be lowercase words joined by hyphens",
                           file=file, line=line)
    if not isinstance(spec, dict) or "type" not in spec:
        raise MappingError(f"node {ident!r} needs a type (a class of the ontology)",
                           file=file, line=line)
    unknown = sorted(set(spec) - NODE_KEYS)
    if unknown:
        raise MappingError(
            f"unknown field {unknown[0]!r} in node {ident!r}; allowed: "
            f"{', '.join(sorted(NODE_KEYS))}", file=file, line=spec.lines[unknown[0]])
    cls = ontology.term(str(spec["type"]))
    if cls not in ontology.classes:
        raise MappingError(
            f"type {spec['type']!r} of node {ident!r} is not a class of the ontology"
            + _suggest(str(spec["type"]), ontology.local_names()),
            file=file, line=spec.lines["type"])
    kind = kind_of(ontology, cls)
    aliases = spec.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return Node(
        id=ident, cls=cls, label=spec.get("label"), aliases=tuple(aliases),
        description=spec.get("description"), iri=ontology.iris.entity(kind, ident), line=line,
    )


class Resolver:
    """Turns ids in mappings into IRIs: registry entities, mapping nodes, individuals."""

    def __init__(self, ontology: Ontology, registry: Registry, nodes: dict[str, Node]):
        self.ontology = ontology
        self.registry = registry
        self.nodes = nodes

    def iri(self, ident: object, doc_id: str) -> URIRef | None:
        if not isinstance(ident, str):
            return None
        if ident in self.registry:
            return self.registry[ident].iri
        if ident in self.nodes:
            return self.nodes[ident].iri
        if ident == "communication":
            return self.ontology.iris.communication(doc_id)
        if ident == "document":
            return self.ontology.iris.document(doc_id)
        return self.ontology.individuals.get(ident)


def collect_nodes(mappings: list[Mapping], registry: Registry) -> dict[str, Node]:
    """All nodes of all mappings. A node may be shared by several files (an identification
    resting on passages of two documents, a plan one document names and another's facts
    rest on): each file that uses it declares it, with the same type and label, so that
    every mapping compiles on its own. Otherwise ids are unique across files and the
    registry."""
    nodes: dict[str, Node] = {}
    origin: dict[str, str] = {}
    for m in mappings:
        for ident, node in m.nodes.items():
            if ident in registry:
                raise MappingError(
                    f"node id {ident!r} is already a registry id ({registry[ident].file}:"
                    f"{registry[ident].line}); rename the node or use the registry entry",
                    file=m.file, line=node.line)
            if ident in nodes:
                first = nodes[ident]
                if (first.cls, first.label) == (node.cls, node.label):
                    continue  # the same node, declared by each file that uses it
                raise MappingError(
                    f"node id {ident!r} is also defined in {origin[ident]} as another node "
                    "(a node shared by several files has the same type and label in each)",
                    file=m.file, line=node.line)
            nodes[ident] = node
            origin[ident] = m.file
    return nodes


def compile_mapping(m: Mapping, writer: FactWriter, resolver: Resolver) -> None:
    """Write the mapping's nodes and facts into the document graph via ``writer``."""
    ontology = resolver.ontology
    g = writer.graph
    kg = ontology.iris.kg
    file = m.file
    if m.author is not None:
        author = resolver.iri(m.author, m.document)
        if author is None:
            raise MappingError(f"author {m.author!r} is not a registry id",
                               file=file, line=m.data.lines.get("author", 1))
        writer.author = author
    for node in m.nodes.values():
        g.add((node.iri, _TYPE, node.cls))
        if node.label:
            g.add((node.iri, _LABEL, Literal(str(node.label), lang="en")))
        for alias in node.aliases:
            g.add((node.iri, kg.spelling, Literal(str(alias))))
        if node.description:
            g.add((node.iri, kg.description, Literal(str(node.description), lang="en")))
        g.add((writer.record, kg.mentions, node.iri))
    for i, item in enumerate(m.facts):
        line = m.facts.lines[i]
        _compile_fact(item, line, m, writer, resolver)


def _compile_fact(item: Any, line: int, m: Mapping, writer: FactWriter,
                  resolver: Resolver) -> None:
    file = m.file
    ontology = resolver.ontology
    kg = ontology.iris.kg
    if not isinstance(item, dict):
        raise MappingError("a fact must be a mapping with 'about', properties and 'quote'",
                           file=file, line=line)
    lines = item.lines
    subject = resolver.iri(item.get("about"), m.document)
    if subject is None:
        raise MappingError(
            f"unknown subject {item.get('about')!r}: use a registry id, a node id of this "
            "file, 'communication' or 'document'", file=file, line=lines.get("about", line))
    quotes = item.get("quote")
    if quotes is None:
        raise MappingError("this fact has no quote; add the passage of the document that "
                           "states it", file=file, line=line)
    quote_list = quotes if isinstance(quotes, list) else [quotes]
    evidence: list[Evidence] = []
    for j, q in enumerate(quote_list):
        q_line = quotes.lines[j] if isinstance(quotes, list) else lines["quote"]
        if not isinstance(q, str):
            raise MappingError("a quote must be text", file=file, line=q_line)
        evidence.append(writer.locate(q, file=file, line=q_line))
    claimed_by = None
    if "claimed_by" in item:
        claimed_by = resolver.iri(item["claimed_by"], m.document)
        if claimed_by is None:
            raise MappingError(f"claimed_by {item['claimed_by']!r} is not a registry id",
                               file=file, line=lines["claimed_by"])
    note = item.get("note")
    props = [k for k in item if k not in RESERVED]
    if not props:
        raise MappingError("this fact states nothing: add at least one property",
                           file=file, line=line)
    writer.graph.add((writer.record, kg.mentions, subject))
    # An identification's entities are not named by the document for it: Bo Yibo is not
    # named in a telegram because the curators identify its Bai Po with him.
    node = resolver.nodes.get(item.get("about"))
    names_objects = node is None or node.cls != kg.Identification
    for key in props:
        key_line = lines[key]
        prop, literal_kind = _property(str(key), ontology, file, key_line)
        values = item[key] if isinstance(item[key], list) else [item[key]]
        for value in values:
            obj = _value(value, prop, literal_kind, resolver, m.document, file, key_line)
            if names_objects and isinstance(obj, URIRef) and ontology.iris.is_entity(obj):
                writer.graph.add((writer.record, kg.mentions, obj))
            writer.state(subject, prop, obj, evidence, claimed_by=claimed_by,
                         note=str(note) if note else None)


def _property(key: str, ontology: Ontology, file: str, line: int) -> tuple[URIRef, str]:
    """The property IRI for a mapping key, and whether it takes 'object', 'data' or 'text'."""
    if ":" in key:
        prefix, local = key.split(":", 1)
        if key in ANNOTATION_KEYS and prefix in PREFIXES:
            return URIRef(PREFIXES[prefix] + local), ANNOTATION_KEYS[key]
        raise MappingError(
            f"unknown property {key!r}; prefixed keys allowed: {', '.join(ANNOTATION_KEYS)}",
            file=file, line=line)
    prop = ontology.term(key)
    if prop in ontology.object_properties:
        return prop, "object"
    if prop in ontology.datatype_properties:
        return prop, "data"
    raise MappingError(
        f"unknown property {key!r}: not in the ontology" + _suggest(key, ontology.local_names()),
        file=file, line=line)


def _value(value: Any, prop: URIRef, kind: str, resolver: Resolver, doc_id: str, file: str,
           line: int) -> URIRef | Literal:
    ontology = resolver.ontology
    name = str(prop).rsplit("#", 1)[-1]
    if kind == "object":
        iri = resolver.iri(value, doc_id)
        if iri is None:
            known = [*resolver.registry.entities, *resolver.nodes, *ontology.individuals]
            raise MappingError(
                f"unknown id {value!r} for {name!r}: define it under 'nodes:' or in "
                "registry.yaml" + _suggest(str(value), known), file=file, line=line)
        return iri
    if kind == "text":
        if not isinstance(value, str):
            raise MappingError(f"{name} takes text, got {value!r}", file=file, line=line)
        return Literal(value, lang="en")
    return _literal(value, ontology.range_of(prop), name, file, line)


def _literal(value: Any, rng: URIRef | None, name: str, file: str, line: int) -> Literal:
    def bad(expected: str) -> MappingError:
        return MappingError(f"{name} takes {expected}, got {value!r}", file=file, line=line)

    if isinstance(value, (list, dict)) or value is None:
        raise bad("a single value")
    if rng in _INTEGER_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("a whole number")
        return Literal(value, datatype=rng)
    if rng == _DECIMAL:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        return Literal(Decimal(str(value)), datatype=_DECIMAL)
    if rng == _BOOLEAN:
        if not isinstance(value, bool):
            raise bad("true or false")
        return Literal(value)
    if rng == _DURATION_TYPE:
        if not isinstance(value, str) or not _DURATION.match(value):
            raise bad("an ISO 8601 duration such as 'PT6H'")
        return Literal(value, datatype=_DURATION_TYPE)
    if rng == _STRING:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise bad("text")
        return Literal(str(value))
    if rng == _DATE:
        if not isinstance(value, str) or not _DATE_SHAPES[0][0].match(value):
            raise bad("a date such as '1949-05-17'")
        return Literal(value, datatype=_DATE)
    # No declared range: type by shape.
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=_INTEGER)
    if isinstance(value, float):
        return Literal(Decimal(str(value)), datatype=_DECIMAL)
    text = str(value)
    for shape, datatype in _DATE_SHAPES:
        if shape.match(text):
            return Literal(text, datatype=datatype)
    if _looks_like_date(name) and text:
        raise bad("a date: '1949-05-17', '1949-05' or '1949'")
    return Literal(text)


def _looks_like_date(name: str) -> bool:
    return name in {"date", "startDate", "endDate", "notLaterThan", "plannedDate"}


def _suggest(word: str, options: list[str] | Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
