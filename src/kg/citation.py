"""Archival citations, reprints and translators, as the Digital Archive prints them.

The archive's citation paragraph packs three things into a few sentences::

    APRF, F. 45, Op. 1, D. 331, Ll. 50-55, and RGASPI, f. 558, op. 11, d. 331, ll. 0050-0055.
    Reprinted in Andrei Ledovskii, Raisa Mirovitskaia and Vladimir Miasnikov,
    Sovetsko-Kitaiskie Otnosheniia, Vol. 5, Book 2, 1946-February 1950 (Moscow: Pamiatniki
    Istoricheskoi Mysli, 2005), pp. 128-132. Translated by Sergey Radchenko.

Each function here reads one of them out of such a paragraph; none needs the others.
Values stay strings exactly as printed ("0050-0055" keeps its zeros), except the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: One archive reference: archive, fond (f.), opis (op.), delo (d.), folios (l. / ll.).
ARCHIVE_REFERENCE_RE = re.compile(
    r"\b(?P<archive>[A-Z][A-Za-z]{1,15})[,:]?\s+"
    r"[Ff](?:ond)?\.\s*(?P<fond>[\w-]+)"
    r"(?:,\s*[Oo]p(?:is)?\.\s*(?P<opis>[\w-]+))?"
    r"(?:,\s*[Dd](?:elo)?\.\s*(?P<delo>[\w-]+))?"
    r"(?:,\s*[Ll]l?\.\s*(?P<folios>\w+(?:\s*[-–]\s*\w+)?(?:,\s*\d+(?:\s*[-–]\s*\d+)?)*))?"
)

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

#: "Translated [for CWIHP] by <name>." A name may start with initials ("V. Zubok").
TRANSLATOR_RE = re.compile(
    r"Translated\b[^.]*?\bby\s+(?P<name>(?:[A-Z]\.\s*)*[^.]+?)\.(?=\s|$)"
)


@dataclass(frozen=True)
class Citation:
    """One archival reference, e.g. APRF, fond 45, opis 1, delo 331, folios 50-55."""

    text: str
    archive: str
    fond: str
    opis: str | None
    delo: str | None
    folios: str | None


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


def parse_citations(text: str) -> tuple[Citation, ...]:
    """Every archive reference in ``text``, in order ("X, and Y" gives two)."""
    return tuple(
        Citation(
            text=match.group(0),
            archive=match["archive"],
            fond=match["fond"],
            opis=match["opis"],
            delo=match["delo"],
            folios=match["folios"],
        )
        for match in ARCHIVE_REFERENCE_RE.finditer(text)
    )


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
    """``(name, sentence)`` from "Translated ... by <name>.", or None."""
    match = TRANSLATOR_RE.search(text)
    if not match:
        return None
    return match["name"].strip(), match.group(0)


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
