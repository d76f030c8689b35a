"""Finding many names in a text at once, as whole words (the entity linker's look-up).

The rules a name follows to match at a place of the text:

- it starts where a word does (no word character before it), and ends where one ends (no
  word character after it); names in the scripts that write words without spaces (CJK
  ideographs, kana) match anywhere;
- its words are separated by any run of white space (a name may be broken over a line);
  the editors' completion brackets may close after a word and open before the next
  ("[Li] Fuchun", "Kim [Il] Sung"); a name of several words may open with a bracket;
- an apostrophe matches a straight or a typographic one ("People's", "People’s");
- of the names that match at one place, the longest is taken (then the first in
  alphabetical order); the search goes on after it, so matches never overlap.

Names are looked up by the word the text has at a place, in a dictionary, instead of
being tried one after the other: the 9,000 names of the registry cost a dictionary
built in a few milliseconds, where one regular expression holding them all took one to
two seconds to compile, in every build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: A character of the scripts that write words without spaces: CJK ideographs and kana.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
#: The word characters a name's first word begins with, up to its first other character.
_RUN_RE = re.compile(r"\w+")

class _Node:
    """The names that go on with one more word: a trie over names' words."""

    __slots__ = ("children", "ends")

    def __init__(self) -> None:
        #: the key of a word (:func:`_key`) -> the words with that key and their nodes
        self.children: dict[str, list[tuple[str, _Node]]] = {}
        #: the names that end here: (rank, must end a word, has several words)
        self.ends: list[tuple[int, bool, bool]] = []

    def add(self, words: tuple[str, ...], cjk: bool) -> _Node:
        node = self
        for word in words:
            entries = node.children.setdefault(_key(word, cjk), [])
            for known, child in entries:
                if known == word:
                    node = child
                    break
            else:
                child = _Node()
                entries.append((word, child))
                node = child
        return node


class NameScanner:
    """The names of ``names`` found in texts (see the module's rules)."""

    def __init__(self, names: Iterable[str]):
        self._root = _Node()  # names as written
        self._bracketed = _Node()  # names of several words, after an opening bracket
        ordered = sorted(set(names), key=lambda n: (-len(n), n))
        for rank, name in enumerate(ordered):
            words = tuple(name.split())
            if not words:
                continue
            cjk = bool(_CJK_RE.match(words[0]))
            several = len(words) > 1
            if several:
                self._bracketed.add(words, cjk).ends.append((rank, True, True))
            self._root.add(words, cjk).ends.append((rank, not cjk, several))
        # Where a name may start: a word whose first character begins a name's first
        # word (mostly capitals), one of the few names' words that begin with a small
        # letter or a digit ("the", "government", "38th"), a character that is no word
        # character ("["), a CJK character that begins a name. Only there is the trie
        # consulted.
        runs = [k for k in self._root.children if _is_word(k[0]) and not _CJK_RE.match(k)]
        capitals = sorted({run[0] for run in runs if not _small(run)})
        small = sorted((run for run in runs if _small(run)), key=lambda r: (-len(r), r))
        chars = {k for k in self._root.children if len(k) == 1 and k not in runs} | {"["}
        punct = "".join(re.escape(c) for c in sorted(chars) if not _CJK_RE.match(c))
        cjk = "".join(sorted(c for c in chars if _CJK_RE.match(c)))
        alternatives = [rf"(?<!\w)(?=[{''.join(map(re.escape, capitals))}])"]
        if small:
            alternatives.append(rf"(?<!\w)(?=(?:{'|'.join(map(re.escape, small))})(?!\w))")
        alternatives.append(rf"(?<!\w)(?=[{punct}])")
        if cjk:
            alternatives.append(f"(?=[{cjk}])")
        self._starts = re.compile("|".join(alternatives))

    def spans(self, text: str, start: int = 0, end: int | None = None) -> Iterator[
            tuple[int, int]]:
        """The (start, end) of every name found in ``text[start:end]``, in order; the
        character before ``start`` counts for the first name's word boundary."""
        end = len(text) if end is None else min(end, len(text))
        plain = text.replace("’", "'")
        after = start  # where the last name found ends
        for m in self._starts.finditer(plain, start, end):
            at = m.start()
            if at < after:
                continue
            best = _step(plain, at, end, self._root, None)
            if plain[at] == "[":
                best = _step(plain, at + 1, end, self._bracketed, best)
            if best is not None:
                after = best[1]
                yield at, after


_Best = tuple[int, int] | None  # the best name found so far: (rank, where it ends)


def _step(text: str, at: int, end: int, node: _Node, best: _Best) -> _Best:
    """The best of ``best`` and the names of ``node`` that go on with the word at ``at``."""
    if at >= end:
        return best
    char = text[at]
    keys = [char]
    if _is_word(char) and not _CJK_RE.match(char):
        run = _RUN_RE.match(text, at, end)
        assert run is not None
        keys.insert(0, run.group(0))
    for key in keys:
        for word, child in node.children.get(key, ()):
            if text.startswith(word, at, end):
                best = _walk(text, at + len(word), end, child, best)
    return best


def _walk(text: str, at: int, end: int, node: _Node, best: _Best) -> _Best:
    """The best of ``best``, the names that end at ``at`` with ``node``'s word, and those
    that go on after it."""
    for rank, bounded, several in node.ends:
        if best is not None and rank >= best[0]:
            continue
        stop = at
        # A closing bracket after the last word is the name's, unless a word goes on
        # right after it.
        if several and stop < end and text[stop] == "]" and not (
                bounded and stop + 1 < end and _is_word(text[stop + 1])):
            stop += 1
        if bounded and stop < end and _is_word(text[stop]):
            continue
        best = (rank, stop)
    if node.children:
        if at < end and text[at] == "]":
            at += 1
        spaced = at
        while at < end and text[at].isspace():
            at += 1
        if at > spaced:
            if at < end and text[at] == "[":
                best = _step(text, at + 1, end, node, best)
            best = _step(text, at, end, node, best)
    return best


def _key(word: str, cjk: bool) -> str:
    """What a word is looked up by: its leading run of word characters ("Il" for
    "Il-sung"), or its first character when it opens with no word character or is a word of
    a CJK name (those need no word boundary)."""
    run = _RUN_RE.match(word)
    return word[0] if cjk or run is None or _CJK_RE.match(word) else run.group(0)


def _small(run: str) -> bool:
    return run[0].islower() or run[0].isdigit()


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
