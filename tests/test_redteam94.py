"""Red team 94 and the closing notes of round 93: a workbook's totals row written as "Total (t CO2e)", "Total
offsets" or "Total emissions 2024", or as a bare =SUM of the column above, was read as one more node (a credit of
the sum's tonnes, an emission with no id) instead of being refused on its cell."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.audits import run_audits
from comet_cn.errors import InputError
from comet_cn.importers import import_records
from comet_cn.importers.merging import merge
from comet_cn.workbook import read_workbook
from tests.conftest import (
    ENGINES,
    EXAMPLES,
    Run,
    conforming_workbook,
    edited,
    example,
    rule_messages,
    violated_rules,
    workbook_data,
)

AS_OF = date(2026, 12, 1)
CLAIM = "conforming-claim.jsonld"


def _headers(sheet: Any) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def _with_row(sheet_name: str, cells: dict[str, Any]) -> tuple[bytes, int]:
    """The conforming workbook with one more row on ``sheet_name``, and that row's number."""
    book = conforming_workbook()
    sheet = book[sheet_name]
    headers = _headers(sheet)
    row = sheet.max_row + 1
    for column, value in cells.items():
        sheet.cell(row=row, column=headers.index(column) + 1).value = value
    return workbook_data(book), row


@pytest.mark.parametrize(
    ("sheet", "cells"),
    [
        ("Credits", {"label": "Total (t CO2e)", "tonnesCO2e": 12500}),
        ("Credits", {"label": "Total offsets", "tonnesCO2e": 12500}),
        ("Credits", {"label": "Total (tCO2e):", "tonnesCO2e": 12500}),
        ("Emissions and removals", {"label": "Total emissions 2024", "tonnesCO2e": 20000}),
        ("Emissions and removals", {"label": "Total for 2024", "tonnesCO2e": 20000}),
    ],
)
def test_a_totals_row_in_the_words_people_write_is_refused_on_its_cell(sheet: str, cells: dict[str, Any]) -> None:
    data, row = _with_row(sheet, cells)
    with pytest.raises(InputError, match=rf"sheet '{sheet}' cell [A-Z]+{row}: row {row} is a total") as error:
        read_workbook(Path("claim.xlsx"), data=data)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("label", ["Total Energies SE offsets 2024", "Totalizer plant removals"])
def test_a_node_whose_label_begins_like_a_total_is_read(label: str) -> None:
    data, _ = _with_row("Credits", {"id": "ex:credit-extra", "label": label, "tonnesCO2e": 5})
    claim = read_workbook(Path("claim.xlsx"), data=data)
    assert any(node["@id"] == "ex:credit-extra" for node in claim.document["@graph"])


def _stored(data: bytes, sheet_part_has: str, reference: str, result: str) -> bytes:
    """``data`` with the formula in ``reference`` given ``result`` as its stored result, as a spreadsheet program
    saves it (openpyxl stores none), on the worksheet part whose XML holds ``sheet_part_has``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/") and sheet_part_has.encode() in part:
                text = re.sub(
                    rf'<c r="{reference}"( [^>]*)?><f>(.*?)</f><v\s*/?>(</v>)?',
                    lambda m: f'<c r="{reference}"><f>{m.group(2)}</f><v>{result}</v>',
                    part.decode("utf-8"),
                )
                part = text.encode("utf-8")
            elif info.filename == "xl/workbook.xml":
                part = part.replace(b' fullCalcOnLoad="1"', b"")
            out.writestr(info, part)
    return target.getvalue()


def _credits_formula(formula: str) -> tuple[bytes, str]:
    """The conforming workbook with a row under the credits holding ``formula`` (its result stored) as its
    quantity, and the cell's reference."""
    book = conforming_workbook()
    sheet = book["Credits"]
    column = _headers(sheet).index("tonnesCO2e") + 1
    row = sheet.max_row + 1
    cell = sheet.cell(row=row, column=column)
    cell.value = formula.format(letter=cell.column_letter, last=row - 1)
    sheet.cell(row=row, column=1).value = "ex:credit-row"
    data = workbook_data(book)
    return _stored(data, "ex:credit-row", cell.coordinate, "12500"), cell.coordinate


@pytest.mark.parametrize("formula", ["=SUM({letter}3:{letter}{last})", "=SUBTOTAL(9,${letter}$3:${letter}${last})"])
def test_a_bare_sum_of_the_column_above_is_refused_as_a_totals_row(formula: str) -> None:
    # Before: read as a credit of the sum's tonnes, never retired, with no finding saying why.
    data, reference = _credits_formula(formula)
    with pytest.raises(InputError, match=rf"sheet 'Credits' cell {reference} .*sums the cells above it") as error:
        read_workbook(Path("claim.xlsx"), data=data)
    assert "\n" not in str(error.value)


def test_a_quantity_computed_by_another_formula_is_read_as_its_result() -> None:
    # The twin: a formula that is not a total of the column above (a lot of 2 x 6250 t) is read as its result.
    data, _ = _credits_formula("=2*6250")
    claim = read_workbook(Path("claim.xlsx"), data=data)
    [row] = [node for node in claim.document["@graph"] if node["@id"] == "ex:credit-row"]
    assert "12500" in str(row)


@pytest.mark.parametrize(("header", "problem"), [("id", "is the node's id"), ("label", "appears twice")])
def test_a_copied_column_is_refused_naming_its_sheet_and_cell(header: str, problem: str) -> None:
    # Before: a second column headed id made the claim "not valid JSON-LD (colliding keywords)", naming no sheet.
    book = conforming_workbook()
    sheet = book["Credits"]
    column = len(_headers(sheet)) + 1
    sheet.cell(row=1, column=column, value=header)
    sheet.cell(row=3, column=column, value="ex:credit-copy")
    with pytest.raises(InputError, match=rf"sheet 'Credits' cell [A-Z]+1: the column '{header}' {problem}") as error:
        read_workbook(Path("claim.xlsx"), data=workbook_data(book))
    assert "\n" not in str(error.value)


# ---- CN-AUDIT-CLAIM-01: an undated claim is judged at its period's end, and the message says so ----


@pytest.mark.rule("CN-AUDIT-CLAIM-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("dated", "said"), [(True, "(made 2024-05-15)"), (False, "(undated; its period ends 2023-12-31)")]
)
@pytest.mark.parametrize(
    "withdrawal",
    [{"@id": "ex:commitment", "prov:invalidatedAtTime": "2023-06-01"},
     # PROV-O's qualified form of the same statement (red team 95b)
     {"@id": "ex:commitment", "prov:qualifiedInvalidation": {"prov:atTime": "2023-06-01"}}],
)  # fmt: skip
def test_the_withdrawal_audit_says_whether_the_claim_states_its_date(
    tmp_path: Path, backend: str, dated: bool, said: str, withdrawal: dict[str, Any]
) -> None:
    # Before: "made 2023-12-31" for a claim that states no date, a day it was never made.
    first = json.loads((EXAMPLES / "multi-period" / "acme-2023.jsonld").read_text(encoding="utf-8"))
    if not dated:
        for node in first["@graph"]:
            node.pop("claimDate", None)
    text = (EXAMPLES / "multi-period" / "acme-2024.jsonld").read_text(encoding="utf-8")
    second = json.loads(text.replace('"ex:plan"', '"ex:plan-2024"').replace('"ex:commitment"', '"ex:commitment-2024"'))
    second["@graph"].append(withdrawal)
    paths = [tmp_path / "acme-2023.jsonld", tmp_path / "acme-2024.jsonld"]
    for path, document in zip(paths, (first, second), strict=True):
        path.write_text(json.dumps(document), encoding="utf-8")
    found = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-CLAIM-01"]  # type: ignore[arg-type]
    assert len(found) == 1 and said in found[0].message, [f.message for f in found]


# ---- CN-CLAIM-06: a document named as the verifier by its web address spelt another way ----
# Before: "http://example.org/acme/report-2024" as the verifier of the report https://example.org/acme/report-2024
# passed (the document check compared the IRI exactly; the party check already read such spellings).

REPORT = "https://example.org/acme/report-2024"


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "spelt",
    [REPORT.replace("https://", "http://"), REPORT + "/", REPORT.replace("example.org", "EXAMPLE.org"),
     REPORT.replace("https://", "https://www."), "https://example.org/acme/plan/"],
)  # fmt: skip
def test_a_document_named_as_the_verifier_in_another_spelling_is_refused(engine: str, spelt: str) -> None:
    document = edited(example(CLAIM), ("ex:opinion-2024", "verifiedBy", {"@value": spelt}))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any("a document" in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "verifier",
    [
        "https://example.org/acme/report-2024-verifier",
        "https://example.org/ACME/report-2024",
        "http://verifier.example",
    ],
)
def test_a_verifier_whose_address_is_no_documents_conforms(engine: str, verifier: str) -> None:
    # The twins: another path (a path's letter case is its own), or another host, names no document of the claim.
    document = edited(example(CLAIM), ("ex:opinion-2024", "verifiedBy", {"@value": verifier}))
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- PACT: a reference period written as a local midnight in UTC ----


def _pact_period(tmp_path: Path, start: str, end: str) -> tuple[str, str]:
    record = {
        "id": "aaaaaaaa-0000-4000-8000-000000000009", "specVersion": "3.0.0", "status": "Active",
        "companyName": "Example Ceramics GmbH", "productIds": ["urn:example:product:terra"],
        "productNameCompany": "Example terra",
        "pcf": {
            "declaredUnitOfMeasurement": "kilogram", "declaredUnitAmount": "1", "referencePeriodStart": start,
            "referencePeriodEnd": end, "pcfExcludingBiogenicUptake": "0.5", "fossilGhgEmissions": "0.5",
            "crossSectoralStandards": ["ISO14067"],
        },
    }  # fmt: skip
    path = tmp_path / "pact.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_records("pact", path, quantity=Decimal(1000))
    [period] = [node for node in result.nodes if "reportingPeriodStart" in node]
    return str(period["reportingPeriodStart"]), str(period["reportingPeriodEnd"])


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        # Berlin's 2024 written in UTC: before, read as from 2023-12-31, and the claim for 2024 was refused.
        ("2023-12-31T23:00:00Z", "2024-12-31T23:00:00Z", ("2024-01-01", "2024-12-31")),
        ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", ("2024-01-01", "2024-12-31")),
        ("2024-01-01T05:00:00Z", "2025-01-01T05:00:00Z", ("2024-01-01", "2024-12-31")),  # New York's
        ("2024-01-01T00:00:00+01:00", "2025-01-01T00:00:00+01:00", ("2024-01-01", "2024-12-31")),
        ("2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z", ("2024-01-01", "2024-12-31")),
        ("2023-12-31T23:00:00Z", "2024-06-30T22:00:00Z", ("2024-01-01", "2024-06-30")),
    ],
)
def test_a_pact_period_is_read_as_whole_days_from_its_nearest_midnights(
    tmp_path: Path, start: str, end: str, period: tuple[str, str]
) -> None:
    assert _pact_period(tmp_path, start, end) == period


# ---- Registry exports: a serial kept as text by Excel's ="…" is the serial ----
# Before: a Verra or Gold Standard serial re-saved as ="20031-…" was kept as written, its units never compared, and
# one block retired twice (once escaped) counted twice, or retired for another party and for the claimant passed.

VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
VERRA_SERIAL = "20031-970000001-970012450-VCS-VCU-1600-VER-MW-3-98816-01012023-31122023-1"


def _verra_row(serial: str, beneficiary: str = "Acme Ceramics GmbH", details: str = "") -> str:
    return (
        "2024-11-20,,2023-01-01,2023-12-31,98816,Example Cookstoves Malawi,Malawi,Energy demand,VMR0006,"
        f'"96,400",12450,{serial},,2025-03-20,{beneficiary},Environmental Benefit,{details}'
    )


def _verra_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "verra.csv"
    path.write_text("\n".join((VERRA_HEADER, *rows)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("escaped", [f'"=""{VERRA_SERIAL}"""', f'="{VERRA_SERIAL}"'])
def test_an_excel_escaped_serial_is_read_as_its_text(tmp_path: Path, escaped: str) -> None:
    result = import_records("verra", _verra_file(tmp_path, _verra_row(escaped)))
    serials = [node.get("serialNumber") for node in result.nodes if node.get("@type") == "CarbonCredit"]
    assert serials == [VERRA_SERIAL], serials


def test_a_block_retired_for_another_party_and_again_escaped_is_refused(tmp_path: Path) -> None:
    escaped = f'"=""{VERRA_SERIAL}"""'
    path = _verra_file(tmp_path, _verra_row(escaped, "Beta Foods Ltd"), _verra_row(escaped))
    with pytest.raises(InputError, match="used once"):
        import_records("verra", path, beneficiary="Acme Ceramics GmbH")


# ---- Registry notes: the year the emissions are of, in the words people write ----
# Before: each left the event with the 2024 claim's period (only a warning) when the year was also the credits'
# vintage, and the claim conformed on credits retired for 2023.


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Offsetting Acme Ceramics GmbH's emissions for the year ended 31 December 2023", False),
        ("for reporting year 2023", False),
        ("Emissions Jan-Dec 2023", False),
        ("Emissionen Geschäftsjahr 2023", False),
        ("compensation des émissions de l'exercice 2023", False),
        ("2023 Scope 1 & 2", False),
        ("Scope 1 and 2 emissions 2023", False),
        ("for reporting year 2024", True),
        ("Vintage 2023 credits retired for Acme", True),  # the vintage alone names no period
    ],
)
def test_a_note_naming_the_year_of_the_emissions_in_other_words_leaves_the_event_without_a_period(
    tmp_path: Path, note: str, kept: bool
) -> None:
    result = import_records("verra", _verra_file(tmp_path, _verra_row(VERRA_SERIAL, details=f'"{note}"')))
    warnings: list[str] = []
    document = merge(
        EXAMPLES / "conforming-claim.jsonld", [result], event="ex:retirement-2025-03", for_claimant=True,
        warnings=warnings,
    )  # fmt: skip
    (event,) = [node for node in document["@graph"] if node.get("@id") in result.events]
    assert ("hasReportingPeriod" in event) is kept, warnings
    assert any("the event is left without a period" in warning for warning in warnings) is not kept


# ---- CN-CLAIM-01: a commitment's dates in PROV-O's qualified form ----
# Before: the example's commitment withdrawn on 2025-03-01 (before the claim of 2025-05-15), or issued on 2025-09-01
# (after it), written with prov:qualifiedInvalidation / prov:qualifiedGeneration, conformed: only the short forms
# prov:invalidatedAtTime and prov:generatedAtTime were read.


def _qualified(key: str, when: str, kind: str = "prov:atTime") -> dict[str, Any]:
    # As xsd:date: a date-time sends the claim to the reference engine (pyshacl-turbo compares it with dates).
    node: dict[str, Any] = {kind: {"@value": when, "@type": "xsd:date" if "-" in when else "xsd:string"}}
    if key == "prov:wasInvalidatedBy":
        node["@type"] = "prov:Activity"
    return edited(example(CLAIM), ("ex:commitment", key, node))


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "when", "kind", "reported"),
    [
        ("prov:qualifiedInvalidation", "2025-03-01", "prov:atTime", True),
        ("prov:qualifiedInvalidation", "2025-06-01", "prov:atTime", False),
        ("prov:wasInvalidatedBy", "2025-03-01", "prov:endedAtTime", True),
        ("prov:wasInvalidatedBy", "2025-06-01", "prov:endedAtTime", False),
        ("prov:qualifiedGeneration", "2025-09-01", "prov:atTime", True),
        ("prov:qualifiedGeneration", "2024-09-01", "prov:atTime", False),
        ("prov:qualifiedInvalidation", "01/03/2025", "prov:atTime", True),  # unreadable: refused, not skipped
    ],
)
def test_a_commitments_dates_in_provs_qualified_form_are_read(
    engine: str, key: str, when: str, kind: str, reported: bool
) -> None:
    document = _qualified(key, when, kind)
    assert violated_rules(document, engine, as_of=AS_OF) == ({"CN-CLAIM-01"} if reported else set())


# ---- CN-AUDIT-ID-08: one emission reduction given two sizes or achievement dates by a subject's claims ----


@pytest.mark.rule("CN-AUDIT-ID-08")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [("tonnesCO2e", "3000.0", "emission reduction (tonnesCO2e)"),
     ("achievementDate", "2024-01-01", "emission reduction achieved (achievementDate)"),
     (None, None, None)],
)  # fmt: skip
def test_a_reduction_given_another_size_or_date_by_a_later_claim_is_reported(
    tmp_path: Path, backend: str, key: str | None, value: str | None, kind: str | None
) -> None:
    # Before: the 2024 claim's input gave the 2022 claim's reduction twice its size (and the example itself three
    # achievement dates), and no audit said so.
    paths = []
    for year in ("2022", "2024"):
        document = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
        if year == "2024" and key is not None:
            document = edited(document, ("ex:reduction-green-electricity", key, value))
        paths.append(tmp_path / f"acme-{year}.jsonld")
        paths[-1].write_text(json.dumps(document), encoding="utf-8")
    found = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-ID-08"]  # type: ignore[arg-type]
    if kind is None:
        assert not found, [f.message for f in found]
    else:
        assert len(found) == 1 and kind in found[0].message, [f.message for f in found]
        assert found[0].focus_node == "https://example.org/acme/reduction-green-electricity"


# ---- Credits (red team 97b) ----

VERRA_CREDIT = "31207-400000001-400006000-VCS-VCU-1234-VER-KE-14-47101-{first}-{last}-0"


@pytest.mark.rule("CN-EXPOST-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("first", "last", "reported"),
    [("01072024", "30062025", True), ("01012025", "31122025", True), ("01012024", "31122024", False),
     ("01042024", "20032025", False)],  # ended on the retirement's day: conforms
)  # fmt: skip
def test_a_credit_retired_before_its_serials_vintage_ended_is_not_ex_post(
    engine: str, first: str, last: str, reported: bool
) -> None:
    # Before: a Verra vintage of July 2024 to June 2025 retired on 2025-03-20 conformed: CN-EXPOST-01 compared years.
    serial = VERRA_CREDIT.format(first=first, last=last)
    year = last[-4:]
    document = edited(
        example(CLAIM),
        ("ex:credit-wind", "serialNumber", serial),
        ("ex:credit-wind", "vintageEndYear", year),
        ("ex:credit-wind", "issuanceYear", year),
    )
    messages = rule_messages(document, engine, "CN-EXPOST-01", as_of=AS_OF)
    assert bool(messages) is reported, messages
    if reported:
        assert any("after its retirement on 2025-03-20" in m for m in messages), messages


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("tail", [" - 0", " - 1", "-0"])
def test_a_verra_serial_copied_with_spaces_before_its_flag_is_no_placeholder(engine: str, tail: str) -> None:
    # Before: "…-31122022 - 0" (a serial copied from a PDF) was read as a label and the placeholder "0".
    serial = VERRA_CREDIT.format(first="01012022", last="31122022")[:-2] + tail
    document = edited(example(CLAIM), ("ex:credit-wind", "serialNumber", serial))
    assert "CN-INPUT-04" not in violated_rules(document, engine, as_of=AS_OF)


# ---- CN-CLAIM-06: the verifier of the claimant's group by schema.org or the W3C Organization Ontology ----
# Before: a verifier declared the claimant's subsidiary with schema:parentOrganization or org:subOrganizationOf, the
# claimant declaring it a schema:subOrganization, or the claimant's employee (schema:worksFor) conformed: only
# comet-cn:partOfOrganization was read.

ORG = "http://www.w3.org/ns/org#"


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("holder", "key", "other"),
    [("ex:verifier", "http://schema.org/parentOrganization", "ex:acme"),
     ("ex:verifier", "https://schema.org/parentOrganization", "ex:acme"),
     ("ex:verifier", ORG + "subOrganizationOf", "ex:acme"),
     ("ex:verifier", "http://schema.org/worksFor", "ex:acme"),
     ("ex:acme", "http://schema.org/subOrganization", "ex:verifier"),
     ("ex:acme", ORG + "hasSubOrganization", "ex:verifier")],
)  # fmt: skip
def test_a_verifier_of_the_claimants_group_in_another_vocabulary_is_refused(
    engine: str, holder: str, key: str, other: str
) -> None:
    document = example(CLAIM)
    [node] = [n for n in document["@graph"] if n["@id"] == holder]
    node[key] = {"@id": other}
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_of_its_own_group_in_another_vocabulary_conforms(engine: str) -> None:
    # The twin: the verifier's own parent, no part of the claimant's group.
    document = example(CLAIM)
    [node] = [n for n in document["@graph"] if n["@id"] == "ex:verifier"]
    node["http://schema.org/parentOrganization"] = {"@id": "ex:verification-group"}
    document["@graph"].append({"@id": "ex:verification-group", "@type": "Organization", "label": "Verif Group"})
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- The dossier states --unknown-terms warning (red team 98a) ----


@pytest.mark.parametrize("option", [(), ("--unknown-terms", "warning")])
def test_a_dossier_says_when_undefined_terms_were_only_warned_about(
    tmp_path: Path, cli: Callable[..., Run], option: tuple[str, ...]
) -> None:
    # Before: with --unknown-terms warning a misspelt "hasNonConformities" (its major non-conformity not read) gave a
    # page saying CONFORMS and "Rule settings: the defaults".
    document = example("violations/cn-claim-06-opinion-with-major-non-conformity.jsonld")
    text = json.dumps(document).replace('"hasNonConformity"', '"hasNonConformities"')
    claim = tmp_path / "claim.jsonld"
    claim.write_text(text, encoding="utf-8")
    page = tmp_path / "dossier.html"
    run = cli(claim, "--as-of", "2026-12-01", "-f", "html", "-o", page, *option)
    html = page.read_text(encoding="utf-8")
    if option:
        assert run.code == 0
        assert "Reading changed from the defaults, which the verdict depends on: --unknown-terms warning" in html
    else:
        assert run.code == 1 and "Reading changed" not in html
