"""Engines benchmark: the hand-written SHACL engine and N-Quads writers against libraries.

One synthetic corpus is compiled once (``compile_graphs(output="keep")``, untimed, no
SHACL) and reasoned once; then each comparison runs its two sides alternately, A B A B A B,
in this process, and records CPU seconds (user+sys, with reaped pool children) and wall
seconds of each run:

- ``shacl``: the build's validation. ``fast``: ``Validator(..., "fast").check`` on each
  document's provenance layer (split as ``kg.mapping.compile.compile_one`` does; serially
  here, the build runs it in its compile workers) and once on the registry plus every
  document's domain triples (``kg.build.validate``). ``pyshacl``: the same split with engine
  "pyshacl", the provenance checks in a fork pool of 2. Splitting is untimed. Untimed too:
  whether both engines report the same violations (``Result.key()``) on the clean corpus
  and on a copy with a few deliberate breaks (:func:`break_documents`).
- ``nquads-docs``: every document graph written by ``kg.mapping.nquads.write`` (``hand``)
  or converted to ``ox.Quad`` (terms other than literals cached) and written by
  ``pyoxigraph.serialize`` (``ox``), one call per document, to memory.
- ``nquads-explain``: a fresh ``Explanations`` plus the inferred graph and the
  explanations, written by ``Explanations.write_inferred``/``write`` (``hand``) or built as
  ``ox.Quad`` objects and serialized (``ox``). Both outputs are parsed back and compared
  as sets of quads. Each run prints a JSON line, appended to ``engines.jsonl`` too.
"""

from __future__ import annotations

import gc
import io
import itertools
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Literal, Namespace
from rdflib.namespace import SH

from bench.corpus import generate

OA = Namespace("http://www.w3.org/ns/oa#")
SIDES = {"shacl": ("fast", "pyshacl"), "nquads-docs": ("hand", "ox"),
         "nquads-explain": ("hand", "ox")}


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# --- SHACL ----------------------------------------------------------------------------------

_POOL: dict = {}  # set in the parent just before forking; read by the workers


def _violation_keys(validator, triples) -> list[tuple]:
    return [r.key() for r in validator.results(triples) if r.severity == SH.Violation]


def _provenance_one(i: int) -> list:
    v, provenance = _POOL["validator"], _POOL["provenance"][i]
    return _violation_keys(v, provenance) if _POOL["keys"] else v.check(provenance)


def run_split(engine: str, shapes, ontology, docs, registry, keys: bool = False) -> list:
    """The build's validation with ``engine``: per-document provenance (pyshacl: in a fork
    pool of 2), then registry + all domain triples at once. ``check`` lines, or with
    ``keys`` the violations' result keys."""
    from kg.validate.validator import Validator

    validator = Validator(shapes, ontology, engine)
    provenance = [p for _, p, _ in docs]
    if engine == "pyshacl":
        _POOL.update(validator=validator, provenance=provenance, keys=keys)
        pool = multiprocessing.get_context("fork").Pool(2)
        try:
            out = pool.map(_provenance_one, range(len(docs)), chunksize=1)
        finally:
            pool.close()
            pool.join()  # (reaped: their CPU counts in os.times' children)
    else:
        out = [_violation_keys(validator, p) if keys else validator.check(p) for p in provenance]
    domain = list(itertools.chain(registry, *(d for _, _, d in docs)))
    out.append(_violation_keys(validator, domain) if keys else validator.check(domain))
    return out


def split_documents(compiled) -> list[tuple[str, list, list]]:
    """(document id, provenance triples, domain triples) per document, as compile_one."""
    prefixes = (compiled.iris.base + "/id/fact/", compiled.iris.base + "/id/annotation/")
    docs: list[tuple[str, list, list]] = []
    for doc in compiled.documents:
        docs.append((doc.id, [], []))
        for t in compiled.graphs[compiled.iris.document_graph(doc.id)]:
            docs[-1][1 if str.startswith(t[0], prefixes) else 2].append(t)
    return docs


def break_documents(docs, kg, registry) -> tuple[list, list[str]]:
    """A copy of ``docs`` with deterministic breaks, each in another document if it can."""
    docs = [(d, list(p), list(m)) for d, p, m in docs]
    notes: list[str] = []
    n, step = len(docs), max(1, len(docs) // 5)

    def mutate(start, want, change, note):
        for k in range(n):
            i = (start + k) % n
            for triples in docs[i][1:]:
                t = next((t for t in triples if want(t)), None)
                if t is not None:
                    triples.remove(t)
                    triples.extend(change(t))
                    notes.append(f"{docs[i][0]}: {note} [{t[0]}]")
                    return
        notes.append(f"SKIPPED (no document has it): {note}")

    mutate(0, lambda t: t[1] == kg.sourceFile, lambda t: [], "kg:sourceFile removed (minCount)")
    mutate(step, lambda t: t[1] == OA.start, lambda t: [(t[0], t[1], Literal("abc"))],
           'oa:start "abc" (datatype)')
    mutate(2 * step, lambda t: t[1] == OA.exact, lambda t: [],
           "oa:exact removed (minCount, sequence path)")
    mutate(3 * step, lambda t: t[1] == kg.date, lambda t: [(t[0], t[1], Literal("spring 1949"))],
           'kg:date "spring 1949" (sh:or)')
    # Cross-document: an unregistered person labelled in several documents gets another
    # spelling in one of them: one label per document, two in the union (maxCount 1).
    registered = {s for s, _, _ in registry}
    labelled: dict = {}
    for i, (_, _, dom) in enumerate(docs):
        persons = {s for s, p, o in dom if p == RDF.type and o == kg.Person} - registered
        for s, p, _ in dom:
            if p == RDFS.label and s in persons:
                labelled.setdefault(s, []).append(i)
    person = next((s for s, found in sorted(labelled.items()) if len(found) > 1), None)
    mutate(labelled[person][-1] if person else 0, lambda t: t[0] == person and t[1] == RDFS.label,
           lambda t: [(t[0], t[1], Literal(str(t[2]) + "ii"))],
           "CROSS-DOCUMENT: a person's rdfs:label spelt differently in one document (maxCount)")
    return docs, notes


# --- N-Quads --------------------------------------------------------------------------------

def quads(triples, graph: str, cache: dict, blank: list | None = None):
    """``ox.Quad`` per triple (IRIs and blank nodes converted once); with ``blank``, triples
    with a blank node go there instead, as in kg.mapping.nquads.write."""
    g = ox.NamedNode(graph)

    def term(node):
        if type(node) is Literal:
            if node.language:
                return ox.Literal(str(node), language=node.language)
            dt = node.datatype
            return ox.Literal(str(node), datatype=ox.NamedNode(dt)) if dt else ox.Literal(str(node))
        hit = cache.get(node)
        if hit is None:
            hit = cache[node] = (ox.BlankNode(str(node)) if isinstance(node, BNode)
                                 else ox.NamedNode(node))
        return hit

    for t in triples:
        s, p, o = t
        if blank is not None and (isinstance(s, BNode) or isinstance(o, BNode)):
            blank.append(t)
            continue
        yield ox.Quad(term(s), term(p), term(o), g)


def explanation_triples(e):
    """The triples ``Explanations.write`` writes, in its order."""
    from kg.reason.explain import _reified

    kg = e.iris.kg
    for node, t, rule, premises in e._steps():
        yield from _reified(node, kg.Explanation, t)
        yield node, kg.derivedBy, rule
        for p in premises:
            yield node, kg.premise, p
    yield from e.rules.triples()
    for t, node in e.asserted.items():
        yield from _reified(node, kg.AssertedStatement, t)
    yield from e._comment()


# --- driver ---------------------------------------------------------------------------------

def bench_engines(size: int, work: Path, reps: int = 3) -> list[dict]:
    from kg.build import compile_graphs, reason
    from kg.config import Config
    from kg.mapping import nquads
    from kg.reason.explain import Explanations
    from kg.speedups import gc_paused

    root = work / f"corpus-{size}"
    if not (root / "corpus").is_dir() or len(list((root / "corpus").glob("*.txt"))) != size + 2:
        generate(root, size)
    with tempfile.TemporaryDirectory() as data:
        config = Config.load({"corpus_dir": str(root / "corpus"),
                              "mappings_dir": str(root / "mappings"), "data_dir": data})
        compiled = compile_graphs(config, output="keep")
    inference = reason(compiled)
    iris, ontology = compiled.iris, compiled.ontology
    shapes, registry = ontology.shapes(), list(compiled.registry_graph)
    docs = split_documents(compiled)
    graphs = [(str(iris.document_graph(d.id)), set(compiled.graphs[iris.document_graph(d.id)]))
              for d in compiled.documents]  # (compile workers hold each graph as a set)
    names = (str(iris.inferred_graph), str(iris.graph("explanations")))
    base = {"size": size, "documents": len(docs), "document_triples": sum(
        len(g) for _, g in graphs), "inferred": len(inference.triples)}

    def explanations():
        return Explanations(itertools.chain(compiled.registry_graph, compiled.domain),
                            compiled.fact_nodes, inference.triples, ontology.graph, iris,
                            inference.derivations)

    def docs_hand():
        out = io.StringIO()
        with gc_paused():
            for graph, g in graphs:
                nquads.write(out, g, graph)
        return out.getvalue().encode(), []

    def docs_ox():
        out, cache = io.BytesIO(), {}
        with gc_paused():
            for graph, g in graphs:
                ox.serialize(quads(g, graph, cache), out, format=ox.RdfFormat.N_QUADS)
        return out.getvalue(), []

    def explain_hand():
        out, blank = io.StringIO(), []
        with gc_paused():
            e = explanations()
            e.write_inferred(out, names[0], blank)
            e.write(out, names[1], blank)
        return out.getvalue().encode(), blank

    def explain_ox():
        out, blank, cache = io.BytesIO(), [], {}
        with gc_paused():
            e = explanations()
            ox.serialize(quads(e.inferred, names[0], cache, blank), out,
                         format=ox.RdfFormat.N_QUADS)
            ox.serialize(quads(explanation_triples(e), names[1], cache, blank), out,
                         format=ox.RdfFormat.N_QUADS)
        return out.getvalue(), blank

    benches = {
        "shacl": {s: (lambda s=s: run_split(s, shapes, ontology.graph, docs, registry))
                  for s in SIDES["shacl"]},
        "nquads-docs": {"hand": docs_hand, "ox": docs_ox},
        "nquads-explain": {"hand": explain_hand, "ox": explain_ox},
    }
    rows: list[dict] = []

    def record(row: dict) -> None:
        row = {**row, **base, "at": time.strftime("%H:%M:%S", time.gmtime())}
        print(json.dumps(row, default=str), flush=True)
        with (work / "engines.jsonl").open("a") as f:
            f.write(json.dumps(row, default=str) + "\n")
        rows.append(row)

    for bench, sides in benches.items():
        outputs = {}
        for rep in range(reps):
            for side, fn in sides.items():
                gc.collect()
                c, w = cpu(), time.perf_counter()
                outputs[side] = fn()
                record({"bench": bench, "side": side, "rep": rep + 1,
                        "cpu": round(cpu() - c, 3), "wall": round(time.perf_counter() - w, 3)})
        if bench != "shacl":
            (a, blank_a), (b, blank_b) = outputs["hand"], outputs["ox"]
            parsed = [set(ox.parse(x, format=ox.RdfFormat.N_QUADS)) for x in (a, b)]
            record({"bench": bench, "check": "same quads", "quads": len(parsed[0]),
                    "agree": parsed[0] == parsed[1] and set(blank_a) == set(blank_b),
                    "byte_identical": a == b, "blank_kept_apart": len(blank_a)})
    broken, notes = break_documents(docs, iris.kg, registry)
    for label, data in (("clean", docs), ("broken", broken)):
        found = {s: {k for part in run_split(s, shapes, ontology.graph, data, registry, True)
                     for k in part} for s in SIDES["shacl"]}
        fast, lib = found["fast"], found["pyshacl"]
        record({"bench": "shacl", "check": f"same violations, {label}", "fast": len(fast),
                "pyshacl": len(lib), "agree": fast == lib, "differing": list(fast ^ lib)[:4],
                **({"breaks": notes} if label == "broken" else {})})
    summary(rows)
    return rows


def summary(rows: list[dict]) -> None:
    print(f"\n{'bench':<15}{'side':<9}{'CPU s (runs)':<26}{'wall s (runs)':<26}median CPU ratio")
    for bench, (a, b) in SIDES.items():
        runs = {s: [r for r in rows if r.get("bench") == bench and r.get("side") == s]
                for s in (a, b)}
        med = {s: statistics.median(r["cpu"] for r in runs[s]) for s in runs}
        for s in (a, b):
            ratio = f"{med[s] / med[a]:.2f}x {a}" if med[a] else "-"
            cpus = " ".join(f"{r['cpu']:.3f}" for r in runs[s])
            walls = " ".join(f"{r['wall']:.3f}" for r in runs[s])
            print(f"{bench:<15}{s:<9}{cpus:<26}{walls:<26}{ratio}")
    for r in rows:
        if "check" in r:
            counts = (f"{r['fast']} / {r['pyshacl']} violations" if "fast" in r
                      else f"{r['quads']} quads, byte-identical {r['byte_identical']}")
            print(f"{r['bench']:<15}{r['check']}: agree {r['agree']} ({counts})")
