"""The comet-cn JSON-LD context: a superset of the public COMET context, one term per comet-cn IRI, offline.

Term expansion runs through pyld with a document loader that refuses every URL; documents that name a context
IRI go through comet_cn.loading.load, whose loader serves only the bundled context. No test can reach the
network. The upstream context is rebuilt from the IRIs, term names and coercions recorded in
tests/data/upstream_context_terms.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from comet_cn.errors import InputError
from comet_cn.loading import load
from comet_cn.resources import CONTEXT_IRIS, context_document, ontology_graph

DATA = Path(__file__).parent / "data"
CN = "https://comet.carbon/ext/iso14068#"
SCHEMA_RANGE = URIRef("http://schema.org/rangeIncludes")
SUBJECT = "http://example.org/subject"
OBJECT = "http://example.org/object"

#: Upstream terms coerced with "@id" that comet-cn coerces with "@vocab" (SPEC.md), so that a value may name one
#: of our individuals by its bare term. Compact and absolute IRI values expand exactly as before.
VOCAB_UPGRADES = {"hierarchyStep", "meetsCriterion", "hasCreditType"}

#: Every object property whose values are comet-cn named individuals, with one individual each.
VOCAB_PROPERTIES = {
    "hierarchyStep": "Offset_Outside_Boundary",
    "hasCreditType": "RemovalCredit",
    "meetsCriterion": "Permanent",
    "meetsProgrammeCriterion": "ProgrammeCriterion_i",
    "includesPlanElement": "PlanElement_m",
    "includesReportElement": "ReportElement_x",
    "includesSummaryItem": "ClaimSummaryItem_k",
    "includesCommitmentItem": "CommitmentItem_k",
    "verificationStandard": "ISO_14064_3",
    "recognisedEquivalentOf": "ISO_14064_3",
    "consistentWith": "ISO_14067",
    "quantificationStandard": "ISO_14067",
    "lifeCycleScope": "PartialLifeCycle",
    "intendedMarket": "BusinessToBusiness",
    "coversEventPhase": "EventPhase_PostEvent",
    "eventRecurrence": "RecurringEvent",
    "electricityAccountingMethod": "LocationBasedMethod",
    "evidenceFor": "ReportElement_w",
}

#: SPEC.md's convenience terms for COMET classes.
COMET_CLASS_TERMS = {
    "Organization": "https://comet.carbon/v1/core#Organization",
    "Product": "https://comet.carbon/v1/core#Product",
    "Stakeholder": "https://comet.carbon/v1/core#Stakeholder",
    "TopManagement": "https://comet.carbon/v1/core#TopManagement",
    "CarbonFootprint": "https://comet.carbon/v1/pcf#PCFResult",
    "GHGEmission": "https://comet.carbon/v1/pcf#GHGEmission",
    "GHGRemoval": "https://comet.carbon/v1/pcf#GHGRemoval",
    "Scope1Emission": "https://comet.carbon/v1/pcf#Scope1Emission",
    "IndirectGHGEmission": "https://comet.carbon/v1/pcf#IndirectGHGEmission",
    "CarbonCredit": "https://comet.carbon/v1/eac#CarbonCredit",
    "CreditingProgramme": "https://comet.carbon/v1/eac#CreditingProgramme",
    "PublicRegistry": "https://comet.carbon/v1/eac#PublicRegistry",
    "RetirementEvent": "https://comet.carbon/v1/eac#RetirementEvent",
    "DisclosureRecord": "https://comet.carbon/v1/ver#DisclosureRecord",
    "AuditClaim": "https://comet.carbon/v1/ver#AuditClaim",
    "GHGSource": "https://comet.carbon/v1/supplychain#GHGSource",
    "GHGSink": "https://comet.carbon/v1/supplychain#GHGSink",
    "ValueChain": "https://comet.carbon/v1/supplychain#ValueChain",
}


def _refuse(url: str, options: Any = None) -> Any:
    raise AssertionError(f"pyld tried to load {url}: the tests must stay offline")


def _ours() -> dict[str, Any]:
    context: dict[str, Any] = context_document()["@context"]
    return context


def _upstream() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "upstream_context_terms.json").read_text(encoding="utf-8"))
    return data


def _upstream_context() -> dict[str, Any]:
    """The public COMET context, rebuilt from the recorded IRIs and coercions (all IRIs absolute)."""
    data = _upstream()
    return {"@version": data["version"], **data["aliases"], **data["prefixes"], **data["terms"]}


def _expand(context: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    document = {"@context": context, "@id": SUBJECT, **body}
    expanded: list[dict[str, Any]] = jsonld.expand(document, {"documentLoader": _refuse})
    return expanded


def _as_property(context: dict[str, Any], term: str) -> str:
    node = _expand(context, {term: {"@id": OBJECT}})[0]
    return next(key for key in node if key != "@id")


def _as_type(context: dict[str, Any], term: str) -> str:
    node = _expand(context, {"@type": term})[0]
    value: str = node["@type"][0]
    return value


def _to_rdf(document: dict[str, Any]) -> Graph:
    """JSON-LD to RDF through the package's own loader, which serves only the bundled context (CONTEXT_IRIS)."""
    return load(document)


def test_every_upstream_prefix_is_kept() -> None:
    ours = _ours()
    changed = {p: (ns, ours.get(p)) for p, ns in _upstream()["prefixes"].items() if ours.get(p) != ns}
    assert changed == {}


def test_every_upstream_term_expands_to_the_same_iri_as_property_and_as_type() -> None:
    ours = _ours()
    terms = _upstream()["terms"]
    as_property = {t: _as_property(ours, t) for t in terms}
    assert {t: iri for t, iri in as_property.items() if iri != terms[t]["@id"]} == {}
    as_type = {t: _as_type(ours, t) for t in terms}
    assert {t: iri for t, iri in as_type.items() if iri != terms[t]["@id"]} == {}


def test_every_upstream_coercion_is_kept_except_the_documented_vocab_upgrades() -> None:
    ours = _ours()
    changed = {}
    for term, definition in _upstream()["terms"].items():
        mine = ours[term] if isinstance(ours[term], dict) else {}
        for keyword in ("@type", "@language"):
            theirs = definition.get(keyword)
            if theirs is None and keyword not in mine:
                continue
            value = mine.get(keyword)
            if isinstance(value, str) and ":" in value and not value.startswith("@"):
                prefix, _, local = value.partition(":")
                value = ours.get(prefix, prefix + ":") + local
            if value != theirs and not (term in VOCAB_UPGRADES and (theirs, value) == ("@id", "@vocab")):
                changed[(term, keyword)] = (theirs, value)
    assert changed == {}
    assert {t for t in VOCAB_UPGRADES if _upstream()["terms"][t].get("@type") == "@id"} == VOCAB_UPGRADES


def test_documents_written_for_the_upstream_context_give_the_same_triples_with_ours() -> None:
    """One node using every upstream term with an absolute IRI or a literal, expanded under both contexts."""
    body: dict[str, Any] = {}
    for term, definition in _upstream()["terms"].items():
        coercion = definition.get("@type")
        if coercion in ("@id", "@vocab"):
            body[term] = f"http://example.org/value/{term}"
        elif coercion is not None:
            body[term] = "2026"
        else:
            body[term] = {"@id": f"http://example.org/value/{term}"} if term[0].isupper() else "text"
    assert _expand(_upstream_context(), body) == _expand(_ours(), body)


def test_context_has_a_term_for_every_comet_cn_iri_named_by_its_local_name() -> None:
    ours = _ours()
    graph = ontology_graph()
    terms = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(CN)}
    assert len(terms) > 150
    local = {str(t)[len(CN) :]: str(t) for t in terms}
    missing = sorted(name for name in local if name not in ours)
    assert missing == []
    properties = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    wrong = {}
    for name, iri in local.items():
        expanded = _as_property(ours, name) if URIRef(iri) in properties else _as_type(ours, name)
        if expanded != iri:
            wrong[name] = expanded
    assert wrong == {}


def test_object_properties_coerce_to_iris_and_individual_valued_ones_to_vocabulary_terms() -> None:
    ours = _ours()
    graph = ontology_graph()
    object_properties = {
        str(p)[len(CN) :] for p in graph.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(CN)
    }
    assert set(VOCAB_PROPERTIES) <= object_properties
    coercions = {name: ours[name].get("@type") for name in object_properties}
    expected = {name: "@vocab" if name in VOCAB_PROPERTIES else "@id" for name in object_properties}
    assert coercions == expected


@pytest.mark.parametrize(("term", "individual"), sorted(VOCAB_PROPERTIES.items()))
def test_a_bare_individual_name_expands_to_the_comet_cn_individual(term: str, individual: str) -> None:
    node = _expand(_ours(), {term: individual})[0]
    assert node[CN + term] == [{"@id": CN + individual}]
    assert (URIRef(CN + individual), RDF.type, OWL.NamedIndividual) in ontology_graph()


def test_datatype_properties_are_typed_as_the_ontology_says() -> None:
    """Decimal, boolean and integer ranges and the SHACL-enforced date/gYear ranges match the context coercion."""
    ours = _ours()
    graph = ontology_graph()
    mismatches = {}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        if not str(prop).startswith(CN):
            continue
        declared = {graph.value(prop, RDFS.range), *graph.objects(prop, SCHEMA_RANGE)} - {None}
        assert len(declared) == 1, (prop, declared)
        datatype = str(declared.pop())
        name = str(prop)[len(CN) :]
        coercion = ours[name].get("@type")
        expected = None if datatype == str(XSD.string) else "xsd:" + datatype[len(str(XSD)) :]
        if coercion != expected:
            mismatches[name] = (coercion, expected)
    assert mismatches == {}


def test_tonnes_co2e_is_an_xsd_decimal_and_a_string_quantity_stays_a_well_formed_decimal() -> None:
    ours = _ours()
    assert ours["tonnesCO2e"] == {"@id": "comet-cn:tonnesCO2e", "@type": "xsd:decimal"}
    document = {"@context": CONTEXT_IRIS[0], "@id": SUBJECT, "tonnesCO2e": "1250.5"}
    values = list(_to_rdf(document).objects(URIRef(SUBJECT), URIRef(CN + "tonnesCO2e")))
    assert values == [Literal("1250.5", datatype=XSD.decimal)]


def test_dates_years_and_booleans_become_typed_literals() -> None:
    document = {
        "@context": CONTEXT_IRIS[0],
        "@id": SUBJECT,
        "reportingPeriodStart": "2025-01-01",
        "vintageEndYear": "2022",
        "isExPostCredit": "true",
        "actionOrder": "2",
    }
    dataset = _to_rdf(document)
    got = {str(p)[len(CN) :]: o for _, p, o in dataset.triples((URIRef(SUBJECT), None, None))}
    assert got == {
        "reportingPeriodStart": Literal("2025-01-01", datatype=XSD.date),
        "vintageEndYear": Literal("2022", datatype=XSD.gYear),
        "isExPostCredit": Literal("true", datatype=XSD.boolean),
        "actionOrder": Literal("2", datatype=XSD.integer),
    }


def test_convenience_terms_name_declared_comet_classes() -> None:
    ours = _ours()
    graph = ontology_graph()
    assert {term: _as_type(ours, term) for term in COMET_CLASS_TERMS} == COMET_CLASS_TERMS
    undeclared = [iri for iri in COMET_CLASS_TERMS.values() if (URIRef(iri), RDF.type, OWL.Class) not in graph]
    assert undeclared == []


def test_extra_prefixes_for_shapes_schema_org_and_iso_terms() -> None:
    ours = _ours()
    assert ours["cnsh"] == "https://comet.carbon/ext/iso14068/shapes#"
    assert ours["schema"] == "http://schema.org/"
    assert ours["iso14068"] == "https://www.iso.org/standard/14068-1#"
    assert ours["comet-cn"] == CN
    assert ours["@version"] == 1.1


@pytest.mark.parametrize("iri", CONTEXT_IRIS)
def test_every_context_iri_is_served_offline_with_the_same_document(iri: str) -> None:
    document = {"@context": iri, "@id": SUBJECT, "@type": "PlanAction", "hierarchyStep": "Reduce_Inside_Boundary"}
    dataset = _to_rdf(document)
    assert (URIRef(SUBJECT), RDF.type, URIRef(CN + "PlanAction")) in dataset
    assert (URIRef(SUBJECT), URIRef(CN + "hierarchyStep"), URIRef(CN + "Reduce_Inside_Boundary")) in dataset


def test_an_unknown_remote_context_is_refused_not_fetched() -> None:
    elsewhere = "https://example.org/elsewhere/context.jsonld"
    with pytest.raises(InputError, match="unknown remote @context"):
        _to_rdf({"@context": elsewhere, "@id": SUBJECT})
