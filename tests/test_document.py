"""The document parser, checked against the two corpus documents as read off the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import DocumentError
from kg.ingest.document import (
    Correspondent,
    Document,
    find_all_quotes,
    find_quote,
    parse_date,
    parse_document,
    parse_text,
    parse_title,
)

CORPUS = Path(__file__).parents[1] / "corpus"
KOVALEV = CORPUS / "1949-05-17-kovalev-to-filippov.txt"
MAO = CORPUS / "1948-12-30-mao-to-stalin.txt"

CHROME = (
    "Skip to content",
    "Search in",
    "Digital Archive International History Declassified",
    "• Citation",
    "get citation",
    "• share document",
    "English HTML",
    "Document Information",
    "Original Uploaded Date",
    "Record ID",
    "History and Public Policy Program",
    "protected]",
    "Reprinted in",
    "Translated",
)


@pytest.fixture(scope="module")
def kovalev() -> Document:
    return parse_document(KOVALEV)


@pytest.fixture(scope="module")
def mao() -> Document:
    return parse_document(MAO)


def brackets_of(doc: Document, text: str) -> list:
    return [b for b in doc.brackets if b.text == text]


# --- Kovalev to Filippov: the "Skip to content" page with a trailing section ------------


def test_kovalev_header(kovalev):
    assert kovalev.id == "1949-05-17-kovalev-to-filippov"
    assert kovalev.path == str(KOVALEV)
    assert kovalev.layout == "archive-trailer"
    assert kovalev.title == "Ciphered Telegram No.54755 from Kovalev to Filippov [Stalin]"
    assert kovalev.date == "1949-05-17"
    assert kovalev.date_text == "May 17, 1949"
    assert kovalev.doc_type == "Ciphered Telegram"
    assert kovalev.incoming_numbers == ("54755",)
    assert kovalev.outgoing_numbers == ("472",)
    assert kovalev.senders == (Correspondent("Kovalev", None),)
    assert kovalev.recipients == (Correspondent("Filippov", "Stalin"),)
    assert kovalev.intermediaries == ()


def test_kovalev_source_is_the_file_verbatim(kovalev):
    with open(KOVALEV, encoding="utf-8", newline="") as handle:
        assert kovalev.source == handle.read()


def test_kovalev_trailer(kovalev):
    assert kovalev.summary.startswith("Kovalev relays to Stalin a conversation with Mao")
    assert kovalev.summary.endswith("Wang Ming's appraisal of his incorrect activity.")
    assert [(c.archive, c.fond, c.opis, c.delo, c.folios) for c in kovalev.citations] == [
        ("APRF", "45", "1", "331", "50-55"),
        ("RGASPI", "558", "11", "331", "0050-0055"),
    ]
    assert kovalev.citations[0].text == "APRF, F. 45, Op. 1, D. 331, Ll. 50-55"
    assert kovalev.citations[1].text == "RGASPI, f. 558, op. 11, d. 331, ll. 0050-0055"
    reprint = kovalev.reprint
    assert reprint.editors == ("Andrei Ledovskii", "Raisa Mirovitskaia", "Vladimir Miasnikov")
    assert reprint.title == "Sovetsko-Kitaiskie Otnosheniia"
    assert (reprint.volume, reprint.book) == ("5", "2")
    assert reprint.period == "1946-February 1950"
    assert (reprint.place, reprint.publisher, reprint.year) == (
        "Moscow", "Pamiatniki Istoricheskoi Mysli", 2005)
    assert reprint.pages == "128-132"
    assert reprint.text.startswith("Reprinted in Andrei Ledovskii")
    assert reprint.text.endswith("pp. 128-132.")
    assert kovalev.translator == "Sergey Radchenko"
    assert kovalev.translator_text == "Translated by Sergey Radchenko."
    assert kovalev.rights.startswith("The History and Public Policy Program welcomes reuse")
    assert "\n\nTo enquire about this document's rights status" in kovalev.rights
    assert kovalev.rights.endswith("[email\xa0protected].")
    assert kovalev.record_id is None
    assert kovalev.uploaded_date is None


def test_kovalev_body(kovalev):
    body = kovalev.body
    assert len(body) == 36
    assert [p.ordinal for p in body] == list(range(1, 37))
    assert body[0].text == "Filippov [Stalin]"
    assert body[1].text.startswith("On 12 May a meeting with Mao Zedong took place")
    assert body[-1].text == "No. 472 Kovalev, 17.5"
    assert body[-2].text == (
        "The structure of the economic center is transmitted next. "
        "Request your instructions for advising the Chinese comrades."
    )
    assert kovalev.body_text.startswith("Filippov [Stalin]\n\nOn 12 May")
    assert kovalev.body_text.endswith("No. 472 Kovalev, 17.5")


def test_kovalev_signature(kovalev):
    signature = kovalev.signature
    assert signature.text == "No. 472 Kovalev, 17.5"
    assert (signature.name, signature.number, signature.date) == ("Kovalev", "472", "1949-05-17")


def test_kovalev_brackets(kovalev):
    source = kovalev.source
    stalin = brackets_of(kovalev, "[Stalin]")
    assert len(stalin) == 2  # the title and the salutation
    assert all(b.kind == "identification" and b.before == "Filippov" for b in stalin)
    assert all(b.inside == "Stalin" for b in stalin)
    assert stalin[0].start == source.index("Filippov [Stalin]") + len("Filippov ")
    rade = brackets_of(kovalev, "[rade]")
    assert len(rade) == 6
    assert all(b.kind == "completion" and b.before is None for b in rade)
    assert all(source[b.start - 3:b.end] == "Com[rade]" for b in rade)
    for text in ("[We]", "[China]", "[he is]", "[on his hands]", "[“]", "[zemliachestva]"):
        assert [b.kind for b in brackets_of(kovalev, text)] == ["insertion"], text
    assert len(kovalev.brackets) == 30  # 31 square brackets in the file, one is the e-mail
    assert not any("protected" in b.inside for b in kovalev.brackets)
    assert not any(b.kind in ("omission", "sic") for b in kovalev.brackets)


# --- Mao to Stalin: the "Search in" page with the citation in the header ----------------


def test_mao_header(mao):
    assert mao.id == "1948-12-30-mao-to-stalin"
    assert mao.layout == "archive-search"
    assert mao.title == "Cable, Mao Zedong to Stalin"
    assert mao.date == "1948-12-30"
    assert mao.date_text == "December 30, 1948"
    assert mao.doc_type == "Cable"
    assert mao.incoming_numbers == ()
    assert mao.outgoing_numbers == ()
    assert mao.senders == (Correspondent("Mao Zedong"),)
    assert mao.recipients == (Correspondent("Stalin"),)
    assert mao.intermediaries == ()


def test_mao_citation_block(mao):
    assert mao.summary.startswith("Mao details to Stalin the recent military operations")
    assert mao.summary.endswith("Mao discusses future tactics against the Guomindang.")
    assert len(mao.citations) == 1
    citation = mao.citations[0]
    assert citation.text == "APRF: F. 39, Op. 1, D. 31, Ll. 49-52"
    assert (citation.archive, citation.fond, citation.opis, citation.delo, citation.folios) == (
        "APRF", "39", "1", "31", "49-52")
    reprint = mao.reprint
    assert reprint.editors == ("Andrei Ledovskii", "Raisa Mirovitskaia", "Vladimir Miasnikov")
    assert (reprint.volume, reprint.book, reprint.pages) == ("5", "1", "495-497")
    assert (reprint.place, reprint.publisher, reprint.year) == (
        "Moscow", "Pamiatniki Istoricheskoi Mysli", 2005)
    assert reprint.period == "1946-February 1950"
    assert mao.translator == "Sergey Radchenko"
    assert mao.translator_text == "Translated for CWIHP by Sergey Radchenko."
    assert mao.rights is None
    assert mao.record_id is None
    assert mao.uploaded_date is None


def test_mao_body(mao):
    body = mao.body
    assert len(body) == 29
    assert body[0].text == "Comrade Stalin!"
    assert body[1].text == "1. Received your telegram dated 28 [sic] November."
    assert body[-1].text == "Mao Zedong"
    assert body[-2].text == (
        "[I] request that you report this telegram to comrade main master and to the VKP(b) CC."
    )
    wrapped = [p for p in body if "growing larger\nand larger." in p.text]
    assert len(wrapped) == 1  # a paragraph keeps its inner line break
    assert mao.signature.name == "Mao Zedong"
    assert (mao.signature.number, mao.signature.date) == (None, None)


def test_mao_brackets(mao):
    source = mao.source
    sic = [b for b in mao.brackets if b.kind == "sic"]
    assert [b.text for b in sic] == ["[sic]", "[sic]", "[sic, possibly Shaanganning?]"]
    assert source[sic[0].start - 3:sic[0].end] == "28 [sic]"
    assert all(b.before is None for b in sic)
    beijing = brackets_of(mao, "[Beijing]")
    assert len(beijing) == 4
    assert all(b.kind == "identification" and b.before == "Beiping" for b in beijing)
    for text in ("[GMD General]", "[CCP military commanders]", "[We]", "[which]", "[I]"):
        assert {b.kind for b in brackets_of(mao, text)} == {"insertion"}, text
    assert len(mao.brackets) == 26
    assert "[...]" not in source
    assert not any(b.kind in ("omission", "completion") for b in mao.brackets)


# --- both documents ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [KOVALEV, MAO], ids=["kovalev", "mao"])
def test_offsets_point_into_the_source(path):
    doc = parse_document(path)
    for paragraph in doc.body:
        assert doc.source[paragraph.start:paragraph.end] == paragraph.text
        assert paragraph.text == paragraph.text.strip()
    for bracket in doc.brackets:
        assert doc.source[bracket.start:bracket.end] == bracket.text
        assert bracket.text == f"[{bracket.inside}]"
    assert all(b.kind in {"identification", "sic", "omission", "completion", "insertion"}
               for b in doc.brackets)


@pytest.mark.parametrize("path", [KOVALEV, MAO], ids=["kovalev", "mao"])
def test_no_page_chrome_in_the_body(path):
    doc = parse_document(path)
    furniture = [*CHROME, doc.date_text, doc.title, doc.summary]
    for paragraph in doc.body:
        for chrome in furniture:
            assert chrome not in paragraph.text, (chrome, paragraph.ordinal)


def test_parse_text_defaults_id_to_the_path_stem():
    doc = parse_text(KOVALEV.read_text(encoding="utf-8"), path="some/dir/x.txt")
    assert (doc.id, doc.path) == ("x", "some/dir/x.txt")
    assert parse_text(doc.source, doc_id="y", path="x.txt").id == "y"


# --- a made-up page exercises what the corpus does not ------------------------------------

SYNTHETIC = """\
Skip to content

March 3, 1950

Telegram Nos. 12, 13 and 14 from Roshchin [via Kovalev] to Filippov [Stalin]

Filippov [Stalin]

Com[rade] Zhou said [...] that Beiping [Beijing] [is]
ready  to  talk.

No. 9 Roshchin, 4.3

A short summary.

Document Information

APRF, F. 1, Op. 2, D. 3, L. 4.

Record ID

ABC-123
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_synthetic_page(newline):
    text = SYNTHETIC.replace("\n", newline)
    doc = parse_text(text, doc_id="synthetic", path="synthetic.txt")
    assert doc.source == text
    assert doc.date == "1950-03-03"
    assert doc.doc_type == "Telegram"
    assert doc.incoming_numbers == ("12", "13", "14")
    assert doc.senders == (Correspondent("Roshchin"),)
    assert doc.recipients == (Correspondent("Filippov", "Stalin"),)
    assert doc.intermediaries == (Correspondent("Kovalev"),)
    assert [p.text for p in doc.body] == [
        "Filippov [Stalin]",
        f"Com[rade] Zhou said [...] that Beiping [Beijing] [is]{newline}ready  to  talk.",
        "No. 9 Roshchin, 4.3",
    ]
    for paragraph in doc.body:
        assert text[paragraph.start:paragraph.end] == paragraph.text
    assert doc.signature.date == "1950-03-04"
    assert doc.outgoing_numbers == ("9",)
    assert doc.summary == "A short summary."
    assert [c.folios for c in doc.citations] == ["4"]
    assert doc.rights is None
    assert doc.record_id == "ABC-123"
    assert doc.uploaded_date is None
    kinds = [(b.text, b.kind, b.before) for b in doc.brackets]
    assert kinds == [
        ("[via Kovalev]", "insertion", None),
        ("[Stalin]", "identification", "Filippov"),
        ("[Stalin]", "identification", "Filippov"),
        ("[rade]", "completion", None),
        ("[...]", "omission", None),
        ("[Beijing]", "identification", "Beiping"),
        ("[is]", "insertion", None),
    ]
    assert find_quote(text, "ready to talk") is not None


def test_obfuscated_email_is_not_an_editors_bracket():
    text = SYNTHETIC.replace("ready  to  talk.", "write to [email\xa0protected] [now].")
    doc = parse_text(text, path="email.txt")
    assert [b.text for b in doc.brackets][-2:] == ["[is]", "[now]"]


# --- titles and dates -------------------------------------------------------------------


@pytest.mark.parametrize(("title", "doc_type", "numbers", "senders", "recipients", "via"), [
    ("Ciphered Telegram No.54755 from Kovalev to Filippov [Stalin]", "Ciphered Telegram",
     ("54755",), ("Kovalev",), ("Filippov",), ()),
    ("Cable, Mao Zedong to Stalin", "Cable", (), ("Mao Zedong",), ("Stalin",), ()),
    ("Mao Zedong to Stalin", None, (), ("Mao Zedong",), ("Stalin",), ()),
    ("Telegram Nos. 12, 13 and 14 from A to B", "Telegram", ("12", "13", "14"), ("A",),
     ("B",), ()),
    ("Letter from Mao Zedong and Zhou Enlai to Stalin (via Kovalev)", "Letter", (),
     ("Mao Zedong", "Zhou Enlai"), ("Stalin",), ("Kovalev",)),
    ("Cable from Mao Zedong via Terebin to Stalin", "Cable", (), ("Mao Zedong",), ("Stalin",),
     ("Terebin",)),
    ("Draft Telegram, Stalin to Kovalev, for Mao Zedong", "Draft Telegram", (), ("Stalin",),
     ("Mao Zedong",), ("Kovalev",)),
    ("Record of Conversation between Mao Zedong and Stalin", "Record of Conversation", (), (),
     (), ()),
])
def test_parse_title(title, doc_type, numbers, senders, recipients, via):
    parsed = parse_title(title)
    assert parsed.doc_type == doc_type
    assert parsed.incoming_numbers == numbers
    assert tuple(c.name for c in parsed.senders) == senders
    assert tuple(c.name for c in parsed.recipients) == recipients
    assert tuple(c.name for c in parsed.intermediaries) == via


@pytest.mark.parametrize(("text", "iso"), [
    ("May 17, 1949", "1949-05-17"),
    ("17 May 1949", "1949-05-17"),
    ("Dec. 30, 1948", "1948-12-30"),
    ("May 1949", "1949-05"),
    ("1949", "1949"),
    ("February 30, 1949", None),
    ("Comrade Stalin!", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


# --- quotes -----------------------------------------------------------------------------


def test_find_quote_across_a_line_break(mao):
    span = find_quote(mao.source, "is growing larger and larger.")
    assert span is not None
    assert mao.source[span[0]:span[1]] == "is growing larger\nand larger."


def test_find_quote_with_collapsed_or_extra_whitespace(kovalev):
    span = find_quote(kovalev.source, "  On 12 May   a meeting\twith\nMao Zedong took place ")
    assert span is not None
    assert kovalev.source[span[0]:span[1]] == "On 12 May a meeting with Mao Zedong took place"
    assert span[0] == kovalev.body[1].start


def test_find_quote_is_verbatim_apart_from_whitespace(kovalev):
    source = kovalev.source
    assert find_quote(source, "in Mao Zedong's presence") is not None
    assert find_quote(source, "in Mao Zedong’s presence") is None  # curly apostrophe
    assert find_quote(source, "“the main body of our forces") is not None
    assert find_quote(source, '"the main body of our forces') is None  # straight quote
    assert find_quote(source, "elder brother—the All-Union") is not None
    assert find_quote(source, "elder brother-the All-Union") is None  # hyphen for em dash
    assert find_quote(source, "mao zedong took place") is None  # case matters
    assert find_quote(source, "OnOn 12 May") is None
    assert find_quote(source, "   ") is None


def test_find_all_quotes(kovalev, mao):
    assert len(find_all_quotes(mao.source, "Beiping [Beijing]")) == 4
    spans = find_all_quotes(kovalev.source, "Filippov [Stalin]")
    assert len(spans) == 2
    assert spans[0] == find_quote(kovalev.source, "Filippov [Stalin]")
    assert find_all_quotes("aaa", "aa") == ((0, 2), (1, 3))
    assert find_all_quotes(kovalev.source, "no such words here") == ()


# --- bad input --------------------------------------------------------------------------


def error_for(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        parse_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert error_for(path) == f"{path}: file is empty"
    path.write_text("  \n\n \t\n", encoding="utf-8")
    assert error_for(path) == f"{path}: file is empty"


def test_binary_file(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"Skip to content\n\x00\x01\x02")
    assert error_for(path) == f"{path}: binary file, not text"


def test_invalid_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Skip to content\nGuomindang é".encode("latin-1"))
    assert error_for(path) == f"{path}: not valid UTF-8 (byte 27)"


def test_missing_file(tmp_path):
    assert "cannot read file" in error_for(tmp_path / "nowhere.txt")


@pytest.mark.parametrize("text", [
    "Skip to content\n\nMay 17, 1949\n\nCable, Mao Zedong to Stalin\n",
    "Skip to content\n\nMay 17, 1949\n\nCable, Mao Zedong to Stalin\n\n\nA summary.\n\n"
    "Document Information\n\nAPRF, F. 1, Op. 1, D. 1, L. 1.\n",
    'Search in\n\nDecember 30, 1948\n\n• Citation\n\nget citation\n\nA summary.\n'
    '"Cable, Mao Zedong to Stalin," December 30, 1948.\n• share document\n\nEnglish HTML\n',
], ids=["title-only", "trailer-only", "search-header-only"])
def test_no_body(tmp_path, text):
    path = tmp_path / "nobody.txt"
    path.write_text(text, encoding="utf-8")
    assert "no body found" in error_for(path)


def test_unknown_layout(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("Comrade Stalin!\n\nMao Zedong\n", encoding="utf-8")
    message = error_for(path)
    assert "unrecognised page layout" in message
    assert "'Skip to content'" in message or "'skip to content'" in message


@pytest.mark.parametrize("start", ["Skip to content\n\n", ""])
def test_the_sidebar_is_neither_body_nor_summary(start):
    # The archive's sidebar sits between the summary and "Document Information": its
    # headings and the titles of related documents are the site's, not the document's.
    text = (f"{start}March 2, 1951\n\nCable, Roshchin to Filippov\n\n"
            "The grain will go by rail.\n\nRoshchin\n\n"
            "Roshchin reports on the grain shipments.\n\nAuthor(s):\n\n\n"
            "Associated Places\n\nRelated Documents\n\n"
            "March 5, 1951 | Cable, Gromyko to Cde. Roshchin |\n\nDocument Information\n\n"
            "Source\n\nAVPRF, Fond 07.\n")
    doc = parse_text(text, doc_id="sidebar")
    assert doc.summary == "Roshchin reports on the grain shipments."
    body = " ".join(p.text for p in doc.body)
    assert "The grain will go by rail." in body
    assert "Gromyko" not in body and "Associated" not in body
