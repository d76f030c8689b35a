"""Mapping drafts: a skeleton for a new document's curated mapping, pre-filled with what
the automatic layer read and with candidate passages, so a curator starts from that rather
than from a blank file. Everything to curate is commented out: the draft is valid as it is.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.ingest.document import Document, find_all_quotes
from kg.mapping.linking import Linker
from kg.mapping.registry import Registry

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z“\"\[])")
_FIGURE = re.compile(r"\d")
MAX_CANDIDATES = 40


def sentences(doc: Document) -> list[str]:
    """The body's sentences, whitespace folded."""
    out = []
    for p in doc.body:
        out += [" ".join(s.split()) for s in _SENTENCE_END.split(p.text) if s.strip()]
    return out


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_mapping(doc: Document, registry: Registry, linker: Linker | None = None) -> str:
    """The text of ``mappings/documents/<doc>.yaml`` for a document without a mapping."""
    linker = linker or Linker(registry)
    mentions = linker.mentions(doc)
    author = None
    if doc.senders:
        c = doc.senders[0]
        ent = registry.resolve(c.identified_as or c.name) or registry.resolve(c.name)
        author = ent.id if ent else None

    lines = [
        f"# Draft mapping for {doc.title or doc.id}",
        "# Written by `kg add --draft`; the format is in docs/model.md. The document's",
        "# metadata below is already in the graph: curate facts the page states in its body.",
        "",
        f"document: {doc.id}",
        f"author: {author}" if author else
        "# author: the registry id of the document's author (no registry entry matched "
        + ", ".join(c.name for c in doc.senders) + ")",
        "",
        "nodes: {}",
        "",
        "facts: []",
        "",
        "# --- Read automatically from the page ---",
    ]
    for label, value in (("title", doc.title), ("date", doc.date), ("type", doc.doc_type),
                         ("record ID", doc.record_id), ("translator", doc.translator)):
        if value:
            lines.append(f"#   {label}: {value}")
    for role, people in (("sender", doc.senders), ("recipient", doc.recipients),
                         ("intermediary", doc.intermediaries)):
        for c in people:
            ent = registry.resolve(c.identified_as or c.name) or registry.resolve(c.name)
            who = ent.id if ent else "not in the registry (add it to registry.yaml)"
            shown = c.name + (f" [{c.identified_as}]" if c.identified_as else "")
            lines.append(f"#   {role}: {shown} -> {who}")
    for cit in doc.citations:
        lines.append(f"#   citation: {cit.text}")

    counts = Counter(m.entity.id for m in mentions if m.entity)
    if counts:
        lines += ["", "# --- Entities this document mentions (registry ids, times named) ---"]
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"#   {ident}: {n}" for ident, n in ranked]
    unsure = [m for m in mentions if m.entity is None]
    if unsure:
        lines += ["", "# --- Names the build could not resolve ---"]
        for m in unsure:
            kind = "ambiguous" if m.ambiguous else "not in the registry"
            lines.append(f"#   {m.text}: {kind}")

    lines += ["", "# --- Candidate facts: passages with figures, dates or several named entities.",
              "# Move one into `facts:` above, set `about` and a property from the ontology,",
              "# and keep the quote verbatim. ---"]
    by_sentence = _candidates(doc, mentions)
    for sentence, ids in by_sentence[:MAX_CANDIDATES]:
        lines.append(f"# - about: {ids[0] if ids else 'communication'}")
        if ids:
            lines.append(f"#   # names: {', '.join(ids)}")
        lines.append(f"#   quote: {_yaml_str(sentence)}")
    return "\n".join(lines) + "\n"


def _candidates(doc: Document, mentions: list) -> list[tuple[str, list[str]]]:
    out = []
    for sentence in sentences(doc):
        if len(find_all_quotes(doc.source, sentence)) != 1:
            continue  # not unique (or not found): unusable as a quote as it stands
        start, end = find_all_quotes(doc.source, sentence)[0]
        ids = sorted({m.entity.id for m in mentions
                      if m.entity and start <= m.start and m.end <= end})
        if _FIGURE.search(sentence) or len(ids) >= 2:
            out.append((sentence, ids))
    return out
