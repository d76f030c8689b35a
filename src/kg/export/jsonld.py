"""JSON-LD of the whole dataset: one node object per subject, the named graphs as ``@graph``
objects, IRIs compacted with the given context (prefixes), which the document embeds.

Written from sorted N-Triples lines (kg.export.ntriples). The text is that of
``json.dumps(document, ensure_ascii=False, indent=1)``, put together here because the
standard library's encoder is pure Python once it indents (0.54 s for the seed
documents' 151,000 statements); each string still goes through its C escaping.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from json.encoder import encode_basestring as _string

from kg.export import ntriples

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def document(graphs: list[ntriples.Graph], context: dict[str, str]) -> bytes:
    """The JSON-LD document of ``graphs``, compacted with (and carrying) ``context``."""
    ref = _compactor(context)
    top: list[str] = []
    for graph in graphs:
        indent = 2 if graph.name == ntriples.DEFAULT_GRAPH else 4
        nodes = [_node(subject, list(rows), ref, indent)
                 for subject, rows in groupby(map(ntriples.split, graph.lines),
                                              key=lambda t: t[0])]
        if graph.name == ntriples.DEFAULT_GRAPH:
            top.extend(nodes)
        else:
            top.append('  {\n   "@id": ' + _string(ref(graph.name)) + ',\n   "@graph": [\n'
                       + ",\n".join(nodes) + "\n   ]\n  }")
    head = json.dumps({"@context": context}, ensure_ascii=False, indent=1)[:-2]
    body = "[\n" + ",\n".join(top) + "\n ]" if top else "[]"
    return (head + ',\n "@graph": ' + body + "\n}\n").encode()


def _compactor(context: dict[str, str]) -> Callable[[str], str]:
    """A term's N-Triples form -> its JSON-LD reference: ``_:b1`` for a blank node, and
    ``<https://.../id/person/mao-zedong>`` -> ``person:mao-zedong`` (longest namespace)."""
    spaces = sorted(context.items(), key=lambda item: -len(item[1]))
    known: dict[str, str] = {}

    def ref(term: str) -> str:
        found = known.get(term)
        if found is None:
            found = known[term] = term if term.startswith("_:") else _compact(term[1:-1])
        return found

    def _compact(iri: str) -> str:
        for prefix, ns in spaces:
            local = iri[len(ns):]
            if iri.startswith(ns) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    return ref


def _node(subject: str, rows: list[tuple[str, str, str]], ref: Callable[[str], str],
          depth: int) -> str:
    """A node object at ``depth`` spaces: ``@id``, ``@type`` (its named classes), then one
    array per predicate, in the order of the rows."""
    i0, i1, i2 = " " * depth, " " * (depth + 1), " " * (depth + 2)
    fields = [f'{i1}"@id": {_string(ref(subject))}']
    types = [f"{i2}{_string(ref(o))}" for _, p, o in rows if p == RDF_TYPE and o[0] == "<"]
    if types:
        fields.append(f'{i1}"@type": [\n' + ",\n".join(types) + f"\n{i1}]")
    values: dict[str, list[str]] = {}
    for _, p, o in rows:
        if p == RDF_TYPE and o[0] == "<":
            continue
        values.setdefault(ref(p), []).append(_value(o, ref, i2))
    for key, texts in values.items():
        fields.append(f"{i1}{_string(key)}: [\n" + ",\n".join(texts) + f"\n{i1}]")
    return f"{i0}{{\n" + ",\n".join(fields) + f"\n{i0}}}"


def _value(term: str, ref: Callable[[str], str], indent: str) -> str:
    inner = indent + " "
    if term[0] != '"':
        return f'{indent}{{\n{inner}"@id": {_string(ref(term))}\n{indent}}}'
    quoted, rest = ntriples.literal(term)
    value = _string(ntriples.unquote(quoted))
    if not rest:  # xsd:string
        return indent + value
    if rest[0] == "@":
        second = f'"@language": {_string(rest[1:])}'
    else:
        second = f'"@type": {_string(ref(rest[2:]))}'
    return f'{indent}{{\n{inner}"@value": {value},\n{inner}{second}\n{indent}}}'
