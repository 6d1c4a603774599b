"""Red team 40 (the claim rules, the imports, the batch and its outputs): each test names what a user saw before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from comet_cn.importers.fields import not_offsetting
from tests.conftest import ENGINES, EXAMPLES, Run, edited, violations_by_rule
from tests.test_import_beneficiaries import ACME

CLAIM = EXAMPLES / "conforming-claim.jsonld"


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# ---- CN-INPUT-04: an answer left for later ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["TBD after tender", "TBC once selected", "Pending the tender", "TBA by March 2026"])
def test_a_placeholder_with_its_condition_is_refused(engine: str, text: str) -> None:
    # Before: "TBD after tender" named the verifier, and the claim conformed.
    messages = violations_by_rule(edited(_read(CLAIM), ("ex:verifier", "label", text)), engine)
    assert "CN-INPUT-04" in messages, messages


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("text", ["TBD Logistics Ltd", "Pendington Verification GmbH"])
def test_a_name_that_starts_like_a_placeholder_is_a_name(text: str) -> None:
    assert violations_by_rule(edited(_read(CLAIM), ("ex:verifier", "label", text))) == {}


def _with_nonconformity(severity: str) -> dict[str, Any]:
    document = edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", "ex:nc1"))
    document["@graph"].append({"@id": "ex:nc1", "@type": "NonConformity", "nonConformitySeverity": severity})
    return document


def _with_panel(decision: str) -> dict[str, Any]:
    document = _read(CLAIM)
    panel = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024"}
    document["@graph"].append({**panel, "panelDecision": decision})
    return document


# ---- CN-CLAIM-06: free-text severities and decisions read against the words they use ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Minor: no", "Major (closed without correction)", "Major (closed: waived)",
     "Observation (raised to non-conformity)", "Minor individually; material in aggregate",
     "Major (closed as accepted risk)", "Major (closed by the client)", "Minor; material"],
)  # fmt: skip
def test_a_severity_that_is_not_minor_or_not_closed_is_refused(engine: str, severity: str) -> None:
    # Before: a word that undid "minor" or "closed" but was on no list ("waived", "raised to") passed.
    assert "CN-CLAIM-06" in violations_by_rule(_with_nonconformity(severity), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Minor", "Non-conformity (minor)", "NC - minor", "Observations", "Opportunities for improvement", "Non-material",
     "Major (rectified)", "Major NC - closed 3 March 2025, correction verified", "Major (closed by the verifier)"],
)  # fmt: skip
def test_a_minor_or_closed_severity_conforms(engine: str, severity: str) -> None:
    assert violations_by_rule(_with_nonconformity(severity), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision",
    ["Approved: false", "Approved (Y/N): N", "Approved, later rescinded", "Approved (overturned on appeal)",
     "Approved? No", "Approved = no", "Approved - decision cancelled"],
)  # fmt: skip
def test_a_decision_that_undoes_its_approval_is_refused(engine: str, decision: str) -> None:
    assert "CN-CLAIM-06" in violations_by_rule(_with_panel(decision), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision", ["Approved", "Reviewed and approved", "Decision: approved", "Approved by the panel on 2 May 2025"]
)
def test_an_approval_conforms(engine: str, decision: str) -> None:
    assert violations_by_rule(_with_panel(decision), engine) == {}


# ---- CN-BAL-01: scales named in other words, units on the claim ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["t CO2e (Tsd.)", "t CO2e (milliers)", "t CO2e (x1e3)", "t CO2e (billions)", "t CO2e (in Gg)", "t CO2e (hundreds)",
     "t CO2e (E+03)", "t CO2e (short tons)"],
)  # fmt: skip
def test_tonnes_in_another_scale_are_refused(engine: str, text: str) -> None:
    document = edited(_read(CLAIM), ("ex:emission-scope1", "schema:unitText", text))
    assert "CN-BAL-01" in violations_by_rule(document, engine)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("text", ["t CO2e (Scope 1 + 2, m.b.)", "t CO2e (AR5 g.w.p.)", "t CO2e (100% owned sites)"])
def test_tonnes_with_a_note_still_conform(text: str) -> None:
    assert violations_by_rule(edited(_read(CLAIM), ("ex:emission-scope1", "schema:unitText", text))) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_unit_stated_on_the_claim_is_read(engine: str) -> None:
    # Before: only a node with a quantity of its own was read, so "kg CO2e" on the claim passed.
    document = edited(_read(CLAIM), ("ex:claim-2024", "schema:unitText", "kg CO2e"))
    assert "CN-BAL-01" in violations_by_rule(document, engine)
    same = edited(_read(CLAIM), ("ex:claim-2024", "schema:unitText", "t CO2e"))
    assert violations_by_rule(same, engine) == {}


@pytest.mark.rule("CN-BAL-01")
def test_a_unit_in_the_om_ontology_is_read() -> None:
    om = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
    kilograms = edited(_read(CLAIM), ("ex:emission-scope1", om + "hasUnit", {"@id": om + "kilogram"}))
    assert "CN-BAL-01" in violations_by_rule(kilograms)
    tonnes = edited(_read(CLAIM), ("ex:emission-scope1", om + "hasUnit", {"@id": om + "tonne"}))
    assert violations_by_rule(tonnes) == {}


# ---- CN-INPUT-04: placeholders in other forms and places ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "text",
    ["ＴＢＤ", "Ｎ/Ａ", "n.v.t.", "entfällt", "no aplica", "sans objet", "Reference TBD", "Insert reference here", "0",
     "[REDACTED]", "will be provided"],
)  # fmt: skip
def test_a_science_based_reference_in_another_placeholder_form_is_refused(text: str) -> None:
    assert "CN-INPUT-04" in violations_by_rule(edited(_read(CLAIM), ("ex:pathway", "scienceBasedReference", text)))


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(("node", "reader"), [("ex:acme", "claimedBy"), ("ex:registry", "inRegistry")])
def test_a_claimant_or_registry_named_by_a_placeholder_is_refused(node: str, reader: str) -> None:
    messages = violations_by_rule(edited(_read(CLAIM), (node, "label", "[Company name]"))).get("CN-INPUT-04", [])
    assert any(reader in message for message in messages), messages


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("serial", ["EXR-2022-WIND-XXXXXX-XXXXXX", "EXR-2022-WIND-TBD"])
def test_a_serial_with_a_masked_part_is_refused(serial: str) -> None:
    # Before: only a warning that the serial's format is unknown (CN-UNITS-03).
    assert "CN-INPUT-04" in violations_by_rule(edited(_read(CLAIM), ("ex:credit-wind", "serialNumber", serial)))


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "location", ["about:blank", "file:///C:/Users/anna/retirement.pdf", "http://localhost:8080/retirement.pdf",
                 "Available on request"],
)  # fmt: skip
def test_evidence_kept_where_no_reader_can_open_it_is_refused(location: str) -> None:
    document = _read(CLAIM)
    text = json.dumps(document).replace("https://example.org/acme/evidence/registry-project-page.pdf", location)
    assert "CN-INPUT-04" in violations_by_rule(json.loads(text))


# ---- CN-CLAIM-02: a footprint of part of the period ----


def _emissions_for(periods: list[tuple[str, str]]) -> dict[str, Any]:
    document = _read(CLAIM)
    nodes = {node["@id"]: node for node in document["@graph"]}
    for index, emission in enumerate(nodes["ex:footprint-2024"]["hasEmission"]):
        start, end = periods[min(index, len(periods) - 1)]
        nodes[emission]["hasReportingPeriod"] = f"ex:part-{start}"
        if f"ex:part-{start}" not in nodes:
            part = {"@id": f"ex:part-{start}", "@type": "ReportingPeriod", "reportingPeriodStart": start,
                    "reportingPeriodEnd": end}  # fmt: skip
            nodes[part["@id"]] = part
            document["@graph"].append(part)
    return document


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_years_footprint_of_januarys_emissions_is_refused(engine: str) -> None:
    # Before: each emission was for a part of the year, so each passed, and January stood for the year.
    messages = violations_by_rule(_emissions_for([("2024-01-01", "2024-01-31")]), engine).get("CN-CLAIM-02", [])
    assert any("do not cover it from its first day to its last" in m for m in messages), messages


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_footprint_in_parts_from_first_to_last_day_conforms(engine: str) -> None:
    document = _emissions_for([("2024-01-01", "2024-06-30"), ("2024-07-01", "2024-12-31")])
    assert violations_by_rule(document, engine) == {}


# ---- CN-AUDIT-ID-05/06: two claims for one subject and period ----

MULTI = EXAMPLES / "multi-period"


def _second_claim(tmp_path: Path, start: str, end: str, **extra: Any) -> Path:
    """A second claim for Acme's subject with its own IRIs (claim, period, footprint), for the period given."""
    text = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    document = json.loads(text.replace("ex:claim-2024", "ex:claim-2024-bis").replace("ex:period-2024", "ex:p-bis"))
    for node in document["@graph"]:
        if node["@id"] == "ex:p-bis":
            node["reportingPeriodStart"], node["reportingPeriodEnd"] = start, end
        if node["@id"] == "ex:claim-2024-bis":
            node.update(extra)
    path = tmp_path / "second.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.rule("CN-AUDIT-ID-05")
def test_two_claims_for_one_subject_and_period_are_an_audit_violation(tmp_path: Path) -> None:
    from comet_cn.audits import run_audits

    # Before: a second 2024 claim under another period IRI passed every audit, and its credits were compared with
    # 2022 apart from the first claim's.
    second = _second_claim(tmp_path, "2024-01-01", "2024-12-31")
    findings = [
        f for f in run_audits([MULTI / "acme-2024.jsonld", second]) if f.rule_id in ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")
    ]
    assert [(f.rule_id, f.severity) for f in findings] == [("CN-AUDIT-ID-05", "Violation")]
    assert "2024-01-01 to 2024-12-31" in findings[0].message
    reissue = _second_claim(tmp_path, "2024-01-01", "2024-12-31", **{"dcterms:replaces": {"@id": "ex:claim-2024"}})
    assert not [
        f
        for f in run_audits([MULTI / "acme-2024.jsonld", reissue])
        if f.rule_id in ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")
    ]


@pytest.mark.rule("CN-AUDIT-ID-06")
def test_overlapping_periods_of_one_subject_are_an_audit_warning(tmp_path: Path) -> None:
    from comet_cn.audits import run_audits

    second = _second_claim(tmp_path, "2024-07-01", "2025-06-30")
    findings = [
        f for f in run_audits([MULTI / "acme-2024.jsonld", second]) if f.rule_id in ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")
    ]
    assert [(f.rule_id, f.severity) for f in findings] == [("CN-AUDIT-ID-06", "Warning")]
    following = _second_claim(tmp_path, "2025-01-01", "2025-12-31")
    assert not [
        f
        for f in run_audits([MULTI / "acme-2024.jsonld", following])
        if f.rule_id in ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")
    ]


# ---- --strict: a claim with only warnings conforms, and the reports say the run fails on them ----


def test_strict_reports_say_which_conforming_input_fails_on_its_warnings(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    # Before: with --strict and only warnings, the JSON said conforms true and nothing else, while the exit code was 1.
    warned = tmp_path / "warned.jsonld"
    warned.write_text(json.dumps(edited(_read(CLAIM), ("ex:claim-2024", "colour", "green"))), encoding="utf-8")
    run = cli("--strict", "--unknown-terms", "warning", "-f", "json", warned, CLAIM)
    report = run.json()
    assert run.code == 1 and report["conforms"] is True  # the ISO verdict: a warning is the standard's "should"
    assert report["strict"] is True and report["passes"] is False and report["summary"]["strict_failing"] == 1
    text = cli("--strict", "--unknown-terms", "warning", warned)
    assert "CONFORMS to ISO 14068-1, but FAILS --strict on its warnings" in text.out
    assert "With --strict: 1 conforming input(s) fail on their warnings." in text.out
    plain = cli("-f", "json", CLAIM).json()
    assert "strict" not in plain and "passes" not in plain and "strict_failing" not in plain["summary"]


# ---- imports: a note naming a compliance, NDC, tax or Article 6 use in other words ----


@pytest.mark.parametrize(
    "note",
    ["For compliance", "Used for compliance with the Washington Cap-and-Invest Program",
     "Retired for Acme Ceramics GmbH's compliance with the EU ETS",
     "Retired in compliance with the Alberta TIER regulation",
     "Offsetting obligation under the Alberta TIER regulation", "Retirement towards Rwanda/Chile NDC targets",
     "Retired for Example Airways Ltd CORSIA First Phase",
     "Retired to fulfil the Swiss CO2 Act compensation obligation",
     "Surrendered for the Korea ETS offset obligation", "Retired under the UK ETS", "Chile impuesto verde compensación",
     "Compensation de la taxe carbone", "Retired for Article 6.2 transfer to Switzerland (ITMO)",
     "OMGE - overall mitigation in global emissions"],
)  # fmt: skip
def test_a_note_naming_another_use_in_other_words_is_left_out(note: str) -> None:
    # Before: only a few wordings ("compliance obligation", "towards the host country NDC") were read in a note.
    assert not_offsetting("Retirement Details", note, free_text=True) is not None


@pytest.mark.parametrize(
    "note",
    [f"CORSIA-eligible units retired on behalf of {ACME}, in compliance with ISO 14068-1",
     "Retired in compliance with the VCS Program rules on behalf of Acme", "Voluntary retirement, not for compliance",
     "Eligible for CORSIA 2024-2026 Compliance Period; retired on behalf of Acme",
     "Not counted towards the host country NDC: corresponding adjustment applied"],
)  # fmt: skip
def test_a_voluntary_note_is_still_imported(note: str) -> None:
    assert not_offsetting("Retirement Details", note, free_text=True) is None


def test_a_cad_trust_retirement_detail_naming_a_corsia_use_is_left_out(tmp_path: Path) -> None:
    # Before: CAD Trust's unit_retirement_detail was kept as a note and never read for the use.
    unit = {
        "cadTrustUnitId": "0d0c2f4e-1a2b-4c3d-9e8f-000000000401", "orgUid": "example-registry-org",
        "unitSerialId": "VCS98817-2023-500001-512500", "unitStartBlock": "500001", "unitEndBlock": "512501",
        "unitCount": 12500, "unitMetric": "tCO2e", "unitType": "Reduction - technical", "unitVintageYear": 2023,
        "unitStatus": "Retired", "unitStatusReason": "Voluntary offsetting", "unitStatusDate": "20/03/2025",
        "unitRetirementBeneficiary": ACME, "cadTrustIssuanceId": "i-1",
        "unitRetirementDetail": "Retired to meet Example Airways Ltd's CORSIA First Phase offsetting requirements",
    }  # fmt: skip
    issuance = {"cadTrustIssuanceId": "i-1", "cadTrustProjectId": "p-1", "issuanceDate": "20/11/2024"}
    project = {"cadTrustProjectId": "p-1", "projectRegistryName": "Verra",
               "projectCreditingProgram": "Verified Carbon Standard"}  # fmt: skip
    path = tmp_path / "cad-trust.json"
    path.write_text(json.dumps({"unit": [unit], "issuance": [issuance], "project": [project]}), encoding="utf-8")
    result = import_records("cad-trust", path)
    assert result.events == ()
    (excluded,) = result.excluded
    assert "unit_retirement_detail" in excluded and "a CORSIA use" in excluded


# ---- red team 41b: a 52-week year's target, a baseline's standard, a financed account's asset class ----


@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("end", "missed"), [("2024-12-28", True), ("2024-12-31", True), ("2024-12-20", False)])
def test_a_52_week_years_target_is_compared(engine: str, end: str, missed: bool) -> None:
    # Before: a period ending on 28 December was never compared with its own year's target.
    start = "2023-12-31" if end == "2024-12-28" else "2024-01-01"
    document = edited(
        _read(CLAIM),
        ("ex:period-2024", "reportingPeriodStart", start),
        ("ex:period-2024", "reportingPeriodEnd", end),
        ("ex:pathway", "hasTarget", ["ex:target-2030", "ex:target-2045", "ex:target-2024"]),
        ("ex:enhancement-woodland", "achievementDate", "2024-12-15"),
    )
    document["@graph"].append(
        {"@id": "ex:target-2024", "@type": "ShortTermTarget", "targetYear": "2024", "tonnesCO2e": "10000.0"}
    )
    assert ("CN-PATH-04" in violations_by_rule(document, engine)) is missed


@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_baseline_quantified_with_a_product_standard_is_refused(engine: str) -> None:
    document = edited(_read(CLAIM), ("ex:baseline-2019", "quantificationStandard", "ISO_14067"))
    messages = violations_by_rule(document, engine).get("CN-ORG-01", [])
    assert any("footprint (or baseline)" in m for m in messages), messages
    same = edited(_read(CLAIM), ("ex:baseline-2019", "quantificationStandard", "ISO_14064_1"))
    assert violations_by_rule(same, engine) == {}


@pytest.mark.rule("CN-INPUT-04")
def test_a_financed_accounts_asset_class_left_as_a_placeholder_is_refused() -> None:
    document = edited(
        _read(EXAMPLES / "financial-institution-claim.jsonld"), ("ex:financed-mortgages", "assetClass", "N/A")
    )
    assert "CN-INPUT-04" in violations_by_rule(document)


@pytest.mark.rule("CN-INPUT-04")
def test_an_ordered_list_as_a_value_is_refused_saying_why() -> None:
    # Before: the rules read the list's head and said the claim had no offsetting events, not why.
    events = ["ex:retirement-2025-03"]
    messages = violations_by_rule(edited(_read(CLAIM), ("ex:claim-2024", "hasOffsettingEvent", {"@list": events})))
    assert any("given as an ordered list (@list)" in m for m in messages.get("CN-INPUT-04", [])), messages


# ---- red team 41a: the allow-lists attacked ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "severity",
    ["Major NCs: 1 of 3 closed", "3 major NCs, 2 closed", "Major NCs closed: 0", "Critical NC, resolved as major",
     "non-immaterial", "non - minor", "Major NC - resolved by 30 September 2025", "Major NC ＮＯＴ closed",
     "Major, closed — не закрыто", "Major NC closed ✗"],
)  # fmt: skip
def test_a_severity_in_allowed_words_that_is_still_open_is_refused(engine: str, severity: str) -> None:
    assert "CN-CLAIM-06" in violations_by_rule(_with_nonconformity(severity), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize(
    "severity",
    ["Minor NC raised", "Minor - acknowledged by client", "Major - closed (desk review)",
     "Major NC closed 3 March 2025 following verification of corrective action",
     "Resolved prior to issuance of the opinion", "Major NC – closed"],
)  # fmt: skip
def test_a_verifiers_ordinary_wording_of_a_closed_or_minor_finding_conforms(severity: str) -> None:
    assert violations_by_rule(_with_nonconformity(severity)) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision",
    ["ＮＯＴ approved", "Approved — отклонено", "Approved: ✗", "Approved: 0", "Approved by 1 of 3 of the panel",
     "Passed on by the panel"],
)  # fmt: skip
def test_a_decision_in_allowed_words_that_is_no_approval_is_refused(engine: str, decision: str) -> None:
    assert "CN-CLAIM-06" in violations_by_rule(_with_panel(decision), engine)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize(
    "decision", ["Approved by the certification body", "Approved: yes", "All findings closed; approved"]
)
def test_a_reviewers_ordinary_approval_conforms(decision: str) -> None:
    assert violations_by_rule(_with_panel(decision)) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["t CO2e (kilotonnes)", "t CO2e (ktons)", "t CO2e (in kilograms)", "t CO2e, in grams", "t CO2e (thous.)",
     "t CO2e (in Tausenden)", "t CO2e (en mil)", "t CO2e (x 100)", "t CO2e (% of baseline)"],
)  # fmt: skip
def test_tonnes_in_yet_another_scale_are_refused(engine: str, text: str) -> None:
    document = edited(_read(CLAIM), ("ex:emission-scope1", "schema:unitText", text))
    assert "CN-BAL-01" in violations_by_rule(document, engine)


@pytest.mark.rule("CN-BAL-01")
def test_a_unit_stated_on_an_offsetting_event_is_read() -> None:
    document = edited(_read(CLAIM), ("ex:retirement-2025-03", "schema:unitText", "kg CO2e"))
    assert "CN-BAL-01" in violations_by_rule(document)


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "text",
    ["To be nominated", "TBD verifier", "Will be shared later", "à confirmer", "n.t.b.", "N/D", "noch offen", "未定",
     "Redacted (confidential)", "[Withheld]"],
)  # fmt: skip
def test_a_verifier_named_by_yet_another_placeholder_is_refused(text: str) -> None:
    assert "CN-INPUT-04" in violations_by_rule(edited(_read(CLAIM), ("ex:verifier", "label", text)))


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "text",
    ["Pending the merger on 1 July 2024, the reporting period runs to 30 June", "Calendar year; next review TBA"],
)
def test_a_rationale_in_prose_is_not_a_placeholder(text: str) -> None:
    event = _read(EXAMPLES / "annex-b" / "recurring-event-claim.jsonld")
    holder = next(n["@id"] for n in event["@graph"] if "reportingPeriodRationale" in n)
    assert violations_by_rule(edited(event, (holder, "reportingPeriodRationale", text))) == {}


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    ("key", "value"),
    [("serialNumber", "EXR-2022-WIND-******-006000"), ("serialNumber", "EXR-2022-WIND-pending"),
     ("serialNumber", "WINDXXXXXX")],
)  # fmt: skip
def test_a_serial_masked_otherwise_is_refused(key: str, value: str) -> None:
    assert "CN-INPUT-04" in violations_by_rule(edited(_read(CLAIM), ("ex:credit-wind", key, value)))


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "location", ["/home/alice/retirement.pdf", "smb://fileserver/retirement.pdf", "http://192.168.1.5/retirement.pdf",
                 "Ｃ:\\\\retirement.pdf"],
)  # fmt: skip
def test_evidence_on_a_private_network_or_home_folder_is_refused(location: str) -> None:
    text = json.dumps(_read(CLAIM)).replace("https://example.org/acme/evidence/registry-project-page.pdf", location)
    assert "CN-INPUT-04" in violations_by_rule(json.loads(text))


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_footprint_of_january_and_december_is_refused(engine: str) -> None:
    # Before: the parts reached the first and the last day, and the months between were not compared.
    document = _emissions_for([("2024-01-01", "2024-01-31"), ("2024-12-01", "2024-12-31")])
    messages = violations_by_rule(document, engine).get("CN-CLAIM-02", [])
    assert any("without a gap" in m for m in messages), messages


@pytest.mark.rule("CN-AUDIT-ID-05")
def test_the_same_period_with_a_time_zone_is_the_same_period(tmp_path: Path) -> None:
    from comet_cn.audits import run_audits

    second = _second_claim(tmp_path, "2024-01-01Z", "2024-12-31Z")
    findings = [f for f in run_audits([MULTI / "acme-2024.jsonld", second]) if f.rule_id.startswith("CN-AUDIT-ID-0")]
    assert [f.rule_id for f in findings if f.rule_id in ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")] == ["CN-AUDIT-ID-05"]


# ---- red team 42: what the lists refused that a verifier writes ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize(
    "severity",
    ["Major (resolved prior to issue of opinion)", "Major non-conformity closed and verified by the audit team",
     "Minor - open", "Minor NC (ISO 14064-3 §6.3)", "Minor (below 5% materiality)", "Clarification request (closed)",
     "FAR", "CAR closed", "Not material", "Recommendation"],
)  # fmt: skip
def test_verification_body_wordings_of_minor_or_closed_findings_conform(severity: str) -> None:
    assert violations_by_rule(_with_nonconformity(severity)) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize(
    "decision",
    ["Approved without conditions", "Approved by the Independent Review Panel", "Unanimously approved",
     "Approved (reasonable assurance)", "Approved for issuance", "Certified", "Verification statement issued", "Pass"],
)  # fmt: skip
def test_verification_body_wordings_of_an_approval_conform(decision: str) -> None:
    assert violations_by_rule(_with_panel(decision)) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize(
    "text",
    ["t CO2e (FY 2024/25)", "t CO2e (location-based/market-based)", "t CO2e, per GHG Protocol Corporate Standard",
     "t CO2e (GWP100 per IPCC AR6)", "t CO2e (site: Mt Isa smelter)", "t CO2e (k=2, 95% confidence)",
     "t CO2e (IPCC AR6 (2021))", "t CO2e (monthly meter data aggregated)"],
)  # fmt: skip
def test_tonnes_whose_note_only_mentions_a_scale_word_conform(text: str) -> None:
    # Before: "/", "per", "Mt", "k" or "monthly" anywhere in a note refused plain tonnes.
    assert violations_by_rule(edited(_read(CLAIM), ("ex:footprint-2024", "schema:unitText", text))) == {}
