"""Red team 10 regressions in the registry importers: a block two files state differently, month-first dates in a
Verra file, unreadable vintage and issuance values, a decimal comma in --quantity, dated subtotal rows.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials and ids). Each
case has a twin that differs only where the fix looks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import ImportResult, combine, import_records, merge, read_import
from tests.conftest import EXAMPLES, Run

ACME = "Acme Ceramics GmbH"
CLAIM = EXAMPLES / "conforming-claim.jsonld"
CLAIM_EVENT = "ex:retirement-2025-03"

VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
SERIAL = "20051-880000001-880006000-VCS-VCU-1600-VER-IN-1-98820-01012023-31122023-0"
GS_HEADER = (
    "Vintage,Credit Status,Quantity,GSID,Project Name,Project Developer,Country,Product Type,Project Type,"
    "Methodology,Programme of Activities,POA GSID,Issuance Date,Retirement Date,Monitoring Period Start,"
    "Monitoring Period End,Serial Number,Note,Aeroplane Operator Name,Label,Use Case,Using Entity,"
    "Article Six Authorization"
)


def _verra_row(
    *,
    issued: str = "2024-06-20",
    start: str = "2023-01-01",
    end: str = "2023-12-31",
    quantity: str = '"6,000"',
    serial: str = SERIAL,
    retired: str = "2025-03-20",
    project: str = "98820,Example Wind Farm",
) -> str:
    return (
        f'{issued},,{start},{end},{project},India,Energy industries,ACM0002,"500,000",{quantity},{serial},,'
        f"{retired},{ACME},Environmental Benefit,"
    )


def _csv(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _verra(tmp_path: Path, name: str, *rows: str) -> Path:
    return _csv(tmp_path, name, VERRA_HEADER, *rows)


def _nodes(document: ImportResult | dict[str, Any], kind: str) -> list[dict[str, Any]]:
    nodes = document.nodes if isinstance(document, ImportResult) else document["@graph"]
    return [dict(n) for n in nodes if n.get("@type") == kind]


def _warned(result: ImportResult, pattern: str) -> list[str]:
    return [w for w in result.warnings if re.search(pattern, w)]


# ---- 1. a block two files state differently keeps both values, whatever the order ----


@pytest.mark.parametrize(
    ("column", "other", "key", "both"),
    [
        ("quantity", {"quantity": '"6,100"'}, "tonnesCO2e", ["6000", "6100"]),
        ("vintage", {"end": "2022-12-31"}, "vintageEndYear", ["2022", "2023"]),
    ],
)
def test_a_block_two_files_state_differently_keeps_both_values_in_either_order(
    tmp_path: Path, column: str, other: dict[str, str], key: str, both: list[str]
) -> None:
    short = import_records("verra", _verra(tmp_path, "short.csv", _verra_row()))
    differ = import_records("verra", _verra(tmp_path, f"{column}.csv", _verra_row(**other)))
    said: list[str] = []
    forward = combine([short, differ], said)
    backward_said: list[str] = []
    backward = combine([differ, short], backward_said)
    assert forward == backward, "the document does not depend on the order of the files"
    assert said == backward_said and len(said) == 1
    assert re.search(rf"{key} is '{both[0]}' in .* but '{both[1]}' in .*both values kept", said[0]), said
    (credit,) = _nodes(forward, "CarbonCredit")
    assert credit[key] == both


def test_the_same_block_in_two_files_that_agree_is_one_value_and_said_once(tmp_path: Path) -> None:
    # Red team 55b: the import formats' rule is "de-duplicate it and say so" (this test expected no warning before).
    first = import_records("verra", _verra(tmp_path, "short.csv", _verra_row()))
    again = import_records("verra", _verra(tmp_path, "again.csv", _verra_row()))
    said: list[str] = []
    document = combine([first, again], said)
    (warning,) = said
    assert "the same credit is in again.csv:2 and short.csv:2: kept once" in warning
    (credit,) = _nodes(document, "CarbonCredit")
    assert credit["tonnesCO2e"] == "6000" and credit["vintageEndYear"] == "2023"


def test_merging_two_imports_into_a_claim_keeps_both_values_and_the_check_reports_it(tmp_path: Path) -> None:
    import comet_cn

    short = import_records("verra", _verra(tmp_path, "short.csv", _verra_row()))
    differ = import_records("verra", _verra(tmp_path, "qty.csv", _verra_row(quantity='"6,100"')))
    said: list[str] = []
    forward = merge(CLAIM, [short, differ], event=CLAIM_EVENT, warnings=said)
    assert merge(CLAIM, [differ, short], event=CLAIM_EVENT) == forward
    (credit,) = [c for c in _nodes(forward, "CarbonCredit") if c["@id"].startswith("urn:comet-cn:import:")]
    assert credit["tonnesCO2e"] == ["6000", "6100"] and len(said) == 1
    report = comet_cn.validate(forward)
    focus = [r for r in report.results if r.rule_id == "CN-BAL-01" and "exactly one tonnesCO2e" in r.message]
    assert focus, [r.rule_id for r in report.results]
    # The twin: the same file twice merges into one value, and that finding is not there.
    twin = merge(CLAIM, [short, short], event=CLAIM_EVENT)
    assert not [r for r in comet_cn.validate(twin).results if r.rule_id == "CN-BAL-01" and "exactly one" in r.message]


def test_one_file_with_the_block_twice_in_two_quantities_keeps_both(tmp_path: Path) -> None:
    result = import_records("verra", _verra(tmp_path, "vcus.csv", _verra_row(), _verra_row(quantity='"6,100"')))
    (credit,) = _nodes(result, "CarbonCredit")
    assert credit["tonnesCO2e"] == ["6000", "6100"]
    assert _warned(
        result, r"vcus\.csv:3: the same block, date and beneficiary as vcus\.csv:2, but the two rows disagree"
    )
    twin = import_records("verra", _verra(tmp_path, "twin.csv", _verra_row(), _verra_row()))
    (credit,) = _nodes(twin, "CarbonCredit")
    assert credit["tonnesCO2e"] == "6000"
    assert _warned(twin, r"twin\.csv:3: .*a duplicate import, kept once")


def test_cn_import_and_cn_merge_warn_of_the_conflict(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    short = _verra(tmp_path, "short.csv", _verra_row())
    differ = _verra(tmp_path, "qty.csv", _verra_row(quantity='"6,100"'))
    forward = cn_import("verra", short, differ, "-o", tmp_path / "ab.jsonld")
    backward = cn_import("verra", differ, short, "-o", tmp_path / "ba.jsonld")
    assert forward.code == backward.code == 0
    assert (tmp_path / "ab.jsonld").read_bytes() == (tmp_path / "ba.jsonld").read_bytes()
    assert "tonnesCO2e is '6000' in short.csv:2 but '6100' in qty.csv:2: both values kept" in forward.err
    assert cn_import("verra", short, "-o", tmp_path / "s.jsonld").code == 0
    assert cn_import("verra", differ, "-o", tmp_path / "q.jsonld").code == 0
    merged = cn_merge(CLAIM, tmp_path / "q.jsonld", tmp_path / "s.jsonld", "-o", tmp_path / "m.jsonld")
    assert merged.code == 0 and "both values kept" in merged.err
    twin = cn_merge(CLAIM, tmp_path / "s.jsonld", tmp_path / "s.jsonld", "-o", tmp_path / "t.jsonld")
    assert twin.code == 0 and "both values kept" not in twin.err
    assert read_import(tmp_path / "ab.jsonld").nodes


# ---- 2. the order of a Verra file's slashed dates is decided once per file ----


def test_a_month_first_verra_file_is_refused_not_read_day_first(tmp_path: Path) -> None:
    us = dict(issued="6/20/2024", start="1/1/2023", end="12/31/2023")
    path = _verra(
        tmp_path,
        "us.csv",
        _verra_row(retired="1/2/2026", **us),
        _verra_row(retired="2/17/2026", serial=SERIAL.replace("20051-", "20052-"), **us),
    )
    with pytest.raises(InputError, match=r"month-first date .*nothing imported"):
        import_records("verra", path)
    # The twin: the same dates day-first, as Verra's older downloads write them.
    uk = dict(issued="20/06/2024", start="01/01/2023", end="31/12/2023")
    twin = _verra(
        tmp_path,
        "uk.csv",
        _verra_row(retired="01/02/2026", **uk),
        _verra_row(retired="17/02/2026", serial=SERIAL.replace("20051-", "20052-"), **uk),
    )
    result = import_records("verra", twin)
    assert sorted(e["retirementDate"] for e in _nodes(result, "OffsettingEvent")) == ["2026-02-01", "2026-02-17"]
    assert all(c["issuanceYear"] == "2024" and c["vintageEndYear"] == "2023" for c in _nodes(result, "CarbonCredit"))


def test_a_verra_file_with_dates_in_both_orders_is_refused(tmp_path: Path) -> None:
    path = _verra(tmp_path, "both.csv", _verra_row(issued="20/11/2025", retired="02/13/2026"))
    with pytest.raises(InputError, match=r"both orders: '20/11/2025' .* '02/13/2026'"):
        import_records("verra", path)
    twin = _verra(tmp_path, "one.csv", _verra_row(issued="20/11/2025", retired="13/02/2026"))
    (event,) = _nodes(import_records("verra", twin), "OffsettingEvent")
    assert event["retirementDate"] == "2026-02-13"


def test_unpadded_slashed_dates_nothing_decides_are_refused(tmp_path: Path) -> None:
    path = _verra(tmp_path, "unsure.csv", _verra_row(retired="1/2/2026"))
    with pytest.raises(InputError, match=r"'1/2/2026' .* could be day-first or month-first"):
        import_records("verra", path)
    # The twin: zero-padded, as Verra writes DD/MM/YYYY, is day-first by the documented rule.
    twin = _verra(tmp_path, "padded.csv", _verra_row(retired="01/02/2026"))
    (event,) = _nodes(import_records("verra", twin), "OffsettingEvent")
    assert event["retirementDate"] == "2026-02-01"


def test_cn_import_refuses_a_month_first_file_in_one_line(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    path = _verra(tmp_path, "us.csv", _verra_row(retired="2/17/2026"))
    run = cn_import("verra", path, "-o", tmp_path / "out.jsonld")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1 and "month-first" in run.err
    assert not (tmp_path / "out.jsonld").exists()


# ---- 3. an unreadable vintage or issuance value is reported, not dropped ----


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        (dict(end="31.12.2023"), r"v\.csv:2: Vintage End '31\.12\.2023' is not a date"),
        (dict(end=""), r"v\.csv:2: Vintage End is blank: the credit has no vintageEndYear"),
        (dict(end="Dec 31 2023"), r"v\.csv:2: Vintage End 'Dec 31 2023' is not a date"),
        (dict(issued="20.06.2024"), r"v\.csv:2: Issuance Date '20\.06\.2024' is not a date .* no issuanceYear"),
    ],
)
def test_verra_unreadable_vintage_and_issuance_are_warned(tmp_path: Path, row: dict[str, str], pattern: str) -> None:
    result = import_records("verra", _verra(tmp_path, "v.csv", _verra_row(**row)))
    assert _warned(result, pattern), result.warnings
    twin = import_records("verra", _verra(tmp_path, "v.csv", _verra_row()))
    assert not _warned(twin, "Vintage End|Issuance Date")
    (credit,) = _nodes(twin, "CarbonCredit")
    assert credit["vintageEndYear"] == "2023" and credit["issuanceYear"] == "2024"


def _gs_row(vintage: str = "2024", issued: str = "2025-01-15") -> str:
    return (
        f"{vintage},Retired,100,98830,Example Biogas,Example Developer,India,VER,Biogas,AMS-I.C.,,,{issued},"
        f"2025-02-01,2024-01-01,2024-12-31,GS1-1-IN-GS98830-4-2024-60001-1-100,,,Emission Reduction,Voluntary,"
        f"{ACME},Not Applicable"
    )


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        (dict(vintage="24"), r"gs\.csv:2: Vintage '24' is not a four-digit year"),
        (dict(vintage=""), r"gs\.csv:2: Vintage is blank"),
        (dict(issued="garbage"), r"gs\.csv:2: Issuance Date 'garbage' is not a date"),
        (dict(issued="15/01/2025"), r"gs\.csv:2: Issuance Date '15/01/2025' is not a date"),
    ],
)
def test_gold_standard_unreadable_vintage_and_issuance_are_warned(
    tmp_path: Path, row: dict[str, str], pattern: str
) -> None:
    result = import_records("gold-standard", _csv(tmp_path, "gs.csv", GS_HEADER, _gs_row(**row)))
    assert _warned(result, pattern), result.warnings
    twin = import_records("gold-standard", _csv(tmp_path, "gs.csv", GS_HEADER, _gs_row(vintage="2024.0")))
    assert not _warned(twin, "Vintage|Issuance Date")
    (credit,) = _nodes(twin, "CarbonCredit")
    assert credit["vintageEndYear"] == "2024" and credit["issuanceYear"] == "2025"


@pytest.mark.parametrize(("vintage", "warned"), [("FY2024", True), ("24", True), ("2024", False), (2024, False)])
def test_icr_unreadable_vintage_is_warned(tmp_path: Path, vintage: Any, warned: bool) -> None:
    record = {
        "id": "ret-ex-0001",
        "createdAt": "2026-02-20T11:05:00.000Z",
        "isClaimed": True,
        "beneficiary": ACME,
        "serialization": "ICR-ISL-12-98806-3-R-0-2024",
        "vintage": vintage,
        "amount": 1,
    }
    path = tmp_path / "icr.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_records("icr", path)
    assert bool(_warned(result, rf"icr\.json:1: vintage '{vintage}' is not a four-digit year")) is warned
    (credit,) = _nodes(result, "CarbonCredit")
    assert ("vintageEndYear" in credit) is not warned


# ---- 4. --quantity with a comma that is no thousands grouping ----


@pytest.mark.parametrize(("given", "code"), [("12,5", 2), ("1,2,3", 2), ("12.5", 0), ("12,500", 0), ("1,250.5", 0)])
def test_pact_quantity_comma_only_as_thousands_separator(
    tmp_path: Path, cn_import: Callable[..., Run], given: str, code: int
) -> None:
    footprint = {
        "id": "3f1d2c7e-0000-4000-8000-000000000001",
        "specVersion": "3.0.0",
        "created": "2026-01-20T08:00:00Z",
        "status": "Active",
        "companyName": "Example Packaging GmbH",
        "companyIds": ["urn:example:company:example-packaging"],
        "productDescription": "Example box",
        "productIds": ["urn:example:product:box"],
        "productNameCompany": "Example Box",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": "1000",
            "pcfIncludingBiogenicUptake": "1000",
            "fossilGhgEmissions": "1000",
            "biogenicCO2Uptake": "0",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
            "exemptedEmissionsPercent": "0",
        },
    }
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(footprint), encoding="utf-8")
    run = cn_import("pact", path, "--quantity", given, "-o", tmp_path / "out.jsonld")
    assert run.code == code, run.err
    if code:
        assert len(run.err.strip().splitlines()) == 1 and "thousands separator" in run.err
        return
    document = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    (node,) = [n for n in document["@graph"] if n.get("@type") == "CarbonFootprint"]
    # 1000 kg per piece: tonnes = the quantity as given, its commas read as thousands separators.
    assert node["tonnesCO2e"] == given.replace(",", "")


# ---- 5. a dated subtotal row is not a block ----


@pytest.mark.parametrize(
    "subtotal",
    [
        'Subtotal 2026-01-02,,,,,,,,,,"12,000",,,2026-01-02,,,',
        f',,,,,,,,,,"12,000",,,2026-01-02,{ACME},,',
    ],
)
def test_a_dated_subtotal_row_is_not_imported(tmp_path: Path, subtotal: str) -> None:
    rows = (
        _verra_row(quantity='"6,000"', retired="2026-01-02"),
        _verra_row(quantity='"6,000"', retired="2026-01-02", serial=SERIAL.replace("20051-", "20052-")),
    )
    result = import_records("verra", _verra(tmp_path, "vcus.csv", *rows, subtotal))
    tonnes = sorted(c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit"))
    assert tonnes == ["6000", "6000"]
    assert any(re.search(r"vcus\.csv:4: not imported: a total or summary row", e) for e in result.excluded)
    # The twin: the same row with a serial, ID and name is a block, and is imported.
    block = _verra_row(quantity='"12,000"', retired="2026-01-02", serial=SERIAL.replace("20051-", "20053-"))
    twin = import_records("verra", _verra(tmp_path, "vcus.csv", *rows, block))
    assert sorted(c["tonnesCO2e"] for c in _nodes(twin, "CarbonCredit")) == ["12000", "6000", "6000"]
    assert not twin.excluded
