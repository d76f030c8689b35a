"""Instructions in the imperative, a rule of :mod:`kg.curate.candidates`: what a telegram
tells its recipient to do ("Visit cde. X and inform him ...", "Convey to X the following",
"Charge X with informing Y", "During the meeting, ask X ...", "Emphasize that ...",
"Telegraph the results", "You should have a talk with X").

Each is a ``Plan`` (docs/model.md) intended by whoever gives it (the author, or the writer
of a message he passes on: :meth:`kg.curate.candidates.Page.claimant`), and, as the
curated mappings model them, ``concerns`` the person it sends the recipient to (the one to
visit, ask or charge; the recipient himself for "Telegraph ..." and "You should ...").
"Tell X that ..." concerns what is to be told, which the rules do not read: no
``concerns`` then. A draft whose author is unknown still gets the plan when it names
whom it concerns.

Every table of words sits at the top: extend the table, not the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.curate.candidates import Candidate, Page, Sentence
from kg.curate.patterns import NUMBERING, REPORT_VERBS, clause_end, plan_facts, routine

#: A form of address before a name ("cde.", "Comrade").
_ADDRESS = r"(?:(?:[Cc]des?\.|[Cc]omrades?|[Cc]om\.)\s*)?"
#: Whom an instruction names right after its verb: a name, "him", "her", "them".
_OBJECT = _ADDRESS + r"(?:[A-Z]|him\b|her\b|them\b)"
#: The verbs of an instruction, each with what must follow it.
VERBS = (
    # sending the recipient to someone: the person after the verb
    (r"Visit|Pay a visit to|Call on|Meet with|Tell|Inform|Ask|Warn|Advise|Remind",
     r"\s+(?=" + _OBJECT + ")"),
    (r"Let", r"\s+(?=" + _OBJECT + r"[^,.;]{0,40}?\bknow\b)"),
    (r"Charge|Instruct|Entrust|Authorize|Authorise",
     r"\s+(?=" + _ADDRESS + r"(?:[A-Z][\w’'-]+\s+){1,3}(?:with|to)\s)"),
    # passing something on: to whom
    (r"Convey|Pass|Transmit|Hand over|Deliver|Explain|Communicate|Send",
     r"\s+(?=(?:on\s+)?to\s+|the following\b|this\b|him\b|her\b|them\b|" + _OBJECT + ")"),
    # what to say
    (r"Emphasi[sz]e|Stress|Point out|Make clear|Declare|Underline|Insist",
     r"(?=[^.;:]{0,40}?\bthat\b|\s+to\s+" + _OBJECT + ")"),
    # answering back: the recipient
    (r"Telegraph|Cable|Wire|Report", r"\s+(?=(?:about|on|the results|your|immediately|back|"
                                     r"the outcome)\b)"),
)
#: Verbs whose plan, when a "that" clause follows, is what is to be told, not the person.
TELLING_VERBS = frozenset({"Tell", "Inform", "Let", "Advise", "Remind", "Warn", "Convey",
                           "Pass", "Transmit", "Communicate", "Explain"})
#: Advice to the recipient: "You should ...", "You’d better ...", "[you] must ...".
_ADVICE = r"\[?[Yy]ou\]?(?:[’']d| had| should| must| are to| will have to)(?: better)?\s+"
_VERB = "|".join("(?:" + "|".join(f"[{v[0]}{v[0].lower()}]{v[1:]}" for v in verbs.split("|"))
                 + r")\b" + after for verbs, after in VERBS)
#: A phrase that opens a sentence before its instruction: "During the meeting, ",
#: "In connection with this, ", "At the same time ".
_OPENER = (r"(?:(?:During|In|At|After|Before|On|When|If|Then|Also|Therefore|Besides|"
           r"Moreover|Furthermore|Simultaneously|Meanwhile|Finally|Further|Thereafter|"
           r"Subsequently)\b[^,;.]{0,80},\s+)")
_INSTRUCTION_RE = re.compile(
    r"(?P<opener>" + _OPENER + r")?(?:(?P<advice>" + _ADVICE + r")|(?P<verb>"
    + _VERB + r"))")
#: What opens a document attached to the page (a draft cable to someone else).
_ATTACHMENT = re.compile(r"^\[?\s*(?:Attachment|Appendix|Annex|Enclosure)\b", re.IGNORECASE)
#: At most so many words of an instruction are its quote, not ending on one of these.
INSTRUCTION_WORDS = 10
_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "to", "about", "with", "and", "or", "on",
                             "in", "for", "by", "from", "at", "that", "our", "your", "his",
                             "her", "their", "its", "my", "this", "these", "those"})
#: Where the people an instruction concerns end: what is to be said or done about them.
_CONCERNS_END = re.compile(r"\b(?:that|about|of|on|what|whether|how|the following|"
                           r"regarding|concerning)\b|[,;:]")


def instructions(page: Page) -> Iterator[Candidate]:
    """An instruction opening a sentence (after its numbering or an opening phrase)."""
    text = page.doc.source
    for s in page.sentences:
        at = s.start + len(NUMBERING.match(s.text)[0])  # type: ignore[index]
        m = _INSTRUCTION_RE.match(text, at, s.end)
        if not m or m["opener"] and not _lower_verb(m):
            continue
        if not m["opener"] and m["verb"] and not m["verb"][0].isupper():
            continue
        known, who = page.claimant(s, s.start)
        if not known:
            continue
        start = m.start("advice") if m["advice"] else m.start("verb")
        end = _quote_end(text, start, clause_end(text, m.end(), s.end))
        verb = (m["verb"] or "").split()[0] if m["verb"] else ""
        if routine(verb, text[m.end():clause_end(text, m.end(), s.end)]):
            continue
        props = {"intendedBy": who or page.author,
                 "concerns": _concerns(page, m, s, end)}
        ident = page.node_id("plan", " ".join(text[start:end].split()[:4]))
        yield from plan_facts(page, s, ident, props, start, end)


def _lower_verb(m: re.Match[str]) -> bool:
    """After an opening phrase the instruction's verb is in lower case ("..., ask X")."""
    word = m["advice"] or m["verb"] or ""
    return word[:1].islower() or word.startswith("[")


def _quote_end(text: str, start: int, end: int) -> int:
    """The instruction, not all it goes on to say: at most INSTRUCTION_WORDS words."""
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= INSTRUCTION_WORDS:
        return end
    keep = INSTRUCTION_WORDS
    while keep > 3 and words[keep - 1].group().casefold() in _FUNCTION_WORDS:
        keep -= 1
    return start + words[keep - 1].end()


def _concerns(page: Page, m: re.Match[str], s: Sentence, end: int) -> list[str]:
    """Whom the instruction concerns: the persons named after its verb up to what is to
    be said about them, or the recipient who is to report back or is advised."""
    text = page.doc.source
    verb = (m["verb"] or "").split()[0].capitalize() if m["verb"] else ""
    recipients = sorted(page.correspondents - {page.author})
    if page.relayed or any(_ATTACHMENT.match(p.text) for p in page.doc.body
                           if p.start < s.start):
        recipients = []  # a message passed on, an attached draft: recipients of their own
    if verb in REPORT_VERBS:
        return recipients if len(recipients) == 1 else []
    stop = _CONCERNS_END.search(text, m.end(), s.end)
    if verb in TELLING_VERBS and stop and stop.group() == "that":
        return []  # "Tell X that ...", "let X know that ...": the plan is what is told
    limit = min(stop.start() if stop else s.end, max(end, m.end()))
    nodes: list = []
    people = [page.person_id(x, nodes) for x in page.entities(m.end(), limit, "persons")
              if x.entity is not None]
    if m["advice"]:
        people = [*recipients, *people]
    return list(dict.fromkeys(people))
