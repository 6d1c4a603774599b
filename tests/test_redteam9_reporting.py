"""Red-team round 9, reporting shapes: wrong verdicts on the claim's opinion, plan and report.

Each case changes the conforming example where one rule looks, next to a twin that differs only there; both are
checked on both SHACL engines, with reasoning on (OWL 2 RL) and off.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, checked, edited, with_nodes

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]

PERIOD_2023 = {
    "@id": "ex:period-2023",
    "@type": "ReportingPeriod",
    "reportingPeriodStart": "2023-01-01",
    "reportingPeriodEnd": "2023-12-31",
}


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    """The ids of the rules with a Violation (warnings are left out)."""
    return set(checked(document, engine, as_of=AS_OF, reasoning=reasoning).rule_ids)


def messages(document: dict[str, Any], engine: str, rule: str) -> list[str]:
    report = checked(document, engine, as_of=AS_OF)
    return [r.message for r in report.results if r.rule_id == rule]


# --- CN-CLAIM-02: the verification opinion, when it states a period, is for the claim's period (§12 w, §13) -------


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_opinion_that_states_another_period_is_not_the_opinion_on_this_claim(engine: str, reasoning: str) -> None:
    this_period = edited(BASE, ("ex:opinion-2024", "hasReportingPeriod", "ex:period-2024"))
    other_period = with_nodes(edited(BASE, ("ex:opinion-2024", "hasReportingPeriod", "ex:period-2023")), PERIOD_2023)
    assert violated(BASE, engine, reasoning) == set()  # an opinion that states no period is not checked
    assert violated(this_period, engine, reasoning) == set()
    assert violated(other_period, engine, reasoning) == {"CN-CLAIM-02"}


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_the_report_s_opinion_stating_another_period_is_caught_too(engine: str, reasoning: str) -> None:
    """The claim links no opinion; its report's opinion states a period."""
    report_only = edited(BASE, ("ex:claim-2024", "hasVerificationOpinion", None))
    same_dates = with_nodes(
        edited(report_only, ("ex:opinion-2024", "hasReportingPeriod", "ex:period-2024-again")),
        {
            "@id": "ex:period-2024-again",
            "@type": "ReportingPeriod",
            "reportingPeriodStart": "2024-01-01",
            "reportingPeriodEnd": "2024-12-31",
        },
    )
    other_period = with_nodes(
        edited(report_only, ("ex:opinion-2024", "hasReportingPeriod", "ex:period-2023")), PERIOD_2023
    )
    assert violated(same_dates, engine, reasoning) == set()
    assert violated(other_period, engine, reasoning) == {"CN-CLAIM-02"}


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_opinion_s_period_is_named_once_in_the_message(engine: str) -> None:
    other_period = with_nodes(edited(BASE, ("ex:opinion-2024", "hasReportingPeriod", "ex:period-2023")), PERIOD_2023)
    found = messages(other_period, engine, "CN-CLAIM-02")
    assert len(found) == 1  # linked from the claim and from its report: one finding
    assert "opinion-2024" in found[0] and "period-2023" in found[0]


# --- CN-CLAIM-09: a claim is not made before its management plan was prepared (§13, §9) ---------------------------


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_claim_made_before_its_plan_was_prepared_is_made_too_early(engine: str, reasoning: str) -> None:
    # The example's credits are retired on 2025-03-20 and its opinion is dated 2025-04-30: a plan prepared after
    # either is CN-CLAIM-09's too (red team 44), so the plan prepared in time is dated before both.
    in_time = edited(BASE, ("ex:plan", "planPreparationDate", "2025-03-20"))
    after_the_period = edited(BASE, ("ex:plan", "planPreparationDate", "2025-02-01"))
    on_the_claim_date = edited(BASE, ("ex:plan", "planPreparationDate", "2025-05-15"))
    after_the_claim = edited(BASE, ("ex:plan", "planPreparationDate", "2025-06-01"))
    day_after = edited(BASE, ("ex:plan", "planPreparationDate", "2025-05-16"))
    assert violated(in_time, engine, reasoning) == set()
    assert violated(after_the_period, engine, reasoning) == set()  # left to another rule, if any
    assert violated(on_the_claim_date, engine, reasoning) == {"CN-CLAIM-09"}  # after the retirement and opinion
    assert violated(after_the_claim, engine, reasoning) == {"CN-CLAIM-09"}
    assert violated(day_after, engine, reasoning) == {"CN-CLAIM-09"}


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_message_names_the_plan_s_date(engine: str) -> None:
    after_the_claim = edited(BASE, ("ex:plan", "planPreparationDate", "2025-06-01"))
    found = messages(after_the_claim, engine, "CN-CLAIM-09")
    assert len(found) == 3  # the claim, the retirement and the opinion each dated before the plan
    late = "before its management plan was prepared (2025-06-01): a claim"
    assert any(late in m and "2025-05-15" in m for m in found)


# --- CN-CLAIM-06: the opinion may be linked through the claim's own report (§12 w, §13) ----------------------------


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_opinion_linked_only_by_the_claim_s_report_verifies_the_claim(engine: str, reasoning: str) -> None:
    report_only = edited(BASE, ("ex:claim-2024", "hasVerificationOpinion", None))
    claim_only = edited(BASE, ("ex:report-2024", "hasVerificationOpinion", None))
    neither = edited(report_only, ("ex:report-2024", "hasVerificationOpinion", None))
    assert violated(report_only, engine, reasoning) == set()
    assert violated(claim_only, engine, reasoning) == {"CN-REPORT-01"}
    assert violated(neither, engine, reasoning) == {"CN-CLAIM-06", "CN-REPORT-01"}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_opinion_linked_only_by_another_report_does_not_count(engine: str, reasoning: str) -> None:
    """The opinion is reached through the claim's own report, not through any report in the graph."""
    report_only = edited(BASE, ("ex:claim-2024", "hasVerificationOpinion", None))
    elsewhere = with_nodes(
        edited(report_only, ("ex:report-2024", "hasVerificationOpinion", None)),
        {"@id": "ex:other-report", "hasVerificationOpinion": "ex:opinion-2024"},
    )
    assert "CN-CLAIM-06" in violated(elsewhere, engine, reasoning)


@pytest.mark.rule("CN-REPORT-01", "CN-CLAIM-02", "CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_report_that_links_another_claim_s_opinion_still_fails(engine: str, reasoning: str) -> None:
    other_opinion = {
        "@id": "ex:opinion-2023",
        "@type": "VerificationOpinion",
        "verificationStandard": "ISO_14064_3",
        "verifiedBy": "ex:verifier",
        "verificationDate": "2024-04-30",
    }
    # The claim links its own opinion and the report another one: the report does not include the claim's opinion.
    both = with_nodes(edited(BASE, ("ex:report-2024", "hasVerificationOpinion", "ex:opinion-2023")), other_opinion)
    assert violated(both, engine, reasoning) == {"CN-REPORT-01", "CN-CLAIM-09"}
    renewed = {**other_opinion, "@id": "ex:opinion-2024-other", "verifiedBy": "ex:other-verifier"}
    renewed["verificationDate"] = "2025-04-30"
    own_and_other = with_nodes(
        edited(BASE, ("ex:report-2024", "hasVerificationOpinion", "ex:opinion-2024-other")), renewed
    )
    assert violated(own_and_other, engine, reasoning) == {"CN-REPORT-01"}
    # The claim links none: the report's opinion is checked as the claim's, and last year's does not fit.
    report_only = with_nodes(
        edited(
            BASE,
            ("ex:claim-2024", "hasVerificationOpinion", None),
            ("ex:report-2024", "hasVerificationOpinion", "ex:opinion-2023"),
        ),
        other_opinion,
    )
    assert violated(report_only, engine, reasoning) == {"CN-CLAIM-09"}
    stated = with_nodes(report_only, PERIOD_2023)
    stated = edited(stated, ("ex:opinion-2023", "hasReportingPeriod", "ex:period-2023"))
    assert violated(stated, engine, reasoning) == {"CN-CLAIM-02", "CN-CLAIM-09"}
