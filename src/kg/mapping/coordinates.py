"""Where the registry's places lie: ``mappings/coordinates.yaml``, place id -> latitude,
longitude (WGS84, decimal degrees) and the source that states them.

Checked against the registry (the id is a place of it, and a place with one point: a
settlement or a point-like place, never a country, region or river) and compiled into
triples of the registry graph: ``kg:latitude`` and ``kg:longitude`` (subproperties of the
W3C Basic Geo ``wgs84_pos:lat`` and ``wgs84_pos:long``) as ``xsd:decimal``, and
``kg:coordinatesSource``. No file, no coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, Graph, Literal

from kg.errors import MappingError
from kg.mapping import yamlfile
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry

COORDINATES_FILE = "coordinates.yaml"
SECTION = "coordinates"
KEYS = {"lat", "long", "source"}
#: Registry types of places that have no one point: they get no coordinates.
NOT_A_POINT = {"Country", "Region", "River"}


@dataclass(frozen=True)
class Point:
    place: str
    lat: Decimal
    long: Decimal
    source: str
    line: int


def load(mappings_dir: str | Path, registry: Registry) -> dict[str, Point]:
    """The coordinates of ``mappings_dir``'s places, checked (a :class:`MappingError` with
    the file and line otherwise); empty when there is no coordinates file."""
    path = Path(mappings_dir) / COORDINATES_FILE
    if not path.is_file():
        return {}
    file = str(path)
    data = yamlfile.load(path)
    if not isinstance(data, dict) or set(data) != {SECTION}:
        raise MappingError(f"the coordinates file holds one section, {SECTION!r}: place id -> "
                           "{lat, long, source}", file=file, line=getattr(data, "line", 1))
    entries = data[SECTION] or {}
    if not isinstance(entries, dict):
        raise MappingError(f"{SECTION!r} must map place ids to {{lat, long, source}}",
                           file=file, line=data.lines[SECTION])
    return {ident: _point(ident, entry, entries.lines[ident], registry, file)
            for ident, entry in entries.items()}


def _point(ident: object, entry: object, line: int, registry: Registry, file: str) -> Point:
    if not isinstance(ident, str) or ident not in registry \
            or registry[ident].section != "places":
        raise MappingError(f"{ident!r} is not a place id of the registry", file=file, line=line)
    if registry[ident].cls in NOT_A_POINT:
        raise MappingError(f"{ident!r} is a {registry[ident].cls}: it has no one point, so no "
                           "coordinates (only settlements and point-like places have them)",
                           file=file, line=line)
    if not isinstance(entry, dict) or set(entry) != KEYS:
        raise MappingError(f"coordinates of {ident!r} must be {{lat, long, source}}, got "
                           f"{sorted(entry) if isinstance(entry, dict) else entry!r}",
                           file=file, line=line)
    lat = _degrees(entry["lat"], 90, f"lat of {ident!r}", file, line)
    long = _degrees(entry["long"], 180, f"long of {ident!r}", file, line)
    source = entry["source"]
    if not isinstance(source, str) or not source.startswith(("https://", "http://")):
        raise MappingError(f"source of {ident!r} must be the address that states the "
                           f"coordinates (https://...), got {source!r}", file=file, line=line)
    return Point(ident, lat, long, source, line)


def _degrees(value: object, limit: int, what: str, file: str, line: int) -> Decimal:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    degrees = Decimal(str(value)) if number else None
    if degrees is None or not -limit <= degrees <= limit:
        raise MappingError(f"{what} must be decimal degrees from -{limit} to {limit}, got "
                           f"{value!r}", file=file, line=line)
    return degrees


def graph(points: dict[str, Point], registry: Registry, ontology: Ontology) -> Graph:
    """The coordinates as triples of the registry graph."""
    kg = ontology.iris.kg
    g = Graph()
    for point in points.values():
        place = registry[point.place].iri
        g.add((place, kg.latitude, _decimal(point.lat)))
        g.add((place, kg.longitude, _decimal(point.long)))
        g.add((place, kg.coordinatesSource, Literal(point.source)))
    return g


def _decimal(value: Decimal) -> Literal:
    """An xsd:decimal in the lexical form the store keeps ("108", not "108.0"), so that
    what the build writes and what the store gives back are the same term."""
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)
