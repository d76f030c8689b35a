"""A synthetic corpus of N documents, shaped like the archive's, for benchmarks.

Every document is written in one of the four page layouts of ``tests/archive/`` (with its
page chrome, title conventions, citations, translator, summary), and its body is made of
sentences that name registry persons (sometimes by codename: "Filippov [Stalin]"),
organizations, places and operations. Each document gets a mapping file of curated facts
(meetings, posts, operations with figures, plans, characterizations, acquaintances),
every fact with a verbatim quote of its sentence, so that every build stage does real work:
the parser reads the page, the mapper locates every quote, the linker finds mentions,
SHACL checks the nodes, and the reasoner derives memberships (property chains),
correspondents, inverses and types.

The registry and ontology are the real ones; output is deterministic for a given seed.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.config import PROJECT_ROOT

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
CODENAMES = {"joseph-stalin": "Filippov", "li-lisan": "Strakhov"}
TYPES = ["Ciphered Telegram", "Telegram", "Cable", "Letter"]
ARCHIVES = [("APRF", "45", "1"), ("RGASPI", "558", "11"), ("AVP RF", "0100", "42")]
TRANSLATORS = ["Mikhail Orlovsky", "Daniel Rosen", "Gary Goldberg", "Sergey Radchenko"]
POSTS = ["member of the Politburo", "secretary of the Central Committee",
         "head of the organizational department", "political commissar",
         "member of the military council"]
QUALITIES = [("honest", "capable"), ("experienced", "reliable"), ("cautious", "honest"),
             ("capable", "energetic")]
LAYOUTS = ("archive-trailer", "archive-search", "archive-upper", "mirror")


@dataclass
class Registry:
    persons: dict[str, str]
    organizations: dict[str, str]
    bodies: dict[str, str]
    forces: dict[str, str]
    settlements: dict[str, str]
    operations: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Registry:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))

        def pick(section: str, types: set[str | None] | None = None) -> dict[str, str]:
            return {k: v["label"] for k, v in data[section].items()
                    if types is None or v.get("type") in types}

        persons = pick("persons")
        for skip in ("sergey-radchenko", "andrei-ledovskii", "raisa-mirovitskaia",
                     "vladimir-miasnikov", "karl-marx", "friedrich-engels", "vladimir-lenin"):
            persons.pop(skip, None)
        return cls(
            persons=persons,
            organizations=pick("organizations", {"PoliticalParty", "PartyBody", "Government"}),
            bodies=pick("organizations", {"PartyBody"}),
            forces=pick("organizations", {"ArmedForce"}),
            settlements=pick("places", {"Settlement"}),
            operations=pick("operations", {"MilitaryOperation"}),
        )


@dataclass
class Doc:
    stem: str
    text: str
    mapping: dict = field(default_factory=dict)


class Writer:
    """Writes one document: page and mapping, from a seeded random source."""

    def __init__(self, reg: Registry, rnd: random.Random, n: int):
        self.reg, self.rnd, self.n = reg, rnd, n
        self.nodes: dict[str, dict] = {}
        self.facts: list[dict] = []
        self.year = rnd.choice([1947, 1948, 1949, 1950, 1951, 1952])
        self.month = rnd.randrange(12)
        self.day = rnd.randrange(1, 28)

    def person(self) -> tuple[str, str]:
        pid = self.rnd.choice(sorted(self.reg.persons))
        return pid, self.reg.persons[pid]

    def named(self, pid: str) -> str:
        """How the body names a person: sometimes by codename, with the editor's bracket."""
        if pid in CODENAMES and self.rnd.random() < 0.5:
            return f"{CODENAMES[pid]} [{self.reg.persons[pid].split()[-1]}]"
        return self.reg.persons[pid]

    def node(self, kind: str, type_: str, label: str) -> str:
        nid = f"{kind}-{self.n}-{len(self.nodes)}"
        self.nodes[nid] = {"type": type_, "label": label}
        return nid

    def fact(self, quote: str, about: str, claimed_by: str | None = None, **values) -> None:
        f = {"about": about, **values, "quote": quote}
        if claimed_by:
            f["claimed_by"] = claimed_by
        self.facts.append(f)

    # --- sentence kinds: each returns the sentence and records its facts ---------------------
    def meeting(self) -> str:
        (a, _), (b, _), (c, _) = (self.person() for _ in range(3))
        place = self.rnd.choice(sorted(self.reg.settlements))
        day = self.rnd.randrange(1, 28)
        s = (f"On {day} {MONTHS[self.month]} a meeting of {self.named(a)} with "
             f"{self.named(b)} and {self.named(c)} took place in "
             f"{self.reg.settlements[place]}.")
        m = self.node("meeting", "Meeting", f"Meeting in {self.reg.settlements[place]}, "
                      f"{day} {MONTHS[self.month]} {self.year} (synthetic {self.n})")
        self.fact(s, m, participant=sorted({a, b, c}), place=place,
                  date=f"{self.year}-{self.month + 1:02d}-{day:02d}")
        return s

    def post(self) -> str:
        pid, _ = self.person()
        body = self.rnd.choice(sorted(self.reg.bodies))
        post = self.rnd.choice(POSTS)
        s = f"Comrade {self.named(pid)}, {post} of the {self.reg.bodies[body]}, agreed with this."
        pos = self.node("position", "PositionHolding",
                        f"{self.reg.persons[pid]}, {post} (synthetic {self.n})")
        self.fact(s, pid, holds=pos)
        self.fact(s, pos, post=post, inOrganization=body)
        return s

    def operation(self) -> str:
        op = self.rnd.choice(sorted(self.reg.operations))
        force = self.rnd.choice(sorted(self.reg.forces))
        pid, _ = self.person()
        n = self.rnd.randrange(2, 90)
        s = (f"{self.named(pid)} said that in the {self.reg.operations[op].split(' (')[0]} the "
             f"{self.reg.forces[force]} took more than {n} thousand prisoners.")
        q = self.node("quantity", "Quantity", f"More than {n} thousand prisoners "
                      f"(synthetic {self.n})")
        self.fact(s, op, claimed_by=pid, side=force, outcome=q)
        self.fact(s, q, claimed_by=pid, quantityKind="Prisoners", value=n * 1000,
                  unit="people", qualifier="more than")
        return s

    def plan(self) -> str:
        pid, _ = self.person()
        place = self.rnd.choice(sorted(self.reg.settlements))
        day = self.rnd.randrange(1, 28)
        s = (f"{self.named(pid)} intends to leave for {self.reg.settlements[place]} not later "
             f"than {day} {MONTHS[self.month]}.")
        p = self.node("plan", "Plan", f"Journey of {self.reg.persons[pid]} to "
                      f"{self.reg.settlements[place]} (synthetic {self.n})")
        self.fact(s, p, intendedBy=pid, destination=place,
                  notLaterThan=f"{self.year}-{self.month + 1:02d}-{day:02d}")
        return s

    def characterization(self) -> str:
        (a, _), (b, _) = self.person(), self.person()
        q1, q2 = self.rnd.choice(QUALITIES)
        s = f"{self.named(a)} considers {self.named(b)} an {q1} and {q2} comrade."
        c = self.node("characterization", "Characterization",
                      f"{self.reg.persons[a]} on {self.reg.persons[b]} (synthetic {self.n})")
        self.fact(s, c, claimed_by=a, assessor=a, assessed=b, quality=[q1, q2])
        return s

    def acquaintance(self) -> str:
        (a, _), (b, _) = self.person(), self.person()
        s = f"{self.named(a)} has known {self.named(b)} well for many years."
        if a != b:
            self.fact(s, a, acquaintedWith=b)
        return s

    def filler(self) -> str:
        return self.rnd.choice([
            "I ask for your instructions on this question.",
            "The Chinese comrades await your answer.",
            "The situation at the front remains difficult, but the troops are in good spirits.",
            "The questions of supply were not discussed.",
        ])

    def body(self) -> list[str]:
        kinds = [self.meeting, self.post, self.operation, self.plan, self.characterization,
                 self.acquaintance, self.post, self.operation]
        paragraphs: list[str] = []
        seen: set[str] = set()
        for _ in range(self.rnd.randrange(3, 6)):
            sentences = []
            while len(sentences) < self.rnd.randrange(2, 4):
                facts, nodes = len(self.facts), dict(self.nodes)
                sentence = self.rnd.choice(kinds)()
                if sentence in seen:  # every quote must be unique in its document
                    del self.facts[facts:]
                    self.nodes = nodes
                    continue
                seen.add(sentence)
                sentences.append(sentence)
            filler = self.filler()
            if filler not in seen:
                seen.add(filler)
                sentences.append(filler)
            paragraphs.append(" ".join(sentences))
        return paragraphs


def write_document(reg: Registry, n: int, seed: int) -> Doc:
    rnd = random.Random(seed * 1_000_003 + n)
    w = Writer(reg, rnd, n)
    sender, recipient = w.person(), w.person()
    while recipient[0] == sender[0]:
        recipient = w.person()
    kind = rnd.choice(TYPES)
    number = rnd.randrange(100, 99999)
    to = (f"{CODENAMES[recipient[0]]} [{recipient[1].split()[-1]}]"
          if recipient[0] in CODENAMES else recipient[1])
    title = f"{kind} No. {number} from {sender[1]} to {to}"
    date_text = f"{MONTHS[w.month]} {w.day}, {w.year}"
    archive, fond, opis = rnd.choice(ARCHIVES)
    delo = rnd.randrange(1, 400)
    folios = f"{rnd.randrange(1, 90)}-{rnd.randrange(91, 200)}"
    translator = rnd.choice(TRANSLATORS)
    citation = f"{archive}, F. {fond}, Op. {opis}, D. {delo}, Ll. {folios}."
    paragraphs = w.body()
    signature = f"{sender[1].split()[-1]}, {w.day}.{ROMAN[w.month]}.{w.year}"
    summary = (f"{sender[1]} reports to {recipient[1]} on meetings, posts, military operations "
               "and plans.")
    layout = LAYOUTS[n % len(LAYOUTS)]
    body = "\n\n".join(paragraphs)
    if layout == "archive-trailer":
        text = (f"Skip to content\n\n{date_text}\n\n{title}\n\n{to}\n\n{body}\n\n{signature}\n\n\n"
                f"{summary}\n\nDocument Information\n\n\n{citation} "
                f"Translated by {translator}.\n\n\n"
                "Digital Archive materials may be reused for research and teaching.\n\n"
                f"Record ID\n\n{500000 + n}\n\nType\n{kind}\n\nLanguage\nRussian\n")
    elif layout == "archive-search":
        quoted = f"\u201c{title},\u201d {date_text}"
        text = (f"Search in\n\nDigital Archive International History Declassified\n\n{date_text}"
                f"\n\n\n  \u2022 Citation\n\n    get citation\n\n    {summary}\n    {quoted}, "
                f"History and Public Policy Program Digital Archive, {citation} Translated by "
                f"{translator}.\n  \u2022 share document\n\n\nEnglish HTML\n\n{body}\n\n"
                f"{signature}\n")
    elif layout == "archive-upper":
        quoted = f"\u201c{title},\u201d {date_text}"
        text = (f"Wilson Center Digital Archive\nInternational History Declassified\n\n"
                f"{title.upper()}\n\nCitation\n\n{quoted}, Wilson Center Digital Archive, "
                f"{citation} Translated by {translator}.\n\nSummary\n\n{summary}\n\n"
                f"Original Language\n\nRussian\n\nRecord ID\n\n{500000 + n}\n\n"
                f"English Translation\n\n{body}\n\n{signature}\n")
    else:
        text = f"{w.month + 1}/{w.day}/{str(w.year)[2:]}\n{title}\n{body}\n{signature}\n"
    stem = f"{w.year}-{w.month + 1:02d}-{w.day:02d}-synthetic-{n:05d}"
    mapping = {"document": stem, "author": sender[0], "nodes": w.nodes, "facts": w.facts}
    return Doc(stem, text, mapping)


def generate(out: Path, n: int, seed: int = 1, *, with_real: bool = True) -> Path:
    """Write ``n`` synthetic documents (and, with ``with_real``, the two real ones) under
    ``out/corpus`` and their mappings under ``out/mappings``; return ``out``."""
    if out.exists():
        shutil.rmtree(out)
    (out / "corpus").mkdir(parents=True)
    (out / "mappings" / "documents").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "mappings" / "registry.yaml", out / "mappings" / "registry.yaml")
    # The whole registry, as a real build reads it (the real documents' mappings name its
    # places and bodies; the linker's cost grows with it).
    shutil.copytree(PROJECT_ROOT / "mappings" / "registry", out / "mappings" / "registry")
    if with_real:
        for p in (PROJECT_ROOT / "corpus").glob("*.txt"):
            shutil.copy(p, out / "corpus" / p.name)
        for p in (PROJECT_ROOT / "mappings" / "documents").glob("*.yaml"):
            shutil.copy(p, out / "mappings" / "documents" / p.name)
    reg = Registry.load(out / "mappings" / "registry.yaml")
    for i in range(n):
        doc = write_document(reg, i, seed)
        (out / "corpus" / f"{doc.stem}.txt").write_text(doc.text, encoding="utf-8")
        (out / "mappings" / "documents" / f"{doc.stem}.yaml").write_text(
            yaml.safe_dump(doc.mapping, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8")
    return out
