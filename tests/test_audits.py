"""Cross-claim audits: findings with rule ids on data whose problems are known by construction, and none on clean
data; the findings have the shape of validation results and reach cn-validate --audits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest

from comet_cn.audits import AUDITS, AuditFinding, audit_results, audits_markdown, run_audits
from comet_cn.queries import list_queries, load_sources
from comet_cn.validation import ValidationResult
from tests.conftest import EXAMPLES, Run

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
MULTI = EXAMPLES / "multi-period"
SINGLE = EXAMPLES / "conforming-claim.jsonld"
ACME = "https://example.org/acme/"


def found(source: Path) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.severity, f.focus_node) for f in run_audits(source)]


def test_audits_are_well_formed() -> None:
    assert len({a.rule_id for a in AUDITS}) == len(AUDITS)
    columns = {info.name: {c[0] for c in info.columns} for info in list_queries()}
    for audit in AUDITS:
        entry = audit.rule  # name, clause, severity and hint come from the one catalogue
        assert audit.rule_id.startswith("CN-AUDIT-") and entry.severity in ("Violation", "Warning")
        assert entry.clause.startswith(("ISO 14068-1:2023 §", "ISO 14068-1:2023 Annex")) and entry.hint and entry.name
        assert entry.kind == "audit" and entry.locations
        assert audit.query in columns and audit.focus in columns[audit.query]
        assert audit.value is None or audit.value in columns[audit.query]
        assert entry.pillar in ("Hierarchy", "Quantification", "Credits", "Reporting")


def test_a_finding_is_a_result_record() -> None:
    assert AuditFinding is ValidationResult
    names = [f.name for f in fields(AuditFinding)]
    for name in ("rule_id", "severity", "clause", "focus_node", "path", "value", "message", "hint", "source_shape"):
        assert name in names


def test_multi_period_example() -> None:
    findings = run_audits(MULTI)
    assert [(f.rule_id, f.severity, f.focus_node, f.value) for f in findings] == [
        ("CN-AUDIT-DOUBLE-01", "Violation", "EXR-2023-BIOC-000001-002000", "EXR-2023-BIOC-000001-002000"),
        ("CN-AUDIT-IMPROVE-01", "Violation", ACME + "period-2023", "16000"),
    ]
    for finding in findings:
        assert finding.message.startswith(finding.rule_id + " (§")
        assert finding.source_shape is None and finding.source == "<all inputs>" and finding.path
        assert finding.as_dict()["rule"] == finding.rule_id
    assert "14200 t CO2e" in findings[1].message and ACME + "period-2022" in findings[1].message


def test_no_findings_on_clean_data() -> None:
    assert run_audits(SINGLE) == []
    # Each Acme claim alone: nothing reused, no prior period to compare with.
    for claim in sorted(MULTI.glob("*.jsonld")):
        assert run_audits(claim) == [], claim.name
    # 2022 and 2024 together: offsetting and footprint fall, no serial shared.
    assert run_audits([MULTI / "acme-2024.jsonld", MULTI / "acme-2022.jsonld"]) == []


def test_continual_improvement_audits() -> None:
    c = "https://example.org/fixture/continual/"
    assert found(FIXTURES / "continual.ttl") == [
        ("CN-AUDIT-IMPROVE-01", "Violation", c + "p2022"),  # widget's offsetting rose 100 -> 120
        ("CN-AUDIT-IMPROVE-03", "Violation", c + "p2024"),  # widget was residual-only in 2023, not in 2024
        ("CN-AUDIT-IMPROVE-02", "Warning", c + "p2022"),  # widget's footprint rose 100 -> 120
    ]
    # Not found: gadget's rising share with falling tonnes, widget's 2024 footprint rise after residual-only.
    messages = " ".join(f.message for f in run_audits(FIXTURES / "continual.ttl"))
    assert c + "gadget" not in messages and c + "widget" in messages


def test_hierarchy_audit_findings() -> None:
    h = "https://example.org/fixture/hierarchy/"
    findings = run_audits(FIXTURES / "hierarchy.ttl")
    assert [(f.rule_id, f.focus_node, f.value) for f in findings] == [
        ("CN-AUDIT-HIER-01", h + "plan-dates", h + "dates-offset"),
        ("CN-AUDIT-HIER-01", h + "plan-no-reduction", h + "noreduction-offset"),
        ("CN-AUDIT-HIER-01", h + "plan-order", h + "order-offset"),
        ("CN-AUDIT-HIER-01", h + "plan-order", h + "order-offset"),
    ]
    assert all(f.severity == "Violation" and f.clause == "ISO 14068-1:2023 §4.4, §5.2" for f in findings)
    assert len({f.message for f in findings}) == 4


def test_double_counting_findings() -> None:
    findings = run_audits(FIXTURES / "double-counting.ttl")
    assert [(f.rule_id, f.focus_node) for f in findings] == [
        ("CN-AUDIT-DOUBLE-01", "S-1"),
        ("CN-AUDIT-DOUBLE-01", "S-2"),
        ("CN-AUDIT-DOUBLE-01", "S-4"),
    ]
    assert "2 claim(s)" in findings[0].message and "2 credit block(s)" in findings[1].message


@pytest.mark.rule("CN-AUDIT-ID-01")
@pytest.mark.rule("CN-AUDIT-ELEC-01")
@pytest.mark.rule("CN-AUDIT-ID-04")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_claim_identity_and_instrument_audits(reasoning: str) -> None:
    i = "https://example.org/fixture/identity/"
    findings = run_audits(FIXTURES / "claim-identity.ttl", reasoning=reasoning)
    assert [(f.rule_id, f.severity, f.focus_node) for f in findings] == [
        ("CN-AUDIT-ELEC-01", "Violation", i + "go-shared"),  # two entities' claims count one certificate
        ("CN-AUDIT-ID-01", "Violation", i + "claim-kept"),  # one claim IRI kept for 2023 and 2024
        ("CN-AUDIT-ID-04", "Violation", i + "report-kept"),  # the 2023 report linked by the 2024 claim too
    ]
    assert "2 claim(s)" in findings[0].message and "from 2023-01-01 to 2024-01-01" in findings[1].message
    assert "2 reporting periods" in findings[2].message


@pytest.mark.rule("CN-AUDIT-ID-02")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_subject_named_two_ways_across_inputs_is_an_audit_violation(reasoning: str) -> None:
    a = "https://example.org/fixture/aliases/"
    findings = run_audits(FIXTURES / "subject-aliases", reasoning=reasoning)
    # beta: ex:beta in 2023, its register IRI (declared the same) in 2024; gamma: ex:gamma-gmbh and ex:gamma, each
    # declared the same as one LEI; acme's identifier is no claim's subject; delta: its web address spelt
    # http://EXAMPLE.org/.../delta/ in 2024 (red team 76).
    assert [(f.rule_id, f.severity, f.focus_node) for f in findings] == [
        ("CN-AUDIT-ID-02", "Violation", "http://EXAMPLE.org/fixture/aliases/claim-delta-2024"),
        ("CN-AUDIT-ID-02", "Violation", a + "claim-beta-2023"),
        ("CN-AUDIT-ID-02", "Violation", a + "claim-gamma-2024"),
    ]
    assert "another spelling of the same web address" in findings[0].message and a + "delta " in findings[0].message
    assert "owl:sameAs" in findings[1].message
    assert "urn:lei:5299000BETA000000001" in findings[1].message and a + "claim-beta-2024" in findings[1].message
    assert a + "gamma-gmbh" in findings[2].message and a + "claim-gamma-2023" in findings[2].message


@pytest.mark.rule("CN-AUDIT-ID-05")
@pytest.mark.rule("CN-AUDIT-ID-06")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_claims_of_one_subject_for_one_or_overlapping_periods(reasoning: str) -> None:
    s = "https://example.org/fixture/subject-periods/"
    findings = run_audits(FIXTURES / "subject-periods.ttl", reasoning=reasoning)
    assert [(f.rule_id, f.severity, f.focus_node, f.value) for f in findings] == [
        ("CN-AUDIT-ID-05", "Violation", s + "alpha-a", s + "alpha-b"),  # two 2024 claims under two period IRIs
        ("CN-AUDIT-ID-06", "Warning", s + "beta-cy", s + "beta-fy"),  # a calendar year over a financial year
    ]  # alpha's 2025 claim follows 2024; gamma's reissue replaces its first claim
    assert "2024-01-01 to 2024-12-31" in findings[0].message and "2023-04-01 to 2024-03-31" in findings[1].message


def test_audit_results_over_a_loaded_graph_names_the_source() -> None:
    findings = audit_results(load_sources(MULTI), source="acme")
    assert {f.source for f in findings} == {"acme"}
    assert [f.rule_id for f in findings] == [f.rule_id for f in run_audits(MULTI)]


def test_audit_table_lists_every_rule() -> None:
    table = audits_markdown()
    assert all(f"`{a.rule_id}`" in table for a in AUDITS)


def test_cn_validate_audits_gives_one_verdict_on_a_set(cli: Callable[..., Run]) -> None:
    assert cli(MULTI).code == 0
    run = cli("--audits", "-f", "json", MULTI)
    assert run.code == 1
    document = run.json()
    assert document["conforms"] is False
    assert {r["rule"] for r in document["results"]} == {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"}
    assert cli("--audits", SINGLE).code == 0


@pytest.mark.parametrize("reasoning", ["none", "rdfs", "owlrl"])
def test_audits_do_not_depend_on_the_reasoning_mode_for_typed_claims(reasoning: str) -> None:
    assert [f.rule_id for f in run_audits(MULTI, reasoning=reasoning)] == ["CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"]
