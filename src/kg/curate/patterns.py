"""The rules that propose candidate facts (:mod:`kg.curate.candidates`), one function per
kind, each reading the page's sentences and resolved mentions and proposing facts in the
patterns of docs/model.md: figures as Quantity with kind, unit and side, requests,
instructions and plans, characterizations, cover names, and the dates and places of events.
Meetings are in :mod:`kg.curate.meetings`, posts in :mod:`kg.curate.posts`, the
communications a page cites in :mod:`kg.curate.references`.

Every table of words the rules use sits at the top: extend the table, not the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.curate.candidates import Candidate, NewNode, Page, Sentence
from kg.curate.sentences import ABBREVIATIONS
from kg.mapping.linking import Mention

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH = r"(?P<month>" + "|".join(MONTHS) + r")"
_DAY_MONTH = re.compile(r"\b(?:(?P<day>\d{1,2})\s+" + _MONTH + r"|" + _MONTH.replace(
    "month", "month2") + r"\s+(?P<day2>\d{1,2})\b)(?:,?\s+(?P<year>1[89]\d\d))?")

#: Quantities: unit words -> (unit as the mapping writes it, the kind when the unit says it).
UNITS = {
    "divisions": ("divisions", None), "division": ("divisions", None),
    "people": ("people", None), "persons": ("people", None), "men": ("people", None),
    "soldiers": ("people", None), "troops": ("people", "TroopStrength"),
    "forces": ("people", None),
    "prisoners": ("people", "Prisoners"), "members": ("people", "PartyMembership"),
    "cadres": ("people", "Cadres"),
    "days": ("days", "Duration"), "weeks": ("weeks", "Duration"),
    "year": ("years", "Duration"), "month": ("months", "Duration"), "week": ("weeks", "Duration"),
    "months": ("months", "Duration"), "years": ("years", "Duration"),
}
#: Units in the singular: a span only after "one" ("one year after the armistice").
SINGULAR_UNITS = frozenset({"year", "month", "week"})
#: Words near a figure that say what it counts (checked in this order).
KIND_CUES = (
    ("Prisoners", r"prisoners?|captured|taken captive"),
    ("Losses", r"\blost\b|losses|killed|casualties|wounded"),
    ("DivisionsDefected", r"defected|rebelled|went over|came over|took our side"),
    ("DivisionsEncircled", r"encircled|surrounded"),
    ("DivisionsRemaining", r"\bremain"),
    ("DivisionsDestroyed", r"destroyed|annihilated|finished off|wiped out|routed"),
    ("SupportPersonnel", r"servicing|support personnel|porters"),
    ("PartyMembership", r"\bmembers?\b|membership"),
    ("TroopStrength", r"\btroops\b|\bsoldiers\b|\barmy\b|\bforces\b"),
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "a": 1}
_QUANTITY_RE = re.compile(
    r"(?P<qualifier>more than|over|about|around|some|nearly|almost|up to|approximately"
    r"|not greater than|at least|within)?\s*"
    r"(?:(?P<low>\d+)\s*[-–]\s*)?(?P<value>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight"
    r"|nine|ten)\s*(?P<scale>thousand|million|hundred)?\s+(?:[A-Za-z]+\s+){0,2}?"
    r"(?P<unit>" + "|".join(UNITS) + r")\b")
_CLAUSE_MARK = re.compile(r"[,;:]")
#: Requests and intentions: (pattern, who intends: "author" or the named group).
_REQUEST_RE = re.compile(
    r"\b(?:(?P<i>I|[Ww]e)\s+(?:would\s+)?(?:request|ask|beg|propose|suggest)\s+(?:that\s+)?you"
    r"|(?:I|[Ww]e)\s+ask\s+your"
    r"|(?P<please>[Pp]lease)(?!\s+accept\b)"
    r"|[Rr]equest(?:\s+that)?\s+you|[Rr]equest your"
    r"|(?P<we>I|We|we)\s+(?:(?:intend|plan|propose|are planning|have decided|decided|"
    r"(?:are|am) preparing|(?:are|am) going|(?:are|am) ready)\s+to|(?:are|am)\s+thinking\s+of"
    r"|will\s+(?:request|ask))"
    # the writer alone ("we" may be a delegation's, whose plan curators leave unattributed)
    r"|I\s+(?:(?:would like|consider it necessary|want)\s+to(?!\s+(?:say|remind|note|stress|"
    r"emphasi[sz]e|point out|tell|express|add|thank|mention|draw)\b)|will\s+(?:try\s+to\s+)?"
    r"(?:notify|inform|send|give|deliver|provide|report|write|make|hold|publish|prepare|"
    r"organize|organise|transfer|supply))"
    r"|(?P<go>I|We|we)\s+will\s+(?:go|come|travel|fly|leave|depart)\s+(?:to|for))\b")
#: "X asked [me] to ...", "X requested that ...", a record's "X proposes to ..." (the present
#: only in a record kept in the third person): the author reports X's request.
_ASKED_RE = re.compile(r"\b(?:asked|requested|proposed|suggested|asks|requests|proposes|"
                       r"suggests)\s+(?:\[?(?:me|us)\]?\s+)?"
                       r"(?:to|that)\b")
_GO_RE = re.compile(r"\b(?:go|come|travel|fly|leave|depart|go back)\s+(?:to|for)\s+$")
#: "X - honest, capable, ...": a name, a dash, qualities in lower case.
_DASH = r"\s*(?:[-–—]|\s-\s)\s*"
_QUALITY_LIST = re.compile(_DASH + r"(?P<list>[a-z][a-z ,'’-]{3,200}?)(?=[.;]|$)")
#: Cover names: "under the name X", "X (codename Y)", "X, pseudonym Y".
_COVER_RE = re.compile(r"\b(?:under the (?:name|pseudonym|codename|cover name)|codenamed|"
                       r"code-named|pseudonym|cover name|codename)\s+[\"“]?(?P<name>[A-Z][\w-]+)")
#: Movements with a place: "X arrived in PLACE", "X left for PLACE".
_ARRIVAL_RE = re.compile(r"\s+(?:has\s+|had\s+|will\s+)?(?P<verb>arrived in|arrived at|"
                         r"arrive in|left for|departed for|returned to|flew to|"
                         r"went to)\s+$")


def _date(text: str, year: str | None) -> tuple[str, int, int] | None:
    m = _DAY_MONTH.search(text)
    if not m:
        return None
    month = MONTHS.index(m["month"] or m["month2"]) + 1
    y = m["year"] or year
    if not y:
        return None
    return f"{y}-{month:02d}-{int(m['day'] or m['day2']):02d}", m.start(), m.end()


def _persons(page: Page, start: int, end: int) -> list[Mention]:
    return page.entities(start, end, "persons")


def _fact(page: Page, kind: str, about: str, props: dict, s: Sentence, start: int, end: int,
          *, nodes: list[NewNode] | None = None, at: int | None = None,
          claimant: tuple[bool, str | None] | None = None) -> Candidate | None:
    """A candidate stated at ``start:end`` of sentence ``s``, if it has a usable quote
    and a claimant the rules can tell."""
    if page.cut_from is not None and end > page.cut_from:
        return None  # "Please consider the comradely c": what it says is lost with its end
    known, who = claimant or page.claimant(s, start if at is None else at)
    quoted = page.quote(start, end, s)
    if not known or quoted is None or not any(v not in (None, [], "") for v in props.values()):
        return None
    props = {k: v for k, v in props.items() if v not in (None, [], "")}
    nodes = list(nodes or [])
    mine = page.author_node
    if mine and mine.id not in {n.id for n in nodes} and (about == mine.id or any(
            mine.id in (v if isinstance(v, list) else [v]) for v in props.values())):
        nodes.append(mine)  # the author the registry does not know: his Person node
    return Candidate(kind, about, props, quoted[0], quoted[1], who, nodes)


# --- quantities ----------------------------------------------------------------------------

def quantities(page: Page) -> Iterator[Candidate]:
    """A figure with its unit and what it counts, and whose forces it counts when an armed
    force is named beside it."""
    text = page.doc.source
    for s in page.sentences:
        for m in _QUANTITY_RE.finditer(text, s.start, s.end):
            unit, kind = UNITS[m["unit"]]
            if kind == "Duration":
                # A span of time on its own ("for 2-3 months", "one year after the war") is
                # no fact a curator keeps until it is tied to what lasts that long (a plan's
                # timeSpan), which the rules do not read: measured on new pages, such
                # candidates were the most rejected (12 of 14 wrong statements).
                continue
            left = max([s.start, *(x.end() for x in _CLAUSE_MARK.finditer(text, s.start,
                                                                         m.start()))])
            window = text[left:clause_end(text, m.end(), s.end)]
            if re.search(r"\b(?:from|to)\s+$", text[max(s.start, m.start() - 6):m.start()]) \
                    or re.match(r"\s+to\s+\d", text[m.end():m.end() + 6]) or \
                    re.search(r"\bparty\b", window) and m["unit"] != "members":
                continue  # a change (from X to Y) is a QuantityChange: the curator's
            if kind is None or kind == "TroopStrength":
                kind = next((k for k, rx in KIND_CUES if re.search(rx, window)), None)
            if kind is None or (unit == "divisions") != kind.startswith("Divisions") and \
                    kind not in {"Losses", "Prisoners"}:
                continue
            value = _number(m["value"], m["scale"])
            if value is None or m["unit"] in SINGULAR_UNITS and (value != 1 or re.match(
                    r"[\s-]+(?:plans?|programs?|programmes?|old)\b", text[m.end():m.end() + 12])):
                continue  # "five year plan": no span of time
            props: dict = {"quantityKind": kind, "value": None if m["low"] else value,
                           "minValue": int(m["low"]) if m["low"] else None,
                           "maxValue": value if m["low"] else None, "unit": unit,
                           "qualifier": (m["qualifier"] or None)}
            forces = [o.entity for o in page.entities(max(s.start, m.start() - 40),
                                                      min(s.end, m.end() + 40),
                                                      "organizations")
                      if o.entity and o.entity.cls == "ArmedForce"]
            if len({f.id for f in forces}) == 1:
                props["ofForce"] = forces[0].id
            ident = page.node_id("q", kind, str(value))
            label = " ".join(text[m.start():m.end()].split())
            end = clause_end(text, m.end(), s.end)
            c = _fact(page, "quantity", ident, props, s, m.start(), end,
                      nodes=[NewNode(ident, "Quantity", label)])
            if c:
                yield c


def _number(value: str, scale: str | None) -> int | float | None:
    if value.isalpha():
        n: float = _WORD_NUMBERS[value]
    else:
        digits = re.sub(r"[,\s]", "", value)
        n = float(digits) if "." in digits else int(digits)
    n *= {"thousand": 1000, "million": 1_000_000, "hundred": 100}.get(scale or "", 1)
    return int(n) if float(n).is_integer() else n


def clause_end(text: str, at: int, limit: int) -> int:
    """Where the clause from ``at`` ends: a comma, semicolon or full stop that closes no
    abbreviation or initial ("Cde.", "I.V.")."""
    for m in re.compile(r"[,;.]").finditer(text, at, limit):
        word = re.search(r"(\w+)$", text[max(at, m.start() - 12):m.start()])
        if m.group() == "." and word and (word[1].casefold() in ABBREVIATIONS or
                                          len(word[1]) == 1 and word[1].isupper()):
            continue
        return m.start()
    return limit


# --- requests and plans --------------------------------------------------------------------

def plans(page: Page) -> Iterator[Candidate]:
    """Requests and intentions: "I ask you to ...", "we intend to ...", "will go to
    Moscow", and the requests the author reports: "X asked me to ..." (instructions in
    the imperative are in :mod:`kg.curate.instructions`)."""
    text = page.doc.source
    for s in page.sentences:
        for m in _REQUEST_RE.finditer(text, s.start, s.end):
            known, who = page.claimant(s, m.start())
            if not known or m["please"] and not _opens_clause(text[s.start:m.start()]):
                continue  # "to please the most aggressive segment": no request
            if m["please"] and (after := re.match(r"\s*(\w+)(.*)", text[m.end():s.end],
                                                  re.DOTALL)) and routine(after[1], after[2]):
                continue  # "Please transfer this telegram to ...": the message's routing
            if m["please"] and len(text[m.end():clause_end(text, m.end(), s.end)].split()) < 3:
                continue  # "Please examine.": a cover note's, nothing asked but reading it
            intends = who or page.author
            end = clause_end(text, m.end(), s.end)
            props = {"intendedBy": intends, "destination": _place_after(page, m.end(), end)
                     if m["go"] else None}
            if m["go"] and not props["destination"]:
                continue
            date = _date(text[m.end():end], page.year)
            props["plannedDate"] = date[0] if date else None
            ident = page.node_id("plan", " ".join(text[m.end():end].split()[:4]))
            yield from plan_facts(page, s, ident, props, m.start(), end)
        for m in _ASKED_RE.finditer(text, s.start, s.end):
            if m.group().split()[0].endswith("s") and not page.narrated:
                continue  # "X requests that ...": a record's present, or the editors' summary
            who = [x for x in _persons(page, s.start, m.start())
                   if not text[x.end:m.start()].strip(" ,[]") or
                   re.fullmatch(r"\s*(?:,[^,]{0,80},\s*|\s*\[[^\]]*\]\s*)?(?:also\s+|then\s+)?",
                                text[x.end:m.start()])]
            if len(who) != 1 or who[0].entity is None:
                continue
            end = clause_end(text, m.end(), s.end)
            ident = page.node_id("request", who[0].entity.id)
            me = page.author if re.search(r"\bme\b", m.group()) and \
                who[0].entity.id != page.author else None  # "asked me to": of the author
            yield from plan_facts(page, s, ident, {"intendedBy": who[0].entity.id,
                                                   "concerns": me}, who[0].start, end,
                                  at=who[0].start)


#: Verbs that pass a message on: "Transmit the following answer to X", "Please transfer
#: this telegram to the Department ..." is the message's routing (the parser records the
#: page's ``intermediary`` and ``recipient``), no plan of the writer's.
PASSING_VERBS = frozenset({"convey", "pass", "transmit", "transfer", "forward", "hand",
                           "deliver", "communicate", "send", "relay"})
#: What a passed-on message is called after "the following" / "this".
_RELAYED_MESSAGE = re.compile(r"\b(?:the following|this (?:message|telegram|cable|answer|"
                              r"reply|letter|text|note))\b", re.IGNORECASE)
#: Verbs with which the recipient is to report back.
REPORT_VERBS = frozenset({"Telegraph", "Cable", "Wire", "Report"})
#: A report back that only acknowledges this very message ("Telegraph the fulfillment",
#: "Report on the execution", "Confirm receipt"): no plan.
_ACKNOWLEDGEMENT = re.compile(r"\b(?:fulfil+ment|execution|receipt|delivery|carrying out)\b",
                              re.IGNORECASE)


def routine(verb: str, rest: str) -> bool:
    """Telegraph housekeeping, no plan: ``verb`` passing this very message on, or asking
    for its receipt or fulfilment to be reported; ``rest``: the clause after the verb."""
    word = verb.casefold()
    if word in PASSING_VERBS and _RELAYED_MESSAGE.match(rest.strip().removeprefix("on ")
                                                        .removeprefix("to ").lstrip()):
        return True
    if word in PASSING_VERBS and _RELAYED_MESSAGE.search(rest) and re.match(
            r"\s*(?:on\s+)?to\s+[^,;]{1,60}?\s+the following\b", rest):
        return True  # "Convey to Mao Zedong the following"
    return verb.capitalize() in REPORT_VERBS | {"Confirm"} and \
        bool(_ACKNOWLEDGEMENT.search(rest.split(",")[0]))


#: What may stand before an instruction opening a sentence: "(1) ", "2. ", "[handwritten:] ".
NUMBERING = re.compile(r"(?:\(?\d+[).]\s+|\[[^\]]{0,30}\]\s*)*")


def _opens_clause(before: str) -> bool:
    """Nothing but numbering before, or a clause ends just before: "(2) Please ...",
    "Also, please ..."."""
    return bool(NUMBERING.fullmatch(before) or re.search(r"[:;,]\s*$", before))


def plan_facts(page: Page, s: Sentence, ident: str, props: dict, start: int, end: int,
               at: int | None = None) -> Iterator[Candidate]:
    """A ``Plan`` node and its fact, if it says who intends it or whom it concerns."""
    if not props.get("intendedBy") and not props.get("concerns"):
        return
    label = " ".join(page.doc.source[start:end].split())[:100]
    c = _fact(page, "plan", ident, props, s, start, end,
              nodes=[NewNode(ident, "Plan", label)], at=at)
    if c:
        yield c


def _place_after(page: Page, start: int, end: int) -> str | None:
    places = [p for p in page.entities(start, end, "places") if p.entity]
    return places[0].entity.id if places and places[0].entity else None


# --- characterizations ---------------------------------------------------------------------

def characterizations(page: Page) -> Iterator[Candidate]:
    """"X - honest, capable, little experience": who is assessed, and each quality."""
    text = page.doc.source
    for s in page.sentences:
        for m in _persons(page, s.start, s.end):
            q = _QUALITY_LIST.match(text, m.end, s.end)
            if not q or m.entity is None:
                continue
            qualities = [x.strip() for x in re.split(r",|\bbut\b|\band\b", q["list"])
                         if x.strip()]
            if len(qualities) < 2 or any(len(x.split()) > 6 for x in qualities):
                continue
            known, who = page.claimant(s, m.start)
            assessor = who or page.author
            if not known or not assessor:
                continue
            ident = page.node_id("characterization", m.entity.id)
            node = NewNode(ident, "Characterization", f"On {m.text}")
            c = _fact(page, "characterization", ident, {
                "assessor": assessor, "assessed": m.entity.id, "quality": qualities},
                s, m.start, q.end(), nodes=[node])
            if c:
                yield c


# --- cover names ---------------------------------------------------------------------------

def codenames(page: Page) -> Iterator[Candidate]:
    """A cover name the body identifies in its own words: "Strakhov (Li Lisan)" (the
    claim of whoever speaks there), "X, under the name Y". The editors' square brackets
    ("Filippov [Stalin]") and the summary are left out: the build reads them with the
    page's metadata (:mod:`kg.mapping.metadata`) and the curated mappings do not repeat
    them."""
    doc, text = page.doc, page.doc.source
    for c in doc.codenames:
        ent = page.registry.resolve(c.person)
        if ent is None:
            continue
        rx = re.compile(re.escape(c.name) + r"\s*\(\s*[^)]{0,40}?"
                        + re.escape(c.person.split()[-1]) + r"\s*\)")
        m = next((x for p in doc.body if (x := rx.search(text, p.start, p.end))), None)
        s = _sentence_at(page, m.start()) if m else None
        if m is None or s is None:
            continue
        for about, props, node in (
                (ent.id, {"codename": c.name}, None),
                (page.node_id("identification", c.name), {
                    "nameAsWritten": c.name, "identifiedAs": ent.id,
                    "identificationKind": "CoverName"}, True)):
            nodes = [NewNode(about, "Identification", f'"{c.name}" is {ent.label}')] \
                if node else []
            cand = _fact(page, "codename", about, props, s, m.start(), m.end(), nodes=nodes)
            if cand:
                yield cand
    for s in page.sentences:
        for m in _COVER_RE.finditer(text, s.start, s.end):
            who = [x for x in _persons(page, s.start, m.start()) if x.entity]
            if who and m.start() - who[-1].end < 40:
                c2 = _fact(page, "codename", who[-1].entity.id,  # type: ignore[union-attr]
                           {"codename": m["name"]}, s, who[-1].start, m.end())
                if c2:
                    yield c2


def _sentence_at(page: Page, at: int) -> Sentence | None:
    return next((s for s in page.sentences if s.start <= at < s.end), None)


# --- events with dates and places ----------------------------------------------------------

def events(page: Page) -> Iterator[Candidate]:
    """"X arrived in PLACE (on DATE)", "X left for PLACE": an event with its participant,
    place and date."""
    text = page.doc.source
    for s in page.sentences:
        for p in page.entities(s.start, s.end, "places"):
            if p.entity is None:
                continue
            m = _ARRIVAL_RE.search(text, max(s.start, p.start - 40), p.start)
            if not m:
                continue
            who = [x for x in _persons(page, s.start, m.start()) if x.entity
                   and not text[x.end:m.start()].strip()]
            if len(who) != 1:
                continue
            person = who[0].entity.id  # type: ignore[union-attr]
            date = _date(s.text, page.year)
            ident = page.node_id("event", person, m["verb"], p.entity.id)
            node = NewNode(ident, "Event", " ".join(text[who[0].start:p.end].split()))
            c = _fact(page, "event", ident, {
                "participant": person, "place": p.entity.id,
                "date": date[0] if date else None}, s, who[0].start, p.end, nodes=[node])
            if c:
                yield c


RULES: tuple[Callable[[Page], Iterator[Candidate]], ...] = (
    quantities, plans, characterizations, codenames, events)
