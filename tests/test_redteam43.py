"""Red team 43 and this session's own review: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.audits import run_audits
from comet_cn.loading import load
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule

CLAIM = EXAMPLES / "conforming-claim.jsonld"  # claimDate 2025-05-15


def _read() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


def _with_nonconformity(severity: str, holder: str = "ex:opinion-2024") -> dict[str, Any]:
    document = edited(_read(), (holder, "hasNonConformity", "ex:nc1"))
    document["@graph"].append({"@id": "ex:nc1", "@type": "NonConformity", "nonConformitySeverity": severity})
    return document


def _with_panel(decision: str) -> dict[str, Any]:
    document = _read()
    panel = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024"}
    document["@graph"].append({**panel, "panelDecision": decision})
    return document


# ---- CN-CLAIM-06: a closure or an approval dated after the claim ----

LATE_CLOSURES = [
    "Major NC closed on 31 December 2026",
    "Major (closed 2026-01-10)",
    "Major (closed 2025; re-verified 2026)",
]


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("holder", ["ex:opinion-2024", "ex:footprint-2024"])
@pytest.mark.parametrize("severity", LATE_CLOSURES)
def test_a_major_finding_closed_after_the_claim_date_is_refused(engine: str, holder: str, severity: str) -> None:
    # Before: "closed" read as closed whenever it was; the claim of May 2025 conformed with a major non-conformity
    # its own text says stayed open until 2026.
    assert "CN-CLAIM-06" in violations_by_rule(_with_nonconformity(severity, holder), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("severity", LATE_CLOSURES)
def test_the_same_closure_before_a_later_claim_date_conforms(engine: str, severity: str) -> None:
    document = edited(_with_nonconformity(severity), ("ex:claim-2024", "claimDate", "2027-02-01"))
    assert "CN-CLAIM-06" not in violations_by_rule(document, engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("severity", ["Major NC closed on 3 March 2025", "Major (closed 2024-12-01)", "Minor (2026)"])
def test_a_closure_in_or_before_the_claims_year_conforms(engine: str, severity: str) -> None:
    assert "CN-CLAIM-06" not in violations_by_rule(_with_nonconformity(severity), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("decision", ["Approved on 30 June 2026", "Approved 2026-01-02", "approved (2026)"])
def test_an_approval_dated_after_the_claim_is_refused(engine: str, decision: str) -> None:
    assert "CN-CLAIM-06" in violations_by_rule(_with_panel(decision), engine)
    later_claim = edited(_with_panel(decision), ("ex:claim-2024", "claimDate", "2027-02-01"))
    assert "CN-CLAIM-06" not in violations_by_rule(later_claim, engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("decision", ["Approved on 30 April 2025", "Approved 2024-12-20"])
def test_an_approval_before_the_claim_conforms(decision: str) -> None:
    assert "CN-CLAIM-06" not in violations_by_rule(_with_panel(decision))


# ---- CN-AUDIT-ID-01: one claim IRI given by two inputs with other statements ----


def _beta_copy(tmp_path: Path, *, rename: bool) -> list[Path]:
    """Acme's claim and Beta's, built from the same template: the same credits, another claimant's name."""
    text = CLAIM.read_text(encoding="utf-8")
    beta = text.replace("ex:claim-2024", "ex:claim-2024-beta") if rename else text
    beta_document = json.loads(beta)
    for node in beta_document["@graph"]:
        if node.get("claimDate"):
            node["claimDate"] = "2025-06-01"
    (tmp_path / "acme.jsonld").write_text(text, encoding="utf-8")
    (tmp_path / "beta.jsonld").write_text(json.dumps(beta_document), encoding="utf-8")
    return [tmp_path / "acme.jsonld", tmp_path / "beta.jsonld"]


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_two_inputs_giving_one_claim_iri_other_statements_are_an_audit_violation(tmp_path: Path) -> None:
    # Before: the two claims merged into one, the credits both retire were one claim's, and the set conformed.
    findings = run_audits(_beta_copy(tmp_path, rename=False))
    assert [(f.rule_id, f.severity, f.focus_node) for f in findings] == [
        ("CN-AUDIT-ID-01", "Violation", "https://example.org/acme/claim-2024")
    ]
    assert "acme.jsonld" in findings[0].message and "beta.jsonld" in findings[0].message


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_two_claims_under_their_own_iris_show_their_double_counting_instead(tmp_path: Path) -> None:
    rules = {f.rule_id for f in run_audits(_beta_copy(tmp_path, rename=True))}
    assert "CN-AUDIT-ID-01" not in rules and "CN-AUDIT-DOUBLE-01" in rules


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_the_same_claim_given_as_json_ld_and_as_turtle_is_one_claim(tmp_path: Path) -> None:
    graph = load(CLAIM)
    graph.serialize(tmp_path / "acme.ttl", format="turtle")
    assert run_audits([CLAIM, tmp_path / "acme.ttl"]) == []


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_a_claim_only_named_by_another_input_is_not_given_twice(tmp_path: Path) -> None:
    # A later claim's input that types last year's claim to link it does not describe it.
    later = json.loads(CLAIM.read_text(encoding="utf-8").replace("ex:claim-2024", "ex:claim-2025"))
    later["@graph"].append({"@id": "ex:claim-2024", "@type": "CarbonNeutralityClaim"})
    (tmp_path / "later.jsonld").write_text(json.dumps(later), encoding="utf-8")
    rules = {f.rule_id for f in run_audits([CLAIM, tmp_path / "later.jsonld"])}
    assert "CN-AUDIT-ID-01" not in rules
