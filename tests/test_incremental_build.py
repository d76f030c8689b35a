"""Incremental builds: `kg build` redoes only what changed since the served build, and the
store it makes is the one a full build makes, quad for quad; what it cannot redo in part
(the ontology, a damaged record) it rebuilds in full, saying why; a broken edit leaves the
served store as it was.

A small synthetic corpus (``bench.corpus``) over the real ontology and registry, edited
step by step; after each step the incremental store is compared with a full build of the
same inputs in a fresh data directory.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

import kg.build
import kg.store.builds
from conftest import Built
from kg.build import build
from kg.config import PROJECT_ROOT, Config
from kg.errors import MappingError
from kg.mapping import shared
from kg.mapping.compile import Compiled as DocumentResult
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.reason.base import ROWS, Base
from kg.store.builds import build_meta
from kg.store.explanations import FILE, WithExplanations, open_explanations
from kg.store.record import RECORD, Plan, Record, reusable

sys.path.insert(0, str(PROJECT_ROOT))  # the benchmarks' corpus generator (bench/)
from bench.corpus import generate  # noqa: E402


class Project:
    """A synthetic project: pages, mappings, a copy of the ontology, and a data dir."""

    def __init__(self, root: Path, documents: int = 0):
        """A new project of ``documents`` pages in ``root``; with none, the project already
        there (one :meth:`copy` made)."""
        self.root = root
        if documents:
            generate(root, documents, with_real=False)
            shutil.copytree(PROJECT_ROOT / "ontology", root / "ontology")
            (root / "aside").mkdir()
        self.aside = root / "aside"
        self.config = self.config_for(root / "data")
        self.lines: list[str] = []

    def copy(self, root: Path) -> Project:
        """The project, its built store and its record, copied to ``root``: the store link
        and everything the record holds are relative to the project."""
        shutil.copytree(self.root, root, symlinks=True)
        return Project(root)

    def config_for(self, data: Path) -> Config:
        return Config.load({"corpus_dir": str(self.root / "corpus"),
                            "mappings_dir": str(self.root / "mappings"),
                            "ontology_dir": str(self.root / "ontology"),
                            "data_dir": str(data)}, env={})

    def pages(self) -> list[Path]:
        return sorted((self.root / "corpus").glob("*.txt"))

    def mapping(self, page: Path) -> Path:
        return self.root / "mappings" / "documents" / f"{page.stem}.yaml"

    def set_aside(self, page: Path) -> None:
        page.rename(self.aside / page.name)
        self.mapping(page).rename(self.aside / f"{page.stem}.yaml")

    def bring_back(self, name: str) -> None:
        page = self.root / "corpus" / f"{name}.txt"
        (self.aside / page.name).rename(page)
        (self.aside / f"{name}.yaml").rename(self.mapping(page))

    def build(self, **options: bool) -> str:
        """Build in the project's data dir; return the progress lines."""
        self.lines = []
        build(self.config, self.lines.append, **options)
        return "\n".join(self.lines)


def quads(config: Config) -> list[str]:
    """Every quad of the build: the store's and the explanations kept beside it."""
    path = config.store_path.resolve()
    store = ox.Store.read_only(str(path))
    beside = open_explanations(path)
    assert beside is not None
    return sorted([*(str(q) for q in store), *(str(q) for q in WithExplanations(
        store, beside).beside())])


def rows(config: Config) -> list[tuple[str, str]]:
    """The rows of the explanations file beside the store."""
    with closing(sqlite3.connect(config.store_path.resolve().parent / FILE)) as db:
        return sorted(db.execute("SELECT key, lines FROM subject"))


def same_as_full_build(project: Project, tmp: Path) -> None:
    full = project.config_for(tmp / f"full-{len(list(tmp.iterdir()))}")
    build(full, full=True)
    assert quads(project.config) == quads(full)
    assert rows(project.config) == rows(full)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Five pages, two of them set aside, built once for the module."""
    p = Project(tmp_path_factory.mktemp("first") / "project", 5)
    for page in p.pages()[-2:]:
        p.set_aside(page)
    assert "full build: no store built yet" in p.build()
    return p


@pytest.fixture
def project(first_build: Project, tmp_path: Path) -> Project:
    """A copy of the first build for each test to edit and build again."""
    return first_build.copy(tmp_path / "project")


def test_additions_edits_and_removals_give_the_full_builds_store(
        project: Project, tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    first, second, third = project.pages()[:3]
    added = sorted(p.stem for p in project.aside.glob("*.txt"))

    project.bring_back(added[0])  # a page added, with its mapping
    assert "incremental build: 1 documents added, 0 edited, 0 removed, of 4" in project.build()
    assert "1 documents compiled" in "\n".join(project.lines)
    same_as_full_build(project, checks)

    mapping = project.mapping(first)  # a mapping edited: facts dropped
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    data["facts"] = data["facts"][:-5]
    mapping.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                       encoding="utf-8")
    page = project.root / "corpus" / f"{added[0]}.txt"  # and a page's text edited
    page.write_text(page.read_text(encoding="utf-8").replace(" No. ", " No. 9", 1),
                    encoding="utf-8")
    assert "0 documents added, 2 edited, 0 removed" in project.build()
    same_as_full_build(project, checks)

    second.unlink()  # a page removed, then a mapping removed
    project.mapping(second).unlink()
    project.mapping(third).unlink()
    project.bring_back(added[1])
    assert "1 documents added, 1 edited, 1 removed" in project.build()
    same_as_full_build(project, checks)
    assert build_meta(project.config.store_path)["incremental"] is True

    shutil.copy(first, first.with_name("zz-mirror-copy.txt"))  # a copy of a page arrives:
    project.build()  # merged into it, whose graph now names the copy
    assert "duplicate copies merged" in "\n".join(project.lines)
    same_as_full_build(project, checks)


def test_nothing_changed_gives_the_same_store(project: Project,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = quads(project.config)
    read: list[object] = []  # pages parsed, mappings loaded: none, the record has them
    monkeypatch.setattr(kg.build, "_parse", read.append)
    monkeypatch.setattr(kg.build, "_load_mapping", read.append)

    def dumped(*args: object) -> None:  # the recorded digests say what changed
        raise AssertionError("the graph was dumped from the store to be compared")

    monkeypatch.setattr(kg.store.builds, "replace_graph", dumped)
    assert "0 documents added, 0 edited, 0 removed" in project.build()
    assert quads(project.config) == before
    assert read == []


def test_what_every_document_depends_on_rebuilds_everything_and_says_why(
        project: Project) -> None:
    ontology = project.root / "ontology" / "kg.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\n# edited\n",
                        encoding="utf-8")
    assert "full build: the ontology changed" in project.build()
    assert "full build: asked for (--full)" in project.build(full=True)
    assert build_meta(project.config.store_path)["incremental"] is False

    record = project.config.store_path.resolve().parent / RECORD
    record.write_bytes(record.read_bytes()[:100])  # damaged: never patched blindly
    assert "full build: the record of the served build is damaged" in project.build()
    (project.config.store_path.resolve().parent / RECORD).unlink()
    assert "full build: the served build has no record" in project.build()


def test_a_broken_edit_fails_with_file_and_line_and_leaves_the_served_store(
        project: Project) -> None:
    served = project.config.store_path.resolve()
    before = quads(project.config)
    mapping = project.mapping(project.pages()[0])
    text = mapping.read_text(encoding="utf-8")
    quote = text.split("quote: ", 1)[1].split("\n", 1)[0]
    mapping.write_text(text.replace(quote, "'words the page never says'", 1),
                       encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        project.build()
    assert caught.value.file and caught.value.line
    assert project.config.store_path.resolve() == served
    assert quads(project.config) == before
    leftovers = [p.name for p in (Path(project.config.data_dir) / "builds").iterdir()
                 if p.name.endswith(".partial")]
    assert leftovers == []


def test_a_changed_node_recompiles_the_documents_whose_mappings_name_it() -> None:
    record = Record({}, {}, copies={"c": "a"},
                    nodes={"meeting-1": "id:meeting/1", "plan-2": "id:plan/2"},
                    results={d: DocumentResult(d) for d in "abd"})
    plan = Plan(record=record, changed={"e"})
    names = {"a": {"meeting-1"}, "b": {"plan-2", "stalin"}, "d": {"x"}, "e": {"plan-2"}}
    kept = reusable(record, plan, list("abde"), {"c": "a"},
                    {"meeting-1": "id:meeting/1", "plan-2": "id:plan/3", "moscow": "id:m"},
                    {"moscow"}, names.__getitem__)
    assert set(kept) == {"a", "d"}  # b names the node whose IRI changed; e changed itself
    kept = reusable(record, plan, list("abd"), {}, record.nodes, set(), names.__getitem__)
    assert set(kept) == {"b", "d"}  # a lost its copy


def test_a_build_takes_the_ontology_and_registry_the_served_build_kept(
        built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"  # the real project's build, served here
    shutil.copytree(built.config.data_dir, data, symlinks=True)
    config = built.config.with_(data_dir=str(data))
    build(config, full=True)  # a first build in a data directory keeps none; this one does
    kept = config.store_path.resolve().parent / shared.FILE
    assert kept.is_file()

    def read_again(*args: object) -> None:
        raise AssertionError("read from the files again")

    monkeypatch.setattr(Ontology, "load", read_again)
    monkeypatch.setattr(Registry, "load", read_again)
    monkeypatch.setattr(Registry, "graph", read_again)
    monkeypatch.setattr(Base, "of", read_again)  # nor reasoned over again: extended
    build(config, full=True)
    assert quads(config) == quads(built.config)  # the same store as read from the files
    assert rows(config) == rows(built.config)  # and the same rows beside it
    assert (config.store_path.resolve().parent / ROWS).is_file()
    monkeypatch.undo()

    key = shared.shared_key({"registry": "another digest"})
    assert shared.SharedCache(key, kept.parent).get() is None
    kept.unlink()
    kept.write_bytes(b"damaged")
    assert shared.SharedCache(key, kept.parent).get() is None


def test_lines_given_by_digest_are_read_from_the_kept_file_when_the_base_differs(
        tmp_path: Path) -> None:
    from kg.store.explanations import ExplanationRows

    graph, a, b = "urn:g", "<urn:a>", "<urn:b>"
    with ExplanationRows(tmp_path / "kept.sqlite", graph) as kept:
        kept.add([(a, f"{a} <urn:p> <urn:x> .\n", 1), (b, f"{b} <urn:p> <urn:y> .\n", 1)])
    with ExplanationRows(tmp_path / "served.sqlite", graph) as served:  # a changed since
        served.add([(a, f"{a} <urn:p> <urn:z> .\n", 1), (b, f"{b} <urn:p> <urn:y> .\n", 1)])
    with ExplanationRows(tmp_path / "new.sqlite", graph, tmp_path / "served.sqlite",
                         served.digests, tmp_path / "kept.sqlite") as new:
        new.add([(a, kept.digests[a], 1), (b, kept.digests[b], 1)])
    with closing(sqlite3.connect(tmp_path / "new.sqlite")) as db:
        assert sorted(db.execute("SELECT key, lines FROM subject")) == [
            (a, f"{a} <urn:p> <urn:x> .\n"), (b, f"{b} <urn:p> <urn:y> .\n")]
    assert new.digests == kept.digests
