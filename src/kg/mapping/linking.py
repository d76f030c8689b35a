"""Entity linking: find the registry's persons, organizations, places and operations in a
document's title, summary and body, by every name the registry knows (labels, spellings,
codenames), as written or in capitals.

Each mention becomes an annotation with character offsets. A name that fits several
entities is resolved only when the document itself says who is meant (an editor's
identification such as "Kuznetsov [Stalin]"); otherwise it stays ambiguous and is
reported. A person introduced by a title or honorific ("Comrade Zhang Wentian") whom the
registry does not know is minted as a provisional person for review, never dropped and
never merged into someone else.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kg.ingest.document import Document, find_all_quotes
from kg.ingest.names import FAMILY_NAME_FIRST, FAMILY_NAME_FIRST_FILES, POST_WORDS
from kg.mapping.namescan import NameScanner
from kg.mapping.registry import Entity, Registry, normalize_name

#: Words that introduce a person's name: "Comrade X", "Cde. X", "General X" (on the same
#: line or the next, never across a blank line: "Ambassador" closing a signature does not
#: introduce the summary after it).
HONORIFICS = (
    r"Comrades?", r"comrades?", r"Com\[rade\]", r"Cdes?\.", r"cdes?\.", r"General", r"Marshal",
    r"Ambassador", r"Premier", r"Minister", r"Chairman", r"Mr\.", r"Mrs\.",
)
#: Capitalised words after an honorific that are not names.
NOT_PERSON_WORDS = frozenset({
    "The", "A", "An", "In", "On", "At", "To", "From", "Of", "And", "But", "Stalin!",
})
#: Words that make what follows an honorific a post or a body, not a person: "General
#: Staff", "General Assembly", "Minister Counselor", "Ambassador Extraordinary".
INSTITUTION_WORDS = frozenset({
    "Staff", "Staffs", "Assembly", "Secretary", "Secretariat", "Headquarters", "Command",
    "Council", "Committee", "Department", "Directorate", "Ministry", "Government", "Office",
    "Counselor", "Counsellor", "Consul", "Attache", "Attaché", "Affairs", "Plenipotentiary",
    "Extraordinary", "Administration", "Bureau", "Section", "Army", "Front", "Fleet",
    "Embassy", "Mission", "Delegation", "Commission", "Presidium", "Politburo", "Party",
})
#: After a short name ("Central Committee"), the body whose it is: "of the Communist Party of
#: Vietnam". Unless the registry knows that body ("Political Council of the Central Committee
#: of the Workers' Party of Korea"), the short name is left unresolved.
_OF_WHOM = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")
#: Words of an occasion or a paper, never of a name: "Chairman Ho Meeting with Chargé
#: d'Affaires Wang" (a heading) names no person "Ho Meeting", "Comrade Hao Deqing Reports on
#: ..." no person "Hao Deqing Reports".
OCCASION_WORDS = frozenset({
    "Meeting", "Meetings", "Conversation", "Conversations", "Talk", "Talks", "Visit",
    "Visits", "Letter", "Telegram", "Cable", "Report", "Reception", "Banquet", "Speech",
    "Statement", "Discussion", "Negotiations", "Conference", "Congress", "Plenum",
    "Reports", "Meets", "Informs", "Discusses", "Says", "Writes", "Asks", "Tells",
})
#: A word of a name: "Zhang", "Sung-Hwa", "PENG" (in capitals), or an initial inside it ("Mark
#: W. Clark").
#: Capitals and small letters of the Latin alphabets the archive's translations use ("Irén
#: Rózsa", "Władysław Gomułka", "József Füredi", "Phạm Hùng").
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŸŹŻŽƠƯẠ-Ỹ"
#: ... and Vietnamese with its marks ("Phạm Hùng": Latin Extended Additional, ơ, ư).
_LOWER = "a-zß-öø-ÿ\u0100-\u017f\u01a1\u01b0\u1e00-\u1eff"
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}'’-]+(?:(?<=-)[{_UPPER}][{_LOWER}'’-]+)*" \
    rf"|[{_UPPER}][{_UPPER}'’-]+(?![{_LOWER}]))"
_INITIAL = r"[A-Z]\."
#: "Cde. V. I. Ivanov", "Cde. Ivanov V.I.": a person's initials before or after the surname.
_INITIALS = r"[A-Z][a-z]?\.(?:[ \t]?[A-Z][a-z]?\.){0,2}"
_HONORIFIC_RE = re.compile(
    r"(?<![\w\]])(?:" + "|".join(HONORIFICS) + r")(?:[ \t]+|[ \t]*\n[ \t]*)((?:" + _INITIALS
    + r"[ \t]?)?" +
    _NAME_WORD + r"(?:[ \t](?:" + _INITIAL + r"[ \t])?" + _NAME_WORD + r"){0,2}" +
    r"(?:[ \t]" + _INITIALS + r"(?![\w]))?)"
)

#: A post that names its ministry: "USSR First Deputy Minister of Foreign Affairs", "PRC
#: Foreign Trade Vice Minister". The state and the ministry's field make a registry name
#: ("USSR Ministry of Foreign Affairs", "PRC Ministry of Foreign Trade").
STATE_WORDS = ("USSR", "Soviet", "PRC", "Chinese", "DPRK", "North Korean", "DRV",
               "North Vietnamese", "Vietnamese", "Mongolian", "MPR")
_RANKS = r"(?:(?:First|Vice|Deputy)\s+)*"
_FIELD_WORD = r"(?!(?:First|Vice|Deputy|Minister)\b)[A-Z][a-z]+"
_FIELD = _FIELD_WORD + r"(?:\s(?:and\s)?" + _FIELD_WORD + r"){0,3}"
_MINISTER_RE = re.compile(
    r"\b(?P<state>" + "|".join(STATE_WORDS) + r")\s+" + _RANKS
    + r"(?:Minister\s+of\s+(?:the\s+)?(?P<after>" + _FIELD + r")"
    r"|(?P<before>" + _FIELD + r")\s+" + _RANKS + r"Minister)\b")

#: The next word of a name, on the same line.
_NEXT_NAME_WORD_RE = re.compile(rf"[ \t]+{_NAME_WORD}(?![\w'’-])")
#: A name the editors complete in brackets, with an initial: "[U. Alexis] Johnson".
_COMPLETED_NAME_RE = re.compile(
    r"\[(?P<given>(?:[A-Z][a-z]*\.?\s){0,2}[A-Z]\.(?:\s?[A-Z][a-z]+)?)\]\s"
    r"(?P<surname>[A-Z][a-z][\w'’-]+)")

_LEADING_HONORIFIC_RE = re.compile(r"^(?:(?:" + "|".join(HONORIFICS) + r")\s+)+")


@dataclass(frozen=True)
class Mention:
    """A name found in the document: resolved to one entity, ambiguous, or unknown."""

    start: int
    end: int
    text: str
    candidates: tuple[Entity, ...]
    entity: Entity | None = None
    provisional: str | None = None  # a person's name the registry does not know

    @property
    def ambiguous(self) -> bool:
        return self.entity is None and len(self.candidates) > 1


class Linker:
    """Finds mentions of registry entities in documents (one linker per registry)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._last: tuple[Document, list] | None = None
        self._last_mentions: tuple[Document, list[Mention]] | None = None

    def __getstate__(self) -> dict[str, object]:
        """Pickled (:mod:`kg.mapping.shared`): the look-ups, not the last page read."""
        return {**self.__dict__, "_last": None, "_last_mentions": None}

    @cached_property
    def _family_names(self) -> frozenset[str]:
        """The family names of registry persons whose names put it first ("Zhou" of Zhou
        Enlai), folded as :func:`normalize_name` folds them."""
        return frozenset(normalize_name(n).split()[0] for e in self.registry.entities.values()
                         if e.section == "persons" and family_name_first(e)
                         for n in (e.label, *e.aliases) if normalize_name(n))

    @cached_property
    def names(self) -> dict[str, tuple[Entity, ...]]:
        """Every name as written in the registry -> the entities it may mean."""
        found: dict[str, set[str]] = {}
        for ent in self.registry.entities.values():
            for name in map(_straight, ent.names):
                if len(name) >= 2:
                    found.setdefault(name, set()).add(ent.id)
                    # Signatures, address lines and cipher clerks write names in capitals:
                    # "MAO ZEDONG", "KIM IL SUNG", "I. STALIN".
                    if sum(c.isalpha() for c in name) >= 3 and not name.isupper():
                        found.setdefault(name.upper(), set()).add(ent.id)
                    # Prose writes a body's name in lower case: "the government of the
                    # PRC", "the embassy of the USSR".
                    first = name.split()[0]
                    if ent.section == "organizations" and first in INSTITUTION_WORDS and \
                            " " in name:
                        found.setdefault(first.lower() + name[len(first):], set()).add(ent.id)
        # A name is as ambiguous as its normalised form: "Kuznetsov" and "KUZNETSOV".
        by_norm: dict[str, set[str]] = {}
        for name, ids in found.items():
            by_norm.setdefault(normalize_name(name), set()).update(ids)
        return {
            name: tuple(self.registry[i] for i in sorted(by_norm[normalize_name(name)]))
            for name in found
        }

    @cached_property
    def short_names(self) -> dict[str, tuple[Entity, ...]]:
        """Organizations' short names ("CC", "Politburo") -> every organization they may
        mean; a document's country chooses among them."""
        found: dict[str, set[str]] = {}
        for ent in self.registry.entities.values():
            for name in map(_straight, ent.short_names):
                for form in {name, name.upper()}:
                    found.setdefault(form, set()).add(ent.id)
        return {name: tuple(self.registry[i] for i in sorted(ids))
                for name, ids in found.items() if name not in self.names}

    @cached_property
    def scanner(self) -> NameScanner:
        """Every name and short name, found as whole words (:mod:`kg.mapping.namescan`)."""
        return NameScanner({*self.names, *self.short_names})

    def regions(self, doc: Document) -> list[tuple[int, int]]:
        """The spans of the source to read: title, summary and body paragraphs."""
        spans = [(p.start, p.end) for p in doc.body]
        # The title is the first place its text stands; the summary, written by the
        # archive's editors after the title, the last (a short summary may repeat a name
        # of the title).
        for text, which in ((doc.title, 0), (doc.summary, -1)):
            hits = find_all_quotes(doc.source, text) if text else []
            if hits:
                spans.append(hits[which])
        # Spans apart only by blank lines are read as one: a name broken over a line
        # ("Cde Kim Il" / "Sung") is found whole, not as a shorter name ("Kim Il").
        merged: list[tuple[int, int]] = []
        for start, end in sorted(set(spans)):
            if merged and (start <= merged[-1][1]
                           or not doc.source[merged[-1][1]:start].strip()):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def mentions(self, doc: Document) -> list[Mention]:
        """All mentions in title, summary and body, in document order (the last
        document's are kept: :meth:`people` and the mention annotations both ask)."""
        if self._last_mentions is not None and self._last_mentions[0] is doc:
            return self._last_mentions[1]
        found = self._find_mentions(doc)
        self._last_mentions = (doc, found)
        return found

    def _find_mentions(self, doc: Document) -> list[Mention]:
        overrides = self._identified_in(doc)
        country = self.country(doc)
        out: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for (start, end), matches in self._scan(doc):
            for s, e, text, plain in matches:
                candidates = self.names.get(plain, ())
                if candidates:
                    entity = candidates[0] if len(candidates) == 1 else None
                    if entity is None:
                        entity = overrides.get(normalize_name(text))
                else:  # a short name: the document's country says which body it is
                    scoped = self.registry.scoped(plain, country)
                    entity = scoped[0] if len(scoped) == 1 else None
                    candidates = self.short_names.get(plain, ())
                    whose = _OF_WHOM.match(doc.source, e)
                    if whose and not any(s2 == whose.end() - 1 for s2, *_ in matches):
                        entity = None  # "Central Committee of the Communist Party of
                        # Vietnam": the name says whose, in words the registry lacks
                out.append(Mention(s, e, text, candidates, entity))
                taken.append((s, e))
            out.extend(self._ministries_of_posts(doc, start, end))
            out.extend(self._unknown_persons(doc, start, end, taken))
        return sorted(out, key=lambda mention: (mention.start, mention.end))

    def _ministries_of_posts(self, doc: Document, start: int, end: int) -> list[Mention]:
        """The ministries named by posts ("USSR First Deputy Minister of Foreign Affairs" is
        the USSR Ministry of Foreign Affairs), when the registry knows them by that name."""
        out = []
        for m in _MINISTER_RE.finditer(doc.source, start, end):
            name = f"{m['state']} Ministry of {m['after'] or m['before']}"
            candidates = self.names.get(name, ())
            if len(candidates) == 1:
                out.append(Mention(m.start(), m.end(), m.group(0), candidates, candidates[0]))
        return out

    def people(self, doc: Document) -> dict[str, str]:
        """The persons the registry does not know, by the name each passage gives them ->
        the name the document knows them by: a surname alone ("Ivanov") is the one fuller
        name with that surname the same document gives ("V. I. Ivanov"), when no registry
        person it names bears it too; otherwise the name itself."""
        written = {c.identified_as or c.name for c in
                   (*doc.senders, *doc.recipients, *doc.intermediaries, *doc.participants)}
        linked: set[str] = set()
        for m in self.mentions(doc):
            if m.provisional:
                written.add(m.provisional)
            elif m.entity is not None and m.entity.section == "persons":
                linked.update(name_words(m.entity.label))
        written = {n for n in written if not self.registry.candidates(n)}
        fuller = [n for n in written if len(name_words(n)) > 1 or has_initials(n)]
        out = {}
        for name in written:
            words = name_words(name)
            same = [f for f in fuller if f != name and len(words) == 1
                    and words[0] in name_words(f)]
            full = same[0] if len(same) == 1 and words[0] not in linked else name
            out[name] = initials_first(full)
        return out

    def country(self, doc: Document) -> str | None:
        """The state whose bodies the document's short names ("CC", "Politburo") mean: the
        state whose organizations the document names in full most often (at least twice as
        often as any other's: a Soviet envoy's cable about the Chinese party means the CCP's
        CC); when it names none, its senders' (or keepers') state if they share one; else
        none (a short name then stays unresolved, never defaulted: a page naming two
        states' bodies alike gets neither)."""
        named: Counter[str] = Counter()
        for _region, matches in self._scan(doc):
            for _s, _e, _text, plain in matches:
                countries = {ent.country for ent in self.names.get(plain, ())
                             if ent.section == "organizations" and ent.country}
                if len(countries) == 1:
                    named[countries.pop()] += 1
        if named:
            (top, most), *rest = named.most_common(2)
            return top if not rest or most >= 2 * rest[0][1] else None
        return self.senders_country(doc)

    def senders_country(self, doc: Document) -> str | None:
        """The state the document's senders (or keepers) share, or None: the state whose
        bodies its correspondents' short names mean ("Shtykov to Ministry of Foreign
        Affairs" is the Soviet ministry, whatever country the cable is about)."""
        senders = set()
        for c in (*doc.senders, *doc.keepers):
            ent = self.registry.resolve(c.identified_as or c.name) or \
                self.registry.resolve(c.name)
            if ent is not None and ent.country:
                senders.add(ent.country)
        return senders.pop() if len(senders) == 1 else None

    def _scan(self, doc: Document) -> list[tuple[tuple[int, int],
                                                 list[tuple[int, int, str, str]]]]:
        """Every registry name and short name found, by region: (start, end, text as
        written, text without brackets); the last document's scan is kept."""
        if self._last is not None and self._last[0] is doc:
            return self._last[1]
        found = []
        for start, end in self.regions(doc):
            matches = []
            for s, e in self.scanner.spans(doc.source, start, end):
                text = doc.source[s:e]
                if _syllable(doc.source, s, e):
                    continue
                plain = _straight(" ".join(text.replace("[", "").replace("]", "").split()))
                matches.append((s, e, text, plain))
            found.append(((start, end), matches))
        self._last = (doc, found)
        return found

    def _identified_in(self, doc: Document) -> dict[str, Entity]:
        """Ambiguous names this document itself resolves: "Kuznetsov [Stalin]"."""
        resolved: dict[str, Entity] = {}
        people = [*doc.senders, *doc.recipients, *doc.intermediaries]
        pairs = [(c.name, c.identified_as) for c in people if c.identified_as]
        pairs += [(b.before, b.inside) for b in doc.brackets
                  if b.kind == "identification" and b.before]
        for name, identified in pairs:
            target = self.registry.resolve(identified) if identified else None
            if target is not None and name:
                resolved[normalize_name(name)] = target
        return resolved

    def _unknown_persons(self, doc: Document, start: int, end: int,
                         taken: list[tuple[int, int]]) -> list[Mention]:
        found = []
        for m in _HONORIFIC_RE.finditer(doc.source, start, end):
            s, e = m.span(1)
            # "Ambassador Comrade Ivanov": the second honorific is no part of the name.
            if lead := _LEADING_HONORIFIC_RE.match(m.group(1)):
                s += lead.end()
            if s >= e or any(a < e and s < b for a, b in taken):
                continue
            if re.match(r"\]\s*[A-Z]", doc.source[e:e + 3]):
                continue  # "[Foreign Minister Vyacheslav M.] Molotov": the name goes on
            while doc.source[s:e].rstrip()[-1:] in ("'", "’"):
                e = s + len(doc.source[s:e].rstrip()) - 1  # "with Premier Kim'": a title's quote
            name = doc.source[s:e].strip()
            words = name.split()
            # "Comrade German Ambassador Richard Fischer": the name follows the post.
            posts = [k for k, w in enumerate(words) if w.casefold() in POST_WORDS]
            if posts:
                s += len(" ".join(words[:posts[-1] + 1])) + 1
                while (more := _NEXT_NAME_WORD_RE.match(doc.source, e, end)) \
                        and len(doc.source[s:more.end()].split()) <= 3:
                    e = more.end()
                name = doc.source[s:e].strip()
                words = name.split()
                if not words or any(a < e and s < b for a, b in taken):
                    continue
            if len(words) == 1 and normalize_name(name) in self._family_names:
                continue  # "Chairman Ho": the family name of registry persons, not a new one
            if words[0] in NOT_PERSON_WORDS or (INSTITUTION_WORDS | OCCASION_WORDS).intersection(
                    w.capitalize() for w in words) or self.registry.candidates(name) \
                    or self.registry.is_not_person(name):
                continue
            if name.isupper():  # "Cde. PENG DEHUAI": the person is Peng Dehuai
                name = " ".join(w.capitalize() for w in words)
                if self.registry.candidates(name):
                    continue
            found.append(Mention(s, e, name, (), None, provisional=name))
            taken.append((s, e))
        # An editor's completion with initials: "[U. Alexis] Johnson" is U. Alexis Johnson.
        for m in _COMPLETED_NAME_RE.finditer(doc.source, start, end):
            s, e = m.span()
            name = f"{' '.join(m['given'].split())} {m['surname']}"
            if any(a < e and s < b for a, b in taken) or self.registry.candidates(name) \
                    or self.registry.candidates(m["surname"]) or self.registry.is_not_person(name):
                continue
            found.append(Mention(s, e, m.group(0), (), None, provisional=name))
            taken.append((s, e))
        return found


def family_name_first(e: Entity) -> bool:
    """Whether a registry person's names put the family name first ("Zhou Enlai", "Kim Il
    Sung"): by the entry's country, or by the registry file it is kept in."""
    return e.country in FAMILY_NAME_FIRST or Path(e.file).stem in FAMILY_NAME_FIRST_FILES


def _syllable(source: str, start: int, end: int) -> bool:
    """A short one-word name that is a syllable of a hyphenated name: "Xian" in "He
    Bao-Xian", "Il" in "Kim Il-sung" (a longer name keeps its match: "Sino-Soviet")."""
    text = source[start:end]
    return len(text) <= 5 and " " not in text and (
        bool(re.match(r"[a-z]-", source[max(0, start - 2):start]))
        or bool(re.match(r"-[a-z]", source[end:end + 2])))


def _straight(name: str) -> str:
    """A name with typographic apostrophes made straight: the pages write "People’s" and
    "People's" alike, and the registry gives one of them."""
    return name.replace("’", "'")


def name_words(name: str) -> list[str]:
    """The words of a name that are not initials: "V. I. Ivanov" -> ["Ivanov"]."""
    return [w for w in re.findall(r"[^\W\d_][\w'’-]*", name.replace(".", ". "))
            if len(w) > 1]


def has_initials(name: str) -> bool:
    """Whether a name gives initials ("V. I. Ivanov", "Ivanov V.I.")."""
    return bool(re.search(r"(?<![\w])[A-Z]\.", name))


_TRAILING_INITIALS_RE = re.compile(
    r"^(?P<surname>[^\W\d_][\w'’-]+)\s+(?P<initials>(?:[A-Z][a-z]?\.\s?){1,3})$")


def initials_first(name: str) -> str:
    """"Ivanov V.I." (a Russian record's order) -> "V. I. Ivanov"; other names as given."""
    match = _TRAILING_INITIALS_RE.match(name)
    if not match:
        return name
    initials = re.findall(r"[A-Z][a-z]?\.", match["initials"])
    return " ".join([*initials, match["surname"]])
