"""The registry's Chinese-script names: pages that print Chinese originals (footnotes,
bilingual texts) link their persons, places and organizations through the real registry,
the longest name winning where names nest, and no Chinese name belongs to two entities."""

from __future__ import annotations

import re

import pytest

from kg.config import PROJECT_ROOT, Config
from kg.ingest.document import parse_text
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry

#: A character of Chinese (or Japanese) script.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@pytest.fixture(scope="module")
def registry() -> Registry:
    config = Config.load({}, env={})
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    return Registry.load(PROJECT_ROOT / "mappings", ontology)


@pytest.fixture(scope="module")
def linker(registry: Registry) -> Linker:
    return Linker(registry)


def linked(linker: Linker, body: str) -> list[tuple[str, str]]:
    """(text, entity id) of every resolved mention in a page with the given body."""
    text = (f"Skip to content\n\nJuly 01, 1950\n\nNotes on the translation\n\n\n{body}\n\n\n"
            "Footnotes of the Chinese edition.\n\nDocument Information\n")
    doc = parse_text(text, doc_id="t", path="t.txt")
    return [(m.text, m.entity.id) for m in linker.mentions(doc) if m.entity is not None]


def chinese_names(registry: Registry) -> dict[str, set[str]]:
    """Every registry name written in Chinese script -> the ids of the entities bearing it."""
    owners: dict[str, set[str]] = {}
    for ent in registry.entities.values():
        for name in ent.names:
            if CJK.search(name):
                owners.setdefault(name, set()).add(ent.id)
    return owners


def test_a_footnote_links_person_bureau_and_government(linker: Linker) -> None:
    got = linked(linker, "[1] 高岗，时任中共中央东北局书记、东北人民政府主席，"
                         "一九五零年随周恩来赴莫斯科。")
    assert got == [
        ("高岗", "gao-gang"),
        ("中共中央东北局", "manchuria-party-committee"),
        ("东北人民政府", "northeast-peoples-government"),
        ("周恩来", "zhou-enlai"),
        ("莫斯科", "moscow"),
    ]


def test_leaders_places_and_armies_in_a_chinese_sentence(linker: Linker) -> None:
    got = linked(linker, "金日成在平壤会见了中国人民志愿军司令员彭德怀，"
                         "并请他转告毛泽东和斯大林：朝鲜劳动党中央同意在开城举行停战谈判。")
    assert got == [
        ("金日成", "kim-il-sung"),
        ("平壤", "pyongyang"),
        ("中国人民志愿军", "chinese-peoples-volunteers"),
        ("彭德怀", "peng-dehuai"),
        ("毛泽东", "mao-zedong"),
        ("斯大林", "joseph-stalin"),
        ("朝鲜劳动党中央", "wpk-central-committee"),
        ("开城", "kaesong"),
    ]


def test_the_longest_name_wins_where_names_nest(linker: Linker) -> None:
    got = linked(linker, "东北人民政府驻朝鲜商业代表团设在平壤；中共中央政治局讨论了"
                         "沈阳、抚顺、本溪和大连的工厂，以及旅顺口的苏联海军。")
    assert got == [
        ("东北人民政府驻朝鲜商业代表团", "northeast-government-trade-delegation-korea"),
        ("平壤", "pyongyang"),
        ("中共中央政治局", "ccp-politburo"),
        ("沈阳", "shenyang"),
        ("抚顺", "fushun"),
        ("本溪", "benxi"),
        ("大连", "dalian"),
        ("旅顺口", "lushun"),
        ("苏联海军", "soviet-navy"),
    ]


def test_bilingual_text_links_both_forms(linker: Linker) -> None:
    got = linked(linker, "Liu Shaoqi (刘少奇) and Li Fuchun (李富春) met Khrushchev "
                         "(赫鲁晓夫) and Ho Chi Minh (胡志明) in Beijing (北京).")
    for ids in (("Liu Shaoqi", "刘少奇", "liu-shaoqi"), ("Li Fuchun", "李富春", "li-fuchun"),
                ("Khrushchev", "赫鲁晓夫", "nikita-khrushchev"),
                ("Ho Chi Minh", "胡志明", "ho-chi-minh"), ("Beijing", "北京", "beijing")):
        latin, chinese, entity = ids
        assert (latin, entity) in got
        assert (chinese, entity) in got


def test_no_chinese_name_is_shared_between_entities(registry: Registry) -> None:
    owners = chinese_names(registry)
    assert len(owners) > 500
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_no_chinese_name_is_a_single_character(registry: Registry) -> None:
    """One character ("苏", "沈") would be found inside other words."""
    short = {name for name in chinese_names(registry) if len(name) < 2}
    assert short == set()


def test_chinese_names_carry_their_language_in_the_graph(registry: Registry) -> None:
    config = Config.load({}, env={})
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    spellings = {(str(o), o.language) for s, p, o in registry.graph(ontology)
                 if s == registry["liu-shaoqi"].iri and p == ontology.iris.kg.spelling}
    assert ("刘少奇", "zh") in spellings
    assert all(lang is None for name, lang in spellings if name.isascii())
