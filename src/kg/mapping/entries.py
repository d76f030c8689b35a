"""One entry of the entity registry as a registry file gives it, checked field by field
(type, names, dates, posts, codenames, Wikidata) into an :class:`Entity`. The registry
(:mod:`kg.mapping.registry`) reads the files and indexes the entries."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from rdflib import XSD, URIRef

from kg.errors import MappingError
from kg.mapping.iris import KIND_OF_CLASS
from kg.mapping.ontology import Ontology

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


def kind_of(ontology: Ontology, cls: URIRef) -> str:
    """The IRI path segment for instances of ``cls`` (``person``, ``meeting``, ...)."""
    ancestors = ontology.superclasses(cls)
    for name, kind in KIND_OF_CLASS:
        if ontology.term(name) in ancestors:
            return kind
    return "thing"


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
        if post_slug(post) in slugs:
            raise MappingError(f"post {post.post!r} of {ident!r} is given twice",
                               file=file, line=item_line)
        slugs.add(post_slug(post))
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


def read_entry(section: str, ident: object, entry: object, line: int, ontology: Ontology,
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


def post_slug(post: Post) -> str:
    """The last segment of a post's IRI: its title and start, as lowercase words."""
    words = re.findall(r"[a-z0-9]+", post.post.casefold())
    return "-".join([*words[:12], *([post.start[:4]] if post.start else [])])
