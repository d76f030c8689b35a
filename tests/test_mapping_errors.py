"""A curator's mistakes fail the build with the file, the line and how to fix it, and the
store that was already built keeps answering."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build, check
from kg.config import Config
from kg.errors import InconsistencyError, MappingError
from kg.store.query import select

REGISTRY = """\
persons:
  mao-zedong:
    label: Mao Zedong
  joseph-stalin:
    label: Joseph Stalin
    codenames: [Filippov]
  ivan-kovalev:
    label: Ivan Kovalev
  zhu-de:
    label: Zhu De
places:
  beijing:
    label: Beijing
    type: Settlement
    aliases: [Beiping]
"""

MAPPING = """\
document: 1949-05-17-kovalev-to-filippov
author: ivan-kovalev
nodes:
  meeting-1949-05-12:
    type: Meeting
    label: Meeting of 12 May 1949
facts:
  - about: meeting-1949-05-12
    date: "1949-05-12"
    participant: [mao-zedong, zhu-de]
    quote: "On 12 May a meeting with Mao Zedong took place"
"""

DOC = "1949-05-17-kovalev-to-filippov"


def write_project(root: Path, mapping: str = MAPPING, registry: str = REGISTRY) -> Config:
    (root / "mappings" / "documents").mkdir(parents=True, exist_ok=True)
    (root / "mappings" / "registry.yaml").write_text(registry)
    (root / "mappings" / "documents" / f"{DOC}.yaml").write_text(mapping)
    return Config.load(
        {"data_dir": str(root / "data"), "mappings_dir": str(root / "mappings")}, env={}
    )


def participants(config: Config) -> set[str]:
    table = select(config.store_path, """
        SELECT ?name WHERE { meeting:meeting-1949-05-12 kg:participant/rdfs:label ?name }
    """, base=config.base_iri)
    return {row[0] for row in table.rows}


def test_a_small_project_builds_and_answers(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    build(config)
    assert participants(config) == {"Mao Zedong", "Zhu De"}


def _replace(old: str, new: str) -> str:
    assert old in MAPPING
    return MAPPING.replace(old, new)


@pytest.mark.parametrize(
    ("mapping", "line", "message"),
    [
        (_replace("took place", "took plaice"), 11, "quote not found in document"),
        (_replace("participant:", "participants:"), 10, "unknown property 'participants'"),
        (_replace("zhu-de]", "zhu-teh]"), 10, "unknown id 'zhu-teh' for 'participant'"),
        (_replace('"1949-05-12"', "May twelfth"), 9, "date takes a date"),
        (_replace("type: Meeting", "type: Meting"), 5, "type 'Meting' of node"),
        (_replace('quote: "On 12 May a meeting with Mao Zedong took place"', "note: x"), 8,
         "this fact has no quote"),
        (_replace('"On 12 May a meeting with Mao Zedong took place"', '"Mao Zedong"'), 11,
         "quote occurs"),
        (_replace("about: meeting-1949-05-12", "about: meeting-1949-05-13"), 8,
         "unknown subject 'meeting-1949-05-13'"),
        (MAPPING + "  - about: [unclosed\n", 13, "YAML syntax"),
    ],
    ids=["misquote", "unknown-property", "unknown-id", "bad-date", "unknown-class",
         "no-quote", "ambiguous-quote", "unknown-subject", "yaml-syntax"],
)
def test_mistakes_name_file_line_and_fix(tmp_path: Path, mapping: str, line: int,
                                         message: str) -> None:
    config = write_project(tmp_path, mapping)
    with pytest.raises(MappingError) as err:
        check(config)
    assert err.value.file and err.value.file.endswith(f"{DOC}.yaml")
    assert err.value.line == line, str(err.value)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_failed_build_keeps_previous_store(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    build(config)
    before = participants(config)
    write_project(tmp_path, _replace("took place", "took plaice"))
    with pytest.raises(MappingError, match="quote not found"):
        build(config)
    assert participants(config) == before


def test_registry_mistakes_name_the_line(tmp_path: Path) -> None:
    bad = REGISTRY.replace("    label: Zhu De\n", "    label: Zhu De\n    wikidata: Z22\n")
    config = write_project(tmp_path, registry=bad)
    with pytest.raises(MappingError, match="must look like Q5816") as err:
        check(config)
    assert err.value.line == 11


def test_contradiction_fails_build_and_names_resources(tmp_path: Path) -> None:
    # Declaring a meeting to be a place contradicts the ontology's disjointness axioms.
    mapping = MAPPING + (
        "  - about: meeting-1949-05-12\n"
        "    place: meeting-1949-05-12\n"
        "    quote: \"later that day with members of the Politburo\"\n"
    )
    config = write_project(tmp_path, mapping)
    with pytest.raises(InconsistencyError) as err:
        build(config)
    assert "meeting-1949-05-12" in str(err.value)
    assert not config.store_path.exists()


def test_an_error_raised_in_a_build_worker_keeps_its_file_and_line() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(MappingError("quote not found", file="m.yaml", line=12)))
    assert isinstance(err, MappingError)
    assert (err.file, err.line, str(err)) == ("m.yaml", 12, "m.yaml:12: quote not found")
