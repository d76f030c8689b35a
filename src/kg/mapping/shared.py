"""What every document compiles against (the ontology, the registry graph, the linker's
look-up of the registry's names), kept by a build in its folder and taken again by the
next build in the same data directory made from the same files.

Reading them is a third of the two seed documents' build (the Turtle parsed and its blank
nodes labelled canonically, 1,110 registry entries read from YAML and checked, their
graph, the trie of 9,000 names: about 0.7 CPU-s), and they change far less often than
pages and mappings. A build pickles them beside its store under a key that digests what
they are made from (:func:`kg.store.record.read_inputs`: the code, the ontology and
registry files, the settings; and the folders read, which error messages name), and the
next build unpickles them (about 0.1 s) when its key is the same, full build or not; any
other key, or a file that cannot be read, and they are read from the files as before. The
store built is the same either way (``tests/test_incremental_build.py``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.config import Config
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry
from kg.speedups import gc_paused

FILE = "shared.pickle"


def shared_key(digests: dict[str, str], *folders: str | Path) -> str:
    """The key of a build's shared inputs: their digests, and the folders read (a registry
    entry names its file in error messages)."""
    h = hashlib.sha256()
    for name, value in sorted(digests.items()):
        h.update(f"{name}\0{value}\0".encode())
    for folder in folders:
        h.update(str(Path(folder).resolve()).encode() + b"\0")
    return h.hexdigest()


@dataclass
class Shared:
    """The ontology, the registry and the registry graph (coordinates included), as the
    build read them from the files, and the linker's look-ups of the registry's names;
    and what the reasoner derives from them alone, once a build has computed it
    (:class:`kg.reason.base.Base`, kept here so that it shares their terms)."""

    ontology: Ontology
    registry: Registry
    graph: Graph
    linker: Linker | None
    reasoning: Any = None


class SharedCache:
    """The shared inputs kept by the served build (its folder ``served``) under ``key``."""

    def __init__(self, key: str, served: Path | None):
        self.key, self.served = key, served
        self.found: Shared | None = None

    @classmethod
    def served(cls, config: Config, digests: dict[str, str]) -> SharedCache:
        """The cache of the build ``config`` serves (none if none is), for a build of the
        inputs ``digests``."""
        store = config.store_path
        return cls(shared_key(digests, config.ontology_dir, config.mappings_dir),
                   store.resolve().parent if store.exists() else None)

    def get(self) -> Shared | None:
        """The served build's shared inputs if they were made under this key, else None."""
        if self.served is None:
            return None
        try:
            with open(self.served / FILE, "rb") as f, gc_paused():
                key, shared = pickle.load(f)
        except Exception:  # noqa: BLE001  (missing, damaged, another format: read the files)
            return None
        if key != self.key or not isinstance(shared, Shared):
            return None
        self.found = shared
        return shared

    def save(self, folder: Path, shared: Shared) -> None:
        """Keep ``shared`` in the new build's ``folder``: a link to the served build's file
        when that was taken (and nothing added to it), else written (only where a build was
        served before: a data directory built once is likely built again, and a first build
        saves the time)."""
        if self.served is None:
            return
        if self.found is not None and self.found.reasoning is shared.reasoning:
            try:
                os.link(self.served / FILE, folder / FILE)
                return
            except OSError:
                pass  # another file system, or no hard links: write a copy below
        with open(folder / FILE, "wb") as out:
            pickle.dump((self.key, shared), out, protocol=pickle.HIGHEST_PROTOCOL)
