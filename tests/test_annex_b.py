"""Annex B (normative): organizations (B.1), products (B.2), events (B.2.2) and market-based electricity (B.4).

Every rule has a conforming example and a violating one in examples/annex-b/ that differ only where the rule looks.
Each violating example fails exactly its rule with reasoning off, RDFS and OWL 2 RL (so no rule is hidden or faked by
inference), and the finding says which rule, which clause, where, what is wrong and what to change. Claims that do not
express an Annex B situation, such as every organization claim written before these rules, get no Annex B finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

import comet_cn
from comet_cn.rules import CNSH, rule_catalogue
from comet_cn.synthetic import synthetic_claim
from tests.conftest import EXAMPLES

ANNEX_B = EXAMPLES / "annex-b"
# Reasoning on is where inference could hide a violation, so it stays in the default run; the others run in CI.
REASONING = (pytest.param("none", marks=pytest.mark.slow), pytest.param("rdfs", marks=pytest.mark.slow), "owlrl")
EX = "https://example.org/acme/"
CLAIM = EX + "claim-2024"
ANNEX_B_PREFIXES = ("CN-ORG-", "CN-PROD-", "CN-EVENT-", "CN-ELEC-")

CONFORMING = [
    "organisation-claim.jsonld",
    "subsidiary-claim.jsonld",
    "product-claim.jsonld",
    "product-b2b-partial-claim.jsonld",
    "event-claim.jsonld",
    "recurring-event-claim.jsonld",
    "market-based-electricity-claim.jsonld",
]

#: rule id -> (violating example, the conforming example it is derived from, the focus node of the finding, severity)
VIOLATING: dict[str, tuple[str, str, str, str]] = {
    "CN-ORG-01": (
        "cn-org-01-product-standard-for-organisation.jsonld",
        "organisation-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-ORG-W01": ("cn-org-w01-subsidiary-without-group-context.jsonld", "subsidiary-claim.jsonld", CLAIM, "Warning"),
    "CN-ORG-W02": (
        "cn-org-w02-larger-organization-smaller-than-its-part.jsonld",
        "subsidiary-claim.jsonld",
        CLAIM,
        "Warning",
    ),
    "CN-PROD-01": ("cn-prod-01-organisation-standard-for-product.jsonld", "product-claim.jsonld", CLAIM, "Violation"),
    "CN-PROD-02": (
        "cn-prod-02-full-life-cycle-without-functional-unit.jsonld",
        "product-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-PROD-03": (
        "cn-prod-03-partial-footprint-for-consumer-product.jsonld",
        "product-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-PROD-04": ("cn-prod-04-reduction-not-per-unit.jsonld", "product-claim.jsonld", CLAIM, "Violation"),
    "CN-PROD-W01": (
        "cn-prod-w01-per-unit-above-its-total.jsonld",
        "product-claim.jsonld",
        EX + "reduction-kiln-heat-pumps",
        "Warning",
    ),
    "CN-PROD-W02": ("cn-prod-w02-baseline-in-another-functional-unit.jsonld", "product-claim.jsonld", CLAIM, "Warning"),
    "CN-EVENT-01": ("cn-event-01-boundary-without-post-event-phase.jsonld", "event-claim.jsonld", CLAIM, "Violation"),
    "CN-EVENT-02": ("cn-event-02-recurrence-not-declared.jsonld", "event-claim.jsonld", CLAIM, "Violation"),
    "CN-EVENT-03": ("cn-event-03-plan-prepared-after-event-start.jsonld", "event-claim.jsonld", CLAIM, "Violation"),
    "CN-EVENT-04": (
        "cn-event-04-recurring-without-reference-event.jsonld",
        "recurring-event-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-EVENT-05": (
        "cn-event-05-recurring-without-period-rationale.jsonld",
        "recurring-event-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-EVENT-06": (
        "cn-event-06-credits-retired-before-the-event.jsonld",
        "event-claim.jsonld",
        CLAIM,
        "Violation",
    ),
    "CN-ELEC-01": (
        "cn-elec-01-no-location-based-result.jsonld",
        "market-based-electricity-claim.jsonld",
        EX + "footprint-2024",
        "Violation",
    ),
    "CN-ELEC-02": (
        "cn-elec-02-instrument-retired-for-another-organisation.jsonld",
        "market-based-electricity-claim.jsonld",
        EX + "go-2024-hydro",
        "Violation",
    ),
    "CN-ELEC-03": (
        "cn-elec-03-instrument-generated-three-years-before.jsonld",
        "market-based-electricity-claim.jsonld",
        EX + "go-2024-hydro",
        "Violation",
    ),
    "CN-ELEC-04": (
        "cn-elec-04-instrument-from-unconnected-market.jsonld",
        "market-based-electricity-claim.jsonld",
        EX + "go-2024-hydro",
        "Violation",
    ),
    "CN-ELEC-05": (
        "cn-elec-05-baseline-not-recalculated.jsonld",
        "market-based-electricity-claim.jsonld",
        CLAIM,
        "Violation",
    ),
}


#: Further violating examples of a rule (examples/manifest.json gives their verdicts; tests/test_redteam12_rules.py
#: their twins): file -> rule id.
MORE_VIOLATING: dict[str, str] = {
    "cn-event-04-no-reduction-on-reference-event.jsonld": "CN-EVENT-04",
    "cn-event-04-footprint-per-participant-day-rose.jsonld": "CN-EVENT-04",
    "cn-org-01-direct-emissions-only.jsonld": "CN-ORG-01",
    "cn-elec-01-market-result-without-location.jsonld": "CN-ELEC-01",
    "cn-elec-01-electricity-figures-as-results.jsonld": "CN-ELEC-01",
    "cn-elec-05-baseline-total-is-location-based.jsonld": "CN-ELEC-05",
    "cn-event-01-one-off-planned-before-period.jsonld": "CN-EVENT-01",
    "cn-event-01-event-starts-on-period-last-day.jsonld": "CN-EVENT-01",
    "cn-event-01-event-ends-after-period.jsonld": "CN-EVENT-01",
    "cn-prod-02-baseline-of-part-of-the-life-cycle.jsonld": "CN-PROD-02",
    "cn-prod-04-per-unit-zero-of-a-positive-total.jsonld": "CN-PROD-04",
    "cn-prod-02-baseline-full-life-cycle-per-declared-unit.jsonld": "CN-PROD-02",
    "cn-elec-02-certificate-retired-as-a-carbon-credit.jsonld": "CN-ELEC-02",
}


def _nodes(path: Path) -> dict[str, object]:
    return {node["@id"]: node for node in json.loads(path.read_text(encoding="utf-8"))["@graph"]}


def test_every_annex_b_rule_has_an_example_and_every_example_is_covered() -> None:
    catalogue = {rule.rule_id for rule in rule_catalogue() if rule.rule_id.startswith(ANNEX_B_PREFIXES)}
    assert catalogue == set(VIOLATING)
    on_disk = {path.name for path in ANNEX_B.glob("*.jsonld")}
    assert on_disk == set(CONFORMING) | {entry[0] for entry in VIOLATING.values()} | set(MORE_VIOLATING)
    assert set(MORE_VIOLATING.values()) <= catalogue


@pytest.mark.parametrize("rule_id", sorted(VIOLATING))
def test_annex_b_rules_are_documented_with_their_clause_and_severity(rule_id: str) -> None:
    rule = next(rule for rule in rule_catalogue() if rule.rule_id == rule_id)
    assert rule.clause.startswith("ISO 14068-1:2023 Annex B.")
    assert rule.severity == VIOLATING[rule_id][3]
    assert rule.description and rule.hint and rule.name and rule.pillar in ("Quantification", "Hierarchy")


@pytest.mark.parametrize("rule_id", sorted(VIOLATING))
def test_violating_example_differs_from_its_conforming_example_only_where_the_rule_looks(rule_id: str) -> None:
    violating, base, _, _ = VIOLATING[rule_id]
    changed, conforming = _nodes(ANNEX_B / violating), _nodes(ANNEX_B / base)
    assert 1 <= sum(1 for iri in set(changed) | set(conforming) if changed.get(iri) != conforming.get(iri)) <= 5


@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_annex_b_example_conforms_without_findings(name: str, reasoning: str) -> None:
    report = comet_cn.validate(ANNEX_B / name, reasoning=reasoning)  # type: ignore[arg-type]
    assert report.conforms, [r.message for r in report.violations]
    assert report.rule_ids == frozenset()
    assert [r.message for r in report.warnings] == []


@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("rule_id", sorted(VIOLATING))
def test_violating_annex_b_example_fails_exactly_its_rule(rule_id: str, reasoning: str) -> None:
    violating, _, focus, severity = VIOLATING[rule_id]
    report = comet_cn.validate(ANNEX_B / violating, reasoning=reasoning)  # type: ignore[arg-type]
    if severity == "Violation":
        assert not report.conforms
        assert report.rule_ids == frozenset({rule_id})
        assert [r.message for r in report.warnings] == []
    else:
        assert report.conforms and report.rule_ids == frozenset()
        assert {r.rule_id for r in report.warnings} == {rule_id}
    findings = [r for r in report.results if r.rule_id == rule_id]
    assert findings
    for finding in findings:
        assert finding.severity == severity
        assert finding.clause.startswith("ISO 14068-1:2023 Annex B.")
        assert finding.focus_node == focus
        assert finding.message.startswith(f"{rule_id} (Annex B.")
        assert finding.hint
    if severity == "Warning":
        assert all("should" in finding.message for finding in findings)


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [
        ("CN-ORG-01", "ISO_14067"),
        ("CN-PROD-01", "ISO_14064_1"),
        ("CN-EVENT-01", "does not cover the post-event phase"),
        ("CN-EVENT-03", "summit-2024"),
        ("CN-ELEC-01", "location-based"),
        ("CN-ELEC-03", "from 2021-01-01 to 2021-12-31, not all of it within 12 months"),
        ("CN-ELEC-04", "generated in IS but is applied to consumption in DE"),
        ("CN-ELEC-05", "LocationBasedMethod"),
    ],
)
def test_messages_name_what_is_wrong(rule_id: str, expected: str) -> None:
    report = comet_cn.validate(ANNEX_B / VIOLATING[rule_id][0], reasoning="owlrl")
    assert any(expected in r.message for r in report.results if r.rule_id == rule_id)


def test_instrument_vintage_window_is_a_parameter_of_the_checker_not_of_the_claim() -> None:
    """CN-ELEC-03: by default (12 months) electricity generated in late 2023 may cover 2024; with 0 it may not. The
    window is the checker's option: the same value stated in the claim is ignored, with a warning."""
    graph = comet_cn.load(ANNEX_B / "market-based-electricity-claim.jsonld")
    instrument = next(s for s in graph.subjects() if str(s) == EX + "go-2024-hydro")
    start = next(p for p in graph.predicates(instrument) if str(p).endswith("#generationPeriodStart"))
    end = next(p for p in graph.predicates(instrument) if str(p).endswith("#generationPeriodEnd"))
    graph.set((instrument, start, Literal("2023-07-01", datatype=XSD.date)))
    graph.set((instrument, end, Literal("2023-12-31", datatype=XSD.date)))
    assert comet_cn.validate(graph).conforms
    report = comet_cn.validate(graph, parameters=comet_cn.RuleParameters(instrument_vintage_window_months=0))
    assert report.rule_ids == frozenset({"CN-ELEC-03"})
    assert any("not all of it within 0 months" in r.message for r in report.results)
    graph.add((CNSH.parameters, CNSH.instrumentVintageWindowMonths, Literal(0, datatype=XSD.integer)))
    report = comet_cn.validate(graph)
    assert report.conforms and [r.rule_id for r in report.warnings] == ["CN-INPUT-02"]


def _annex_b_findings(report: comet_cn.ValidationReport) -> list[str]:
    return [r.rule_id for r in report.results if r.rule_id.startswith(ANNEX_B_PREFIXES)]


@pytest.mark.parametrize(
    "path",
    sorted([*EXAMPLES.glob("*.jsonld"), *(EXAMPLES / "violations").glob("*.jsonld")]),
    ids=lambda p: p.name,
)
def test_claims_that_express_no_annex_b_situation_get_no_annex_b_finding(path: Path) -> None:
    """The organization claims written before Annex B was encoded name no standard, no electricity method and no
    instruments, and their subjects are organizations: no Annex B rule may fire on them."""
    assert _annex_b_findings(comet_cn.validate(path, reasoning="owlrl")) == []


@pytest.mark.parametrize("index", range(3))
def test_generated_claims_get_no_annex_b_finding(index: int) -> None:
    assert _annex_b_findings(comet_cn.validate(synthetic_claim(index), reasoning="owlrl")) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(ANNEX_B.glob("*.jsonld")), ids=lambda p: p.name)
def test_reference_owlrl_engine_gives_the_same_verdict(path: Path) -> None:
    """The fast compiled engine (the default) and owlrl itself agree on every Annex B example."""
    fast = comet_cn.validate(path, reasoning="owlrl")
    reference = comet_cn.validate(path, reasoning="owlrl", engine="owlrl")
    assert reference.engine == "owlrl"
    assert (fast.rule_ids, {r.rule_id for r in fast.warnings}) == (
        reference.rule_ids,
        {r.rule_id for r in reference.warnings},
    )
