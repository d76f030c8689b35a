"""Build benchmark: wall time and peak memory of each stage at each corpus size.

Each size runs in a fresh process (so peak memory is that build's alone) with the stages
of :func:`kg.build.build`, called one by one: parse+map (``compile_graphs``), validate
(SHACL), reason (with each engine asked for) and load (the pyoxigraph store).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import generate


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(root: Path, reasoners: list[str], skip_validate: bool = False) -> dict:
    """Build the corpus under ``root`` in this process; return per-stage figures."""
    import tempfile

    from kg.build import (
        BuildReport,
        compile_graphs,
        reason,
        validate,
        write_graphs,
    )
    from kg.config import Config
    from kg.mapping.compile import Shards
    from kg.store.builds import StoreWriter
    from kg.store.explanations import FILE, ExplanationRows

    config = Config.load({"corpus_dir": str(root / "corpus"),
                          "mappings_dir": str(root / "mappings"),
                          "data_dir": str(root / "data")})
    Path(config.data_dir).mkdir(parents=True, exist_ok=True)
    out: dict = {"stages": {}, "peak_mb": {}}
    report = BuildReport()
    # The same steps as kg.build.build, timed one by one: the store loads document graphs
    # while "map" runs and explanations while "explain" runs; "load" is what is left.
    with tempfile.TemporaryDirectory(dir=config.data_dir) as scratch, \
            StoreWriter(config.data_dir, compact=config.compact_store) as store:
        compiled = compile_graphs(
            config, report=report, validator=None if skip_validate else config.validator,
            output=Shards(Path(scratch), lambda path, name: store.load(path, name=name,
                                                                       remove=True)))
        out["stages"].update(report.seconds)
        out["peak_mb"]["map"] = round(peak_mb())
        out["documents"] = report.documents
        out["facts"] = report.facts
        out["processes"] = compiled.processes
        if not skip_validate:
            t = time.perf_counter()
            validate(compiled)
            out["stages"]["validate"] = round(time.perf_counter() - t, 3)
            out["peak_mb"]["validate"] = round(peak_mb())
        inference = first = None
        for name in reasoners:
            t = time.perf_counter()
            inference = reason(compiled, name)
            out["stages"][f"reason:{name}"] = round(time.perf_counter() - t, 3)
            out["peak_mb"][f"reason:{name}"] = round(peak_mb())
            out[f"inferred:{name}"] = len(inference.triples)
            if first is None:
                first = inference
            else:  # the meaningful inferences must be the same whichever engine runs
                out[f"same_as_{reasoners[0]}:{name}"] = inference.triples == first.triples
        assert first is not None
        t = time.perf_counter()
        rows = ExplanationRows(store.partial / FILE, str(compiled.iris.graph("explanations")))
        graphs = write_graphs(compiled, first, report, store.writer, rows)
        out["stages"]["explain"] = round(time.perf_counter() - t, 3)
        out["peak_mb"]["explain"] = round(peak_mb())
        t = time.perf_counter()
        store.commit(graphs, {"base_iri": compiled.iris.base})
        out["stages"]["load"] = round(time.perf_counter() - t, 3)
        out["load_detail"] = store.seconds  # waiting for the loader, optimize(), closing
        out["compact_store"] = config.compact_store
        out["peak_mb"]["load"] = round(peak_mb())
    out["asserted_triples"] = sum(v for k, v in report.triples.items()
                                  if not k.endswith(("/inferred", "/explanations")))
    out["total_triples"] = sum(report.triples.values())
    return out


def bench_build(sizes: list[int], reasoners: list[str], work: Path, results: Path,
                timeout: float, skip_validate: bool = False) -> list[dict]:
    """Generate and build each size in a child process; append JSON lines to ``results``."""
    rows = []
    for n in sizes:
        root = work / f"corpus-{n}"
        if not (root / "corpus").is_dir() or len(list((root / "corpus").glob("*.txt"))) != n + 2:
            t = time.perf_counter()
            generate(root, n)
            print(f"generated {n} documents in {time.perf_counter() - t:.1f} s", flush=True)
        cmd = [sys.executable, "-m", "bench", "build-one", str(root), "--reasoners",
               ",".join(reasoners)] + (["--skip-validate"] if skip_validate else [])
        t = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            row = {"size": n, "error": f"timed out after {timeout:.0f} s"}
        else:
            if proc.returncode:
                row = {"size": n, "error": proc.stderr.strip().splitlines()[-1:]}
            else:
                row = {"size": n, **json.loads(proc.stdout.strip().splitlines()[-1])}
        row["wall"] = round(time.perf_counter() - t, 1)
        print(json.dumps(row), flush=True)
        with results.open("a") as f:
            f.write(json.dumps(row) + "\n")
        rows.append(row)
    return rows
