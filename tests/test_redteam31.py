"""Red team 31 (today's fixes attacked; quantification and the workbook; the library under threads and faults):
each test names what a user saw before."""

from __future__ import annotations

import decimal
import io
import json
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from comet_cn import InputError, validate
from comet_cn.batch import validate_many
from comet_cn.importers.attribution import on_behalf_of
from tests.conftest import (
    ENGINES,
    EXAMPLES,
    Run,
    conforming_workbook,
    edited,
    violations_by_rule,
    with_nodes,
    workbook_data,
)

CLAIM = EXAMPLES / "conforming-claim.jsonld"
BANK = EXAMPLES / "financial-institution-claim.jsonld"
OLD_VINTAGE = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"


def _claim(path: Path = CLAIM) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


_violations = violations_by_rule


# ---- CN-BAL-01: the subject's footprints for parts of the period ----


def _halves(first: str, second: str) -> dict[str, Any]:
    document = _claim()
    nodes = []
    for part, (start, end, tonnes) in enumerate(
        (("2024-01-01", "2024-06-30", first), ("2024-07-01", "2024-12-31", second))
    ):
        nodes += [
            {
                "@id": f"ex:half-{part}",
                "@type": "ReportingPeriod",
                "reportingPeriodStart": start,
                "reportingPeriodEnd": end,
            },
            {
                "@id": f"ex:footprint-half-{part}",
                "@type": "CarbonFootprint",
                "tonnesCO2e": tonnes,
                "hasReportingPeriod": f"ex:half-{part}",
            },
        ]
    return edited(
        with_nodes(document, *nodes), ("ex:acme", "hasCarbonFootprint", ["ex:footprint-half-0", "ex:footprint-half-1"])
    )


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("halves", "violated"), [(("10225.0", "10225.0"), True), (("6000.0", "6450.0"), False)])
def test_the_subjects_half_year_footprints_are_added_up(engine: str, halves: tuple[str, str], violated: bool) -> None:
    # Before: two half-year footprints of 10225 t each (20450 t) beside the claim's 12450 t footprint conformed.
    found = _violations(_halves(*halves), engine)
    assert ("CN-BAL-01" in found) is violated, found


# ---- CN-ORG-01: an indirect emission of 0 t lists nothing ----


@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_zero_tonne_indirect_emission_or_financed_account_is_no_indirect_emission(engine: str) -> None:
    # Before: a manufacturer with only direct emissions passed by adding a 0 t "investments" account, or 0 t
    # indirect emissions.
    account = {"@id": "ex:investments", "@type": "FinancedEmissionsAccount", "assetClass": "listed equity",
               "tonnesCO2e": "0.0", "supportsTransition": True}  # fmt: skip
    document = edited(
        with_nodes(_claim(), account),
        ("ex:emission-scope2", "tonnesCO2e", "0.0"),
        ("ex:emission-scope3", "tonnesCO2e", "0.0"),
        ("ex:footprint-2024", "hasFinancedEmissions", "ex:investments"),
    )
    assert "CN-ORG-01" in _violations(document, engine)


# ---- CN-CLAIM-01: the claiming entity's management, not the subject's ----


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_subsidiarys_management_does_not_commit_for_the_groups_claim(engine: str) -> None:
    # Before: a group claiming for its subsidiary conformed with only the subsidiary's managing director committing.
    group = {"@id": "ex:group", "@type": ["Entity", "Organization"], "label": "Acme Holding SE"}
    document = edited(
        with_nodes(_claim(), group),
        ("ex:claim-2024", "claimedBy", "ex:group"),
        ("ex:acme", "partOfOrganization", "ex:group"),
        ("ex:board", "partOfOrganization", "ex:acme"),
    )
    messages = _violations(document, engine).get("CN-CLAIM-01", [])
    assert any("ex:board" in m or "/board" in m for m in messages), messages


# ---- CN-CTYPE-01: a 0 t unabated emission keeps nothing open ----


@pytest.mark.rule("CN-CTYPE-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_zero_tonne_unabated_emission_does_not_reopen_avoidance_credits(engine: str) -> None:
    document = _claim()
    footprint = next(n for n in document["@graph"] if n["@id"] == "ex:footprint-2024")
    residual = [n for n in document["@graph"] if n["@id"] in footprint["hasEmission"]]
    for emission in residual:
        emission["@type"] = "ResidualGHGEmission"
    zero = {"@id": "ex:emission-nothing", "@type": "GHGEmission", "tonnesCO2e": "0.0"}
    document = edited(
        with_nodes(document, zero),
        ("ex:footprint-2024", "hasEmission", [*footprint["hasEmission"], "ex:emission-nothing"]),
    )
    assert "CN-CTYPE-01" in _violations(document, engine)


# ---- CN-PLAN-02: a baseline is not above the emissions it lists ----


@pytest.mark.rule("CN-PLAN-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("total", "violated"), [("18400.0", True), ("6800.0", False), ("6000.0", False)])
def test_a_baseline_above_its_listed_emissions_overstates_reductions(engine: str, total: str, violated: bool) -> None:
    emissions = [
        {"@id": "ex:baseline-emission-a", "@type": "Scope1Emission", "tonnesCO2e": "5000.0"},
        {"@id": "ex:baseline-emission-b", "@type": "IndirectGHGEmission", "tonnesCO2e": "1800.0"},
    ]
    document = edited(
        with_nodes(_claim(), *emissions),
        ("ex:baseline-2019", "hasEmission", ["ex:baseline-emission-a", "ex:baseline-emission-b"]),
        ("ex:baseline-2019", "tonnesCO2e", total),
    )
    messages = _violations(document, engine).get("CN-PLAN-02", [])
    assert any("more than the emissions it lists" in m for m in messages) is violated, messages


# ---- CN-BAL-01: every emission stated is listed somewhere ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_emission_no_footprint_lists_is_named(engine: str) -> None:
    travel = {"@id": "ex:emission-travel", "@type": "IndirectGHGEmission", "tonnesCO2e": "900.0"}
    messages = _violations(with_nodes(_claim(), travel), engine).get("CN-BAL-01", [])
    assert any("emission-travel" in m and "no footprint or baseline lists" in m for m in messages), messages


# ---- CN-REV-01: a reversal after the period is the later period's ----


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reversal_disclosed_after_the_period_is_not_booked_in_it(engine: str) -> None:
    # Before: a 2024 claim disclosing a fire of 10 January 2025, left out of the 2024 footprint as §10.2 asks,
    # failed CN-REV-01; booked in the 2024 footprint it failed too.
    document = _claim()
    footprint = next(n for n in document["@graph"] if n["@id"] == "ex:footprint-2024")
    emissions = [e for e in footprint["hasEmission"] if e != "ex:emission-reversal-2024"]
    document = edited(
        document,
        ("ex:reversal-2024-fire", "reversalDate", "2025-01-10"),
        ("ex:footprint-2024", "hasEmission", emissions),
        ("ex:footprint-2024", "tonnesCO2e", "12300.0"),
    )
    found = _violations(document, engine)
    assert "CN-REV-01" not in found, found


# ---- imports: shares, a second name, "Beneficiary:" ----


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (
            "Retired on behalf of Acme Ceramics GmbH (50%) and Beta Foods Ltd (50%)",
            "Acme Ceramics GmbH (50%) and Beta Foods Ltd (50%)",
        ),
        ("Retired on behalf of Acme Ceramics GmbH; Beta Foods", "Acme Ceramics GmbH; Beta Foods"),
        ("Beneficiary: Acme Ceramics GmbH", "Acme Ceramics GmbH"),
        ("for the benefit of Acme Ceramics GmbH", "Acme Ceramics GmbH"),
    ],
)
def test_a_share_or_a_second_name_keeps_the_retirement_shared(text: str, read: str) -> None:
    assert on_behalf_of(text) == read


# ---- a folder: XML that is not RDF is left alone ----


def test_notes_saved_as_xml_beside_the_claims_are_not_inputs(tmp_path: Path, cli: Any) -> None:
    # Before (today's first fix): minutes.xml beside a conforming claim made the folder exit 2.
    (tmp_path / "claim.jsonld").write_bytes(CLAIM.read_bytes())
    (tmp_path / "minutes.xml").write_text("<?xml version='1.0'?><minutes><item>Budget</item></minutes>\n")
    (tmp_path / "claim.rdf").write_text(
        "<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'></rdf:RDF>\n"
    )
    run: Run = cli("-q", tmp_path)
    assert run.code == 2 and "2 input(s)" in run.out and "claim.rdf: ERROR" in run.out and "minutes.xml" not in run.out


# ---- the workbook: formulas asked to be recalculated, an id on two rows ----


def _footprint_formula(calc: str) -> bytes:
    data = workbook_data(conforming_workbook())
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    book = parts["xl/workbook.xml"].decode()
    book = re.sub(r"<calcPr[^>]*/>", calc, book)
    parts["xl/workbook.xml"] = book.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    link = re.search(r'<sheet [^>]*name="Footprint"[^>]*r:id="([^"]+)"', book)
    assert link is not None
    target = re.search(rf'<Relationship [^>]*Target="/?([^"]+)"[^>]*Id="{link.group(1)}"', rels)
    assert target is not None
    part = target.group(1)
    sheet = parts[part].decode()
    cell = re.search(r'<c r="D3"[^>]*>.*?</c>', sheet)
    assert cell is not None
    sheet = sheet.replace(cell.group(0), '<c r="D3" t="str"><f>12000+450</f><v>12450.0</v></c>')
    parts[part] = sheet.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target_zip:
        for name, content in parts.items():
            target_zip.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("calc", "refused"), [('<calcPr calcId="124519" fullCalcOnLoad="1"/>', True), ('<calcPr calcId="191029"/>', False)]
)
def test_a_formula_the_workbook_asks_to_recalculate_is_refused(
    tmp_path: Path, cli: Any, calc: str, refused: bool
) -> None:
    # Before: a workbook asking to be recalculated on opening was judged on the results its formulas stored, which
    # a spreadsheet would not show.
    path = tmp_path / "claim.xlsx"
    path.write_bytes(_footprint_formula(calc))
    run: Run = cli("-q", path)
    if refused:
        assert run.code == 2 and "sheet 'Footprint' cell D3 holds a formula" in run.err, run.err
    else:
        assert run.code == 0, run.out + run.err


def test_an_id_on_two_rows_of_a_sheet_is_refused_naming_both(tmp_path: Path, cli: Any) -> None:
    # Before: the second row's values merged into the first row's node, and findings named the first row only.
    book = conforming_workbook()
    sheet = book["Emissions and removals"]
    first = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "ex:emission-scope2")
    last = sheet.max_row + 1
    sheet.cell(row=last, column=1, value="ex:emission-scope2")
    sheet.cell(row=last, column=2, value="IndirectGHGEmission")
    path = tmp_path / "claim.xlsx"
    path.write_bytes(workbook_data(book))
    run: Run = cli("-q", path)
    assert run.code == 2 and f"is also the id of row {first[0].row}" in run.err, run.err


# ---- the library: pyld's context cache, one-shot shapes, the caller's pySHACL and decimal context ----


def test_a_context_given_as_the_bundled_contexts_text_is_refused() -> None:
    # Before: pyld looked the string up in its process-wide cache, found the bundled context read earlier, and a
    # redefinition beside it (ISO_14064_1 as ISO_14064_3) passed unseen.
    from pyld.context_resolver import canonicalize

    from comet_cn import context_document

    document = _claim()
    validate(CLAIM)  # the bundled context is in pyld's cache now, as in any process that validated a claim
    document["@context"] = [
        canonicalize(dict(context_document()["@context"])).decode(),
        {"ex": "https://example.org/acme/"},
    ]
    with pytest.raises(InputError, match="unknown remote @context"):
        validate(document)


def test_shapes_given_as_a_generator_apply_to_every_input_of_a_batch() -> None:
    shapes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cn: <https://comet.carbon/ext/iso14068#> .\n"
        "<urn:x:NoClaims> a sh:NodeShape ; sh:targetClass cn:CarbonNeutralityClaim ;"
        " sh:property [ sh:path cn:claimDate ; sh:maxCount 0 ] .\n"
    )
    outcomes = list(validate_many([CLAIM, CLAIM, CLAIM], extra_shapes=(text for text in [shapes])))
    assert [getattr(outcome, "conforms", None) for outcome in outcomes] == [False, False, False]


def test_a_callers_pyshacl_in_another_thread_does_not_change_how_a_turtle_claim_is_read(tmp_path: Path) -> None:
    import pyshacl
    from rdflib import Graph

    from comet_cn import load

    turtle = load(CLAIM).serialize(format="turtle")
    turtle = turtle.replace(
        "tonnesCO2e 12450.0 .", 'tonnesCO2e "1.245E4"^^<http://www.w3.org/2001/XMLSchema#decimal> .', 1
    )
    path = tmp_path / "claim.ttl"
    path.write_text(turtle, encoding="utf-8")
    alone = validate(path)
    assert "CN-BAL-01" in alone.rule_ids
    data = Graph().parse(data='@prefix ex: <http://ex/> . ex:a ex:p "x" .', format="turtle")
    stop = threading.Event()

    def callers_own_work() -> None:
        while not stop.is_set():
            pyshacl.validate(data, shacl_graph=Graph())

    worker = threading.Thread(target=callers_own_work)
    worker.start()
    try:
        verdicts = {validate(path).conforms for _ in range(6)}
    finally:
        stop.set()
        worker.join()
    assert verdicts == {False}


def test_a_callers_decimal_traps_do_not_cost_the_verdicts() -> None:
    def run() -> list[Any]:
        decimal.getcontext().traps[decimal.Inexact] = True
        decimal.getcontext().traps[decimal.Rounded] = True
        return [getattr(outcome, "conforms", None) for outcome in validate_many([CLAIM, OLD_VINTAGE])]

    found: list[list[Any]] = []
    thread = threading.Thread(target=lambda: found.append(run()))  # the traps stay in that thread's context
    thread.start()
    thread.join()
    assert found == [[True, False]]
