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
    assert "Ho Meeting" not in provisional(
        linker, "Chairman Ho Meeting with the Chinese Chargé d'Affaires")


def test_a_bare_family_name_of_registry_persons_is_no_new_person(linker: Linker) -> None:
    # Zhou (Zhou Enlai), Mao (Mao Zedong), Chen (Chen Yi, Chen Yun ...): not minted.
    assert provisional(linker, "Today Premier Zhou met Chairman Mao and Marshal Chen.") == []
    # A name the registry has no trace of still is, for the curator to review.
    assert provisional(linker, "Today Comrade Petrovsky met Premier Zhou.") == ["Petrovsky"]
