"""The layout rules of docs/architecture.md: the library's subpackages follow the data, and
imports only point down the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

from kg.config import PROJECT_ROOT

SRC = PROJECT_ROOT / "src" / "kg"
SERVER = PROJECT_ROOT / "server"

#: The pipeline's stages, in order: a module may import its own stage and earlier ones.
#: ``curate`` (adding pages, drafting mappings) sits beside ``validate``: it reads pages and
#: writes mappings, and needs nothing later.
STAGES = {"ingest": 1, "mapping": 2, "validate": 3, "curate": 3, "reason": 4, "store": 5,
          "read": 6, "export": 7}
#: Modules of the package root every stage may use.
SHARED = {"kg", "kg.errors", "kg.config", "kg.speedups"}
MAX_LINES = 500


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``kg``/``server`` import in ``path``, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, n) for line, n in found if n.split(".")[0] in ("kg", "server")]


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_imports_point_down_the_pipeline() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        here = module_name(path)
        mine = stage(here)
        for line, name in imports(path):
            if name.startswith("server"):
                if here != "kg.cli":  # the edge that starts the server
                    wrong.append(f"{path}:{line}: the library imports {name}")
                continue
            theirs = stage(name)
            if mine is None or theirs is None:
                # The root's pipeline driver and CLI may use every stage; the shared
                # modules nothing but each other.
                if here in SHARED and name not in SHARED and theirs is not None:
                    wrong.append(f"{path}:{line}: {here} imports the stage {name}")
                continue
            if theirs != mine and STAGES[theirs] >= STAGES[mine]:
                wrong.append(f"{path}:{line}: {mine} imports {name}, not an earlier stage")
            if name in ("kg.build", "kg.cli", "kg.gold"):
                wrong.append(f"{path}:{line}: a stage imports the pipeline driver {name}")
    assert not wrong, "\n".join(wrong)


def test_the_server_is_a_layer_over_the_library() -> None:
    wrong = [f"{path}:{line}: {name}" for path in sorted(SERVER.rglob("*.py"))
             for line, name in imports(path) if name.startswith("kg.cli")]
    assert not wrong, "\n".join(wrong)


def test_every_stage_is_a_folder_and_no_module_is_over_500_lines() -> None:
    assert {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()} == set(STAGES)
    long = [f"{p}: {n} lines" for p in sorted([*SRC.rglob("*.py"), *SERVER.rglob("*.py")])
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, "\n".join(long)


def test_docs_architecture_names_every_module() -> None:
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [str(p) for p in sorted([*SRC.rglob("*.py"), *SERVER.rglob("*.py")])
               if not (p.name == "__init__.py" and p.parent.name in STAGES)
               and f"`{p.name}`" not in text]
    assert not missing, "docs/architecture.md does not say where these live: " + ", ".join(
        missing)
    for name in STAGES:
        assert name in text.split("## Where each concern lives")[0], f"{name} not in the picture"
