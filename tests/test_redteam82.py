"""Red team 82: one claim written by two tools is one claim (CN-AUDIT-ID-01); a financial institution's
science-based target for its financed emissions and their data quality (CN-FI-03, Annex B.3.4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn import InputError, load, run_audits
from tests.conftest import ENGINES, example, verdict_and_messages, violated_rules


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
    named = [m for m in messages if "a claim, report or verification opinion" in m]
    assert not conforms and len(named) == 1 and f"is by https://example.org/acme/{verifier[3:]}," in named[0]


def test_turtle_ending_inside_a_statement_names_its_last_line() -> None:
    # rdflib reports "EOF found" at offset -1, which was placed at line 1 column 1 (red team 82c).
    text = "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;\n    ex:d ex:e ;\nex:zzz ex:yyy\n"
    with pytest.raises(InputError, match=r"not valid Turtle \(syntax error at line 4 column 14\)"):
        load(text.encode("utf-8"), format="turtle")
