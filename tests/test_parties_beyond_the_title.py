"""Parties the title leaves open or does not have: a sender the title names only by his post
and the editors' summary by name; an enclosed telegram's own address, which is not the
page's; a funding credit above a search page's citation block, which is no summary."""

from __future__ import annotations

from kg.ingest.document import parse_text


def search_page(title: str, summary: str, *body: str, funding: bool = False) -> str:
    credit = "This document was made possible with support from a Foundation\n\n" \
        if funding else ""
    return (f"Search in\n\nJuly 6, 1949\n\n{credit}• Citation\n\nget citation\n\n{summary}\n"
            f'"{title}," July 06, 1949, History and Public Policy Program Digital Archive.\n'
            "• share document\n\n" + "\n\n".join(body) + "\n")


def test_a_sender_named_by_post_in_the_title_is_the_one_the_summary_says_sends_it() -> None:
    title = "Report from the Head of the Delegation of the Chinese Communist Party CC to Stalin"
    doc = parse_text(search_page(title, "Liu Shaoqi sends a list of questions to Stalin.",
                                 "to Cde. I. V. STALIN", "We ask for your instructions."))
    assert [s.name for s in doc.senders] == ["Liu Shaoqi"]
    # A summary that only mentions someone, or names a body, gives no sender.
    for summary in ("The delegation asks Liu Shaoqi to return.",
                    "Liu Shaoqi and the delegation discuss the loan.",
                    "Central Committee sends its questions."):
        assert parse_text(search_page(title, summary, "We ask.")).senders == ()
    # A title that names its sender keeps him, whatever the summary says.
    doc = parse_text(search_page("Telegram from Mao Zedong to Stalin",
                                 "Liu Shaoqi sends a list of questions.", "We ask."))
    assert [s.name for s in doc.senders] == ["Mao Zedong"]


def test_a_funding_credit_above_the_citation_is_not_the_summary() -> None:
    doc = parse_text(search_page("Telegram from Mao Zedong to Stalin",
                                 "Mao asks for advisers.", "We ask.", funding=True))
    assert doc.summary == "Mao asks for advisers."
    assert doc.funding == "This document was made possible with support from a Foundation"


def test_an_enclosed_telegrams_address_is_not_the_pages() -> None:
    doc = parse_text("Skip to content\n\nFebruary 12, 1950\n\nTelegram, Mao Zedong to Liu "
                     "Shaoqi\n\n\nComrade [Liu] Shaoqi:\n\nHere is an internal party telegram "
                     "I have just drafted. Please dispatch it quickly.\n\nMao Zedong\n\n"
                     "To All Central Committee Bureaus, Sub-Bureaus, and Front-Line "
                     "Committees:\n\nA new treaty will be signed in days.\n\n\nA summary.\n\n"
                     "Document Information\n")
    assert [r.name for r in doc.recipients] == ["Liu Shaoqi"]
    # Before the message begins, a second address line still adds its addressee.
    doc = parse_text("Skip to content\n\nFebruary 12, 1950\n\nTelegram from Mao Zedong\n\n\n"
                     "To Cde. Liu Shaoqi\n\nTo Cde. Zhou Enlai\n\nHere is an internal party "
                     "telegram I have just drafted for the two of you.\n\n\nA summary.\n\n"
                     "Document Information\n")
    assert [r.name for r in doc.recipients] == ["Liu Shaoqi", "Zhou Enlai"]


def test_a_post_with_its_country_before_a_name_is_that_person() -> None:
    from kg.ingest.titles import parse_title
    title = parse_title("Memorandum of Conversation between Soviet Ambassador to North Korea "
                        "Vasily Moskovsky and Kim Il Sung")
    assert [p.name for p in title.participants] == ["Vasily Moskovsky", "Kim Il Sung"]
    # A post alone stays no party.
    assert parse_title("Report from the Ambassador to North Korea to Stalin").senders == ()


def test_an_envoys_memorandum_told_in_the_first_person_is_kept_by_him() -> None:
    def record(*body: str) -> str:
        return ("Skip to content\n\nNovember 14, 1962\n\nMemorandum of Conversation between "
                "Soviet Ambassador to North Korea Vasily Moskovsky and Kim Il Sung\n\n\n"
                + "\n\n".join(body) + "\n\n\nA summary.\n\nDocument Information\n")
    doc = parse_text(record("14 November 1962", "[I] Visited comrade Kim Il Sung.",
                            "Kim Il Sung spoke of the harvest."))
    assert [k.name for k in doc.keepers] == ["Vasily Moskovsky"]
    # Told in the third person: the record does not say who kept it.
    assert parse_text(record("Kim Il Sung spoke of the harvest at length.")).keepers == ()


def test_a_journal_entry_in_quotation_marks_and_a_members_post() -> None:
    from kg.ingest.titles import parse_title
    title = parse_title("From the Journal of I.S. Shcherbakov, 'Record of a Conversation with "
                        "Nguyen Duy Trinh, VWP CC Politburo member and Secretary, and DRV "
                        "Minister of Foreign Affairs, 17 April 1969'")
    assert [k.name for k in title.keepers] == ["I.S. Shcherbakov"]
    assert [p.name for p in title.participants] == ["I.S. Shcherbakov", "Nguyen Duy Trinh"]
    assert title.date == "1969-04-17"


def test_an_address_to_a_post_with_the_rank_and_name_under_it() -> None:
    doc = parse_text("Skip to content\n\nJanuary 11, 1946\n\nUntitled memorandum on the "
                     "situation in Korea\n\n\nSecret\n\nTO MEMBER OF THE MILITARY COUNCIL OF THE "
                     "MARITIME MILITARY DISTRICT\n\nGENERAL-COLONEL Cde. SHTYKOV\n\nI submit the "
                     "memorandum of Lt. Col. Fedorov about the situation in North Korea.\n\n\n"
                     "A summary.\n\nDocument Information\n")
    assert [r.name for r in doc.recipients] == ["Shtykov"]


def test_a_described_type_and_a_post_in_a_body_before_a_name() -> None:
    from kg.ingest.titles import parse_title
    title = parse_title("Hand-delivered letter, Filippov (Stalin) to Mao Zedong")
    assert title.doc_type == "Letter" and [s.name for s in title.senders] == ["Filippov"]
    title = parse_title("Memorandum of Conversation Between Chinese Vice Foreign Minister Zeng "
                        "Yongquan and Charge d’Affaires of the Embassy of the Soviet Union in "
                        "China S. Antonov")
    assert [p.name for p in title.participants] == ["Zeng Yongquan", "S. Antonov"]
    # A body alone stays a body.
    assert parse_title("Report from the Embassy of the Soviet Union in China to Moscow"
                       ).senders[0].kind == "organization"


def test_a_post_in_a_country_before_the_keepers_name() -> None:
    doc = parse_text("Skip to content\n\nOctober 5, 1945\n\nRecord of Conversation between "
                     "Soviet Ambassador in China Apollon Petrov and Zhou Enlai and Wang Ruofei"
                     "\n\n\nOn October 5 of this year I was visited by cde. Zhou Enlai and Wang "
                     "Ruofei.\n\n\nA summary.\n\nDocument Information\n")
    assert [p.name for p in doc.participants] == ["Apollon Petrov", "Zhou Enlai", "Wang Ruofei"]
    assert [k.name for k in doc.keepers] == ["Apollon Petrov"]
    # A person's whereabouts after his name is no part of it.
    from kg.ingest.names import without_place
    assert without_place("Fedorenko in Pyongyang") == "Fedorenko"


def test_an_address_to_an_adviser_by_post_names_no_recipient() -> None:
    doc = parse_text("Skip to content\n\nDecember 27, 1952\n\nTelegram from Stalin to Mao "
                     "Zedong\n\n\nBEIJING\n\nTo the Main Military Adviser\n\nfor Comrade MAO "
                     "ZEDONG\n\nComrade Mao Zedong!\n\nWe have received your telegram of 17 "
                     "December.\n\n\nA summary.\n\nDocument Information\n")
    assert [r.name for r in doc.recipients] == ["Mao Zedong"]
