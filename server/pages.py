"""Pages for people: the home page, the query editor (YASGUI, installed from npm by
``make install`` and served from this server, never from a CDN), the timeline and the
correspondence network (server-side SVG), and the Why? pages that explain inferred facts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from markupsafe import Markup

from kg.config import PROJECT_ROOT
from kg.read import geography as geo
from kg.read import timeline as tl
from kg.read.diagram import correspondence, network_svg, ontology_diagram
from kg.read.view import Passage, document_passages, passages_of
from kg.read.why import explanation_triples, has_explanations, why_view
from kg.store.query import prefixes_for
from server import linked_data

bp = Blueprint("pages", __name__)
T = TypeVar("T")

#: Where npm puts the editor, and the files of it this server hands out.
YASGUI_DIR = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
#: The country outlines of the map (Natural Earth as TopoJSON, npm world-atlas).
ATLAS_DIR = PROJECT_ROOT / "node_modules" / "world-atlas"
VENDOR_FILES = {"yasgui.min.js", "yasgui.min.css"}
_HASH = re.compile(r"^[0-9a-f]{12}$")


def init_app(app: Flask) -> None:
    from server import search  # imports this module: registered from here, after it loads

    app.register_blueprint(bp)
    search.init_app(app)
    app.jinja_env.globals["ontology_diagram"] = _ontology_diagram
    app.jinja_env.globals["passages_for"] = _passages_for
    app.jinja_env.globals["passages_of"] = passages_of


def cached(name: str, make: Callable[[], T]) -> T:
    """``make()`` once per build and process (the store only changes with a new build)."""
    build = linked_data.current()
    cache: dict[tuple[str, str], Any] = current_app.extensions.setdefault("kg.pages", {})
    key = (name, build.etag)
    if key not in cache:
        cache[key] = make()
    return cache[key]


def yasgui_available() -> bool:
    return all((YASGUI_DIR / name).is_file() for name in VENDOR_FILES)


def example_queries() -> list[dict[str, str]]:
    """The shipped queries (queries/*.rq), each with the PREFIX lines of the prefixes it
    uses (and no others), so it runs anywhere and the query itself stays in view."""
    config = linked_data.config()
    out = []
    for path in sorted(Path(config.queries_dir).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = _question(text) or path.stem
        out.append({"name": path.stem, "title": title,
                    "query": with_used_prefixes(text, config.base_iri)})
    return out


def with_used_prefixes(query: str, base: str) -> str:
    """``query`` with a PREFIX line for each of the project's prefixes it uses and does not
    declare (a prefixed name ``p:...`` outside comments, strings and IRIs)."""
    code = re.sub(r'#[^\n]*|<[^>\s]*>|"(?:[^"\\\n]|\\.)*"', " ", query)
    used = set(re.findall(r"(?<![\w:?$])([A-Za-z][\w-]*):", code))
    declared = query.lower()
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes_for(base).items()
                   if p in used and f"prefix {p}:" not in declared) + query


def _question(text: str) -> str:
    """The question a query answers: its first run of comment lines, whole."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") and line.lstrip("# ").strip():
            lines.append(line.lstrip("# ").strip())
        elif lines:
            break
    return " ".join(lines)


#: Classes of the graph's own bookkeeping, listed after people, places and events.
BOOKKEEPING = {"Explanation", "InferredStatement", "AssertedStatement", "InferenceRule", "Fact",
               "ReportedClaim", "Mention", "Paragraph", "ArchivalCitation", "Reprint"}


def editor_page() -> str:
    """The query editor, opened on ``?example=<name>`` (else the first example)."""
    config = linked_data.config()
    examples = example_queries()
    wanted = request.args.get("example", "")
    chosen = next((e for e in examples if e["name"] == wanted), examples[0] if examples
                  else None)
    return render_template("sparql.html", examples=examples, chosen=chosen,
                           yasgui=yasgui_available(), timeout=config.query_timeout,
                           max_results=config.max_results)


@bp.route("/vendor/yasgui/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR_FILES or not yasgui_available():
        abort(404)
    response = send_from_directory(YASGUI_DIR, name, max_age=86400)
    return response


def overview() -> dict[str, Any]:
    """What the graph holds: counts by class, and the main entities by kind."""
    base = linked_data.config().base_iri
    kg = f"{base}/ontology#"
    store = linked_data.current().store
    counts = [(c.value, label.value, int(n.value)) for c, label, n in store.query(f"""
        SELECT ?c (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          ?s a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l .
          FILTER(STRSTARTS(STR(?c), "{kg}") && LANG(?l) = "en") }}
        GROUP BY ?c ORDER BY DESC(?n) ?label""", use_default_graph_as_union=True)]
    counts.sort(key=lambda c: c[0].rsplit("#", 1)[-1] in BOOKKEEPING)
    lists: dict[str, list[tuple[str, str]]] = {}
    for kind, cls in (("persons", "Person"), ("operations", "MilitaryOperation"),
                      ("deviations", "PoliticalDeviation"), ("documents", "ArchivalRecord")):
        rows = store.query(f"""
            SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?o) AS ?ord) WHERE {{
              ?s a <{kg}{cls}> . OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
              OPTIONAL {{ ?s <{kg}title> ?l }} OPTIONAL {{ ?s <{kg}ordinal> ?o }}
              FILTER(STRSTARTS(STR(?s), "{base}/id/")) }} GROUP BY ?s""",
                           use_default_graph_as_union=True)
        items = sorted(((s.value, label.value if label else s.value.rsplit("/", 1)[-1],
                         int(o.value) if o else 0) for s, label, o in rows),
                       key=lambda r: (r[2], r[1].casefold()))
        if cls == "ArchivalRecord":  # by title, in date order
            titled = {s.value: (d.value if d else "", t.value) for s, t, d in store.query(
                f"SELECT ?s ?t ?d WHERE {{ ?s a <{kg}{cls}> ; <{kg}title> ?t "
                f"OPTIONAL {{ ?s <{kg}date> ?d }} }}", use_default_graph_as_union=True)}
            items = sorted(((i, titled.get(i, ("", label))[1], 0) for i, label, _ in items),
                           key=lambda r: titled.get(r[0], ("", ""))[0])
        lists[kind] = [(linked_data.local_path(i) or i, label) for i, label, _ in items]
    return {"counts": counts, "lists": lists}


@bp.route("/")
def home() -> str:
    build = linked_data.current()
    return render_template("home.html", meta=build.meta, examples=example_queries(),
                           overview=cached("overview", overview))


@bp.route("/timeline")
def timeline() -> str:
    """Every dated item on a true time axis; ``?kind=`` (repeatable) keeps some types,
    ``?from=&to=`` (a year, year-month or date) zooms into a window."""
    base = linked_data.config().base_iri
    items = cached("timeline", lambda: tl.timeline_items(linked_data.current().store, base))
    kinds = request.args.getlist("kind")
    unknown = [k for k in kinds if k not in tl.GROUP_KEYS]
    if unknown:
        abort(400, description=f"kind: unknown {unknown[0]!r}; use one of "
                               f"{', '.join(tl.GROUP_KEYS)}")
    window: dict[str, int | None] = {"from": None, "to": None}
    for name in window:
        value = request.args.get(name, "").strip()
        if value:
            try:
                lo, hi, _ = tl.parse_date(value)
            except ValueError:
                abort(400, description=f"{name}: {value!r} is not a year, year-month or "
                                       "date (1949, 1949-05, 1949-05-17)")
            window[name] = lo if name == "from" else hi
    if window["from"] and window["to"] and window["from"] >= window["to"]:
        abort(400, description="from: the window starts after it ends")
    shown = tl.select(items, kinds or None, window["from"], window["to"])
    zoomed = window["from"] is not None or window["to"] is not None
    axis = tl.make_axis(shown, window["from"], window["to"])
    svg = Markup(tl.axis_svg(axis, {"kind": kinds} if kinds else {})) if shown else ""
    counts = {key: sum(i.group == key for i in items) for key in tl.GROUP_KEYS}
    return render_template(
        "timeline.html", items=shown, total=len(items), axis=svg,
        tracks=[Markup(tl.track_svg(i, axis)) for i in shown], groups=tl.GROUPS,
        colours=tl.COLOURS, counts=counts, kinds=kinds, window=request.args,
        zoomed=zoomed, breaks=axis.breaks, legend=[(Markup(s), t) for s, t in tl.legend()],
        local=linked_data.local_path, year=tl.year)


@bp.route("/network")
def network() -> str:
    base = linked_data.config().base_iri
    net = cached("network", lambda: correspondence(linked_data.current().store, base))
    return render_template("network.html", net=net, svg=Markup(network_svg(net, base)),
                           local=linked_data.local_path)


@bp.route("/map")
@bp.route("/map.json")
def map_page() -> Response | str:
    """Every placed item at its place and the routes of communications (kg.read.geography);
    ``/map.json``: the same data."""
    base = linked_data.config().base_iri
    data = cached("map", lambda: geo.map_data(linked_data.current().store, base))
    if request.path.endswith(".json"):
        return jsonify({"places": [asdict(p) for p in data.places.values()],
                        "items": [asdict(i) for i in data.items],
                        "routes": [asdict(r) for r in data.routes],
                        "unlocated": [p.iri for p in data.unlocated]})
    panels = cached("map-panels", lambda: [
        (p, Markup(geo.panel_svg(p, data, base, str(ATLAS_DIR), f"map-{n}")))
        for n, p in enumerate(geo.layout(data))])
    return render_template("map.html", data=data, panels=panels, groups=geo.GROUPS,
                           colours=geo.COLOURS,
                           outlines=(ATLAS_DIR / "countries-50m.json").is_file(),
                           local=linked_data.local_path)


#: Representations of an explanation as data: (pyoxigraph format, media type).
WHY_FORMATS = {"ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
               "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
               "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples")}


@bp.route("/why/<digest>")
def why(digest: str) -> Response | str:
    """Why the graph holds an inferred statement: the rule and its premises, recursively.
    ``/why/<hash>.ttl`` / ``.jsonld`` give the same explanation as data."""
    ext = None
    if "." in digest:
        digest, ext = digest.split(".", 1)
        if ext not in WHY_FORMATS:
            abort(404)
    if not _HASH.match(digest):
        abort(404)
    base = linked_data.config().base_iri
    store = linked_data.current().with_explanations
    if not cached("has-explanations", lambda: has_explanations(store, base)):
        abort(404, description="no explanation stored: this store was built before "
                               "explanations were kept; rebuild it with `kg build`")
    if ext:
        data = explanation_triples(store, base, digest)
        if not data:
            abort(404, description="no inferred statement has this hash")
        fmt, media = WHY_FORMATS[ext]
        prefixes = prefixes_for(base) if ext != "nt" else None
        return Response(ox.serialize(data, format=fmt, prefixes=prefixes), content_type=media)
    step = why_view(store, base, digest)
    if step is None:
        abort(404, description="no inferred statement has this hash")
    return render_template("why.html", step=step, digest=digest, local=linked_data.local_path)


def _ontology_diagram() -> Markup:
    base = linked_data.config().base_iri
    return Markup(cached("ontology-diagram",
                         lambda: ontology_diagram(linked_data.current().store, base)))


def _passages_for(record: str) -> list[Passage]:
    base = linked_data.config().base_iri
    return cached(f"passages {record}",
                  lambda: document_passages(linked_data.current().store, record, base))
