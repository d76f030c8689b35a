"""What the endpoint must know about a SPARQL request before running it, read from its text.

A small lexer splits the text into SPARQL tokens so that strings, IRIs, comments,
variables and language tags are never mistaken for keywords: a literal ``"SERVICE"``, a
variable ``?service`` or an IRI ``<http://ex/SERVICE>`` do not count as the ``SERVICE``
keyword. From the tokens it reads the query form (the first keyword after the prologue:
``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or an update operation), the deepest
bracket nesting, the use of ``SERVICE`` and the prologue's prefixes.

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
#: (the token loop is slow in Python); anything else is left to the tokens.
_DECLARATION = re.compile(
    r"(?:\s|\#[^\n\r]*)*(?:(?P<prefix>[Pp][Rr][Ee][Ff][Ii][Xx])\s+(?P<name>" + _PREFIX_NAME
    + r"):\s*|[Bb][Aa][Ss][Ee]\s*)(?P<iri>" + _IRI + ")"
)
_DECLARATIONS = re.compile(f"(?:{_DECLARATION.pattern})*")


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

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS

    @property
    def answers_with_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, false for SELECT and ASK (and unknown forms)."""
        return self.form in GRAPH_FORMS


def tokens(text: str) -> list[tuple[str, str]]:
    """The significant (kind, text) tokens of ``text``: no spaces, no comments."""
    return _lex(text)[0]


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


@lru_cache(maxsize=256)
def inspect(text: str) -> QueryText:
    """Read the form, nesting depth, ``SERVICE`` use and prefixes of a query or update.

    Answers for the same text are reused (the endpoint sees the same queries again and
    again): do not change the returned object.
    """
    start = _DECLARATIONS.match(text).end()
    found = _DECLARATION.findall(text, 0, start)
    prefixes = {name: iri[1:-1] for keyword, name, iri in found if keyword}
    declarations = [f"PREFIX {name}: {iri}" if keyword else f"BASE {iri}"
                    for keyword, name, iri in found]
    uses_service = any("SERVICE" in name.upper() for name in prefixes)
    toks, rest = _lex(text[start:])
    normalized = " ".join([*declarations, rest] if rest else declarations)
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
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind in ("word", "pname"):
            # a bare word, or the prefix of a prefixed name (see the module docstring)
            uses_service = uses_service or "SERVICE" in value.split(":", 1)[0].upper()
            has_dataset = has_dataset or kind == "word" and value.upper().startswith("FROM")
    return QueryText(form=form, depth=deepest, uses_service=uses_service,
                     has_dataset=has_dataset, prefixes=prefixes, normalized=normalized)


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
