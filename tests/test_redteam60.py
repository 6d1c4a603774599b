"""Red team 60: each test names what a user saw before."""

from __future__ import annotations

from pathlib import Path

import pytest

from comet_cn.importers import import_records

_VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
_SERIAL = "20031-970000001-970012500-VCS-VCU-1600-VER-MW-3-98816-01012024-31122024-1"


def _verra(path: Path, quantity: str, serial: str = _SERIAL) -> Path:
    row = (
        f'2025-11-20,,2024-01-01,2024-12-31,98816,Example Cookstoves Malawi,Malawi,Energy demand,VMR0006,"96,400",'
        f'"{quantity}",{serial},,2026-02-17,Example Logistics AG,Environmental Benefit,x'
    )
    path.write_text(f"{_VERRA_HEADER}\n{row}\n", encoding="utf-8")
    return path


def _tonnes(result: object) -> list[str]:
    nodes = getattr(result, "nodes")
    return [str(node["tonnesCO2e"]) for node in nodes if "tonnesCO2e" in node]


@pytest.mark.parametrize("serial", [_SERIAL, "VCS-ODD-SERIAL-1"])
@pytest.mark.parametrize(("quantity", "said"), [("12.500", "may be 12.5 or 12500"), ("1.000", "may be 1 or 1000")])
def test_a_quantity_grouped_with_dots_is_not_taken_as_a_decimal(
    tmp_path: Path, serial: str, quantity: str, said: str
) -> None:
    # Before: "1.000" was imported as 1 t (12.500 as 12.5 t) without a word when the serial gave no range to compare.
    result = import_records("verra", _verra(tmp_path / "verra.csv", quantity, serial))
    assert not _tonnes(result)
    assert any(said in warning and "left out" in warning for warning in result.warnings), result.warnings


def test_a_fractional_unit_count_is_not_imported(tmp_path: Path) -> None:
    result = import_records("verra", _verra(tmp_path / "verra.csv", "0.5", "VCS-ODD-SERIAL-3"))
    assert not _tonnes(result)
    assert any("'0.5' is not a whole number of units" in warning for warning in result.warnings), result.warnings


@pytest.mark.parametrize("quantity", ["12,500", "12500", "12,500.00", "12500.0"])
def test_whole_quantities_as_the_registry_and_a_spreadsheet_write_them_are_read(tmp_path: Path, quantity: str) -> None:
    result = import_records("verra", _verra(tmp_path / "verra.csv", quantity))
    assert [float(t) for t in _tonnes(result)] == [12500.0], (_tonnes(result), result.warnings)
    assert not [w for w in result.warnings if "left out" in w or "not a number" in w]
