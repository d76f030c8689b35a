"""SHACL validation of the asserted data (ontology/shapes.ttl) with pyshacl."""

from __future__ import annotations

from rdflib import Graph, Namespace

from kg.errors import ValidationError

SH = Namespace("http://www.w3.org/ns/shacl#")
MAX_SHOWN = 5


def shacl_check(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Raise :class:`ValidationError` listing the first violations, if any."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        abort_on_first=False, allow_warnings=True,
    )
    if conforms:
        return
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        where = f"{focus}" + (f" {path.n3(data.namespace_manager)}" if path else "")
        problems.append(f"{where}: {message}")
    problems.sort()
    if not problems:
        return
    shown = "; ".join(problems[:MAX_SHOWN])
    more = f" (and {len(problems) - MAX_SHOWN} more)" if len(problems) > MAX_SHOWN else ""
    raise ValidationError(f"{len(problems)} SHACL violation(s): {shown}{more}")
