"""A resource's data document: its statements both ways, linked labels, the evidence of
each curated statement, and inferred statements marked as such."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import Built
from kg.read.describe import describe
from kg.store.explanations import with_explanations


@pytest.fixture(scope="module")
def store(built: Built) -> ox.Store:
    """The built store joined with the explanations kept beside it, as the server reads it."""
    path = built.config.store_path.resolve()
    return with_explanations(ox.Store.read_only(str(path)), path)


def test_data_document_has_statements_labels_and_evidence(built: Built, store: ox.Store) -> None:
    base = built.config.base_iri
    d = describe(store, f"{base}/id/person/li-lisan", base)
    assert d.found
    kg = f"{base}/ontology#"
    values = {(t.predicate.value, getattr(t.object, "value", None)) for t in d.triples}
    assert (kg + "codename", "Strakhov") in values
    # Incoming: the deviation he led, with its label.
    deviation = ox.NamedNode(f"{base}/id/deviation/deviation-li-lisan")
    assert ox.Triple(deviation, ox.NamedNode(kg + "ledBy"),
                     ox.NamedNode(f"{base}/id/person/li-lisan")) in d.asserted
    assert any(t.subject == deviation and t.predicate.value.endswith("#label") for t in d.triples)
    # Evidence: the exact passage of a curated statement travels with it.
    exact = {t.object.value for t in d.triples
             if t.predicate.value == "http://www.w3.org/ns/oa#exact"}
    assert "the second—is Strakhov (Li Lisan)" in exact


def test_inferred_statements_are_marked(built: Built, store: ox.Store) -> None:
    base = built.config.base_iri
    d = describe(store, f"{base}/id/person/li-lisan", base)
    led = ox.Triple(ox.NamedNode(f"{base}/id/person/li-lisan"),
                    ox.NamedNode(f"{base}/ontology#led"),
                    ox.NamedNode(f"{base}/id/deviation/deviation-li-lisan"))
    assert led in d.inferred and led not in d.asserted
    marks = {t.subject for t in d.triples
             if t.object == ox.NamedNode(f"{base}/ontology#InferredStatement")}
    mark = next(m for m in marks if ox.Triple(
        m, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"),
        led.predicate) in d.triples)
    # Each mark is linked to the explanation stored for its statement (the Why? page).
    digest = mark.value.rsplit("/", 1)[-1]
    assert ox.Triple(ox.NamedNode(f"{base}/id/explanation/{digest}"),
                     ox.NamedNode(f"{base}/ontology#explains"), mark) in d.triples
    assert {t.object for t in d.triples if t.predicate.value == f"{base}/ontology#explains"} \
        == marks


def test_unknown_resource_is_not_found(built: Built, store: ox.Store) -> None:
    base = built.config.base_iri
    assert not describe(store, f"{base}/id/person/nobody", base).found
