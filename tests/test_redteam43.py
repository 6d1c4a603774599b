"""Red team 43 and this session's own review: each test names what a user saw before."""

from __future__ import annotations

import json
from typing import Any

import pytest

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
