"""The rule that proposes the earlier letters and telegrams a page answers or refers to
(:mod:`kg.curate.candidates`), in the pattern of the seed mappings: a node of the
communication's class (``Telegram``, ``CipheredTelegram``, ``Cable``, ``Letter``, or
``Communication`` when the page names no kind) with its ``sender``, ``recipient``,
``date`` and number, and ``communication concerns`` that node.

- "Your No. 1353 of 19 November", "your letter of 8 October", "In response to your
  communication No. 359": sent by the page's recipient to its author;
- "To my [telegram] No. 2967 (vkh. No. 20757)", "our cable of 3 May": sent by the author
  to the page's recipient; the number is the sender's (``outgoingNumber``), the one in
  parentheses marked incoming ("vkh.", "incoming") the receiver's (``incomingNumber``);
- "a 31 August 1950 letter of Kim Il Sung addressed to you", "the letter from X to Y of
  16.7.52": sent by the person named.

Only in the author's own voice: inside a message the author passes on or in someone's
reported words, "your" and "my" are someone else's, and nothing is proposed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.curate.candidates import Candidate, NewNode, Page, Sentence
from kg.curate.patterns import MONTHS, _fact, _persons

#: The words for a communication -> its class in the ontology.
COMMUNICATION_NOUNS = {
    "ciphered telegram": "CipheredTelegram", "cipher telegram": "CipheredTelegram",
    "telegram": "Telegram", "telegrams": "Telegram", "cable": "Cable", "letter": "Letter",
    "message": "Communication", "communication": "Communication", "note": "Communication",
}
_NOUN = r"(?P<noun>" + "|".join(sorted(COMMUNICATION_NOUNS, key=len, reverse=True)) + r")"
_NUMBER = r"(?:No\.?|Nº|№|N°|#)\s*"
_DATE = (r"(?P<date>(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + "|".join(MONTHS)
         + r")(?:,?\s+1[89]\d\d)?|(?:" + "|".join(MONTHS) + r")\s+\d{1,2}(?:,\s+1[89]\d\d)?"
         r"|\d{1,2}\.\d{1,2}\.(?:19)?\d\d)")
#: "your/my/our [kind] [No. N [(vkh. No. M)]] [of/dated DATE]".
_POSSESSED_RE = re.compile(
    r"\b(?P<whose>[Yy]our|[Mm]y|[Oo]ur)\s+(?:\[?" + _NOUN + r"\]?)?"
    r"(?:\s*" + _NUMBER + r"(?P<number>\d[\w/-]*)"
    r"(?:\s*\((?:vkh|vh|inc|incoming|in)\.?\s*" + _NUMBER + r"(?P<incoming>\d[\w/-]*)\))?)?"
    r"(?:,?\s*(?:of|dated|from)\s+" + _DATE + r")?")
#: "a DATE letter of X", "the letter from X (to Y) of DATE", "X's telegram of DATE".
_NAMED_RE = re.compile(
    r"\b(?:(?:a|the)\s+" + _DATE.replace("date", "before") + r"\s+" + _NOUN.replace(
        "noun", "noun2") + r"\s+(?:of|from)\s+|(?:a|the)\s+" + _NOUN + r"\s+(?:of|from)\s+)")
_INCOMING = re.compile(r"\b(?:vkh|vh|inc|incoming|in)\b", re.IGNORECASE)


def communications(page: Page) -> Iterator[Candidate]:
    """The earlier communications the author cites by number or date."""
    text = page.doc.source
    recipient = _recipient(page)
    for s in page.sentences:
        for m in _POSSESSED_RE.finditer(text, s.start, s.end):
            if not (m["noun"] or m["number"]) or not (m["number"] or m["date"]):
                continue
            if page.claimant(s, m.start()) != (True, None) or \
                    page.relayed_voice(m.start()) != (True, None):
                continue  # someone else's "your": not the author's correspondent
            yours = m["whose"].casefold() == "your"
            sender, to = (recipient, page.author) if yours else (page.author, recipient)
            yield from _communication(page, s, m, m["noun"], sender, to, m["number"],
                                      m["incoming"], m["date"])
        for m in _NAMED_RE.finditer(text, s.start, s.end):
            who = [x for x in _persons(page, m.end(), s.end) if x.start == m.end()
                   or not text[m.end():x.start].strip(" .").replace("Cde", "")
                   .replace("Comrade", "")]
            if len(who) != 1 or who[0].entity is None or \
                    page.claimant(s, m.start()) != (True, None) or \
                    page.relayed_voice(m.start()) != (True, None):
                continue
            rest = text[who[0].end:s.end]
            to = re.match(r"\s*(?:addressed\s+)?to\s+(?:Comrade\s+|Cde\.\s*)?", rest)
            receiver = None
            if to and re.match(r"you\b", rest[to.end():]):
                receiver = _recipient(page)
            elif to:
                after = [x for x in _persons(page, who[0].end + to.end(), s.end)
                         if x.start == who[0].end + to.end() and x.entity]
                receiver = after[0].entity.id if after else None  # type: ignore[union-attr]
            date = m["before"]
            if not date:
                late = re.match(r"[^;]{0,40}?\s(?:of|dated)\s+" + _DATE, rest)
                date = late["date"] if late else None
            if not date:
                continue
            end = max(who[0].end + (to.end() if to else 0),
                      text.find(date, m.start()) + len(date))
            yield from _communication(page, s, m, m["noun"] or m["noun2"],
                                      who[0].entity.id, receiver,  # type: ignore[union-attr]
                                      None, None, date, end=end)


def _recipient(page: Page) -> str | None:
    """The page's one recipient, when the registry knows it."""
    found = {e.id for c in page.doc.recipients
             if (e := page.registry.resolve(c.identified_as or c.name)
                 or page.registry.resolve(c.name))}
    return found.pop() if len(found) == 1 else None


def _communication(page: Page, s: Sentence, m: re.Match[str], noun: str | None,
                   sender: str | None, recipient: str | None, number: str | None,
                   incoming: str | None, date_text: str | None,
                   end: int | None = None) -> Iterator[Candidate]:
    date = _parse_date(date_text, page.doc.date) if date_text else None
    if date_text and date is None:
        return
    cls = COMMUNICATION_NOUNS[noun.casefold()] if noun else "Communication"
    label = " ".join(x for x in (
        {"CipheredTelegram": "Ciphered telegram"}.get(cls, cls),
        f"No. {number}" if number else "", f"of {date}" if date else "") if x)
    ident = page.node_id(*(x for x in (cls, number, date) if x))
    node = NewNode(ident, cls, label)
    start, stop = m.start(), end or m.end()
    what = _fact(page, "communication", ident, {
        "sender": sender, "recipient": recipient, "date": date,
        "outgoingNumber": number, "incomingNumber": incoming}, s, start, stop,
        nodes=[node], claimant=(True, None))
    concerns = _fact(page, "communication", "communication", {"concerns": ident}, s,
                     start, stop, claimant=(True, None))
    if what and concerns:
        yield what
        yield concerns


def _parse_date(text: str, page_date: str | None) -> str | None:
    """An ISO date from "19 November", "the 13th of December", "November 19, 1949",
    "16.7.52"; without a year, the page's year, or the year before when the day would
    fall after the page's date (a reply cites what came before it)."""
    numeric = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.((?:19)?\d\d)", text)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), int(numeric[3][-2:]) + 1900
        return f"{year}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 \
            else None
    day_m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text)
    month_m = re.search("|".join(MONTHS), text)
    year_m = re.search(r"\b(1[89]\d\d)\b", text)
    if not day_m or not month_m:
        return None
    month, day = MONTHS.index(month_m[0]) + 1, int(day_m[1])
    if year_m:
        year = int(year_m[1])
    elif page_date and len(page_date) >= 4:
        year = int(page_date[:4])
        if f"{year}-{month:02d}-{day:02d}" > page_date[:10] and len(page_date) >= 10:
            year -= 1
    else:
        return None
    return f"{year}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None


REFERENCE_RULES: tuple[Callable[[Page], Iterator[Candidate]], ...] = (communications,)
