"""Regressions in reading registry CSV exports (quote damage, stray quotes, a BOM on Windows-1252 text).

What a user of ``cn-import`` would notice: which beneficiary, quantity and serial each row gives, which line and
column a warning names, and that no row vanishes. Every fixture is written here and made up (project ids 988xx,
"Example …" companies, invented serials), in the registry's real column layout and quoting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from comet_cn.importers import ImportResult, import_records
from tests.conftest import Run

LOGISTICS = "Example Logistics AG"


def _nodes(result: ImportResult, kind: str) -> list[dict[str, Any]]:
    return [dict(n) for n in result.nodes if n.get("@type") == kind]


def _tonnes_by_serial(result: ImportResult) -> dict[str, str]:
    return {c["serialNumber"]: c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")}


def _text_of(result: ImportResult, serial_part: str) -> str:
    """The comments of the credit whose serial holds ``serial_part``, and of the event retiring it."""
    (node,) = [c for c in _nodes(result, "CarbonCredit") if serial_part in c["serialNumber"]]
    (event,) = [e for e in _nodes(result, "OffsettingEvent") if node["@id"] in e["retiresCredit"]]
    return "\n".join([*node.get("comment", []), *event.get("comment", [])])


def _event_of(result: ImportResult, serial_part: str) -> dict[str, Any]:
    (node,) = [c for c in _nodes(result, "CarbonCredit") if serial_part in c["serialNumber"]]
    (event,) = [e for e in _nodes(result, "OffsettingEvent") if node["@id"] in e["retiresCredit"]]
    return event


def _warned(result: ImportResult, pattern: str) -> bool:
    return any(re.search(pattern, w) for w in result.warnings)


def _apx(values: Sequence[str]) -> str:
    """One APX export line: every field quoted, an inner quote NOT doubled, a trailing comma."""
    return ",".join(f'"{value}"' for value in values) + ","


def _write_lines(tmp_path: Path, name: str, lines: Sequence[str], *, newline: str = "\r\n") -> Path:
    path = tmp_path / name
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


# ---- APX exports: an undoubled inner quote ----

ART_HEADER = (
    "Vintage,Credit Serial Numbers,Quantity of Credits,Status Effective,"
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase),"
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase),CCP Approved,Program ID,Program Name,Program Type,"
    "Crediting Program and Standard,Standard Version,Program Jurisdiction(s),Program  Country,Date Approved,"
    "Account Holder,Retired on Behalf of,Retirement Reason,Purpose of Retirement,"
)


def _art_row(serial: str, quantity: str, beneficiary: str, account: str = "Example Forest Finance Ltd") -> str:
    return _apx(
        [
            "2023",
            f"ART-GY-98805-2023-7-{serial}",
            quantity,
            "03/03/2026",
            "",
            "",
            "",
            "ART98805",
            "Example Jurisdictional REDD+ Programme",
            "Forest Carbon",
            "ART - The REDD+ Environmental Excellence Standard (TREES)",
            "Version 2.0",
            "Example Region",
            "GUYANA",
            "11/4/2025 2:41:09 PM",
            account,
            beneficiary,
            "Offsetting",
            "Offsetting Business Travel for 2025",
        ]
    )


def test_art_quote_before_the_comma_rejoins_the_beneficiary_and_leaves_the_account_holder(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "art.csv",
        [
            ART_HEADER,
            _art_row("1 to 2000", "2000", LOGISTICS),
            _art_row("3001 to 3500", "500", 'Example "Green" Logistics, Inc'),
            _art_row("3501 to 3600", "100", LOGISTICS),
        ],
    )
    result = import_records("art-trees", path)
    assert _tonnes_by_serial(result) == {
        "ART-GY-98805-2023-7-1 to 2000": "2000",
        "ART-GY-98805-2023-7-3001 to 3500": "500",
        "ART-GY-98805-2023-7-3501 to 3600": "100",
    }
    text = _text_of(result, "3001 to 3500")
    # The whole name, exactly as the line writes it, not the tail 'Inc"'.
    assert "beneficiary as the registry writes it: 'Example \"Green\" Logistics, Inc'" in text
    assert "Account Holder (as written): 'Example Forest Finance Ltd'" in text  # not shifted
    assert _warned(result, r"^art\.csv:3: an unescaped quote split 'Retired on Behalf of'; the pieces were re-joined")
    assert not _warned(result, "Account Holder|cannot be read safely")


CAR_HEADER = _apx(
    [
        "Vintage",
        "Offset Credit Serial Numbers",
        "Quantity of Offset Credits",
        "Status Effective",
        "Project ID",
        "Project Name",
        "Project Type",
        "Reduction/Removal",
        "Reversible/Non-Reversible",
        "Protocol and Version",
        "Project Site Location",
        "Project Site State",
        "Project Site Country",
        "Activity Area Type",
        "Additional Certification(s)",
        "Eligible for CORSIA 2021-2023 Compliance Period",
        "Eligible for CORSIA 2024-2026 Compliance Period",
        "Corresponding Adjustment",
        "CCP Approved",
        "Account Holder",
        "Retirement Reason",
        "Retirement Reason Details",
    ]
)


def _car_row(
    units: str,
    quantity: str,
    details: str,
    *,
    account: str = "Example Climate Services Inc.",
    kind: str = "Nitric Acid",
) -> str:
    return _apx(
        [
            "2025",
            f"CAR-1-US-98804-31-1100-TX-2025-10101-{units}",
            quantity,
            "01/22/2026",
            "CAR98804",
            "Example Nitric Acid Plant",
            kind,
            "Reduction",
            "",
            "Nitric Acid N2O- Tertiary Catalyst - Version 3.0",
            "Example City",
            "TEXAS",
            "US",
            "",
            "",
            "",
            "",
            "No",
            "",
            account,
            "On Behalf of Third Party",
            details,
        ]
    )


def test_car_rows_whose_column_before_the_quote_is_not_free_text_are_repaired_not_dropped(tmp_path: Path) -> None:
    period = "for Consumption Period 01/01/2025-12/31/2025"
    path = _write_lines(
        tmp_path,
        "car.csv",
        [
            CAR_HEADER,
            _car_row("1 to 1000", "1000", 'On behalf of "X, Inc." 2024'),
            _car_row("1001 to 2000", "1000", f'Retired on behalf of Example "Blue" Logistics, Inc {period}'),
            _car_row("2001 to 3000", "1000", f"on behalf of {LOGISTICS}", account='Example "Retail", LLC'),
            # The inner quote directly before a comma: the field closes cleanly, the next piece holds the quote.
            _car_row("3001 to 3500", "500", 'Retired for Example 12", Inc', account="Example Broker"),
        ],
    )
    result = import_records("car", path)
    assert sorted(_tonnes_by_serial(result).values()) == ["1000", "1000", "1000", "500"]  # no row skipped
    assert not _warned(result, "cannot be read safely")
    blue = _text_of(result, "1001 to 2000")
    # Exactly as the line writes it, inner quotes included.
    assert (
        f"Retirement Reason Details (as written): 'Retired on behalf of Example \"Blue\" Logistics, Inc {period}'"
        in (blue)
    )
    # The columns after the damage stay in place: the firm period is read from the re-joined note.
    assert _event_of(result, "1001 to 2000")["hasReportingPeriod"].endswith(":2025-01-01:2025-12-31")
    retail = _text_of(result, "2001 to 3000")
    assert "Account Holder (as written): 'Example \"Retail\", LLC'" in retail
    assert "Retirement Reason (as written): 'On Behalf of Third Party'" in retail
    assert _warned(result, r"^car\.csv:3: an unescaped quote split 'Retirement Reason Details'")
    assert _warned(result, r"^car\.csv:4: an unescaped quote split 'Account Holder'")
    assert _warned(result, r"^car\.csv:5: an unescaped quote split 'Retirement Reason Details'")
    assert "Account Holder (as written): 'Example Broker'" in _text_of(result, "3001 to 3500")


def test_car_quote_damage_in_a_column_that_is_not_free_text_is_refused_loudly(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "car.csv",
        [
            CAR_HEADER,
            _car_row("1 to 1000", "1000", f"on behalf of {LOGISTICS}"),
            _car_row("1001 to 2000", "1000", f"on behalf of {LOGISTICS}", kind='Nitric "Acid", N2O'),
        ],
    )
    result = import_records("car", path)
    assert list(_tonnes_by_serial(result)) == ["CAR-1-US-98804-31-1100-TX-2025-10101-1 to 1000"]
    assert _warned(
        result,
        r"^car\.csv:3: 24 fields where the header has 23; an unescaped quote split 'Project Type', which is not a"
        r" free-text column: the row cannot be read safely and is skipped",
    )


ACR_HEADER = (
    "fiid,Credit Serial Numbers,Date Issued (GMT),Vintage,Vintage Assignment Period Start Date,"
    "Vintage Assignment Period End Date,Quantity of Credits,Account Holder,Status Effective (GMT),Retired on Behalf of,"
    "Retirement Reason,Purpose of Retirement,Project ID,Project Name,Project Type,Project Methodology/Protocol,"
    "Methodology/Protocol Version,Project Site Location,Project Site State,Project Site Country,ARB Eligible,"
    "Ecology Eligible,CORSIA Eligible,Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase),"
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase),CCP Approved,Verified Removal,"
    "Sustainable Development Goal(s),Project Website,Documents,Numberoffiles,"
)


def _acr_row(units: str, quantity: str, beneficiary: str, retired: str) -> str:
    return _apx(
        [
            "98803",
            f"ACR-US-98803-2024-3101-{units}",
            "5/14/2025 3:02:11 PM",
            "2024",
            "1/1/2024",
            "12/31/2024",
            quantity,
            "Example Carbon Retail LLC",
            retired,
            beneficiary,
            "On Behalf of Third Party",
            "x",
            "ACR98803",
            "Example Landfill Gas Project",
            "Landfill Gas",
            "LFG",
            "Version 2.0",
            "Example County",
            "OHIO",
            "US",
            "No",
            "No",
            "No",
            "",
            "",
            "",
            "",
            "13: Climate Action",
            "",
            "View",
            "4",
        ]
    )


def test_acr_beneficiary_after_a_date_column_is_repaired_and_the_date_kept(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "acr.csv",
        [
            ACR_HEADER,
            _acr_row("20001 to 21500", "1500", LOGISTICS, "2/3/2026 10:15:42 AM"),
            _acr_row("30101 to 30200", "100", 'Example "Green" Logistics, Inc', "2/4/2026 9:00:00 AM"),
        ],
    )
    result = import_records("acr", path)
    assert _tonnes_by_serial(result) == {
        "ACR-US-98803-2024-3101-20001 to 21500": "1500",
        "ACR-US-98803-2024-3101-30101 to 30200": "100",
    }
    assert _event_of(result, "30101 to 30200")["retirementDate"] == "2026-02-04"
    assert "beneficiary as the registry writes it: 'Example \"Green\" Logistics, Inc'" in _text_of(result, "30101")
    assert _warned(result, r"^acr\.csv:3: an unescaped quote split 'Retired on Behalf of'; the pieces were re-joined")
    assert not _warned(result, "cannot be read safely")


# ---- a quote that opens a field and never closes ----

VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)


def _verra_row(block: int, first: int, quantity: int, name: str = "Example Stove Project") -> str:
    last = first + quantity - 1
    serial = f"{block}-{first}-{last}-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1"
    return (
        f"2025-11-20,,2024-01-01,2024-12-31,98801,{name},Rwanda,Energy demand,VMR0006,412880,{quantity},{serial},,"
        f"2026-02-17,{LOGISTICS},Environmental Benefit,x"
    )


def _verra_quantities(result: ImportResult) -> dict[str, str]:
    return {c["serialNumber"].split("-VCS")[0]: c["tonnesCO2e"] for c in _nodes(result, "CarbonCredit")}


def test_verra_unbalanced_quote_no_longer_swallows_the_next_rows(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "v.csv",
        [
            VERRA_HEADER,
            _verra_row(20011, 950000001, 12500, name='"Example ""Quoted"" Name"'),
            _verra_row(20012, 950012501, 5000, name='"Example 12"" Stove'),  # opens a quote, never closes it
            _verra_row(20013, 950017501, 1000, name="Example A"),
            _verra_row(20014, 950018501, 1000, name="Example B"),
        ],
        newline="\n",
    )
    result = import_records("verra", path)
    assert _verra_quantities(result) == {
        "20011-950000001-950012500": "12500",
        "20012-950012501-950017500": "5000",
        "20013-950017501-950018500": "1000",
        "20014-950018501-950019500": "1000",
    }
    assert _warned(result, r"^v\.csv:3: an unbalanced quote in 'Name' ran on into lines 4-5 \(re-read as rows of")
    assert not _warned(result, "missing ones are blank")
    sources = sorted(c["dcterms:source"] for c in _nodes(result, "CarbonCredit"))
    assert sources == ["v.csv:2", "v.csv:3", "v.csv:4", "v.csv:5"]


def test_verra_swallow_closed_by_a_later_quote_with_the_right_field_count_is_still_caught(tmp_path: Path) -> None:
    # The stray quote on line 3 closes at the quoted Name of line 5, which happens to give 17 fields: one record
    # with lines 4-5 inside its Name unless the lines are checked.
    path = _write_lines(
        tmp_path,
        "v.csv",
        [
            VERRA_HEADER,
            _verra_row(20011, 950000001, 12500),
            _verra_row(20012, 950012501, 5000, name='"Example 12"" Stove'),
            _verra_row(20013, 950017501, 1000),
            _verra_row(20014, 950018501, 1000, name='"Example ""B"" Project"'),
        ],
        newline="\n",
    )
    result = import_records("verra", path)
    assert sorted(_verra_quantities(result).values()) == ["1000", "1000", "12500", "5000"]
    assert _warned(result, r"^v\.csv:3: an unbalanced quote in 'Name' ran on into lines 4-5")


def test_verra_unbalanced_quote_on_an_unreadable_row_skips_only_that_row_loudly(tmp_path: Path) -> None:
    short = _verra_row(20012, 950012501, 5000, name='"Example 12"" Stove').rsplit(",", 3)[0]  # three fields short
    path = _write_lines(
        tmp_path,
        "v.csv",
        [VERRA_HEADER, short, _verra_row(20013, 950017501, 1000), _verra_row(20014, 950018501, 1000)],
        newline="\n",
    )
    result = import_records("verra", path)
    assert _verra_quantities(result) == {"20013-950017501-950018500": "1000", "20014-950018501-950019500": "1000"}
    assert _warned(
        result,
        r"^v\.csv:2: an unbalanced quote in 'Name' ran on into lines 3-4 \(re-read as rows of their own\); this row"
        r" cannot be read safely and is skipped",
    )


def test_verra_unbalanced_quote_on_the_last_line_is_named(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "v.csv",
        [VERRA_HEADER, _verra_row(20011, 950000001, 12500), _verra_row(20012, 950012501, 5000, name='"Example 12')],
        newline="\n",
    )
    result = import_records("verra", path)
    assert sorted(_verra_quantities(result).values()) == ["12500", "5000"]
    assert _warned(result, r"^v\.csv:3: an unbalanced quote in 'Name' is never closed")


def test_verra_stray_quote_past_the_field_size_limit_loses_no_row(tmp_path: Path) -> None:
    # Before: "unreadable CSV" for the whole file once the swallowed text passed the CSV reader's field size limit.
    count = 1600  # about 230,000 characters after the stray quote
    rows = [_verra_row(30000 + n, 100000001 + n * 100, 100) for n in range(count)]
    path = _write_lines(
        tmp_path,
        "v.csv",
        [VERRA_HEADER, _verra_row(20012, 950012501, 5000, name='"Example 12"" Stove'), *rows],
        newline="\n",
    )
    result = import_records("verra", path)
    assert len(_nodes(result, "CarbonCredit")) == count + 1
    assert _warned(result, r"^v\.csv:2: an unbalanced quote in 'Name' runs on past the CSV field size limit")


def test_verra_unbalanced_quote_on_the_command_line(cn_import: Callable[..., Run], tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path,
        "v.csv",
        [
            VERRA_HEADER,
            _verra_row(20012, 950012501, 5000, name='"Example 12"" Stove'),
            _verra_row(20013, 950017501, 1000),
            _verra_row(20014, 950018501, 1000),
        ],
        newline="\n",
    )
    run = cn_import("verra", path, "-o", tmp_path / "out.jsonld")
    assert run.code == 0, run.err
    assert "cn-import: warning: v.csv:2: an unbalanced quote in 'Name' ran on into lines 3-4" in run.err
    assert "cn-import: v.csv: 3 record(s) imported" in run.err
