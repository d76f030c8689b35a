"""The build's two CPU savers that are not domain logic, kept here so that the stages read
as what they do (figures: docs/benchmarks.md, docs/architecture.md).

- :func:`gc_paused`: cyclic garbage collection paused for a whole build (one collection
  after it), which makes millions of objects that live on. Each full pass of Python's cyclic
  collector walks every live object; the build's stages (compiling documents, indexing data
  for SHACL, reasoning, writing explanations) create tuples by the million and keep most of
  them, so the passes grow with the corpus and buy nothing: these stages make no reference
  cycles worth collecting early. Measured: 30 % of compiling 1,000 documents in one process,
  13 of 45 CPU-seconds of reasoning at 10,002 documents.
- :class:`Interner`: one object per equal RDF term. rdflib compares terms in Python; set and
  dict look-ups that meet the very same object skip that comparison, and equal terms from
  thousands of documents share memory. Measured: rdflib's ``__eq__`` was 60 % of reasoning
  time before terms were interned.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic garbage collection off inside, and back as it was after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Interner:
    """Hands out one object for all equal terms it has seen."""

    def __init__(self, seen: Iterable[tuple[Any, Any, Any]] = ()):
        self.terms: dict[Any, Any] = {}
        for t in seen:
            for term in t:
                self.terms.setdefault(term, term)

    def triples(self, triples: Iterable[tuple[Any, Any, Any]]
                ) -> Iterator[tuple[Any, Any, Any]]:
        """Each of ``triples`` made of the terms seen first (a loop here, not a call per
        triple: this runs over millions)."""
        setdefault = self.terms.setdefault
        for s, p, o in triples:
            yield setdefault(s, s), setdefault(p, p), setdefault(o, o)

    def triple(self, t: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
        """``t`` made of the terms seen first."""
        terms = self.terms
        s, p, o = t
        return terms.setdefault(s, s), terms.setdefault(p, p), terms.setdefault(o, o)
