"""Incremental build benchmark: a built N-document corpus, then one page added, one
mapping edited, one page removed, each followed by `kg build`.

Each build runs as `kg build` in a child process (so its wall time, CPU and peak memory
are its own, read with ``wait4``); the first is a full build, the others incremental. With
``check``, the store the last incremental build made is compared quad for quad with a
full build of the same inputs (`kg build --full` in another data directory).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench.corpus import generate


def _kg_build(root: Path, data: str, *args: str) -> dict:
    """`kg build` over the corpus under ``root``: wall, CPU, peak RSS and its stage lines."""
    env = {**os.environ, "KG_CORPUS_DIR": str(root / "corpus"),
           "KG_MAPPINGS_DIR": str(root / "mappings"), "KG_DATA_DIR": str(root / data)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = proc.stderr.read().splitlines()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"kg build failed: {lines[-1] if lines else proc.returncode}")
    stages = {}
    for line in lines:
        word = line.split(" ", 1)[0]
        if word in ("parse", "map", "validate", "reason", "load") and line.endswith(" s)"):
            stages[word] = float(line.rsplit("(", 1)[1].split()[0])
    return {"wall": round(wall, 2), "cpu": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024), "stages": stages,
            "how": next((x for x in lines if x.startswith(("full build", "incremental"))), "")}


def bench_incremental(size: int, work: Path, check: bool = False) -> list[dict]:
    """Build a fresh N-document corpus, then time the three incremental builds; append JSON
    lines to ``work/incremental.jsonl``."""
    root = work / f"incremental-{size}"
    generate(root, size + 1, with_real=False)
    pages = sorted((root / "corpus").glob("*.txt"))
    aside = root / "aside"
    aside.mkdir()
    extra = pages[-1]  # the page to add, set aside for the first build
    extra_mapping = root / "mappings" / "documents" / f"{extra.stem}.yaml"
    extra.rename(aside / extra.name)
    extra_mapping.rename(aside / extra_mapping.name)

    def step(name: str) -> dict:
        row = {"size": size, "step": name, **_kg_build(root, "data")}
        print(json.dumps(row), flush=True)
        with (work / "incremental.jsonl").open("a") as f:
            f.write(json.dumps(row) + "\n")
        return row

    rows = [step("full build")]
    (aside / extra.name).rename(extra)
    (aside / extra_mapping.name).rename(extra_mapping)
    rows.append(step("add 1 page"))
    mapping = root / "mappings" / "documents" / f"{pages[0].stem}.yaml"
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    node = next(iter(data["nodes"].values()))  # a label reworded
    node["label"] = f"{node.get('label', '')} (reworded)"
    mapping.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                       encoding="utf-8")
    rows.append(step("edit 1 mapping"))
    pages[1].unlink()
    (root / "mappings" / "documents" / f"{pages[1].stem}.yaml").unlink()
    rows.append(step("remove 1 page"))
    if check:
        import pyoxigraph as ox

        full = _kg_build(root, "data-full", "--full")

        def quads(data: str) -> list[str]:
            return sorted(map(str, ox.Store.read_only(str((root / data / "store").resolve()))))

        same = quads("data") == quads("data-full")
        print(json.dumps({"size": size, "check": "same as a full build" if same
                          else "DIFFERENT from a full build", "full": full}), flush=True)
        shutil.rmtree(root / "data-full")
    return rows
