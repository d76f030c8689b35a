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

from kg.ingest.names import Correspondent, trailing_name
from kg.ingest.titles import parse_parties

#: The occasions a message reports people at, singular -> the word used for the meeting.
OCCASIONS = ("luncheon", "lunch", "dinner", "breakfast", "reception", "banquet", "meeting",
             "talks", "conversation", "session", "negotiations", "conference")
_OCCASION = r"(?P<occasion>" + "|".join(OCCASIONS) + r")"
#: Words that stand for the author in the list of those present.
AUTHOR_WORDS = frozenset({"myself", "i", "me", "the undersigned"})

# A span of names: honorifics and initials keep their full stops.
_SPAN = r"(?:Cdes?\.\s|[A-Z][a-z]?\.\s?|[^.;:])"
_PATTERNS = (
    # "Present at the talks were A and B." / "Taking part in the meeting were ..."
    re.compile(r"\b(?:[Pp]resent|[Tt]aking part|[Pp]articipating)\s+(?:at|in)\s+the\s+"
               + _OCCASION + r"\s+were\s+(?P<people>" + _SPAN + r"+?)(?=[.;:](?:\s|$)|$)"),
    # "At the luncheon from the Korean side were A, B, C."
    re.compile(r"\b[Aa]t the " + _OCCASION + r"\b(?:[^.;:]{0,60}?\bside)?\s+were\s+"
               r"(?:present\s+)?(?P<people>" + _SPAN + r"+?)(?=[.;:](?:\s|$)|$)"),
    # "On our side in attendance were myself and the advisers ... Ignatiev and Pelishenko"
    # (at the occasion named before).
    re.compile(r"\b[Oo]n (?:our|the [\w -]+?) side,? in attendance were\s+"
               r"(?P<people>" + _SPAN + r"+?)(?=[.;:](?:\s|$)|$)"),
    # "The trade representative of the PRC Wen Shizhen attended the luncheon."
    re.compile(r"(?:^|(?<=[.;]\s))(?P<subject>[A-Z]" + _SPAN + r"{0,100}?)\s+"
               r"(?:also\s+)?(?:attended|took part in|participated in|was present at)\s+"
               r"the\s+" + _OCCASION + r"\b"),
)
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
    occasion = match.groupdict().get("occasion")
    return "luncheon" if occasion == "lunch" else occasion


def _people(match: re.Match[str]) -> tuple[tuple[Correspondent, ...], bool]:
    if match.groupdict().get("subject"):
        name = trailing_name(match["subject"])
        return (tuple(p for p in parse_parties(name) if p.kind == "person") if name else (),
                False)
    people, author = [], False
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", match["people"]):
        part = part.strip()
        if part.casefold() in AUTHOR_WORDS:
            author = True
            continue
        part = _DESCRIPTION_RE.sub("", part)
        people += [p for p in parse_parties(part) if p.kind == "person"]
    return tuple(people), author
