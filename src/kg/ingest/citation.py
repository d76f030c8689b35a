"""Archival citations, reprints, translators and contributors, as the Digital Archive
prints them.

The archive's citation paragraph packs several things into a few sentences::

    APRF, F. 45, Op. 1, D. 331, Ll. 50-55, and RGASPI, f. 558, op. 11, d. 331, ll. 0050-0055.
    Reprinted in Andrei Ledovskii, Raisa Mirovitskaia and Vladimir Miasnikov,
    Sovetsko-Kitaiskie Otnosheniia, Vol. 5, Book 2, 1946-February 1950 (Moscow: Pamiatniki
    Istoricheskoi Mysli, 2005), pp. 128-132. Translated by Sergey Radchenko.

References are written "APRF", "AP RF" or "APRF:", with their parts spelled out ("Fond 45,
Opis 1, Delo 331, Listy 50-55") or abbreviated ("F. 45, Op. 1, D. 331, Ll. 50-55"), a papka
sometimes among them. Some documents cite a published Chinese source instead of an archive:
that is a citation with no archive. Each function here reads one of these things out of
such a paragraph; none needs the others. Values stay strings exactly as printed
("0050-0055" keeps its zeros), except the archive (one spelling per archive) and the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- data tables -----------------------------------------------------------------------

#: Archives written in more than one way -> the abbreviation the graph uses. An archive not
#: listed is kept as written (any capitalised abbreviation followed by a fond is one).
ARCHIVES: dict[str, str] = {
    "APRF": "APRF",
    "AP RF": "APRF",
    "AVPRF": "AVPRF",
    "AVP RF": "AVPRF",
    "AVP SSSR": "AVPSSSR",
    "RGASPI": "RGASPI",
    "RGANI": "RGANI",
    "GARF": "GARF",
    "TsAMO": "TsAMO",
    "TsAMO RF": "TsAMO",
    "RGVA": "RGVA",
    "RGAE": "RGAE",
    "TsKhSD": "TsKhSD",
    "RTsKhIDNI": "RTsKhIDNI",
}

#: The parts of a reference after the archive, spelled out or abbreviated -> field.
REFERENCE_PARTS: dict[str, str] = {
    "fond": "fond", "f.": "fond",
    "opis": "opis", "opis'": "opis", "op.": "opis",
    "delo": "delo", "d.": "delo",
    "papka": "papka", "pap.": "papka",
    "listy": "folios", "list": "folios", "ll.": "folios", "l.": "folios",
    "folios": "folios", "folio": "folios",
    # The same parts in English, as some translations print them ("RGANI. Collection 52.
    # Inventory 1. File 498. Sheets 43.").
    "collection": "fond", "inventory": "opis", "file": "delo",
    "sheets": "folios", "sheet": "folios",
}

#: Archives cited by a record number instead of fond and file: "PRC FMA 206-Y0050",
#: "PRC FMA 206-00049-01" (the archive of China's Ministry of Foreign Affairs).
NUMBERED_ARCHIVES: dict[str, str] = {
    "PRC FMA": "PRC FMA",
    "CFMA": "PRC FMA",
}

#: Sentences that credit people after the source: where the source ends.
CREDIT_OPENINGS = ("Reprinted in", "Translated", "Translation", "Obtained", "Contributed")

# --- patterns ---------------------------------------------------------------------------

_ARCHIVE_NAMES = sorted(ARCHIVES, key=len, reverse=True)
#: An archive followed by its fond: "APRF, F. 45", "AP RF: Fond 45", "RGASPI, f. 558".
ARCHIVE_REFERENCE_RE = re.compile(
    r"\b(?P<archive>" + "|".join(re.escape(name) for name in _ARCHIVE_NAMES)
    + r"|[A-Z][A-Za-z]{1,15})[,:.]?\s+(?=F\.|f\.|Fond\b|fond\b|Collection\s+\d)"
)
_PART_RE = re.compile(
    r"(?P<label>Fond|F\.|Opis'?|Op\.|Delo|D\.|Papka|Pap\.|Listy|List|Ll\.|L\.|Folios?"
    r"|Collection|Inventory|File|Sheets?)"
    r"\s*(?P<value>[\w-]+)",
    re.IGNORECASE,
)
_FOLIOS_RE = re.compile(
    r"(?:Listy|List|Ll\.|L\.|Folios?|Sheets?)\s*(?P<value>\w+(?:\s*[-–]\s*\w+)?"
    r"(?:,\s*\d+(?:\s*[-–]\s*\d+)?)*)",
    re.IGNORECASE,
)
_PART_SEPARATOR_RE = re.compile(r"\s*[,;.]?\s*")
#: "PRC FMA 206-Y0050": an archive of :data:`NUMBERED_ARCHIVES` and its record number.
NUMBERED_REFERENCE_RE = re.compile(
    r"\b(?P<archive>" + "|".join(re.escape(name) for name in NUMBERED_ARCHIVES)
    + r")\s+(?:No\.\s*)?(?P<number>\d[\w-]*\d|\d)"
)

#: A published source: "<title>[, vol. N] (<place>: <publisher>, <year>)[, <pages>]".
PUBLISHED_SOURCE_RE = re.compile(
    r"(?:[^()]|\([^():]*\))*?\([^():]+:\s*[^()]+?,\s*\d{4}\)"
    r"(?:,\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?)?"
)
#: A short published source without place and publisher: "Mao wengao, vol. 4, p. 480".
SHORT_SOURCE_RE = re.compile(
    r"[^.()]+?,\s*vol\.\s*\w+(?:,\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?)?",
    re.IGNORECASE,
)
#: The page's own address and share link after a citation on the newer site.
_TRAILING_LINK_RE = re.compile(r"\s+https?://\S+(?:\s+-\s*Share)?\s*$")
#: In a quoted citation the source follows the archive's own name.
_ARCHIVE_NAME_RE = re.compile(r"Digital Archive,\s*")
_CREDIT_RE = re.compile(r"\.?\s+(?=" + "|".join(CREDIT_OPENINGS) + r")")

#: "Reprinted in <editors>, <title>, <Vol. N>, <Book N>, <period> (<place>: <publisher>,
#: <year>), pp. <pages>."
REPRINT_RE = re.compile(
    r"Reprinted in\s+(?P<head>[^()]+?)\s*"
    r"\((?P<place>[^:()]+):\s*(?P<publisher>[^()]+?),\s*(?P<year>\d{4})\)"
    r"(?:,\s*pp?\.\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?))?\.?"
)
_VOLUME_RE = re.compile(r"^(?:Vol\.|Volume|Tom)\s*(?P<value>\w+)$")
_BOOK_RE = re.compile(r"^(?:Book|Kn\.|Kniga)\s*(?P<value>\w+)$")
_EDITOR_SEPARATOR_RE = re.compile(r"\s+and\s+|\s*&\s*")
_EDITOR_SUFFIX_RE = re.compile(r"\s*\(?\beds?\.\)?$")

#: A person's name: words and initials ("V. M. Zubok", "Kathryn Weathersby").
_NAME = r"(?:[A-Z][a-z]?\.\s*)*[A-Z][\w'’-]*(?:\s+(?:[A-Z][a-z]?\.|[A-Z][\w'’-]*|de|van|von))*"
_NAMES = _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*"
#: "Translated [for CWIHP] [from Russian] by <name>.", "Obtained by X and translated by
#: <name>.", "Obtained and translated for CWIHP by <name>.", "Translation by <name>."
TRANSLATOR_RE = re.compile(
    r"(?:Obtained(?:\s+by\s+" + _NAMES + r")?\s+and\s+)?"
    r"(?:[Tt]ranslated|[Tt]ranslation)\b[^.]*?\bby\s+(?P<name>" + _NAMES + r")"
    r"(?:\s+(?:for|with)\b[^.]*)?\.?"
)
#: "Contributed by <name>." credits who gave the document, not who translated it.
CONTRIBUTOR_RE = re.compile(r"\b[Cc]ontributed by\s+(?P<name>" + _NAMES + r")")


@dataclass(frozen=True)
class Citation:
    """One archival reference, e.g. APRF, fond 45, opis 1, delo 331, folios 50-55; or, with
    ``archive`` None, a published source the page gives instead of an archive."""

    text: str
    archive: str | None
    fond: str | None
    opis: str | None
    delo: str | None
    folios: str | None
    papka: str | None = None

    @property
    def published(self) -> bool:
        """True for a published source ("Jianguo yilai Mao Zedong wengao, vol. 1 ...")."""
        return self.archive is None


@dataclass(frozen=True)
class Reprint:
    """The published collection that reprints the document."""

    text: str
    editors: tuple[str, ...]
    title: str
    volume: str | None
    book: str | None
    period: str | None
    place: str
    publisher: str
    year: int
    pages: str | None


def parse_citations(text: str, *, labelled: bool = False) -> tuple[Citation, ...]:
    """Every archive reference in ``text``, in order ("X, and Y" gives two). Without any,
    the published source the citation gives, as a citation with no archive; and when
    ``text`` is the page's own citation (``labelled``: its "Source" field or the paragraph
    after "Document Information"), whatever source it names, as printed ("MOL, XIX-J-1-j
    Korea, 2. doboz, 2/b, 001118/ 1/1955")."""
    found = [
        citation
        for match in ARCHIVE_REFERENCE_RE.finditer(text)
        if (citation := _reference(text, match)) is not None
    ]
    found += [Citation(match.group(0), NUMBERED_ARCHIVES[match["archive"]], None, None, None,
                       None)
              for match in NUMBERED_REFERENCE_RE.finditer(text)]
    if not found and (source := published_source(text) or (
            labelled and printed_source(text))):
        found.append(Citation(source, None, None, None, None, None))
    return tuple(found)


def printed_source(text: str) -> str | None:
    """The source a page's own citation names, in any form: something with a figure in it,
    not a sentence of prose; or None."""
    source = _source_part(text)
    if not source or not re.search(r"\d", source) or len(source) > MAX_PRINTED_SOURCE \
            or _PROSE_RE.search(source):
        return None
    return source


#: The longest source printed in a form the parser does not know that is kept as written.
MAX_PRINTED_SOURCE = 300
_PROSE_RE = re.compile(r"\b(?:the|is|was|were|has|have)\s+[a-z]")


def _reference(text: str, match: re.Match[str]) -> Citation | None:
    """The reference whose archive ``match`` found: its parts, in any order."""
    parts: dict[str, str] = {}
    pos = end = match.end()
    while True:
        pos = _PART_SEPARATOR_RE.match(text, pos).end()  # type: ignore[union-attr]
        part = _PART_RE.match(text, pos)
        if not part:
            break
        field = REFERENCE_PARTS[part["label"].casefold()]
        if field in parts:
            break
        if field == "folios":
            part = _FOLIOS_RE.match(text, pos) or part
        parts[field] = part["value"]
        pos = end = part.end()
    if "fond" not in parts:
        return None
    return Citation(
        text=text[match.start():end],
        archive=ARCHIVES.get(match["archive"], match["archive"]),
        fond=parts["fond"],
        opis=parts.get("opis"),
        delo=parts.get("delo"),
        folios=parts.get("folios"),
        papka=parts.get("papka"),
    )


def published_source(text: str) -> str | None:
    """The published source a citation gives instead of an archive, without its closing
    period ("Jianguo yilai Mao Zedong wengao, vol. 1 (Beijing: Zhongyang wenxian
    chubanshe, 1987), 131-133"), or None."""
    source = _source_part(text)
    if source and (PUBLISHED_SOURCE_RE.fullmatch(source) or SHORT_SOURCE_RE.fullmatch(source)):
        return source
    return None


def _source_part(text: str) -> str | None:
    """What a citation cites: after the archive's own name in a quoted citation, before the
    credits ("Translated by ..."), without the closing period; None for a quoted citation
    that names no source."""
    if match := _ARCHIVE_NAME_RE.search(text):
        text = text[match.end():]
    elif text.lstrip()[:1] in "\"“":
        return None
    credit = _CREDIT_RE.search(text)
    return (text[:credit.start()] if credit else text).strip().rstrip(".")


def without_link(text: str) -> str:
    """A citation without the page's address and share link the newer site prints after it
    ("... Translated by X. https://digitalarchive.wilsoncenter.org/document/114206 - Share")."""
    return _TRAILING_LINK_RE.sub("", text)


def parse_reprint(text: str) -> Reprint | None:
    """The "Reprinted in ..." sentence of ``text``, or None when there is none."""
    match = REPRINT_RE.search(text)
    if not match:
        return None
    editors, title, volume, book, period = _split_reprint_head(match["head"])
    return Reprint(
        text=match.group(0),
        editors=editors,
        title=title,
        volume=volume,
        book=book,
        period=period,
        place=match["place"].strip(),
        publisher=match["publisher"].strip(),
        year=int(match["year"]),
        pages=match["pages"],
    )


def parse_translator(text: str) -> tuple[str, str] | None:
    """``(name, sentence)`` from "Translated ... by <name>." and its variants, or None."""
    match = TRANSLATOR_RE.search(text)
    if not match:
        return None
    return match["name"].strip(), match.group(0)


def parse_contributor(text: str) -> str | None:
    """The name in "Contributed by <name>.", or None (a contributor is not a translator)."""
    match = CONTRIBUTOR_RE.search(text)
    return match["name"].strip() if match else None


def _split_reprint_head(
    head: str,
) -> tuple[tuple[str, ...], str, str | None, str | None, str | None]:
    """Editors, title, volume, book and period from the part before "(Place: ...)".

    The title is the comma-separated part just before "Vol."/"Book" (or the last part when
    neither is given); the editors come before it, the period after.
    """
    parts = [part.strip() for part in head.split(",") if part.strip()]
    numbered = [i for i, part in enumerate(parts) if _VOLUME_RE.match(part) or _BOOK_RE.match(part)]
    title_at = numbered[0] - 1 if numbered and numbered[0] > 0 else len(parts) - 1
    volume = book = None
    period_parts = []
    for part in parts[title_at + 1:]:
        if match := _VOLUME_RE.match(part):
            volume = match["value"]
        elif match := _BOOK_RE.match(part):
            book = match["value"]
        else:
            period_parts.append(part)
    editors = tuple(
        name.removeprefix("and ").strip()
        for part in parts[:title_at]
        for name in _EDITOR_SEPARATOR_RE.split(_EDITOR_SUFFIX_RE.sub("", part))
        if name.removeprefix("and ").strip()
    )
    period = ", ".join(period_parts) or None
    return editors, parts[title_at], volume, book, period
