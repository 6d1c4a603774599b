"""Regressions in the JSON importers (Isometric, Puro, CAD Trust, PACT, ICR): what a user of ``cn-import`` would see.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials and ids).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import PROVENANCE, ImportResult, import_records

LOGISTICS = "Example Logistics AG"
FOODS = "Example Foods SA"
ISO_BLOCK = "ISO-1-BSTORE-GBR-F5X7-2025"
PURO_BLOCK = "PURO_PR_CORC100+_SE_EX0031_2025_4b7c2d10-5e6f-4a1b-9c2d-3e4f5a6b7c80"


def _write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _nodes(result: ImportResult, kind: str) -> list[dict[str, Any]]:
    return [dict(n) for n in result.nodes if n.get("@type") == kind]


def _tonnes_by_range(result: ImportResult) -> dict[tuple[str, str], str | None]:
    return {(c["firstUnit"], c["lastUnit"]): c.get("tonnesCO2e") for c in _nodes(result, "CarbonCredit")}


def _warned(result: ImportResult, pattern: str) -> bool:
    return any(re.search(pattern, w) for w in result.warnings)


# ---- Isometric ----


def _retirement(identity: str, retired_at: str = "2026-02-13T09:30:00Z", **size: Any) -> dict[str, Any]:
    return {
        "retirement_id": identity,
        "retired_at": retired_at,
        "purposes": ["corporate_targets"],
        "beneficiary": {"name": LOGISTICS},
        "credit_batch_size_total": size or {"credits": 7, "credit_kgs": 7000},
        "sequestered_on": "2025-10-30",
    }


def _batch(identity: str, first: int, last: int, block: str = ISO_BLOCK) -> dict[str, Any]:
    return {"serial_number": f"{block}-{first}-{last}", "status": "retired", "retirement_id": identity}


def test_isometric_retirement_over_two_adjacent_batches_imports_their_joined_range(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "iso.json",
        {
            "retirements": [_retirement("ret_EXAMPLE31")],
            "credit_batches": [_batch("ret_EXAMPLE31", 90001, 90005), _batch("ret_EXAMPLE31", 90006, 90007)],
        },
    )
    result = import_records("isometric", path)
    assert _tonnes_by_range(result) == {("90001", "90007"): "7"}
    (node,) = _nodes(result, "CarbonCredit")
    assert f"{ISO_BLOCK}-90001-90005" in node["serialNumber"] and f"{ISO_BLOCK}-90006-90007" in node["serialNumber"]
    assert _warned(result, r"iso\.json:1: retirement 'ret_EXAMPLE31' spans 2 credit batches")


def test_isometric_batches_that_are_not_one_range_each_become_a_credit(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "iso.json",
        {
            "retirements": [
                _retirement("ret_EXAMPLE32", credits=7, credit_kgs=7000),
                _retirement("ret_EXAMPLE33", credits="2.5"),
            ],
            "credit_batches": [
                _batch("ret_EXAMPLE32", 1, 5),
                _batch("ret_EXAMPLE32", 11, 12),
                _batch("ret_EXAMPLE33", 21, 22),
                _batch("ret_EXAMPLE33", 31, 32, block="ISO-1-DACS-ISL-Q7R2-2025"),
            ],
        },
    )
    result = import_records("isometric", path)
    # Units add up to the quantity: split by them; otherwise no batch is given the whole quantity.
    assert _tonnes_by_range(result) == {("1", "5"): "5", ("11", "12"): "2", ("21", "22"): None, ("31", "32"): None}
    assert _warned(result, r"iso\.json:2: retirement 'ret_EXAMPLE33' spans 2 credit batches .* left out")
    (event,) = _nodes(result, "OffsettingEvent")  # one day, one beneficiary
    assert len(event["retiresCredit"]) == 4


def test_isometric_retirement_date_is_the_utc_date(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "iso.json",
        [
            _retirement("ret_EXAMPLE34", "2026-01-01T01:00:00+09:00"),
            _retirement("ret_EXAMPLE35", "2026-01-02T23:30:00-05:00"),
            _retirement("ret_EXAMPLE36", "2026-01-02T10:00:00.123456Z"),
        ],
    )
    result = import_records("isometric", path)
    dates = {e[PROVENANCE]: e["retirementDate"] for e in _nodes(result, "OffsettingEvent")}
    assert dates == {"iso.json:1": "2025-12-31", "iso.json:2": "2026-01-03", "iso.json:3": "2026-01-02"}
    assert _warned(result, r"iso\.json:1: retired_at '2026-01-01T01:00:00\+09:00' is not in UTC.*2025-12-31")
    assert not _warned(result, r"iso\.json:3: retired_at")


def test_isometric_zero_kilograms_is_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "iso.json", [_retirement("ret_EXAMPLE37", credits="2.0", credit_kgs=0)])
    result = import_records("isometric", path)
    assert [c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")] == ["0"]
    assert _warned(result, r"iso\.json:1: credit_kgs 0 and credits 2\.0 disagree")
    assert _warned(result, r"iso\.json:1: retirement 'ret_EXAMPLE37' states 0 t")


# ---- Puro ----


def _transaction(identity: str, kind: str, volume: int, certificates: list[Any]) -> dict[str, Any]:
    return {
        "transactionId": identity,
        "type": kind,
        "completedOn": "2026-02-13T10:00:00Z",
        "volume": volume,
        "beneficiaryName": LOGISTICS,
        "certificates": certificates,
    }


def test_puro_bundle_volume_is_never_given_to_each_of_its_certificates(tmp_path: Path) -> None:
    two = [f"{PURO_BLOCK}_451-500", f"{PURO_BLOCK}_501-750"]
    uneven = [f"{PURO_BLOCK}_801-810", f"{PURO_BLOCK}_811-820"]
    path = _write(
        tmp_path,
        "puro.json",
        [
            _transaction("tx-ex-31", "RETIREMENT", 300, [{"certificates": two, "volume": 300}]),
            _transaction("tx-ex-32", "RETIREMENT", 15, [{"certificates": uneven, "volume": 15}]),
        ],
    )
    result = import_records("puro", path)
    assert _tonnes_by_range(result) == {
        ("451", "500"): "50",
        ("501", "750"): "250",
        ("801", "810"): None,
        ("811", "820"): None,
    }
    assert _warned(result, r"puro\.json:2: the bundle's volume 15 covers 2 certificates .* not split")


def test_puro_only_retirement_transactions_are_retirements(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "puro.json",
        [
            _transaction("tx-ex-33", "retirement", 250, [f"{PURO_BLOCK}_1-250"]),
            # Other units: an UNRETIRE of the retired ones refuses the import (tests/test_redteam44.py).
            _transaction("tx-ex-34", "UNRETIRE", 250, [f"{PURO_BLOCK}_251-500"]),
            _transaction("tx-ex-35", "RETIREMENT_REVERSAL", 250, [f"{PURO_BLOCK}_501-750"]),
        ],
    )
    result = import_records("puro", path)
    assert _tonnes_by_range(result) == {("1", "250"): "250"}
    assert not _warned(result, "retired twice")
    assert [e.split(": not imported: ")[0] for e in result.excluded] == ["puro.json:2", "puro.json:3"]
    assert "'UNRETIRE': not a retirement" in result.excluded[0]


# ---- CAD Trust ----


def _unit(start: int, **fields: Any) -> dict[str, Any]:
    unit = {
        "orgUid": "example-registry-org",
        "unitSerialId": f"VCS98831-2024-{start}-{start + 999}",
        "unitStartBlock": str(start),
        "unitEndBlock": str(start + 1000),
        "unitCount": 1000,
        "unitMetric": "tCO2e",
        "unitVintageYear": 2024,
        "unitStatus": "Retired",
        "unitStatusDate": "17/02/2026",
        "unitRetirementBeneficiary": LOGISTICS,
    }
    unit.update(fields)
    return {k: v for k, v in unit.items() if v is not None}


def test_cad_trust_unreadable_unit_count_is_a_warning_naming_the_record(tmp_path: Path) -> None:
    units = [_unit(600001, unitCount="1,000"), _unit(700001, unitCount=None), _unit(800001, unitCount=float("nan"))]
    path = tmp_path / "cad.json"
    path.write_text(json.dumps({"unit": units}), encoding="utf-8")  # NaN is written as the bare token NaN
    assert "NaN" in path.read_text(encoding="utf-8")
    result = import_records("cad-trust", path)
    assert all(t is None for t in _tonnes_by_range(result).values()) and len(_tonnes_by_range(result)) == 3
    assert _warned(result, r"cad\.json:1: unit_count '1,000' is not a number")
    assert _warned(result, r"cad\.json:2: unit_count is missing")
    assert _warned(result, r"cad\.json:3: unit_count nan is not a number")


def test_cad_trust_blank_unit_metric_is_not_read_as_tonnes(tmp_path: Path) -> None:
    units = [_unit(500001), _unit(501001, unitMetric=""), _unit(502001, unitMetric=None)]
    result = import_records("cad-trust", _write(tmp_path, "cad.json", {"unit": units}))
    assert _tonnes_by_range(result) == {("500001", "501000"): "1000"}
    assert [e.split(": not imported: ")[0] for e in result.excluded] == ["cad.json:2", "cad.json:3"]
    assert all("unit_metric is blank" in e for e in result.excluded)


# ---- PACT ----


def test_pact_v3_document_with_a_v2_biogenic_name_is_refused(tmp_path: Path) -> None:
    footprint = {
        "id": "7c1e0a52-0000-4000-8000-0000000000b1",
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": "Example Packaging GmbH",
        "productIds": ["urn:example:product:tray-98831"],
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": "0.4",
            "fossilGhgEmissions": "0.4",
            "biogenicCarbonWithdrawal": "-0.2",
        },
    }
    with pytest.raises(InputError, match=r"v2 field names \(biogenicCarbonWithdrawal\)"):
        import_records("pact", _write(tmp_path, "pact.json", footprint), quantity=Decimal(1000))


# ---- ICR ----


def _icr(identity: str, claimed: Any, beneficiary: str) -> dict[str, Any]:
    return {
        "id": identity,
        "createdAt": "2026-02-21T11:05:00.000Z",
        "isClaimed": claimed,
        "beneficiary": beneficiary,
        "serialization": "ICR-ISL-12-98831-3-R-0-2024",
        "vintage": "2024",
        "amount": 2,
    }


def test_icr_string_booleans_are_read_as_their_value(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "icr.json",
        [_icr("ret-ex-31", "false", FOODS), _icr("ret-ex-32", "True", LOGISTICS), _icr("ret-ex-33", "no", FOODS)],
    )
    result = import_records("icr", path)
    beneficiaries = {
        e[PROVENANCE]: next((c for c in e["comment"] if "beneficiary" in c), "")
        for e in _nodes(result, "OffsettingEvent")
    }
    assert "names no beneficiary" in beneficiaries["icr.json:1"]
    assert LOGISTICS in beneficiaries["icr.json:2"]
    assert FOODS in beneficiaries["icr.json:3"]
    assert _warned(result, r"icr\.json:3: isClaimed 'no' is neither true nor false")
    # An unclaimed retirement is not selected for the beneficiary its record happens to carry.
    foods = import_records("icr", path, beneficiary=FOODS)
    assert [c["@id"] for c in _nodes(foods, "CarbonCredit")] == ["urn:comet-cn:import:icr:retirement:ret-ex-33"]
