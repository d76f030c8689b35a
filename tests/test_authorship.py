"""Who wrote a page, read from its body: signatures, the keeper a journal or record names in
its heading, and the people a journal's keeper met."""

from __future__ import annotations

import pytest

from kg.ingest.authorship import keeper_met, read_signature, record_keeper
from kg.ingest.document import parse_text


@pytest.mark.parametrize(("paragraphs", "name", "date"), [
    # The closing line of the last paragraph, as before.
    (["Text.", "No. 311 Roshchin, 13/5-50"], "Roshchin", "1950-05-13"),
    (["Text.", "S H T Y K O V"], "Shtykov", None),
    # A surname in capitals with its date, above the archive's notes.
    (["Text.", "GROMYKO 3 March 1953", "[stamp: received 4 March]", "Copy 2"],
     "Gromyko", "1953-03-03"),
    # A name in parentheses under the signer's post, above the date and file number.
    (["Text.", "Head of the Far Eastern Department", "(A. Lavrentiev)", "“2” June 1950",
      "No. 14-C-331"], "A. Lavrentiev", None),
    (["Text.", "[signature] (N. FEDORENKO)", "Three copies printed"], "N. Fedorenko", None),
])
def test_signatures(paragraphs, name, date):
    signature = read_signature(paragraphs, "1950")
    assert (signature.name, signature.date) == (name, date)


@pytest.mark.parametrize(("paragraphs", "name"), [
    # The signer's name over their post, one paragraph or two.
    (["Text.", "Gábor Kovács\nAmbassador"], "Gábor Kovács"),
    (["Text.", "By order of the Minister", "Éva Horváth", "Deputy Assistant Under-Secretary",
      "A summary of the report by the editors."], "Éva Horváth"),
])
def test_a_name_over_a_post_signs(paragraphs, name):
    signature = read_signature(paragraphs, "1955")
    assert signature.name == name and signature.marked


@pytest.mark.parametrize("paragraphs", [
    ["Text.", "CC SECRETARY"],  # a post signs, not a person
    ["Text.", "NORTH KOREA\nTO THE SOVIET AMBASSADOR"],  # an address, not a signature
    ["Text.", "Deputy Assistant Under-Secretary"],
    ["Text.", "Top Secret"],
    ["Text.", "Zab"],
    ["Text.", "The ministry agrees with the plan in full and asks to be told of the date."],
])
def test_what_is_no_signature(paragraphs):
    assert read_signature(paragraphs, "1950") is None


@pytest.mark.parametrize(("heading", "keeper"), [
    ("From the Journal of N. T. Fedorenko, 4 May 1951, Secret", "N. T. Fedorenko"),
    ("The Journal of Soviet Ambassador to the PRC V. V. KUZNETSOV", "V. V. Kuznetsov"),
    ("Ambassador of the USSR in the PRC, Cde. Yudin P.F.", "Yudin P.F."),
])
def test_the_keeper_named_in_a_heading(heading, keeper):
    assert record_keeper(["Embassy of the USSR Top Secret", "No. 12 Copy No. 1", heading,
                          "For the period from 2 to 9 May."]).name == keeper


def test_a_classification_between_the_heading_and_the_keeper_is_no_keeper():
    # The page's layout put the stamp on the heading's line and the name on the next.
    assert record_keeper(["From the diary of Top Secret", "P. F. Yudin 3 April 1956",
                          "No. 41", "Record of Conversation"]).name == "P. F. Yudin"


def test_the_keeper_met_only_whom_he_names_before_the_next_clause():
    met = keeper_met(["I visited Pak Chang-ok and acquainted him with the minutes of the talks "
                      "between Cde. A. I. Mikoyan and U Nu for two hours."])
    assert [c.name for c in met] == ["Pak Chang-ok"]


def test_a_sentence_is_no_heading():
    assert record_keeper(["The ambassador of the USSR in the PRC, Cde. Yudin, said that he "
                          "would visit the ministry on Monday and see the minister."]) is None


def test_whom_the_keeper_met():
    met = keeper_met([
        "I visited Cde. Pak Chang-ok. I told him about the delegation.",
        "In the evening Choe Yong-geon invited me to dinner.",
        "I received the counsellor of the embassy, Cde. Ri Sang-jo, at his request.",
        "Kim Il Sung said that the harvest was good.",  # said, not met
    ])
    assert [m.name for m in met] == ["Pak Chang-ok", "Choe Yong-geon", "Ri Sang-jo"]


PAGE = """Skip to content

{date}

{title}

USSR EMBASSY IN THE DPRK TOP SECRET

{heading}

{body}

{closing}
"""


def page(title: str, body: str, heading: str = "Pyongyang", closing: str = "",
         date: str = "May 3, 1958") -> str:
    return PAGE.format(date=date, title=title, heading=heading, body=body, closing=closing)


def test_a_journal_of_meetings_records_conversations_its_keeper_wrote():
    doc = parse_text(page(
        "Journal of Soviet Ambassador in the DPRK A.M. Puzanov for 3 May 1958",
        "3 May 1958\n\nI visited Nam Il at the ministry. He asked about the delegation.\n\n"
        "Kim Chang-man invited me to the theatre."))
    assert [k.name for k in doc.keepers] == ["A.M. Puzanov"]
    assert [p.name for p in doc.participants] == ["A.M. Puzanov", "Nam Il", "Kim Chang-man"]
    assert doc.senders == ()


def test_a_journal_that_names_no_meeting_stays_a_message_from_its_keeper():
    doc = parse_text(page(
        "Journal of Soviet Ambassador in the DPRK A.M. Puzanov for 3 May 1958",
        "The harvest in South Hamgyong is expected to be poor this year."))
    assert [s.name for s in doc.senders] == ["A.M. Puzanov"] and doc.participants == ()


def test_the_keeper_of_a_memorandum_of_conversation_is_read_from_its_heading():
    doc = parse_text(page(
        "Memorandum of Conversation between Nam Il and Ambassador Puzanov",
        "Nam Il came at my invitation.", heading="Ambassador of the USSR in the DPRK, "
        "Cde. Puzanov A.M."))
    assert [k.name for k in doc.keepers] == ["Puzanov A.M."] and doc.senders == ()


def test_a_report_without_a_sender_in_its_title_is_from_its_signer():
    doc = parse_text(page(
        "Report on the Talks with the Korean Delegation",
        "TO THE CPSU CENTRAL COMMITTEE\n\nThe delegation arrived on 2 May.",
        closing="Deputy Head of the Department\n\n(I. Shcherbakov)\n\n“3” May 1958"))
    assert [s.name for s in doc.senders] == ["I. Shcherbakov"]


def test_the_title_sender_is_kept_when_a_signature_also_names_someone():
    doc = parse_text(page("Telegram from Puzanov to Gromyko", "The delegation arrived.",
                          closing="FEDORENKO 3 May 1958"))
    assert [s.name for s in doc.senders] == ["Puzanov"]


def test_an_institution_s_report_is_also_from_its_signer():
    doc = parse_text(page(
        "Report, Embassy of Hungary in North Korea to the Hungarian Foreign Ministry",
        "The ministry here declines every proposal of ours.",
        heading="Pyongyang", closing="Gábor Kovács\nAmbassador"))
    assert [(s.name, s.kind) for s in doc.senders] == [
        ("Embassy of Hungary in North Korea", "organization"), ("Gábor Kovács", "person")]
