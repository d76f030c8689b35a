"""The ontology (ontology/kg.ttl) and the SHACL shapes (ontology/shapes.ttl), tested on their own.

No project code is imported: both files are parsed here with a fixed base, the OWL 2 RL closure
is computed with owlrl and the shapes are run with pyshacl, over small hand-written samples.

How owlrl reports an inconsistency (owlrl/Closure.py, ``Core.closure``): it never raises. Each
violated rule (cax-dw, cax-adc, eq-diff1, dt-not-type, ...) calls ``add_error(message)``; after the
last cycle every message is written into the destination graph as a fresh blank node

    _:e a <http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage> ;
        <http://www.daml.org/2002/03/agents/agent-ont#error> "Disjoint classes ... have a common
        individual ..." .

(``owlrl.Namespaces.ERRNS``). ``owlrl_errors`` below is the check a build can reuse.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from pyshacl import validate
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_TTL = ROOT / "ontology" / "kg.ttl"
SHAPES_TTL = ROOT / "ontology" / "shapes.ttl"
MODEL_MD = ROOT / "docs" / "model.md"

BASE = "https://example.org"
KG = Namespace(f"{BASE}/ontology#")
KGSH = Namespace(f"{BASE}/shapes#")
ONTOLOGY_IRI = URIRef(f"{BASE}/ontology")
SH = Namespace("http://www.w3.org/ns/shacl#")

PERSON = Namespace(f"{BASE}/id/person/")
ORG = Namespace(f"{BASE}/id/organization/")
PLACE = Namespace(f"{BASE}/id/place/")

PREFIXES = f"""
@prefix kg: <{KG}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix person: <{PERSON}> .
@prefix org: <{ORG}> .
@prefix place: <{PLACE}> .
@prefix comm: <{BASE}/id/communication/> .
@prefix doc: <{BASE}/id/document/> .
@prefix cit: <{BASE}/id/citation/1948-12-30-mao-to-stalin/> .
@prefix fact: <{BASE}/id/fact/1948-12-30-mao-to-stalin/> .
@prefix ann: <{BASE}/id/annotation/1948-12-30-mao-to-stalin/> .
@prefix position: <{BASE}/id/position/> .
@prefix deviation: <{BASE}/id/deviation/> .
@prefix quantity: <{BASE}/id/quantity/> .
@prefix change: <{BASE}/id/change/> .
@prefix characterization: <{BASE}/id/characterization/> .
@prefix thing: <{BASE}/id/thing/> .
@prefix force: <{BASE}/id/force/> .
"""

# Names in the model.md "Vocabulary" section that are deliberately not kg: terms.
NOT_TERMS = {
    "label": "model.md says kg:label is not used: rdfs:label is",
    "subject": "split into kg:subjectText (strings) and kg:concerns (resources)",
}

DATE_PROPERTIES = ["date", "startDate", "endDate", "notLaterThan", "plannedDate"]
NUMBER_PROPERTIES = ["value", "valueBefore", "valueAfter"]
INTEGER_PROPERTIES = ["ordinal", "startOffset", "endOffset", "publicationYear"]

INVERSES = [
    ("sender", "sent"),
    ("recipient", "received"),
    ("intermediary", "relayed"),
    ("reproduces", "reproducedIn"),
    ("participant", "participatedIn"),
    ("commander", "commanded"),
    ("ledBy", "led"),
    ("supportedBy", "supported"),
    ("holds", "holder"),
    ("leader", "leads"),
]


# --------------------------------------------------------------------------------------------
# helpers and fixtures
# --------------------------------------------------------------------------------------------


def load_ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle", publicID=f"{BASE}/")


def load_shapes() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle", publicID=f"{BASE}/")


def data(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def owlrl_errors(graph: Graph) -> list[str]:
    """The inconsistency messages owlrl wrote into ``graph`` (empty if consistent)."""
    return sorted(
        str(message)
        for node in graph.subjects(RDF.type, ERRNS.ErrorMessage)
        for message in graph.objects(node, ERRNS.error)
    )


def closure(*graphs: Graph) -> Graph:
    merged = Graph()
    for g in graphs:
        merged += g
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(merged)
    return merged


def kg_terms(onto: Graph) -> set[URIRef]:
    return {s for s in onto.subjects() if isinstance(s, URIRef) and s.startswith(str(KG))}


def local(term: URIRef) -> str:
    return str(term)[len(str(KG)) :]


def model_md_vocabulary() -> set[str]:
    """Backticked kg: names in the "Vocabulary" section of docs/model.md."""
    text = MODEL_MD.read_text(encoding="utf-8")
    section = text.split("## Vocabulary", 1)[1].split("\n## ", 1)[0]
    names = set()
    for token in re.findall(r"`([^`]+)`", section):
        token = token.removeprefix("kg:")
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", token):
            names.add(token)
    return names - set(NOT_TERMS)


def shacl(data_graph: Graph, shapes: Graph, onto: Graph | None = None):
    conforms, results, text = validate(
        data_graph, shacl_graph=shapes, ont_graph=onto, inference="none", advanced=True
    )
    violations = {
        (results.value(r, SH.focusNode), results.value(r, SH.resultPath))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }
    return conforms, violations, text


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


# A small sample of instance data, as the mapping compiler would assert it.
SAMPLE = """
comm:1948-12-30-mao-to-stalin a kg:Cable ;
    kg:sender person:mao-zedong ; kg:recipient person:stalin ;
    kg:date "1948-12-30"^^xsd:date .
comm:1949-05-17-kovalev-to-filippov a kg:CipheredTelegram ;
    kg:sender person:ivan-kovalev ; kg:recipient person:stalin ;
    kg:date "1949-05-17"^^xsd:date ; kg:incomingNumber "54755" .
doc:1949-05-17-kovalev-to-filippov kg:reproduces comm:1949-05-17-kovalev-to-filippov .

person:mao-zedong a kg:Person . person:stalin a kg:Person . person:ivan-kovalev a kg:Person .

org:ccp a kg:PoliticalParty .
org:central-committee a kg:PartyBody ; kg:partOf org:ccp .
org:politburo a kg:PartyBody ; kg:partOf org:central-committee .
person:zhu-de kg:holds position:zhu-de-politburo .
position:zhu-de-politburo kg:inOrganization org:politburo ; kg:post "member of the Politburo" .

place:xuzhou a kg:Settlement ; kg:partOf place:jiangsu .
place:jiangsu a kg:Region ; kg:partOf place:china .
place:china a kg:Country .

deviation:wang-ming a kg:PoliticalDeviation ;
    kg:ordinal 3 ; kg:direction kg:Left ;
    kg:ledBy person:wang-ming ; kg:mostActiveSupporter person:bo-gu .

person:mao-zedong kg:sameHometownAs person:li-lisan ; kg:acquaintedWith person:li-lisan .
person:li-lisan kg:sameHometownAs person:someone-from-xiangtan .

quantity:chen-yi-prisoners a kg:Quantity ;
    kg:value 100000 ; kg:quantityKind kg:Prisoners ; kg:qualifier "more than" .

thing:bai-po-is-bo-yibo a kg:Identification ;
    kg:identifies person:bai-po ; kg:identifiedAs person:bo-yibo .
thing:bo-yibo-is-po-i-po a kg:Identification ;
    kg:identifies person:bo-yibo ; kg:identifiedAs person:po-i-po .
"""


@pytest.fixture(scope="module")
def inferred(onto: Graph) -> Graph:
    return closure(onto, data(SAMPLE))


# --------------------------------------------------------------------------------------------
# the ontology as a document
# --------------------------------------------------------------------------------------------


def test_ontology_parses_with_relative_iris(onto: Graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert (KG.Person, RDF.type, OWL.Class) in onto
    # Nothing may be pinned to a concrete base: every project IRI resolves against publicID.
    text = ONTOLOGY_TTL.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, re.MULTILINE | re.IGNORECASE)
    assert "coldwar-kg" not in text
    for s, _p, o in onto:
        for node in (s, o):
            if isinstance(node, URIRef) and "example.org" in node:
                assert node == ONTOLOGY_IRI or node.startswith(str(KG)), node


def test_ontology_follows_the_configured_base(onto: Graph):
    other = Graph().parse(ONTOLOGY_TTL, format="turtle", publicID="https://kg.test/")
    assert len(other) == len(onto)
    assert (URIRef("https://kg.test/ontology"), RDF.type, OWL.Ontology) in other
    assert (URIRef("https://kg.test/ontology#sender"), RDF.type, OWL.ObjectProperty) in other


def test_ontology_header(onto: Graph):
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, RDFS.comment):
        assert onto.value(ONTOLOGY_IRI, p) is not None, p
    assert not list(onto.triples((None, OWL.imports, None))), "the build must not fetch anything"


def test_every_term_has_english_label_and_definition(onto: Graph):
    terms = kg_terms(onto)
    assert len(terms) > 150
    missing = []
    for term in sorted(terms):
        labels = [lbl for lbl in onto.objects(term, RDFS.label) if lbl.language == "en"]
        definitions = [d for d in onto.objects(term, SKOS.definition) if d.language == "en"]
        if len(labels) != 1 or len(definitions) != 1:
            missing.append(local(term))
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            missing.append(f"{local(term)} (isDefinedBy)")
    assert not missing, f"terms without one @en label and definition: {missing}"


def test_every_term_in_model_md_exists(onto: Graph):
    names = model_md_vocabulary()
    assert len(names) > 150, "the Vocabulary section of docs/model.md was not found"
    defined = {local(t) for t in kg_terms(onto)}
    assert not sorted(names - defined), f"named in docs/model.md but not defined: {names - defined}"
    for name in NOT_TERMS:
        assert KG[name] not in kg_terms(onto), f"kg:{name} must not exist: {NOT_TERMS[name]}"


def test_every_term_is_a_class_property_or_individual(onto: Graph):
    kinds = {
        OWL.Class: set(onto.subjects(RDF.type, OWL.Class)),
        OWL.ObjectProperty: set(onto.subjects(RDF.type, OWL.ObjectProperty)),
        OWL.DatatypeProperty: set(onto.subjects(RDF.type, OWL.DatatypeProperty)),
        OWL.NamedIndividual: set(onto.subjects(RDF.type, OWL.NamedIndividual)),
    }
    for term in kg_terms(onto):
        assert sum(term in members for members in kinds.values()) == 1, local(term)
    for individual in kinds[OWL.NamedIndividual]:
        classes = set(onto.objects(individual, RDF.type)) - {OWL.NamedIndividual}
        assert classes & kinds[OWL.Class], f"{local(individual)} has no kg: class"


def test_properties_used_in_the_ontology_are_typed(onto: Graph):
    typed = set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(
        onto.subjects(RDF.type, OWL.DatatypeProperty)
    )
    mentioned = set()
    for p in (RDFS.subPropertyOf, OWL.inverseOf):
        for s, o in onto.subject_objects(p):
            mentioned |= {s, o}
    for chain in onto.objects(None, OWL.propertyChainAxiom):
        mentioned |= set(Collection(onto, chain))
    ours = {p for p in mentioned if p.startswith(str(KG))}
    assert ours <= typed, ours - typed


def test_literal_or_resource(onto: Graph):
    def is_datatype(name):
        return (KG[name], RDF.type, OWL.DatatypeProperty) in onto

    def is_object(name):
        return (KG[name], RDF.type, OWL.ObjectProperty) in onto

    for name in DATE_PROPERTIES + NUMBER_PROPERTIES:
        assert is_datatype(name), name
        assert onto.value(KG[name], RDFS.range) is None, f"{name} takes several datatypes"
    for name in INTEGER_PROPERTIES:
        assert is_datatype(name) and onto.value(KG[name], RDFS.range) == XSD.integer, name
    assert onto.value(KG.duration, RDFS.range) == XSD.duration
    for name in ("codename", "spelling"):
        assert is_datatype(name) and (KG[name], RDFS.subPropertyOf, SKOS.altLabel) in onto
    assert (KG.description, RDFS.subPropertyOf, DCTERMS.description) in onto
    assert is_datatype("subjectText") and is_object("concerns")
    assert (KG.date, RDFS.subPropertyOf, DCTERMS.date) in onto
    for name in ("sender", "recipient", "status", "quantityKind", "direction", "evidence"):
        assert is_object(name), name
    for name in ("senderName", "post", "quality", "unit", "qualifier", "wikidata", "archive"):
        assert is_datatype(name) and onto.value(KG[name], RDFS.range) == XSD.string, name


def test_no_noisy_axioms(onto: Graph):
    datatype_properties = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    for p in datatype_properties:
        assert (p, RDF.type, OWL.FunctionalProperty) not in onto, p
        assert (p, RDFS.range, RDFS.Literal) not in onto, p
    assert not list(onto.triples((None, RDFS.subClassOf, OWL.Thing)))
    assert not list(onto.triples((None, RDFS.domain, OWL.Thing)))
    assert not list(onto.triples((None, RDFS.range, OWL.Thing)))


def test_alignment_with_standard_vocabularies(onto: Graph):
    prov = Namespace("http://www.w3.org/ns/prov#")
    sem = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
    org = Namespace("http://www.w3.org/ns/org#")
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    schema = Namespace("https://schema.org/")
    expected = [
        (KG.Agent, RDFS.subClassOf, prov.Agent),
        (KG.Person, RDFS.subClassOf, foaf.Person),
        (KG.Person, RDFS.subClassOf, schema.Person),
        (KG.Organization, RDFS.subClassOf, org.Organization),
        (KG.Event, RDFS.subClassOf, sem.Event),
        (KG.Event, RDFS.subClassOf, prov.Activity),
        (KG.ArchivalRecord, RDFS.subClassOf, prov.Entity),
        (KG.ArchivalRecord, RDFS.subClassOf, foaf.Document),
        (KG.PositionHolding, RDFS.subClassOf, org.Membership),
        (KG.Fact, RDFS.subClassOf, RDF.Statement),
        (KG.Fact, RDFS.subClassOf, prov.Entity),
        (KG.participant, RDFS.subPropertyOf, sem.hasActor),
        (KG.place, RDFS.subPropertyOf, sem.hasPlace),
        (KG.claimedBy, RDFS.subPropertyOf, prov.wasAttributedTo),
        (KG.translator, RDFS.subPropertyOf, DCTERMS.contributor),
        (KG.title, RDFS.subPropertyOf, DCTERMS.title),
        (KG.summary, RDFS.subPropertyOf, DCTERMS.abstract),
        (KG.rights, RDFS.subPropertyOf, DCTERMS.rights),
        (KG.acquaintedWith, RDFS.subPropertyOf, foaf.knows),
    ]
    missing = [t for t in expected if t not in onto]
    assert not missing, missing


def test_property_characteristics_are_declared(onto: Graph):
    for p, q in INVERSES:
        assert (KG[p], OWL.inverseOf, KG[q]) in onto or (KG[q], OWL.inverseOf, KG[p]) in onto
    for p in ("correspondedWith", "acquaintedWith", "sameHometownAs", "identifiedWith"):
        assert (KG[p], RDF.type, OWL.SymmetricProperty) in onto, p
    for p in ("partOf", "partOfEvent", "sameHometownAs", "identifiedWith"):
        assert (KG[p], RDF.type, OWL.TransitiveProperty) in onto, p
    chains = {
        (local(p), tuple(local(x) for x in Collection(onto, c)))
        for p, c in onto.subject_objects(OWL.propertyChainAxiom)
    }
    assert chains == {
        ("wroteTo", ("sent", "recipient")),
        ("memberOf", ("holds", "inOrganization")),
        ("memberOf", ("memberOf", "partOf")),
        ("identifiedWith", ("identifiedIn", "identifiedAs")),
    }


# --------------------------------------------------------------------------------------------
# OWL 2 RL closure
# --------------------------------------------------------------------------------------------


def test_closure_of_the_ontology_alone_is_consistent_and_fast():
    onto = load_ontology()
    start = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(onto)
    elapsed = time.perf_counter() - start
    assert owlrl_errors(onto) == []
    assert elapsed < 5.0, f"OWL RL closure of the ontology took {elapsed:.1f}s"


def test_closure_of_the_sample_is_consistent(inferred: Graph):
    assert owlrl_errors(inferred) == []


def test_inverse_properties(inferred: Graph):
    comm = URIRef(f"{BASE}/id/communication/1948-12-30-mao-to-stalin")
    doc = URIRef(f"{BASE}/id/document/1949-05-17-kovalev-to-filippov")
    kovalev = URIRef(f"{BASE}/id/communication/1949-05-17-kovalev-to-filippov")
    assert (PERSON["mao-zedong"], KG.sent, comm) in inferred
    assert (PERSON.stalin, KG.received, comm) in inferred
    assert (kovalev, KG.reproducedIn, doc) in inferred
    assert (URIRef(f"{BASE}/id/position/zhu-de-politburo"), KG.holder, PERSON["zhu-de"]) in inferred
    assert (PERSON["wang-ming"], KG.led, URIRef(f"{BASE}/id/deviation/wang-ming")) in inferred
    # a sender takes part in the communication
    assert (PERSON["mao-zedong"], KG.participatedIn, comm) in inferred


def test_wrote_to_chain_and_symmetric_correspondence(inferred: Graph):
    mao, stalin, kovalev = PERSON["mao-zedong"], PERSON.stalin, PERSON["ivan-kovalev"]
    assert (mao, KG.wroteTo, stalin) in inferred
    assert (kovalev, KG.wroteTo, stalin) in inferred
    assert (stalin, KG.wroteTo, mao) not in inferred
    assert (mao, KG.correspondedWith, stalin) in inferred
    assert (stalin, KG.correspondedWith, mao) in inferred


def test_other_symmetric_and_transitive_properties(inferred: Graph):
    mao, li = PERSON["mao-zedong"], PERSON["li-lisan"]
    assert (li, KG.acquaintedWith, mao) in inferred
    assert (li, KG.sameHometownAs, mao) in inferred
    assert (mao, KG.sameHometownAs, PERSON["someone-from-xiangtan"]) in inferred
    assert (PLACE.xuzhou, KG.partOf, PLACE.china) in inferred
    assert (ORG.politburo, KG.partOf, ORG.ccp) in inferred


def test_member_of_chain_and_propagation_up_part_of(inferred: Graph):
    zhu = PERSON["zhu-de"]
    assert (zhu, KG.memberOf, ORG.politburo) in inferred  # holds o inOrganization
    assert (zhu, KG.memberOf, ORG["central-committee"]) in inferred  # memberOf o partOf
    assert (zhu, KG.memberOf, ORG.ccp) in inferred  # ... over transitive partOf


def test_class_hierarchy_and_domain_range_typing(inferred: Graph):
    telegram = URIRef(f"{BASE}/id/communication/1949-05-17-kovalev-to-filippov")
    for cls in (KG.Telegram, KG.Communication, KG.Event):
        assert (telegram, RDF.type, cls) in inferred, cls
    assert (PERSON["wang-ming"], RDF.type, KG.Person) in inferred  # range of ledBy
    assert (PERSON["wang-ming"], RDF.type, KG.Agent) in inferred
    assert (URIRef(f"{BASE}/id/document/1949-05-17-kovalev-to-filippov"), RDF.type,
            KG.ArchivalRecord) in inferred  # domain of reproduces
    assert (URIRef(f"{BASE}/id/position/zhu-de-politburo"), RDF.type,
            KG.PositionHolding) in inferred
    assert (ORG.ccp, RDF.type, KG.Organization) in inferred


def test_identifications_link_the_entities_they_identify(inferred: Graph):
    bai_po, bo_yibo, po_i_po = PERSON["bai-po"], PERSON["bo-yibo"], PERSON["po-i-po"]
    assert (bai_po, KG.identifiedWith, bo_yibo) in inferred  # the chain
    assert (bo_yibo, KG.identifiedWith, bai_po) in inferred  # symmetric
    assert (bai_po, KG.identifiedWith, po_i_po) in inferred  # transitive
    assert (bai_po, OWL.sameAs, bo_yibo) not in inferred  # nothing is merged


def test_most_active_supporter_is_a_supporter(inferred: Graph):
    deviation = URIRef(f"{BASE}/id/deviation/wang-ming")
    assert (deviation, KG.supportedBy, PERSON["bo-gu"]) in inferred
    assert (PERSON["bo-gu"], KG.supported, deviation) in inferred


@pytest.mark.parametrize(
    "turtle",
    [
        "person:confused a kg:Person, kg:Place .",
        "<urn:x> a kg:Meeting, kg:Communication .",
        "<urn:x> a kg:MilitaryOperation, kg:Meeting .",
        "<urn:x> a kg:CipheredTelegram, kg:Letter .",
        "place:x a kg:Settlement, kg:River .",
        # range of ledBy is Person: leading with an organization is a modelling error
        "deviation:x kg:ledBy org:x . org:x a kg:Organization .",
        # domain of value is Quantity: a value on a change should be valueBefore/valueAfter
        "change:x a kg:QuantityChange ; kg:value 5 .",
        "kg:Right owl:sameAs kg:Left .",
        "kg:Completed owl:sameAs kg:Planned .",
        "kg:Prisoners owl:sameAs kg:Losses .",
        "kg:Prisoners owl:sameAs kg:Duration .",
        'quantity:x kg:ordinal "third"^^xsd:integer .',
    ],
)
def test_modelling_errors_make_the_closure_inconsistent(onto: Graph, turtle: str):
    graph = closure(onto, data(turtle))
    assert owlrl_errors(graph), f"owlrl accepted: {turtle}"


def test_all_quantity_kinds_are_pairwise_different_for_owlrl(onto: Graph):
    """owlrl skips the last member of an owl:AllDifferent list; kg.ttl compensates for that."""
    kinds = sorted(onto.subjects(RDF.type, KG.QuantityKind))
    merged = Graph() + onto
    for a, b in zip(kinds, kinds[1:], strict=False):
        merged.add((a, OWL.sameAs, b))  # closes into one equivalence class over all kinds
    errors = " ".join(owlrl_errors(closure(merged)))
    undetected = [
        (local(a), local(b))
        for i, a in enumerate(kinds)
        for b in kinds[i + 1 :]
        if not re.search(rf"\({re.escape(a)}, {re.escape(b)}\)|\({re.escape(b)}, {re.escape(a)}\)",
                         errors)
    ]
    assert not undetected, f"owlrl does not see these kinds as different: {undetected}"


# --------------------------------------------------------------------------------------------
# SHACL
# --------------------------------------------------------------------------------------------

GOOD = """
doc:1948-12-30-mao-to-stalin a kg:ArchivalRecord ;
    kg:title "Cable, Mao Zedong to Stalin" ;
    kg:reproduces comm:1948-12-30-mao-to-stalin ;
    kg:sourceFile "corpus/1948-12-30-mao-to-stalin.txt" ;
    kg:citation cit:1 .
cit:1 a kg:ArchivalCitation ; kg:archive "APRF" ; kg:fond "39" ; kg:folios "49-52" .

comm:1948-12-30-mao-to-stalin a kg:Cable ;
    kg:sender person:mao-zedong ; kg:recipient person:stalin ;
    kg:date "1948-12-30"^^xsd:date .

person:mao-zedong a kg:Person ; rdfs:label "Mao Zedong"@en ; kg:wikidata "Q5816" .
person:stalin a kg:Person ; rdfs:label "Joseph Stalin"@en ; kg:codename "Filippov" .

quantity:divisions-destroyed a kg:Quantity ;
    kg:value 35 ; kg:unit "divisions" ; kg:quantityKind kg:DivisionsDestroyed .
change:party-membership a kg:QuantityChange ;
    kg:quantityKind kg:PartyMembership ; kg:valueBefore 50000 ; kg:valueAfter 10000 .
deviation:chen-duxiu a kg:PoliticalDeviation ;
    kg:ordinal 1 ; kg:ledBy person:chen-duxiu ; kg:direction kg:Right ;
    kg:startDate "1927"^^xsd:gYear .
characterization:bai-po a kg:Characterization ;
    kg:assessor person:mao-zedong ; kg:assessed person:bai-po ;
    kg:quality "honest", "capable", "little experience" .
force:fu-zuoyi-group a kg:ForceCommitment ;
    kg:belligerent org:kuomintang ; kg:strength quantity:fu-zuoyi-divisions .
quantity:fu-zuoyi-divisions a kg:Quantity ;
    kg:value 48 ; kg:unit "divisions" ; kg:quantityKind kg:TroopStrength .
quantity:ahead-of-plan a kg:Quantity ;
    kg:minValue 15 ; kg:maxValue 20 ; kg:unit "days" ; kg:quantityKind kg:Duration .
quantity:two-weeks a kg:Quantity ;
    kg:value 2 ; kg:unit "weeks" ; kg:qualifier "about" ; kg:quantityKind kg:Duration ;
    kg:duration "P14D"^^xsd:duration .
thing:bai-po-is-bo-yibo a kg:Identification ;
    kg:identifies person:bai-po ; kg:identifiedAs person:bo-yibo ;
    kg:identificationKind kg:SameEntity ; kg:confidence kg:Probable .
thing:yao-soushi a kg:Identification ;
    kg:nameAsWritten "Yao Soushi" ; kg:identifiedAs person:rao-shushi ;
    kg:identificationKind kg:Transliteration ; kg:confidence kg:Probable .

fact:abc a kg:Fact ;
    rdf:subject quantity:divisions-destroyed ; rdf:predicate kg:value ; rdf:object 35 ;
    kg:statedIn doc:1948-12-30-mao-to-stalin ; kg:claimedBy person:mao-zedong ;
    kg:evidence ann:abc .
ann:abc a oa:Annotation ;
    oa:hasBody fact:abc ;
    oa:hasTarget [
        a oa:SpecificResource ;
        oa:hasSource doc:1948-12-30-mao-to-stalin ;
        oa:hasSelector
            [ a oa:TextQuoteSelector ; oa:exact "we finished off 35 full divisions" ] ,
            [ a oa:TextPositionSelector ;
              oa:start "1000"^^xsd:nonNegativeInteger ; oa:end "1033"^^xsd:nonNegativeInteger ]
    ] .
"""


def test_shapes_graph_is_valid_shacl(shapes: Graph):
    conforms, _results, text = validate(
        Graph(), shacl_graph=shapes, meta_shacl=True, inference="none"
    )
    assert conforms, text


def test_every_shape_speaks_to_a_curator(shapes: Graph):
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        if not isinstance(node_shape, URIRef):
            continue
        assert shapes.value(node_shape, RDFS.label) is not None, node_shape
        for prop in shapes.objects(node_shape, SH.property):
            assert shapes.value(prop, SH.message) is not None, (node_shape, prop)


def test_closed_lists_in_shapes_match_the_ontology(onto: Graph, shapes: Graph):
    kinds = set(onto.subjects(RDF.type, KG.QuantityKind))
    directions = set(onto.subjects(RDF.type, KG.DeviationDirection))
    lists = [set(Collection(shapes, o)) for o in shapes.objects(None, SH["in"])]
    assert lists.count(kinds) == 2
    assert directions in lists
    # and the ontology's AllDifferent covers the same kinds
    all_different = next(onto.subjects(RDF.type, OWL.AllDifferent))
    assert set(Collection(onto, onto.value(all_different, OWL.distinctMembers))) == kinds


@pytest.mark.parametrize("with_ontology", [False, True])
def test_shapes_accept_good_data(onto: Graph, shapes: Graph, with_ontology: bool):
    conforms, _violations, text = shacl(data(GOOD), shapes, onto if with_ontology else None)
    assert conforms, text


QUANTITY = f"{BASE}/id/quantity/divisions-destroyed"
FACT = f"{BASE}/id/fact/1948-12-30-mao-to-stalin/abc"
COMM = f"{BASE}/id/communication/1948-12-30-mao-to-stalin"


def without(graph: Graph, s: str, p: URIRef) -> Graph:
    graph.remove((URIRef(s), p, None))
    return graph


def with_value(graph: Graph, s: str, p: URIRef, o) -> Graph:
    graph.set((URIRef(s), p, o))
    return graph


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda g: without(g, QUANTITY, KG.value), (QUANTITY, None)),
        (lambda g: without(g, FACT, KG.evidence), (FACT, KG.evidence)),
        (lambda g: with_value(g, COMM, KG.date, Literal("30 December 1948")), (COMM, KG.date)),
        (
            lambda g: with_value(g, COMM, KG.date, Literal("1948-12-30", datatype=XSD.string)),
            (COMM, KG.date),
        ),
        (
            lambda g: with_value(g, COMM, KG.date, Literal("1948-13-30", datatype=XSD.date)),
            (COMM, KG.date),
        ),
        (lambda g: without(g, COMM, KG.sender), (COMM, KG.sender)),
        (lambda g: without(g, FACT, RDF.predicate), (FACT, RDF.predicate)),
        (
            lambda g: with_value(g, QUANTITY, KG.value, Literal("thirty-five")),
            (QUANTITY, KG.value),
        ),
        (
            lambda g: with_value(g, QUANTITY, KG.quantityKind, KG.Right),
            (QUANTITY, KG.quantityKind),
        ),
        (
            lambda g: with_value(g, str(PERSON["mao-zedong"]), KG.wikidata, Literal("5816")),
            (str(PERSON["mao-zedong"]), KG.wikidata),
        ),
        (
            lambda g: g.add((PERSON.stalin, RDFS.label, Literal("Filippov"))),
            (str(PERSON.stalin), RDFS.label),
        ),
        (
            lambda g: without(g, f"{BASE}/id/characterization/bai-po", KG.quality),
            (f"{BASE}/id/characterization/bai-po", KG.quality),
        ),
        (
            lambda g: without(g, f"{BASE}/id/deviation/chen-duxiu", KG.ledBy),
            (f"{BASE}/id/deviation/chen-duxiu", KG.ledBy),
        ),
        (
            lambda g: without(g, f"{BASE}/id/citation/1948-12-30-mao-to-stalin/1", KG.archive),
            (f"{BASE}/id/citation/1948-12-30-mao-to-stalin/1", KG.archive),
        ),
        (
            lambda g: without(g, f"{BASE}/id/force/fu-zuoyi-group", KG.belligerent),
            (f"{BASE}/id/force/fu-zuoyi-group", KG.belligerent),
        ),
        (
            lambda g: with_value(g, f"{BASE}/id/quantity/ahead-of-plan", KG.maxValue,
                                 Literal(10)),
            (f"{BASE}/id/quantity/ahead-of-plan", KG.minValue),
        ),
        (
            lambda g: with_value(g, f"{BASE}/id/quantity/two-weeks", KG.duration,
                                 Literal("about two weeks")),
            (f"{BASE}/id/quantity/two-weeks", KG.duration),
        ),
        (
            lambda g: without(g, f"{BASE}/id/thing/bai-po-is-bo-yibo", KG.confidence),
            (f"{BASE}/id/thing/bai-po-is-bo-yibo", KG.confidence),
        ),
        (
            lambda g: with_value(g, f"{BASE}/id/thing/yao-soushi", KG.identificationKind,
                                 KG.Left),
            (f"{BASE}/id/thing/yao-soushi", KG.identificationKind),
        ),
        (
            lambda g: without(g, f"{BASE}/id/thing/yao-soushi", KG.nameAsWritten),
            (f"{BASE}/id/thing/yao-soushi", None),
        ),
    ],
    ids=[
        "quantity-without-value",
        "fact-without-evidence",
        "date-as-plain-string",
        "date-typed-xsd-string",
        "date-ill-formed",
        "communication-without-sender",
        "fact-without-predicate",
        "value-not-a-number",
        "quantity-kind-not-a-kind",
        "wikidata-not-a-qid",
        "person-with-two-labels",
        "characterization-without-quality",
        "deviation-without-leader",
        "citation-without-archive",
        "force-without-side",
        "range-upside-down",
        "duration-as-words",
        "identification-without-confidence",
        "identification-kind-not-a-kind",
        "identification-of-nothing",
    ],
)
def test_shapes_reject_bad_data(shapes: Graph, mutate, expected):
    conforms, violations, text = shacl(mutate(data(GOOD)), shapes)
    assert not conforms
    focus, path = expected
    if path is None:  # an alternative path: the focus node is enough
        assert URIRef(focus) in {f for f, _ in violations}, text
    else:
        assert (URIRef(focus), path) in violations, text


def test_shapes_reject_selectors_without_offsets(shapes: Graph):
    graph = data(GOOD)
    oa = Namespace("http://www.w3.org/ns/oa#")
    graph.remove((None, oa.start, None))
    graph.remove((None, oa.end, None))
    conforms, _violations, text = shacl(graph, shapes)
    assert not conforms, text
    assert "character offsets" in text
