"""Red team round 4: a retirement recorded for another beneficiary merged as the claimant's, and a Checklist item
answered both yes and no.

- ``cn-merge --for-claimant`` (and ``cn-import --beneficiary … --into``) linked every imported event to the claiming
  entity, even when the registry had recorded the retirement for someone else (ISO 14068-1 §11.4 e: retired in the
  claiming entity's name): the merged claim then conformed. Now the merge is refused, in one line naming the credit,
  the recorded beneficiary and the claimant; the same name written with other case, spacing or punctuation, a blank
  beneficiary and an ``altLabel`` of the entity still merge.
- A claim workbook whose Checklist answered one item "yes" on one row and "no" on another conformed (the "yes" won).
  Now it is refused naming the sheet, both rows and the item; the same answer twice is accepted. A prefix given two
  namespaces on the Prefixes sheet (the later silently renamed every id) is refused too.

Every registry row is made up here (project ids 988xx, "Example …" companies, invented serials).
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records, merge
from tests.conftest import EXAMPLES, Run
from tests.registry_headers import CAR_HEADER, VERRA_HEADER

openpyxl = pytest.importorskip("openpyxl")

from comet_cn.workbook import read_workbook, workbook_from_document  # noqa: E402

CLAIM = EXAMPLES / "conforming-claim.jsonld"
CLAIM_EVENT = "ex:retirement-2025-03"
AS_OF = "2025-06-01"
ACME = "Acme Ceramics GmbH"

VERRA_SERIAL = "20011-950000001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012022-31122022-1"
CAR_SERIAL = "CAR-1-US-98804-31-1100-TX-2022-10101-1 to 12500"


def _csv(path: Path, header: str, row: list[str]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def verra(path: Path, beneficiary: str, details: str = "") -> Path:
    """One Verra VCU row retired 2025-02-17 (inside the example claim's window) for ``beneficiary``."""
    row = [
        "2023-11-20", "", "2022-01-01", "2022-12-31", "98801", "Example Clean Cooking Programme Rwanda", "Rwanda",
        "Energy demand", "VMR0006", "412,880", "12,500", VERRA_SERIAL, "GHG Emissions Reductions", "2025-02-17",
        beneficiary, "Environmental Benefit", details,
    ]  # fmt: skip
    return _csv(path, VERRA_HEADER, row)


def car(path: Path, holder: str, reason: str, details: str) -> Path:
    """One CAR row: no beneficiary column; a third party is named only in the reason's details."""
    row = [
        "2022", CAR_SERIAL, "12500", "01/22/2025", "CAR98804", "Example Nitric Acid Plant",
        "Nitric Acid N2O- Tertiary Catalyst", "Reduction", "", "Nitric Acid N2O- Tertiary Catalyst - Version 3.0",
        "Example City, Texas", "TEXAS", "US", "", "", "", "", "No", "", holder, reason, details,
    ]  # fmt: skip
    return _csv(path, CAR_HEADER, row)


def _imported(cn_import: Callable[..., Run], fmt: str, export: Path, *selection: str) -> Path:
    imported = export.with_suffix(".jsonld")
    run = cn_import(fmt, export, *selection, "-q", "-o", imported)
    assert run.code == 0, run.err
    return imported


def _event(document: dict[str, Any]) -> dict[str, Any]:
    return next(
        n
        for n in document["@graph"]
        if str(n["@id"]).startswith("urn:comet-cn:import:") and n.get("@type") == "OffsettingEvent"
    )


def _refusal(run: Run, output: Path) -> str:
    """The one line of a refused merge; nothing was written."""
    assert run.code == 2, (run.out, run.err)
    assert not output.exists()
    # cn-import's summary line per file (what was read) may come first; the refusal is one line.
    lines = [line for line in run.err.strip().splitlines() if ": error: " in line]
    assert len(lines) == 1 and run.err.strip().endswith(lines[0]), run.err
    return lines[0]


# ---- 1. a retirement the registry records for another beneficiary is not merged as the claimant's ----


def test_verra_retirement_for_another_beneficiary_is_refused_by_merge_for_claimant(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    export = verra(tmp_path / "vcus.csv", "Example Logistics AG", "Retired on behalf of Example Logistics AG, CY2024")
    imported = _imported(cn_import, "verra", export)  # no selection: the import keeps the beneficiary verbatim
    merged = tmp_path / "merged.jsonld"
    line = _refusal(cn_merge(CLAIM, imported, "--replace", CLAIM_EVENT, "--for-claimant", "-o", merged), merged)
    assert line.startswith("cn-merge: error: vcus.jsonld: ")
    for named in (VERRA_SERIAL, "vcus.csv:2", "'Example Logistics AG'", "ex:acme", f"'{ACME}'", "§11.4 e"):
        assert named in line


def test_car_note_naming_another_buyer_is_refused_though_the_account_holder_is_the_claimant(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    details = (
        "Retirement of environmental credits on behalf of Other Buyer Inc for Consumption Period 01/01/2024-12/31/2024"
    )
    export = car(tmp_path / "car.csv", ACME, "On Behalf of Third Party", details)
    imported = _imported(cn_import, "car", export)
    merged = tmp_path / "merged.jsonld"
    line = _refusal(cn_merge(CLAIM, imported, "--replace", CLAIM_EVENT, "--for-claimant", "-o", merged), merged)
    for named in (CAR_SERIAL, "car.csv:2", "'Other Buyer Inc'", "ex:acme", f"'{ACME}'"):
        assert named in line


def test_selecting_another_beneficiary_into_the_claim_is_refused(cn_import: Callable[..., Run], tmp_path: Path) -> None:
    export = verra(tmp_path / "vcus.csv", "Example Logistics AG")
    merged = tmp_path / "merged.jsonld"
    selection = ("--beneficiary", "example logistics ag", "-q")
    run = cn_import("verra", export, *selection, "--into", CLAIM, "--replace", CLAIM_EVENT, "-o", merged)
    assert "'Example Logistics AG'" in _refusal(run, merged)


def test_library_merge_refuses_another_beneficiary(tmp_path: Path) -> None:
    result = import_records("verra", verra(tmp_path / "vcus.csv", "Example Logistics AG"))
    with pytest.raises(InputError, match="'Example Logistics AG', not for the claiming entity ex:acme"):
        merge(CLAIM, [result], event=CLAIM_EVENT, for_claimant=True)
    # Without the user's statement nothing is linked, as before: CN-RET-02 asks who the credits were retired for.
    event = _event(merge(CLAIM, [result], event=CLAIM_EVENT))
    assert "retiredOnBehalfOf" not in event


@pytest.mark.parametrize(
    "written",
    [
        "ACME CERAMICS GMBH",
        "  Acme   Ceramics  GmbH ",
        "Acme Ceramics, G.m.b.H.",
        "Acme-Ceramics GmbH",
        "Retired on behalf of Acme Ceramics GmbH",  # a sentence in the beneficiary field
    ],
)
def test_the_claimants_name_written_otherwise_still_merges(
    written: str, cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    imported = _imported(cn_import, "verra", verra(tmp_path / "vcus.csv", written))
    run = cn_merge(CLAIM, imported, "--replace", CLAIM_EVENT, "--for-claimant")
    assert run.code == 0, run.err
    assert _event(run.json())["retiredOnBehalfOf"] == "ex:acme"


def test_selection_by_beneficiary_tolerates_punctuation_but_not_a_part_of_the_name(tmp_path: Path) -> None:
    export = verra(tmp_path / "vcus.csv", ACME)
    assert import_records("verra", export, beneficiary="ACME Ceramics, G.m.b.H.").selected == 1
    assert import_records("verra", export, beneficiary="Acme Ceramics").selected == 0


@pytest.mark.parametrize("written", ["", "Not Disclosed"])
def test_a_blank_beneficiary_is_not_refused(
    written: str, cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    imported = _imported(cn_import, "verra", verra(tmp_path / "vcus.csv", written, "CY2024"))
    run = cn_merge(CLAIM, imported, "--replace", CLAIM_EVENT, "--for-claimant")
    assert run.code == 0, run.err
    assert _event(run.json())["retiredOnBehalfOf"] == "ex:acme"


def test_the_field_decides_over_a_note_naming_someone_else(tmp_path: Path) -> None:
    # As when rows are selected: the registry's field is the beneficiary (the import warns about the note).
    result = import_records("verra", verra(tmp_path / "vcus.csv", ACME, "Retired on behalf of Example Foods SA"))
    assert any("the note names 'Example Foods SA'" in w for w in result.warnings)
    event = _event(merge(CLAIM, [result], event=CLAIM_EVENT, for_claimant=True))
    assert event["retiredOnBehalfOf"] == "ex:acme"


def _claim_with_entity(**names: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if node["@id"] == "ex:acme":
            node.pop("label")
            node.update(copy.deepcopy(names))
    return document


def test_an_alt_label_says_the_recorded_name_is_the_claimants(tmp_path: Path) -> None:
    result = import_records("verra", verra(tmp_path / "vcus.csv", "Acme Keramik"))
    with pytest.raises(InputError, match="add that name to ex:acme as altLabel"):
        merge(CLAIM, [result], event=CLAIM_EVENT, for_claimant=True)
    claim = _claim_with_entity(label=ACME, altLabel=["Acme Keramik"])
    assert _event(merge(claim, [result], event=CLAIM_EVENT, for_claimant=True))["retiredOnBehalfOf"] == "ex:acme"


def test_a_claimant_without_a_name_cannot_be_matched_and_is_refused(tmp_path: Path) -> None:
    result = import_records("verra", verra(tmp_path / "vcus.csv", ACME))
    with pytest.raises(InputError, match="the claiming entity ex:acme has no label"):
        merge(_claim_with_entity(), [result], event=CLAIM_EVENT, for_claimant=True)
    # A registry that names nobody needs no name to compare with.
    anonymous = import_records("verra", verra(tmp_path / "blank.csv", ""))
    merged = merge(_claim_with_entity(), [anonymous], event=CLAIM_EVENT, for_claimant=True)
    assert _event(merged)["retiredOnBehalfOf"] == "ex:acme"


def test_the_claimant_named_by_its_full_iri_is_found(tmp_path: Path) -> None:
    claim: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    claim["@graph"][0]["claimedBy"] = "https://example.org/acme/acme"  # the node's @id is ex:acme
    other = import_records("verra", verra(tmp_path / "other.csv", "Example Logistics AG"))
    with pytest.raises(InputError, match=r"https://example\.org/acme/acme \('Acme Ceramics GmbH'\)"):
        merge(claim, [other], event=CLAIM_EVENT, for_claimant=True)
    own = import_records("verra", verra(tmp_path / "own.csv", ACME))
    assert _event(merge(claim, [own], event=CLAIM_EVENT, for_claimant=True))["retiredOnBehalfOf"]


def test_a_workbook_claim_is_checked_against_its_entity_label(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    claim = tmp_path / "claim.xlsx"
    workbook_from_document(json.loads(CLAIM.read_text(encoding="utf-8")), claim)
    other = _imported(cn_import, "verra", verra(tmp_path / "other.csv", "Example Logistics AG"))
    merged = tmp_path / "merged.xlsx"
    assert "'Example Logistics AG'" in _refusal(cn_merge(claim, other, "--for-claimant", "-o", merged), merged)
    own = _imported(cn_import, "verra", verra(tmp_path / "own.csv", ACME.upper()))
    assert cn_merge(claim, own, "--for-claimant", "-o", merged).code == 0


# ---- 2. a Checklist item answered yes on one row and no on another ----

REPORT_W = ("ex:report-2024", "includesReportElement", "ReportElement_w", "§12 w) the verification opinion")


def _workbook(path: Path, *extra: tuple[str, ...], sheet: str = "Checklist") -> Path:
    """The conforming example as a claim workbook, with ``extra`` rows added at the end of ``sheet``."""
    workbook_from_document(json.loads(CLAIM.read_text(encoding="utf-8")), path)
    book = openpyxl.load_workbook(path)
    for row in extra:
        book[sheet].append(list(row))
    book.save(path)
    return path


def _row_of(path: Path, holder: str, item: str) -> int:
    table = openpyxl.load_workbook(path, read_only=True)["Checklist"]
    for number, row in enumerate(table.iter_rows(values_only=True), start=1):
        if row[0] == holder and row[2] == item:
            return number
    raise AssertionError(f"no row for {holder} {item}")


def test_an_item_answered_yes_and_no_is_refused_naming_both_rows(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = _workbook(tmp_path / "claim.xlsx", (*REPORT_W, "no"))
    first = _row_of(path, "ex:report-2024", "ReportElement_w")
    last = openpyxl.load_workbook(path)["Checklist"].max_row
    with pytest.raises(InputError) as refused:
        read_workbook(path)
    said = refused.value.problem
    assert f"sheet 'Checklist' rows {first} and {last}" in said and "'ReportElement_w'" in said
    assert "ex:report-2024" in said and "yes and no" in said
    run = cli(path, "--as-of", AS_OF)
    assert run.code == 2 and "CONFORMS" not in run.out.replace("DOES NOT CONFORM", "")
    assert len(run.err.strip().splitlines()) == 1 and f"rows {first} and {last}" in run.err


def test_no_before_yes_is_refused_too(tmp_path: Path) -> None:
    # The duplicate "yes" written after a row answering "no" (the order a last-wins reader would get wrong too).
    path = _workbook(tmp_path / "claim.xlsx")
    book = openpyxl.load_workbook(path)
    table = book["Checklist"]
    table.cell(row=_row_of(path, "ex:report-2024", "ReportElement_w"), column=5, value="No")
    table.append([*REPORT_W, "yes", "https://example.org/acme/evidence/report.pdf", "23"])
    book.save(path)
    with pytest.raises(InputError, match=r"answer item 'ReportElement_w' .* no and yes"):
        read_workbook(path)


def test_a_blank_id_row_for_the_only_report_contradicts_a_named_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "claim.xlsx", ("", "", "ReportElement_w", "", "no"))
    with pytest.raises(InputError, match="'ReportElement_w'"):
        read_workbook(path)


def test_the_same_answer_twice_is_accepted(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = _workbook(tmp_path / "claim.xlsx", (*REPORT_W, "Yes"))
    run = cli(path, "--as-of", AS_OF)
    assert run.code == 0 and "CONFORMS" in run.out, run.out + run.err


def test_a_blank_id_no_row_that_fits_several_credits_contradicts_nothing(tmp_path: Path) -> None:
    # The template's blank block of credit criteria, left at "no", names no one of the example's three credits.
    path = _workbook(tmp_path / "claim.xlsx", ("", "meetsCriterion", "Real", "", "no"))
    claim = read_workbook(path)
    credit = next(n for n in claim.document["@graph"] if n["@id"] == "ex:credit-wind")
    assert "Real" in credit["meetsCriterion"]


def test_a_prefix_given_two_namespaces_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "claim.xlsx", ("ex", "https://example.org/other/"), sheet="Prefixes")
    with pytest.raises(InputError, match="sheet 'Prefixes' rows 3 and 4 give the prefix 'ex' two namespaces"):
        read_workbook(path)
    same = _workbook(tmp_path / "same.xlsx", ("ex", "https://example.org/acme/"), sheet="Prefixes")
    assert read_workbook(same).document["@graph"]
