"""SHACL validation of the asserted data (ontology/shapes.ttl).

Two engines give the same results: "fast" (:mod:`kg.validate.shacl`, the shapes compiled into
Python checks, the default) and "pyshacl" (the reference, 25 to 50 times slower). A
:class:`Validator` compiles the shapes once and checks any number of triple sets: a Graph, or
any iterable of triples, such as ``itertools.chain.from_iterable(graphs)``, which spares the
union graph (building it costs five times the validation).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress

from rdflib import Graph
from rdflib.namespace import SH, NamespaceManager

from kg.config import VALIDATORS
from kg.errors import ConfigError, ValidationError
from kg.validate.index import Triple
from kg.validate.paths import path_text, read_path
from kg.validate.shacl import Result, Shapes

MAX_SHOWN = 5


class Validator:
    """The shapes ready to check triple sets: compiled once (engine "fast"), or kept for
    pyshacl. ``ontology`` is mixed into every triple set checked, as pyshacl's ont_graph."""

    def __init__(self, shapes: Graph, ontology: Graph, engine: str = "fast"):
        if engine not in VALIDATORS:
            raise ConfigError(f"SHACL engine must be one of {', '.join(VALIDATORS)}, "
                              f"got {engine!r}")
        self.engine = engine
        self.shapes = shapes
        self.ontology = ontology
        self.compiled = Shapes.compile(shapes, ontology) if engine == "fast" else None
        self.namespaces = Graph().namespace_manager

    def results(self, triples: Iterable[Triple]) -> list[Result]:
        """Every result (violations, warnings, infos) for ``triples``: a Graph or rdflib-term
        triples."""
        if self.compiled is not None:
            return self.compiled.validate(triples)
        if not isinstance(triples, Graph):
            data = Graph()
            for triple in triples:
                data.add(triple)
            triples = data
        return pyshacl_results(triples, self.shapes, self.ontology)

    def check(self, triples: Iterable[Triple]) -> list[str]:
        """The violations of ``triples`` (not the warnings), sorted, one line each:
        ``focus path: message``. Turn them into the error with :func:`validation_error`."""
        names = triples.namespace_manager if isinstance(triples, Graph) else self.namespaces
        return sorted(problem(r, names) for r in self.results(triples)
                      if r.severity == SH.Violation)


def problem(result: Result, namespaces: NamespaceManager) -> str:
    where = f"{result.focus}"
    if result.path is not None:
        where += f" {path_text(result.path, namespaces)}"
    return f"{where}: {result.message}"


def validation_error(problems: Iterable[str]) -> ValidationError:
    """The error listing the first violations, from one or more :meth:`Validator.check`."""
    problems = sorted(problems)
    shown = "; ".join(problems[:MAX_SHOWN])
    more = f" (and {len(problems) - MAX_SHOWN} more)" if len(problems) > MAX_SHOWN else ""
    return ValidationError(f"{len(problems)} SHACL violation(s): {shown}{more}")


def pyshacl_results(data: Graph, shapes: Graph, ontology: Graph) -> list[Result]:
    """The results of the reference engine, pyshacl, read from its report.

    Only the report's own results: those pyshacl nests under a sh:node result (sh:detail) are
    explanations of that result, not results of the data graph."""
    import pyshacl

    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        abort_on_first=False, allow_warnings=True,
    )
    results = []
    for node in report.objects(None, SH.result):
        path = report.value(node, SH.resultPath)
        if path is not None:
            with suppress(ConfigError):  # a path kg.validate.shacl does not run: kept as is
                path = read_path(report, path)
        results.append(Result(
            focus=report.value(node, SH.focusNode),
            path=path,
            value=report.value(node, SH.value),
            severity=report.value(node, SH.resultSeverity),
            message=str(report.value(node, SH.resultMessage) or ""),
            component=report.value(node, SH.sourceConstraintComponent),
        ))
    return results
