"""Parse a corpus document, as the Wilson Center Digital Archive and its mirrors publish it,
into a :class:`Document`: header metadata, correspondents, the body's paragraphs with
character offsets, the editor's square brackets, codenames, the archival citation, reprint,
translator, rights and the labelled fields.

Pure parsing, standard library only. Every offset points into ``Document.source``, the file
exactly as read (no newline normalisation), so evidence quotes can be located in it.

A page is read in two steps: :mod:`kg.ingest.layouts` finds where the page starts, its
layout and which lines are date, title, summary, citation, labelled fields and body; then
each section is parsed with functions shared by all layouts: titles and dates
(:mod:`kg.ingest.titles`), names and codenames (:mod:`kg.ingest.names`), citations
(:mod:`kg.ingest.citation`), and here the body's paragraphs, brackets, signature and
codenames.
Fields a page does not have stay None or empty: nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.errors import DocumentError
from kg.ingest.citation import (
    Citation,
    Reprint,
    parse_citations,
    parse_contributor,
    parse_reprint,
    parse_translator,
)
from kg.ingest.layouts import Page, read_page
from kg.ingest.names import (
    FAMILY_NAMES,
    Correspondent,
    clean_name,
    codename_pairs,
    is_codename_pair,
    is_completion,
    known_codename,
)
from kg.ingest.titles import Title, canonical_type, normalized_title, parse_date, parse_title

__all__ = [
    "Bracket",
    "Citation",
    "Codename",
    "Correspondent",
    "Document",
    "Paragraph",
    "Reprint",
    "Signature",
    "Title",
    "duplicate_key",
    "duplicate_keys",
    "find_all_quotes",
    "find_brackets",
    "find_quote",
    "parse_date",
    "parse_document",
    "parse_text",
    "parse_title",
]

# --- data tables -----------------------------------------------------------------------

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
_SIGNATURE_RE = re.compile(
    r"^(?:(?:No\.?|Nº|№|N°)\s*(?P<number>\d[\w/-]*)\s+)?"
    r"(?P<name>(?:[A-ZА-Я]\s){2,}[A-ZА-Я]"
    r"|(?:[A-Z][a-z]?\.\s?)*[A-Z][\w'’-]*(?:\s(?:[A-Z][a-z]?\.\s?)*[A-Z][\w'’-]*){0,3})"
    r"(?:,?\s+(?P<date>[\dIVX][\dIVX./-]*))?\.?$"
)
#: "Name [Name]" or "Name (Name)" in a body: a codename pair when one side is a codename.
_PAIR_RE = re.compile(
    r"(?P<outer>(?:[A-Z][\w'’.-]*\s+){0,2}[A-Z][\w'’.-]*)\s*[\[(]"
    r"(?P<inside>[A-Z][^\[\]()\n]{0,60}?)[\])]"
)

# --- the parsed document ----------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    """An editor's square-bracket insertion; ``source[start:end] == text``."""

    text: str
    inside: str
    before: str | None
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank body lines (one line in a mirror copy without blank lines);
    ``source[start:end] == text``."""

    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Signature:
    """The closing line: "No. 472 Kovalev, 17.5", "S H T Y K O V" or just "Mao Zedong".
    ``name`` is cleaned ("Shtykov"); ``date_text`` is the date as written."""

    text: str
    name: str
    number: str | None
    date: str | None
    date_text: str | None = None


@dataclass(frozen=True)
class Codename:
    """A cover name the page identifies: "Filippov" is "Stalin"."""

    name: str
    person: str


@dataclass(frozen=True)
class Document:
    """One corpus document, parsed. Offsets everywhere point into ``source``."""

    id: str
    path: str
    source: str = field(repr=False)
    layout: str
    title: str | None
    date: str | None
    date_text: str | None
    doc_type: str | None
    incoming_numbers: tuple[str, ...]
    outgoing_numbers: tuple[str, ...]
    senders: tuple[Correspondent, ...]
    recipients: tuple[Correspondent, ...]
    intermediaries: tuple[Correspondent, ...]
    brackets: tuple[Bracket, ...]
    summary: str | None
    citations: tuple[Citation, ...]
    reprint: Reprint | None
    translator: str | None
    translator_text: str | None
    rights: str | None
    record_id: str | None
    uploaded_date: str | None
    body: tuple[Paragraph, ...]
    signature: Signature | None
    participants: tuple[Correspondent, ...] = ()
    codenames: tuple[Codename, ...] = ()
    funding: str | None = None
    language: str | None = None
    record_type: str | None = None
    donors: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    contributor: str | None = None
    excerpt: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def body_text(self) -> str:
        """The body's paragraphs, separated by blank lines."""
        return "\n\n".join(paragraph.text for paragraph in self.body)


# --- entry points -----------------------------------------------------------------------


def parse_document(path: str | Path) -> Document:
    """Read and parse one corpus file (UTF-8). Raises :class:`DocumentError` naming the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentError(f"cannot read file: {err.strerror}", file=str(path)) from err
    _check_bytes(data, str(path))
    # Same text as open(path, encoding="utf-8", newline=""): no newline translation.
    return parse_text(data.decode("utf-8"), doc_id=path.stem, path=str(path))


def parse_text(text: str, doc_id: str | None = None, path: str = "<text>") -> Document:
    """Parse a document's text; ``doc_id`` defaults to the stem of ``path``."""
    doc_id = doc_id if doc_id is not None else Path(path).stem
    if not text.strip():
        raise DocumentError("file is empty", file=path)
    if "\x00" in text or _mostly_control(text):
        raise DocumentError("binary file, not text", file=path)
    page = read_page(text, path)
    body = _paragraphs(text, page)
    if not body:
        raise DocumentError(
            f"no body found: the page ({page.layout} layout) has no text after its header",
            file=path,
        )
    title_text = " ".join(page.title.text.split()) if page.title else None
    title = parse_title(title_text) if title_text else Title()
    date, date_text = _header_date(page, title)
    signature = _signature(body[-1].text, year=date[:4] if date else None)
    if date is None and signature and signature.date:
        date, date_text = signature.date, signature.date_text
    citation = page.citation or ""
    translated = parse_translator(citation)
    spans = [(p.start, p.end) for p in body]
    if page.title:
        spans.insert(0, (page.title.start, page.title.end))
    return Document(
        id=doc_id,
        path=path,
        source=text,
        layout=page.layout,
        title=title_text,
        date=date,
        date_text=date_text,
        doc_type=title.doc_type or canonical_type(page.value("type")),
        incoming_numbers=title.incoming_numbers,
        outgoing_numbers=(signature.number,) if signature and signature.number else (),
        senders=title.senders,
        recipients=title.recipients,
        intermediaries=title.intermediaries,
        brackets=find_brackets(text, spans),
        summary=page.summary or page.value("summary"),
        citations=parse_citations(citation),
        reprint=parse_reprint(citation),
        translator=translated[0] if translated else None,
        translator_text=translated[1] if translated else None,
        rights=page.rights or page.paragraphs("rights"),
        record_id=page.value("record_id"),
        uploaded_date=page.value("uploaded_date"),
        body=body,
        signature=signature,
        participants=title.participants,
        codenames=_codenames(title, body),
        funding=page.funding,
        language=page.value("language", ", "),
        record_type=page.value("type"),
        donors=page.values("donors"),
        authors=page.values("authors"),
        contributor=parse_contributor(citation),
        excerpt=title.excerpt,
        warnings=tuple(page.warnings),
    )


def duplicate_key(doc: Document) -> str:
    """The key under which copies of one document from different mirrors coincide: the
    record ID when the page has one, else the date and the normalised title."""
    if doc.record_id:
        return f"record:{doc.record_id.strip()}"
    return f"title:{doc.date or ''}:{normalized_title(doc.title or '')}"


def duplicate_keys(doc: Document) -> tuple[str, ...]:
    """Every key a copy of ``doc`` may share with it: the record ID's (when present) and the
    date-and-title one (when the page has a title), so that a copy with a record ID and a
    mirror without one can be matched too."""
    keys = [f"record:{doc.record_id.strip()}"] if doc.record_id else []
    if doc.title:
        keys.append(f"title:{doc.date or ''}:{normalized_title(doc.title)}")
    return tuple(keys)


def _check_bytes(data: bytes, path: str) -> None:
    if not data.strip():
        raise DocumentError("file is empty", file=path)
    if b"\x00" in data:
        raise DocumentError("binary file, not text", file=path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(f"not valid UTF-8 (byte {err.start})", file=path) from None


def _mostly_control(text: str) -> bool:
    """More than one character in ten is a control character: not a text page."""
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return controls * 10 > len(text)


def _paragraphs(source: str, page: Page) -> tuple[Paragraph, ...]:
    return tuple(
        Paragraph(n, source[run[0].start:run[-1].end], run[0].start, run[-1].end)
        for n, run in enumerate(page.body_runs(), start=1)
    )


# --- dates, signatures, codenames -------------------------------------------------------


def _header_date(page: Page, title: Title) -> tuple[str | None, str | None]:
    """The page's date: its date line, else the date after the quoted title of its
    citation, else a date written in its title."""
    if page.date_line:
        return parse_date(page.date_line.text), page.date_line.text
    if page.citation_date:
        return page.citation_date
    return title.date, title.date_text


def _signature(text: str, year: str | None) -> Signature | None:
    """The closing line when the last paragraph is one: "No. 472 Kovalev, 17.5",
    "Roshchin, 13/5-50", "S H T Y K O V"."""
    match = _SIGNATURE_RE.match(" ".join(text.split()))
    if not match:
        return None
    date = parse_date(match["date"], year) if match["date"] else None
    return Signature(text=text, name=clean_name(match["name"]), number=match["number"],
                     date=date, date_text=match["date"] if date else None)


def _codenames(title: Title, body: tuple[Paragraph, ...]) -> tuple[Codename, ...]:
    """Codenames the page identifies: in its title's correspondents, and in the body's
    "Filippov [Stalin]", "Strakhov (Li Lisan)", "Andreev [Mikoyan]"."""
    found: dict[str, str] = {}
    people = (*title.senders, *title.recipients, *title.intermediaries, *title.participants)
    for c in people:
        if c.identified_as and is_codename_pair(c.name, c.identified_as):
            for name in (c.name, *c.aliases):
                found.setdefault(name, c.identified_as)
    for paragraph in body:
        for match in _PAIR_RE.finditer(paragraph.text):
            words = match["outer"].split()
            while words and words[0] in NOT_NAMES:
                words.pop(0)
            for n in range(len(words)):
                pairs = codename_pairs(" ".join(words[n:]), match["inside"])
                if pairs:
                    for name, person in pairs:
                        found.setdefault(name, person)
                    break
    return tuple(Codename(name, person) for name, person in found.items())


# --- brackets ---------------------------------------------------------------------------


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


_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=16)
def _collapsed(source: str) -> tuple[str, list[int]]:
    """``source`` with every run of whitespace made one space, and for each character of
    that text the offset of the character it came from (a run maps to its first space)."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _WHITESPACE.finditer(source):
        start, end = match.span()
        parts.append(source[pos:start])
        offsets.extend(range(pos, start))
        parts.append(" ")
        offsets.append(start)
        pos = end
    parts.append(source[pos:])
    offsets.extend(range(pos, len(source)))
    return "".join(parts), offsets


def _needle(quote: str) -> str:
    return " ".join(quote.split())


def find_quote(source: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in ``source``, or None.

    Whitespace-insensitive only: any run of whitespace in the quote matches any run of
    whitespace (line breaks included) in the source. Everything else is verbatim: straight
    and curly quotes, hyphens and dashes are different characters.
    """
    hits = _find(source, quote, first=True)
    return hits[0] if hits else None


def find_all_quotes(source: str, quote: str) -> tuple[tuple[int, int], ...]:
    """Every occurrence of ``quote`` in ``source`` (overlapping ones too), as
    :func:`find_quote` matches it."""
    return _find(source, quote, first=False)


def _find(source: str, quote: str, *, first: bool) -> tuple[tuple[int, int], ...]:
    # Searched in the whitespace-collapsed text (computed once per source), then mapped back:
    # a match there is exactly a match of the quote's words separated by any whitespace.
    needle = _needle(quote)
    if not needle:
        return ()
    text, offsets = _collapsed(source)
    found = []
    i = text.find(needle)
    while i >= 0:
        found.append((offsets[i], offsets[i + len(needle) - 1] + 1))
        if first:
            break
        i = text.find(needle, i + 1)
    return tuple(found)
