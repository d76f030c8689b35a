"""The entity registry: every person, organization, place and operation, with the names
the documents use for them and, where verified, their Wikidata item.

Read from ``mappings/registry.yaml``; compiled into the registry graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.errors import MappingError
from kg.mapping import yamlfile
from kg.mapping.iris import KIND_OF_CLASS, SKOS, WD
from kg.mapping.ontology import Ontology

REGISTRY_FILE = "registry.yaml"

#: Registry sections and the class every entry of a section must be (or specialise).
SECTIONS: dict[str, str] = {
    "persons": "Person",
    "organizations": "Organization",
    "places": "Place",
    "operations": "Event",
    "events": "Event",
}
SECTION_DEFAULT_TYPE: dict[str, str] = {"operations": "MilitaryOperation"}

ENTRY_KEYS = {
    "label", "type", "aliases", "codenames", "description", "wikidata", "wikidata_evidence",
    "note",
}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Entity:
    id: str
    section: str
    cls: str
    kind: str
    label: str
    aliases: tuple[str, ...]
    codenames: tuple[str, ...]
    description: str | None
    wikidata: str | None
    wikidata_evidence: str | None
    line: int
    iri: URIRef

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases, *self.codenames)


def normalize_name(name: str) -> str:
    """Fold case, whitespace and full stops: ``"I.V.  Stalin"`` -> ``"i v stalin"``."""
    return " ".join(re.sub(r"[.\u00a0]", " ", name).casefold().split())


def kind_of(ontology: Ontology, cls: URIRef) -> str:
    """The IRI path segment for instances of ``cls`` (``person``, ``meeting``, ...)."""
    ancestors = ontology.superclasses(cls)
    for name, kind in KIND_OF_CLASS:
        if ontology.term(name) in ancestors:
            return kind
    return "thing"


class Registry:
    """Entities by id, and a name index for resolving names as the documents write them."""

    def __init__(self, entities: dict[str, Entity], file: str):
        self.entities = entities
        self.file = file
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._by_surname: dict[str, set[str]] = defaultdict(set)
        for ent in entities.values():
            for name in ent.names:
                self._by_name[normalize_name(name)].add(ent.id)
            if ent.section == "persons":
                for name in (ent.label, *ent.aliases):
                    parts = normalize_name(name).split()
                    if len(parts) > 1:
                        self._by_surname[parts[-1]].add(ent.id)

    def __contains__(self, ident: str) -> bool:
        return ident in self.entities

    def __getitem__(self, ident: str) -> Entity:
        return self.entities[ident]

    def candidates(self, name: str) -> list[Entity]:
        """Every entity a name may refer to: exact names first, then a person's surname,
        then initials and surname ("I.V. Stalin", "Nikita S. Khrushchev")."""
        key = normalize_name(name)
        ids = self._by_name.get(key) or self._by_surname.get(key) or self._by_initials(key)
        return [self.entities[i] for i in sorted(ids)]

    def _by_initials(self, key: str) -> set[str]:
        parts = key.split()
        if len(parts) < 2:
            return set()
        surname, first = parts[-1], parts[0][0]
        found = set()
        for ent in self.entities.values():
            if ent.section != "persons":
                continue
            names = [normalize_name(n).split() for n in (ent.label, *ent.aliases)]
            given = [n[0][0] for n in names if len(n) > 1]
            if any(n[-1] == surname for n in names) and first in given:
                found.add(ent.id)
        return found

    def resolve(self, name: str) -> Entity | None:
        """The one entity ``name`` refers to, or None when unknown or ambiguous."""
        found = self.candidates(name)
        return found[0] if len(found) == 1 else None

    @classmethod
    def load(cls, mappings_dir: str | Path, ontology: Ontology) -> Registry:
        path = Path(mappings_dir) / REGISTRY_FILE
        file = str(path)
        data = yamlfile.load(path)
        if not isinstance(data, dict):
            raise MappingError("the registry must be a mapping of sections", file=file, line=1)
        entities: dict[str, Entity] = {}
        for section, entries in data.items():
            line = data.lines[section]
            if section not in SECTIONS:
                allowed = ", ".join(SECTIONS)
                raise MappingError(
                    f"unknown section {section!r}; use one of: {allowed}", file=file, line=line
                )
            if entries is None:
                continue
            if not isinstance(entries, dict):
                raise MappingError(f"section {section!r} must map ids to entries",
                                   file=file, line=line)
            for ident, entry in entries.items():
                ent = _entity(section, ident, entry, entries.lines[ident], ontology, file)
                if ent.id in entities:
                    raise MappingError(f"id {ident!r} is defined twice (also line "
                                       f"{entities[ident].line})", file=file, line=ent.line)
                entities[ent.id] = ent
        return cls(entities, file)

    def graph(self, ontology: Ontology) -> Graph:
        """The registry graph: types, labels, aliases, codenames, descriptions, Wikidata."""
        kg = ontology.iris.kg
        g = Graph()
        for ent in sorted(self.entities.values(), key=lambda e: e.id):
            g.add((ent.iri, RDF.type, kg[ent.cls]))
            g.add((ent.iri, RDFS.label, Literal(ent.label, lang="en")))
            for alias in ent.aliases:
                g.add((ent.iri, kg.spelling, Literal(alias)))
            for code in ent.codenames:
                g.add((ent.iri, kg.codename, Literal(code)))
            if ent.description:
                g.add((ent.iri, kg.description, Literal(ent.description, lang="en")))
            if ent.wikidata:
                g.add((ent.iri, kg.wikidata, Literal(ent.wikidata)))
                g.add((ent.iri, SKOS.exactMatch, WD[ent.wikidata]))
                if ent.wikidata_evidence:
                    g.add((ent.iri, kg.wikidataEvidence, Literal(ent.wikidata_evidence)))
        return g


def _texts(value: object, what: str, file: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise MappingError(f"{what} must be a list of names", file=file, line=line)
    return tuple(v.strip() for v in value)


def _entity(section: str, ident: object, entry: object, line: int, ontology: Ontology,
            file: str) -> Entity:
    if not isinstance(ident, str) or not _ID.match(ident):
        raise MappingError(
            f"id {ident!r} must be lowercase words joined by hyphens, like 'mao-zedong'",
            file=file, line=line,
        )
    if not isinstance(entry, dict):
        raise MappingError(f"entry {ident!r} must be a mapping with at least a label",
                           file=file, line=line)
    lines = entry.lines
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        raise MappingError(
            f"unknown field {unknown[0]!r} in {ident!r}; allowed: {', '.join(sorted(ENTRY_KEYS))}",
            file=file, line=lines[unknown[0]],
        )
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise MappingError(f"entry {ident!r} needs a label", file=file, line=line)
    cls_name = entry.get("type") or SECTION_DEFAULT_TYPE.get(section) or SECTIONS[section]
    cls = ontology.term(str(cls_name))
    if cls not in ontology.classes:
        raise MappingError(f"type {cls_name!r} of {ident!r} is not a class of the ontology",
                           file=file, line=lines.get("type", line))
    if ontology.term(SECTIONS[section]) not in ontology.superclasses(cls):
        raise MappingError(
            f"type {cls_name!r} of {ident!r} is not a kind of {SECTIONS[section]}; "
            f"move the entry to the right section",
            file=file, line=lines.get("type", line),
        )
    qid = entry.get("wikidata")
    if qid is not None and (not isinstance(qid, str) or not _QID.match(qid)):
        raise MappingError(f"wikidata of {ident!r} must look like Q5816, got {qid!r}",
                           file=file, line=lines.get("wikidata", line))
    if qid and not entry.get("wikidata_evidence"):
        raise MappingError(
            f"wikidata {qid} of {ident!r} needs wikidata_evidence: the source that ties "
            "the item to this entity",
            file=file, line=lines.get("wikidata", line),
        )
    kind = kind_of(ontology, cls)
    description = entry.get("description")
    return Entity(
        id=ident,
        section=section,
        cls=str(cls_name),
        kind=kind,
        label=label.strip(),
        aliases=_texts(entry.get("aliases"), "aliases", file, lines.get("aliases", line)),
        codenames=_texts(entry.get("codenames"), "codenames", file, lines.get("codenames", line)),
        description=str(description).strip() if description else None,
        wikidata=qid,
        wikidata_evidence=entry.get("wikidata_evidence"),
        line=line,
        iri=ontology.iris.entity(kind, ident),
    )
