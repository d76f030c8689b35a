"""Shared fixtures: the real project graph built once per session into a temporary data
directory, and small throwaway projects for error cases."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.build import BuildReport, build
from kg.config import PROJECT_ROOT, Config

CORPUS = PROJECT_ROOT / "corpus"
MAPPINGS = PROJECT_ROOT / "mappings"
QUERIES = PROJECT_ROOT / "queries"


@dataclass
class Built:
    config: Config
    report: BuildReport


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project's own corpus, mappings and ontology, built into a fresh store."""
    data = tmp_path_factory.mktemp("data")
    config = Config.load({"data_dir": str(data)}, env={})
    return Built(config, build(config))


@pytest.fixture
def project(tmp_path: Path) -> Config:
    """A writable copy of the mappings over the real corpus, with its own data dir."""
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, mappings)
    return Config.load(
        {"data_dir": str(tmp_path / "data"), "mappings_dir": str(mappings)}, env={}
    )
