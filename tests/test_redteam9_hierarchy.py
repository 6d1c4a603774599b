"""Red-team round 9: management-plan and pathway claims that conformed although the hierarchy's rules are broken.

Each case changes the conforming example where one rule looks, next to a twin that differs only there and conforms;
both are checked on both SHACL engines, with reasoning (OWL 2 RL) and without.
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
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    """The ids of the rules with a Violation (warnings are left out)."""
    return set(checked(document, engine, as_of=AS_OF, reasoning=reasoning).rule_ids)


def messages(document: dict[str, Any], engine: str, rule: str, reasoning: str = "owlrl") -> list[str]:
    report = checked(document, engine, as_of=AS_OF, reasoning=reasoning)
    return [r.message for r in report.results if r.rule_id == rule]


# --- CN-PLAN-03: a base period starts no later than it ends (§3.2.14, §9.1 d) -------------------------------------


def _base_period(start: str, end: str) -> dict[str, Any]:
    return edited(
        BASE, ("ex:base-period-2019", "basePeriodStart", start), ("ex:base-period-2019", "basePeriodEnd", end)
    )


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_inverted_base_period_is_no_period(engine: str, reasoning: str) -> None:
    inverted = _base_period("2019-12-31", "2019-01-01")
    assert violated(_base_period("2019-01-01", "2019-12-31"), engine, reasoning) == set()
    assert violated(inverted, engine, reasoning) == {"CN-PLAN-03"}
    [message] = messages(inverted, engine, "CN-PLAN-03", reasoning)
    assert "2019-12-31" in message and "2019-01-01" in message
    # One day later than its end is inverted already; a one-day base period (start = end) is a period.
    assert violated(_base_period("2019-01-02", "2019-01-01"), engine, reasoning) == {"CN-PLAN-03"}
    assert violated(_base_period("2019-06-30", "2019-06-30"), engine, reasoning) == set()


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_inverted_base_period_linked_from_the_plan_is_reported_too(engine: str, reasoning: str) -> None:
    def on_the_plan(start: str, end: str) -> dict[str, Any]:
        return with_nodes(
            edited(BASE, ("ex:plan", "hasBasePeriod", "ex:base-period-2018")),
            {"@id": "ex:base-period-2018", "@type": "BasePeriod", "basePeriodStart": start, "basePeriodEnd": end},
        )

    assert violated(on_the_plan("2018-01-01", "2018-12-31"), engine, reasoning) == set()
    assert violated(on_the_plan("2018-12-31", "2018-01-01"), engine, reasoning) == {"CN-PLAN-03"}


@pytest.mark.rule("CN-PLAN-03")
def test_a_malformed_base_period_date_is_reported_once_as_malformed_not_as_inverted() -> None:
    # pySHACL only: pyshacl-turbo hands a graph with an ill-typed value to pySHACL (comet_cn.shacl_engines).
    engine = "pyshacl"
    malformed = _base_period("2019-13-45x", "2019-01-01")
    found = messages(malformed, engine, "CN-PLAN-03")
    assert len(found) == 1 and "valid xsd:date" in found[0]


# --- CN-PATH-01: a later target does not set a higher level than an earlier one (§5.3, §9.2, §5.2) ----------------


def _long_term_level(level: str | None) -> dict[str, Any]:
    return edited(BASE, ("ex:target-2045", "tonnesCO2e", level))


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_long_term_target_above_the_short_term_level_is_no_improvement(engine: str, reasoning: str) -> None:
    above = _long_term_level("9000.0")
    assert violated(_long_term_level("1500.0"), engine, reasoning) == set()
    assert violated(above, engine, reasoning) == {"CN-PATH-01"}
    [message] = messages(above, engine, "CN-PATH-01", reasoning)
    assert "target-2045" in message and "target-2030" in message
    assert violated(_long_term_level("7000.1"), engine, reasoning) == {"CN-PATH-01"}


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_later_target_at_the_same_level_is_a_plateau_which_is_allowed(engine: str, reasoning: str) -> None:
    """§9.2: continual improvement may come in non-linear steps with plateaus."""
    assert violated(_long_term_level("7000.0"), engine, reasoning) == set()
    assert violated(_long_term_level("7000"), engine, reasoning) == set()


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_any_two_targets_are_compared_by_year_not_only_short_against_long(engine: str, reasoning: str) -> None:
    def with_2035(level: str) -> dict[str, Any]:
        return with_nodes(
            edited(BASE, ("ex:pathway", "hasTarget", ["ex:target-2030", "ex:target-2035", "ex:target-2045"])),
            {"@id": "ex:target-2035", "@type": "ShortTermTarget", "targetYear": "2035", "tonnesCO2e": level},
        )

    assert violated(with_2035("4000.0"), engine, reasoning) == set()
    # Above the earlier 2030 target (7000), and the 2045 target (1500) is below it: one finding, for 2035.
    higher = with_2035("8000.0")
    assert violated(higher, engine, reasoning) == {"CN-PATH-01"}
    [message] = messages(higher, engine, "CN-PATH-01", reasoning)
    assert "target-2035" in message and "target-2030" in message
    # An earlier year with a higher level is no finding: the later target is the lower one.
    earlier = edited(with_2035("8000.0"), ("ex:target-2035", "targetYear", "2028"))
    assert violated(earlier, engine, reasoning) == set()


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_swapped_short_and_long_term_years_are_reported_once(engine: str, reasoning: str) -> None:
    """The short-term target (7000) dated after the long-term one (1500) is out of order, not also a rise."""
    swapped = edited(BASE, ("ex:target-2030", "targetYear", "2045"), ("ex:target-2045", "targetYear", "2026"))
    assert violated(swapped, engine, reasoning) == {"CN-PATH-01"}
    [message] = messages(swapped, engine, "CN-PATH-01", reasoning)
    assert "is dated no later than short-term target" in message


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_target_without_a_level_is_reported_once_not_compared(engine: str) -> None:
    no_level = _long_term_level(None)
    assert violated(no_level, engine) == {"CN-PATH-01"}
    [message] = messages(no_level, engine, "CN-PATH-01")
    assert "must state its level" in message


# --- CN-HIER-03: a plan under which the claim offsets plans reductions, even with no actions (§5.2, §9.1 i) --------


@pytest.mark.rule("CN-HIER-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_plan_with_no_actions_under_an_offsetting_claim_plans_no_reductions(engine: str, reasoning: str) -> None:
    no_actions = edited(BASE, ("ex:plan", "hasAction", None))
    reduction_only = edited(BASE, ("ex:plan", "hasAction", ["ex:action-heat-pumps"]))
    assert violated(reduction_only, engine, reasoning) == set()
    assert violated(no_actions, engine, reasoning) == {"CN-HIER-03"}
    [message] = messages(no_actions, engine, "CN-HIER-03", reasoning)
    assert "retirement-2025-03" in message


@pytest.mark.rule("CN-HIER-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_plan_whose_only_action_enhances_removals_plans_no_reductions(engine: str, reasoning: str) -> None:
    removal_only = edited(BASE, ("ex:plan", "hasAction", ["ex:action-woodland"]))
    with_reduction = edited(BASE, ("ex:plan", "hasAction", ["ex:action-heat-pumps", "ex:action-woodland"]))
    assert violated(with_reduction, engine, reasoning) == set()
    assert violated(removal_only, engine, reasoning) == {"CN-HIER-03"}


@pytest.mark.rule("CN-HIER-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_offsetting_action_and_an_offsetting_claim_give_one_finding(engine: str) -> None:
    """The plan's own offsetting action is named; the claim's offsetting event is not reported a second time."""
    offset_only = edited(BASE, ("ex:plan", "hasAction", ["ex:action-woodland", "ex:action-offset"]))
    assert violated(offset_only, engine) == {"CN-HIER-03"}
    [message] = messages(offset_only, engine, "CN-HIER-03")
    assert "action-offset" in message
