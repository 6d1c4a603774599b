"""The comet-cn ontology: compatible with the COMET v0.1.0 extension, documented, OWL 2 DL-ready, offline.

The upstream IRIs, types and bridges are recorded in tests/data/upstream_*.txt (IRIs only), so these tests never
need the upstream file. The JSON-LD context is tested in tests/test_context.py, the DL reasoner in
tests/test_owl_dl.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

import comet_cn
from comet_cn.resources import data_dir, ontology_files, ontology_graph

DATA = Path(__file__).parent / "data"
CN = "https://comet.carbon/ext/iso14068#"
ONTOLOGY = URIRef("https://comet.carbon/ext/iso14068")
VERSION = URIRef(f"https://comet.carbon/ext/iso14068/{comet_cn.__version__}")
VANN = "http://purl.org/vocab/vann/"
SCHEMA = "http://schema.org/"
DOMAIN_INCLUDES = URIRef(SCHEMA + "domainIncludes")
RANGE_INCLUDES = URIRef(SCHEMA + "rangeIncludes")
BUILT_IN = (str(RDF), str(RDFS), str(OWL))
RELEASE = Literal("2026-11-24", datatype=XSD.date)

COMET_MODULES = {
    "https://comet.carbon/v1/core": "imports/comet-core.ttl",
    "https://comet.carbon/v1/pcf": "imports/comet-pcf.ttl",
    "https://comet.carbon/v1/eac": "imports/comet-eac.ttl",
    "https://comet.carbon/v1/ver": "imports/comet-ver.ttl",
    "https://comet.carbon/v1/market": "imports/comet-market.ttl",
    "https://comet.carbon/v1/supplychain": "imports/comet-supplychain.ttl",
}
TERMS_MODULE = "https://comet.carbon/ext/iso14068/iso14068-terms"

#: Every COMET class the extension refers to, and the module that must declare it.
COMET_CLASSES = {
    "imports/comet-core.ttl": ["Organization", "Product", "Stakeholder", "TopManagement", "OrganizationalBoundary"],
    "imports/comet-pcf.ttl": [
        "PCFResult",
        "GHGEmission",
        "Scope1Emission",
        "IndirectGHGEmission",
        "GHGRemoval",
        "SystemBoundary",
        "GlobalWarmingPotential",
        "CO2Equivalent",
    ],
    "imports/comet-supplychain.ttl": ["GHGSource", "GHGSink", "ValueChain"],
    "imports/comet-eac.ttl": ["CarbonCredit", "CreditingProgramme", "PublicRegistry", "RetirementEvent"],
    "imports/comet-ver.ttl": ["DisclosureRecord", "AuditClaim"],
}

#: SPEC.md: the classes that may never share an instance.
DISJOINT = {
    "CarbonNeutralityClaim",
    "CarbonNeutralityReport",
    "CarbonNeutralityManagementPlan",
    "CarbonNeutralityPathway",
    "CarbonNeutralityCommitment",
    "OffsettingEvent",
    "ReportingPeriod",
}

#: Concept scheme -> (member class, individual name prefix, notations in clause order).
SCHEMES = {
    "CreditingProgrammeCriteria": ("CreditingProgrammeCriterion", "ProgrammeCriterion_", "abcdefghi"),
    "ManagementPlanElements": ("ManagementPlanElement", "PlanElement_", "abcdefghijklm"),
    "ReportElements": ("ReportElement", "ReportElement_", "abcdefghijklmnopqrstuvwx"),
    "ClaimSummaryItems": ("ClaimSummaryItem", "ClaimSummaryItem_", "abcdefghijk"),
    "CommitmentItems": ("CommitmentItem", "CommitmentItem_", "abcdefghijk"),
}


def _rows(name: str) -> list[tuple[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def _module(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=(data_dir("ontology") / name).read_text(encoding="utf-8"), format="turtle")
    return graph


def _cn_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(CN)}


def _definition(name: str) -> str:
    return str(ontology_graph().value(URIRef(CN + name), SKOS.definition))


# ---- compatibility with the public COMET ISO 14068 extension v0.1.0 ----


def test_the_recorded_upstream_declarations_are_complete() -> None:
    """25 classes, 12 object and 7 datatype properties, 21 named individuals: the v0.1.0 file's declarations."""
    counts = Counter(rdf_type.rsplit("#", 1)[1] for _, rdf_type in _rows("upstream_declarations.txt"))
    assert counts == Counter(
        Class=25,
        ObjectProperty=12,
        DatatypeProperty=7,
        NamedIndividual=11,
        Principle=10,
        CreditCriterion=5,
        HierarchyAction=3,
        CreditType=3,
    )


@pytest.mark.parametrize(("iri", "rdf_type"), _rows("upstream_declarations.txt"))
def test_every_upstream_declaration_keeps_its_iri_and_type(iri: str, rdf_type: str) -> None:
    assert (URIRef(iri), RDF.type, URIRef(rdf_type)) in ontology_graph()


def test_all_eighteen_bridges_are_equivalences() -> None:
    bridges = _rows("upstream_bridges.txt")
    assert len(bridges) == 18
    missing = [
        (comet, iso)
        for comet, iso in bridges
        if (URIRef(comet), OWL.equivalentClass, URIRef(iso)) not in ontology_graph()
    ]
    assert missing == []


def test_every_bridge_target_is_declared_in_the_iso14068_terms_module() -> None:
    terms = _module("imports/iso14068-terms.ttl")
    undeclared = [iso for _, iso in _rows("upstream_bridges.txt") if (URIRef(iso), RDF.type, OWL.Class) not in terms]
    assert undeclared == []


def test_ten_principles_numbered_4_2_to_4_11() -> None:
    graph = ontology_graph()
    principles = set(graph.subjects(RDF.type, URIRef(CN + "Principle")))
    notations = sorted((str(graph.value(p, SKOS.notation)) for p in principles), key=lambda n: int(n.split(".")[1]))
    assert notations == [f"4.{n}" for n in range(2, 12)]
    assert set(graph.subjects(SKOS.inScheme, URIRef(CN + "Principles"))) == principles


# ---- the new vocabulary ----


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_clause_lists_are_concept_schemes_with_every_clause_letter(scheme: str) -> None:
    graph = ontology_graph()
    member_class, prefix, letters = SCHEMES[scheme]
    assert (URIRef(CN + scheme), RDF.type, SKOS.ConceptScheme) in graph
    members = set(graph.subjects(SKOS.inScheme, URIRef(CN + scheme)))
    assert members == {URIRef(CN + prefix + letter) for letter in letters}
    for letter in letters:
        member = URIRef(CN + prefix + letter)
        assert [str(n) for n in graph.objects(member, SKOS.notation)] == [letter]
        for rdf_type in (URIRef(CN + member_class), SKOS.Concept, OWL.NamedIndividual):
            assert (member, RDF.type, rdf_type) in graph, (member, rdf_type)
        assert graph.value(member, SKOS.prefLabel) is not None
        assert str(graph.value(member, DCTERMS.source)).endswith(f" {letter}")


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("CreditCriteria", {"Real": "a", "Additional": "b", "Measurable": "c", "Permanent": "d", "Certified": "e"}),
        (
            "HierarchyActions",
            {"Reduce_Inside_Boundary": "1", "Enhance_Removal_Inside_Boundary": "2", "Offset_Outside_Boundary": "3"},
        ),
        ("CreditTypes", {"AvoidanceCredit": None, "ReductionCredit": None, "RemovalCredit": None}),
    ],
)
def test_upstream_individuals_are_also_concepts_in_their_scheme(scheme: str, expected: dict[str, str | None]) -> None:
    graph = ontology_graph()
    members = {str(m)[len(CN) :] for m in graph.subjects(SKOS.inScheme, URIRef(CN + scheme))}
    assert members == set(expected)
    for name, notation in expected.items():
        value = graph.value(URIRef(CN + name), SKOS.notation)
        assert (str(value) if value is not None else None) == notation, name


def test_the_spec_classes_are_pairwise_disjoint() -> None:
    graph = ontology_graph()
    groups = [
        {str(m)[len(CN) :] for m in Collection(graph, graph.value(axiom, OWL.members))}
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert any(group >= DISJOINT for group in groups), groups


def test_every_spec_property_has_the_right_kind() -> None:
    graph = ontology_graph()
    object_properties = [
        "claimedBy",
        "hasManagementPlan",
        "hasCarbonFootprint",
        "hasEmissionReduction",
        "hasRemovalEnhancement",
        "hasOffsettingEvent",
        "hasRemovalReversal",
        "includesSummaryItem",
        "statedBy",
        "includesCommitmentItem",
        "hasAction",
        "includesPlanElement",
        "hasBasePeriod",
        "responsibleForDelivery",
        "hasTarget",
        "includesReportElement",
        "verificationStandard",
        "verifiedBy",
        "recognisedEquivalentOf",
        "hasEmission",
        "hasRemoval",
        "hasFinancedEmissions",
        "reversalOf",
        "reclassifiedAs",
        "retiresCredit",
        "inRegistry",
        "retiredOnBehalfOf",
        "issuedByProgramme",
        "meetsProgrammeCriterion",
    ]
    datatype_properties = [
        "onlyResidualEmissionsRemain",
        "claimDate",
        "actionOrder",
        "plannedDate",
        "scienceBasedReference",
        "targetYear",
        "verificationDate",
        "tonnesCO2e",
        "achievementDate",
        "reversalDate",
        "serialNumber",
        "issuanceYear",
        "basePeriodStart",
        "basePeriodEnd",
        "assetClass",
        "supportsTransition",
    ]
    wrong = [n for n in object_properties if (URIRef(CN + n), RDF.type, OWL.ObjectProperty) not in graph]
    wrong += [n for n in datatype_properties if (URIRef(CN + n), RDF.type, OWL.DatatypeProperty) not in graph]
    assert wrong == []


def test_every_spec_class_and_individual_is_declared() -> None:
    graph = ontology_graph()
    classes = [
        "PlanAction",
        "PathwayTarget",
        "ShortTermTarget",
        "LongTermTarget",
        "VerificationStandard",
        "ReportElement",
        "ManagementPlanElement",
        "ClaimSummaryItem",
        "CommitmentItem",
    ]
    assert [c for c in classes if (URIRef(CN + c), RDF.type, OWL.Class) not in graph] == []
    assert (URIRef(CN + "ISO_14064_3"), RDF.type, URIRef(CN + "VerificationStandard")) in graph
    subclass = {
        "ShortTermTarget": "PathwayTarget",
        "LongTermTarget": "PathwayTarget",
        "FinancialInstitution": "Entity",
        "ResidualGHGEmission": "UnabatedGHGEmission",
    }
    assert [c for c, p in subclass.items() if (URIRef(CN + c), RDFS.subClassOf, URIRef(CN + p)) not in graph] == []


# ---- documentation of every term ----


def test_every_comet_cn_term_has_one_label_one_definition_a_clause_and_is_defined_here() -> None:
    graph = ontology_graph()
    terms = _cn_terms(graph)
    assert len(terms) > 150
    problems = []
    for term in sorted(terms):
        labels = list(graph.objects(term, RDFS.label))
        definitions = list(graph.objects(term, SKOS.definition))
        sources = [str(s) for s in graph.objects(term, DCTERMS.source)]
        if len(labels) != 1 or len(definitions) != 1:
            problems.append(f"{term}: {len(labels)} labels, {len(definitions)} definitions")
        if not sources or not all(s.startswith("ISO 14068-1:2023 ") for s in sources):
            problems.append(f"{term}: no ISO 14068-1 clause source")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in graph:
            problems.append(f"{term}: not rdfs:isDefinedBy the ontology")
        for text in (*labels, *definitions):
            if (
                not isinstance(text, Literal)
                or text.language != "en"
                or str(text) != str(text).strip()
                or not str(text)
            ):
                problems.append(f"{term}: {text!r} is not a trimmed @en literal")
    assert problems == []


def test_labels_are_unique_and_definitions_say_more_than_the_label() -> None:
    graph = ontology_graph()
    terms = _cn_terms(graph)
    labels = Counter(str(graph.value(term, RDFS.label)).lower() for term in terms)
    assert [label for label, n in labels.items() if n > 1] == []
    restated = []
    for term in terms:
        definition = str(graph.value(term, SKOS.definition)).rstrip(".").lower()
        names = {str(graph.value(term, RDFS.label)).lower(), str(graph.value(term, SKOS.prefLabel)).lower()}
        if definition in names:
            restated.append(str(term))
    assert restated == []


def test_the_rfc_errors_are_corrected_in_the_definitions() -> None:
    """docs/rfc-corrections.md: each correction is visible on the IRI it concerns."""
    graph = ontology_graph()
    assert "Article 6 " in _definition("CorrespondingAdjustment")
    assert "6.4" not in _definition("CorrespondingAdjustment")
    assert "independent" not in _definition("VerificationOpinion").lower()
    assert "ISO 14064-3 or an equivalent" in _definition("VerificationOpinion")
    assert "insurance" not in _definition("FinancedEmissionsAccount").lower()
    assert "based on generally accepted science-based pathways" in _definition("CarbonNeutralityPathway")
    plan = _definition("CarbonNeutralityManagementPlan")
    assert "responsible" in plan and "type" in plan and "thirteen" in plan
    assert "at intervals the plan itself specifies" in str(
        graph.value(URIRef(CN + "CarbonNeutralityManagementPlan"), SKOS.scopeNote)
    )
    assert "not lie more than five years before the start" in _definition("vintageEndYear")
    assert "ten principles" in _definition("Principle")


# ---- OWL 2 DL hygiene ----


@pytest.mark.parametrize("path", ontology_files(), ids=lambda p: p.name)
def test_every_property_used_is_declared_in_its_module(path: Any) -> None:
    """OWL 2 DL needs every annotation property declared; rdflib built-ins aside, nothing may be left undeclared."""
    graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    declared = {
        s
        for kind in (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
    }
    undeclared = {str(p) for p in graph.predicates() if not str(p).startswith(BUILT_IN) and p not in declared}
    assert undeclared == set()


def test_every_class_the_ontology_mentions_is_declared() -> None:
    graph = ontology_graph()
    mentioned: set[URIRef] = set()
    for predicate in (RDFS.subClassOf, OWL.equivalentClass):
        for s, o in graph.subject_objects(predicate):
            mentioned |= {x for x in (s, o) if isinstance(x, URIRef)}
    for predicate in (DOMAIN_INCLUDES, RANGE_INCLUDES):
        mentioned |= {
            o for o in graph.objects(None, predicate) if isinstance(o, URIRef) and not str(o).startswith(str(XSD))
        }
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        mentioned |= set(Collection(graph, graph.value(axiom, OWL.members)))
    for union in graph.objects(None, OWL.unionOf):
        mentioned |= set(Collection(graph, union))
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(s).startswith(CN) and not str(o).startswith(BUILT_IN):
            mentioned.add(o)
    undeclared = sorted(str(c) for c in mentioned if (c, RDF.type, OWL.Class) not in graph)
    assert undeclared == []


def test_no_punning_and_no_constructs_the_fast_reasoner_lacks() -> None:
    graph = ontology_graph()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    seen: dict[URIRef, list[str]] = {}
    for kind in kinds:
        for subject in graph.subjects(RDF.type, kind):
            seen.setdefault(subject, []).append(str(kind))
    assert {str(s): k for s, k in seen.items() if len(k) > 1} == {}
    assert list(graph.subject_objects(OWL.propertyChainAxiom)) == []
    assert list(graph.subject_objects(OWL.hasKey)) == []


def test_no_object_property_has_a_domain_or_range_and_no_date_ranges() -> None:
    """The range trap: rdfs:domain/range type values under inference and make sh:class checks pass vacuously."""
    graph = ontology_graph()
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    assert [str(p) for p in object_properties if graph.value(p, RDFS.range) or graph.value(p, RDFS.domain)] == []
    outside_datatype_map = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.time, XSD.duration}
    assert [str(p) for p, r in graph.subject_objects(RDFS.range) if r in outside_datatype_map] == []
    cn_object_properties = [p for p in object_properties if str(p).startswith(CN)]
    assert [str(p) for p in cn_object_properties if graph.value(p, RANGE_INCLUDES) is None] == []


def test_date_and_year_properties_state_their_datatype_for_the_shapes() -> None:
    graph = ontology_graph()
    dates = {p for p, r in graph.subject_objects(RANGE_INCLUDES) if r in (XSD.date, XSD.gYear)}
    names = {str(p)[len(CN) :] for p in dates}
    assert {"retirementDate", "vintageEndYear", "targetYearResidualOnly", "reportingPeriodStart"} <= names
    assert [str(p) for p in dates if "SHACL" not in " ".join(graph.objects(p, SKOS.scopeNote))] == []


# ---- headers, catalog, location mapping, TopBraid ----


def test_ontology_header_is_complete() -> None:
    graph = _module("comet-cn.ttl")
    assert graph.value(ONTOLOGY, OWL.versionIRI) == VERSION
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == comet_cn.__version__
    assert graph.value(ONTOLOGY, OWL.priorVersion) == URIRef("https://comet.carbon/ext/iso14068/0.1.0")
    assert graph.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert isinstance(graph.value(ONTOLOGY, predicate), Literal), predicate
    assert graph.value(ONTOLOGY, DCTERMS.created) == RELEASE
    assert graph.value(ONTOLOGY, DCTERMS.modified) == RELEASE
    assert str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "comet-cn"
    assert str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == CN
    imports = {str(i) for i in graph.objects(ONTOLOGY, OWL.imports)}
    assert imports == {*COMET_MODULES, TERMS_MODULE}


@pytest.mark.parametrize("path", sorted(COMET_CLASSES), ids=lambda p: p.rsplit("/", 1)[1])
def test_local_comet_modules_declare_the_classes_the_extension_uses(path: str) -> None:
    graph = _module(path)
    iri = next(iri for iri, file in COMET_MODULES.items() if file == path)
    ontology = URIRef(iri)
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert graph.value(ontology, OWL.versionIRI) == URIRef(iri + f"/{comet_cn.__version__}-local")
    assert "local stand-in" in str(graph.value(ontology, DCTERMS.description))
    namespace = iri + "#"
    for name in COMET_CLASSES[path]:
        term = URIRef(namespace + name)
        assert (term, RDF.type, OWL.Class) in graph, term
        assert len(list(graph.objects(term, RDFS.label))) == 1, term
        assert len(list(graph.objects(term, SKOS.definition))) == 1, term
        assert (term, RDFS.isDefinedBy, ontology) in graph, term


def test_every_module_has_a_versioned_header() -> None:
    for path in ontology_files():
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
        assert len(ontologies) == 1, path.name
        assert graph.value(ontologies[0], OWL.versionIRI) is not None, path.name
        assert graph.value(ontologies[0], DCTERMS.title) is not None, path.name
        assert graph.value(ontologies[0], DCTERMS.license) is not None, path.name


def _catalog() -> dict[str, str]:
    root = ElementTree.fromstring((data_dir("ontology") / "catalog-v001.xml").read_text(encoding="utf-8"))
    return {e.get("name", ""): e.get("uri", "") for e in root.iter() if e.tag.endswith("}uri")}


def _names(graph: Graph) -> set[str]:
    return {str(n) for n in graph.subjects(RDF.type, OWL.Ontology)} | {
        str(n) for n in graph.objects(None, OWL.versionIRI)
    }


def test_every_import_resolves_through_the_catalog_alone() -> None:
    """Start from comet-cn.ttl and follow owl:imports using nothing but the catalog (the bug in COMET's catalog)."""
    catalog = _catalog()
    visited: set[str] = set()
    pending = ["https://comet.carbon/ext/iso14068"]
    while pending:
        iri = pending.pop()
        if iri in visited:
            continue
        visited.add(iri)
        assert iri in catalog, f"owl:imports <{iri}> is not in the catalog"
        graph = _module(catalog[iri])
        assert iri in _names(graph), f"the catalog maps <{iri}> to {catalog[iri]}, which is another ontology"
        pending.extend(str(target) for target in graph.objects(None, OWL.imports))
    assert visited == {"https://comet.carbon/ext/iso14068", *COMET_MODULES, TERMS_MODULE}
    reached = {catalog[iri] for iri in visited}
    shipped = {str(Path(p.name)) for p in ontology_files()}
    assert {Path(r).name for r in reached} == shipped


def test_catalog_maps_every_ontology_and_version_iri_and_jena_agrees() -> None:
    catalog = _catalog()
    for iri, relative in catalog.items():
        assert iri in _names(_module(relative)), (iri, relative)
    for path in ontology_files():
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        assert _names(graph) <= set(catalog), f"{path.name}: an ontology or version IRI is missing from the catalog"
    mapping = (data_dir("ontology") / "location-mapping.ttl").read_text(encoding="utf-8")
    jena = Graph().parse(data=mapping, format="turtle")
    lm = "http://jena.hpl.hp.com/2004/08/location-mapping#"
    pairs = {
        str(jena.value(entry, URIRef(lm + "name"))): str(jena.value(entry, URIRef(lm + "altName")))
        for entry in jena.objects(None, URIRef(lm + "mapping"))
    }
    assert pairs == catalog


@pytest.mark.parametrize("path", ontology_files(), ids=lambda p: p.name)
def test_topbraid_headers_match_each_file(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("# ")]
    graph = Graph().parse(data=text, format="turtle")
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    assert text.startswith(f"# baseURI: {ontology}\n")
    declared_imports = {line.split(": ", 1)[1] for line in header if line.startswith("# imports: ")}
    assert declared_imports == {str(i) for i in graph.objects(ontology, OWL.imports)}
    prefix = graph.value(ontology, URIRef(VANN + "preferredNamespacePrefix"))
    assert f"# prefix: {prefix}" in header
