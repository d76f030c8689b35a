"""Entity linking: mentions of registry entities by any of their names, ambiguous names
left unresolved unless the document says who is meant, unknown persons kept for review."""

from __future__ import annotations

import pytest

from conftest import CORPUS, Built
from kg.config import Config
from kg.ingest.document import parse_text
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.store.query import select

REGISTRY = """\
persons:
  joseph-stalin:
    label: Joseph Stalin
    aliases: [Stalin]
    codenames: [Filippov, Kuznetsov]
  fyodor-kuznetsov:
    label: Fyodor Kuznetsov
    aliases: [Kuznetsov]
    description: Head of Soviet military intelligence (GRU)
  mao-zedong:
    label: Mao Zedong
places:
  beijing:
    label: Beijing
    type: Settlement
    aliases: [Beiping]
"""


def page(title: str, body: str) -> str:
    return (f"Skip to content\n\nMay 17, 1949\n\n{title}\n\n\n{body}\n\n\n"
            "A telegram on the journey.\n\nDocument Information\n")


def linker_of(tmp_path_factory: pytest.TempPathFactory, registry: str) -> Linker:
    """A linker over a registry of the given text."""
    root = tmp_path_factory.mktemp("registry")
    (root / "registry.yaml").write_text(registry)
    config = Config.load({}, env={})
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    return Linker(Registry.load(root, ontology))


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    return linker_of(tmp_path_factory, REGISTRY)


def linked(linker: Linker, text: str) -> list[tuple[str, str]]:
    doc = parse_text(text, doc_id="t", path="t.txt")
    out = []
    for m in linker.mentions(doc):
        what = m.entity.id if m.entity else ("?" if m.ambiguous else f"new:{m.provisional}")
        out.append((m.text, what))
    return out


def test_names_codenames_and_spellings_link_to_the_entity(linker: Linker) -> None:
    text = page("Telegram from Mao Zedong to Filippov [Stalin]",
                "Comrade Filippov!\n\nWe arrived in Beiping and met Stalin.\n\nMao Zedong")
    got = linked(linker, text)
    assert ("Filippov", "joseph-stalin") in got
    assert ("Beiping", "beijing") in got
    assert ("Stalin", "joseph-stalin") in got
    assert got.count(("Mao Zedong", "mao-zedong")) == 2  # title and signature


def test_ambiguous_name_stays_ambiguous(linker: Linker) -> None:
    text = page("Telegram from Mao Zedong to Joseph Stalin",
                "Kuznetsov arrived yesterday and reported on the situation.\n\nMao Zedong")
    assert ("Kuznetsov", "?") in linked(linker, text)


def test_ambiguous_name_resolved_when_the_document_says_who(linker: Linker) -> None:
    text = page("Telegram from Kuznetsov [Stalin] to Mao Zedong",
                "Kuznetsov agrees with your proposal.\n\nKuznetsov")
    got = linked(linker, text)
    assert ("Kuznetsov", "joseph-stalin") in got
    assert ("Kuznetsov", "?") not in got
    assert ("Kuznetsov", "fyodor-kuznetsov") not in got


def test_unknown_person_after_an_honorific_is_kept_for_review(linker: Linker) -> None:
    text = page("Telegram from Mao Zedong to Joseph Stalin",
                "Comrade Zhang Wentian will travel with Mao Zedong.\n\nMao Zedong")
    got = linked(linker, text)
    assert ("Zhang Wentian", "new:Zhang Wentian") in got
    assert not any(what.startswith("new:") and name != "Zhang Wentian" for name, what in got)


def test_seed_documents_link_without_guesses(linker: Linker, built: Built) -> None:
    # Over the real registry and corpus nothing is ambiguous or unknown.
    assert built.report.review == []
    table = select(built.config.store_path, """
        SELECT ?name ?who WHERE {
          ?a a kg:Mention ; oa:hasBody ?e ; oa:hasTarget/oa:hasSelector/oa:exact ?name .
          ?e rdfs:label ?who } """, base=built.config.base_iri)
    pairs = {tuple(row) for row in table.rows}
    assert ("Strakhov", "Li Lisan") in pairs
    assert ("Filippov", "Joseph Stalin") in pairs
    assert ("Jiang Jieshi", "Chiang Kai-shek") in pairs
    assert ("Suizhou", "Xuzhou") in pairs


def test_mention_offsets_point_at_the_name(built: Built) -> None:
    source = (CORPUS / "1949-05-17-kovalev-to-filippov.txt").read_text(encoding="utf-8")
    table = select(built.config.store_path, """
        SELECT ?name ?start ?end WHERE {
          ?a a kg:Mention ; oa:hasTarget ?t .
          ?t oa:hasSource document:1949-05-17-kovalev-to-filippov ;
             oa:hasSelector/oa:exact ?name ; oa:hasSelector/oa:start ?start ;
             oa:hasSelector/oa:end ?end } """, base=built.config.base_iri)
    assert len(table.rows) > 100
    for name, start, end in table.rows:
        assert source[int(start):int(end)] == name



def test_names_in_capitals_link_and_posts_are_not_persons(linker: Linker) -> None:
    text = page("Ciphered Telegram from Filippov [Stalin] to Kovalev",
                "Visit Cde. MAO ZEDONG and tell him that the General Staff agrees. "
                "The General Assembly met; the Minister Counselor came. Pass it to "
                "cde. Liu Yaolou and to Cde. CHEN GENG, and to General Mark W. Clark.\n\n"
                "J. STALIN")
    found = linked(linker, text)
    assert ("MAO ZEDONG", "mao-zedong") in found
    assert ("STALIN", "joseph-stalin") in found
    people = [what for _, what in found if what.startswith("new:")]
    assert people == ["new:Liu Yaolou", "new:Chen Geng", "new:Mark W. Clark"]


SCOPED_REGISTRY = """\
persons:
  mao-zedong:
    label: Mao Zedong
    country: china
  ivan-kovalev:
    label: Ivan Kovalev
    aliases: [Kovalev]
    country: soviet-union
  kim-il-sung:
    label: Kim Il Sung
  kim-il:
    label: Kim Il
organizations:
  ccp-cc:
    label: Central Committee of the Chinese Communist Party
    aliases: [CCP CC]
    country: china
    short_names: [CC]
  cpsu-cc:
    label: Central Committee of the Communist Party of the Soviet Union
    aliases: [CPSU CC, VKP(b) CC]
    country: soviet-union
    short_names: [CC]
  wpk-cc:
    label: Central Committee of the Workers' Party of Korea
    aliases: [WPK CC]
    country: north-korea
    short_names: [CC]
places:
  china:
    label: China
    type: Country
  soviet-union:
    label: Soviet Union
    type: Country
  north-korea:
    label: North Korea
    type: Country
"""


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    return linker_of(tmp_path_factory, SCOPED_REGISTRY)


def cc(linker: Linker, title: str, body: str) -> list[str]:
    return [what for text, what in linked(linker, page(title, body)) if text == "CC"]


def test_cc_means_the_party_of_the_document(scoped: Linker) -> None:
    # A Chinese sender and no other state's bodies named: the CCP's CC.
    assert cc(scoped, "Telegram from Mao Zedong to Kovalev",
              "The CC has decided to send a delegation.") == ["ccp-cc"]
    # A Soviet envoy writing about the Chinese party: the bodies it names say which CC.
    assert cc(scoped, "Cable from Kovalev to Mao Zedong",
              "The CCP CC met on Monday. The CC then sent its reply.") == ["ccp-cc"]
    # The Korean party named in full, twice as often as any other: the WPK's.
    assert cc(scoped, "Journal of the Soviet Ambassador",
              "The WPK CC met. The WPK CC plenum and the CC resolution.") == ["wpk-cc"]


def test_cc_stays_unresolved_when_the_page_does_not_say(scoped: Linker) -> None:
    # No sender of a known state, no body named in full: never defaulted to one party.
    assert cc(scoped, "Note on the Plenum", "The CC has decided.") == ["?"]
    # Two states' bodies named as often: no choice.
    assert cc(scoped, "Cable from Kovalev to Mao Zedong",
              "The CPSU CC and the CCP CC agreed; the CC will write.") == ["?"]


def test_a_name_broken_over_a_line_is_found_whole(scoped: Linker) -> None:
    got = linked(scoped, page("Telegram to North Korea on the Signing",
                              "Concerning the participation of Cde Kim Il\n\nSung in the "
                              "signing of the armistice."))
    assert ("Kim Il\n\nSung", "kim-il-sung") in got
    assert not any(what == "kim-il" for _, what in got)


def test_a_second_honorific_is_no_part_of_the_name(linker: Linker) -> None:
    got = linked(linker, page("Report on the Talks",
                              "Ambassador Comrade Ivanov asked for a meeting."))
    assert ("Ivanov", "new:Ivanov") in got


def test_a_surname_alone_is_the_fuller_name_the_same_document_gives(linker: Linker) -> None:
    doc = parse_text(page("Memorandum of Conversation between Kim Sung-hwa and Ambassador Ivanov",
                          "Ambassador of the USSR, Cde. V. I. Ivanov.\n\n"
                          "Comrade Ivanov then asked about the harvest."),
                     doc_id="t", path="t.txt")
    people = linker.people(doc)
    assert people["Ivanov"] == "V. I. Ivanov"
    assert people["Kim Sung-hwa"] == "Kim Sung-hwa"


def test_a_surname_two_fuller_names_share_stays_apart(linker: Linker) -> None:
    doc = parse_text(page("Note on the Meeting",
                          "Present were Cde. P. Orlov and Cde. N. Orlov.\n\n"
                          "Comrade Orlov spoke first."), doc_id="t2", path="t2.txt")
    assert linker.people(doc).get("Orlov", "Orlov") == "Orlov"


def test_provisional_persons_merge_across_documents_by_full_name_only(linker: Linker) -> None:
    from kg.mapping.metadata import Review, person_iri
    from kg.mapping.provenance import FactWriter

    iris = Iris(Config.load({}, env={}).base_iri)

    def iri(doc: str, name: str) -> str:
        writer = FactWriter(iris, doc, "text", set())
        return str(person_iri(name, writer, linker.registry, Review()))

    assert iri("a", "Kim Sung-hwa") == iri("b", "Kim Sung-hwa")
    assert iri("a", "Ivanov") != iri("b", "Ivanov")  # a surname alone: two people maybe
    assert iri("a", "V. I. Ivanov") != iri("b", "V. I. Ivanov")
    assert iri("a", "Stalin").endswith("/joseph-stalin")  # the registry's person


def test_straight_and_typographic_apostrophes_are_one(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    linker = linker_of(tmp_path_factory, "organizations:\n  wpk:\n    label: Workers' Party "
                       "of Korea\n  kpa:\n    label: Korean People’s Army\n")
    got = linked(linker, page("Note on the Army", "The Workers’ Party of Korea and the "
                              "Workers' Party of Korea; the Korean People's Army."))
    assert [what for _, what in got] == ["wpk", "wpk", "kpa"]


MINISTRIES = """\
organizations:
  ussr-mfa:
    label: Ministry of Foreign Affairs of the USSR
    type: Government
    aliases: [USSR Ministry of Foreign Affairs]
  prc-trade:
    label: Ministry of Foreign Trade of the People's Republic of China
    type: Government
    aliases: [PRC Ministry of Foreign Trade]
  prc-government:
    label: Central People's Government of the People's Republic of China
    type: Government
    aliases: [Government of the PRC]
  northeast-government:
    label: Northeast People's Government
    type: Government
    aliases: [东北人民政府]
"""


def test_a_post_names_its_ministry_and_prose_names_bodies_in_lower_case(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    linker = linker_of(tmp_path_factory, MINISTRIES)
    got = linked(linker, page(
        "Telegram from Shtykov to the USSR First Deputy Minister of Foreign Affairs",
        "The PRC Foreign Trade Vice Minister and the USSR Minister of Culture arrived. "
        "The measures planned by the government of the PRC were approved.\n\n"
        "[1] 高岗，时任东北人民政府主席。"))
    assert got == [
        ("USSR First Deputy Minister of Foreign Affairs", "ussr-mfa"),
        ("PRC Foreign Trade Vice Minister", "prc-trade"),  # no Ministry of Culture known
        ("government of the PRC", "prc-government"),
        ("东北人民政府", "northeast-government"),  # no spaces between Chinese words
    ]


def test_names_inside_editors_brackets_and_hyphenated_names(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    linker = linker_of(tmp_path_factory, REGISTRY + """  xian:
    label: Xi'an
    type: Settlement
    aliases: [Xian]
""")
    got = linked(linker, page(
        "Telegram from Mao Zedong to Stalin",
        "[Soviet Leader Joseph V.] Stalin met PRC Counsellor He Bao-Xian in Xian and along "
        "the LANZHOU-XIAN line."))
    # The bracket completes the name after it: no provisional "V. Joseph"; a syllable of a
    # hyphenated given name is no place, a place joined to another by a hyphen is.
    assert not [text for text, what in got if what.startswith("new:")]
    assert [text for text, what in got if what == "xian"] == ["Xian", "XIAN"]


def test_a_name_the_editors_complete_with_initials_is_a_person(linker: Linker) -> None:
    got = linked(linker, page("Cable from Mao Zedong to Stalin",
                              "Invite [W. Averell] Harriman to dinner and tell [J.] Stalin. "
                              "[We] agree with [Li] Fuchun."))
    assert ("[W. Averell] Harriman", "new:W. Averell Harriman") in got
    assert not [text for text, what in got if what.startswith("new:") and "Harriman" not in text]


def test_names_after_honorifics_in_every_latin_alphabet(linker: Linker) -> None:
    got = linked(linker, page(
        "Report, Embassy of Hungary to the Foreign Ministry",
        "I paid a visit to Comrade German Ambassador Richard Fischer and Comrade Kovács.\n\n"
        "By order of the Minister\nIrén Rózsa\nDeputy Under-Secretary\n\n"
        "Ambassador\n\nReport on the visit."))
    provisional = [what for _, what in got if what.startswith("new:")]
    # The post inside the honorific's reach is no part of the name; accents are letters;
    # a post closing a signature introduces nothing across a blank line.
    assert provisional == ["new:Richard Fischer", "new:Kovács", "new:Irén Rózsa"]
