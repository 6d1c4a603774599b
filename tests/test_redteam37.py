"""Red team 37 (credits counted twice across claims, the newest checks attacked): each test names what a user saw
before."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from comet_cn.audits import run_audits
from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook, workbook_bytes
from tests.conftest import EXAMPLES

MULTI = EXAMPLES / "multi-period"
DOUBLE = "CN-AUDIT-DOUBLE-01"
BIOCHAR = "EXR-2023-BIOC-000001-002000"  # retired for claim-2023 and, again, for claim-2024


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("spelling", ["EXR 2023 BIOC 001001-003000", "EXR-2023-BIOC: 001001/003000"])
def test_units_retired_again_under_a_pdf_spelling_of_the_serial_are_found(tmp_path: Path, spelling: str) -> None:
    # Before: the 2024 claim's copy of the 2023 batch, spaces in its prefix, was an unread serial compared whole,
    # and units 1001-2000 retired for both claims passed the audit.
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    assert later.count(BIOCHAR) == 1
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, spelling), encoding="utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    findings = [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]
    assert findings, "the units retired twice were not found"


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_next_units_of_the_batch_in_a_pdf_spelling_are_not_counted_twice(tmp_path: Path) -> None:
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, "EXR 2023 BIOC 002001-004000"), "utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    assert not [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]


# ---- workbooks: a totals row under the credits ----


def _workbook_with_row(cells: dict[str, Any]) -> bytes:
    data = workbook_bytes(json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Credits"]
    headers = [cell.value for cell in sheet[1]]
    row = sheet.max_row + 1
    for column, value in cells.items():
        sheet.cell(row=row, column=headers.index(column) + 1).value = value
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    "cells",
    [
        {"label": "Total", "tonnesCO2e": 12500},
        {"label": "Grand total:", "tonnesCO2e": 12500},
        {"id": "Total", "tonnesCO2e": 12500},
        {"serialNumber": "Sum of credits", "tonnesCO2e": 12500},
    ],
)
def test_a_totals_row_under_the_credits_is_refused_naming_its_cell(cells: dict[str, Any]) -> None:
    # Before: the row was read as one more credit of the sum's tonnes, never retired, and drew findings that did not
    # say why.
    with pytest.raises(InputError, match=r"sheet 'Credits' cell [A-Z]+6: row 6 is a total"):
        read_workbook(Path("claim.xlsx"), data=_workbook_with_row(cells))


def test_a_credit_named_like_a_company_that_starts_with_total_is_read() -> None:
    claim = read_workbook(Path("claim.xlsx"), data=_workbook_with_row({"id": "ex:credit-extra", "label": "Total"}))
    assert any(node["@id"] == "ex:credit-extra" for node in claim.document["@graph"])
    claim = read_workbook(Path("claim.xlsx"), data=_workbook_with_row({"label": "Total Energies SE credits"}))
    assert any("row6" in node["@id"] for node in claim.document["@graph"])
