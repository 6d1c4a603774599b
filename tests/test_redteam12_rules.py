"""Red-team round 12: claims written from the digest that conformed although a rule was broken.

Each case changes the conforming example where one rule looks, next to a twin that differs only there and
conforms; both are checked on both SHACL engines, with reasoning (OWL 2 RL) and without.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, violated_rules

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str) -> set[str]:
    return violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning)


def messages(document: dict[str, Any], engine: str, rule: str, reasoning: str = "owlrl") -> list[str]:
    return rule_messages(document, engine, rule, as_of=AS_OF, reasoning=reasoning)


# --- CN-PLAN-03: the base period ends before the reporting period starts (§3.2.14, §3.2.13, §10.1) -------------


def _base_period(start: str, end: str) -> dict[str, Any]:
    return edited(
        BASE, ("ex:base-period-2019", "basePeriodStart", start), ("ex:base-period-2019", "basePeriodEnd", end)
    )


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_base_period_equal_to_or_overlapping_the_reporting_period_compares_nothing(
    engine: str, reasoning: str
) -> None:
    # The reporting period is 2024-01-01 to 2024-12-31.
    assert violated(_base_period("2023-01-01", "2023-12-31"), engine, reasoning) == set()
    same = _base_period("2024-01-01", "2024-12-31")
    assert violated(same, engine, reasoning) == {"CN-PLAN-03"}
    assert violated(_base_period("2023-07-01", "2024-06-30"), engine, reasoning) == {"CN-PLAN-03"}
    # A last day on the reporting period's first day is an exclusive end, accepted; one day more is not.
    assert violated(_base_period("2023-01-01", "2024-01-01"), engine, reasoning) == set()
    assert violated(_base_period("2023-01-02", "2024-01-02"), engine, reasoning) == {"CN-PLAN-03"}
    [message] = messages(same, engine, "CN-PLAN-03", reasoning)
    assert "2024-12-31" in message and "starts (2024-01-01)" in message


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_base_period_inside_a_long_reporting_period_is_not_historical(engine: str) -> None:
    long = edited(BASE, ("ex:period-2024", "reportingPeriodStart", "2015-01-01"))
    assert "CN-PLAN-03" in violated(long, engine, "owlrl")
    assert "CN-PLAN-03" not in violated(BASE, engine, "owlrl")


# --- CN-CLAIM-06: a verification opinion that records a non-conformity does not support the claim (§13) -------


def _opinion_with(nonconformity: dict[str, Any] | None) -> dict[str, Any]:
    return edited(BASE, ("ex:opinion-2024", "hasNonConformity", nonconformity))


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_opinion_recording_a_major_non_conformity_does_not_support_the_claim(engine: str, reasoning: str) -> None:
    major = _opinion_with({"@type": "NonConformity", "nonConformitySeverity": "major", "label": "misstated"})
    minor = _opinion_with({"@type": "NonConformity", "nonConformitySeverity": " Minor ", "label": "rounding"})
    unrated = _opinion_with({"@type": "NonConformity", "label": "footprint materially misstated"})
    assert violated(minor, engine, reasoning) == set()
    assert violated(major, engine, reasoning) == {"CN-CLAIM-06"}
    assert violated(unrated, engine, reasoning) == {"CN-CLAIM-06"}
    [message] = messages(major, engine, "CN-CLAIM-06", reasoning)
    assert "severity major" in message and "reissued" in message
    [message] = messages(unrated, engine, "CN-CLAIM-06", reasoning)
    assert "no severity stated" in message


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_severity_that_only_mentions_minor_is_not_minor(engine: str) -> None:
    assert violated(_opinion_with({"nonConformitySeverity": "not minor"}), engine, "owlrl") == {"CN-CLAIM-06"}
    assert violated(_opinion_with({"nonConformitySeverity": "minor"}), engine, "owlrl") == set()


# --- CN-HIER-02: removal enhancements come after reductions in the plan's order (§5.2) -------------------------


def _woodland_order(order: int) -> dict[str, Any]:
    return edited(BASE, ("ex:action-woodland", "actionOrder", order))


@pytest.mark.rule("CN-HIER-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_removal_enhancement_ordered_before_a_reduction_breaks_the_hierarchy(engine: str, reasoning: str) -> None:
    # The reductions are actions 1 and 2, the woodland 3, the offsetting 4.
    assert violated(_woodland_order(3), engine, reasoning) == set()
    between = _woodland_order(2)  # level with the second reduction: not before it
    assert violated(between, engine, reasoning) == set()
    first = _woodland_order(0)
    assert violated(first, engine, reasoning) == {"CN-HIER-02"}
    found = messages(first, engine, "CN-HIER-02", reasoning)
    assert len(found) == 2 and all("action-woodland has actionOrder 0" in m for m in found)
    assert any("action-heat-pumps (1)" in m for m in found) and any("action-green-electricity (2)" in m for m in found)


# --- CN-EVENT-04: a recurring event's footprint is below its reference event's baseline (Annex B.2.2) ----------

RECURRING: dict[str, Any] = json.loads((EXAMPLES / "annex-b" / "recurring-event-claim.jsonld").read_text("utf-8"))


def _reference_baseline(tonnes: str) -> dict[str, Any]:
    return edited(RECURRING, ("ex:baseline-2019", "tonnesCO2e", tonnes))


@pytest.mark.rule("CN-EVENT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_recurring_event_no_smaller_than_its_reference_edition_shows_no_reduction(
    engine: str, reasoning: str
) -> None:
    # The 2024 summit's footprint is 12450.0 t.
    assert violated(_reference_baseline("18400.0"), engine, reasoning) == set()
    assert violated(_reference_baseline("12450.5"), engine, reasoning) == set()
    equal = _reference_baseline("12450")
    assert violated(equal, engine, reasoning) == {"CN-EVENT-04"}
    assert violated(_reference_baseline("10000.0"), engine, reasoning) == {"CN-EVENT-04"}
    [message] = messages(equal, engine, "CN-EVENT-04", reasoning)
    assert "summit-2024" in message and "summit-2019" in message and "12450" in message


# --- CN-PATH-04: only residual emissions cannot remain before the pathway's residual-only year (§5.3, §13 i) ------

RESIDUAL: dict[str, Any] = json.loads((EXAMPLES / "residual-only-claim.jsonld").read_text("utf-8"))


def _residual_year(year: str) -> dict[str, Any]:
    return edited(RESIDUAL, ("ex:pathway", "targetYearResidualOnly", year))


@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_residual_only_claim_before_its_own_residual_only_year_contradicts_its_plan(
    engine: str, reasoning: str
) -> None:
    # The reporting period is 2024; the claim states that only residual emissions remain.
    assert violated(_residual_year("2024"), engine, reasoning) == set()
    assert violated(_residual_year("2021"), engine, reasoning) == set()
    later = _residual_year("2040")
    assert violated(later, engine, reasoning) == {"CN-PATH-04"}
    assert violated(_residual_year("2025"), engine, reasoning) == {"CN-PATH-04"}
    [message] = messages(later, engine, "CN-PATH-04", reasoning)
    assert "after 2040" in message and "2024-12-31" in message
    # A claim that says unabated emissions remain is not this rule's concern before the residual-only year.
    unabated = edited(later, ("ex:claim-2024", "onlyResidualEmissionsRemain", False))
    assert "CN-PATH-04" not in violated(unabated, engine, reasoning)


# --- CN-VINT-02: a credit's stated vintage is the one its registry serial names (§11.2) ------------------------

# A Verra serial of 6,000 units (as the wind credit's 6000.0 t), vintage 1 January to 31 December 2022.
VERRA_2022 = "9001-1-6000-VCS-VCU-263-VER-IN-1-1234-01012022-31122022-0"


def _wind(serial: str, vintage: str) -> dict[str, Any]:
    return edited(BASE, ("ex:credit-wind", "serialNumber", serial), ("ex:credit-wind", "vintageEndYear", vintage))


@pytest.mark.rule("CN-VINT-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_stated_vintage_the_serial_contradicts_is_reported(engine: str, reasoning: str) -> None:
    assert violated(_wind(VERRA_2022, "2022"), engine, reasoning) == set()
    later = _wind(VERRA_2022, "2023")
    assert violated(later, engine, reasoning) == {"CN-VINT-02"}
    [message] = messages(later, engine, "CN-VINT-02", reasoning)
    assert "vintageEndYear 2023" in message and "names vintage 2022" in message and VERRA_2022 in message


@pytest.mark.rule("CN-VINT-02")
@pytest.mark.parametrize(
    ("serial", "named"),
    [
        ("ACR-US-98803-2022-3101-1 to 6000", "2022"),
        ("CAR-1-US-98804-31-1100-TX-2022-10101-1 to 6000", "2022"),
        ("ART-GY-98805-2022-7-1 to 6000", "2022"),
        ("GS1-1-IN-GS1234-12-2022-15000-1-6000", "2022"),
    ],
)
def test_each_registry_grammar_that_writes_a_vintage_year_is_read(serial: str, named: str) -> None:
    assert violated(_wind(serial, named), "pyshacl", "owlrl") == set()
    assert violated(_wind(serial, "2019"), "pyshacl", "owlrl") == {"CN-VINT-02"}


@pytest.mark.rule("CN-VINT-02")
def test_a_serial_in_no_registry_grammar_names_no_vintage() -> None:
    # The example's own serials (EXR-2022-…) follow no registry: their year is not read as a vintage.
    assert violated(_wind("EXR-2019-WIND-000001-006000", "2022"), "pyshacl", "owlrl") == set()


# --- CN-ORG-01: an organization's footprint includes indirect emissions (Annex B.1, §3.2.4, §4.11) --------------


def _emissions(*kept: str, total: str) -> dict[str, Any]:
    listed = [*kept, "ex:emission-reversal-2024"]
    document = edited(BASE, ("ex:footprint-2024", "hasEmission", listed), ("ex:footprint-2024", "tonnesCO2e", total))
    # The emissions left out are left out of the data too (an emission no footprint lists is CN-BAL-01's).
    dropped = {"ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3"} - set(kept)
    document["@graph"] = [node for node in document["@graph"] if node.get("@id") not in dropped]
    return document


@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_organization_footprint_of_direct_emissions_only_is_not_an_iso_14064_1_footprint(
    engine: str, reasoning: str
) -> None:
    # Scope 1 8200 t, purchased energy 1900 t, value chain 2600 t (12450 t in all).
    assert violated(_emissions("ex:emission-scope1", "ex:emission-scope2", total="10100.0"), engine, reasoning) == set()
    direct_only = _emissions("ex:emission-scope1", total="8200.0")
    assert violated(direct_only, engine, reasoning) == {"CN-ORG-01"}
    [message] = messages(direct_only, engine, "CN-ORG-01", reasoning)
    assert "no indirect emission" in message and "acme" in message


# --- "not blank": text made only of invisible characters names nothing (CN-PATH-03, CN-CLAIM-06) ---------------

INVISIBLE_ONLY = ["\u200b", "\ufeff", " \u200b\u00ad\u2060 ", "\u200e\u200f"]


@pytest.mark.rule("CN-PATH-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_a_science_reference_of_invisible_characters_names_no_pathway(engine: str, text: str) -> None:
    assert violated(edited(BASE, ("ex:pathway", "scienceBasedReference", text)), engine, "owlrl") == {"CN-PATH-03"}
    visible = edited(BASE, ("ex:pathway", "scienceBasedReference", f"\ufeffSBTi\u200b 1.5 °C{text}"))
    assert violated(visible, engine, "owlrl") == set()


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_verifier_named_with_invisible_characters_is_nobody(engine: str, reasoning: str) -> None:
    named = {"@value": "Example Assurance GmbH"}
    assert violated(edited(BASE, ("ex:opinion-2024", "verifiedBy", named)), engine, reasoning) == set()
    nobody = edited(BASE, ("ex:opinion-2024", "verifiedBy", {"@value": "\u200b\ufeff"}))
    assert violated(nobody, engine, reasoning) == {"CN-CLAIM-06"}
