"""Measure the parser against hand-written expectations, field by field.

Every ``<name>.txt`` of a folder is parsed and compared with ``<name>.expected.json`` next
to it (the format is in docs/ingestion.md). Scalar fields (date, title, type, record ID,
translator, summary, language, reprint) are right when equal; list fields (numbers,
citations, senders, recipients, intermediaries, participants, codenames) are compared as
sets, which gives precision and recall over their items. ``persons_mentioned`` is kept in the
expectations for entity linking and not scored here.

    python -m kg.curate.evaluate tests/archive   # prints the table; exit status 1 on mismatches
"""

from __future__ import annotations

import json
import sys
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DocumentError
from kg.ingest.document import Document, parse_document
from kg.mapping.linking import Linker
from kg.mapping.registry import Registry

SCALAR_FIELDS = ("date", "title", "doc_type", "record_id", "translator", "summary", "language",
                 "reprint")
SET_FIELDS = ("incoming_numbers", "outgoing_numbers", "citations", "senders", "recipients",
              "intermediaries", "participants", "codenames")
#: In the expectations, scored elsewhere (entity linking).
UNSCORED_FIELDS = ("persons_mentioned",)
FIELDS = SCALAR_FIELDS + SET_FIELDS
#: Scored only when a registry is given: the persons entity linking finds.
LINKED = UNSCORED_FIELDS[0]
REPRINT_KEYS = ("title", "volume", "book", "year", "pages")
CITATION_KEYS = ("archive", "fond", "opis", "delo", "folios")
EXPECTED_SUFFIX = ".expected.json"


@dataclass(frozen=True)
class Mismatch:
    """One field of one document where the parser and the expectation disagree."""

    file: str
    field: str
    expected: Any
    got: Any


@dataclass
class FieldScore:
    """Counts for one field over all documents.

    For a scalar field, a true positive is a correct non-empty value, a false positive a
    wrong non-empty value, a false negative an expected value not found; for a set field
    they count items. ``correct`` counts documents where the field matches exactly.
    """

    field: str
    kind: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    correct: int = 0
    documents: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.documents if self.documents else 1.0


@dataclass
class Report:
    """The evaluation of one folder: a score per field, the mismatches and the errors."""

    folder: str
    documents: int = 0
    scores: dict[str, FieldScore] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def perfect(self) -> bool:
        return not self.mismatches and not self.errors

    def markdown(self) -> str:
        """The scores as a Markdown table, then the mismatches and errors, if any."""
        out = [
            f"Parser evaluation: {self.documents} documents in `{self.folder}`.",
            "",
            "| field | compared as | precision | recall | accuracy | documents right |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for score in self.scores.values():
            out.append(
                f"| {score.field} | {score.kind} | {score.precision:.2f} | {score.recall:.2f} "
                f"| {score.accuracy:.2f} | {score.correct}/{score.documents} |"
            )
        if self.errors:
            out += ["", "Errors:", ""]
            out += [f"- `{file}`: {message}" for file, message in self.errors]
        if self.mismatches:
            out += ["", "| file | field | expected | got |", "| --- | --- | --- | --- |"]
            out += [
                f"| {m.file} | {m.field} | {_cell(m.expected)} | {_cell(m.got)} |"
                for m in self.mismatches
            ]
        else:
            out += ["", "No mismatches."]
        return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value) or "(none)"
    return str(value).replace("|", "\\|").replace("\n", " ")


# --- what the parser says, what the expectation says -----------------------------------------


def observed(doc: Document | None) -> dict[str, Any]:
    """The scored fields of a parsed document, in the expectations' form (None: a document
    that did not parse, every field empty)."""
    if doc is None:
        return {name: (None if name in SCALAR_FIELDS else []) for name in FIELDS}
    reprint = None
    if doc.reprint:
        reprint = {key: getattr(doc.reprint, key) for key in REPRINT_KEYS}
    return {
        "date": doc.date,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "record_id": doc.record_id,
        "translator": doc.translator,
        "summary": doc.summary,
        "language": doc.language,
        "reprint": reprint,
        "incoming_numbers": list(doc.incoming_numbers),
        "outgoing_numbers": list(doc.outgoing_numbers),
        "citations": [
            {**{key: getattr(c, key) for key in CITATION_KEYS},
             **({"text": c.text} if c.archive is None else {})}
            for c in doc.citations
        ],
        **{
            role: [
                {"name": c.name, "identified_as": c.identified_as, "aliases": list(c.aliases),
                 "kind": c.kind}
                for c in getattr(doc, role)
            ]
            for role in ("senders", "recipients", "intermediaries", "participants")
        },
        "codenames": {c.name: c.person for c in doc.codenames},
    }


def _item(name: str, value: Any) -> Hashable:
    """A hashable form of one item of a set field, with the expectations' defaults."""
    if name == "citations":
        key = tuple(value.get(k) for k in CITATION_KEYS)
        return (*key, value.get("text") if value.get("archive") is None else None)
    if name in ("senders", "recipients", "intermediaries", "participants"):
        return (value["name"], value.get("identified_as"), tuple(sorted(value.get("aliases", ()))),
                value.get("kind", "person"))
    if isinstance(value, tuple) and name == "codenames":
        return value
    return value


def _items(name: str, value: Any) -> set[Hashable]:
    if name == "codenames":
        return {_item(name, pair) for pair in (value or {}).items()}
    return {_item(name, item) for item in value or ()}


def _shown(name: str, items: Iterable[Hashable]) -> list[str]:
    """Readable items for the mismatch table: "Filippov = Stalin (aka Fyn Si)"."""
    out = []
    for item in items:
        if name in ("senders", "recipients", "intermediaries", "participants"):
            person, identified, aliases, kind = item  # type: ignore[misc]
            text = person + (f" = {identified}" if identified else "")
            text += f" (aka {', '.join(aliases)})" if aliases else ""
            text += f" [{kind}]" if kind != "person" else ""
        elif name == "codenames":
            text = f"{item[0]} = {item[1]}"  # type: ignore[index]
        elif name == "citations":
            text = " ".join(str(part) for part in item if part)  # type: ignore[union-attr]
        else:
            text = str(item)
        out.append(text)
    return sorted(out)


# --- the evaluation ---------------------------------------------------------------------


def persons_mentioned(doc: Document, registry: Registry, linker: Linker) -> set[str]:
    """The registry persons a document names (title, summary, body, correspondents), by
    label, as the automatic layer links them; unknown or ambiguous names count as none."""
    found: set[str] = set()
    for m in linker.mentions(doc):
        if m.entity is not None and m.entity.section == "persons":
            found.add(m.entity.label)
    people = [*doc.senders, *doc.recipients, *doc.intermediaries, *doc.participants]
    names = [c.identified_as or c.name for c in people] + [c.person for c in doc.codenames]
    for name in names:
        ent = registry.resolve(name)
        if ent is not None and ent.section == "persons":
            found.add(ent.label)
    return found


def evaluate(archive_dir: str | Path, registry: Registry | None = None) -> Report:
    """Parse every ``*.txt`` in ``archive_dir`` and score it against its expectation; with
    a ``registry``, also score the persons entity linking finds (``persons_mentioned``)."""
    folder = Path(archive_dir)
    report = Report(str(archive_dir))
    report.scores = {name: FieldScore(name, "exact" if name in SCALAR_FIELDS else "set")
                     for name in FIELDS}
    linker = Linker(registry) if registry is not None else None
    if linker is not None:
        report.scores[LINKED] = FieldScore(LINKED, "set")
    for path in sorted(folder.glob("*.txt")):
        expectation_path = path.with_name(path.stem + EXPECTED_SUFFIX)
        if not expectation_path.exists():
            report.errors.append((path.name, f"no expectation file {expectation_path.name}"))
            continue
        try:
            expected = json.loads(expectation_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            report.errors.append((expectation_path.name, f"unreadable expectation: {err}"))
            continue
        missing = [name for name in FIELDS if name not in expected]
        if missing:
            report.errors.append((expectation_path.name, f"lacks fields {', '.join(missing)}"))
        try:
            doc: Document | None = parse_document(path)
        except DocumentError as err:
            report.errors.append((path.name, str(err)))
            doc = None
        report.documents += 1
        got = observed(doc)
        fields = list(FIELDS)
        if linker is not None and registry is not None and LINKED in expected:
            got[LINKED] = sorted(persons_mentioned(doc, registry, linker)) if doc else []
            fields.append(LINKED)
        _score(report, path.name, expected, got, fields)
    return report


def _score(report: Report, file: str, expected: dict[str, Any], got: dict[str, Any],
           fields: list[str]) -> None:
    for name in fields:
        if name not in expected:
            continue
        score = report.scores[name]
        score.documents += 1
        if name in SCALAR_FIELDS:
            want, have = expected[name], got[name]
            if want == have:
                score.correct += 1
                score.true_positives += want is not None
                continue
            score.false_positives += have is not None
            score.false_negatives += want is not None
            report.mismatches.append(Mismatch(file, name, want, have))
            continue
        want_items, have_items = _items(name, expected[name]), _items(name, got[name])
        score.true_positives += len(want_items & have_items)
        score.false_positives += len(have_items - want_items)
        score.false_negatives += len(want_items - have_items)
        if want_items == have_items:
            score.correct += 1
        else:
            report.mismatches.append(
                Mismatch(file, name, _shown(name, want_items), _shown(name, have_items)))


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.curate.evaluate [FOLDER [MAPPINGS_DIR]]``: print the report (with entity
    linking scored against MAPPINGS_DIR's registry when given); 1 when anything disagrees."""
    args = sys.argv[1:] if argv is None else argv
    registry = None
    if len(args) > 1:
        from kg.config import Config
        from kg.mapping.iris import Iris
        from kg.mapping.ontology import Ontology

        config = Config.load({})
        ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
        registry = Registry.load(args[1], ontology)
    report = evaluate(args[0] if args else "tests/archive", registry)
    print(report.markdown(), end="")
    return 0 if report.perfect else 1


if __name__ == "__main__":
    sys.exit(main())
