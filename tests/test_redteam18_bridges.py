"""Red-team round 18: claims written the public COMET extension's way, where a rule read only the comet-cn way.

The COMET extension links an entity to its claim (``hasClaim``) where comet-cn links the claim to its entity
(``claimedBy``); the two are one relation (``owl:inverseOf``), so the claimant rule reads both. A base period
dated with other terms than ``basePeriodStart``/``basePeriodEnd`` had no last day the rule could compare.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, violated_rules, with_nodes

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_a_base_period_without_its_last_day_cannot_be_shown_historical(engine: str, reasoning: str) -> None:
    assert violated_rules(BASE, engine, as_of=AS_OF, reasoning=reasoning) == set()
    undated = edited(
        BASE, ("ex:base-period-2019", "basePeriodEnd", None), ("ex:base-period-2019", "basePeriodStart", None)
    )
    assert violated_rules(undated, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-PLAN-03"}
    # Dated with the reporting period's terms instead (the only dates the COMET extension has): still no last day.
    other_terms = edited(
        undated,
        ("ex:base-period-2019", "reportingPeriodStart", "2024-01-01"),
        ("ex:base-period-2019", "reportingPeriodEnd", "2024-12-31"),
    )
    assert "CN-PLAN-03" in violated_rules(other_terms, engine, as_of=AS_OF, reasoning=reasoning)
    messages = rule_messages(undated, engine, "CN-PLAN-03", as_of=AS_OF, reasoning=reasoning)
    assert any("needs its last day" in message for message in messages)


@pytest.mark.rule("CN-CLAIM-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_claiming_entity_is_read_from_either_direction(engine: str) -> None:
    # The COMET way: the entity names its claim (hasClaim), the claim does not name it back.
    entity_side = edited(BASE, ("ex:claim-2024", "claimedBy", None), ("ex:acme", "hasClaim", "ex:claim-2024"))
    assert violated_rules(entity_side, engine, as_of=AS_OF) == set()
    # A second entity naming the same claim is a second claimant, whichever way it is said.
    other = {"@id": "ex:other", "@type": "Organization", "label": "Other Ltd", "hasClaim": "ex:claim-2024"}
    assert "CN-CLAIM-04" in violated_rules(with_nodes(BASE, other), engine, as_of=AS_OF)


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_the_plan_s_commitment_is_stated_by_top_management_too(engine: str, reasoning: str) -> None:
    # The plan names the claim's own commitment (stated by the board): conforms. Pointed at a copy stated by the
    # verifier, or by nobody, while the claim keeps the board's, it did too.
    commitment = next(n for n in BASE["@graph"] if n["@id"] == "ex:commitment")
    for stated_by in ("ex:verifier", None):
        copy = {**commitment, "@id": "ex:plan-commitment"}
        copy.pop("statedBy")
        if stated_by is not None:
            copy["statedBy"] = stated_by
        claim = edited(with_nodes(BASE, copy), ("ex:plan", "hasCommitment", "ex:plan-commitment"))
        # A verifier that stated the plan's commitment verifies its own statement (red team 90a): CN-CLAIM-06 too.
        expected = {"CN-CLAIM-01", "CN-CLAIM-06"} if stated_by == "ex:verifier" else {"CN-CLAIM-01"}
        assert violated_rules(claim, engine, as_of=AS_OF, reasoning=reasoning) == expected
        messages = rule_messages(claim, engine, "CN-CLAIM-01", as_of=AS_OF, reasoning=reasoning)
        assert any("management plan's commitment" in m and "plan-commitment" in m for m in messages)


@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_indirect_emissions_typed_by_ghg_protocol_scope_are_indirect(engine: str, reasoning: str) -> None:
    # The COMET extension's own advice: type indirect emissions comet-pcf:Scope2Emission / Scope3Emission.
    scoped = edited(
        BASE,
        ("ex:emission-scope2", "@type", "comet-pcf:Scope2Emission"),
        ("ex:emission-scope3", "@type", "comet-pcf:Scope3Emission"),
    )
    assert violated_rules(scoped, engine, as_of=AS_OF, reasoning=reasoning) == set()
    # Typed as direct emissions instead, the organisation lists no indirect emission.
    direct = edited(
        BASE, ("ex:emission-scope2", "@type", "Scope1Emission"), ("ex:emission-scope3", "@type", "Scope1Emission")
    )
    assert violated_rules(direct, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-ORG-01"}
