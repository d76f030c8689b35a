"""The ontology as the compiler sees it: which terms exist and what they accept.

``ontology/kg.ttl`` is written with relative IRIs (``@prefix kg: <ontology#>``) and parsed
against the configured base, so the same file serves any ``KG_BASE_IRI``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg.errors import OntologyError
from kg.mapping.iris import DCTERMS, OA, PROV, SKOS, Iris

ONTOLOGY_FILE = "kg.ttl"
SHAPES_FILE = "shapes.ttl"

#: Prefixes a mapping key may use (``skos:altLabel``) and that serializations bind.
PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "oa": str(OA),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
}

#: Prefixed keys mappings may use directly, with the literal kind each takes.
ANNOTATION_KEYS: dict[str, str] = {
    "rdfs:label": "text",
    "rdfs:comment": "text",
    "skos:altLabel": "text",
    "skos:prefLabel": "text",
    "skos:note": "text",
    "dcterms:description": "text",
}


def read_turtle(path: Path, base: str) -> Graph:
    """Parse a project Turtle file against ``base``; syntax errors name file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=base + "/")
    except FileNotFoundError:
        raise OntologyError("file not found", file=str(path)) from None
    except Exception as exc:  # rdflib raises BadSyntax and friends with the line inside
        message = " ".join(str(exc).split())
        raise OntologyError(f"Turtle syntax: {message}", file=str(path)) from None
    return graph


def canonical(graph: Graph) -> Graph:
    """The same graph with blank nodes relabelled from their content, so that every
    build of the same ontology gives byte-identical output."""
    out = Graph()
    out.addN((s, p, o, out) for s, p, o in to_canonical_graph(graph))
    return out


@dataclass
class Ontology:
    """The parsed ontology with indexes the mapping compiler asks."""

    graph: Graph
    iris: Iris
    path: Path

    @classmethod
    def load(cls, ontology_dir: str | Path, iris: Iris) -> Ontology:
        path = Path(ontology_dir) / ONTOLOGY_FILE
        return cls(canonical(read_turtle(path, iris.base)), iris, path)

    def shapes(self) -> Graph:
        return read_turtle(self.path.parent / SHAPES_FILE, self.iris.base)

    def term(self, name: str) -> URIRef:
        return self.iris.kg[name]

    @cached_property
    def object_properties(self) -> frozenset[URIRef]:
        return frozenset(
            p for p in self.graph.subjects(RDF.type, OWL.ObjectProperty)
            if isinstance(p, URIRef)
        )

    @cached_property
    def datatype_properties(self) -> frozenset[URIRef]:
        kinds = (OWL.DatatypeProperty, OWL.AnnotationProperty)
        return frozenset(
            p for kind in kinds for p in self.graph.subjects(RDF.type, kind)
            if isinstance(p, URIRef)
        )

    @cached_property
    def classes(self) -> frozenset[URIRef]:
        return frozenset(
            c for c in self.graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
        )

    @cached_property
    def individuals(self) -> dict[str, URIRef]:
        """Local name -> IRI of every individual the ontology declares (``Left``, ...)."""
        found: dict[str, URIRef] = {}
        ns = str(self.iris.kg)
        for s, o in self.graph.subject_objects(RDF.type):
            if (
                isinstance(s, URIRef) and str(s).startswith(ns)
                and (o in self.classes or o == OWL.NamedIndividual)
                and s not in self.classes
            ):
                found[str(s)[len(ns):]] = s
        return found

    def range_of(self, prop: URIRef) -> URIRef | None:
        return self._ranges.get(prop)

    @cached_property
    def _ranges(self) -> dict[URIRef, URIRef]:
        found: dict[URIRef, URIRef] = {}
        for prop, value in self.graph.subject_objects(RDFS.range):
            if isinstance(value, URIRef) and self.graph.value(prop, RDFS.range) == value:
                found[prop] = value  # type: ignore[index]
        return found

    def superclasses(self, cls: URIRef) -> list[URIRef]:
        """``cls`` and its ancestors, nearest first (breadth-first over rdfs:subClassOf)."""
        found = self._superclasses.get(cls)
        if found is None:  # asked once per registry entry: 20-odd classes
            seen: list[URIRef] = [cls]
            i = 0
            while i < len(seen):
                for parent in self.graph.objects(seen[i], RDFS.subClassOf):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.append(parent)
                i += 1
            found = self._superclasses[cls] = tuple(seen)
        return list(found)

    @cached_property
    def _superclasses(self) -> dict[URIRef, tuple[URIRef, ...]]:
        return {}

    def class_for_label(self, label: str) -> URIRef | None:
        """The kg: class whose English label matches ``label`` (case-insensitive)."""
        return self._classes_by_label.get(" ".join(label.lower().split()))

    @cached_property
    def _classes_by_label(self) -> dict[str, URIRef]:
        found: dict[str, URIRef] = {}
        for cls in sorted(self.classes):
            if not str(cls).startswith(str(self.iris.kg)):
                continue
            for lab in self.graph.objects(cls, RDFS.label):
                if isinstance(lab, Literal):
                    found.setdefault(" ".join(str(lab).lower().split()), cls)
        return found

    def local_names(self) -> list[str]:
        ns = str(self.iris.kg)
        terms = self.object_properties | self.datatype_properties | self.classes
        return sorted(str(t)[len(ns):] for t in terms if str(t).startswith(ns))
