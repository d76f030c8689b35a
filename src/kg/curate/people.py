"""People the registry does not know, found on a page for the candidate rules
(:mod:`kg.curate.candidates`): the page's own correspondents where it writes their names (a
signature "Pál Szarvas" under an embassy's report), a paragraph opening with a name and a
post ("Ri Pyeong-nam [Ri Pyong Nam], Minister of Health, ..."), and the author among them.
Each is a provisional person (:class:`kg.mapping.linking.Mention` with ``provisional``), as
the linker mints one after "Comrade"; a candidate naming him brings a ``Person`` node for
the curator to merge or register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.document import Document
from kg.ingest.names import POST_WORDS, is_post, looks_like_name
from kg.mapping.iris import slugify
from kg.mapping.linking import Mention
from kg.mapping.registry import Registry

#: A paragraph opening with a person's name (two or three words), the editors' brackets,
#: then a comma and what may be his post, in capitals and ending there: "Ri Pyeong-nam [Ri
#: Pyong Nam], Minister of Health, ..." (not "..., Minister of Trade reported").
_NAME_PART = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+(?:-[A-Za-zß-öø-ÿ'’]+)?"
_APPOSITION_RE = re.compile(r"^(?P<name>" + _NAME_PART + r"(?: " + _NAME_PART + r"){1,2})"
                            r"(?:\s*\[[^\]]{1,60}\])*\s*,\s*(?P<post>[A-Z][\w'’-]*"
                            r"(?:\s+(?:[A-Z][\w'’()-]*|of|for|the|to|in|at|and))*)"
                            r"(?=\s*(?:[,;\[]|\.?\s*$))")
#: Capitalised words that open a paragraph without naming a person.
_NOT_NAME_WORDS = frozenset({"The", "A", "An", "In", "On", "At", "To", "From", "Of", "And",
                             "But", "As", "By", "For", "With", "After", "Before", "This",
                             "That", "These", "Those", "It", "He", "She", "They", "We", "I",
                             "Our", "Your", "His", "Her", "Their", "Dear", "Comrade", "Comrades",
                             "Mr", "Mrs", "Secret", "Top", "Copy", "No", "Extract", "Report",
                             "Telegram", "Cable", "Letter", "Note", "Record", "Minutes",
                             "Embassy", "Ministry", "Committee", "Party", "Government"})


@dataclass
class NewNode:
    """A node a candidate introduces (a meeting, a plan, a post, a figure, a person)."""

    id: str
    type: str
    label: str


def unknown_correspondents(doc: Document, registry: Registry,
                           mentions: list[Mention]) -> list[Mention]:
    """Where the page writes the full name of one of its own senders, keepers or
    recipients whom the registry does not know (a signature "Pál Szarvas", the summary's
    "Report from Pál Szarvas, ..."): a provisional person, as the linker mints one
    after "Comrade"."""
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for c in (*doc.senders, *doc.keepers, *doc.recipients):
        name = " ".join(c.name.split())
        if c.kind != "person" or len(name.split()) < 2 or \
                registry.resolve(c.identified_as or name) or \
                registry.candidates(name) or not looks_like_name(name):
            continue
        rx = re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, name.split()))
                        + r"(?![\w])")
        for m in rx.finditer(doc.source):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                out.append(Mention(m.start(), m.end(), m.group(), (), None,
                                   provisional=name))
                taken.append(m.span())
    return out


def unknown_appositions(doc: Document, registry: Registry,
                        mentions: list[Mention]) -> list[Mention]:
    """A paragraph opening with a name the registry does not know and a post set off by
    a comma ("Ri Pyeong-nam [Ri Pyong Nam], Minister of Health, ..."): a provisional
    person, for the post rules."""
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for p in doc.body:
        m = _APPOSITION_RE.match(p.text)
        if not m:
            continue
        name = m["name"]
        start, end = p.start + m.start("name"), p.start + m.end("name")
        words = name.split()
        if any(a < end and start < b for a, b in taken) or \
                any(w.casefold() in POST_WORDS or w in _NOT_NAME_WORDS for w in words) or \
                registry.candidates(name) or registry.is_not_person(name) or \
                not is_post(m["post"]):
            continue
        out.append(Mention(start, end, name, (), None, provisional=name))
    return out


def unknown_author(doc: Document, registry: Registry, mentions: list[Mention],
                   suffix: str) -> NewNode | None:
    """The page's one sender or keeper who is a person the registry does not know, when
    the page writes his name: a Person node."""
    people = {" ".join(c.name.split()) for c in (*doc.senders, *doc.keepers)
              if c.kind == "person"}
    named = {m.provisional for m in mentions if m.provisional in people}
    if len(people) != 1 or len(named) != 1:
        return None
    name = named.pop()
    assert name is not None
    ident = slugify(name)
    return NewNode(ident if ident not in registry else f"{ident}-{suffix}", "Person", name)
