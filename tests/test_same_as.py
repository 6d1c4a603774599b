"""A node the claim declares the same as another (``owl:sameAs``) is one node, not two.

OWL 2 RL copies every statement across a ``sameAs`` pair, so a claim whose subject, entity or footprint was also
named under a second IRI had two of them and failed CN-CLAIM-03, CN-CLAIM-04 or CN-BAL-01 ("exactly one") although
it names one (red team 6). Equal nodes are now merged before reasoning. The violating twins show that a ``sameAs``
still cannot hide a real problem: two different footprints declared the same one are two values, not one.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

import comet_cn
from comet_cn import RuleParameters
from comet_cn.errors import InputError
from comet_cn.same_as import merge_same_as, same_as_pairs
from tests.conftest import ENGINES, EXAMPLES, edited, with_nodes

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 1, 15))


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine, reasoning=reasoning)  # type: ignore[arg-type]
    return {r.rule_id for r in report.results if r.severity.name == "VIOLATION"}


# The entity also registered under its legal-register IRI.
ALIAS = {
    "@id": "ex:acme-register",
    "@type": "Organization",
    "label": "Acme Ceramics GmbH (register)",
    "owl:sameAs": {"@id": "ex:acme"},
}


def _subject_is_alias() -> dict[str, Any]:
    return edited(with_nodes(BASE, ALIAS), ("ex:claim-2024", "hasSubject", "ex:acme-register"))


def _entity_states_alias() -> dict[str, Any]:
    document = with_nodes(BASE, {k: v for k, v in ALIAS.items() if k != "owl:sameAs"})
    return edited(
        document,
        ("ex:acme", "owl:sameAs", {"@id": "ex:acme-register"}),
        ("ex:claim-2024", "hasSubject", "ex:acme-register"),
    )


def _retired_for_alias() -> dict[str, Any]:
    return edited(with_nodes(BASE, ALIAS), ("ex:retirement-2025-03", "retiredOnBehalfOf", "ex:acme-register"))


def _report_footprint_alias(tonnes: str = "12450.0") -> dict[str, Any]:
    published = {"@id": "ex:footprint-2024-published", "@type": "CarbonFootprint", "tonnesCO2e": tonnes}
    published["owl:sameAs"] = {"@id": "ex:footprint-2024"}
    return edited(with_nodes(BASE, published), ("ex:report-2024", "hasCarbonFootprint", "ex:footprint-2024-published"))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "build",
    [_subject_is_alias, _entity_states_alias, _retired_for_alias, _report_footprint_alias],
    ids=["subject-is-an-alias-of-the-entity", "entity-states-the-alias", "retired-for-an-alias", "report-footprint"],
)
@pytest.mark.parametrize("reasoning", ["owlrl", "rdfs"])
def test_a_node_named_twice_is_one_node(build: Any, engine: str, reasoning: str) -> None:
    assert violated(build(), engine, reasoning) == set()


@pytest.mark.rule("CN-CLAIM-05", "CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_different_footprints_declared_the_same_still_fail(engine: str) -> None:
    # The published footprint says 450 t where the claim's says 12,450 t: one footprint with two totals.
    assert violated(_report_footprint_alias("450.0"), engine) & {"CN-BAL-01", "CN-CLAIM-05"}


@pytest.mark.rule("CN-CLAIM-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_alias_of_an_unrelated_organisation_is_still_not_the_entity(engine: str) -> None:
    stranger = {"@id": "ex:stranger", "@type": "Organization", "label": "Unrelated AG"}
    alias = {**ALIAS, "owl:sameAs": {"@id": "ex:stranger"}}
    document = edited(with_nodes(BASE, stranger, alias), ("ex:claim-2024", "hasSubject", "ex:acme-register"))
    assert "CN-CLAIM-03" in violated(document, engine)


def test_equal_individuals_are_merged_into_one_named_node() -> None:
    ex = "https://example.org/"
    graph = Graph()
    a, b, c = URIRef(ex + "b"), URIRef(ex + "a"), URIRef(ex + "c")
    graph.add((a, OWL.sameAs, b))
    graph.add((c, OWL.sameAs, a))
    graph.add((a, URIRef(ex + "p"), Literal("x")))
    graph.add((URIRef(ex + "s"), URIRef(ex + "q"), c))
    replaced = merge_same_as(graph, same_as_pairs(graph))
    # c is the one a statement refers to (ex:s ex:q c), a is only described, b neither: c stands for all three.
    assert replaced == {a: c, b: c}
    assert set(graph) == {(c, URIRef(ex + "p"), Literal("x")), (URIRef(ex + "s"), URIRef(ex + "q"), c)}


def test_the_name_the_claim_uses_stands_for_an_identifier_declared_the_same() -> None:
    # The claim names its entity ex:acme throughout and gives a did:web identifier once: ex:acme stays, although
    # "did:…" sorts first, so that another period's claim naming ex:acme is about the same subject (red team 23).
    ex = "https://example.org/"
    acme, did, claim = URIRef(ex + "acme"), URIRef("did:web:acme.example"), URIRef(ex + "claim")
    graph = Graph()
    graph.add((claim, URIRef(ex + "hasSubject"), acme))
    graph.add((claim, URIRef(ex + "claimedBy"), acme))
    graph.add((acme, OWL.sameAs, did))
    assert merge_same_as(graph, same_as_pairs(graph)) == {did: acme}
    # However well the identifier is described (types, labels), the node the claim refers to stands (red team 24).
    graph = Graph()
    graph.add((claim, URIRef(ex + "hasSubject"), acme))
    graph.add((acme, OWL.sameAs, did))
    for n in range(8):
        graph.add((did, URIRef(ex + f"label{n}"), Literal(f"Acme {n}")))
    assert merge_same_as(graph, same_as_pairs(graph)) == {did: acme}
    # A blank node the claim uses more still gives way to an IRI, which names it in findings and across inputs.
    blank, named = BNode(), URIRef(ex + "z-entity")
    graph = Graph()
    graph.add((claim, URIRef(ex + "hasSubject"), blank))
    graph.add((claim, URIRef(ex + "claimedBy"), blank))
    graph.add((blank, OWL.sameAs, named))
    assert merge_same_as(graph, same_as_pairs(graph)) == {blank: named}


def test_a_class_or_property_declared_the_same_is_left_for_owlrl() -> None:
    ex = "https://example.org/"
    graph = Graph()
    graph.add((URIRef(ex + "x"), RDF.type, URIRef(ex + "C")))
    graph.add((URIRef(ex + "C"), OWL.sameAs, URIRef(ex + "D")))
    assert same_as_pairs(graph) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_vocabulary_term_declared_the_same_as_another_is_refused(engine: str) -> None:
    # "avoidance is removal" would turn an avoidance credit into a removal one (OWL 2 RL copies statements across
    # the pair): a claim may not equate vocabulary terms, as it may not state schema.
    trick = {"@id": "comet-cn:AvoidanceCredit", "owl:sameAs": {"@id": "comet-cn:RemovalCredit"}}
    document = with_nodes(BASE, trick)
    document["@context"][1]["comet-cn"] = "https://comet.carbon/ext/iso14068#"
    credits = [n for n in document["@graph"] if n.get("@type") == "CarbonCredit"]
    for credit in credits:
        credit["hasCreditType"] = "AvoidanceCredit"
    with pytest.raises(InputError, match=r"may not redefine the vocabulary .*owl:sameAs naming"):
        comet_cn.validate(document, shacl_engine=engine)  # type: ignore[arg-type]
