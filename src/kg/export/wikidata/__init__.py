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

- The documents as items to create (``wikidata-documents.txt``), the mapping of documents to
  the items created (``wikidata-document-ids.csv``), the statements citing those items
  (``wikidata-citing.txt``) and those not citable yet (``wikidata-pending.csv``):
  :mod:`~kg.export.wikidata.documents`, the two-step workflow.

Statement and reference IRIs are UUID URNs derived from the fact IRI, so they are stable across
builds and claim no namespace (neither Wikidata's nor the project's placeholder domain).
"""

from kg.export.wikidata.alignment import (
    ALIGNMENT_FILE,
    Alignment,
    PropertyMapping,
    load_alignment,
    published_alignment,
)
from kg.export.wikidata.candidates import Candidate
from kg.export.wikidata.documents import (
    DOCUMENT_IDS_FILE,
    DocumentItem,
    Pending,
    citing_quickstatements,
    document_ids_csv,
    document_items,
    documents_quickstatements,
    pending_csv,
    read_document_ids,
)
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
    "ALIGNMENT_FILE", "DOCUMENT_IDS_FILE", "NO_TERM", "PREFIXES", "RDF", "WD", "Alignment",
    "Candidate", "DocumentItem", "Pending", "PropertyMapping", "Reference", "Skipped",
    "Statement", "Value", "WikidataExport", "candidates_csv", "citing_quickstatements",
    "collect", "document_ids_csv", "document_items", "documents_quickstatements",
    "load_alignment", "pending_csv", "published_alignment", "quickstatements",
    "read_document_ids", "skipped_csv", "wikibase_triples",
]
