"""What the endpoint must know about a SPARQL request before running it, read from its text.

A small lexer splits the text into SPARQL tokens so that strings, IRIs, comments,
variables and language tags are never mistaken for keywords: a literal ``"SERVICE"``, a
variable ``?service`` or an IRI ``<http://ex/SERVICE>`` do not count as the ``SERVICE``
keyword. From the tokens it reads the query form (the first keyword after the prologue:
``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or an update operation), the deepest
bracket nesting, the use of ``SERVICE`` and the prologue's prefixes, and whether the query
is a look-up (:attr:`QueryText.lookup`): a shape whose cost is bounded by one subject's
statements, which the endpoint answers without the round trip to a query process.

Oxigraph's parser matches keywords without a word boundary: it reads ``SERVICEs:x`` as
``SERVICE s:x`` and ``trueSERVICE <x> {}`` as ``true SERVICE <x> {}``. So ``SERVICE`` is
counted wherever it occurs in a bare word or in the prefix of a prefixed name
(``services:x`` is refused too; ``ex:Service`` and ``schema:serviceType`` are not).
Codepoint escapes (``\\u0053ERVICE``) are not decoded outside strings and IRIs, as
Oxigraph does not decode them there either: such text is a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

#: Query forms, answered with SPARQL results (solutions or a boolean).
SOLUTION_FORMS = frozenset({"SELECT", "ASK"})
#: Query forms, answered with an RDF graph.
GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
#: Keywords that open a SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

_FORM_KEYWORDS = sorted(SOLUTION_FORMS | GRAPH_FORMS | UPDATE_KEYWORDS)

_IRI_CHARS = r"""[^<>"{}|^`\\\x00-\x20]*"""
#: An IRI: allowed characters and \u / \U escapes (the loop unrolled: much faster).
_IRI = rf"<{_IRI_CHARS}(?:(?:\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}}){_IRI_CHARS})*>"
_PREFIX_NAME = r"(?:[^\W\d](?:[\w.-]*[\w-])?)?"
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>
          '''(?:[^'\\]|\\.|'(?!''))*'''
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n\r]|\\.)*'
        | "(?:[^"\\\n\r]|\\.)*"
      )
    | (?P<iri>""" + _IRI + r""")
    | (?P<open><<|[{(\[])
    | (?P<close>>>|[})\]])
    | (?P<var>[?$]\w*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>""" + _PREFIX_NAME + r""":(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: One ``PREFIX p: <iri>`` or ``BASE <iri>`` declaration in its plain spelling, after
#: spaces and comments: most prologues are all such lines, read here a whole one at a time
#: (the token loop is slow in Python); anything else is left to the tokens. A comment runs
#: to the end of its line (possessive: a commented-out declaration is no declaration).
_DECLARATION = re.compile(
    r"(?:\s|\#[^\n\r]*+)*(?:(?P<prefix>[Pp][Rr][Ee][Ff][Ii][Xx])\s+(?P<name>" + _PREFIX_NAME
    + r"):\s*|[Bb][Aa][Ss][Ee]\s*)(?P<iri>" + _IRI + ")"
)
_DECLARATIONS = re.compile(f"(?:{_DECLARATION.pattern})*")
#: The start of an absolute IRI: a scheme and its colon (matched after the ``<``).
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class QueryText:
    """The facts about a request's text that decide how, or whether, to run it."""

    form: str | None
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, an update keyword, or ``None``
    when the text does not start like any of them (the parser will say why)."""
    depth: int
    """The deepest nesting of ``{}``, ``()``, ``[]`` and ``<< >>``."""
    uses_service: bool
    """Whether the ``SERVICE`` keyword occurs (a federated query)."""
    has_dataset: bool
    """Whether the query names its own dataset (``FROM``, ``FROM NAMED``)."""
    prefixes: dict[str, str] = field(default_factory=dict)
    """The ``PREFIX`` declarations of the prologue."""
    normalized: str = ""
    """The text with each comment and each run of whitespace made one space (and none at
    either end): two queries that differ only there are the same query."""
    lookup: bool = False
    """Whether the query is a look-up, whose work is bounded by the statements of the
    subjects it names (see :func:`is_lookup`)."""
    relative_iris: bool = False
    """Whether an IRI of the text is relative (``<s>``, ``<../x>``, ``<>``): it needs a
    base to be resolved against."""

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS

    @property
    def answers_with_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, false for SELECT and ASK (and unknown forms)."""
        return self.form in GRAPH_FORMS


def _lex(text: str) -> tuple[list[tuple[str, str]], str]:
    found = []
    parts = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            value = match.group()
            found.append((kind, value))
            parts.append(value)
    if parts and parts[-1] == " ":
        parts.pop()
    return found, "".join(parts)


_last_prologue = ""


@lru_cache(maxsize=256)
def inspect(text: str) -> QueryText:
    """Read the form, nesting depth, ``SERVICE`` use and prefixes of a query or update.

    Answers for the same text are reused (the endpoint sees the same queries again and
    again): do not change the returned object.
    """
    global _last_prologue
    # Clients send the same prologue again and again: past the last one seen (a run of whole
    # declarations, so the same ones in any text that starts with it), only the rest of
    # the text is searched for more.
    seen = _last_prologue
    if seen and text.startswith(seen):
        start = _DECLARATIONS.match(text, len(seen)).end()
    else:
        start = _DECLARATIONS.match(text).end()
    if start:
        _last_prologue = text[:start]
    declared, normalized, uses_service, relative = _declarations(text[:start])
    prefixes = dict(declared)
    toks, rest = _lex(text[start:])
    if rest:
        normalized = f"{normalized} {rest}" if normalized else rest
    more, position = _prologue(toks)
    prefixes.update(more)
    form = None
    if position < len(toks) and toks[position][0] == "word":
        word = toks[position][1].upper()
        # startswith, not ==: the parser also reads "SELECT*" or "SELECTDISTINCT".
        form = next((k for k in _FORM_KEYWORDS if word.startswith(k)), None)
    depth = deepest = 0
    has_dataset = False
    for kind, value in toks:
        if kind == "iri":
            relative = relative or not _ABSOLUTE.match(value, 1)
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind in ("word", "pname"):
            # a bare word, or the prefix of a prefixed name (see the module docstring)
            uses_service = uses_service or "SERVICE" in value.split(":", 1)[0].upper()
            has_dataset = has_dataset or kind == "word" and value.upper().startswith("FROM")
    return QueryText(form=form, depth=deepest, uses_service=uses_service,
                     has_dataset=has_dataset, prefixes=prefixes, normalized=normalized,
                     lookup=not uses_service and is_lookup(toks[position:]),
                     relative_iris=relative)


@lru_cache(maxsize=64)
def _declarations(prologue: str) -> tuple[dict[str, str], str, bool, bool]:
    """The prefixes of a prologue of plain declarations, the prologue normalized, whether
    a prefix name holds ``SERVICE`` and whether an IRI is relative. Clients send the same
    prologue with every query: each is read once. Do not change the returned dict."""
    found = _DECLARATION.findall(prologue)
    prefixes = {name: iri[1:-1] for keyword, name, iri in found if keyword}
    normalized = " ".join(f"PREFIX {name}: {iri}" if keyword else f"BASE {iri}"
                          for keyword, name, iri in found)
    return (prefixes, normalized, any("SERVICE" in name.upper() for name in prefixes),
            any(not _ABSOLUTE.match(iri, 1) for _, _, iri in found))


def _prologue(toks: list[tuple[str, str]]) -> tuple[dict[str, str], int]:
    """Read ``BASE <iri>`` and ``PREFIX p: <iri>`` declarations; return them and where they end."""
    prefixes: dict[str, str] = {}
    i = 0
    while i + 1 < len(toks):
        kind, value = toks[i]
        if kind == "word" and value.upper() == "BASE" and toks[i + 1][0] == "iri":
            i += 2
            continue
        # "PREFIX ex: <iri>", or "PREFIXex: <iri>" which the parser reads the same.
        if kind == "word" and value.upper() == "PREFIX" and toks[i + 1][0] == "pname":
            name, i = toks[i + 1][1], i + 1
        elif kind == "pname" and value.upper().startswith("PREFIX"):
            name = value[len("PREFIX"):]
        else:
            break
        if not name.endswith(":") or i + 1 >= len(toks) or toks[i + 1][0] != "iri":
            break
        prefixes[name[:-1]] = toks[i + 1][1][1:-1]
        i += 2
    return prefixes, i


#: Most IRIs one look-up ``DESCRIBE`` may name.
MAX_DESCRIBED = 8


def is_lookup(toks: list[tuple[str, str]]) -> bool:
    """Whether the tokens after the prologue are one of these shapes, ``S`` an IRI or a
    prefixed name (a bound subject), ``P`` also a variable or ``a``, ``O`` also a variable or
    a literal:

    - ``SELECT [DISTINCT|REDUCED] (* | ?v ...) [FROM ...] [WHERE] { S P O [.] }``, then any
      of ``ORDER BY ?v ...``, ``LIMIT n``, ``OFFSET n``;
    - ``ASK [FROM ...] [WHERE] { S P O [.] }``, or ``{}``;
    - ``CONSTRUCT { template } [FROM ...] WHERE { S P O [.] }`` (one template triple, any
      terms), or ``CONSTRUCT [FROM ...] WHERE { S P O [.] }``, with the same modifiers;
    - ``DESCRIBE`` of up to :data:`MAX_DESCRIBED` IRIs or prefixed names.

    Their work is bounded by the statements of the subjects they name (and their blank
    nodes, for ``DESCRIBE``): no join, no path, no function, no scan of a predicate or an
    object. Anything else, or anything this reading does not recognize, is not a look-up.
    """
    if not toks or toks[0][0] != "word":
        return False
    form = toks[0][1].upper()
    if form == "DESCRIBE":
        rest = toks[1:]
        return 0 < len(rest) <= MAX_DESCRIBED and all(_bound(t) for t in rest)
    i = 1
    if form == "SELECT":
        if _word(toks, i) in ("DISTINCT", "REDUCED"):
            i += 1
        if i < len(toks) and toks[i] == ("other", "*"):
            i += 1
        else:
            start = i
            while i < len(toks) and toks[i][0] == "var":
                i += 1
            if i == start:
                return False
    elif form == "CONSTRUCT":
        if _word(toks, i) != "WHERE":  # a template: one triple, any terms
            if i + 4 >= len(toks) or toks[i] != ("open", "{"):
                return False
            if not all(_term(t) for t in toks[i + 1:i + 4]):
                return False
            i += 4
            if toks[i] == ("other", "."):
                i += 1
            if i >= len(toks) or toks[i] != ("close", "}"):
                return False
            i += 1
    elif form != "ASK":
        return False
    while _word(toks, i) == "FROM":
        i += 2 if _word(toks, i + 1) == "NAMED" else 1
        if i >= len(toks) or not _bound(toks[i]):
            return False
        i += 1
    if _word(toks, i) == "WHERE":
        i += 1
    elif form == "CONSTRUCT" and toks[1] != ("open", "{"):
        return False  # CONSTRUCT WHERE without WHERE
    i = _pattern(toks, i, allow_empty=form == "ASK")
    if i < 0:
        return False
    if form == "ASK":
        return i == len(toks)
    return _modifiers(toks, i)


def _word(toks: list[tuple[str, str]], i: int) -> str | None:
    return toks[i][1].upper() if i < len(toks) and toks[i][0] == "word" else None


def _bound(token: tuple[str, str]) -> bool:
    """An IRI or a prefixed name (``_:b`` is a blank node: a variable in a pattern)."""
    kind, value = token
    return kind == "iri" or kind == "pname" and not value.startswith("_:")


def _term(token: tuple[str, str]) -> bool:
    kind, value = token
    return _bound(token) or kind in ("var", "string", "number") or \
        kind == "word" and value in ("a", "true", "false")


def _pattern(toks: list[tuple[str, str]], i: int, allow_empty: bool) -> int:
    """Read ``{ S P O [.] }`` (or ``{}`` if allowed) at ``i``; return where it ends, or -1."""
    if i >= len(toks) or toks[i] != ("open", "{"):
        return -1
    i += 1
    if allow_empty and i < len(toks) and toks[i] == ("close", "}"):
        return i + 1
    if i + 3 > len(toks) or not _bound(toks[i]):
        return -1
    predicate = toks[i + 1]
    if not (_bound(predicate) or predicate[0] == "var" or predicate == ("word", "a")):
        return -1
    i += 2
    kind, value = toks[i]
    if _bound(toks[i]) or kind in ("var", "number") or kind == "word" and value in ("true",
                                                                                   "false"):
        i += 1
    elif kind == "string":
        i += 1
        if i < len(toks) and toks[i][0] == "lang":
            i += 1
        elif toks[i:i + 2] == [("other", "^"), ("other", "^")] and i + 2 < len(toks) \
                and _bound(toks[i + 2]):
            i += 3
    else:
        return -1
    if i < len(toks) and toks[i] == ("other", "."):
        i += 1
    if i >= len(toks) or toks[i] != ("close", "}"):
        return -1
    return i + 1


def _modifiers(toks: list[tuple[str, str]], i: int) -> bool:
    """``ORDER BY ?v ...`` (or ``ASC(?v)``, ``DESC(?v)``), ``LIMIT n``, ``OFFSET n``, up to
    the end of the text."""
    while i < len(toks):
        word = _word(toks, i)
        if word in ("LIMIT", "OFFSET") and i + 1 < len(toks) and toks[i + 1][0] == "number":
            i += 2
        elif word == "ORDER" and _word(toks, i + 1) == "BY":
            i += 2
            start = i
            while True:
                if i < len(toks) and toks[i][0] == "var":
                    i += 1
                elif _word(toks, i) in ("ASC", "DESC") and [k for k, _ in toks[i + 1:i + 4]] \
                        == ["open", "var", "close"]:
                    i += 4
                else:
                    break
            if i == start:
                return False
        else:
            return False
    return True
