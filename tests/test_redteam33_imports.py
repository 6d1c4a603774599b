"""Red team 33, registry imports: what a user of ``cn-import`` saw before each fix.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comet_cn.importers import ImportResult, import_records
from comet_cn.importers.attribution import on_behalf_of
from tests.registry_headers import ACR_HEADER
from tests.test_import_beneficiaries import ACME, verra_row, write_verra


def _acr(path: Path, vintage: str, start: str, end: str) -> Path:
    row = [
        "98803", f"ACR-US-98803-{vintage}-3101-20001 to 32500", "5/14/2024 3:02:11 PM", vintage, start, end, "12500",
        "Example Carbon Retail LLC", "3/20/2025 10:15:42 AM", ACME, "Environmental Benefit", "", "ACR98803",
        "Example Landfill Gas Project", "Landfill Gas", "Landfill Gas Destruction", "Version 2.0", "Example County",
        "OHIO", "US", "No", "No", "No", "", "", "", "", "13: Climate Action", "", "View", "4",
    ]  # fmt: skip
    lines = [",".join(f'"{value}"' for value in fields) + "," for fields in [ACR_HEADER.split(","), row]]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _vintages(result: ImportResult) -> list[str]:
    return [str(n["vintageEndYear"]) for n in result.nodes if n.get("@type") == "CarbonCredit"]


def test_an_acr_vintage_outside_its_assignment_period_writes_the_earlier_year(tmp_path: Path) -> None:
    # Before: Vintage 2023 was written although the row's vintage period was 2017, with no warning, and a claim for
    # 2024 conformed with credits from 2017 (more than five years before its period).
    result = import_records("acr", _acr(tmp_path / "acr.csv", "2023", "1/1/2017", "12/31/2017"))
    assert _vintages(result) == ["2017"]
    assert any("Vintage is 2023 but the vintage assignment period ends 2017-12-31" in w for w in result.warnings)


@pytest.mark.parametrize(("start", "end"), [("1/1/2023", "12/31/2023"), ("7/1/2023", "6/30/2024")])
def test_an_acr_vintage_within_its_assignment_period_is_kept(tmp_path: Path, start: str, end: str) -> None:
    # A period over two years named by the year it starts is no contradiction: the serial names that year too.
    result = import_records("acr", _acr(tmp_path / "acr.csv", "2023", start, end))
    assert _vintages(result) == ["2023"]
    assert not any("vintage assignment period" in w for w in result.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "Retired on behalf of Acme Ceramics GmbH for its customer Example Foods SA",
        "Retired on behalf of Acme Ceramics GmbH for their clients",
        "on behalf of Acme Ceramics GmbH for the end-customer Example Foods SA",
    ],
)
def test_a_retirement_for_the_claimants_customer_is_not_the_claimants(tmp_path: Path, text: str) -> None:
    # Before: "… on behalf of Acme Ceramics GmbH for its customer Beta Foods Ltd" was read as Acme's alone and
    # merged into Acme's claim, although the credits were used for the customer.
    assert on_behalf_of(text) != ACME
    path = write_verra(tmp_path / "verra.csv", [verra_row(950000001, 12500, "", text)])
    assert import_records("verra", path, beneficiary=ACME).nodes == ()


@pytest.mark.parametrize(
    "text",
    [
        "Retired on behalf of Acme Ceramics GmbH for 2024 emissions",
        "on behalf of Acme Ceramics GmbH for Consumption Period 01/01/2024 - 31/12/2024",
    ],
)
def test_a_retirement_for_the_claimants_own_period_is_still_the_claimants(text: str) -> None:
    assert on_behalf_of(text) == ACME


def test_an_isometric_quantity_field_that_is_no_number_is_warned_about(tmp_path: Path) -> None:
    # Before: credit_kgs "1,250,000" (1,250 t) beside credits 12500 was dropped without a word, and 12,500 t imported.
    record = {
        "retirement_id": "ret_EXAMPLE91",
        "retired_at": "2025-03-20T09:30:00Z",
        "purposes": ["corporate_targets"],
        "beneficiary": {"name": ACME},
        "credit_batch_size_total": {"credits": 12500, "credit_kgs": "1,250,000"},
        "sequestered_on": "2024-10-30",
    }
    path = tmp_path / "iso.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_records("isometric", path)
    assert any(
        "credit_kgs '1,250,000' is not a number" in w and "read from credits alone as 12500 t" in w
        for w in result.warnings
    ), result.warnings
