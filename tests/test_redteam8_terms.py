"""CN-INPUT-02 catches IRIs that miss a vocabulary by a hair (red team 8).

A fact written with an IRI no rule reads is dropped without a word, and the claim judged without it. Four ways:
a near miss of a comet namespace (``http:`` for ``https:``, ``/`` for ``#``); a term the RDF, RDFS, OWL or XSD
vocabularies do not define (``rdf:typ``); a relative IRI in Turtle, which resolves to a ``file:`` IRI; and, the
other way round, a harmless prefix of the user's own (``"schema": "https://schema.org/"``) must not be reported as
a redefinition of a bundled term. Each violating input has a conforming twin that differs only there.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

import comet_cn
from comet_cn import validation
from comet_cn.loading import load_claim
from comet_cn.terms import bundled_terms, unknown_iris
from tests.conftest import EXAMPLES

CN = "https://comet.carbon/ext/iso14068#"
CORE = "https://comet.carbon/v1/core#"
EX = "https://example.org/acme/"
AS_OF = date(2026, 12, 1)
CONFORMING = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
FINANCIAL = json.loads((EXAMPLES / "financial-institution-claim.jsonld").read_text(encoding="utf-8"))
#: The financial-institution claim as N-Triples (valid Turtle), so that an IRI can be swapped by a text replace.
FINANCIAL_TTL = load_claim(copy.deepcopy(FINANCIAL)).graph.serialize(format="nt")


def _report(source: Any, **options: Any) -> comet_cn.ValidationReport:
    return comet_cn.validate(source, parameters=validation.RuleParameters(as_of=AS_OF), **options)


def _turtle(text: str, **options: Any) -> comet_cn.ValidationReport:
    return _report(text, format="turtle", **options)


def _unknown(report: comet_cn.ValidationReport, *, warnings: bool = False) -> list[str]:
    return [r.message for r in (report.warnings if warnings else report.violations) if r.rule_id == "CN-INPUT-02"]


def _swapped(old: str, new: str) -> str:
    """The financial-institution claim in Turtle with the IRI ``old`` written as ``new`` (a single change)."""
    assert f"<{old}>" in FINANCIAL_TTL
    return FINANCIAL_TTL.replace(f"<{old}>", f"<{new}>")


def _edit(document: dict[str, Any], node_id: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(next(node for node in copied["@graph"] if node.get("@id") == node_id))
    return copied


def _key_as(iri: str) -> dict[str, Any]:
    """The financial-institution claim with the key ``supportsTransition`` written as the full IRI ``iri``."""

    def change(node: dict[str, Any]) -> None:
        node[iri] = node.pop("supportsTransition")

    return _edit(FINANCIAL, "ex:financed-mortgages", change)


def _type_as(iri: str) -> dict[str, Any]:
    """The financial-institution claim with the entity's type ``FinancialInstitution`` written as ``iri``."""
    return _edit(FINANCIAL, "ex:acme", lambda node: node.update({"@type": [iri, "Organization"]}))


def _assert_reported(report: comet_cn.ValidationReport, iri: str, suggestion: str | None) -> None:
    assert not report.conforms
    found = [message for message in _unknown(report) if f"'{iri}'" in message]
    assert found, _unknown(report)
    if suggestion is not None:
        assert f"did you mean '{suggestion}'?" in found[0]


def test_the_twins_conform() -> None:
    assert _turtle(FINANCIAL_TTL).conforms
    for twin in (_key_as(CN + "supportsTransition"), _type_as(CN + "FinancialInstitution")):
        report = _report(twin)
        assert report.conforms and not _unknown(report, warnings=True)


# ---- 1. a near miss of a comet namespace ----

HTTP_CN = "http://comet.carbon/ext/iso14068#"


@pytest.mark.rule("CN-INPUT-02")
def test_a_property_in_the_http_form_of_the_namespace_is_reported_in_turtle() -> None:
    report = _turtle(_swapped(CN + "supportsTransition", HTTP_CN + "supportsTransition"))
    _assert_reported(report, HTTP_CN + "supportsTransition", CN + "supportsTransition")
    assert "near miss of the comet namespace" in _unknown(report)[0]


@pytest.mark.rule("CN-INPUT-02")
def test_a_key_in_the_http_form_of_the_namespace_is_reported_in_json_ld() -> None:
    iri = HTTP_CN + "supportsTransition"
    _assert_reported(_report(_key_as(iri)), iri, CN + "supportsTransition")


@pytest.mark.rule("CN-INPUT-02")
def test_a_key_with_a_slash_for_the_hash_of_the_namespace_is_reported() -> None:
    slash = "https://comet.carbon/ext/iso14068/supportsTransition"
    _assert_reported(_report(_key_as(slash)), slash, CN + "supportsTransition")


@pytest.mark.rule("CN-INPUT-02")
def test_a_type_in_the_http_form_of_the_namespace_is_reported() -> None:
    iri = HTTP_CN + "FinancialInstitution"
    report = _report(_type_as(iri))
    _assert_reported(report, iri, CN + "FinancialInstitution")
    assert any(message.startswith(f"CN-INPUT-02 (§4.2, §12): the type '{iri}'") for message in _unknown(report))


@pytest.mark.rule("CN-INPUT-02")
def test_a_near_miss_with_a_typo_too_suggests_the_nearest_term() -> None:
    iri = HTTP_CN + "supportTransition"
    _assert_reported(_turtle(_swapped(CN + "supportsTransition", iri)), iri, CN + "supportsTransition")


@pytest.mark.rule("CN-INPUT-02")
def test_a_near_miss_of_a_comet_module_namespace_suggests_its_term() -> None:
    for iri in ("http://comet.carbon/v1/core#Organization", "https://comet.carbon/v1/core/Organization"):
        _assert_reported(_turtle(_swapped(CORE + "Organization", iri)), iri, CORE + "Organization")


def test_a_near_miss_is_a_warning_when_unknown_terms_are_warnings() -> None:
    report = _report(_key_as(HTTP_CN + "supportsTransition"), unknown_terms="warning")
    # The misspelt key is a warning; the account then does not say it supports the transition (CN-FI-02).
    assert {r.rule_id for r in report.violations} == {"CN-FI-02"}
    assert any(f"'{HTTP_CN}supportsTransition'" in message for message in _unknown(report, warnings=True))


def test_a_page_of_the_same_site_named_as_a_value_is_no_near_miss() -> None:
    pages = ("https://comet.carbon/ext/iso14068/context.jsonld", "https://comet.carbon/ext/iso14068/0.2.0")
    document = copy.deepcopy(FINANCIAL)
    document["@context"][1]["dcterms"] = "http://purl.org/dc/terms/"
    document["@graph"][0]["dcterms:conformsTo"] = [{"@id": page} for page in pages]
    report = _report(document)
    assert report.conforms and not _unknown(report, warnings=True)


# ---- 2. a term the RDF, RDFS, OWL or XSD vocabularies do not define ----

TYPE = str(RDF.type)


@pytest.mark.rule("CN-INPUT-02")
def test_rdf_typ_for_rdf_type_is_reported_in_turtle() -> None:
    typed = f"<{EX}acme> <{TYPE}> <{CN}FinancialInstitution> ."
    assert typed in FINANCIAL_TTL
    report = _turtle(FINANCIAL_TTL.replace(typed, f"<{EX}acme> <{TYPE[:-1]}> <{CN}FinancialInstitution> ."))
    _assert_reported(report, TYPE[:-1], TYPE)
    assert "not a term RDF defines" in _unknown(report)[0]


@pytest.mark.rule("CN-INPUT-02")
def test_a_misspelt_rdfs_property_and_xsd_datatype_are_reported() -> None:
    lable = str(RDFS) + "lable"
    _assert_reported(_turtle(_swapped(str(RDFS.label), lable)), lable, str(RDFS.label))
    boolen = str(XSD) + "boolen"
    report = _turtle(_swapped(str(XSD.boolean), boolen))
    _assert_reported(report, boolen, str(XSD.boolean))
    assert any(f"the datatype '{boolen}'" in message for message in _unknown(report))


def test_every_term_the_w3c_vocabularies_define_is_fine() -> None:
    graph = Graph()
    node = URIRef(EX + "n")
    for predicate in (RDF.type, RDF.first, URIRef(str(RDF) + "_3"), RDFS.label, OWL.sameAs, RDFS.seeAlso):
        graph.add((node, predicate, URIRef(EX + "m")))
    graph.add((node, RDF.type, OWL.NamedIndividual))
    graph.add((node, URIRef(EX + "p"), Literal("x", datatype=URIRef(str(XSD) + "anySimpleType"))))
    graph.add((node, URIRef(EX + "p"), Literal("2024", datatype=XSD.gYear)))
    graph.add((node, URIRef(EX + "p"), URIRef(str(OWL))))  # the namespace itself
    assert unknown_iris(graph, bundled_terms()) == ()


# ---- 3. a relative IRI in Turtle, resolved to a file: IRI ----


@pytest.mark.rule("CN-INPUT-02")
def test_a_relative_property_iri_is_reported_with_the_comet_term_of_its_name() -> None:
    report = _turtle(_swapped(CN + "supportsTransition", "supportsTransition"))
    assert not report.conforms
    (message,) = _unknown(report)
    assert "'file:" in message and "supportsTransition'" in message and "relative IRI" in message
    assert f"did you mean '{CN}supportsTransition'?" in message


@pytest.mark.rule("CN-INPUT-02")
def test_a_relative_property_iri_in_a_turtle_file_names_the_file_iri(tmp_path: Path) -> None:
    path = tmp_path / "claim.ttl"
    path.write_text(_swapped(CN + "supportsTransition", "#supportsTransition"), encoding="utf-8")
    report = _report(path)
    assert not report.conforms
    (message,) = _unknown(report)  # (which location the reader resolves against is the reader's choice)
    assert "the property 'file:" in message and "#supportsTransition'" in message
    assert f"did you mean '{CN}supportsTransition'?" in message
    twin = tmp_path / "twin.ttl"
    twin.write_text(FINANCIAL_TTL, encoding="utf-8")
    assert _report(twin).conforms


@pytest.mark.rule("CN-INPUT-02")
def test_a_relative_type_iri_is_reported() -> None:
    report = _turtle(_swapped(CN + "FinancialInstitution", "FinancialInstitution"))
    assert not report.conforms
    assert any("the type 'file:" in m and f"did you mean '{CN}FinancialInstitution'?" in m for m in _unknown(report))


def test_relative_node_iris_are_fine() -> None:
    report = _turtle(_swapped(EX + "acme", "acme"))
    assert report.conforms and not _unknown(report, warnings=True)


# ---- 4. the document's own prefix for an outside vocabulary is no redefinition ----


def _with_context(document: dict[str, Any], **definitions: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    copied["@context"][1].update(definitions)
    return copied


def test_an_https_schema_org_prefix_for_an_annotation_conforms() -> None:
    document = _with_context(CONFORMING, schema="https://schema.org/")
    document["@graph"][0]["schema:name"] = "Acme claim 2024"
    report = _report(document)
    assert report.conforms and not _unknown(report, warnings=True)


@pytest.mark.parametrize(
    "prefix, iri",
    [
        ("dcterms", "https://purl.org/dc/terms/"),
        ("skos", "https://www.w3.org/2004/02/skos/core#"),
        ("prov", "https://www.w3.org/ns/prov#"),
        ("qudt", "https://qudt.org/schema/qudt/"),
    ],
)
def test_other_outside_vocabulary_prefixes_may_be_redefined(prefix: str, iri: str) -> None:
    assert not load_claim(_with_context(CONFORMING, **{prefix: iri})).unknown_terms


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize(
    "prefix, iri",
    [("comet-cn", "http://comet.carbon/ext/iso14068#"), ("comet", "https://other.example/core#")],
)
def test_a_comet_prefix_redefined_is_still_reported(prefix: str, iri: str) -> None:
    report = _report(_with_context(CONFORMING, **{prefix: iri}))
    assert not report.conforms
    assert any(f"'{prefix}'" in message and f"'{iri}'" in message for message in _unknown(report))


@pytest.mark.rule("CN-INPUT-02")
def test_a_redefined_comet_term_or_keyword_alias_is_still_reported() -> None:
    found = load_claim(_with_context(FINANCIAL, supportsTransition="ex:supportsTransition")).unknown_terms
    assert [u.term for u in found] == ["supportsTransition"]
    found = load_claim(_with_context(CONFORMING, type="ex:kind")).unknown_terms
    assert "type" in [u.term for u in found]
