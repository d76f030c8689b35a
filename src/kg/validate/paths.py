"""SHACL property paths: read from a shapes graph or a validation report, and written in SPARQL
property path syntax.

The engine (:mod:`kg.validate.shacl`) runs predicates, sequences and sh:alternativePath; any
other kind of path (sh:inversePath, sh:zeroOrMorePath, ...) raises
:class:`~kg.errors.ConfigError`. How a path is walked over the triples is in
:mod:`kg.validate.index`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

from kg.errors import ConfigError

# Predicates of the blank nodes that make up complex paths: those nodes are not shapes.
PATH_PREDICATES = (SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                   SH.zeroOrOnePath)


@dataclass(frozen=True)
class SequencePath:
    """``( p1 p2 )``: the nodes reached by following each step in turn."""

    steps: tuple[Path, ...]


@dataclass(frozen=True)
class AlternativePath:
    """``[ sh:alternativePath ( p1 p2 ) ]``: the nodes reached by any of the options."""

    options: tuple[Path, ...]


Path = URIRef | SequencePath | AlternativePath


def read_path(graph: Graph, node: Node) -> Path:
    """The SHACL property path at ``node`` (in a shapes graph or in a validation report)."""
    if isinstance(node, URIRef):
        return node
    if isinstance(node, BNode):
        if (node, RDF.first, None) in graph:
            steps = tuple(read_path(graph, step) for step in Collection(graph, node))
            if len(steps) >= 2:
                return SequencePath(steps)
            raise ConfigError("a sequence path needs at least two steps")
        options = list(graph.objects(node, SH.alternativePath))
        if len(options) == 1:
            items = tuple(read_path(graph, item) for item in Collection(graph, options[0]))
            if len(items) >= 2:
                return AlternativePath(items)
            raise ConfigError("sh:alternativePath needs at least two options")
        kinds = sorted(p.n3(graph.namespace_manager) for p in graph.predicates(node)
                       if p in PATH_PREDICATES)
        if kinds:
            raise ConfigError(f"{', '.join(kinds)} paths are not supported by kg.validate.shacl "
                              "(only predicates, sequences and sh:alternativePath)")
    raise ConfigError(f"{node.n3()} is not a property path")


def path_text(path: Path, namespaces: NamespaceManager) -> str:
    """A path in SPARQL property path syntax: ``kg:a``, ``oa:hasSelector/oa:exact``,
    ``kg:reproduces|kg:recordOf``."""
    if isinstance(path, SequencePath):
        return "/".join(_step_text(step, namespaces) for step in path.steps)
    if isinstance(path, AlternativePath):
        return "|".join(_step_text(option, namespaces) for option in path.options)
    return path.n3(namespaces)


def _step_text(path: Path, namespaces: NamespaceManager) -> str:
    text = path_text(path, namespaces)
    return text if isinstance(path, URIRef) else f"({text})"
