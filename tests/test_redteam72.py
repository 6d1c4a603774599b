"""Red team 72: organizations, financial institutions and red team 70's fixes; each test names what a user saw."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, checked, edited, example, verdict_and_messages, with_nodes

AS_OF = date(2026, 12, 6)


def _example(name: str) -> dict[str, Any]:
    return example(name)


def _found(document: dict[str, Any], engine: str, rule: str) -> tuple[bool, list[str]]:
    return verdict_and_messages(document, engine, rule, as_of=AS_OF)


CLAIM = "conforming-claim.jsonld"
SUBSIDIARY = "annex-b/subsidiary-claim.jsonld"
BANK = "financial-institution-claim.jsonld"
PRODUCT = "annex-b/product-claim.jsonld"
EVENT = "annex-b/recurring-event-claim.jsonld"


# ---- CN-CLAIM-06: a verifier of the claimant's own group ----


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("nodes", "role"),
    [
        # The claimant's internal audit function.
        ([{"@id": "ex:verifier", "@type": "Organization", "label": "Internal audit", "partOfOrganization": "ex:acme"}],
         "a part of the claimant"),
        # Two steps down: a unit of the internal audit department.
        ([{"@id": "ex:verifier", "@type": "Organization", "label": "Audit unit", "partOfOrganization": "ex:audit"},
          {"@id": "ex:audit", "@type": "Organization", "label": "Audit", "partOfOrganization": "ex:acme"}],
         "a part of the claimant"),
        # The claimant's parent group.
        ([{"@id": "ex:acme", "@type": ["Entity", "Organization"], "label": "Acme Ceramics GmbH",
           "partOfOrganization": "ex:verifier"},
          {"@id": "ex:verifier", "@type": "Organization", "label": "Acme Group AG"}],
         "an organization the claimant or subject is part of"),
        # A sister company in the same group.
        ([{"@id": "ex:acme", "@type": ["Entity", "Organization"], "label": "Acme Ceramics GmbH",
           "partOfOrganization": "ex:group"},
          {"@id": "ex:group", "@type": "Organization", "label": "Acme Group AG"},
          {"@id": "ex:verifier", "@type": "Organization", "label": "Acme Assurance GmbH",
           "partOfOrganization": "ex:group"}],
         "another part of the organization"),
    ],
    ids=["internal-audit", "two-steps-down", "parent-group", "sister-company"],
)  # fmt: skip
def test_a_verifier_of_the_claimants_own_group_is_not_independent(
    engine: str, nodes: list[dict[str, Any]], role: str
) -> None:
    # Before: all four conformed (a part of the claimant was deliberately left alone).
    claim = _example(CLAIM)
    ids = {node["@id"] for node in nodes}
    claim["@graph"] = [node for node in claim["@graph"] if node.get("@id") not in ids]
    conforms, messages = _found(with_nodes(claim, *nodes), engine, "CN-CLAIM-06")
    assert not conforms and len(messages) == 1 and role in messages[0], messages


@pytest.mark.parametrize("engine", ENGINES)
def test_an_outside_verifier_that_is_part_of_its_own_group_conforms(engine: str) -> None:
    claim = _example(CLAIM)
    claim["@graph"] = [node for node in claim["@graph"] if node.get("@id") != "ex:verifier"]
    nodes = (
        {"@id": "ex:verifier", "@type": "Organization", "label": "Example Verification AG",
         "partOfOrganization": "ex:verification-group"},
        {"@id": "ex:verification-group", "@type": "Organization", "label": "Example Verification Group"},
    )  # fmt: skip
    assert _found(with_nodes(claim, *nodes), engine, "CN-CLAIM-06") == (True, [])


# ---- CN-FI-01: a bank's baseline without financed emissions ----


def _bank_baseline(*accounts: str) -> dict[str, Any]:
    extra = {
        "@id": "ex:baseline-operations-2019",
        "@type": "IndirectGHGEmission",
        "label": "Own operations in 2019",
        # With the financed account listed too, the items still add up to the baseline's 18,400 t.
        "tonnesCO2e": "15200.0" if accounts else "18400.0",
    }
    bank = edited(_example(BANK), ("ex:baseline-2019", "hasEmission", "ex:baseline-operations-2019"))
    if accounts:
        bank = edited(bank, ("ex:baseline-2019", "hasFinancedEmissions", list(accounts)))
    return with_nodes(bank, extra)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_banks_itemised_baseline_without_financed_emissions_is_a_violation(engine: str) -> None:
    conforms, messages = _found(_bank_baseline(), engine, "CN-FI-01")
    assert not conforms and len(messages) == 1 and "baseline-2019" in messages[0]
    # With its financed emissions listed (the footprint's account reused), and stated as a total only, it is not.
    assert _found(_bank_baseline("ex:financed-mortgages"), engine, "CN-FI-01")[1] == []
    assert _found(_example(BANK), engine, "CN-FI-01") == (True, [])


# ---- CN-ORG-W02: the larger organization's footprint smaller than the part's ----


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("group", "warned"), [("5000.0", True), ("12449.9", True), ("12450", False), ("48200.0", False)]
)
def test_a_larger_organization_footprint_smaller_than_the_part_is_a_warning(
    engine: str, group: str, warned: bool
) -> None:
    claim = edited(_example(SUBSIDIARY), ("ex:group-footprint-2024", "tonnesCO2e", group))
    conforms, warnings = _found(claim, engine, "CN-ORG-W02")
    assert conforms and bool(warnings) is warned


# ---- Red team 72b on red team 70's fixes ----


@pytest.mark.parametrize("engine", ENGINES)
def test_a_baseline_stating_only_a_declared_unit_is_read_as_partial(engine: str) -> None:
    # Before: no lifeCycleScope on the baseline, only a cradle-to-gate declared unit: not compared, conformed.
    claim = edited(
        _example(PRODUCT),
        ("ex:baseline-2019", "lifeCycleScope", None),
        ("ex:baseline-2019", "functionalUnit", None),
        ("ex:baseline-2019", "declaredUnit", "1 m2 of tile, cradle to gate"),
    )
    conforms, messages = _found(claim, engine, "CN-PROD-02")
    assert not conforms and len(messages) == 1
    only_functional = edited(_example(PRODUCT), ("ex:baseline-2019", "lifeCycleScope", None))
    assert _found(only_functional, engine, "CN-PROD-02") == (True, [])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_partial_baseline_that_a_recalculated_one_replaces_is_not_compared(engine: str) -> None:
    # Before: the superseded cradle-to-gate baseline kept beside its recalculation drew CN-PROD-02.
    old = {
        "@id": "ex:baseline-2019-old",
        "@type": "Baseline",
        "tonnesCO2e": "9000.0",
        "hasBasePeriod": "ex:base-period-2019",
        "lifeCycleScope": "PartialLifeCycle",
        "declaredUnit": "1 tonne of tiles at the factory gate",
    }
    (plan,) = [n["@id"] for n in _example(PRODUCT)["@graph"] if "hasBaseline" in n]
    listed = edited(_example(PRODUCT), (plan, "hasBaseline", ["ex:baseline-2019", "ex:baseline-2019-old"]))
    both = with_nodes(listed, old)
    conforms, messages = _found(both, engine, "CN-PROD-02")
    assert not conforms and "baseline-2019-old" in messages[0]
    replaced = edited(both, ("ex:baseline-2019", "dcterms:replaces", {"@id": "ex:baseline-2019-old"}))
    assert _found(replaced, engine, "CN-PROD-02")[1] == []


def test_a_per_unit_figure_in_another_form_on_any_node_is_a_violation() -> None:
    import comet_cn

    # Before: "0E0" per unit on the footprint of 12,450 t, "-3", "zero": conformed (only reductions were checked).
    # Such values send the claim to the reference engine, whichever is asked for.
    for written in ("0E0", "1.5e5", "-3", "zero", "0,00"):
        claim = edited(_example(PRODUCT), ("ex:footprint-2024", "tonnesCO2ePerUnit", written))
        report = comet_cn.validate(claim, parameters=comet_cn.RuleParameters(as_of=AS_OF), shacl_engine="turbo")
        assert not report.conforms, written
        assert any(r.rule_id == "CN-PROD-04" and "per unit" in r.message for r in report.results), written


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reference_event_that_ends_before_it_starts_is_a_violation(engine: str) -> None:
    event = _example(EVENT)
    (reference,) = [n["@id"] for n in event["@graph"] if n.get("eventStartDate") == "2019-09-25"]
    claim = edited(event, (reference, "eventEndDate", "2019-09-20"))
    conforms, messages = _found(claim, engine, "CN-EVENT-01")
    assert not conforms and any("ends on 2019-09-20, before it starts" in m for m in messages)
    assert _found(edited(event, (reference, "eventEndDate", "2019-09-27")), engine, "CN-EVENT-01") == (True, [])


# ---- Red team 73a on these fixes ----


@pytest.mark.parametrize("engine", ENGINES)
def test_a_banks_itemised_baseline_with_its_financed_emissions_in_its_total_conforms(engine: str) -> None:
    # Before: CN-PLAN-02 summed the baseline's emissions without its financed ones, so following CN-FI-01's fix
    # (the account listed and in the total) drew "the baseline states 21600.0 t CO2e, more than ... 18400.0".
    bank = edited(_bank_baseline(), ("ex:baseline-2019", "hasFinancedEmissions", ["ex:financed-mortgages"]))
    bank = edited(bank, ("ex:baseline-2019", "tonnesCO2e", "21600.0"))
    report = checked(bank, engine, as_of=AS_OF)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_banks_baseline_with_a_financed_account_of_zero_is_a_violation(engine: str) -> None:
    zero = {
        "@id": "ex:financed-2019",
        "@type": "FinancedEmissionsAccount",
        "assetClass": "Mortgages",
        "tonnesCO2e": "0.0",
    }
    bank = with_nodes(
        edited(_bank_baseline(), ("ex:baseline-2019", "hasFinancedEmissions", ["ex:financed-2019"])), zero
    )
    conforms, messages = _found(bank, engine, "CN-FI-01")
    assert not conforms and any("lists no financed emissions" in m for m in messages)


@pytest.mark.parametrize("engine", ENGINES)
def test_only_another_baseline_of_the_plan_replacing_it_retires_a_baseline(engine: str) -> None:
    partial = _example(PRODUCT)
    partial = edited(
        partial,
        ("ex:baseline-2019", "lifeCycleScope", "PartialLifeCycle"),
        ("ex:baseline-2019", "functionalUnit", None),
        ("ex:baseline-2019", "declaredUnit", "1 tonne of tiles at the factory gate"),
    )
    # A node in no plan that says it replaces the plan's baseline.
    stray = {"@id": "ex:baseline-draft", "@type": "Baseline", "tonnesCO2e": "18000.0",
             "dcterms:replaces": {"@id": "ex:baseline-2019"}}  # fmt: skip
    assert _found(with_nodes(partial, stray), engine, "CN-PROD-02")[1]
    # Two baselines of the plan that replace each other.
    (plan,) = [n["@id"] for n in partial["@graph"] if "hasBaseline" in n]
    other = {
        "@id": "ex:baseline-other",
        "@type": "Baseline",
        "tonnesCO2e": "18400.0",
        "hasBasePeriod": "ex:base-period-2019",
        "lifeCycleScope": "FullLifeCycle",
        "prov:wasRevisionOf": {"@id": "ex:baseline-2019"},
    }
    mutual = edited(partial, (plan, "hasBaseline", ["ex:baseline-2019", "ex:baseline-other"]))
    mutual = edited(with_nodes(mutual, other), ("ex:baseline-2019", "dcterms:replaces", {"@id": "ex:baseline-other"}))
    assert any("baseline-2019 " in m for m in _found(mutual, engine, "CN-PROD-02")[1])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_named_as_the_claimants_parent_group_is_not_independent(engine: str) -> None:
    claim = edited(_example(SUBSIDIARY), ("ex:opinion-2024", "verifiedBy", {"@value": "Acme Group AG"}))
    conforms, messages = _found(claim, engine, "CN-CLAIM-06")
    assert not conforms and len(messages) == 1 and "acme-group" in messages[0], messages
