"""Red team 108b: a generic serial with dots between its prefix fields and a space, a hyphen or a colon before its
range (``EXR.2022.WIND 000101-000200``) kept the dots in its block, so it was another block than the same units
written ``EXR-2022-WIND-…`` or ``EXR.2022.WIND.…``: the same units retired twice conformed (CN-UNITS-01), and across
claims went unreported (CN-AUDIT-DOUBLE-01)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn.serials import parse_serial
from tests.conftest import ENGINES, example, rule_messages, violated_rules

AS_OF = date(2026, 12, 1)
SPELLINGS = [
    "EXR.2022.WIND 000101-000200",
    "EXR.2022.WIND-000101-000200",
    "EXR.2022.WIND: 000101-000200",
    "EXR.2022.WIND.000101-000200",
]


@pytest.mark.parametrize("serial", SPELLINGS)
def test_dots_between_the_prefix_fields_separate_them_as_everywhere_else(serial: str) -> None:
    assert parse_serial(serial) == parse_serial("EXR-2022-WIND-000101-000200")
    assert parse_serial("EXR.2022.WIND.000101.000200") == parse_serial("EXR-2022-WIND-000101-000200")


def _retired_again(serial: str) -> dict[str, Any]:
    """The conforming claim with units 101-200 of its wind block retired again, in a second event, as ``serial``."""
    document = example("conforming-claim.jsonld")
    claim = next(node for node in document["@graph"] if node["@id"] == "ex:claim-2024")
    wind = next(node for node in document["@graph"] if node["@id"] == "ex:credit-wind")
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-2025-03")
    again = {**wind, "@id": "ex:credit-wind-b", "serialNumber": serial, "tonnesCO2e": "100.0"}
    second = {
        **event,
        "@id": "ex:retirement-2025-04",
        "retirementDate": "2025-04-10",
        "retiresCredit": ["ex:credit-wind-b"],
    }
    events = claim["hasOffsettingEvent"]
    claim["hasOffsettingEvent"] = [*(events if isinstance(events, list) else [events]), "ex:retirement-2025-04"]
    document["@graph"] += [again, second]
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("serial", SPELLINGS[:1] + SPELLINGS[2:3])
def test_the_same_units_retired_again_under_a_dotted_serial_are_counted_twice(engine: str, serial: str) -> None:
    assert "CN-UNITS-01" in violated_rules(_retired_again(serial), engine, as_of=AS_OF)
    messages = rule_messages(_retired_again(serial), engine, "CN-UNITS-01", as_of=AS_OF)
    assert any("credit-wind-b" in message for message in messages), messages


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_across_claims_the_dotted_spelling_is_the_same_units(tmp_path: Path) -> None:
    import json

    import comet_cn

    beta = example("conforming-claim.jsonld")
    beta["@context"][1]["ex"] = "https://example.org/beta/"
    wind = next(node for node in beta["@graph"] if node["@id"] == "ex:credit-wind")
    wind["serialNumber"] = "EXR.2022.WIND 000001-006000"
    path = tmp_path / "beta.jsonld"
    path.write_text(json.dumps(beta), encoding="utf-8")
    acme = Path(__file__).resolve().parents[1] / "examples" / "conforming-claim.jsonld"
    assert "CN-AUDIT-DOUBLE-01" in {finding.rule_id for finding in comet_cn.run_audits([acme, path])}


# ---- Red team 109a: a range joined by "to" after dots, slashes or spaces; a full stop after it; a registry's dots ----


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("EXR.2022.WIND.000001 to 006000", "EXR-2022-WIND-000001-006000"),
        ("EXR 2022 WIND 000001 to 006000", "EXR-2022-WIND-000001-006000"),
        ("EXR/2022/WIND/000001 to 006000", "EXR-2022-WIND-000001-006000"),
        ("EXR-2022-WIND-000001-006000.", "EXR-2022-WIND-000001-006000"),
        ("EXR-2022-WIND-000001-006000;", "EXR-2022-WIND-000001-006000"),
        ("ACR.CA.47104.2022.2210.1 to 6000", "ACR-CA-47104-2022-2210-1 to 6000"),
        ("ACR-CA-47104-2022-2210-1 to 6000.", "ACR-CA-47104-2022-2210-1 to 6000"),
    ],
)
def test_the_same_serial_written_another_way_is_read_as_the_same_units(written: str, meant: str) -> None:
    assert parse_serial(meant) is not None
    assert parse_serial(written) == parse_serial(meant)


def test_a_registrys_stated_block_with_dots_for_its_dashes_is_that_block() -> None:
    from comet_cn.serials import explicit_range

    meant = explicit_range("ACR-CA-47104-2022-2210", 1, 6000)
    assert explicit_range("ACR.CA.47104.2022.2210", 1, 6000) == meant
    assert meant.block == parse_serial("ACR-CA-47104-2022-2210-1 to 6000").block  # type: ignore[union-attr]


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("serial", ["EXR.2022.WIND.000101 to 000200", "EXR-2022-WIND-000101-000200."])
def test_units_retired_again_in_such_a_spelling_are_counted_twice(engine: str, serial: str) -> None:
    assert "CN-UNITS-01" in violated_rules(_retired_again(serial), engine, as_of=AS_OF)


# ---- Red team 109b: a copied sheet with a title row above its headers, under a name the template does not use ----


@pytest.mark.parametrize(
    ("edit", "refused"),
    [
        ("title row", True),  # a title inserted above the headers of Excel's copy of the sheet
        ("numbering column and ID", True),  # a column before id, and the header typed ID
        ("a table of the user's own", False),  # ID | Comment | Owner: not the template's headers
    ],
)
def test_a_copied_sheet_with_a_title_row_is_refused_not_skipped(edit: str, refused: bool) -> None:
    # Before: "Offsetting events (2)" retiring the same credits again, with a title row, was skipped unmentioned and
    # the workbook conformed.
    from comet_cn.errors import InputError
    from comet_cn.workbook import read_workbook
    from tests.conftest import conforming_workbook, workbook_data

    book = conforming_workbook()
    copy = book.copy_worksheet(book["Offsetting events"])
    copy.title = "Offsetting events (2)"
    if edit == "title row":
        copy.insert_rows(1)
        copy["A1"] = "Retirements made by the Paris office"
    elif edit == "numbering column and ID":
        copy.insert_cols(1)
        copy["A1"] = "No."
        copy["B1"] = "ID"
    else:
        book.remove(copy)
        own = book.create_sheet("Follow-up")
        own.append(["ID", "Comment", "Owner"])
        own.append(["1", "check the 2024 invoices", "ex:someone"])
    if refused:
        with pytest.raises(InputError, match="sheet 'Offsetting events \\(2\\)' is not a sheet of the template"):
            read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    else:
        assert read_workbook(Path("claim.xlsx"), data=workbook_data(book)).document is not None
