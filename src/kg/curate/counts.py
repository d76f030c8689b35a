"""Counts of things, a rule of :mod:`kg.curate.candidates`: a figure with the plural noun
it counts ("1,000 tankists", "200-300 pilots", "500 radio operators", "twelve countries",
"50 train locomotives"), as a ``Quantity`` with ``value`` (or ``minValue``/``maxValue``),
``unit`` (the noun as written, with the word before it when that word is part of the
name, "radio operators", not whose they are, "Korean") and ``qualifier``, as the curated
mappings write them. Figures of forces, losses and spans of time, which have a kind, are
:func:`kg.curate.patterns.quantities`'s.

Every table of words sits at the top: extend the table, not the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.curate.candidates import Candidate, NewNode, Page
from kg.curate.patterns import _fact

#: Nouns a figure counts (in the plural), with no kind of quantity of their own.
COUNTED = ("pilots", "tankists", "officers", "operators", "specialists", "advisers",
           "advisors", "instructors", "students", "workers", "engineers", "technicians",
           "doctors", "countries", "states", "tanks", "aircraft", "airplanes", "planes",
           "guns", "rifles", "machine guns", "trucks", "vehicles", "locomotives", "wagons",
           "railcars", "ships", "vessels", "boats", "tons", "tonnes", "kilometers",
           "kilometres", "km", "hectares", "rubles", "roubles", "dollars", "yuan")
#: Words before a counted noun that are part of its name ("radio operators").
MODIFIERS = ("radio", "engineering", "train", "artillery", "military", "naval", "air",
             "fighter", "bomber", "transport")
#: Whose things they are, left out of the unit ("120 Korean pilots": pilots).
NATIONALITIES = ("Soviet", "Chinese", "Korean", "American", "British", "Japanese",
                 "Vietnamese", "foreign")
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_COUNT_RE = re.compile(
    r"(?<![\w.,/-])(?P<qualifier>more than|over|about|around|some|nearly|almost|up to|"
    r"approximately|at least)?\s*"
    r"(?:(?P<low>\d{1,3}(?:,\d{3})+|\d+)\s*[-–]\s*)?"
    r"(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
    r"\s*(?P<scale>thousand|million)?\s+(?:(?:" + "|".join(NATIONALITIES) + r")\s+)?"
    r"(?P<unit>(?:(?:" + "|".join(MODIFIERS) + r")\s+)?(?:" + "|".join(COUNTED) + r"))\b",
    re.IGNORECASE)


def counts(page: Page) -> Iterator[Candidate]:
    """A figure with the noun it counts."""
    text = page.doc.source
    for s in page.sentences:
        for m in _COUNT_RE.finditer(text, s.start, s.end):
            value = _number(m["value"], m["scale"])
            low = _number(m["low"], m["scale"]) if m["low"] else None
            if value is None:
                continue
            props: dict = {"value": None if low is not None else value,
                           "minValue": low, "maxValue": value if low is not None else None,
                           "unit": " ".join(m["unit"].split()),
                           "qualifier": m["qualifier"].casefold() if m["qualifier"] else None}
            start = m.start("qualifier") if m["qualifier"] else \
                m.start("low") if m["low"] else m.start("value")
            ident = page.node_id("q", m["unit"], str(value))
            label = " ".join(text[start:m.end()].split())
            c = _fact(page, "count", ident, props, s, start, m.end(),
                      nodes=[NewNode(ident, "Quantity", label)])
            if c:
                yield c


def _number(value: str, scale: str | None) -> int | float | None:
    if value.isalpha():
        n: float = _NUMBER_WORDS.get(value.casefold(), 0)
    else:
        n = float(value.replace(",", ""))
    if not n:
        return None
    n *= {"thousand": 1000, "million": 1_000_000}.get((scale or "").casefold(), 1)
    return int(n) if float(n).is_integer() else n
