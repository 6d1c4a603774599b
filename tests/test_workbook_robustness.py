"""A hostile or odd .xlsx costs bounded work and is read as a spreadsheet program shows it: rows outside a stale
``<dimension>`` record are read, a zip that unzips to gigabytes or a sheet of millions of empty cells is refused in
one line before it is parsed, rows that read-only parsing would skip are refused, and a finding of a rule that names
no property points at the cell that holds its value."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import comet_cn
from comet_cn import workbook
from comet_cn.errors import InputError
from comet_cn.workbook import locate, read_workbook, template_bytes, workbook_bytes
from tests.conftest import EXAMPLES, Run

CONFORMING = EXAMPLES / "conforming-claim.jsonld"
VIOLATIONS = EXAMPLES / "violations"
EX = "https://example.org/acme/"


def _document(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _part(data: bytes, sheet: str) -> str:
    """The archive part of a sheet of a workbook openpyxl wrote (its sheets are sheet1.xml, sheet2.xml... in order)."""
    titles = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    return f"xl/worksheets/sheet{titles.index(sheet) + 1}.xml"


def _rewrite(data: bytes, part: str, edit: Callable[[bytes], bytes | Iterable[bytes]]) -> bytes:
    """The workbook with one part's XML replaced by ``edit(old)`` (bytes, or chunks streamed into the archive)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info))
                continue
            new = edit(source.read(info))
            with target.open(part, "w", force_zip64=True) as stream:
                for chunk in [new] if isinstance(new, bytes) else new:
                    stream.write(chunk)
    return out.getvalue()


def _sheet_data(xml: bytes, rows: bytes) -> bytes:
    """A sheet's XML with its rows replaced."""
    return re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", lambda _: b"<sheetData>" + rows + b"</sheetData>", xml)


def _with_dimension(xml: bytes, ref: str) -> bytes:
    record = f'<dimension ref="{ref}"/>'.encode()
    if b"<dimension " in xml:
        return re.sub(rb"<dimension [^>]*/>", record, xml)
    return xml.replace(b"<sheetViews>", record + b"<sheetViews>", 1)


def _refusal(data: bytes) -> str:
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=data)
    message = str(error.value)
    assert message.startswith("claim.xlsx: ") and "\n" not in message
    return message


# ---- 1. rows and columns outside the declared dimension ------------------------------------------------------------


@pytest.mark.rule("CN-VINT-01")
def test_rows_beyond_a_stale_dimension_are_read_and_the_old_credit_still_fails(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    full = workbook_bytes(_document(VIOLATIONS / "cn-vint-01-old-vintage.jsonld"))
    read = read_workbook(Path("full.xlsx"), data=full)
    credit = next(node for (node, term), cell in read.cells.items() if term is None and cell.sheet == "Credits")
    vintage = read.cells[(credit, "vintageEndYear")]
    old = next(
        key for (key, term), cell in read.cells.items() if term is None and cell.sheet == "Credits" and cell.row > 3
    )
    row = read.cells[(old, None)].row
    # The record claims the sheet ends a row before the old credit and two columns in: read-only openpyxl trusted it.
    stale = _rewrite(full, _part(full, "Credits"), lambda xml: _with_dimension(xml, f"A1:B{row - 1}"))
    assert read_workbook(Path("stale.xlsx"), data=stale).document == read.document
    assert vintage.column == "vintageEndYear"
    target = tmp_path / "stale.xlsx"
    target.write_bytes(stale)
    run = cli("-f", "json", "--reasoning", "none", target)
    assert run.code == 1, run.err
    report = run.json()
    assert report["conforms"] is False
    findings = [r for r in report["results"] if r["rule"] == "CN-VINT-01"]
    assert [f["location"] for f in findings] == [
        f"sheet 'Credits', row {row}, column vintageEndYear ({vintage.letter}{row})"
    ]


def test_a_dimension_that_starts_below_the_headers_still_reads_them() -> None:
    data = workbook_bytes(_document(CONFORMING))
    shifted = _rewrite(data, _part(data, "Credits"), lambda xml: _with_dimension(xml, "C4:D5"))
    assert read_workbook(Path("claim.xlsx"), data=shifted).document == read_workbook(Path("c.xlsx"), data=data).document


# ---- 2. bounded work ----------------------------------------------------------------------------------------------


def test_a_workbook_that_unzips_to_hundreds_of_megabytes_is_refused_at_once(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    row = b"<row>" + b"<c/>" * 16_000 + b"</row>"
    chunk = row * 16

    def bomb(xml: bytes) -> Iterable[bytes]:
        head, _, _ = xml.partition(b"<sheetData")
        yield head + b"<sheetData>"
        for _ in range(workbook._MAX_UNZIPPED_BYTES // len(chunk) + 1):
            yield chunk
        yield b"</sheetData></worksheet>"

    template = template_bytes()
    data = _rewrite(template, _part(template, "Credits"), bomb)
    assert len(data) < 2_000_000  # a small file
    target = tmp_path / "bomb.xlsx"
    target.write_bytes(data)
    started = time.process_time()
    run = cli(target)
    assert time.process_time() - started < 5
    assert run.code == 2
    problem = f"{target}: the workbook unzips to over {workbook._MAX_UNZIPPED_BYTES} bytes"
    assert run.err.splitlines() == [f"cn-validate: error: {problem}"]
    assert run.out == ""  # one line in all: the report of one unreadable input would only repeat it


@pytest.mark.parametrize(
    ("bounds", "rows", "problem"),
    [
        # empty cells count: a sheet of empty <c/> elements costs openpyxl as much as one of values
        ({"_MAX_CELLS": 1000}, b"".join(b"<row>" + b"<c/>" * 100 + b"</row>" for _ in range(11)), "over 1000 cells"),
        # a row far down: read-only mode yields every empty row before it
        ({}, b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="9000000"/>', "row 9000000 is"),
        # cells far right: each row is as wide as its last cell
        ({"_MAX_GRID": 100_000}, b"".join(b'<row><c r="ZZZ%d"/></row>' % n for n in range(1, 10)), "span over 100000"),
        ({"_MAX_ELEMENTS": 500}, b"<row>" + b"<c/>" * 600 + b"</row>", "over 500 XML elements"),
    ],
    ids=["empty-cells", "far-row", "far-column", "elements"],
)
def test_a_sheet_over_a_bound_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch, bounds: dict[str, int], rows: bytes, problem: str
) -> None:
    for name, value in bounds.items():
        monkeypatch.setattr(workbook, name, value)
    data = template_bytes()
    assert problem in _refusal(_rewrite(data, _part(data, "Credits"), lambda xml: _sheet_data(xml, rows)))


def _header_and(rows: bytes) -> bytes:
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>' + rows


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        # read-only openpyxl walks forward: the earlier row, written after, was skipped without a word
        (b'<row r="5">' + _cell("A5", "ex:a") + b'</row><row r="4">' + _cell("A4", "ex:b") + b"</row>", "row 4 comes"),
        (b'<row r="4">' + _cell("A4", "ex:a") + b'</row><row r="4">' + _cell("A4", "ex:b") + b"</row>", "row 4 comes"),
        (b'<row r="4">' + _cell("C4", "x") + _cell("A4", "ex:b") + b"</row>", "cell A4 comes after column C"),
        (b'<row r="4">' + _cell("A7", "ex:b") + b"</row>", "cell A7 is written in row 4"),
    ],
    ids=["rows-out-of-order", "row-twice", "cells-out-of-order", "cell-of-another-row"],
)
def test_rows_or_cells_read_only_parsing_would_skip_are_refused_naming_the_sheet(rows: bytes, problem: str) -> None:
    data = template_bytes()
    message = _refusal(_rewrite(data, _part(data, "Credits"), lambda xml: _sheet_data(xml, _header_and(rows))))
    assert message.startswith("claim.xlsx: sheet 'Credits': ") and problem in message


def test_a_part_with_a_dtd_is_refused() -> None:
    data = template_bytes()
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    message = _refusal(_rewrite(data, _part(data, "Credits"), lambda xml: laughs + xml))
    assert "sheet 'Credits': declares a DTD" in message


def test_ordinary_workbooks_are_far_under_every_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("_MAX_UNZIPPED_BYTES", "_MAX_ELEMENTS", "_MAX_CELLS", "_MAX_GRID"):
        monkeypatch.setattr(workbook, name, getattr(workbook, name) // 100)
    documents = [_document(p) for p in sorted(EXAMPLES.glob("*.jsonld"))]
    for data in [template_bytes(), *(workbook_bytes(d) for d in documents)]:
        read_workbook(Path("claim.xlsx"), data=data)


def test_a_normal_workbook_still_conforms(tmp_path: Path, cli: Callable[..., Run]) -> None:
    target = tmp_path / "claim.xlsx"
    target.write_bytes(workbook_bytes(_document(CONFORMING)))
    run = cli("--reasoning", "none", target)
    assert run.code == 0, run.out + run.err
    assert f"{target}: CONFORMS" in run.out


# ---- 3. the cell a finding is about -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "rule", "sheet", "column"),
    [
        ("cn-vint-01-old-vintage", "CN-VINT-01", "Credits", "vintageEndYear"),
        ("cn-ret-01-late-retirement", "CN-RET-01", "Offsetting events", "retirementDate"),
        ("cn-ret-02-retired-for-another-entity", "CN-RET-02", "Offsetting events", "retiredOnBehalfOf"),
        ("cn-claim-09-claim-before-verification", "CN-CLAIM-09", "Claim", "claimDate"),
    ],
)
def test_a_finding_that_names_no_property_points_at_the_cell_holding_its_value(
    tmp_path: Path, example: str, rule: str, sheet: str, column: str
) -> None:
    target = tmp_path / "claim.xlsx"
    target.write_bytes(workbook_bytes(_document(VIOLATIONS / f"{example}.jsonld")))
    report = comet_cn.validate(target, reasoning="none")
    findings = [r for r in report.results if r.rule_id == rule]
    assert findings and all(f.path is None for f in findings)
    cells = read_workbook(target).cells
    for finding in findings:
        cell = cells[(finding.focus_node, column)]
        assert cell.sheet == sheet
        assert finding.location == f"sheet {sheet!r}, row {cell.row}, column {column} ({cell.letter}{cell.row})"


def test_a_value_held_by_no_cell_or_by_several_points_at_the_row() -> None:
    claim = read_workbook(Path("claim.xlsx"), data=workbook_bytes(_document(CONFORMING)))
    row = claim.cells[(EX + "credit-wind", None)]
    vintage = claim.cells[(EX + "credit-wind", "vintageEndYear")]
    year = next(
        str(node["vintageEndYear"]) for node in claim.document["@graph"] if str(node["@id"]).endswith("credit-wind")
    )
    assert locate(claim.cells, EX + "credit-wind", None, year) == vintage
    assert locate(claim.cells, EX + "credit-wind", None, year + ".0") == vintage  # the same number
    assert locate(claim.cells, EX + "credit-wind", None, "no cell holds this") == row
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(_document(CONFORMING))))
    credits = book["Credits"]
    headers = [c.value for c in credits[1]]
    line = next(r[0].row for r in credits.iter_rows(min_row=3) if r[0].value == "ex:credit-wind")
    credits.cell(row=line, column=headers.index("issuanceYear") + 1).value = year  # two cells hold the year
    stream = io.BytesIO()
    book.save(stream)
    twice = read_workbook(Path("claim.xlsx"), data=stream.getvalue())
    assert locate(twice.cells, EX + "credit-wind", None, year) == twice.cells[(EX + "credit-wind", None)]


def test_a_chart_sheet_of_the_users_own_is_skipped() -> None:
    from openpyxl.chart import BarChart, Reference

    data = workbook_bytes(_document(CONFORMING))
    book = openpyxl.load_workbook(io.BytesIO(data))
    chart = BarChart()
    chart.add_data(Reference(book["Credits"], min_col=2, min_row=3, max_row=4))
    book.create_chartsheet("My chart").add_chart(chart)
    stream = io.BytesIO()
    book.save(stream)
    with_chart = read_workbook(Path("claim.xlsx"), data=stream.getvalue())
    assert with_chart.document == read_workbook(Path("claim.xlsx"), data=data).document
