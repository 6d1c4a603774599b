"""Red-team round 20: workbooks and output paths.

A header holding white space and a formula with no stored result lost their values without a word (the claim
then conformed), and an output path under a file ended in an internal error.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from comet_cn.convert_cli import convert_command, init_command
from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook
from tests.conftest import EXAMPLES, Run, conforming_workbook, in_process, workbook_data

CONFORMING = EXAMPLES / "conforming-claim.jsonld"
FOOTPRINT = "Footprint"
METHOD = "electricityAccountingMethod"


_book = conforming_workbook
_bytes = workbook_data


def _footprint_cell(book: Any, header: str) -> Any:
    """The footprint row's cell under ``header`` (the header is added when the sheet has no such column)."""
    sheet = book[FOOTPRINT]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index(header) + 1 if header in headers else len(headers) + 1
    sheet.cell(row=1, column=column, value=header)
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "ex:footprint-2024")
    return sheet.cell(row=row, column=column)


def _market_based(header: str = METHOD, value: str = "MarketBasedMethod") -> bytes:
    """The conforming claim with a market-based footprint that gives neither total (CN-ELEC-01)."""
    book = _book()
    _footprint_cell(book, header).value = value
    return _bytes(book)


def _validate(tmp_path: Path, data: bytes, cli: Callable[..., Run]) -> Run:
    path = tmp_path / "claim.xlsx"
    path.write_bytes(data)
    return cli(path, "-f", "json", "--as-of", "2026-12-01")


def _rules(run: Run) -> set[str]:
    return {finding["rule"] for finding in run.json()["results"] if finding["severity"] == "Violation"}


def test_the_market_based_footprint_is_caught_when_its_header_is_the_term(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    assert _rules(_validate(tmp_path, _market_based(), cli)) == {"CN-ELEC-01"}


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("header", ["electricity Accounting Method", "Electricity method", f"{METHOD}\n(market)"])
def test_a_header_holding_white_space_is_reported_with_its_cell(
    tmp_path: Path, cli: Callable[..., Run], header: str
) -> None:
    run = _validate(tmp_path, _market_based(header), cli)
    assert run.code == 1
    [finding] = [f for f in run.json()["results"] if f["rule"] == "CN-INPUT-02"]
    assert "white space" in finding["message"]
    assert finding["location"].startswith(f"sheet '{FOOTPRINT}', row ")


def _rewritten(data: bytes, edit: Callable[[str], str]) -> bytes:
    """``data`` with each worksheet's XML passed through ``edit``, saved as a spreadsheet program saves it: without
    openpyxl's request to recalculate on opening (``fullCalcOnLoad``), under which stored results are refused."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = edit(part.decode("utf-8")).encode("utf-8")
            elif info.filename == "xl/workbook.xml":
                part = part.replace(b' fullCalcOnLoad="1"', b"")
            out.writestr(info, part)
    return target.getvalue()


def _with_formula(cached: str | None) -> bytes:
    """The market-based footprint whose method is a formula, with ``cached`` as its stored result (None: none,
    as openpyxl and pandas write formulas)."""
    book = _book()
    cell = _footprint_cell(book, METHOD)
    cell.value = '=IF(TRUE,"MarketBasedMethod","LocationBasedMethod")'
    reference = cell.coordinate
    data = _bytes(book)
    if cached is None:
        return data
    return _rewritten(
        data,
        lambda xml: re.sub(
            rf'<c r="{reference}"( [^>]*)?><f>(.*?)</f><v\s*/?>(</v>)?',
            lambda m: f'<c r="{reference}" t="str"><f>{m.group(2)}</f><v>{cached}</v>',
            xml,
        ),
    )


def test_a_formula_with_no_stored_result_is_refused_naming_its_sheet_and_cell() -> None:
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=_with_formula(None))
    message = str(error.value)
    assert "\n" not in message
    assert "sheet 'Footprint' cell" in message and "formula with no stored result" in message


def test_a_formula_with_its_stored_result_is_read_as_that_result(tmp_path: Path, cli: Callable[..., Run]) -> None:
    # The twin: the same formula as a spreadsheet program saves it is read, and the rule it breaks fires.
    assert _rules(_validate(tmp_path, _with_formula("MarketBasedMethod"), cli)) == {"CN-ELEC-01"}


def test_a_formula_on_a_sheet_of_the_users_own_is_not_read_and_not_refused(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    book = _book()
    book.create_sheet("My notes")["A1"] = "=1+1"
    run = _validate(tmp_path, _bytes(book), cli)
    assert run.code == 0, run.err


def test_the_uncached_formula_is_one_line_and_exit_2_on_the_command_line(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    path = tmp_path / "claim.xlsx"
    path.write_bytes(_with_formula(None))
    run = cli(path)
    assert run.code == 2 and "CONFORM" not in run.out
    assert run.err.count("\n") == 1 and "cell" in run.err


# ---- cn-convert keeps nothing it cannot: a spaced header is refused, not dropped ------------------------------


@pytest.fixture
def cn_convert(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    return in_process(convert_command, capsys)


@pytest.fixture
def cn_init(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    return in_process(init_command, capsys)


def test_converting_a_workbook_with_a_spaced_header_is_refused_and_writes_nothing(
    tmp_path: Path, cn_convert: Callable[..., Run]
) -> None:
    source = tmp_path / "claim.xlsx"
    source.write_bytes(_market_based("electricity Accounting Method"))
    target = tmp_path / "claim.jsonld"
    run = cn_convert(source, target)
    assert run.code == 2 and not target.exists()
    assert "'electricity Accounting Method'" in run.err and "did you mean 'electricityAccountingMethod'" in run.err
    assert run.err.count("\n") == 1


def test_a_converted_workbook_keeps_the_value_of_a_plain_header(tmp_path: Path, cn_convert: Callable[..., Run]) -> None:
    source = tmp_path / "claim.xlsx"
    source.write_bytes(_market_based())
    target = tmp_path / "claim.jsonld"
    assert cn_convert(source, target).code == 0
    assert "MarketBasedMethod" in target.read_text(encoding="utf-8")


# ---- an output path under a file is one line and exit 2 -------------------------------------------------------


def test_an_output_path_under_a_file_is_exit_2(
    tmp_path: Path, cn_convert: Callable[..., Run], cn_init: Callable[..., Run]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for run in (cn_convert(CONFORMING, blocker / "claim.xlsx"), cn_init(blocker / "template.xlsx")):
        assert run.code == 2
        assert "cannot write" in run.err and run.err.count("\n") == 1
    assert blocker.read_text(encoding="utf-8") == "x"


# ---- the dossier names the cell of a workbook's finding, as the text and JSON reports do -----------------------


def test_the_dossier_names_the_sheet_and_row_of_a_workbook_finding(tmp_path: Path, cli: Callable[..., Run]) -> None:
    path = tmp_path / "claim.xlsx"
    path.write_bytes(_market_based())
    dossier = tmp_path / "dossier.html"
    assert cli(path, "-f", "html", "-o", dossier, "--as-of", "2026-12-01").code == 1
    html = dossier.read_text(encoding="utf-8")
    finding = html[html.index('<div class="finding severity-violation" data-rule="CN-ELEC-01"') :]
    assert "<th>Cell</th><td>sheet &#x27;Footprint&#x27;, row " in finding[: finding.index("</table>")]


@pytest.mark.rule("CN-INPUT-02")
def test_a_prefix_that_redefines_a_term_is_located_on_its_prefixes_row(tmp_path: Path, cli: Callable[..., Run]) -> None:
    book = _book()
    sheet = book["Prefixes"]
    sheet.append(["retirementDate", "https://example.org/x/"])
    row = sheet.max_row
    run = _validate(tmp_path, _bytes(book), cli)
    findings = [f for f in run.json()["results"] if f["rule"] == "CN-INPUT-02"]
    [finding] = [f for f in findings if "namespace, not a term" not in f["message"]]
    assert finding["location"] == f"sheet 'Prefixes', row {row}, column prefix (A{row})"
    # The dates' column now stands for the namespace itself, reported as such where it is used (red team 113b).
    assert all("https://example.org/x/" in f["message"] for f in findings if f is not finding)


# ---- merged cells: only the first holds the value the others show ---------------------------------------------


def test_merged_cells_on_a_sheet_that_is_read_are_refused_naming_the_range() -> None:
    book = _book()
    sheet = book["Credits"]
    column = [cell.value for cell in sheet[1]].index("vintageEndYear") + 1
    first = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "ex:credit-wind")
    letter = openpyxl.utils.get_column_letter(column)
    sheet.merge_cells(f"{letter}{first}:{letter}{first + 1}")
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=_bytes(book))
    message = str(error.value)
    assert f"sheet 'Credits' cells {letter}{first}:{letter}{first + 1} are merged" in message
    assert "\n" not in message


def test_merged_cells_on_a_sheet_of_the_users_own_are_fine(tmp_path: Path, cli: Callable[..., Run]) -> None:
    book = _book()
    notes = book.create_sheet("My notes")
    notes["A1"] = "Prepared by the sustainability team"
    notes.merge_cells("A1:D1")
    assert _validate(tmp_path, _bytes(book), cli).code == 0


def test_an_xls_or_password_protected_workbook_is_told_as_such() -> None:
    # Both are OLE compound files; openpyxl reads neither.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=ole)
    assert "an .xls workbook or a password-protected one" in str(error.value)


def _method_cell() -> tuple[bytes, str]:
    book = _book()
    cell = _footprint_cell(book, METHOD)
    cell.value = "MarketBasedMethod"
    return _bytes(book), cell.coordinate


def test_a_text_formula_with_no_stored_value_element_is_refused() -> None:
    data, at = _method_cell()
    pattern = rf'<c r="{at}"[^>]*>.*?</c>'
    no_value = _rewritten(data, lambda xml: re.sub(pattern, f'<c r="{at}" t="str"><f>"MarketBasedMethod"</f></c>', xml))
    with pytest.raises(InputError, match=f"cell {at} holds a formula with no stored result"):
        read_workbook(Path("claim.xlsx"), data=no_value)
    # An empty stored text (<v></v>) is a stored result: the formula gave "".
    empty = _rewritten(data, lambda xml: re.sub(pattern, f'<c r="{at}" t="str"><f>""</f><v></v></c>', xml))
    read_workbook(Path("claim.xlsx"), data=empty)


def test_an_array_formula_whose_other_cells_store_no_result_is_refused() -> None:
    data, at = _method_cell()
    anchor = "J" + at[1:]  # the array covers the cell left of the method and the method's
    pattern = rf'<c r="{anchor}"[^>]*>.*?</c><c r="{at}"[^>]*>.*?</c>'
    replacement = f'<c r="{anchor}" t="str"><f t="array" ref="{anchor}:{at}">X</f><v>ok</v></c><c r="{at}"/>'
    missing = _rewritten(data, lambda xml: re.sub(pattern, replacement, xml))
    assert missing != data
    with pytest.raises(InputError, match=f"cells {anchor}:{at} hold an array formula whose results are not all"):
        read_workbook(Path("claim.xlsx"), data=missing)
    stored = replacement.replace(f'<c r="{at}"/>', f'<c r="{at}" t="str"><v>MarketBasedMethod</v></c>')
    read_workbook(Path("claim.xlsx"), data=_rewritten(data, lambda xml: re.sub(pattern, stored, xml)))
