"""Full-text search over the documents' bodies (kg.read.fulltext, /search): words and
phrases find their document and paragraph, hits lead to the passage in the reader, facets
narrow the results and count them, the index sits in the build's folder, written whole."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from conftest import Built
from kg.read.fulltext import FullText, fts_query, open_index
from kg.store.builds import open_store_handle

KOVALEV = "/id/document/1949-05-17-kovalev-to-filippov"


def test_user_text_never_reaches_fts5_as_syntax() -> None:
    assert fts_query("prisoners") == '"prisoners"'
    assert fts_query('"economic center" lead*') == '"economic center" "lead"*'
    assert fts_query('a"b OR (') == '"a b" "OR"'  # OR is a word, ( nothing
    assert fts_query("  ,;  ") is None


def test_a_word_from_a_body_finds_its_document_and_passage(client: FlaskClient) -> None:
    html = client.get("/search?q=prisoners").get_data(as_text=True)
    link = re.search(rf'href="({KOVALEV}\.html#p(\d+))"', html)
    assert link, "no passage of the Kovalev telegram found for 'prisoners'"
    assert "<mark>prisoners</mark>" in html  # the hit in context
    reader = client.get(link.group(1).split("#")[0]).get_data(as_text=True)
    paragraph = re.search(rf'<p id="p{link.group(2)}">(.*?)</p>', reader, re.S)
    assert paragraph and "prisoners" in re.sub(r"<[^>]+>", "", paragraph.group(1))


def test_phrases_and_accents(built: Built, tmp_path) -> None:
    store = open_store_handle(built.config.store_path)
    index = open_index(store, built.config.base_iri, tmp_path)
    phrase = index.search('"economic center"')
    assert phrase.total >= 1
    assert all("economic" in h.snippet.lower() for h in phrase.hits)
    assert index.search("PRISÔNERS").total == index.search("prisoners").total == 1
    assert index.search("zzzunknownword").total == 0


def test_a_facet_narrows_the_results(client: FlaskClient, built: Built, tmp_path) -> None:
    index = open_index(open_store_handle(built.config.store_path), built.config.base_iri,
                       tmp_path)
    everything = index.search("lead*")
    kinds = {value: n for value, _, n in everything.facets["kind"]}
    assert len(kinds) >= 2 and sum(kinds.values()) == everything.total
    kind, count = min(kinds.items(), key=lambda kv: kv[1])
    narrowed = index.search("lead*", {"kind": kind})
    assert 0 < narrowed.total == count < everything.total
    assert {h.kind for h in narrowed.hits} == {kind}
    # The other facets count under the chosen one; its own still offers every value.
    assert sum(n for _, _, n in narrowed.facets["doc"]) == count
    assert {v for v, _, _ in narrowed.facets["kind"]} == set(kinds)
    # The same through the page: the facet link narrows the list.
    html = client.get("/search", query_string={"q": "lead*"}).get_data(as_text=True)
    facet = re.search(r'<ul data-facet="kind">.*?href="([^"]+)"', html, re.S)
    assert facet
    narrowed_html = client.get(facet.group(1).replace("&amp;", "&").split("#")[0])
    assert narrowed_html.get_data(as_text=True).count('aria-current="true"') == 1


def test_the_index_lives_in_the_build_folder_written_whole(client: FlaskClient,
                                                           built: Built) -> None:
    client.get("/search?q=Shanghai")
    folder = built.config.store_path.resolve().parent
    assert (folder / "fulltext.sqlite").is_file()
    assert not list(folder.glob(".fulltext.sqlite.*.tmp"))
    assert FullText(folder / "fulltext.sqlite").search("Shanghai").total >= 1
