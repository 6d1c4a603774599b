"""Units retired for another party, and explicit ranges that contradict their serial (red team 3, CN-UNITS-01/02).

A red team found claims conforming although a credit they count was also retired, in the same input, by an
offsetting event that no claim links, for another company (§11.1: credits already used by another party cannot be
used; §11.3 g: a credit is uniquely serial-numbered and retired once), and a block whose explicit range (units
1-5000) silently won over a readable serial of 2,000 units (§3.3.2: one credit is one tonne). Each case is the
conforming example changed in one place, with a twin that differs only where the rule looks; every serial is made
up.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters, ValidationReport
from comet_cn.results import Severity, ValidationResult
from comet_cn.serials import contradicts, explicit_range, parse_serial, serial_reading
from tests.conftest import ENGINES, EXAMPLES, own_documents

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 1, 15))
EX = "https://example.org/acme/"

BIOCHAR = "EXR-2023-BIOC-000001-002000"  # the conforming example's biochar credit, 2000 t
BIOCHAR_NEXT = "EXR-2023-BIOC-002001-004000"  # the next 2000 units of its issuance block
CLAIM_EVENT = "ex:retirement-2025-03"
CUSTOMER_EVENT = "ex:retirement-for-customer"


def _nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def check(document: Any, engine: str) -> ValidationReport:
    report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine)  # type: ignore[arg-type]
    assert report.shacl_engine == {"pyshacl": "pyshacl", "turbo": "pyshacl-turbo"}[engine]
    assert report.reasoning == "owlrl"
    return report


def violations(report: ValidationReport) -> set[str]:
    return {r.rule_id for r in report.results if r.severity == Severity.VIOLATION}


def findings(report: ValidationReport, rule_id: str) -> list[ValidationResult]:
    return [r for r in report.results if r.rule_id == rule_id]


def with_customer_event(retires: Any, *, beneficiary: str = "ex:customer") -> dict[str, Any]:
    """The conforming claim plus a second offsetting event, linked by no claim, retiring ``retires`` for
    ``beneficiary`` (Customer AG), and a complete credit node ``ex:credit-customer`` (used only when named)."""
    document = copy.deepcopy(BASE)
    nodes = _nodes(document)
    customer_credit = dict(nodes["ex:credit-biochar"], **{"@id": "ex:credit-customer", "serialNumber": BIOCHAR_NEXT})
    event = {
        "@id": CUSTOMER_EVENT,
        "@type": "OffsettingEvent",
        "retirementDate": "2025-01-10",
        "hasReportingPeriod": "ex:period-2024",
        "inRegistry": "ex:registry",
        "retiredOnBehalfOf": beneficiary,
        "retiresCredit": retires,
    }
    customer = {"@id": "ex:customer", "@type": ["Entity", "Organization"], "label": "Customer AG"}
    document["@graph"].extend([customer_credit, event, customer])
    return document


# ---- 1. the claim's own credit node also retired for another company (c25) ----


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_credit_also_retired_for_another_company_fails(engine: str) -> None:
    report = check(with_customer_event(["ex:credit-biochar"]), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = findings(report, "CN-UNITS-01")
    assert finding.focus_node == EX + "credit-biochar"
    assert finding.clause == "ISO 14068-1:2023 §11.1, §11.3 g, §11.3 h, §12 s"
    assert "retired twice" in finding.message
    assert EX + "retirement-2025-03" in finding.message and EX + "retirement-for-customer" in finding.message
    assert "Customer AG" in finding.message and "no claim of the input links" in finding.message
    assert "already retired for another party" in finding.hint


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_another_company_retiring_its_own_credit_conforms(engine: str) -> None:
    report = check(with_customer_event(["ex:credit-customer"]), engine)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_second_unlinked_retirement_for_the_claimant_itself_fails_too(engine: str) -> None:
    # Not another party, but still a second retirement of the same credit that the input holds.
    report = check(with_customer_event(["ex:credit-biochar"], beneficiary="ex:acme"), engine)
    assert violations(report) == {"CN-UNITS-01"}


# ---- 2. the same serial on a separate, complete node retired for the customer (c46b) ----


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("serial", [BIOCHAR, "EXR-2023-BIOC-1-2000", "exr_2023_bioc_001001_003000"])
def test_the_same_units_in_another_node_retired_for_the_customer_fail(serial: str, engine: str) -> None:
    document = with_customer_event(["ex:credit-customer"])
    _nodes(document)["ex:credit-customer"]["serialNumber"] = serial
    report = check(document, engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = findings(report, "CN-UNITS-01")
    assert finding.focus_node == EX + "credit-biochar"  # the block the claim must replace
    assert "retired twice" in finding.message
    assert EX + "credit-customer" in finding.message
    assert EX + "retirement-2025-03" in finding.message and EX + "retirement-for-customer" in finding.message


# ---- 3. the customer's credit an incomplete node with the claim's serial (c46) ----


def with_incomplete_customer_credit(serial: str) -> dict[str, Any]:
    return with_customer_event([{"@id": "ex:credit-biochar-cust", "@type": "CarbonCredit", "serialNumber": serial}])


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_incomplete_customer_credit_with_the_claims_serial_is_named_as_used_twice(engine: str) -> None:
    report = check(with_incomplete_customer_credit(BIOCHAR), engine)
    assert not report.conforms
    (finding,) = findings(report, "CN-UNITS-01")
    assert finding.focus_node == EX + "credit-biochar"
    assert "units 1-2000 of issuance block EXR-2023-BIOC are retired twice" in finding.message
    assert EX + "retirement-2025-03" in finding.message and EX + "retirement-for-customer" in finding.message


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_incomplete_customer_credit_with_other_units_is_no_double_count(engine: str) -> None:
    report = check(with_incomplete_customer_credit(BIOCHAR_NEXT), engine)
    assert "CN-UNITS-01" not in report.rule_ids


# ---- not double counting ----


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_one_credit_listed_twice_by_one_event_and_one_event_listed_twice_conform(engine: str) -> None:
    document = copy.deepcopy(BASE)
    nodes = _nodes(document)
    nodes[CLAIM_EVENT]["retiresCredit"].append("ex:credit-biochar")
    nodes["ex:claim-2024"]["hasOffsettingEvent"] = [CLAIM_EVENT, CLAIM_EVENT]
    report = check(document, engine)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_unlinked_events_sharing_a_credit_no_claim_uses_are_not_the_claims_double_count(engine: str) -> None:
    document = with_customer_event(["ex:credit-customer"])
    second = dict(_nodes(document)[CUSTOMER_EVENT], **{"@id": "ex:retirement-for-customer-2"})
    document["@graph"].append(second)
    report = check(document, engine)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_claims_sharing_a_credit_are_still_named_as_two_claims(engine: str) -> None:
    document = copy.deepcopy(BASE)
    nodes = _nodes(document)
    claim = dict(nodes["ex:claim-2024"], **{"@id": "ex:claim-2024-logistics", "hasSubject": "ex:acme-logistics"})
    document["@graph"].append(claim)
    own_documents(document, claim, "-logistics")
    # A division of the entity (partOfOrganization), so the second claim's subject is the entity's to claim for.
    logistics = {"@id": "ex:acme-logistics", "@type": "Organization", "label": "Acme Logistics"}
    document["@graph"].append(dict(logistics, partOfOrganization="ex:acme"))
    report = check(document, engine)
    assert violations(report) == {"CN-UNITS-01"}
    messages = [f.message for f in findings(report, "CN-UNITS-01")]
    assert len(messages) == 3 and all("claims of the input" in m for m in messages)


# ---- 4. an explicit range that contradicts a readable serial (c60) ----


def with_explicit_biochar(serial: str, *, block: str = "EXR-2023-BIOC", last: int = 5000) -> dict[str, Any]:
    """The conforming claim with the biochar block stated explicitly as units 1-``last``, ``last`` t."""
    document = copy.deepcopy(BASE)
    credit = _nodes(document)["ex:credit-biochar"]
    credit.update(serialNumber=serial, tonnesCO2e=f"{last}.0", issuanceBlock=block, firstUnit=1, lastUnit=last)
    return document


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_explicit_range_contradicting_a_readable_serial_fails(engine: str) -> None:
    report = check(with_explicit_biochar(BIOCHAR), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-02"}
    (finding,) = findings(report, "CN-UNITS-02")
    assert finding.focus_node == EX + "credit-biochar"
    assert finding.value == BIOCHAR
    assert "units 1-2000" in finding.message and "units 1-5000" in finding.message
    assert finding.clause == "ISO 14068-1:2023 §3.3.2, §12 s"
    assert "firstUnit and lastUnit" in finding.hint


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("serial", "block", "last"),
    [
        (BIOCHAR, "EXR-BIOCHAR-LOT-2023", 5000),  # renaming the block does not hide 2000 units stated as 5000
        ("EXR-2023-BIOC-003001-005000", "EXR-2023-BIOC", 2000),  # as many units, but others of one block
    ],
    ids=["other-block-key-other-size", "same-block-other-units"],
)
def test_other_contradictions_of_a_readable_serial_fail(serial: str, block: str, last: int, engine: str) -> None:
    report = check(with_explicit_biochar(serial, block=block, last=last), engine)
    assert violations(report) == {"CN-UNITS-02"}
    (finding,) = findings(report, "CN-UNITS-02")
    assert finding.focus_node == EX + "credit-biochar" and finding.value == serial


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_explicit_range_agreeing_with_its_serial_conforms(engine: str) -> None:
    report = check(with_explicit_biochar("EXR-2023-BIOC-000001-005000"), engine)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_explicit_block_named_otherwise_with_the_serials_units_conforms(engine: str) -> None:
    # Block keys are spelt in more than one way (an importer's CAD-TRUST: prefix): only the units must agree.
    report = check(with_explicit_biochar("EXR-2023-BIOC-000001-005000", block="EXR-BIOCHAR-LOT-2023"), engine)
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_explicit_block_named_otherwise_does_not_hide_its_serials_units(engine: str) -> None:
    # The claim's block states its units under another block key; the customer's block is the serial's units.
    document = with_customer_event(["ex:credit-customer"])
    nodes = _nodes(document)
    nodes["ex:credit-biochar"].update(issuanceBlock="EXR-BIOCHAR-LOT-2023", firstUnit=1, lastUnit=2000)
    nodes["ex:credit-customer"]["serialNumber"] = BIOCHAR
    report = check(document, engine)
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = findings(report, "CN-UNITS-01")
    assert finding.focus_node == EX + "credit-biochar"


def test_serial_reading_compares_units_and_block() -> None:
    span = explicit_range("EXR-2023-BIOC", 1, 5000)
    assert serial_reading(BIOCHAR, span) == parse_serial(BIOCHAR)
    assert serial_reading("EXR-2023-BIOC-000001-005000", span) is None
    assert serial_reading("PURO-LOT-BIOC-7", span) is None  # unreadable: nothing to compare
    assert serial_reading(None, span) is None
    assert serial_reading(BIOCHAR, parse_serial(BIOCHAR)) is None  # not an explicit range
    read = parse_serial(BIOCHAR)
    assert read is not None
    assert contradicts(read, span)
    assert contradicts(read, explicit_range("EXR-2023-BIOC", 2001, 4000))
    assert not contradicts(read, explicit_range("EXR-BIOCHAR-LOT-2023", 1, 2000))
    assert contradicts(read, explicit_range("EXR-BIOCHAR-LOT-2023", 1, 5000))
