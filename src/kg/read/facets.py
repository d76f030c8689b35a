"""The facets of the full-text search (:mod:`kg.read.fulltext`): what narrows its hits, the
date rule, and the counts a search page shows beside each facet's values and dates.

:class:`Filters` narrow the hits: by kind of document, claimant, correspondent, document
(each one value) and a date window; every facet counts the hits under the other facets
chosen (:func:`facet_values`), and the dates are counted by year (by month inside a window
of a year or less) under all of them (:func:`date_periods`). The counts are queries over the
index's tables (``paragraphs p`` joined to ``documents d``, ``parties``, ``claims``).

The date rule: a document's date is a span of days (a day, a month or a year, by the
literal's precision; "about" widens it by its own length on each side, "before" and "after"
leave it open on that side). A document falls in the window ``from``..``to`` (each a year,
year-month or date, both ends included) when its span overlaps the window: a document dated
"1949" falls in 1949-05..1949-06, and is marked as dated less precisely than the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from kg.errors import KGError
from kg.read.timeline import MONTHS, parse_date

#: Facets, in the order a page shows them: (parameter, title). ``date`` is the window
#: ``from``/``to``; the others take one value each.
FACETS = (("kind", "Type"), ("date", "Date"), ("claimant", "Claimant"),
          ("party", "Correspondent"), ("doc", "Document"))
VALUE_FACETS = ("kind", "claimant", "party", "doc")
#: Values listed per facet (a chosen value is listed whatever its rank).
FACET_VALUES = 25
_OPEN_LEFT, _OPEN_RIGHT = dt.date.min.toordinal(), dt.date.max.toordinal() + 1


class SearchError(KGError):
    """A search the index cannot run: a malformed date, an unknown facet value, no word."""

    title = "Invalid search"


@dataclass
class FacetValue:
    value: str  # the URL parameter's value
    label: str
    count: int  # hits with this value, under the other facets chosen
    chosen: bool = False


@dataclass
class Period:
    """A bar of the dates' histogram: a year or a month (``value`` is both its ``from`` and
    its ``to``), or, with ``value`` empty, the documents dated less precisely than the bars
    (``label`` says how) or not at all."""

    value: str
    label: str
    count: int
    chosen: bool = False


@dataclass(frozen=True)
class Filters:
    """What narrows the hits: one value per facet, and a date window (each end a year,
    year-month or date, both included; either may be left out)."""

    kind: str = ""
    claimant: str = ""
    party: str = ""
    doc: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """From URL parameters (``kind``, ``claimant``, ``party``, ``doc``, ``from``,
        ``to``); a malformed date or a window that ends before it starts is a
        :class:`SearchError`."""
        values = {name: (args.get(name) or "").strip()[:300] for name in VALUE_FACETS}
        filters = cls(**values, date_from=(args.get("from") or "").strip()[:40],
                      date_to=(args.get("to") or "").strip()[:40])
        lo, hi = filters.window()
        if lo is not None and hi is not None and lo >= hi:
            raise SearchError(f"from: the window starts ({filters.date_from}) after it "
                              f"ends ({filters.date_to})")
        return filters

    def window(self) -> tuple[int | None, int | None]:
        """The window as proleptic ordinals: its first day and the day after its last."""
        out: list[int | None] = []
        for name, text in (("from", self.date_from), ("to", self.date_to)):
            if not text:
                out.append(None)
                continue
            try:
                lo, hi, _ = parse_date(text)
            except ValueError:
                raise SearchError(f"{name}: {text!r} is not a year, year-month or date "
                                  "(1949, 1949-05, 1949-05-17)") from None
            out.append(lo if name == "from" else hi)
        return out[0], out[1]

    def params(self) -> dict[str, str]:
        """The chosen filters as URL parameters."""
        out = {name: getattr(self, name) for name in VALUE_FACETS if getattr(self, name)}
        if self.date_from:
            out["from"] = self.date_from
        if self.date_to:
            out["to"] = self.date_to
        return out

    def without(self, facet: str) -> Filters:
        """These filters less one facet's (``date`` drops the window)."""
        if facet == "date":
            return dataclasses.replace(self, date_from="", date_to="")
        return dataclasses.replace(self, **{facet: ""})

    def __bool__(self) -> bool:
        return bool(self.params())


def document_span(date: str, qualifier: str = "") -> tuple[int, int, str] | None:
    """A document's date as (first day, day after the last, precision), by the rule in
    the module's docstring; None when it has no readable date."""
    try:
        lo, hi, precision = parse_date(date)
    except ValueError:
        return None
    if qualifier == "About":
        lo, hi = max(_OPEN_LEFT, lo - (hi - lo)), min(_OPEN_RIGHT, hi + (hi - lo))
    elif qualifier == "Before":
        lo = _OPEN_LEFT
    elif qualifier == "After":
        hi = _OPEN_RIGHT
    return lo, hi, precision


def where_sql(filters: Filters) -> tuple[str, list[object]]:
    """The ``AND ...`` conditions (and their arguments) keeping the hits under ``filters``,
    over ``paragraphs p`` joined to ``documents d``."""
    sql, args = "", []
    if filters.kind:
        sql += " AND d.kind = ?"
        args.append(filters.kind)
    if filters.doc:
        sql += " AND d.iri = ?"
        args.append(filters.doc)
    if filters.party:
        sql += " AND EXISTS (SELECT 1 FROM parties x WHERE x.doc = d.doc AND x.iri = ?)"
        args.append(filters.party)
    if filters.claimant:
        sql += " AND EXISTS (SELECT 1 FROM claims c WHERE c.para = p.rowid AND c.iri = ?)"
        args.append(filters.claimant)
    lo, hi = filters.window()
    if lo is not None:
        sql += " AND d.hi > ?"
        args.append(lo)
    if hi is not None:
        sql += " AND d.lo < ?"
        args.append(hi)
    return sql, args


def check_filters(db: sqlite3.Connection, filters: Filters) -> None:
    """Every chosen value is one the index holds, else a :class:`SearchError` listing some
    it does hold."""
    for facet in VALUE_FACETS:
        chosen = getattr(filters, facet)
        if not chosen:
            continue
        table, value = _FACET_VALUES[facet]
        if db.execute(f"SELECT 1 FROM {table} WHERE {value} = ? LIMIT 1",
                      (chosen,)).fetchone():
            continue
        known = [str(v) for (v,) in db.execute(
            f"SELECT DISTINCT {value} FROM {table} WHERE {value} IS NOT NULL "
            f"ORDER BY {value} LIMIT 11")]
        listed = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
        raise SearchError(f"{facet}: the index holds no {facet} {chosen!r}; "
                          f"known: {listed or 'none'}")


def facet_values(db: sqlite3.Connection, match: str, facet: str,
                 filters: Filters) -> list[FacetValue]:
    """The values of one facet with their hits (paragraphs matching the FTS5 query
    ``match``) under the other facets chosen, most hits first; a chosen value always."""
    where, args = where_sql(filters.without(facet))
    value, label, join = _FACET_SQL[facet]
    rows = db.execute(
        f"SELECT {value}, MIN({label}), COUNT(DISTINCT p.rowid) AS n FROM paragraphs p "
        f"JOIN documents d ON d.doc = p.doc{join} "
        f"WHERE paragraphs MATCH ?{where} AND {value} IS NOT NULL "
        f"GROUP BY {value} ORDER BY n DESC, MIN({label})", (match, *args)).fetchall()
    chosen = getattr(filters, facet)
    out = [FacetValue(str(v), str(lab), n, str(v) == chosen) for v, lab, n in rows]
    shown = out[:FACET_VALUES]
    if chosen and not any(v.chosen for v in shown):
        # Chosen, but with fewer hits than those listed, or none under the others.
        found = [v for v in out if v.chosen]
        shown.append(found[0] if found else FacetValue(
            chosen, _label(db, facet, chosen), 0, True))
    return shown


def date_periods(db: sqlite3.Connection, match: str,
                 filters: Filters) -> tuple[list[Period], str]:
    """The hits under every filter by year, or by month when the window spans a year
    or less; then those dated less precisely than a bar, then the undated. With the
    bars' unit."""
    where, args = where_sql(filters)
    lo, hi = filters.window()
    unit = "month" if lo is not None and hi is not None and hi - lo <= 366 else "year"
    bars: dict[str, int] = {}
    vague: dict[str, int] = {}
    for date, start, end, n in db.execute(
            f"SELECT d.date, d.lo, d.hi, COUNT(*) FROM paragraphs p "
            f"JOIN documents d ON d.doc = p.doc WHERE paragraphs MATCH ?{where} "
            f"GROUP BY d.doc", (match, *args)):
        key = _bar(start, end, unit)
        if key:
            bars[key] = bars.get(key, 0) + n
        else:
            label = f"dated {date}" if date else "undated"
            vague[label] = vague.get(label, 0) + n
    periods = [Period(key, _bar_label(key), n,
                      filters.date_from == key and filters.date_to == key)
               for key, n in sorted(bars.items())]
    periods += [Period("", label, n) for label, n in sorted(vague.items())]
    return periods, unit


def _label(db: sqlite3.Connection, facet: str, value: str) -> str:
    table, key = _FACET_VALUES[facet]
    column = {"kind": "kind", "doc": "title"}.get(facet, "label")
    row = db.execute(f"SELECT {column} FROM {table} WHERE {key} = ? LIMIT 1",
                     (value,)).fetchone()
    return str(row[0]) if row else value


#: Per value facet: (value column, label column, join) over ``paragraphs p`` and
#: ``documents d``.
_FACET_SQL = {
    "kind": ("d.kind", "d.kind", ""),
    "doc": ("d.iri", "d.title", ""),
    "party": ("x.iri", "x.label", " JOIN parties x ON x.doc = d.doc"),
    "claimant": ("c.iri", "c.label", " JOIN claims c ON c.para = p.rowid"),
}
#: Per value facet: the table and column holding every value it can take.
_FACET_VALUES = {"kind": ("documents", "kind"), "doc": ("documents", "iri"),
                 "party": ("parties", "iri"), "claimant": ("claims", "iri")}


def _bar(lo: int | None, hi: int | None, unit: str) -> str:
    """The year (``1949``) or month (``1949-05``) holding the whole span, else ''."""
    if lo is None or hi is None or lo < _OPEN_LEFT + 1 or hi >= _OPEN_RIGHT:
        return ""
    first, last = dt.date.fromordinal(lo), dt.date.fromordinal(hi - 1)
    if unit == "year":
        return str(first.year) if first.year == last.year else ""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year}-{first.month:02d}"
    return ""


def _bar_label(key: str) -> str:
    year, _, month = key.partition("-")
    return f"{MONTHS[int(month)]} {year}" if month else year
