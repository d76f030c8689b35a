"""Who was present at an occasion a message reports: read from the text, and in the graph as
a meeting the message concerns, each participant stated with its sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CORPUS, MAPPINGS
from kg.build import build
from kg.config import Config
from kg.ingest.attendance import read_attendance
from kg.store.query import select


def present(paragraphs: list[str]) -> list[tuple[str, list[str], bool]]:
    return [(a.occasion, [p.name for p in a.people], a.author)
            for a in read_attendance(paragraphs)]


def test_lists_of_those_present_at_an_occasion():
    assert present([
        "On May 3 the minister gave a dinner for the delegation. At the dinner from the "
        "Chinese side were Li Kenong, deputy minister Zhang Wentian and Qiao Guanhua. "
        "The counsellor Chai Chengwen also attended the dinner. On our side in attendance "
        "were myself and the first secretary of the embassy Sudarikov.",
        "Present at the talks were Cde. Zhou Enlai, Chen Yun and the interpreter Shi Zhe.",
    ]) == [
        ("dinner", ["Li Kenong", "Zhang Wentian", "Qiao Guanhua"], False),
        ("dinner", ["Chai Chengwen"], False),
        ("dinner", ["Sudarikov"], True),  # the occasion named before; "myself" is the author
        ("talks", ["Zhou Enlai", "Chen Yun", "Shi Zhe"], False),
    ]


def test_who_was_present_at_a_meeting_the_author_had():
    assert present([
        "In accordance with your directive I had a meeting with CHOE YONG-GEON.",
        "NAM IL [Nam Il] was present at the meeting. I read him the text.",
        "PRC Embassy Counsellor Chen Lei and [Soviet Foreign Ministry Collegium Member Ivan "
        "P.] Sudarikov were present.",
        "I met with Cde. Zhou Enlai in the evening and told him about it.",
    ]) == [
        ("meeting", ["Choe Yong-geon"], True),
        ("meeting", ["Nam Il"], False),
        ("meeting", ["Chen Lei", "Ivan P. Sudarikov"], False),
        ("meeting", ["Zhou Enlai"], True),
    ]
    assert present(["On 3 May […] I paid a visit to Comrade Polish Ambassador Jan Nowak […]."]
                   ) == [("meeting", ["Jan Nowak"], True)]


def test_what_does_not_say_who_was_present():
    assert present([
        "Kim Il Sung said that he attended the meeting.",  # a pronoun, not a name
        "The meeting was attended by many comrades.",
        "At the meeting the question of the harvest was discussed.",
        "Kim said that he was present.",  # a clause, not a name
        "The Soviet embassy was present.",  # a body
    ]) == []


def test_a_reported_luncheon_is_a_meeting_the_telegram_concerns(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    maps = tmp_path / "mappings"
    maps.mkdir()
    shutil.copy(MAPPINGS / "registry.yaml", maps)
    shutil.copytree(MAPPINGS / "registry", maps / "registry")
    shutil.copy(CORPUS / "1948-12-30-mao-to-stalin.txt", tmp_path / "corpus")
    (tmp_path / "corpus" / "1950-01-19-shtykov-luncheon.txt").write_text(
        "Skip to content\n\nJanuary 19, 1950\n\nTelegram from Shtykov to Vyshinsky\n\n"
        "On 17 January the minister held a luncheon. At the luncheon from the Korean side "
        "were Kim Il Sung and Pak Heon-yeong. On our side in attendance were myself and the "
        "adviser Ignatiev.\n\nThe luncheon passed in a warm atmosphere.\n", encoding="utf-8")
    config = Config.load({"data_dir": str(tmp_path / "data"),
                          "corpus_dir": str(tmp_path / "corpus"),
                          "mappings_dir": str(maps)}, env={})
    build(config)
    rows = select(config.store_path, """
        SELECT ?who ?quote WHERE {
          ?c kg:concerns ?m . ?m a kg:Meeting ; kg:participant ?p . ?p rdfs:label ?who .
          ?f rdf:subject ?m ; rdf:predicate kg:participant ; rdf:object ?p ;
             kg:claimedBy/rdfs:label ?claimant ;
             kg:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?quote .
          FILTER(STR(?claimant) = "Terentii Shtykov")
        } ORDER BY ?who""", base=config.base_iri)
    people = {row[0]: row[1] for row in rows.rows}
    assert sorted(people) == ["Ignatiev", "Kim Il Sung", "Pak Hon-yong", "Terentii Shtykov"]
    assert people["Terentii Shtykov"].startswith("On our side in attendance were myself")
    assert people["Kim Il Sung"].startswith("At the luncheon from the Korean side")
