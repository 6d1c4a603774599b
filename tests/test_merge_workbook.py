"""A claim workbook and two registry exports, imported, merged and checked as one: the workbook path of issue 13.

The claim is the conforming example without its offsetting event and credits, written as a claim workbook. The
credits come from a Verra and a Gold Standard export written here in the registries' column layout (the headers of
tests/fixtures/imports/). Imported retirements land as rows of the merged workbook's Offsetting events and Credits
sheets, with the export's file:row in their dcterms:source column, so a finding names the row and the row its origin.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rdflib.compare import isomorphic

import comet_cn
from comet_cn import RuleParameters
from comet_cn.errors import InputError
from comet_cn.importers import PROVENANCE, import_records, merge, read_import
from comet_cn.workbook import CHECKLIST, read_workbook, workbook_from_document
from tests.conftest import EXAMPLES, ROOT, Run

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
ACME = "Acme Ceramics GmbH"
AS_OF = "2025-06-01"  # after the period (2024) and the retirements: verdicts do not depend on today
PARAMETERS = RuleParameters(as_of=date.fromisoformat(AS_OF))
CRITERIA = ("meetsCriterion", "meetsProgrammeCriterion")

# 8,000 t (vintage 2023) and 5,000 t (vintage 2024) for Acme: together more than the 12,450 t footprint.
VERRA_ROW = (
    "2024-06-20,,2023-01-01,2023-12-31,98831,Example Landfill Gas Brazil,Brazil,Waste handling and disposal,ACM0001,"
    '"120,000","8,000",20041-970100001-970108000-VCS-VCU-1600-VER-BR-13-98831-01012023-31122023-0,'
    "GHG Emissions Reductions,2025-03-10,Acme Ceramics GmbH,Environmental Benefit,"
    "Retired on behalf of Acme Ceramics GmbH"
)
GOLD_STANDARD_ROW = (
    "{vintage},Retired,5000,98842,Example Solar Cookers India,Example Cookers Pvt Ltd,India,VER,Cookstoves,TPDDTEC,"
    ",,2025-01-15,{retired},{vintage}-01-01,{vintage}-06-30,GS1-1-IN-GS98842-12-{vintage}-40201-1-5000,"
    "Retired on behalf of Acme Ceramics GmbH,,Emission Reduction,Voluntary,Acme Ceramics GmbH,Not Applicable"
)


def _header(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8").splitlines()[0]


def _exports(
    folder: Path,
    *,
    vintage: str = "2024",
    retired: str = "2025-02-03",
    names: tuple[str, str] = ("verra.csv", "gs.csv"),
) -> tuple[Path, Path]:
    """A Verra and a Gold Standard export for Acme; the Gold Standard row's vintage and retirement date as given."""
    verra = folder / names[0]
    verra.write_text(f"{_header('verra/vcus.csv')}\n{VERRA_ROW}\n", encoding="utf-8")
    gold = folder / names[1]
    row = GOLD_STANDARD_ROW.format(vintage=vintage, retired=retired)
    gold.write_text(f"{_header('gold-standard/retirements.csv')}\n{row}\n", encoding="utf-8")
    return verra, gold


def _claim_workbook(path: Path, edit: tuple[str, str, str, str] | None = None) -> Path:
    """The conforming example without its retirements, as a claim workbook; ``edit`` types (sheet, id, column,
    text) into it as a person would."""
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    removed = {"ex:retirement-2025-03", "ex:credit-wind", "ex:credit-cookstoves", "ex:credit-biochar"}
    document["@graph"] = [node for node in document["@graph"] if node["@id"] not in removed]
    del document["@graph"][0]["hasOffsettingEvent"]
    workbook_from_document(document, path)
    if edit is not None:
        sheet, node, column, text = edit
        _set(path, sheet, lambda row: row[0].value == node, column, text)
    return path


def _set(path: Path, sheet: str, which: Callable[[Any], bool], column: str, text: str) -> int:
    """Type ``text`` into ``column`` of the row ``which`` picks; that row's number."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    headers = [cell.value for cell in table[1]]
    row = next(r[0].row for r in table.iter_rows(min_row=3) if which(r))
    table.cell(row=row, column=headers.index(column) + 1, value=text)
    book.save(path)
    return row


def _tick_criteria(path: Path) -> int:
    """What no registry export states and the user ticks after the merge: the credit and programme criteria of
    the imported nodes (their Checklist rows are written with included "no")."""
    book = openpyxl.load_workbook(path)
    ticked = 0
    for row in book[CHECKLIST].iter_rows(min_row=3):
        if row[1].value in CRITERIA and row[4].value == "no":
            row[4].value = "yes"
            ticked += 1
    book.save(path)
    return ticked


def _rows(path: Path, sheet: str) -> dict[str, int]:
    """The rows of a sheet of the workbook by their dcterms:source (the export's file:row), one per line."""
    table = openpyxl.load_workbook(path, read_only=True)[sheet]
    values = list(table.iter_rows(values_only=True))
    column = list(values[0]).index(PROVENANCE)
    found: dict[str, int] = {}
    for number, row in enumerate(values[2:], start=3):
        for place in str(row[column] or "").splitlines():
            found[place] = number
    return found


# ---- the command line: cn-import, cn-merge claim.xlsx, cn-validate merged.xlsx ----


def test_workbook_and_two_exports_merged_by_the_cli_conform_together(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], cli: Callable[..., Run], tmp_path: Path
) -> None:
    claim = _claim_workbook(tmp_path / "claim.xlsx")
    verra, gold = _exports(tmp_path)
    selection = ("--beneficiary", ACME, "-q")
    # Verra's export has no adjustment column: the user states it; Gold Standard's "Not Applicable" says false.
    stated = ("--corresponding-adjustment", "no")
    assert cn_import("verra", verra, *selection, *stated, "-o", tmp_path / "v.jsonld").code == 0
    assert cn_import("gold-standard", gold, *selection, "-o", tmp_path / "gs.jsonld").code == 0
    merged = tmp_path / "merged.xlsx"
    # --for-claimant: the user states that the retirements were made for the claiming entity (CN-RET-02).
    run = cn_merge(claim, tmp_path / "v.jsonld", tmp_path / "gs.jsonld", "--for-claimant", "-o", merged)
    assert run.code == 0 and run.out == "", run.err

    # The imported retirements are ordinary rows, each saying which export row it came from.
    assert set(_rows(merged, "Credits")) == {"verra.csv:2", "gs.csv:2"}
    assert set(_rows(merged, "Offsetting events")) == {"verra.csv:2", "gs.csv:2"}
    # Before the criteria are ticked, the check asks for them on the Checklist rows of the imported credits.
    before = cli(merged, "--as-of", AS_OF)
    assert before.code == 1
    assert "CN-CRIT-01" in before.out and "cell:  sheet 'Checklist', row" in before.out
    assert _tick_criteria(merged) == 2 * 5 + 2 * 9  # two credits, two programmes
    after = cli(merged, "--as-of", AS_OF)
    assert after.code == 0, after.out
    assert "CONFORMS" in after.out


def test_merge_writes_the_form_the_output_suffix_or_format_names(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    claim = _claim_workbook(tmp_path / "claim.xlsx")
    verra, _ = _exports(tmp_path)
    imported = tmp_path / "v.jsonld"
    assert cn_import("verra", verra, "--beneficiary", ACME, "-q", "-o", imported).code == 0
    assert cn_merge(claim, imported, "-o", tmp_path / "merged.ttl").code == 0
    assert "@prefix" in (tmp_path / "merged.ttl").read_text(encoding="utf-8")
    assert cn_merge(claim, imported, "-f", "yaml", "-o", tmp_path / "merged.out").code == 0
    text = (tmp_path / "merged.out").read_text(encoding="utf-8")
    assert "\nprefixes:\n" in text and "dcterms:source: verra.csv:2" in text
    run = cn_merge(claim, imported)  # standard output: JSON-LD, as before
    assert run.code == 0 and any(n.get("dcterms:source") == "verra.csv:2" for n in run.json()["@graph"])
    # The same graph whichever form the merged claim is written in.
    assert cn_merge(claim, imported, "-o", tmp_path / "merged.xlsx").code == 0
    assert isomorphic(comet_cn.load(tmp_path / "merged.xlsx"), comet_cn.load(tmp_path / "merged.ttl"))


# ---- the library: import_records, merge(claim.xlsx), workbook_from_document, validate ----


def _merged_by_the_library(folder: Path, claim: Path, **gold: str) -> Path:
    verra, gs = _exports(folder, **gold)
    imports = [
        import_records("verra", verra, beneficiary=ACME, corresponding_adjustment=False),
        import_records("gold-standard", gs, beneficiary=ACME),
    ]
    merged = folder / "merged.xlsx"
    workbook_from_document(merge(claim, imports), merged)
    _tick_criteria(merged)
    return merged


def test_the_library_path_conforms_too(tmp_path: Path) -> None:
    merged = _merged_by_the_library(tmp_path, _claim_workbook(tmp_path / "claim.xlsx"))
    report = comet_cn.validate(merged, parameters=PARAMETERS)
    assert report.conforms, [(r.rule_id, r.location) for r in report.results]


@pytest.mark.rule("CN-VINT-01", "CN-RET-01")
@pytest.mark.parametrize(
    ("gold", "rule", "sheet"),
    [
        ({"vintage": "2018"}, "CN-VINT-01", "Credits"),  # more than five years before 2024
        ({"retired": "2026-02-03"}, "CN-RET-01", "Offsetting events"),  # over twelve months after 2024
    ],
    ids=["vintage-too-old", "retired-too-late"],
)
def test_a_bad_imported_row_is_found_on_its_row_of_the_merged_workbook(
    tmp_path: Path, gold: dict[str, str], rule: str, sheet: str
) -> None:
    merged = _merged_by_the_library(tmp_path, _claim_workbook(tmp_path / "claim.xlsx"), **gold)
    report = comet_cn.validate(merged, parameters=RuleParameters(as_of=date(2026, 6, 1)))
    assert not report.conforms
    (finding,) = [r for r in report.results if r.rule_id == rule]
    row = _rows(merged, sheet)["gs.csv:2"]  # the row holding the Gold Standard export's line 2
    assert finding.location is not None
    assert finding.location.startswith(f"sheet {sheet!r}, row {row}, ")
    assert report.rule_ids <= {rule, "CN-CLAIM-09"}  # the Verra row and the claim are fine


@pytest.mark.rule("CN-CLAIM-02")
def test_a_mistake_typed_in_the_claim_workbook_is_found_on_its_row_after_the_merge(tmp_path: Path) -> None:
    # Day and month swapped in the period's end: the finding names the cell the user typed it in.
    claim = _claim_workbook(tmp_path / "claim.xlsx", ("Period", "ex:period-2024", "reportingPeriodEnd", "2024-31-12"))
    typed = read_workbook(claim).cells[("https://example.org/acme/period-2024", "reportingPeriodEnd")]
    merged = _merged_by_the_library(tmp_path, claim)
    report = comet_cn.validate(merged, parameters=PARAMETERS)
    assert not report.conforms
    locations = {r.location for r in report.results if r.rule_id == "CN-CLAIM-02"}
    assert locations == {str(typed)}
    assert str(typed).startswith("sheet 'Period', row 3, column reportingPeriodEnd")


def test_imported_rows_keep_their_origin_through_the_workbook(tmp_path: Path) -> None:
    merged = _merged_by_the_library(tmp_path, _claim_workbook(tmp_path / "claim.xlsx"))
    graph = {n["@id"]: n for n in read_workbook(merged).document["@graph"]}
    sources = {str(n.get(PROVENANCE)) for n in graph.values() if n.get("@type") == "CarbonCredit"}
    assert sources == {"verra.csv:2", "gs.csv:2"}
    book = openpyxl.load_workbook(merged, read_only=True)
    headers = next(book["Credits"].iter_rows(max_row=2, values_only=True))
    notes = next(book["Credits"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert "registry export's file:row" in str(notes[list(headers).index(PROVENANCE)])


def _blocks(text: str, rule: str) -> list[str]:
    """The text report's finding blocks of a rule (from its VIOLATION line to its last indented line)."""
    found = re.findall(rf"^  VIOLATION {rule} .*?(?=^  \S|^\S|\Z)", text, flags=re.DOTALL | re.MULTILINE)
    return [block.rstrip() for block in found]


def test_the_workbook_page_shows_what_the_tools_report(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], cli: Callable[..., Run], tmp_path: Path
) -> None:
    page = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    claim = _claim_workbook(tmp_path / "claim.xlsx")
    verra, gold = _exports(tmp_path, vintage="2018", names=("vcus.csv", "gs-retirements.csv"))
    assert (
        cn_import(
            "verra", verra, "--beneficiary", ACME, "--corresponding-adjustment", "no", "-o", tmp_path / "v.jsonld"
        ).code
        == 0
    )
    assert cn_import("gold-standard", gold, "--beneficiary", ACME, "-o", tmp_path / "gs.jsonld").code == 0
    merged = tmp_path / "merged.xlsx"
    assert cn_merge(claim, tmp_path / "v.jsonld", tmp_path / "gs.jsonld", "--for-claimant", "-o", merged).code == 0
    before = cli(merged, "--as-of", AS_OF).out
    assert _blocks(before, "CN-CRIT-01")[0].rsplit("\n", 1)[0] in page  # the page leaves out its fix line
    _tick_criteria(merged)
    (vintage,) = _blocks(cli(merged, "--as-of", AS_OF).out, "CN-VINT-01")
    assert vintage in page, "regenerate the example of docs/workbook.md"


# ---- bad input: one line, exit 2 ----


@pytest.mark.parametrize(
    ("claim", "imported", "message"),
    [
        ("not-a-workbook.xlsx", "v.jsonld", "not a valid .xlsx workbook"),
        ("missing.xlsx", "v.jsonld", "missing.xlsx: file not found"),
        ("folder", "v.jsonld", "folder: is a directory, not a claim file"),
        ("workbook.json", "v.jsonld", "binary data, not a JSON-LD claim"),
        ("claim.xlsx", "missing.jsonld", "missing.jsonld: file not found"),
        ("claim.xlsx", "verra.csv", "not a document written by cn-import (-f jsonld): run cn-import verra verra.csv"),
        ("claim.xlsx", "claim.xlsx", "binary data, not a document written by cn-import"),
        ("claim.xlsx", "claim.jsonld", "holds a claim (ex:claim-2024)"),
        ("claim.xlsx", "plain.jsonld", "has no dcterms:source"),
    ],
    ids=[
        "claim-not-a-workbook",
        "claim-missing",
        "claim-is-a-folder",
        "claim-workbook-named-json",
        "import-missing",
        "import-is-csv",
        "import-is-xlsx",
        "import-is-a-claim",
        "import-not-from-cn-import",
    ],
)
def test_bad_input_to_cn_merge_is_one_line_and_exit_2(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path, claim: str, imported: str, message: str
) -> None:
    _claim_workbook(tmp_path / "claim.xlsx")
    verra, _ = _exports(tmp_path)
    assert cn_import("verra", verra, "-q", "-o", tmp_path / "v.jsonld").code == 0
    (tmp_path / "folder").mkdir()
    (tmp_path / "workbook.json").write_bytes((tmp_path / "claim.xlsx").read_bytes())
    (tmp_path / "not-a-workbook.xlsx").write_text("id,type\nex:claim,CarbonNeutralityClaim\n", encoding="utf-8")
    (tmp_path / "claim.jsonld").write_bytes((EXAMPLES / "conforming-claim.jsonld").read_bytes())
    plain = {"@context": "https://comet.carbon/ext/iso14068/context.jsonld", "@graph": [{"@id": "ex:x"}]}
    (tmp_path / "plain.jsonld").write_text(json.dumps(plain), encoding="utf-8")
    run = cn_merge(tmp_path / claim, tmp_path / imported, "-o", tmp_path / "merged.xlsx")
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1 and run.err.startswith("cn-merge: error: ")
    assert message in run.err and "Traceback" not in run.err
    assert not (tmp_path / "merged.xlsx").exists() and run.out == ""


def test_cn_merge_refuses_to_overwrite_the_claim(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    claim = _claim_workbook(tmp_path / "claim.xlsx")
    before = claim.read_bytes()
    verra, _ = _exports(tmp_path)
    assert cn_import("verra", verra, "-q", "-o", tmp_path / "v.jsonld").code == 0
    run = cn_merge(claim, tmp_path / "v.jsonld", "-o", claim)
    assert run.code == 2 and "-o is the claim itself" in run.err
    assert claim.read_bytes() == before


def test_read_import_refuses_a_registry_export_with_the_command_to_run(tmp_path: Path) -> None:
    _, gold = _exports(tmp_path)
    with pytest.raises(InputError, match=r"run cn-import gold-standard gs\.csv"):
        read_import(gold)


def test_merge_reads_a_yaml_claim_as_well(tmp_path: Path) -> None:
    from comet_cn.textform import to_yaml

    claim = _claim_workbook(tmp_path / "claim.xlsx")
    text = tmp_path / "claim.yaml"
    text.write_text(to_yaml(read_workbook(claim).document), encoding="utf-8")
    verra, _ = _exports(tmp_path)
    result = import_records("verra", verra, beneficiary=ACME)
    from_yaml, from_xlsx = merge(text, [result]), merge(claim, [result])
    assert isomorphic(comet_cn.load(from_yaml), comet_cn.load(from_xlsx))
    (event,) = [n for n in from_yaml["@graph"] if n.get("@type") == "OffsettingEvent"]
    assert event["retiredOnBehalfOf"] == "ex:acme"
