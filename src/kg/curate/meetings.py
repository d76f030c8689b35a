"""The rules that propose meetings (:mod:`kg.curate.candidates`): who met whom and when,
as a ``Meeting`` node with its ``participant`` and ``date``.

- those present at an occasion (:mod:`kg.ingest.attendance`: only the people it lists);
- the author's own meetings: "I visited X", "X invited me", "a meeting with X took place",
  and a reported speaker's "(X said that) he had a talk with Y";
- the heading of a record of conversation: "Memorandum of Conversation between X and Y",
  "Note of Conversation with X on 8 March 1955", or "between X, ..., and Y" under a title
  that says so, dated by the heading or by a line that is only a date below it;
- an extract of a body's minutes printed on the page ("Extract Minutes from Protocol #78
  of the Meeting of the Politburo ..."): the body's meeting and the date of its decision,
  in the body's words.

Every table of words sits at the top: extend the table, not the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.curate.candidates import Candidate, NewNode, Page, Sentence
from kg.curate.patterns import _date, _fact, _persons
from kg.curate.sentences import ABBREVIATIONS

#: Occasions a sentence reports with their participants.
MEETING_WORDS = ("meeting", "conversation", "talk", "talks", "negotiations", "conference",
                 "dinner", "luncheon", "reception")
#: The author's own meetings: "I visited X" (a record's "[I] Visited X"), "I was received by
#: X", "X invited me", "we met with X", "X received us", "X met me", "a meeting with X took
#: place";
#: and a reported speaker's: "(X reported that) he had a discussion with Y".
_VISIT = re.compile(r"(?:\[(?:I|[Ww]e)\]|\b(?:I|[Ww]e))\s+(?:[Vv]isited|met with|met|received|"
                    r"called on|had a "
                    r"(?:meeting|conversation|talk|discussion) with|(?:was|were) received by|"
                    r"paid a visit to)\s+(?:[Cc]des?\.\s|[Cc]omrades?\s)?")
_VISITED = re.compile(r"\s+(?:visited|called on|came to see|invited|received|met(?:\s+with)?)"
                      r"\s+(?:me|us)\b")
_TOOK_PLACE = re.compile(r"\b(?:I\s+had\s+an?\s+|an?\s+)(?:meeting|conversation|talk)s?\s+"
                         r"with\s+(?:Cdes?\.\s|Comrades?\s)?")
_HE_HAD = re.compile(r"\b(?:he|she)\s+had\s+(?:a|an|another)\s+(?:meeting|conversation|talk|"
                     r"discussion)s?\s+with\s+(?:Cdes?\.\s*|Comrades?\s)?")
#: "Record of Conversation between", "Memorandum of a Conversation with", "Note of
#: Conversations with", "Conversation of X with".
_RECORD_HEADING = re.compile(r"\b(?:(?:Record|Memorandum|Note|Minutes|Transcript)s?\s+of\s+"
                             r"(?:a\s+|the\s+)?[Cc]onversations?|^Conversations?)\s+"
                             r"(?:between|with)\s")


def meetings(page: Page) -> Iterator[Candidate]:
    """Who was present at an occasion (kg.ingest.attendance), and the author's own
    meetings: "I visited X", "X visited me", "a meeting with X took place"."""
    doc = page.doc
    present: set[tuple[int, tuple[str, ...]]] = set()  # attendance read in a sentence
    for att in doc.attendance:
        s = _sentence_of(page, att.sentence)
        if s is None:
            continue
        nodes: list[NewNode] = []
        named = {" ".join(p.name.casefold().split()) for p in att.people}
        people = [page.person_id(m, nodes) for m in _persons(page, s.start, s.end)
                  if " ".join(m.text.casefold().split()) in named]  # those present only
        if att.author and page.author:
            people.insert(0, page.author)
        if len(people) < 1:
            continue
        ident = page.node_id(att.occasion, doc.date or "")
        nodes.insert(0, NewNode(ident, "Meeting", f"{att.occasion.capitalize()} "
                                f"({', '.join(p.name for p in att.people)})"))
        first = min((m.start for m in _persons(page, s.start, s.end)), default=s.end)
        date = _date(page.doc.source[s.start:first], page.year)  # not a date said later
        present.add((s.start, tuple(people)))
        c = _fact(page, "meeting", ident, {"participant": _unique(people),
                                            "date": date[0] if date else None},
                  s, s.start, s.end, nodes=nodes)
        if c:
            yield c
    text = page.doc.source
    for s in page.sentences:
        for rx, after in ((_VISIT, True), (_VISITED, False), (_TOOK_PLACE, True),
                          (_HE_HAD, True)):
            for m in rx.finditer(text, s.start, s.end):
                nodes: list[NewNode] = []
                if after:
                    who = [x for x in _persons(page, m.end(), s.end) if x.start == m.end()]
                else:
                    who = [x for x in _persons(page, s.start, m.start()) if x.end == m.start()]
                if not who or (rx is _TOOK_PLACE and not re.search(
                        r"\b(?:took place|was held|I had)\b", s.text)):
                    continue
                known, speaker = page.claimant(s, m.start())
                host = speaker if rx is _HE_HAD else page.author
                if not host or rx is _HE_HAD and not (known and speaker):
                    continue  # "he had a talk with X": only as the reported speaker's words
                person = page.person_id(who[0], nodes)
                if any(s.start == at and person in people for at, people in present):
                    continue  # the list of those present already says so
                ident = page.node_id("meeting", page.doc.date or "", who[0].text)
                nodes.insert(0, NewNode(ident, "Meeting", f"Meeting with {who[0].text}"))
                start, end = (m.start(), who[0].end) if after else (who[0].start, m.end())
                date = _date(text[max(s.start, start - 30):end], page.year)
                if not date and rx is _VISIT and (line := _date_line_before(page, s)):
                    date, start = line  # "14 November 1962" / "[I] Visited comrade X."
                c = _fact(page, "meeting", ident, {
                    "participant": _unique([host, person]),
                    "date": date[0] if date else None}, s, start, end, nodes=nodes)
                if c:
                    yield c


def _date_line_before(page: Page, s: Sentence) -> tuple[tuple, int] | None:
    """A line that is only a date, right above the paragraph ``s`` opens (a journal's or a
    record's entry): the date and where it starts."""
    body = page.doc.body
    k = next((k for k, p in enumerate(body) if p.start == s.start), None)
    if not k:
        return None
    line = body[k - 1]
    only = _date(line.text, page.year)
    if only and len(line.text.strip()) <= len(only[0]) + 12:
        return only, line.start + len(line.text) - len(line.text.lstrip())
    return None


def record_meetings(page: Page) -> Iterator[Candidate]:
    """The heading of a record of conversation ("Memorandum of Conversation between X and
    Y", "Note of Conversation with X on 8 March 1955", or "between X, ..., and Y" under a
    title that says so): a meeting of the persons it names (and of the author, for "with"),
    dated by the heading or by a line that is only a date just below it."""
    body, text = page.doc.body, page.doc.source
    record_title = bool(_RECORD_HEADING.search(page.doc.title or ""))
    for k, p in enumerate(body[:4]):
        m = _RECORD_HEADING.search(p.text) or (
            re.match(r"between\s", p.text) if record_title else None)
        if not m:
            continue
        start = p.start + m.end()
        end = _heading_end(text, start, p.end)
        people = [x for x in _persons(page, start, end) if x.entity
                  and not re.search(r"\b(?:of|to|for)\s+(?:Cde\.\s*|Comrade\s+)?$",
                                    text[max(start, x.start - 12):x.start])]
        ids = _unique([x.entity.id for x in people])  # type: ignore[union-attr]
        if m.group().rstrip().endswith("with") and page.author:
            ids.insert(0, page.author)
        ids = _unique(ids)
        if len(ids) < 2:
            continue
        date = _date(text[start:end], page.year)
        if not date:
            for q in body[k + 1:k + 4]:
                only = _date(q.text, None)
                if only and len(q.text.strip()) <= len(only[0]) + 12:
                    date = only
                    break
        s = Sentence(text[p.start:end], p.start, end, p.ordinal)
        ident = page.node_id("conversation", page.doc.date or "")
        node = NewNode(ident, "Meeting", "Conversation " + " ".join(text[start:end].split())[:90])
        c = _fact(page, "meeting", ident, {"participant": ids,
                                            "date": date[0] if date else None},
                  s, p.start + m.start(), end, nodes=[node], claimant=(True, None))
        if c:
            yield c
        return


def _heading_end(text: str, start: int, limit: int) -> int:
    """Where a record's heading ends: the paragraph, or a full stop, a colon, or the
    "Top Secret" after it."""
    for m in re.compile(r"[.:](?:\s|$)|\s+(?:Top\s+)?Secret\b").finditer(text, start, limit):
        word = re.search(r"(\w+)$", text[max(start, m.start() - 12):m.start()])
        if m.group().startswith(".") and word and (
                word[1].casefold() in ABBREVIATIONS or len(word[1]) == 1):
            continue  # "Cde.", "N. S."
        return m.start()
    return limit


def protocol_meetings(page: Page) -> Iterator[Candidate]:
    """An extract of a body's minutes ("Extract Minutes from Protocol #78 of the Meeting of
    the Politburo ..."): the body's meeting, with the date its heading or the next lines
    give ("Decision dated October 5, 1950"); the body's claim."""
    body = page.doc.body
    for _start, _end, who, k in page.protocols:
        lines = [Sentence(m.group(), q.start + m.start(), q.start + m.end(), q.ordinal)
                 for q in body[k:k + 3] for m in re.finditer(r"[^\n]*\S[^\n]*", q.text)]
        head = lines[0]
        ident = page.node_id("meeting", who, page.doc.date or "")
        node = NewNode(ident, "Meeting", " ".join(head.text.split())[:100])
        c = _fact(page, "meeting", ident, {"participant": who}, head, head.start, head.end,
                  nodes=[node], claimant=(True, who))
        if not c:
            continue
        yield c
        for line in lines[:4]:
            date = _date(line.text, None)
            if date and len(line.text) < 120:
                d = _fact(page, "meeting", ident, {"date": date[0]}, line, line.start,
                          line.end, claimant=(True, who))
                if d:
                    yield d
                break


def _sentence_of(page: Page, text: str) -> Sentence | None:
    words = " ".join(text.split())
    for s in page.sentences:
        if words in " ".join(s.text.split()):
            return s
    return None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


MEETING_RULES: tuple[Callable[[Page], Iterator[Candidate]], ...] = (
    meetings, record_meetings, protocol_meetings)
