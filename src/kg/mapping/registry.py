"""The entity registry: every person, organization, place and operation, with the names
the documents use for them, the posts persons held and, where verified, their Wikidata item.

Read from ``mappings/registry.yaml`` and every ``mappings/registry/*.yaml`` (the same format,
merged; an id may be defined once only); compiled into the registry graph.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import MappingError
from kg.mapping import yamlfile
from kg.mapping.iris import KIND_OF_CLASS, SKOS, WD
from kg.mapping.ontology import Ontology

REGISTRY_FILE = "registry.yaml"
#: The folder of further registry files (``registry/*.yaml``), one per country or group.
REGISTRY_DIR = "registry"

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
    "label", "type", "aliases", "codenames", "posts", "description", "wikidata",
    "wikidata_evidence", "note", "country", "short_names",
}
#: A file's top-level key naming the country of every entry that does not name its own.
FILE_COUNTRY = "country"
POST_KEYS = {"post", "from", "to", "note"}
CODENAME_KEYS = {"name", "from", "to", "channel", "note"}
_DATE_SHAPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Post:
    """A post a person held: its title as the archive's documents give it, and its years
    (or ISO dates) where known."""

    post: str
    start: str | None
    end: str | None
    line: int


@dataclass(frozen=True)
class Codename:
    """A cover name, with the period and channel it was used in where known."""

    name: str
    start: str | None
    end: str | None
    channel: str | None
    line: int


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
    file: str = ""
    posts: tuple[Post, ...] = ()
    codename_periods: tuple[Codename, ...] = ()
    #: The place id of the state the entity belongs to ("china", "soviet-union").
    country: str | None = None
    #: Names that mean this organization only in documents of its country ("CC").
    short_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases, *self.codenames)


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


def kind_of(ontology: Ontology, cls: URIRef) -> str:
    """The IRI path segment for instances of ``cls`` (``person``, ``meeting``, ...)."""
    ancestors = ontology.superclasses(cls)
    for name, kind in KIND_OF_CLASS:
        if ontology.term(name) in ancestors:
            return kind
    return "thing"


class Registry:
    """Entities by id, and a name index for resolving names as the documents write them."""

    def __init__(self, entities: dict[str, Entity], file: str,
                 files: tuple[str, ...] = ()):
        self.entities = entities
        self.file = file  # mappings/registry.yaml; each entity knows its own file
        self.files = files or (file,)
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
        for path in paths:
            for ent in _read_file(path, ontology):
                if ent.id in entities:
                    first = entities[ent.id]
                    raise MappingError(
                        f"id {ent.id!r} is defined twice: here and at {first.file}:{first.line}; "
                        "keep one entry and merge the other into it",
                        file=ent.file, line=ent.line)
                entities[ent.id] = ent
        _check_countries(entities)
        return cls(entities, str(main), tuple(str(p) for p in paths))

    def graph(self, ontology: Ontology) -> Graph:
        """The registry graph: types, labels, aliases, codenames, descriptions, Wikidata."""
        kg = ontology.iris.kg
        g = Graph()
        for ent in sorted(self.entities.values(), key=lambda e: e.id):
            g.add((ent.iri, RDF.type, kg[ent.cls]))
            g.add((ent.iri, RDFS.label, Literal(ent.label, lang="en")))
            for alias in ent.aliases:
                g.add((ent.iri, kg.spelling, Literal(alias, lang=script_language(alias))))
            for code in ent.codenames:
                g.add((ent.iri, kg.codename, Literal(code)))
            if ent.description:
                g.add((ent.iri, kg.description, Literal(ent.description, lang="en")))
            if ent.wikidata:
                g.add((ent.iri, kg.wikidata, Literal(ent.wikidata)))
                g.add((ent.iri, SKOS.exactMatch, WD[ent.wikidata]))
                if ent.wikidata_evidence:
                    g.add((ent.iri, kg.wikidataEvidence, Literal(ent.wikidata_evidence)))
            for post in ent.posts:
                node = ontology.iris.id("position", ent.id, _post_slug(post))
                g.add((ent.iri, kg.holds, node))
                g.add((node, RDF.type, kg.PositionHolding))
                g.add((node, RDFS.label, Literal(f"{ent.label}, {post.post}", lang="en")))
                g.add((node, kg.post, Literal(post.post)))
                if post.start:
                    g.add((node, kg.startDate, _date_literal(post.start)))
                if post.end:
                    g.add((node, kg.endDate, _date_literal(post.end)))
        return g


def _read_file(path: Path, ontology: Ontology) -> list[Entity]:
    """The entities of one registry file, in file order."""
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
            if ent.country is None and country and section in ("persons", "organizations"):
                ent = dataclasses.replace(ent, country=country)
            out.append(ent)
    return out


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


def _post_slug(post: Post) -> str:
    """The last segment of a post's IRI: its title and start, as lowercase words."""
    words = re.findall(r"[a-z0-9]+", post.post.casefold())
    return "-".join([*words[:12], *([post.start[:4]] if post.start else [])])


def _date_literal(value: str) -> Literal:
    for shape, datatype in _DATE_SHAPES:
        if shape.match(value):
            return Literal(value, datatype=datatype)
    raise ValueError(value)  # _date checked the shape when the registry was read


def _date(value: object, what: str, file: str, line: int) -> str | None:
    """A year (1953) or an ISO date ("1953-05", "1953-05-12") as text, checked."""
    if value is None:
        return None
    plain = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if plain else ""
    shape = next((dt for rx, dt in _DATE_SHAPES if rx.match(text)), None)
    ok = shape is not None and 1800 <= int(text[:4]) <= 2100
    if ok and shape is not XSD.gYear:
        try:
            datetime.date.fromisoformat(text if shape is XSD.date else text + "-01")
        except ValueError:
            ok = False
    if not ok:
        raise MappingError(
            f"{what} must be a year (1953) or an ISO date (1953-05, 1953-05-12), got {value!r}",
            file=file, line=line)
    return text


def _period(item: dict, keys: set[str], what: str, file: str) -> tuple[str | None, str | None]:
    """The checked ``from``/``to`` of a post or codename entry (keys checked as well)."""
    lines = item.lines
    unknown = sorted(set(item) - keys)
    if unknown:
        raise MappingError(
            f"unknown field {unknown[0]!r} in {what}; allowed: {', '.join(sorted(keys))}",
            file=file, line=lines[unknown[0]])
    start = _date(item.get("from"), f"'from' of {what}", file, lines.get("from", item.line))
    end = _date(item.get("to"), f"'to' of {what}", file, lines.get("to", item.line))
    if start and end and end[:len(start)] < start[:len(end)]:
        raise MappingError(f"{what} ends ({end}) before it starts ({start})",
                           file=file, line=lines.get("to", item.line))
    return start, end


def _dated(item: object, key: str, keys: set[str], kind: str, ident: str, example: str,
           file: str, line: int, needs: str = "") -> tuple[str, str | None, str | None]:
    """A post or codename entry: its text under ``key`` and its checked period."""
    if not isinstance(item, dict):
        raise MappingError(f"a {kind} of {ident!r} must be a mapping like {example}",
                           file=file, line=line)
    text = item.get(key)
    if not isinstance(text, str) or not text.strip():
        raise MappingError(f"a {kind} of {ident!r} needs {needs or f'its {key!r}'}",
                           file=file, line=line)
    text = " ".join(text.split())
    start, end = _period(item, keys, f"{kind} {text!r} of {ident!r}", file)
    return text, start, end


def _posts(value: object, ident: str, file: str, line: int) -> tuple[Post, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MappingError(
            f"posts of {ident!r} must be a list of {{post: ..., from: ..., to: ...}}",
            file=file, line=line)
    posts: list[Post] = []
    slugs: set[str] = set()
    for item, item_line in zip(value, value.lines, strict=True):
        title, start, end = _dated(
            item, "post", POST_KEYS, "post", ident,
            "{post: Soviet Ambassador to the DPRK, from: 1953, to: 1957}", file, item_line,
            needs="its title in 'post'")
        post = Post(title, start, end, item_line)
        if _post_slug(post) in slugs:
            raise MappingError(f"post {post.post!r} of {ident!r} is given twice",
                               file=file, line=item_line)
        slugs.add(_post_slug(post))
        posts.append(post)
    return tuple(posts)


def _codenames(value: object, ident: str, file: str, line: int) -> tuple[Codename, ...]:
    """Cover names, each a plain name or {name, from, to, channel}."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise MappingError(f"codenames of {ident!r} must be a list of names", file=file, line=line)
    lines = getattr(value, "lines", [line] * len(value))
    out: list[Codename] = []
    for item, item_line in zip(value, lines, strict=True):
        if isinstance(item, str) and item.strip():
            out.append(Codename(item.strip(), None, None, None, item_line))
            continue
        name, start, end = _dated(
            item, "name", CODENAME_KEYS, "codename", ident,
            "{name: Filippov, from: 1945, to: 1953, channel: ...}", file, item_line)
        channel = item.get("channel")  # type: ignore[union-attr]
        if channel is not None and (not isinstance(channel, str) or not channel.strip()):
            raise MappingError(f"channel of codename {name!r} of {ident!r} must be text",
                               file=file,
                               line=item.lines.get("channel", item_line))  # type: ignore[union-attr]
        out.append(Codename(name, start, end, channel.strip() if channel else None,
                            item_line))
    return tuple(out)


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
    posts = _posts(entry.get("posts"), ident, file, lines.get("posts", line))
    if posts and section != "persons":
        raise MappingError(f"posts are for persons; {ident!r} is in {section!r}",
                           file=file, line=lines["posts"])
    codenames = _codenames(entry.get("codenames"), ident, file, lines.get("codenames", line))
    short_names = _texts(entry.get("short_names"), "short_names", file,
                         lines.get("short_names", line))
    if short_names and section != "organizations":
        raise MappingError(f"short_names are for organizations; {ident!r} is in {section!r}",
                           file=file, line=lines["short_names"])
    country = entry.get("country")
    if country is not None and not (isinstance(country, str) and _ID.match(country)):
        raise MappingError(f"country of {ident!r} must be a place id like 'china', "
                           f"got {country!r}", file=file, line=lines.get("country", line))
    return Entity(
        id=ident,
        section=section,
        cls=str(cls_name),
        kind=kind,
        label=label.strip(),
        aliases=_texts(entry.get("aliases"), "aliases", file, lines.get("aliases", line)),
        codenames=tuple(c.name for c in codenames),
        description=str(description).strip() if description else None,
        wikidata=qid,
        wikidata_evidence=entry.get("wikidata_evidence"),
        line=line,
        iri=ontology.iris.entity(kind, ident),
        file=file,
        posts=posts,
        codename_periods=tuple(c for c in codenames if c.start or c.end or c.channel),
        country=country,
        short_names=short_names,
    )
