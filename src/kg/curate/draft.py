"""Mapping drafts: a skeleton for a new document's curated mapping, pre-filled with what
the automatic layer read and with candidate facts (:mod:`kg.curate.candidates`), so a
curator starts from that rather than from a blank file. Each candidate fact (and each node
it introduces) is marked ``candidate: true``: the build leaves it out until a curator
removes the mark (accepts it), edits or deletes it. The draft is valid as it is.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.curate.candidates import Candidate, document_author, propose
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
    author = document_author(doc, registry, keepers=False)
    candidates = propose(doc, registry, linker)

    lines = [
        f"# Draft mapping for {doc.title or doc.id}",
        "# Written by `kg add --draft`; the format is in docs/model.md. The document's",
        "# metadata below is already in the graph: curate facts the page states in its body.",
        "",
        f"document: {_yaml_str(doc.id) if re.fullmatch(r'[0-9.-]+', doc.id) else doc.id}",
        f"author: {author}" if author else
        "# author: the registry id of the document's author (no registry entry matched "
        + ", ".join(c.name for c in doc.senders) + ")",
        "",
        *_candidate_sections(candidates),
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

    lines += ["", "# --- Other passages with figures, dates or several named entities (no",
              "# candidate fact read them): copy one into `facts:` with `about`, a property",
              "# from the ontology and the quote verbatim. ---"]
    covered = {c.quote for c in candidates}
    by_sentence = [(text, ids) for text, ids in _candidates(doc, mentions)
                   if text not in covered]
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


def _candidate_sections(candidates: list[Candidate]) -> list[str]:
    """The ``nodes:`` and ``facts:`` sections holding the candidates, each marked."""
    if not candidates:
        return ["nodes: {}", "", "facts: []", ""]
    lines = ["# Candidate facts proposed from the body (kg.curate.candidates). Each is marked",
             "# `candidate: true` and stays out of the graph until a curator removes the mark",
             "# (accepts it); edit or delete the others. A node marked so enters the graph",
             "# once an accepted fact uses it. The claimant is the author unless `claimed_by`",
             "# names the speaker the author reports.", "", "nodes:"]
    seen: set[str] = set()
    for c in candidates:
        for node in c.nodes:
            if node.id in seen:
                continue
            seen.add(node.id)
            lines += [f"  {node.id}:", f"    type: {node.type}",
                      f"    label: {_yaml_str(node.label)}", "    candidate: true"]
    if not seen:
        lines[-1] = "nodes: {}"
    lines += ["", "facts:"]
    for c in candidates:
        lines += [f"  # candidate ({c.kind})", f"  - about: {c.about}"]
        if c.claimed_by:
            lines.append(f"    claimed_by: {c.claimed_by}")
        for key, value in c.props.items():
            lines.append(f"    {key}: {_yaml_value(value)}")
        lines += [f"    quote: {_yaml_str(c.quote)}", "    candidate: true"]
    return [*lines, ""]


def _yaml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    text = str(value)
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*|[A-Z][A-Za-z]+", text) and not \
            re.fullmatch(r"\d+(?:-\d+)*|true|false|yes|no|null|on|off", text):
        return text  # an id or an ontology individual
    return _yaml_str(text)
