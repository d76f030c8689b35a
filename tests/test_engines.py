"""The settings that choose an engine really choose it, and every engine builds the same
graphs: the SHACL engine (``validator``) and the OWL 2 RL engine (``reasoner``), explanations
included."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import Built
from kg.build import build, check
from kg.config import PROJECT_ROOT, Config
from kg.errors import ConfigError
from kg.store.explanations import with_explanations

CALLS: Counter[str] = Counter()


def _counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        return fn(*args, **kwargs)
    return wrapper


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts the calls into each engine's library while a test runs."""
    import owlrl
    import pyshacl
    import reasonable

    from kg.validate import shacl

    monkeypatch.setattr(pyshacl, "validate", _counted("pyshacl", pyshacl.validate))
    monkeypatch.setattr(owlrl.DeductiveClosure, "expand",
                        _counted("owlrl", owlrl.DeductiveClosure.expand))
    monkeypatch.setattr(reasonable, "PyReasoner", _counted("reasonable", reasonable.PyReasoner))
    monkeypatch.setattr(shacl.Shapes, "validate", _counted("fast", shacl.Shapes.validate))
    CALLS.clear()
    yield CALLS
    CALLS.clear()


def quads(config: Config) -> set[str]:
    store = ox.Store.read_only(str(config.store_path.resolve()))
    return {str(q) for q in store}


@pytest.mark.parametrize(("setting", "engine", "others"), [
    # The other setting left unset: its default engine runs, and no other (a build with
    # both left unset is the session's `built`: the same graphs).
    ({"validator": "pyshacl"}, "pyshacl", {"fast", "owlrl", "reasonable"}),
    ({"reasoner": "owlrl"}, "owlrl", {"reasonable", "pyshacl"}),
    ({"reasoner": "reasonable"}, "reasonable", {"owlrl", "pyshacl"}),
])
def test_each_engine_runs_when_chosen_and_builds_the_same_graphs(
        built: Built, tmp_path: Path, calls: Counter[str], setting: dict[str, str],
        engine: str, others: set[str]) -> None:
    config = Config.load({"data_dir": str(tmp_path / "data"), **setting}, env={})
    build(config)
    assert calls[engine] >= 1, f"{setting} did not run {engine}"
    assert not any(calls[name] for name in others), dict(calls)
    if "validator" not in setting:
        assert calls["fast"] >= 1, "the default SHACL engine did not run"
    assert quads(config) == quads(built.config)


@pytest.mark.parametrize(("engine", "other"), [("pyshacl", "fast"), ("fast", "pyshacl")])
def test_kg_validate_runs_the_chosen_shacl_engine(calls: Counter[str], engine: str,
                                                  other: str) -> None:
    check(Config.load({"validator": engine}, env={}))
    assert calls[engine] >= 1 and not calls[other], dict(calls)


@pytest.fixture
def functional_ontology(tmp_path: Path) -> Path:
    """The project's ontology with an axiom the ``rules`` engine does not implement."""
    folder = tmp_path / "ontology"
    shutil.copytree(PROJECT_ROOT / "ontology", folder)
    with open(folder / "kg.ttl", "a", encoding="utf-8") as f:
        f.write("\nkg:codename a owl:InverseFunctionalProperty .\n")
    return folder


def test_an_axiom_the_rules_do_not_implement_is_refused_by_rules_only(
        functional_ontology: Path, tmp_path: Path) -> None:
    settings = {"ontology_dir": str(functional_ontology)}
    rules = Config.load({**settings, "data_dir": str(tmp_path / "rules")}, env={})
    with pytest.raises(ConfigError, match="owl:InverseFunctionalProperty"):
        build(rules)
    # Another engine reasons with it; the explanations are made the same way, the rules
    # explaining what they can, and nothing the engine inferred goes without an explanation.
    other = Config.load({**settings, "data_dir": str(tmp_path / "reasonable"),
                         "reasoner": "reasonable"}, env={})
    report = build(other)
    base = other.base_iri
    path = other.store_path.resolve()
    store = with_explanations(ox.Store.read_only(str(path)), path)
    inferred = list(store.quads_for_pattern(None, None, None,
                                            ox.NamedNode(f"{base}/graph/inferred")))
    assert len(inferred) == report.triples[f"{base}/graph/inferred"] > 1000
    explained = set(store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(f"{base}/ontology#Explanation"), ox.NamedNode(f"{base}/graph/explanations")))
    assert len(explained) >= len(inferred)
