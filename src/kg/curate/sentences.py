"""The sentences of a page's body, with their offsets into its source, as the candidate
rules (:mod:`kg.curate.candidates`) read them: a sentence ends at a full stop, question or
exclamation mark before a capital or an opening quotation mark, not after an abbreviation
("Cde.", "No.") or an initial ("I. V. Stalin")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.document import Document

#: Abbreviations a sentence does not end after.
ABBREVIATIONS = frozenset({"cde", "cdes", "com", "comrade", "mr", "mrs", "dr", "no", "nos",
                            "gen", "st", "i.e", "e.g", "etc", "vol", "p", "pp", "ll", "l",
                            "f", "op", "d", "ft", "lt", "col", "maj", "capt", "vkh", "vh", "inc"})
#: What ends a sentence or closes what ends it.
CLOSERS = frozenset(".!?”\"’')]:;")
_BOUNDARY = re.compile(r"(?<=[.!?])[”\"’)\]]?\s+(?=[A-Z“\"\[(])")


@dataclass
class Sentence:
    """A sentence of the body with its offsets into the page's source."""

    text: str
    start: int
    end: int
    paragraph: int


def sentences_of(doc: Document) -> list[Sentence]:
    """The body's sentences, paragraph by paragraph."""
    out = []
    for p in doc.body:
        start = 0
        for b in _BOUNDARY.finditer(p.text):
            before = p.text[start:b.start()].rstrip(".!?”\"’)]")
            last = before.split()[-1].casefold().lstrip("([“\"") if before.split() else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or \
                    re.fullmatch(r"(?:[a-z]\.)+[a-z]", last):
                continue
            out.append(Sentence(p.text[start:b.start()], p.start + start, p.start + b.start(),
                                p.ordinal))
            start = b.end()
        if p.text[start:].strip():
            out.append(Sentence(p.text[start:], p.start + start, p.end, p.ordinal))
    return out


def cut_off(doc: Document, s: Sentence) -> bool:
    """Whether ``s`` is a last sentence the page cuts off: no stop closes it, and nothing
    but blanks follows it (a copy stored up to a length, not a sentence ending so)."""
    text = s.text.rstrip()
    return bool(text) and text[-1] not in CLOSERS and not doc.source[s.end:].strip()
