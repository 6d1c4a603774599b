"""Red team 70: claims about products and events written from Annex B; each test names what a user saw before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, edited, example, verdict_and_messages

AS_OF = date(2026, 12, 6)


def _example(name: str) -> dict[str, Any]:
    return example("annex-b/" + name)


def _found(document: dict[str, Any], engine: str, rule: str) -> tuple[bool, list[str]]:
    return verdict_and_messages(document, engine, rule, as_of=AS_OF)


PRODUCT = "product-claim.jsonld"
EVENT = "event-claim.jsonld"


# ---- CN-PROD-02: a baseline over another part of the life cycle, or in another unit ----


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cradle_to_gate_baseline_for_a_full_life_cycle_footprint_is_a_violation(engine: str) -> None:
    # Before: conformed; the reductions were measured against another product system.
    claim = edited(
        _example(PRODUCT),
        ("ex:baseline-2019", "lifeCycleScope", "PartialLifeCycle"),
        ("ex:baseline-2019", "functionalUnit", None),
        ("ex:baseline-2019", "declaredUnit", "1 tonne of tiles at the factory gate"),
    )
    conforms, messages = _found(claim, engine, "CN-PROD-02")
    assert not conforms
    assert len(messages) == 1 and "baseline-2019" in messages[0] and "footprint-2024" in messages[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_baseline_in_another_functional_unit_is_a_warning_and_the_same_unit_respaced_is_not(engine: str) -> None:
    product = _example(PRODUCT)
    other = edited(product, ("ex:baseline-2019", "functionalUnit", "1 tonne of tiles, cradle to grave"))
    conforms, warnings = _found(other, engine, "CN-PROD-W02")
    assert conforms and len(warnings) == 1 and "1 tonne of tiles" in warnings[0]
    (footprint_unit,) = [n["functionalUnit"] for n in product["@graph"] if n.get("@id") == "ex:footprint-2024"]
    same = edited(product, ("ex:baseline-2019", "functionalUnit", "  " + footprint_unit.upper().replace(" ", "  ")))
    assert _found(same, engine, "CN-PROD-W02") == (True, [])


# ---- CN-PROD-04: a per-unit figure that contradicts its total ----


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("per_unit", "total"), [("0.0", "2100.0"), ("0", "1"), ("0.0021", "0.0")])
def test_a_per_unit_figure_of_zero_against_a_positive_total_or_the_reverse_is_a_violation(
    engine: str, per_unit: str, total: str
) -> None:
    claim = edited(
        _example(PRODUCT),
        ("ex:reduction-kiln-heat-pumps", "tonnesCO2ePerUnit", per_unit),
        ("ex:reduction-kiln-heat-pumps", "tonnesCO2e", total),
    )
    conforms, messages = _found(claim, engine, "CN-PROD-04")
    assert not conforms and len(messages) == 1 and "reduction-kiln-heat-pumps" in messages[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_per_unit_figure_above_its_total_is_a_warning(engine: str) -> None:
    claim = edited(_example(PRODUCT), ("ex:reduction-kiln-heat-pumps", "tonnesCO2ePerUnit", "5000.0"))
    conforms, warnings = _found(claim, engine, "CN-PROD-W01")
    assert conforms and len(warnings) == 1
    assert _found(_example(PRODUCT), engine, "CN-PROD-W01") == (True, [])


# ---- CN-EVENT-01: the event's last day ----


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("start", "end", "period_end", "fires"),
    [
        ("2024-12-09", "2024-12-11", "2024-12-10", True),  # the period ends during the event
        ("2024-12-09", "2024-12-11", "2024-12-11", True),  # on its last day: no post-event phase
        ("2024-12-09", "2024-12-11", "2024-12-12", False),
        ("2024-09-18", "2024-09-17", "2024-12-31", True),  # ends before it starts
        ("2024-09-18", "2024-09-18", "2024-12-31", False),  # a one-day event
    ],
)
def test_a_period_that_ends_before_the_events_last_day_is_over_is_a_violation(
    engine: str, start: str, end: str, period_end: str, fires: bool
) -> None:
    event = _example(EVENT)
    (period,) = [n["@id"] for n in event["@graph"] if "reportingPeriodEnd" in n]
    claim = edited(
        event,
        ("ex:summit-2024", "eventStartDate", start),
        ("ex:summit-2024", "eventEndDate", end),
        (period, "reportingPeriodEnd", period_end),
    )
    conforms, messages = _found(claim, engine, "CN-EVENT-01")
    assert bool(messages) is fires
    if fires:
        assert not conforms and any(f"ends on {end}" in m for m in messages)


def test_a_malformed_event_end_date_is_a_violation() -> None:
    import comet_cn

    # An ill-typed date sends the claim to the reference engine whichever is asked for.
    claim = edited(_example(EVENT), ("ex:summit-2024", "eventEndDate", "2024-09-31"))
    report = comet_cn.validate(claim, parameters=comet_cn.RuleParameters(as_of=AS_OF), shacl_engine="turbo")
    assert not report.conforms
    assert any(r.rule_id == "CN-EVENT-01" and "eventEndDate" in r.message for r in report.results)
