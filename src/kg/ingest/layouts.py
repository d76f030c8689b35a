"""The page layouts of the Wilson Center Digital Archive and its mirrors: where a page
starts, and which of its lines are date, title, summary, citation, labelled fields and body.

Four layouts are known (:data:`LAYOUTS` and :func:`read_page`):

- "archive-trailer": "Skip to content", date, title, [funding credit], body, summary,
  "Document Information", citation, rights, labelled fields (in any order, some missing or
  empty; "Source" and "Rights" may label the citation and the rights);
- "archive-search": "Search in", date, [funding credit], "Citation" block with the summary
  and the quoted citation ("“Title,” date, ... Digital Archive, <source>. Translated by
  ..."), body;
- "archive-upper": an UPPER-CASE title, then "Citation", "Summary", "Original Language" and
  other labelled fields, a format line ("English Translation"), the body; no date line;
- "mirror": a copy without page furniture: [date], [title], body, often with single line
  breaks between paragraphs and no citation.

Lines before a page's start (a stray summary of another document) are ignored with a
warning. Offsets of every :class:`Line` point into the text as read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.errors import DocumentError
from kg.ingest.dates import leading_date, parse_date
from kg.ingest.furniture import (
    BODY_END_LINES,
    BUTTON_LINE_RE,
    CHROME_LINES,
    CITATION_CLOSER,
    FIELD_LABELS,
    FIELD_VALUE_RES,
    FORMAT_LINK_RE,
    FUNDING_RE,
    SIDEBAR_LINES,
    TRAILER_HEADING,
)
from kg.ingest.names import is_all_caps
from kg.ingest.titles import looks_like_title, normalized_title

# --- data tables -----------------------------------------------------------------------

#: Layouts recognised by a marker line among the first lines (compared as :func:`_plain`
#: gives it). "archive-upper" and "mirror" have no marker: see :func:`_detect_layout`.
LAYOUTS: dict[str, str] = {
    "skip to content": "archive-trailer",
    "search in": "archive-search",
}
#: How many non-blank lines may precede a page's start (a stray summary, say).
MAX_STRAY_LINES = 3
#: How many lines after a date line the quoted citation of a header-less search page may
#: come (after the summary).
CITATION_REACH = 3

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_QUOTED_TITLE_RE = re.compile(r"^[\"“](?P<title>[^\"”]+?),?[\"”]")
#: Where a quoted citation may start inside a line: after a sentence's end.
_GLUED_QUOTE_RE = re.compile(r"[.!?](?=\s*[\"“])\s*")

# --- lines and pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A line of the source, stripped; ``start``/``end`` bound the stripped text."""

    text: str
    start: int
    end: int

    @property
    def plain(self) -> str:
        return _plain(self.text)


@dataclass
class Page:
    """What a layout reader finds: which lines are header, body and trailer."""

    layout: str = ""
    line_mode: bool = False
    date_line: Line | None = None
    title: Line | None = None
    summary: str | None = None
    citation: str | None = None
    citation_date: tuple[str, str] | None = None
    rights: str | None = None
    funding: str | None = None
    fields: dict[str, list[Line]] = field(default_factory=dict)
    body: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def values(self, name: str) -> tuple[str, ...]:
        """The non-blank lines of a labelled field ("Donors", "Author(s)")."""
        return tuple(line.text for line in self.fields.get(name, []) if line.text)

    def value(self, name: str, separator: str = " ") -> str | None:
        """A labelled field's lines joined, or None when it is missing or empty."""
        return separator.join(self.values(name)) or None

    def paragraphs(self, name: str) -> str | None:
        """A labelled field's paragraphs, separated by blank lines ("Rights")."""
        return "\n\n".join(joined(run) for run in runs(self.fields.get(name, []))) or None

    def body_runs(self) -> list[list[Line]]:
        """The body's paragraphs as runs of lines."""
        return runs(self.body, self.line_mode)


def read_page(text: str, path: str = "<text>") -> Page:
    """Split a page's text into its sections (see the module's docstring). Raises
    :class:`DocumentError` when no layout fits."""
    lines = _split_lines(text)
    layout, start = _detect_layout(lines, path)
    line_mode = _single_line_breaks(lines, start)
    page = _READERS[layout](lines, start, line_mode)
    page.layout, page.line_mode = layout, line_mode
    return page


def _plain(text: str) -> str:
    """A line as compared with the chrome tables: no bullets, single spaces, lower case."""
    return " ".join(text.lstrip("\ufeff•·▪◦ ").split()).casefold()


def _split_lines(source: str) -> list[Line]:
    lines = []
    pos = 1 if source.startswith("\ufeff") else 0
    while True:
        newline = _NEWLINE_RE.search(source, pos)
        end = newline.start() if newline else len(source)
        raw = source[pos:end]
        text = raw.strip()
        start = pos + (raw.index(text) if text else 0)
        lines.append(Line(text, start, start + len(text)))
        if newline is None:
            return lines
        pos = newline.end()


def _detect_layout(lines: list[Line], path: str = "<text>") -> tuple[str, int]:
    """The layout name for a page and the index of the line where the page starts."""
    content = [n for n, line in enumerate(lines) if line.text]
    for n in content[:MAX_STRAY_LINES + 1]:
        if lines[n].plain in LAYOUTS:
            return LAYOUTS[lines[n].plain], n
    real = [n for n in content if not _is_chrome(lines[n])]
    for n in real[:MAX_STRAY_LINES]:
        after = [m for m in content if m > n][:3]
        if is_all_caps(lines[n].text) and any(_field_label(lines[m])[0] == "citation"
                                              for m in after):
            return "archive-upper", n
    for k, n in enumerate(real[:MAX_STRAY_LINES + 1]):
        text = lines[n].text
        if parse_date(text) and _quoted_citation_after(lines, real[k + 1:]) is not None:
            return "archive-search", n  # the search layout without its header
        if parse_date(text) and (k == 0 or k + 1 < len(real)
                                 and _is_dated_title(lines[real[k + 1]])):
            return "mirror", n
        if k == 0 and looks_like_title(text):
            return "mirror", n
    known = " or ".join(repr(marker) for marker in LAYOUTS)
    shown = lines[content[0]].text[:60] if content else ""
    raise DocumentError(
        f"unrecognised page layout: first line is {shown!r}; a Digital Archive page starts "
        f"with {known} (case-insensitive), an upper-case title followed by 'Citation', or "
        "(a mirror copy) a date or a title such as 'Telegram from X to Y'",
        file=path,
    )


def _quoted_citation_after(lines: list[Line], following: list[int]) -> int | None:
    """The index of a citation line ('"Title," June 21, 1954, ... Digital Archive, ...')
    among the few lines after a date line, the summary before it: a search page whose
    header was not kept."""
    for n in following[:CITATION_REACH]:
        match = _QUOTED_TITLE_RE.match(lines[n].text)
        if match and leading_date(lines[n].text[match.end():].lstrip(" ,")):
            return n
    return None


def _is_dated_title(line: Line) -> bool:
    """A title line after a date line: a route title ("Telegram from X to Y"), or any line
    shaped like a title ("Journal of Soviet Ambassador A.M. Puzanov for 11 June 1957"):
    no closing punctuation, not a salutation, an address ("To Comrade Stalin") or a
    heading in capitals."""
    text = line.text
    if looks_like_title(text):
        return True
    return (_is_title_line(line) and len(text.split()) >= 4 and not is_all_caps(text)
            and not re.match(r"^(?:to|dear|respected|deeply)\b", text, re.IGNORECASE))


def _single_line_breaks(lines: list[Line], start: int) -> bool:
    """True for a mirror copy that separates paragraphs by single line breaks."""
    content = [n for n in range(start, len(lines)) if lines[n].text]
    return len(content) > 2 and content[-1] - content[0] + 1 == len(content)


def _is_chrome(line: Line) -> bool:
    return (line.plain in CHROME_LINES or bool(FORMAT_LINK_RE.match(line.text))
            or bool(BUTTON_LINE_RE.match(line.plain)))


def _skip(lines: list[Line], i: int) -> int:
    """Index of the next line from ``i`` on that is neither blank nor page chrome."""
    while i < len(lines) and (not lines[i].text or _is_chrome(lines[i])):
        i += 1
    return i


def _stray(lines: list[Line], start: int, page: Page) -> None:
    stray = [line.text for line in lines[:start] if line.text and not _is_chrome(line)]
    if stray:
        page.warnings.append(
            f"ignored {len(stray)} line(s) before the page starts: {stray[0][:60]!r}")


def _read_date(lines: list[Line], i: int, page: Page) -> int:
    """Skip chrome from ``i``, read an optional date line; return the index after it."""
    i = _skip(lines, i)
    if i < len(lines) and parse_date(lines[i].text):
        page.date_line = lines[i]
        i += 1
    return i


def _read_funding(lines: list[Line], i: int, page: Page) -> int:
    """A funding credit right after the title: kept apart from the body."""
    j = _skip(lines, i)
    if j < len(lines) and FUNDING_RE.search(lines[j].text):
        page.funding = lines[j].text
        return j + 1
    return i


def _is_title_line(line: Line) -> bool:
    text = line.text
    return looks_like_title(text) or (len(text) < 250 and text[-1] not in ".!?:;")


def _read_trailer_layout(lines: list[Line], start: int, line_mode: bool) -> Page:
    """Skip link, date, title, body; summary, "Document Information", citation, rights,
    labelled fields."""
    page = Page()
    _stray(lines, start, page)
    i = _skip(lines, _read_date(lines, start + 1, page))
    if i < len(lines) and lines[i].plain != TRAILER_HEADING and _is_title_line(lines[i]):
        page.title = lines[i]
        i += 1
    _read_body_and_trailer(lines, _read_funding(lines, i, page), page, line_mode)
    return page


def _read_body_and_trailer(lines: list[Line], i: int, page: Page, line_mode: bool) -> None:
    """From line ``i``: the body; then, on a page with "Document Information", the summary
    (the paragraph before the sidebar's headings or that heading), the sidebar (skipped)
    and the trailer's citation and fields."""
    trailer = next((j for j in range(i, len(lines)) if lines[j].plain == TRAILER_HEADING), None)
    sidebar = next((j for j in range(i, trailer or len(lines))
                    if lines[j].plain in SIDEBAR_LINES), None)
    body = lines[i:sidebar if sidebar is not None else trailer]
    if trailer is not None:
        blocks = runs(body, line_mode)
        if blocks:
            page.summary = joined(blocks[-1])
            body = [line for line in body if line.start < blocks[-1][0].start]
        _read_trailer(lines[trailer + 1:], page, line_mode)
    page.body = body


def _read_trailer(lines: list[Line], page: Page, line_mode: bool) -> None:
    """The part after "Document Information": citation paragraph, rights, labelled fields
    (where "Source" and "Rights" may label the first two)."""
    blocks = runs(lines, line_mode)
    first_field = next(
        (n for n, block in enumerate(blocks) if _field_label(block[0])[0] is not None),
        len(blocks),
    )
    prose = blocks[:first_field]
    if prose:
        page.citation = joined(prose[0])
    if len(prose) > 1:
        page.rights = "\n\n".join(joined(block) for block in prose[1:])
    if first_field < len(blocks):
        page.fields = _labelled_fields(lines[lines.index(blocks[first_field][0]):], page)
    page.citation = page.citation or page.value("citation")


def _field_label(line: Line) -> tuple[str | None, str | None]:
    """``(field, inline value)`` for a label line ("Record ID", "Language: Russian")."""
    plain = line.plain.rstrip(":").strip()
    if plain in FIELD_LABELS:
        return FIELD_LABELS[plain] or "ignored", None
    label, colon, value = line.text.partition(":")
    if colon and value.strip() and _plain(label) in FIELD_LABELS:
        return FIELD_LABELS[_plain(label)] or "ignored", value.strip()
    return None, None


def _labelled_fields(lines: list[Line], page: Page | None = None) -> dict[str, list[Line]]:
    """The lines of each labelled field: every line after a label, up to the next label;
    lines that do not fit a shaped field (:data:`FIELD_VALUE_RES`) are left out and
    reported in ``page.warnings``."""
    fields: dict[str, list[Line]] = {}
    current = None
    for line in lines:
        label, inline = _field_label(line)
        if label is not None:
            current = label
            fields[current] = []
            if inline is not None:
                start = line.end - len(inline)
                fields[current].append(Line(inline, start, line.end))
        elif current is not None:
            fields[current].append(line)
    for name, shape in FIELD_VALUE_RES.items():
        wrong = [line for line in fields.get(name, []) if line.text and not shape.match(line.text)]
        if wrong:
            fields[name] = [line for line in fields[name] if line not in wrong]
            if page is not None:
                page.warnings.append(f"field {name!r}: ignored {wrong[0].text[:60]!r} "
                                     f"(not a value of the field)")
    return fields


def _read_search_layout(lines: list[Line], start: int, line_mode: bool) -> Page:
    """Search box, date, "Citation" with summary and quoted citation, "share document",
    format link, body. Without the search box (the page starts at its date) and without
    "share document", the block ends at the quoted citation."""
    page = Page()
    _stray(lines, start, page)
    first = start + 1 if lines[start].plain in LAYOUTS else start
    block_start = i = _skip(lines, _read_funding(lines, _read_date(lines, first, page), page))
    while i < len(lines) and lines[i].plain != CITATION_CLOSER:
        i += 1
    if i == len(lines):  # no "share document": the block ends at the quoted citation
        following = [n for n in range(block_start, len(lines)) if lines[n].text]
        cited = _quoted_citation_after(lines, following)
        i = block_start if cited is None else cited + 1
    if i > block_start:  # else no citation block at all: everything after the date is body
        _read_citation_block([line for line in lines[block_start:i] if line.text], page)
    page.body = lines[_skip(lines, i):]
    return page


def _read_citation_block(lines: list[Line], page: Page) -> None:
    """Summary lines, then the citation line that opens with the quoted title."""
    lines = [part for line in lines for part in _split_glued_citation(line)]
    quoted = [n for n, line in enumerate(lines) if _QUOTED_TITLE_RE.match(line.text)]
    at = quoted[-1] if quoted else len(lines) - 1
    if at < 0:
        return
    page.summary = joined(lines[:at]) or None
    page.citation = joined(lines[at:])
    if match := _QUOTED_TITLE_RE.match(lines[at].text):
        start = lines[at].start + match.start("title")
        page.title = Line(match["title"], start, start + len(match["title"]))
        page.citation_date = leading_date(lines[at].text[match.end():].lstrip(" ,"))


def _split_glued_citation(line: Line) -> list[Line]:
    """A summary and the quoted citation printed with no break between them ('... to the
    train locomotives."Telegram from Zhou Enlai to Ni Zhiliang," August 23, 1950, ...') as
    two lines; any other line as it is."""
    for match in _GLUED_QUOTE_RE.finditer(line.text):
        rest = line.text[match.end():]
        quoted = _QUOTED_TITLE_RE.match(rest)
        if quoted and leading_date(rest[quoted.end():].lstrip(" ,")):
            cut = line.start + match.end()
            summary = line.text[:match.end()].rstrip()
            return [Line(summary, line.start, line.start + len(summary)),
                    Line(rest, cut, line.end)]
    return [line]


def _read_upper_layout(lines: list[Line], start: int, line_mode: bool) -> Page:
    """UPPER-CASE title; "Citation", "Summary", "Original Language" and other labelled
    fields, a funding credit perhaps; a format line ("English Translation"); the body."""
    page = Page(title=lines[start])
    _stray(lines, start, page)
    blocks = runs(lines[start + 1:], line_mode)
    k = 0
    while k < len(blocks):
        block, (label, inline) = blocks[k], _field_label(blocks[k][0])
        if FUNDING_RE.search(block[0].text):
            page.funding = joined(block)
        elif label is not None:
            value = [line for line in block[1:] if not _is_chrome(line)]
            if not value and not inline:  # the value is the next block that is not chrome
                while k + 1 < len(blocks) and all(_is_chrome(line) for line in blocks[k + 1]):
                    k += 1
                if k + 1 < len(blocks):
                    k += 1
                    value = blocks[k]
            if inline:
                value = [Line(inline, block[0].end - len(inline), block[0].end), *value]
            page.fields[label] = value
        elif FORMAT_LINK_RE.match(block[0].text):  # the link to the transcript: body next
            k += 1
            break
        elif not _is_chrome(block[0]):
            break
        k += 1
    while k < len(blocks) and all(_is_chrome(line) for line in blocks[k]):
        k += 1
    first_body = blocks[k][0].start if k < len(blocks) else None
    page.body = [line for line in lines[start + 1:]
                     if first_body is not None and line.start >= first_body]
    end = next((n for n, line in enumerate(page.body) if line.plain in BODY_END_LINES), None)
    page.body = page.body[:end]
    citation = page.fields.get("citation", [])
    if citation:
        _read_citation_block(citation, page)
        if page.value("summary"):  # the labelled summary, not lines before the citation
            page.summary = None
        quoted, upper = page.title, lines[start]
        if quoted is None or normalized_title(quoted.text) != normalized_title(upper.text):
            page.title = upper
    return page


def _read_mirror_layout(lines: list[Line], start: int, line_mode: bool) -> Page:
    """A copy without page furniture: [date], [title], [funding credit], body."""
    page = Page()
    _stray(lines, start, page)
    i = _read_date(lines, start, page)
    j = _skip(lines, i)
    title_like = _is_dated_title if page.date_line else (lambda line: looks_like_title(line.text))
    if j < len(lines) and title_like(lines[j]):
        page.title = lines[j]
        i = j + 1
    _read_body_and_trailer(lines, _read_funding(lines, i, page), page, line_mode)
    return page


_READERS = {
    "archive-trailer": _read_trailer_layout,
    "archive-search": _read_search_layout,
    "archive-upper": _read_upper_layout,
    "mirror": _read_mirror_layout,
}


def runs(lines: list[Line], line_mode: bool = False) -> list[list[Line]]:
    """Runs of consecutive non-blank lines (single lines with ``line_mode``)."""
    if line_mode:
        return [[line] for line in lines if line.text]
    found: list[list[Line]] = []
    run: list[Line] = []
    for line in [*lines, Line("", 0, 0)]:
        if line.text:
            run.append(line)
        elif run:
            found.append(run)
            run = []
    return found


def joined(lines: list[Line]) -> str:
    return " ".join(line.text for line in lines)
