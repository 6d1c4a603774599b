"""Red team 114b: a retirement whose registry record says it is not for offsetting ("Not for offsetting", "no
offsetting or carbon neutrality claim will be made", a contribution claim) was imported as an offsetting event, so
its units covered the footprint and the merged claim conformed. Such a row is left out, with its reason, as
cancellations and compliance, CORSIA and NDC uses are.

Red team 115b: a footprint IRI kept by the next period's claim with its own figure went unreported, and hid the
footprint's rise from CN-AUDIT-IMPROVE-02; CN-AUDIT-ID-04 reads footprints as it reads reports and opinions."""

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


# ---- Red team 115b: last year's footprint IRI kept by this year's claim, with this year's figure ----


def _periods(tmp_path: Path, footprint_2025: str) -> list[Path]:
    """The bundled claim for 2024 and a 2025 claim of the same subject (own IRIs), whose footprint (13,100 t, above
    2024's 12,450 t) is named ``footprint_2025``."""
    import json

    from tests.conftest import example, written

    earlier = example("conforming-claim.jsonld")
    text = json.dumps(earlier)
    for old, new in (("claim-2024", "claim-2025"), ("period-2024", "period-2025"), ("report-2024", "report-2025"),
                     ("opinion-2024", "opinion-2025"), ("2024-01-01", "2025-01-01"), ("2024-12-31", "2025-12-31"),
                     ("footprint-2024", footprint_2025)):  # fmt: skip
        text = text.replace(old, new)
    later = json.loads(text)
    footprint = next(node for node in later["@graph"] if node["@id"] == f"ex:{footprint_2025}")
    footprint["tonnesCO2e"] = "13100.0"
    return written(tmp_path, {"2024.jsonld": earlier, "2025.jsonld": later})


@pytest.mark.rule("CN-AUDIT-ID-04")
def test_a_footprint_iri_linked_by_the_claims_of_two_periods_is_reported(tmp_path: Path) -> None:
    import comet_cn

    findings = comet_cn.run_audits(_periods(tmp_path, "footprint-2024"))
    reused = [f for f in findings if f.rule_id == "CN-AUDIT-ID-04" and f.focus_node.endswith("footprint-2024")]
    assert reused and "carbon footprint" in reused[0].message, findings


def test_each_period_with_its_own_footprint_is_no_reuse(tmp_path: Path) -> None:
    import comet_cn

    findings = comet_cn.run_audits(_periods(tmp_path, "footprint-2025"))
    assert not [f for f in findings if f.rule_id == "CN-AUDIT-ID-04"], findings
