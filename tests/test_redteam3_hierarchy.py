"""Red-team round 3, hierarchy pillar: claims written from the digest that the pathway and hierarchy rules let through.

Each case is the conforming example with a small change where the rule looks, next to a twin that differs only
there and conforms. Both are checked on both SHACL engines with reasoning on (the default).
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters
from comet_cn.validation import ValidationReport
from tests.conftest import EXAMPLES

FIXTURES = Path(__file__).resolve().parents[1] / "examples" / "violations"
BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 1, 15))
ENGINES = {"pyshacl": "pyshacl", "turbo": "pyshacl-turbo"}

Changes = dict[str, dict[str, Any] | None]


def claim(changes: Changes, extra: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """The conforming example with nodes updated (a value None drops the key; a node None drops the node)."""
    document = copy.deepcopy(BASE)
    for iri, values in changes.items():
        if values is None:
            document["@graph"] = [n for n in document["@graph"] if n["@id"] != iri]
            continue
        node = next(n for n in document["@graph"] if n["@id"] == iri)
        for key, value in values.items():
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
    document["@graph"].extend(copy.deepcopy(list(extra)))
    return document


def check(document: dict[str, Any], engine: str) -> ValidationReport:
    report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine)  # type: ignore[arg-type]
    assert report.shacl_engine == ENGINES[engine]
    return report


def violated(document: dict[str, Any], engine: str) -> set[str]:
    return set(check(document, engine).rule_ids)


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "turbo":
        from comet_cn import shacl_engines

        if not shacl_engines.turbo_available():
            pytest.skip("pyshacl-turbo is not installed")
    return str(request.param)


def test_the_base_conforms(engine: str) -> None:
    assert violated(claim({}), engine) == set()


# --- CN-PATH-01: one target typed both short- and long-term is not two targets (§5.3) --------------------------


@pytest.mark.rule("CN-PATH-01")
def test_one_target_typed_short_and_long_is_not_both_targets(engine: str) -> None:
    # c11: the pathway's only target is typed both; its twin keeps two targets, one of each kind.
    both = claim(
        {
            "ex:target-2030": {"@type": ["ShortTermTarget", "LongTermTarget"]},
            "ex:pathway": {"hasTarget": ["ex:target-2030"]},
            "ex:target-2045": None,
        }
    )
    report = check(both, engine)
    assert set(report.rule_ids) == {"CN-PATH-01"}
    messages = [r.message for r in report.results]
    assert any("no short-term target" in m for m in messages) and any("no long-term target" in m for m in messages)
    assert all(r.focus_node == "https://example.org/acme/pathway" for r in report.results)


@pytest.mark.rule("CN-PATH-01")
def test_a_second_target_typed_both_does_not_stand_in_for_the_long_term_one(engine: str) -> None:
    assert violated(claim({"ex:target-2045": {"@type": "LongTermTarget"}}), engine) == set()
    assert violated(claim({"ex:target-2045": {"@type": ["LongTermTarget", "ShortTermTarget"]}}), engine) == {
        "CN-PATH-01"
    }


# --- CN-HIER-02: the planned dates count even when an action order is given (§5.2) ------------------------------


@pytest.mark.rule("CN-HIER-02")
def test_offsetting_dated_before_reductions_fails_even_when_ordered_last(engine: str) -> None:
    # c19: actionOrder puts offsetting last, but it is planned for 2025-03 and every reduction for 2026.
    dated = claim(
        {
            "ex:action-heat-pumps": {"plannedDate": "2026-06-30"},
            "ex:action-green-electricity": {"plannedDate": "2026-01-01"},
            "ex:action-woodland": {"plannedDate": "2026-03-31"},
        }
    )
    report = check(dated, engine)
    assert set(report.rule_ids) == {"CN-HIER-02"}
    finding = report.results[0]
    assert finding.focus_node == "https://example.org/acme/plan"
    assert finding.value == "https://example.org/acme/action-offset"
    assert "is not ordered after" in finding.message and "plannedDate" in finding.message


@pytest.mark.rule("CN-HIER-02")
def test_offsetting_dated_with_the_last_removal_conforms_one_day_earlier_fails(engine: str) -> None:
    # The woodland action (order 3) is planned for 2024-03-31; offsetting keeps order 4 throughout.
    assert violated(claim({"ex:action-offset": {"plannedDate": "2024-03-31"}}), engine) == set()
    assert violated(claim({"ex:action-offset": {"plannedDate": "2024-03-30"}}), engine) == {"CN-HIER-02"}


@pytest.mark.rule("CN-HIER-02")
def test_order_alone_still_decides_when_the_actions_are_not_dated(engine: str) -> None:
    undated = {a: {"plannedDate": None} for a in ("ex:action-heat-pumps", "ex:action-offset")}
    assert violated(claim(undated), engine) == set()
    undated["ex:action-offset"] = {"plannedDate": None, "actionOrder": 0}
    assert violated(claim(undated), engine) == {"CN-HIER-02"}


# --- CN-HIER-04: a reduction achieved before the base period is not a reduction against the baseline (§3.2.3) ---


REDUCTIONS = ("ex:reduction-kiln-heat-pumps", "ex:reduction-green-electricity")


def _reductions_on(day: str) -> Changes:
    return {iri: {"achievementDate": day} for iri in REDUCTIONS}


@pytest.mark.rule("CN-HIER-04")
def test_reductions_achieved_before_the_base_period_do_not_count(engine: str) -> None:
    # c13: the only reductions date from 2012 and 2014; the base period is 2019.
    old = claim(
        {
            "ex:reduction-kiln-heat-pumps": {"achievementDate": "2012-09-30"},
            "ex:reduction-green-electricity": {"achievementDate": "2014-01-01"},
        }
    )
    report = check(old, engine)
    assert set(report.rule_ids) == {"CN-HIER-04"}
    assert report.results[0].focus_node == "https://example.org/acme/claim-2024"
    assert "base period" in report.results[0].message


@pytest.mark.rule("CN-HIER-04")
def test_a_reduction_achieved_on_the_first_day_of_the_base_period_counts_the_day_before_does_not(engine: str) -> None:
    assert violated(claim(_reductions_on("2019-01-01")), engine) == set()
    assert violated(claim(_reductions_on("2018-12-31")), engine) == {"CN-HIER-04"}


@pytest.mark.rule("CN-HIER-04")
def test_an_old_reduction_beside_a_valid_one_is_refused_on_its_own(engine: str) -> None:
    # Red team 34: one valid reduction used to be enough; a 2012 reduction (base period 2019) listed beside it is
    # already inside the baseline and would inflate the claim's reductions, so it is refused on its own.
    report = check(claim({"ex:reduction-kiln-heat-pumps": {"achievementDate": "2012-09-30"}}), engine)
    assert set(report.rule_ids) == {"CN-HIER-04"}
    (finding,) = report.violations
    assert "reduction-kiln-heat-pumps was achieved on 2012-09-30, before the plan's base period" in finding.message


@pytest.mark.rule("CN-HIER-04")
def test_the_base_period_is_found_from_the_plan_and_from_any_of_its_baselines(engine: str) -> None:
    # No dated base period (e.g. a one-off event with an estimated baseline): the base period does not apply.
    undated = claim({**_reductions_on("2012-09-30"), "ex:base-period-2019": {"basePeriodStart": None}})
    assert violated(undated, engine) == set()
    # A base period linked from the plan itself counts like one linked from its baseline.
    direct = claim(
        {
            **_reductions_on("2012-09-30"),
            "ex:baseline-2019": {"hasBasePeriod": None},
            "ex:plan": {"hasBasePeriod": "ex:base-period-2019"},
        }
    )
    assert violated(direct, engine) == {"CN-HIER-04"}
    # Beside an earlier baseline of the same plan, the latest is the one in effect (a recalculated baseline replaces
    # an earlier one, §12 g): the 2012 reduction is inside the 2019 baseline and does not count (red team 45; this
    # test said before that it counted against the 2010 one).
    earlier = (
        {"@id": "ex:baseline-2010", "@type": "Baseline", "tonnesCO2e": "21000.0", "hasBasePeriod": "ex:bp-2010"},
        {"@id": "ex:bp-2010", "@type": "BasePeriod", "basePeriodStart": "2010-01-01", "basePeriodEnd": "2010-12-31"},
    )
    two = claim(
        {**_reductions_on("2012-09-30"), "ex:plan": {"hasBaseline": ["ex:baseline-2019", "ex:baseline-2010"]}}, earlier
    )
    assert violated(two, engine) == {"CN-HIER-04"}


# --- CN-PLAN-03: the base period is historical (§3.2.14) ---------------------------------------------------------


@pytest.mark.rule("CN-PLAN-03")
def test_base_period_after_the_reporting_period_fails(engine: str) -> None:
    # c44: base period 2025 for a 2024 claim; the 2023 and 2024 reductions then predate it too (CN-HIER-04).
    later = claim({"ex:base-period-2019": {"basePeriodStart": "2025-01-01", "basePeriodEnd": "2025-12-31"}})
    report = check(later, engine)
    assert set(report.rule_ids) == {"CN-PLAN-03", "CN-HIER-04"}
    finding = next(r for r in report.results if r.rule_id == "CN-PLAN-03")
    assert finding.focus_node == "https://example.org/acme/claim-2024"
    assert finding.value == "https://example.org/acme/base-period-2019"
    assert "historical" in finding.message


@pytest.mark.rule("CN-PLAN-03")
def test_base_period_ending_before_the_reporting_period_conforms_the_period_itself_fails(engine: str) -> None:
    # Red team 12: a base period equal to the reporting period compares the period with itself (§3.2.13, §10.1);
    # round 3 had accepted it.
    before = {"basePeriodStart": "2023-01-01", "basePeriodEnd": "2023-12-31"}
    assert violated(claim({"ex:base-period-2019": before}), engine) == set()
    same = {"basePeriodStart": "2024-01-01", "basePeriodEnd": "2024-12-31"}
    assert violated(claim({"ex:base-period-2019": same}), engine) == {"CN-PLAN-03"}
    longer = {"basePeriodStart": "2024-01-01", "basePeriodEnd": "2025-01-01"}
    assert violated(claim({"ex:base-period-2019": longer}), engine) == {"CN-PLAN-03"}


@pytest.mark.rule("CN-PLAN-03")
def test_base_period_linked_from_the_plan_is_checked_too(engine: str) -> None:
    extra = (
        {"@id": "ex:bp-2025", "@type": "BasePeriod", "basePeriodStart": "2025-01-01", "basePeriodEnd": "2025-12-31"},
    )
    assert violated(claim({"ex:plan": {"hasBasePeriod": "ex:bp-2025"}}, extra), engine) == {"CN-PLAN-03"}


@pytest.mark.rule("CN-PLAN-03")
def test_a_base_period_end_that_is_not_a_date_is_reported() -> None:
    # An ill-formed date may send the fast engine back to the reference: the verdict is the same on both.
    bad = claim({"ex:base-period-2019": {"basePeriodEnd": "end of 2019"}})
    assert set(comet_cn.validate(bad, parameters=AS_OF).rule_ids) == {"CN-PLAN-03"}
    assert set(comet_cn.validate(bad, parameters=AS_OF, shacl_engine="turbo").rule_ids) == {"CN-PLAN-03"}


# --- CN-PATH-04: targets whose year has passed are met (§10.1) ----------------------------------------------------


@pytest.mark.rule("CN-PATH-04")
def test_short_term_target_missed(engine: str) -> None:
    # c10: the 7000 t short-term target fell due in 2023; the 2024 footprint is 12450 t.
    report = check(claim({"ex:target-2030": {"targetYear": "2023"}}), engine)
    assert set(report.rule_ids) == {"CN-PATH-04"}
    finding = report.results[0]
    assert finding.focus_node == "https://example.org/acme/claim-2024"
    assert finding.value == "https://example.org/acme/target-2030"
    assert "has passed" in finding.message and "2023" in finding.message


@pytest.mark.rule("CN-PATH-04")
def test_a_target_falling_due_in_the_reporting_year_is_checked_a_later_one_is_not(engine: str) -> None:
    assert violated(claim({"ex:target-2030": {"targetYear": "2025"}}), engine) == set()
    assert violated(claim({"ex:target-2030": {"targetYear": "2024"}}), engine) == {"CN-PATH-04"}


@pytest.mark.rule("CN-PATH-04")
def test_a_footprint_at_the_target_level_meets_it_above_does_not(engine: str) -> None:
    met = {"targetYear": "2024", "tonnesCO2e": "12450.0"}
    assert violated(claim({"ex:target-2030": met}), engine) == set()
    missed = {"targetYear": "2024", "tonnesCO2e": "12449.9"}
    assert violated(claim({"ex:target-2030": missed}), engine) == {"CN-PATH-04"}


@pytest.mark.rule("CN-PATH-04")
def test_a_passed_target_without_a_level_cannot_be_compared(engine: str) -> None:
    # Not compared with the footprint (CN-PATH-04), but a target without a level is itself incomplete (CN-PATH-01).
    assert violated(claim({"ex:target-2030": {"targetYear": "2023", "tonnesCO2e": None}}), engine) == {"CN-PATH-01"}


@pytest.mark.rule("CN-PATH-04")
def test_residual_only_year_passed_but_the_claim_states_unabated_emissions(engine: str) -> None:
    # c09, the residual-only half: the pathway's residual-only year is 2023, the claim is for 2024 and unabated.
    report = check(claim({"ex:pathway": {"targetYearResidualOnly": "2023"}}), engine)
    assert set(report.rule_ids) == {"CN-PATH-04"}
    assert report.results[0].value == "https://example.org/acme/pathway"
    assert "onlyResidualEmissionsRemain" in report.results[0].message
    # A period in the residual-only year itself is not after it.
    assert violated(claim({"ex:pathway": {"targetYearResidualOnly": "2024"}}), engine) == set()


@pytest.mark.rule("CN-PATH-04")
def test_residual_year_and_targets_all_passed(engine: str) -> None:
    # c09 as written by the red team: every target and the residual-only year lie before the 2024 claim.
    report = check(
        claim(
            {
                "ex:pathway": {"targetYearResidualOnly": "2020"},
                "ex:target-2030": {"targetYear": "2018"},
                "ex:target-2045": {"targetYear": "2020"},
            }
        ),
        engine,
    )
    # The 2018 target also lies before the 2019 base period (CN-PATH-01, red team 55a).
    assert set(report.rule_ids) == {"CN-PATH-04", "CN-PATH-01"}
    assert {r.value for r in report.results if r.rule_id == "CN-PATH-01"} == {"2018"}
    assert {r.value for r in report.results if r.rule_id == "CN-PATH-04"} == {
        "https://example.org/acme/pathway",
        "https://example.org/acme/target-2030",
        "https://example.org/acme/target-2045",
    }


@pytest.mark.rule("CN-PATH-04")
def test_a_target_level_that_is_not_a_decimal_is_reported() -> None:
    bad = claim({"ex:target-2030": {"targetYear": "2023", "tonnesCO2e": "7000 t"}})
    assert "CN-PATH-04" in set(comet_cn.validate(bad, parameters=AS_OF).rule_ids)
    assert "CN-PATH-04" in set(comet_cn.validate(bad, parameters=AS_OF, shacl_engine="turbo").rule_ids)


# --- Left alone: a one-month organisation claim (§3.1.1 Note 2 is a note; §3.1.6 allows shorter periods) -------


def test_organisation_claim_for_one_month_still_conforms(engine: str) -> None:
    month = claim(
        {
            "ex:period-2024": {"reportingPeriodStart": "2024-12-01"},
            "ex:reversal-2024-fire": {"reversalDate": "2024-12-14"},
            "ex:reduction-green-electricity": {"achievementDate": "2024-12-01"},
        }
    )
    assert violated(month, engine) == set()


# --- The violating examples of the two new rules (examples/violations/, listed in examples/manifest.json) ---


NEW_EXAMPLES = {
    "cn-path-04-short-term-target-missed.jsonld": {"CN-PATH-04"},
    "cn-plan-03-base-period-not-historical.jsonld": {"CN-PLAN-03"},
}


@pytest.mark.rule("CN-PATH-04", "CN-PLAN-03")
@pytest.mark.parametrize("name", sorted(NEW_EXAMPLES))
def test_the_new_rules_violating_examples_fail_only_their_rule(name: str, engine: str) -> None:
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert violated(document, engine) == NEW_EXAMPLES[name]
    for reasoning in ("none", "rdfs"):
        report = comet_cn.validate(document, parameters=AS_OF, reasoning=reasoning, shacl_engine=engine)  # type: ignore[arg-type]
        assert set(report.rule_ids) == NEW_EXAMPLES[name]
    base = {n["@id"]: n for n in BASE["@graph"]}
    nodes = {n["@id"]: n for n in document["@graph"]}
    assert 1 <= sum(1 for iri in set(base) | set(nodes) if base.get(iri) != nodes.get(iri)) <= 5
