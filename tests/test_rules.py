"""Edges of the rules a user would notice: boundaries, parameters, calendars and ill-typed values."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters
from tests.conftest import EXAMPLES, Run

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))


def claim(**changes: dict[str, Any]) -> dict[str, Any]:
    """The conforming example with the given nodes updated, e.g. claim(**{"ex:credit-wind": {"x": 1}})."""
    document = copy.deepcopy(BASE)
    nodes = {node["@id"]: node for node in document["@graph"]}
    for iri, values in changes.items():
        for key, value in values.items():
            if value is None:
                nodes[iri].pop(key, None)
            else:
                nodes[iri][key] = value
    return document


def violated(document: dict[str, Any], reasoning: str = "owlrl", **kwargs: Any) -> set[str]:
    return set(comet_cn.validate(document, reasoning=reasoning, **kwargs).rule_ids)  # type: ignore[arg-type]


PERIOD = "ex:period-2024"
EVENT = "ex:retirement-2025-03"
CREDIT = "ex:credit-cookstoves"


@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_vintage_exactly_five_years_before_start_conforms_six_fails(reasoning: str) -> None:
    assert violated(claim(**{CREDIT: {"vintageEndYear": "2019"}}), reasoning) == set()
    assert violated(claim(**{CREDIT: {"vintageEndYear": "2018"}}), reasoning) == {"CN-VINT-01"}


def test_vintage_parameters_change_the_verdict_as_documented() -> None:
    old = claim(**{CREDIT: {"vintageEndYear": "2018", "issuanceYear": "2020"}})
    assert violated(old) == {"CN-VINT-01"}
    assert violated(old, parameters=RuleParameters(vintage_max_age_years=6)) == set()
    assert violated(old, parameters={"vintage_property": "issuance"}) == set()
    assert violated(claim(**{CREDIT: {"vintageEndYear": "2019"}}), parameters={"vintage_reference": "end"}) == set()
    assert violated(
        claim(**{CREDIT: {"vintageEndYear": "2019"}}),
        parameters={"vintage_reference": "end", "vintage_max_age_years": 4},
    ) == {"CN-VINT-01"}


def test_cli_vintage_options(cli: Callable[..., Run], tmp_path: Any) -> None:
    path = tmp_path / "old.jsonld"
    path.write_text(json.dumps(claim(**{CREDIT: {"vintageEndYear": "2018"}})), encoding="utf-8")
    assert cli(path).code == 1
    assert cli("--vintage-max-age", "6", path).code == 0


@pytest.mark.parametrize(
    ("end", "retired", "conforms"),
    [
        ("2024-12-31", "2025-12-31", True),
        ("2024-12-31", "2026-01-01", False),
        ("2024-02-29", "2025-02-28", True),  # leap day: + P12M clamps to 28 February
        ("2024-02-29", "2025-03-01", False),
        ("2024-04-30", "2025-04-30", True),  # month ends keep their day
        ("2024-04-30", "2025-05-01", False),
        ("2023-01-31", "2024-01-31", True),
        ("2023-01-31", "2024-02-01", False),
        # February's last day: to the last day of February a year on, 29 in a leap year (red team 68b; was the 28th,
        # as XSD adds P12M, and a retirement on the window's last day was late).
        ("2023-02-28", "2024-02-29", True),
        ("2023-02-28", "2024-03-01", False),
        ("2024-02-28", "2025-02-28", True),  # not February's last day in 2024: the 28th a year on
        ("2024-02-28", "2025-03-01", False),
    ],
)
def test_retirement_window_across_month_ends_and_leap_days(end: str, retired: str, conforms: bool) -> None:
    start = end[:4] + "-01-01"
    document = claim(
        **{
            PERIOD: {"reportingPeriodStart": start, "reportingPeriodEnd": end},
            EVENT: {"retirementDate": retired},
            "ex:reversal-2024-fire": {"reversalDate": start},
            "ex:reduction-green-electricity": {"achievementDate": start},
            "ex:enhancement-woodland": {"achievementDate": start},  # within the period (CN-HIER-04)
            # Dated after every retirement tried here, so that only the retirement window is at stake.
            "ex:claim-2024": {"hasEmissionReduction": "ex:reduction-green-electricity", "claimDate": "2026-06-01"},
            "ex:opinion-2024": {"verificationDate": "2026-05-01"},  # verified after every retirement (CN-CLAIM-09)
        }
    )
    assert ("CN-RET-01" not in violated(document)) is conforms
    assert violated(document) <= {"CN-RET-01"}


def test_retirement_window_parameter() -> None:
    verified = {"ex:opinion-2024": {"verificationDate": "2025-07-10"}}  # after every retirement (CN-CLAIM-09)
    document = claim(
        **{EVENT: {"retirementDate": "2025-07-01"}, "ex:claim-2024": {"claimDate": "2025-07-15"}, **verified}
    )
    assert violated(document) == set()
    assert violated(document, parameters={"retirement_window_months": 6}) == {"CN-RET-01"}
    assert (
        violated(
            claim(
                **{EVENT: {"retirementDate": "2025-06-30"}, "ex:claim-2024": {"claimDate": "2025-07-15"}, **verified}
            ),
            parameters={"retirement_window_months": 6},
        )
        == set()
    )


def test_balance_exactly_covered_conforms_half_a_tonne_short_fails() -> None:
    assert violated(claim(**{"ex:footprint-2024": {"tonnesCO2e": "12500.0"}})) == set()
    assert violated(claim(**{"ex:footprint-2024": {"tonnesCO2e": "12500.5"}})) == {"CN-BAL-01"}


@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_credit_retired_twice_by_the_claim_is_a_violation_and_counts_once(reasoning: str) -> None:
    """Two offsetting events retiring the same credit block: the units would count twice (issue: verdicts that
    cannot be fooled). CN-UNITS-01 names it, and the balance still counts the block once."""
    document = claim(**{"ex:footprint-2024": {"tonnesCO2e": "12500.0"}})
    document["@graph"].append(
        {
            "@id": "ex:retirement-2025-04",
            "@type": "OffsettingEvent",
            "retirementDate": "2025-04-01",
            "hasReportingPeriod": PERIOD,
            "inRegistry": "ex:registry",
            "retiredOnBehalfOf": "ex:acme",
            "retiresCredit": "ex:credit-wind",
        }
    )
    document["@graph"][0]["hasOffsettingEvent"] = [EVENT, "ex:retirement-2025-04"]
    assert violated(document, reasoning) == {"CN-UNITS-01"}
    nodes = {n["@id"]: n for n in document["@graph"]}
    nodes["ex:footprint-2024"]["tonnesCO2e"] = "12500.5"
    assert violated(document, reasoning) == {"CN-UNITS-01", "CN-BAL-01"}


@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({EVENT: {"retirementDate": "2025-13-40"}}, "CN-RET-01"),
        ({CREDIT: {"vintageEndYear": "twenty"}}, "CN-VINT-01"),
        ({CREDIT: {"isExPostCredit": {"@value": "yes", "@type": "xsd:boolean"}}}, "CN-EXPOST-01"),
        ({CREDIT: {"correspondingAdjustmentApplied": "yes"}}, "CN-CA-01"),
        ({CREDIT: {"tonnesCO2e": "-5"}}, "CN-BAL-01"),
        ({CREDIT: {"tonnesCO2e": 4500.5}}, "CN-BAL-01"),
        ({"ex:footprint-2024": {"tonnesCO2e": "1.245E4"}}, "CN-BAL-01"),
        ({PERIOD: {"reportingPeriodEnd": "2024-02-30"}}, "CN-CLAIM-02"),
        ({"ex:target-2030": {"targetYear": "20301"}}, "CN-PATH-01"),
        ({"ex:action-offset": {"actionOrder": "last"}}, "CN-HIER-02"),
    ],
    ids=[
        "bad-date",
        "word-year",
        "yes-boolean",
        "string-boolean",
        "negative",
        "json-number",
        "exponent",
        "no-30-feb",
        "five-digit-year",
        "word-order",
    ],
)
def test_ill_typed_values_are_violations_of_the_rule_that_reads_them(
    changes: dict[str, Any], rule: str, reasoning: str
) -> None:
    assert rule in violated(claim(**changes), reasoning)


def test_period_ending_before_it_starts_is_reported() -> None:
    assert "CN-CLAIM-02" in violated(claim(**{PERIOD: {"reportingPeriodStart": "2025-01-01"}}))


def test_exponent_decimal_in_n_triples_is_reported_too() -> None:
    triples = comet_cn.load(BASE).serialize(format="nt")
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    assert f'"6000.0"^^{decimal}' in triples
    assert comet_cn.validate(triples, format="nt").conforms
    exponent = triples.replace(f'"6000.0"^^{decimal}', f'"6.0E3"^^{decimal}')
    assert set(comet_cn.validate(exponent, format="nt").rule_ids) == {"CN-BAL-01"}


def test_warning_does_not_break_conformance_but_strict_does(cli: Callable[..., Run]) -> None:
    path = EXAMPLES / "plan-without-responsible-person.jsonld"
    report = comet_cn.validate(path)
    assert report.conforms and not report.passes(strict=True)
    assert cli(path).code == 0
    assert cli("--strict", path).code == 1


def test_validate_accepts_a_graph_and_never_modifies_it() -> None:
    graph = comet_cn.load(EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld")
    before = set(graph)
    assert comet_cn.validate(graph).rule_ids == {"CN-VINT-01"}
    assert set(graph) == before


def test_extra_shapes_run_and_report_their_own_rule() -> None:
    extra = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cnsh: <https://comet.carbon/ext/iso14068/shapes#> .
        @prefix comet-cn: <https://comet.carbon/ext/iso14068#> .
        <https://example.org/shapes#ClaimDate> a sh:NodeShape ;
            sh:targetClass comet-cn:CarbonNeutralityClaim ;
            cnsh:ruleId "ACME-01" ;
            sh:property [ sh:path comet-cn:claimDate ; sh:maxCount 0 ; sh:message "ACME-01: no claim dates" ] .
    """
    report = comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", extra_shapes=[extra])
    assert report.rule_ids == {"ACME-01"}


def _without_evidence(document: dict[str, Any], holder: str, item: str) -> dict[str, Any]:
    nodes = {node["@id"]: node for node in document["@graph"]}
    nodes[holder]["hasEvidence"] = [e for e in nodes[holder]["hasEvidence"] if e["evidenceFor"] != item]
    return document


def _warned(document: dict[str, Any], reasoning: str) -> list[tuple[str, str | None]]:
    report = comet_cn.validate(document, reasoning=reasoning)  # type: ignore[arg-type]
    assert report.conforms  # a bare tick is a warning: claims that tick bare items keep working
    return [(r.focus_node, r.value) for r in report.warnings if r.rule_id == "CN-EVID-01"]


@pytest.mark.rule("CN-EVID-01")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_evidence_needs_a_location_and_must_sit_on_the_node_that_ticks_the_item(reasoning: str) -> None:
    report = "https://example.org/acme/report-2024"
    assert _warned(claim(), reasoning) == []
    no_location = claim()
    for node in no_location["@graph"]:
        for evidence in node.get("hasEvidence", []):
            if evidence["evidenceFor"] == "ReportElement_w":
                del evidence["evidenceLocation"]
    assert _warned(no_location, reasoning) == [(report, "ReportElement_w")]
    elsewhere = _without_evidence(claim(), "ex:report-2024", "ReportElement_w")
    nodes = {node["@id"]: node for node in elsewhere["@graph"]}
    nodes["ex:claim-2024"]["hasEvidence"].append({"evidenceFor": "ReportElement_w", "evidenceLocation": "x.pdf"})
    assert _warned(elsewhere, reasoning) == [(report, "ReportElement_w")]
    two = _without_evidence(
        _without_evidence(claim(), "ex:report-2024", "ReportElement_w"), "ex:report-2024", "ReportElement_a"
    )
    assert _warned(two, reasoning) == [(report, "ReportElement_a, ReportElement_w")]


@pytest.mark.rule("CN-EVID-01")
def test_a_criterion_of_a_credit_without_evidence_is_named_on_that_credit() -> None:
    document = _without_evidence(claim(), "ex:credit-wind", "Permanent")
    assert _warned(document, "owlrl") == [("https://example.org/acme/credit-wind", "Permanent")]


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_period_start_that_is_no_date_or_after_the_end_is_reported_not_a_crash(reasoning: str) -> None:
    """sh:lessThanOrEquals made pySHACL raise TypeError on "yesterday"; the order is now checked in SPARQL."""
    assert "CN-CLAIM-02" in violated(claim(**{PERIOD: {"reportingPeriodStart": "yesterday"}}), reasoning)
    assert "CN-CLAIM-02" in violated(claim(**{PERIOD: {"reportingPeriodStart": "2025-01-01"}}), reasoning)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize("node", ["ex:emission-scope1", "ex:removal-woodland-2024", "ex:reversal-2024-fire"])
def test_an_ill_typed_quantity_anywhere_is_a_violation_not_skipped(node: str, reasoning: str) -> None:
    """A tester's emission of "abc" t left the claim CONFORMS: every sum skipped it."""
    assert "CN-BAL-01" in violated(claim(**{node: {"tonnesCO2e": "abc"}}), reasoning)
    assert "CN-BAL-01" in violated(claim(**{node: {"tonnesCO2e": "1E3"}}), reasoning)
