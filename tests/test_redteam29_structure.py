"""Red team 29a's structural evasions, left open by the session that found them: each test names what a user saw.

Each evasion conformed on both engines and with or without reasoning, so each is checked on both engines and with
reasoning on and off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, edited, violations_by_rule, with_nodes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAIM = EXAMPLES / "conforming-claim.jsonld"
BANK = EXAMPLES / "financial-institution-claim.jsonld"
REASONING = ["owlrl", "none"]


def _document(path: Path = CLAIM) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


_findings = violations_by_rule


# ---- each new example is a violation of its rule, everywhere ----

NEW_EXAMPLES = {
    "cn-rev-01-reversal-untyped-unlinked.jsonld": "CN-REV-01",
    "cn-fi-02-non-transition-finance-as-emission.jsonld": "CN-FI-02",
    "cn-claim-01-commitment-by-suppliers-board.jsonld": "CN-CLAIM-01",
    "cn-hier-03-zero-tonne-reductions.jsonld": "CN-HIER-03",
    "cn-path-01-target-after-2100.jsonld": "CN-PATH-01",
    "cn-path-02-residual-only-after-2100.jsonld": "CN-PATH-02",
    "cn-bal-01-subject-footprint-larger.jsonld": "CN-BAL-01",
}


@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "rule"), sorted(NEW_EXAMPLES.items()))
def test_each_evasion_is_a_violation_of_its_rule_alone(name: str, rule: str, engine: str, reasoning: str) -> None:
    # Before: every one of these conformed, on both engines and in every reasoning mode.
    found = _findings(EXAMPLES / "violations" / name, engine, reasoning)
    assert set(found) == {rule}, found


# ---- CN-REV-01: a reversal is a reversal whatever its type, linked or not ----


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reversal_typed_as_an_emission_and_unlinked_is_still_checked(engine: str) -> None:
    # Before: typing the reversal GHGEmission (and not linking it from the claim) took it out of every rule's sight.
    document = edited(
        _document(),
        ("ex:claim-2024", "hasRemovalReversal", None),
        ("ex:reversal-2024-fire", "@type", "GHGEmission"),
        ("ex:reversal-2024-fire", "reclassifiedAs", None),
    )
    found = _findings(document, engine, "owlrl")
    assert "CN-REV-01" in found and any("reclassifiedAs" in message for message in found["CN-REV-01"])


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_untyped_unlinked_reversal_that_is_booked_conforms(engine: str) -> None:
    # The type and the claim's link are not what the rule asks for: a reversal booked in the period's footprint is.
    document = edited(
        _document(), ("ex:claim-2024", "hasRemovalReversal", None), ("ex:reversal-2024-fire", "@type", None)
    )
    assert _findings(document, engine, "owlrl") == {}


# ---- CN-FI-02: financed activity is financed activity, whatever the footprint calls it ----


@pytest.mark.rule("CN-FI-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_non_transition_finance_on_an_untyped_node_is_a_violation(engine: str) -> None:
    document = edited(
        _document(BANK), ("ex:emission-scope3", "@type", None), ("ex:emission-scope3", "supportsTransition", False)
    )
    assert "CN-FI-02" in _findings(document, engine, "owlrl")


@pytest.mark.rule("CN-FI-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_emission_stated_to_support_the_transition_conforms(engine: str) -> None:
    document = edited(_document(BANK), ("ex:emission-scope3", "supportsTransition", True))
    assert _findings(document, engine, "owlrl") == {}


# ---- CN-CLAIM-01: the entity's own top management commits ----


def _board_of(organization: str | None, *extra: dict[str, Any]) -> dict[str, Any]:
    document = edited(_document(), ("ex:board", "partOfOrganization", organization))
    return with_nodes(document, *extra)


SUPPLIER = {"@id": "ex:supplier", "@type": "Organization", "label": "Example Stadtwerke GmbH"}


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_commitment_by_a_suppliers_board_names_the_board_and_its_organization(engine: str) -> None:
    # Before: any comet:TopManagement satisfied the rule, a supplier's board included.
    messages = _findings(_board_of("ex:supplier", SUPPLIER), engine, "owlrl")["CN-CLAIM-01"]
    assert any("board" in message and "supplier" in message for message in messages), messages


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_plans_commitment_by_another_organizations_board_is_a_violation(engine: str) -> None:
    other = {"@id": "ex:other-board", "@type": "TopManagement", "partOfOrganization": "ex:supplier"}
    plan_commitment = {"@id": "ex:plan-commitment", "@type": "CarbonNeutralityCommitment", "statedBy": "ex:other-board"}
    document = edited(
        with_nodes(_document(), SUPPLIER, other, plan_commitment), ("ex:plan", "hasCommitment", "ex:plan-commitment")
    )
    messages = _findings(document, engine, "owlrl").get("CN-CLAIM-01", [])
    assert any("plan-commitment" in message and "other-board" in message for message in messages), messages


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "case", ["the entity's own", "a group board", "the supplier's beside the entity's own", "declared of nobody"]
)
def test_top_management_of_the_entity_or_its_group_commits(case: str, engine: str) -> None:
    if case == "the entity's own":
        document = _board_of("ex:acme")
    elif case == "a group board":
        group = {"@id": "ex:group", "@type": "Organization", "label": "Acme Holding SE"}
        document = edited(_board_of("ex:group", group), ("ex:acme", "partOfOrganization", "ex:group"))
    elif case == "the supplier's beside the entity's own":
        other = {"@id": "ex:other-board", "@type": "TopManagement", "partOfOrganization": "ex:supplier"}
        document = edited(
            with_nodes(_document(), SUPPLIER, other), ("ex:commitment", "statedBy", ["ex:board", "ex:other-board"])
        )
    else:
        document = _board_of(None)
    assert _findings(document, engine, "owlrl") == {}


# ---- CN-HIER-03: a reduction of 0 t reduces nothing ----


@pytest.mark.rule("CN-HIER-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_one_real_reduction_beside_a_zero_one_conforms(engine: str) -> None:
    document = edited(_document(), ("ex:action-heat-pumps", "tonnesCO2e", "0.0"))
    assert _findings(document, engine, "owlrl") == {}


@pytest.mark.rule("CN-HIER-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_placeholder_reduction_of_zero_tonnes_does_not_make_offsetting_allowed(engine: str) -> None:
    # Before: a "TBD" action of 0 t, step Reduce_Inside_Boundary, in place of the plan's reductions conformed.
    graph = _document()["@graph"]
    (plan,) = [node for node in graph if node["@id"] == "ex:plan"]
    reductions = ("ex:action-heat-pumps", "ex:action-green-electricity")
    actions = [action for action in plan["hasAction"] if action not in reductions]
    noop = {
        "@id": "ex:action-noop",
        "@type": "PlanAction",
        "label": "TBD",
        "hierarchyStep": "Reduce_Inside_Boundary",
        "actionOrder": 0,
        "plannedDate": "2023-01-01",
        "tonnesCO2e": "0.0",
    }
    document = edited(with_nodes(_document(), noop), ("ex:plan", "hasAction", ["ex:action-noop", *actions]))
    assert "CN-HIER-03" in _findings(document, engine, "owlrl")


# ---- CN-PATH-01, CN-PATH-02: years within the century ----


@pytest.mark.rule("CN-PATH-01", "CN-PATH-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("year", "late"), [("2100", False), ("2101", True), ("9999", True), ("2100Z", False)])
def test_years_after_2100_are_refused(year: str, late: bool, engine: str) -> None:
    # Before: a residual-only year and a long-term target of 9999 conformed.
    document = edited(
        _document(), ("ex:pathway", "targetYearResidualOnly", year), ("ex:target-2045", "targetYear", year)
    )
    found = _findings(document, engine, "owlrl")
    if late:
        assert {"CN-PATH-01", "CN-PATH-02"} <= set(found)
        assert any(f"year {year} is after 2100" in message for message in found["CN-PATH-01"])
    else:
        assert found == {}


# ---- CN-BAL-01: the claim's footprint is the subject's whole footprint ----


def _subject_footprint(tonnes: str, period: str = "ex:period-2024", *extra: dict[str, Any]) -> dict[str, Any]:
    document = _document()
    (claimed,) = [node for node in document["@graph"] if node["@id"] == "ex:footprint-2024"]
    whole = {**claimed, "@id": "ex:footprint-whole", "tonnesCO2e": tonnes, "hasReportingPeriod": period}
    return edited(with_nodes(document, whole, *extra), ("ex:acme", "hasCarbonFootprint", "ex:footprint-whole"))


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_subject_footprint_larger_than_the_claims_is_named(engine: str) -> None:
    # Before: the subject's own 20450 t footprint beside the claim's 12450 t one conformed.
    messages = _findings(_subject_footprint("20450.0"), engine, "owlrl")["CN-BAL-01"]
    assert any("12450" in message and "20450" in message for message in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_period_with_the_same_days_under_another_name_is_the_same_period(engine: str) -> None:
    period = {
        "@id": "ex:calendar-2024",
        "@type": "ReportingPeriod",
        "reportingPeriodStart": "2024-01-01",
        "reportingPeriodEnd": "2024-12-31",
    }
    assert "CN-BAL-01" in _findings(_subject_footprint("20450.0", "ex:calendar-2024", period), engine, "owlrl")


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", ["equal", "another period"])
def test_a_subject_footprint_that_is_not_larger_for_the_period_conforms(case: str, engine: str) -> None:
    if case == "equal":
        document = _subject_footprint("12450.0")
    else:
        period = {
            "@id": "ex:period-2023",
            "@type": "ReportingPeriod",
            "reportingPeriodStart": "2023-01-01",
            "reportingPeriodEnd": "2023-12-31",
        }
        document = _subject_footprint("20450.0", "ex:period-2023", period)
    assert _findings(document, engine, "owlrl") == {}


# ---- CN-EVENT-01: the period holds the event's phases (red team 29b) ----

EVENT = EXAMPLES / "annex-b" / "event-claim.jsonld"


@pytest.mark.rule("CN-EVENT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("start", "end", "why"),
    [
        ("2024-09-18", "2024-12-31", "the period's first day"),
        ("2024-01-01", "2024-09-18", "the period's last day"),
        ("2024-01-01", "2024-12-31", None),
        # The example's event runs 18-20 September (eventEndDate, red team 70): a period ending on the 19th ends
        # during it (test_redteam70), one ending on the 21st holds its post-event phase.
        ("2024-01-15", "2024-09-21", None),
    ],
)
def test_a_period_that_starts_or_ends_on_the_event_day_leaves_phases_out(
    start: str, end: str, why: str | None, engine: str
) -> None:
    # Before: a recurring event's period of just its three days (18 to 20 September), and an event starting on
    # the period's last day, conformed: planning, preparation and the post-event phase lay outside the period.
    document = edited(_document(EVENT), ("ex:period-2024", "reportingPeriodStart", start))
    document = edited(document, ("ex:period-2024", "reportingPeriodEnd", end))
    found = _findings(document, engine, "owlrl")
    events = found.get("CN-EVENT-01", [])
    if why is None:
        assert events == [], events
    else:
        assert any(why in message for message in events), found
