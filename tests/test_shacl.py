"""The fast SHACL engine (kg.validate.shacl) against the reference, pyshacl, on ontology/shapes.ttl.

Both engines run over the real corpus (as built, then with triples knocked out of it), over
small samples that each break one kind of constraint, and over shapes using features the
project's shapes do not; then the shapes the fast engine must refuse. Results are compared as
multisets of (focus, path, severity, constraint component, value).
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import NamespaceManager

from kg.build import compile_graphs
from kg.config import Config
from kg.errors import ConfigError, ValidationError
from kg.mapping.iris import Iris
from kg.mapping.ontology import Ontology
from kg.validate.paths import path_text
from kg.validate.shacl import Result, Shapes
from kg.validate.validator import Validator, validation_error
from kg.validate.values import at_least, less_than

SH = Namespace("http://www.w3.org/ns/shacl#")


def shacl_check(data: Graph, shapes: Graph, ontology: Graph, engine: str) -> None:
    """Raise :class:`ValidationError` listing the first violations of ``data``, if any."""
    problems = Validator(shapes, ontology, engine).check(data)
    if problems:
        raise validation_error(problems)

EX = "http://example.org/sample/"
KG = Namespace("https://coldwar-kg.example.org/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = f"""
@prefix kg: <{KG}> .
@prefix oa: <{OA}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <{SH}> .
@prefix ex: <http://example.org/shapes#> .
"""

# Each sample breaks constraints of shapes.ttl in its own namespace (":" below); the results
# expected of it read "focus path component severity".
SAMPLES: dict[str, tuple[str, list[str]]] = {
    "valid": ("""
        :r a kg:ArchivalRecord ; kg:title "Telegram" ; kg:reproduces :t ;
            kg:sourceFile "t.txt" ; kg:citation :c .
        :c a kg:ArchivalCitation ; kg:archive "APRF" .
        :t a kg:Telegram ; kg:sender :stalin ; kg:recipient :mao ;
            kg:date "1949-01-14"^^xsd:date .
        :stalin a kg:Person ; rdfs:label "Stalin" .
        :f a kg:ReportedClaim ; rdf:subject :mao ; rdf:predicate kg:memberOf ; rdf:object :ccp ;
            kg:statedIn :r ; kg:claimedBy :mao ; kg:reportedBy :kovalev ; kg:evidence :a .
        :a a oa:Annotation ; oa:hasBody :f ; oa:hasTarget :target .
        :target a oa:SpecificResource ; oa:hasSource :r ; oa:hasSelector :quote, :position .
        :quote a oa:TextQuoteSelector ; oa:exact "the passage" .
        :position a oa:TextPositionSelector ; oa:start "0"^^xsd:nonNegativeInteger ;
            oa:end "11"^^xsd:nonNegativeInteger .
        :p a kg:Paragraph ; kg:startOffset 0 ; kg:endOffset 120 .
        :q a kg:Quantity ; kg:value 12 ; kg:quantityKind kg:Prisoners .
        :d a kg:PoliticalDeviation ; kg:ordinal 1 ; kg:ledBy :mao ; kg:direction kg:Right .
        :ch a kg:Characterization ; kg:assessor :stalin ; kg:assessed :mao ; kg:quality "modest" .
        :mao kg:wikidata "Q5816" ; kg:startDate "1949-05"^^xsd:gYearMonth ;
            kg:endDate "1949"^^xsd:gYear .
        """, []),
    "missing": ("""
        :p a kg:Paragraph ; kg:startOffset 0 .
        :r a kg:ArchivalRecord ; kg:title "r" ; kg:sourceFile "r.txt" .
        """, ["p kg:endOffset MinCount Violation",
              "r kg:reproduces|kg:recordOf MinCount Violation"]),
    "too-many": ("""
        :p a kg:Paragraph ; kg:startOffset 0, 1 ; kg:endOffset 10 .
        :person a kg:Person ; rdfs:label "Mao Zedong"@en, "Mao Tse-tung"@en .
        """, ["p kg:startOffset MaxCount Violation", "person rdfs:label MaxCount Violation"]),
    "wrong-datatype": ("""
        :p a kg:Paragraph ; kg:startOffset 0.5 ; kg:endOffset "10"^^xsd:long .
        :c a kg:Characterization ; kg:assessor :a ; kg:assessed :b ; kg:quality "brave"@en .
        :r a kg:ArchivalRecord ; kg:title "r" ; kg:reproduces :x ;
            kg:sourceFile <file:///r.txt> .
        """, ["c kg:quality Datatype Violation", "p kg:endOffset Datatype Violation",
              "p kg:startOffset Datatype Violation", "r kg:sourceFile Datatype Violation"]),
    "ill-typed": ("""
        :p a kg:Paragraph ; kg:startOffset "abc"^^xsd:integer ; kg:endOffset 7 .
        :d a kg:PoliticalDeviation ; kg:ordinal "1.5"^^xsd:integer ; kg:ledBy :someone .
        :e kg:date "1949-02-30"^^xsd:date .
        """, ["d kg:ordinal Datatype Violation", "e kg:date Or Violation",
              "p kg:startOffset Datatype Violation", "p kg:startOffset LessThan Violation"]),
    "node-kind": ("""
        :c a kg:Characterization ; kg:assessor "Stalin" ; kg:assessed [ rdfs:label "Mao" ] ;
            kg:quality "modest" .
        """, ["c kg:assessed NodeKind Violation", "c kg:assessor NodeKind Violation"]),
    "not-in-list": ("""
        :q a kg:Quantity ; kg:value 5 ; kg:quantityKind kg:Nonsense .
        :d a kg:PoliticalDeviation ; kg:ordinal 1 ; kg:ledBy :x ; kg:direction kg:Up .
        """, ["d kg:direction In Violation", "q kg:quantityKind In Violation"]),
    "less-than": ("""
        :p a kg:Paragraph ; kg:startOffset 10 ; kg:endOffset 5 .
        :same a kg:Paragraph ; kg:startOffset 5 ; kg:endOffset 5 .
        :s a oa:TextPositionSelector ; oa:start "7"^^xsd:nonNegativeInteger ;
            oa:end "3"^^xsd:nonNegativeInteger .
        :two a kg:Paragraph ; kg:startOffset 5 ; kg:endOffset 3, 4 .
        """, ["p kg:startOffset LessThan Violation", "s oa:start LessThan Violation",
              "same kg:startOffset LessThan Violation", "two kg:endOffset MaxCount Violation",
              "two kg:startOffset LessThan Violation", "two kg:startOffset LessThan Violation"]),
    "wrong-class": ("""
        :a a oa:Annotation ; oa:hasBody :x ; oa:hasTarget :p .
        :p a kg:Paragraph ; kg:startOffset 0 ; kg:endOffset 3 .
        :b a oa:Annotation ; oa:hasBody :x ; oa:hasTarget "a passage" .
        :f a kg:Fact ; rdf:subject :x ; rdf:predicate kg:memberOf ; rdf:object :y ;
            kg:statedIn :r ; kg:claimedBy :z ; kg:evidence :m, :untyped .
        :m a kg:Mention ; oa:hasBody :x ; oa:hasTarget :t .
        :t a oa:SpecificResource ; oa:hasSource :r ; oa:hasSelector :q, :pos .
        :q a oa:TextQuoteSelector ; oa:exact "text" .
        :pos a oa:TextPositionSelector ; oa:start "0"^^xsd:nonNegativeInteger ;
            oa:end "4"^^xsd:nonNegativeInteger .
        """, ["a oa:hasTarget Class Violation", "b oa:hasTarget Class Violation",
              "f kg:evidence Class Violation"]),
    "node-fails": ("""
        :r a kg:ArchivalRecord ; kg:title "r" ; kg:recordOf :talk ; kg:sourceFile "r.txt" ;
            kg:citation :c1, :c2, :c3 .
        :c1 kg:note "no archive named" .
        :c2 a kg:ArchivalCitation .
        :c3 a kg:ArchivalCitation ; kg:archive "APRF" .
        """, ["c2 kg:archive MinCount Violation", "r kg:citation Node Violation",
              "r kg:citation Node Violation"]),
    "pattern": ("""
        :a kg:wikidata "Q0" .
        :b kg:wikidata "5816" .
        :c kg:wikidata "Q5816"@en .
        :d kg:wikidata <http://www.wikidata.org/entity/Q5816> .
        :e kg:wikidata "Q5816" .
        :f kg:wikidata "Q1", "Q2" .
        """, ["a kg:wikidata Pattern Violation", "b kg:wikidata Pattern Violation",
              "c kg:wikidata Datatype Violation", "d kg:wikidata Datatype Violation",
              "d kg:wikidata Pattern Violation", "f kg:wikidata MaxCount Violation"]),
    "empty-string": ("""
        :q a oa:TextQuoteSelector ; oa:exact "" .
        """, ["q oa:exact MinLength Violation"]),
    "negative": ("""
        :s a oa:TextPositionSelector ; oa:start -1 ; oa:end "4"^^xsd:nonNegativeInteger .
        :t a oa:TextPositionSelector ; oa:start "-1"^^xsd:nonNegativeInteger ;
            oa:end "4"^^xsd:nonNegativeInteger .
        """, ["s oa:start Datatype Violation", "s oa:start MinInclusive Violation",
              "t oa:start Datatype Violation"]),
    "not-a-number-or-date": ("""
        :q a kg:Quantity ; kg:value "many" ; kg:quantityKind kg:Prisoners .
        :ok a kg:Quantity ; kg:value 2.5 ; kg:quantityKind kg:Prisoners .
        :change a kg:QuantityChange ; kg:quantityKind kg:PartyMembership ; kg:valueBefore 10 ;
            kg:valueAfter 1e3 .
        :e kg:date "spring 1949" ; kg:plannedDate "1949-05-17T10:00:00"^^xsd:dateTime .
        """, ["change kg:valueAfter Or Violation", "e kg:date Or Violation",
              "e kg:plannedDate Or Violation", "q kg:value Or Violation"]),
    "warnings": ("""
        :t a kg:CipheredTelegram .
        :l a kg:Letter ; kg:sender :a ; kg:recipient :b ; kg:date "1949-05-17"^^xsd:date .
        :r a kg:ArchivalRecord ; kg:reproduces :t ; kg:sourceFile "r.txt" .
        """, ["r kg:title MinCount Warning", "t kg:date MinCount Warning",
              "t kg:recipient MinCount Warning", "t kg:sender MinCount Warning"]),
    "subclasses": ("""
        :Memo rdfs:subClassOf kg:Letter .
        :m a :Memo .
        :mention a kg:Mention .
        :claim a kg:ReportedClaim, kg:Fact .
        """, ["claim kg:claimedBy MinCount Warning", "claim kg:evidence MinCount Violation",
              "claim kg:reportedBy MinCount Violation", "claim kg:statedIn MinCount Violation",
              "claim rdf:object MinCount Violation", "claim rdf:predicate MinCount Violation",
              "claim rdf:subject MinCount Violation", "m kg:date MinCount Warning",
              "m kg:recipient MinCount Warning", "m kg:sender MinCount Warning",
              "mention oa:hasBody MinCount Violation", "mention oa:hasTarget MinCount Violation"]),
}


def sample(*names: str) -> Graph:
    text = PREFIXES + "".join(f"@prefix : <{EX}{name}/> .\n{SAMPLES[name][0]}" for name in names)
    return Graph().parse(data=text, format="turtle")


def keys(results: list[Result]) -> Counter:
    return Counter(r.key() for r in results)


def summary(results: list[Result], name: str) -> list[str]:
    names = NamespaceManager(Graph(), bind_namespaces="none")
    names.bind("kg", KG)
    names.bind("oa", OA)
    names.bind("rdf", RDF)
    names.bind("rdfs", RDFS)
    prefix = f"{EX}{name}/"
    return sorted(
        f"{r.focus[len(prefix):]} {path_text(r.path, names)} "
        f"{r.component.removeprefix(SH).removesuffix('ConstraintComponent')} "
        f"{r.severity.removeprefix(SH)}"
        for r in results if r.focus.startswith(prefix))


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return Config.load({"data_dir": str(tmp_path_factory.mktemp("data"))}, env={})


@pytest.fixture(scope="module")
def ontology(config: Config) -> Ontology:
    return Ontology.load(config.ontology_dir, Iris(config.base_iri))


@pytest.fixture(scope="module")
def fast(ontology: Ontology) -> Validator:
    return Validator(ontology.shapes(), ontology.graph, "fast")


@pytest.fixture(scope="module")
def reference(ontology: Ontology) -> Validator:
    return Validator(ontology.shapes(), ontology.graph, "pyshacl")


@pytest.fixture(scope="module")
def corpus(config: Config) -> Graph:
    """The asserted data of the real corpus, as the build validates it."""
    compiled = compile_graphs(config)
    data = Graph()
    for iri, graph in compiled.graphs.items():
        if iri != compiled.iris.ontology_graph:
            data += graph
    return data


@pytest.fixture(scope="module")
def knocked_out(corpus: Graph) -> Graph:
    """The corpus without every 23rd triple (in a fixed order)."""
    kept = Graph()
    for i, triple in enumerate(sorted(corpus, key=lambda t: tuple(map(str, t)))):
        if i % 23:
            kept.add(triple)
    return kept


@pytest.fixture(scope="module")
def samples() -> Graph:
    return sample(*SAMPLES)


@pytest.fixture(scope="module")
def sample_results(fast: Validator, reference: Validator,
                   samples: Graph) -> tuple[list[Result], list[Result]]:
    return fast.results(samples), reference.results(samples)


def test_the_corpus_conforms_for_both_engines(corpus: Graph, fast: Validator,
                                              reference: Validator) -> None:
    results = fast.results(corpus)
    assert keys(results) == keys(reference.results(corpus))
    assert [r for r in results if r.severity == SH.Violation] == []


def test_the_corpus_with_triples_knocked_out_breaks_the_same_way(
        knocked_out: Graph, fast: Validator, reference: Validator) -> None:
    results = fast.results(knocked_out)
    components = {r.component for r in results}
    assert {SH.MinCountConstraintComponent, SH.ClassConstraintComponent} <= components
    assert keys(results) == keys(reference.results(knocked_out))


def test_a_plain_list_of_triples_validates_like_a_graph(knocked_out: Graph,
                                                        fast: Validator) -> None:
    as_list = list(knocked_out)
    assert keys(fast.results(as_list)) == keys(fast.results(knocked_out))
    assert fast.check(as_list) == fast.check(knocked_out)
    assert fast.check(as_list + as_list[:5000]) == fast.check(knocked_out)  # repeats count once


@pytest.mark.parametrize("name", SAMPLES)
def test_a_sample_breaks_exactly_the_constraints_it_means_to(
        name: str, sample_results: tuple[list[Result], list[Result]]) -> None:
    fast_results, reference_results = sample_results
    assert summary(fast_results, name) == SAMPLES[name][1]
    assert summary(reference_results, name) == SAMPLES[name][1]
    prefix = f"{EX}{name}/"
    assert (keys([r for r in fast_results if r.focus.startswith(prefix)])
            == keys([r for r in reference_results if r.focus.startswith(prefix)]))


def test_both_engines_word_the_violations_alike(fast: Validator, reference: Validator,
                                                samples: Graph) -> None:
    problems = fast.check(samples)
    assert problems == reference.check(samples)
    assert problems == sorted(problems) and len(problems) > 40
    assert (f"{EX}node-fails/r kg:citation: Every archival citation of a record must name "
            'its archive (kg:archive, e.g. "APRF").') in problems
    assert (f"{EX}missing/r kg:reproduces|kg:recordOf: An archival record must be "
            "linked to the communication it reproduces (kg:reproduces) or the conversation it "
            "records (kg:recordOf).") in problems


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_shacl_check_lists_the_first_violations(engine: str, ontology: Ontology) -> None:
    data = Graph()  # as the build makes it: rdflib's default prefixes, no kg:
    data += sample("missing", "warnings")
    with pytest.raises(ValidationError) as err:
        shacl_check(data, ontology.shapes(), ontology.graph, engine)
    assert str(err.value) == (
        f"2 SHACL violation(s): {EX}missing/p <{KG}endOffset>: A paragraph needs exactly one "
        "integer end offset (kg:endOffset, exclusive).; "
        f"{EX}missing/r <{KG}reproduces>|<{KG}recordOf>: An archival record must be linked to "
        "the communication it reproduces (kg:reproduces) or the conversation it records "
        "(kg:recordOf).")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_warnings_do_not_fail_the_check(engine: str, ontology: Ontology,
                                        fast: Validator) -> None:
    data = sample("valid", "warnings")
    assert {r.severity for r in fast.results(data)} == {SH.Warning}
    shacl_check(data, ontology.shapes(), ontology.graph, engine)


def test_a_long_list_of_violations_is_cut_after_five(fast: Validator, samples: Graph) -> None:
    problems = fast.check(samples)
    message = str(validation_error(problems))
    assert message.startswith(f"{len(problems)} SHACL violation(s): {problems[0]}; ")
    assert message.endswith(f"{problems[4]} (and {len(problems) - 5} more)")


# Shapes written for these tests: SHACL features ontology/shapes.ttl does not use (yet).
OTHER_SHAPES = PREFIXES + """
ex:Targets a sh:NodeShape ;
    sh:targetNode ex:nowhere ;
    sh:targetObjectsOf kg:recipient ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:severity sh:Info ] .
ex:Off a sh:NodeShape ; sh:targetClass kg:Person ; sh:deactivated true ;
    sh:property [ sh:path kg:nothing ; sh:minCount 1 ] .
ex:Name a sh:PropertyShape ; sh:targetClass kg:Person ; sh:path rdfs:label ;
    sh:pattern "^mao" ; sh:flags "i" ; sh:in ( "Mao"@en "MAO ZEDONG" "Stalin" ) .
ex:Either a sh:NodeShape ; sh:targetSubjectsOf kg:holds ;
    sh:property [ sh:path kg:holds ; sh:or ( ex:Soft [ sh:class kg:Position ] ) ] ;
    sh:property [ sh:path kg:holds ; sh:node ex:Warned ] ;
    sh:property [ sh:path kg:holds ; sh:minCount 9 ; sh:deactivated true ] .
ex:Soft sh:severity sh:Warning ; sh:property [ sh:path kg:post ; sh:minCount 1 ] .
ex:Warned sh:property [ sh:path kg:post ; sh:minCount 1 ; sh:severity sh:Warning ] .
ex:Start a sh:NodeShape ; sh:targetSubjectsOf kg:startDate ;
    sh:property [ sh:path kg:startDate ; sh:lessThan kg:endDate ;
                  sh:minInclusive "1945-01-01"^^xsd:date ] ;
    sh:property [ sh:path ( kg:holds [ sh:alternativePath ( kg:post kg:inOrganization ) ] ) ;
                  sh:nodeKind sh:IRI ; sh:minLength 30 ] .
"""

OTHER_DATA = PREFIXES + """
@prefix : <http://example.org/sample/other/> .
:letter kg:recipient :mao, :nobody .
:mao a kg:Person ; rdfs:label "Mao"@en, "MAO ZEDONG", "Stalin" ;
    kg:holds :chair ; kg:startDate "1949-10-01"^^xsd:date ; kg:endDate "1976-09-09"^^xsd:date .
:chair kg:post "Chairman" ; kg:inOrganization :ccp, [] .
:stalin a kg:Person ; rdfs:label "Stalin", "Koba" ; kg:holds "gensec", :secretariat ;
    kg:startDate "1922-04-03"^^xsd:date ; kg:endDate "1922-04-03"^^xsd:date, "1953" .
:secretariat kg:post "General Secretary" ; kg:inOrganization "General Secretary" .
"""


def test_other_core_features_give_pyshacl_results(ontology: Ontology) -> None:
    shapes = Graph().parse(data=OTHER_SHAPES, format="turtle")
    data = Graph().parse(data=OTHER_DATA, format="turtle")
    data.add((URIRef(f"{EX}other/mao"), RDFS.label, BNode("mao-node")))  # fails sh:pattern
    results = Validator(shapes, ontology.graph, "fast").results(data)
    assert keys(results) == keys(Validator(shapes, ontology.graph, "pyshacl").results(data))
    assert {r.component for r in results} == {
        SH.MinCountConstraintComponent, SH.PatternConstraintComponent, SH.InConstraintComponent,
        SH.LessThanConstraintComponent, SH.MinInclusiveConstraintComponent,
        SH.NodeKindConstraintComponent, SH.MinLengthConstraintComponent,
        SH.NodeConstraintComponent}
    assert {r.severity for r in results} == {SH.Info, SH.Violation}


@pytest.mark.parametrize("feature, named", [
    ("sh:property [ sh:path kg:title ; sh:maxLength 80 ]", "sh:maxLength"),
    ("sh:closed true", "sh:closed"),
    ("sh:not [ sh:class kg:Letter ]", "sh:not"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { }" ]', "sh:sparql"),
    ("sh:property [ sh:path [ sh:inversePath kg:sender ] ; sh:minCount 1 ]", "sh:inversePath"),
    ("sh:property [ sh:path kg:title ; sh:minCount 1, 2 ]", "more than one sh:minCount"),
    ("sh:node ex:Telegram", "refers back to itself"),
])
def test_a_feature_the_fast_engine_does_not_run_is_refused(
        feature: str, named: str, ontology: Ontology) -> None:
    shapes = Graph().parse(data=PREFIXES + f"""
        ex:Telegram a sh:NodeShape ; sh:targetClass kg:Telegram ; {feature} .""")
    with pytest.raises(ConfigError) as err:
        Validator(shapes, ontology.graph, "fast")
    assert named in str(err.value) and "ex:Telegram" in str(err.value)


def test_an_unknown_engine_is_refused(ontology: Ontology) -> None:
    with pytest.raises(ConfigError, match="fast, pyshacl"):
        Validator(ontology.shapes(), ontology.graph, "jena")


NUMBERS = [Literal(-1), Literal(0), Literal(3), Literal(Decimal("2.5")), Literal(2.5),
           Literal("7", datatype=XSD.nonNegativeInteger), Literal("NaN", datatype=XSD.double),
           Literal("-1", datatype=XSD.nonNegativeInteger), Literal("x", datatype=XSD.integer)]


@pytest.mark.parametrize("a", NUMBERS)
@pytest.mark.parametrize("b", NUMBERS)
def test_numbers_compare_as_rdflib_compares_them(a: Literal, b: Literal) -> None:
    assert less_than(a, b) == rdflib_says(lambda: a < b)
    assert at_least(a, b) == rdflib_says(lambda: a.eq(b) or a > b)


def rdflib_says(comparison: Callable[[], bool]) -> bool:
    try:
        return bool(comparison())
    except (TypeError, ArithmeticError):  # values rdflib cannot compare: a failure
        return False


def test_a_blank_node_is_never_less_than_anything(fast: Validator) -> None:
    # pyshacl stops with an error on a blank node under sh:lessThan; the fast engine reports it.
    data = Graph().parse(data=PREFIXES + """
        <http://example.org/p> a kg:Paragraph ; kg:startOffset [] ; kg:endOffset 4 .""")
    assert {r.component for r in fast.results(data)} == {SH.DatatypeConstraintComponent,
                                                         SH.LessThanConstraintComponent}
    assert not less_than(URIRef("http://example.org/a"), Literal(1))


def test_shapes_compile_once_for_many_triple_sets(ontology: Ontology) -> None:
    shapes = Shapes.compile(ontology.shapes(), ontology.graph)
    first, second = sample("missing"), sample("empty-string")
    assert len(shapes.validate(first)) == 2
    assert len(shapes.validate(second)) == 1
    assert len(shapes.validate(first)) == 2
    in_a_worker = pickle.loads(pickle.dumps(shapes))  # as sent to another process
    assert keys(in_a_worker.validate(second)) == keys(shapes.validate(second))
