"""Full-text search over the documents' bodies (kg.read.fulltext, /search, /search.json):
words and phrases find their document and paragraph, hits lead to the passage in the reader,
facets (type, date range, claimant, correspondent, document) narrow the results and count
them, bad parameters and typed FTS5 syntax answer 400 or a result, never a 500, two things
of the same title are told apart, and the index goes with its build, written whole."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from conftest import Built
from kg.read.facets import Filters, SearchError
from kg.read.fulltext import SCHEMA_VERSION, FullText, fts_query, open_index, write_index
from kg.store.builds import open_store_handle
from test_incremental_build import Project

KOVALEV = "/id/document/1949-05-17-kovalev-to-filippov"
MAO = "/id/person/mao-zedong"


@pytest.fixture(scope="module")
def index(built: Built, tmp_path_factory: pytest.TempPathFactory) -> FullText:
    return open_index(open_store_handle(built.config.store_path), built.config.base_iri,
                      tmp_path_factory.mktemp("fulltext"))


def test_user_text_never_reaches_fts5_as_syntax() -> None:
    assert fts_query("prisoners") == '"prisoners"'
    assert fts_query('"economic center" lead*') == '"economic center" "lead"*'
    assert fts_query('a"b OR (') == '"a" "b OR"'  # OR is a word, ( nothing
    assert fts_query("NEAR(leaders party)") == '"NEAR" "leaders" "party"'
    assert fts_query("  ,;  ") is None and fts_query('"') is None and fts_query("*") is None


@pytest.mark.parametrize("q", ['"', "(", "*", '""', "()"])
def test_a_query_with_no_word_is_a_400_with_a_message(client: FlaskClient, q: str) -> None:
    answer = client.get("/search.json", query_string={"q": q})
    assert answer.status_code == 400
    assert "nothing to search for" in answer.get_json()["message"]
    page = client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert "This search cannot run" in page.get_data(as_text=True)


@pytest.mark.parametrize("q", ["AND", "a*", "(prisoners", "prisoners)", "NEAR(leaders party)",
                               '"economic center', "OR NOT", "text:prisoners", "^lead + -x",
                               "prisoners AND Shanghai", "{a b}", "a" * 300])
def test_typed_fts5_syntax_is_searched_as_words(client: FlaskClient, q: str) -> None:
    answer = client.get("/search.json", query_string={"q": q})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    passages = answer.get_json()["passages"]
    assert passages["total"] >= 0 and isinstance(passages["facets"], dict)
    page = client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    assert page.status_code == 200


def test_operators_are_searched_as_words_and_the_page_says_so(index: FullText) -> None:
    assert index.search("AND").total > 0  # "and": a word of many paragraphs
    assert index.search("(prisoners").total == index.search("prisoners").total == 1
    assert index.search("a*").total > index.search("a").total
    assert "not operators here" in index.search("NEAR(leaders party)").notes[0]
    assert index.search("prisoners").notes == []


def test_a_word_from_a_body_finds_its_document_and_passage(client: FlaskClient) -> None:
    html = client.get("/search?q=prisoners").get_data(as_text=True)
    link = re.search(rf'href="({KOVALEV}\.html#p(\d+))"', html)
    assert link, "no passage of the Kovalev telegram found for 'prisoners'"
    assert "<mark>prisoners</mark>" in html  # the hit in context
    reader = client.get(link.group(1).split("#")[0]).get_data(as_text=True)
    paragraph = re.search(rf'<p id="p{link.group(2)}">(.*?)</p>', reader, re.S)
    assert paragraph and "prisoners" in re.sub(r"<[^>]+>", "", paragraph.group(1))


def test_phrases_and_accents(index: FullText) -> None:
    phrase = index.search('"economic center"')
    assert phrase.total >= 1
    assert all("economic" in h.snippet.lower() for h in phrase.hits)
    assert index.search("PRISÔNERS").total == index.search("prisoners").total == 1
    assert index.search("zzzunknownword").total == 0


def test_a_facet_narrows_the_results(client: FlaskClient, index: FullText) -> None:
    everything = index.search("lead*")
    kinds = {v.value: v.count for v in everything.facets["kind"]}
    assert len(kinds) >= 2 and sum(kinds.values()) == everything.total
    kind, count = min(kinds.items(), key=lambda kv: kv[1])
    narrowed = index.search("lead*", Filters(kind=kind))
    assert 0 < narrowed.total == count < everything.total
    assert {h.kind for h in narrowed.hits} == {kind}
    # The other facets count under the chosen one; its own still offers every value.
    assert sum(v.count for v in narrowed.facets["doc"]) == count
    assert {v.value for v in narrowed.facets["kind"]} == set(kinds)
    assert [v.value for v in narrowed.facets["kind"] if v.chosen] == [kind]
    # The same through the page: the facet link narrows the list.
    html = client.get("/search", query_string={"q": "lead*"}).get_data(as_text=True)
    facet = re.search(r'<ul data-facet="kind"[^>]*>.*?href="([^"]+)"', html, re.S)
    assert facet
    narrowed_html = client.get(facet.group(1).replace("&amp;", "&").split("#")[0])
    assert narrowed_html.get_data(as_text=True).count('aria-current="true"') == 1


def test_claimant_and_date_facets_combine_and_count(index: FullText, built: Built) -> None:
    base = built.config.base_iri
    everything = index.search("Chinese")
    claimants = {v.value: v for v in everything.facets["claimant"]}
    mao = claimants[base + MAO]
    assert mao.label == "Mao Zedong" and 0 < mao.count < everything.total
    by_mao = index.search("Chinese", Filters(claimant=base + MAO))
    assert by_mao.total == mao.count
    assert all(any(c[0] == base + MAO for c in h.claimants) for h in by_mao.hits)
    # Reported speech keeps its reporter: Mao's words in Kovalev's telegram.
    assert any(c[2] == "Ivan Kovalev" for h in by_mao.hits for c in h.claimants)
    # Years as a histogram, each bar a window; the bars add up to the hits.
    years = {p.value: p.count for p in by_mao.dates}
    assert by_mao.unit == "year" and set(years) == {"1948", "1949"}
    assert sum(years.values()) == by_mao.total
    both = index.search("Chinese", Filters(claimant=base + MAO, date_from="1949-05",
                                           date_to="1949-06"))
    assert both.total == years["1949"] and 0 < both.total < by_mao.total
    assert all(h.date.startswith("1949-05") and h.inside for h in both.hits)
    assert both.unit == "month" and [(p.label, p.count) for p in both.dates] == [
        ("May 1949", both.total)]
    # Under both, each facet counts under the other: the chosen ones with every hit.
    assert [(v.label, v.count) for v in both.facets["claimant"] if v.chosen] == [
        ("Mao Zedong", both.total)]
    assert sum(v.count for v in both.facets["doc"]) == both.total
    # A chosen value that the other facets leave without hits stays listed, with 0.
    none = index.search("Chinese", Filters(claimant=base + MAO, date_from="1950"))
    assert none.total == 0 and [(v.label, v.count) for v in none.facets["claimant"]] == [
        ("Mao Zedong", 0)]


def _record(store: ox.Store, kg: str, name: str, text: str, date: ox.Literal | None,
            qualifier: str = "") -> None:
    g = ox.NamedNode(f"https://coldwar-kg.example.org/graph/document/{name}")
    record = ox.NamedNode(f"https://coldwar-kg.example.org/id/document/{name}")
    paragraph = ox.NamedNode(f"{record.value}/p1")
    triples = [(record, kg + "title", ox.Literal(name)), (record, kg + "paragraph", paragraph),
               (paragraph, kg + "ordinal", ox.Literal(1)),
               (paragraph, kg + "startOffset", ox.Literal(0)),
               (paragraph, kg + "endOffset", ox.Literal(len(text))),
               (paragraph, kg + "text", ox.Literal(text))]
    if date is not None:
        triples.append((record, kg + "date", date))
    if qualifier:
        triples.append((record, kg + "dateQualifier", ox.NamedNode(kg + qualifier)))
    for s, p, o in triples:
        store.add(ox.Quad(s, ox.NamedNode(p), o, g))


def test_a_date_range_keeps_the_documents_whose_date_overlaps_it(tmp_path: Path) -> None:
    """The rule: a document's date, as a span by its precision, overlaps the window."""
    base = "https://coldwar-kg.example.org"
    kg = f"{base}/ontology#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    store = ox.Store()
    for name, date, qualifier in (
            ("year", ox.Literal("1949", datatype=ox.NamedNode(xsd + "gYear")), ""),
            ("month", ox.Literal("1949-06", datatype=ox.NamedNode(xsd + "gYearMonth")), ""),
            ("day-after", ox.Literal("1949-07-01", datatype=ox.NamedNode(xsd + "date")), ""),
            ("about", ox.Literal("1948", datatype=ox.NamedNode(xsd + "gYear")), "About"),
            ("before", ox.Literal("1949-03-01", datatype=ox.NamedNode(xsd + "date")), "Before"),
            ("undated", None, "")):
        _record(store, kg, name, f"The telegram dated {name}.", date, qualifier)
    index = FullText(write_index(store, base, tmp_path / "fulltext.sqlite"))
    found = index.search("telegram", Filters(date_from="1949-05", date_to="1949-06"))
    titles = {h.title: h.inside for h in found.hits}
    # "1949" and "about 1948" (1947-1949) overlap May-June 1949 without lying inside it;
    # June 1949 lies inside; 1 July 1949, before 1 March 1949 and no date are left out.
    assert titles == {"year": False, "month": True, "about": False}
    assert found.unit == "month"
    assert [(p.value, p.label, p.count) for p in found.dates] == [
        ("1949-06", "June 1949", 1), ("", "dated 1949", 1), ("", "dated about 1948", 1)]
    everything = index.search("telegram")
    assert [(p.label, p.count) for p in everything.dates] == [
        ("1949", 3), ("dated about 1948", 1), ("dated before 1949-03-01", 1), ("undated", 1)]
    assert index.search("telegram", Filters(date_to="1949-02")).total == 3  # before, about, year
    with pytest.raises(SearchError, match="not a year, year-month or date"):
        Filters.from_args({"from": "1949-13"})
    with pytest.raises(SearchError, match="starts .* after it ends"):
        Filters.from_args({"from": "1949-06", "to": "1949-05"})


@pytest.mark.parametrize(("args", "message"), [
    ({"from": "May 1949"}, "from: 'May 1949' is not a year, year-month or date"),
    ({"to": "1949-02-30"}, "to: '1949-02-30' is not a year"),
    ({"from": "1950", "to": "1949"}, "after it ends"),
    ({"kind": "Memorandum"}, "the index holds no kind 'Memorandum'; known: Cable"),
    ({"claimant": "https://example.org/nobody"}, "the index holds no claimant"),
    ({"party": "x"}, "the index holds no party 'x'"),
    ({"doc": "/id/document/none"}, "the index holds no doc"),
    ({"limit": "ten"}, "limit: 'ten' is not a whole number"),
])
def test_bad_parameters_are_a_400_with_a_message(client: FlaskClient, args: dict,
                                                 message: str) -> None:
    answer = client.get("/search.json", query_string={"q": "Chinese", **args})
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["status"] == 400 and message in body["message"], body
    html_args = {"q": "Chinese", **{k: v for k, v in args.items() if k != "limit"}}
    if html_args != {"q": "Chinese"}:
        page = client.get("/search", query_string=html_args, headers={"Accept": "text/html"})
        assert page.status_code == 400
        text = page.get_data(as_text=True)
        assert "This search cannot run" in text and "Traceback" not in text


def test_json_holds_names_and_passages_with_facets(client: FlaskClient, built: Built) -> None:
    base = built.config.base_iri
    answer = client.get("/search", query_string={"q": "Chinese", "claimant": base + MAO,
                                                 "limit": 3},
                        headers={"Accept": "application/json"})
    body = answer.get_json()
    assert body["results"] and all(r["label"] for r in body["results"])  # the names
    passages = body["passages"]
    assert passages["filters"] == {"claimant": base + MAO}
    assert len(passages["hits"]) == 3 < passages["total"]
    hit = passages["hits"][0]
    assert hit["link"] == f"{hit['path']}.html#p{hit['paragraph']}"
    assert "chinese" in "".join(text for text, matched in hit["parts"] if matched).lower()
    assert any(c["iri"] == base + MAO for c in hit["claimants"])
    claimant = [v for v in passages["facets"]["claimant"] if v["chosen"]]
    assert claimant == [{"value": base + MAO, "label": "Mao Zedong",
                         "count": passages["total"], "chosen": True}]
    assert sum(p["count"] for p in passages["dates"]["periods"]) == passages["total"]
    following = client.get("/search.json", query_string={
        "q": "Chinese", "claimant": base + MAO, "limit": 3, "offset": 3}).get_json()
    assert following["passages"]["offset"] == 3
    assert {h["link"] for h in following["passages"]["hits"]}.isdisjoint(
        h["link"] for h in passages["hits"])


def test_the_record_and_the_telegram_it_reproduces_are_told_apart(
        client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "Kovalev to Filippov"}).get_data(True)
    items = re.findall(r"<li>(.*?)</li>", html.split('<ol class="results"')[1], re.S)
    same = [re.sub(r"<[^>]+>|\s+", " ", i) for i in items if "No.54755" in i]
    assert len(same) == 2 and same[0] != same[1]
    record = next(i for i in same if "Archival record" in i)
    telegram = next(i for i in same if "Ciphered telegram" in i)
    assert "archive: APRF, F. 45" in record and "1949-05-17" in record
    assert "archive:" not in telegram and "the archival record" in telegram


def test_the_index_lives_in_the_build_folder_written_whole(client: FlaskClient,
                                                           built: Built) -> None:
    client.get("/search?q=Shanghai")
    folder = built.config.store_path.resolve().parent
    assert (folder / "fulltext.sqlite").is_file()
    assert not list(folder.glob(".fulltext.sqlite.*.tmp"))
    assert FullText(folder / "fulltext.sqlite").search("Shanghai").total >= 1


def test_an_index_of_another_version_is_made_again(built: Built, tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "fulltext.sqlite")) as db:
        db.execute("CREATE TABLE documents (doc INTEGER)")  # as an older version left it
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        db.commit()
    index = open_index(open_store_handle(built.config.store_path), built.config.base_iri,
                       tmp_path)
    assert index.search("prisoners").total == 1


def _contents(path: Path) -> dict[str, set[tuple]]:
    """An index's rows, keyed by IRIs and ordinals rather than row numbers."""
    with closing(sqlite3.connect(path)) as db:
        return {
            "documents": set(db.execute("SELECT iri, title, kind, date, lo, hi, citation "
                                        "FROM documents")),
            "parties": set(db.execute("SELECT d.iri, role, x.iri, label FROM parties x "
                                      "JOIN documents d ON d.doc = x.doc")),
            "paragraphs": set(db.execute("SELECT d.iri, p.ordinal, p.start, p.text FROM "
                                         "paragraphs p JOIN documents d ON d.doc = p.doc")),
            "claims": set(db.execute(
                "SELECT d.iri, p.ordinal, c.iri, c.reporter FROM claims c JOIN paragraphs p "
                "ON p.rowid = c.para JOIN documents d ON d.doc = p.doc"))}


def test_an_incremental_build_gets_its_own_consistent_index(tmp_path: Path) -> None:
    """Each build has its own folder, so its own index, made from its own store: after an
    incremental build the index holds every paragraph of the new store (whose quads a full
    build's are: tests/test_incremental_build.py), and the build before keeps its index."""
    project = Project(tmp_path / "project", 2)
    page = project.pages()[-1]
    project.set_aside(page)
    project.build()
    store_path = project.config.store_path
    base = project.config.base_iri

    def index_of(path: Path) -> Path:
        return open_index(open_store_handle(path), base, path.resolve().parent).path

    first = index_of(store_path)
    before = _contents(first)
    project.bring_back(page.stem)
    assert "incremental build: 1 documents added" in project.build()
    second = index_of(store_path)
    assert second.parent != first.parent and _contents(first) == before
    after = _contents(second)
    assert len(after["documents"]) == len(before["documents"]) + 1
    assert before["claims"] < after["claims"]
    store = open_store_handle(store_path)
    kg = f"{base}/ontology#"
    assert after["paragraphs"] == {
        (r.value, int(n.value), int(start.value), text.value)
        for r, n, start, text in store.query(
            f"SELECT ?r ?n ?s ?t WHERE {{ ?r <{kg}paragraph> ?p . ?p <{kg}ordinal> ?n ; "
            f"<{kg}startOffset> ?s ; <{kg}text> ?t }}", use_default_graph_as_union=True)}


def test_links_keep_the_other_filters_and_remove_one(client: FlaskClient,
                                                     built: Built) -> None:
    mao = built.config.base_iri + MAO
    html = client.get("/search", query_string={
        "q": "Chinese", "claimant": mao, "from": "1949"}).get_data(as_text=True)
    for facet in ("kind", "party", "doc"):
        block = re.search(rf'<ul data-facet="{facet}".*?</ul>', html, re.S)
        assert block, facet
        links = re.findall(r'href="([^"]+)"', block.group(0))
        assert links and all("claimant=" in u and "from=1949" in u for u in links)
    chip = re.search(r'<span class="chip">Claimant: Mao Zedong\s*<a href="([^"]+)"', html)
    assert chip and "claimant=" not in chip.group(1) and "from=1949" in chip.group(1)
    assert re.search(r'<a href="/search\?q=Chinese#text">remove all</a>', html)


def test_passages_come_in_pages(client: FlaskClient, index: FullText) -> None:
    total = index.search("a*").total
    assert total > 20
    first = client.get("/search?q=a*").get_data(as_text=True)
    assert f"Passages 1–20 of {total}" in first
    second = re.search(r'href="([^"]+)" rel="next"', first)
    assert second
    page = client.get(second.group(1).replace("&amp;", "&").split("#")[0]).get_data(True)
    assert f"Passages 21–{min(40, total)} of {total}" in page and 'rel="prev"' in page
