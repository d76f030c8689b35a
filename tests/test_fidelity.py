"""Issue 17 in the compiler: who claims a fact by where its passage lies, the editors' facts
about the page, and the warnings about facts hiding in labels and notes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import RDF, Literal, URIRef

from conftest import CORPUS, MAPPINGS
from kg.build import check
from kg.cli import main
from kg.config import Config
from kg.export.wikidata.facts import Fact
from kg.mapping.iris import Iris
from kg.mapping.prose import figures
from kg.mapping.provenance import Evidence, FactWriter


def writer(author: str = "author", editors: str = "editors") -> FactWriter:
    iris = Iris("https://kg.test")
    source = "Title line\n\nThe body says 35 divisions.\n\nCitation line"
    body = ((12, 38),)
    assert source[12:38] == "The body says 35 divisions"
    return FactWriter(iris, "doc", source, set(), author=URIRef(author),
                      editors=URIRef(editors), editorial=frozenset({URIRef("translator")}),
                      body=body)


def claim(w: FactWriter, start: int, end: int, claimed_by: str | None = None
          ) -> tuple[set, set]:
    fact = w.state(URIRef("s"), URIRef("p"), Literal(f"{start}"),
                   [Evidence(start, end, w.source[start:end])],
                   claimed_by=URIRef(claimed_by) if claimed_by else None)
    kg = w.iris.kg
    return ({o for s, p, o in w.graph if s == fact and p == kg.claimedBy},
            {o for s, p, o in w.graph if s == fact and p == kg.reportedBy})


def test_the_body_is_the_authors_and_the_page_lines_the_editors() -> None:
    w = writer()
    assert claim(w, 12, 20) == ({URIRef("author")}, set())
    assert claim(w, 0, 10) == ({URIRef("editors")}, set())  # the title line
    assert claim(w, 40, 53) == ({URIRef("editors")}, set())  # the citation line


def test_editorial_claimants_are_never_reported_speech() -> None:
    w = writer()
    assert claim(w, 12, 20, "translator") == ({URIRef("translator")}, set())
    assert claim(w, 14, 20, "editors") == ({URIRef("editors")}, set())
    # A speaker the author quotes is reported by the author.
    assert claim(w, 16, 20, "speaker") == ({URIRef("speaker")}, {URIRef("author")})
    kg = w.iris.kg
    reported = {s for s, p, o in w.graph if p == RDF.type and o == kg.ReportedClaim}
    assert len(reported) == 1


def test_figures_are_read_as_numbers() -> None:
    assert figures("about 1,200,000 people, 600,000 of them troops") == [
        ("1,200,000", 1200000.0), ("600,000", 600000.0)]
    assert figures("more than 100 thousand prisoners") == [("100 thousand", 100000.0)]
    assert figures("in 3.5 years, point 12") == [("3.5", 3.5), ("12", 12.0)]


def test_the_shipped_mappings_hide_no_fact_in_prose() -> None:
    compiled = check(Config.load({}, env={}))
    assert not [item for item in compiled.review.items if "warning:" in item]


def test_a_figure_or_a_name_only_in_prose_is_a_warning(tmp_path: Path) -> None:
    mappings = tmp_path / "mappings"
    (mappings / "documents").mkdir(parents=True)
    for f in MAPPINGS.glob("registry*.yaml"):
        (mappings / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    if (MAPPINGS / "registry").is_dir():
        (mappings / "registry").mkdir()
        for f in (MAPPINGS / "registry").glob("*.yaml"):
            (mappings / "registry" / f.name).write_text(f.read_text(encoding="utf-8"),
                                                        encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = "1948-12-30-mao-to-stalin"
    (corpus / f"{doc}.txt").write_text((CORPUS / f"{doc}.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (mappings / "documents" / f"{doc}.yaml").write_text(f"""
document: {doc}
author: mao-zedong
nodes:
  q-destroyed:
    type: Quantity
    label: 35 divisions destroyed near Suizhou
facts:
  - about: q-destroyed
    quantityKind: DivisionsDestroyed
    value: 35
    quote: "we finished off 35 full divisions of the Guomindang army"
    note: "Including 4 divisions that took the side of Chen Yi."
""", encoding="utf-8")
    config = Config.load({"data_dir": str(tmp_path / "data"), "corpus_dir": str(corpus),
                          "mappings_dir": str(mappings)}, env={})
    warnings = [i for i in check(config).review.items if "warning:" in i]
    # 35 is the quantity's value: stated. Suizhou, 4 and Chen Yi are prose only.
    assert any("label of q-destroyed" in w and "'Suizhou'" in w for w in warnings)
    assert any("note on q-destroyed" in w and "'4'" in w for w in warnings)
    assert any("note on q-destroyed" in w and "'Chen Yi'" in w for w in warnings)
    assert not any("'35'" in w for w in warnings)
    # kg validate shows them to the curator (and still exits 0: they are warnings).
    result = CliRunner(env={"KG_CORPUS_DIR": str(corpus), "KG_MAPPINGS_DIR": str(mappings)}
                       ).invoke(main, ["--data-dir", str(tmp_path / "data"), "validate"])
    assert result.exit_code == 0, result.output
    assert "label of q-destroyed" in result.stderr and "'Suizhou'" in result.stderr
    assert "warning(s): state these as facts" in result.stderr


def test_a_date_given_as_about_is_exported_as_circa() -> None:
    import pyoxigraph as ox

    from kg.config import PROJECT_ROOT
    from kg.export.wikidata.alignment import load_alignment
    from kg.export.wikidata.statements import CIRCA, _convert

    base = "https://kg.test"
    alignment = load_alignment(PROJECT_ROOT / "ontology", base)
    date = f"{base}/ontology#date"
    assert alignment.usable(date) is not None
    meeting = ox.NamedNode(f"{base}/id/meeting/m")
    record = f"{base}/id/document/d"
    dated = Fact("f1", meeting, date, ox.Literal("1949", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#gYear")), record, "T", ("around 1949",))
    about = Fact("f2", meeting, f"{base}/ontology#dateQualifier",
                 ox.NamedNode(f"{base}/ontology#About"), record, "T", ("around",))
    qids = {meeting.value: "Q1"}
    _, _, plain = _convert(dated, alignment, qids, {})
    _, _, qualified = _convert(dated, alignment, qids, {}, {(meeting.value, record): about})
    assert plain is not None and qualified is not None
    assert plain.value.precision == qualified.value.precision == 9  # a year
    assert not plain.qualifiers
    assert [(pid, v.text) for pid, v in qualified.qualifiers] == [("P1480", CIRCA)]
    assert qualified.references[0].qualifier_facts == ("f2",)


def test_the_timeline_shows_how_a_date_is_to_be_read(built) -> None:  # noqa: ANN001
    import pyoxigraph as ox

    from kg.read.timeline import timeline_items

    store = ox.Store.read_only(str(built.config.store_path))
    items = {i.label: i for i in timeline_items(store, built.config.base_iri)}
    meeting = next(i for label, i in items.items() if "beginning of September" in label)
    assert (meeting.start, meeting.qualifier) == ("1948-09", "early in")
    plan = next(i for label, i in items.items() if label.startswith("Calling the political"))
    assert (plan.start, plan.qualifier) == ("1949", "about summer")
    assert plan.when == "about summer 1949"  # the date in words the timeline shows
