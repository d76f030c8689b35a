"""What a person reads about a resource: its data document turned into labelled rows, each
with the passages that support it, inferred rows marked. Used by the HTML pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.mapping.iris import short_hash
from kg.read.describe import LABEL, RDF, Description

OA = "http://www.w3.org/ns/oa#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
#: Provenance plumbing shown through the rows, not as rows of their own.
HIDDEN = {RDF + "subject", RDF + "predicate", RDF + "object"}
#: Shown once in the page's header (the Wikidata link), not again as rows.
IN_HEADER = {SKOS_EXACT}
IN_HEADER_KG = {"wikidata"}


@dataclass
class Evidence:
    quote: str
    document: str  # the record's IRI
    title: str
    start: int
    claimed_by: str | None = None
    reported_by: str | None = None


@dataclass
class Row:
    predicate: str
    predicate_label: str
    value: str
    value_label: str
    is_iri: bool
    incoming: bool
    inferred: bool
    evidence: list[Evidence] = field(default_factory=list)
    statement: str = ""  # the statement's hash: /why/<hash> explains an inferred row
    when: str = ""  # the date of the value, for communications and other dated events
    stated_as: str = ""  # the stated reading (inverse or symmetric) an inferred row restates

    @property
    def key(self) -> str:
        """What the row states, whichever way it is read: one row per key on a page."""
        return f"{self.predicate} {self.value}"

    @property
    def is_url(self) -> bool:
        return not self.is_iri and self.value.startswith(("http://", "https://"))


#: How a page groups a resource's statements, by (property local name, pointing here?).
#: The first section that claims a row gets it; what no section claims stays under
#: "Other statements" or "Referred to by".
SECTIONS: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = (
    ("Names", (("codename", False), ("spelling", False), ("description", False))),
    ("Posts and roles", (("holds", False), ("post", False), ("inOrganization", False),
                         ("holder", False), ("leader", True), ("leads", False))),
    ("Communications", (("sent", False), ("received", False), ("relayed", False),
                        ("sender", True), ("recipient", True), ("intermediary", True),
                        ("wroteTo", False), ("wroteTo", True), ("correspondedWith", False),
                        ("sender", False), ("recipient", False), ("intermediary", False),
                        ("senderName", False), ("recipientName", False),
                        ("incomingNumber", False), ("outgoingNumber", False))),
    ("Characterizations", (("assessed", True), ("assessor", True), ("assessor", False),
                           ("assessed", False), ("quality", False))),
    ("Deviations", (("led", False), ("supported", False), ("ledBy", True),
                    ("supportedBy", True), ("mostActiveSupporter", True))),
    ("Leader, supporters and consequences", (("ledBy", False), ("supportedBy", False),
                                             ("mostActiveSupporter", False),
                                             ("direction", False), ("ordinal", False),
                                             ("consequence", False))),
    ("Operations", (("commanded", False), ("commander", True))),
    ("Forces, figures and outcomes", (("commander", False), ("forces", False),
                                      ("force", False), ("strength", False),
                                      ("opposingForce", False), ("side", False),
                                      ("outcome", False), ("status", False),
                                      ("quantityKind", False), ("value", False),
                                      ("valueBefore", False), ("valueAfter", False),
                                      ("unit", False), ("qualifier", False))),
    ("Meetings, events and plans", (("participatedIn", False), ("participant", True),
                                    ("participant", False), ("concerns", True),
                                    ("intendedBy", True))),
    ("Where and when", (("place", False), ("date", False), ("startDate", False),
                        ("endDate", False), ("duration", False), ("partOfEvent", False))),
    ("Membership and parts", (("memberOf", False), ("memberOf", True), ("partOf", False),
                              ("partOf", True), ("subOrganizationOf", False),
                              ("subOrganizationOf", True))),
    ("Mentioned in", (("mentions", True),)),
)


@dataclass
class ResourceView:
    iri: str
    label: str
    types: list[tuple[str, str]]
    wikidata: list[str]
    rows: list[Row]

    def sections(self) -> list[tuple[str, list[Row]]]:
        """The rows grouped under the headings of :data:`SECTIONS`, in that order, then
        the rest: other statements, and what refers to this resource."""
        grouped: dict[str, list[Row]] = {}
        for row in self.rows:
            key = (row.predicate.rsplit("#", 1)[-1], row.incoming)
            title = next((t for t, keys in SECTIONS if key in keys),
                         "Referred to by" if row.incoming else "Other statements")
            grouped.setdefault(title, []).append(row)
        order = [t for t, _ in SECTIONS] + ["Other statements", "Referred to by"]
        return [(t, grouped[t]) for t in order if t in grouped]


def _index(triples: list[ox.Triple]) -> dict[ox.NamedNode | ox.BlankNode, dict[str, list]]:
    out: dict = {}
    for t in triples:
        out.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    return out


def _label(index: dict, term: object) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    labels = index.get(term, {}).get(LABEL.value, [])
    english = [lab.value for lab in labels if getattr(lab, "language", None) in (None, "en")]
    if english:
        return sorted(english)[0]
    text = getattr(term, "value", str(term))
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _own(t: ox.Triple, kg: str) -> bool:
    if t.predicate.value == RDF + "type":
        return isinstance(t.object, ox.NamedNode) and t.object.value.startswith(kg)
    return t.predicate.value.startswith(kg) or t.predicate.value == SKOS_EXACT


def inverse_properties(store: ox.Store, base: str) -> dict[str, str]:
    """Each ontology property with an inverse, mapped to it (both ways); a symmetric
    property maps to itself. A page states such a fact once, read from its own side."""
    out: dict[str, str] = {}
    for p, q in store.query(f"""
            SELECT ?p ?q WHERE {{ GRAPH <{base}/graph/ontology> {{
              {{ ?p <{OWL}inverseOf> ?q }} UNION {{ ?p a <{OWL}SymmetricProperty> BIND(?p AS ?q) }}
            }} }}"""):
        out[p.value] = q.value
        out.setdefault(q.value, p.value)
    return out


def dates_of(store: ox.Store, iris: list[str], base: str) -> dict[str, str]:
    """The ``kg:date`` (else ``kg:startDate``) of each of ``iris`` that has one."""
    kg = f"{base}/ontology#"
    out: dict[str, str] = {}
    for iri in iris:
        for prop in ("date", "startDate"):
            found = sorted(q.object.value for q in store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(kg + prop), None, None))
            if found:
                out[iri] = found[0]
                break
    return out


def _one_reading(rows: list[Row], inverses: dict[str, str]) -> list[Row]:
    """Each fact once: an incoming row whose inverse (or symmetric twin) is also a row is
    merged into that outgoing row, which keeps the evidence of both and counts as stated
    when either reading is."""
    outgoing = {(r.predicate, r.value): r for r in rows if not r.incoming}
    kept = []
    for row in rows:
        twin = outgoing.get((inverses.get(row.predicate, ""), row.value)) if row.incoming \
            else None
        if twin is None:
            kept.append(row)
            continue
        if not row.inferred and twin.inferred:
            twin.inferred = False
            twin.stated_as = row.predicate_label
        twin.evidence = sorted([*twin.evidence, *row.evidence], key=lambda e: (e.title, e.start))
    return kept


def resource_view(d: Description, base: str, inverses: dict[str, str] | None = None,
                  dates: dict[str, str] | None = None) -> ResourceView:
    """Rows of a resource's page: outgoing then incoming, with evidence and inferred marks.
    With ``inverses`` (:func:`inverse_properties`) each fact is stated once; ``dates``
    (:func:`dates_of`) dates the values that are events."""
    kg = f"{base}/ontology#"
    me = ox.NamedNode(d.iri)
    index = _index(d.triples)

    facts: dict[tuple, list[Evidence]] = {}
    for props in index.values():
        if ox.NamedNode(kg + "Fact") not in props.get(RDF + "type", []):
            continue
        key = (props[RDF + "subject"][0], props[RDF + "predicate"][0], props[RDF + "object"][0])
        claimed = props.get(kg + "claimedBy", [None])[0]
        reported = props.get(kg + "reportedBy", [None])[0]
        record = props.get(kg + "statedIn", [None])[0]
        for ann in props.get(kg + "evidence", []):
            for target in index.get(ann, {}).get(OA + "hasTarget", []):
                quote, start = "", 0
                for sel in index.get(target, {}).get(OA + "hasSelector", []):
                    sel_props = index.get(sel, {})
                    if OA + "exact" in sel_props:
                        quote = sel_props[OA + "exact"][0].value
                    if OA + "start" in sel_props:
                        start = int(sel_props[OA + "start"][0].value)
                facts.setdefault(key, []).append(Evidence(
                    quote, getattr(record, "value", ""), _label(index, record), start,
                    _label(index, claimed) if claimed else None,
                    _label(index, reported) if reported else None))

    rows = []
    for t in sorted(d.asserted | d.inferred, key=lambda t: (str(t.predicate), str(t.object))):
        if t.predicate.value in HIDDEN or t.predicate == LABEL and t.subject == me:
            continue
        if not _own(t, kg):
            continue  # alignments to other vocabularies live in the data document
        if t.predicate.value in IN_HEADER or \
                t.predicate.value.removeprefix(kg) in IN_HEADER_KG and t.subject == me:
            continue
        if t.predicate.value == RDF + "type" and t.subject == me:
            continue  # the header names the types the data states (not Agent, inferred)
        incoming = t.subject != me
        other = t.subject if incoming else t.object
        rows.append(Row(
            predicate=t.predicate.value,
            predicate_label=_label(index, t.predicate),
            value=getattr(other, "value", str(other)),
            value_label=_label(index, other),
            is_iri=isinstance(other, ox.NamedNode),
            incoming=incoming,
            inferred=t in d.inferred and t not in d.asserted,
            evidence=sorted(facts.get((t.subject, t.predicate, t.object), []),
                            key=lambda e: (e.title, e.start)),
            statement=short_hash(t.subject, t.predicate, t.object),
            when=(dates or {}).get(getattr(other, "value", ""), ""),
        ))
    rows = _one_reading(rows, inverses or {})
    types = sorted({(t.object.value, _label(index, t.object)) for t in d.asserted
                    if t.subject == me and t.predicate.value == RDF + "type"
                    and t.object.value.startswith(kg)})
    wikidata = sorted(o.value for o in index.get(me, {}).get(SKOS_EXACT, []))
    return ResourceView(d.iri, _label(index, me), types, wikidata, rows)


@dataclass
class Span:
    """A run of a paragraph's text: plain, a mention (linked) and/or inside evidence."""

    text: str
    link: str | None = None
    evidence: bool = False
    start: int = 0


@dataclass
class DocumentView:
    iri: str
    title: str
    paragraphs: list[tuple[int, int, list[Span]]]  # (ordinal, start offset, spans)


def document_view(store: ox.Store, record: str, base: str) -> DocumentView | None:
    """A record's body with mentions linked and evidence passages marked, by offsets."""
    kg = f"{base}/ontology#"
    rows = list(store.query(f"""
        SELECT ?n ?start ?text WHERE {{
          <{record}> <{kg}paragraph> ?p . ?p <{kg}ordinal> ?n ; <{kg}startOffset> ?start ;
                                              <{kg}text> ?text }}""",
                            use_default_graph_as_union=True))
    if not rows:
        return None
    title_rows = list(store.query(f"SELECT ?t WHERE {{ <{record}> <{kg}title> ?t }} LIMIT 1",
                                  use_default_graph_as_union=True))
    anns = list(store.query(f"""
        SELECT DISTINCT ?kind ?body ?s ?e WHERE {{
          ?a <{OA}hasTarget> ?t ; <{OA}hasBody> ?body ; a ?kind .
          ?t <{OA}hasSource> <{record}> ; <{OA}hasSelector> ?sel .
          ?sel <{OA}start> ?s ; <{OA}end> ?e .
          FILTER(?kind IN (<{kg}Mention>, <{OA}Annotation>)) }}""",
                            use_default_graph_as_union=True))
    mentions: list[tuple[int, int, str]] = []
    evidence: list[tuple[int, int]] = []
    for kind, body, s, e in anns:
        span = (int(s.value), int(e.value))
        if kind.value == kg + "Mention":
            mentions.append((*span, body.value))
        elif body.value.startswith(f"{base}/id/fact/"):
            evidence.append(span)
    paragraphs = []
    for n, start, text in sorted(rows, key=lambda r: int(r[0].value)):
        p_start = int(start.value)
        paragraphs.append((int(n.value), p_start,
                           _spans(text.value, p_start, mentions, evidence)))
    title = title_rows[0][0].value if title_rows else record
    return DocumentView(record, title, paragraphs)


def _spans(text: str, offset: int, mentions: list[tuple[int, int, str]],
           evidence: list[tuple[int, int]]) -> list[Span]:
    end = offset + len(text)
    cuts = {offset, end}
    inside = [(s, e, link) for s, e, link in mentions if offset <= s and e <= end]
    for s, e, _ in inside:
        cuts |= {s, e}
    for s, e in evidence:
        if s < end and e > offset:
            cuts |= {max(s, offset), min(e, end)}
    points = sorted(cuts)
    spans = []
    for a, b in zip(points, points[1:], strict=False):
        link = next((lk for s, e, lk in inside if s <= a and b <= e), None)
        marked = any(s <= a and b <= e for s, e in evidence)
        spans.append(Span(text[a - offset:b - offset], link, marked, a))
    return spans


@dataclass
class PassageFact:
    subject: tuple[str, str]  # (IRI, label)
    predicate: str
    object: tuple[str | None, str]  # (IRI or None for a literal, label)
    claimed_by: str | None = None
    reported_by: str | None = None


@dataclass
class Passage:
    """An evidence passage of a document and the facts it supports."""

    start: int
    end: int
    quote: str
    facts: list[PassageFact] = field(default_factory=list)


def document_passages(store: ox.Store, record: str, base: str) -> list[Passage]:
    """Every evidence passage of a record (by offsets), with the facts it supports."""
    kg = f"{base}/ontology#"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    rows = store.query(f"""
        SELECT ?s ?e ?quote ?subj ?sl ?pl ?obj ?ol ?claimed ?reported WHERE {{
          ?a <{OA}hasBody> ?fact ; <{OA}hasTarget> ?t .
          ?t <{OA}hasSource> <{record}> ; <{OA}hasSelector> ?sel, ?qs .
          ?sel <{OA}start> ?s ; <{OA}end> ?e . ?qs <{OA}exact> ?quote .
          ?fact a <{kg}Fact> ; <{RDF}subject> ?subj ; <{RDF}predicate> ?pred ;
                <{RDF}object> ?obj .
          OPTIONAL {{ ?subj {label} ?sl }} OPTIONAL {{ ?pred {label} ?pl FILTER(LANG(?pl) = "en") }}
          OPTIONAL {{ ?obj {label} ?ol }}
          OPTIONAL {{ ?fact <{kg}claimedBy>/{label} ?claimed }}
          OPTIONAL {{ ?fact <{kg}reportedBy>/{label} ?reported }}
        }}""", use_default_graph_as_union=True)
    passages: dict[tuple[int, int], Passage] = {}
    seen: set[tuple] = set()
    for s, e, quote, subj, sl, pl, obj, ol, claimed, reported in rows:
        key = (int(s.value), int(e.value))
        passage = passages.setdefault(key, Passage(*key, quote.value))
        fact = PassageFact(
            (subj.value, sl.value if sl else subj.value.rsplit("/", 1)[-1]),
            pl.value if pl else "",
            (obj.value if isinstance(obj, ox.NamedNode) else None,
             ol.value if ol else obj.value.rsplit("/", 1)[-1] if isinstance(obj, ox.NamedNode)
             else obj.value),
            claimed.value if claimed else None, reported.value if reported else None)
        if (key, str(fact)) not in seen:
            seen.add((key, str(fact)))
            passage.facts.append(fact)
    return sorted(passages.values(), key=lambda p: (p.start, p.end))


def passages_of(span: Span, passages: list[Passage]) -> list[Passage]:
    """The evidence passages a span of text lies in."""
    end = span.start + len(span.text)
    return [p for p in passages if p.start <= span.start and end <= p.end]
