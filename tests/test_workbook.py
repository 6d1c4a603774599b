"""The claim workbook: every example survives JSON-LD → workbook → JSON-LD with the same graph and the same verdict,
the template has a column for every property a rule requires, a person filling the template can write the whole
conforming claim, and a finding names the sheet, row and column to fix."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rdflib.compare import isomorphic

import comet_cn
from comet_cn.classdocs import checklist_properties, checklists, requirements
from comet_cn.convert import canonical, document_prefixes, expand_iri, vocabulary
from comet_cn.errors import InputError
from comet_cn.workbook import (
    CHECKLIST,
    PREFIXES,
    SHEETS,
    CellRef,
    locate,
    read_workbook,
    sheet_for_types,
    template_bytes,
    template_columns,
    workbook_bytes,
    workbook_from_document,
    write_template,
)
from tests.conftest import EXAMPLES

MANIFEST: list[dict[str, Any]] = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
# Every example runs in the full set (CI: -m "slow or not slow"); the default run takes the conforming ones and those
# whose data is odd (an exponent decimal, a misspelt key, an untyped claim, a type clash), about a quarter.
_ODD = ("exponent-decimal", "misspelt-key", "claim-untyped", "reduction-typed-as-removal")
EVERY_EXAMPLE = [
    pytest.param(e, id=e["file"], marks=() if e["conforms"] or any(o in e["file"] for o in _ODD) else pytest.mark.slow)
    for e in MANIFEST
]
CONFORMING = EXAMPLES / "conforming-claim.jsonld"
CN = "https://comet.carbon/ext/iso14068#"
EX = "https://example.org/acme/"


def _expected(entry: dict[str, Any]) -> dict[str, Any]:
    """The manifest's promise with reasoning off (some findings need OWL reasoning to be visible at all)."""
    return entry.get("without_owl", entry)


def _round_trip(document: Any) -> dict[str, Any]:
    return read_workbook(Path("claim.xlsx"), data=workbook_bytes(document)).document


@pytest.mark.parametrize("entry", EVERY_EXAMPLE)
def test_every_example_survives_the_workbook_with_its_graph_and_its_verdict(entry: dict[str, Any]) -> None:
    path = EXAMPLES / entry["file"]
    document = _round_trip(json.loads(path.read_text(encoding="utf-8")))
    assert isomorphic(comet_cn.load(document), comet_cn.load(path))
    report = comet_cn.validate(document, reasoning="none")
    expected = _expected(entry)
    assert report.conforms is expected["conforms"]
    assert sorted(report.rule_ids) == expected["rules"]
    assert sorted({r.rule_id for r in report.warnings}) == entry.get("warnings", [])


def test_workbook_from_document_writes_a_file_read_workbook_reads(tmp_path: Path) -> None:
    target = tmp_path / "claim.xlsx"
    workbook_from_document(json.loads(CONFORMING.read_text(encoding="utf-8")), target)
    claim = read_workbook(target)
    assert isomorphic(comet_cn.load(claim.document), comet_cn.load(CONFORMING))
    assert claim.cells[(EX + "claim-2024", None)] == CellRef("Claim", 3, "id", "A")


# ---- the template and the shapes -----------------------------------------------------------------------------


def _sheets_for(requirement: Any) -> set[str]:
    classes = [*requirement.classes, *requirement.via_classes]
    return {sheet_for_types([cls]) for cls in classes}


def test_every_property_a_rule_requires_has_a_column_in_its_sheet() -> None:
    """The drift test: a shape that starts requiring a property fails here until the template has its column."""
    missing = []
    for requirement in requirements():
        if not requirement.required:
            continue
        assert requirement.term is not None, f"{requirement.path} ({requirement.rule_id}) has no context term"
        for sheet in _sheets_for(requirement):
            assert sheet != "Other nodes", f"{requirement.rule_id}: no sheet holds {requirement.classes}"
            columns = {c.term: c for c in template_columns(sheet)}
            if requirement.term in checklist_properties():
                continue
            column = columns.get(requirement.term)
            if column is None or not (column.required or requirement.term == "type"):  # a blank type is the default
                missing.append((requirement.rule_id, sheet, requirement.term))
    assert missing == []


def test_the_written_template_has_those_columns_and_every_checklist_item() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    for spec in SHEETS:
        headers = [cell.value for cell in book[spec.name][1]]
        assert headers == [c.term for c in template_columns(spec.name)]
        notes = [cell.value for cell in book[spec.name][2]]
        for column, note in zip(template_columns(spec.name), notes, strict=True):
            if column.required and column.term not in ("id",):
                assert "REQUIRED" in note or "RECOMMENDED" in note, (spec.name, column.term, note)
    rows = {(row[1].value, row[2].value) for row in book[CHECKLIST].iter_rows(min_row=3)}
    for checklist in checklists():
        for item, _ in checklist.items:
            assert (checklist.property, item) in rows
    assert {c.property for c in checklists()} == {
        "includesReportElement",
        "includesPlanElement",
        "includesSummaryItem",
        "includesCommitmentItem",
        "meetsCriterion",
        "meetsProgrammeCriterion",
    }
    assert [len(c.items) for c in checklists() if c.property == "includesReportElement"] == [24]


def test_a_column_note_says_which_rule_needs_it() -> None:
    notes = {c.term: c.note for c in template_columns("Credits")}
    assert "REQUIRED (CN-VINT-01)" in notes["vintageEndYear"] and "year" in notes["vintageEndYear"]
    actions = {c.term: c.note for c in template_columns("Actions")}
    assert "plannedDate" in actions["actionOrder"]  # one of the two is required (CN-HIER-02)


def _fill_template(document: dict[str, Any]) -> bytes:
    """Write a claim into the empty template the way a person would: by column header, leaving a type blank when
    it is the sheet's default and the checklist's node blank when only one node can tick the item."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    vocab = vocabulary()
    prefixes = {**vocab.prefixes, **document_prefixes(document)}
    checks: dict[tuple[str, str, str], dict[str, str]] = {}
    holders: dict[str, list[str]] = {}
    next_row = {spec.name: 3 for spec in SHEETS}
    for node in document["@graph"]:
        types = node.get("@type", [])
        types = types if isinstance(types, list) else [types]
        spec = next(s for s in SHEETS if s.name == sheet_for_types(vocab.terms[t].iri for t in types))
        sheet = book[spec.name]
        headers = [cell.value for cell in sheet[1]]
        row = next_row[spec.name]
        next_row[spec.name] += 1
        for key, value in node.items():
            values = value if isinstance(value, list) else [value]
            if key in ("includesReportElement", "includesPlanElement", "includesSummaryItem") or key in (
                "includesCommitmentItem",
                "meetsCriterion",
                "meetsProgrammeCriterion",
            ):
                holders.setdefault(key, []).append(node["@id"])
                for item in values:
                    checks.setdefault((node["@id"], key, item), {})["included"] = "yes"
                continue
            if key == "hasEvidence":
                for evidence in values:
                    item = evidence["evidenceFor"]
                    prop = next(c.property for c in checklists() if item in dict(c.items))
                    cell = checks.setdefault((node["@id"], prop, item), {})
                    cell["location"] = evidence["evidenceLocation"]
                    cell["page"] = evidence["evidencePage"]
                continue
            if key == "@type" and types == [spec.classes[0]]:
                continue  # the sheet's default type
            column = {"@id": "id", "@type": "type"}.get(key, key)
            assert column in headers, f"the template's {spec.name} sheet has no column {column}"
            text = "\n".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
            sheet.cell(row=row, column=headers.index(column) + 1, value=text)
    checklist = book[CHECKLIST]
    rows = {(r[1].value, r[2].value): r[0].row for r in checklist.iter_rows(min_row=3)}
    extra = checklist.max_row + 1
    for (holder, prop, item), cells in sorted(checks.items()):
        only = len(holders.get(prop, [])) == 1
        if only and (prop, item) in rows:
            row = rows.pop((prop, item))  # the template's row, its id left blank
        else:
            row, extra = extra, extra + 1
            checklist.cell(row=row, column=1, value=holder)
            checklist.cell(row=row, column=2, value=prop)
            checklist.cell(row=row, column=3, value=item)
        checklist.cell(row=row, column=5, value=cells.get("included", "no"))
        if "location" in cells:
            checklist.cell(row=row, column=6, value=cells["location"])
            checklist.cell(row=row, column=7, value=cells["page"])
    table = book[PREFIXES]
    table.cell(row=3, column=1, value="ex")
    table.cell(row=3, column=2, value=prefixes["ex"])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_the_template_filled_with_the_conforming_claim_conforms() -> None:
    document = canonical(json.loads(CONFORMING.read_text(encoding="utf-8")))
    claim = read_workbook(Path("filled.xlsx"), data=_fill_template(document))
    assert isomorphic(comet_cn.load(claim.document), comet_cn.load(CONFORMING))
    report = comet_cn.validate(claim.document)
    assert report.conforms, [r.message for r in report.results]
    assert report.results == ()


def test_write_template_writes_an_empty_claim(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    write_template(target)
    claim = read_workbook(target)
    assert claim.document["@graph"] == []
    assert claim.document["@context"][1] == {"ex": "https://example.org/your-organization/"}


# ---- locating findings ---------------------------------------------------------------------------------------


def _edit(data: bytes, sheet: str, node: str, column: str, value: Any) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    table = book[sheet]
    headers = [cell.value for cell in table[1]]
    row = next(r[0].row for r in table.iter_rows(min_row=3) if r[0].value == node)
    table.cell(row=row, column=headers.index(column) + 1).value = value  # cell(value=None) would keep the old one
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.mark.rule("CN-VINT-01")
def test_a_missing_vintage_is_located_in_the_credits_sheet() -> None:
    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    before = read_workbook(Path("claim.xlsx"), data=data)
    row = before.cells[(EX + "credit-wind", None)].row
    claim = read_workbook(Path("claim.xlsx"), data=_edit(data, "Credits", "ex:credit-wind", "vintageEndYear", None))
    report = comet_cn.validate(claim.document, reasoning="none")
    findings = [r for r in report.results if r.rule_id == "CN-VINT-01"]
    assert len(findings) == 1
    cell = locate(claim.cells, findings[0].focus_node, findings[0].path)
    assert cell is not None
    assert (cell.sheet, cell.row, cell.column) == ("Credits", row, "vintageEndYear")
    assert str(cell) == f"sheet 'Credits', row {row}, column vintageEndYear ({cell.letter}{row})"


@pytest.mark.rule("CN-REPORT-02")
def test_a_missing_report_element_is_located_on_its_checklist_row() -> None:
    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(io.BytesIO(data))
    checklist = book[CHECKLIST]
    row = next(
        r[0].row
        for r in checklist.iter_rows(min_row=3)
        if r[0].value == "ex:report-2024" and r[2].value == "ReportElement_h"
    )
    checklist.cell(row=row, column=5, value="no")
    stream = io.BytesIO()
    book.save(stream)
    claim = read_workbook(Path("claim.xlsx"), data=stream.getvalue())
    report = comet_cn.validate(claim.document, reasoning="none")
    finding = next(r for r in report.results if r.rule_id == "CN-REPORT-02")
    cell = locate(claim.cells, finding.focus_node, finding.path, finding.value)
    assert cell == CellRef(CHECKLIST, row, "included", "E")
    assert locate(claim.cells, finding.focus_node, None) == claim.cells[(EX + "report-2024", None)]
    assert locate(claim.cells, "https://example.org/elsewhere", None) is None


def test_locate_accepts_a_term_or_a_compact_iri_for_the_path() -> None:
    claim = read_workbook(Path("c.xlsx"), data=workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8"))))
    by_term = locate(claim.cells, EX + "period-2024", "reportingPeriodEnd")
    assert by_term is not None and by_term.sheet == "Period"
    assert locate(claim.cells, EX + "period-2024", "comet-cn:reportingPeriodEnd") == by_term
    assert locate(claim.cells, EX + "period-2024", CN + "reportingPeriodEnd") == by_term


# ---- what a cell can hold ------------------------------------------------------------------------------------


def test_values_a_cell_cannot_show_plainly_survive_in_their_explicit_form() -> None:
    document = {
        "@context": ["https://comet.carbon/ext/iso14068/context.jsonld", {"ex": EX}],
        "@graph": [
            {
                "@id": "ex:credit",
                "@type": "CarbonCredit",
                "label": [{"@value": "two\nlines"}, "second label"],
                "serialNumber": [" padded ", "", "<not-an-iri>", '"quoted"', "=1+1"],
                "tonnesCO2e": {"@value": "5", "@type": "xsd:integer"},
                "issuanceBlock": {"@id": "ex:block"},
                "vintageEndYear": "2022\u0007",
                "hasCreditType": {"@value": "Removal"},
                "http://example.org/other#note": {"@value": "x", "@language": "de"},
                "retirementDat": "2024-01-01",
            },
            {"@id": "_:odd", "http://example.org/other#p": {"@id": "ex:credit"}},
        ],
    }
    result = _round_trip(document)
    assert isomorphic(comet_cn.load(result), comet_cn.load(document))
    assert "retirementDat" in json.dumps(result)  # an undefined key stays, for CN-INPUT-02 to report


def test_cells_typed_by_a_spreadsheet_read_as_what_was_typed() -> None:
    """Excel stores 2022 as a number, 2024-12-31 as a date and TRUE as a boolean unless the cell is text."""
    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    data = _edit(data, "Credits", "ex:credit-wind", "vintageEndYear", 2022)
    data = _edit(data, "Credits", "ex:credit-wind", "correspondingAdjustmentApplied", False)
    data = _edit(data, "Credits", "ex:credit-wind", "tonnesCO2e", 6000.5)
    data = _edit(data, "Period", "ex:period-2024", "reportingPeriodEnd", datetime(2024, 12, 31))
    claim = read_workbook(Path("c.xlsx"), data=data)
    nodes = {n["@id"]: n for n in claim.document["@graph"]}
    assert nodes["ex:credit-wind"]["vintageEndYear"] == "2022"
    assert nodes["ex:credit-wind"]["correspondingAdjustmentApplied"] == "false"
    assert nodes["ex:credit-wind"]["tonnesCO2e"] == "6000.5"
    assert nodes["ex:period-2024"]["reportingPeriodEnd"] == "2024-12-31"


def test_a_blank_type_is_the_sheets_first_type_and_several_ids_may_share_a_cell() -> None:
    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    data = _edit(data, "Credits", "ex:credit-wind", "type", None)
    data = _edit(data, "Claim", "ex:claim-2024", "hasEmissionReduction", "ex:a, ex:b ex:c")
    nodes = {n["@id"]: n for n in read_workbook(Path("c.xlsx"), data=data).document["@graph"]}
    assert nodes["ex:credit-wind"]["@type"] == "CarbonCredit"
    assert nodes["ex:claim-2024"]["hasEmissionReduction"] == ["ex:a", "ex:b", "ex:c"]


def test_a_misspelt_column_header_is_reported_as_an_unknown_term() -> None:
    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    book = openpyxl.load_workbook(io.BytesIO(data))
    headers = [cell.value for cell in book["Offsetting events"][1]]
    book["Offsetting events"].cell(row=1, column=headers.index("retirementDate") + 1, value="retirementDat")
    stream = io.BytesIO()
    book.save(stream)
    claim = read_workbook(Path("c.xlsx"), data=stream.getvalue())
    assert "CN-INPUT-02" in comet_cn.validate(claim.document, reasoning="none").rule_ids


def _book_with(sheet: str, cells: dict[str, Any]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    for address, value in cells.items():
        book[sheet][address] = value
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("sheet", "cells", "problem"),
    [
        ("Credits", {"A3": "ex:c", "Z3": "stray"}, "cell Z3: a value under no header"),
        (CHECKLIST, {"E3": "perhaps"}, "row 3: included must be yes or no"),
        (PREFIXES, {"A4": "1x", "B4": "https://example.org/"}, "row 4: a prefix"),
        ("Credits", {"A3": "ex:a ex:b"}, "cell A3: the id must be one name"),
        ("Credits", {"A3": "ex:c", "B3": '"a literal"'}, "a type is a class name"),
        (CHECKLIST, {"E3": "yes"}, "no node can tick 'ClaimSummaryItem_a'"),
        (CHECKLIST, {"C3": None, "E3": "yes"}, "row 3: name the item"),
        ("Credits", {"A1": "identifier"}, "sheet 'Credits': row 1 must start with the column id"),
    ],
)
def test_a_cell_that_cannot_be_read_is_one_line_naming_it(sheet: str, cells: dict[str, Any], problem: str) -> None:
    with pytest.raises(InputError) as error:
        read_workbook(Path("claim.xlsx"), data=_book_with(sheet, cells))
    assert problem in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith("claim.xlsx: ")


@pytest.mark.parametrize("data", [b"", b"not a zip file", b"PK\x03\x04broken"], ids=["empty", "text", "bad-zip"])
def test_a_file_that_is_not_a_workbook_is_one_line(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^claim\.xlsx: not a valid \.xlsx workbook \(.*\)$"):
        read_workbook(Path("claim.xlsx"), data=data)


def test_without_openpyxl_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputError, match=r"pip install 'comet-cn\[workbook\]'"):
        template_bytes()


def test_ids_in_cells_are_expanded_with_the_workbooks_prefixes() -> None:
    claim = read_workbook(Path("c.xlsx"), data=workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8"))))
    prefixes = {**vocabulary().prefixes, **document_prefixes(claim.document)}
    for node in claim.document["@graph"]:
        assert (expand_iri(node["@id"], prefixes), None) in claim.cells


def test_the_workbook_page_describes_every_sheet() -> None:
    page = (EXAMPLES.parent / "docs" / "workbook.md").read_text(encoding="utf-8")
    for spec in SHEETS:
        assert f"| {spec.name} | " in page, spec.name
    assert f"| {CHECKLIST} |" in page and f"| {PREFIXES} |" in page


def test_the_odd_values_of_the_conversion_tests_survive_the_workbook() -> None:
    from tests.test_convert import ODD

    assert isomorphic(comet_cn.load(_round_trip(ODD)), comet_cn.load(ODD))
