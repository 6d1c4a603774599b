"""Red team 92: commitment dates written without leading zeros; a claim made between a commitment's withdrawal and
its renewal (CN-CLAIM-01, §6, §13); a verifier inside the board that stated the commitment (CN-CLAIM-06, §13); a
guarantee of origin also retired as a carbon credit (CN-ELEC-02, Annex B.4, §11.3 h); a financed-emissions target
above the whole baseline, and data-quality assessments that are placeholders (CN-FI-03, Annex B.3.4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from comet_cn.audits import run_audits
from tests.conftest import ENGINES, EXAMPLES, edited, example, rule_messages, violated_rules, with_nodes

AS_OF = date(2026, 12, 1)
CLAIM = "conforming-claim.jsonld"  # dated 2025-05-15, resting on ex:commitment (stated by ex:board)


# ---- CN-CLAIM-01: dates written without leading zeros ----
# Before: "2025-9-1" was read as the year 2025 (in place by a claim of May 2025), "2025-1-5" likewise.


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("key", "value"), [("dcterms:issued", "2025-9-1"), ("prov:invalidatedAtTime", "2025-1-5")])
def test_a_commitment_date_without_leading_zeros_is_refused(engine: str, key: str, value: str) -> None:
    document = edited(example(CLAIM), ("ex:commitment", key, value))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-01"}
    messages = rule_messages(document, engine, "CN-CLAIM-01", as_of=AS_OF)
    assert any(f'"{value}", which is not a date' in message for message in messages), messages


@pytest.mark.parametrize("value", ["2025-2-1", "01/02/2025"])
def test_the_audit_reports_a_withdrawal_it_cannot_read(tmp_path: Path, value: str) -> None:
    claim = tmp_path / "claim.jsonld"
    claim.write_text((EXAMPLES / CLAIM).read_text(encoding="utf-8"), encoding="utf-8")
    withdrawal = tmp_path / "withdrawal.ttl"
    withdrawal.write_text(
        f'<https://example.org/acme/commitment> <http://www.w3.org/ns/prov#invalidatedAtTime> "{value}" .\n',
        encoding="utf-8",
    )
    found = [f for f in run_audits([claim, withdrawal]) if f.rule_id == "CN-AUDIT-CLAIM-01"]
    assert len(found) == 1 and f"withdrawn on {value}" in found[0].message


# ---- CN-CLAIM-01: made in the gap between a withdrawal and the renewal ----
# Before: the commitment withdrawn on 2025-01-31 and the renewal issued on 2025-09-01 excused each other: each shape
# took the other commitment as the one in force on 2025-05-15.


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("renewed", "violated"), [("2025-09-01", True), ("2025-05-15", False), ("2025-02-01", False)])
def test_a_claim_made_between_a_withdrawal_and_the_renewal_is_refused(
    engine: str, renewed: str, violated: bool
) -> None:
    old = next(n for n in example(CLAIM)["@graph"] if n["@id"] == "ex:commitment")
    new = {**old, "@id": "ex:commitment-2", "dcterms:issued": renewed}
    document = edited(
        with_nodes(example(CLAIM), new),
        ("ex:commitment", "prov:invalidatedAtTime", "2025-01-31"),
        ("ex:claim-2024", "hasCommitment", ["ex:commitment", "ex:commitment-2"]),
        ("ex:plan", "hasCommitment", ["ex:commitment", "ex:commitment-2"]),
    )
    assert violated_rules(document, engine, as_of=AS_OF) == ({"CN-CLAIM-01"} if violated else set())


# ---- CN-CLAIM-06: a part of the board that stated the commitment verifies ----


@pytest.mark.parametrize("engine", ENGINES)
def test_the_audit_committee_of_the_board_that_committed_does_not_verify(engine: str) -> None:
    committee = {"@id": "ex:audit-committee", "@type": "Organization", "label": "Audit committee of the board",
                 "partOfOrganization": "ex:board"}  # fmt: skip
    document = edited(with_nodes(example(CLAIM), committee), ("ex:opinion-2024", "verifiedBy", "ex:audit-committee"))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    independent = {**committee, "partOfOrganization": "ex:verification-group"}
    group = {"@id": "ex:verification-group", "@type": "Organization", "label": "Verification Group AG"}
    document = edited(
        with_nodes(example(CLAIM), independent, group), ("ex:opinion-2024", "verifiedBy", "ex:audit-committee")
    )
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- CN-ELEC-02: a guarantee of origin retired as a carbon credit ----

MARKET = "annex-b/market-based-electricity-claim.jsonld"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_certificate_retired_as_a_credit_under_its_serial_is_refused(engine: str) -> None:
    document = example("annex-b/cn-elec-02-certificate-retired-as-a-carbon-credit.jsonld")
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-ELEC-02"}
    messages = rule_messages(document, engine, "CN-ELEC-02", as_of=AS_OF)
    assert any("is also retired as the carbon credit" in message for message in messages), messages
    # The same credit under a serial of its own is a credit like any other (the base's balance holds).
    document = edited(document, ("ex:credit-go", "serialNumber", "EXR-2024-HYDR-000001-006200"))
    assert "CN-ELEC-02" not in violated_rules(document, engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_certificate_node_itself_retired_as_a_credit_is_refused(engine: str) -> None:
    base = example(MARKET)
    event = next(n for n in base["@graph"] if "retiresCredit" in n)
    credits = [c if c != "ex:credit-wind" else "ex:go-2024-hydro" for c in event["retiresCredit"]]
    document = edited(base, (event["@id"], "retiresCredit", credits))
    assert "CN-ELEC-02" in violated_rules(document, engine, as_of=AS_OF)


# ---- CN-FI-03: a target above the whole baseline; placeholder assessments ----

BANK = "financial-institution-claim.jsonld"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("level", "violated"), [("25000.0", True), ("18400.0", True), ("18399.0", False)])
def test_a_financed_target_not_below_the_whole_baseline_is_refused(engine: str, level: str, violated: bool) -> None:
    document = edited(example(BANK), ("ex:target-financed-2030", "tonnesCO2e", level))
    assert ("CN-FI-03" in violated_rules(document, engine, as_of=AS_OF)) is violated


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("text", "refused"),
    [("Assessment TBD", True), ("Assessment pending", True), ("Assessment to follow", True),
     ("To be assessed in 2025", True), ("PCAF score pending", True),
     ("PCAF data quality score not yet assessed", True), ("Not yet assessed (PCAF)", True),
     ("Data quality: not assessed (first year of reporting)", True), ("PCAF score: TBD (FY2025)", True),
     ("PCAF score will be provided in the 2025 report", True),
     ("PCAF weighted data-quality score 2.8 for 2024; the 2025 update is pending", False),
     ("PCAF score 2.4, from reported emissions for 60 % of the book", False),
     ("Assessed with PCAF; average score 2.8", False)],
)  # fmt: skip
def test_a_data_quality_assessment_that_is_a_placeholder_is_refused(engine: str, text: str, refused: bool) -> None:
    document = edited(example(BANK), ("ex:financed-mortgages", "dataQualityAssessment", text))
    assert violated_rules(document, engine, as_of=AS_OF) == ({"CN-FI-03"} if refused else set())
