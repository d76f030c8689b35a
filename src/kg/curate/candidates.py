"""Candidate facts: what a page's body states, proposed in the ontology's own patterns for a
curator to accept, edit or delete (``kg add --draft`` writes them into the mapping's
``facts:`` with ``candidate: true``; the build leaves them out until the mark is removed).

A :class:`Candidate` is one mapping fact: a subject (a registry id or a node it
introduces), properties with their values, who claims it (the author, or the speaker the
author reports: "X said that ...", "according to X", "X informed me that ..."), and a
verbatim quote. The rules that find them are in :mod:`kg.curate.meetings`,
:mod:`kg.curate.patterns`, :mod:`kg.curate.posts` and :mod:`kg.curate.references`; this
module holds the sentences they read, the people they resolve (with
:mod:`kg.curate.people` for those the registry does not know), and who is speaking: the
author, a speaker he reports, the writer of a message he passes on, or the body whose
minutes the page prints above an attachment.

Names are resolved to registry ids by :class:`kg.mapping.linking.Linker`; a person the
registry does not know becomes a ``Person`` node with the name as its label, for the
curator to merge or add to the registry. Rules propose only what they read with
confidence: a fact whose speaker cannot be told is not proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kg.curate.people import NewNode, unknown_appositions, unknown_author, unknown_correspondents
from kg.curate.sentences import Sentence, cut_off, sentences_of
from kg.ingest.document import Document, Paragraph, find_all_quotes
from kg.mapping.iris import short_hash, slugify
from kg.mapping.linking import Linker, Mention, family_name_first
from kg.mapping.registry import Entity, Registry, normalize_name

#: Who claims what only the archive's own lines (summary, editors' brackets) state.
EDITORS = "digital-archive-editors"
#: Verbs of speech: what follows them is the speaker's claim, reported by the author.
SPEECH_VERBS = (
    "said", "says", "stated", "states", "declared", "noted", "remarked", "replied",
    "answered", "added", "emphasized", "emphasised", "stressed", "pointed out", "explained",
    "informed me", "informed us", "told me", "told us", "reported", "announced", "responded",
    "assured me", "assured us", "confirmed", "communicated", "indicated", "believes",
    "considers", "thinks", "expressed the opinion", "expressed the view",
)
_SPEECH_RE = re.compile(
    r"(?P<who>(?:\b[Tt]he\s+[a-z]+(?:\s+[a-z]+)?|\b[A-Z][\w.’'\[\]-]*(?:\s+(?:[A-Z][\w.’'\[\]-]*|\[[^\]]{1,30}\]))*|\b[Hh]e|\b[Ss]he"
    r"|\bI|\b[Ww]e|\bthe [A-Z]?[a-z]+))"
    r"(?:\s+(?:initially|also|further|then|again|firmly|briefly|immediately))?\s+"
    r"(?P<verb>" + "|".join(re.escape(v) for v in SPEECH_VERBS) + r")\b"
    r"(?:\s+(?:me|us|to me|to us))?,?\s*(?:that\b|:)?")
#: A participle of speech after the sentence's subject: "X thanked us, having said that ...".
_PARTICIPLE_RE = re.compile(r",\s*(?:having\s+(?:said|stated|noted|added|stressed)|saying|"
                            r"adding|noting|stressing|explaining)\s+(?:that\b|:)?")
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to (?P<who>(?:Cde\.\s|Comrade\s)?[A-Z][\w.’'-]*"
                           r"(?:\s[A-Z][\w.’'-]*){0,3})")
_SAID_BY_RE = re.compile(r"\b(?:said|says|remarked|added|replied|noted|stressed)\s+"
                         r"(?P<who>(?:Cde\.\s|[Cc]omrade\s|Com\[rade\]\s)?[A-Z][\w’'-]*"
                         r"(?:\s[A-Z][\w’'-]*){0,3})")
#: Types (or title openings) of a record kept in the third person ("Record of
#: Conversation", "Minutes"): with no known author, its "we" and "our" are some speaker's,
#: not the narrator's.
RECORD_WORDS = ("record of conversation", "record of a conversation", "memorandum of conversation",
                "minutes", "conversation", "transcript", "stenographic record")
_WE_RE = re.compile(r"(?:^|[\s\[“\"(])(?:[Ww]e|[Oo]ur|[Uu]s|[Oo]urselves)(?=[\s\],.;:!?”\")]|$)")
#: A sentence addressing the recipient ("Please report ...", "Request your instructions"):
#: the writer's own voice again after someone's reported words (not in a record kept in
#: the third person, where it is some speaker's).
ADDRESS_OPENINGS = ("Please", "Request", "I request", "We request", "I ask", "We ask")
_ADDRESS_RE = re.compile(r"^(?:\(?\d+[).]\s+)?(?:" + "|".join(ADDRESS_OPENINGS)
                         + r")\b(?!\s+accept\b)")
#: The author speaking in the first person, outside anyone's quotation.
_FIRST_PERSON = re.compile(r"(?:^|\s|\[)(?:I|me|my|myself)(?:\]|\s|[.,;:]|$)")
#: A record of conversation's turn: the speaker's name in capitals, then a full stop or a
#: colon, opens the paragraph ("KIM IL SUNG stated that ..." is no turn: a telegram's way of
#: writing names).
_TURN_RE = re.compile(r"^(?P<who>(?:[A-Z]\.\s?)*[A-Z][A-Z’'-]+(?:\s[A-Z][A-Z’'-]+){0,3})[.:]\s")
#: The narrator of a record speaking in the first person, in the editors' brackets.
_NARRATOR_RE = re.compile(r"\[(?:I|[Ww]e|me|us|my|our)\]")
#: The author passing on someone else's message: "I report the letter from X to Y",
#: "I received the following telegram addressed to you from X", "I herewith relay the text
#: of a letter ... from X", "Pass the following reply of X to Y".
_RELAY_RE = re.compile(
    r"\b(?:[Ii]\s+(?:am\s+)?(?:herewith\s+|hereby\s+|hence\s+|also\s+)?"
    r"(?:report|relay|send|forward|transmit|pass|attach|received?)\w*"
    r"|[Pp]ass|[Tt]ransmit|[Ff]orward)\b[^.]{0,80}?\b(?:the following|the text of|the letter"
    r"|the telegram|the message|a letter|a telegram|reply|the original)\b")
#: Someone having the author pass his message on: "X told me to pass the following message
#: on to ...": X wrote what follows.
_ASKED_TO_PASS = re.compile(r"\b(?:told|asked|requested|instructed)\s+(?:me|us)\s+to\s+"
                            r"(?:pass|transmit|convey|forward|relay)\b")
#: A relayed message opens with its own address or salutation ("Dear Cde.", "“To Comrade
#: FILIPPOV.", "DEEPLY RESPECTED ..."), or with a quotation mark.
_SALUTATION_RE = re.compile(
    r"^(?:\[[^\]]*\]\s*)*(?:[“\"]|(?:Dear|DEAR|Deeply|DEEPLY|Respected|RESPECTED|Esteemed)\b)")
#: A relayed message's signature: a name (with the editors' brackets) alone after its
#: last full stop, before the closing quotation mark.
_SIGNATURE_RE = re.compile(r"(?:^|[.!]\s+)(?P<name>(?:[A-Z][\w’'.-]*\s*){1,3}(?:\[[^\]]{1,40}\])?)"
                           r"[.,]?\s*[”\"]\s*$")
#: Before a name in a relay sentence: the people it is addressed to, not its writers.
_ADDRESSED_RE = re.compile(r"\b(?:to|addressed to|for)\s+(?:Comrades?\s|Cdes?\.\s*)?$",
                           re.IGNORECASE)

#: The heading of an extract of a body's minutes, up to the body's name.
_PROTOCOL_RE = re.compile(r"^(?:\(?Extract\)?\s+(?:of\s+|from\s+)?(?:the\s+)?)?"
                          r"(?:Minutes|Protocol)\b[^\n]{0,60}?\bof\s+(?:the\s+)?"
                          r"(?:(?:Meeting|Session|Sitting)\s+of\s+(?:the\s+)?)?", re.IGNORECASE)
#: What opens a document attached to the minutes.
_ATTACHMENT_RE = re.compile(r"^\[?\s*(?:Attachment|Appendix|Annex|Enclosure)\b", re.IGNORECASE)


@dataclass
class Candidate:
    """One proposed mapping fact."""

    kind: str  # meeting, post, quantity, plan, characterization, codename, event
    about: str
    props: dict[str, Any]
    quote: str
    start: int
    claimed_by: str | None = None  # None: the author
    nodes: list[NewNode] = field(default_factory=list)
    note: str | None = None

    def statements(self) -> list[tuple[str, str, Any]]:
        """(subject, property, value) for every value of every property."""
        out = []
        for key, value in self.props.items():
            for v in value if isinstance(value, list) else [value]:
                out.append((self.about, key, v))
        return out


class Page:
    """What the rules read of one document: its sentences, its resolved mentions, its
    author, and who speaks where."""

    def __init__(self, doc: Document, registry: Registry, linker: Linker | None = None):
        self.doc = doc
        self._nodes: set[str] = set()
        self.suffix = short_hash(doc.id)[:4]
        self.registry = registry
        self.linker = linker or Linker(registry)
        self.mentions = [m for m in self.linker.mentions(doc)]
        self.mentions = sorted([*self.mentions, *unknown_correspondents(
            doc, registry, self.mentions)], key=lambda m: m.start)
        self.mentions = sorted([*self.mentions, *unknown_appositions(
            doc, registry, self.mentions)], key=lambda m: m.start)
        self.author = self._author()
        self.narrated = self.author is None and any(
            (doc.title or "").casefold().startswith(w) or (doc.doc_type or "").casefold() == w
            for w in RECORD_WORDS)
        #: The author when the registry does not know him ("Pál Szarvas" signing an
        #: embassy's report): a Person node the candidates that name him carry along.
        self.author_node: NewNode | None = None
        if self.author is None:
            self.author_node = unknown_author(doc, registry, self.mentions, self.suffix)
            self.author = self.author_node.id if self.author_node else None
        self.correspondents = {self.author, *self._resolved(doc.recipients)} - {None}
        self.year = doc.date[:4] if doc.date else None
        self.sentences = sentences_of(doc)
        #: Where the last sentence begins when the page cuts it off (a copy stored up to a
        #: length): no candidate is stated there.
        self.cut_from = self.sentences[-1].start if self.sentences and cut_off(
            doc, self.sentences[-1]) else None
        self.turns = self._turns()
        self.relayed: list[tuple[int, int, tuple[bool, str | None]]] = []
        self.relayed = self._relayed()
        self.protocols = self._protocols()
        self.relayed += [(start, end, (True, body)) for start, end, body, _ in self.protocols]

    def _author(self) -> str | None:
        return document_author(self.doc, self.registry)

    def _resolved(self, people: tuple) -> list[str]:
        out = []
        for c in people:
            ent = self.registry.resolve(c.identified_as or c.name) or \
                self.registry.resolve(c.name)
            if ent is not None:
                out.append(ent.id)
        return out

    # --- entities --------------------------------------------------------------------

    def surname_bearers(self, surname: str) -> list[Entity]:
        """The registry persons whose label or a spelling ends with ``surname`` (folded as
        :func:`kg.mapping.registry.normalize_name` folds it)."""
        return self._surname_index.get(surname, []) if surname else []

    @cached_property
    def _surname_index(self) -> dict[str, list[Entity]]:
        index: dict[str, list[Entity]] = {}
        for ent in self.registry.entities.values():
            if ent.section != "persons":
                continue
            words = [normalize_name(n).split() for n in (ent.label, *ent.aliases)
                     if normalize_name(n)]
            first = family_name_first(ent)  # "Premier Zhou": Zhou Enlai's surname
            for surname in {w[-1] for w in words} | ({w[0] for w in words} if first else set()):
                index.setdefault(surname, []).append(ent)
        return index

    def entities(self, start: int, end: int, section: str | None = None) -> list[Mention]:
        """The mentions resolved (or provisional persons) inside ``start:end``."""
        return [m for m in self.mentions if start <= m.start and m.end <= end
                and (m.entity is not None or m.provisional)
                and (section is None or (m.entity.section if m.entity else "persons")
                     == section)]

    def person_id(self, m: Mention, nodes: list[NewNode]) -> str:
        """The registry id of a person mention, or a Person node for an unknown one."""
        if m.entity is not None:
            return m.entity.id
        name = m.provisional or m.text
        node = NewNode(slugify(name), "Person", name)
        if node.id in self.registry:
            node.id = f"{node.id}-{self.suffix}"
        nodes.append(node)
        return node.id

    def node_id(self, *words: str) -> str:
        """A fresh node id for this document: readable words and the document's hash."""
        base = "-".join(filter(None, (slugify(w) for w in words)))[:60].strip("-")
        ident = f"{base}-{self.suffix}"
        n = 2
        while ident in self._nodes or ident in self.registry:
            ident, n = f"{base}-{n}-{self.suffix}", n + 1
        self._nodes.add(ident)
        return ident

    # --- quotes ----------------------------------------------------------------------

    def quote(self, start: int, end: int, sentence: Sentence) -> tuple[str, int] | None:
        """The passage ``start:end`` as a quote the compiler finds once: itself when it is
        unique in the page, else its whole sentence; None if neither is."""
        for s, e in ((start, end), (sentence.start, sentence.end)):
            text = " ".join(self.doc.source[s:e].split()).strip(" ,;:")
            if len(text) >= 8 and len(find_all_quotes(self.doc.source, text)) == 1:
                return text, s
        # A heading the title repeats ("between X and Y"): the passage and the words after
        # it, up to six, as the compiler finds them once (across the line break).
        for s, e in ((start, end), (sentence.start, sentence.end)):
            words = list(re.finditer(r"\S+", self.doc.source[e:e + 200]))
            for k in range(min(6, len(words))):
                text = " ".join(self.doc.source[s:e + words[k].end()].split())
                if len(find_all_quotes(self.doc.source, text)) == 1:
                    return text.rstrip(" ,;:"), s
        return None

    # --- who speaks ------------------------------------------------------------------

    def claimant(self, sentence: Sentence, at: int) -> tuple[bool, str | None]:
        """Who claims what the sentence states at offset ``at``: ``(True, None)`` the
        author, ``(True, id)`` a speaker the author reports, ``(False, None)`` someone the
        rules cannot tell (the candidate is then not proposed)."""
        if sentence.paragraph in self.turns:
            return self.turns[sentence.paragraph]
        state = self._voices.get(id(sentence), [(sentence.start, (True, None))])
        current = state[0][1]
        for offset, voice in state:
            if offset <= at:
                current = voice
        if current == (True, None) and self.narrated and _WE_RE.search(sentence.text):
            return False, None  # a record's "we": some speaker's, the rules cannot tell whose
        return current

    @cached_property
    def _voices(self) -> dict[int, list[tuple[int, tuple[bool, str | None]]]]:
        """For each sentence, from which offset whose voice it is: the author's until a
        verb of speech gives the floor to someone ("He said that ...", "..., he said,
        ...", "said Cde. X", "according to X"); a quotation left open carries the
        speaker into the next paragraph; after a reported paragraph, the voice stays
        unknown until the author speaks again in the first person."""
        text = self.doc.source
        out: dict[int, list[tuple[int, tuple[bool, str | None]]]] = {}
        voice: tuple[bool, str | None] = (True, None)
        home = voice  # the writer's own voice: the author's, or a relayed message's writer
        last_speaker: str | None = None
        last_subject: str | None = None
        paragraph, open_quotes = -1, 0
        unattributed: list[Sentence] = []  # this paragraph's sentences so far, unattributed
        for s in self.sentences:
            if s.paragraph != paragraph:
                unattributed = []
                if self.relayed_voice(s.start) != home:  # a relayed message starts or ends
                    home = voice = self.relayed_voice(s.start)
                    open_quotes = 0
                if paragraph >= 0 and voice != home and open_quotes <= 0:
                    voice = (False, None)
                paragraph, open_quotes = s.paragraph, max(open_quotes, 0)
                if not s.text.startswith("“") and _FIRST_PERSON.search(s.text) and \
                        home == (True, None):
                    open_quotes = 0  # the author's own paragraph: a quotation left open ended
            if voice != home and open_quotes <= 0 and (_FIRST_PERSON.search(s.text) or (
                    not self.narrated and _ADDRESS_RE.match(s.text))):
                voice = home
            changes = [(s.start, voice)]
            subject = [m for m in self.entities(s.start, s.start + 40, "persons")
                       if m.entity is not None and not re.sub(
                           r"Com\[rade\]|Cdes?\.|Comrades?|General", "",
                           text[s.start:m.start]).strip(" “\"[]")]
            if subject:
                last_subject = subject[0].entity.id  # type: ignore[union-attr]
            if subject and (said := _PARTICIPLE_RE.search(text, s.start, s.end)):
                # "Comrade X thanked us, having said that we ...": the rest is X's
                who_id = subject[0].entity.id  # type: ignore[union-attr]
                changes.append((said.end(), (True, None if who_id == self.author else who_id)))
                voice = changes[-1][1]
                last_speaker = who_id
            for m in (*_SPEECH_RE.finditer(text, s.start, s.end),
                      *_SAID_BY_RE.finditer(text, s.start, s.end),
                      *_ACCORDING_RE.finditer(text, s.start, s.end)):
                who = self._speaker(m.group("who"), m.start("who"), m.end("who"),
                                    last_speaker or last_subject)
                if m.re is _SPEECH_RE:  # "..., he said, ...": the whole sentence is his
                    inverted = m.group("who").casefold() in {"he", "she"} and \
                        bool(text[s.start:m.start()].strip(" “\"["))
                else:  # "said Cde. X", "according to X"
                    inverted = True
                changes.append((s.start if inverted else m.end(), who))
                voice = who
                if who[1]:
                    last_speaker = who[1]
                if inverted and who[1] and home == (True, None):
                    # "The situation is difficult; ... I hope, said comrade X, that ...": a
                    # paragraph of direct speech with its speaker named in the middle is his
                    # from its start (the narrator's own "[I]" in brackets excepted).
                    for earlier in unattributed:
                        out[id(earlier)] = [(earlier.start, who)]
                    unattributed = []
            changes.sort(key=lambda c: c[0])
            out[id(s)] = changes
            if changes in ([(s.start, home)], [(s.start, (False, None))]) and \
                    not _NARRATOR_RE.search(s.text):
                unattributed.append(s)  # the narrator's, or no one's the rules can tell
            elif len(changes) > 1 or changes[0][1] != home:
                unattributed = []
            open_quotes += s.text.count("“") - s.text.count("”")
        return out

    def _speaker(self, who: str, start: int, end: int,
                 antecedent: str | None) -> tuple[bool, str | None]:
        word = who.split()[-1].casefold() if who.split() else ""
        if who in {"I", "We", "we"}:
            return True, None
        if word in {"he", "she"}:
            return (True, antecedent if antecedent != self.author else None) if antecedent \
                else (False, None)
        if who.lower().startswith("the "):
            return False, None
        people = self.entities(start, end, "persons")
        resolved = [m for m in people if m.entity is not None]
        if len(resolved) == 1 and len(people) == 1:
            ident = resolved[0].entity.id  # type: ignore[union-attr]
            return True, (None if ident == self.author else ident)
        return False, None

    def relayed_voice(self, at: int) -> tuple[bool, str | None]:
        """Whose own voice the text has at ``at``: the author's, or inside a message the
        author passes on, its writer's (``(False, None)`` when the page does not say who
        wrote it)."""
        for start, end, voice in self.relayed:
            if start <= at < end:
                return voice
        return True, None

    def _relayed(self) -> list[tuple[int, int, tuple[bool, str | None]]]:
        """The messages the author passes on, with their writer: each starts at its own
        salutation or quotation after the sentence that relays it ("I report the letter
        from X to Y"), or right after that sentence when it ends with a colon, or at a
        quoted salutation ("“To Cde. Mao Zedong."), and ends with a closing quotation mark
        ending a paragraph, or with the body."""
        body, text = self.doc.body, self.doc.source
        embedded = [e.id for c in self.doc.embedded_senders
                    if (e := self.registry.resolve(c.identified_as or c.name))]
        out: list[tuple[int, int, tuple[bool, str | None]]] = []
        writers: list[str] | None = None  # after a relay sentence: who wrote what it relays
        colon = False
        k = 0
        while k < len(body):
            p = body[k]
            quoted = k > 0 and re.match(r"^[“\"](?:To\s|Dear|Respected|Cde\.|Comrade)", p.text)
            if quoted or writers is not None and (colon or _SALUTATION_RE.match(p.text)):
                names = _unique(embedded or writers or [])
                end = next((q for q in range(k, len(body))
                            if re.search(r"[”\"][.\s]*$", body[q].text) and q > k or
                            q == k and body[q].text.count("”") > body[q].text.count("“")),
                           len(body) - 1)
                names = names or self._signer(body[end])
                voice: tuple[bool, str | None] = (
                    (True, None) if self.author in names else
                    (True, names[0]) if len(names) == 1 else (False, None))
                out.append((p.start, body[end].end, voice))
                writers, colon, k = None, False, end + 1
                continue
            for s in (x for x in self.sentences if x.paragraph == p.ordinal):
                m = _RELAY_RE.search(s.text)
                if m and not self.relayed_voice(s.start)[1]:
                    writers = [x.entity.id for x in self.entities(s.start + m.end(), s.end,
                                                                  "persons")
                               if x.entity and not _ADDRESSED_RE.search(
                                   text[max(s.start, x.start - 20):x.start])]
                    if not writers and (asked := _ASKED_TO_PASS.search(s.text)):
                        # "X, on behalf of ..., told me to pass the following message on"
                        before = [x.entity.id for x in self.entities(
                            s.start, s.start + asked.start(), "persons") if x.entity]
                        writers = before[:1]
                    colon = s.text.rstrip().endswith(":")
            k += 1
        return out

    def _signer(self, last: Paragraph) -> list[str]:
        """Who signs a relayed message: the one person named in the last words of its last
        paragraph, after its closing courtesy ("With greetings. FILIPPOV [Stalin].”")."""
        m = _SIGNATURE_RE.search(last.text)
        if not m:
            return []
        people = {x.entity.id for x in self.entities(last.start + m.start("name"), last.end,
                                                     "persons") if x.entity}
        return list(people) if len(people) == 1 else []

    def _protocols(self) -> list[tuple[int, int, str, int]]:
        """An extract of a body's minutes printed on the page ("Extract Minutes from
        Protocol #78 of the Meeting of the Politburo of the CC VKP(b)"), up to what is
        attached to it ("[Attachment to the Decision ...]"): the body's words, not the
        author's. Each as (start, end, the body's id, the heading paragraph's index)."""
        body = self.doc.body
        out = []
        for k, p in enumerate(body):
            m = _PROTOCOL_RE.match(p.text)
            if not m:
                continue
            bodies = {x.entity.id for x in self.entities(p.start + m.end(), p.end,
                                                         "organizations") if x.entity}
            if len(bodies) != 1:
                continue
            end = next((q for q in range(k + 1, len(body))
                        if _ATTACHMENT_RE.match(body[q].text)), None)
            if end is None:
                continue  # the page does not say where the minutes end
            out.append((p.start, body[end].start, bodies.pop(), k))
        return out

    def _turns(self) -> dict[int, tuple[bool, str | None]]:
        """Paragraphs of a record of conversation that open with the speaker's name in
        capitals ("HO CHI MINH. Does ..."): each is that speaker's claim."""
        turns: dict[int, tuple[bool, str | None]] = {}
        for p in self.doc.body:
            m = _TURN_RE.match(p.text)
            if not m or len(m.group("who")) < 4:
                continue
            people = [x for x in self.entities(p.start, p.start + m.end("who"), "persons")
                      if x.entity is not None]
            if len(people) == 1:
                turns[p.ordinal] = (True, people[0].entity.id)  # type: ignore[union-attr]
        return turns


def document_author(doc: Document, registry: Registry, *, keepers: bool = True) -> str | None:
    """The registry id of who wrote the page: its sender (or keeper), except for a message
    sent "via" an intermediary who writes in the first person that he passes it on ("I
    herewith transmit a letter ... from comrade X"): the page is then his cable, and the
    sender's words are the message it relays. ``keepers``: the keeper of a record when
    no sender is known."""
    def resolved(people: tuple) -> list[str]:
        return [e.id for c in people if (e := registry.resolve(c.identified_as or c.name)
                                         or registry.resolve(c.name))]

    via = resolved(doc.intermediaries)
    if len(via) == 1 and any(_RELAY_RE.search(p.text) and re.search(r"\b[Ii]\s", p.text)
                             for p in doc.body[:6]):
        return via[0]
    found = resolved((*doc.senders, *(doc.keepers if keepers else ())))
    return found[0] if found else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def propose(doc: Document, registry: Registry, linker: Linker | None = None) -> list[Candidate]:
    """Every candidate fact the rules find in ``doc``'s body, in the order of the text."""
    from kg.curate.counts import counts
    from kg.curate.instructions import instructions
    from kg.curate.meetings import MEETING_RULES
    from kg.curate.patterns import RULES
    from kg.curate.posts import POST_RULES
    from kg.curate.references import REFERENCE_RULES

    page = Page(doc, registry, linker)
    found: list[Candidate] = []
    seen: set[tuple] = set()
    for rule in (*MEETING_RULES, *RULES, instructions, counts, *POST_RULES,
                 *REFERENCE_RULES):
        for c in rule(page):
            key = (c.about, c.quote, repr(sorted(c.props.items())))
            if key not in seen:
                seen.add(key)
                found.append(c)
    return sorted(found, key=lambda c: c.start)
