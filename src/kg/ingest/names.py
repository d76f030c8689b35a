"""Names as the archive's titles, signatures and editors write them.

Cleaning ("Cde. Kovalev" -> "Kovalev", "S H T Y K O V" -> "Shtykov", "KIM IL SUNG" ->
"Kim Il Sung"), bracket completions ("Liu [Shaoqi]", "[Li] Fuchun"), and the codename rule:
in "X [Y]" (or "X (Y)", or a chain "X [Y; Z]") the names that are known codenames
(:data:`KNOWN_CODENAMES`, matched despite one-letter misspellings) are the names used on the
communication; the other name identifies the real person. A bracket after a codename
identifies the person ("Filippov [Stalin]"); a bracket after a real name gives the codename
used ("Stalin [Kuznetsov]"). The tables below are data: extend them, not the code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- data tables -----------------------------------------------------------------------

#: Cover names the archive's documents use, as the person the editors identify them with.
#: The table only decides which name of a bracketed pair is the codename; a codename is
#: never resolved to a person unless the page itself identifies it.
KNOWN_CODENAMES: dict[str, str] = {
    "Filippov": "Stalin",
    "Feng Xi": "Stalin",
    "Fyn Si": "Stalin",
    "Kuznetsov": "Stalin",
    "Strakhov": "Li Lisan",
    "Andreev": "Mikoyan",
    "Terebin": "Orlov",
}

#: Forms of address dropped from the start of a name ("Cde. Kovalev", "Comrades Mao ...").
HONORIFICS = ("comrades", "comrade", "com.", "cdes.", "cdes", "cde.", "cde", "tov.", "tt.", "mr.",
              "mrs.", "messrs.")

#: Posts and ranks dropped from the start of a person's name ("Chairman Mao Zedong",
#: "[CPSU First Secretary Nikita S.] Khrushchev"), but only when a name follows them.
ROLE_WORDS = frozenset({
    "ambassador", "chairman", "chief", "commander", "consul", "deputy", "first", "foreign",
    "general", "head", "marshal", "minister", "premier", "president", "second", "secretary",
    "vice", "acting", "political", "commissar", "generalissimo", "leader", "counselor",
    "counsellor", "envoy", "representative", "attache", "attaché",
})
#: Role words that name a post on their own ("Soviet Ambassador in Beijing", "USSR First
#: Deputy Minister of Foreign Affairs", "the Chairman"): with no name left after them, the
#: party is a post, not a person.
POST_WORDS = frozenset({
    "ambassador", "chairman", "chief", "commander", "consul", "head", "marshal", "minister",
    "premier", "president", "secretary", "commissar", "generalissimo", "leader", "counselor",
    "counsellor", "envoy", "representative", "attache", "attaché", "charge", "chargé",
    "adviser", "advisor",
})

#: Cities that follow a party as its seat or whereabouts ("Ministry of Foreign Affairs,
#: Moscow", "Fedorenko in Pyongyang"): never a party themselves.
PLACE_NAMES = frozenset({
    "Moscow", "Beijing", "Peking", "Beiping", "Pyongyang", "Seoul", "Hanoi", "Shanghai",
    "Shenyang", "Mukden", "Harbin", "Dalian", "Dairen", "Port Arthur", "Lushun", "Nanjing",
    "Nanning", "Urumqi", "Urumchi", "Tokyo", "Washington", "New York", "Geneva", "Kaesong",
    "Panmunjom", "Berlin", "Warsaw", "Prague", "Budapest", "Ulan Bator", "Ulaanbaatar",
    "Vladivostok", "Khabarovsk", "Yan'an", "Yenan", "Xibaipo", "Taipei", "Saigon",
})

#: A military rank, in any case ("GENERAL-COLONEL", "Lt. Col.", "Marshal of the Soviet Union"):
#: before a name on an address line, or a line of its own in a signature block.
RANK = (r"(?i:(?:general|colonel|lieutenant|major|marshal|admiral|captain|rear|vice|lt\.|col\.)"
        r"(?:[- ](?:general|colonel|lieutenant|major|admiral|captain|col\.|of the army|"
        r"of the soviet union))*)")
#: Countries whose people's names put the family name first ("Zhou Enlai", "Kim Il Sung",
#: "Pham Van Dong"): a bare "Zhou" may be any registry person of that country whose name
#: starts so (the registry's ``country``).
FAMILY_NAME_FIRST = frozenset({"china", "north-korea", "south-korea", "korea", "north-vietnam",
                               "south-vietnam", "vietnam"})
#: The registry files (``mappings/registry/<name>.yaml``) of those countries' people, whose
#: entries may not name their country.
FAMILY_NAME_FIRST_FILES = frozenset({"china", "korea", "vietnam"})
#: Countries a post names before its holder's name ("Soviet Ambassador to North Korea
#: Vasily Moskovsky"): where the name begins.
COUNTRY_NAMES = frozenset({
    "Korea", "North Korea", "South Korea", "China", "Vietnam", "North Vietnam",
    "South Vietnam", "Soviet Union", "Mongolia", "Japan", "India", "Indonesia", "Burma",
    "Poland", "Czechoslovakia", "Hungary", "Romania", "Bulgaria", "Albania", "Yugoslavia",
    "Germany", "East Germany", "France", "Britain", "Great Britain", "United States",
    "America", "Laos", "Cambodia", "Pakistan", "Afghanistan", "Egypt", "Cuba",
})
_NAME_STARTS_AFTER = frozenset(n.casefold() for n in (*COUNTRY_NAMES, *PLACE_NAMES))

#: Upper-case words kept as they are when an ALL-CAPS name is title-cased, and which count
#: as organisation prefixes in a role ("CPSU First Secretary").
ACRONYMS = frozenset({
    "CC", "CCP", "CPC", "CPSU", "USSR", "PRC", "DPRK", "ROK", "KPA", "PLA", "CPV", "MFA",
    "MGB", "MVD", "GRU", "NKVD", "VKP(B)", "UN", "US", "USA", "UK", "GMD", "KMT", "RF",
})

#: Small words that stay lower case inside a title-cased or institutional name.
PARTICLES = frozenset({"of", "the", "and", "in", "for", "on", "de", "van", "von", "to", "at"})

#: Words that make a correspondent an organisation rather than a person.
INSTITUTION_WORDS = frozenset({
    "ministry", "council", "committee", "department", "division", "embassy", "government",
    "politburo", "bureau", "secretariat", "party", "presidium", "headquarters", "command",
    "staff", "administration", "commission", "office", "consulate", "mission", "directorate",
    "army", "front", "republic", "union", "cc", "vkp(b)", "cpsu", "ccp", "mfa",
})

#: Chinese and Korean family names: "Liu [Shaoqi]" completes a name, it identifies no one.
FAMILY_NAMES = frozenset({
    "Bo", "Chen", "Choe", "Deng", "Dong", "Gao", "Ho", "Huang", "Kang", "Kim", "Li", "Lin",
    "Liu", "Lu", "Luo", "Mao", "Nie", "Pak", "Peng", "Rao", "Ren", "Ri", "Wang", "Xu", "Ye",
    "Zhang", "Zhou", "Zhu",
})

# --- the correspondent ---------------------------------------------------------------------


@dataclass(frozen=True)
class Correspondent:
    """A sender, recipient, intermediary or participant.

    ``name`` is the name used on the communication, cleaned (a codename when the title gives
    one: "Filippov"); ``identified_as`` the real person when the page identifies them
    ("Stalin"); ``aliases`` the other spellings or codenames in the same bracket ("Fyn Si");
    ``kind`` is "person", "organization" or "post" (a post without a name: "Soviet
    Ambassador in Beijing"; no person is made of it).
    """

    name: str
    identified_as: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str = "person"


# --- cleaning -----------------------------------------------------------------------------

_LETTER_SPACED_RE = re.compile(r"^(?:[^\W\d_]\s){2,}[^\W\d_]$")
_INITIAL_RE = re.compile(r"^(?:[A-ZА-Я][a-zа-я]?\.)+$")
_BRACKETED_PREFIX_RE = re.compile(r"^\[(?P<inside>[^\]]+)\]\s*(?P<rest>\S.*)$")


def clean_name(text: str) -> str:
    """A name as written, without honorifics, posts, articles and page typography.

    "Cde. Kovalev" -> "Kovalev"; "S H T Y K O V" -> "Shtykov"; "ZHOU EN-LAI" -> "Zhou
    En-lai"; "[Li] Fuchun" -> "Li Fuchun"; "[CPSU First Secretary Nikita S.] Khrushchev" ->
    "Nikita S. Khrushchev"; "the USSR Council of Ministers" -> "USSR Council of Ministers".
    """
    name = " ".join(text.split()).strip(" ,;:")
    if match := _BRACKETED_PREFIX_RE.match(name):
        name = f"{strip_roles(match['inside'])} {match['rest']}".strip()
    if _LETTER_SPACED_RE.match(name):
        name = name.replace(" ", "")
    name = _strip_honorifics(name)
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    if not is_institution(name):
        name = strip_roles(without_place(name))
    elif (person := strip_roles(name)) != name:
        name = person  # "CC CCP Secretary Liu Shaoqi": a body's post, then a person
    if is_all_caps(name):
        name = title_case(name)
    return name


def _strip_honorifics(name: str) -> str:
    while True:
        word, _, rest = name.partition(" ")
        if word.casefold() not in HONORIFICS or not rest:
            return name
        name = rest.lstrip()


def strip_roles(name: str) -> str:
    """"CPSU First Secretary Nikita S." -> "Nikita S."; "DPRK leader Kim Il Sung" -> "Kim Il
    Sung"; "South Korean Communist Leader Pak Heon-yeong" -> "Pak Heon-yeong"; "GMD General"
    and "General Staff" stay (no name follows the post)."""
    words = name.split()
    n = 0
    while n < len(words) - 1 and (
        words[n].casefold().strip(",") in ROLE_WORDS or words[n].upper() in ACRONYMS
    ):
        n += 1
    if not n:  # a descriptor before the post: the name follows the last role word
        last = max((k for k, word in enumerate(words[:-1])
                    if word.casefold().strip(",") in ROLE_WORDS), default=-1)
        if last > 0 and all(word[:1].isupper() or word.upper() in ACRONYMS
                            for word in words[:last]):
            n = last + 1
    rest = words[n:]
    if (n and rest and rest[0][:1].isupper() and rest[0].casefold() not in ROLE_WORDS
            and not is_institution(" ".join(rest))):
        return " ".join(rest)
    return name


def is_post(name: str) -> bool:
    """True for a post without a name: "Soviet Ambassador in Beijing", "USSR First Deputy
    Minister of Foreign Affairs", "Chairman" (run on a cleaned name: a post followed by a
    name, "Ambassador Ivanov", has been cleaned to the name)."""
    return not is_institution(name) and any(
        word.casefold().strip(",.") in POST_WORDS for word in name.split())


def trailing_name(text: str) -> str | None:
    """The name closing a description: "Soviet Ambassador to the DPRK A.M. Puzanov" ->
    "A.M. Puzanov"; "Ambassador Pavel Yudin" -> "Pavel Yudin"; "Soviet Ambassador to North
    Korea Vasily Moskovsky" -> "Vasily Moskovsky"; None when no name closes it."""
    words = text.split()
    k = len(words)
    while k and words[k - 1][:1].isupper() and words[k - 1].casefold() not in ROLE_WORDS \
            and words[k - 1].upper() not in ACRONYMS:
        k -= 1
    for span in (3, 2, 1):  # "... to North Korea Vasily Moskovsky": the place is the post's
        if len(words) - k > span and " ".join(words[k:k + span]).casefold() \
                in _NAME_STARTS_AFTER:
            k += span
            break
    name = " ".join(words[k:])
    return name if name and not _INITIAL_RE.match(words[-1]) and not is_post(name) else None


def without_place(name: str) -> str:
    """A person's name without the place written after it: "Fedorenko in Pyongyang" ->
    "Fedorenko"; not a post's place before its holder's name ("Soviet Ambassador in China
    Apollon Petrov")."""
    match = re.match(r"^(?P<name>.+?)\s+(?:in|at)\s+(?P<place>[A-Z][\w'’ -]*)$", name)
    if not match or is_institution(name):
        return name
    place = match["place"].split()
    for n in (3, 2, 1):  # "Soviet Ambassador in China Apollon Petrov": a post with its place
        if len(place) > n and " ".join(place[:n]).casefold() in _NAME_STARTS_AFTER:
            return name
    return match["name"]


def is_all_caps(text: str) -> bool:
    """True for "KIM IL SUNG" and "TELEGRAM Nº 3214 FROM ROSHCHIN" (only cased letters
    count: "º" is no lower-case letter here)."""
    letters = [ch for ch in text if ch.isalpha() and ch.upper() != ch.lower()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def title_case(text: str) -> str:
    """"KIM IL SUNG" -> "Kim Il Sung", "PAK HEON-YEONG" -> "Pak Heon-yeong", "USSR COUNCIL OF
    MINISTERS" -> "USSR Council of Ministers"; initials ("I.V.") stay."""
    words = []
    for n, word in enumerate(text.split()):
        core = word.strip("[](),;:")
        if core.upper() in ACRONYMS or _INITIAL_RE.match(core):
            words.append(word)
        elif n and word.casefold() in PARTICLES:
            words.append(word.casefold())
        else:
            lead = len(word) - len(word.lstrip("[(\"“‘'"))
            words.append(word[:lead] + word[lead:lead + 1].upper() + word[lead + 1:].lower())
    return " ".join(words)


def is_institution(name: str) -> bool:
    """True for "USSR Council of Ministers", "Far Eastern Department of ...", "CC VKP(b)"."""
    return any(word.casefold() in INSTITUTION_WORDS for word in name.split())


def looks_like_name(text: str) -> bool:
    """Capitalised words, initials, particles and brackets only: a name or an institution,
    not a sentence."""
    words = text.replace("[", " ").replace("]", " ").replace(";", " ").split()
    if not words or len(words) > 14 or not words[0][:1].isupper():
        return False
    return all(
        word[:1].isupper() or word.casefold() in PARTICLES or word[:1] in "(\"“‘'" or word == "&"
        for word in words
    )


# --- codenames --------------------------------------------------------------------------


def name_key(name: str) -> str:
    """A spelling-insensitive key: no accents, case, spaces, hyphens or dots."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def known_codename(name: str) -> str | None:
    """The table's spelling of a known codename: "Filipov" and "Flilippov" -> "Filippov"."""
    key = name_key(name)
    if len(key) < 4:
        return None
    for codename in KNOWN_CODENAMES:
        other = name_key(codename)
        if key == other or (len(key) >= 6 and _edit_distance(key, other) <= 1):
            return codename
    return None


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _surname(name: str) -> str:
    words = [w for w in name.split() if not _INITIAL_RE.match(w)]
    return name_key(words[-1]) if words else name_key(name)


def similar_spelling(a: str, b: str) -> bool:
    """Two spellings of one name: "Pak Heon-yeong" / "Pak Hon Yong", "Zhou Enlai" / "Zhou
    En-lai", "Roshchin" / "Roschin", "Mun" / "Mun Il". Sharing a word is not enough: "Mun
    Il" and "Kim Il Sung", "Pak Hon-yong" and "Pak Jeong-jo" are different people."""
    words_a = {name_key(w) for w in re.split(r"[\s-]+", a) if len(name_key(w)) > 1}
    words_b = {name_key(w) for w in re.split(r"[\s-]+", b) if len(name_key(w)) > 1}
    if words_a and words_b and (words_a <= words_b or words_b <= words_a):
        return True
    ka, kb = name_key(a), name_key(b)
    return bool(ka and kb) and _edit_distance(ka, kb) <= max(1, min(len(ka), len(kb)) // 4)


def is_completion(before: str, inside: str) -> bool:
    """"Liu [Shaoqi]", "Kim [Il Sung]": a bracket completing a family name."""
    words = inside.split()
    return (
        before in FAMILY_NAMES
        and 1 <= len(words) <= 2
        and all(word[:1].isupper() for word in words)
        and known_codename(inside) is None
    )


def resolve_bracketed(outer: str, inside: str) -> Correspondent:
    """The correspondent written "outer [inside]" (or "outer (inside)").

    "Filippov [Stalin]" -> Filippov identified as Stalin; "Stalin [Kuznetsov]" -> Kuznetsov
    identified as Stalin; "Feng Xi [Fyn Si; Stalin]" -> Feng Xi, alias Fyn Si, identified as
    Stalin; "Pak Heon-yeong [Pak Hon Yong]" -> Pak Heon-yeong, alias Pak Hon Yong;
    "Liu [Shaoqi]" -> Liu Shaoqi; "Kuznetsov [F.F. Kuznetsov]" -> Kuznetsov identified as
    F.F. Kuznetsov (a fuller name, no codename).
    """
    outer = clean_name(outer)
    parts = [clean_name(part) for part in re.split(r"\s*[;,]\s*", inside) if part.strip()]
    if len(parts) == 1 and is_completion(outer, parts[0]):
        return Correspondent(f"{outer} {parts[0]}")
    if len(parts) == 1 and is_post(outer) and not is_post(parts[0]):
        return Correspondent(parts[0])  # "the Chairman [Mao Zedong]": the editor names him
    names = [outer, *parts]
    codes = _codenames_among(names)
    reals = [name for name in names if name not in codes]
    if codes and reals:
        return Correspondent(codes[0], reals[-1], tuple(codes[1:]))
    if codes:
        return Correspondent(names[0], None, tuple(names[1:]))
    if len(parts) == 1 and similar_spelling(outer, parts[0]):
        if _surname(outer) == _surname(parts[0]) and len(parts[0]) > len(outer):
            return Correspondent(outer, parts[0])  # a fuller name: "Kuznetsov [F.F. Kuznetsov]"
        return Correspondent(outer, None, (parts[0],))  # another spelling
    return Correspondent(outer, parts[-1], tuple(parts[:-1]))


def _codenames_among(names: list[str]) -> list[str]:
    """The names that are known codenames, unless another name of the group shares their
    surname ("Kuznetsov [F.F. Kuznetsov]" names the real Kuznetsov twice)."""
    codes = [name for name in names if known_codename(name)]
    return [
        code for code in codes
        if not any(other not in codes and _surname(other) == _surname(code) for other in names)
    ]


def is_codename_pair(name: str, person: str) -> bool:
    """Whether "name" identified as "person" is a cover name rather than a spelling or a
    fuller form of the same name ("Kuznetsov" / "F.F. Kuznetsov")."""
    return not similar_spelling(name, person)


def codename_pairs(outer: str, inside: str) -> list[tuple[str, str]]:
    """(codename, person) pairs that "outer [inside]" states, when it involves a known
    codename and a real name; [] for glosses, completions and romanizations."""
    outer = clean_name(outer)
    parts = [clean_name(part) for part in re.split(r"\s*[;,]\s*", inside) if part.strip()]
    names = [outer, *parts]
    codes = _codenames_among(names)
    reals = [name for name in names if name not in codes]
    if not codes or not reals or any(is_completion(outer, part) for part in parts):
        return []
    return [(code, reals[-1]) for code in codes]
