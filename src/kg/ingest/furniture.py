"""The archive's page furniture, as data: the lines around a document that are not the
document (links, buttons, headings, the sidebar), and the labels of the fields a page shows.
Lines are compared as :func:`kg.ingest.layouts.read_page` normalises them: bullets dropped,
single spaces, lower case. :mod:`kg.ingest.layouts` reads pages with these tables.
"""

from __future__ import annotations

import re

#: Page furniture lines, compared in normal form (bullets dropped, lower case).
CHROME_LINES = frozenset({
    "skip to content",
    "search in",
    "digital archive international history declassified",
    "wilson center digital archive",
    "international history declassified",
    "citation",
    "get citation",
    "share document",
    "document information",
})
#: The newer site's buttons and link lines around the citation block ("CITATION SHARE
#: DOWNLOAD-", "- Download", "VIEW DOCUMENT IN"), compared in normal form.
BUTTON_LINE_RE = re.compile(r"^(?:citation share download\W*|- ?download|- ?share"
                            r"|view document in)$")
#: Lines after which nothing is the document's text: the newer site's link to the scan.
BODY_END_LINES = frozenset({
    "original scan pdf", "original scan", "click here to view the pdf file in a new window.",
})
#: Links to the transcript's formats ("English HTML", "Russian PDF", "English Translation").
FORMAT_LINK_RE = re.compile(
    r"^[A-Za-z]+(?: [A-Za-z]+)? (?:HTML|PDF|Translation|Transcription|Scan)$")
#: The page's sidebar headings between the summary and "Document Information": what
#: follows them (authors, places, topics, related documents' titles) is not the document.
SIDEBAR_LINES = frozenset({
    "author(s):", "author(s)", "associated places", "associated topics",
    "associated people & organizations", "associated people", "associated organizations",
    "related documents", "subjects discussed",
})
CITATION_CLOSER = "share document"
TRAILER_HEADING = "document information"
#: "This document was made possible with support from ...": a credit, not the body.
FUNDING_RE = re.compile(r"\bmade possible\b.*\bsupport\b", re.IGNORECASE)

#: Labelled fields ("Label" on its own line, its value below; or "Label: value") -> the
#: section they fill. None: a field the parser reads past without keeping.
FIELD_LABELS: dict[str, str | None] = {
    "source": "citation",
    "citation": "citation",
    "summary": "summary",
    "rights": "rights",
    "original uploaded date": "uploaded_date",
    "type": "type",
    "document type": "type",
    "language": "language",
    "original language": "language",
    "record id": "record_id",
    "donors": "donors",
    "donor": "donors",
    "author(s)": "authors",
    "authors": "authors",
    "author": "authors",
    "subjects discussed": None,
    "associated people & organizations": None,
    "associated places": None,
    "keywords": None,
    "theme": None,
    "collection": None,
    "original classification": None,
}
#: What a field's value looks like, for the fields with a shape: a line that does not fit
#: is not the value (an empty "Record ID" followed by a sponsor line such as "Leon Levy
#: Foundation"); it is left out and reported.
FIELD_VALUE_RES: dict[str, re.Pattern[str]] = {
    "record_id": re.compile(r"^[A-Za-z]{0,4}[-.]?\d[\w./-]*$"),
}
