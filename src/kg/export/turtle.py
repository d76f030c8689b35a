"""Turtle and TriG, written here so that the output is deterministic (sorted, prefixes in a
fixed order) and readable: a subject's statements together, ``a`` first, prefixed names only
where they need no escaping, and a prefix for each folder of IRIs under ``<base>/id/``.

Both are written from sorted N-Triples lines (kg.export.ntriples), term by term as strings.
"""

from __future__ import annotations

import re
from itertools import groupby

from kg.export import ntriples

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_INTEGER_TYPE = "^^<http://www.w3.org/2001/XMLSchema#integer>"
_PN_PREFIX = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_INTEGER = re.compile(r'"[+-]?[0-9]+"')


def turtle(lines: list[str], known: dict[str, str], base: str) -> bytes:
    """Prefixed Turtle of sorted ``s p o`` lines (only the prefixes used are declared)."""
    writer = _Writer(known, base, [lines])
    body = writer.block(lines, indent="")
    return (writer.header() + "\n" + body).encode()


def trig(graphs: list[ntriples.Graph], known: dict[str, str], base: str) -> bytes:
    """Prefixed TriG of sorted graphs: one block per named graph."""
    writer = _Writer(known, base, [g.lines for g in graphs])
    parts = []
    for graph in graphs:
        if graph.name == ntriples.DEFAULT_GRAPH:
            parts.append(writer.block(graph.lines, indent=""))
        else:
            parts.append(f"{writer.term(graph.name)} {{\n"
                         f"{writer.block(graph.lines, indent='    ')}}}\n")
    return (writer.header() + "\n" + "\n".join(parts)).encode()


class _Writer:
    def __init__(self, known: dict[str, str], base: str, lines: list[list[str]]):
        self.prefixes = dict(known)
        self.prefixes.update(_folder_prefixes(lines, base, self.prefixes))
        self.spaces = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.used: set[str] = set()
        self.names: dict[str, str] = {}  # "<iri>" -> how it is written

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()
                       if p in self.used)

    def iri(self, term: str) -> str:
        """``<iri>`` as a prefixed name where one fits."""
        name = self.names.get(term)
        if name is None:
            name = self.names[term] = term
            iri = term[1:-1]
            for prefix, ns in self.spaces:
                if iri.startswith(ns) and _PN_LOCAL.fullmatch(iri[len(ns):]):
                    self.used.add(prefix)
                    name = self.names[term] = f"{prefix}:{iri[len(ns):]}"
                    break
        return name

    def term(self, term: str) -> str:
        first = term[0]
        if first == "<":
            return self.iri(term)
        if first == '"':
            quoted, rest = ntriples.literal(term)
            if rest.startswith("^^"):
                if rest == _INTEGER_TYPE and _INTEGER.fullmatch(quoted):
                    return quoted[1:-1]
                return f"{quoted}^^{self.iri(rest[2:])}"
        return term  # blank nodes, plain and language-tagged literals: N-Triples form

    def block(self, lines: list[str], indent: str) -> str:
        out = []
        names = self.names
        for subject, about in groupby(map(ntriples.split, lines), key=lambda t: t[0]):
            # Input is sorted by predicate and object; the stable sort only puts `a` first.
            rows = sorted(about, key=lambda t: t[1] != RDF_TYPE)
            verbs = []
            for predicate, values in groupby(rows, key=lambda t: t[1]):
                verb = "a" if predicate == RDF_TYPE else names.get(predicate) or self.iri(
                    predicate)
                objects = [names.get(t[2]) or self.term(t[2]) for t in values]
                joiner = " , " if sum(map(len, objects)) < 60 else f" ,\n{indent}        "
                verbs.append(f"{verb} {joiner.join(objects)}")
            out.append(f"{indent}{self.term(subject)} " + f" ;\n{indent}    ".join(verbs)
                       + " .\n")
        return "".join(out)


def _folder_prefixes(lines: list[list[str]], base: str, taken: dict[str, str]
                     ) -> dict[str, str]:
    """``fact-1948-12-30-mao-to-stalin:`` for <base>/id/fact/1948-12-30-mao-to-stalin/ and
    ``position:`` for <base>/id/position/: one prefix per folder of IRIs under <base>/id/."""
    root = f"<{base}/id/"
    iris: set[str] = set()
    for some in lines:
        for line in some:
            s, _, o = ntriples.split(line)
            iris.add(s)
            iris.add(o)
    folders: set[str] = set()
    for iri in iris:
        if iri.startswith(root):
            segments = iri[len(root):-1].split("/")
            for depth in (1, 2):
                if len(segments) > depth:
                    folders.add(root[1:] + "/".join(segments[:depth]) + "/")
    spaces = set(taken.values())
    out: dict[str, str] = {}
    for folder in sorted(folders):
        name = folder[len(root) - 1:-1].replace("/", "-")
        if folder in spaces or name in taken or name in out or not _PN_PREFIX.fullmatch(name):
            continue
        out[name] = folder
    return out
