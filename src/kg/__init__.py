"""A knowledge graph of declassified Cold War documents.

The subpackages follow the data: ``ingest`` (read archive pages) -> ``mapping`` (pages and
curated mappings to RDF) -> ``validate`` (SHACL) -> ``reason`` (OWL 2 RL, explanations) ->
``store`` (the pyoxigraph store, SPARQL) -> ``read`` and ``export`` (what people and other
tools read); ``curate`` grows the corpus. :mod:`kg.build` drives the pipeline and
:mod:`kg.cli` is the command line. docs/architecture.md has the picture and the rules.
"""

__version__ = "0.1.0"
