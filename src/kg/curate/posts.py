"""The rules that propose posts (:mod:`kg.curate.candidates`): a person and the post the
page gives him, as a ``PositionHolding`` he ``holds`` with its ``post`` and, when one
registry body is named in the post, ``inOrganization``.

- next to the name: "X (secretary of ...)", "X, chief of ...", "Minister of Foreign
  Affairs X", "Vice Premier X";
- in the editors' square brackets, their claim: "[DPRK Minister of Construction] X",
  "X [the Second Deputy Chief of the General Staff]";
- in the blocks of a letter or record: a signature with its post ("I. STALIN" above
  "Chairman of the USSR Council of Ministers"), an address ("to Mr. X" above his post);
- appointments: "we have appointed Cde. X as Y", "the appointment of X as Y", "X was
  appointed Y".

A name the registry does not know as it stands ("Cde. Ivanov") is the registry person of
that surname who is one of the page's correspondents, or else who holds a post of the same
kind at the page's date ("Ambassador ... Ivanov" in 1956: the ambassador of 1955-1957);
when the registry has persons of that surname and none fits so, no post is proposed (the
name may be any of them). Nothing is proposed either for a post that is someone else's
("Deputies to the Minister X and Y": X is the minister, not his deputies).

Every table of words sits at the top: extend the table, not the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.curate.candidates import EDITORS, Candidate, NewNode, Page, Sentence
from kg.curate.patterns import _fact, _persons
from kg.ingest.names import POST_WORDS, RANK
from kg.mapping.linking import Mention
from kg.mapping.registry import normalize_name

#: Words that make a phrase a post ("secretary of the party committee of Manchuria"),
#: besides kg.ingest.names.POST_WORDS.
EXTRA_POST_WORDS = frozenset({"director", "deputy", "commander-in-chief", "governor",
                              "vice-chairman", "vice-premier", "adviser", "advisor"})
#: Post words that alone make no post: "DPRK leader", "the Communist leader".
NOT_POSTS = frozenset({"leader"})
#: Words that say someone is given a post.
APPOINTMENT_WORDS = ("appointed", "appoint", "appointment of", "nominated", "nomination of",
                     "designated", "confirmed", "approved")
#: Post words that are also common words: a post only with the words that must follow them
#: ("Chargé d'Affaires"; "Charge Tsarapkin with informing ..." is an instruction).
POST_WORDS_WITH = {"charge": r"d[’']\s*affaires", "chargé": r"d[’']\s*affaires"}
#: Forms of address that open a post phrase and are no part of the post ("Comrade German
#: Ambassador X": the post is "German Ambassador").
HONORIFICS = ("Comrade", "Comrades", "Cde.", "Cdes.", "Com.", "Mr.", "Mrs.", "Mister")
#: Prepositions that, after a post word, make the next post someone else's: "Deputies to
#: the Minister of Foreign Affairs X", "adviser of the Ambassador X".
POST_OF_POST = ("to", "of", "for", "at", "under", "with")
#: What joins the person to the post an appointment gives him.
APPOINTMENT_AS = ("as", "to be", "to become", "to the post of", "to the position of",
                  "to serve as", "to the office of")

_WORDS = sorted({*POST_WORDS, *EXTRA_POST_WORDS}, key=len, reverse=True)
#: Words that open a sentence, no part of a post after them ("Then Marshal Stalin asked").
_OPENERS = r"(?:Then|When|After|Before|Today|Yesterday|Also|And|But|This|That|In|On|At|As|" \
    r"If|So|Later|Now|There|Here|Thereupon|Meanwhile|Finally|Next|Afterwards|Subsequently)"
_POST_HEAD = r"(?:(?!" + _OPENERS + r"\b)[A-Z][\w.-]*\s+){0,3}" \
    r"(?:(?:First|Deputy|Vice|Chief|General)\s+){0,2}"
_POST_WORD = r"(?:" + "|".join(_WORDS) + r")"
#: Any case: "Minister", "minister", "MINISTER".
_ANY_CASE_WORD = r"(?i:" + "|".join(_WORDS) + r")\b"
#: In the editors' brackets the head may hold places and bodies: "PRC Embassy in India".
_BRACKET_HEAD = r"(?:[A-Z][\w.’'-]*\s+(?:(?:in|of|to|for|at)\s+(?:the\s+)?)?){0,4}" \
    r"(?:(?:First|Deputy|Vice|Chief|General)\s+){0,2}"
_OF = r"(?:\s+(?:of|for|to|in)\s+(?:the\s+)?(?:[A-Z(][\w()'’.-]*\s*){1,6}){0,3}"

_POST_AFTER = re.compile(  # "X, chief of ...", "X (secretary of ...)", "X—secretary of ..."
    r"(?:(?:\s*\[[^\]]{1,60}\])*\s*,\s*|\s*\(\s*|\s*[—–]\s*|\s+-\s+"
    r"|(?P<open>\s*\[\s*(?:the\s+)?))(?P<post>"
    + _POST_HEAD + _POST_WORD
    + r"(?:\s+(?:of|for|to|in|at)\s+[^,;()\[\].]{2,120}?)?)(?(open)\]|(?=\s*[,;).]|\s+and\s|$))",
    re.IGNORECASE)
_POST_BEFORE = re.compile(  # "Minister of Foreign Affairs X", "[DPRK Minister of ...] X",
    # "[CCP CC Member] X"
    r"(?:(?P<open>\[)(?P<bracketed>" + _BRACKET_HEAD + r"(?:" + _ANY_CASE_WORD
    + r"|(?i:member)\b)" + _OF + r")\]"
    r"|(?<![\w\]])(?P<post>" + _POST_HEAD + _ANY_CASE_WORD + _OF
    + r"))\s*(?:,\s*)?(?:[Cc]des?\.\s*|[Cc]omrade\s+|Com\[rade\]\s+)?$")
#: A further post set off by a comma after the first: "X, Minister of Health, the head of
#: the delegation, alternate member of the Political Bureau".
_CHAINED = re.compile(
    r",\s*(?P<post>(?:the\s+)?(?:(?:[A-Za-z][\w.-]*\s+){0,3}?" + _ANY_CASE_WORD
    + r"|(?:alternate\s+|candidate\s+|full\s+)?member\b(?=\s+of\b))"
    + r"(?:\s+(?:of|for|to|in|at)\s+[^,;()\[\].]{2,100}?)?)(?=\s*(?:[,;).\[]|$))")
_APPOINTED_BEFORE = re.compile(
    r"\b(?:" + "|".join(APPOINTMENT_WORDS) + r")\s+(?:Cdes?\.\s*|Comrades?\s+)?$")
_APPOINTED_AFTER = re.compile(
    r"(?:\s*\[[^\]]{1,40}\])?\s*,?\s*(?:(?:has|had|have)\s+been\s+|was\s+|is\s+|will\s+be\s+)?"
    r"(?P<passive>appointed\s+)?(?:" + "|".join(APPOINTMENT_AS) + r")?\s*(?:the\s+)?"
    r"(?P<post>[^,;.]{3,100}?)(?=\s*(?:[,;.]|$|\s+(?:and|in|on|by|from|with|since)\s))")
#: Where a post phrase goes on to the time it was held: "for the period from ...",
#: "from 20 to 30 January", "since 1950", "until ...", "in 1956".
_POST_TIME = re.compile(r"\s+(?:for the period\b|during the period\b|from\s+\d|since\b|until\b|"
                        r"till\b|in\s+\d{4}\b|\(?\d{4}\s*[-–])")
#: A block line that is only a name: "I. STALIN", "[signature] (V. Grigor’yan)", "to Mr. X".
_NAME_LINE = re.compile(r"^(?:[\[/]signature[\]/]\s*)?(?:to\s+(?:Mr\.|Cde\.|Comrade)\s+)?"
                        r"(?:" + RANK + r"\s+(?:Cde\.\s*|Comrade\s+)?)?\(?"
                        r"(?P<name>[^()\[\]]{3,40}?)\)?\.?$", re.IGNORECASE)
#: A line that is only a military rank ("GENERAL-LIEUTENANT"), between a post and a name.
_RANK_LINE = re.compile(r"^" + RANK + r"\.?$", re.IGNORECASE)
#: A block line that is only a post; the next line may continue it ("... of" / "for ...").
_POST_LINE = re.compile(r"^(?:(?i:to)\s+)?(?:the\s+)?(?P<post>(?:[A-Z][\w.]*(?:\s+|-)){0,4}"
                        r"(?:" + _ANY_CASE_WORD + r"|(?i:member)(?=\s+(?i:of)\s))"
                        + r"(?:\s+(?i:of|for|to|in|at)\s+.{2,120})?)\.?$")
_CONTINUED = re.compile(r"^(?:of|for|in|to|at|the)\s+[^.]{2,100}\.?$")
_HONORIFIC = re.compile(r"^(?:(?:" + "|".join(re.escape(h) for h in sorted(
    HONORIFICS, key=len, reverse=True)) + r")(?!\w)\s*)+", re.IGNORECASE)
#: "Deputies to the ", "adviser of ": a post word (or its plural) and a preposition.
_POST_OF_POST = re.compile(r"\b(?P<word>[A-Za-z-]+)\s+(?:" + "|".join(POST_OF_POST)
                           + r")\s+(?:the\s+)?$")


def posts(page: Page) -> Iterator[Candidate]:
    """A person and the post the text gives him next to his name."""
    text = page.doc.source
    seen: set[tuple[str, str]] = set()
    for s in (*page.sentences, *_editorial(page)):
        for m in _persons(page, s.start, s.end):
            after = _POST_AFTER.match(text, m.end, s.end)
            before = _POST_BEFORE.search(text, max(s.start, m.start - 120), m.start)
            for found in (after, before):
                if not found:
                    continue
                bracket = bool(found["open"])
                group = "bracketed" if found is before and bracket else "post"
                post_span = _own_span(page, m, found.span(group))
                if post_span is None:
                    continue
                post = re.sub(r"^[Tt]he\s+", "", " ".join(
                    text[slice(*post_span)].split()).strip(" ,"))
                post = re.sub(r"\s*(?:[Cc]des?\.|[Cc]omrades?|Com\[rade\]|Com\.)$", "", post)
                post = _HONORIFIC.sub("", post)
                post = re.sub(r"^(?:my|his|her|our|their|your)\s+", "", post)  # "my deputy"
                key = (m.entity.id if m.entity else m.text, post.casefold())
                if not (is_post(post) or bracket and re.search(r"\b[Mm]ember$", post)) or \
                        key in seen or re.search(r"\bof(?: the)?$", post):
                    continue
                if found is before and re.fullmatch(r"\[[^\]]*\]", m.text) and not bracket:
                    continue  # "the Premier [Kim Il Sung]": the name is the editors'
                    # ("Ambassador [Pavel] Yudin": only the first name is theirs)
                if found is before and not bracket and _someone_elses(
                        text[max(s.start, found.start(group) - 40):found.start(group)]):
                    continue  # "Deputies to the Minister X": X's post is not theirs
                span = (min(m.start, found.start(group) if group == "post" else found.start()),
                        max(m.end, found.end()))
                made = list(_post(page, s, m, post, post_span, span,
                                  bracket or s.paragraph < 0))  # the title: the editors'
                if made:  # else (whose words the rules cannot tell) the summary's may do
                    seen.add(key)
                yield from made
                if found is after and not bracket:
                    yield from _chained(page, s, m, found, seen)


def _own_span(page: Page, m: Mention, span: tuple[int, int]) -> tuple[int, int] | None:
    """The part of a post phrase that is the post: after any other person it names ("at
    the instruction of Zhou Enlai Deputy Minister of Foreign Affairs Wu Xiuquan": the
    deputy minister is Wu Xiuquan), before the time it was held ("Ambassador in the DPRK
    for the period from 20 to 30 January": the post is the ambassador's)."""
    start, end = span
    others = [x for x in page.entities(start, end, "persons") if x.start != m.start]
    if others:
        start = max(x.end for x in others)
    cut = _POST_TIME.search(page.doc.source, start, end)
    if cut:
        end = cut.start()
    return (start, end) if page.doc.source[start:end].strip(" ,") else None


def _chained(page: Page, s: Sentence, m: Mention, first: re.Match[str],
             seen: set[tuple[str, str]]) -> Iterator[Candidate]:
    """The further posts of an apposition, each quoted with the post before it."""
    text, previous = page.doc.source, first
    while more := _CHAINED.match(text, previous.end("post"), s.end):
        post = re.sub(r"^[Tt]he\s+", "", " ".join(more["post"].split()))
        key = (m.entity.id if m.entity else m.text, post.casefold())
        if key in seen or page.entities(*more.span("post"), "persons") or not (
                is_post(post) or re.match(r"(?:\w+\s+)?member of\b", post)):
            return
        seen.add(key)
        yield from _post(page, s, m, post, more.span("post"),
                         (previous.start("post"), more.end("post")), s.paragraph < 0)
        previous = more


def _editorial(page: Page) -> list[Sentence]:
    """The page's title and the sentences of its summary: the editors' lines (paragraph
    -1), after the body's, so that a post the body states is the author's."""
    text, doc = page.doc.source, page.doc
    out = []
    body_end = doc.body[-1].end if doc.body else 0
    for line, after in ((doc.title, 0), (doc.summary, body_end)):
        at = text.find(line, after) if line else -1
        if line and at < 0:
            at = text.find(line)
        if not line or at < 0:
            continue
        pieces = [m for m in re.finditer(r"[^.!?]+(?:[.!?]+|$)", line)] \
            if line is doc.summary else None
        for m in pieces or [re.match(r".*", line, re.DOTALL)]:
            if m and m.group().strip():
                out.append(Sentence(m.group(), at + m.start(), at + m.end(), -1))
    return out


def appointments(page: Page) -> Iterator[Candidate]:
    """"We have appointed Cde. X as Y", "approves of the appointment of X as Y", "X was
    appointed Y": X holds the post Y, in the words of whoever says so."""
    text = page.doc.source
    for s in page.sentences:
        for m in _persons(page, s.start, s.end):
            before = _APPOINTED_BEFORE.search(text, max(s.start, m.start - 40), m.start)
            after = _APPOINTED_AFTER.match(text, m.end, s.end)
            if not after or not (before and not after["passive"] or
                                 after["passive"] and not before):
                continue
            if before and not re.match(r"(?:\s*\[[^\]]{1,40}\])?\s*,?\s*(?:as|to)\b",
                                       text[m.end:after.end()]):
                continue  # "appointed X yesterday": no post given
            post = " ".join(after["post"].replace("[", "").replace("]", "").split())
            if not is_post(post):
                continue
            start = before.start() if before else m.start
            yield from _post(page, s, m, post, after.span("post"), (start, after.end()),
                             False)


def block_posts(page: Page) -> Iterator[Candidate]:
    """A signature or an address set out in lines: the name on one line, the post on the
    line before or after it ("I. STALIN" / "Chairman of the USSR Council of Ministers",
    "Chairman of ... Commission" / "[signature] (V. Grigor’yan)", "to Mr. Kim Il Sung" /
    "Chairman of the Cabinet of Ministers of" / "the Democratic People’s Republic of
    Korea"). The author's own lines: his claim."""
    body = _lines(page.doc.body)
    for k, p in enumerate(body):
        line = " ".join(p.text.split())
        named = _NAME_LINE.match(line)
        people = _persons(page, p.start, p.end) if named and len(line) <= 60 else []
        if len(people) != 1 or not _only_name(line, people[0].text):
            continue
        for j in (k + 1, k - 1):
            if 0 <= j < len(body) and _RANK_LINE.match(" ".join(body[j].text.split())):
                j += j - k  # "CHIEF OF ..." / "GENERAL-LIEUTENANT" / "/signature/ KALASHNIKOV"
            if not 0 <= j < len(body):
                continue
            post, end_para = _post_lines(body, j, k)
            if post is None:
                continue
            first, last = min(j, k), max(end_para, k)
            s = Sentence(page.doc.source[body[first].start:body[last].end],
                         body[first].start, body[last].end, body[k].paragraph)
            yield from _post(page, s, people[0], post, (body[j].start, body[end_para].end),
                             (s.start, s.end), False, claimant=(True, None))
            break


def _lines(body: tuple) -> list[Sentence]:
    """The body's lines, as spans like its sentences: a signature's "Pál Szarvas" /
    "Ambassador" may share one paragraph."""
    out = []
    for p in body:
        for m in re.finditer(r"[^\n]+", p.text):
            if m.group().strip():
                out.append(Sentence(m.group(), p.start + m.start(), p.start + m.end(), p.ordinal))
    return out


def _only_name(line: str, name: str) -> bool:
    rest = line.replace(name, " ", 1)
    return not re.sub(r"[\[/]signature[\]/]|\bto\s+(?:Mr\.|Cde\.|Comrade)|^\s*" + RANK
                      + r"\s+(?:Cde\.|Comrade)?|[()\[\].,\s]", "", rest, flags=re.IGNORECASE)


def _post_lines(body: list[Sentence], j: int, k: int) -> tuple[str | None, int]:
    """The post on line ``j`` (continued on the next line when it goes on there), if that
    line is only a post."""
    line = " ".join(body[j].text.split())
    m = _POST_LINE.match(line)
    if not m or not (is_post(m["post"]) or re.match(r"(?i:member)\s+(?i:of)\s", m["post"])) \
            or len(line) > 140:
        return None, j
    post, end = m["post"], j
    if j > k and j + 1 < len(body):
        more = " ".join(body[j + 1].text.split())
        if (post.endswith(" of") or _CONTINUED.match(more)) and _CONTINUED.match(more):
            post, end = f"{post} {more.rstrip('.')}", j + 1
    if post.endswith(" of"):
        return None, j
    return post, end


def _someone_elses(before: str) -> bool:
    """Whether the words before a post phrase make it the post of someone the phrase
    depends on ("Deputies to the ", "adviser of the ")."""
    m = _POST_OF_POST.search(before)
    return bool(m) and _is_post_word(m["word"])


def _is_post_word(word: str) -> bool:
    w = word.casefold()
    singular = {w, w[:-1] if w.endswith("s") else w, w[:-3] + "y" if w.endswith("ies") else w}
    return bool(singular & (POST_WORDS | EXTRA_POST_WORDS))


def _surname(name: str) -> str:
    """The surname of a name as written: its last word, or its first before initials
    ("Ivanov V.I.")."""
    words = [w for w in re.sub(r"[\[\]()]", " ", name).split()
             if w.casefold() not in {h.casefold() for h in HONORIFICS}]
    while len(words) > 1 and re.fullmatch(r"(?:[A-Z]\.)+", words[-1]):
        words.pop()
    return normalize_name(words[-1]) if words else ""


def _holder(page: Page, m: Mention, post: str) -> tuple[bool, str | None]:
    """Whom an unresolved name holding ``post`` is: ``(True, id)`` a registry person
    (one of the page's correspondents of that surname, else the one of that surname holding
    a post of the same kind at the page's date), ``(True, None)`` no registry person bears
    the surname (the curator gets a new Person node), ``(False, None)`` the registry has
    persons of that surname and none fits: no candidate."""
    bearers = page.surname_bearers(_surname(m.provisional or m.text))
    if not bearers:
        return True, None
    correspondents = [e for e in bearers if e.id in page.correspondents]
    if len(correspondents) == 1:
        return True, correspondents[0].id
    words = {w.casefold().strip(",.") for w in post.split()} & (POST_WORDS | EXTRA_POST_WORDS)
    year = int(page.year) if page.year else None
    fitting = [e for e in bearers if year and any(
        words & {w.casefold().strip(",.") for w in p.post.split()}
        and int((p.start or "0")[:4]) <= year <= int((p.end or "9999")[:4]) for p in e.posts)]
    return (True, fitting[0].id) if len(fitting) == 1 else (False, None)


def is_post(post: str) -> bool:
    """A phrase that names a post: a post word among its first words, no verb."""
    words = post.split()
    return 1 <= len(words) <= 16 and any(
        w.casefold().strip(",.[]") in (POST_WORDS | EXTRA_POST_WORDS) - NOT_POSTS and
        re.match(POST_WORDS_WITH.get(w.casefold().strip(",.[]"), ""), " ".join(words[k + 1:]),
                 re.IGNORECASE)
        for k, w in enumerate(words[:6])) and \
        not re.search(r"\b(?:said|was|is|will|who|which|that|has|had|were|are)\b", post)


def _post(page: Page, s: Sentence, m: Mention, post: str, post_span: tuple[int, int],
          span: tuple[int, int], bracket: bool,
          claimant: tuple[bool, str | None] | None = None) -> Iterator[Candidate]:
    nodes: list[NewNode] = []
    if m.entity is None:
        known, ident = _holder(page, m, post)
        if not known:
            return
        person = ident or page.person_id(m, nodes)
    else:
        person = page.person_id(m, nodes)
    orgs = [o.entity.id for o in page.entities(*post_span, "organizations") if o.entity]
    ident = page.node_id(person, post)
    nodes.append(NewNode(ident, "PositionHolding", f"{m.text}, {post}"))
    claimant = (True, EDITORS) if bracket else claimant
    holds = _fact(page, "post", person, {"holds": ident}, s, *span, nodes=nodes,
                  claimant=claimant)
    what = _fact(page, "post", ident, {"post": post, "inOrganization": orgs[0]
                                       if len(set(orgs)) == 1 else None}, s, *span,
                 claimant=claimant)
    if holds and what:
        yield holds
        yield what


POST_RULES: tuple[Callable[[Page], Iterator[Candidate]], ...] = (
    posts, appointments, block_posts)
