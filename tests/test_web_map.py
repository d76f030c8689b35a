"""The map (issue 19, point 4): every placed item of the graph at its place, routes of
communications, places without coordinates listed and never drawn; the coordinates file
checked; the page in Chromium at 1366 and 375 px (screenshots tests/artifacts/map-*.png).

The browser tests use the browser and server of tests/test_web_browser.py (skipped as it is,
with the reason, when Chromium or playwright is missing)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from conftest import Built
from kg.config import PROJECT_ROOT
from kg.errors import MappingError
from kg.mapping import coordinates
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.read.geography import WIDTH, layout, map_data, panel_svg
from kg.store.builds import open_store_handle

ATLAS = str(PROJECT_ROOT / "node_modules" / "world-atlas")
#: Every (item, place) pair the graph states, with the place's coordinates if it has them:
#: asked of the union graph (inferred kg:place covers placeTaken, sentFrom ...).
PAIRS = """SELECT DISTINCT ?item ?place ?lat ?long WHERE {{
  VALUES ?p {{ <{kg}place> <{kg}destination> <{kg}atPlace> <{kg}residedIn> <{kg}sentTo> }}
  ?item ?p ?place . ?place a <{kg}Place> . FILTER(STRSTARTS(STR(?item), "{base}/id/"))
  OPTIONAL {{ ?place <{kg}latitude> ?lat ; <{kg}longitude> ?long }} }}"""
ROUTES = """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c <{kg}sentFrom> ?a ; <{kg}sentTo> ?b .
  ?a <{kg}latitude> ?x . ?b <{kg}latitude> ?y }}"""


@pytest.fixture(scope="module")
def store(built: Built) -> Iterator[ox.Store]:
    handle = open_store_handle(built.config.store_path)
    yield handle
    del handle


def _pairs(store: ox.Store, base: str) -> list[tuple[str, str, float | None, float | None]]:
    return [(i.value, p.value, float(lat.value) if lat else None,
             float(long.value) if long else None)
            for i, p, lat, long in store.query(PAIRS.format(kg=f"{base}/ontology#", base=base),
                                               use_default_graph_as_union=True)]


def test_every_placed_item_is_on_the_map_data(store: ox.Store, built: Built) -> None:
    base = built.config.base_iri
    pairs = _pairs(store, base)
    data = map_data(store, base)
    assert {(i.iri, i.place) for i in data.items} == {(i, p) for i, p, _, _ in pairs}
    located = {(i, p) for i, p, lat, _ in pairs if lat is not None}
    assert {(i.iri, i.place) for i in data.drawn} == located
    assert len(located) >= 10  # Beijing, Tianjin, Xuzhou, Moscow ... have coordinates
    for _, place, lat, long in pairs:  # the graph's coordinates, unchanged
        assert (data.places[place].lat, data.places[place].long) == (lat, long)
    names = {p.label for p in data.unlocated}
    assert {"Southern front", "Manchuria", "Yangtze River"} <= names  # never a made-up point
    assert all(p.lat is None for p in data.unlocated)
    beijing = data.places[f"{base}/id/place/beijing"]
    assert beijing.source.startswith("https://www.geonames.org/")


def test_each_mark_is_drawn_once_at_its_place(store: ox.Store, built: Built) -> None:
    base = built.config.base_iri
    data = map_data(store, base)
    panels = layout(data)
    svgs = [panel_svg(p, data, base, ATLAS, f"m{n}") for n, p in enumerate(panels)]
    marks = [m for svg in svgs for m in re.findall(r'data-item="([^"]+)"', svg)]
    assert sorted(marks) == sorted(i.iri for i in data.drawn)
    unlocated = {p.iri for p in data.unlocated}
    assert not any(f'data-place="{p}"' in svg for p in unlocated for svg in svgs)
    for panel, svg in zip(panels, svgs, strict=True):  # each mark beside its place's point
        for place in panel.places:
            x, y = panel.view.xy(data.places[place].long, data.places[place].lat)
            group = re.search(rf'data-place="{re.escape(place)}">(.*?)</g>', svg).group(1)
            for cx, cy in re.findall(r'class="mark"[^>]*cx="([\d.-]+)" cy="([\d.-]+)"', group):
                assert math.dist((x, y), (float(cx), float(cy))) < 40
            assert 0 <= x <= WIDTH and 0 <= y <= panel.view.height
    assert 'class="land"' in svgs[0] and len(svgs[0]) < 200_000


def test_routes_need_both_places_with_coordinates(store: ox.Store, built: Built) -> None:
    """A communication with kg:sentFrom and kg:sentTo is a route; drawn only when both
    places have coordinates (the seed documents state none: a small store here)."""
    base = built.config.base_iri
    kg = f"{base}/ontology#"
    small = ox.Store()
    ontology = ox.NamedNode(f"{base}/graph/ontology")
    small.extend(store.quads_for_pattern(None, None, None, ontology))
    registry = ox.NamedNode(f"{base}/graph/registry")
    for place in ("beijing", "moscow", "manchuria"):
        node = ox.NamedNode(f"{base}/id/place/{place}")
        small.extend(store.quads_for_pattern(node, None, None, registry))
    doc = ox.NamedNode(f"{base}/graph/document/test")

    def telegram(name: str, start: str, end: str) -> None:
        c = ox.NamedNode(f"{base}/id/communication/{name}")
        small.extend([ox.Quad(c, ox.NamedNode(kg + "sentFrom"),
                              ox.NamedNode(f"{base}/id/place/{start}"), doc),
                      ox.Quad(c, ox.NamedNode(kg + "sentTo"),
                              ox.NamedNode(f"{base}/id/place/{end}"), doc),
                      ox.Quad(c, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                              ox.NamedNode(kg + "Communication"), doc)])

    telegram("t1", "beijing", "moscow")
    telegram("t2", "manchuria", "moscow")
    data = map_data(small, base)
    assert [(r.start.rsplit("/", 1)[1], r.end.rsplit("/", 1)[1]) for r in data.routes] == [
        ("beijing", "moscow"), ("manchuria", "moscow")]
    assert [r.iri.rsplit("/", 1)[1] for r in data.drawn_routes] == ["t1"]
    assert data.communications == 2
    # a telegram is also an item at the places it was sent from and to
    assert {(i.iri.rsplit("/", 1)[1], data.places[i.place].label, i.roles)
            for i in data.drawn} == {("t1", "Beijing", ("sent from",)),
                                     ("t1", "Moscow", ("sent to",)),
                                     ("t2", "Moscow", ("sent to",))}
    svgs = [panel_svg(p, data, base, ATLAS, f"m{n}") for n, p in enumerate(layout(data))]
    assert sum(s.count('class="route"') for s in svgs) == 1
    assert "manchuria" not in "".join(svgs)


@pytest.mark.parametrize(("entry", "message"), [
    ("  manchuria: {lat: 45.0, long: 125.0, source: https://example.org/x}",
     "'manchuria' is a Region: it has no one point"),
    ("  atlantis: {lat: 1.0, long: 2.0, source: https://example.org/x}",
     "'atlantis' is not a place id"),
    ("  beijing: {lat: 139.9, long: 116.4, source: https://example.org/x}",
     "lat of 'beijing' must be decimal degrees from -90 to 90"),
    ("  beijing: {lat: 39.9, long: 116.4}", "coordinates of 'beijing' must be"),
    ("  beijing: {lat: 39.9, long: 116.4, source: GeoNames}", "source of 'beijing' must be"),
])
def test_bad_coordinates_name_the_line(tmp_path: Path, entry: str, message: str) -> None:
    ontology = Ontology.load(PROJECT_ROOT / "ontology", Iris("https://example.org"))
    registry = Registry.load(PROJECT_ROOT / "mappings", ontology)
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / coordinates.COORDINATES_FILE).write_text(f"coordinates:\n{entry}\n")
    with pytest.raises(MappingError) as err:
        coordinates.load(mappings, registry)
    assert message in str(err.value) and err.value.line == 2


def test_the_map_page_and_its_data(client: FlaskClient, store: ox.Store, built: Built) -> None:
    html = client.get("/map").get_data(as_text=True)
    drawn = [(i, p) for i, p, lat, _ in _pairs(store, built.config.base_iri) if lat]
    assert html.count('class="mark"') == len(drawn)
    assert re.search(r"\d+ places without coordinates", html)
    rows = html.count("<tr") - 1 - html.count('class="route-row"')
    assert rows == len(_pairs(store, built.config.base_iri))
    data = client.get("/map.json").get_json()
    assert len(data["items"]) == len(_pairs(store, built.config.base_iri))
    assert '<a href="/map">Map</a>' in client.get("/timeline").get_data(as_text=True)


# --- In Chromium ------------------------------------------------------------------------------

from test_web_browser import Page, browser, server  # noqa: E402, F401 - fixtures


def test_the_map_in_the_browser(server: str, browser: Any, store: ox.Store,  # noqa: F811
                                built: Built) -> None:
    base = built.config.base_iri
    placed = sum(1 for _, _, lat, _ in _pairs(store, base) if lat is not None)
    routes = int(next(iter(store.query(ROUTES.format(kg=f"{base}/ontology#"),
                                       use_default_graph_as_union=True)))[0].value)
    for width in (1366, 375):
        p = Page(browser, width=width)
        requests: list[str] = []
        p.page.on("request", lambda r, seen=requests: seen.append(r.url))
        try:
            p.page.set_viewport_size({"width": width, "height": 768 if width > 400 else 740})
            p.page.goto(server + "/map")
            p.page.wait_for_load_state("networkidle")
            assert p.page.locator("svg.map circle.mark").count() == placed
            assert p.page.locator("svg.map path.route").count() == routes
            assert p.page.locator("table.map-table tbody tr").count() >= placed
            box = p.page.locator("svg.map").first.bounding_box()
            assert box and box["width"] >= min(width - 40, 900) * 0.8  # the map fills the column
            if width == 375:
                assert p.page.evaluate("document.documentElement.scrollWidth") <= 376
                labels = p.page.locator("table.map-table td:not([data-label])").count()
                assert labels == 0
            p.shot(f"map-{width}", full=True)
            assert p.errors == []
            hosts = {urlparse(u).hostname for u in requests if not u.startswith("data:")}
            assert hosts == {"127.0.0.1"}, hosts
        finally:
            p.close()
