"""Red teams 82 to 85: one claim written by two tools is one claim (CN-AUDIT-ID-01); a financial institution's
science-based target for its financed emissions and their data quality (CN-FI-03, Annex B.3.4); a document or the
plan's delivering body as verifier, a footprint or opinion about another subject (CN-CLAIM-05/06); a report's
periods (CN-AUDIT-ID-04); a certificate under two IRIs and a baseline's instruments (CN-AUDIT-ELEC-01, CN-ELEC-02/03);
a Turtle syntax error's position."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn import InputError, load, run_audits
from tests.conftest import ENGINES, example, rule_messages, verdict_and_messages, violated_rules


def _with_credit_tonnes(tonnes: Any) -> dict[str, Any]:
    document = example("conforming-claim.jsonld")
    (credit,) = [node for node in document["@graph"] if node.get("@id") == "ex:credit-biochar"]
    assert credit["tonnesCO2e"] == "2000.0"  # the value rewritten below
    credit["tonnesCO2e"] = tonnes
    return document


def _audit_ids(tmp_path: Path, *documents: dict[str, Any]) -> list[str]:
    paths = []
    for number, document in enumerate(documents):
        path = tmp_path / f"claim-{number}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    return [finding.rule_id for finding in run_audits(paths)]


@pytest.mark.parametrize(
    "written",
    ["2000", "+2000.00", {"@value": "2000", "@type": "xsd:integer"}, {"@value": "2.0E3", "@type": "xsd:double"}],
    ids=str,
)
def test_a_number_written_otherwise_is_the_same_claim(tmp_path: Path, written: Any) -> None:
    # An Oxigraph export writes 2000.0 as 2000: the same claim given twice is no CN-AUDIT-ID-01 finding.
    assert "CN-AUDIT-ID-01" not in _audit_ids(tmp_path, _with_credit_tonnes("2000.0"), _with_credit_tonnes(written))


def test_another_number_under_one_claim_iri_is_still_found(tmp_path: Path) -> None:
    assert "CN-AUDIT-ID-01" in _audit_ids(tmp_path, _with_credit_tonnes("2000.0"), _with_credit_tonnes("2000.5"))


# ---- CN-FI-03 (Annex B.3.4): a financial institution's science-based target for its financed emissions, and the
# quality of its financed-emissions data (red team 82b found neither checked).

AS_OF = date(2026, 12, 6)


def _bank(*edits: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = example("financial-institution-claim.jsonld")
    for node in document["@graph"]:
        for edit in edits:
            edit(node)
    return document


def _without_financed_target(node: dict[str, Any]) -> None:
    node.pop("hasFinancedEmissionsTarget", None)


def _financed_target(node: dict[str, Any]) -> dict[str, Any] | None:
    return node if node.get("@type") == "FinancedEmissionsTarget" else None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bank_without_a_financed_emissions_target_does_not_conform(engine: str) -> None:
    conforms, messages = verdict_and_messages(_bank(_without_financed_target), engine, "CN-FI-03", as_of=AS_OF)
    assert not conforms and len(messages) == 1 and "no science-based target for its financed emissions" in messages[0]
    assert violated_rules(_bank(), engine, as_of=AS_OF) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_target_may_hang_on_the_plan(engine: str) -> None:
    def on_plan(node: dict[str, Any]) -> None:
        node.pop("hasFinancedEmissionsTarget", None)
        if node.get("@type") == "CarbonNeutralityManagementPlan":
            node["hasFinancedEmissionsTarget"] = "ex:target-financed-2030"

    assert violated_rules(_bank(on_plan), engine, as_of=AS_OF) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_whole_footprint_target_is_no_financed_emissions_target(engine: str) -> None:
    # The financed target listed with hasTarget only: the pathway's targets are the whole footprint's levels.
    def as_pathway_target(node: dict[str, Any]) -> None:
        if node.get("@type") == "CarbonNeutralityPathway":
            node["hasTarget"] = [*node["hasTarget"], node.pop("hasFinancedEmissionsTarget")]

    assert "CN-FI-03" in violated_rules(_bank(as_pathway_target), engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("missing", ["scienceBasedReference", "targetYear", "tonnesCO2e"])
def test_a_financed_emissions_target_states_its_year_level_and_science_basis(engine: str, missing: str) -> None:
    def drop(node: dict[str, Any]) -> None:
        if _financed_target(node):
            del node[missing]

    assert violated_rules(_bank(drop), engine, as_of=AS_OF) == {"CN-FI-03"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("quality", [None, " ", "\u200b"], ids=["missing", "space", "zero-width"])
def test_financed_emissions_state_their_data_quality(engine: str, quality: str | None) -> None:
    def set_quality(node: dict[str, Any]) -> None:
        if node.get("@type") == "FinancedEmissionsAccount":
            if quality is None:
                del node["dataQualityAssessment"]
            else:
                node["dataQualityAssessment"] = quality

    conforms, messages = verdict_and_messages(_bank(set_quality), engine, "CN-FI-03", as_of=AS_OF)
    assert not conforms and messages and all("dataQualityAssessment" in m for m in messages)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_placeholder_data_quality_is_refused(engine: str) -> None:
    def placeholder(node: dict[str, Any]) -> None:
        if node.get("@type") == "FinancedEmissionsAccount":
            node["dataQualityAssessment"] = "TBD"

    assert "CN-INPUT-04" in violated_rules(_bank(placeholder), engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_ordinary_company_needs_no_financed_emissions_target(engine: str) -> None:
    assert "CN-FI-03" not in violated_rules(example("conforming-claim.jsonld"), engine, as_of=AS_OF)


# ---- CN-CLAIM-06: a document named as the verifier (carried false CONFORMS: the claim's own IRI as its verifier).


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("verifier", ["ex:claim-2024", "ex:opinion-2024", "ex:report-2024", "ex:claim-2023"])
def test_a_claim_report_or_opinion_is_no_verifier(engine: str, verifier: str) -> None:
    document = example("conforming-claim.jsonld")
    (opinion,) = [node for node in document["@graph"] if node.get("@type") == "VerificationOpinion"]
    assert opinion["@id"] == "ex:opinion-2024"
    opinion["verifiedBy"] = verifier
    if verifier == "ex:claim-2023":  # another claim, last year's, named by the claimant's own data
        document["@graph"].append({"@id": verifier, "@type": "CarbonNeutralityClaim", "claimedBy": "ex:acme"})
    conforms, messages = verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    named = [m for m in messages if "a document (a claim, report, verification opinion" in m]
    assert not conforms and len(named) == 1 and f"is by https://example.org/acme/{verifier[3:]}," in named[0]


def test_turtle_ending_inside_a_statement_names_its_last_line() -> None:
    # rdflib reports "EOF found" at offset -1, which was placed at line 1 column 1 (red team 82c).
    text = "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;\n    ex:d ex:e ;\nex:zzz ex:yyy\n"
    with pytest.raises(InputError, match=r"not valid Turtle \(syntax error at line 4 column 14\)"):
        load(text.encode("utf-8"), format="turtle")


# ---- CN-AUDIT-ID-04 (red team 83b): a report's periods compared by their first and last days, without time zone.


def _two_claims_one_report(first: tuple[str, str], second: tuple[str, str]) -> str:
    """Two claims for one subject, each with its own period, linking one report (Turtle)."""
    (s1, e1), (s2, e2) = first, second
    return f"""
@prefix cn: <https://comet.carbon/ext/iso14068#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:claim-a a cn:CarbonNeutralityClaim ; cn:hasReportingPeriod ex:period-a ; cn:hasReport ex:report .
ex:claim-b a cn:CarbonNeutralityClaim ; cn:hasReportingPeriod ex:period-b ; cn:hasReport ex:report .
ex:period-a cn:reportingPeriodStart "{s1}"^^xsd:date ; cn:reportingPeriodEnd "{e1}"^^xsd:date .
ex:period-b cn:reportingPeriodStart "{s2}"^^xsd:date ; cn:reportingPeriodEnd "{e2}"^^xsd:date .
"""


@pytest.mark.parametrize(
    ("second", "reused"),
    [
        (("2024-01-01", "2025-06-30"), True),  # 18 months from the same first day: another period
        (("2025-01-01", "2025-12-31"), True),
        (("2024-01-01Z", "2024-12-31Z"), False),  # the same days with a time zone
        (("2024-01-01", "2025-01-01"), False),  # an exclusive last day
        (("2024-01-01", "2024-12-31"), False),
    ],
    ids=str,
)
def test_a_report_is_linked_by_the_claims_of_one_period(second: tuple[str, str], reused: bool) -> None:
    from comet_cn import query

    rows = query("report-periods", _two_claims_one_report(("2024-01-01", "2024-12-31"), second)).to_dicts()
    assert bool(rows) is reused
    if reused:
        assert rows[0]["first"] == "2024-01-01 to 2024-12-31" and rows[0]["periods"] == 2


# ---- CN-FI-03, red team 83a: a target that sets nothing, and a data-quality text that says none was made.


def _financed_target_set(**values: str) -> Callable[[dict[str, Any]], None]:
    def edit(node: dict[str, Any]) -> None:
        if _financed_target(node):
            node.update(values)

    return edit


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("year", "level", "missed"),
    [("2022", "1900.0", True), ("2024", "3199.9", True), ("2024", "3200.0", False), ("2025", "1900.0", False)],
)
def test_a_financed_emissions_target_whose_year_has_passed_is_met(
    engine: str, year: str, level: str, missed: bool
) -> None:
    # The bank's 2024 financed emissions are 3,200 t.
    messages = rule_messages(_bank(_financed_target_set(targetYear=year, tonnesCO2e=level)), engine, "CN-FI-03",
                             as_of=AS_OF)  # fmt: skip
    assert bool(messages) is missed
    if missed:
        assert f"(year {year}," in messages[0] and "has passed" in messages[0]


def _baseline_with_financed(tonnes: str) -> Callable[[dict[str, Any]], None]:
    def edit(node: dict[str, Any]) -> None:
        if node.get("@type") == "Baseline":
            node["hasFinancedEmissions"] = {
                "@id": "ex:financed-2019", "@type": "FinancedEmissionsAccount", "assetClass": "mortgages",
                "tonnesCO2e": tonnes, "supportsTransition": True, "dataQualityAssessment": "PCAF score 4",
            }  # fmt: skip
            node["hasEmission"] = {"@id": "ex:emissions-2019", "@type": "IndirectGHGEmission", "tonnesCO2e": "14900.0"}

    return edit


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("target", "above"), [("4200.0", True), ("3500", True), ("3499.0", False)])
def test_a_financed_emissions_target_is_below_the_baselines_financed_emissions(
    engine: str, target: str, above: bool
) -> None:
    document = _bank(_baseline_with_financed("3500.0"), _financed_target_set(tonnesCO2e=target))
    messages = rule_messages(document, engine, "CN-FI-03", as_of=AS_OF)
    assert bool(messages) is above
    if above:
        assert "not below the 3500" in messages[0]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("level", ["-5.0", "-0.5"])
def test_a_financed_emissions_target_level_is_a_non_negative_plain_decimal(engine: str, level: str) -> None:
    assert violated_rules(_bank(_financed_target_set(tonnesCO2e=level)), engine, as_of=AS_OF) == {"CN-FI-03"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("text", "says_none"),
    [
        ("Not assessed", True),
        ("Data quality not assessed.", True),
        ("No data available", True),
        ("Unassessed", True),
        ("data quality: not yet assessed", True),
        ("PCAF score 3; not assessed for 5 % of the book", False),
        ("PCAF data-quality score 2", False),
    ],
)
def test_a_data_quality_assessment_says_something(engine: str, text: str, says_none: bool) -> None:
    def edit(node: dict[str, Any]) -> None:
        if node.get("@type") == "FinancedEmissionsAccount":
            node["dataQualityAssessment"] = text

    messages = rule_messages(_bank(edit), engine, "CN-FI-03", as_of=AS_OF)
    assert bool(messages) is says_none
    if says_none:
        assert "says that no assessment was made" in messages[0]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["No assessment has been carried out yet.", "Data quality: not assessed for 2024", "Nicht bewertet", "Non évaluée"],
)
def test_a_data_quality_assessment_saying_none_in_other_words(engine: str, text: str) -> None:
    # Red team 84a: other wordings and languages of "not assessed".
    def edit(node: dict[str, Any]) -> None:
        if node.get("@type") == "FinancedEmissionsAccount":
            node["dataQualityAssessment"] = text

    messages = rule_messages(_bank(edit), engine, "CN-FI-03", as_of=AS_OF)
    assert any("says that no assessment was made" in m for m in messages)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "verifier",
    [
        {"@value": "https://example.org/acme/claim-2024", "@type": "xsd:anyURI"},
        {"@value": "https://example.org/acme/report-2024"},
        "ex:footprint-2024",
        "ex:plan",
        "ex:commitment",
    ],
    ids=str,
)
def test_a_document_named_otherwise_is_no_verifier(engine: str, verifier: Any) -> None:
    # Red team 84a: the claim's IRI as text, and the claim's footprint, plan or commitment as the verifier.
    document = example("conforming-claim.jsonld")
    (opinion,) = [node for node in document["@graph"] if node.get("@type") == "VerificationOpinion"]
    opinion["verifiedBy"] = verifier
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert len(messages) == 1 and "a document (a claim, report" in messages[0]


def test_a_date_written_with_a_time_zone_is_the_same_claim(tmp_path: Path) -> None:
    # Red team 84a: the claim given again by a tool that writes 2024-01-01Z was "given 2 reporting period starts".
    zoned = example("conforming-claim.jsonld")
    for node in zoned["@graph"]:
        if node.get("@type") == "ReportingPeriod":
            node["reportingPeriodStart"] += "Z"
            node["reportingPeriodEnd"] += "Z"
    assert _audit_ids(tmp_path, example("conforming-claim.jsonld"), zoned) == []


# ---- Annex B.4 (red team 84b): a baseline's instruments, and one certificate under two IRIs.


def _market_based(**baseline_instrument: Any) -> dict[str, Any]:
    """The market-based example whose 2019 baseline counts a guarantee of origin (fields as given)."""
    document = example("annex-b/market-based-electricity-claim.jsonld")
    instrument = {
        "@id": "ex:go-2019", "@type": "ContractualInstrument", "instrumentRetiredFor": "ex:acme",
        "generationPeriodStart": "2019-01-01", "generationPeriodEnd": "2019-12-31", "generationMarket": "DE",
        "consumptionMarket": "DE", **baseline_instrument,
    }  # fmt: skip
    for node in document["@graph"]:
        if node.get("@type") == "Baseline":
            node["usesContractualInstrument"] = instrument
    return document


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({}, None),
        ({"instrumentRetiredFor": "ex:other-company"}, "CN-ELEC-02"),
        ({"generationPeriodStart": "2010-01-01", "generationPeriodEnd": "2010-12-31"}, "CN-ELEC-03"),
    ],
    ids=["right", "retired-for-another", "generated-long-before-the-base-year"],
)
def test_a_baselines_instruments_are_held_to_the_base_period(
    engine: str, change: dict[str, str], rule: str | None
) -> None:
    violated = violated_rules(_market_based(**change), engine, as_of=AS_OF)
    assert violated == ({rule} if rule else set())
    if rule == "CN-ELEC-03":
        (message,) = rule_messages(_market_based(**change), engine, rule, as_of=AS_OF)
        assert "consumption period 2019-01-01 to 2019-12-31" in message


def _company(name: str, instrument_serial: str) -> dict[str, Any]:
    """The market-based example as company ``name``'s claim (its own IRIs and credit serials), its guarantee of
    origin named by its own IRI with the given certificate number."""
    text = json.dumps(example("annex-b/market-based-electricity-claim.jsonld"))
    text = text.replace('"ex:', f'"ex:{name}-').replace("EXR-", f"EX{name[0].upper()}-")
    document: dict[str, Any] = json.loads(text)
    for node in document["@graph"]:
        if node.get("@type") == "ContractualInstrument":
            node["serialNumber"] = instrument_serial
    return document


@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("serials", "found"),
    [
        (("GO-AT-2024-000001-006200", "go-at-2024-000001-006200 "), True),
        (("GO-AT-2024-000001-006200", "GO AT 2024 000001 006200"), True),  # red team 85a: spaces for hyphens
        (("GO-AT-2024-000001-006200", "GO-AT-2024-000001\u2013006200"), True),  # an en dash
        (("GO-AT-2024-1", "GO-AT-2024-2"), False),
        (("GO-AT-2024-000001-006200", "GO-AT-2024-006201-012400"), False),  # the next range: another certificate
    ],
)
def test_one_certificate_under_two_iris_is_counted_once(
    tmp_path: Path, backend: str, serials: tuple[str, str], found: bool
) -> None:
    paths = []
    for name, serial in zip(("acme", "beta"), serials, strict=True):
        path = tmp_path / f"{name}.jsonld"
        path.write_text(json.dumps(_company(name, serial)), encoding="utf-8")
        paths.append(path)
    findings = [f for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-ELEC-01"]  # type: ignore[arg-type]
    assert bool(findings) is found
    if found:
        assert " is used by the footprints of 2 claim(s)" in findings[0].message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_baselines_instruments_are_held_to_the_plans_base_period(engine: str) -> None:
    # Red team 85a: the base period stated on the plan, not on the baseline (CN-PLAN-02 allows either).
    document = _market_based(generationPeriodStart="2010-01-01", generationPeriodEnd="2010-12-31")
    for node in document["@graph"]:
        if node.get("@type") == "Baseline":
            period = node.pop("hasBasePeriod")
        if node.get("@type") == "CarbonNeutralityManagementPlan":
            plan = node
    plan["hasBasePeriod"] = period
    (message,) = rule_messages(document, engine, "CN-ELEC-03", as_of=AS_OF)
    assert "consumption period 2019-01-01 to 2019-12-31" in message


# ---- Red team 85b: a footprint or opinion about another subject; the plan's responsible body named as verifier.


def _with_subject(kind: str, subject: str) -> dict[str, Any]:
    document = example("conforming-claim.jsonld")
    for node in document["@graph"]:
        if node.get("@type") == kind:
            node["hasSubject"] = subject
    document["@graph"].append({"@id": "ex:beta", "@type": "Organization", "label": "Beta Tiles Ltd"})
    return document


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("kind", "rule"), [("CarbonFootprint", "CN-CLAIM-05"), ("VerificationOpinion", "CN-CLAIM-06")])
def test_the_footprint_and_opinion_are_the_claim_subjects(engine: str, kind: str, rule: str) -> None:
    assert violated_rules(_with_subject(kind, "ex:acme"), engine, as_of=AS_OF) == set()
    messages = rule_messages(_with_subject(kind, "ex:beta"), engine, rule, as_of=AS_OF)
    assert len(messages) == 1 and "is about https://example.org/acme/beta, not the claim's subject" in messages[0]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("verifier", [{"@value": "Acme Ceramics management board"}, {"@value": "GreenPath Advisory"}])
def test_the_body_delivering_the_plan_named_as_verifier_is_not_independent(engine: str, verifier: Any) -> None:
    document = example("conforming-claim.jsonld")
    document["@graph"].append({"@id": "ex:greenpath", "@type": "Organization", "label": "GreenPath Advisory GmbH"})
    for node in document["@graph"]:
        if node.get("@type") == "CarbonNeutralityManagementPlan":
            node["responsibleForDelivery"] = ["ex:board", "ex:greenpath"]
        if node.get("@type") == "VerificationOpinion":
            node["verifiedBy"] = verifier
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert len(messages) == 1 and "the body responsible for delivering the claim's plan" in messages[0]
