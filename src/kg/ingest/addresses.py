"""Who a page is addressed to and who was present, read from the top of its body: address
lines ("To Terebin", "to Cdes. Molotov and Korobov", "TO THE CPSU CENTRAL COMMITTEE"),
salutations ("Chairman Mao [Zedong], Comrade [Liu] Shaoqi and the Central Committee:"),
instructions to pass the message on ("Convey to Mao Zedong the following", "Visit Cde.
MAO ZEDONG and pass him ...") and the lists of those present at a recorded conversation
("from our side: Cdes. Molotov, ...", "Interpreters: ...", "Present: ...").

:func:`read_addressing` only reads; :func:`kg.ingest.document.parse_text` weighs what it
reads against the title (see :func:`combine`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kg.ingest.names import (
    RANK,
    Correspondent,
    known_codename,
    name_key,
    similar_spelling,
    title_case,
)
from kg.ingest.titles import parse_parties

#: How many body paragraphs from the top may hold address lines and salutations.
ADDRESS_REACH = 6
#: Longest address line or salutation, in characters (longer is prose).
ADDRESS_MAX = 160
#: How many body paragraphs from the top may hold an instruction to pass the message on
#: (after the cipher office's lines: "CABLE Nº 4159", "Received at 0105 14 October").
FORWARD_REACH = 6
#: A page whose header is many short lines (the cipher office's times, a distribution list,
#: "Extremely Urgent", "MOSCOW") has its address lines further down: up to this many
#: paragraphs are read while no paragraph of prose has begun.
HEADER_MAX = 16

_HONORIFIC = r"(?:Comrades?|Cdes?\.?|Com\[rade\])"
#: "To Terebin", "[to the] CPSU CC", "[To] Ambassador Wang Bingnan:", "TO THE CPSU CENTRAL
#: COMMITTEE", "To Ministry of ...".
_ADDRESS_RE = re.compile(
    r"^(?:\[(?:to|To|TO)(?: the)?\]\s*|(?:To|to|TO)\s+(?:(?:the|THE)\s+)?)"
    r"(?P<parties>[\[A-Z].*?)[.:]?$")
#: A salutation: names after an honorific or a post, ending with ":" or "!".
_SALUTATION_RE = re.compile(
    r"^(?:(?:Dear|Deeply respected|Respected)\s+)?(?P<parties>(?:" + _HONORIFIC +
    r"|Chairman|Premier|Ambassador|Minister|Marshal|General)\s.*?)\s*[:!]$")
#: The person an address line is for, on the line under it: "To Ministry of Foreign Affairs
#: of the USSR" / "Comrade GROMYKO", "TO MEMBER OF THE MILITARY COUNCIL ..." / "GENERAL-COLONEL
#: Cde. SHTYKOV".
_ATTENTION_RE = re.compile(r"^(?:" + RANK + r"\s+)?" + _HONORIFIC
                           + r"\s+(?P<parties>[\[A-Z][^.:;!]*?)\.?$")
#: "Convey to Mao Zedong the following", "pass to Cde. X the following",
#: "Visit Cde. MAO ZEDONG and pass him".
_FORWARD_RE = re.compile(
    r"\b(?:[Cc]onvey|[Pp]ass|[Tt]ransmit|[Rr]elay|[Hh]and over)\s+to\s+(?P<a>[\[A-Z][^,;:]*?)"
    r"\s+the following"
    r"|\b[Vv]isit\s+(?P<b>" + _HONORIFIC + r"\s+[\[A-Z][^,;:]*?)\s+and\s+"
    r"(?:pass|convey|give|hand|transmit)\b"
    r"|^(?:[Tt]o\s+)?(?:transmit|convey|pass|hand)\s+to\s+(?P<c>[\[A-Z][^,;:]*?)[.:]?$")
#: "from our side: ...", "from the Chinese and Korean sides: ...", "Present: ...".
_PRESENT_RE = re.compile(
    r"^(?:from (?:our|the [\w ,-]+?) sides?|present|also present|participants|"
    r"attending|attended|interpreters?|translators?)\s*:\s*(?P<parties>\S.*?)\.?$",
    re.IGNORECASE)
#: The relaying officer's cover note: "I herewith relay the text of a letter addressed to
#: ...", "I forward ...", "transmitting the following message".
_RELAY_RE = re.compile(r"\b(?:I|we)\s+(?:herewith\s+|hereby\s+)?(?:relay|forward|transmit|"
                       r"pass on|send on)\b|\btransmitting the following\b", re.IGNORECASE)
#: A paragraph of prose: a sentence of at least ten words. Once one follows the address,
#: the message has begun ("Comrade [Liu] Shaoqi:" / "Here is an internal party telegram I
#: have just drafted. ..." / ... / "To All Central Committee Bureaus ...:" is the enclosed
#: telegram's address, not the page's).
_PROSE_RE = re.compile(r"^(?:\S+\s+){9,}\S*[.?!]”?$")
_COMPLETION_RE = re.compile(r"\[(?P<part>[A-Z][\w'’-]*)\]\s+(?=[A-Z])")


@dataclass(frozen=True)
class Addressing:
    """What the top of a body says about a message's parties."""

    addressees: tuple[Correspondent, ...] = ()  # address lines and salutations
    forward_to: tuple[Correspondent, ...] = ()  # "convey to X the following"
    present: tuple[Correspondent, ...] = ()  # lists of those present at a conversation
    relays: bool = False  # a cover note says it relays someone else's message


def read_addressing(paragraphs: Sequence[str]) -> Addressing:
    """The addressees, the persons to pass the message to, and those present, as the first
    paragraphs of a body give them."""
    addressees: list[Correspondent] = []
    present: list[Correspondent] = []
    header = next((n for n, text in enumerate(paragraphs[:HEADER_MAX])
                   if len(" ".join(text.split())) > ADDRESS_MAX), min(len(paragraphs), HEADER_MAX))
    reach, forward_reach = max(ADDRESS_REACH, header), max(FORWARD_REACH, header + 1)
    addressed_at = -1  # the paragraph of the last address line
    for n, text in enumerate(paragraphs[:reach]):
        line = " ".join(text.split())
        if addressees and _PROSE_RE.match(line):
            break  # the message has begun: a later address line heads a document it encloses
        if len(line) > ADDRESS_MAX:
            continue
        if match := _PRESENT_RE.match(line):
            present += _parties(match["parties"])
        elif addressed_at == n - 1 and (match := _ATTENTION_RE.match(line)):
            # The person the address line's body is for takes its place.
            people = _parties(match["parties"])
            if people and addressees and addressees[-1].kind == "organization":
                addressees.pop()
            addressees += people
        elif match := _ADDRESS_RE.match(line) or _SALUTATION_RE.match(line):
            addressees += _parties(match["parties"])
            addressed_at = n
    forward: list[Correspondent] = []
    for text in paragraphs[:forward_reach]:
        for match in _FORWARD_RE.finditer(" ".join(text.split())):
            forward += _parties(match["a"] or match["b"] or match["c"])
    relays = any(_RELAY_RE.search(text) for text in paragraphs[:forward_reach])
    return Addressing(_unique(addressees), _unique(forward), _unique(present), relays)


def _parties(text: str) -> list[Correspondent]:
    """Named parties in an address line: editors' completions kept as part of the name
    ("[Liu] Shaoqi" is Liu Shaoqi), names in capitals in their usual case."""
    text = _COMPLETION_RE.sub(lambda m: m["part"] + " ", text)
    out = []
    for party in parse_parties(text):
        plain = party.name.replace("[", "").replace("]", "")
        if party.kind == "post" or "illegible" in plain.casefold() or \
                party.name.count("[") != party.name.count("]"):
            continue  # a post, or an editor's note on a name ("[illegible name]")
        if party.name.isupper() and len(party.name) > 3:
            party = replace(party, name=title_case(party.name))
        out.append(party)
    return out


def _unique(people: list[Correspondent]) -> tuple[Correspondent, ...]:
    seen: set[str] = set()
    out = []
    for person in people:
        if name_key(person.name) not in seen:
            seen.add(name_key(person.name))
            out.append(person)
    return tuple(out)


def same_party(a: Correspondent, b: Correspondent) -> bool:
    """Whether two readings name the same party ("Terbpin" and "Terebin" too)."""
    names_a = {a.name, *(a.identified_as or "",), *a.aliases} - {""}
    names_b = {b.name, *(b.identified_as or "",), *b.aliases} - {""}
    return any(name_key(x) == name_key(y) or similar_spelling(x, y)
               for x in names_a for y in names_b)


@dataclass(frozen=True)
class Parties:
    """A message's parties once title and body are weighed."""

    recipients: tuple[Correspondent, ...]
    intermediaries: tuple[Correspondent, ...]
    participants: tuple[Correspondent, ...]


def combine(recipients: tuple[Correspondent, ...], intermediaries: tuple[Correspondent, ...],
            participants: tuple[Correspondent, ...], body: Addressing,
            conversation: bool) -> Parties:
    """The title's parties completed by the body's, never overruled by a guess:

    - a message the body says to pass on ("Convey to Mao Zedong the following") is for that
      person; whom the title or the address line names carries it (an intermediary);
    - otherwise the address lines' parties are recipients when the title names none, or
      when they include a recipient the title names (the others are co-addressees: "Mao
      Zedong and Others"); address lines that share nobody with the title are left out;
    - a conversation's participants include the lists of those present.
    """
    if conversation:
        extra = [p for p in body.present if not any(same_party(p, q) for q in participants)]
        return Parties(recipients, intermediaries, (*participants, *extra))
    if body.forward_to and not any(same_party(f, r) for f in body.forward_to
                                   for r in recipients):
        carriers = body.addressees or recipients
        return Parties(body.forward_to, _merge(intermediaries, carriers), participants)
    if body.addressees and (not recipients or any(
            same_party(a, r) for a in body.addressees for r in recipients)):
        return Parties(_merge(recipients, body.addressees), intermediaries, participants)
    if body.addressees and intermediaries and recipients and body.relays:
        # "A to B (via C)" with C's cover note "To D ... I herewith relay the letter": D
        # is the next link of the chain (a cover name of B is B, not a link).
        links = tuple(a for a in body.addressees if not _names_recipient(a, recipients))
        return Parties(recipients, _merge(intermediaries, links), participants)
    return Parties(recipients, intermediaries, participants)


def _names_recipient(party: Correspondent, recipients: tuple[Correspondent, ...]) -> bool:
    """Whether ``party`` is a recipient under its name or under a cover name."""
    return any(same_party(party, r) for r in recipients) or (
        known_codename(party.name) is not None)


def _merge(first: tuple[Correspondent, ...],
           more: tuple[Correspondent, ...]) -> tuple[Correspondent, ...]:
    """``first`` and those of ``more`` that are nobody in it (the title's reading kept)."""
    return (*first, *(m for m in more if not any(same_party(m, f) for f in first)))
