"""The editor's square brackets in a page's body: what each one is (an identification
"Filippov [Stalin]", a codename "Stalin [Kuznetsov]", a completion "Com[rade]", "sic", an
omission "[...]" or any other insertion) and the name it glosses, with its offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.names import FAMILY_NAMES, is_completion, known_codename

#: Capitalised words that precede a bracket without being the name it identifies.
NOT_NAMES = frozenset({
    "A", "An", "The", "This", "That", "These", "Those", "I", "We", "He", "She", "They", "It",
    "You", "Our", "His", "Her", "Their", "In", "On", "At", "To", "From", "Of", "And", "But",
    "Comrade", "Comrades", "Com", "Cde", "General", "Marshal", "Chairman", "Mr", "Mrs",
    "Today", "Yesterday", "Then", "When", "After", "Before", "If", "As", "Also", "Tell",
})
#: Bracketed words that are insertions even after a name: "Mao Zedong [He]" is no gloss.
NOT_IDENTIFICATIONS = frozenset({
    "I", "We", "He", "She", "They", "It", "You", "Me", "Us", "Him", "Her", "Them", "The", "A",
    "An", "And", "Or",
})
#: Lower-case words allowed inside a bracketed name: "[Chiang Kai-shek]", "[Sun Yat-sen]".
NAME_PARTICLES = frozenset({"of", "de", "van", "von", "the", "and"})
#: Square brackets that are page artefacts, not the editor's: an obfuscated e-mail address.
NOT_EDITORIAL = frozenset({"email protected"})

#: "identification": the bracket names who the word before it is ("Filippov [Stalin]",
#: "Beiping [Beijing]"); "codename": the bracket gives the codename used for the real name
#: before it ("Stalin [Kuznetsov]"); "completion": it completes a word or a name
#: ("Com[rade]", "Liu [Shaoqi]", "[Li] Fuchun"); "sic", "omission" ("[...]"), and
#: "insertion" for everything else the editor added.
BRACKET_KINDS = ("identification", "codename", "sic", "omission", "completion", "insertion")

_BRACKET_RE = re.compile(r"\[([^\[\]\r\n]*)\]")
_OMISSION_RE = re.compile(r"(?:\.\s*){3}|…")
_SIC_RE = re.compile(r"sic\b", re.IGNORECASE)
_NAME_BEFORE_RE = re.compile(r"(?:(?<=[\s\"“‘(])|^)((?:[A-Z][\w'’-]*\s){0,2}[A-Z][\w'’-]*) $")
_INITIAL_RE = re.compile(r"^(?:[A-Z][a-z]?\.)+$")

@dataclass(frozen=True)
class Bracket:
    """An editor's square-bracket insertion; ``source[start:end] == text``."""

    text: str
    inside: str
    before: str | None
    kind: str
    start: int
    end: int



def find_brackets(source: str, spans: list[tuple[int, int]]) -> tuple[Bracket, ...]:
    """Every editor's square bracket within the ``(start, end)`` spans of ``source``."""
    brackets = []
    for span_start, span_end in spans:
        for match in _BRACKET_RE.finditer(source, span_start, span_end):
            inside = match[1]
            if " ".join(inside.split()).casefold() in NOT_EDITORIAL:
                continue
            kind, before = _classify_bracket(source, match.start(), match.end(), inside)
            brackets.append(Bracket(match[0], inside, before, kind, match.start(), match.end()))
    return tuple(brackets)


def _classify_bracket(source: str, start: int, end: int, inside: str) -> tuple[str, str | None]:
    """Kind of the bracket at ``source[start:end]`` and, for an identification, the name it
    glosses (see :data:`BRACKET_KINDS`). Completions fill in a word ("Com[rade]"), a given
    name ("Liu [Shaoqi]") or the start of a name ("[Li] Fuchun", "[CPSU First Secretary
    Nikita S.] Khrushchev")."""
    kind = _bracket_kind_of_gloss(inside)
    if kind in ("omission", "sic"):
        return kind, None
    core = inside.strip()
    attached = source[start - 1:start].isalpha() or source[end:end + 1].isalpha()
    if attached and core.isalpha():
        return "completion", None
    before = _name_before(source, start)
    if kind == "identification" and _starts_a_name(source, end, core, before):
        return "completion", None
    if kind == "identification" and before:
        if is_completion(before, core):
            return "completion", None
        if known_codename(core) and not known_codename(before):
            return "codename", before
        return "identification", before
    return "insertion", None


def _starts_a_name(source: str, end: int, core: str, before: str | None) -> bool:
    """"[Li] Fuchun": the bracket holds the first part of the name that follows it."""
    follows = source[end:end + 1] == " " and source[end + 1:end + 2].isupper()
    last = core.split()[-1]
    return follows and before is None and (bool(_INITIAL_RE.match(last)) or last in FAMILY_NAMES)


def _bracket_kind_of_gloss(inside: str) -> str:
    core = inside.strip()
    if _OMISSION_RE.fullmatch(core):
        return "omission"
    if _SIC_RE.match(core):
        return "sic"
    return "identification" if _looks_like_name(core) else "insertion"


def _name_before(source: str, start: int) -> str | None:
    """The capitalised name (up to three words) right before ``source[start]``, on its line."""
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    match = _NAME_BEFORE_RE.search(source[line_start:start])
    if not match:
        return None
    words = match[1].split()
    while words and words[0] in NOT_NAMES:
        words.pop(0)
    return " ".join(words) or None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return (
        bool(words)
        and text not in NOT_IDENTIFICATIONS
        and words[0][:1].isupper()
        and all(word[:1].isupper() or word in NAME_PARTICLES for word in words)
        and not any(ch.isdigit() for ch in text)
    )


# --- quotes -----------------------------------------------------------------------------
