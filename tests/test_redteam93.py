"""Red team 93: the workbook's Checklist sheet is read by its column headers, not by position: a column inserted
before "included" was read as the answers (a reviewer's "yes" on every row passed a missing report element), and a
blank one made every item "no"."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import comet_cn
from comet_cn.errors import InputError
from comet_cn.workbook import CHECKLIST, read_workbook, workbook_bytes
from tests.conftest import example, workbook_data

AS_OF = comet_cn.RuleParameters(as_of=__import__("datetime").date(2026, 12, 1))


def _book(name: str) -> Any:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(example(name))))


def _validated(book: Any, tmp_path: Path) -> comet_cn.ValidationReport:
    target = tmp_path / "claim.xlsx"
    target.write_bytes(workbook_data(book))
    return comet_cn.validate(target, parameters=AS_OF, shacl_engine="turbo")


@pytest.mark.parametrize("mark", ["yes", "✓"])
def test_a_column_inserted_before_included_is_not_read_as_the_answers(tmp_path: Path, mark: str) -> None:
    book = _book("violations/cn-report-02-report-missing-element.jsonld")
    sheet = book[CHECKLIST]
    sheet.insert_cols(5)
    sheet.cell(row=1, column=5, value="reviewed")
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row=row, column=5, value=mark)
    report = _validated(book, tmp_path)
    assert {r.rule_id for r in report.results} == {"CN-REPORT-02"}
    (finding,) = report.results
    assert finding.location is not None and "column included (F" in finding.location, finding.location


def test_a_blank_column_on_the_checklist_changes_nothing(tmp_path: Path) -> None:
    book = _book("conforming-claim.jsonld")
    book[CHECKLIST].insert_cols(5)
    assert _validated(book, tmp_path).conforms


def test_a_checklist_without_its_included_column_is_refused_naming_it() -> None:
    book = _book("conforming-claim.jsonld")
    book[CHECKLIST].cell(row=1, column=5, value="answer")
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    message = str(error.value)
    assert f"sheet {CHECKLIST!r} row 1" in message and "'included'" in message and "\n" not in message
