"""Red team 23: what outsiders' claims, registry files and batches got wrong, one regression test each."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from owlrl.DatatypeHandling import AltXSDToPYTHON
from rdflib.namespace import XSD
from rdflib.term import _toPythonMapping

import comet_cn
from comet_cn.audits import run_audits
from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook
from tests.conftest import (
    ENGINES,
    EXAMPLES,
    Run,
    conforming_workbook,
    edited,
    rule_messages,
    run_script,
    violated_rules,
    workbook_data,
)

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


# --- cn-validate --audits reads the claims of standard input too ------------------------------------------------

MULTI = EXAMPLES / "multi-period"


def _one_line(path: Path) -> bytes:
    return json.dumps(json.loads(path.read_text(encoding="utf-8"))).encode() + b"\n"


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_audits_read_claims_given_on_standard_input() -> None:
    # The three periods reuse a credit and raise their offsetting: as a file, the set does not conform.
    stream = b"".join(_one_line(path) for path in sorted(MULTI.glob("*.jsonld")))
    piped = run_script("cn-validate", "--audits", "-f", "json", "-", stdin=stream)
    rules = set(piped.json()["summary"]["rules"])
    # From standard input the audits were silently skipped: "3 conform", exit 0.
    assert piped.code == 1 and {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"} <= rules


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_audits_pair_a_claim_on_standard_input_with_one_in_a_file() -> None:
    piped = run_script(
        "cn-validate", "--audits", "-", MULTI / "acme-2024.jsonld", stdin=_one_line(MULTI / "acme-2023.jsonld")
    )
    assert piped.code == 1 and "CN-AUDIT-DOUBLE-01" in piped.out


# --- -o never lands among the claims it reports on ----------------------------------------------------------


@pytest.mark.parametrize("name", ["claim.jsonld", "report.txt", "sub/claim.jsonld"])
def test_an_output_inside_an_input_folder_is_refused_and_the_claim_kept(
    tmp_path: Path, name: str, cli: Callable[..., Run]
) -> None:
    folder = tmp_path / "claims"
    (folder / "sub").mkdir(parents=True)
    claim = (EXAMPLES / "conforming-claim.jsonld").read_bytes()
    for path in (folder / "claim.jsonld", folder / "sub" / "claim.jsonld"):
        path.write_bytes(claim)
    run = cli("-o", folder / name, folder)
    # It was exit 0, and claims/claim.jsonld then held the text report: the claim was gone.
    assert run.code == 2 and "-o is inside the input folder" in run.err and run.err.count("\n") == 1
    assert (folder / "claim.jsonld").read_bytes() == claim and not (folder / "report.txt").exists()


def test_cn_query_refuses_an_output_inside_a_folder_it_reads(tmp_path: Path) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    claim = (EXAMPLES / "conforming-claim.jsonld").read_bytes()
    (folder / "claim.jsonld").write_bytes(claim)
    run = run_script("cn-query", "-o", folder / "claim.jsonld", "double-counting", folder)
    assert run.code == 2 and "-o is inside the input folder" in run.err
    assert (folder / "claim.jsonld").read_bytes() == claim


def test_dash_as_output_is_standard_output(tmp_path: Path, cli: Callable[..., Run], monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    run = cli("-o", "-", EXAMPLES / "conforming-claim.jsonld")
    # It wrote a file named "-".
    assert run.code == 0 and "CONFORMS" in run.out and not (tmp_path / "-").exists()


def test_an_empty_output_name_is_one_line_naming_the_option(cli: Callable[..., Run]) -> None:
    run = cli("-o", "", EXAMPLES / "conforming-claim.jsonld")
    # It said ".: is a folder".
    assert run.code == 2 and "'-o'" in run.err and "give a file name" in run.err


# --- CN-ELEC-02: an instrument retired for the claimant and for someone else is claimed twice -------------------

AS_OF = date(2026, 12, 1)
MARKET = json.loads((EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld").read_text(encoding="utf-8"))


def _market(*retired_for: str) -> dict[str, Any]:
    document = edited(MARKET, ("ex:go-2024-hydro", "instrumentRetiredFor", list(retired_for)))
    document["@graph"].append({"@id": "ex:customer", "@type": "Organization", "label": "A customer"})
    return document


@pytest.mark.rule("CN-ELEC-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_an_instrument_also_retired_for_another_entity_is_a_violation(engine: str, reasoning: str) -> None:
    assert violated_rules(_market("ex:acme"), engine, as_of=AS_OF, reasoning=reasoning) == set()
    # The claimant among those named was enough: the same certificate could back a customer's claim too.
    twice = _market("ex:acme", "ex:customer")
    assert violated_rules(twice, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-ELEC-02"}
    messages = rule_messages(twice, engine, "CN-ELEC-02", as_of=AS_OF, reasoning=reasoning)
    assert any("also retired for https://example.org/acme/customer" in message for message in messages)


# --- the audits: a claim IRI kept from one period to the next, one instrument in two claims -------------------


def _kept_claim(tmp_path: Path) -> list[Path]:
    """The 2022 and 2023 claims of the multi-period example, both named ex:claim-2022."""
    paths = []
    for year in ("2022", "2023"):
        text = (MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8")
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(text.replace("ex:claim-2023", "ex:claim-2022"), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_a_claim_iri_kept_for_two_periods_is_an_audit_violation(tmp_path: Path) -> None:
    rules = [finding.rule_id for finding in run_audits(_kept_claim(tmp_path))]
    # The two years read as one claim: the rise in offsetting was not found (nor would be a partial overlap of
    # serial ranges), and nothing said so.
    assert rules == ["CN-AUDIT-ID-01"]
    assert [f.rule_id for f in run_audits([MULTI / "acme-2022.jsonld", MULTI / "acme-2023.jsonld"])] == [
        "CN-AUDIT-IMPROVE-01"
    ]


@pytest.mark.rule("CN-AUDIT-ID-01")
def test_the_same_claim_given_twice_is_one_claim(tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonld"
    copy.write_bytes((MULTI / "acme-2024.jsonld").read_bytes())
    assert run_audits([MULTI / "acme-2024.jsonld", copy]) == []


def _instrument_claim(tmp_path: Path, entity: str, name: str, certificate: str = "go-2024-hydro") -> Path:
    """The market-based claim of ``entity``, its nodes in a namespace of its own, counting ``certificate`` (an IRI
    of a shared tracking system's namespace)."""
    text = (
        json.dumps(MARKET)
        .replace('"https://example.org/acme/"', f'"https://example.org/{entity}/"')
        .replace('"ex:go-2024-hydro"', f'"https://registry.example/go/{certificate}"')
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.rule("CN-AUDIT-ELEC-01")
def test_one_certificate_in_two_entities_claims_is_an_audit_violation(tmp_path: Path) -> None:
    acme = _instrument_claim(tmp_path, "acme", "acme.jsonld")
    beta = _instrument_claim(tmp_path, "beta", "beta.jsonld")
    assert run_audits(acme) == [] and run_audits(beta) == []
    findings = [f for f in run_audits([acme, beta]) if f.rule_id == "CN-AUDIT-ELEC-01"]
    assert [f.focus_node for f in findings] == ["https://registry.example/go/go-2024-hydro"]
    assert "2 claim(s)" in findings[0].message
    # Beta's own certificate: no finding.
    other = _instrument_claim(tmp_path, "beta", "beta-own.jsonld", certificate="go-2024-beta")
    assert "CN-AUDIT-ELEC-01" not in {f.rule_id for f in run_audits([acme, other])}


# --- a standard named in free text is refused with the term it stands for --------------------------------------


def test_a_standard_written_as_free_text_is_told_its_term(tmp_path: Path, cli: Callable[..., Run]) -> None:
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(edited(document, ("ex:opinion-2024", "verificationStandard", "ISO 14064-3:2019"))))
    run = cli(path)
    # The fix was "remove the space (or write it as %20)", which led to two findings instead of the term.
    assert run.code == 2 and "write the term ISO_14064_3" in run.err and "%20" not in run.err


# --- CN-AUDIT-DOUBLE-01: a retirement no claim names, given on its own, shares units with a claim's ------------

_RETIREMENT = """@prefix cn: <https://comet.carbon/ext/iso14068#> .
@prefix cust: <https://example.org/customer/> .
cust:retirement-1 a cn:OffsettingEvent ; cn:retiredOnBehalfOf cust:customer ; cn:retiresCredit cust:credit-1 .
cust:credit-1 cn:serialNumber "{serial}" .
"""


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize(
    ("serial", "shared"),
    [("EXR-2023-BIOC-001001-003000", True), ("EXR-2023-BIOC-002001-003000", False)],
)
def test_a_retirement_for_another_party_given_on_its_own_is_compared_with_the_claims(
    tmp_path: Path, serial: str, shared: bool
) -> None:
    retirement = tmp_path / "retirement.ttl"
    retirement.write_text(_RETIREMENT.replace("{serial}", serial), encoding="utf-8")
    findings = run_audits([MULTI / "acme-2023.jsonld", retirement])
    # Units 1001-2000 of the claim's EXR-2023-BIOC-000001-002000 were retired for a customer as well: only the
    # identical serial was found, since the range sweep read only claims' events.
    assert [f.rule_id for f in findings] == (["CN-AUDIT-DOUBLE-01"] if shared else [])
    if shared:
        assert "units 1001-2000" in findings[0].message
        assert "offsetting event https://example.org/customer/retirement-1, which no claim names" in findings[0].message


# --- CN-PATH-01/02/04: a target year with a time zone is a year, read and compared as one ----------------------

CONFORMING = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))


def _rules_on(document: dict[str, Any], engine: str, *, as_of: date, reasoning: str) -> set[str]:
    """The rules ``document`` violates when ``engine`` is asked for, whichever engine ran."""
    report = comet_cn.validate(
        document,
        parameters=comet_cn.RuleParameters(as_of=as_of),
        shacl_engine=engine,  # type: ignore[arg-type]
        reasoning=reasoning,
    )
    return set(report.rule_ids)


@pytest.mark.rule("CN-PATH-01")
@pytest.mark.rule("CN-PATH-02")
@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_zoned_target_years_are_years(engine: str, reasoning: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # "2030Z" and "2040+01:00" are valid xsd:gYear values; they were "not a four-digit xsd:gYear". (pyshacl-turbo
    # hands a claim with a zoned year to pySHACL, and says so: the verdicts are what is compared here.) As in
    # test_redteam3_credits: owlrl run directly earlier in the process (the reference path of other tests) leaves
    # its own gYear converter in rdflib, which refuses zoned years; it is put in place, and must not matter.
    monkeypatch.setitem(_toPythonMapping, XSD.gYear, AltXSDToPYTHON[XSD.gYear])
    zoned = edited(
        CONFORMING, ("ex:target-2030", "targetYear", "2030Z"), ("ex:pathway", "targetYearResidualOnly", "2040+01:00")
    )
    assert _rules_on(zoned, engine, as_of=AS_OF, reasoning=reasoning) == set()
    # Read as years, they are compared: a 2024 target (7,000 t) the 2024 footprint (12,450 t) missed, and a
    # residual-only year before the period of a claim with unabated emissions left.
    missed = edited(CONFORMING, ("ex:target-2030", "targetYear", "2024Z"))
    assert _rules_on(missed, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-PATH-04"}
    early = edited(CONFORMING, ("ex:pathway", "targetYearResidualOnly", "2023-05:00"))
    assert _rules_on(early, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-PATH-04"}
    # The long-term target dated before the short-term one is out of order, time zone or not.
    swapped = edited(CONFORMING, ("ex:target-2045", "targetYear", "2029Z"))
    assert "CN-PATH-01" in _rules_on(swapped, engine, as_of=AS_OF, reasoning=reasoning)
