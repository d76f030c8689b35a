"""Parse a corpus document, as the Wilson Center Digital Archive publishes it, into a
:class:`Document`: header metadata, the body's paragraphs with character offsets, the
editor's square brackets, the archival citation, reprint, translator and rights.

Pure parsing, standard library only. Every offset points into ``Document.source``, the file
exactly as read (no newline normalisation), so evidence quotes can be located in it.

A page is read in three steps: detect its layout from the first line (:data:`LAYOUTS`), let
that layout's reader split the lines into sections (:class:`_Sections`), then parse each
section (title, citation, body, brackets, signature) with functions shared by all layouts.
A new layout needs a marker in :data:`LAYOUTS` and a reader; the tables below say what is
page furniture, which document types and field labels exist.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.citation import Citation, Reprint, parse_citations, parse_reprint, parse_translator
from kg.errors import DocumentError

__all__ = [
    "Bracket",
    "Citation",
    "Correspondent",
    "Document",
    "Paragraph",
    "Reprint",
    "Signature",
    "Title",
    "find_all_quotes",
    "find_brackets",
    "find_quote",
    "parse_date",
    "parse_document",
    "parse_text",
    "parse_title",
]

# --- data tables -----------------------------------------------------------------------

#: Layouts, recognised by their first non-blank line (compared as :func:`_plain` gives it).
#: "archive-trailer": skip link, date, title, body, then summary, "Document Information",
#: citation, rights and labelled fields. "archive-search": search box, date, summary and
#: quoted citation in the header, then the body and nothing after it.
LAYOUTS: dict[str, str] = {
    "skip to content": "archive-trailer",
    "search in": "archive-search",
}

#: Page furniture lines, compared as :func:`_plain` gives them (bullets dropped, lower case).
CHROME_LINES = frozenset({
    "skip to content",
    "search in",
    "digital archive international history declassified",
    "citation",
    "get citation",
    "share document",
    "document information",
})
#: Links to the transcript's formats ("English HTML", "Russian PDF") head the body.
FORMAT_LINK_RE = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)? (?:HTML|PDF)$")
CITATION_CLOSER = "share document"
TRAILER_HEADING = "document information"

#: Labelled fields of the trailing section -> the Document attribute they fill.
FIELD_LABELS: dict[str, str] = {
    "original uploaded date": "uploaded_date",
    "record id": "record_id",
}

#: Document types a title may start with, in their canonical spelling. Longest match wins.
DOCUMENT_TYPES: tuple[str, ...] = (
    "Cable",
    "Telegram",
    "Ciphered Telegram",
    "Draft Telegram",
    "Letter",
    "Record of Conversation",
    "Memorandum",
    "Minutes",
    "Report",
    "Note",
)

MONTHS: dict[str, int] = {
    name: number
    for number, month in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        start=1,
    )
    for name in (month, month[:3], "sept" if month == "september" else month[:3])
}

#: Capitalised words that precede a bracket without being the name it identifies.
NOT_NAMES = frozenset({
    "A", "An", "The", "This", "That", "These", "Those", "I", "We", "He", "She", "They", "It",
    "You", "Our", "His", "Her", "Their", "In", "On", "At", "To", "From", "Of", "And", "But",
    "Comrade", "Comrades", "Com", "Cde", "General", "Marshal", "Chairman", "Mr", "Mrs",
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

BRACKET_KINDS = ("identification", "sic", "omission", "completion", "insertion")

_BRACKET_RE = re.compile(r"\[([^\[\]\r\n]*)\]")
_OMISSION_RE = re.compile(r"(?:\.\s*){3}|…")
_SIC_RE = re.compile(r"sic\b", re.IGNORECASE)
_NAME_BEFORE_RE = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][\w'’-]*\s){0,2}[A-Z][\w'’-]*) $")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_QUOTED_TITLE_RE = re.compile(r"^[\"“](?P<title>[^\"”]+?),?[\"”]")
_SIGNATURE_RE = re.compile(
    r"^(?:No\.\s*(?P<number>\d+)\s+)?"
    r"(?P<name>[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*){0,3})"
    r"(?:,\s*(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?:\.(?P<year>\d{4}))?)?\.?$"
)
_DATE_PATTERNS = (
    re.compile(r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})(?:-(?P<num_month>\d{2})(?:-(?P<day>\d{2}))?)?$"),
)

# --- the parsed document ----------------------------------------------------------------


@dataclass(frozen=True)
class Correspondent:
    """A sender, recipient or intermediary: the name as written and the editor's gloss."""

    name: str
    identified_as: str | None = None


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
    """A run of non-blank body lines; ``source[start:end] == text``."""

    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Signature:
    """The closing line: "No. 472 Kovalev, 17.5" or just "Mao Zedong"."""

    text: str
    name: str
    number: str | None
    date: str | None


@dataclass(frozen=True)
class Title:
    """What a title such as "Ciphered Telegram No.54755 from Kovalev to Filippov" says."""

    doc_type: str | None = None
    incoming_numbers: tuple[str, ...] = ()
    senders: tuple[Correspondent, ...] = ()
    recipients: tuple[Correspondent, ...] = ()
    intermediaries: tuple[Correspondent, ...] = ()


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
    if "\x00" in text:
        raise DocumentError("binary file, not text", file=path)
    lines = _split_lines(text)
    layout = _detect_layout(lines, path)
    sections = _READERS[layout](lines)
    body = _paragraphs(text, sections.body)
    if not body:
        raise DocumentError(
            f"no body found: the page ({layout} layout) has no text after its header", file=path
        )
    date = parse_date(sections.date_line.text) if sections.date_line else None
    title_text = sections.title.text if sections.title else None
    title = parse_title(title_text) if title_text else Title()
    signature = _signature(body[-1].text, year=date[:4] if date else None)
    translated = parse_translator(sections.citation) if sections.citation else None
    spans = [(p.start, p.end) for p in body]
    if sections.title:
        spans.insert(0, (sections.title.start, sections.title.end))
    return Document(
        id=doc_id,
        path=path,
        source=text,
        layout=layout,
        title=title_text,
        date=date,
        date_text=sections.date_line.text if sections.date_line else None,
        doc_type=title.doc_type,
        incoming_numbers=title.incoming_numbers,
        outgoing_numbers=(signature.number,) if signature and signature.number else (),
        senders=title.senders,
        recipients=title.recipients,
        intermediaries=title.intermediaries,
        brackets=find_brackets(text, spans),
        summary=sections.summary,
        citations=parse_citations(sections.citation) if sections.citation else (),
        reprint=parse_reprint(sections.citation) if sections.citation else None,
        translator=translated[0] if translated else None,
        translator_text=translated[1] if translated else None,
        rights=sections.rights,
        record_id=sections.fields.get("record_id"),
        uploaded_date=sections.fields.get("uploaded_date"),
        body=body,
        signature=signature,
    )


def _check_bytes(data: bytes, path: str) -> None:
    if not data.strip():
        raise DocumentError("file is empty", file=path)
    if b"\x00" in data:
        raise DocumentError("binary file, not text", file=path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(f"not valid UTF-8 (byte {err.start})", file=path) from None


# --- lines and layouts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """A line of the source, stripped; ``start``/``end`` bound the stripped text."""

    text: str
    start: int
    end: int

    @property
    def plain(self) -> str:
        return _plain(self.text)


@dataclass
class _Sections:
    """What a layout reader finds: which lines are header, body and trailer."""

    date_line: _Line | None = None
    title: _Line | None = None
    summary: str | None = None
    citation: str | None = None
    rights: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)
    body: list[_Line] = field(default_factory=list)


def _plain(text: str) -> str:
    """A line as compared with the chrome tables: no bullets, single spaces, lower case."""
    return " ".join(text.lstrip("\ufeff•·▪◦ ").split()).casefold()


def _split_lines(source: str) -> list[_Line]:
    lines = []
    pos = 1 if source.startswith("\ufeff") else 0
    while True:
        newline = _NEWLINE_RE.search(source, pos)
        end = newline.start() if newline else len(source)
        raw = source[pos:end]
        text = raw.strip()
        start = pos + (raw.index(text) if text else 0)
        lines.append(_Line(text, start, start + len(text)))
        if newline is None:
            return lines
        pos = newline.end()


def _detect_layout(lines: list[_Line], path: str = "<text>") -> str:
    """The layout name for a page, from its first non-blank line (see :data:`LAYOUTS`)."""
    first = next((line for line in lines if line.text), None)
    if first is not None and first.plain in LAYOUTS:
        return LAYOUTS[first.plain]
    known = " or ".join(repr(marker) for marker in LAYOUTS)
    shown = first.text[:60] if first else ""
    raise DocumentError(
        f"unrecognised page layout: first line is {shown!r}; a Digital Archive page starts "
        f"with {known} (case-insensitive)",
        file=path,
    )


def _is_chrome(line: _Line) -> bool:
    return line.plain in CHROME_LINES or bool(FORMAT_LINK_RE.match(line.text))


def _skip(lines: list[_Line], i: int) -> int:
    """Index of the next line from ``i`` on that is neither blank nor page chrome."""
    while i < len(lines) and (not lines[i].text or _is_chrome(lines[i])):
        i += 1
    return i


def _read_date(lines: list[_Line], i: int, sections: _Sections) -> int:
    """Skip chrome from ``i``, read an optional date line; return the index after it."""
    i = _skip(lines, i)
    if i < len(lines) and parse_date(lines[i].text):
        sections.date_line = lines[i]
        i += 1
    return i


def _read_trailer_layout(lines: list[_Line]) -> _Sections:
    """Skip link, date, title, body; summary, "Document Information", citation, rights,
    labelled fields."""
    sections = _Sections()
    i = _skip(lines, _read_date(lines, 0, sections))
    if i < len(lines) and lines[i].plain != TRAILER_HEADING:
        sections.title = lines[i]
        i += 1
    trailer = next((j for j in range(i, len(lines)) if lines[j].plain == TRAILER_HEADING), None)
    body = lines[i:trailer]
    if trailer is not None:
        blocks = _blocks(body)
        if blocks:  # the summary is the paragraph just before "Document Information"
            sections.summary = _joined(blocks[-1])
            body = [line for line in body if line.start < blocks[-1][0].start]
        _read_trailer(lines[trailer + 1:], sections)
    sections.body = body
    return sections


def _read_trailer(lines: list[_Line], sections: _Sections) -> None:
    """The part after "Document Information": citation paragraph, rights, labelled fields."""
    blocks = _blocks(lines)
    first_field = next(
        (n for n, block in enumerate(blocks) if block[0].plain in FIELD_LABELS), len(blocks)
    )
    prose = blocks[:first_field]
    if prose:
        sections.citation = _joined(prose[0])
    if len(prose) > 1:
        sections.rights = "\n\n".join(_joined(block) for block in prose[1:])
    sections.fields = _labelled_fields([line for block in blocks[first_field:] for line in block])


def _labelled_fields(lines: list[_Line]) -> dict[str, str | None]:
    """Values of "Label" lines, each followed by its value (or directly by the next label)."""
    fields: dict[str, str | None] = {}
    current = None
    for line in lines:
        if line.plain in FIELD_LABELS:
            current = FIELD_LABELS[line.plain]
            fields[current] = None
        elif current is not None:
            previous = fields[current]
            fields[current] = f"{previous} {line.text}" if previous else line.text
    return fields


def _read_search_layout(lines: list[_Line]) -> _Sections:
    """Search box, date, "Citation" with summary and quoted citation, "share document",
    format link, body."""
    sections = _Sections()
    block_start = i = _skip(lines, _read_date(lines, 0, sections))  # past "get citation"
    while i < len(lines) and lines[i].plain != CITATION_CLOSER:
        i += 1
    if i == len(lines):  # no citation block at all: everything after the date is body
        i = block_start
    else:
        _read_citation_block([line for line in lines[block_start:i] if line.text], sections)
    sections.body = lines[_skip(lines, i):]
    return sections


def _read_citation_block(lines: list[_Line], sections: _Sections) -> None:
    """Summary lines, then the citation line that opens with the quoted title."""
    quoted = [n for n, line in enumerate(lines) if _QUOTED_TITLE_RE.match(line.text)]
    at = quoted[-1] if quoted else len(lines) - 1
    if at < 0:
        return
    sections.summary = _joined(lines[:at]) or None
    sections.citation = _joined(lines[at:])
    if match := _QUOTED_TITLE_RE.match(lines[at].text):
        start = lines[at].start + match.start("title")
        sections.title = _Line(match["title"], start, start + len(match["title"]))


_READERS = {
    "archive-trailer": _read_trailer_layout,
    "archive-search": _read_search_layout,
}


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of consecutive non-blank lines."""
    blocks: list[list[_Line]] = []
    run: list[_Line] = []
    for line in [*lines, _Line("", 0, 0)]:
        if line.text:
            run.append(line)
        elif run:
            blocks.append(run)
            run = []
    return blocks


def _joined(lines: list[_Line]) -> str:
    return " ".join(line.text for line in lines)


def _paragraphs(source: str, lines: list[_Line]) -> tuple[Paragraph, ...]:
    return tuple(
        Paragraph(n, source[block[0].start:block[-1].end], block[0].start, block[-1].end)
        for n, block in enumerate(_blocks(lines), start=1)
    )


# --- dates, titles, signatures ----------------------------------------------------------


def parse_date(text: str) -> str | None:
    """ISO 8601 for a date as written: "May 17, 1949" -> "1949-05-17", "May 1949" ->
    "1949-05", "1949" -> "1949"; None when ``text`` is not a date."""
    text = " ".join(text.split())
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        month = MONTHS.get((parts.get("month") or "").casefold())
        if parts.get("num_month"):
            month = int(parts["num_month"])
        if parts.get("month") and month is None:
            return None
        return _iso(year, month, int(parts["day"]) if parts.get("day") else None)
    return None


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


_TYPE_RE = re.compile(
    r"^(?P<type>" + "|".join(re.escape(t) for t in sorted(DOCUMENT_TYPES, key=len, reverse=True))
    + r")\b\s*",
    re.IGNORECASE,
)
_NUMBERS_RE = re.compile(
    r"^Nos?\.?\s*(?P<numbers>\d[\w/-]*(?:\s*(?:,|and|&)\s*\d[\w/-]*)*)\s*", re.IGNORECASE
)
_VIA_BRACKETED_RE = re.compile(r"\s*[\[(]via\s+(?P<via>[^\])]+)[\])]", re.IGNORECASE)
_VIA_RE = re.compile(r",?\s*\bvia\s+(?P<via>.+?)(?=\s+to\s+|,|$)", re.IGNORECASE)
_FOR_RE = re.compile(r",\s*for\s+(?P<for>.+)$", re.IGNORECASE)
_TO_RE = re.compile(r"\s+to\s+", re.IGNORECASE)
_FROM_RE = re.compile(r"^from\s+", re.IGNORECASE)
_NAME_LIST_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_GLOSSED_NAME_RE = re.compile(r"^(?P<name>.+?)\s*\[(?P<gloss>[^\]]+)\]$")


def parse_title(title: str) -> Title:
    """Type, numbers and correspondents of a title.

    Understands "<Type> [No./Nos. N[, N and N]] from X to Y", "<Type>, X to Y", "X to Y",
    intermediaries written "via X", "[via X]" or "(via X)", and "to X, for Z" (X relays the
    message to Z: X is an intermediary, Z the recipient). Types come from
    :data:`DOCUMENT_TYPES`.
    """
    rest = " ".join(title.split())
    doc_type = None
    if match := _TYPE_RE.match(rest):
        doc_type = next(t for t in DOCUMENT_TYPES if t.casefold() == match["type"].casefold())
        rest = rest[match.end():]
    numbers: tuple[str, ...] = ()
    if match := _NUMBERS_RE.match(rest):
        numbers = tuple(re.split(r"\s*(?:,|and|&)\s*", match["numbers"]))
        rest = rest[match.end():]
    rest = rest.lstrip(", ")
    vias = []
    for pattern in (_VIA_BRACKETED_RE, _VIA_RE):
        vias += [match["via"] for match in pattern.finditer(rest)]
        rest = pattern.sub("", rest)
    relay = None
    if match := _FOR_RE.search(rest):  # "to X, for Z": X relays to Z
        relay, rest = match["for"], rest[:match.start()]
    sender_text, recipient_text = _split_to(rest)
    senders = ()
    if recipient_text or _FROM_RE.match(sender_text):
        senders = _correspondents(_FROM_RE.sub("", sender_text))
    recipients = _correspondents(recipient_text)
    if relay:
        vias.append(recipient_text)
        recipients = _correspondents(relay)
    return Title(
        doc_type=doc_type,
        incoming_numbers=numbers,
        senders=senders,
        recipients=recipients,
        intermediaries=tuple(c for via in vias for c in _correspondents(via)),
    )


def _split_to(text: str) -> tuple[str, str]:
    """"X to Y" -> ("X", "Y"); without " to ", ("X", "")."""
    parts = _TO_RE.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")


def _correspondents(text: str) -> tuple[Correspondent, ...]:
    """"Mao Zedong and Zhou Enlai" -> two; "Filippov [Stalin]" -> Filippov glossed Stalin."""
    people = []
    for name in _NAME_LIST_RE.split(text.strip()):
        if not name:
            continue
        match = _GLOSSED_NAME_RE.match(name)
        if match and _bracket_kind_of_gloss(match["gloss"]) == "identification":
            people.append(Correspondent(match["name"], match["gloss"].strip()))
        else:
            people.append(Correspondent(name))
    return tuple(people)


def _bracket_kind_of_gloss(inside: str) -> str:
    core = inside.strip()
    if _OMISSION_RE.fullmatch(core):
        return "omission"
    if _SIC_RE.match(core):
        return "sic"
    return "identification" if _looks_like_name(core) else "insertion"


def _signature(text: str, year: str | None) -> Signature | None:
    """The closing line when the last paragraph is one: "No. 472 Kovalev, 17.5"."""
    match = _SIGNATURE_RE.match(text)
    if not match:
        return None
    date = None
    if match["day"] and (match["year"] or year):
        date = _iso(int(match["year"] or year), int(match["month"]), int(match["day"]))
    return Signature(text=text, name=match["name"], number=match["number"], date=date)


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
    glosses (see :data:`BRACKET_KINDS`)."""
    kind = _bracket_kind_of_gloss(inside)
    if kind in ("omission", "sic"):
        return kind, None
    core = inside.strip()
    attached = source[start - 1:start].isalpha() or source[end:end + 1].isalpha()
    if attached and core.isalpha():
        return "completion", None
    before = _name_before(source, start)
    if kind == "identification" and before:
        return "identification", before
    return "insertion", None


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


@lru_cache(maxsize=4096)
def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    tokens = quote.split()
    if not tokens:
        return None
    return re.compile(r"\s+".join(re.escape(token) for token in tokens))


def find_quote(source: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in ``source``, or None.

    Whitespace-insensitive only: any run of whitespace in the quote matches any run of
    whitespace (line breaks included) in the source. Everything else is verbatim: straight
    and curly quotes, hyphens and dashes are different characters.
    """
    pattern = _quote_pattern(quote)
    match = pattern.search(source) if pattern else None
    return (match.start(), match.end()) if match else None


def find_all_quotes(source: str, quote: str) -> tuple[tuple[int, int], ...]:
    """Every occurrence of ``quote`` in ``source`` (overlapping ones too), as
    :func:`find_quote` matches it."""
    pattern = _quote_pattern(quote)
    found = []
    pos = 0
    while pattern and (match := pattern.search(source, pos)):
        found.append((match.start(), match.end()))
        pos = match.start() + 1
    return tuple(found)
