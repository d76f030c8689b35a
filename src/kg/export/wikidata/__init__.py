"""The graph's curated facts as Wikidata would hold them.

Three outputs, all from the same selection (:mod:`~kg.export.wikidata.statements`):

- Wikibase RDF (``wikibase.ttl``, :mod:`~kg.export.wikidata.wikibase`): for each fact whose
  subject has a verified QID, whose predicate has a Wikidata property (``ontology/wikidata.ttl``,
  exactMatch or closeMatch, read by :mod:`~kg.export.wikidata.alignment`) and whose object is an
  item with a QID or a value the property's datatype can hold, a statement node
  ``wd:Qs p:Pn <statement>`` with ``ps:``/``psv:`` values, ``pq:`` qualifiers and a
  ``prov:wasDerivedFrom`` reference naming the archival record, its title and the quotation.
- QuickStatements V1 (``quickstatements.txt``, :mod:`~kg.export.wikidata.quickstatements_v1`):
  the same statements, one line per reference.
- Creation candidates (``candidates.csv``, :mod:`~kg.export.wikidata.candidates`): every entity
  without a QID that a fact or the registry names, with label, description, aliases and the
  class to suggest, and the facts not exported with the reason (``wikidata-skipped.csv``):
  nothing is dropped silently (both files written by :mod:`~kg.export.wikidata.tables`).

Statement and reference IRIs are derived from the fact IRI, so they are stable across builds.
"""

from kg.export.wikidata.alignment import (
    ALIGNMENT_FILE,
    Alignment,
    PropertyMapping,
    load_alignment,
    published_alignment,
)
from kg.export.wikidata.candidates import Candidate
from kg.export.wikidata.quickstatements_v1 import quickstatements
from kg.export.wikidata.statements import (
    Reference,
    Skipped,
    Statement,
    Value,
    WikidataExport,
    collect,
)
from kg.export.wikidata.tables import candidates_csv, skipped_csv
from kg.export.wikidata.vocabulary import NO_TERM, PREFIXES, RDF, WD
from kg.export.wikidata.wikibase import wikibase_triples

__all__ = [
    "ALIGNMENT_FILE", "NO_TERM", "PREFIXES", "RDF", "WD", "Alignment", "Candidate",
    "PropertyMapping", "Reference", "Skipped", "Statement", "Value", "WikidataExport",
    "candidates_csv", "collect", "load_alignment", "published_alignment", "quickstatements",
    "skipped_csv", "wikibase_triples",
]
