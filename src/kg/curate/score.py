"""Candidate facts scored against curated facts (``kg evaluate-candidates``).

For each page with a curated mapping, the draft ``kg add --draft`` would write is made and
both mappings are compiled against the page (so quotes and ids are checked as the build
checks them). Each mapping fact is split into statements: (subject, property, value),
with its claimant (``claimed_by``, else the editors for a passage outside the body, else
the author) and the spans its quotes cover.

Nodes have ids of their own in each file: a candidate node stands for the curated node of
the same class whose facts quote an overlapping passage (the most overlap wins), a
``Person`` node for the curated one with the same label. A candidate statement is right
when a curated statement has the same subject and property, the same value, and the same
claimant (a candidate that misattributes who says it is wrong):

- **strict**: ids equal; numbers equal; text equal ignoring case, spacing and punctuation;
- **loose**: besides, text matches when the words of one are all in the other.

Precision is right candidate statements over candidate statements; recall, curated
statements some candidate states over curated statements.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kg.curate.draft import draft_mapping
from kg.ingest.document import Document, parse_document
from kg.mapping.curated import RESERVED, Mapping, Resolver, compile_mapping, load_mapping
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.provenance import FactWriter
from kg.mapping.registry import Registry

EDITORS = "digital-archive-editors"


@dataclass(frozen=True)
class Statement:
    subject: str
    prop: str
    value: Any
    claimant: str | None
    spans: tuple[tuple[int, int], ...]


@dataclass
class PageScore:
    page: str
    candidates: int = 0  # mapping facts proposed
    statements: int = 0  # their statements
    strict: int = 0  # right, strictly
    loose: int = 0  # right, loosely
    curated: int = 0  # curated statements
    recalled_strict: int = 0
    recalled_loose: int = 0
    wrong: list[str] = field(default_factory=list)
    loosely: list[str] = field(default_factory=list)  # right only by the loose measure


@dataclass
class Score:
    pages: list[PageScore]

    def total(self, attr: str) -> int:
        return sum(getattr(p, attr) for p in self.pages)

    def markdown(self) -> str:
        """A table per page and the totals, with precision and recall."""
        rows = ["| page | candidate facts | statements | right (strict/loose) | curated "
                "statements | recalled (strict/loose) |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for p in [*self.pages, None]:
            q = p or PageScore("**all**", *(self.total(a) for a in (
                "candidates", "statements", "strict", "loose", "curated", "recalled_strict",
                "recalled_loose")))
            rows.append(f"| {q.page} | {q.candidates} | {q.statements} | {q.strict}/{q.loose} "
                        f"| {q.curated} | {q.recalled_strict}/{q.recalled_loose} |")
        n = max(len(self.pages), 1)
        s, c = self.total("statements"), self.total("curated")
        lines = [*rows, "",
                 f"candidate facts per page: {self.total('candidates') / n:.1f}",
                 f"precision (strict/loose): {_ratio(self.total('strict'), s)}/"
                 f"{_ratio(self.total('loose'), s)}",
                 f"recall (strict/loose): {_ratio(self.total('recalled_strict'), c)}/"
                 f"{_ratio(self.total('recalled_loose'), c)}"]
        wrong = [f"- {p.page}: {w}" for p in self.pages for w in p.wrong]
        if wrong:
            lines += ["", "candidate statements no curated fact states:", *wrong]
        loosely = [f"- {p.page}: {w}" for p in self.pages for w in p.loosely]
        if loosely:
            lines += ["", "candidate statements right only loosely (curated wording):",
                      *loosely]
        return "\n".join(lines) + "\n"


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def evaluate_candidates(pages_dir: str | Path, curated_dir: str | Path, registry: Registry,
                        ontology: Ontology) -> Score:
    """Score the candidates of every page of ``pages_dir`` that has a curated mapping
    ``<stem>.yaml`` in ``curated_dir``."""
    linker = Linker(registry)
    pages = []
    for path in sorted(Path(curated_dir).glob("*.yaml")):
        page = Path(pages_dir) / f"{path.stem}.txt"
        if page.exists():
            pages.append(score_page(parse_document(page), path, registry, ontology, linker))
    return Score(pages)


def score_page(doc: Document, curated_path: Path, registry: Registry, ontology: Ontology,
               linker: Linker) -> PageScore:
    """One page: its draft's candidates against its curated mapping."""
    curated = _statements(load_mapping(curated_path, ontology, with_candidates=True), doc,
                          registry, ontology)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / f"{doc.id}.yaml"
        draft.write_text(draft_mapping(doc, registry, linker), encoding="utf-8")
        proposed_map = load_mapping(draft, ontology, with_candidates=True)
    proposed = _statements(proposed_map, doc, registry, ontology)
    cur_map = load_mapping(curated_path, ontology, with_candidates=True)
    align = _alignment(proposed, proposed_map, curated, cur_map)
    score = PageScore(doc.id, candidates=len(proposed_map.facts), statements=len(proposed),
                      curated=len(curated))
    hit_strict: set[int] = set()
    hit_loose: set[int] = set()
    for st in proposed:
        subject, value = align.get(st.subject, st.subject), _aligned(st.value, align)
        strict = [i for i, c in enumerate(curated) if _same(st, subject, value, c, False)]
        loose = [i for i, c in enumerate(curated) if _same(st, subject, value, c, True)]
        score.strict += bool(strict)
        score.loose += bool(loose)
        hit_strict.update(strict)
        hit_loose.update(loose)
        said = f"{st.subject} {st.prop} {st.value!r}"
        if not loose:
            score.wrong.append(f"{said} (claimed by {st.claimant or 'the author'})")
        elif not strict:
            score.loosely.append(f"{said} ~ {curated[loose[0]].value!r}")
    score.recalled_strict, score.recalled_loose = len(hit_strict), len(hit_loose)
    return score


def _statements(m: Mapping, doc: Document, registry: Registry,
                ontology: Ontology) -> list[Statement]:
    writer = FactWriter(ontology.iris, doc.id, doc.source, set(),
                        body=tuple((p.start, p.end) for p in doc.body))
    resolver = Resolver(ontology, registry, m.nodes)
    compile_mapping(m, writer, resolver)  # checks quotes and ids as the build does
    out = []
    for item in m.facts:
        quotes = item["quote"] if isinstance(item["quote"], list) else [item["quote"]]
        evidence = [writer.locate(q, file=m.file, line=0) for q in quotes]
        claimant = item.get("claimed_by")
        if claimant is None and writer.outside_body(evidence):
            claimant = EDITORS
        if claimant == m.author:
            claimant = None
        spans = tuple((e.start, e.end) for e in evidence)
        for key, value in item.items():
            if key in RESERVED:
                continue
            for v in value if isinstance(value, list) else [value]:
                out.append(Statement(item["about"], str(key), v, claimant, spans))
    return out


def _alignment(proposed: list[Statement], pm: Mapping, curated: list[Statement],
               cm: Mapping) -> dict[str, str]:
    """Each candidate node -> the curated node it stands for."""
    def spans(statements: list[Statement], ident: str) -> list[tuple[int, int]]:
        return [s for st in statements if ident in (st.subject, st.value) for s in st.spans]

    out = {}
    for ident, node in pm.nodes.items():
        best, most = None, (0, 0, 0)
        for other, cnode in cm.nodes.items():
            if cnode.cls != node.cls:
                continue
            if str(node.cls).endswith("#Person"):
                if _norm(str(node.label)) == _norm(str(cnode.label)):
                    best, most = other, (1, 0, 0)
                continue
            mine, theirs = spans(proposed, ident), spans(curated, other)
            overlap = sum(max(0, min(a[1], b[1]) - max(a[0], b[0]))
                          for a in mine for b in theirs)
            # Equal overlaps (a candidate's passage inside two curated nodes' passages, or
            # two curated nodes quoting one heading): the node that states what the
            # candidate's node states, then the one whose passages the candidate's cover
            # best, not the first in the file.
            agreement = _agreement(proposed, ident, curated, other)
            rank = (overlap, agreement, -sum(b[1] - b[0] for b in theirs))
            if (overlap or agreement >= 2) and rank > most:
                # No passage in common: the same node only when it agrees in two statements
                # at least (a post held by the same person, quoted from another sentence).
                best, most = other, rank
        if best:
            out[ident] = best
    return out


def _agreement(proposed: list[Statement], ident: str, curated: list[Statement],
               other: str) -> int:
    """How many of the candidate node's statements the curated node's state too: its own
    (``post 'Marshal'``) and those pointing to it (``joseph-stalin holds`` it)."""
    own = [c for c in curated if c.subject == other]
    incoming = {(c.subject, c.prop) for c in curated if c.value == other}
    return sum(any(st.prop == c.prop and _same_value(st.value, c.value, False) for c in own)
               for st in proposed if st.subject == ident) + \
        sum((st.subject, st.prop) in incoming for st in proposed if st.value == ident)


def _aligned(value: Any, align: dict[str, str]) -> Any:
    return align.get(value, value) if isinstance(value, str) else value


def _same(st: Statement, subject: str, value: Any, c: Statement, loose: bool) -> bool:
    return (subject == c.subject and st.prop == c.prop and st.claimant == c.claimant
            and _same_value(value, c.value, loose))


def _same_value(a: Any, b: Any, loose: bool) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    if a == b:
        return True
    ta, tb = _norm(str(a)), _norm(str(b))
    if ta == tb:
        return True
    if loose:
        wa, wb = set(ta.split()), set(tb.split())
        return bool(wa and wb) and (wa <= wb or wb <= wa)
    return False


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
