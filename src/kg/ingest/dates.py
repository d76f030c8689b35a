"""The dates written in headers, titles, citations and signatures, as ISO 8601.

Dates come as "May 17, 1949", "17 May 1949", "August 1949", "1949", "17 мая 1949 г." on
pages in Russian, and in the texts as "16.XII.1947", "21.XI.51", "10/14/50" (American
month/day/year), "13/5-50" (Russian day/month-year) and "17.5" (day.month, the year taken
from the page).
"""

from __future__ import annotations

import datetime
import re

MONTHS: dict[str, int] = {
    name: number
    for number, month in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        start=1,
    )
    for name in (month, month[:3], "sept" if month == "september" else month[:3])
}
# Russian month names as dates write them (genitive: "17 мая 1949 г."), for pages in Russian.
MONTHS.update({
    name: number for number, name in enumerate(
        ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
         "сентября", "октября", "ноября", "декабря"), start=1)
})
ROMAN_MONTHS: dict[str, int] = {
    roman: number for number, roman in enumerate(
        ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"), start=1)
}

_YEAR = r"(?P<year>\d{4}|\d{2})"
_DATE_PATTERNS = (
    re.compile(r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[а-я]+)\s+(?P<year>\d{4})(?:\s*г\.?)?$"),
    re.compile(r"^(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})(?:-(?P<num_month>\d{2})(?:-(?P<day>\d{2}))?)?$"),
    re.compile(r"^(?P<day>\d{1,2})\.\s?(?P<roman>[IVX]{1,4})\.\s?" + _YEAR + "$"),
    re.compile(r"^(?P<day>\d{1,2})\.(?P<num_month>\d{1,2})(?:\." + _YEAR + ")?$"),
    re.compile(r"^(?P<day>\d{1,2})/(?P<num_month>\d{1,2})-" + _YEAR + "$"),
    re.compile(r"^(?P<us_month>\d{1,2})/(?P<us_day>\d{1,2})/" + _YEAR + "$"),
)
#: A date written at the start of a text: the one after the quoted title of a citation.
_LEADING_DATE_RE = re.compile(
    r"^\s*(?P<date>[A-Za-z]+\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}"
    r"|[A-Za-z]+\.?\s+\d{4}|\d{4})\b"
)
def parse_date(text: str, year: str | int | None = None) -> str | None:
    """ISO 8601 for a date as written, or None when ``text`` is not a date.

    "May 17, 1949" -> "1949-05-17"; "August 1949" -> "1949-08"; "1949" -> "1949";
    "16.XII.1947" -> "1947-12-16"; "21.XI.51" -> "1951-11-21"; "10/14/50" -> "1950-10-14";
    "13/5-50" -> "1950-05-13"; "17.5" -> "<year>-05-17" when ``year`` is given, else None.
    Two-digit years are 19xx. Slashed dates are month/day/year unless the first number
    cannot be a month.
    """
    text = " ".join(text.split()).rstrip(".")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return _from_parts(match.groupdict(), year)
    return None


def _from_parts(parts: dict[str, str | None], default_year: str | int | None) -> str | None:
    written_year = parts.get("year")
    if written_year is None and default_year is None:
        return None
    y = int(written_year) if written_year else int(str(default_year)[:4])
    y = y + 1900 if y < 100 else y
    day = int(parts["day"]) if parts.get("day") else None
    month: int | None = None
    if parts.get("month"):
        month = MONTHS.get(parts["month"].casefold())
        if month is None:
            return None
    elif parts.get("num_month"):
        month = int(parts["num_month"])
    elif parts.get("roman"):
        month = ROMAN_MONTHS.get(parts["roman"].upper())
    elif parts.get("us_month"):
        first, second = int(parts["us_month"]), int(parts["us_day"])
        month, day = (first, second) if first <= 12 else (second, first)
    return iso_date(y, month, day)


def iso_date(year: int, month: int | None, day: int | None) -> str | None:
    """"1949-05-17", "1949-05" or "1949"; None for an impossible date."""
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def leading_date(text: str) -> tuple[str, str] | None:
    """``(iso, as written)`` for a date at the start of ``text`` ("September 3, 1949, ...")."""
    match = _LEADING_DATE_RE.match(text)
    if match and (iso := parse_date(match["date"])):
        return iso, match["date"]
    return None
