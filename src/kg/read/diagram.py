"""Pictures of the graph as server-side SVG: readable without JavaScript, testable as text.

- :func:`ontology_diagram`: the kg: classes as a tree (``rdfs:subClassOf``), each box listing
  the object properties whose domain it is, with their ranges (UML-style), generated from
  the ontology graph in the store.
- the timeline lives in :mod:`kg.read.timeline` (``timeline_items`` is re-exported here).
- :func:`correspondence` / :func:`network_svg`: who wrote to whom, via whom.

The data come from SPARQL queries over the store; the drawing is plain string building.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import pyoxigraph as ox

from kg.read.timeline import timeline_items as timeline_items  # re-exported

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
FONT = 'font-family="system-ui, sans-serif"'


def _q(store: ox.Store, query: str) -> list:
    return list(store.query(query, use_default_graph_as_union=True))


def _v(term: object) -> str:
    return getattr(term, "value", "") if term is not None else ""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _path(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base + "/") else iri


# --- Ontology ---------------------------------------------------------------------------------

@dataclass
class ClassBox:
    name: str
    label: str
    children: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)  # (property, range)


def ontology_classes(store: ox.Store, base: str) -> dict[str, ClassBox]:
    """The kg: classes with their kg: subclasses and the object properties they are the
    domain of (range as a local name)."""
    kg = f"{base}/ontology#"
    graph = f"<{base}/graph/ontology>"
    boxes: dict[str, ClassBox] = {}
    for c, label in _q(store, f"""
        SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ GRAPH {graph} {{ ?c a <{OWL}Class> .
          OPTIONAL {{ ?c <{RDFS}label> ?l }} FILTER(STRSTARTS(STR(?c), "{kg}")) }} }}
        GROUP BY ?c"""):
        name = _local(c.value)
        boxes[name] = ClassBox(name, _v(label) or name)
    for c, parent in _q(store, f"""
        SELECT ?c ?p WHERE {{ GRAPH {graph} {{ ?c <{RDFS}subClassOf> ?p }}
          FILTER(STRSTARTS(STR(?c), "{kg}") && STRSTARTS(STR(?p), "{kg}")) }}"""):
        if _local(parent.value) in boxes and _local(c.value) in boxes:
            boxes[_local(parent.value)].children.append(_local(c.value))
    for p, d, r in _q(store, f"""
        SELECT ?p ?d ?r WHERE {{ GRAPH {graph} {{ ?p a <{OWL}ObjectProperty> ; <{RDFS}domain> ?d .
          OPTIONAL {{ ?p <{RDFS}range> ?r }} }} FILTER(STRSTARTS(STR(?p), "{kg}")) }}"""):
        if _local(d.value) in boxes:
            boxes[_local(d.value)].properties.append((_local(p.value), _local(_v(r)) or "any"))
    for box in boxes.values():
        box.children.sort()
        box.properties.sort()
    return boxes


def ontology_diagram(store: ox.Store, base: str) -> str:
    """The class tree as SVG; each box links to the term's documentation (``#Name``)."""
    boxes = ontology_classes(store, base)
    has_parent = {c for b in boxes.values() for c in b.children}
    roots = sorted(n for n in boxes if n not in has_parent)
    col, width, line, gap = 250, 220, 15, 10
    parts: list[str] = []
    edges: list[str] = []
    y = 10
    placed: set[str] = set()

    def place(name: str, depth: int) -> float:
        nonlocal y
        box = boxes[name]
        placed.add(name)
        x = 10 + depth * col
        height = 24 + line * len(box.properties) + (4 if box.properties else 0)
        top = y
        y += height + gap
        parts.append(
            f'<a href="#{escape(name)}"><g class="class" data-class="{escape(name)}">'
            f'<rect x="{x}" y="{top}" width="{width}" height="{height}" rx="4" '
            f'fill="#e8f0f8" stroke="#0b4f8a"/>'
            f'<text x="{x + 8}" y="{top + 17}" font-weight="bold" font-size="13" {FONT} '
            f'fill="#0b2f55">{escape(box.label)}</text>')
        for i, (prop, rng) in enumerate(box.properties):
            parts.append(f'<text x="{x + 10}" y="{top + 36 + i * line}" font-size="11" {FONT} '
                         f'fill="#333">{escape(prop)} → {escape(rng)}</text>')
        parts.append("</g></a>")
        mid = top + 12
        for child in box.children:
            if child in placed:
                continue
            child_mid = place(child, depth + 1)
            elbow = x + width + (col - width) / 2
            edges.append(f'<path d="M{x + width},{mid} H{elbow} V{child_mid} H{x + col}" '
                         f'fill="none" stroke="#777"/>')
        return mid

    for root in roots:
        place(root, 0)
    depth = max((_depth(boxes, r) for r in roots), default=0)
    w, h = 20 + depth * col + width, y
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ontology-diagram" '
            f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            f'aria-labelledby="ontology-diagram-title"><title id="ontology-diagram-title">'
            f'Classes of the ontology ({len(boxes)}), subclasses to the right; each class lists '
            f'the relations it is the domain of</title>{"".join(edges)}{"".join(parts)}</svg>')


def _depth(boxes: dict[str, ClassBox], name: str, seen: frozenset[str] = frozenset()) -> int:
    children = [c for c in boxes[name].children if c not in seen]
    return 1 + max((_depth(boxes, c, seen | {name}) for c in children), default=-1)


# --- Correspondence network -------------------------------------------------------------------

@dataclass
class Letter:
    iri: str
    label: str
    date: str
    sender: str
    recipient: str
    via: str = ""
    sender_name: str = ""
    recipient_name: str = ""


@dataclass
class Network:
    agents: dict[str, str]  # IRI -> label
    letters: list[Letter]


def correspondence(store: ox.Store, base: str) -> Network:
    """Who wrote to whom (and via whom), one letter per communication and recipient."""
    kg = f"{base}/ontology#"
    rows = _q(store, f"""
        SELECT ?c ?label ?date ?s ?sl ?r ?rl ?i ?il ?sn ?rn WHERE {{
          ?c <{kg}sender> ?s ; <{kg}recipient> ?r .
          OPTIONAL {{ ?c <{RDFS}label> ?label }} OPTIONAL {{ ?c <{kg}date> ?date }}
          OPTIONAL {{ ?s <{RDFS}label> ?sl }} OPTIONAL {{ ?r <{RDFS}label> ?rl }}
          OPTIONAL {{ ?c <{kg}intermediary> ?i . OPTIONAL {{ ?i <{RDFS}label> ?il }} }}
          OPTIONAL {{ ?c <{kg}senderName> ?sn }} OPTIONAL {{ ?c <{kg}recipientName> ?rn }}
        }}""")
    agents: dict[str, str] = {}
    letters: dict[tuple[str, str], Letter] = {}
    for c, label, date, s, sl, r, rl, i, il, sn, rn in rows:
        agents[s.value] = _v(sl) or _local(s.value)
        agents[r.value] = _v(rl) or _local(r.value)
        if i is not None:
            agents[i.value] = _v(il) or _local(i.value)
        letters.setdefault((c.value, r.value), Letter(
            c.value, _v(label) or _local(c.value), _v(date), s.value, r.value, _v(i),
            _v(sn), _v(rn)))
    return Network(dict(sorted(agents.items(), key=lambda kv: kv[1])),
                   sorted(letters.values(), key=lambda x: (x.date, x.iri)))


def network_svg(net: Network, base: str) -> str:
    """Agents on a circle, one curved arrow per letter (sender to recipient), dashed legs
    through an intermediary."""
    size, radius = 640, 220
    cx = cy = size / 2
    pos: dict[str, tuple[float, float]] = {}
    n = max(len(net.agents), 1)
    for k, iri in enumerate(net.agents):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        pos[iri] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    parts = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
             'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="#0b4f8a"/></marker></defs>']
    pairs: dict[tuple[str, str], int] = {}
    for letter in net.letters:
        a, b = pos[letter.sender], pos[letter.recipient]
        k = pairs.get((letter.sender, letter.recipient), 0)
        pairs[(letter.sender, letter.recipient)] = k + 1
        (x1, y1), (x2, y2) = _shorten(a, b, 34)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        bend = 40 + 22 * k
        qx, qy = mx - dy / length * bend, my + dx / length * bend
        title = f"{letter.label} ({letter.date})"
        if letter.recipient_name:
            title += f", addressed to {letter.recipient_name}"
        if letter.via:
            title += f", via {net.agents.get(letter.via, letter.via)}"
        tx, ty = (mx + qx) / 2, (my + qy) / 2
        dash = ' stroke-dasharray="6 4"' if letter.via else ""
        parts.append(
            f'<a href="{escape(_path(letter.iri, base))}"><g class="letter">'
            f'<title>{escape(title)}</title>'
            f'<path d="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="#0b4f8a" stroke-width="2" marker-end="url(#arrow)"'
            f'{dash}/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="12" {FONT} '
            f'fill="#1b1b1b">{escape(letter.date)}'
            f'{escape(" to " + letter.recipient_name) if letter.recipient_name else ""}</text>'
            f'</g></a>')
    for iri, label in net.agents.items():
        x, y = pos[iri]
        parts.append(
            f'<a href="{escape(_path(iri, base))}"><g class="agent">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="30" fill="#e8f0f8" stroke="#0b4f8a" '
            f'stroke-width="2"/><text x="{x:.1f}" y="{y + 48:.1f}" text-anchor="middle" '
            f'font-size="14" font-weight="bold" {FONT} fill="#0b2f55">{escape(label)}</text>'
            f'</g></a>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {size} '
            f'{size}" width="{size}" height="{size}" role="img" aria-labelledby="network-title">'
            f'<title id="network-title">Correspondence network: {len(net.agents)} '
            f'correspondents, {len(net.letters)} letters</title>{"".join(parts)}</svg>')


def _shorten(a: tuple[float, float], b: tuple[float, float],
             by: float) -> tuple[tuple[float, float], tuple[float, float]]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1
    ux, uy = dx / length, dy / length
    return (a[0] + ux * by, a[1] + uy * by), (b[0] - ux * by, b[1] - uy * by)
