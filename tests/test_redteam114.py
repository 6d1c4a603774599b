"""Red team 114b: a retirement whose registry record says it is not for offsetting ("Not for offsetting", "no
offsetting or carbon neutrality claim will be made", a contribution claim) was imported as an offsetting event, so
its units covered the footprint and the merged claim conformed. Such a row is left out, with its reason, as
cancellations and compliance, CORSIA and NDC uses are."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from comet_cn.importers import import_records
from comet_cn.importers.fields import not_offsetting
from tests.registry_headers import VERRA_HEADER

NOT_FOR_OFFSETTING = [
    "Not for offsetting",
    "Retired on behalf of Example Tiles SA - not for offsetting",
    "Contribution claim on behalf of Example Tiles SA; no offsetting or carbon neutrality claim will be made",
    "These credits are not used for offsetting.",
    "Contribution claim only",
    "Retired as a climate contribution by Example Tiles SA",
    "Not to be used to compensate emissions",
    "Beyond value chain mitigation (BVCM), Example Tiles SA",
]
FOR_OFFSETTING = [
    "Retired on behalf of Example Tiles SA to offset its 2024 emissions",
    "Offsetting Example Tiles SA 2024 scope 1 and 2; not for resale",
    "Retired for the carbon neutrality of Example Tiles SA, 2024",
    "Retired to compensate Example Tiles SA 2024 emissions; no double counting",
    "PO No. 4500 offsetting Example Tiles SA",
]


@pytest.mark.parametrize("note", NOT_FOR_OFFSETTING)
@pytest.mark.parametrize("free_text", [True, False])
def test_a_record_saying_it_is_not_for_offsetting_is_no_offsetting_event(note: str, free_text: bool) -> None:
    reason = not_offsetting("Retirement Details", note, free_text=free_text)
    assert reason is not None and "not for offsetting (a contribution claim)" in reason, reason


@pytest.mark.parametrize("note", FOR_OFFSETTING)
def test_a_record_of_offsetting_stays_one(note: str) -> None:
    assert not_offsetting("Retirement Details", note, free_text=True) is None


@pytest.mark.parametrize(("details", "imported"), [(NOT_FOR_OFFSETTING[2], False), (FOR_OFFSETTING[0], True)])
def test_a_verra_row_not_for_offsetting_is_left_out_of_the_import(tmp_path: Path, details: str, imported: bool) -> None:
    row = [
        "2025-11-20", "", "2023-01-01", "2023-12-31", "98807", "Example Wind Park", "India", "Energy industries",
        "ACM0002", "250,000", "12,500", "19301-100001-112500-VCS-VCU-263-VER-IN-1-98807-01012023-31122023-0",
        "", "2025-03-20", "Example Tiles SA", "Retirement for Person or Organization", details,
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(VERRA_HEADER.split(","))
    writer.writerow(row)
    path = tmp_path / "vcus.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = import_records("verra", path, beneficiary="Example Tiles SA")
    events = [n for n in result.nodes if n.get("@type") == "OffsettingEvent"]
    assert bool(events) is imported
    assert imported or any("not for offsetting (a contribution claim)" in e for e in result.excluded), result.excluded
