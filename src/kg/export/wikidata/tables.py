"""The CSV files for review: the creation candidates (``candidates.csv``) and the facts not
exported with the reason (``wikidata-skipped.csv``)."""

from __future__ import annotations

import csv
import io

from kg.export.wikidata.statements import WikidataExport
from kg.export.wikidata.vocabulary import WD

CANDIDATE_COLUMNS = ("iri", "kind", "class", "label_en", "description_en", "aliases_en",
                     "instance_of", "instance_of_label", "facts", "statements_if_created")


def candidates_csv(export: WikidataExport) -> str:
    """The entities to create, one row each; aliases are separated by " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANDIDATE_COLUMNS)
    for c in export.candidates:
        writer.writerow([c.iri, c.kind, c.cls, c.label, c.description, " | ".join(c.aliases),
                         c.instance_of, export.alignment.labels.get(WD + c.instance_of, "")
                         if c.instance_of else "", c.facts, c.unblocks])
    return out.getvalue()


def skipped_csv(export: WikidataExport) -> str:
    """Every fact not written as a Wikidata statement, with the reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("fact", "subject", "predicate", "object", "reason"))
    for s in export.skipped:
        writer.writerow((s.fact, s.subject, s.predicate, s.object, s.reason))
    return out.getvalue()
