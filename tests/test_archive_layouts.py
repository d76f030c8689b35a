"""The parser on the archive's layouts: every document of tests/archive against its
hand-written expectation (the acceptance test), then each variation on its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.curate.evaluate import FIELDS, UNSCORED_FIELDS, evaluate, observed
from kg.errors import DocumentError
from kg.ingest.citation import parse_citations, parse_contributor, parse_translator
from kg.ingest.dates import parse_date
from kg.ingest.document import (
    Correspondent,
    duplicate_key,
    duplicate_keys,
    parse_document,
    parse_text,
)
from kg.ingest.names import clean_name, known_codename, resolve_bracketed
from kg.ingest.titles import parse_title

ARCHIVE = Path(__file__).parent / "archive"
DOCUMENTS = sorted(ARCHIVE.glob("*.txt"))
INGESTION_DOC = Path(__file__).parents[1] / "docs" / "ingestion.md"


@pytest.fixture(scope="module")
def report():
    return evaluate(ARCHIVE)


# --- the acceptance test: every document, every field -----------------------------------


def test_the_archive_test_set_is_complete():
    assert len(DOCUMENTS) >= 30
    for path in DOCUMENTS:
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
        assert set(expected) == set(FIELDS) | set(UNSCORED_FIELDS), path.name


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_document_matches_its_expectation(report, path):
    assert [e for e in report.errors if e[0].startswith(path.stem)] == []
    mismatches = [(m.field, m.expected, m.got) for m in report.mismatches if m.file == path.name]
    assert mismatches == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_line_endings_bom_and_trailing_spaces_change_nothing(path):
    text = path.read_text(encoding="utf-8")
    fields = observed(parse_text(text, path=path.name))
    for variant in (text.replace("\n", "\r\n"), "\ufeff" + text, text.replace("\n", "  \n")):
        assert observed(parse_text(variant, path=path.name)) == fields


def test_every_variation_listed_in_the_docs_has_its_file():
    listed = set(re.findall(r"`([\w-]+\.txt)`", INGESTION_DOC.read_text(encoding="utf-8")))
    assert listed, "docs/ingestion.md lists no test documents"
    assert listed <= {p.name for p in DOCUMENTS}


def test_copies_from_different_mirrors_share_a_duplicate_key():
    search = parse_document(ARCHIVE / "1949-01-14-mao-to-filippov.txt")
    mirror = parse_document(ARCHIVE / "1949-01-14-mao-to-filippov-mirror.txt")
    assert (search.layout, mirror.layout) == ("archive-search", "mirror")
    assert duplicate_key(search) == duplicate_key(mirror)
    trailer = parse_document(ARCHIVE / "1949-12-16-stalin-mao-conversation.txt")
    upper = parse_document(ARCHIVE / "1949-12-16-stalin-mao-conversation-upper.txt")
    assert duplicate_key(trailer) == duplicate_key(upper) == "record:119420"
    assert duplicate_key(search) != duplicate_key(trailer)


def test_duplicate_keys_match_a_copy_without_record_id():
    doc = parse_document(ARCHIVE / "1949-12-16-stalin-mao-conversation.txt")
    copy = parse_text(doc.source.replace("Record ID\n119420", "Record ID\n"), path="copy.txt")
    assert copy.record_id is None
    assert duplicate_key(copy) not in duplicate_keys(doc)[:1]
    assert set(duplicate_keys(copy)) & set(duplicate_keys(doc))


# --- layouts ------------------------------------------------------------------------------


def test_layouts_are_recognised():
    layouts = {parse_document(p).layout for p in DOCUMENTS}
    assert layouts == {"archive-trailer", "archive-search", "archive-upper", "mirror"}


def test_labelled_fields_in_any_order_missing_or_empty():
    doc = parse_document(ARCHIVE / "1949-05-26-kovalev-to-filippov-nos.txt")
    assert (doc.record_id, doc.uploaded_date, doc.donors) == (None, None, ())
    assert (doc.record_type, doc.language) == ("Telegram", "Russian")
    full = parse_document(ARCHIVE / "1949-01-10-filippov-to-mao-via-terebin.txt")
    assert full.citations[0].text == "APRF, F. 45, Op. 1, D. 330, Ll. 95-96"
    assert full.rights.startswith("Digital Archive materials may be reused")
    assert (full.uploaded_date, full.donors) == ("2014-03-11", ("Blue Ridge Archive Fund",))
    letter = parse_document(ARCHIVE / "1950-09-29-kim-pak-to-stalin.txt")
    assert letter.authors == ("Kim Il Sung", "Pak Hon Yong")


def test_funding_line_is_not_body():
    doc = parse_document(ARCHIVE / "1949-05-26-kovalev-to-filippov-nos.txt")
    assert doc.funding.startswith("Document translation made possible")
    assert all("made possible" not in p.text for p in doc.body)
    assert doc.body[0].text == "Filippov (Stalin)"


def test_stray_first_line_is_ignored_with_a_warning():
    doc = parse_document(ARCHIVE / "1950-03-07-shtykov-to-vyshinsky.txt")
    assert doc.summary.startswith("Shtykov reports")
    assert len(doc.warnings) == 1 and "Stalin agrees to receive" in doc.warnings[0]
    mirror = parse_document(ARCHIVE / "1950-07-02-roschin-to-filippov-stray.txt")
    assert mirror.title == "Ciphered Telegram from Roschin to Filippov [Stalin]"
    assert mirror.body[0].text == "Filippov [Stalin]"


def test_mirror_paragraphs_are_lines_with_offsets():
    doc = parse_document(ARCHIVE / "1950-05-13-roshchin-to-filipov.txt")
    assert len(doc.body) == 6
    for paragraph in doc.body:
        assert doc.source[paragraph.start:paragraph.end] == paragraph.text
        assert "\n" not in paragraph.text
    assert (doc.signature.name, doc.signature.date) == ("Roshchin", "1950-05-13")


def test_mirror_with_crlf_line_breaks():
    text = (ARCHIVE / "1950-01-30-flilippov-to-shtykov.txt").read_text("utf-8")
    doc = parse_text(text.replace("\n", "\r\n"), path="crlf.txt")
    assert doc.date == "1950-01-30" and len(doc.body) == 4
    assert all(doc.source[p.start:p.end] == p.text for p in doc.body)


def test_upper_case_layout_takes_the_quoted_title_and_citation_date():
    doc = parse_document(ARCHIVE / "1950-10-01-feng-xi-to-kim-via-shtykov.txt")
    assert doc.title == ("Ciphered Telegram from Feng Xi [Fyn Si; Stalin] to Kim Il Sung "
                         "(via Shtykov)")
    assert (doc.date, doc.date_text) == ("1950-10-01", "October 1, 1950")
    assert doc.body[0].text == "PYONGYANG, SOVIET AMBASSADOR"
    assert doc.signature.name == "Fyn Si"


def test_upper_case_title_without_citation_is_a_mirror_title():
    doc = parse_document(ARCHIVE / "1950-10-01-kim-pak-to-mao-caps.txt")
    assert doc.title == "CABLE FROM KIM IL SUNG AND PAK HEON-YEONG TO MAO ZEDONG"
    assert [c.name for c in doc.senders] == ["Kim Il Sung", "Pak Heon-yeong"]


def test_chinese_and_russian_text_in_the_body():
    doc = parse_document(ARCHIVE / "1950-10-08-mao-to-peng-and-gao.txt")
    assert doc.body[0].text == "彭德怀、高岗同志："
    letter = parse_document(ARCHIVE / "1950-09-29-kim-pak-to-stalin.txt")
    assert "«Дорогой Иосиф Виссарионович!»" in letter.body[1].text
    assert letter.brackets[1].kind == "insertion"


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "year", "iso"), [
    ("May 17, 1949", None, "1949-05-17"),
    ("September 03, 1949", None, "1949-09-03"),
    ("August 1949", None, "1949-08"),
    ("1949", None, "1949"),
    ("16.XII.1947", None, "1947-12-16"),
    ("21.XI.51", None, "1951-11-21"),
    ("10/14/50", None, "1950-10-14"),
    ("14/10/50", None, "1950-10-14"),
    ("13/5-50", None, "1950-05-13"),
    ("17.5", "1949", "1949-05-17"),
    ("17.5", None, None),
    ("17.05.1949", None, "1949-05-17"),
    ("31.II.50", None, None),
    ("1.", 1949, None),
])
def test_date_forms(text, year, iso):
    assert parse_date(text, year) == iso


def test_in_text_dates_in_signatures():
    doc = parse_document(ARCHIVE / "1951-11-21-razuvayev-to-vasilevsky.txt")
    assert (doc.signature.name, doc.signature.date) == ("Razuvaev", "1951-11-21")
    dated_by_signature = parse_document(ARCHIVE / "1947-12-16-mao-to-kuznetsov.txt")
    assert (dated_by_signature.date, dated_by_signature.date_text) == ("1947-12-16", "16.XII.1947")
    kovalev = parse_document(ARCHIVE / "1949-05-26-kovalev-to-filippov-nos.txt")
    assert (kovalev.signature.number, kovalev.signature.date) == ("514", "1949-05-26")


# --- titles -------------------------------------------------------------------------------


def names(people) -> list[str]:
    return [c.name for c in people]


@pytest.mark.parametrize(("title", "senders", "recipients", "via", "participants"), [
    ("Telegram from A to B", ["A"], ["B"], [], []),
    ("Peng Dehuai to Mao Zedong", ["Peng Dehuai"], ["Mao Zedong"], [], []),
    ("Letter from Mao Zedong", ["Mao Zedong"], [], [], []),
    ("Memorandum by V.M. Molotov, ‘On Korea’", ["V.M. Molotov"], [], [], []),
    ("Cable from Mao Zedong via Kovalev to Stalin", ["Mao Zedong"], ["Stalin"], ["Kovalev"], []),
    ("Telegram from Stalin to Mao Zedong [via Kovalev]", ["Stalin"], ["Mao Zedong"], ["Kovalev"],
     []),
    ("Telegram from Stalin to Kim Il Sung (via Shtykov)", ["Stalin"], ["Kim Il Sung"],
     ["Shtykov"], []),
    ("Telegram from Stalin to Roshchin, for Zhou Enlai", ["Stalin"], ["Zhou Enlai"],
     ["Roshchin"], []),
    # The relayed message's parties are not the telegram's (see test_embedded_message).
    ("Telegram from Shtykov to Vyshinsky transmitting a Message from Kim Il Sung to Stalin",
     ["Shtykov"], ["Vyshinsky"], [], []),
    ("Telegram from Kovalev to Filippov [Stalin] transmitting a Letter from Mao Zedong",
     ["Kovalev"], ["Filippov"], [], []),
    ("Record of Conversation between Stalin and Mao Zedong, December 16, 1949", [], [], [],
     ["Stalin", "Mao Zedong"]),
    ("Record of Conversation of Kovalev with Mao Zedong", [], [], [], ["Kovalev", "Mao Zedong"]),
    ("Letter from Mao Zedong with attachments", ["Mao Zedong with attachments"], [], [], []),
    # An envoy's "to" names the country of the post: the recipient follows the next "to".
    ("Cable from the Soviet Ambassador to the DPRK to Molotov", [], ["Molotov"], [], []),
])
def test_title_routes(title, senders, recipients, via, participants):
    parsed = parse_title(title)
    assert names(parsed.senders) == senders
    assert names(parsed.recipients) == recipients
    assert names(parsed.intermediaries) == via
    assert names(parsed.participants) == participants


@pytest.mark.parametrize(("title", "doc_type", "numbers"), [
    ("Ciphered Telegram No.54755 from Kovalev to Filippov", "Ciphered Telegram", ("54755",)),
    ("Telegram Nos. 50450, 50470, and 50490 from A to B", "Telegram", ("50450", "50470", "50490")),
    ("Telegram Nº 3214 from Roshchin to Stalin", "Telegram", ("3214",)),
    ("TELEGRAM № 12 FROM A TO B", "Telegram", ("12",)),
    ("Telegram from Roshchin to Stalin, No. 77", "Telegram", ("77",)),
    ("Minutes of Conversation between A and B", "Minutes of Conversation", ()),
    ("Note from the Embassy to the Ministry", "Note", ()),
    ("Kovalev to Stalin", None, ()),
])
def test_title_types_and_numbers(title, doc_type, numbers):
    parsed = parse_title(title)
    assert (parsed.doc_type, parsed.incoming_numbers) == (doc_type, numbers)


def test_title_extras():
    excerpt = parse_title("Letter from Mao Zedong to the CC VKP(b) (excerpt)")
    assert excerpt.excerpt and names(excerpt.recipients) == ["CC VKP(b)"]
    assert excerpt.recipients[0].kind == "organization"
    quoted = parse_title('Report from Kovalev to Stalin, "On Some Policies of the CCP CC"')
    assert quoted.subtitle == "On Some Policies of the CCP CC"
    assert names(quoted.recipients) == ["Stalin"]
    dated = parse_title("Telegram from Stalin to Mao Zedong on 26 January 1949")
    assert (dated.date, dated.date_text) == ("1949-01-26", "26 January 1949")
    assert names(dated.recipients) == ["Mao Zedong"]


def test_institutional_correspondents():
    title = parse_title("Cable from the PRC Ministry of Foreign Affairs to the USSR Council of "
                        "Ministers")
    assert [(c.name, c.kind) for c in (*title.senders, *title.recipients)] == [
        ("PRC Ministry of Foreign Affairs", "organization"),
        ("USSR Council of Ministers", "organization"),
    ]


# --- names, brackets and codenames --------------------------------------------------------


@pytest.mark.parametrize(("written", "clean"), [
    ("Cde. Kovalev", "Kovalev"),
    ("Comrades Mao Zedong", "Mao Zedong"),
    ("Chairman Mao Zedong", "Mao Zedong"),
    ("S H T Y K O V", "Shtykov"),
    ("KIM IL SUNG", "Kim Il Sung"),
    ("ZHOU EN-LAI", "Zhou En-lai"),
    ("G.M. MALENKOV", "G.M. Malenkov"),
    ("[Li] Fuchun", "Li Fuchun"),
    ("[CPSU First Secretary Nikita S.] Khrushchev", "Nikita S. Khrushchev"),
    ("the USSR COUNCIL OF MINISTERS", "USSR Council of Ministers"),
    ("GMD General", "GMD General"),
    ("CC CPSU Secretary M. A. Suslov", "M. A. Suslov"),  # a body's post, then the person
    ("CC CPSU", "CC CPSU"),
])
def test_clean_name(written, clean):
    assert clean_name(written) == clean


@pytest.mark.parametrize(("outer", "inside", "expected"), [
    ("Filippov", "Stalin", Correspondent("Filippov", "Stalin")),
    ("Stalin", "Kuznetsov", Correspondent("Kuznetsov", "Stalin")),
    ("Feng Xi", "Fyn Si; Stalin", Correspondent("Feng Xi", "Stalin", ("Fyn Si",))),
    ("Stalin", "Feng Xi; Fyn Si", Correspondent("Feng Xi", "Stalin", ("Fyn Si",))),
    ("Filipov", "Stalin", Correspondent("Filipov", "Stalin")),
    ("FLILIPPOV", "STALIN", Correspondent("Flilippov", "Stalin")),
    ("Pak Heon-yeong", "Pak Hon Yong", Correspondent("Pak Heon-yeong", None, ("Pak Hon Yong",))),
    ("Liu", "Shaoqi", Correspondent("Liu Shaoqi")),
    ("Kuznetsov", "F.F. Kuznetsov", Correspondent("Kuznetsov", "F.F. Kuznetsov")),
    ("Terebin", "Orlov", Correspondent("Terebin", "Orlov")),
])
def test_bracketed_correspondents(outer, inside, expected):
    assert resolve_bracketed(outer, inside) == expected


def test_known_codenames_despite_misspellings():
    assert known_codename("Filipov") == known_codename("Flilippov") == "Filippov"
    assert known_codename("Fyn Si") == "Fyn Si"
    assert known_codename("Stalin") is None
    assert known_codename("Kovalev") is None


BRACKETS = """\
Skip to content

March 3, 1950

Telegram from Roshchin to Filippov (Stalin)

Comrade Liu [Shaoqi] met [Li] Fuchun and [CPSU First Secretary Nikita S.] Khrushchev.

Stalin [Kuznetsov] wrote to Kulja [Ghulja] about Pak Heon-yeong [Pak Hon Yong] [sic] [...].

Andreev [Mikoyan] met [GMD General] Du Yuming, Com[rade] Strakhov (Li Lisan) and Beiping [Beijing].
"""


def test_bracket_kinds():
    doc = parse_text(BRACKETS, path="brackets.txt")
    kinds = {b.text: (b.kind, b.before) for b in doc.brackets}
    assert kinds == {
        "[Shaoqi]": ("completion", None),
        "[Li]": ("completion", None),
        "[CPSU First Secretary Nikita S.]": ("completion", None),
        "[Kuznetsov]": ("codename", "Stalin"),
        "[Ghulja]": ("identification", "Kulja"),
        "[Pak Hon Yong]": ("identification", "Pak Heon-yeong"),
        "[sic]": ("sic", None),
        "[...]": ("omission", None),
        "[Mikoyan]": ("identification", "Andreev"),
        "[GMD General]": ("insertion", None),
        "[rade]": ("completion", None),
        "[Beijing]": ("identification", "Beiping"),
    }


def test_codenames_in_title_and_body_in_both_orders():
    doc = parse_text(BRACKETS, path="brackets.txt")
    assert {(c.name, c.person) for c in doc.codenames} == {
        ("Filippov", "Stalin"),  # title, parentheses
        ("Kuznetsov", "Stalin"),  # body, real name first
        ("Andreev", "Mikoyan"),  # body, sentence start
        ("Strakhov", "Li Lisan"),  # body, parentheses
    }


def test_codename_only_in_the_body():
    doc = parse_document(ARCHIVE / "1950-06-02-roshchin-to-stalin.txt")
    assert doc.recipients == (Correspondent("Stalin"),)
    assert [(c.name, c.person) for c in doc.codenames] == [("Filippov", "Stalin")]


def test_a_fuller_name_is_an_identification_not_a_codename():
    doc = parse_text("Search in\n\nJune 1, 1947\n\n• Citation\n\nget citation\n\nA summary.\n"
                     '"Report from Kuznetsov [F.F. Kuznetsov] to Stalin," June 1, 1947.\n'
                     "• share document\n\nComrade Stalin!\n", path="fuller.txt")
    assert doc.senders == (Correspondent("Kuznetsov", "F.F. Kuznetsov"),)
    assert doc.codenames == ()


def test_a_known_codename_alone_identifies_no_one():
    doc = parse_document(ARCHIVE / "1953-03-21-malenkov-beria-molotov-to-mao.txt")
    assert doc.intermediaries == (Correspondent("Kuznetsov"),)
    assert doc.codenames == ()


# --- citations and translators --------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("APRF, F. 45, Op. 1, D. 331, Ll. 50-55.", [("APRF", "45", "1", "331", "50-55")]),
    ("AP RF, Fond 45, Opis 1, Delo 331, List 50.", [("APRF", "45", "1", "331", "50")]),
    ("APRF: F. 39, Op. 1, D. 31, L. 4.", [("APRF", "39", "1", "31", "4")]),
    ("AVP RF, Fond 07, Opis 22, Papka 36, Delo 220, Listy 12-19.",
     [("AVPRF", "07", "22", "220", "12-19")]),
    ("APRF, F. 45, Op. 1, D. 331, Ll. 50-55, and RGASPI, f. 558, op. 11, d. 331, "
     "ll. 0050-0055.",
     [("APRF", "45", "1", "331", "50-55"), ("RGASPI", "558", "11", "331", "0050-0055")]),
    ("TsAMO, F. 5, Op. 918795, D. 124, Ll. 500-503.", [("TsAMO", "5", "918795", "124", "500-503")]),
    # The parts in English, separated by full stops.
    ("RGANI. Collection 3. Inventory 12. File 1005. Sheets 7-9. Original.",
     [("RGANI", "3", "12", "1005", "7-9")]),
    # China's foreign ministry archive cites a record number only.
    ("PRC FMA 109-00215-02. Translated by Li Wen.", [("PRC FMA", None, None, None, None)]),
    ("PRC FMA 204-00007-15; original Record No. 204-Y0012.",
     [("PRC FMA", None, None, None, None)]),
])
def test_archive_references(text, expected):
    found = [(c.archive, c.fond, c.opis, c.delo, c.folios) for c in parse_citations(text)]
    assert found == expected


def test_papka_is_kept():
    citation = parse_citations("AVP RF, F. 0100, Op. 44, Papka 322, D. 13, Ll. 40-41.")[0]
    assert (citation.papka, citation.delo) == ("322", "13")


def test_published_chinese_source_is_a_citation_without_archive():
    text = ("“Telegram, Mao Zedong to Peng Dehuai and Gao Gang,” October 8, 1950, History and "
            "Public Policy Program Digital Archive, Jianguo yilai Mao Zedong wengao, vol. 1 "
            "(Beijing: Zhongyang wenxian chubanshe, 1987), 131-133. Translated by Li Wen.")
    (citation,) = parse_citations(text)
    assert citation.published and citation.fond is None
    assert citation.text == ("Jianguo yilai Mao Zedong wengao, vol. 1 (Beijing: Zhongyang "
                             "wenxian chubanshe, 1987), 131-133")
    assert parse_citations("A reprint only. Reprinted in X, Y (Moscow: Z, 2005), pp. 1-2.") == ()


@pytest.mark.parametrize(("text", "source"), [
    # Editors and titles with their own parentheses before "(Place: Publisher, Year)".
    ("Zhonggong zhongyang wenxian yanjiushi (Party Literature Office), ed., Zhou Enlai "
     "nianpu (Chronicle of Zhou Enlai), vol. 2 (Beijing: Zhongyang wenxian chubanshe, 1997), "
     "41. Translated by Li Wen.",
     "Zhonggong zhongyang wenxian yanjiushi (Party Literature Office), ed., Zhou Enlai nianpu "
     "(Chronicle of Zhou Enlai), vol. 2 (Beijing: Zhongyang wenxian chubanshe, 1997), 41"),
    # A short form: title, volume and page only.
    ("Zhou wengao, vol. 2, p. 77. Translated for CWIHP by Li Wen.", "Zhou wengao, vol. 2, p. 77"),
])
def test_published_source_forms(text, source):
    (citation,) = parse_citations(text)
    assert citation.published and citation.text == source


def test_the_page_s_own_citation_is_kept_as_printed_in_any_form():
    doc = parse_text("Skip to content\n\nMay 2, 1956\n\nReport, Embassy of Hungary in "
                     "North Korea to the Hungarian Foreign Ministry\n\nThe ministry declines."
                     "\n\nA report on the ministry.\n\nDocument Information\n\nSource\n\n"
                     "MOL, XIX-J-1-j Korea, 3. doboz, 4/c, 00712/1956. Translated by Anna Beck.\n")
    assert [c.text for c in doc.citations] == ["MOL, XIX-J-1-j Korea, 3. doboz, 4/c, 00712/1956"]
    assert doc.translator == "Anna Beck"
    # Prose in the citation's place is no source.
    doc = parse_text("Skip to content\n\nMay 2, 1956\n\nReport, Embassy to Ministry\n\nText."
                     "\n\nA summary.\n\nDocument Information\n\nSource\n\nThe original was lost in "
                     "1957.\n")
    assert doc.citations == ()


def test_a_sentence_that_is_no_source_is_no_citation():
    assert parse_citations("Translated by Li Wen.") == ()
    assert parse_citations("The original is held by the family of the author.") == ()


def test_an_archival_reference_printed_in_the_body_is_the_citation():
    doc = parse_text("Skip to content\n\nJuly 2, 1957\n\nConversation of A. Puzanov with "
                     "Kim Il Sung\n\nKIM IL SUNG spoke about the harvest.\n\nRGANI. "
                     "Collection 5. Inventory 28. File 411. Sheets 12-14. Typescript. Copy.\n\n"
                     "PUZANOV thanked him.\n")
    assert [(c.archive, c.fond, c.opis, c.delo, c.folios) for c in doc.citations] == [
        ("RGANI", "5", "28", "411", "12-14")]
    assert [(p.ordinal, p.text) for p in doc.body] == [
        (1, "KIM IL SUNG spoke about the harvest."), (2, "PUZANOV thanked him.")]
    # A reference inside a sentence of the text stays text.
    doc = parse_text("Skip to content\n\nJuly 2, 1957\n\nConversation of A. Puzanov with "
                     "Kim Il Sung\n\nKim read from RGANI, f. 5, op. 28, d. 411 aloud.\n")
    assert doc.citations == () and len(doc.body) == 1


def test_the_newer_site_keeps_summary_citation_and_body_apart():
    doc = parse_document(ARCHIVE / "1950-09-04-zhou-to-ni-and-chai-newsite.txt")
    assert doc.summary.endswith("before winter.")
    assert doc.body[0].text.startswith("Ambassador Ni [Zhiliang]")
    assert doc.body[-1].text.endswith("Zhou Enlai September 4 [1950]")
    assert "digitalarchive" not in doc.citations[0].text


@pytest.mark.parametrize(("text", "translator"), [
    ("Translated for CWIHP from Russian by Anna Korsakova.", "Anna Korsakova"),
    ("Translated by Sergey Radchenko.", "Sergey Radchenko"),
    ("Translated for CWIHP by Sergey Radchenko.", "Sergey Radchenko"),
    ("Obtained by Rustam Nazarov and translated by Helen Marsh.", "Helen Marsh"),
    ("Obtained and translated for CWIHP by Rustam Nazarov.", "Rustam Nazarov"),
    ("Translated from the Chinese by Li Wen.", "Li Wen"),
    ("Translated by Daniel Rosen and Mei Lin.", "Daniel Rosen and Mei Lin"),
    ("Translated by Vladislav M. Zubok for CWIHP.", "Vladislav M. Zubok"),
    ("Contributed by Peter Lindqvist.", None),
])
def test_translator_phrasings(text, translator):
    found = parse_translator(text)
    assert (found[0] if found else None) == translator


def test_contributor_is_not_a_translator():
    assert parse_contributor("RGANI, F. 5. Contributed by Peter Lindqvist.") == "Peter Lindqvist"
    doc = parse_document(ARCHIVE / "1953-12-10-khrushchev-to-mao.txt")
    assert (doc.translator, doc.contributor) == (None, "Peter Lindqvist")


def test_non_breaking_spaces_are_whitespace():
    doc = parse_document(ARCHIVE / "1949-05-26-kovalev-to-filippov-nos.txt")
    assert "\u00a0" in doc.source and "\u00a0" not in doc.title
    assert doc.brackets[0].text == "[rade]"


# --- bad input ----------------------------------------------------------------------------


def error_for(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        parse_document(path)
    assert caught.value.file == str(path)
    return str(caught.value)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "file is empty"),
    (b"\n \n\t", "file is empty"),
    (b"%PDF-1.4\n\x00\x01\x02\x03", "binary file, not text"),
    (bytes(range(1, 32)) * 20, "binary file, not text"),
    ("Skip to content\n\nMay 17, 1949\n\nCable, Mao to Stalin\n\nТов. Сталину\n"
     .encode("cp1251"), "not valid UTF-8"),
    (b"Lorem ipsum dolor sit amet.\n\nConsectetur adipiscing elit.\n",
     "unrecognised page layout"),
    (b"Skip to content\n\nMay 17, 1949\n\nCable, Mao Zedong to Stalin\n", "no body found"),
])
def test_bad_input_names_the_file_and_the_problem(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert f"{path}: " in error_for(path)
    assert message in error_for(path)


def test_a_page_without_date_still_parses():
    doc = parse_text("Skip to content\n\nCable, Mao Zedong to Stalin\n\nComrade Stalin!\n",
                     path="nodate.txt")
    assert doc.date is None and doc.date_text is None
    assert doc.senders == (Correspondent("Mao Zedong"),)
    mirror = parse_text("Telegram from Kovalev to Stalin\nComrade Stalin!\nKovalev\n",
                        path="nodate-mirror.txt")
    assert (mirror.layout, mirror.date, mirror.title) == (
        "mirror", None, "Telegram from Kovalev to Stalin")


def test_a_page_without_title_still_parses():
    text = ("Search in\n\nMay 3, 1950\n\n• Citation\n\nget citation\n\nA summary.\n"
            "• share document\n\nEnglish HTML\n\nComrade Stalin!\n\nMao Zedong\n")
    doc = parse_text(text, path="notitle.txt")
    assert (doc.title, doc.date, doc.senders) == (None, "1950-05-03", ())
    assert [p.text for p in doc.body] == ["Comrade Stalin!", "Mao Zedong"]
    mirror = parse_text("May 3, 1950\nComrade Stalin!\nMao Zedong\n", path="notitle-mirror.txt")
    assert (mirror.title, mirror.date, len(mirror.body)) == (None, "1950-05-03", 2)


# --- failure classes met on real pages -----------------------------------------------------


def parties(people) -> list[str]:
    return [f"{c.name} = {c.identified_as}" if c.identified_as else c.name for c in people]


@pytest.mark.parametrize(("title", "senders", "recipients", "via", "participants"), [
    # a telephone line is no intermediary; a telephone message is a type
    ("Telephone Message via VCh, I. Stalin to Kim Il Sung", ["I. Stalin"], ["Kim Il Sung"],
     [], []),
    # plural honorific
    ("Telegram, Razuvaev to Cdes. Sokolovsky and Vyshinsky", ["Razuvaev"],
     ["Sokolovsky", "Vyshinsky"], [], []),
    # a place after a person or an organization is no party
    ("Ciphered telegram from Kuznetsov and Fedorenko in Pyongyang", ["Kuznetsov", "Fedorenko"],
     [], [], []),
    ("Ciphered telegram, Shtykov to Ministry of Foreign Affairs, Moscow", ["Shtykov"],
     ["Ministry of Foreign Affairs"], [], []),
    # descriptions before a name
    ("Telegram from DPRK leader Kim Il Sung and South Korean Communist Leader Pak Heon-yeong "
     "to Stalin (via Shtykov)", ["Kim Il Sung", "Pak Heon-yeong"], ["Stalin"], ["Shtykov"], []),
    # posts: a bracket names the person; without one, no party
    ("Report, Zhou Enlai to the Chairman [Mao Zedong] and the Central Committee",
     ["Zhou Enlai"], ["Mao Zedong", "Central Committee"], [], []),
    ("Telegram from USSR Foreign Minister V.M. Molotov to Soviet Ambassador in Beijing",
     ["V.M. Molotov"], [], [], []),
    ("Telegram from Shtykov to the USSR First Deputy Minister of Foreign Affairs",
     ["Shtykov"], [], [], []),
    # relayed messages: the telegram's parties, not the message's
    ("Telegram, Gromyko to Cde. I.V. Stalin, Transmitting Letter from Kim Il Sung",
     ["Gromyko"], ["I.V. Stalin"], [], []),
    ("Ciphered Telegram No. 20772, Roshchin to Comrade Filippov [Stalin], containing a Message "
     "from Mao Zedong", ["Roshchin"], ["Filippov = Stalin"], [], []),
    ("Gromyko to G.M. Malenkov, attaching draft telegram to Razuvaev", ["Gromyko"],
     ["G.M. Malenkov"], [], []),
    # conversations
    ("Record of a Conversation between Stalin, Kim Il Sung, and Zhou Enlai", [], [], [],
     ["Stalin", "Kim Il Sung", "Zhou Enlai"]),
    ("Conversation, V.M. Molotov and A.Y. Vyshinsky with Mao Zedong, Moscow, 17 January 1950",
     [], [], [], ["V.M. Molotov", "A.Y. Vyshinsky", "Mao Zedong"]),
    ("Conversation of N.S. Khrushchev with Mao Zedong, July 31, 1958, at the Airport", [], [],
     [], ["N.S. Khrushchev", "Mao Zedong"]),
    ("Record of Conversations between Cde. N. S. Khrushchev, First Secretary of the CPSU CC, "
     "and Ho Chi Minh, Chairman of the CC of the VWP", [], [], [],
     ["N. S. Khrushchev", "Ho Chi Minh"]),
    ("From the Journal of Ambassador Pavel Yudin: Record of Conversation with Mao Zedong on 8 "
     "March 1955", [], [], [], ["Pavel Yudin", "Mao Zedong"]),
    ("Journal of Soviet Ambassador in the DPRK A.M. Puzanov for 29 April 1960", ["A.M. Puzanov"],
     [], [], []),
    # a quoted subtitle, "and Others" and "convey to" are no parties
    ("Telegram, Zhou Enlai to Mao Zedong, Liu Shaoqi, and CCP Central Committee, 'Arriving in "
     "Nanning on the 29th'", ["Zhou Enlai"], ["Mao Zedong", "Liu Shaoqi", "CCP Central Committee"],
     [], []),
    ("Telegram, Zhou Enlai to Mao Zedong and Others, Regarding the Session", ["Zhou Enlai"],
     ["Mao Zedong"], [], []),
    ("Telegram, Zhou Enlai to Mao Zedong, Liu Shaoqi, and convey to Ho Chi Minh (excerpt)",
     ["Zhou Enlai"], ["Mao Zedong", "Liu Shaoqi"], [], []),
    # a note on the author's conversations names whom they were with
    ("Note on Two Conversations with the First Secretary of the Chinese Embassy, Comrade Wang "
     "Pin, on 3 March 1963, in Our Embassy", [], [], [], ["Wang Pin"]),
    ("Memorandum on a Conversation with Pak Chang-ok and Choe Chang-ik in Pyongyang", [], [], [],
     ["Pak Chang-ok", "Choe Chang-ik"]),
    ("Note on the Situation in the Korean Workers' Party", [], [], [], []),
    # a type the table does not know, named by its number, is no sender
    ("Incoming Cable No. 3381, Tsarapkin to Gromyko", ["Tsarapkin"], ["Gromyko"], [], []),
    # a classification before the type keeps the conversation a conversation
    ("From the Journal of Gromyko: Top Secret Memorandum of Conversation between Gromyko and "
     "Ambassador Liu Xiao", [], [], [], ["Gromyko", "Liu Xiao"]),
])
def test_title_failure_classes(title, senders, recipients, via, participants):
    parsed = parse_title(title)
    assert parties(parsed.senders) == senders
    assert parties(parsed.recipients) == recipients
    assert parties(parsed.intermediaries) == via
    assert parties(parsed.participants) == participants


def test_embedded_message_and_posts_are_kept_apart():
    parsed = parse_title("Telegram from Shtykov to Vyshinsky transmitting a Message from Kim "
                         "Il Sung to Stalin")
    assert parties(parsed.embedded_senders) == ["Kim Il Sung"]
    assert parties(parsed.embedded_recipients) == ["Stalin"]
    post = parse_title("Telegram from Molotov to Soviet Ambassador in Beijing")
    assert post.recipients == () and "is a post, not a person" in post.set_aside[0]


@pytest.mark.parametrize(("text", "cleaned"), [
    ("General Staff", "General Staff"),
    ("Cdes. Vasilevsky", "Vasilevsky"),
    ("Fedorenko in Pyongyang", "Fedorenko"),
    ("DPRK leader Kim Il Sung", "Kim Il Sung"),
    ("South Korean Communist Leader Pak Heon-yeong", "Pak Heon-yeong"),
])
def test_clean_name_failure_classes(text, cleaned):
    assert clean_name(text) == cleaned


def test_a_stray_line_before_a_date_and_an_unrouted_title():
    doc = parse_text("A directive of the CC about a conversation, sent to the ambassador.\n"
                     "October 15, 1956\n"
                     "Central Committee Report on 8 October Conversation between Ambassador "
                     "Ivanov and Kim Il Sung\n"
                     "TO THE CPSU CENTRAL COMMITTEE\n"
                     "The ambassador reported a conversation.\n", path="stray.txt")
    assert (doc.layout, doc.date) == ("mirror", "1956-10-15")
    assert doc.title.startswith("Central Committee Report on 8 October")
    assert doc.warnings and doc.warnings[0].startswith("ignored 1 line(s)")


def test_citation_first_page_without_a_header():
    doc = parse_text("June 21, 1954\n\n\n    Zhou reports on a session.\n"
                     '    "Telegram, Zhou Enlai to Mao Zedong, Regarding the Session," June 21, '
                     "1954, History and Public Policy Program Digital Archive, PRC FMA 206-Y0050. "
                     "Translated by Helen Marsh.\n(Top Secret)\n\nChairman Mao:\n\nText.\n",
                     path="citation-first.txt")
    assert doc.layout == "archive-search"
    assert (doc.title, doc.summary, doc.translator) == (
        "Telegram, Zhou Enlai to Mao Zedong, Regarding the Session", "Zhou reports on a session.",
        "Helen Marsh")
    assert doc.body[0].text == "(Top Secret)"
