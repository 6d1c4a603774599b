"""Red team 37 (credits counted twice across claims, the newest checks attacked): each test names what a user saw
before."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import comet_cn
from comet_cn.audits import run_audits
from comet_cn.claim_checks import _placeholder
from comet_cn.errors import InputError
from comet_cn.importers import import_records
from comet_cn.importers.fields import not_offsetting
from comet_cn.importers.merging import merge
from comet_cn.importers.reading import number
from comet_cn.reporting import _result_lines
from comet_cn.workbook import read_workbook, workbook_bytes
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes
from tests.test_import_beneficiaries import ACME, verra_row, write_verra

CLAIM = EXAMPLES / "conforming-claim.jsonld"
RESIDUAL = EXAMPLES / "residual-only-claim.jsonld"
MAJOR = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Scope 3 omitted"}
MULTI = EXAMPLES / "multi-period"
DOUBLE = "CN-AUDIT-DOUBLE-01"
BIOCHAR = "EXR-2023-BIOC-000001-002000"  # retired for claim-2023 and, again, for claim-2024


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("spelling", ["EXR 2023 BIOC 001001-003000", "EXR-2023-BIOC: 001001-003000"])
def test_units_retired_again_under_a_pdf_spelling_of_the_serial_are_found(tmp_path: Path, spelling: str) -> None:
    # Before: the 2024 claim's copy of the 2023 batch, spaces in its prefix, was an unread serial compared whole,
    # and units 1001-2000 retired for both claims passed the audit.
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    assert later.count(BIOCHAR) == 1
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, spelling), encoding="utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    findings = [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]
    assert findings, "the units retired twice were not found"


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_next_units_of_the_batch_in_a_pdf_spelling_are_not_counted_twice(tmp_path: Path) -> None:
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, "EXR 2023 BIOC 002001-004000"), "utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    assert not [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]


# ---- workbooks: a totals row under the credits ----


def _workbook_with_row(cells: dict[str, Any]) -> bytes:
    data = workbook_bytes(json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Credits"]
    headers = [cell.value for cell in sheet[1]]
    row = sheet.max_row + 1
    for column, value in cells.items():
        sheet.cell(row=row, column=headers.index(column) + 1).value = value
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    "cells",
    [
        {"label": "Total", "tonnesCO2e": 12500},
        {"label": "Grand total:", "tonnesCO2e": 12500},
        {"id": "Total", "tonnesCO2e": 12500},
        {"serialNumber": "Sum of credits", "tonnesCO2e": 12500},
    ],
)
def test_a_totals_row_under_the_credits_is_refused_naming_its_cell(cells: dict[str, Any]) -> None:
    # Before: the row was read as one more credit of the sum's tonnes, never retired, and drew findings that did not
    # say why.
    with pytest.raises(InputError, match=r"sheet 'Credits' cell [A-Z]+6: row 6 is a total"):
        read_workbook(Path("claim.xlsx"), data=_workbook_with_row(cells))


def test_a_credit_named_like_a_company_that_starts_with_total_is_read() -> None:
    claim = read_workbook(Path("claim.xlsx"), data=_workbook_with_row({"id": "ex:credit-extra", "label": "Total"}))
    assert any(node["@id"] == "ex:credit-extra" for node in claim.document["@graph"])
    claim = read_workbook(Path("claim.xlsx"), data=_workbook_with_row({"label": "Total Energies SE credits"}))
    assert any("row6" in node["@id"] for node in claim.document["@graph"])


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _with_severity(severity: str) -> dict[str, Any]:
    noted = {**MAJOR, "nonConformitySeverity": severity}
    return edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", noted))


def _with_review(decision: str) -> dict[str, Any]:
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024",
              "panelDecision": decision}  # fmt: skip
    return with_nodes(_read(CLAIM), review)


# ---- CN-CLAIM-06: severities and decisions as verifiers write them ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Opportunities for improvement", "Observations", "Non-conformity (minor)", "NC - minor", "Category 2 (minor)",
     "Non-material", "Major (rectified)"],
)  # fmt: skip
def test_a_minor_or_closed_non_conformity_written_otherwise_conforms(engine: str, severity: str) -> None:
    # Before: only a severity starting with "minor" (or the singular "observation") was minor.
    assert violations_by_rule(_with_severity(severity), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Major - not yet closed", "Major - to be closed by 2025-06-30", "Major, to be resolved before issuance",
     "Major - must be corrected", "major, being addressed", "Not minor", "Major (re-opened after closure)"],
)  # fmt: skip
def test_a_non_conformity_to_be_closed_later_is_refused(engine: str, severity: str) -> None:
    # Before: "not yet closed" and "to be closed by ..." read as closed, and the claim conformed.
    assert "CN-CLAIM-06" in violations_by_rule(_with_severity(severity), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision", ["Reviewed and approved", "Approval granted", "Decision: Approved", "Final approval", "Passed"]
)
def test_an_approval_written_otherwise_conforms(engine: str, decision: str) -> None:
    assert violations_by_rule(_with_review(decision), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision", ["Accepted for review", "Confirmed receipt; decision to follow", "Approval refused", "Under review"]
)
def test_a_review_that_only_took_the_file_in_is_refused(engine: str, decision: str) -> None:
    # Before: a decision starting with "accepted" or "confirmed" was an approval, whatever followed.
    assert "CN-CLAIM-06" in violations_by_rule(_with_review(decision), engine)


# ---- CN-BAL-01: tonnes as footprints write them ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["tCO2éq", "t CO2 éq.", "t CO2-Äquivalente", "teqCO2", "t CO2e per year", "tCO2e p.a.", "tCO2e [AR5]",
     "tCO2e, AR5", "Mg CO2e"],
)  # fmt: skip
def test_tonnes_written_in_french_per_year_or_with_a_note_conform(engine: str, text: str) -> None:
    document = edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text))
    assert violations_by_rule(document, engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["mg CO2e", "kt CO2e [AR5]", "kg CO2e p.a.", "kt, CO2e", "short tons per year"])
def test_other_units_with_those_notes_are_still_refused(engine: str, text: str) -> None:
    document = edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text))
    assert "CN-BAL-01" in violations_by_rule(document, engine)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_site_emitting_more_in_half_a_year_than_the_whole_subject_in_the_year_is_refused(engine: str) -> None:
    # Before: only a site footprint for the same period was compared with the claim's.
    half = {"@id": "ex:h1-2024", "@type": "ReportingPeriod", "reportingPeriodStart": "2024-01-01",
            "reportingPeriodEnd": "2024-06-30"}  # fmt: skip
    site = {"@id": "ex:site", "@type": "Organization", "label": "Kiln site", "partOfOrganization": "ex:acme"}
    footprint = {"@id": "ex:site-footprint", "@type": "CarbonFootprint", "tonnesCO2e": "15800",
                 "hasReportingPeriod": "ex:h1-2024"}  # fmt: skip
    site["hasCarbonFootprint"] = "ex:site-footprint"
    document = with_nodes(_read(CLAIM), half, site, footprint)
    messages = violations_by_rule(document, engine).get("CN-BAL-01", [])
    assert any("a part of the subject" in m for m in messages), messages
    smaller = with_nodes(_read(CLAIM), half, site, {**footprint, "tonnesCO2e": "5800"})
    assert "CN-BAL-01" not in violations_by_rule(smaller, engine)


# ---- CN-CTYPE-01: removals planned after the target year ----


@pytest.mark.rule("CN-CTYPE-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_removals_planned_after_the_target_year_do_not_explain_the_target(engine: str) -> None:
    # Before: a removal planned for 2040 explained a 2030 target 1,000 t below the residual footprint.
    def planned(on: str) -> dict[str, Any]:
        hedges = {"@id": "ex:action-hedges", "@type": "PlanAction", "label": "Hedgerows on company land",
                  "hierarchyStep": "Enhance_Removal_Inside_Boundary", "plannedDate": on,
                  "tonnesCO2e": "1000.0"}  # fmt: skip
        document = edited(_read(RESIDUAL), ("ex:target-2030", "tonnesCO2e", "11450.0"))
        plan = next(n for n in document["@graph"] if n["@id"] == "ex:plan")
        plan["hasAction"] = [*plan["hasAction"], "ex:action-hedges"]
        return with_nodes(document, hedges)

    assert "CN-CTYPE-01" in violations_by_rule(planned("2040-03-31"), engine)
    assert "CN-CTYPE-01" not in violations_by_rule(planned("2029-03-31"), engine)


# ---- CN-INPUT-04: citations, URNs and promises ----


@pytest.mark.parametrize(
    "text",
    ["[SBTi Corporate Net-Zero Standard, v1.1, 2023]", "[SBTi Corporate Net-Zero Standard]",
     "<urn:isbn:978-3-16-148410-0>", "<doi:10.1000/182>", "To Be Green Ltd"],
)  # fmt: skip
def test_citations_and_uris_in_brackets_are_not_placeholders(text: str) -> None:
    assert not _placeholder(text)


@pytest.mark.parametrize(
    "text", ["To be appointed", "To be announced", "to be decided", "Not yet published", "To be appointed (Q3)",
             "[Name of verification body]", "<verifier>", "[insert date]"]
)  # fmt: skip
def test_promises_and_prompts_are_placeholders(text: str) -> None:
    assert _placeholder(text)


@pytest.mark.rule("CN-INPUT-04")
def test_a_verifier_to_be_appointed_is_refused() -> None:
    document = edited(_read(CLAIM), ("ex:opinion-2024", "verifiedBy", {"@value": "To be appointed"}))
    assert violations_by_rule(document)


# ---- imports: carbon taxes, NDC use, re-saved quantities ----


@pytest.mark.parametrize(
    ("reason", "details"),
    [
        ("Other", "Retired to satisfy Example SA carbon tax liability (Colombia) 2024"),
        ("Colombian Carbon Tax (no causación)", f"Retired on behalf of {ACME}"),
        ("Other", "Retired for use towards the host country NDC"),
    ],
)
def test_a_verra_retirement_for_a_carbon_tax_or_the_host_ndc_is_not_imported(
    tmp_path: Path, reason: str, details: str
) -> None:
    # Before: imported as a voluntary retirement for the claimant, and the claim conformed on credits another
    # obligation had used (import-formats §1.3: carbon-tax retirements are compliance uses).
    row = verra_row(970000001, 12500, ACME, details)
    row[15] = reason
    result = import_records("verra", write_verra(tmp_path / "verra.csv", [row]))
    assert not [n for n in result.nodes if n.get("@type") == "CarbonCredit"]
    assert result.excluded and "not an offsetting event" in result.excluded[0]


@pytest.mark.parametrize(
    "note",
    [
        "Not counted towards the host country NDC: corresponding adjustment applied",
        "Voluntary; Acme is not subject to any carbon tax",
        "Retired on behalf of Acme; credits not used to meet any carbon tax obligation",
    ],
)
def test_a_note_that_denies_a_tax_or_ndc_use_is_still_an_offsetting_event(note: str) -> None:
    assert not_offsetting("Retirement Details", note, free_text=True) is None


def test_a_quantity_re_saved_with_decimals_is_read() -> None:
    # Before: "12,500.00" (a spreadsheet's re-save of Verra's "12,500") was not a number, and 0 t were retired.
    assert number("12,500.00", thousands=True) == 12500
    assert number("12,50.00", thousands=True) is None


# ---- imports: the beneficiary's legal-entity id (CAD Trust) ----

OURS = "529900EXAMPLEACME042"


def _cad_trust_record(tmp_path: Path, lei: str) -> Path:
    unit = {
        "cadTrustUnitId": "0d0c2f4e-1a2b-4c3d-9e8f-000000000401", "orgUid": "example-registry-org",
        "unitSerialId": "VCS98817-2023-500001-512500", "unitStartBlock": "500001", "unitEndBlock": "512501",
        "unitCount": 12500, "unitMetric": "tCO2e", "unitType": "Reduction - technical", "unitVintageYear": 2023,
        "unitStatus": "Retired",
        "unitStatusReason": "Voluntary offsetting", "unitStatusDate": "20/03/2025",
        "unitRetirementBeneficiary": ACME, "unitRetirementBeneficiaryId": lei,
        "cadTrustIssuanceId": "0d0c2f4e-1a2b-4c3d-9e8f-0000000004aa",
    }  # fmt: skip
    issuance = {"cadTrustIssuanceId": unit["cadTrustIssuanceId"], "cadTrustProjectId": "p-1",
                "issuanceDate": "20/11/2024"}  # fmt: skip
    project = {"cadTrustProjectId": "p-1", "projectRegistryName": "Verra",
               "projectCreditingProgram": "Verified Carbon Standard"}  # fmt: skip
    path = tmp_path / "cad-trust.json"
    path.write_text(json.dumps({"unit": [unit], "issuance": [issuance], "project": [project]}), encoding="utf-8")
    return path


def _claim_with_lei(lei: str | None) -> dict[str, Any]:
    return edited(_read(CLAIM), ("ex:acme", "schema:leiCode", lei))


def test_a_retirement_recorded_for_another_legal_entity_is_not_merged_as_the_claimants(tmp_path: Path) -> None:
    # Before: the record's LEI was kept as a comment only, and a namesake's retirement backed the claim.
    imported = import_records("cad-trust", _cad_trust_record(tmp_path, "5493000EXAMPLEOTHER77"), beneficiary=ACME)
    with pytest.raises(InputError, match=r"legal entity \(LEI\) 5493000EXAMPLEOTHER77, not the claiming entity"):
        merge(_claim_with_lei(OURS), [imported])
    warnings: list[str] = []
    merge(_claim_with_lei(None), [imported], warnings=warnings)  # no LEI in the claim: said, not refused
    assert any("states none for its claiming entity" in w for w in warnings)


def test_a_retirement_recorded_for_the_claimants_own_lei_is_merged(tmp_path: Path) -> None:
    imported = import_records("cad-trust", _cad_trust_record(tmp_path, OURS.lower()), beneficiary=ACME)
    warnings: list[str] = []
    merged = merge(_claim_with_lei(OURS), [imported], warnings=warnings)
    assert any(n.get("retiredOnBehalfOf") == "ex:acme" for n in merged["@graph"])
    assert not any("LEI" in w for w in warnings)


def test_a_finding_on_an_imported_node_names_the_export_row(tmp_path: Path) -> None:
    # Before: the finding named only the node's hashed IRI (urn:comet-cn:import:…), which the export does not show.
    imported = import_records("verra", write_verra(tmp_path / "verra.csv", [verra_row(970000001, 12500, ACME, "")]))
    report = comet_cn.validate(merge(_read(CLAIM), [imported], for_claimant=True), reasoning="none")
    late = [r for r in report.results if r.rule_id == "CN-RET-01" and r.focus_node.startswith("urn:comet-cn:import:")]
    assert late and late[0].location == "export row verra.csv:2"
    assert "    from:  export row verra.csv:2" in _result_lines(late[0])
