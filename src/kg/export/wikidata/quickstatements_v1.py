"""QuickStatements V1 (``quickstatements.txt``): the statements as lines for Wikidata's batch
tool, one tab-separated line per statement and reference."""

from __future__ import annotations

from kg.export.wikidata.statements import QUOTE_LANGUAGE, Value, WikidataExport


def quickstatements(export: WikidataExport) -> str:
    """QuickStatements V1: one tab-separated line per statement and reference."""
    lines = []
    for st in export.statements:
        head = [st.subject, st.pid, st.value.quickstatements()]
        for pid, qualifier in st.qualifiers:
            head += [pid, qualifier.quickstatements()]
        for ref in st.references:
            source = (["S248", ref.record_qid] if ref.record_qid
                      else ["S1476", Value("monolingual", ref.title or ref.record,
                                           language="en").quickstatements()])
            for quote in ref.quotes:
                source += ["S1683", Value("monolingual", quote,
                                          language=QUOTE_LANGUAGE).quickstatements()]
            lines.append("\t".join(head + source))
    return "".join(line + "\n" for line in lines)
