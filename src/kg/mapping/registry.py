"""The entity registry: every person, organization, place and operation, with the names
the documents use for them, the posts persons held and, where verified, their Wikidata item.

Read from ``mappings/registry.yaml`` and every ``mappings/registry/*.yaml`` (the same format,
merged; an id may be defined once only); compiled into the registry graph.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from functools import cached_property
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal
from rdflib.term import Node

from kg.errors import MappingError
from kg.mapping import yamlfile
from kg.mapping.entries import (  # noqa: F401 - the registry's entries, as before
    _DATE_SHAPES,
    _ID,
    SECTIONS,
    Codename,
    Entity,
    Post,
    kind_of,
    post_slug,
    read_entry,
)
from kg.mapping.iris import SKOS, WD
from kg.mapping.ontology import Ontology

REGISTRY_FILE = "registry.yaml"
#: The folder of further registry files (``registry/*.yaml``), one per country or group.
REGISTRY_DIR = "registry"

#: A file's top-level key naming the country of every entry that does not name its own.
FILE_COUNTRY = "country"
#: A file's top-level list of names the linker took for persons and a curator said are not
#: ("Comrade Commander" ...): each ``{name, document, note}``; such a name is never minted
#: as a provisional person again.
NOT_PERSONS = "not_persons"
NOT_PERSON_KEYS = {"name", "document", "note"}

def script_language(name: str) -> str | None:
    """The language a name's script shows: "zh" for Chinese characters, "ru" for Cyrillic;
    None for the Latin-script names (transliterations, in no one language)."""
    if any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in name):
        return "zh"
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        return "ru"
    return None


def normalize_name(name: str) -> str:
    """Fold case, whitespace, full stops and apostrophes: ``"I.V.  Stalin"`` -> ``"i v
    stalin"``, ``"Grigor’yan"`` -> ``"grigor'yan"``."""
    return " ".join(_STOPS_RE.sub(" ", name).replace("’", "'").casefold().split())


_STOPS_RE = re.compile(r"[.\u00a0]")


class Registry:
    """Entities by id, and a name index for resolving names as the documents write them."""

    def __init__(self, entities: dict[str, Entity], file: str,
                 files: tuple[str, ...] = (), not_persons: frozenset[str] = frozenset()):
        self.entities = entities
        self.file = file  # mappings/registry.yaml; each entity knows its own file
        self.files = files or (file,)
        #: Names (normalized) a curator said are not a person's.
        self.not_persons = not_persons
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._by_short_name: dict[str, set[str]] = defaultdict(set)
        for ent in entities.values():
            for name in ent.short_names:
                self._by_short_name[normalize_name(name)].add(ent.id)
            for name in ent.names:
                self._by_name[normalize_name(name)].add(ent.id)

    def __contains__(self, ident: str) -> bool:
        return ident in self.entities

    def __getitem__(self, ident: str) -> Entity:
        return self.entities[ident]

    def candidates(self, name: str) -> list[Entity]:
        """Every entity a name may refer to: exact names first, then initials and surname
        ("I.V. Stalin", "Nikita S. Khrushchev"). A bare surname the registry does not list
        as a name is no one's: "Fedorenko" alone may be any Fedorenko."""
        key = normalize_name(name)
        ids = self._by_name.get(key) or self._by_initials(key)
        return [self.entities[i] for i in sorted(ids)]

    def _by_initials(self, key: str) -> set[str]:
        """The persons with the surname of ``key`` and a name whose first given name starts
        with its first letter ("i v stalin")."""
        parts = key.split()
        if len(parts) < 2:
            return set()
        surname, first = parts[-1], parts[0][0]
        return {ident for ident, given in self._surnames.get(surname, ()) if first in given}

    @cached_property
    def _surnames(self) -> dict[str, list[tuple[str, set[str]]]]:
        """Surname -> (person id, the first letters of that person's given names), for the
        persons whose label or a spelling ends with that surname."""
        index: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
        for ent in self.entities.values():
            if ent.section != "persons":
                continue
            names = [normalize_name(n).split() for n in (ent.label, *ent.aliases)]
            given = {n[0][0] for n in names if len(n) > 1}
            for surname in {n[-1] for n in names if n}:
                index[surname].append((ent.id, given))
        return index

    def resolve(self, name: str, country: str | None = None) -> Entity | None:
        """The one entity ``name`` refers to, or None when unknown or ambiguous. In a
        document of a known ``country``, an organization's short name ("CC") counts too."""
        found = self.candidates(name) or self.scoped(name, country)
        return found[0] if len(found) == 1 else None

    def scoped(self, name: str, country: str | None) -> list[Entity]:
        """The organizations whose short name ``name`` is, in documents of ``country``
        (none when the country is unknown: "CC" alone names no one)."""
        if not country:
            return []
        ids = self._by_short_name.get(normalize_name(name), ())
        return [self.entities[i] for i in sorted(ids) if self.entities[i].country == country]

    @classmethod
    def load(cls, mappings_dir: str | Path, ontology: Ontology) -> Registry:
        """``registry.yaml`` and every ``registry/*.yaml`` (in name order), merged."""
        main = Path(mappings_dir) / REGISTRY_FILE
        paths = [main, *sorted((Path(mappings_dir) / REGISTRY_DIR).glob("*.yaml"))]
        entities: dict[str, Entity] = {}
        not_persons: set[str] = set()
        for path in paths:
            for ent in _read_file(path, ontology, not_persons):
                if ent.id in entities:
                    first = entities[ent.id]
                    raise MappingError(
                        f"id {ent.id!r} is defined twice: here and at {first.file}:{first.line}; "
                        "keep one entry and merge the other into it",
                        file=ent.file, line=ent.line)
                entities[ent.id] = ent
        _check_countries(entities)
        return cls(entities, str(main), tuple(str(p) for p in paths), frozenset(not_persons))

    def is_not_person(self, name: str) -> bool:
        """Whether a curator said ``name`` names no person (:data:`NOT_PERSONS`)."""
        return normalize_name(name) in self.not_persons

    def graph(self, ontology: Ontology) -> Graph:
        """The registry graph: types, labels, aliases, codenames, descriptions, Wikidata."""
        kg = ontology.iris.kg
        triples: list[tuple[Node, Node, Node]] = []
        add = triples.append
        for ent in sorted(self.entities.values(), key=lambda e: e.id):
            add((ent.iri, RDF.type, kg[ent.cls]))
            add((ent.iri, RDFS.label, Literal(ent.label, lang="en")))
            for alias in ent.aliases:
                add((ent.iri, kg.spelling, Literal(alias, lang=script_language(alias))))
            for code in ent.codenames:
                add((ent.iri, kg.codename, Literal(code)))
            if ent.description:
                add((ent.iri, kg.description, Literal(ent.description, lang="en")))
            if ent.wikidata:
                add((ent.iri, kg.wikidata, Literal(ent.wikidata)))
                add((ent.iri, SKOS.exactMatch, WD[ent.wikidata]))
                if ent.wikidata_evidence:
                    add((ent.iri, kg.wikidataEvidence, Literal(ent.wikidata_evidence)))
            for post in ent.posts:
                node = ontology.iris.id("position", ent.id, post_slug(post))
                add((ent.iri, kg.holds, node))
                add((node, RDF.type, kg.PositionHolding))
                add((node, RDFS.label, Literal(f"{ent.label}, {post.post}", lang="en")))
                add((node, kg.post, Literal(post.post)))
                if post.start:
                    add((node, kg.startDate, _date_literal(post.start)))
                if post.end:
                    add((node, kg.endDate, _date_literal(post.end)))
        g = Graph()
        g.addN((s, p, o, g) for s, p, o in triples)  # Graph.add costs 2-3 times more
        return g


def _read_file(path: Path, ontology: Ontology,
               not_persons: set[str] | None = None) -> list[Entity]:
    """The entities of one registry file, in file order; its :data:`NOT_PERSONS` names go
    into ``not_persons``."""
    file = str(path)
    data = yamlfile.load(path)
    if not isinstance(data, dict):
        raise MappingError("the registry must be a mapping of sections", file=file, line=1)
    out: list[Entity] = []
    country = data.get(FILE_COUNTRY)
    if country is not None and not (isinstance(country, str) and _ID.match(country)):
        raise MappingError(f"the file's country must be a place id like 'china', got {country!r}",
                           file=file, line=data.lines[FILE_COUNTRY])
    for section, entries in data.items():
        line = data.lines[section]
        if section == FILE_COUNTRY:
            continue
        if section == NOT_PERSONS:
            names = _not_persons(entries, file, line)
            if not_persons is not None:
                not_persons.update(names)
            continue
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
            ent = read_entry(section, ident, entry, entries.lines[ident], ontology, file)
            if ent.country is None and country and section in ("persons", "organizations"):
                ent = dataclasses.replace(ent, country=country)
            out.append(ent)
    return out


def _not_persons(entries: object, file: str, line: int) -> list[str]:
    if not isinstance(entries, list):
        raise MappingError(f"{NOT_PERSONS!r} must be a list of {{name, document, note}}",
                           file=file, line=line)
    names = []
    for i, item in enumerate(entries):
        at = entries.lines[i] if hasattr(entries, "lines") else line
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not item["name"].strip():
            raise MappingError(f"each entry of {NOT_PERSONS!r} needs a 'name'", file=file,
                               line=at)
        unknown = sorted(set(item) - NOT_PERSON_KEYS)
        if unknown:
            raise MappingError(f"unknown field {unknown[0]!r} in {NOT_PERSONS!r}; allowed: "
                               f"{', '.join(sorted(NOT_PERSON_KEYS))}", file=file, line=at)
        names.append(normalize_name(item["name"]))
    return names


def _check_countries(entities: dict[str, Entity]) -> None:
    """Every country named is a place of the registry; short names need a country."""
    for ent in entities.values():
        if ent.country and (ent.country not in entities
                            or entities[ent.country].section != "places"):
            raise MappingError(f"country {ent.country!r} of {ent.id!r} is not a place id of "
                               "the registry", file=ent.file, line=ent.line)
        if ent.short_names and not ent.country:
            raise MappingError(f"short_names of {ent.id!r} mean it only in documents of its "
                               "country: give it a country", file=ent.file, line=ent.line)


def _date_literal(value: str) -> Literal:
    for shape, datatype in _DATE_SHAPES:
        if shape.match(value):
            return Literal(value, datatype=datatype)
    raise ValueError(value)  # _date checked the shape when the registry was read


