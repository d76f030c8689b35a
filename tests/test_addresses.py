"""Correspondents from the whole page: the address lines, salutations and instructions at
the top of a body complete what the title says; lists of those present complete a
conversation's participants. The title's reading is kept; the body never overrules it with
a guess."""

from __future__ import annotations

from kg.ingest.addresses import read_addressing, same_party
from kg.ingest.document import Correspondent, parse_text


def page(title: str, *paragraphs: str) -> str:
    body = "\n\n".join(paragraphs)
    return (f"Skip to content\n\nMarch 3, 1951\n\n{title}\n\n\n{body}\n\n\n"
            "A summary of the message.\n\nDocument Information\n")


def names(parties) -> list[str]:
    return [p.identified_as or p.name for p in parties]


def test_a_message_to_pass_on_is_for_the_person_named_the_addressee_carries_it() -> None:
    doc = parse_text(page("Ciphered Telegram No. 77, Filippov to Roshchin",
                          "Visit Cde. MAO ZEDONG and pass him the following answer.",
                          "We agree to send the advisers in April.", "FILIPPOV"))
    assert names(doc.recipients) == ["Mao Zedong"]
    assert names(doc.intermediaries) == ["Roshchin"]


def test_the_address_line_spelling_wins_over_a_misspelt_title() -> None:
    # The title misspells the cover name; the address line has it right, and names the
    # carrier of a message for someone else.
    doc = parse_text(page("Ciphered Telegram No. 12, Stalin to Terbein",
                          "To Terebin", "Convey to Mao Zedong the following:",
                          "We thank you for the report."))
    assert names(doc.recipients) == ["Mao Zedong"]
    assert names(doc.intermediaries) == ["Terebin"]


def test_address_lines_give_the_recipients_a_title_does_not() -> None:
    doc = parse_text(page("Draft Telegram Concerning the Fishing Agreement",
                          "to Cdes. Bulganin and Korobov",
                          "Approve the attached draft of the telegram."))
    assert names(doc.recipients) == ["Bulganin", "Korobov"]
    doc = parse_text(page("Report on the Conversation with the Minister",
                          "TO THE CPSU CENTRAL COMMITTEE", "The ambassador reported ..."))
    assert names(doc.recipients) == ["CPSU Central Committee"]
    assert doc.recipients[0].kind == "organization"


def test_a_salutation_adds_the_co_addressees_of_a_named_recipient() -> None:
    doc = parse_text(page("Telegram, Zhou Enlai to Mao Zedong and Others",
                          "Chairman Mao [Zedong], Comrade [Liu] Shaoqi and the Central Committee:",
                          "The delegations met on the evening of the 18th."))
    assert names(doc.recipients) == ["Mao Zedong", "Liu Shaoqi", "Central Committee"]


def test_an_address_line_that_shares_nobody_with_the_title_is_left_out() -> None:
    doc = parse_text(page("Telegram from Kim Il Sung to Stalin",
                          "To Ministry of Foreign Affairs of the USSR",
                          "The harvest is expected to be good."))
    assert names(doc.recipients) == ["Stalin"] and doc.intermediaries == ()


def test_the_addressee_of_a_relaying_cover_note_is_the_next_link() -> None:
    # The envoy relays a letter to the ministry; the title says it is for Stalin.
    doc = parse_text(page("Telegram from Kim Il Sung to Stalin (via Shtykov)",
                          "To Ministry of Foreign Affairs of the USSR",
                          "I relay the text of a letter addressed to Comrade Stalin."))
    assert names(doc.recipients) == ["Stalin"]
    assert names(doc.intermediaries) == ["Shtykov", "Ministry of Foreign Affairs of the USSR"]
    # The person named under the address line is the one it is for.
    doc = parse_text(page("Telegram from Kim Il Sung to Stalin (via Shtykov)",
                          "Received 30.9.50 at 23:32", "Deciphered by Ivanova", "Extremely Urgent",
                          "MOSCOW", "To Ministry of Foreign Affairs of the USSR", "Comrade GROMYKO",
                          "I herewith relay the text of a letter addressed to Comrade Stalin."))
    assert names(doc.intermediaries) == ["Shtykov", "Gromyko"]
    # A cover name of the recipient is the recipient, not a link.
    doc = parse_text(page("Telegram from Kim Il Sung to Stalin (via Shtykov)", "To Filippov",
                          "I relay the text of a letter addressed to you."))
    assert names(doc.intermediaries) == ["Shtykov"]


def test_lists_of_those_present_join_a_conversations_participants() -> None:
    doc = parse_text(page("Record of a Conversation between Stalin and Zhou Enlai",
                          "from our side: Cdes. Molotov, Malenkov and Vyshinsky",
                          "from the Chinese side: Chen Yun and Li Fuchun.",
                          "Interpreters: Shi Zhe and Fedorenko.",
                          "Stalin. How is the harvest?"))
    assert names(doc.participants) == ["Stalin", "Zhou Enlai", "Molotov", "Malenkov",
                                       "Vyshinsky", "Chen Yun", "Li Fuchun", "Shi Zhe",
                                       "Fedorenko"]


def test_an_editors_note_on_a_name_and_prose_are_no_addressees() -> None:
    found = read_addressing(["[Handwritten notations:", "to [[illegible name] and",
                             "To our great regret the shipment is late, and the comrades "
                             "from the ministry ask that the question be put again to the "
                             "government in the coming weeks, which we support fully."])
    assert found.addressees == () and found.forward_to == ()


def test_names_sharing_a_word_are_not_one_party() -> None:
    # "Mun [Mun Il]" among the interpreters is neither Kim Il Sung nor Ri Il.
    doc = parse_text(page("Record of a Conversation between Stalin and Kim Il Sung",
                          "Interpreters: Mun [Mun Il] and Fedorenko.",
                          "Stalin asked about the harvest."))
    assert [(p.name, p.aliases) for p in doc.participants] == [
        ("Stalin", ()), ("Kim Il Sung", ()), ("Mun", ("Mun Il",)), ("Fedorenko", ())]
    assert same_party(Correspondent("Pak Heon-yeong"), Correspondent("Pak Hon Yong"))
    assert not same_party(Correspondent("Pak Hon-yong"), Correspondent("Pak Jeong-jo"))


def test_a_city_in_an_address_line_is_no_party() -> None:
    doc = parse_text(page("Outgoing Cable No. 18250, Gromyko to Malik", "to NEW YORK",
                          "to MALIK", "Telegraph about the results."))
    assert names(doc.recipients) == ["Malik"] and names(doc.senders) == ["Gromyko"]


def test_an_address_in_the_editors_brackets_names_the_recipient() -> None:
    doc = parse_text(page("Cable from the Chinese Foreign Ministry, 'On the Next Meeting'",
                          "[To] Ambassador Huang Hua:", "We agree with your report."))
    assert names(doc.recipients) == ["Huang Hua"]
