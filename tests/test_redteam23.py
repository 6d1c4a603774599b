"""Red team 23: what outsiders' claims, registry files and batches got wrong, one regression test each."""

from __future__ import annotations

from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook
from tests.conftest import conforming_workbook, workbook_data

# --- the workbook's Prefixes sheet: a namespace that is no IRI is refused on its row ---------------------------


@pytest.mark.parametrize(
    "namespace", ["https://example.org/ac me/", "https://example.org/acme /", "example.org/acme/", "https://a<b.org/"]
)
def test_a_prefix_namespace_that_is_not_a_full_iri_is_refused_on_its_row(namespace: str) -> None:
    # It was "not valid JSON-LD (invalid IRI mapping)" with no row, or 54 findings on ids with no scheme.
    book = conforming_workbook()
    book["Prefixes"]["B3"] = namespace
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    message = str(error.value)
    assert "sheet 'Prefixes' row 3" in message and "not a full IRI" in message and "\n" not in message


@pytest.mark.parametrize("namespace", ["https://example.org/acme/", "urn:example:acme#"])
def test_a_prefix_namespace_that_is_a_full_iri_is_read(namespace: str) -> None:
    book = conforming_workbook()
    book["Prefixes"]["B3"] = namespace
    document = read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    assert namespace in str(document)


# --- a spreadsheet error in a cell that is read is refused, not read as the text "#N/A" -------------------------


@pytest.mark.parametrize(("sheet", "cell", "error"), [("Credits", "E3", "#N/A"), ("Credits", "I3", "#DIV/0!")])
def test_a_cell_holding_a_spreadsheet_error_is_refused_naming_it(sheet: str, cell: str, error: str) -> None:
    # It was read as the text: "#N/A" as a vintage, with a fix that asked for a well-formed year.
    book = conforming_workbook()
    book[sheet][cell] = error
    with pytest.raises(InputError) as error_info:
        read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    message = str(error_info.value)
    assert f"sheet {sheet!r} cell {cell} holds the spreadsheet error {error}" in message and "\n" not in message


def test_a_spreadsheet_error_on_a_sheet_of_the_users_own_is_not_read_and_not_refused() -> None:
    book = conforming_workbook()
    book.create_sheet("My notes")["A1"] = "#N/A"
    assert read_workbook(Path("claim.xlsx"), data=workbook_data(book))
