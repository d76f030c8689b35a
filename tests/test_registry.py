"""The entity registry as data: `mappings/registry.yaml` and the files of
`mappings/registry/` merged, posts and codename periods read and checked, and the real
registry's files well formed (no id twice, Wikidata only from the verified list)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import XSD

from conftest import MAPPINGS
from kg.config import PROJECT_ROOT, Config
from kg.errors import MappingError
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry, normalize_name

MAIN = """\
persons:
  joseph-stalin:
    label: Joseph Stalin
    codenames: [Filippov]
places:
  moscow:
    label: Moscow
    type: Settlement
"""

KOREA = """\
persons:
  terentii-shtykov:
    label: Terentii Shtykov
    aliases: [Shtykov]
    posts:
      - {post: Soviet Ambassador to the DPRK, from: 1948, to: 1950}
      - post: Commander of the Maritime Military District
        from: 1945-09
"""

SOVIET = """\
persons:
  vyacheslav-molotov:
    label: Vyacheslav Molotov
    codenames:
      - {name: Bratov, from: 1945, to: 1953, channel: ciphered telegrams}
      - Molotshtein
"""


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    config = Config.load({}, env={})
    return Ontology.load(config.ontology_dir, Iris(config.base_iri))


def write(root: Path, main: str = MAIN, **files: str) -> Path:
    (root / "registry.yaml").write_text(main)
    if files:
        (root / "registry").mkdir()
    for name, text in files.items():
        (root / "registry" / f"{name.replace('_', '-')}.yaml").write_text(text)
    return root


def error(root: Path, ontology: Ontology) -> MappingError:
    with pytest.raises(MappingError) as info:
        Registry.load(root, ontology)
    return info.value


def test_folder_is_merged_with_registry_yaml(tmp_path: Path, ontology: Ontology) -> None:
    registry = Registry.load(write(tmp_path, korea=KOREA, soviet_union=SOVIET), ontology)
    assert set(registry.entities) == {"joseph-stalin", "moscow", "terentii-shtykov",
                                      "vyacheslav-molotov"}
    assert registry["terentii-shtykov"].file.endswith("registry/korea.yaml")
    assert registry["joseph-stalin"].file.endswith("registry.yaml")
    assert [Path(f).name for f in registry.files] == ["registry.yaml", "korea.yaml",
                                                     "soviet-union.yaml"]
    assert registry.resolve("Shtykov").id == "terentii-shtykov"
    assert registry.resolve("Filippov").id == "joseph-stalin"


def test_without_folder_only_registry_yaml(tmp_path: Path, ontology: Ontology) -> None:
    registry = Registry.load(write(tmp_path), ontology)
    assert set(registry.entities) == {"joseph-stalin", "moscow"}


def test_id_defined_twice_names_both_files_and_lines(tmp_path: Path,
                                                     ontology: Ontology) -> None:
    again = "persons:\n  # the same person again\n  joseph-stalin:\n    label: I. V. Stalin\n"
    err = error(write(tmp_path, soviet_union=again), ontology)
    assert err.file.endswith("registry/soviet-union.yaml") and err.line == 3
    assert "'joseph-stalin' is defined twice" in str(err)
    assert f"{tmp_path / 'registry.yaml'}:2" in str(err)


def test_id_twice_across_two_folder_files(tmp_path: Path, ontology: Ontology) -> None:
    err = error(write(tmp_path, korea=KOREA, others=KOREA), ontology)
    assert err.file.endswith("registry/others.yaml") and err.line == 2
    assert "registry/korea.yaml:2" in str(err)


def test_posts_and_codename_periods_are_read(tmp_path: Path, ontology: Ontology) -> None:
    registry = Registry.load(write(tmp_path, korea=KOREA, soviet_union=SOVIET), ontology)
    shtykov = registry["terentii-shtykov"]
    assert [(p.post, p.start, p.end) for p in shtykov.posts] == [
        ("Soviet Ambassador to the DPRK", "1948", "1950"),
        ("Commander of the Maritime Military District", "1945-09", None)]
    molotov = registry["vyacheslav-molotov"]
    assert molotov.codenames == ("Bratov", "Molotshtein")
    (period,) = molotov.codename_periods
    assert (period.name, period.start, period.end, period.channel) == (
        "Bratov", "1945", "1953", "ciphered telegrams")
    assert registry.resolve("Bratov") is molotov


def test_posts_in_the_graph_codename_periods_not(tmp_path: Path, ontology: Ontology) -> None:
    registry = Registry.load(write(tmp_path, korea=KOREA, soviet_union=SOVIET), ontology)
    g = registry.graph(ontology)
    kg = ontology.iris.kg
    shtykov = registry["terentii-shtykov"].iri
    posts = sorted(g.objects(shtykov, kg.holds))
    assert len(posts) == 2
    ambassador = URIRef(ontology.iris.base + "/id/position/terentii-shtykov/"
                        "soviet-ambassador-to-the-dprk-1948")
    assert ambassador in posts
    assert (ambassador, RDF.type, kg.PositionHolding) in g
    assert (ambassador, kg.post, Literal("Soviet Ambassador to the DPRK")) in g
    assert (ambassador, kg.startDate, Literal("1948", datatype=XSD.gYear)) in g
    assert (ambassador, kg.endDate, Literal("1950", datatype=XSD.gYear)) in g
    district = next(p for p in posts if p != ambassador)
    assert (district, kg.startDate, Literal("1945-09", datatype=XSD.gYearMonth)) in g
    assert not list(g.objects(district, kg.endDate))
    # The cover name is there; its period and channel are not (no ontology term for them).
    molotov = registry["vyacheslav-molotov"].iri
    assert set(g.objects(molotov, kg.codename)) == {Literal("Bratov"), Literal("Molotshtein")}
    assert not any("ciphered" in str(o) for o in g.objects())


@pytest.mark.parametrize(("post", "line", "message"), [
    ("{post: Ambassador, from: 19533}", 5, "'from' of post 'Ambassador' of 'x-y' must be a year"),
    ("{post: Ambassador, from: 1953, to: 1953-13}", 5, "got '1953-13'"),
    ("{post: Ambassador, from: 1957, to: 1953}", 5, "ends (1953) before it starts (1957)"),
    ("{post: Ambassador, since: 1953}", 5, "unknown field 'since' in post 'Ambassador'"),
    ("{from: 1953}", 5, "needs its title in 'post'"),
    ("Ambassador", 5, "must be a mapping like"),
])
def test_bad_post_is_one_clear_error(tmp_path: Path, ontology: Ontology, post: str, line: int,
                                     message: str) -> None:
    bad = f"persons:\n  x-y:\n    label: X Y\n    posts:\n      - {post}\n"
    err = error(write(tmp_path, korea=bad), ontology)
    assert err.file.endswith("registry/korea.yaml")
    assert err.line == line
    assert message in err.message


def test_bad_post_year_on_its_own_line(tmp_path: Path, ontology: Ontology) -> None:
    bad = ("persons:\n  x-y:\n    label: X Y\n    posts:\n      - post: Ambassador\n"
           "        from: 1953\n        to: fifty-seven\n")
    err = error(write(tmp_path, vietnam=bad), ontology)
    assert (Path(err.file).name, err.line) == ("vietnam.yaml", 7)
    assert "'to' of post 'Ambassador' of 'x-y' must be a year (1953)" in err.message


@pytest.mark.parametrize(("codename", "message"), [
    ("{name: Fyn Si, from: 1949, until: 1950}", "unknown field 'until' in codename 'Fyn Si'"),
    ("{name: Fyn Si, from: 49}", "'from' of codename 'Fyn Si' of 'x-y' must be a year"),
    ("{from: 1949}", "needs its 'name'"),
])
def test_bad_codename_is_one_clear_error(tmp_path: Path, ontology: Ontology, codename: str,
                                         message: str) -> None:
    bad = f"persons:\n  x-y:\n    label: X Y\n    codenames:\n      - {codename}\n"
    err = error(write(tmp_path, china=bad), ontology)
    assert (Path(err.file).name, err.line) == ("china.yaml", 5)
    assert message in err.message


def test_posts_only_for_persons(tmp_path: Path, ontology: Ontology) -> None:
    bad = "places:\n  x:\n    label: X\n    type: Settlement\n    posts: [{post: Capital}]\n"
    err = error(write(tmp_path, others=bad), ontology)
    assert err.line == 5 and "posts are for persons" in err.message


SCOPED = """\
country: soviet-union
persons:
  ivan-kovalev:
    label: Ivan Kovalev
organizations:
  cpsu-cc:
    label: Central Committee of the Communist Party of the Soviet Union
    aliases: [CPSU CC]
    short_names: [CC]
places:
  soviet-union:
    label: Soviet Union
    type: Country
"""


def test_a_files_country_is_its_entries_unless_they_name_their_own(tmp_path: Path,
                                                                     ontology: Ontology) -> None:
    chinese = "persons:\n  mao-zedong:\n    label: Mao Zedong\n    country: china\n"
    main = MAIN + "  china:\n    label: China\n    type: Country\n"
    reg = Registry.load(write(tmp_path, main, soviet=SCOPED,
                              china="country: soviet-union\n" + chinese), ontology)
    assert reg["ivan-kovalev"].country == "soviet-union"
    assert reg["cpsu-cc"].country == "soviet-union"
    assert reg["mao-zedong"].country == "china"
    assert reg["soviet-union"].country is None  # places have no country of their own


def test_short_names_mean_an_organization_only_in_its_country(tmp_path: Path,
                                                              ontology: Ontology) -> None:
    reg = Registry.load(write(tmp_path, soviet=SCOPED), ontology)
    assert reg.resolve("CC") is None  # no country given: "CC" alone names no one
    assert reg.resolve("CC", "china") is None
    assert reg.resolve("CC", "soviet-union").id == "cpsu-cc"
    assert reg.resolve("CPSU CC").id == "cpsu-cc"


def test_a_bare_surname_the_registry_does_not_list_is_no_one(tmp_path: Path,
                                                            ontology: Ontology) -> None:
    reg = Registry.load(write(tmp_path, korea=KOREA), ontology)
    assert reg.resolve("Shtykov").id == "terentii-shtykov"  # listed as a name
    assert reg.resolve("T. Shtykov").id == "terentii-shtykov"  # initial and surname
    assert reg.resolve("Stalin") is None  # not listed: any Stalin


@pytest.mark.parametrize(("text", "line", "message"), [
    ("organizations:\n  x:\n    label: X\n    country: atlantis\n", 2,
     "country 'atlantis' of 'x' is not a place id"),
    ("organizations:\n  x:\n    label: X\n    short_names: [CC]\n", 2,
     "give it a country"),
    ("persons:\n  x:\n    label: X\n    short_names: [X]\n", 4,
     "short_names are for organizations"),
    ("country: [china]\npersons: {}\n", 1, "the file's country must be a place id"),
])
def test_bad_country_or_short_name_is_one_clear_error(tmp_path: Path, ontology: Ontology,
                                                      text: str, line: int,
                                                      message: str) -> None:
    err = error(write(tmp_path, others=text), ontology)
    assert (Path(err.file).name, err.line) == ("others.yaml", line)
    assert message in err.message


# --- the real registry ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(ontology: Ontology) -> Registry:
    return Registry.load(MAPPINGS, ontology)


def test_real_registry_loads_every_file(real: Registry) -> None:
    names = [Path(f).name for f in real.files]
    assert names[0] == "registry.yaml"
    assert len(names) >= 2
    persons = [e for e in real.entities.values() if e.section == "persons"]
    assert len(persons) >= 250


def test_real_registry_no_person_twice_by_label(real: Registry) -> None:
    seen: dict[str, str] = {}
    for ent in real.entities.values():
        if ent.section != "persons":
            continue
        key = normalize_name(ent.label)
        assert key not in seen, (ent.id, seen.get(key))
        seen[key] = ent.id


#: The verified reference list, where the project sits beside the shared folder (CI, the
#: developers' machines); the project itself never needs it.
REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "wikidata.csv"


def test_real_registry_wikidata_only_from_the_verified_list(real: Registry) -> None:
    qids = [ent for ent in real.entities.values() if ent.wikidata]
    assert qids and all(ent.wikidata_evidence for ent in qids)  # an ID is a claim with evidence
    if not REFERENCE.exists():
        return  # the evidence is checked above; the list itself is outside the project
    with REFERENCE.open(encoding="utf-8") as f:
        high = {row["qid"]: row["evidence_url"] for row in csv.DictReader(f)
                if row["confidence"] == "high"}
    for ent in qids:
        if not ent.file.endswith("/registry.yaml"):
            assert ent.wikidata in high, ent.id
            assert ent.wikidata_evidence == high[ent.wikidata], ent.id


def test_real_registry_no_shared_name_between_persons(real: Registry) -> None:
    """A name two persons share would make every mention of it ambiguous: bare common
    surnames (Kim, Pak, Li, Kuznetsov) are never aliases."""
    owners: dict[str, set[str]] = {}
    for ent in real.entities.values():
        if ent.section == "persons":
            for name in ent.names:
                owners.setdefault(normalize_name(name), set()).add(ent.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}
