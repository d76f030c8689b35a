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
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import DocumentError
from kg.ingest.addresses import combine, read_addressing
from kg.ingest.attendance import Attendance, read_attendance
from kg.ingest.authorship import (
    Signature,
    envoy_keeper,
    keeper_met,
    read_signature,
    record_keeper,
    summary_writer,
)
from kg.ingest.brackets import NOT_NAMES, Bracket, find_brackets
from kg.ingest.citation import (
    Citation,
    Reprint,
    parse_citations,
    parse_contributor,
    parse_reprint,
    parse_translator,
    without_link,
)
from kg.ingest.dates import parse_date
from kg.ingest.layouts import Page, read_page
from kg.ingest.names import (
    Correspondent,
    codename_pairs,
    is_codename_pair,
)
from kg.ingest.quotes import find_all_quotes, find_quote
from kg.ingest.titles import (
    CONVERSATION_KINDS,
    Title,
    canonical_type,
    normalized_title,
    parse_title,
)

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

#: The longest paragraph of the text that may be an archival reference printed in the body.
MAX_REFERENCE_PARAGRAPH = 300

#: "Name [Name]" or "Name (Name)" in a body: a codename pair when one side is a codename.
_PAIR_RE = re.compile(
    r"(?P<outer>(?:[A-Z][\w'’.-]*\s+){0,2}[A-Z][\w'’.-]*)\s*[\[(]"
    r"(?P<inside>[A-Z][^\[\]()\n]{0,60}?)[\])]"
)

# --- the parsed document ----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank body lines (one line in a mirror copy without blank lines);
    ``source[start:end] == text``."""

    ordinal: int
    text: str
    start: int
    end: int


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
    keepers: tuple[Correspondent, ...] = ()  # who wrote a record of conversation
    attendance: tuple[Attendance, ...] = ()  # who was present at occasions the text reports
    codenames: tuple[Codename, ...] = ()
    funding: str | None = None
    language: str | None = None
    record_type: str | None = None
    donors: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    contributor: str | None = None
    excerpt: bool = False
    warnings: tuple[str, ...] = ()
    embedded_senders: tuple[Correspondent, ...] = ()
    embedded_recipients: tuple[Correspondent, ...] = ()

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
    if not page.citation:
        body, page.citation = _reference_in_body(body)
    if not body:
        raise DocumentError(
            f"no body found: the page ({page.layout} layout) has no text after its header",
            file=path,
        )
    title_text = " ".join(page.title.text.split()) if page.title else None
    title = parse_title(title_text) if title_text else Title()
    date, date_text = _header_date(page, title)
    texts = [p.text for p in body]
    signature = read_signature(texts, year=date[:4] if date else None)
    if date is None and signature and signature.date:
        date, date_text = signature.date, signature.date_text
    doc_type = title.doc_type or canonical_type(page.value("type"))
    conversation = title.doc_type in CONVERSATION_KINDS or bool(title.participants)
    senders, participants, keepers = title.senders, title.participants, title.keepers
    if not keepers and (conversation or doc_type == "Journal"):
        keepers = tuple(k for k in (record_keeper(texts),) if k)
    if not keepers and conversation and (envoy := envoy_keeper(title_text, participants, texts)):
        keepers = (envoy,)  # the ambassador's memorandum of his own conversation
    if doc_type == "Journal" and not conversation and (met := keeper_met(texts)):
        # The journal records the keeper's meetings: a record of conversation, not a message.
        conversation, senders = True, ()
        participants = (*keepers, *(m for m in met if m not in keepers))
    if not conversation and signature and signature.marked and all(
            s.kind == "organization" for s in senders):
        # "(I. Vinogradov)" under a report; "Pál Szarvas / Ambassador" under the embassy's.
        senders = (*senders, Correspondent(signature.name))
    summary = page.summary or page.value("summary")
    if not senders and not conversation and not keepers and title.sender_posts and \
            (writer := summary_writer(summary)):
        senders = (writer,)  # the title names a post, the editors' summary its holder
    parties = combine(title.recipients, title.intermediaries, participants,
                      read_addressing(texts), conversation)
    citation = without_link(page.citation or "")
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
        doc_type=doc_type,
        incoming_numbers=title.incoming_numbers,
        outgoing_numbers=(signature.number,) if signature and signature.number else (),
        senders=senders,
        keepers=keepers,
        attendance=read_attendance(texts),
        recipients=parties.recipients,
        intermediaries=parties.intermediaries,
        brackets=find_brackets(text, spans),
        summary=summary,
        citations=parse_citations(citation, labelled=True),
        reprint=parse_reprint(citation),
        translator=translated[0] if translated else None,
        translator_text=translated[1] if translated else None,
        rights=page.rights or page.paragraphs("rights"),
        record_id=page.value("record_id"),
        uploaded_date=page.value("uploaded_date"),
        body=body,
        signature=signature,
        participants=parties.participants,
        codenames=_codenames(title, body),
        funding=page.funding,
        language=page.value("language", ", "),
        record_type=page.value("type"),
        donors=page.values("donors"),
        authors=page.values("authors"),
        contributor=parse_contributor(citation),
        excerpt=title.excerpt,
        warnings=(*page.warnings, *(f"title: {note}" for note in title.set_aside)),
        embedded_senders=title.embedded_senders,
        embedded_recipients=title.embedded_recipients,
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


def _reference_in_body(
    body: tuple[Paragraph, ...],
) -> tuple[tuple[Paragraph, ...], str | None]:
    """A page without a citation section may print its archival reference as a paragraph
    of its own among the text ("RGANI. Collection 52. Inventory 1. File 498. Sheets 43.
    Typescript."): that paragraph is the citation, not the document's text. The body
    (renumbered) and the reference, or the body as it was and None."""
    for n, paragraph in enumerate(body):
        found = parse_citations(paragraph.text)
        if (len(paragraph.text) <= MAX_REFERENCE_PARAGRAPH and found and found[0].archive
                and paragraph.text.startswith(found[0].text)):
            rest = (*body[:n], *body[n + 1:])
            return tuple(replace(p, ordinal=k) for k, p in enumerate(rest, start=1)), \
                paragraph.text
    return body, None


# --- dates, signatures, codenames -------------------------------------------------------


def _header_date(page: Page, title: Title) -> tuple[str | None, str | None]:
    """The page's date: its date line, else the date after the quoted title of its
    citation, else a date written in its title."""
    if page.date_line:
        return parse_date(page.date_line.text), page.date_line.text
    if page.citation_date:
        return page.citation_date
    return title.date, title.date_text


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
