"""Titles: what a page's title says about the document.

A title says, in some order: the document type ("Ciphered Telegram"), its numbers ("No.
54755", "Nos. 50450, 50470, and 50490", "Nº 3214"), who wrote to whom ("from X to Y", "X to
Y", "by X"), who relayed it ("via X", "[via X]", "(via X)", "to X, for Z", "X transmitting a
Message from A to B"), who talked ("between A and B") and sometimes a date, a quoted
subtitle or "(excerpt)". :func:`parse_title` reads all of these; names are cleaned and
codenames resolved by :mod:`kg.ingest.names`.

A date closing a title (", December 16, 1949", " on 16 December 1949") is read with
:mod:`kg.ingest.dates`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from kg.ingest.dates import parse_date
from kg.ingest.names import (
    PLACE_NAMES,
    ROLE_WORDS,
    Correspondent,
    clean_name,
    is_institution,
    is_post,
    looks_like_name,
    resolve_bracketed,
    strip_roles,
    trailing_name,
)

# --- data tables -----------------------------------------------------------------------

#: Document types a title may start with, in their canonical spelling. Longest match wins.
DOCUMENT_TYPES: tuple[str, ...] = (
    "Cable",
    "Telegram",
    "Ciphered Telegram",
    "Draft Telegram",
    "Letter",
    "Draft Letter",
    "Record of Conversation",
    "Memorandum of Conversation",
    "Minutes of Conversation",
    "Memorandum",
    "Minutes",
    "Report",
    "Note",
    "Directive",
    "Resolution",
    "Instruction",
    "Telephone Message",
    "Message",
    "Conversation",
    "Journal",
)
#: Types whose titles name the participants of a conversation ("Conversation, A and B with
#: C"), not a sender and a recipient.
CONVERSATION_KINDS = ("Conversation", "Record of Conversation", "Memorandum of Conversation",
                      "Minutes of Conversation")

#: Words a list of correspondents may hold that name no one ("Mao Zedong and Others").
NOT_PARTIES = frozenset({"others", "other", "all", "et al.", "etc."})

#: Lines of communication a message went "via" that are no party ("Telephone Message via
#: VCh": the government's high-frequency telephone line). Compared case-insensitively.
CHANNELS = frozenset({"vch", "hf", "bodo", "telephone", "telegraph", "radio", "wire",
                      "courier", "diplomatic pouch", "the vch line", "high-frequency line"})

#: Verbs that introduce a relayed message: "X to Y transmitting a Message from A to B".
#: The embedded message's parties are not the telegram's: see :func:`parse_title`.
TRANSMITTING_VERBS = ("transmitting", "forwarding", "relaying", "conveying", "containing",
                      "attaching", "enclosing")

#: A date closing a title: ", December 16, 1949" or " on 16 December 1949".
_TRAILING_DATE_RE = re.compile(
    r"(?:,\s*|\s+(?:on|of|for|dated)\s+)(?P<date>\d{1,2}\s+[A-Za-z]+\.?,?\s+\d{4}"
    r"|[A-Za-z]+\.?\s+\d{1,2},\s*\d{4}|[A-Za-z]+\s+\d{4})\s*$",
    re.IGNORECASE,
)


# --- titles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    """What a title such as "Ciphered Telegram No.54755 from Kovalev to Filippov" says."""

    doc_type: str | None = None
    incoming_numbers: tuple[str, ...] = ()
    senders: tuple[Correspondent, ...] = ()
    recipients: tuple[Correspondent, ...] = ()
    intermediaries: tuple[Correspondent, ...] = ()
    participants: tuple[Correspondent, ...] = ()
    date: str | None = None
    date_text: str | None = None
    excerpt: bool = False
    subtitle: str | None = None
    embedded_senders: tuple[Correspondent, ...] = ()
    embedded_recipients: tuple[Correspondent, ...] = ()
    set_aside: tuple[str, ...] = ()
    keepers: tuple[Correspondent, ...] = ()  # who kept the journal or wrote the record
    sender_posts: tuple[str, ...] = ()  # senders the title names only by a post


_NUMERO_RE = re.compile(r"(?<![\w])(?:Nº|N°|№|NO\b\.?|No\b\.?)\s*(?=\d)")


def _type_pattern(doc_type: str) -> str:
    """A type as titles write it: "Record of a Conversation", "Records of Conversations"."""
    pattern = r"\s+".join(re.escape(word) + ("s?" if word[:1].isupper() else "")
                          for word in doc_type.split())
    return pattern.replace(r"of\s+", r"of\s+(?:an?\s+|the\s+)?")


#: How a title may describe its type before naming it ("Hand-delivered letter, Filippov
#: (Stalin) to Mao Zedong"): no part of the type.
TYPE_DESCRIPTIONS = ("Hand-delivered", "Handwritten", "Personal", "Urgent", "Top Secret",
                     "Secret", "Official", "Private")
_TYPE_RE = re.compile(
    r"^(?:(?:" + "|".join(TYPE_DESCRIPTIONS) + r")\s+)?(?P<type>"
    + "|".join(_type_pattern(t) for t in sorted(DOCUMENT_TYPES, key=len, reverse=True))
    + r")\b[,:]?\s*",
    re.IGNORECASE,
)
_NUMBER = r"\d[\w/-]*"
_NUMBER_LIST = _NUMBER + r"(?:\s*(?:,\s*and|,|and|&)\s*" + _NUMBER + ")*"
_NUMBERS_RE = re.compile(r"^Nos?\.\s*(?P<numbers>" + _NUMBER_LIST + r")[,:]?\s*", re.IGNORECASE)
_TRAILING_NUMBERS_RE = re.compile(r",?\s+Nos?\.\s*(?P<numbers>" + _NUMBER_LIST + r")\s*$",
                                  re.IGNORECASE)
#: A type the table does not know, named by its number: "Outgoing Cable No. 18249, X to Y".
_NUMBERED_TYPE_RE = re.compile(
    r"^(?P<type>(?:[A-Z][a-z]+\s+){0,3}(?:Cable|Telegram|Radiogram|Message|Letter|Note|Report|"
    r"Memorandum|Dispatch|Directive|Order|Minutes|Protocol|Decision|Instruction)s?)"
    r"(?=\s+Nos?\.\s*\d)")
#: A classification before the type: "Secret Memorandum of Conversation", "Top Secret ...".
_CLASSIFICATION_RE = re.compile(r"^(?:(?:Top|Strictly)\s+)?Secret\s+(?=[A-Z])")
_NUMBER_SEPARATOR_RE = re.compile(r"\s*(?:,\s*and|,|and|&)\s*", re.IGNORECASE)
_EXCERPT_RE = re.compile(r"\s*[(\[](?:excerpts?|extracts?)[)\]]\s*", re.IGNORECASE)
_SUBTITLE_RE = re.compile(r",?\s+[“\"‘'](?P<subtitle>[^“”\"‘’]+)[”\"’']\s*$")
#: Where a conversation took place, closing a title: ", at the Airport", ", in Moscow".
_PLACE_PHRASE_RE = re.compile(r",\s*(?:at|in)\s+(?:the\s+)?[A-Z][\w'’ -]*$")
_SUBJECT_RE = re.compile(r"\s+(?:on|about|regarding|concerning)\s+(?:the\s+|an?\s+)?[A-Za-z].*$",
                         re.IGNORECASE)
#: "[Note] on Two Conversations with the Minister Counselor ..., Comrade Hoan Muoi, on 26
#: January 1966, ...": a note on the author's conversations with the person named.
_ON_CONVERSATIONS_RE = re.compile(
    r"^(?:on|about)\s+(?:(?:a|the|an?|two|three|four|several|\w+)\s+)?conversations?\s+"
    r"with\s+(?P<guest>.+)$", re.IGNORECASE)
#: Where the guest's description ends: the date or place of the conversation.
_GUEST_END_RE = re.compile(r",?\s+(?:on|in|at)\s+(?:\d|the\b|[A-Z])|,\s+(?=\d)")
#: The guest's name after an honorific: "..., Comrade Hoan Muoi".
_HONORED_NAME_RE = re.compile(r"\b(?:Comrades?|Cdes?\.?)\s+(?P<names>[A-Z][^,;]*)")
_TRANSMITTING_RE = re.compile(
    r",?\s+(?:" + "|".join(TRANSMITTING_VERBS) + r")\s+(?:an?\s+|the\s+)?"
    r"(?:draft\s+)?(?:message|letter|telegram|cable|note|text)\s+(?P<inner>.+)$",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(r"^(?:of\s+)?(?:(?:a|the)\s+)?(?:conversation\s+)?between\s+(?P<who>.+)$",
                         re.IGNORECASE)
_WITH_RE = re.compile(r"^(?:of\s+|(?:(?:a|the)\s+)?conversation\s+(?:of\s+)?)"
                      r"(?P<host>.+?)\s+with\s+(?P<guest>.+)$", re.IGNORECASE)
#: After a conversation type: "V.M. Molotov and A.Y. Vyshinsky with Mao Zedong".
_BARE_WITH_RE = re.compile(r"^(?:of\s+)?(?P<host>.+?)\s+with\s+(?P<guest>.+)$",
                           re.IGNORECASE)
#: "[From the] Journal of <keeper>[: <entry>]": the keeper wrote it ("Journal of Soviet
#: Ambassador A.M. Puzanov for 11 June 1957").
_JOURNAL_RE = re.compile(r"^(?:from\s+)?(?:the\s+)?(?:diary|journal)\s+of\s+(?P<keeper>[^:]+?)"
                         r"(?::\s*(?P<entry>.+)|,\s*['‘\"“](?P<quoted>.+?)['’\"”])?$",
                         re.IGNORECASE)
_BY_RE = re.compile(r"^by\s+(?P<who>.+)$", re.IGNORECASE)
_VIA_BRACKETED_RE = re.compile(r"\s*[\[(]via\s+(?P<via>[^\])]+)[\])]", re.IGNORECASE)
_VIA_RE = re.compile(r",?\s*\bvia\s+(?P<via>.+?)(?=\s+to\s+|,|$)", re.IGNORECASE)
_FOR_RE = re.compile(r",\s*for\s+(?:transmission\s+to\s+)?(?P<for>.+)$", re.IGNORECASE)
_TO_RE = re.compile(r"\s+to\s+", re.IGNORECASE)
_FROM_RE = re.compile(r"^from\s+", re.IGNORECASE)
_LIST_SEPARATOR_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", re.IGNORECASE)
_GLOSSED_RE = re.compile(r"^(?P<outer>[^\[\]()]+?)\s*[\[(](?P<inside>[^\[\]()]+)[\])]$")


def parse_title(title: str) -> Title:
    """Type, numbers, correspondents, date, subtitle and excerpt mark of a title.

    "Record of Conversation between A and B" gives participants and no senders or
    recipients. "X to Y transmitting a Message from A to B" gives A as sender, B as
    recipient, and X (and Y, unless Y is B under another name) as intermediaries.
    """
    return _read_title(title)[0]


def looks_like_title(text: str) -> bool:
    """Whether a line is a title ("Telegram from X to Y", "X to Y", "Record of Conversation
    between A and B") rather than a sentence, a salutation or a summary."""
    text = " ".join(text.split())
    if not text or len(text) > 250 or text[-1] in ".!?:;":
        return False
    title, rest = _read_title(text)
    people = (*title.senders, *title.recipients, *title.intermediaries, *title.participants)
    if any(not looks_like_name(c.name) for c in people):
        return False
    if title.doc_type and not rest:
        return True
    return bool(title.senders and title.recipients or title.participants or
                title.doc_type and people)


def canonical_type(text: str | None) -> str | None:
    """A document type in its canonical spelling ("CIPHERED TELEGRAM" -> "Ciphered
    Telegram", "Record of a Conversation" -> "Record of Conversation"); a type the table
    does not know is returned as written; None for None."""
    if not text or not text.strip():
        return None
    written = " ".join(text.split())
    return next((t for t in DOCUMENT_TYPES
                 if re.fullmatch(_type_pattern(t), written, re.IGNORECASE)), written)


def normalized_title(title: str) -> str:
    """A title as compared across mirrors: no case, accents, brackets or punctuation, "Nº"
    as "no" ("No.54755" and "NO. 54755" agree)."""
    text = unicodedata.normalize("NFKD", title.replace("№", "No ").replace("Nº", "No "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _read_title(title: str) -> tuple[Title, str]:
    """The parsed title and the route text that named the correspondents."""
    if match := _JOURNAL_RE.match(" ".join(title.split())):
        return _journal(match["keeper"], match["entry"] or match["quoted"]), match["keeper"]
    rest = _NUMERO_RE.sub("No. ", " ".join(title.split()))
    excerpt = bool(_EXCERPT_RE.search(rest))
    rest = _EXCERPT_RE.sub(" ", rest).strip()
    subtitle = None
    if match := _SUBTITLE_RE.search(rest):
        subtitle, rest = match["subtitle"], rest[:match.start()]
    doc_type = None
    rest = _CLASSIFICATION_RE.sub("", rest)  # "Secret Memorandum of Conversation ..."
    if match := _TYPE_RE.match(rest) or _NUMBERED_TYPE_RE.match(rest):
        doc_type = canonical_type(match["type"])
        rest = rest[match.end():].lstrip()
    numbers: list[str] = []
    if match := _NUMBERS_RE.match(rest):
        numbers += _NUMBER_SEPARATOR_RE.split(match["numbers"])
        rest = rest[match.end():]
    if match := _TRAILING_NUMBERS_RE.search(rest):
        numbers += _NUMBER_SEPARATOR_RE.split(match["numbers"])
        rest = rest[:match.start()]
    rest = _PLACE_PHRASE_RE.sub("", rest)
    date = date_text = None
    if (match := _TRAILING_DATE_RE.search(rest)) and (iso := parse_date(match["date"])):
        date, date_text, rest = iso, match["date"], rest[:match.start()]
    guests = _conversation_guests(rest)
    rest = "" if guests else _SUBJECT_RE.sub("", rest).strip(" ,:")
    conversation = doc_type in CONVERSATION_KINDS or bool(guests)
    embedded: Route = ((), (), (), ())
    if match := _TRANSMITTING_RE.search(_masked(rest)):
        # "X to Y, transmitting a Message from A to B": X wrote to Y; A and B are the
        # parties of the message X's telegram carries, not of the telegram.
        inner = rest[match.start("inner"):]
        embedded = _route(re.sub(r"^to\s+", "from  to ", inner, flags=re.IGNORECASE))
        rest = rest[:match.start()]
    senders, recipients, vias, participants = _route(rest, conversation)
    participants = (*participants, *guests)
    people = (*senders, *recipients, *vias, *participants)
    parsed = Title(
        doc_type=doc_type,
        incoming_numbers=tuple(numbers),
        senders=_parties(senders),
        recipients=_parties(recipients),
        intermediaries=_parties(vias),
        participants=_parties(participants),
        date=date,
        date_text=date_text,
        excerpt=excerpt,
        subtitle=subtitle,
        embedded_senders=_parties(embedded[0]),
        embedded_recipients=_parties(embedded[1]),
        set_aside=tuple(f"{c.name!r} is a post, not a person: no party made of it"
                        for c in people if c.kind == "post"),
        sender_posts=tuple(c.name for c in senders if c.kind == "post"),
    )
    return parsed, rest


def _conversation_guests(rest: str) -> tuple[Correspondent, ...]:
    """Whom a note "on Conversations with X" names: the name after an honorific in X's
    description, else X up to the conversation's date or place."""
    if not (match := _ON_CONVERSATIONS_RE.match(rest)):
        return ()
    guest = match["guest"]
    if named := _HONORED_NAME_RE.search(guest):
        return parse_parties(named["names"])
    end = _GUEST_END_RE.search(guest)
    return parse_parties(guest[:end.start()] if end else guest)


def _journal(keeper_text: str, entry_text: str | None) -> Title:
    """A journal's keeper is its sender; a conversation it records has the keeper among
    its participants and as its keeper, and no sender: it documents a meeting ("From the Journal of
    Ambassador Pavel Yudin: Record of Conversation with Mao Zedong on 8 March 1955")."""
    entry = _read_title(entry_text)[0] if entry_text else Title()
    date = date_text = None
    if (match := _TRAILING_DATE_RE.search(keeper_text)) and (iso := parse_date(match["date"])):
        date, date_text, keeper_text = iso, match["date"], keeper_text[:match.start()]
    name = trailing_name(keeper_text)
    keeper = (Correspondent(clean_name(name)),) if name else ()
    senders, participants = keeper, entry.participants
    if entry.doc_type in CONVERSATION_KINDS:  # a meeting has participants, no sender
        senders, participants = (), (*keeper, *(c for c in participants if c not in keeper))
    return replace(entry, doc_type=entry.doc_type or "Journal", senders=senders,
                   participants=participants, date=entry.date or date,
                   date_text=entry.date_text or date_text, keepers=keeper)


def _parties(people: tuple[Correspondent, ...]) -> tuple[Correspondent, ...]:
    return tuple(c for c in people if c.kind != "post")


Route = tuple[tuple[Correspondent, ...], tuple[Correspondent, ...], tuple[Correspondent, ...],
              tuple[Correspondent, ...]]


def _route(text: str, conversation: bool = False) -> Route:
    """(senders, recipients, intermediaries, participants) named by the rest of a title;
    after a conversation type, "A and B with C" names participants."""
    text = text.strip(" ,")
    if not text:
        return (), (), (), ()
    if match := _BETWEEN_RE.match(text):
        return (), (), (), parse_parties(match["who"])
    with_re = _BARE_WITH_RE if conversation else _WITH_RE
    if not _TO_RE.search(_masked(text)) and (match := with_re.match(text)):
        who = (*parse_parties(match["host"]), *parse_parties(match["guest"]))
        return (), (), (), who
    if conversation and (match := re.match(r"^with\s+(?P<guest>.+)$", text, re.IGNORECASE)):
        return (), (), (), parse_parties(match["guest"])
    vias: list[str] = []
    for pattern in (_VIA_BRACKETED_RE, _VIA_RE):
        vias += [match["via"] for match in pattern.finditer(text)
                 if " ".join(match["via"].split()).casefold() not in CHANNELS]
        text = pattern.sub("", text)
    relay = None
    if match := _FOR_RE.search(text):  # "to X, for Z": X relays the message to Z
        relay, text = match["for"], text[:match.start()]
    if match := _BY_RE.match(text):
        return parse_parties(match["who"]), (), _via(vias), ()
    sender_text, recipient_text = _split_once(text, _TO_RE)
    senders: tuple[Correspondent, ...] = ()
    if recipient_text or _FROM_RE.match(sender_text):
        senders = parse_parties(_FROM_RE.sub("", sender_text))
    recipients = parse_parties(recipient_text)
    if relay:
        vias.append(recipient_text)
        recipients = parse_parties(relay)
    return senders, recipients, _via(vias), ()


def _via(texts: list[str]) -> tuple[Correspondent, ...]:
    return tuple(c for text in texts for c in parse_parties(text))


def _masked(text: str) -> str:
    """``text`` with everything inside brackets blanked, so splitting ignores it."""
    out, depth = [], 0
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])" and depth:
            depth -= 1
            out.append(ch)
            continue
        out.append("_" if depth and ch != "\n" else ch)
    return "".join(out)


def _split_once(text: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    """"X to Y" -> ("X", "Y"), splitting outside brackets; without a match, ("X", ""). An
    envoy's "to" names the country of the post, when another follows ("the Soviet Chargé
    to the PRC to the Chairman ..." is split at the second)."""
    masked = _masked(text)
    matches = list(pattern.finditer(masked))
    for k, match in enumerate(matches):
        if k + 1 < len(matches) and _ENVOY_RE.search(masked, 0, match.start()):
            continue
        return text[:match.start()], text[match.end():]
    return text, ""


_ENVOY_RE = re.compile(r"\b(?:Ambassador|Charg[eé](?:\s+d'Affaires)?|Envoy|Consul(?:\s+General)?|"
                       r"Representative|Plenipotentiary)$", re.IGNORECASE)


_PLACES = frozenset(p.casefold() for p in PLACE_NAMES)  # "to NEW YORK" is a place too


def parse_parties(text: str) -> tuple[Correspondent, ...]:
    """"Mao Zedong and Zhou Enlai" -> two; "Filippov [Stalin]" -> Filippov identified as
    Stalin (see :func:`kg.ingest.names.resolve_bracketed`)."""
    masked = _masked(text)
    pieces, pos = [], 0
    for match in _LIST_SEPARATOR_RE.finditer(masked):
        pieces.append(text[pos:match.start()])
        pos = match.end()
    pieces.append(text[pos:])
    people = []
    for piece in pieces:
        piece = piece.strip(" ,;")
        # A city after a party is where it sat ("Ministry of Foreign Affairs, Moscow"); a
        # lower-case piece is a phrase ("convey to Ho Chi Minh"), not a party.
        bare = re.sub(r"^the\s+", "", piece, flags=re.IGNORECASE)
        if (not bare or bare.casefold() in _PLACES or bare.casefold() in NOT_PARTIES
                or not bare[:1].isupper() and bare[:1] != "["):
            continue
        match = _GLOSSED_RE.match(piece)
        if match and match["inside"].strip()[:1].isupper():
            person = resolve_bracketed(match["outer"], match["inside"])
        else:
            person = Correspondent(clean_name(piece))
        words = bare.split()
        if not match and words[-1] in ("member", "members"):
            # "VWP CC Politburo member" after the name it describes: a post, no party.
            person = Correspondent(bare, kind="post")
        elif not match and words[0].casefold() in ROLE_WORDS and strip_roles(bare) == bare:
            # A post without a name ("First Secretary of the CPSU CC" after the name it
            # describes, "the Chairman"): no party.
            person = Correspondent(bare, kind="post")
        elif is_institution(person.name):
            # "Charge d'Affaires of the Embassy of the Soviet Union in China S. Antonov": a
            # post in a body, then the person holding it.
            named = trailing_name(person.name) if words[0].casefold() in ROLE_WORDS | {
                "charge", "chargé"} else None
            person = Correspondent(named) if named and len(named.split()) >= 2 else \
                replace(person, kind="organization")
        elif is_post(person.name) and not person.identified_as:
            # "Soviet Ambassador to North Korea Vasily Moskovsky": the name closing the post
            named = trailing_name(person.name)
            person = Correspondent(named) if named and len(named.split()) >= 2 else \
                replace(person, kind="post")
        people.append(person)
    return tuple(people)
