"""Who wrote a page, as its body says: the signature that closes it ("No. 472 Kovalev, 17.5",
"PONOMAREV 26 September 1956", "(I. Vinogradov)"), the keeper a journal or record names in
its heading ("From the Journal of P. F. Yudin, 12 March 1955", "Ambassador of the USSR in
the DPRK, Cde. Ivanov V.I."), and the people a journal's keeper says he met ("I visited Pak
Seong-cheol", "Nam Il invited me").

Each function only reads; :func:`kg.ingest.document.parse_text` decides what the page's
parties are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.ingest.dates import parse_date
from kg.ingest.names import (
    POST_WORDS,
    ROLE_WORDS,
    Correspondent,
    clean_name,
    is_institution,
    is_post,
    trailing_name,
)
from kg.ingest.titles import parse_parties

#: How many paragraphs from the end a signature may stand before the archive's own notes
#: ("[handwritten: authenticated ...", "MFA 25 September 1956 Special N1475").
SIGNATURE_REACH = 6
#: How many paragraphs from the top may name the keeper of a journal or record.
HEADING_REACH = 8
#: Longest heading line naming a keeper, in characters.
HEADING_MAX = 160

_NAME_WORD = r"[A-Z][\w'’-]*"
_INITIALS = r"(?:[A-Z][a-z]?\.\s?)+"
#: The closing line of the last paragraph: "No. 472 Kovalev, 17.5", "Roshchin, 13/5-50",
#: "S H T Y K O V", "Mao Zedong".
_SIGNATURE_RE = re.compile(
    r"^(?:(?:No\.?|Nº|№|N°)\s*(?P<number>\d[\w/-]*)\s+)?"
    r"(?P<name>(?:[A-ZА-Я]\s){2,}[A-ZА-Я]"
    r"|(?:[A-Z][a-z]?\.\s?)*[A-Z][\w'’-]*(?:\s(?:[A-Z][a-z]?\.\s?)*[A-Z][\w'’-]*){0,3})"
    r"(?:,?\s+(?P<date>[\dIVX][\dIVX./-]*))?\.?$"
)
#: A signature that may stand above the archive's notes, in a shape nothing else has: a
#: surname in capitals with its date ("PONOMAREV 26 September 1956"), a name in
#: parentheses ("(I. Vinogradov)", "[signature] (A. PUZANOV)"), letters spaced apart.
_MARKED_SIGNATURE_RE = re.compile(
    r"^(?:\[signature\]\s*)?(?:"
    r"(?P<caps>[A-ZА-Я]{3,}(?:[- ][A-ZА-Я]{2,})?)\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\.?"
    r"|\((?P<bracketed>(?:" + _INITIALS + r")?" + _NAME_WORD + r")\)"
    r"|(?P<spaced>(?:[A-ZА-Я]\s){3,}[A-ZА-Я])"
    r")$"
)
#: Words in capitals that close a page without being anyone's name.
NOT_SIGNATURES = frozenset({
    "secret", "top secret", "copy", "original", "true copy", "typescript", "draft", "zab",
    "urgent", "end", "dispatch", "signature", "illegible",
})

#: "From the Journal of P. F. Yudin, 12 March 1955, Top Secret", "The Journal of Soviet
#: Ambassador to the DPRK A. M. PUZANOV": the keeper ends before a comma or "for".
_JOURNAL_HEADING_RE = re.compile(
    r"^(?:from\s+)?(?:the\s+)?(?:journal|diary)\s+of\s+(?P<keeper>[^,]+?)"
    r"(?:\s+for\b.*|,.*)?$", re.IGNORECASE)
#: A date closing a heading's line: "N. V. Roshchin 6 May 1951".
_DATED_RE = re.compile(r"[,\s]+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\.?$")
#: "Ambassador of the USSR in the DPRK, Cde. Ivanov V.I.": a post, then the keeper.
_POST_HEADING_RE = re.compile(
    r"^(?:the\s+)?(?:Soviet\s+|USSR\s+)?(?:Ambassador|Charg[eé] d'Affaires|Counsell?or|"
    r"Minister|Consul|Envoy|First Secretary)\b[^,:]{0,80},\s*(?:Cde\.?|Comrade)\s+"
    r"(?P<keeper>(?:" + _INITIALS + r")?" + _NAME_WORD + r"(?:\s" + _INITIALS.strip("+")
    + r"+)?)\.?$")

#: The keeper's own meetings in a journal: "I visited X", "I received X", "I had a
#: conversation with X", "X invited me", "X visited me".
_KEEPER_MET_RE = re.compile(
    r"(?:^|(?<=[.;]\s))(?:"
    r"I\s+(?:visited|received|met(?:\s+with)?|called on|had\s+(?:a|another)\s+"
    r"(?:conversation|talk|meeting|discussion)\s+with)\s+(?P<guests>(?:_SPAN)+?)"
    r"(?=\s*(?:[.;:]|,\s+(?:who|and I|at|in|on)\b|\s+(?:at|in|on|for|and (?:said|told|asked|"
    r"informed|[a-z]+ed))\b))"
    r"|(?P<hosts>[A-Z](?:_SPAN){0,80}?)\s+"
    r"(?:invited|visited|received|called on)\s+me\b)"
    .replace("_SPAN", r"Cdes?\.\s|[A-Z][a-z]?\.\s?|[^.;:]"))
#: What stands before the name of a person the keeper met: "the Minister", "Cde.".
_MET_PREFIX_RE = re.compile(r"^(?:the\s+[a-z][\w -]*?\s+(?=[A-Z]))")


@dataclass(frozen=True)
class Signature:
    """The closing line: "No. 472 Kovalev, 17.5", "S H T Y K O V" or just "Mao Zedong".
    ``name`` is cleaned ("Shtykov"); ``date_text`` is the date as written; ``marked`` when
    the line has a shape only signatures have (capitals with a date, a name in
    parentheses, spaced letters), so that it names the author even without the title."""

    text: str
    name: str
    number: str | None
    date: str | None
    date_text: str | None = None
    marked: bool = False


def read_signature(paragraphs: Sequence[str], year: str | None) -> Signature | None:
    """The page's signature: the last paragraph when it is a closing line, else a marked
    signature among the last :data:`SIGNATURE_REACH` paragraphs (the archive's stamps and
    notes may follow it)."""
    if not paragraphs:
        return None
    last = paragraphs[-1]
    if signature := _marked(last, year) or _name_over_post(paragraphs[-SIGNATURE_REACH:]):
        return signature
    if (match := _SIGNATURE_RE.match(" ".join(last.split()))) and _is_name(match["name"]):
        date = parse_date(match["date"], year) if match["date"] else None
        return Signature(text=last, name=clean_name(match["name"]), number=match["number"],
                         date=date, date_text=match["date"] if date else None)
    for text in reversed(paragraphs[-SIGNATURE_REACH:-1]):
        if signature := _marked(text, year):
            return signature
    return None


def _marked(text: str, year: str | None) -> Signature | None:
    line = " ".join(text.split())
    match = _MARKED_SIGNATURE_RE.match(line)
    if not match:
        return None
    name = match["caps"] or match["bracketed"] or match["spaced"]
    if not _is_name(name):
        return None
    date = parse_date(match["date"], year) if match["date"] else None
    return Signature(text=text, name=clean_name(name), number=None, date=date,
                     date_text=match["date"] if date else None, marked=True)


def _is_name(name: str) -> bool:
    """A person's name, not a note ("Secret"), a post ("CC SECRETARY", "Deputy Assistant
    Under-Secretary") or a body."""
    plain = " ".join(name.split()).casefold()
    return plain not in NOT_SIGNATURES and not is_institution(name) and not any(
        word.strip(",.") in _POST_OR_ROLE for word in re.split(r"[\s-]+", plain))


_POST_OR_ROLE = POST_WORDS | ROLE_WORDS | {"under-secretary", "undersecretary", "chargé",
                                           "charge", "d'affaires", "adviser", "counsellor"}
#: A personal name on a line of its own: two to four capitalised words (accents, hyphens,
#: initials), "Pál Szarvas", "József Füredi", "I. Vinogradov".
_NAME_LINE_RE = re.compile(r"^(?:[^\W\d_][\w'’.-]*\s){1,3}[^\W\d_][\w'’-]*$")


def _name_over_post(paragraphs: Sequence[str]) -> Signature | None:
    """A signature written as the signer's name over their post ("Pál Szarvas" /
    "Ambassador", "Irén Rózsa" / "Deputy Assistant Under-Secretary"), lines of one
    paragraph or paragraphs of their own, among the last paragraphs."""
    lines = [line.strip() for text in paragraphs for line in text.splitlines() if line.strip()]
    for k in range(len(lines) - 2, -1, -1):
        name, post = lines[k], lines[k + 1]
        words = name.split()
        if (_NAME_LINE_RE.match(name) and all(w[:1].isupper() for w in words)
                and _is_name(name) and len(post) < 80 and not _is_name(post)
                and not re.match(r"(?i)(?:\[?to\b|for\b)", post)  # an address, not a post
                and any(w in _POST_OR_ROLE for w in re.split(r"[\s-]+", post.casefold()))):
            return Signature(text=f"{name}\n{post}", name=clean_name(name), number=None,
                             date=None, marked=True)
    return None


def record_keeper(paragraphs: Sequence[str]) -> Correspondent | None:
    """The keeper of a journal or record as its heading names them, or None."""
    heads = paragraphs[:HEADING_REACH]
    for k, text in enumerate(heads):
        line = " ".join(text.split())
        if len(line) > HEADING_MAX:
            continue
        if match := _JOURNAL_HEADING_RE.match(line):
            keeper = match["keeper"]
            if keeper.casefold() in NOT_SIGNATURES and k + 1 < len(heads):
                # "From the diary of Top Secret" / "N. V. Roshchin 6 May 1951": the page's
                # classification stands between the heading and the keeper's name.
                keeper = _DATED_RE.sub("", " ".join(heads[k + 1].split()))
            name = trailing_name(keeper)
        elif match := _POST_HEADING_RE.match(line):
            name = match["keeper"]
        else:
            continue
        if name and not is_post(clean_name(name)):
            return Correspondent(clean_name(name))
    return None


def keeper_met(paragraphs: Sequence[str]) -> tuple[Correspondent, ...]:
    """The people a journal's keeper writes that he met, in order, each once."""
    found: list[Correspondent] = []
    for text in paragraphs:
        for match in _KEEPER_MET_RE.finditer(" ".join(text.split())):
            if match["hosts"]:  # the name closing the words before "invited me"
                names = trailing_name(match["hosts"]) or ""
            else:
                names = _MET_PREFIX_RE.sub("", match["guests"])
            for person in parse_parties(names):
                if person.kind == "person" and person.name[:1].isupper() and \
                        person.name.casefold() not in {f.name.casefold() for f in found}:
                    found.append(person)
    return tuple(found)


#: Verbs with which the editors' summary says what its first-named person does as the
#: writer: "Liu Shaoqi sends list of questions ...", "Kim Il Sung writes to Stalin ...".
SUMMARY_WRITER_VERBS = ("sends", "writes", "reports", "informs", "requests", "asks",
                        "relays", "forwards", "transmits", "conveys", "tells")
_SUMMARY_WRITER_RE = re.compile(
    r"^(?P<name>" + _NAME_WORD + r"(?:\s" + _NAME_WORD + r"){1,2})\s+(?:"
    + "|".join(SUMMARY_WRITER_VERBS) + r")\b")


def summary_writer(summary: str | None) -> Correspondent | None:
    """The writer the editors' summary names first, for a page whose title gives its
    sender only by a post ("Report from the Head of the Delegation of the Chinese
    Communist Party CC to Stalin" / "Liu Shaoqi sends list of questions ..."): a person's
    name of two or three words opening the summary, then a verb of writing."""
    m = _SUMMARY_WRITER_RE.match(" ".join((summary or "").split()))
    if not m:
        return None
    people = [p for p in parse_parties(m["name"]) if p.kind == "person"]
    if len(people) != 1 or is_institution(people[0].name) or is_post(people[0].name):
        return None
    return people[0]


#: The posts of an envoy who writes up his own conversations.
ENVOY_POSTS = ("Ambassador", "Chargé d'Affaires", "Charge d'Affaires", "Chargé d’Affaires",
               "Counselor", "Counsellor", "Consul", "Envoy")
#: The writer narrating in the first person: "[I] Visited comrade Kim Il Sung.", "I was
#: received by ...", "On October 5 I was visited by cde. Zhou Enlai".
_NARRATOR_RE = re.compile(r"(?:(?:^|[.;:]\s+)(?:\[I\]|I)\s+(?:[a-z]|\[?[A-Z][a-z]+ed\b)"
                          r"|\bI\s+(?:was|had|have|visited|received|met|asked|told|informed|"
                          r"handed|called on|paid)\b)")


def envoy_keeper(title: str | None, participants: Sequence[Correspondent],
                 paragraphs: Sequence[str]) -> Correspondent | None:
    """Who kept a record of conversation that names no keeper: the one participant whose
    envoy's post the title gives ("Memorandum of Conversation between Soviet Ambassador to
    North Korea Vasily Moskovsky and Kim Il Sung"), when the body is told in the first
    person ("[I] Visited comrade Kim Il Sung.")."""
    if not title or not any(_NARRATOR_RE.search(" ".join(p.split())) for p in paragraphs[:4]):
        return None
    posts = "|".join(re.escape(p) for p in ENVOY_POSTS)
    found = [c for c in participants if re.search(
        r"\b(?:" + posts + r")\b(?:(?!\band\b|\bwith\b|\bbetween\b)[^,;])*?"
        + re.escape(c.name.split()[-1]) + r"\b", title)]
    return found[0] if len(found) == 1 else None
