"""Red team 43 and this session's own review: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.audits import run_audits
from comet_cn.importers import import_records, merge
from comet_cn.importers.fields import not_offsetting
from comet_cn.loading import load
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule
from tests.test_import_beneficiaries import car_row, write_car

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


# ---- Imports: uses that retire nothing for the claimant, in the words registries and users write ----


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("to meet its offsetting requirements under the Carbon Offsetting and Reduction Scheme for International "
         "Aviation, 2024", "CORSIA"),
        ("under the ICAO offsetting scheme first phase", "CORSIA"),
        ("Deposit to the AFOLU pooled buffer account", "buffer"),
        ("Transfer to AFOLU non-permanence risk buffer", "buffer"),
        ("Emissionshandel (nEHS) Kompensationspflicht 2024", "compliance"),
        ("Ausgleich nach Brennstoffemissionshandelsgesetz (BEHG)", "compliance"),
        ("Singapore carbon pricing regime (ICC eligible)", "carbon tax"),
        ("ETS2 surrender 2024", "compliance"),
        ("Annulation", "cancellation"),
    ],
)  # fmt: skip
def test_a_note_naming_another_use_is_left_out(note: str, kind: str) -> None:
    # Before: each was imported as a voluntary retirement, and the claim built on it conformed.
    reason = not_offsetting("Retirement Details", note, free_text=True)
    assert reason is not None and kind in reason


@pytest.mark.parametrize("reason", ["RGGI", "ARB Offset", "CCA", "Annulation"])
def test_a_compliance_programme_as_the_reason_is_left_out(reason: str) -> None:
    assert not_offsetting("Retirement Reason", reason) is not None


@pytest.mark.parametrize(
    "note",
    [
        "Retired on behalf of Acme Ceramics GmbH for its 2024 carbon neutrality claim",
        "Offsetting Acme's international aviation business travel 2024",
        "Funded by Acme's internal carbon price",
        "Voluntary retirement - Acme 2024 (not used under any ETS)",
        "CORSIA-eligible units retired on behalf of Acme",
    ],
)
def test_a_voluntary_note_is_still_imported(note: str) -> None:
    assert not_offsetting("Retirement Details", note, free_text=True) is None


@pytest.mark.parametrize("status", ["cancelled", "buffer", "pending", "reserved", "active"])
def test_an_isometric_retirement_whose_batch_is_not_retired_is_left_out(tmp_path: Path, status: str) -> None:
    # Before: the batch's status was not read, and a cancelled batch was imported as retired.
    retirement = {
        "retirement_id": "ret_X1", "retired_at": "2025-03-20T09:30:00Z", "purposes": ["corporate_targets"],
        "notes": "", "beneficiary": {"name": "Acme Ceramics GmbH"},
        "credit_batch_size_total": {"credits": 12.5, "credit_kgs": 12500}, "sequestered_on": "2023-10-30",
    }  # fmt: skip
    for given, imported in ((status, False), ("retired", True)):
        batch = {"serial_number": "ISO-1-DACS-ISL-Q7R2-2023-1-12", "status": given, "retirement_id": "ret_X1"}
        path = tmp_path / f"isometric-{given}.json"
        path.write_text(json.dumps({"retirements": [retirement], "credit_batches": [batch]}), encoding="utf-8")
        result = import_records("isometric", path)
        assert bool(result.events) is imported, (given, result.excluded)
        if not imported:
            assert any(f"status {given!r}" in line for line in result.excluded)


@pytest.mark.parametrize(
    ("details", "linked"),
    [
        ("for Consumption Period 1/1/2023-12/31/2023", False),
        ("Retired for CY2023 Scope 1 and 2", False),
        ("for Consumption Period 2023-07-01 to 2024-06-30", False),
        ("for CY2024", True),
        ("for Consumption Period 1/1/2024-3/31/2024", True),  # a part of the claim's period
        ("Retired 2025 for the 2024 claim", True),  # a bare year may be the retirement's own
        # A fiscal year's dates are not known, but no FY2023 (named by the year it starts or ends in) is calendar
        # 2024: since red team 52 it is another period; FY2024 may be the claim's.
        ("for FY2023", False),
        ("for FY2024", True),
    ],
)
def test_an_event_whose_note_names_another_period_is_not_given_the_claims(
    tmp_path: Path, details: str, linked: bool
) -> None:
    # Before: merged into the 2024 claim, credits its note says were retired for 2023 took the claim's period, with
    # a warning on standard error only, and the claim conformed.
    path = write_car(tmp_path / "periods.csv", [car_row(1, 100, "Example Climate Services Inc.", "Other", details)])
    warnings: list[str] = []
    merged = merge(CLAIM, [import_records("car", path)], for_claimant=True, warnings=warnings)
    (event,) = [n for n in merged["@graph"] if ":import:" in n["@id"] and "OffsettingEvent" in str(n.get("@type"))]
    assert ("hasReportingPeriod" in event) is linked, (event, warnings)
    if not linked:
        assert any("left without a period" in w for w in warnings)
