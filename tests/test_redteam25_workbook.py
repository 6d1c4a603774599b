"""Red-team round 25: a workbook sheet openpyxl cannot reach.

A ``<sheet>`` of the workbook part without an r:id was skipped by openpyxl without a word: the claim was judged
without its Footprint sheet (false CN-BAL-01, CN-CLAIM-02 and CN-REV-01), exit 1. So was a chartsheet holding a
template sheet's name, and a template sheet listed twice lost the rows of one of them. Each is refused in one line,
exit 2, naming the sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl.chart import BarChart, Reference

from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook
from tests.conftest import Run, conforming_workbook, workbook_data

FOOTPRINT = "Footprint"
WORKBOOK = "xl/workbook.xml"
RELS = "xl/_rels/workbook.xml.rels"


def _rewritten(data: bytes, edit: Callable[[dict[str, bytes]], None]) -> bytes:
    """The workbook's archive with its parts edited (name -> bytes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    edit(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, part in parts.items():
            target.writestr(name, part)
    return out.getvalue()


def _sheet_element(parts: dict[str, bytes], title: str) -> tuple[str, str]:
    """The workbook part as text, and the ``<sheet>`` element listing ``title``."""
    book = parts[WORKBOOK].decode()
    found = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*/>', book)
    assert found is not None, title
    return book, found.group(0)


def _link(element: str) -> str:
    found = re.search(r'r:id="([^"]*)"', element)
    assert found is not None, element
    return found.group(1)


def _without_link(title: str) -> Callable[[dict[str, bytes]], None]:
    """The sheet listed without its r:id attribute (what openpyxl skips, warning only to a filter)."""

    def edit(parts: dict[str, bytes]) -> None:
        book, element = _sheet_element(parts, title)
        parts[WORKBOOK] = book.replace(element, re.sub(r' r:id="[^"]*"', "", element)).encode()

    return edit


def _dangling_link(title: str) -> Callable[[dict[str, bytes]], None]:
    """The sheet's r:id names no relationship of the workbook part."""

    def edit(parts: dict[str, bytes]) -> None:
        book, element = _sheet_element(parts, title)
        parts[WORKBOOK] = book.replace(element, element.replace(_link(element), "rId999")).encode()

    return edit


def _missing_part(title: str) -> Callable[[dict[str, bytes]], None]:
    """The sheet's relationship leads to a part the archive does not hold."""

    def edit(parts: dict[str, bytes]) -> None:
        _, element = _sheet_element(parts, title)
        rels = parts[RELS].decode()
        relationship = re.search(rf'<Relationship [^>]*Id="{re.escape(_link(element))}"[^>]*/>', rels)
        assert relationship is not None
        gone = re.sub(r'Target="[^"]*"', 'Target="/xl/worksheets/gone.xml"', relationship.group(0))
        parts[RELS] = rels.replace(relationship.group(0), gone).encode()

    return edit


def _listed_twice(title: str) -> Callable[[dict[str, bytes]], None]:
    """The sheet listed a second time, leading to another sheet's part: openpyxl reads the first twice."""

    def edit(parts: dict[str, bytes]) -> None:
        book, element = _sheet_element(parts, title)
        _, other = _sheet_element(parts, "Emissions and removals")
        again = re.sub(r'sheetId="\d+"', 'sheetId="99"', element).replace(_link(element), _link(other))
        parts[WORKBOOK] = book.replace(element, element + again).encode()

    return edit


def _with_chart(title: str) -> bytes:
    """The conforming workbook with a chartsheet named ``title`` (in place of the template's sheet if it is one)."""
    book = conforming_workbook()
    index = book.sheetnames.index(title) if title in book.sheetnames else len(book.sheetnames)
    if title in book.sheetnames:
        del book[title]
    chart = BarChart()
    chart.add_data(Reference(book["Claim"], min_col=1, min_row=1, max_row=2))
    book.create_chartsheet(title, index).add_chart(chart)
    return workbook_data(book)


def _with_notes() -> bytes:
    book = conforming_workbook()
    book.create_sheet("My notes")["A1"] = "to ask the verifier"
    return workbook_data(book)


def _validate(tmp_path: Path, data: bytes, cli: Callable[..., Run]) -> Run:
    path = tmp_path / "claim.xlsx"
    path.write_bytes(data)
    return cli(path, "--as-of", "2026-12-01")


def _refused(run: Run, title: str) -> str:
    """The one line of a refusal naming ``title``."""
    assert run.code == 2, (run.code, run.out, run.err)
    assert "CONFORM" not in run.out and "Summary" not in run.out
    assert run.err.count("\n") == 1 and f"sheet {title!r}" in run.err, run.err
    return run.err


# ---- a template sheet openpyxl cannot reach is refused, naming it --------------------------------------------


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_without_link, "without a link to its part (no r:id)"),
        (_dangling_link, "its link 'rId999' names no part"),
        (_missing_part, "its part xl/worksheets/gone.xml is missing"),
        (_listed_twice, "listed twice"),
    ],
    ids=["no-r:id", "dangling-r:id", "missing-part", "listed-twice"],
)
def test_a_footprint_sheet_that_cannot_be_read_is_refused_naming_it(
    damage: Callable[[str], Callable[[dict[str, bytes]], None]], says: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    # Without an r:id the Footprint sheet was skipped and the claim judged without its footprint, exit 1.
    data = _rewritten(workbook_data(conforming_workbook()), damage(FOOTPRINT))
    line = _refused(_validate(tmp_path, data, cli), FOOTPRINT)
    assert says in line and "damaged" in line


def test_a_chartsheet_named_as_a_template_sheet_is_refused(tmp_path: Path, cli: Callable[..., Run]) -> None:
    # openpyxl reads a chartsheet as a sheet without rows: the claim was judged with no footprint, exit 1.
    line = _refused(_validate(tmp_path, _with_chart(FOOTPRINT), cli), FOOTPRINT)
    assert "is a chartsheet, not a worksheet" in line


@pytest.mark.parametrize("damage", [_without_link, _dangling_link], ids=["no-r:id", "dangling-r:id"])
def test_read_workbook_refuses_the_electricity_sheet_it_cannot_reach(
    damage: Callable[[str], Callable[[dict[str, bytes]], None]],
) -> None:
    title = "Electricity instruments"
    with pytest.raises(InputError) as refused:
        read_workbook(Path("claim.xlsx"), data=_rewritten(workbook_data(conforming_workbook()), damage(title)))
    message = str(refused.value)
    assert f"sheet {title!r}" in message and "damaged" in message and "\n" not in message


def test_a_dangling_link_of_an_own_sheet_is_named(tmp_path: Path, cli: Callable[..., Run]) -> None:
    # openpyxl cannot open the workbook at all; the line used to name no sheet ("a part is missing or malformed").
    _refused(_validate(tmp_path, _rewritten(_with_notes(), _dangling_link("My notes")), cli), "My notes")


# ---- what was read before still is ------------------------------------------------------------------------------


def test_the_untouched_workbook_still_conforms(tmp_path: Path, cli: Callable[..., Run]) -> None:
    run = _validate(tmp_path, workbook_data(conforming_workbook()), cli)
    assert run.code == 0 and run.err == "", run.err


@pytest.mark.parametrize(
    "data",
    [
        lambda: _with_notes(),
        lambda: _rewritten(_with_notes(), _without_link("My notes")),
        lambda: _rewritten(_with_notes(), _missing_part("My notes")),
        lambda: _with_chart("My chart"),
        lambda: _rewritten(workbook_data(conforming_workbook()), _without_link("Read me")),
    ],
    ids=["notes", "notes-no-r:id", "notes-missing-part", "own-chartsheet", "read-me-no-r:id"],
)
def test_a_sheet_the_claim_is_not_read_from_is_still_ignored(
    data: Callable[[], bytes], tmp_path: Path, cli: Callable[..., Run]
) -> None:
    run = _validate(tmp_path, data(), cli)
    assert run.code == 0 and run.err == "", run.err
