"""Red-team round 9: claims written from the digest that conformed although a rule of the standard is broken.

Each case changes a conforming example where one rule looks, next to a twin that differs only there and conforms;
both are checked on both SHACL engines, with reasoning on (OWL 2 RL) and off.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, checked, edited, with_nodes


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


BASE = _example("conforming-claim.jsonld")
MARKET = _example("annex-b/market-based-electricity-claim.jsonld")
RESIDUAL = _example("residual-only-claim.jsonld")
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str) -> set[str]:
    """The ids of the rules with a Violation (warnings are left out)."""
    return set(checked(document, engine, as_of=AS_OF, reasoning=reasoning).rule_ids)


def messages(document: dict[str, Any], engine: str, reasoning: str, rule: str) -> list[str]:
    report = checked(document, engine, as_of=AS_OF, reasoning=reasoning)
    return [r.message for r in report.results if r.rule_id == rule]


# --- CN-CRIT-01: own reductions and removal enhancements sold as credits do not count (§8.1, Annex A) ------------

CREDIT_FIELDS = {
    "vintageEndYear": "2024",
    "issuanceYear": "2025",
    "issuedByProgramme": "ex:programme",
    "meetsCriterion": ["Real", "Additional", "Measurable", "Permanent", "Certified"],
    "correspondingAdjustmentApplied": False,
    "isExPostCredit": True,
}
CUSTOMER = {"@id": "ex:customer", "@type": "Organization", "label": "Customer GmbH"}


def _sold(node: str, node_type: str, credit_type: str, serial: str, beneficiary: str) -> dict[str, Any]:
    """BASE with ``node`` also a carbon credit, retired by an event the claim does not link, for ``beneficiary``."""
    original = next(n for n in BASE["@graph"] if n["@id"] == node)
    as_credit = {**original, **CREDIT_FIELDS, "serialNumber": serial, "hasCreditType": credit_type}
    as_credit["@type"] = [node_type, "CarbonCredit"]
    document = edited(BASE, *((node, key, value) for key, value in as_credit.items()))
    return with_nodes(
        document,
        CUSTOMER,
        {
            "@id": "ex:retirement-customer",
            "@type": "OffsettingEvent",
            "retirementDate": "2025-02-01",
            "hasReportingPeriod": "ex:period-2024",
            "inRegistry": "ex:registry",
            "retiredOnBehalfOf": beneficiary,
            "retiresCredit": [node],
        },
    )


SOLD_CASES = [
    ("ex:reduction-green-electricity", "GHGEmissionReduction", "ReductionCredit", "EXR-2024-GREL-000001-001500"),
    ("ex:enhancement-woodland", "GHGRemovalEnhancement", "RemovalCredit", "EXR-2024-WOOD-000001-000400"),
]


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize(("node", "node_type", "credit_type", "serial"), SOLD_CASES)
def test_an_own_reduction_or_enhancement_sold_as_a_credit_to_another_party_does_not_count(
    engine: str, reasoning: str, node: str, node_type: str, credit_type: str, serial: str
) -> None:
    sold = _sold(node, node_type, credit_type, serial, "ex:customer")
    retired_for_itself = _sold(node, node_type, credit_type, serial, "ex:acme")
    assert violated(BASE, engine, reasoning) == set()
    # Red team 79b: retired for the claimant, as every bought credit is, it is no longer taken for the subject's own
    # project's credit (nothing in the claim tells the two apart): a credit is not the claim's own reduction.
    assert violated(retired_for_itself, engine, reasoning) == {"CN-CRIT-01"}
    assert any("as its own" in m for m in messages(retired_for_itself, engine, reasoning, "CN-CRIT-01"))
    assert violated(sold, engine, reasoning) == {"CN-CRIT-01"}
    found = messages(sold, engine, reasoning, "CN-CRIT-01")
    assert any(node.removeprefix("ex:") in m and "customer" in m for m in found), found


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_credit_from_outside_sold_to_a_customer_leaves_the_claim_alone(engine: str, reasoning: str) -> None:
    """Only the claim's own reductions are affected: the entity may sell credits it holds from elsewhere."""
    outside = with_nodes(
        BASE,
        CUSTOMER,
        {
            "@id": "ex:credit-elsewhere",
            "@type": "CarbonCredit",
            "tonnesCO2e": "100.0",
            "serialNumber": "EXR-2024-ELSE-000001-000100",
            "hasCreditType": "ReductionCredit",
            **CREDIT_FIELDS,
        },
        {
            "@id": "ex:retirement-customer",
            "@type": "OffsettingEvent",
            "retirementDate": "2025-02-01",
            "hasReportingPeriod": "ex:period-2024",
            "inRegistry": "ex:registry",
            "retiredOnBehalfOf": "ex:customer",
            "retiresCredit": ["ex:credit-elsewhere"],
        },
    )
    assert violated(outside, engine, reasoning) == set()


# --- CN-ELEC-05: a footprint counting instruments is market-based, also against the baseline (Annex B.4) ---------


@pytest.mark.rule("CN-ELEC-05")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_footprint_counting_instruments_without_naming_a_method_is_market_based_against_the_baseline(
    engine: str, reasoning: str
) -> None:
    unnamed = edited(MARKET, ("ex:footprint-2024", "electricityAccountingMethod", None))
    location_baseline = edited(unnamed, ("ex:baseline-2019", "electricityAccountingMethod", "LocationBasedMethod"))
    assert violated(unnamed, engine, reasoning) == set()
    assert violated(location_baseline, engine, reasoning) == {"CN-ELEC-05"}
    assert any(
        "MarketBasedMethod" in m and "LocationBasedMethod" in m
        for m in messages(location_baseline, engine, reasoning, "CN-ELEC-05")
    )
    # A footprint that names the location-based method itself is read as stated: no switch.
    stated = edited(location_baseline, ("ex:footprint-2024", "electricityAccountingMethod", "LocationBasedMethod"))
    assert "CN-ELEC-05" not in violated(stated, engine, reasoning)


# --- CN-BAL-01: every emission and removal of the footprint is quantified (§8.1, §12 h) ---------------------------


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_emission_without_a_quantity_is_not_quantified(engine: str, reasoning: str) -> None:
    dropped = edited(BASE, ("ex:emission-scope3", "tonnesCO2e", None), ("ex:footprint-2024", "tonnesCO2e", "9850.0"))
    kept_in_total = edited(BASE, ("ex:emission-scope3", "tonnesCO2e", None))
    assert violated(BASE, engine, reasoning) == set()
    assert violated(dropped, engine, reasoning) == {"CN-BAL-01"}
    assert violated(kept_in_total, engine, reasoning) == {"CN-BAL-01"}
    assert any(
        "emission-scope3" in m and "without a quantity" in m for m in messages(dropped, engine, reasoning, "CN-BAL-01")
    )


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_removal_without_a_quantity_is_not_quantified(engine: str, reasoning: str) -> None:
    unquantified = edited(BASE, ("ex:removal-woodland-2024", "tonnesCO2e", None))
    assert violated(unquantified, engine, reasoning) == {"CN-BAL-01"}
    assert any(
        "removal-woodland-2024" in m and "without a quantity" in m
        for m in messages(unquantified, engine, reasoning, "CN-BAL-01")
    )


# --- CN-CTYPE-01: only residual emissions remain, yet an emission is unabated above the residual level -----------


@pytest.mark.rule("CN-CTYPE-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_the_residual_only_flag_is_contradicted_by_an_unabated_emission(engine: str, reasoning: str) -> None:
    unabated = edited(RESIDUAL, ("ex:emission-scope1", "@type", ["Scope1Emission", "UnabatedGHGEmission"]))
    residual = edited(RESIDUAL, ("ex:emission-scope1", "@type", ["Scope1Emission", "ResidualGHGEmission"]))
    assert violated(RESIDUAL, engine, reasoning) == set()
    assert violated(residual, engine, reasoning) == set()
    assert violated(unabated, engine, reasoning) == {"CN-CTYPE-01"}
    assert any("emission-scope1" in m for m in messages(unabated, engine, reasoning, "CN-CTYPE-01"))
    # In the early phase (flag false) an unabated emission is what the claim says.
    early = edited(BASE, ("ex:emission-scope1", "@type", ["Scope1Emission", "UnabatedGHGEmission"]))
    assert violated(early, engine, reasoning) == set()
