"""IRI minting: readable, slash-separated, stable from one build to the next.

Every IRI is derived from the configured base and from names in the data (file stems,
registry ids, mapping node ids) or from content hashes, never from run order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from rdflib import Literal, Namespace, URIRef


class Terms(Namespace):
    """An rdflib namespace that makes each of its terms once. (rdflib's makes and checks a
    new URIRef on every attribute access, which adds up over millions of triples.)"""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = Namespace.__getattr__(self, name)
        self.__dict__[name] = term
        return term


def mint(iri: str) -> URIRef:
    """The URIRef of ``iri``, known to be well formed: made of parts already checked in
    another IRI, and of hex digits or plain words (an annotation's ``/target``). rdflib's
    constructor scans every IRI it makes for characters an IRI may not hold, only to log a
    warning; a document graph has thousands of fact and annotation nodes."""
    return str.__new__(URIRef, iri)


@lru_cache(maxsize=1 << 16)
def integer_literal(value: int, datatype: URIRef) -> Literal:
    """The literal of a whole number (a character offset, an ordinal), made once per value:
    rdflib takes 10 microseconds to make one, and the same offsets recur from one document to
    the next. (An int, not a bool: ``True`` would find the literal of 1.)"""
    return Literal(value, datatype=datatype)


def plain_literal(text: str) -> Literal:
    """The plain literal of ``text``, as ``Literal(text)`` makes it. (Normalizing would cast
    the string to itself, a fifth of the cost.)"""
    return Literal(text, normalize=False)


OA = Terms("http://www.w3.org/ns/oa#")
PROV = Terms("http://www.w3.org/ns/prov#")
SKOS = Terms("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Terms("http://purl.org/dc/terms/")
WD = Terms("http://www.wikidata.org/entity/")

#: The path segment for a node of a class (or of any subclass of it), most specific first.
KIND_OF_CLASS: tuple[tuple[str, str], ...] = (
    ("Person", "person"),
    ("Organization", "organization"),
    ("Place", "place"),
    ("MilitaryOperation", "operation"),
    ("War", "operation"),
    ("Meeting", "meeting"),
    ("PoliticalDeviation", "deviation"),
    ("Communication", "communication"),
    ("Quantity", "quantity"),
    ("QuantityChange", "change"),
    ("Characterization", "characterization"),
    ("Plan", "plan"),
    ("PositionHolding", "position"),
    ("ForceCommitment", "force"),
    ("Fact", "claim"),
    ("Event", "event"),
)

_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``"Mao Zedong"`` -> ``"mao-zedong"``; accents folded, punctuation dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", ascii_text.lower()).strip("-") or "x"


def short_hash(*parts: object) -> str:
    """A 12-hex-digit content hash of ``parts``: stable across runs and machines."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8"))
    return digest.hexdigest()[:12]


class Iris:
    """Mints the project's IRIs under one base."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.kg = Terms(self.base + "/ontology#")
        self.ontology = URIRef(self.base + "/ontology")

    def id(self, kind: str, *names: str) -> URIRef:
        return URIRef("/".join([self.base, "id", kind, *names]))

    def entity(self, kind: str, ident: str) -> URIRef:
        return self.id(kind, ident)

    def document(self, doc: str) -> URIRef:
        return self.id("document", doc)

    def communication(self, doc: str) -> URIRef:
        return self.id("communication", doc)

    def paragraph(self, doc: str, ordinal: int) -> URIRef:
        return self.id("document", doc, f"p{ordinal}")

    def citation(self, doc: str, ordinal: int) -> URIRef:
        return self.id("citation", doc, str(ordinal))

    def reprint(self, doc: str) -> URIRef:
        return self.id("reprint", doc)

    def fact(self, doc: str, s: object, p: object, o: object) -> URIRef:
        return self._hashed("fact", doc, short_hash(s, p, o))

    def annotation(self, doc: str, *parts: object) -> URIRef:
        return self._hashed("annotation", doc, short_hash(*parts))

    def passage(self, doc: str, start: int, end: int) -> URIRef:
        """The passage of document ``doc`` from character ``start`` to ``end``: the target
        its annotations share. Under ``/id/annotation/``, with the annotations: provenance."""
        return mint(f"{self.base}/id/annotation/{doc}/passage/{start}-{end}")

    def _hashed(self, kind: str, doc: str, digest: str) -> URIRef:
        """A node of document ``doc`` named by a content hash. Left unchecked (see
        :func:`mint`): its characters are the base's, the document id's (both checked in the
        document's own IRI) and hex digits; a document graph has hundreds of these."""
        return mint(f"{self.base}/id/{kind}/{doc}/{digest}")

    def graph(self, *names: str) -> URIRef:
        return URIRef("/".join([self.base, "graph", *names]))

    def document_graph(self, doc: str) -> URIRef:
        return self.graph("document", doc)

    @property
    def registry_graph(self) -> URIRef:
        return self.graph("registry")

    @property
    def ontology_graph(self) -> URIRef:
        return self.graph("ontology")

    @property
    def inferred_graph(self) -> URIRef:
        return self.graph("inferred")

    def is_provenance(self, iri: object) -> bool:
        """Whether ``iri`` is a fact node or part of an evidence annotation."""
        text = str(iri)
        return text.startswith((self.base + "/id/fact/", self.base + "/id/annotation/"))

    def is_entity(self, iri: object) -> bool:
        return isinstance(iri, URIRef) and str(iri).startswith(self.base + "/id/")
