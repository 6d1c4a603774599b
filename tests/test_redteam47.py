"""Red team 47 and the follow-ups of red teams 45/46: each test names what a user saw before."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, rule_messages, violated_rules

MULTI = EXAMPLES / "multi-period"
AUDITED = ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")


def _second_claim(tmp_path: Path, start: str, end: str) -> Path:
    """A second claim for Acme's subject with its own claim and period IRIs, for the period given."""
    text = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(
        text.replace("ex:claim-2024", "ex:claim-2024-bis").replace("ex:period-2024", "ex:p-bis")
    )
    for node in document["@graph"]:
        if node["@id"] == "ex:p-bis":
            node["reportingPeriodStart"], node["reportingPeriodEnd"] = start, end
    path = tmp_path / f"second-{start}-{end}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ---- CN-AUDIT-ID-05: one year written with an exclusive end ----
# Before: a second 2024 claim whose period ran "2024-01-01 to 2025-01-01" (the day after the year, as many systems
# write an end) was only CN-AUDIT-ID-06's overlap warning, so two accounts of one year passed the audits.


@pytest.mark.rule("CN-AUDIT-ID-05")
@pytest.mark.parametrize(("start", "end"), [("2024-01-01", "2025-01-01"), ("2024-01-01", "2024-12-30")])
def test_one_year_written_with_an_end_a_day_apart_is_the_same_period(tmp_path: Path, start: str, end: str) -> None:
    from comet_cn.audits import run_audits

    findings = [f for f in run_audits([MULTI / "acme-2024.jsonld", _second_claim(tmp_path, start, end)])]
    assert [(f.rule_id, f.severity) for f in findings if f.rule_id in AUDITED] == [("CN-AUDIT-ID-05", "Violation")]
    message = next(f.message for f in findings if f.rule_id == "CN-AUDIT-ID-05")
    assert "written by the other as ending" in message


@pytest.mark.rule("CN-AUDIT-ID-06")
@pytest.mark.parametrize(("start", "end"), [("2024-01-02", "2025-01-01"), ("2024-01-01", "2025-01-02")])
def test_periods_more_than_an_end_day_apart_stay_an_overlap(tmp_path: Path, start: str, end: str) -> None:
    from comet_cn.audits import run_audits

    findings = run_audits([MULTI / "acme-2024.jsonld", _second_claim(tmp_path, start, end)])
    assert [(f.rule_id, f.severity) for f in findings if f.rule_id in AUDITED] == [("CN-AUDIT-ID-06", "Warning")]


# ---- CN-BAL-01: the subject's own reduction sold as credits, left out of the claim ----
# Before: an in-boundary reduction retired as credits for another company was caught only while the claim still
# counted it (CN-CRIT-01); a claim that dropped the link, as CRIT-01's fix said, kept the lower footprint the
# reduction gave and conformed with credits short of the tonnes it sold (Annex A Table A.1 note a).


def _sold(kind: str, party: str) -> dict[str, Any]:
    """The example claim with its green-electricity reduction (or woodland enhancement) sold as credits to ``party``
    by an offsetting event the claim does not link; the claim no longer counts it."""
    document: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    sold = "ex:reduction-green-electricity" if kind == "reduction" else "ex:enhancement-woodland"
    nodes = {node["@id"]: node for node in document["@graph"]}
    claim = nodes["ex:claim-2024"]
    if kind == "reduction":
        claim["hasEmissionReduction"] = ["ex:reduction-kiln-heat-pumps"]
        nodes[sold]["@type"] = ["GHGEmissionReduction", "CarbonCredit"]
    else:
        # The footprint's own removal stays subtracted, as a claimant who sold the enhancement might leave it.
        del claim["hasRemovalEnhancement"], claim["hasRemovalReversal"]
        nodes[sold]["@type"] = ["GHGRemovalEnhancement", "CarbonCredit"]
    nodes[sold].update({"serialNumber": "EXR-2024-ACME-000001-000400", "issuedByProgramme": "ex:programme"})
    document["@graph"].append({"@id": "ex:customer", "@type": ["Entity", "Organization"], "label": "Customer Ltd"})
    document["@graph"].append(
        {"@id": "ex:sale-retirement", "@type": "OffsettingEvent", "retirementDate": "2025-02-01",
         "hasReportingPeriod": "ex:period-2024", "inRegistry": "ex:registry", "retiredOnBehalfOf": party,
         "retiresCredit": sold}
    )  # fmt: skip
    return document


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize(("kind", "tonnes"), [("reduction", "1500"), ("enhancement", "400")])
def test_own_mitigation_sold_as_credits_is_added_to_the_credits_needed(
    engine: str, reasoning: str, kind: str, tonnes: str
) -> None:
    as_of = date(2026, 12, 5)
    messages = rule_messages(_sold(kind, "ex:customer"), engine, "CN-BAL-01", as_of=as_of, reasoning=reasoning)
    assert len(messages) == 1
    # Engines write a decimal's fraction differently (400.0, 400).
    assert re.search(rf"not the {tonnes}(\.0)? t CO2e", messages[0]) and "sold as credits" in messages[0]
    # The same retirement made for the claimant itself sells nothing.
    assert "CN-BAL-01" not in violated_rules(_sold(kind, "ex:acme"), engine, as_of=as_of, reasoning=reasoning)


# ---- CN-UNITS-01: a Gold Standard retirement and CAD Trust's record of it ----
# Before: only CAD Trust records of Verra projects spelt "VCS98801-2023" were compared with the registry's own
# ranges; a Gold Standard export merged with CAD Trust's record of the same retirement counted the units twice.


def _gold_standard_and_its_mirror(cad_serial: str, block: str, first: int, last: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    nodes = {node["@id"]: node for node in document["@graph"]}
    nodes["ex:credit-wind"]["serialNumber"] = "GS1-1-IN-GS98842-12-2022-40201-1-6000"
    mirror = dict(nodes["ex:credit-wind"], **{"@id": "ex:credit-wind-cad", "serialNumber": cad_serial})
    mirror.update(issuanceBlock=block, firstUnit=str(first), lastUnit=str(last), tonnesCO2e=f"{last - first + 1}.0")
    document["@graph"].append(mirror)
    nodes["ex:retirement-2025-03"]["retiresCredit"].append("ex:credit-wind-cad")
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_cad_trusts_record_of_a_gold_standard_retirement_is_the_same_units(engine: str) -> None:
    as_of = date(2026, 12, 5)
    document = _gold_standard_and_its_mirror("GS98842-2022-1-6000", "CAD-TRUST:GS98842-2022", 1, 6000)
    messages = rule_messages(document, engine, "CN-UNITS-01", as_of=as_of)
    assert len(messages) == 1 and "units 1-6000 of Gold Standard project GS98842, vintage 2022" in messages[0]
    # Another vintage of the project, or another project, is other units.
    for serial, block in (
        ("GS98842-2023-1-6000", "CAD-TRUST:GS98842-2023"),
        ("GS98843-2022-1-6000", "CAD-TRUST:GS98843-2022"),
    ):
        other = _gold_standard_and_its_mirror(serial, block, 1, 6000)
        assert "CN-UNITS-01" not in violated_rules(other, engine, as_of=as_of)


# ---- Imports (PACT): the claim's product named by a later entry of productIds ----
# Before: only productIds[0] was compared with the claim's subject, so a footprint whose second id was the one the
# claim declared owl:sameAs its product was refused as another product's.


@pytest.mark.parametrize("order", [0, 1])
def test_any_product_id_of_a_pact_footprint_names_the_claims_product(tmp_path: Path, order: int) -> None:
    from decimal import Decimal

    from comet_cn.importers import import_records, merge
    from tests.test_redteam23_imports import _claim, _footprint, _product_claim, _write_json

    footprint = _footprint(OLD_PACT, "0.83")
    ids = ["urn:example:gtin:04012345000017", "urn:example:product:terra"]
    footprint["productIds"] = ids if order else ids[::-1]
    result = import_records("pact", _write_json(tmp_path / "pact.json", [footprint]), quantity=Decimal(15000000))
    merged = merge(_product_claim(tmp_path, footprint=False), [result])
    assert _claim(merged)["hasCarbonFootprint"] == f"urn:comet-cn:import:pact:footprint:{OLD_PACT}"
    # The product node names its other ids as itself.
    (product,) = [node for node in merged["@graph"] if node.get("@id") == footprint["productIds"][0]]
    assert product["owl:sameAs"] == [{"@id": footprint["productIds"][1]}]


OLD_PACT = "aaaaaaaa-0000-4000-8000-000000000047"


# ---- Workbook: a date column's cell holding a date and a time ----
# Before: a retirement timestamp pasted into the workbook (2025-03-20 18:30, formatted dd/mm/yyyy hh:mm) was read
# as "2025-03-20T18:30:00", not an xsd:date, and the claim failed CN-RET-01 as if the date were missing.


@pytest.mark.rule("CN-RET-01")
def test_a_date_and_time_in_a_date_column_is_read_as_its_calendar_date() -> None:
    from datetime import datetime

    from comet_cn.workbook import read_workbook, workbook_bytes
    from tests.test_workbook import CONFORMING, _edit

    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    data = _edit(data, "Offsetting events", "ex:retirement-2025-03", "retirementDate", datetime(2025, 3, 20, 18, 30))
    claim = read_workbook(Path("c.xlsx"), data=data)
    nodes = {n["@id"]: n for n in claim.document["@graph"]}
    assert nodes["ex:retirement-2025-03"]["retirementDate"] == "2025-03-20"
    # A text column keeps the time it was given.
    data = _edit(data, "Claim", "ex:claim-2024", "label", datetime(2025, 3, 20, 18, 30))
    nodes = {n["@id"]: n for n in read_workbook(Path("c.xlsx"), data=data).document["@graph"]}
    assert nodes["ex:claim-2024"]["label"] == "2025-03-20T18:30:00"


# ---- validate_many: the same outcome whatever jobs is ----
# Before: with jobs=2 a function given as a source was an internal error (exit 3 in the CLI's terms), where jobs=1
# refused it; and an error of the caller's iterator of sources lost the outcomes of the inputs read ahead of it.


def test_a_source_that_is_none_is_refused_alike_with_workers() -> None:
    from comet_cn.batch import validate_many
    from comet_cn.reporting import InputFailure

    def outcomes(jobs: int) -> list[tuple[str, bool | None, bool]]:
        sources = [("fn", lambda: 1), ("claim", EXAMPLES / "conforming-claim.jsonld")]
        found = []
        for outcome in validate_many(sources, jobs=jobs):
            failed = isinstance(outcome, InputFailure)
            found.append(
                (outcome.message if failed else "", None if failed else outcome.conforms, failed and outcome.internal)
            )  # type: ignore[union-attr]
        return found

    assert outcomes(2) == outcomes(1)
    assert outcomes(1)[0][0].startswith("cannot read a function")


def test_an_error_of_the_sources_iterator_comes_after_the_outcomes_before_it() -> None:
    from comet_cn.batch import validate_many

    def sources() -> Any:
        for index in range(4):
            if index == 2:
                raise RuntimeError("the caller's source broke")
            yield f"claim-{index}", EXAMPLES / "conforming-claim.jsonld"

    for jobs in (1, 2):
        seen = []
        with pytest.raises(RuntimeError, match="source broke"):
            for outcome in validate_many(sources(), jobs=jobs):
                seen.append(outcome.source)
        assert seen == ["claim-0", "claim-1"], jobs


# ---- CN-RET-01: credits retired before the period they offset began ----
# Before: only the late side was bounded (twelve months after the period); credits retired months before the
# period began, when none of its footprint could be known, were accepted for it (§11.1, §3.1.1).


def _example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))


@pytest.mark.rule("CN-RET-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_credits_retired_before_the_period_began_are_refused(engine: str, reasoning: str) -> None:
    from tests.conftest import edited

    as_of = date(2026, 12, 5)
    early = edited(_example(), ("ex:retirement-2025-03", "retirementDate", "2023-12-31"))
    messages = rule_messages(early, engine, "CN-RET-01", as_of=as_of, reasoning=reasoning)
    assert len(messages) == 1 and "before the reporting period they offset began on 2024-01-01" in messages[0]
    on_the_first_day = edited(_example(), ("ex:retirement-2025-03", "retirementDate", "2024-01-01"))
    assert rule_messages(on_the_first_day, engine, "CN-RET-01", as_of=as_of, reasoning=reasoning) == []


# ---- CN-HIER-04: reductions that together exceed the baseline ----
# Before: one reduction larger than the baseline was refused, but two or three whose sum was (10,000 t + 9,000 t
# against a baseline of 18,400 t) passed.


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_reductions_larger_together_than_the_baseline_are_refused(engine: str, reasoning: str) -> None:
    from tests.conftest import edited

    as_of = date(2026, 12, 5)

    def reductions(green: str) -> dict[str, Any]:
        return edited(
            _example(),
            ("ex:reduction-kiln-heat-pumps", "tonnesCO2e", "10000.0"),
            ("ex:reduction-green-electricity", "tonnesCO2e", green),
        )

    messages = rule_messages(reductions("9000.0"), engine, "CN-HIER-04", as_of=as_of, reasoning=reasoning)
    assert len(messages) == 1 and "2 emission reductions state 19000" in messages[0]
    # Together exactly the baseline (18,400 t): not more than there was to decrease.
    assert rule_messages(reductions("8400.0"), engine, "CN-HIER-04", as_of=as_of, reasoning=reasoning) == []


# ---- Audits on Oxigraph: one input's odd IRI or language tag ----
# Before: a literal's datatype IRI holding "{" or a language tag that is not BCP 47 ("en-a-b") passed the input
# checks, and the Oxigraph store (the audits' default from 50 inputs, or --store) refused the whole set: exit 3 and
# every input's verdict lost. An IRI Oxigraph's stricter parser refuses ("urn:a%zz") did the same.


@pytest.mark.parametrize(
    ("literal", "problem"),
    [
        ({"@value": "v", "@type": "urn:a{b"}, "datatype IRI holds '{'"),
        ({"@value": "v", "@language": "en-a-b"}, "language tag that is not valid (BCP 47)"),
    ],
)
def test_a_literal_no_store_can_hold_is_that_inputs_error(literal: dict[str, str], problem: str) -> None:
    import comet_cn
    from comet_cn.errors import InputError

    document = _example()
    document["@graph"][0]["https://example.org/ns#note"] = literal
    with pytest.raises(InputError, match=re.escape(problem)):
        comet_cn.load(document)


@pytest.mark.parametrize("tag", ["en", "de-CH-1996", "zh-Hant-TW", "en-a-bbb-x-a-ccc", "x-private", "i-klingon"])
def test_well_formed_language_tags_are_read(tag: str) -> None:
    from comet_cn.loading import well_formed_language_tag

    assert well_formed_language_tag(tag)


def test_an_iri_oxigraph_refuses_is_stored_and_given_back_as_written() -> None:
    pytest.importorskip("pyoxigraph")
    from rdflib import Graph, Literal, URIRef

    from comet_cn.store import OxigraphBackend

    graph = Graph()
    odd = URIRef("urn:a%zz")
    graph.add((odd, URIRef("urn:p#q#r"), Literal("v", datatype=URIRef("http://ex.org:port/t"))))
    with OxigraphBackend() as store:
        store.add(graph)
        selection = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        rows = list(selection.rows)
    assert rows == [(odd, URIRef("urn:p#q#r"), Literal("v", datatype=URIRef("http://ex.org:port/t")))]


# ---- Imports: a note naming two periods ----
# Before: "for Consumption Period 01/01/2024-12/31/2024 and Consumption Period 01/01/2025-12/31/2025" (or "… and
# CY2025 emissions") was read as the first period, without a word: the whole retirement counted for 2024.

FIRM = "Consumption Period 01/01/2024-12/31/2024"


@pytest.mark.parametrize(
    ("note", "other"),
    [
        (f"on behalf of Acme for {FIRM} and Consumption Period 01/01/2025-12/31/2025", "01/01/2025-12/31/2025"),
        (f"for {FIRM} (6,225 t) and 01/01/2025-12/31/2025 (6,225 t)", "01/01/2025-12/31/2025"),
        ("for Consumption Period 01/01/2024-12/31/2024 and CY2025 emissions", "CY2025"),
        ("for Consumption Period 01/01/2024-12/31/2024 and Q1/2025", "Q1/2025"),
    ],
)  # fmt: skip
def test_a_note_naming_two_periods_gives_no_firm_period(note: str, other: str) -> None:
    from comet_cn.importers.attribution import note_period, suggest_period

    warnings: list[str] = []
    assert note_period(note, "row 2", warnings) is None
    assert len(warnings) == 1 and "names more than one period" in warnings[0] and repr(other) in warnings[0]
    # The span both cover, which a merge into a one-year claim finds outside its period.
    assert suggest_period(note) is not None and suggest_period(note).startswith("the dates 2024-01-01 to 2025-")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "note",
    [
        "for Consumption Period 01/01/2024-12/31/2024",
        "for Consumption Period 01/01/2024-12/31/2024, CY2024 emissions",
        "retired 2025 for Consumption Period 01/01/2024-12/31/2024",  # a bare year: perhaps the retirement's own
        "for Consumption Period 01/01/2024-12/31/2024 (Q3/2024 deliveries)",  # inside the period
    ],
)
def test_a_note_naming_one_period_keeps_it(note: str) -> None:
    from comet_cn.importers.attribution import Period, note_period

    warnings: list[str] = []
    assert note_period(note, "row 2", warnings) == Period(date(2024, 1, 1), date(2024, 12, 31))
    assert warnings == []


# ---- Imports (ACR): dates re-saved by a spreadsheet ----
# Before: a re-saved export whose retirement date could be read both ways (3/2/2025 10:15) was refused although its
# issuance date (5/14/2024) could only be month-first, as docs/import/acr.md promises it decides; and an ISO
# timestamp (2025-03-20 10:15:42, an ISO-date locale's re-save) was "not a date".

_ACR_HEADER = (
    "fiid,Credit Serial Numbers,Date Issued (GMT),Vintage,Vintage Assignment Period Start Date,"
    "Vintage Assignment Period End Date,Quantity of Credits,Account Holder,Status Effective (GMT),"
    "Retired on Behalf of,Retirement Reason,Purpose of Retirement,Project ID,Project Name"
)


def _acr(tmp_path: Path, issued: str, retired: str, vintage_end: str = "12/31/2023") -> Path:
    row = (
        f"98803,ACR-US-98803-2023-3101-20001 to 32450,{issued},2023,1/1/2023,{vintage_end},12450,Example Retail LLC,"
        f"{retired},Acme Ceramics GmbH,On Behalf of Third Party,Acme Ceramics GmbH 2024 emissions,ACR98803,Example"
    )
    path = tmp_path / "acr.csv"
    path.write_text(f"\ufeff{_ACR_HEADER}\r\n{row}\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("issued", "retired", "vintage_end", "expected"),
    [
        ("5/14/2024 15:02", "3/2/2025 10:15", "12/31/2023", "2025-03-02"),  # the other dates are month-first
        ("14/5/2024 15:02", "3/2/2025 10:15", "31/12/2023", "2025-02-03"),  # ... or day-first
        ("5/14/2024 15:02", "2025-03-20 10:15:42", "12/31/2023", "2025-03-20"),  # ISO cannot be read two ways
    ],
)
def test_a_resaved_acr_export_is_read_by_its_other_dates(
    tmp_path: Path, issued: str, retired: str, vintage_end: str, expected: str
) -> None:
    from comet_cn.importers import import_records

    result = import_records("acr", _acr(tmp_path, issued, retired, vintage_end))
    graph = result.document()["@graph"]
    dates = [node.get("retirementDate") for node in graph if node.get("@type") == "OffsettingEvent"]
    assert dates == [expected]


def test_a_resaved_acr_export_nothing_decides_is_still_refused(tmp_path: Path) -> None:
    from comet_cn.errors import InputError
    from comet_cn.importers import import_records

    with pytest.raises(InputError, match="could be day-first or month-first"):
        import_records("acr", _acr(tmp_path, "5/6/2024 15:02", "3/2/2025 10:15", "1/12/2023"))


# ---- Imports: an NDC contribution in other words ----
# Before: "Host Country N.D.C." and "Contribution à la CDN du pays hôte" were imported as offsetting events.


@pytest.mark.parametrize(
    "reason",
    [
        "Retired AND Host Country N.D.C.",
        "Contribution à la CDN du pays hôte",
        "Contribución determinada a nivel nacional de Perú",
    ],
)
def test_an_ndc_contribution_in_other_words_is_not_an_offsetting_event(reason: str) -> None:
    from comet_cn.importers.fields import not_offsetting

    assert "NDC" in (not_offsetting("Retirement Reason", reason) or "")


def test_a_company_named_cdn_is_no_ndc() -> None:
    from comet_cn.importers.fields import not_offsetting

    assert not_offsetting("Purpose of Retirement", "for CDN Ceramics Ltd 2024 emissions", free_text=True) is None


# ---- CN-BAL-01: two ICR retirements of one class and size on different days ----
# Before: keyed by class and quantity, two retirements of 6,250 t on 20 and 21 March (two retirement ids, two
# events) counted 6,250 t, and the claim built from the ICR export failed CN-BAL-01.


@pytest.mark.rule("CN-BAL-01")
def test_two_icr_retirements_of_one_size_on_two_days_both_count() -> None:
    import comet_cn

    document = _example()
    nodes = {node["@id"]: node for node in document["@graph"]}
    for credit in ("ex:credit-wind", "ex:credit-cookstoves"):
        nodes[credit].update(serialNumber="ICR-ISL-12-98806-3-R-0-2022", vintageEndYear="2022", tonnesCO2e="6250.0")
    nodes["ex:retirement-2025-03"]["retiresCredit"] = ["ex:credit-wind", "ex:credit-biochar"]
    second = dict(nodes["ex:retirement-2025-03"], **{"@id": "ex:retirement-2025-03b", "retirementDate": "2025-03-21"})
    second["retiresCredit"] = ["ex:credit-cookstoves"]
    document["@graph"].append(second)
    nodes["ex:claim-2024"]["hasOffsettingEvent"] = ["ex:retirement-2025-03", "ex:retirement-2025-03b"]
    report = comet_cn.validate(document)
    assert "CN-BAL-01" not in report.rule_ids, [r.message for r in report.results]
    # The same retirement listed in two events of one day is still one.
    second["retirementDate"] = nodes["ex:retirement-2025-03"]["retirementDate"]
    assert "CN-BAL-01" in comet_cn.validate(document).rule_ids


# ---- Imports: a status that says the retirement did not happen ----
# Before: a Puro RETIREMENT transaction with "status": "FAILED", and a Verra row whose added Status column said
# "Cancelled", were imported as retirements, and the claim conformed on credits never retired for it.

_PURO_CERTIFICATE = "PURO_PR_CORC100+_SE_EX0031_2023_3a9d1c55-2b7e-4f10-8d3c-6e5f4a3b2c11_1-12500"


@pytest.mark.parametrize(("status", "kept"), [("FAILED", False), ("PENDING", False), ("COMPLETED", True), (None, True)])
def test_a_puro_transaction_that_did_not_complete_is_left_out(tmp_path: Path, status: str | None, kept: bool) -> None:
    from comet_cn.importers import import_records

    record: dict[str, Any] = {
        "transactionId": "tx-1", "type": "RETIREMENT", "completedOn": "2025-03-20T14:00:00Z", "volume": 12500,
        "beneficiaryName": "Acme Ceramics GmbH",
        "certificates": [{"certificates": _PURO_CERTIFICATE, "volume": 12500, "vintage": 2023}],
    }  # fmt: skip
    if status is not None:
        record["status"] = status
    path = tmp_path / "puro.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_records("puro", path)
    assert bool(result.events) is kept
    if not kept:
        assert any(f"transaction status {status!r}" in str(x) for x in result.excluded)


_VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details,Status"
)


@pytest.mark.parametrize(("status", "kept"), [("Cancelled", False), ("Retired", True), ("", True)])
def test_a_verra_row_whose_status_column_says_cancelled_is_left_out(tmp_path: Path, status: str, kept: bool) -> None:
    from comet_cn.importers import import_records

    row = (
        '2024-11-20,,2023-01-01,2023-12-31,98816,Example Cookstoves,Malawi,Energy demand,VMR0006,"96,400","12,500",'
        "20031-970000001-970012500-VCS-VCU-1600-VER-MW-3-98816-01012023-31122023-1,,2025-03-20,Acme Ceramics GmbH,"
        f"Environmental Benefit,Retired for 2024 emissions,{status}"
    )
    path = tmp_path / "verra.csv"
    path.write_text(f"{_VERRA_HEADER}\n{row}\n", encoding="utf-8")
    result = import_records("verra", path)
    assert bool(result.events) is kept


# ---- Workbook: a second table on a sheet ----
# Before: the header row repeated below the first table was read as a node named "id", and the findings it drew
# (CN-BAL-01, CN-PROG-01) did not say why.


def test_a_repeated_header_row_is_refused_naming_its_cell() -> None:
    from comet_cn.errors import InputError
    from comet_cn.workbook import read_workbook, workbook_bytes
    from tests.test_workbook import CONFORMING

    data = workbook_bytes(json.loads(CONFORMING.read_text(encoding="utf-8")))
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Credits"]
    headers = [cell.value for cell in sheet[1]]
    row = sheet.max_row + 2
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=row, column=column, value=header)
    stream = io.BytesIO()
    book.save(stream)
    with pytest.raises(InputError, match=rf"sheet 'Credits' cell A{row}: row {row} repeats the headers"):
        read_workbook(Path("c.xlsx"), data=stream.getvalue())
