"""People the registry does not know are minted as provisional persons for review; a word of
an occasion ("Ho Meeting") or a bare family name of registry persons ("Chairman Ho") is no
new person."""

from __future__ import annotations

import pytest

from kg.config import Config
from kg.ingest.document import parse_text
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry


@pytest.fixture(scope="module")
def linker() -> Linker:
    config = Config.load({}, env={})
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    return Linker(Registry.load(config.mappings_dir, ontology))


def provisional(linker: Linker, *body: str) -> list[str]:
    doc = parse_text("Skip to content\n\nNovember 23, 1962\n\nCable from Wang Tao\n\n\n"
                     + "\n\n".join(body) + "\n\n\nA summary.\n\nDocument Information\n")
    return [m.provisional for m in linker.mentions(doc) if m.provisional]


def test_an_occasion_in_a_heading_is_no_person(linker: Linker) -> None:
    assert provisional(linker, "Chairman Ho Meeting with the Chinese Chargé d'Affaires",
                       "'Comrade Hao Deqing Reports on his Meeting with Premier Kim'") == []


def test_a_bare_family_name_of_registry_persons_is_no_new_person(linker: Linker) -> None:
    # Zhou (Zhou Enlai), Mao (Mao Zedong), Chen (Chen Yi, Chen Yun ...): not minted.
    assert provisional(linker, "Today Premier Zhou met Chairman Mao and Marshal Chen.") == []
    # A name the registry has no trace of still is, for the curator to review.
    assert provisional(linker, "Today Comrade Petrovsky met Premier Zhou.") == ["Petrovsky"]


def test_two_spellings_of_one_unknown_person_build_one_person(tmp_path) -> None:
    """"Kim Sung-hwa" and "KIM SUNG-HWA"/"Kim Sung-Hwa" on one page are one provisional
    person with one label and the other spelling kept; the build's checks pass."""
    import shutil

    from conftest import MAPPINGS
    from kg.build import build
    from kg.store.query import select

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "1956-06-01-note.txt").write_text(
        "Skip to content\n\nJune 1, 1956\n\nNote on a Conversation with Kim Sung-hwa\n\n\n"
        "Today I received Comrade Kim Sung-hwa. Comrade Kim Sung-Hwa spoke of the harvest."
        "\n\n\nA summary.\n\nDocument Information\n")
    maps = tmp_path / "mappings"
    (maps / "documents").mkdir(parents=True)
    shutil.copy(MAPPINGS / "registry.yaml", maps)
    shutil.copytree(MAPPINGS / "registry", maps / "registry")
    config = Config.load({"data_dir": str(tmp_path / "data"),
                          "corpus_dir": str(tmp_path / "corpus"), "mappings_dir": str(maps)},
                         env={})
    build(config)
    rows = select(config.store_path, """
        SELECT ?label ?spelling WHERE { ?p a kg:Person ; kg:needsReview true ;
            rdfs:label ?label . OPTIONAL { ?p kg:spelling ?spelling } }""",
                  base=config.base_iri).rows
    assert len(rows) == 1 and {rows[0][0], rows[0][1]} == {"Kim Sung-hwa", "Kim Sung-Hwa"}


def test_vietnamese_marks_and_a_body_the_registry_lacks(linker: Linker) -> None:
    """"Phạm Hùng" is one word each and the registry's Pham Hung; "Central Committee of the
    Communist Party of Vietnam" names a body by words the registry lacks: the short name
    "Central Committee" is left unresolved rather than taken for the Chinese one."""
    doc = parse_text("Skip to content\n\nOctober 20, 1964\n\nCable from the Chinese Embassy "
                     "in Vietnam\n\n\nLe Duan, the First Secretary of the Central Committee of "
                     "the Communist Party of Vietnam, Vice Premier Phạm Hùng and Comrade Lý Ban "
                     "met the Chinese Communist Party delegation and the CCP Central Committee."
                     "\n\n\nA summary.\n\nDocument Information\n")
    found = {m.text: (m.entity.id if m.entity else m.provisional) for m in linker.mentions(doc)}
    assert found["Phạm Hùng"] == "pham-hung" and found["Lý Ban"] == "Lý Ban"
    assert found["Central Committee"] is None
