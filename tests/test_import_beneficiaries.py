"""Who a registry row was retired for: the Article 6 share, notes against beneficiary fields, names with legal forms.

Every fixture is written here into ``tmp_path`` and made up (project ids 988xx, "Example …" companies, invented
serials), in the registry's column layout and quoting.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import ImportResult, import_records, merge
from comet_cn.importers.attribution import on_behalf_of
from tests.conftest import EXAMPLES, Run
from tests.registry_headers import CAR_HEADER, VERRA_HEADER

CLAIM = EXAMPLES / "conforming-claim.jsonld"
CLAIM_EVENT = "ex:retirement-2025-03"
ACME = "Acme Ceramics GmbH"


def verra_row(first: int, quantity: int, beneficiary: str, details: str, retired: str = "2026-02-17") -> list[str]:
    last = first + quantity - 1
    serial = f"20011-{first}-{last}-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1"
    return [
        "2025-11-20", "", "2024-01-01", "2024-12-31", "98801", "Example Cookstoves Rwanda", "Rwanda",
        "Energy demand", "VMR0006", "412,880", f"{quantity:,}", serial, "Article 6 Authorized - NDC Use", retired,
        beneficiary, "Other", details,
    ]  # fmt: skip


def write_verra(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(VERRA_HEADER.split(","))
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def car_row(first: int, last: int, holder: str, reason: str, details: str) -> list[str]:
    serial = f"CAR-1-US-98804-31-1100-TX-2025-10101-{first} to {last}"
    return [
        "2025", serial, str(last - first + 1), "01/22/2026", "98804", "Example Nitric Acid Plant", "Nitric Acid",
        "Reduction", "", "Nitric Acid - Version 3.0", "Example City, Texas", "TEXAS", "US", "", "", "", "", "No", "",
        holder, reason, details,
    ]  # fmt: skip


def write_car(path: Path, rows: list[list[str]]) -> Path:
    """The APX layout: every field quoted, every line ending with a comma."""
    lines = [",".join(f'"{value}"' for value in row) + "," for row in [CAR_HEADER.split(","), *rows]]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _of_type(result: ImportResult | dict[str, Any], kind: str) -> list[dict[str, Any]]:
    nodes = result.nodes if isinstance(result, ImportResult) else result["@graph"]
    return [dict(n) for n in nodes if n.get("@type") == kind]


def serials(result: ImportResult) -> list[str]:
    return sorted(str(c["serialNumber"]) for c in _of_type(result, "CarbonCredit"))


def event_of(result: ImportResult, where: str) -> dict[str, Any]:
    (event,) = [e for e in _of_type(result, "OffsettingEvent") if where in str(e["dcterms:source"])]
    return event


def warnings_about(result: ImportResult, where: str) -> list[str]:
    return [w for w in result.warnings if w.startswith(f"{where}:")]


# ---- Verra: the mandatory Article 6 share ----

SHARE_DETAILS = "2% retirement as required under Project 98801 LoA for Article 6"
NO_OWNER = "No owner - contributing towards global emissions reductions"


def test_verra_article6_share_is_excluded_by_its_details_when_the_beneficiary_is_blank(tmp_path: Path) -> None:
    path = write_verra(
        tmp_path / "share.csv",
        [
            verra_row(950000001, 5000, "Example Logistics AG", "Retired on behalf of Example Logistics AG"),
            verra_row(950005001, 2000, "", SHARE_DETAILS, retired="2026-02-18"),
            verra_row(950007001, 2000, NO_OWNER, SHARE_DETAILS, retired="2026-02-18"),
        ],
    )
    result = import_records("verra", path)
    assert serials(result) == ["20011-950000001-950005000-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1"]
    assert [c["tonnesCO2e"] for c in _of_type(result, "CarbonCredit")] == ["5000"]
    assert result.excluded == (
        f"share.csv:3: not imported: the mandatory Article 6 share retirement (Retirement Details {SHARE_DETAILS!r}): "
        "not a claim",
        "share.csv:4: not imported: the mandatory Article 6 share retirement (no owner): not a claim",
    )


def test_verra_unusable_consumption_period_is_warned_on_its_line(tmp_path: Path) -> None:
    path = write_verra(
        tmp_path / "period.csv",
        [verra_row(950000001, 5000, "Example Logistics AG", "for Consumption Period 12/31/2025-01/01/2025")],
    )
    result = import_records("verra", path)
    assert "hasReportingPeriod" not in event_of(result, "period.csv:2")
    assert any("starts after it ends" in w for w in warnings_about(result, "period.csv:2"))


# ---- a note naming someone other than the beneficiary field ----


@pytest.fixture
def conflicting(tmp_path: Path) -> Path:
    return write_verra(
        tmp_path / "conflict.csv",
        [
            verra_row(940000001, 5000, "Example Foods", f"Retired on behalf of {ACME}"),
            verra_row(940005001, 1000, "", f"Retired on behalf of {ACME}, CY2025"),
        ],
    )


def test_a_note_does_not_select_a_row_whose_beneficiary_field_names_someone_else(conflicting: Path) -> None:
    acme = import_records("verra", conflicting, beneficiary=ACME)
    # Only the row with no beneficiary field is selected by the note's name.
    assert serials(acme) == ["20011-940005001-940006000-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1"]
    (warning,) = warnings_about(acme, "conflict.csv:2")
    assert "'Example Foods'" in warning and f"{ACME!r}" in warning and "not selected by the note's name" in warning
    assert not any("beneficiary field" in w for w in warnings_about(acme, "conflict.csv:3"))

    merged = merge(CLAIM, [acme], event=CLAIM_EVENT)
    (event,) = [e for e in _of_type(merged, "OffsettingEvent") if "conflict.csv" in str(e.get("dcterms:source"))]
    assert event["dcterms:source"] == "conflict.csv:3" and event["retiredOnBehalfOf"] == "ex:acme"


def test_a_row_selected_by_its_beneficiary_field_warns_when_the_note_names_another(conflicting: Path) -> None:
    foods = import_records("verra", conflicting, beneficiary="Example Foods")
    assert serials(foods) == ["20011-940000001-940005000-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1"]
    (warning,) = warnings_about(foods, "conflict.csv:2")
    assert re.search(r"beneficiary field says 'Example Foods' but the note names 'Acme Ceramics GmbH'", warning)
    everything = import_records("verra", conflicting)
    assert len(warnings_about(everything, "conflict.csv:2")) == 1  # warned without a selection too


def test_cli_into_a_claim_refuses_a_row_the_note_alone_would_select(
    cn_import: Callable[..., Run], tmp_path: Path
) -> None:
    only = write_verra(
        tmp_path / "only.csv", [verra_row(940000001, 5000, "Example Foods", f"Retired on behalf of {ACME}")]
    )
    merged = tmp_path / "merged.jsonld"
    run = cn_import("verra", only, "--beneficiary", ACME, "--into", CLAIM, "--replace", CLAIM_EVENT, "-o", merged)
    assert run.code == 2 and not merged.exists()
    assert "cn-import: warning: only.csv:2: the beneficiary field says 'Example Foods'" in run.err
    assert "no record matches the selection" in run.err.strip().splitlines()[-1]


# ---- CAR: names with legal forms, exact selection ----


@pytest.fixture
def holdings(tmp_path: Path) -> Path:
    third = "On Behalf of Third Party"
    period = "for Consumption Period 01/01/2025-12/31/2025"
    return write_car(
        tmp_path / "holdings.csv",
        [
            car_row(1, 1000, "Example Climate Services Inc.", third, f"on behalf of Example Holdings, Inc. {period}"),
            car_row(1001, 2000, "Example Climate Services Inc.", third, f"on behalf of Example Holdings, LLC {period}"),
            car_row(2001, 3000, "Example Climate Services Inc.", third, f"on behalf of Example Co. Ltd {period}"),
        ],
    )


@pytest.mark.parametrize(
    ("wanted", "line"),
    [
        ("Example Holdings, Inc.", 2),
        ("example holdings,  inc", 2),
        ("Example Holdings, LLC", 3),
        ("Example Co. Ltd", 4),
    ],
)
def test_car_selection_by_a_name_with_its_legal_form(holdings: Path, wanted: str, line: int) -> None:
    result = import_records("car", holdings, beneficiary=wanted)
    (event,) = _of_type(result, "OffsettingEvent")
    assert event["dcterms:source"] == f"holdings.csv:{line}"
    assert event["hasReportingPeriod"] == "urn:comet-cn:import:period:2025-01-01:2025-12-31"


def test_car_name_without_its_legal_form_selects_nothing(holdings: Path) -> None:
    for partial in ("Example Holdings", "Example Co", "Example"):
        assert import_records("car", holdings, beneficiary=partial).nodes == ()


def test_car_event_suggests_the_whole_name(holdings: Path) -> None:
    result = import_records("car", holdings)
    for line, name in ((2, "Example Holdings, Inc."), (3, "Example Holdings, LLC"), (4, "Example Co. Ltd")):
        comments = event_of(result, f"holdings.csv:{line}")["comment"]
        assert f"beneficiary suggested by the registry's note: {name!r}" in comments


@pytest.mark.parametrize(
    ("note", "name"),
    [
        ("Retired on behalf of Acme Ceramics GmbH, CY2024 Scope 1 and 2", "Acme Ceramics GmbH"),
        ("on behalf of Example S.A. for FY2025", "Example S.A."),
        ("on behalf of Example GmbH & Co. KG, 2025", "Example GmbH & Co. KG"),
        ("Retired on behalf of Example Logistics AG. Scope 1 and 2", "Example Logistics AG"),
        ('Retired on behalf of Example Logistics, Inc." 2025"', "Example Logistics, Inc."),
        ("on behalf of the Example Foundation (UK)", "Example Foundation"),
    ],
)
def test_on_behalf_of_keeps_legal_forms_and_stops_at_the_rest_of_the_note(note: str, name: str) -> None:
    assert on_behalf_of(note) == name


# ---- CAR: unusable Consumption Periods, and the account holder retiring for itself ----


def test_car_unusable_consumption_period_is_warned_naming_the_line(tmp_path: Path) -> None:
    third = "On Behalf of Third Party"
    path = write_car(
        tmp_path / "periods.csv",
        [
            car_row(1, 100, "Example Climate Services Inc.", third, "for Consumption Period 01/01/2025-12/31/2025"),
            car_row(101, 200, "Example Climate Services Inc.", third, "for Consumption Period 13/01/2025-12/31/2025"),
            car_row(201, 300, "Example Climate Services Inc.", third, "for Consumption Period 12/31/2025-01/01/2025"),
        ],
    )
    result = import_records("car", path)
    assert event_of(result, "periods.csv:2")["hasReportingPeriod"].endswith("2025-01-01:2025-12-31")
    assert warnings_about(result, "periods.csv:2") == []
    # Each also gets the dates as a suggestion, as written (red team 26b).
    month13 = " ".join(warnings_about(result, "periods.csv:3"))
    assert "'Consumption Period 13/01/2025-12/31/2025' is not two MM/DD/YYYY dates" in month13
    backwards = " ".join(warnings_about(result, "periods.csv:4"))
    assert "'Consumption Period 12/31/2025-01/01/2025' starts after it ends" in backwards
    for line in (3, 4):
        assert "hasReportingPeriod" not in event_of(result, f"periods.csv:{line}")


@pytest.mark.parametrize(
    ("details", "suggested"),
    [
        ("for Consumption Period 1/1/2023-12/31/2023", "the dates 1/1/2023 to 12/31/2023 as written"),
        ("for Consumption Period 01/01/2023 to 12/31/2023", "the dates 01/01/2023 to 12/31/2023 as written"),
        ("Consumption Period: 01/01/2023-12/31/2023", "the dates 01/01/2023 to 12/31/2023 as written"),
        ("for Consumption Period 2023-01-01 - 2023-12-31", "the dates 2023-01-01 to 2023-12-31"),
    ],
)
def test_a_consumption_period_in_another_form_is_warned_and_suggested(
    tmp_path: Path, details: str, suggested: str
) -> None:
    # Red team 26b: no warning and no suggestion; merged into the 2024 claim, the 2023 credits took its period.
    third = "On Behalf of Third Party"
    path = write_car(tmp_path / "periods.csv", [car_row(1, 100, "Example Climate Services Inc.", third, details)])
    result = import_records("car", path)
    said = " ".join(warnings_about(result, "periods.csv:2"))
    assert "names a Consumption Period not in the form MM/DD/YYYY-MM/DD/YYYY: no period is read from it" in said
    assert f"the registry's note suggests a period ({suggested}, from" in said
    assert "hasReportingPeriod" not in event_of(result, "periods.csv:2")
    warnings: list[str] = []
    merged = merge(CLAIM, [result], for_claimant=True, warnings=warnings)
    assert any(f"the registry's note suggests {suggested}" in w and "ex:period-2024" in w for w in warnings)
    assert merged


@pytest.mark.parametrize(
    ("details", "warned"),
    [
        ("for Consumption Period 1/1/2024-12/31/2024", False),
        ("for Consumption Period 2024-01-01 to 2024-12-31", False),
        ("for CY2024", False),
        # Red team 26e: a quarter of the claim's year was "within" it by year, and the event silently took the
        # claim's whole year.
        ("for Consumption Period 2024-01-01 to 2024-03-31", True),
        ("for Consumption Period 1/1/2024-3/31/2024", True),
        ("for FY2024", True),
    ],
)
def test_the_merge_warns_unless_a_suggested_period_is_the_claims_own(
    tmp_path: Path, details: str, warned: bool
) -> None:
    third = "On Behalf of Third Party"
    path = write_car(tmp_path / "periods.csv", [car_row(1, 100, "Example Climate Services Inc.", third, details)])
    warnings: list[str] = []
    merge(CLAIM, [import_records("car", path)], for_claimant=True, warnings=warnings)
    assert bool([w for w in warnings if "suggests" in w]) is warned


def test_car_environmental_benefit_suggests_the_account_holder(tmp_path: Path) -> None:
    benefit = "Environmental Benefit"
    path = write_car(
        tmp_path / "benefit.csv",
        [
            car_row(1, 100, "Example Logistics AG", benefit, ""),
            car_row(101, 200, "Example Climate Services Inc.", benefit, "Retired on behalf of Example Foods SA"),
            car_row(201, 300, "Example Climate Services Inc.", "On Behalf of Third Party", ""),
        ],
    )
    result = import_records("car", path)
    # Rows 2 and 4 name no one and were retired the same day: one event, whose suggestion names its row.
    suggested = [c for c in event_of(result, "benefit.csv:2")["comment"] if "Account Holder" in c]
    assert len(suggested) == 1
    assert "Account Holder of benefit.csv:2: 'Example Logistics AG' may have retired these credits" in suggested[0]
    # The details name someone else: no suggestion of the holder.
    assert not any("Account Holder" in c for c in event_of(result, "benefit.csv:3")["comment"])
    # A suggestion only: the account holder is not a beneficiary to select by.
    assert import_records("car", path, beneficiary="Example Logistics AG").nodes == ()
