"""The map: every placed item of the graph at its place, and the routes of communications,
as server-side SVG over country outlines (Natural Earth, from the npm package world-atlas).

- :func:`map_data` reads from the store what happened where: each item (event, operation,
  plan, communication, figure, person) with a place stated by ``kg:place`` or one of its
  subproperties (``placeTaken``, ``sentFrom`` ...), ``kg:destination``, ``kg:atPlace``,
  ``kg:residedIn`` or ``kg:sentTo``, once per place; the places' coordinates
  (``kg:latitude``, ``kg:longitude``, ``kg:coordinatesSource``, from
  ``mappings/coordinates.yaml``); and the communications whose place of sending and place
  of arrival the graph states (``kg:sentFrom``, ``kg:sentTo``): their routes. A place
  without coordinates is never drawn: it is listed.
- :func:`map_svg` draws them: one mark per placed item around its place, coloured by type,
  each a link to the item; routes as arcs; places too close to tell apart on the whole map
  are drawn again, larger, on a detail map (:func:`layout`), their marks only there, so
  every item is drawn exactly once.

The outlines are read from the TopoJSON file (``countries-50m.json``) and decoded here; when
the file is missing (npm did not run) the map is drawn without them, on its graticule.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

import pyoxigraph as ox

from kg.read.timeline import GROUPS as TIMELINE_GROUPS
from kg.read.timeline import timeline_items

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: The properties that place an item (each with its subproperties, from the ontology).
PLACING = ("place", "destination", "atPlace", "residedIn", "sentTo")
#: Map legend: (key, label, kg: classes, colour); an item goes to the first it belongs to.
GROUPS = (*(g for g in TIMELINE_GROUPS if g[0] not in ("position", "event")),
          ("person", "People (where they lived)", ("Person",), "#7a5c00"),
          ("figure", "Figures (forces at a place)", ("Quantity",), "#44607a"),
          ("event", "Other", (), "#006d6f"))
COLOURS = {g[0]: g[3] for g in GROUPS}
WIDTH = 960  # of every map's viewBox
CLOSE = 34  # places nearer than this on a map (viewBox units) go to a detail map


@dataclass
class Place:
    iri: str
    label: str
    kind: str  # Settlement, Region ...
    lat: float | None = None
    long: float | None = None
    source: str = ""

    @property
    def located(self) -> bool:
        return self.lat is not None and self.long is not None


@dataclass
class Placed:
    """An item at one of its places."""

    iri: str
    label: str
    kind: str  # the most specific stated kg: class label
    group: str  # a key of GROUPS
    place: str  # the place's IRI
    roles: tuple[str, ...]  # how the graph places it there: "place taken", "destination"
    when: str = ""  # its date in words, if it has one
    start: str = ""  # the date as stated, for sorting
    documents: tuple[tuple[str, str], ...] = ()  # (record IRI, title) stating the place


@dataclass
class Route:
    iri: str
    label: str
    start: str  # place IRIs
    end: str
    when: str = ""


@dataclass
class MapData:
    places: dict[str, Place] = field(default_factory=dict)  # every place used, by IRI
    items: list[Placed] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    communications: int = 0  # in the graph, with or without a route

    @property
    def drawn(self) -> list[Placed]:
        return [i for i in self.items if self.places[i.place].located]

    @property
    def unlocated(self) -> list[Place]:
        """The places items are at that have no coordinates (listed, never drawn)."""
        used = {i.place for i in self.items} | {p for r in self.routes for p in (r.start, r.end)}
        return sorted((self.places[p] for p in used if not self.places[p].located),
                      key=lambda p: p.label.casefold())

    @property
    def drawn_routes(self) -> list[Route]:
        return [r for r in self.routes
                if self.places[r.start].located and self.places[r.end].located]


def _rows(store: ox.Store, query: str) -> list:
    return list(store.query(query, use_default_graph_as_union=True))


def _v(term: object) -> str:
    return getattr(term, "value", "") if term is not None else ""


def map_data(store: ox.Store, base: str) -> MapData:
    """What happened where, from the store (see the module's description)."""
    kg = f"{base}/ontology#"
    roots = " ".join(f"<{kg}{p}>" for p in PLACING)
    stated = 'GRAPH ?g { ?item ?p ?place } FILTER(!STRENDS(STR(?g), "/graph/inferred"))'
    found: dict[tuple[str, str], set[str]] = {}
    for item, prop, place in _rows(store, f"""
        SELECT DISTINCT ?item ?pl ?place WHERE {{
          VALUES ?root {{ {roots} }} ?p <{RDFS}subPropertyOf>* ?root .
          {stated} ?place a/<{RDFS}subClassOf>* <{kg}Place> .
          OPTIONAL {{ ?p <{RDFS}label> ?pl FILTER(LANG(?pl) = "en") }}
          FILTER(STRSTARTS(STR(?item), "{base}/id/")) }}"""):
        found.setdefault((item.value, place.value), set()).add(_v(prop) or "place")
    data = MapData()
    iris = {i for i, _ in found} | {p for _, p in found}
    routes = _rows(store, f"""SELECT ?c ?from ?to WHERE {{ ?c <{kg}sentFrom> ?from ;
                                  <{kg}sentTo> ?to }} ORDER BY ?c""")
    iris |= {t.value for row in routes for t in row}
    info = _about(store, base, iris)
    for iri in {p for _, p in found} | {t.value for _, a, b in routes for t in (a, b)}:
        label, kind, _ = info.get(iri, ("", "", set()))
        data.places[iri] = Place(iri, label or iri.rsplit("/", 1)[-1], kind or "Place")
    for place, lat, long, source in _rows(store, f"""
        SELECT ?p ?lat ?long (SAMPLE(?s) AS ?src) WHERE {{
          ?p <{kg}latitude> ?lat ; <{kg}longitude> ?long .
          OPTIONAL {{ ?p <{kg}coordinatesSource> ?s }}
          FILTER(STRSTARTS(STR(?p), "{base}/id/")) }} GROUP BY ?p ?lat ?long"""):
        if place.value in data.places:
            data.places[place.value].lat = float(lat.value)
            data.places[place.value].long = float(long.value)
            data.places[place.value].source = _v(source)
    dates = {i.iri: i for i in timeline_items(store, base)}
    stating = _stating(store, base, PLACING)
    for (iri, place), roles in found.items():
        label, kind, classes = info.get(iri, ("", "", set()))
        group = next((key for key, _, cls, _ in GROUPS if classes & set(cls)), "event")
        dated = dates.get(iri)
        data.items.append(Placed(
            iri, label or iri.rsplit("/", 1)[-1], kind or "Thing", group, place,
            tuple(sorted(roles)), dated.when if dated else "", dated.start if dated else "",
            tuple(sorted(stating.get((iri, place), ())))))
    data.items.sort(key=lambda i: (data.places[i.place].label.casefold(), i.start or "9999",
                                   i.label.casefold()))
    for c, a, b in routes:
        dated = dates.get(c.value)
        data.routes.append(Route(c.value, info.get(c.value, (c.value,))[0] or c.value,
                                 a.value, b.value, dated.when if dated else ""))
    data.communications = int(_rows(store, f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?c a <{kg}Communication> FILTER(STRSTARTS(STR(?c), "{base}/id/")) }}""")[0][0].value)
    return data


def _about(store: ox.Store, base: str, iris: set[str]) -> dict[str, tuple[str, str, set[str]]]:
    """Label, most specific stated kg: class label and every kg: class, by IRI."""
    if not iris:
        return {}
    kg = f"{base}/ontology#"
    values = " ".join(f"<{i}>" for i in sorted(iris))
    out: dict[str, tuple[str, str, set[str]]] = {}
    for e, label, kind in _rows(store, f"""
        SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) WHERE {{ VALUES ?e {{ {values} }}
          OPTIONAL {{ ?e <{RDFS}label> ?l }} OPTIONAL {{ ?e <{kg}title> ?l }}
          OPTIONAL {{ GRAPH ?g {{ ?e a ?asserted }} FILTER(!STRENDS(STR(?g), "/graph/inferred"))
                     ?asserted <{RDFS}label> ?k . FILTER(LANG(?k) = "en") }} }} GROUP BY ?e"""):
        out[e.value] = (_v(label), _v(kind), set())
    for e, c in _rows(store, f"""SELECT DISTINCT ?e ?c WHERE {{ VALUES ?e {{ {values} }} ?e a ?c
                                 FILTER(STRSTARTS(STR(?c), "{kg}")) }}"""):
        out.setdefault(e.value, ("", "", set()))[2].add(c.value[len(kg):])
    return out


def _stating(store: ox.Store, base: str,
             roots: tuple[str, ...]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """The records whose facts state that an item is at a place: (item, place) -> records."""
    kg = f"{base}/ontology#"
    values = " ".join(f"<{kg}{p}>" for p in roots)
    out: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for item, place, record, title in _rows(store, f"""
        SELECT DISTINCT ?item ?place ?r ?t WHERE {{
          VALUES ?root {{ {values} }} ?p <{RDFS}subPropertyOf>* ?root .
          ?f a <{kg}Fact> ; <{RDF}subject> ?item ; <{RDF}predicate> ?p ; <{RDF}object> ?place ;
             <{kg}statedIn> ?r . OPTIONAL {{ ?r <{kg}title> ?t }} }}"""):
        out.setdefault((item.value, place.value), set()).add((record.value, _v(title)))
    return out


# --- Drawing ----------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def outlines(atlas: str) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """The countries of a world-atlas TopoJSON file, each a tuple of rings of (long, lat);
    nothing when the file is missing."""
    path = Path(atlas)
    if not path.is_file():
        return ()
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantized and delta-encoded
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> tuple[tuple[float, float], ...]:
        points: list[tuple[float, float]] = []
        for i in indexes:  # ~i: the arc i reversed
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc[1:] if points else arc)
        return tuple(points)

    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs")],
                    "MultiPolygon": geometry.get("arcs")}.get(geometry["type"]) or []
        countries.append(tuple(ring(r) for polygon in polygons for r in polygon))
    return tuple(countries)


@dataclass
class View:
    """An equirectangular projection of a box of the earth onto a WIDTH-wide viewBox,
    longitudes shrunk by the cosine of the box's middle latitude."""

    west: float
    east: float
    south: float
    north: float

    @property
    def scale(self) -> float:
        return WIDTH / ((self.east - self.west) * self._k)

    @property
    def _k(self) -> float:
        return math.cos(math.radians((self.north + self.south) / 2))

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def xy(self, long: float, lat: float) -> tuple[float, float]:
        return ((long - self.west) * self._k * self.scale, (self.north - lat) * self.scale)

    @classmethod
    def around(cls, points: list[tuple[float, float]], least: float = 4.0) -> View:
        """A box around ``points`` (long, lat) with a margin, at least ``least`` degrees
        wide, between half as tall and as tall as it is wide."""
        longs, lats = [p[0] for p in points], [p[1] for p in points]
        west, east, south, north = min(longs), max(longs), min(lats), max(lats)
        k = math.cos(math.radians((north + south) / 2))
        pad = max(0.12 * max(north - south, (east - west) * k), least / 4)
        west, east, south, north = west - pad / k, east + pad / k, south - pad, north + pad
        wide, tall = max((east - west) * k, least), max(north - south, least / 2)
        wide = max(wide, tall)  # never taller than wide,
        tall = max(tall, wide / 2)  # nor less than half as tall
        mid_x, mid_y = (west + east) / 2, (south + north) / 2
        return cls(mid_x - wide / k / 2, mid_x + wide / k / 2, mid_y - tall / 2, mid_y + tall / 2)


@dataclass
class Panel:
    """One map of the page: its view, and the places whose marks it draws."""

    view: View
    places: list[str]
    title: str
    details: list[tuple[View, str]] = field(default_factory=list)  # frames of detail maps


def layout(data: MapData) -> list[Panel]:
    """The whole map, then one detail map per group of places too close to tell apart on
    it (each place's marks drawn on exactly one panel)."""
    located = sorted({i.place for i in data.drawn}
                     | {p for r in data.drawn_routes for p in (r.start, r.end)})
    if not located:
        return []
    coords = {p: (data.places[p].long, data.places[p].lat) for p in located}
    whole = View.around(list(coords.values()))  # type: ignore[arg-type]
    groups: list[set[str]] = []
    for p in located:  # single linkage: join every group within CLOSE of p
        x, y = whole.xy(*coords[p])  # type: ignore[arg-type]
        near = [g for g in groups if any(math.dist((x, y), whole.xy(*coords[q])) < CLOSE
                                         for q in g)]  # type: ignore[arg-type]
        for g in near:
            groups.remove(g)
        groups.append(set().union({p}, *near))
    main = Panel(whole, [], "The whole map")
    panels = [main]
    for g in sorted(groups, key=lambda g: min(data.places[p].label for p in g)):
        if len(g) == 1 or len(g) == len(located):
            main.places.extend(g)
            continue
        # Zoomed in until its nearest two places are 4 * CLOSE apart, and no further.
        k = math.cos(math.radians(sum(coords[p][1] for p in g) / len(g)))  # type: ignore[misc]
        nearest = min(math.dist((coords[a][0] * k, coords[a][1]),  # type: ignore[operator]
                                (coords[b][0] * k, coords[b][1]))  # type: ignore[operator]
                      for a in g for b in g if a < b)
        view = View.around([coords[p] for p in g],  # type: ignore[misc]
                           least=max(1.0, WIDTH * nearest / (4 * CLOSE)))
        names = sorted(data.places[p].label for p in g)
        name = f"Detail {len(panels)}"
        panels.append(Panel(view, sorted(g), f"{name}: {', '.join(names)}"))
        main.details.append((view, str(len(panels) - 1)))
    return panels


FONT = 'font-family="system-ui, sans-serif"'
MARK = 6.5  # a mark's radius


def _path(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base + "/") else iri


def _rings(view: View, atlas: str) -> str:
    """The outlines inside the view as one SVG path, a point per unit at most: from the
    atlas folder's 1:110m file for a view over 30 degrees wide, else its 1:50m one."""
    margin = 2.0
    out = []
    scale = "110m" if view.east - view.west > 30 else "50m"
    for country in outlines(str(Path(atlas) / f"countries-{scale}.json")):
        for ring in country:
            longs, lats = [p[0] for p in ring], [p[1] for p in ring]
            if (max(longs) < view.west - margin or min(longs) > view.east + margin
                    or max(lats) < view.south - margin or min(lats) > view.north + margin):
                continue
            points: list[str] = []
            last = (math.inf, math.inf)
            for long, lat in ring:
                x, y = view.xy(long, lat)  # far outside: onto a frame just outside the view
                x, y = min(max(x, -9), WIDTH + 9), min(max(y, -9), view.height + 9)
                if abs(x - last[0]) + abs(y - last[1]) >= 1:
                    points.append(f"{x:.1f},{y:.1f}")
                    last = (x, y)
            if len(points) > 2:
                out.append("M" + "L".join(points) + "Z")
    return "".join(out)


def _graticule(view: View) -> str:
    span = max(view.east - view.west, view.north - view.south)
    step = next(s for s in (1, 2, 5, 10, 20) if span / s <= 8)
    parts = []
    for lat in range(math.ceil(view.south / step) * step, math.floor(view.north) + 1, step):
        y = view.xy(view.west, lat)[1]
        parts.append(f'<path d="M0,{y:.1f}H{WIDTH}"/><text x="4" y="{y - 3:.1f}">'
                     f'{abs(lat)}°{"N" if lat >= 0 else "S"}</text>')
    for long in range(math.ceil(view.west / step) * step, math.floor(view.east) + 1, step):
        x = view.xy(long, view.south)[0]
        parts.append(f'<path d="M{x:.1f},0V{view.height:.1f}"/><text x="{x + 3:.1f}" '
                     f'y="{view.height - 4:.1f}">{abs(long)}°{"E" if long >= 0 else "W"}</text>')
    return (f'<g class="graticule" fill="#6d7f8c" stroke="#c9d6df" stroke-width="0.6" '
            f'font-size="11" {FONT}>{"".join(parts)}</g>')


def panel_svg(panel: Panel, data: MapData, base: str, atlas: str, ident: str) -> str:
    """One map of the page as SVG: outlines, graticule, frames of its detail maps, routes,
    then each of its places with one mark per item there, linked to the item."""
    view, height = panel.view, panel.view.height
    parts = [f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             f'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10Z" '
             f'fill="{COLOURS["communication"]}"/></marker></defs>',
             f'<rect width="{WIDTH}" height="{height:.1f}" fill="#e9f1f7"/>',
             f'<path class="land" d="{_rings(view, atlas)}" fill="#f7f4ea" stroke="#a9a290" '
             'stroke-width="0.7" fill-rule="evenodd"/>', _graticule(view)]
    for frame, name in panel.details:
        (x1, y1), (x2, y2) = view.xy(frame.west, frame.north), view.xy(frame.east, frame.south)
        parts.append(f'<g class="frame"><rect x="{x1:.1f}" y="{y1:.1f}" width="{x2 - x1:.1f}" '
                     f'height="{y2 - y1:.1f}" fill="none" stroke="#333" stroke-dasharray="4 3"/>'
                     f'<text x="{x2 + 3:.1f}" y="{y1 + 10:.1f}" font-size="12" {FONT}>'
                     f'{escape(name)}</text></g>')
    for route in data.drawn_routes:
        parts.append(_route(route, data, view, base, ident))
    taken: list[tuple[float, float, float, float]] = []  # label boxes already drawn
    rings = {p: _ring_radius(sum(i.place == p for i in data.drawn)) for p in panel.places}
    centres = {p: view.xy(data.places[p].long, data.places[p].lat)  # type: ignore[arg-type]
               for p in panel.places}
    for p in panel.places:  # every place's marks as obstacles for the labels
        x, y = centres[p]
        taken.append((x - rings[p] - MARK, y - rings[p] - MARK, x + rings[p] + MARK,
                      y + rings[p] + MARK))
    for p in sorted(panel.places, key=lambda p: data.places[p].label):
        parts.append(_place(data, p, centres[p], rings[p], base, taken))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id="{ident}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-labelledby="{ident}-title">'
            f'<title id="{ident}-title">Map, {escape(panel.title)}: '
            f'{sum(i.place in panel.places for i in data.drawn)} items at '
            f'{len(panel.places)} places</title>{"".join(parts)}</svg>')


def _ring_radius(count: int) -> float:
    return 0.0 if count <= 1 else max(MARK * 1.6, count * (2 * MARK + 2) / (2 * math.pi))


def _place(data: MapData, iri: str, centre: tuple[float, float], radius: float, base: str,
           taken: list[tuple[float, float, float, float]]) -> str:
    place = data.places[iri]
    x, y = centre
    items = [i for i in data.drawn if i.place == iri]
    out = [f'<g class="place" data-place="{escape(iri)}">']
    if radius:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="none" '
                   'stroke="#555" stroke-width="0.5" stroke-dasharray="2 2"/>')
    for n, item in enumerate(items):
        angle = -math.pi / 2 + 2 * math.pi * n / max(1, len(items))
        mx, my = x + radius * math.cos(angle), y + radius * math.sin(angle)
        what = f"{item.label} ({item.kind}), {', '.join(item.roles)}: {place.label}"
        out.append(f'<a href="{escape(_path(item.iri, base))}"><circle class="mark" '
                   f'data-item="{escape(item.iri)}" data-group="{item.group}" cx="{mx:.1f}" '
                   f'cy="{my:.1f}" r="{MARK}" fill="{COLOURS[item.group]}" stroke="#fff" '
                   f'stroke-width="1.2"><title>{escape(what)}'
                   f'{escape(", " + item.when) if item.when else ""}</title></circle></a>')
    out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#222"/>')
    label = escape(place.label)
    width, size = 0.56 * 14 * len(place.label), 14
    gap = radius + MARK + 3
    sides = [(x + gap, y + 5, "start"), (x - gap, y + 5, "end"), (x, y - gap - 3, "middle"),
             (x, y + gap + size, "middle")]
    if x > WIDTH * 0.7:  # near the right edge (labels are drawn larger on a phone)
        sides[:2] = sides[1::-1]
    for lx, ly, anchor in sides:
        left = {"start": lx, "end": lx - width, "middle": lx - width / 2}[anchor]
        box = (left, ly - size, left + width, ly + 3)
        if box[0] < 0 or box[2] > WIDTH or any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                for b in taken):
            continue
        taken.append(box)
        out.append(f'<text class="place-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
                   f'font-size="{size}" {FONT} paint-order="stroke" stroke="#fff" '
                   f'stroke-width="3">{label}</text>')
        break
    out.append("</g>")
    return "".join(out)


def _route(route: Route, data: MapData, view: View, base: str, ident: str) -> str:
    a, b = data.places[route.start], data.places[route.end]
    (x1, y1), (x2, y2) = view.xy(a.long, a.lat), view.xy(b.long, b.lat)  # type: ignore[arg-type]
    mx, my = (x1 + x2) / 2 - (y2 - y1) * 0.2, (y1 + y2) / 2 + (x2 - x1) * 0.2
    what = f"{route.label}: {a.label} → {b.label}" + (f", {route.when}" if route.when else "")
    return (f'<a href="{escape(_path(route.iri, base))}"><path class="route" '
            f'data-communication="{escape(route.iri)}" d="M{x1:.1f},{y1:.1f}Q{mx:.1f},{my:.1f} '
            f'{x2:.1f},{y2:.1f}" fill="none" stroke="{COLOURS["communication"]}" '
            f'stroke-width="2" marker-end="url(#{ident}-arrow)"><title>{escape(what)}</title>'
            '</path></a>')
