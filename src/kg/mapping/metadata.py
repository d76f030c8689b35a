"""What a document says about itself, as parsed: the archival record (title, summary,
citations, reprint, translator, rights, body paragraphs) and the communication it
reproduces (type, sender, recipient, intermediaries, date, numbers).

Communication facts carry evidence like curated facts: the title, date header or
signature passage they were read from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.term import Node

from kg.ingest.document import Correspondent, Document, find_all_quotes
from kg.mapping.iris import DCTERMS, OA, integer_literal, slugify
from kg.mapping.linking import Linker, has_initials, name_words
from kg.mapping.ontology import Ontology
from kg.mapping.provenance import Evidence, FactWriter
from kg.mapping.registry import Registry

#: The registry id of the archive's editors, to whom bracketed identifications belong.
EDITORS = "digital-archive-editors"
#: Document types that record a conversation between participants rather than a message.
CONVERSATION_TYPES = frozenset({"Record of Conversation", "Minutes", "Conversation",
                                "Memorandum of Conversation", "Minutes of Conversation"})
# rdflib makes a new URIRef on every RDF.x / XSD.x access: these are made once.
_TYPE, _LABEL, _INTEGER = RDF.type, RDFS.label, XSD.integer
_IDENTIFYING = OA.identifying


@dataclass
class Review:
    """What the automatic layer was unsure of, for ``kg review`` and the build report."""

    items: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False)

    def add(self, doc: str, message: str) -> None:
        self.extend([f"{doc}: {message}"])

    def extend(self, items: list[str]) -> None:
        """Add items already worded (from another Review), keeping the first of repeats."""
        for item in items:
            if item not in self._seen:
                self._seen.add(item)
                self.items.append(item)


#: How a review item says that a provisional person is one person across documents.
SHARED_SCOPE = "the same full name in other documents is this person too"
_SHARED_RE = re.compile(r"^(?P<doc>[^:]+): person (?P<name>'.*?'|\".*?\") is not in the "
                        r"registry \(minted provisionally; " + re.escape(SHARED_SCOPE) + r"\)$")


def merged_across_documents(items: list[str]) -> list[str]:
    """The provisional persons that a full name makes one person in several documents, as
    review items ("merged: person 'Kim Sung-hwa' in 2 documents: a, b"), so that a curator
    sees every merge the build made."""
    docs: dict[str, list[str]] = {}
    for item in items:
        if match := _SHARED_RE.match(item):
            docs.setdefault(match["name"], []).append(match["doc"])
    return [f"merged: person {name} is one person in {len(found)} documents, by the same "
            f"full name: {', '.join(sorted(found))}"
            for name, found in sorted(docs.items()) if len(found) > 1]


def split_names(text: str | None) -> list[str]:
    """``"Helen Marsh and Mikhail Orlovsky"`` -> both names."""
    if not text:
        return []
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", text)
    return [p.strip() for p in parts if p.strip()]


def is_conversation(doc: Document) -> bool:
    """Whether the document records a conversation (participants) rather than a message."""
    return doc.doc_type in CONVERSATION_TYPES or bool(doc.participants)


def _date_literal(iso: str) -> Literal:
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(iso)]
    return Literal(iso, datatype=datatype)


def _first(writer: FactWriter, text: str | None, *, last: bool = False) -> list[Evidence]:
    if not text:
        return []
    hits = find_all_quotes(writer.source, text)
    if not hits:
        return []
    start, end = hits[-1] if last else hits[0]
    return [writer.span(start, end)]


def _by_editors(writer: FactWriter, s: URIRef, p: URIRef, o: Node, text: str | None) -> None:
    """A statement read from the page's own citation lines (citation, reprint,
    translator): a fact of the archive's editors, with the last passage that says it
    (citations close the page), when the registry knows the editors and the passage is
    found; a plain triple otherwise."""
    writer.graph.add((s, p, o))
    if writer.editors is not None and (evidence := _first(writer, text, last=True)):
        writer.state(s, p, o, evidence, claimed_by=writer.editors, reported=False)


def person_iri(name: str, writer: FactWriter, registry: Registry, review: Review,
               people: Mapping[str, str] | None = None) -> URIRef:
    """The registry person a name refers to, or a provisional person marked for review.

    A provisional person with a full name ("Kim Sung-hwa") is one person in every document
    that gives that full name; a surname or initials ("Ivanov", "V. I. Ivanov") name
    someone only within their document (``people``, from :meth:`Linker.people`, gives the
    fuller name the same document uses), never merged across documents."""
    kg = writer.iris.kg
    ent = registry.resolve(name)
    if ent is not None:
        return ent.iri
    name = (people or {}).get(name, name)
    shared = len(name_words(name)) > 1 and not has_initials(name)
    iri = (writer.iris.entity("person", slugify(name)) if shared
           else writer.iris.id("person", writer.doc_id, slugify(name)))
    g = writer.graph
    g.add((iri, _TYPE, kg.Person))
    label = writer.labels.setdefault(iri, name)
    if label == name:
        g.add((iri, _LABEL, Literal(name, lang="en")))
    else:  # "Kim Sung-hwa", "Kim Sung-Hwa": one person, one label, the other a spelling
        g.add((iri, kg.spelling, Literal(name, lang="en")))
    g.add((iri, kg.needsReview, Literal(True)))
    scope = (SHARED_SCOPE if shared else "a surname or initials: this document's person only")
    review.add(writer.doc_id, f"person {name!r} is not in the registry (minted provisionally; "
                              f"{scope})")
    return iri


def organization_iri(name: str, writer: FactWriter, review: Review) -> URIRef:
    """A provisional organization for an institutional correspondent the registry lacks."""
    kg = writer.iris.kg
    iri = writer.iris.entity("organization", slugify(name))
    g = writer.graph
    g.add((iri, _TYPE, kg.Organization))
    g.add((iri, _LABEL, Literal(name, lang="en")))
    g.add((iri, kg.needsReview, Literal(True)))
    review.add(writer.doc_id,
               f"organization {name!r} is not in the registry (minted provisionally)")
    return iri


def _agent(c: Correspondent, writer: FactWriter, registry: Registry, review: Review,
           country: str | None = None, people: Mapping[str, str] | None = None) -> URIRef:
    name = c.identified_as or c.name
    # The editor's bracket may complete or respell the name ("Mun [Mun Il]").
    ent = next((e for n in (name, c.name, *c.aliases) if (e := registry.resolve(n, country))),
               None)
    if ent is not None:
        return ent.iri
    if getattr(c, "kind", "person") == "organization":
        return organization_iri(name, writer, review)
    return person_iri(name, writer, registry, review, people)


def compile_metadata(doc: Document, writer: FactWriter, registry: Registry,
                     ontology: Ontology, review: Review, linker: Linker | None = None) -> None:
    """Write the record, its communication and their metadata into the document graph.
    With a ``linker``, correspondents' short names ("CC") are read in their senders' state
    (else the document's country) and persons the registry lacks by the name the document
    knows them by."""
    iris = writer.iris
    kg = iris.kg
    g = writer.graph
    record = writer.record
    comm = iris.communication(doc.id)

    g.add((record, _TYPE, kg.ArchivalRecord))
    g.add((record, kg.recordOf if is_conversation(doc) else kg.reproduces, comm))
    g.add((record, kg.sourceFile, Literal(Path(doc.path).name)))
    if doc.title:
        g.add((record, kg.title, Literal(doc.title, lang="en")))
        g.add((record, _LABEL, Literal(doc.title, lang="en")))
        g.add((comm, _LABEL, Literal(doc.title, lang="en")))
    else:
        review.add(doc.id, "no title could be read")
    if doc.summary:
        g.add((record, kg.summary, Literal(doc.summary, lang="en")))
    if doc.record_type:  # the page's "Type" field; the title's kind chooses the class below
        g.add((record, kg.documentType, Literal(doc.record_type)))
    if doc.record_id:
        g.add((record, kg.recordId, Literal(doc.record_id)))
    if doc.rights:
        g.add((record, kg.rights, Literal(doc.rights, lang="en")))
    if doc.date:
        g.add((record, kg.date, _date_literal(doc.date)))

    archival = [c for c in doc.citations if c.archive]
    for cit in doc.citations:
        if not cit.archive:  # a published source (a Chinese edition, say): its text only
            g.add((record, DCTERMS.bibliographicCitation, Literal(cit.text)))
    for n, cit in enumerate(archival, start=1):
        node = iris.citation(doc.id, n)
        _by_editors(writer, record, kg.citation, node, cit.text)
        g.add((node, _TYPE, kg.ArchivalCitation))
        g.add((node, kg.citationText, Literal(cit.text)))
        for prop in ("archive", "fond", "opis", "delo", "folios"):
            value = getattr(cit, prop)
            if value:
                g.add((node, kg[prop], Literal(value)))

    if doc.reprint:
        rp = doc.reprint
        node = iris.reprint(doc.id)
        _by_editors(writer, record, kg.reprintedIn, node, rp.text)
        g.add((node, _TYPE, kg.Reprint))
        g.add((node, DCTERMS.bibliographicCitation, Literal(rp.text)))
        for prop, value in (("bookTitle", rp.title), ("volume", rp.volume), ("book", rp.book),
                            ("period", rp.period), ("publicationPlace", rp.place),
                            ("publisher", rp.publisher), ("pages", rp.pages)):
            if value:
                g.add((node, kg[prop], Literal(value)))
        if rp.year:
            g.add((node, kg.publicationYear, Literal(rp.year, datatype=XSD.integer)))
        for editor in rp.editors:
            g.add((node, kg.editor, person_iri(editor, writer, registry, review)))

    for name in split_names(doc.translator):
        _by_editors(writer, record, kg.translator, person_iri(name, writer, registry, review),
                    doc.translator_text or doc.translator)

    for p in doc.body:
        node = iris.paragraph(doc.id, p.ordinal)
        g.add((record, kg.paragraph, node))
        g.add((node, _TYPE, kg.Paragraph))
        g.add((node, kg.ordinal, integer_literal(p.ordinal, _INTEGER)))
        g.add((node, kg.startOffset, integer_literal(p.start, _INTEGER)))
        g.add((node, kg.endOffset, integer_literal(p.end, _INTEGER)))
        g.add((node, kg.text, Literal(p.text)))

    curated = writer.author is not None  # a curated mapping states the meetings itself
    known = (linker.senders_country(doc) or linker.country(doc), linker.people(doc)) \
        if linker else (None, {})
    _communication(doc, writer, registry, ontology, review, *known)
    if not curated:
        _attendance(doc, writer, registry, review, *known)
    _identifications(doc, writer, registry)


def _communication(doc: Document, writer: FactWriter, registry: Registry,
                   ontology: Ontology, review: Review, country: str | None,
                   known_as: Mapping[str, str]) -> None:
    iris = writer.iris
    kg = iris.kg
    comm = iris.communication(doc.id)
    conversation = is_conversation(doc)
    if conversation:
        cls = kg.Meeting  # a record of conversation documents a meeting, not a message
    else:
        cls = (ontology.class_for_label(doc.doc_type) if doc.doc_type else None) \
            or kg.Communication
    writer.graph.add((comm, _TYPE, cls))
    title_ev = _first(writer, doc.title)
    if writer.author is None and (doc.senders or doc.keepers):
        # Without a curated mapping, the document's first sender (a record's keeper) is
        # its author.
        authors = (*doc.senders, *doc.keepers)  # a person who signs before the body sending
        author = next((c for c in authors if c.kind == "person"), authors[0])
        writer.author = _agent(author, writer, registry, review, country, known_as)
    if doc.date:
        writer.state(comm, kg.date, _date_literal(doc.date), _first(writer, doc.date_text))
    else:
        review.add(doc.id, "no date could be read")
    roles = (
        (doc.participants, kg.participant, None),
        (doc.senders, kg.sender, kg.senderName),
        (doc.recipients, kg.recipient, kg.recipientName),
        (doc.intermediaries, kg.intermediary, None),
        (doc.keepers, kg.recordedBy, None),
    )
    for people, role, name_prop in roles:
        for c in people:
            agent = _agent(c, writer, registry, review, country, known_as)
            writer.state(comm, role, agent, title_ev)
            writer.graph.add((writer.record, kg.mentions, agent))
            if name_prop is not None:
                writer.state(comm, name_prop, Literal(c.name), title_ev)
    if not conversation and not doc.senders:
        review.add(doc.id, "no sender could be read from the title")
    if not conversation and not doc.recipients:
        review.add(doc.id, "no recipient could be read from the title")
    for warning in doc.warnings:
        review.add(doc.id, warning)
    _codenames(doc, writer, registry, title_ev)
    for number in doc.incoming_numbers:
        writer.state(comm, kg.incomingNumber, Literal(number), title_ev)
    sig_ev = _first(writer, doc.signature.text, last=True) if doc.signature else []
    for number in doc.outgoing_numbers:
        writer.state(comm, kg.outgoingNumber, Literal(number), sig_ev)


def _attendance(doc: Document, writer: FactWriter, registry: Registry, review: Review,
                country: str | None, known_as: Mapping[str, str]) -> None:
    """Who the text says was present at each occasion it reports ("At the luncheon ... were
    A, B"): the participants of a record of conversation, or of a meeting the message
    concerns, one per occasion, each statement with its sentence as evidence."""
    kg = writer.iris.kg
    comm = writer.iris.communication(doc.id)
    meetings: dict[str, URIRef] = {}
    for seen in doc.attendance:
        evidence = _first(writer, seen.sentence)
        if is_conversation(doc):
            meeting = comm
        elif (meeting := meetings.get(seen.occasion)) is None:
            meeting = meetings[seen.occasion] = writer.iris.id(
                "meeting", f"{doc.id}-{seen.occasion}")
            writer.graph.add((meeting, _TYPE, kg.Meeting))
            writer.graph.add((meeting, _LABEL, Literal(
                f"The {seen.occasion} reported in {doc.title or doc.id}", lang="en")))
            writer.state(comm, kg.concerns, meeting, evidence)
        people = [_agent(c, writer, registry, review, country, known_as) for c in seen.people]
        if seen.author and writer.author is not None:
            people.insert(0, writer.author)  # "myself"
        for agent in people:
            writer.state(meeting, kg.participant, agent, evidence)
            writer.graph.add((writer.record, kg.mentions, agent))


def _codenames(doc: Document, writer: FactWriter, registry: Registry,
               fallback: list[Evidence]) -> None:
    """Cover names the page identifies ("Filippov [Stalin]") as codenames of the person,
    with the passage that identifies them."""
    kg = writer.iris.kg
    editors = registry.entities.get(EDITORS)
    for code in doc.codenames:
        ent = registry.resolve(code.person)
        if ent is None or ent.section != "persons":
            continue
        # Square brackets are the editors' identification; parentheses are the text's own.
        forms = ((f"{code.name} [{code.person}]", True), (f"{code.person} [{code.name}]", True),
                 (f"{code.name} ({code.person})", False))
        found = [(ev, bracketed) for form, bracketed in forms if (ev := _first(writer, form))]
        evidence, bracketed = found[0] if found else (fallback, True)
        claimant = editors.iri if bracketed and editors else None
        writer.state(ent.iri, kg.codename, Literal(code.name), evidence, claimed_by=claimant,
                     reported=False if claimant else None)


def _identifications(doc: Document, writer: FactWriter, registry: Registry) -> None:
    """Editors' bracketed identifications (``Filippov [Stalin]``) linked to the entity."""
    kg = writer.iris.kg
    for b in doc.brackets:
        if b.kind != "identification":
            continue
        ent = registry.resolve(b.inside) or (registry.resolve(b.before) if b.before else None)
        if ent is None:
            continue
        ann = writer.annotate(writer.span(b.start, b.end), ent.iri, motivation=_IDENTIFYING)
        writer.graph.add((ann, _TYPE, kg.EditorialIdentification))
        writer.graph.add((writer.record, kg.mentions, ent.iri))


def compile_mentions(doc: Document, writer: FactWriter, linker: Linker, registry: Registry,
                     review: Review) -> int:
    """Record every name the linker finds as a mention annotation; report what it could
    not resolve. Returns the number of mentions linked."""
    kg = writer.iris.kg
    linked = 0
    people = linker.people(doc)
    for m in linker.mentions(doc):
        if m.entity is not None:
            target = m.entity.iri
        elif m.provisional:
            target = person_iri(m.provisional, writer, registry, review, people)
        else:
            names = ", ".join(f"{c.label} ({c.id})" for c in m.candidates)
            review.add(doc.id, f"line {writer.line_of(m.start)}: ambiguous name {m.text!r} "
                               f"could be {names}; the document does not say which")
            continue
        ann = writer.annotate(writer.span(m.start, m.end), target, motivation=_IDENTIFYING)
        writer.graph.add((ann, _TYPE, kg.Mention))
        writer.graph.add((writer.record, kg.mentions, target))
        linked += 1
    return linked
