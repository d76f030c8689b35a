"""End to end over a production triple store: Virtuoso Open Source 7.2 (Debian's
``virtuoso-opensource``), started here on loopback over a new database in a folder of its
own (``bench.virtuoso.running``). ``kg publish`` loads the built graph; then what Virtuoso
answers, directly and through a real ``kg serve`` with ``KG_STORE=<virtuoso>/sparql``, is
compared with the embedded store. The differences docs/scaling.md lists are asserted to be
there, and to be the only ones. ``make test-virtuoso`` installs Virtuoso and runs this."""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from conftest import QUERIES, Built, kg_serve
from kg.cli import main
from kg.config import PROJECT_ROOT
from kg.errors import QueryError, StoreError
from kg.store.builds import open_store
from kg.store.publish import publish
from kg.store.query import execute, with_prologue
from kg.store.remote import JSON, RemoteStore, solutions

sys.path.insert(0, str(PROJECT_ROOT))  # the Virtuoso launcher the benchmark uses (bench/)
from bench.virtuoso import PASSWORD, USER, VIRTUOSO, Virtuoso, running  # noqa: E402

pytestmark = pytest.mark.skipif(
    VIRTUOSO is None, reason="Virtuoso is not installed: `make test-virtuoso` installs "
    "Debian's virtuoso-opensource and runs this file")

XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"

#: Competency queries Virtuoso 7.2.5 answers otherwise than the embedded store, and why
#: (docs/scaling.md); every other one must give the same rows.
DIFFERENT = {
    "05-li-lisan.rq": "leaves ?value and ?document unbound where the value is a literal",
    "06-evidence.rq": "xsd:duration values come back as numbers",
    "07-inferred-only.rq": "xsd:duration values come back as numbers",
    "09-people-in-both-documents.rq": "GROUP_CONCAT drops the common language tag",
    "15-forecasts.rq": "GROUP_CONCAT drops the language tag, and orders otherwise",
    "17-time-spans.rq": "xsd:duration values come back as numbers",
    "18-revised-estimates.rq": "durations compared as numbers, booleans as 0/1, "
                               "integer division",
    "20-intervals.rq": "xsd:duration values come back as numbers",
    "23-dates-and-precision.rq": "a FILTER inside OPTIONAL does not see the outer ?p",
    "25-prisoners-and-losses.rq": "integer division gives an integer, not a decimal",
}
#: ... and one its SPARQL compiler refuses (an internal error).
REFUSED = {"27-posts-following-identifications.rq"}
#: Not run here: 6-8 s on Virtuoso (12,624 rows); what it differs in, the durations of
#: the inferred graph, is compared triple by triple; ``python -m bench.virtuoso`` runs it.
SLOW = {"07-inferred-only.rq"}


@pytest.fixture(scope="module")
def virtuoso(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Virtuoso with the built graph published to it by ``kg publish``."""
    with running(tmp_path_factory.mktemp("virtuoso"), buffers=20_000) as server:
        result = CliRunner().invoke(main, [
            "--data-dir", built.config.data_dir, "publish", "--store", server.graph_store,
            "--user", USER, "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        yield server


@pytest.fixture(scope="module")
def remote(built: Built, virtuoso: Virtuoso) -> RemoteStore:
    return RemoteStore.from_url(virtuoso.sparql, built.config.base_iri, timeout=60)


def _rows(result: object) -> list[tuple[str, ...]]:
    names = [v.value for v in result.variables]  # type: ignore[attr-defined]
    return sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names)
                  for s in result)  # type: ignore[attr-defined]


def _ours(built: Built, text: str) -> object:
    with open_store(built.config.store_path) as local:
        result = execute(local, text, built.config.base_iri)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            return _rows(result)
        return sorted(str(t) for t in result)  # type: ignore[attr-defined]


def test_publish_loads_every_named_graph_and_replaces_it(
        built: Built, virtuoso: Virtuoso, remote: RemoteStore) -> None:
    per_graph = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                 f'FILTER(STRSTARTS(STR(?g), "{built.config.base_iri}/")) }} GROUP BY ?g')

    def counts() -> dict[str, int]:
        return {r["g"].value: int(r["n"].value) for r in remote.select(per_graph)}

    assert counts() == built.report.triples
    # Again, as a library call with digest authentication: replaced, never duplicated.
    again = publish(built.config.store_path, virtuoso.graph_store, user=USER,
                    password=PASSWORD)
    assert again.graphs == built.report.triples == counts()
    # Virtuoso's default graph also holds its own system graphs.
    everything = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(everything[0]["n"].value) > sum(built.report.triples.values())
    with pytest.raises(StoreError, match="refused user 'dba': HTTP 401"):
        publish(built.config.store_path, virtuoso.graph_store, user=USER, password="wrong")
    anonymous = CliRunner().invoke(main, ["--data-dir", built.config.data_dir, "publish",
                                          "--store", virtuoso.graph_store])
    assert anonymous.exit_code != 0
    assert anonymous.output.strip().endswith("asks for a user name and password "
                                             "(--user, --password)")


def test_stored_triples_are_the_embedded_ones_but_for_durations(
        built: Built, remote: RemoteStore) -> None:
    """Every triple of every graph comes back as sent, except that Virtuoso keeps each
    xsd:duration as a number (months or seconds), losing its lexical form."""
    changed = 0
    with open_store(built.config.store_path) as local:
        for graph in local.named_graphs():
            ours = list(local.quads_for_pattern(None, None, None, graph))
            answer = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> "
                                  "{ ?s ?p ?o } }", accept="application/n-triples")
            theirs = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
            assert len(theirs) == len(ours), graph
            named = {str(q.triple) for q in ours if not _blank(q.subject, q.object)}
            got = {str(t) for t in theirs if not _blank(t.subject, t.object)}
            durations = {str(q.triple) for q in ours if isinstance(q.object, ox.Literal)
                         and q.object.datatype.value == XSD_DURATION}
            assert named - got == durations, graph
            assert len(got - named) == len(durations)
            assert all(f"^^<{XSD_DURATION}>" in t and '"P' not in t for t in got - named)
            changed += len(durations)
    assert changed > 0, "no duration in the graph: the test proves less than it says"


def _blank(*terms: object) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in terms)


def test_queries_answer_like_the_embedded_store_but_where_documented(
        built: Built, remote: RemoteStore) -> None:
    base = built.config.base_iri
    stalin = f"{base}/id/person/joseph-stalin"
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } " \
                f'FILTER(STRSTARTS(STR(?g), "{base}/")) }} GROUP BY ?g'
    # The published copy holds the explanations graph too (the embedded store keeps it
    # beside itself, out of its SPARQL): SPARQL over explanations is kept there.
    explanations = f"<{base}/graph/explanations>"
    theirs = _rows(solutions(remote.query(per_graph).body))
    assert [r for r in theirs if r[0] != explanations] == _ours(built, per_graph)
    assert (explanations, f'"{built.report.triples[explanations[1:-1]]}"'
            '^^<http://www.w3.org/2001/XMLSchema#integer>') in theirs
    construct = f"CONSTRUCT {{ <{stalin}> ?p ?o }} WHERE {{ <{stalin}> ?p ?o }}"
    graph = ox.parse(remote.query(construct, accept="application/n-triples").body,
                     format=ox.RdfFormat.N_TRIPLES)
    mine = _ours(built, construct)
    assert sorted(str(t) for t in graph) == mine and any("Filippov" in t for t in mine)
    for ask, expected in ((f'ASK {{ <{stalin}> kg:codename "Filippov" }}', True),
                          (f'ASK {{ <{stalin}> kg:codename "Strakhov" }}', False)):
        assert _ours(built, ask) is expected
        assert bool(solutions(remote.query(ask).body)) is expected
        tsv = remote.query(ask, accept="text/tab-separated-values")
        assert tsv.body.decode() == str(expected).lower()

    differing = set()
    for rq in sorted(QUERIES.glob("*.rq")):
        text = rq.read_text(encoding="utf-8")
        if rq.name in SLOW:
            continue
        if rq.name in REFUSED:
            with pytest.raises(QueryError, match="SPARQL compiler"):
                remote.query(text)
            continue
        if _rows(solutions(remote.query(text).body)) != _ours(built, text):
            differing.add(rq.name)
    assert differing == set(DIFFERENT) - SLOW


def _statements(html: str) -> list[str]:
    """A page, whitespace folded, cut at each list item, with the statements of each
    fact item (``<li>node: <em>property</em> value; ...</li>``) sorted: a page lists a
    node's statements in the order the store gives them."""
    def fact(item: re.Match[str]) -> str:
        head, sep, rest = item.group(1).partition(": <em>")
        statements = sorted(f"<em>{rest}".split("; "))
        return f"<li>{head}: {'; '.join(statements)}</li>" if sep else item.group(0)
    return re.sub(r"<li>(.*?)</li>", fact, re.sub(r"\s+", " ", html)).split("<li")


def test_the_server_answers_its_pages_and_sparql_from_virtuoso(
        built: Built, virtuoso: Virtuoso, client: FlaskClient, tmp_path: Path) -> None:
    with kg_serve(built.config.data_dir, tmp_path, workers=1, store=virtuoso.sparql) as url:
        def get(path: str, accept: str = "text/html") -> bytes:
            req = urllib.request.Request(url + path, headers={"Accept": accept})
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (loopback)
                return resp.read()

        text = with_prologue((QUERIES / "02-deviations.rq").read_text(), built.config.base_iri)
        path = "/sparql?" + urllib.parse.urlencode({"query": text})
        theirs = solutions(get(path, "application/sparql-results+json"))
        ours = solutions(client.get(path, headers={"Accept": JSON}).data)
        assert _rows(theirs) == _rows(ours)
        tsv = get(path, "text/tab-separated-values").decode()
        assert tsv == client.get(path, headers={"Accept": "text/tab-separated-values"}).text
        assert [line.split("\t")[2] for line in tsv.splitlines()[1:]] == \
            ['"Chen Duxiu"@en', '"Li Lisan"@en', '"Wang Ming"@en']
        ask = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s kg:codename ?o }"})
        assert json.loads(get(ask, JSON))["boolean"] is True

        stalin = get("/id/person/joseph-stalin.nt", "application/n-triples")
        assert sorted(stalin.decode().splitlines()) == \
            sorted(client.get("/id/person/joseph-stalin.nt").get_data(as_text=True).splitlines())
        person = get("/id/person/li-lisan.html").decode()
        assert person == client.get("/id/person/li-lisan.html").get_data(as_text=True)
        assert "the second—is Strakhov (Li Lisan)" in person
        # The ontology graph's blank nodes (OWL lists) come from Virtuoso as nodeID://...
        assert get("/ontology") == client.get("/ontology").data

        page = "/id/document/1949-05-17-kovalev-to-filippov.html"
        theirs_items = _statements(get(page).decode())
        ours_items = _statements(client.get(page).get_data(as_text=True))
        assert len(theirs_items) == len(ours_items) > 100
        unequal = [(a, b) for a, b in zip(ours_items, theirs_items, strict=True) if a != b]
        duration = re.compile(r"(<em>duration</em> )“[^”]*”")
        assert unequal, "no duration on the page: the comparison proves less than it says"
        for a, b in unequal:  # a duration's value, and nothing else
            assert re.search(r"<em>duration</em> “P", a), (a, b)
            assert duration.sub(r"\1…", a) == duration.sub(r"\1…", b), (a, b)
