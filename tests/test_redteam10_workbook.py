"""Red team 10, the claim workbook: a deleted help row loses no data row, a serial Excel stored as a lossy number is
refused, and a renamed sheet is refused instead of being skipped or read without its default type.

Each workbook is the conforming claim written by :func:`workbook_bytes`, edited with openpyxl as a person would,
next to a twin that differs only in the help row, the cell or the sheet name at issue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import comet_cn
from comet_cn.errors import InputError
from comet_cn.workbook import CHECKLIST, PREFIXES, read_workbook
from tests.conftest import EXAMPLES, Run, conforming_workbook, workbook_data

CONFORMING = EXAMPLES / "conforming-claim.jsonld"
EX = "https://example.org/acme/"
EMISSIONS = "Emissions and removals"
CREDITS = "Credits"


_book = conforming_workbook
_bytes = workbook_data


def _column(book: Any, sheet: str, header: str) -> int:
    return [cell.value for cell in book[sheet][1]].index(header) + 1


def _row_of(book: Any, sheet: str, node: str) -> int:
    return next(r[0].row for r in book[sheet].iter_rows(min_row=2) if r[0].value == node)


def _twins(sheet: str, edit: Callable[[Any], None] = lambda _: None) -> tuple[bytes, bytes]:
    """The conforming workbook after ``edit``: as written (help row on row 2), and with the sheet's help row deleted."""
    book = _book()
    edit(book)
    kept = _bytes(book)
    book[sheet].delete_rows(2)
    return kept, _bytes(book)


def _refusal(data: bytes) -> str:
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=data)
    message = str(error.value)
    assert message.startswith("claim.xlsx: ") and "\n" not in message
    return message


# ---- 1. the help row is known by what it says, not by its place ------------------------------------------------


@pytest.mark.parametrize("sheet", [EMISSIONS, CREDITS, "Offsetting events", "Period", CHECKLIST, PREFIXES])
def test_a_deleted_help_row_loses_no_row(sheet: str) -> None:
    kept, deleted = _twins(sheet)
    with_help = read_workbook(Path("claim.xlsx"), data=kept)
    without = read_workbook(Path("claim.xlsx"), data=deleted)
    assert without.document == with_help.document
    assert comet_cn.validate(without.document, reasoning="none").conforms
    for key, cell in with_help.cells.items():  # the same cells, one row higher on the edited sheet
        assert without.cells[key].row == (cell.row - 1 if cell.sheet == sheet else cell.row), key


@pytest.mark.rule("CN-BAL-01")
def test_the_first_emission_is_read_and_its_finding_names_row_2_once_the_help_row_is_gone(tmp_path: Path) -> None:
    """The red team's case: the 8200 t emission on the first data row was silently dropped."""

    def unquantified(book: Any) -> None:
        row = _row_of(book, EMISSIONS, "ex:emission-scope1")
        book[EMISSIONS].cell(row=row, column=_column(book, EMISSIONS, "tonnesCO2e"), value="8200 t")

    kept, deleted = _twins(EMISSIONS, unquantified)
    for data, row in ((kept, 3), (deleted, 2)):
        target = tmp_path / f"claim-{row}.xlsx"
        target.write_bytes(data)
        node = next(n for n in read_workbook(target).document["@graph"] if n["@id"] == "ex:emission-scope1")
        assert node["tonnesCO2e"] == "8200 t"
        report = comet_cn.validate(target, reasoning="none")
        assert not report.conforms
        findings = [r for r in report.results if r.rule_id == "CN-BAL-01" and r.focus_node == EX + "emission-scope1"]
        assert findings
        assert {f.location for f in findings} == {f"sheet {EMISSIONS!r}, row {row}, column tonnesCO2e (D{row})"}


@pytest.mark.rule("CN-VINT-01")
def test_the_first_credit_is_read_and_its_finding_names_row_2_once_the_help_row_is_gone(tmp_path: Path) -> None:
    def old(book: Any) -> None:
        row = _row_of(book, CREDITS, "ex:credit-wind")
        book[CREDITS].cell(row=row, column=_column(book, CREDITS, "vintageEndYear"), value="2012")

    kept, deleted = _twins(CREDITS, old)
    for data, row in ((kept, 3), (deleted, 2)):
        target = tmp_path / f"claim-{row}.xlsx"
        target.write_bytes(data)
        report = comet_cn.validate(target, reasoning="none")
        findings = [r for r in report.results if r.rule_id == "CN-VINT-01"]
        assert not report.conforms and findings
        assert {f.location for f in findings} == {f"sheet {CREDITS!r}, row {row}, column vintageEndYear (E{row})"}


def test_a_help_row_sorted_among_the_data_is_still_skipped() -> None:
    book = _book()
    data = _bytes(book)
    sheet = book[CREDITS]
    help_row = [cell.value for cell in sheet[2]]
    sheet.delete_rows(2)
    sheet.append(help_row)  # Excel's sort takes row 2 along with the data
    moved = read_workbook(Path("claim.xlsx"), data=_bytes(book))
    assert moved.document == read_workbook(Path("claim.xlsx"), data=data).document


def test_an_older_or_reworded_help_row_is_still_known() -> None:
    """A workbook made before a rule or a label changed has other help text; so does a renamed header's column."""
    book = _book()
    sheet = book[CREDITS]
    sheet.cell(row=2, column=_column(book, CREDITS, "tonnesCO2e"), value="Quantity. optional: a decimal.")
    sheet.cell(row=2, column=_column(book, CREDITS, "serialNumber"), value="Serial. RECOMMENDED (CN-OLD-9): text.")
    sheet.cell(row=2, column=2, value="Its type: CarbonCredit (an older list of types).")
    sheet.cell(row=2, column=4, value=None)  # a help cell cleared
    nodes = {n["@id"] for n in read_workbook(Path("claim.xlsx"), data=_bytes(book)).document["@graph"]}
    assert "ex:credit-wind" in nodes and not any(str(n).startswith("_:") for n in nodes)


def test_values_typed_over_the_help_row_are_refused_naming_both_cells() -> None:
    book = _book()
    sheet = book[EMISSIONS]
    twin = _bytes(book)
    sheet["A2"] = "ex:emission-extra"  # typed over the help row; the help text of the other columns stays
    sheet["D2"] = "900.0"
    message = _refusal(_bytes(book))
    assert f"sheet {EMISSIONS!r} row 2 holds both the help text" in message
    assert "(cell B2)" in message and "(cell A2)" in message
    read_workbook(Path("claim.xlsx"), data=twin)  # the twin, help row untouched, reads


def test_a_checklist_row_on_row_2_is_read_and_can_contradict_a_later_one() -> None:
    """Without its help row the Checklist's first answer is on row 2: it is read (a "no" there against a later "yes"
    is refused), not skipped."""
    book = _book()
    sheet = book[CHECKLIST]
    sheet.delete_rows(2)
    first = [cell.value for cell in sheet[2]]
    sheet.append([first[0], first[1], first[2], None, "no"])
    message = _refusal(_bytes(book))
    assert f"sheet {CHECKLIST!r} rows 2 and " in message and "yes and no" in message


# ---- 2. a serial Excel stored as a number ----------------------------------------------------------------------


def _serial(value: Any, column: str = "serialNumber") -> tuple[bytes, int, str]:
    book = _book()
    row = _row_of(book, CREDITS, "ex:credit-biochar")
    index = _column(book, CREDITS, column)
    book[CREDITS].cell(row=row, column=index, value=value)
    return _bytes(book), row, openpyxl.utils.get_column_letter(index)


@pytest.mark.parametrize(
    ("value", "problem"),
    [(1.234567890123457e19, "has lost digits"), (2**53, "has lost digits"), (12345.5, "not a whole number")],
)
def test_a_serial_stored_as_a_number_that_lost_digits_is_refused_naming_its_cell(value: float, problem: str) -> None:
    """A number cell is a float to a spreadsheet: past 2**53 (Excel: 15 digits) its digits are not the serial's."""
    data, row, letter = _serial(value)
    message = _refusal(data)
    assert f"sheet {CREDITS!r} cell {letter}{row}: serialNumber is stored as the number" in message
    assert problem in message
    twin, _, _ = _serial("12345678901234567890")  # the same serial typed as text
    nodes = {n["@id"]: n for n in read_workbook(Path("claim.xlsx"), data=twin).document["@graph"]}
    assert nodes["ex:credit-biochar"]["serialNumber"] == "12345678901234567890"


def test_a_whole_number_a_float_holds_exactly_is_read_as_that_number() -> None:
    for column, value, text in (
        ("serialNumber", 1234567890123456.0, "1234567890123456"),
        ("firstUnit", 8.8e8, "880000000"),
    ):
        data, _, _ = _serial(value, column)
        nodes = {n["@id"]: n for n in read_workbook(Path("claim.xlsx"), data=data).document["@graph"]}
        assert nodes["ex:credit-biochar"][column] == text


def test_a_lossy_serial_is_exit_2_on_the_command_line(tmp_path: Path, cli: Callable[..., Run]) -> None:
    data, row, letter = _serial(1.234567890123457e19)
    target = tmp_path / "claim.xlsx"
    target.write_bytes(data)
    run = cli("--reasoning", "none", target)
    assert run.code == 2
    assert f"sheet {CREDITS!r} cell {letter}{row}: serialNumber" in run.err


# ---- 3. a renamed sheet --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "renamed", "meant"),
    [
        (CREDITS, "Credit", CREDITS),
        (CREDITS, "credits", CREDITS),
        (CREDITS, "Credits (2)", CREDITS),
        (PREFIXES, "Prefix", PREFIXES),
        (CHECKLIST, "Check list", CHECKLIST),
    ],
)
def test_a_sheet_laid_out_like_the_templates_under_another_name_is_refused(
    sheet: str, renamed: str, meant: str
) -> None:
    book = _book()
    book[sheet].title = "renamed"  # openpyxl would make "credits" "credits1", the old title being "Credits"
    book["renamed"].title = renamed
    message = _refusal(_bytes(book))
    assert f"sheet {renamed!r} is not a sheet of the template (did you mean {meant!r}?)" in message


def test_a_renamed_sheet_with_blank_types_is_refused_and_its_twin_conforms() -> None:
    """The red team's case: "Credit" with the type column blank was read as untyped nodes."""
    book = _book()
    for row in range(3, book[CREDITS].max_row + 1):
        book[CREDITS].cell(row=row, column=2, value=None)
    twin = read_workbook(Path("claim.xlsx"), data=_bytes(book))
    assert comet_cn.validate(twin.document, reasoning="none").conforms  # blank types: the sheet's first type
    book[CREDITS].title = "Credit"
    assert "sheet 'Credit' is not a sheet of the template" in _refusal(_bytes(book))


def test_a_sheet_of_the_users_own_is_still_skipped() -> None:
    book = _book()
    data = _bytes(book)
    notes = book.create_sheet("My notes")
    notes.append(["what", "who"])
    notes.append(["check the 2024 invoices", "ex:someone"])
    assert read_workbook(Path("claim.xlsx"), data=_bytes(book)).document == (
        read_workbook(Path("claim.xlsx"), data=data).document
    )


def test_the_workbook_page_quotes_these_refusals_as_they_are() -> None:
    page = " ".join((EXAMPLES.parent / "docs" / "workbook.md").read_text(encoding="utf-8").split())
    book = _book()
    book[EMISSIONS]["A2"] = "ex:emission-extra"
    mixed = _bytes(book)
    book = _book()
    book[CREDITS].title = "Credit"
    renamed = _bytes(book)
    lossy, _, _ = _serial(1.234567890123457e19)
    for data in (mixed, renamed, lossy):
        assert f"`{_refusal(data)}`" in page
