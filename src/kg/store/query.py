"""Ask the built store: SPARQL over the union of all graphs, answered as a readable table
or in a standard results format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.mapping.ontology import PREFIXES
from kg.store.builds import open_store

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)
#: Prefixes for entity IRIs by kind: ``person:li-lisan`` is ``<base>/id/person/li-lisan``.
ID_PREFIXES = ("person", "organization", "place", "operation", "meeting", "deviation",
               "document", "communication", "plan", "quantity", "change")


@dataclass
class Table:
    """A SELECT result as display strings."""

    columns: list[str]
    rows: list[list[str]]


def prefixes_for(base: str) -> dict[str, str]:
    """The project's prefixes: ``kg:`` (ontology), ``id:`` (entities) and the standard ones."""
    kinds = {kind: f"{base}/id/{kind}/" for kind in ID_PREFIXES}
    return {"kg": f"{base}/ontology#", **kinds, "id": f"{base}/id/", **PREFIXES}


def with_prologue(query: str, base: str) -> str:
    """Prepend PREFIX declarations for the project's prefixes the query does not declare."""
    declared = query.lower()
    lines = [
        f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes_for(base).items()
        if f"prefix {p}:" not in declared
    ]
    return "".join(lines) + query


def execute(store: ox.Store, query: str, base: str) -> object:
    """Run ``query`` over the union of all graphs; malformed queries raise QueryError."""
    try:
        return store.query(with_prologue(query, base), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {' '.join(str(exc).split())}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None


def select(store_path: str | Path, query: str, *, base: str) -> Table:
    """A SELECT query's answer as a table of display strings (IRIs shortened)."""
    with open_store(store_path) as store:
        result = execute(store, query, base)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return to_table(result, base)


def run(store_path: str | Path, query: str, *, base: str, fmt: str = "table") -> str:
    """Run a query and render its answer as ``fmt`` (see :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    with open_store(store_path) as store:
        result = execute(store, query, base)
        if isinstance(result, ox.QueryTriples):
            fmt = "ttl" if fmt == "table" else fmt
            if fmt not in GRAPH_FORMATS:
                raise QueryError("a CONSTRUCT or DESCRIBE answer is a graph: use --format "
                                 + "|".join(GRAPH_FORMATS))
            prefixes = prefixes_for(base) if fmt == "ttl" else None
            return ox.serialize(list(result), format=GRAPH_FORMATS[fmt],
                                prefixes=prefixes).decode()
        if fmt in GRAPH_FORMATS:
            raise QueryError("a SELECT or ASK answer is a table: use --format "
                             + "|".join(("table", *RESULT_FORMATS)))
        if isinstance(result, ox.QueryBoolean):
            if fmt == "table":
                return "yes" if bool(result) else "no"
            return result.serialize(format=RESULT_FORMATS[fmt]).decode()
        if fmt == "table":
            return render_table(to_table(result, base))
        return result.serialize(format=RESULT_FORMATS[fmt]).decode()


def to_table(result: ox.QuerySolutions, base: str) -> Table:
    short = prefixes_for(base)
    columns = [v.value for v in result.variables]
    rows = [[display(sol[c], short) for c in columns] for sol in result]
    return Table(columns, rows)


def display(term: object, prefixes: dict[str, str]) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in prefixes.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def render_table(table: Table, max_width: int = 60) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[clip(c) for c in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    out = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(s.rstrip() for s in out)
