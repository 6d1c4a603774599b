"""Red team 44: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.audits import run_audits
from comet_cn.errors import InputError
from comet_cn.importers import combine, import_records
from tests.conftest import ENGINES, EXAMPLES, Run, edited, violations_by_rule
from tests.test_import_beneficiaries import ACME, verra_row, write_verra

CLAIM = EXAMPLES / "conforming-claim.jsonld"

# ---- Imports: a kept retirement whose units a record left out names ----
# Before: the row left out (another beneficiary's, a compliance use, an UNRETIRE, units only held) was dropped with a
# note, the kept retirement imported whole, and the claim built on it conformed with units that were not its own.


def _verra_overlap(tmp_path: Path) -> Path:
    return write_verra(
        tmp_path / "verra.csv",
        [
            verra_row(950000001, 12500, ACME, f"Retired on behalf of {ACME}"),
            verra_row(950010001, 3000, "Beta Foods Ltd", "Retired on behalf of Beta Foods Ltd", retired="2026-01-10"),
        ],
    )


def test_a_retirement_sharing_units_with_another_beneficiarys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        import_records("verra", _verra_overlap(tmp_path), beneficiary=ACME)
    message = str(error.value)
    assert "verra.csv:2" in message and "verra.csv:3" in message
    assert "950010001-950012500" in message and "Beta Foods Ltd" in message


def test_retirements_of_other_units_for_another_beneficiary_are_still_left_out_quietly(tmp_path: Path) -> None:
    path = write_verra(
        tmp_path / "verra.csv",
        [
            verra_row(950000001, 12500, ACME, f"Retired on behalf of {ACME}"),
            verra_row(950012501, 3000, "Beta Foods Ltd", "Retired on behalf of Beta Foods Ltd", retired="2026-01-10"),
        ],
    )
    result = import_records("verra", path, beneficiary=ACME)
    assert result.selected == 1 and len(result.events) == 1


def test_the_other_beneficiarys_row_in_a_second_file_is_compared_too(tmp_path: Path) -> None:
    ours = write_verra(tmp_path / "ours.csv", [verra_row(950000001, 12500, ACME, f"Retired on behalf of {ACME}")])
    theirs = write_verra(
        tmp_path / "theirs.csv",
        [verra_row(950010001, 3000, "Beta Foods Ltd", "Retired on behalf of Beta Foods Ltd", retired="2026-01-10")],
    )
    results = [import_records("verra", path, beneficiary=ACME) for path in (ours, theirs)]
    with pytest.raises(InputError, match=r"ours\.csv:2 .*theirs\.csv:2"):
        combine(results)


def test_the_command_refuses_it_in_one_line_and_writes_nothing(tmp_path: Path, cn_import: Any) -> None:
    out = tmp_path / "claim.jsonld"
    run: Run = cn_import("verra", str(_verra_overlap(tmp_path)), "--beneficiary", ACME, "-o", str(out))
    assert run.code == 2
    assert len(run.err.strip().splitlines()) >= 1 and "verra.csv:3" in run.err and "Traceback" not in run.err
    assert not out.exists()


GOLD_HEADER = (
    "GSID,Project Name,Country,Product Type,Credit Status,Vintage,Issuance Date,Retirement Date,Quantity,"
    "Serial Number,Using Entity,Note,Use Case,Label,Article Six Authorization"
)


def _gold_row(first: int, last: int, use_case: str, entity: str) -> str:
    serial = f"GS1-1-CL-GS98802-12-2023-40001-{first}-{last}"
    return (
        f"GS98802,Example Biogas,Chile,VER,Retired,2023,2024-06-01,2025-02-01,{last - first + 1},{serial},{entity},,"
        f"{use_case},,"
    )


def test_a_retirement_sharing_units_with_a_compliance_use_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    rows = [_gold_row(1, 12500, "Voluntary", ACME), _gold_row(10001, 13000, "Compliance", "Example Industrie SA")]
    path.write_text("\n".join([GOLD_HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold\.csv:3 also names \(Use Case 'Compliance'"):
        import_records("gold-standard", path, beneficiary=ACME)
    disjoint = tmp_path / "disjoint.csv"
    rows = [_gold_row(1, 12500, "Voluntary", ACME), _gold_row(12501, 13000, "Compliance", "Example Industrie SA")]
    disjoint.write_text("\n".join([GOLD_HEADER, *rows]) + "\n", encoding="utf-8")
    assert import_records("gold-standard", disjoint, beneficiary=ACME).selected == 1


def _puro(path: Path, second_type: str, second_range: str) -> Path:
    certificate = "PURO_PR_CORC100+_SE_EX0101_2023_3a9d1c55-2b7e-4f10-8d3c-6e5f4a3b2c10_"
    transactions = [
        {"transactionId": "tx-1", "type": "RETIREMENT", "completedOn": "2025-02-10T14:00:00Z", "volume": 12500,
         "beneficiaryName": ACME, "certificates": [{"certificates": certificate + "1-12500", "volume": 12500}]},
        {"transactionId": "tx-2", "type": second_type, "completedOn": "2025-03-01T10:00:00Z", "volume": 12500,
         "beneficiaryName": ACME, "certificates": [{"certificates": certificate + second_range, "volume": 12500}]},
    ]  # fmt: skip
    path.write_text(json.dumps(transactions), encoding="utf-8")
    return path


def test_a_retirement_its_registry_later_unretired_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"puro\.json:1 retires units 1-12500 .*UNRETIRE"):
        import_records("puro", _puro(tmp_path / "puro.json", "UNRETIRE", "1-12500"), beneficiary=ACME)
    other_units = _puro(tmp_path / "other.json", "UNRETIRE", "12501-25000")
    assert import_records("puro", other_units, beneficiary=ACME).selected == 1


def _cad(path: Path, held_start: int) -> Path:
    def unit(uid: str, start: int, end: int, status: str, **more: Any) -> dict[str, Any]:
        return {"cadTrustUnitId": uid, "unitSerialId": f"EXR98840-2023-{start}-{end - 1}", "unitStartBlock": str(start),
                "unitEndBlock": str(end), "unitCount": end - start, "unitVintageYear": 2023, "unitStatus": status,
                "unitStatusDate": "17/02/2025", "unitMetric": "tCO2e", **more}  # fmt: skip

    document = {
        "unit": [
            unit("u-1", 1, 12501, "Retired", unitRetirementBeneficiary=ACME, unitStatusReason="Voluntary offsetting"),
            unit("u-2", held_start, held_start + 3000, "Held", unitCurrentOwner="Example Broker Ltd"),
        ]
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_retired_cad_trust_block_whose_units_another_record_holds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cad\.json:1 retires units 10001-12500 .*cad\.json:2 .*Held"):
        import_records("cad-trust", _cad(tmp_path / "cad.json", 10001), beneficiary=ACME)
    assert import_records("cad-trust", _cad(tmp_path / "apart.json", 12501), beneficiary=ACME).selected == 1


# ---- CN-AUDIT-ID-07: one subject's report, opinion or footprint given for another's ----
# Before: a second company's claim linking the first's report, verification opinion or footprint conformed, and so did
# the set: each claim alone is complete, and no audit compared subjects.

ACME_IRI = "https://example.org/acme/"
DOCUMENTS = {"report": "hasReport", "opinion": "hasVerificationOpinion", "footprint": "hasCarbonFootprint"}


def _beta(shared: tuple[str, ...]) -> dict[str, Any]:
    """The example claim made for another company: every ``ex:`` IRI is Beta's, but the documents in ``shared``,
    which its claim links by Acme's IRIs."""
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    document["@context"][1]["ex"] = "https://example.org/beta/"
    claim = next(node for node in document["@graph"] if node["@id"] == "ex:claim-2024")
    for name in shared:
        claim[DOCUMENTS[name]] = f"{ACME_IRI}{name}-2024"
    return document


def _audit(tmp_path: Path, beta: dict[str, Any], reasoning: str = "owlrl") -> list[tuple[str, str]]:
    path = tmp_path / "beta.jsonld"
    path.write_text(json.dumps(beta), encoding="utf-8")
    return [(f.rule_id, str(f.focus_node)) for f in run_audits([CLAIM, path], reasoning=reasoning)]


@pytest.mark.rule("CN-AUDIT-ID-07")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_another_subjects_document_is_an_audit_violation(tmp_path: Path, reasoning: str, name: str) -> None:
    found = _audit(tmp_path, _beta((name,)), reasoning)
    assert ("CN-AUDIT-ID-07", f"{ACME_IRI}{name}-2024") in found


@pytest.mark.rule("CN-AUDIT-ID-07")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_each_subject_with_its_own_documents_is_no_finding(tmp_path: Path, reasoning: str) -> None:
    assert not [rule for rule, _ in _audit(tmp_path, _beta(()), reasoning) if rule == "CN-AUDIT-ID-07"]


@pytest.mark.rule("CN-AUDIT-ID-07")
def test_the_same_claim_given_twice_is_one_subject(tmp_path: Path) -> None:
    copy = tmp_path / "again.jsonld"
    copy.write_text(CLAIM.read_text(encoding="utf-8"), encoding="utf-8")
    assert "CN-AUDIT-ID-07" not in {f.rule_id for f in run_audits([CLAIM, copy])}


@pytest.mark.rule("CN-AUDIT-ID-07")
def test_two_subjects_sharing_a_report_in_one_file_fail_that_input(tmp_path: Path, cli: Any) -> None:
    acme: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    beta = _beta(("report",))
    # One file: Acme's nodes, and Beta's under absolute IRIs (its own prefix would clash in one context).
    text = json.dumps(beta["@graph"]).replace('"ex:', '"https://example.org/beta/')
    both = {"@context": acme["@context"], "@graph": acme["@graph"] + json.loads(text)}
    path = tmp_path / "both.jsonld"
    path.write_text(json.dumps(both), encoding="utf-8")
    run: Run = cli("-f", "json", str(path))
    assert run.code == 1
    assert "CN-AUDIT-ID-07" in {r["rule"] for r in run.json()["results"]}


# ---- CN-CLAIM-09: a management plan prepared after the retirements and the verification ----
# Before: only the claim date was compared with the plan's preparation date; a plan prepared after the credits were
# retired and after the opinion was dated conformed.


def _planned(day: str) -> dict[str, Any]:
    return edited(json.loads(CLAIM.read_text(encoding="utf-8")), ("ex:plan", "planPreparationDate", day))


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_plan_prepared_after_the_retirement_and_the_opinion_is_refused(engine: str) -> None:
    # Retired 2025-03-20, verified 2025-04-30, claimed 2025-05-15.
    messages = violations_by_rule(_planned("2025-05-01"), engine).get("CN-CLAIM-09", [])
    assert any("before its management plan was prepared (2025-05-01): offsetting" in m for m in messages)
    assert any("cannot have verified the plan" in m for m in messages)
    after_retirement = violations_by_rule(_planned("2025-04-01"), engine).get("CN-CLAIM-09", [])
    assert len(after_retirement) == 1 and "retired on 2025-03-20" in after_retirement[0]


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_plan_prepared_before_the_retirement_conforms(engine: str) -> None:
    assert "CN-CLAIM-09" not in violations_by_rule(_planned("2025-03-20"), engine)
