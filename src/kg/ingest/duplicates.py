"""Copies of one document from several mirrors: recognised by record ID, or by date and
title, and merged into one record instead of doubling every fact."""

from __future__ import annotations

from collections.abc import Collection

from kg.ingest.document import Document, duplicate_keys

#: Which copy of a document to keep: the fullest page layouts first.
LAYOUT_RANK = {"archive-trailer": 0, "archive-upper": 1, "archive-search": 2, "mirror": 3}


def _completeness(doc: Document) -> int:
    fields = (doc.title, doc.date, doc.summary, doc.record_id, doc.translator, doc.rights,
              doc.reprint)
    return sum(1 for f in fields if f) + len(doc.citations)


def group_copies(documents: list[Document]) -> list[list[Document]]:
    """Documents grouped by any shared duplicate key (union-find), input order kept."""
    parent = list(range(len(documents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, doc in enumerate(documents):
        for key in duplicate_keys(doc):
            if key in first_with:
                parent[find(i)] = find(first_with[key])
            else:
                first_with[key] = i
    groups: dict[int, list[Document]] = {}
    for i, doc in enumerate(documents):
        groups.setdefault(find(i), []).append(doc)
    return list(groups.values())


def choose(copies: list[Document], curated: Collection[str] = ()) -> Document:
    """The copy to keep: the one with a curated mapping, else the fullest page."""
    return min(copies, key=lambda d: (d.id not in curated, LAYOUT_RANK.get(d.layout, 9),
                                      -_completeness(d), d.id))
