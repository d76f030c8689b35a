"""Facts with their evidence: every curated statement is asserted in its document's graph
and reified as a ``kg:Fact`` that says who claims it, who reports it, and which passage
supports it (a W3C Web Annotation with quote and position selectors).

Who claims a fact, when the mapping does not say: the author, for what the body of the
document states; the archive's editors (``editors``), for what only the page's own lines
state (title, date line, citation), read outside the body. Claims of the editors, the
translator or the curators (``editorial``) are never reported speech: the author does not
report them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from kg.errors import MappingError
from kg.ingest.document import find_all_quotes
from kg.mapping.iris import OA, Iris, integer_literal, mint, plain_literal

Triple = tuple[Node, Node, Node]

CONTEXT_CHARS = 32
# rdflib makes a new URIRef on every RDF.x / XSD.x access: these are made once. (Annotations
# are most of a document graph: their terms are module constants, read without look-ups.)
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_OFFSET = XSD.nonNegativeInteger
_ANNOTATION, _MOTIVATED_BY, _HAS_BODY, _HAS_TARGET = (
    OA.Annotation, OA.motivatedBy, OA.hasBody, OA.hasTarget)
_SPECIFIC_RESOURCE, _HAS_SOURCE, _HAS_SELECTOR = (
    OA.SpecificResource, OA.hasSource, OA.hasSelector)
_QUOTE_SELECTOR, _EXACT, _PREFIX, _SUFFIX = (
    OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix)
_POSITION_SELECTOR, _START, _END = OA.TextPositionSelector, OA.start, OA.end


@dataclass
class Evidence:
    """A located passage of a document's source text."""

    start: int
    end: int
    exact: str


@dataclass
class FactWriter:
    """Writes one document's facts into its graph."""

    iris: Iris
    doc_id: str
    source: str
    graph: set[Triple]
    author: URIRef | None = None
    #: Who claims what only the page's own lines (outside ``body``) state.
    editors: URIRef | None = None
    #: Claimants who make the page or the graph, not its text: never reported speech.
    editorial: frozenset[URIRef] = frozenset()
    #: The body's paragraphs as (start, end) offsets, in order.
    body: tuple[tuple[int, int], ...] = ()
    facts: int = 0
    _seen: set[URIRef] = field(default_factory=set)
    #: The document's archival record, the object of many triples: made once.
    record: URIRef = field(init=False)
    # The target of each passage (start, end), written once: the facts of one mapping
    # entry, each with its own annotation, share their passages.
    _targets: dict[tuple[int, int], URIRef] = field(default_factory=dict)
    #: The label of each node minted for this document (a provisional person): one each.
    labels: dict[URIRef, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.record = self.iris.document(self.doc_id)

    def locate(self, quote: str, *, file: str, line: int) -> Evidence:
        """Find ``quote`` in the document, whitespace-insensitively; it must be unique."""
        if not quote.strip():
            raise MappingError("empty quote; copy the passage that states the fact",
                               file=file, line=line)
        hits = find_all_quotes(self.source, quote)
        if not hits:
            raise MappingError(
                f"quote not found in document {self.doc_id}: {_clip(quote)!r}; copy it "
                "verbatim from the document (only whitespace may differ)",
                file=file, line=line,
            )
        if len(hits) > 1:
            where = ", ".join(f"line {self.line_of(s)}" for s, _ in hits[:5])
            raise MappingError(
                f"quote occurs {len(hits)} times in document {self.doc_id} ({where}): "
                f"{_clip(quote)!r}; lengthen it until it is unique",
                file=file, line=line,
            )
        start, end = hits[0]
        return Evidence(start, end, self.source[start:end])

    def span(self, start: int, end: int) -> Evidence:
        return Evidence(start, end, self.source[start:end])

    def line_of(self, offset: int) -> int:
        return self.source.count("\n", 0, offset) + 1

    def state(
        self,
        s: URIRef,
        p: URIRef,
        o: Node,
        evidence: list[Evidence],
        *,
        claimed_by: URIRef | None = None,
        note: str | None = None,
        reported: bool | None = None,
    ) -> URIRef:
        """Assert ``s p o`` in the document graph with its fact node and evidence.

        A claim by someone other than the author is reported speech (the author reports
        it) unless ``reported`` is False: the editors' own identifications, for example.
        """
        kg = self.iris.kg
        g = self.graph
        g.add((s, p, o))
        fact = self.iris.fact(self.doc_id, s, p, o)
        if claimed_by is None and self.editors is not None and self.outside_body(evidence):
            claimed_by = self.editors
        claimant = claimed_by or self.author
        if fact not in self._seen:
            self._seen.add(fact)
            self.facts += 1
            if reported is None:
                reported = (claimed_by is not None and claimed_by != self.author
                            and claimed_by != self.editors and claimed_by not in self.editorial)
            g.add((fact, _TYPE, kg.Fact))
            if reported:
                g.add((fact, _TYPE, kg.ReportedClaim))
            g.add((fact, _SUBJECT, s))
            g.add((fact, _PREDICATE, p))
            g.add((fact, _OBJECT, o))
            g.add((fact, kg.statedIn, self.record))
            if claimant is not None:
                g.add((fact, kg.claimedBy, claimant))
            if reported and self.author is not None:
                g.add((fact, kg.reportedBy, self.author))
        if note:
            g.add((fact, kg.note, Literal(note, lang="en")))
        for ev in evidence:
            g.add((fact, kg.evidence, self.annotate(ev, fact)))
        return fact

    def outside_body(self, evidence: list[Evidence]) -> bool:
        """Whether every passage of ``evidence`` lies outside the body's paragraphs (in
        the page's title, date line or citation); False without evidence or body."""
        if not evidence or not self.body:
            return False
        starts = self._body_starts
        for ev in evidence:
            i = bisect_right(starts, ev.start) - 1
            if i >= 0 and ev.start < self.body[i][1]:
                return False
        return True

    @property
    def _body_starts(self) -> list[int]:
        return [start for start, _ in self.body]

    def annotate(self, ev: Evidence, body: Node, motivation: URIRef = OA.describing) -> URIRef:
        """A Web Annotation whose target is the passage ``ev`` and whose body is ``body``."""
        g = self.graph
        ann = self.iris.annotation(self.doc_id, ev.start, ev.end, body)
        g.add((ann, _TYPE, _ANNOTATION))
        g.add((ann, _MOTIVATED_BY, motivation))
        g.add((ann, _HAS_BODY, body))
        g.add((ann, _HAS_TARGET, self._target(ev)))
        return ann

    def _target(self, ev: Evidence) -> URIRef:
        """The passage ``ev`` as an ``oa:SpecificResource`` of the record, with a quote and
        a position selector: one node per passage, shared by every annotation of it."""
        span = (ev.start, ev.end)
        target = self._targets.get(span)
        if target is not None:
            return target
        g = self.graph
        source, start, end = self.source, ev.start, ev.end
        target = self._targets[span] = self.iris.passage(self.doc_id, start, end)
        text = str(target)  # and a word: nothing to check (see mint)
        quote, position = mint(text + "/quote"), mint(text + "/position")
        g.add((target, _TYPE, _SPECIFIC_RESOURCE))
        g.add((target, _HAS_SOURCE, self.record))
        g.add((target, _HAS_SELECTOR, quote))
        g.add((target, _HAS_SELECTOR, position))
        g.add((quote, _TYPE, _QUOTE_SELECTOR))
        g.add((quote, _EXACT, plain_literal(ev.exact)))
        g.add((quote, _PREFIX, plain_literal(source[max(0, start - CONTEXT_CHARS):start])))
        g.add((quote, _SUFFIX, plain_literal(source[end:end + CONTEXT_CHARS])))
        g.add((position, _TYPE, _POSITION_SELECTOR))
        g.add((position, _START, integer_literal(start, _OFFSET)))
        g.add((position, _END, integer_literal(end, _OFFSET)))
        return target


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
