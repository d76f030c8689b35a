"""The timeline: every dated item of the graph on a true time axis, drawn as server-side SVG.

Dates keep their precision (docs/model.md): ``1949`` covers the year, ``1949-02`` the month,
``1949-05-12`` the day; ``kg:season`` narrows a year to its season, ``kg:dateQualifier``
says how to read the date (about, early in, before, after), ``kg:notLaterThan`` is a
deadline, ``kg:startDate``/``kg:endDate`` an interval (open when one end is missing).
Each item becomes a span of days (:class:`TimelineItem`), placed on a proportional
:class:`Axis` whose long empty stretches are cut out and marked as breaks.

The page is a list of rows (text that wraps at any width) each with a small SVG track;
x coordinates are percentages, so the same drawing fits 375 px and 1366 px.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

import pyoxigraph as ox

RDFS = "http://www.w3.org/2000/01/rdf-schema#"

#: The filter's types, in the order a dated item is assigned to the first it belongs to
#: (by stated or inferred ``rdf:type``): (key, label, kg: classes, colour).
GROUPS = (
    ("communication", "Communications", ("Communication",), "#0b4f8a"),
    ("meeting", "Meetings", ("Meeting",), "#9a4a00"),
    ("operation", "Operations and wars", ("MilitaryOperation", "War"), "#a01c1c"),
    ("plan", "Plans", ("Plan",), "#2f6b1a"),
    ("deviation", "Political deviations", ("PoliticalDeviation",), "#5b2a86"),
    ("position", "Posts held", ("PositionHolding",), "#5a5a5a"),
    ("event", "Other events", (), "#006d6f"),
)
GROUP_KEYS = tuple(g[0] for g in GROUPS)
COLOURS = {g[0]: g[3] for g in GROUPS}
#: The date properties that put an item on the timeline.
DATE_PROPERTIES = ("date", "startDate", "endDate", "plannedDate", "notLaterThan")
SEASONS = {"Spring": (3, 5), "Summer": (6, 8), "Autumn": (9, 11), "Winter": (0, 2)}
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def parse_date(text: str) -> tuple[int, int, str]:
    """``(first day, day after the last, precision)`` of a year, year-month or date, as
    proleptic ordinals. Raises ValueError for anything else."""
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(f"not a year, year-month or date: {text!r}")
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 1, 1).toordinal(), dt.date(year + 1, 1, 1).toordinal(), "year"
    month = int(parts[1])
    if len(parts) == 2:
        first = dt.date(year, month, 1).toordinal()
        return first, first + calendar.monthrange(year, month)[1], "month"
    day = dt.date(year, month, int(parts[2])).toordinal()
    return day, day + 1, "day"


def year(day: int) -> int:
    """The year of a proleptic ordinal."""
    return dt.date.fromordinal(day).year


def _human(text: str) -> str:
    """``1948-11-28`` -> ``28 November 1948``; ``1948-09`` -> ``September 1948``."""
    parts = text.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1])]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1])]} {parts[0]}"
    return text


@dataclass
class TimelineItem:
    iri: str
    label: str
    kind: str  # the most specific stated kg: class label
    start: str  # the literal as stated: its length is its precision
    end: str = ""
    qualifier: str = ""  # how the date is to be read: "about", "early in", "spring" ...
    group: str = "event"  # a key of GROUPS
    precision: str = "day"  # of the start: day, month or year
    shape: str = "exact"  # exact, about, early, before, after
    lo: int = 0  # the span drawn solid: first day ...
    hi: int = 0  # ... and the day after the last (proleptic ordinals)
    context: tuple[int, int] | None = None  # the stated period a season or "early in" narrows
    when: str = ""  # the date in words

    @property
    def point(self) -> bool:
        return self.hi - self.lo <= 1


def _item(iri: str, label: str, kind: str, group: str, dates: dict[str, str],
          qualifier: str, season: str, labels: dict[str, str]) -> TimelineItem | None:
    start = dates.get("startDate") or dates.get("date") or dates.get("plannedDate")
    end = dates.get("endDate", "")
    shape = {"About": "about", "EarlyIn": "early", "Before": "before",
             "After": "after"}.get(qualifier, "exact")
    try:
        if start:
            lo, hi, precision = parse_date(start)
            if end:
                hi = max(hi, parse_date(end)[1])
            elif "startDate" in dates:
                shape = "after"  # a start and no end: it went on
        elif end or dates.get("notLaterThan"):
            start = end or dates["notLaterThan"]
            lo, hi, precision = parse_date(start)
            end, shape = "", "before"
        else:
            return None
    except ValueError:  # a malformed literal: nothing to place
        return None
    context = None
    if season and precision == "year":
        first, last = SEASONS[season]
        year = int(start[:4])
        context = (lo, hi)
        lo = dt.date(year - (first == 0), first or 12, 1).toordinal()
        hi = dt.date(year, last + 1, 1).toordinal() if last < 12 else hi
    if shape == "early":
        context = (lo, hi)
        hi = lo + max(1, (hi - lo) // 3)
    words = [labels.get(qualifier, "").lower(), labels.get(season, "").lower()]
    how = " ".join(w for w in words if w)
    if "notLaterThan" in dates and not dates.get("date") and not dates.get("plannedDate"):
        when = f"no later than {_human(start)}"
    elif end and end != start:
        when = f"{_human(start)} – {_human(end)}"
    elif shape == "after" and not qualifier:
        when = f"from {_human(start)}"
    elif "endDate" in dates and shape == "before" and not qualifier:
        when = f"until {_human(start)}"
    else:
        when = _human(start)
    if how:
        when = f"{how} {when}"
    return TimelineItem(iri, label, kind, start, end if end != start else "", how, group,
                        precision, shape, lo, hi, context, when)


def _rows(store: ox.Store, query: str) -> list:
    return list(store.query(query, use_default_graph_as_union=True))


def timeline_items(store: ox.Store, base: str) -> list[TimelineItem]:
    """Every dated item under ``<base>/id/`` once, in date order: resources with a
    ``kg:date``, ``startDate``, ``endDate``, ``plannedDate`` or ``notLaterThan``, except the
    archival records (their communication is drawn, with the same date)."""
    kg = f"{base}/ontology#"
    props = " ".join(f"<{kg}{p}>" for p in DATE_PROPERTIES)
    dated = f"""VALUES ?dp {{ {props} }} ?e ?dp ?d .
        FILTER(STRSTARTS(STR(?e), "{base}/id/"))
        FILTER NOT EXISTS {{ ?e a <{kg}ArchivalRecord> }}"""
    dates: dict[str, dict[str, str]] = {}
    for e, p, d in _rows(store, f"SELECT DISTINCT ?e ?dp ?d WHERE {{ {dated} }}"):
        mine = dates.setdefault(e.value, {})
        name = p.value[len(kg):]
        # Two values of one property (rare): the earliest start, the latest end.
        keep = max if name == "endDate" else min
        mine[name] = keep(mine.get(name, d.value), d.value)
    info: dict[str, dict[str, str]] = {e: {} for e in dates}
    for e, label, kind, qualifier, season in _rows(store, f"""
        SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) (SAMPLE(?q) AS ?qual)
               (SAMPLE(?s) AS ?seas) WHERE {{
          {{ SELECT DISTINCT ?e WHERE {{ {dated} }} }}
          OPTIONAL {{ ?e <{RDFS}label> ?l }}
          OPTIONAL {{ ?e <{kg}dateQualifier> ?q }} OPTIONAL {{ ?e <{kg}season> ?s }}
          OPTIONAL {{ GRAPH ?g {{ ?e a ?asserted }} FILTER(!STRENDS(STR(?g), "/graph/inferred"))
                     ?asserted <{RDFS}label> ?k . FILTER(LANG(?k) = "en") }}
        }} GROUP BY ?e"""):
        info[e.value] = {"label": _v(label), "kind": _v(kind),
                         "qualifier": _v(qualifier)[len(kg):], "season": _v(season)[len(kg):]}
    member: dict[str, set[str]] = {}
    classes = " ".join(f"<{kg}{c}>" for g in GROUPS for c in g[2])
    for e, c in _rows(store, f"""SELECT DISTINCT ?e ?c WHERE {{ {dated}
                                  VALUES ?c {{ {classes} }} ?e a ?c }}"""):
        member.setdefault(e.value, set()).add(c.value[len(kg):])
    labels = {c.value[len(kg):]: label.value for c, label in _rows(store, f"""
        SELECT ?c ?l WHERE {{ ?c a ?t ; <{RDFS}label> ?l . FILTER(LANG(?l) = "en")
          VALUES ?t {{ <{kg}DateQualifier> <{kg}Season> }} }}""")}
    items = []
    for iri, mine in dates.items():
        about = info.get(iri, {})
        group = next((key for key, _, cls, _ in GROUPS
                      if member.get(iri, set()) & set(cls)), "event")
        item = _item(iri, about.get("label") or iri.rsplit("/", 1)[-1],
                     about.get("kind") or "Event", group, mine, about.get("qualifier", ""),
                     about.get("season", ""), labels)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda i: (i.lo, i.hi, i.label))


def _v(term: object) -> str:
    return getattr(term, "value", "") if term is not None else ""


def select(items: list[TimelineItem], groups: list[str] | None = None,
           lo: int | None = None, hi: int | None = None) -> list[TimelineItem]:
    """The items of ``groups`` (all when None) that overlap the window ``lo``..``hi``."""
    def overlaps(i: TimelineItem) -> bool:
        a, b = (min(i.lo, i.context[0]), max(i.hi, i.context[1])) if i.context else (i.lo, i.hi)
        return (lo is None or b > lo) and (hi is None or a < hi)

    return [i for i in items if (groups is None or i.group in groups) and overlaps(i)]


# --- The axis ---------------------------------------------------------------------------------

#: A stretch with nothing dated longer than this share of the whole is cut out of the axis.
BREAK_SHARE = 0.12
BREAK_WIDTH = 3.0  # percent of the width a break takes
MARGIN = 2.0  # percent left empty at either end
OPEN_END = 8.0  # percent an open end (before, after, about) reaches beyond its date


@dataclass
class Axis:
    """A piecewise-proportional scale from days to percent of the track's width."""

    lo: int
    hi: int
    segments: list[tuple[int, int]] = field(default_factory=list)

    @property
    def breaks(self) -> list[tuple[int, int]]:
        return [(a[1], b[0]) for a, b in itertools.pairwise(self.segments)]

    def x(self, day: float) -> float:
        """Where ``day`` falls, in percent (clamped to the axis)."""
        kept = sum(b - a for a, b in self.segments) or 1
        room = 100 - 2 * MARGIN - BREAK_WIDTH * len(self.breaks)
        at = MARGIN
        for i, (a, b) in enumerate(self.segments):
            if day < a:  # before the axis, or in the break before this segment
                return at - BREAK_WIDTH / 2 if i else MARGIN
            if day < b or i == len(self.segments) - 1:
                return min(at + (day - a) / kept * room, 100 - MARGIN)
            at += (b - a) / kept * room + BREAK_WIDTH
        return 100 - MARGIN

    def ticks(self) -> list[tuple[int, str, str, str]]:
        """Labelled ticks: (day, label, zoom-from, zoom-to)."""
        kept = sum(b - a for a, b in self.segments)
        months = next(m for m in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
                      if kept / 30.4 / m <= 6 or m == 1200)
        out: list[tuple[int, str, str, str]] = []
        last = -100.0
        for a, b in self.segments:
            d = dt.date.fromordinal(a)
            month = (d.year * 12 + d.month - 1)
            month += -month % months
            while True:
                year, m0 = divmod(month, 12)
                day = dt.date(year, m0 + 1, 1).toordinal()
                if day >= b:
                    break
                if day >= a and self.x(day) - last >= 12:
                    last = self.x(day)
                    if months >= 12:
                        out.append((day, str(year), str(year),
                                    str(year + months // 12 - 1)))
                    else:
                        name = calendar.month_abbr[m0 + 1]
                        text = f"{name} {year}" if m0 == 0 or not out else name
                        y2, m2 = divmod(month + months - 1, 12)
                        out.append((day, text, f"{year}-{m0 + 1:02d}", f"{y2}-{m2 + 1:02d}"))
                month += months
        return out


def make_axis(items: list[TimelineItem], lo: int | None = None,
              hi: int | None = None) -> Axis:
    """The axis over ``items`` (or the window ``lo``..``hi``), with each stretch no item
    covers that is longer than :data:`BREAK_SHARE` of the whole cut out."""
    spans = sorted((min(i.lo, i.context[0]), max(i.hi, i.context[1])) if i.context
                   else (i.lo, i.hi) for i in items)
    lo = lo if lo is not None else min((s[0] for s in spans), default=0)
    hi = hi if hi is not None else max((s[1] for s in spans), default=lo + 365)
    hi = max(hi, lo + 1)
    segments: list[tuple[int, int]] = []
    start, reach = lo, lo
    for a, b in spans:
        a, b = max(a, lo), min(b, hi)
        if a - reach > BREAK_SHARE * (hi - lo) and reach > start:
            segments.append((start, reach))
            start = a
        reach = max(reach, b)
    segments.append((start, hi))
    return Axis(lo, hi, segments)


# --- Drawing ----------------------------------------------------------------------------------

TRACK_HEIGHT = 18


def _grid(axis: Axis, height: int) -> str:
    parts = [f'<line class="grid" x1="{axis.x(day):.2f}%" x2="{axis.x(day):.2f}%" y1="0" '
             f'y2="{height}" stroke="#e2e2e2"/>' for day, *_ in axis.ticks()]
    for a, b in axis.breaks:
        x0, x1 = axis.x(a) + 0.4, axis.x(b) - 0.4
        parts.append(f'<rect class="break" x="{x0:.2f}%" width="{x1 - x0:.2f}%" y="0" '
                     f'height="{height}" fill="#f3f3f3"/>'
                     f'<line x1="{x0 + .3:.2f}%" y1="{height}" x2="{x0 + .9:.2f}%" y2="0" '
                     f'stroke="#999"/><line x1="{x1 - .9:.2f}%" y1="{height}" '
                     f'x2="{x1 - .3:.2f}%" y2="0" stroke="#999"/>')
    return "".join(parts)


def _mark(item: TimelineItem, axis: Axis, colour: str, y: float = 9) -> str:
    """The item's shapes on a track of height 18: a dot for a day, a bar for a span, faint
    for the stated period a season or "early in" narrows, whiskers for "about", arrows for
    open ends."""
    out = []
    x0, x1 = axis.x(item.lo), axis.x(item.hi)
    if item.context:
        c0, c1 = axis.x(item.context[0]), axis.x(item.context[1])
        out.append(f'<rect class="context" x="{c0:.3f}%" width="{max(c1 - c0, .1):.3f}%" '
                   f'y="{y - 5}" height="10" fill="{colour}" fill-opacity=".18"/>')
    if item.shape == "about":
        reach = max((x1 - x0) / 2, 1.5)
        out.append(f'<line class="whisker" x1="{x0 - reach:.3f}%" x2="{x1 + reach:.3f}%" '
                   f'y1="{y}" y2="{y}" stroke="{colour}" stroke-dasharray="3 2"/>'
                   f'<line x1="{x0 - reach:.3f}%" x2="{x0 - reach:.3f}%" y1="{y - 4}" '
                   f'y2="{y + 4}" stroke="{colour}"/><line x1="{x1 + reach:.3f}%" '
                   f'x2="{x1 + reach:.3f}%" y1="{y - 4}" y2="{y + 4}" stroke="{colour}"/>')
    if item.shape in ("before", "after"):
        edge = x0 - OPEN_END if item.shape == "before" else x1 + OPEN_END
        edge = min(max(edge, 0.5), 99.5)
        start = x0 if item.shape == "before" else x1
        out.append(f'<line class="open-{item.shape}" x1="{start:.3f}%" x2="{edge:.3f}%" '
                   f'y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2" '
                   f'stroke-dasharray="4 3" marker-end="url(#tl-arrow)"/>')
    for day, edge, side in ((item.lo, axis.lo, "left"), (item.hi, axis.hi, "right")):
        if (day < edge) if side == "left" else (day > edge):  # goes on past the window
            x, step = (MARGIN, -1) if side == "left" else (100 - MARGIN, 1)
            out.append(f'<line class="clipped" x1="{x:.2f}%" x2="{x + step:.2f}%" '
                       f'y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2" '
                       f'marker-end="url(#tl-arrow)"/>')
    opacity = ' fill-opacity=".55"' if item.shape == "about" else ""
    if item.point:
        out.append(f'<circle class="day" cx="{x0:.3f}%" cy="{y}" r="5" fill="{colour}"'
                   f'{opacity}/>')
    else:
        out.append(f'<rect class="range" x="{x0:.3f}%" width="{x1 - x0:.3f}%" y="{y - 5}" '
                   f'height="10" rx="2" fill="{colour}"{opacity}/>')
        if x1 - x0 < 0.8:  # too short to see at this scale: a bar a few pixels wide
            out.append(f'<line class="narrow" x1="{(x0 + x1) / 2:.3f}%" '
                       f'x2="{(x0 + x1) / 2:.3f}%" y1="{y - 6}" y2="{y + 6}" '
                       f'stroke="{colour}" stroke-width="3"/>')
    return "".join(out)


def track_svg(item: TimelineItem, axis: Axis) -> str:
    """One item's row of the picture: its span on the axis, with the axis' grid."""
    colour = COLOURS.get(item.group, "#555")
    return (f'<svg class="track" width="100%" height="{TRACK_HEIGHT}" aria-hidden="true" '
            f'focusable="false">{_grid(axis, TRACK_HEIGHT)}{_mark(item, axis, colour)}</svg>')


def axis_svg(axis: Axis, query: dict[str, list[str]]) -> str:
    """The axis' labels (each a link that zooms into its period) and its breaks, with the
    arrowhead the tracks' open ends use."""
    parts = ['<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="8" refY="5" '
             'markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
             'fill="#444"/></marker></defs>', _grid(axis, 34)]
    for day, label, lo, hi in axis.ticks():
        x = axis.x(day)
        anchor = "start" if x < 8 else "end" if x > 92 else "middle"
        href = "?" + urlencode({**query, "from": lo, "to": hi}, doseq=True)
        parts.append(f'<a href="{escape(href)}"><text x="{x:.2f}%" y="14" font-size="13" '
                     f'text-anchor="{anchor}" font-family="system-ui, sans-serif" '
                     f'fill="#0b4f8a">{escape(label)}</text></a>')
    for a, b in axis.breaks:
        years = (b - a) / 365.25
        x = (axis.x(a) + axis.x(b)) / 2
        parts.append(f'<text class="break-label" x="{x:.2f}%" y="30" font-size="11" '
                     f'text-anchor="middle" font-family="system-ui, sans-serif" fill="#555">'
                     f'≈<title>{dt.date.fromordinal(a).year}–{dt.date.fromordinal(b).year}: '
                     f'nothing dated, {years:.0f} years left out</title></text>')
    return (f'<svg class="axis" width="100%" height="34" role="img" aria-label="time axis '
            f'from {dt.date.fromordinal(axis.lo).isoformat()} to '
            f'{dt.date.fromordinal(axis.hi - 1).isoformat()}">{"".join(parts)}</svg>')


def legend() -> list[tuple[str, str]]:
    """Small pictures of each way a date is drawn, with what they mean."""
    axis = Axis(0, 100, [(0, 100)])
    colour = "#333"

    def swatch(shape: str, lo: int, hi: int, context: tuple[int, int] | None = None) -> str:
        item = TimelineItem("", "", "", "", shape=shape, lo=lo, hi=hi, context=context)
        return (f'<svg class="swatch" width="80" height="{TRACK_HEIGHT}" aria-hidden="true">'
                f'{_mark(item, axis, colour)}</svg>')

    return [  # (picture, meaning)
        (swatch("exact", 45, 46), "a day"),
        (swatch("exact", 30, 70), "a month, a year or an interval: the whole span the date "
                                   "covers (a month as the month, a year as the year)"),
        (swatch("early", 20, 40, (20, 80)), "early in, or a season: the part meant, within "
                                           "the stated period (faint)"),
        (swatch("about", 40, 60), "about: the span, with whiskers either side"),
        (swatch("before", 60, 75), "before, no later than, or until: open to the left"),
        (swatch("after", 25, 40), "after, or from (no end stated): open to the right"),
    ]
