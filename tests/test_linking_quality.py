"""The automatic layer on the test archive (tests/archive, documents written for this
project in the archive's layouts): metadata exact, persons found with high precision and
recall, and the whole set builds into a consistent graph with copies merged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from conftest import MAPPINGS
from kg.build import build
from kg.config import PROJECT_ROOT, Config
from kg.curate.evaluate import LINKED, evaluate
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.store.query import select

ARCHIVE = PROJECT_ROOT / "tests" / "archive"
EXTRA = PROJECT_ROOT / "tests" / "archive-registry" / "registry-extra.yaml"


@pytest.fixture(scope="module")
def archive_mappings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mappings/registry.yaml plus the persons the test archive names."""
    data = yaml.safe_load((MAPPINGS / "registry.yaml").read_text())
    for section, entries in yaml.safe_load(EXTRA.read_text()).items():
        for ident, entry in entries.items():
            if ident in data[section]:
                for key in ("aliases", "codenames"):
                    merged = [*(data[section][ident].get(key) or []), *entry.get(key, [])]
                    data[section][ident][key] = merged
            else:
                data[section][ident] = entry
    out = tmp_path_factory.mktemp("archive-mappings")
    (out / "documents").mkdir()
    (out / "registry.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return out


def test_metadata_exact_and_persons_precise(archive_mappings: Path) -> None:
    config = Config.load({}, env={})
    registry = Registry.load(archive_mappings, Ontology.load(config.ontology_dir,
                                                             Iris(config.base_iri)))
    report = evaluate(ARCHIVE, registry)
    assert report.documents >= 30
    for name, score in report.scores.items():
        if name != LINKED:
            assert score.accuracy == 1.0, (name, report.markdown())
    persons = report.scores[LINKED]
    assert persons.precision >= 0.95, report.markdown()
    assert persons.recall >= 0.9, report.markdown()


def test_archive_builds_with_copies_merged(archive_mappings: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in ARCHIVE.glob("*.txt"):
        shutil.copy(path, corpus)
    config = Config.load({"data_dir": str(tmp_path / "data"), "corpus_dir": str(corpus),
                          "mappings_dir": str(archive_mappings), "build_processes": 2}, env={})
    progress: list[str] = []
    report = build(config, progress=progress.append)
    copies = [item for item in report.review if "merged into it" in item]
    assert len(copies) == 2
    assert report.documents == len(list(corpus.glob("*.txt"))) - len(copies)
    # Nothing a page does not state is guessed: the memorandum has no recipient.
    table = select(config.store_path, """
        SELECT ?r WHERE { document:1953-03-molotov-memorandum kg:reproduces/kg:recipient ?r }
        """, base=config.base_iri)
    assert table.rows == []
    # The ambiguous "Kuznetsov" of 1953 is reported, not resolved.
    assert any("ambiguous name 'Kuznetsov'" in item for item in report.review)
    # Initials resolve to the registered person: "A.Y. Vyshinskyy" is Andrey Vyshinsky.
    assert not any("Vyshinskyy' is not in the registry" in item for item in report.review)
    assert any("(2 processes)" in line for line in progress)

    # Compiled in one process instead of two, the store and the report are the same.
    alone = config.with_(data_dir=str(tmp_path / "alone"), build_processes=1)
    progress.clear()
    report_alone = build(alone, progress=progress.append)
    assert not any("processes)" in line for line in progress)
    assert report_alone.review == report.review
    assert report_alone.triples == report.triples
    assert quads(alone) == quads(config)


def quads(config: Config) -> list[str]:
    store = ox.Store.read_only(str(config.store_path.resolve()))
    return sorted(str(q) for q in store)
