"""Finding a quoted passage in a page's text, whatever its line breaks and spacing, with
offsets into the text exactly as read."""

from __future__ import annotations

import re
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=16)
def _collapsed(source: str) -> tuple[str, list[int]]:
    """``source`` with every run of whitespace made one space, and for each character of
    that text the offset of the character it came from (a run maps to its first space)."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _WHITESPACE.finditer(source):
        start, end = match.span()
        parts.append(source[pos:start])
        offsets.extend(range(pos, start))
        parts.append(" ")
        offsets.append(start)
        pos = end
    parts.append(source[pos:])
    offsets.extend(range(pos, len(source)))
    return "".join(parts), offsets


def _needle(quote: str) -> str:
    return " ".join(quote.split())


def find_quote(source: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in ``source``, or None.

    Whitespace-insensitive only: any run of whitespace in the quote matches any run of
    whitespace (line breaks included) in the source. Everything else is verbatim: straight
    and curly quotes, hyphens and dashes are different characters.
    """
    hits = _find(source, quote, first=True)
    return hits[0] if hits else None


def find_all_quotes(source: str, quote: str) -> tuple[tuple[int, int], ...]:
    """Every occurrence of ``quote`` in ``source`` (overlapping ones too), as
    :func:`find_quote` matches it."""
    return _find(source, quote, first=False)


def _find(source: str, quote: str, *, first: bool) -> tuple[tuple[int, int], ...]:
    # Searched in the whitespace-collapsed text (computed once per source), then mapped back:
    # a match there is exactly a match of the quote's words separated by any whitespace.
    needle = _needle(quote)
    if not needle:
        return ()
    text, offsets = _collapsed(source)
    found = []
    i = text.find(needle)
    while i >= 0:
        found.append((offsets[i], offsets[i + len(needle) - 1] + 1))
        if first:
            break
        i = text.find(needle, i + 1)
    return tuple(found)
