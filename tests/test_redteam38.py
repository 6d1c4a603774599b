"""Red team 38 (red team 37's fixes attacked; Annex B and reporting periods): each test names what a user saw
before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.claim_checks import _placeholder
from comet_cn.importers.fields import not_offsetting
from comet_cn.serials import parse_serial
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"
BANK = EXAMPLES / "financial-institution-claim.jsonld"


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _period(identifier: str, start: str, end: str) -> dict[str, Any]:
    return {"@id": identifier, "@type": "ReportingPeriod", "reportingPeriodStart": start, "reportingPeriodEnd": end}


# ---- CN-BAL-01: one footprint of the subject for part of the period ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("tonnes", "violated"), [("13000.0", True), ("12800.0", False), ("6000.0", False)])
def test_one_half_year_footprint_above_the_years_is_refused(engine: str, tonnes: str, violated: bool) -> None:
    # Before: footprints for parts of the period were added up only when there were two or more, and a single
    # half-year of 13,000 t beside the year's 12,450 t conformed.
    half = {"@id": "ex:footprint-2024-h2", "@type": "CarbonFootprint", "tonnesCO2e": tonnes,
            "hasReportingPeriod": "ex:period-2024-h2"}  # fmt: skip
    document = with_nodes(
        edited(_read(CLAIM), ("ex:acme", "hasCarbonFootprint", "ex:footprint-2024-h2")),
        half,
        _period("ex:period-2024-h2", "2024-07-01", "2024-12-31"),
    )
    assert ("CN-BAL-01" in violations_by_rule(document, engine)) is violated


# ---- CN-CLAIM-02: what the footprint counts is for the claim's period ----


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("start", "end", "violated"),
    [("2021-01-01", "2021-12-31", True), ("2024-10-01", "2024-12-31", False), ("2024-01-01", "2024-12-31", False)],
)
def test_an_emission_of_another_year_counted_in_the_footprint_is_refused(
    engine: str, start: str, end: str, violated: bool
) -> None:
    # Before: a scope 3 emission stating the 2021 period, counted in the 2024 footprint, conformed.
    document = with_nodes(
        edited(_read(CLAIM), ("ex:emission-scope3", "hasReportingPeriod", "ex:period-other")),
        _period("ex:period-other", start, end),
    )
    messages = violations_by_rule(document, engine).get("CN-CLAIM-02", [])
    assert bool([m for m in messages if "which the claim's footprint counts" in m]) is violated, messages


@pytest.mark.rule("CN-CLAIM-02")
def test_a_financed_account_of_another_year_is_refused() -> None:
    document = with_nodes(
        edited(_read(BANK), ("ex:financed-mortgages", "hasReportingPeriod", "ex:period-2021")),
        _period("ex:period-2021", "2021-01-01", "2021-12-31"),
    )
    assert "CN-CLAIM-02" in violations_by_rule(document)


# ---- CN-FI-01: financed emissions of 0 t ----


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_bank_whose_only_financed_account_is_zero_is_refused(engine: str) -> None:
    # Before: a mortgage book of 0 t was the bank's financed emissions, and the claim conformed.
    document = edited(_read(BANK), ("ex:financed-mortgages", "tonnesCO2e", "0"))
    messages = violations_by_rule(document, engine).get("CN-FI-01", [])
    assert any("no financed-emissions account above 0 t" in m for m in messages), messages
    assert violations_by_rule(_read(BANK), engine) == {}


# ---- red team 37's fixes attacked: CN-CLAIM-06 free text ----

MAJOR = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Scope 3 omitted"}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Non-minor", "Not a minor non-conformity", "More than minor", "Major - resolved in part", "largely resolved",
     "never resolved", "wasn't closed", "Closed: No", "disclosed to the client", "Major - addressed in section 4.2",
     "Major - corrected by client; correction not verified"],
)  # fmt: skip
def test_a_severity_that_only_sounds_minor_or_closed_is_refused(engine: str, severity: str) -> None:
    # Before: "Non-minor" read as minor, "resolved in part" and "disclosed" as closed, and the claim conformed.
    noted = {**MAJOR, "nonConformitySeverity": severity}
    document = edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", noted))
    assert "CN-CLAIM-06" in violations_by_rule(document, engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision",
    ["Submitted for approval", "Sent to the panel for approval", "Approval required", "Approval expired",
     "Approved: No", "Can't be approved as submitted", "Passed to technical reviewer", "Approval withheld"],
)  # fmt: skip
def test_a_decision_that_only_mentions_approval_is_refused(engine: str, decision: str) -> None:
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024",
              "panelDecision": decision}  # fmt: skip
    assert "CN-CLAIM-06" in violations_by_rule(with_nodes(_read(CLAIM), review), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("decision", ["Signed off", "Approved - no further action", "Final approval"])
def test_a_plain_approval_still_conforms(decision: str) -> None:
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024",
              "panelDecision": decision}  # fmt: skip
    assert violations_by_rule(with_nodes(_read(CLAIM), review)) == {}


# ---- CN-BAL-01: thousands and other rates are not tonnes ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text", ["t CO2e ('000)", "t CO2e (thousands)", "t CO2e, in thousands", "t CO2e (per month)", "t CO2e, monthly",
             "t CO2e (per employee)", "tCO2e/unit"]
)  # fmt: skip
def test_tonnes_with_a_note_of_thousands_or_another_rate_are_refused(engine: str, text: str) -> None:
    # Before: any note in brackets or after a comma was set aside, and 12,450 thousand tonnes read as 12,450 t.
    document = edited(_read(CLAIM), ("ex:footprint-2024", "schema:unitText", text))
    assert "CN-BAL-01" in violations_by_rule(document, engine)


# ---- CN-INPUT-04: prompts and promises written otherwise; citations ----


@pytest.mark.parametrize(
    "text",
    ["Verifier to be appointed in Q3 2025", "Pending appointment", "Verifier: TBD", "Not yet",
     "(Name of verification body)", "<<Verifier name>>", "-- Select --", "Please select", "Lorem ipsum",
     "{{verifier_name}}"],
)  # fmt: skip
def test_template_fields_and_promises_are_placeholders(text: str) -> None:
    assert _placeholder(text)


@pytest.mark.parametrize(
    "text",
    ["[IEA Net Zero Roadmap — Reference scenario]", "[SBTi company-specific pathway for cement]",
     "[Entity-level target validation]", "Selecta AG", "TBD Logistics Ltd", "KA - Kiwa Assurance"],
)  # fmt: skip
def test_citations_and_names_are_not_placeholders(text: str) -> None:
    assert not _placeholder(text)


@pytest.mark.rule("CN-INPUT-04")
def test_a_verifier_left_as_a_template_field_is_refused() -> None:
    document = edited(_read(CLAIM), ("ex:opinion-2024", "verifiedBy", {"@value": "{{verifier_name}}"}))
    assert violations_by_rule(document)


# ---- serials: a range ending with its vintage ----


def test_a_range_with_its_vintage_after_a_slash_is_not_read_as_units() -> None:
    # Before: "EXR BIOC 0001-0500/2022" read as units 500 to 2022, and two vintages of one batch overlapped.
    assert parse_serial("EXR BIOC 0001-0500/2022") is None


# ---- imports: carbon taxes and NDCs written otherwise ----


@pytest.mark.parametrize(
    "note",
    ["PO No. 4500123 - retired to meet Acme carbon tax liability", "Surrendered against Acme's 2024 carbon tax",
     "Retired for use towards Ghana's NDC"],
)  # fmt: skip
def test_a_note_naming_a_tax_or_an_ndc_use_otherwise_is_left_out(note: str) -> None:
    assert not_offsetting("Purpose of Retirement", note, free_text=True) is not None


@pytest.mark.parametrize(
    "note", ["Retired on behalf of Acme (Acme is exempt from the carbon tax obligation)", "Acme, PO No. 4500123"]
)
def test_a_note_exempt_from_the_tax_or_with_a_po_number_is_imported(note: str) -> None:
    assert not_offsetting("Purpose of Retirement", note, free_text=True) is None
