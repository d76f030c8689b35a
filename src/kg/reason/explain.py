"""Why does the graph say this? One derivation for every inferred statement.

A reasoner says *what* follows from the documents and the ontology; the rules of
:mod:`kg.reason.rules` also say *why*: they derive in rounds, so every inferred triple has
one derivation whose premises are asserted statements or statements derived in an earlier
round (an explanation never goes in a circle). Whichever engine inferred, the explanations
are made the same way, by :func:`derivations`. Rules: class membership up
``rdfs:subClassOf`` and across ``owl:equivalentClass``, ``rdfs:domain`` and ``rdfs:range``,
``rdfs:subPropertyOf`` and ``owl:equivalentProperty``, ``owl:inverseOf``,
``owl:SymmetricProperty``, ``owl:TransitiveProperty`` and ``owl:propertyChainAxiom``.

Each derivation is written as RDF by :class:`Explanations`, so it can be stored beside the
inferred graph, queried and served as linked data: an explanation node per inferred
statement, carrying the statement and its premises, and one shared node per rule and
axiom it applies.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.mapping.iris import Iris, short_hash
from kg.reason import rules
from kg.reason.rules import (
    CHAIN,
    DOMAIN,
    EQUIVALENT_CLASS,
    EQUIVALENT_PROPERTY,
    INVERSE,
    RANGE,
    SUBCLASS,
    SUBPROPERTY,
    SYMMETRIC,
    TRANSITIVE,
    Derivation,
)

Triple = tuple[Node, Node, Node]

#: Rule names as shown to readers, with the OWL 2 RL rule they implement.
OWL2RL_RULE = {SUBCLASS: "cax-sco", EQUIVALENT_CLASS: "cax-eqc", DOMAIN: "prp-dom",
               RANGE: "prp-rng", SUBPROPERTY: "prp-spo1", EQUIVALENT_PROPERTY: "prp-eqp",
               INVERSE: "prp-inv", SYMMETRIC: "prp-symp", TRANSITIVE: "prp-trp",
               CHAIN: "prp-spo2"}
#: The rule of inferred statements no rule derives (none, for this ontology).
UNEXPLAINED = "unexplained"
# rdflib's RDF namespace makes a new term on every attribute access.
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object


def statement_hash(s: object, p: object, o: object) -> str:
    """The hash naming a statement's nodes (``/id/explanation/<h>``, and the
    ``/id/inferred/<h>`` marks of data documents).

    Terms are hashed in their N-Triples form, the same string pyoxigraph gives for its
    terms, so :mod:`kg.read.describe` (pyoxigraph) and this module (rdflib) agree."""
    return short_hash(*(_nt(t) for t in (s, p, o)))


def _nt(term: object) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return str(ox.Literal(str(term), datatype=datatype))
    return str(term)


def derivations(data: Iterable[Triple], ontology: Iterable[Triple],
                evidenced: Container[Triple] = ()) -> dict[Triple, Derivation]:
    """One derivation for each statement the rules derive from ``data`` and ``ontology``,
    well-founded (premises are asserted, or derived in an earlier round), preferring
    premises in ``evidenced`` (statements quoted from a document).

    This is how every explanation is made, whichever engine inferred: the ``rules`` engine
    reasons by the very same call (:func:`kg.reason.engines.rules_closure`, strict), so the
    build reuses its result; after another engine, the call is made here, not strict, and
    what the rules cannot derive (an axiom outside them) is marked unexplained instead of
    failing the build.
    """
    return rules.closure(itertools.chain(ontology, data), evidenced, strict=False).derivations


#: A subject of the explanations graph: its N-Triples form, its lines (or, for lines written
#: before, their digest: :class:`Written`), how many.
Subject = tuple[str, str | int, int]


@dataclass
class Written:
    """Explanations written before for the statements of a closure kept between builds
    (:mod:`kg.reason.base`), given again as they were, unmade, while a statement keeps the
    derivation ``derivations`` gives it and each premise stays what it was then (derived, or
    asserted without a fact node: what decides its node). With ``fill``, the explanations
    being written fill these (those with no blank node); :meth:`seal` then trades their
    lines for the digests of the rows they were written as, kept in a file of their own
    (:mod:`kg.store.explanations` reads a subject's lines there when it needs them)."""

    derivations: Mapping[Triple, Derivation]
    #: Statement -> the lines of its explanation node.
    explanations: dict[Triple, Subject] = field(default_factory=dict)
    #: Premise asserted without a fact node -> its node, and the lines of that node.
    asserted: dict[Triple, tuple[URIRef, Subject]] = field(default_factory=dict)
    fill: bool = False

    def seal(self, digests: Mapping[str, int]) -> None:
        """Keep each subject's digest in ``digests`` instead of its lines; stop filling."""
        self.fill = False
        self.explanations = {t: (k, digests[k], n) for t, (k, _, n) in
                             self.explanations.items() if k in digests}
        self.asserted = {t: (node, (k, digests[k], n)) for t, (node, (k, _, n)) in
                         self.asserted.items() if k in digests}


class Explanations:
    """The explanations of inferred statements, written as N-Quads (:meth:`write`): the
    one writer of the explanations graph.

    ``data`` is the asserted data the reasoner ran on, without the provenance layer;
    ``facts`` gives the fact nodes stating a triple; ``found`` the derivations when the
    reasoner made them already (the ``rules`` engine), else :func:`derivations` makes them.
    For an inferred ``s p o`` with hash ``h`` (:func:`statement_hash`), the explanation
    reifies the statement itself and points at the rule that derived it::

        <base>/id/explanation/h  a kg:Explanation ;
            rdf:subject s ; rdf:predicate p ; rdf:object o ;
            kg:derivedBy <base>/id/rule/prp-inv-<hash> ;
            kg:premise <fact node> | <explanation> | <base>/id/asserted/h2 .

        <base>/id/rule/prp-inv-<hash>  a kg:InferenceRule ;
            kg:rule "inverse (owl:inverseOf)" ; kg:owlRlRule "prp-inv" ;
            kg:ruleTerm kg:sent, kg:sender ;         # the ontology terms whose axiom fired
            rdfs:label "inverse (owl:inverseOf) on sender, sent"@en .

    A rule node stands for one rule and one set of terms, and is written once, however
    many explanations use it (its hash is that of the rule's name and terms). A premise
    stated in a document is its ``kg:Fact`` node (one per document stating it); one the
    reasoner derived is its explanation; one asserted without a fact node (the registry,
    the ontology) is a ``kg:AssertedStatement`` node. Inferred triples no rule explains
    (an engine other than ``rules`` with an axiom the rules leave out) are derived by the
    rule node ``<base>/id/rule/unexplained``. A derived premise the inferred graph leaves
    out (a step through a triple about a literal, say) is explained too.

    A million inferred statements make some eight million lines: the text is made from the
    N-Triples form of each term, computed once (the statement hashes need it anyway), or
    taken from ``written`` (:class:`Written`). The explanations come in the order of
    ``inferred``, then of the derived premises met on the way that the inferred graph
    leaves out.
    """

    def __init__(self, data: Iterable[Triple], facts: Mapping[Triple, Iterable[Node]],
                 inferred: Iterable[Triple], ontology: Graph, iris: Iris,
                 found: Mapping[Triple, Derivation] | None = None,
                 written: Written | None = None):
        self.iris, self.facts, self.written = iris, facts, written
        self._forms: dict[Node, str] = {}
        self.inferred = list(inferred)
        if found is None:
            found = derivations(data, ontology, facts)
        self.unexplained = {t for t in self.inferred if t not in found}
        self.found = found
        self.rules = _RuleNodes(iris)
        self.asserted: dict[Triple, URIRef] = {}  # premises without a fact node
        self._queue = list(self.inferred)  # what is to be explained: grows with premises
        self._queued = set(self.inferred)

    def write(self, out: TextIO, graph: str, blank: list[Triple]) -> int:
        """Write the explanations into the named graph ``graph`` (an IRI) as N-Quads;
        return how many triples. Those with a blank node go to ``blank`` instead, as with
        :func:`kg.mapping.nquads.write`. The lines are those of :meth:`subjects` (which a
        build writes beside the store as they are, :mod:`kg.store.explanations`)."""
        end = f" <{graph}> .\n"
        written = 0
        batch: list[str] = []
        for _, text, count in self.subjects(blank):
            if not isinstance(text, str):
                raise ValueError("explanations written before have no lines here")
            batch.append(text.replace(" .\n", end))  # a literal's line break is escaped
            written += count
            if len(batch) >= _Text.BATCH:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
        return written

    def subjects(self, blank: list[Triple]) -> Iterator[Subject]:
        """The explanations graph subject by subject: (the subject's N-Triples form, its
        lines as N-Triples or their digest if :attr:`written` has them, how many), each
        subject once. Triples with a blank node go to ``blank`` instead (as :meth:`write`)."""
        kg = self.iris.kg
        nt = self.nt
        a, subject, predicate, object_ = (nt(x) for x in (_TYPE, _SUBJECT, _PREDICATE,
                                                         _OBJECT))
        derived_by, premise = nt(kg.derivedBy), nt(kg.premise)

        written = self.written
        fill = written is not None and written.fill

        def statement(node: URIRef, cls: URIRef, t: Triple) -> tuple[str, str, int]:
            s, p, o = t
            if _blank(s) or _blank(o):
                return self._group(node, _reified(node, cls, t), blank)
            n = f"<{node}>"
            return n, (f"{n} {a} {nt(cls)} .\n{n} {subject} {nt(s)} .\n"
                       f"{n} {predicate} {nt(p)} .\n{n} {object_} {nt(o)} .\n"), 4

        for node, t, rule, premises in self._steps():
            if rule is None:  # written before: node is its lines
                yield node
                continue
            blanks = len(blank)
            n, first, count = statement(node, kg.Explanation, t)
            lines = [first]
            lines.append(f"{n} {derived_by} <{rule}> .\n")
            count += 1
            for x in premises:
                if type(x) is URIRef:  # fact, explanation and asserted nodes
                    lines.append(f"{n} {premise} <{x}> .\n")
                    count += 1
                elif _blank(x):
                    blank.append((node, kg.premise, x))
                else:
                    lines.append(f"{n} {premise} {nt(x)} .\n")
                    count += 1
            lines_of = n, "".join(lines), count
            if fill and len(blank) == blanks and self._as_written(t):
                written.explanations[t] = lines_of  # type: ignore[union-attr]
            yield lines_of
        for node, triples in itertools.groupby(self.rules.triples(), key=lambda t: t[0]):
            yield self._group(node, triples, blank)
        for t, node in self.asserted.items():
            kept = written.asserted.get(t) if written is not None else None
            if kept is not None:
                yield kept[1]
                continue
            blanks = len(blank)
            lines_of = statement(node, kg.AssertedStatement, t)
            if fill and len(blank) == blanks:
                written.asserted[t] = node, lines_of  # type: ignore[union-attr]
            yield lines_of
        for s, triples in itertools.groupby(self._comment(), key=lambda t: t[0]):
            yield self._group(s, triples, blank)

    def _group(self, s: Node, triples: Iterable[Triple],
               blank: list[Triple]) -> tuple[str, str, int]:
        """The lines of ``triples`` (all of subject ``s``) as :meth:`subjects` gives them."""
        nt = self.nt
        lines = []
        for t in triples:
            if _blank(t[0]) or _blank(t[2]):
                blank.append(t)
            else:
                lines.append(f"{nt(t[0])} {nt(t[1])} {nt(t[2])} .\n")
        return nt(s), "".join(lines), len(lines)

    def write_inferred(self, out: TextIO, graph: str, blank: list[Triple],
                       digests: dict[str, int] | None = None) -> int:
        """Write the inferred statements themselves into ``graph``, as :meth:`write`."""
        text = _Text(out, graph, self.nt, blank, digests)
        for s, p, o in self.inferred:
            text.triple(s, p, o)
        return text.close()

    def nt(self, term: Node) -> str:
        """The N-Triples form of ``term`` (the one :func:`statement_hash` reads)."""
        form = self._forms.get(term)
        if form is None:
            form = self._forms[term] = _nt(term)
        return form

    def _key(self, t: Triple) -> tuple[str, str, str]:
        return self.nt(t[0]), self.nt(t[1]), self.nt(t[2])

    def _node(self, kind: str, t: Triple) -> URIRef:
        """``<base>/id/<kind>/<statement hash>``."""
        return self.iris.id(kind, short_hash(*self._key(t)))

    def _premise_nodes(self, t: Triple) -> Iterable[Node]:
        if t in self.found:
            if t not in self._queued:
                self._queued.add(t)
                self._queue.append(t)
            return (self._node("explanation", t),)
        stated = self.facts.get(t)
        if stated:
            return sorted(set(stated), key=self.nt)
        node = self.asserted.get(t)
        if node is None:
            kept = self.written.asserted.get(t) if self.written is not None else None
            node = self.asserted[t] = kept[0] if kept else self._node("asserted", t)
        return (node,)

    def _as_written(self, t: Triple) -> bool:
        """Whether the explanation of ``t`` is the one :attr:`written` had: the same
        derivation, each premise derived or asserted without a fact node as it was."""
        written = self.written
        if written is None:
            return False
        d, before = self.found.get(t), written.derivations.get(t)
        if d is None or before is None or not (d is before or d == before):
            return False
        found, derived, facts = self.found, written.derivations, self.facts
        return all((x in found) == (x in derived) and (x in found or not facts.get(x))
                   for x in d.premises)

    def _steps(self) -> Iterator[tuple[URIRef, Triple, URIRef, Iterable[Node]]]:
        """(explanation node, statement, rule node, premise nodes) for each statement; for
        an explanation written before, (its lines, statement, None, ())."""
        found, rules = self.found, self.rules
        written = self.written.explanations if self.written is not None else {}
        for t in self._queue:  # grows while premises outside the inferred graph are met
            lines = written.get(t)
            if lines is not None and self._as_written(t):
                d = found[t]
                rules.node(d.rule, d.terms)
                for x in d.premises:
                    self._premise_nodes(x)  # derived ones explained, asserted ones noted
                yield lines, t, None, ()  # type: ignore[misc]
                continue
            node = self._node("explanation", t)
            d = found.get(t)
            if d is None:
                yield node, t, rules.node(UNEXPLAINED, ()), ()
                continue
            premises = d.premises
            nodes = (self._premise_nodes(premises[0]) if len(premises) == 1 else
                     dict.fromkeys(n for p in premises for n in self._premise_nodes(p)))
            yield node, t, rules.node(d.rule, d.terms), nodes

    def _comment(self) -> Iterator[Triple]:
        if self.unexplained:
            yield (self.iris.graph("explanations"), RDFS.comment,
                   Literal(f"{len(self.unexplained)} inferred statements without a derivation"))


class _Text:
    """N-Quads lines of one graph, made from the N-Triples forms of their terms; triples
    with a blank node go to ``blank``.

    With ``digests``, each subject's N-Triples form gets a digest of its lines (the sum
    of a 64-bit hash of each string written: the same lines give the same digest whatever
    their order), which the next incremental build compares with its own to change only
    the subjects whose lines changed (:func:`kg.store.patch.replace_subjects`)."""

    BATCH = 10_000  # strings (a line, or the four lines reifying a statement) held at most

    def __init__(self, out: TextIO, graph: str, nt: Callable[[Node], str],
                 blank: list[Triple], digests: dict[str, int] | None = None):
        self.out, self.nt, self.blank = out, nt, blank
        self.digests = digests
        self.end = f" <{graph}> .\n"
        self.reification = tuple(nt(x) for x in (_TYPE, _SUBJECT, _PREDICATE, _OBJECT))
        self.lines: list[str] = []
        self.written = 0

    def triple(self, s: Node, p: Node, o: Node) -> None:
        if _blank(s) or _blank(o):
            self.blank.append((s, p, o))
            return
        line = f"{self.nt(s)} {self.nt(p)} {self.nt(o)}{self.end}"
        self.lines.append(line)
        self.written += 1
        if self.digests is not None:
            self._digest(self.nt(s), line)
        if len(self.lines) >= self.BATCH:
            self.flush()

    def statement(self, node: URIRef, cls: URIRef, t: Triple) -> None:
        """``node`` a ``cls``, reifying ``t``."""
        s, p, o = t
        if _blank(s) or _blank(o):
            for x in _reified(node, cls, t):
                self.triple(*x)
            return
        nt, end = self.nt, self.end
        n = f"<{node}>"
        a, subject, predicate, object_ = self.reification
        lines = (f"{n} {a} {nt(cls)}{end}{n} {subject} {nt(s)}{end}"
                 f"{n} {predicate} {nt(p)}{end}{n} {object_} {nt(o)}{end}")
        self.lines.append(lines)
        self.written += 4
        if self.digests is not None:
            self._digest(n, lines)
        if len(self.lines) >= self.BATCH:
            self.flush()

    def links(self, node: URIRef, p: URIRef, objects: Iterable[Node]) -> None:
        """``node`` ``p`` each of ``objects``."""
        n = f"<{node}>"
        head = f"{n} {self.nt(p)} "
        for o in objects:
            if type(o) is URIRef:  # rule and premise nodes: not worth a cached form each
                line = f"{head}<{o}>{self.end}"
                self.lines.append(line)
                self.written += 1
                if self.digests is not None:
                    self._digest(n, line)
            else:
                self.triple(node, p, o)

    def _digest(self, subject: str, text: str) -> None:
        h = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        digests = self.digests
        assert digests is not None
        digests[subject] = (digests.get(subject, 0) + h) & _MASK

    def flush(self) -> None:
        self.out.write("".join(self.lines))
        self.lines.clear()

    def close(self) -> int:
        """Write what is left; return the number of lines written."""
        self.flush()
        return self.written


_MASK = (1 << 64) - 1


class _RuleNodes:
    """One ``kg:InferenceRule`` node per distinct rule and set of ontology terms."""

    def __init__(self, iris: Iris):
        self.iris = iris
        self._by_derivation: dict[tuple[str, tuple[Node, ...]], URIRef] = {}
        self._rules: dict[URIRef, tuple[str, tuple[URIRef, ...]]] = {}

    def node(self, rule: str, terms: tuple[Node, ...]) -> URIRef:
        """The node of ``rule`` applied to the axiom of ``terms`` (their order and any
        blank node aside: explanations name the terms, not the axiom's shape)."""
        key = (rule, terms)
        found = self._by_derivation.get(key)
        if found is None:
            named = tuple(sorted({t for t in terms if isinstance(t, URIRef)}, key=_nt))
            if rule == UNEXPLAINED:
                found = self.iris.id("rule", UNEXPLAINED)
            else:
                digest = short_hash(rule, *(_nt(t) for t in named))
                found = self.iris.id("rule", f"{OWL2RL_RULE.get(rule, 'rule')}-{digest}")
            self._by_derivation[key] = found
            self._rules[found] = (rule, named)
        return found

    def triples(self) -> Iterator[Triple]:
        kg = self.iris.kg
        for node, (rule, terms) in sorted(self._rules.items()):
            yield node, RDF.type, kg.InferenceRule
            yield node, kg.rule, Literal(rule)
            if rule in OWL2RL_RULE:
                yield node, kg.owlRlRule, Literal(OWL2RL_RULE[rule])
            for term in terms:
                yield node, kg.ruleTerm, term
            names = ", ".join(_local_name(t) for t in terms)
            yield node, RDFS.label, Literal(f"{rule} on {names}" if names else rule, lang="en")


def _local_name(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _blank(term: Node) -> bool:
    # isinstance() on rdflib's terms goes through ABCMeta in Python: IRIs and literals first.
    return type(term) is not URIRef and type(term) is not Literal and isinstance(term, BNode)


def _reified(node: URIRef, cls: URIRef, t: Triple) -> Iterator[Triple]:
    yield node, _TYPE, cls
    yield node, _SUBJECT, t[0]
    yield node, _PREDICATE, t[1]
    yield node, _OBJECT, t[2]
