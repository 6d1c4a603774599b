"""Red team 55: each test names what a user saw before."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, with_nodes

AS_OF = date(2026, 6, 1)
CLAIM: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
BEFORE_BASE = "is not after the base period"


def _short_term_target(year: str) -> dict[str, Any]:
    """The example claim with its short-term target (13,000 t, met by the period's 12,450 t) dated ``year``."""
    return edited(CLAIM, ("ex:target-2030", "targetYear", year), ("ex:target-2030", "tonnesCO2e", "13000.0"))


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_target_dated_in_or_before_the_base_period_is_no_target(engine: str) -> None:
    """A 2018 (or 2019) short-term target against a 2019 baseline, already met, conformed: it sets nothing ahead."""
    for year in ("2018", "2019"):
        messages = rule_messages(_short_term_target(year), engine, "CN-PATH-01", as_of=AS_OF)
        assert any(BEFORE_BASE in m and year in m and "2019-12-31" in m for m in messages), messages
    assert not rule_messages(_short_term_target("2020"), engine, "CN-PATH-01", as_of=AS_OF)
    # A retailer's base period ending on 31 January 2020: a 2020 target lies after it, a 2019 one does not.
    for year, reported in (("2020", False), ("2019", True)):
        fiscal = edited(
            _short_term_target(year),
            ("ex:base-period-2019", "basePeriodStart", "2019-02-01"),
            ("ex:base-period-2019", "basePeriodEnd", "2020-01-31"),
        )
        messages = rule_messages(fiscal, engine, "CN-PATH-01", as_of=AS_OF)
        assert any(BEFORE_BASE in m for m in messages) is reported, (year, messages)


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_target_between_an_original_and_a_recalculated_base_period_stands(engine: str) -> None:
    """A plan keeping its 2019 baseline beside one recalculated for 2022: a 2021 interim target is not reported."""
    recalculated = with_nodes(
        _short_term_target("2021"),
        {"@id": "ex:baseline-2022", "@type": "Baseline", "tonnesCO2e": "15000.0", "hasBasePeriod": "ex:bp-2022"},
        {"@id": "ex:bp-2022", "@type": "BasePeriod", "basePeriodStart": "2022-01-01", "basePeriodEnd": "2022-12-31"},
    )
    plan = next(node for node in recalculated["@graph"] if node["@id"] == "ex:plan")
    plan["hasBaseline"] = ["ex:baseline-2019", "ex:baseline-2022"]
    messages = rule_messages(recalculated, engine, "CN-PATH-01", as_of=AS_OF)
    assert not [m for m in messages if BEFORE_BASE in m], messages
    plan["hasBaseline"] = ["ex:baseline-2022"]
    messages = rule_messages(recalculated, engine, "CN-PATH-01", as_of=AS_OF)
    assert any(BEFORE_BASE in m and "2022-12-31" in m for m in messages), messages


# ---- cn-merge: a note naming the year the emissions are of, which is also the credits' vintage ----


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Offsetting Acme Ceramics GmbH 2023 emissions (Scope 1 and 2)", False),
        ("Kompensation der Emissionen 2023", False),
        ("Footprint for calendar year 2023", False),
        ("2023 vintage credits retired for our 2024 emissions", True),
        ("Vintage 2023 credits retired for Acme", True),  # the vintage alone names no period
    ],
)
def test_a_note_naming_the_vintage_year_as_the_emissions_year_leaves_the_event_without_a_period(
    tmp_path: Path, note: str, kept: bool
) -> None:
    # Before: "2023 emissions" on 2023 credits retired in 2025 was read as perhaps the vintage, so merged into the
    # 2024 claim the event took the claim's period with a warning, and the claim conformed on credits the registry
    # says were retired for 2023.
    from comet_cn.importers import import_records
    from comet_cn.importers.merging import merge
    from tests.test_redteam50 import _gold_standard_row

    result = import_records("gold-standard", _gold_standard_row(tmp_path, note=note))
    warnings: list[str] = []
    document = merge(
        EXAMPLES / "conforming-claim.jsonld", [result], event="ex:retirement-2025-03", for_claimant=True,
        warnings=warnings,
    )  # fmt: skip
    (event,) = [node for node in document["@graph"] if node.get("@id") in result.events]
    assert ("hasReportingPeriod" in event) is kept
    assert any("the event is left without a period" in warning for warning in warnings) is not kept


# ---- Records that never ran do not contradict the retirement of the same units ----

ACME = "Acme Ceramics GmbH"
PURO_CERTIFICATE = "PURO_PR_CORC100+_SE_EX0101_2023_3a9d1c55-2b7e-4f10-8d3c-6e5f4a3b2c10_"


def _puro_retry(path: Path, status: str) -> Path:
    transactions = [
        {"transactionId": "tx-1", "type": "RETIREMENT", "status": status, "completedOn": "2025-03-19T14:00:00Z",
         "volume": 500, "beneficiaryName": ACME, "certificates": [{"certificates": PURO_CERTIFICATE + "1-500",
                                                                   "volume": 500}]},
        {"transactionId": "tx-2", "type": "RETIREMENT", "status": "COMPLETED", "completedOn": "2025-03-20T10:00:00Z",
         "volume": 500, "beneficiaryName": ACME, "certificates": [{"certificates": PURO_CERTIFICATE + "1-500",
                                                                   "volume": 500}]},
    ]  # fmt: skip
    path.write_text(json.dumps(transactions), encoding="utf-8")
    return path


@pytest.mark.parametrize("status", ["FAILED", "PENDING", "Rejected", "in_progress"])
def test_a_puro_retirement_retried_after_one_that_never_ran_is_imported(tmp_path: Path, status: str) -> None:
    # Before: a FAILED (or PENDING) transaction for the same certificate refused the whole file as a double use.
    from comet_cn.importers import import_records

    result = import_records("puro", _puro_retry(tmp_path / "puro.json", status), beneficiary=ACME)
    assert result.selected == 1
    assert any(f"transaction status {status!r}" in text for text in result.excluded)


def test_a_puro_retirement_sharing_units_with_a_reversed_one_is_still_refused(tmp_path: Path) -> None:
    from comet_cn.errors import InputError
    from comet_cn.importers import import_records

    with pytest.raises(InputError, match=r"puro\.json:2 retires units 1-500 .*REVERSED"):
        import_records("puro", _puro_retry(tmp_path / "puro.json", "REVERSED"), beneficiary=ACME)


def _cad_pair(path: Path, first_status: str) -> Path:
    def unit(uid: str, status: str) -> dict[str, Any]:
        return {"cadTrustUnitId": uid, "unitSerialId": "EXR98840-2023-1-6000", "unitStartBlock": "1",
                "unitEndBlock": "6001", "unitCount": 6000, "unitVintageYear": 2023, "unitStatus": status,
                "unitStatusDate": "20/03/2025", "unitMetric": "tCO2e", "unitRetirementBeneficiary": ACME,
                "unitStatusReason": "Voluntary offsetting"}  # fmt: skip

    path.write_text(json.dumps({"unit": [unit("u-1", first_status), unit("u-2", "Retired")]}), encoding="utf-8")
    return path


def test_a_cad_trust_retirement_beside_a_rejected_record_of_its_units_is_imported(tmp_path: Path) -> None:
    # Before: a Rejected record of the block refused the file; a Held one still does (those units are elsewhere).
    from comet_cn.errors import InputError
    from comet_cn.importers import import_records

    assert import_records("cad-trust", _cad_pair(tmp_path / "cad.json", "Rejected"), beneficiary=ACME).selected == 1
    with pytest.raises(InputError, match=r"held\.json:2 retires units 1-6000 .*Held"):
        import_records("cad-trust", _cad_pair(tmp_path / "held.json", "Held"), beneficiary=ACME)


def test_the_same_credit_in_two_exports_is_kept_once_and_said(tmp_path: Path, cn_import: Any) -> None:
    # Before: two downloads repeating a row were merged without a word (import formats: de-duplicate and say so).
    first, second = _puro_retry(tmp_path / "march.json", "FAILED"), tmp_path / "april.json"
    second.write_text(json.dumps(json.loads(first.read_text(encoding="utf-8"))[1:]), encoding="utf-8")
    out = tmp_path / "credits.jsonld"
    run = cn_import("puro", str(first), str(second), "-o", str(out))
    assert run.code == 0, run.err
    assert re.search(r"the same credit is in april\.json:1 and march\.json:2: kept once", run.err), run.err
    credits = [n for n in json.loads(out.read_text(encoding="utf-8"))["@graph"] if n["@type"] == "CarbonCredit"]
    assert len(credits) == 1


# ---- CN-AUDIT-DOUBLE-01: a serial with its registry's name written before it ----

VERRA_SERIAL = "20031-970000001-970010000-VCS-VCU-1600-VER-MW-3-98816-01012020-31122020-1"


@pytest.mark.parametrize("label", ["VERRA ", "VCU ", "Verra serial: ", "VCS: "])
def test_a_serial_prefixed_with_its_registrys_name_is_read_as_that_serial(label: str) -> None:
    from comet_cn.serials import parse_serial

    assert parse_serial(label + VERRA_SERIAL) == parse_serial(VERRA_SERIAL) is not None
    assert parse_serial("ART 2023 BIOC 001001-003000") is None  # a prefix naming no registry's grammar stays


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_two_companies_retiring_one_verra_block_are_found_when_one_writes_verra_before_it(
    tmp_path: Path, backend: str
) -> None:
    # Before: Beta's copy "VERRA 20031-…" was read as no format, compared as a whole string, and the set of two
    # companies retiring the same 10,000 units gave only a CN-UNITS-03 warning (exit 0).
    from comet_cn.audits import run_audits

    def company(name: str, serial: str) -> Path:
        document = json.loads((EXAMPLES / "multi-period" / "acme-2022.jsonld").read_text(encoding="utf-8"))
        document["@context"][1]["ex"] = f"https://example.org/{name}/"
        for node in document["@graph"]:
            if node["@id"] == "ex:credit-2022-wind":
                node["serialNumber"] = serial
        path = tmp_path / f"{name}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    paths = [company("acme", VERRA_SERIAL), company("beta", "VERRA " + VERRA_SERIAL)]
    found = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-DOUBLE-01"]  # type: ignore[arg-type]
    assert any("970000001" in f.message for f in found), [f.message for f in found]


# ---- CN-AUDIT-ID-08: one baseline IRI given two figures by two inputs ----


def _acme_with_baseline(tmp_path: Path, year: str, figure: str) -> Path:
    document = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
    (baseline,) = [node for node in document["@graph"] if node["@id"] == "ex:baseline-2019"]
    baseline["tonnesCO2e"] = figure
    path = tmp_path / f"acme-{year}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.rule("CN-AUDIT-ID-08")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(("later", "reported"), [("21000.0", True), ("18400", False), ("18400.0", False)])
def test_a_baseline_recalculated_under_its_iri_between_periods_is_reported(
    tmp_path: Path, backend: str, later: str, reported: bool
) -> None:
    # Before: the 2022 claim's baseline of 18,400 t was 21,000 t in the 2024 claim under the same IRI, no change
    # explained, and the set conformed (each claim did on its own).
    from comet_cn.audits import run_audits

    paths = [_acme_with_baseline(tmp_path, "2022", "18400.0"), _acme_with_baseline(tmp_path, "2024", later)]
    found = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-ID-08"]  # type: ignore[arg-type]
    assert bool(found) is reported, [f.message for f in found]
    if reported:
        (finding,) = found
        assert finding.focus_node == "https://example.org/acme/baseline-2019"
        assert "18400" in finding.message and "21000" in finding.message


# ---- The claim workbook: an id typed without its prefix ----


def test_a_finding_on_a_workbook_node_whose_id_has_no_prefix_names_its_cell(tmp_path: Path) -> None:
    # Before: "credit-wind" typed for "ex:credit-wind" was read as a relative IRI (the JSON-LD processor's placeholder
    # base), and no finding on that credit named its sheet and row.
    import comet_cn
    from tests.conftest import conforming_workbook, workbook_data

    book = conforming_workbook()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "ex:credit-wind" in cell.value:
                    cell.value = cell.value.replace("ex:credit-wind", "credit-wind")
    credits = book["Credits"]
    headers = [cell.value for cell in credits[1]]
    (row,) = [r for r in credits.iter_rows(min_row=2) if r[0].value == "credit-wind"]
    row[headers.index("vintageEndYear")].value = 2015
    path = tmp_path / "claim.xlsx"
    path.write_bytes(workbook_data(book))
    report = comet_cn.validate(path, parameters=comet_cn.RuleParameters(as_of=AS_OF))
    (vintage,) = [r for r in report.violations if r.rule_id == "CN-VINT-01"]
    assert vintage.focus_node.endswith("/credit-wind")
    assert vintage.location is not None and "sheet 'Credits'" in vintage.location
    assert "vintageEndYear" in vintage.location, vintage.location


@pytest.mark.parametrize(
    ("suffix", "says"),
    [(".csv", "a CSV file is not a claim"), (".ods", "OpenDocument"), (".xlsm", "macro-enabled"), (".xls", "97-2003")],
)
def test_a_spreadsheet_or_csv_given_as_a_claim_is_named_for_what_it_is(
    tmp_path: Path, cli: Any, suffix: str, says: str
) -> None:
    # Before: a .csv or .ods was "not valid Turtle (syntax error at line 1 column 1)", an .xlsm "binary data".
    path = tmp_path / f"claim{suffix}"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" if suffix != ".csv" else b"id,tonnesCO2e\nex:claim,12450\n")
    run = cli(path)
    assert run.code == 2 and "Traceback" not in run.err
    (line,) = run.err.strip().splitlines()
    assert says in line and ".xlsx" in line, line


# ---- CN-CLAIM-06: the claimant verifying its own claim; CN-REG-01: the claimant as its own registry ----

SELF_VERIFIED = "by a verifier independent of what it verifies"


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("verifier", "extra", "role"),
    [
        ("ex:acme", [], "the claimant itself"),
        ("ex:board", [], "responsible for delivering"),
        ("ex:auditor", [{"@id": "ex:auditor", "owl:sameAs": {"@id": "ex:acme"}}], "the claimant itself"),
        ({"@value": " acme ceramics GmbH"}, [], "the name or IRI of https://example.org/acme/acme"),
        ({"@value": "ACME Ceramics"}, [], "the name or IRI of https://example.org/acme/acme"),
    ],
    ids=["claimant", "own-board", "same-as-claimant", "claimants-name", "claimants-name-without-gmbh"],
)
def test_a_claim_its_claimant_verified_is_not_verified(engine: str, verifier: Any, extra: list[Any], role: str) -> None:
    # Before: an opinion verifiedBy the claimant, its board, a node owl:sameAs it, or its own name, conformed.
    document = with_nodes(edited(CLAIM, ("ex:opinion-2024", "verifiedBy", verifier)), *extra)
    messages = [m for m in rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF) if SELF_VERIFIED in m]
    assert len(messages) == 1 and role in messages[0], messages


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_named_otherwise_than_the_claimant_is_not_reported(engine: str) -> None:
    # Whether §13 needs a third party is open (docs/rules.md). Red team 72a: a verifier that is part of the claimant
    # (an internal audit function) is of its own organization and now reported (test_redteam72); one given only by a
    # name other than the claimant's cannot be placed in a group.
    named = edited(CLAIM, ("ex:opinion-2024", "verifiedBy", {"@value": "Acme Ceramics Verification Services Ltd"}))
    assert not rule_messages(named, engine, "CN-CLAIM-06", as_of=AS_OF)


@pytest.mark.rule("CN-REG-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_registry_operator_offsetting_its_own_operations_in_its_registry_conforms(engine: str) -> None:
    # Red team 57b asked for the claimant as its own registry to be refused; red team 59a showed a registry operator
    # retiring credits for its own footprint in its own public registry, which the digest allows (§3.3.5). The two
    # cannot be told apart from the data, so neither is reported (docs: left alone).
    document = edited(
        CLAIM,
        ("ex:retirement-2025-03", "inRegistry", "ex:acme"),
        ("ex:acme", "@type", ["Entity", "Organization", "PublicRegistry"]),
    )
    assert not rule_messages(document, engine, "CN-REG-01", as_of=AS_OF)


@pytest.mark.rule("CN-ELEC-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_one_market_written_with_a_trailing_space_is_one_market(engine: str) -> None:
    # Before: generationMarket "DE " against consumptionMarket "DE" was "generated in DE … a different market".
    document = json.loads((EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld").read_text("utf-8"))
    (instrument,) = [n for n in document["@graph"] if "generationMarket" in n]
    instrument["interconnectedMarkets"] = False
    instrument["generationMarket"] = instrument["consumptionMarket"] + " "
    assert not rule_messages(document, engine, "CN-ELEC-04", as_of=AS_OF)
    instrument["generationMarket"] = "Germany" if instrument["consumptionMarket"] != "Germany" else "DE"
    assert rule_messages(document, engine, "CN-ELEC-04", as_of=AS_OF)


@pytest.mark.rule("CN-AUDIT-ID-08")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_a_pathway_loosened_under_its_iris_between_periods_is_reported(tmp_path: Path, backend: str) -> None:
    # Before: the 2024 claim moved the residual-only year from 2040 to 2055 and loosened the 2030 target from 7,000 t
    # to 10,000 t under the same IRIs, no revision identified (§9.3), and the set gave only its usual findings.
    from comet_cn.audits import run_audits

    paths = []
    for year in ("2022", "2023", "2024"):
        document = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
        for node in document["@graph"]:
            if year == "2024" and node["@id"] == "ex:pathway":
                node["targetYearResidualOnly"] = "2055"
            if year == "2024" and node["@id"] == "ex:target-2030":
                node["tonnesCO2e"] = "10000.0"
        paths.append(tmp_path / f"acme-{year}.jsonld")
        paths[-1].write_text(json.dumps(document), encoding="utf-8")
    found = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-ID-08"]  # type: ignore[arg-type]
    assert sorted((f.focus_node.rsplit("/", 1)[1], f.value) for f in found) == [
        ("pathway", "2055"),
        ("target-2030", "10000"),
    ], [f.message for f in found]
    assert any("residual-only target year" in f.message and "2040" in f.message for f in found)


@pytest.mark.rule("CN-EVENT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_one_off_event_measured_against_an_earlier_edition_is_not_one_off(engine: str) -> None:
    # Before: declared one-off, the sixth edition of a summit whose baseline named the 2019 edition as its reference
    # event escaped CN-EVENT-04's comparison with it, and conformed.
    document = json.loads((EXAMPLES / "annex-b" / "event-claim.jsonld").read_text(encoding="utf-8"))
    earlier = {"@id": "ex:summit-2019", "@type": "Event", "label": "Acme Summit 2019", "eventStartDate": "2019-05-01"}
    with_reference = with_nodes(edited(document, ("ex:baseline-2019", "referenceEvent", "ex:summit-2019")), earlier)
    messages = rule_messages(with_reference, engine, "CN-EVENT-02", as_of=AS_OF)
    assert any("is declared one-off" in m and "summit-2019" in m for m in messages), messages
    assert not rule_messages(with_nodes(document, earlier), engine, "CN-EVENT-02", as_of=AS_OF)
