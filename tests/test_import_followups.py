"""What cn-import tells the user about a period it cannot read, a field split by a quote, a non-UTC timestamp, a
number too long to read, and a Verra header it does not know.

Every fixture is written here into ``tmp_path`` and made up (project ids 988xx, "Example …" companies, invented
serials), in the registry's column layout and quoting.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.registry_headers import ACR_HEADER, CAR_HEADER

LOGISTICS = "Example Logistics AG"
MONTH_13 = "for Consumption Period 13/01/2025-12/31/2025"
BACKWARDS = "for Consumption Period 12/31/2025-01/01/2025"


def _warnings(run: Run) -> list[str]:
    return [line for line in run.err.splitlines() if line.startswith("cn-import: warning: ")]


def _nodes(run: Run, kind: str) -> list[dict[str, Any]]:
    return [node for node in run.json()["@graph"] if node.get("@type") == kind]


def _comments(node: dict[str, Any]) -> str:
    value = node.get("comment", [])
    return "\n".join(value if isinstance(value, list) else [value])


def _all_comments(run: Run) -> str:
    """The comments of every node: the event's (beneficiary, suggestions) and the credit's (fields as written)."""
    return "\n".join(_comments(node) for node in run.json()["@graph"])


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _write_apx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """The APX layout: every field quoted (inner quotes not doubled), every line ending with a comma."""
    lines = [",".join(f'"{value}"' for value in row) + "," for row in [header, *rows]]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ---- the formats, one made-up record each, with the note (or date) given ----

GS_HEADER = (
    "Vintage,Credit Status,Quantity,GSID,Project Name,Project Developer,Country,Product Type,Project Type,Methodology,"
    "Programme of Activities,POA GSID,Issuance Date,Retirement Date,Monitoring Period Start,Monitoring Period End,"
    "Serial Number,Note,Aeroplane Operator Name,Label,Use Case,Using Entity,Article Six Authorization"
)


def _gs(path: Path, note: str, retired: str = "2026-02-03", quantity: str = "2400") -> Path:
    row = [
        "2025", "Retired", quantity, "98802", "Example Wind Farm Chile", "Example Renewables SpA", "Chile", "VER",
        "Wind", "ACM0002", "", "", "2026-01-15", retired, "2025-01-01", "2025-06-30",
        "GS1-1-CL-GS98802-12-2025-40001-1-2400", note, "", "Emission Reduction", "Voluntary", LOGISTICS,
        "Not Applicable",
    ]  # fmt: skip
    return _write_csv(path, GS_HEADER.split(","), [row])


def _acr(path: Path, note: str) -> Path:
    row = [
        "98803", "ACR-US-98803-2024-3101-20001 to 21500", "5/14/2025 3:02:11 PM", "2024", "1/1/2024", "12/31/2024",
        "1500", "Example Carbon Retail LLC", "2/3/2026 10:15:42 AM", LOGISTICS, "On Behalf of Third Party", note,
        "ACR98803", "Example Landfill Gas Project", "Landfill Gas", "LFG", "Version 2.0", "Example County", "OHIO",
        "US", "No", "No", "No", "", "", "", "", "13: Climate Action", "", "View", "4",
    ]  # fmt: skip
    return _write_apx(path, ACR_HEADER.split(","), [row])


ART_HEADER = (
    "Vintage,Credit Serial Numbers,Quantity of Credits,Status Effective,"
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase),"
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase),CCP Approved,Program ID,Program Name,Program Type,"
    "Crediting Program and Standard,Standard Version,Program Jurisdiction(s),Program  Country,Date Approved,"
    "Account Holder,Retired on Behalf of,Retirement Reason,Purpose of Retirement"
)


def _art_row(units: str, quantity: str, beneficiary: str, note: str) -> list[str]:
    return [
        "2023", f"ART-GY-98805-2023-7-{units}", quantity, "03/02/2026", "", "", "", "ART98805",
        "Example Jurisdictional REDD+ Programme", "Forest Carbon",
        "ART - The REDD+ Environmental Excellence Standard (TREES)", "Version 2.0", "Example Region", "GUYANA",
        "11/4/2025 2:41:09 PM", "Example Forest Finance Ltd", beneficiary, "Offsetting", note,
    ]  # fmt: skip


def _art(path: Path, note: str) -> Path:
    return _write_apx(path, ART_HEADER.split(","), [_art_row("1 to 2000", "2000", LOGISTICS, note)])


def _icr_record(note: str = "", created: str = "2026-02-20T11:05:00.000Z", identity: str = "ret-ex-0001") -> dict:
    return {
        "id": identity, "createdAt": created, "isClaimed": True, "reason": "Carbon neutrality", "comment": note,
        "beneficiary": LOGISTICS, "serialization": "ICR-ISL-12-98806-3-R-0-2024", "vintage": "2024",
        "amount": 7.25, "project": {"id": "p-ex-01", "fullName": "Example Biochar Project", "num": 98806},
    }  # fmt: skip


def _icr(path: Path, note: str) -> Path:
    return _write_json(path, [_icr_record(note)])


def _cad(path: Path, note: str) -> Path:
    unit = {
        "cadTrustUnitId": "8d0c2f4e-1a2b-4c3d-9e8f-000000000001", "orgUid": "example-registry-org",
        "unitSerialId": "VCS98807-2024-500001-501000", "unitStartBlock": "500001", "unitEndBlock": "501001",
        "unitCount": 1000, "unitType": "Removal - technical", "unitVintageYear": 2024, "unitStatus": "Retired",
        "unitStatusReason": "Voluntary offsetting", "unitStatusDate": "17/02/2026", "unitRetirementDetail": note,
        "unitRetirementBeneficiary": LOGISTICS, "unitMetric": "tCO2e",
    }  # fmt: skip
    return _write_json(path, [unit])


PURO_CERTIFICATE = "PURO_PR_CORC100+_SE_EX0001_2025_0f5e3c2a-7d41-4b8e-9c11-2a6b5d9e8f00_1-250"


def _puro_record(note: str = "", completed: str = "2026-01-30T14:00:00Z") -> dict:
    return {
        "transactionId": "tx-ex-0001", "type": "RETIREMENT", "completedOn": completed, "volume": 250,
        "beneficiaryName": LOGISTICS, "retirementPurpose": note,
        "certificates": [{"certificates": PURO_CERTIFICATE, "volume": 250, "vintage": 2025}],
    }  # fmt: skip


def _puro(path: Path, note: str) -> Path:
    return _write_json(path, [_puro_record(note)])


def _isometric(path: Path, note: str) -> Path:
    record = {
        "retirement_id": "ret_EXAMPLE0000000001", "retired_at": "2026-02-12T09:30:00.000000Z",
        "purposes": ["corporate_targets"], "notes": note, "beneficiary": {"name": LOGISTICS},
        "credit_batch_size_total": {"credits": 12.5, "credit_kgs": 12500}, "sequestered_on": "2025-10-30",
    }  # fmt: skip
    return _write_json(path, [record])


# (format, file name, writer, where the record is named: CSV line or JSON record position)
FORMATS = [
    ("gold-standard", "gs.csv", _gs, "gs.csv:2"),
    ("acr", "acr.csv", _acr, "acr.csv:2"),
    ("art-trees", "art.csv", _art, "art.csv:2"),
    ("icr", "icr.json", _icr, "icr.json:1"),
    ("cad-trust", "cad.json", _cad, "cad.json:1"),
    ("puro", "puro.json", _puro, "puro.json:1"),
    ("isometric", "iso.json", _isometric, "iso.json:1"),
]


# ---- 1. a Consumption Period that cannot be one is warned about, in every format ----


@pytest.mark.parametrize(("fmt", "name", "write", "where"), FORMATS, ids=[f[0] for f in FORMATS])
@pytest.mark.parametrize(
    ("period", "problem"),
    [(MONTH_13, "is not two MM/DD/YYYY dates"), (BACKWARDS, "starts after it ends")],
    ids=["month-13", "backwards"],
)
def test_a_consumption_period_that_cannot_be_one_is_warned_about_naming_the_record(
    tmp_path: Path,
    cn_import: Callable[..., Run],
    fmt: str,
    name: str,
    write: Callable[[Path, str], Path],
    where: str,
    period: str,
    problem: str,
) -> None:
    path = write(tmp_path / name, f"Offsetting on behalf of {LOGISTICS} {period}")
    run = cn_import(fmt, path)
    assert run.code == 0, run.err
    said = period.removeprefix("for ")
    assert f"cn-import: warning: {where}: the note's {said!r} {problem}: no period is read from it" in _warnings(run)
    assert all("hasReportingPeriod" not in event for event in _nodes(run, "OffsettingEvent"))


def test_a_readable_consumption_period_gives_no_such_warning(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    run = cn_import("gold-standard", _gs(tmp_path / "gs.csv", "for Consumption Period 01/01/2025-12/31/2025"))
    assert run.code == 0, run.err
    assert not [line for line in _warnings(run) if "no period is read" in line]
    (event,) = _nodes(run, "OffsettingEvent")
    assert event["hasReportingPeriod"].endswith(":2025-01-01:2025-12-31")


# ---- 2. a field split by an unescaped inner quote keeps its exact text ----


def _car_row(units: str, quantity: str, details: str) -> list[str]:
    return [
        "2025", f"CAR-1-US-98804-31-1100-TX-2025-10101-{units}", quantity, "01/22/2026", "CAR98804",
        "Example Nitric Acid Plant", "Nitric Acid", "Reduction", "", "Nitric Acid - Version 3.0", "Example City",
        "TEXAS", "US", "", "", "", "", "No", "", "Example Climate Services Inc.", "On Behalf of Third Party", details,
    ]  # fmt: skip


def test_car_note_split_by_a_quote_keeps_its_text_and_suggests_the_whole_name(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    period = "for Consumption Period 01/01/2025-12/31/2025"
    details = f'Retired on behalf of Example "Blue" Logistics, Inc {period}'
    path = _write_apx(tmp_path / "car.csv", CAR_HEADER.split(","), [_car_row("1 to 1000", "1000", details)])
    run = cn_import("car", path)
    assert run.code == 0, run.err
    assert any(
        line.startswith("cn-import: warning: car.csv:2: an unescaped quote split 'Retirement Reason Details'")
        for line in _warnings(run)
    )
    (event,) = _nodes(run, "OffsettingEvent")
    comments = _all_comments(run)
    assert f"Retirement Reason Details (as written): {details!r}" in comments
    assert "beneficiary suggested by the registry's note: 'Example \"Blue\" Logistics, Inc'" in comments
    assert event["hasReportingPeriod"].endswith(":2025-01-01:2025-12-31")
    # The suggestion selects the row by the whole name, never by its first words.
    assert cn_import("car", path, "--beneficiary", 'Example "Blue" Logistics, Inc').code == 0
    assert cn_import("car", path, "--beneficiary", "Example Blue").code == 2


def test_art_beneficiary_split_by_a_quote_is_kept_exactly_and_later_columns_stay(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    rows = [
        _art_row("1 to 2000", "2000", 'Example "Green" Logistics, Inc', "Offsetting 2025"),
        # A quote just before a comma closes the field cleanly; the next piece holds the rest of the name.
        _art_row("2001 to 2500", "500", 'Example 12", Inc', "Offsetting 2025"),
    ]
    run = cn_import("art-trees", _write_apx(tmp_path / "art.csv", ART_HEADER.split(","), rows))
    assert run.code == 0, run.err
    text = _all_comments(run)
    assert "beneficiary as the registry writes it: 'Example \"Green\" Logistics, Inc'" in text
    assert "beneficiary as the registry writes it: 'Example 12\", Inc'" in text
    assert "Purpose of Retirement (as written): 'Offsetting 2025'" in text  # not shifted


# ---- 3. a timestamp with another offset gives its UTC date, with a warning ----


def test_icr_created_at_with_an_offset_gives_the_utc_date_and_a_warning(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    records = [
        _icr_record(created="2026-01-01T01:00:00+09:00", identity="ret-ex-1"),
        _icr_record(created="2026-02-20T11:05:00.000Z", identity="ret-ex-2"),
        _icr_record(created="2026-02-21T11:05:00+00:00", identity="ret-ex-3"),
        _icr_record(created="2026-02-22T10:00:00+09:00", identity="ret-ex-4"),  # 01:00 UTC: the same day
    ]
    run = cn_import("icr", _write_json(tmp_path / "icr.json", records))
    assert run.code == 0, run.err
    dates = sorted(event["retirementDate"] for event in _nodes(run, "OffsettingEvent"))
    assert dates == ["2025-12-31", "2026-02-20", "2026-02-21", "2026-02-22"]
    utc = [line for line in _warnings(run) if "UTC" in line]
    assert utc == [
        "cn-import: warning: icr.json:1: createdAt '2026-01-01T01:00:00+09:00' is not in UTC: its UTC date "
        "2025-12-31 is used"
    ]
    assert "createdAt (as written): '2026-01-01T01:00:00+09:00'" in _all_comments(run)


def test_puro_completed_on_with_an_offset_gives_the_utc_date_and_a_warning(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    run = cn_import("puro", _write_json(tmp_path / "puro.json", [_puro_record(completed="2026-01-02T23:30:00-05:00")]))
    assert run.code == 0, run.err
    (event,) = _nodes(run, "OffsettingEvent")
    assert event["retirementDate"] == "2026-01-03"
    assert (
        "cn-import: warning: puro.json:1: completedOn '2026-01-02T23:30:00-05:00' is not in UTC: its UTC date "
        "2026-01-03 is used"
    ) in _warnings(run)


def test_gold_standard_retirement_date_with_an_offset_gives_the_utc_date(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    run = cn_import("gold-standard", _gs(tmp_path / "gs.csv", "", retired="2026-02-03T00:30:00+01:00"))
    assert run.code == 0, run.err
    (event,) = _nodes(run, "OffsettingEvent")
    assert event["retirementDate"] == "2026-02-02"
    assert (
        "cn-import: warning: gs.csv:2: Retirement Date '2026-02-03T00:30:00+01:00' is not in UTC: its UTC date "
        "2026-02-02 is used"
    ) in _warnings(run)


def test_a_time_that_cannot_be_read_keeps_the_date_as_written_with_a_warning(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    run = cn_import("icr", _write_json(tmp_path / "icr.json", [_icr_record(created="2026-02-20T11:05:00 CET")]))
    assert run.code == 0, run.err
    (event,) = _nodes(run, "OffsettingEvent")
    assert event["retirementDate"] == "2026-02-20"
    assert (
        "cn-import: warning: icr.json:1: createdAt '2026-02-20T11:05:00 CET' has a time that is not read: the date "
        "as written is used"
    ) in _warnings(run)


# ---- 4. a number too long to read: one line naming the file ----


@pytest.mark.parametrize("fmt", ["auto", "icr"])
def test_a_json_number_of_thousands_of_digits_is_one_line_naming_the_file(
    tmp_path: Path, cn_import: Callable[..., Run], fmt: str
) -> None:
    path = tmp_path / "bigint.json"
    path.write_text('{"amount": 1' + "0" * 5000 + "}", encoding="utf-8")
    run = cn_import(fmt, path)
    assert run.code == 2
    assert run.out == ""
    assert run.err.splitlines() == [
        f"cn-import: error: {path}: the number at line 1 column 12 is too long to read (5001 digits)"
    ]


def test_a_json_exponent_out_of_range_is_one_line_naming_the_file(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    path = tmp_path / "huge.json"
    path.write_text('[{"amount": 1e999999999999999999999}]', encoding="utf-8")
    run = cn_import("auto", path)
    assert run.code == 2
    assert run.err.splitlines() == [
        f"cn-import: error: {path}: the number at line 1 column 13 is too large to read: its exponent is out of range"
    ]


def test_a_quantity_of_thousands_of_digits_is_a_warning_not_a_crash(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    path = tmp_path / "icr.json"
    path.write_text(json.dumps([_icr_record()]).replace('"amount": 7.25', '"amount": 1e999999'), encoding="utf-8")
    run = cn_import("icr", path)
    assert run.code == 0, run.err
    assert "cn-import: warning: icr.json:1: amount '1E+999999' is not a number" in _warnings(run)
    assert all("tonnesCO2e" not in credit for credit in _nodes(run, "CarbonCredit"))
    big = "1" + "0" * 5000
    run = cn_import("gold-standard", _gs(tmp_path / "gs.csv", "", quantity=big))
    assert run.code == 0, run.err
    assert f"cn-import: warning: gs.csv:2: Quantity {big!r} is not a number" in _warnings(run)
    assert "sys." not in run.err


# ---- 5. Verra headers: the documented columns with extras are Verra; the new platform's names are not read ----

VERRA_COLUMNS = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)


def test_auto_reads_a_verra_export_with_an_extra_account_holder_column_as_verra(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    row = [
        "2025-11-20", "", "2024-01-01", "2024-12-31", "98801", "Example Clean Cooking Programme Rwanda", "Rwanda",
        "Energy demand", "VMR0006; VM0050", "412,880", "12,500",
        "20011-950000001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1", "ICVCM CCP", "2026-02-17",
        LOGISTICS, "Environmental Benefit", "Retired on behalf of Example Logistics AG", "Example Broker Ltd",
    ]  # fmt: skip
    path = _write_csv(tmp_path / "vcus.csv", [*VERRA_COLUMNS.split(","), "Account Holder"], [row])
    run = cn_import("auto", path)
    assert run.code == 0, run.err
    (event,) = _nodes(run, "OffsettingEvent")
    assert event["@id"].startswith("urn:comet-cn:import:verra:event:2026-02-17:")
    assert "cn-import: vcus.csv: 1 record(s) imported" in run.err


def test_a_header_of_verras_new_platform_field_names_is_refused_naming_verra(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    header = ["serialNo", "retiredDate", "block_start", "block_end", "beneficialOwner", "quantity"]
    path = _write_csv(tmp_path / "new.csv", header, [["X", "2026-07-27T19:27:26", "1", "10", LOGISTICS, "10"]])
    auto = cn_import("auto", path)
    assert auto.code == 2
    assert auto.err.splitlines() == [
        f"cn-import: error: {path}: a CSV header of no known format; nearest: verra (5 column(s) in common)"
    ]
    named = cn_import("verra", path)
    assert named.code == 2
    (line,) = named.err.splitlines()
    assert "no column 'Serial Number', 'Retirement/Cancellation Date'" in line
    assert "field names of verra's new registry platform (serialNo, retiredDate" in line
    assert "not verified, so it is not read" in line
