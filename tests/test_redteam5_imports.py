"""Red team 5 regressions in the registry importers: offset timestamps, missing required columns, quantities of zero
or less, ICR duplicate totals and Verra total rows.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials and ids).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import ImportResult, import_records
from tests.conftest import Run

LOGISTICS = "Example Logistics AG"
OFFSET = "2026-01-01T01:00:00+09:00"  # 2025-12-31T16:00:00Z

VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
VERRA_SERIAL = "20011-950000001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-0"


def _verra_row(retired: str = "2026-02-17", quantity: str = '"12,500"', serial: str = VERRA_SERIAL) -> str:
    return (
        f'2025-11-20,,2024-01-01,2024-12-31,98801,Example Cookstoves,Rwanda,Energy demand,VMR0006,"412,880",'
        f"{quantity},{serial},,{retired},{LOGISTICS},Environmental Benefit,Retired for {LOGISTICS}"
    )


def _csv(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _json(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _nodes(result: ImportResult, kind: str) -> list[dict[str, Any]]:
    return [dict(n) for n in result.nodes if n.get("@type") == kind]


def _warned(result: ImportResult, pattern: str) -> list[str]:
    return [w for w in result.warnings if re.search(pattern, w)]


def _cad_unit(status_date: str, count: int = 1000) -> dict[str, Any]:
    return {
        "cadTrustUnitId": "8d0c2f4e-1a2b-4c3d-9e8f-000000000001",
        "orgUid": "example-registry-org",
        "unitSerialId": "VCS98807-2024-500001-501000",
        "unitStartBlock": "500001",
        "unitEndBlock": "501001",
        "unitCount": count,
        "unitType": "Removal - technical",
        "unitVintageYear": 2024,
        "unitStatus": "Retired",
        "unitStatusDate": status_date,
        "unitRetirementBeneficiary": LOGISTICS,
        "unitMetric": "tCO2e",
    }


def _icr(amount: Any, record_id: str = "ret-ex-0001") -> dict[str, Any]:
    return {
        "id": record_id,
        "createdAt": "2026-02-20T11:05:00.000Z",
        "isClaimed": True,
        "beneficiary": LOGISTICS,
        "serialization": "ICR-ISL-12-98806-3-R-0-2024",
        "vintage": "2024",
        "amount": amount,
    }


# ---- 1. an offset timestamp gives its UTC date in every importer ----


def test_verra_offset_timestamp_gives_its_utc_date_with_a_warning(tmp_path: Path) -> None:
    result = import_records("verra", _csv(tmp_path, "vcus.csv", VERRA_HEADER, _verra_row(retired=OFFSET)))
    (event,) = _nodes(result, "OffsettingEvent")
    assert event["retirementDate"] == "2025-12-31"
    said = _warned(result, r"vcus\.csv:2: Retirement/Cancellation Date '2026-01-01T01:00:00\+09:00' is not in UTC")
    assert len(said) == 1 and "2025-12-31" in said[0]


def test_verra_dates_without_offset_are_kept_as_written(tmp_path: Path) -> None:
    for retired in ("2026-01-01", "01/01/2026", "2026-01-01T01:00:00Z", "2026-01-01 01:00:00"):
        result = import_records("verra", _csv(tmp_path, "vcus.csv", VERRA_HEADER, _verra_row(retired=retired)))
        (event,) = _nodes(result, "OffsettingEvent")
        assert event["retirementDate"] == "2026-01-01", retired
        assert not _warned(result, "not in UTC"), retired


def test_cad_trust_offset_timestamp_gives_its_utc_date_with_a_warning(tmp_path: Path) -> None:
    result = import_records("cad-trust", _json(tmp_path, "units.json", [_cad_unit(OFFSET)]))
    (event,) = _nodes(result, "OffsettingEvent")
    assert event["retirementDate"] == "2025-12-31"
    assert _warned(result, r"units\.json:1: unit_status_date '2026-01-01T01:00:00\+09:00' is not in UTC")
    day_first = import_records("cad-trust", _json(tmp_path, "units.json", [_cad_unit("01/01/2026")]))
    assert _nodes(day_first, "OffsettingEvent")[0]["retirementDate"] == "2026-01-01"


def test_one_offset_timestamp_is_one_date_whatever_the_registry(tmp_path: Path) -> None:
    verra = import_records("verra", _csv(tmp_path, "vcus.csv", VERRA_HEADER, _verra_row(retired=OFFSET)))
    cad = import_records("cad-trust", _json(tmp_path, "units.json", [_cad_unit(OFFSET)]))
    icr_record = {**_icr(7.25), "createdAt": OFFSET}
    icr = import_records("icr", _json(tmp_path, "icr.json", [icr_record]))
    dates = {_nodes(r, "OffsettingEvent")[0]["retirementDate"] for r in (verra, cad, icr)}
    assert dates == {"2025-12-31"}


# ---- 2. a header without a required column is refused ----


@pytest.mark.parametrize(
    ("format_name", "header", "row", "missing"),
    [
        ("verra", VERRA_HEADER.replace("Quantity Issued", "Quantity"), _verra_row(), "'Quantity Issued'"),
        (
            "gold-standard",
            "GSID,Serial Number,Credit Status,Retirement Date,Amount",
            "98802,GS1-1-CL-GS98802-12-2025-40001-1-2400,Retired,2026-02-01,2400",
            "'Quantity'",
        ),
        (
            "acr",
            "Credit Serial Numbers,Status Effective (GMT),Credits",
            '"ACR-US-98803-2024-3101-20001 to 21500","2/3/2026 11:59:59 PM","1500"',
            "'Quantity of Credits'",
        ),
    ],
)
def test_a_header_without_a_required_column_is_refused_in_one_line(
    tmp_path: Path, cn_import: Callable[..., Run], format_name: str, header: str, row: str, missing: str
) -> None:
    path = _csv(tmp_path, "export.csv", header, row)
    for given in (format_name, "auto"):
        run = cn_import(given, path)
        assert run.code == 2, run.err
        lines = run.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cn-import: error: "), run.err
        assert f"no column {missing}" in lines[0]
        assert run.out == ""


# ---- 3. a quantity of zero or less is kept, with a warning, in every importer ----


def test_verra_zero_or_negative_quantity_is_kept_with_a_warning(tmp_path: Path) -> None:
    second = "20012-950012501-950013000-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-0"
    path = _csv(
        tmp_path, "vcus.csv", VERRA_HEADER, _verra_row(quantity="0"), _verra_row(quantity='"-500"', serial=second)
    )
    result = import_records("verra", path)
    assert sorted(c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")) == ["-500", "0"]
    assert len(_warned(result, r"vcus\.csv:2: Quantity Issued 0 is not a positive quantity")) == 1
    assert len(_warned(result, r"vcus\.csv:3: Quantity Issued -500 is not a positive quantity")) == 1


def test_icr_negative_amount_is_kept_with_a_warning(tmp_path: Path) -> None:
    result = import_records("icr", _json(tmp_path, "icr.json", [_icr(-7.25)]))
    assert [c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")] == ["-7.25"]
    assert len(_warned(result, r"icr\.json:1: amount -7\.25 is not a positive quantity")) == 1


def test_cad_trust_warns_the_same_way(tmp_path: Path) -> None:
    result = import_records("cad-trust", _json(tmp_path, "units.json", [_cad_unit("2026-02-17", count=-1000)]))
    assert [c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")] == ["-1000"]
    assert len(_warned(result, r"units\.json:1: unit_count -1000 is not a positive quantity")) == 1


def test_a_positive_quantity_gives_no_such_warning(tmp_path: Path) -> None:
    verra = import_records("verra", _csv(tmp_path, "vcus.csv", VERRA_HEADER, _verra_row()))
    icr = import_records("icr", _json(tmp_path, "icr.json", [_icr(7.25)]))
    assert not _warned(verra, "positive") and not _warned(icr, "positive")


# ---- 4. the ICR total counts a duplicate import once ----


def test_icr_identical_records_are_one_retirement_in_the_total(tmp_path: Path) -> None:
    result = import_records("icr", _json(tmp_path, "icr.json", [_icr(7.25), _icr(7.25)]))
    assert _warned(result, r"icr\.json:2: .* a duplicate import, kept once")
    assert not _warned(result, r"retirements of serialization")
    assert [c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")] == ["7.25"]


def test_icr_total_after_deduplication(tmp_path: Path) -> None:
    records = [_icr(7.25), _icr(7.25), _icr(2, record_id="ret-ex-0002")]
    result = import_records("icr", _json(tmp_path, "icr.json", records))
    (total,) = _warned(result, r"retirements of serialization")
    assert "2 retirements of serialization ICR-ISL-12-98806-3-R-0-2024 total 9.25 t" in total


# ---- 5. a Verra total row is named as one ----


def test_verra_total_rows_are_said_to_be_totals(tmp_path: Path) -> None:
    unretired = _verra_row(retired="").replace(VERRA_SERIAL, VERRA_SERIAL.replace("20011-", "20013-"))
    path = _csv(
        tmp_path,
        "vcus.csv",
        VERRA_HEADER,
        _verra_row(),
        unretired,
        ',,,,,,,,,"412,880","12,500",,,,,,',
        'Total,,,,,,,,,,"12,500",,,,,,',
    )
    result = import_records("verra", path)
    assert len(_nodes(result, "OffsettingEvent")) == 1
    text = "\n".join(result.excluded)
    assert re.search(r"vcus\.csv:3: not imported: no Retirement/Cancellation Date: an unretired block", text), text
    assert re.search(r"vcus\.csv:4: not imported: a total or summary row \(no Serial Number, ID or Name", text), text
    assert re.search(r"vcus\.csv:5: not imported: a total or summary row \('Total', no Serial Number", text), text
    assert "unretired" not in "".join(line for line in result.excluded if ":4:" in line or ":5:" in line)
