"""Who was present at a meeting, luncheon or reception a message reports: "At the luncheon
from the Korean side were Kim Du-bong, Kim Il Sung, ...", "The trade representative of the
PRC Wen Shizhen attended the luncheon", "On our side in attendance were myself and the
advisers of the embassy Ignatiev and Pelishenko", "Present at the talks were ...".

:func:`read_attendance` only reads; the mapping makes each occasion a meeting the message
concerns, with the people present as its participants and each sentence as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.ingest.names import (
    INSTITUTION_WORDS,
    POST_WORDS,
    ROLE_WORDS,
    Correspondent,
    looks_like_name,
    trailing_name,
)
from kg.ingest.titles import parse_parties

#: The occasions a message reports people at, singular -> the word used for the meeting.
OCCASIONS = ("luncheon", "lunch", "dinner", "breakfast", "reception", "banquet", "meeting",
             "talks", "conversation", "session", "negotiations", "conference")
_OCCASION = r"(?P<occasion>" + "|".join(OCCASIONS) + r")"
#: Words that stand for the author in the list of those present.
AUTHOR_WORDS = frozenset({"myself", "i", "me", "the undersigned"})

# A span of names: honorifics and initials keep their full stops (an initial is a capital
# on its own, not the last letter of a name in capitals: "KIM IL SUNG.").
_SPAN = r"(?:Cdes?\.\s|(?<![A-Za-z])[A-Z][a-z]?\.\s?|[^.;:])"
# Where a list of names ends: a full stop that closes no honorific or initial.
_END = r"(?<!Cde)(?<!Cdes)(?<![^A-Za-z][A-Z])[.;:](?:\s|$)"
# Where a name or a list of names starts: a capital, an editor's bracket, an honorific.
_NAME_START = r"(?:Cdes?\.\s|[A-Z\[])"
_PATTERNS = (
    # "Present at the talks were A and B." / "Taking part in the meeting were ..."
    re.compile(r"\b(?:[Pp]resent|[Tt]aking part|[Pp]articipating)\s+(?:at|in)\s+the\s+"
               + _OCCASION + r"\s+were\s+(?P<people>" + _SPAN + r"+?)(?=" + _END + r"|$)"),
    # "At the luncheon from the Korean side were A, B, C."
    re.compile(r"\b[Aa]t the " + _OCCASION + r"\b(?:[^.;:]{0,60}?\bside)?\s+were\s+"
               r"(?:present\s+)?(?P<people>" + _SPAN + r"+?)(?=" + _END + r"|$)"),
    # "On our side in attendance were myself and the advisers ... Ignatiev and Pelishenko"
    # (at the occasion named before).
    re.compile(r"\b[Oo]n (?:our|the [\w -]+?) side,? in attendance were\s+"
               r"(?P<people>" + _SPAN + r"+?)(?=" + _END + r"|$)"),
    # "PAK HEON-YEONG [Pak Hon Yong] was present at the meeting.", "Counsellor He Bao-Xian
    # and Fedorenko were present." (at the occasion named before, or the one recorded).
    re.compile(r"(?:^|(?<=[.;]\s))(?P<people>" + _NAME_START + _SPAN + r"{0,200}?)\s+"
               r"(?:were|was)\s+(?:also\s+)?present(?:\s+at\s+the\s+" + _OCCASION
               + r")?(?=\s*[.;])"),
    # "The trade representative of the PRC Wen Shizhen attended the luncheon."
    re.compile(r"(?:^|(?<=[.;]\s))(?P<subject>[A-Z]" + _SPAN + r"{0,100}?)\s+"
               r"(?:also\s+)?(?:attended|took part in|participated in)\s+"
               r"the\s+" + _OCCASION + r"\b"),
    # "I had a meeting with KIM IL SUNG.", "I met with Cde. Zhou Enlai in the evening", "I
    # paid a visit to Comrade Ambassador X": the author and those named.
    re.compile(r"\b(?P<author>I)\s+(?:had\s+(?:a|another)\s+(?P<noun>meeting|conversation|talk|"
               r"discussion)\s+with|met(?:\s+with)?|visited|called\s+on|paid\s+(?:a|an)\s+(?:\w+\s+)?visit\s+"
               r"to)\s+(?P<people>" + _NAME_START + _SPAN + r"+?)"
               r"(?=" + _END + r"|,|\s+(?:in|at|on|and\s+(?:said|told|asked|informed))\s|$)"),
)
#: The editors' mark of an omission: "[…]", "[...]".
_OMISSION_RE = re.compile(r"\s*\[(?:…|\.\s?\.\s?\.)\]")
#: Descriptions before a name in a list of those present: "deputy minister of foreign
#: affairs Pak Jeong-jo", "the advisers of the embassy Ignatiev".
_DESCRIPTION_RE = re.compile(r"^(?:the\s+)?[a-z][\w -]*?\s+(?=[A-Z])")


@dataclass(frozen=True)
class Attendance:
    """The people a sentence says were present at an occasion; ``author`` when the author
    counts himself among them ("myself")."""

    occasion: str
    people: tuple[Correspondent, ...]
    sentence: str
    author: bool = False


def read_attendance(paragraphs: Sequence[str]) -> tuple[Attendance, ...]:
    """Every statement of who was present at an occasion, in the order of the text."""
    found: list[tuple[int, int, int, re.Match[str]]] = []
    for n, text in enumerate(paragraphs):
        line = " ".join(text.split())
        taken: list[tuple[int, int]] = []
        for pattern in _PATTERNS:
            for match in pattern.finditer(line):
                if not any(match.start() < end and start < match.end() for start, end in taken):
                    taken.append(match.span())
                    found.append((n, match.start(), match.end(), match))
    out: list[Attendance] = []
    occasion = "meeting"
    for *_, match in sorted(found, key=lambda f: f[:3]):
        # A list without its occasion ("On our side in attendance were ...") is at the
        # occasion named before it.
        occasion = _occasion(match) or (out[-1].occasion if out else occasion)
        people, author = _people(match)
        if people or author:
            out.append(Attendance(occasion, people, match.group(0), author))
    return tuple(out)


def _occasion(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    occasion = groups.get("occasion") or (
        ("meeting" if groups.get("noun") in (None, "meeting") else "conversation")
        if groups.get("author") else None)
    return "luncheon" if occasion == "lunch" else occasion


def _people(match: re.Match[str]) -> tuple[tuple[Correspondent, ...], bool]:
    if match.groupdict().get("subject"):
        name = trailing_name(match["subject"])
        return (tuple(p for p in parse_parties(name) if p.kind == "person") if name else (),
                False)
    people, author = [], bool(match.groupdict().get("author"))
    listed = _OMISSION_RE.sub("", match["people"])  # "Richard Fischer […]"
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed):
        part = part.strip()
        if part.casefold() in AUTHOR_WORDS:
            author = True
            continue
        part = _DESCRIPTION_RE.sub("", part)
        for party in parse_parties(part):
            if party.kind == "organization":  # "PRC Embassy Counsellor He Bao-Xian"
                party = _named_after_post(party.name)
            # A clause is no name: "Kim said that he (was present)".
            if party is not None and party.kind == "person" and looks_like_name(party.name):
                people.append(party)
    return tuple(people), author


def _named_after_post(text: str) -> Correspondent | None:
    """The person a post and body describe, named last: "PRC Embassy Counsellor He
    Bao-Xian" -> He Bao-Xian; "[Soviet Foreign Ministry Collegium Member Nikolai T.]
    Fedorenko" -> Nikolai T. Fedorenko; None when no name follows the description."""
    words = text.replace("[", " ").replace("]", " ").split()
    k = len(words)
    while k and words[k - 1][:1].isupper() and words[k - 1].casefold().strip(",") not in _POSTS:
        k -= 1
    return Correspondent(" ".join(words[k:])) if 0 < k < len(words) else None


#: Words of posts and bodies that end the search for a name from the end of a description.
_POSTS = ROLE_WORDS | POST_WORDS | INSTITUTION_WORDS | {
    "member", "members", "collegium", "adviser", "advisers", "advisor", "interpreter",
    "translator", "attaché", "official", "employee", "worker"}
