"""``/reconcile``: the W3C Entity Reconciliation Service API over the built graph, with the
API's own request shapes (the manifest, ``queries=`` batches by GET and POST form, types,
properties, preview, suggest), its errors, and an OpenRefine-style client flow against a
real ``kg serve``."""

from __future__ import annotations

import json

import pytest
import requests
from flask.testing import FlaskClient

from conftest import Built

DOC = "document/1949-05-17-kovalev-to-filippov"


def batch(client: FlaskClient, queries: dict, method: str = "GET") -> dict:
    text = json.dumps(queries)
    if method == "GET":
        response = client.get("/reconcile", query_string={"queries": text})
    else:
        response = client.post("/reconcile", data={"queries": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def first(client: FlaskClient, query: dict) -> dict:
    return batch(client, {"q0": query})["q0"]["result"][0]


def test_manifest(client: FlaskClient, built: Built) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    m = response.get_json()
    assert m["name"] and "0.2" in m["versions"]
    assert m["identifierSpace"] == built.config.base_iri + "/id/"
    assert m["schemaSpace"] == built.config.base_iri + "/ontology#"
    assert {"id": "Person", "name": "Person"} in m["defaultTypes"]
    assert {t["id"] for t in m["defaultTypes"]} >= {"Person", "Organization", "Place"}
    assert m["view"]["url"].endswith("/id/{{id}}.html")
    assert "{{id}}" in m["preview"]["url"] and m["preview"]["width"] > 0
    for kind in ("entity", "type", "property"):
        service = m["suggest"][kind]
        assert service["service_path"] == f"/reconcile/suggest/{kind}"
        assert service["service_url"].startswith("http://")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_batch_finds_cover_names_spellings_and_chinese_script(
        client: FlaskClient, method: str) -> None:
    answer = batch(client, {
        "q0": {"query": "Filippov"}, "q1": {"query": "Strakhov"},
        "q2": {"query": "Ju Yeong-ha"}, "q3": {"query": "斯大林"},
        "q4": {"query": "Yao Soushi"}, "q5": {"query": "Zzyzx Qwerty"}}, method)
    assert set(answer) == {"q0", "q1", "q2", "q3", "q4", "q5"}
    stalin = answer["q0"]["result"][0]
    assert (stalin["id"], stalin["name"], stalin["how"]) == (
        "person/joseph-stalin", "Joseph Stalin", "cover name")
    assert stalin["match"] is True and stalin["score"] == 100
    assert stalin["type"] == [{"id": "Person", "name": "Person"}]
    assert "cover name" in stalin["description"]
    sources = {e["source"] for e in stalin["evidence"]}
    assert sources == {"registry", "document"}
    registry = next(e for e in stalin["evidence"] if e["source"] == "registry")
    assert "1949" in registry["note"]
    docs = [e for e in stalin["evidence"] if e["source"] == "document"]
    assert any(e["document"].endswith(DOC) and "Filippov" in e["quote"] for e in docs)

    li = answer["q1"]["result"][0]
    assert (li["id"], li["how"], li["match"]) == ("person/li-lisan", "cover name", True)
    assert any("Strakhov (Li Lisan)" in e.get("quote", "") and e["claimedBy"] == "Mao Zedong"
               for e in li["evidence"])
    chu = answer["q2"]["result"][0]
    assert (chu["id"], chu["how"], chu["match"]) == ("person/chu-yong-ha", "spelling", True)
    assert answer["q3"]["result"][0]["id"] == "person/joseph-stalin"
    assert answer["q3"]["result"][0]["how"] == "Chinese-script name"
    rao = answer["q4"]["result"][0]
    assert (rao["id"], rao["how"]) == ("person/rao-shushi", "spelling")
    assert any("Curators" in e.get("claimedBy", "") for e in rao["evidence"])
    assert answer["q5"]["result"] == []


def test_single_query_by_get_and_post(client: FlaskClient) -> None:
    for response in (client.get("/reconcile?query=Strakhov"),
                     client.post("/reconcile", data={"query": json.dumps(
                         {"query": "Strakhov", "limit": 1})})):
        assert response.status_code == 200
        result = response.get_json()["result"]
        assert result[0]["id"] == "person/li-lisan"
    assert len(client.post("/reconcile", data={"query": json.dumps(
        {"query": "Kim", "limit": 2})}).get_json()["result"]) == 2


def test_scores_are_bounded_deterministic_and_match_only_when_unambiguous(
        client: FlaskClient) -> None:
    queries = {"q0": {"query": "Kim", "limit": 20}, "q1": {"query": "Stal"},
               "q2": {"query": "Ciphered Telegram No.54755 from Kovalev to Filippov [Stalin]"}}
    one, two = batch(client, queries), batch(client, queries)
    assert one == two
    for answer in one.values():
        scores = [r["score"] for r in answer["result"]]
        assert scores == sorted(scores, reverse=True)
        assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores)
    assert not any(r["match"] for a in one.values() for r in a["result"])
    # The record and its communication share the title: two exact names, no match.
    exact = [r for r in one["q2"]["result"] if r["score"] == 100]
    assert {r["id"].split("/")[0] for r in exact} == {"document", "communication"}


def test_types_narrow_the_candidates(client: FlaskClient) -> None:
    assert first(client, {"query": "Stalin", "type": "Person"})["id"] == "person/joseph-stalin"
    places = batch(client, {"q0": {"query": "Stalin", "type": "Place"}})["q0"]["result"]
    assert places and all(any(t["id"] in ("Settlement", "Place", "Country", "Region")
                              for t in r["type"]) for r in places)
    assert "place/stalingrad" in {r["id"] for r in places}
    # A class IRI or a kg: name says the same; a list of types is any of them.
    base = client.get("/reconcile").get_json()["schemaSpace"]
    assert first(client, {"query": "Stalingr", "type": base + "Settlement"})["id"] == \
        "place/stalingrad"
    either = batch(client, {"q0": {"query": "Stalin", "type": ["kg:Person", "Place"]}})
    assert {r["id"] for r in either["q0"]["result"]} >= {"person/joseph-stalin",
                                                         "place/stalingrad"}
    none = batch(client, {"q0": {"query": "Filippov", "type": "Organization"}})
    assert all(r["id"] != "person/joseph-stalin" for r in none["q0"]["result"])


def test_properties_adjust_scores(client: FlaskClient) -> None:
    def stalin(props: list) -> dict:
        return first(client, {"query": "Stalin", "type": "Person", "properties": props})

    agrees = stalin([{"pid": "country", "v": "soviet-union"}])
    assert (agrees["score"], agrees["match"]) == (100, True)
    assert stalin([{"pid": "country", "v": "Soviet Union"}])["score"] == 100
    disagrees = stalin([{"pid": "country", "v": "China"}])
    assert disagrees["score"] < 100 and disagrees["match"] is False
    assert stalin([{"pid": "wikidata", "v": "Q855"}])["score"] == 100
    assert stalin([{"pid": "wikidata", "v": "http://www.wikidata.org/entity/Q855"}])[
        "score"] == 100
    wrong = stalin([{"pid": "wikidata", "v": "Q1"}])
    assert wrong["score"] < disagrees["score"] + 1 and wrong["match"] is False
    # An entity without the value is neither helped nor sunk: between the two.
    chu = first(client, {"query": "Chu Yong-ha",
                         "properties": [{"pid": "wikidata", "v": "Q855"}]})
    assert disagrees["score"] < chu["score"] < 100


def test_preview_is_a_small_html_card(client: FlaskClient) -> None:
    response = client.get("/reconcile/preview?id=person/li-lisan")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    assert "Li Lisan" in html and "Strakhov" in html and "cover name" in html
    assert 'href="/id/person/li-lisan.html"' in html
    assert client.get("/reconcile/preview?id=person/nobody").status_code == 404


def test_suggest_entity_type_and_property(client: FlaskClient) -> None:
    got = client.get("/reconcile/suggest/entity?prefix=Filip").get_json()
    assert got["result"][0]["id"] == "person/joseph-stalin"
    assert got["result"][0]["notable"] == [{"id": "Person", "name": "Person"}]
    typed = client.get("/reconcile/suggest/entity?prefix=Stalingr&type=Place").get_json()
    assert [r["id"] for r in typed["result"]][:1] == ["place/stalingrad"]
    page = client.get("/reconcile/suggest/entity?prefix=Kim&limit=2&cursor=2").get_json()
    everything = client.get("/reconcile/suggest/entity?prefix=Kim&limit=4").get_json()
    assert page["result"] == everything["result"][2:4]
    types = client.get("/reconcile/suggest/type?prefix=pers").get_json()["result"]
    assert types[0] == {"id": "Person", "name": "Person"}
    assert any(t["id"] == "PoliticalParty" for t in client.get(
        "/reconcile/suggest/type?prefix=party").get_json()["result"])
    props = client.get("/reconcile/suggest/property?prefix=count").get_json()["result"]
    assert "country" in {p["id"] for p in props}
    assert client.get("/reconcile/suggest/property?prefix=wiki").get_json()["result"][0][
        "id"] == "wikidata"


@pytest.mark.parametrize("queries, message", [
    ("{not json", "not valid JSON"),
    ('["Stalin"]', "must be a JSON object"),
    ('{"q0": {"query": "Stalin", "type": "Spaceship"}}', "unknown type 'Spaceship'"),
    ('{"q0": {"query": "Stalin", "limit": "ten"}}', '"limit" must be a number'),
    ('{"q0": {"query": "Stalin", "limit": [1]}}', '"limit" must be a number'),
    ('{"q0": {"query": 42}}', '"query" must be a string'),
    ('{"q0": {"query": "Stalin", "properties": [{"pid": "birthDate", "v": "1878"}]}}',
     "unknown property 'birthDate'"),
    ('{"q0": {"query": "Stalin", "properties": "country"}}', '"properties" must be a list'),
])
def test_bad_requests_answer_400_with_a_message(client: FlaskClient, queries: str,
                                                message: str) -> None:
    for response in (client.get("/reconcile", query_string={"queries": queries}),
                     client.post("/reconcile", data={"queries": queries})):
        assert response.status_code == 400
        body = response.get_json()
        assert message in body["message"] and body["status"] == 400
        assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/reconcile/suggest/entity?prefix=x&type=Spaceship").status_code == 400
    assert client.get("/reconcile/suggest/entity?prefix=x&limit=many").status_code == 400
    assert client.get("/reconcile?query={broken").status_code == 400


def test_cors_preflight_and_jsonp(client: FlaskClient) -> None:
    response = client.options("/reconcile", headers={
        "Origin": "http://example.net", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    jsonp = client.get("/reconcile?query=Strakhov&callback=cb_1")
    assert jsonp.content_type.startswith("text/javascript")
    text = jsonp.get_data(as_text=True)
    assert text.startswith("cb_1(") and json.loads(text[5:-2])["result"][0]["id"] == \
        "person/li-lisan"
    assert client.get("/reconcile?callback=alert(1)").status_code == 400


# -- an OpenRefine-style client over a real server -----------------------------------------

@pytest.fixture(scope="module")
def server(built_server: str) -> str:
    """`kg serve` over the built graph (tests/conftest.py: one per test worker)."""
    return built_server


def test_openrefine_style_client_flow(server: str) -> None:
    """What OpenRefine does with a column of names: read the manifest, send the column in
    batches (POST form, with the column's type), take the ``match`` candidates, look at the
    others, open a preview."""
    session = requests.Session()
    manifest = session.get(server + "/reconcile", timeout=10).json()
    person = next(t["id"] for t in manifest["defaultTypes"] if t["name"] == "Person")
    column = ["Filippov", "Strakhov", "Ju Yeong-ha", "Mao Tse-tung", "Kim", "Ivan Nobody"]
    queries = {f"q{i}": {"query": name, "type": person, "limit": 5, "type_strict": "should"}
               for i, name in enumerate(column)}
    response = session.post(server + "/reconcile", data={"queries": json.dumps(queries)},
                            timeout=30)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    answer = response.json()
    matched = {column[int(k[1:])]: next((c["id"] for c in v["result"] if c["match"]), None)
               for k, v in answer.items()}
    assert matched == {"Filippov": "person/joseph-stalin", "Strakhov": "person/li-lisan",
                       "Ju Yeong-ha": "person/chu-yong-ha", "Mao Tse-tung": "person/mao-zedong",
                       "Kim": None, "Ivan Nobody": None}
    kims = answer["q4"]["result"]
    assert len(kims) == 5 and all(c["id"].startswith("person/kim") for c in kims)
    assert answer["q5"]["result"] == []
    how = {column[int(k[1:])]: v["result"][0]["how"] for k, v in answer.items() if v["result"]}
    assert how["Filippov"] == "cover name" and how["Ju Yeong-ha"] == "spelling"
    preview_url = manifest["preview"]["url"].replace("{{id}}", matched["Filippov"])
    preview = session.get(preview_url, timeout=10)
    assert preview.status_code == 200 and "Joseph Stalin" in preview.text
    view = session.get(manifest["view"]["url"].replace("{{id}}", matched["Strakhov"]),
                       timeout=10)
    assert view.status_code == 200 and "Li Lisan" in view.text
