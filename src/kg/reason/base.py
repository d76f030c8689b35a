"""What reasoning over the ontology and the registry alone gives, kept between builds.

Of the 13,077 statements the rules infer from the two seed documents, 11,866 follow from
the ontology and the registry alone, and so do most of their explanations: reasoning and
explaining them again is most of what a build spends after mapping, for the same result
every time. A build that keeps the shared inputs (:mod:`kg.mapping.shared`: the same key,
a digest of the code, the ontology, the registry and the settings) keeps this :class:`Base`
with them: the closure of the ontology and the registry (with each derivation's round and
its rivals, :meth:`kg.reason.rules.Closure.extend`) and the explanations written for its
statements (:class:`kg.reason.explain.Written`). The next build starts the rules engine
from it and derives only what the documents add, and writes again, unmade, the
explanations that stay as they were. The result is the store reasoning from scratch
makes, quad for quad and row for row (``tests/test_reasoners.py`` against the whole
computation, ``tests/test_incremental_build.py`` against a build without it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError
from kg.mapping.iris import Iris
from kg.reason.explain import Written
from kg.reason.rules import Closure, Triple, closure

#: The explanations file of the build that made the base, kept (linked) with it in each
#: build's folder: the lines of the explanations :class:`Written` gives by digest.
ROWS = "reasoning.sqlite"


@dataclass
class Base:
    """The closure of the ontology and the registry (``closure``), the triples of theirs
    left out of reasoning (the provenance layer: ``aside``), the explanations written for
    the closure's statements, and the digest of each subject of the rows file (:data:`ROWS`;
    None until it is kept)."""

    closure: Closure
    aside: set[Triple]
    written: Written
    rows: dict[str, int] | None = None

    @classmethod
    def kept(cls, found: object, reasoner: str, graphs: Iterable[Iterable[Triple]],
             iris: Iris, served: Path | None) -> Base | None:
        """The base a build reasons from: ``found`` (kept with the shared inputs in the
        folder ``served``, or None) if its rows file is there, else, in a data directory
        that serves a build (it keeps this one), a new one of ``graphs`` when the rules
        engine reasons."""
        if isinstance(found, cls) and served is not None and (served / ROWS).is_file():
            return found
        return cls.of(graphs, iris) if served is not None and reasoner == "rules" else None

    @classmethod
    def of(cls, graphs: Iterable[Iterable[Triple]], iris: Iris) -> Base | None:
        """The base of ``graphs`` (the ontology's, the registry's), its explanations to be
        filled by the next ones written; None if the rules engine refuses these graphs or
        finds them contradictory (reasoning from scratch then says why)."""
        work: list[Triple] = []
        aside: set[Triple] = set()
        for g in graphs:
            for t in g:
                if iris.is_provenance(t[0]):
                    aside.add(t)
                else:
                    work.append(t)
        try:
            found = closure(work, rivals=True)
        except ConfigError:
            return None
        if next(found.contradictions(), None) is not None:
            return None
        return cls(found, aside, Written(found.derivations, fill=True))

    def start(self, served: Path, incremental: tuple[Path, dict[str, int]] | None
              ) -> tuple[Path | None, dict[str, int] | None, Path | None]:
        """Where a build's explanations file starts: (the file to copy, its subjects'
        digests, the file of the lines written before): for an incremental build the served
        build's (``incremental``); for a full one, the rows file kept."""
        if self.rows is None:  # being made: nothing written before
            return (*incremental, None) if incremental else (None, None, None)
        if incremental:
            return (*incremental, served / ROWS)
        return served / ROWS, self.rows, served / ROWS

    def keep(self, folder: Path, served: Path, digests: dict[str, int], file: str) -> None:
        """Keep the rows file in the new build's ``folder``: the served build's, or, for a
        new base, the explanations file just written there (``file``, of ``digests``)."""
        if self.rows is None:
            self.written.seal(digests)
            self.rows = dict(digests)
            os.link(folder / file, folder / ROWS)
        else:
            os.link(served / ROWS, folder / ROWS)
