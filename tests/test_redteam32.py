"""Red team 32 (the newest checks attacked from both sides): each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, Run, edited, one_instrument_two_claims, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"


def _claim() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


_violations = violations_by_rule


# ---- CN-BAL-01: an emission is listed by a footprint or baseline, or is part of one so listed ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_emission_listed_only_by_an_untyped_node_is_outside_every_total(engine: str) -> None:
    # Before: a 5000 t emission listed by a node that is no footprint passed the "listed" check.
    extra = [
        {"@id": "ex:emission-hidden", "@type": "Scope1Emission", "tonnesCO2e": "5000.0"},
        {"@id": "ex:side-note", "hasEmission": "ex:emission-hidden"},
    ]
    messages = _violations(with_nodes(_claim(), *extra), engine).get("CN-BAL-01", [])
    assert any("emission-hidden" in m for m in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_listed_emission_broken_down_by_stage_conforms(engine: str) -> None:
    # Before: each stage of a listed emission's breakdown (dcterms:hasPart) was "outside every total".
    stages = [
        {"@id": f"ex:scope3-{name}", "@type": "IndirectGHGEmission", "tonnesCO2e": tonnes}
        for name, tonnes in (("materials", "1600.0"), ("transport", "1000.0"))
    ]
    document = edited(
        with_nodes(_claim(), *stages),
        ("ex:emission-scope3", "dcterms:hasPart", [{"@id": "ex:scope3-materials"}, {"@id": "ex:scope3-transport"}]),
    )
    assert _violations(document, engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_quarters_inside_the_half_years_given_too_are_not_added_to_them(engine: str) -> None:
    # Before: H1 + H2 (12450 t, the claim's footprint) and Q1 + Q2 (H1's) were summed to 18450 t and refused.
    parts = {
        "h1": ("2024-01-01", "2024-06-30", "6000.0"),
        "h2": ("2024-07-01", "2024-12-31", "6450.0"),
        "q1": ("2024-01-01", "2024-03-31", "3000.0"),
        "q2": ("2024-04-01", "2024-06-30", "3000.0"),
    }
    nodes: list[dict[str, Any]] = []
    for name, (start, end, tonnes) in parts.items():
        nodes.append({"@id": f"ex:p-{name}", "@type": "ReportingPeriod", "reportingPeriodStart": start,
                      "reportingPeriodEnd": end})  # fmt: skip
        nodes.append({"@id": f"ex:f-{name}", "@type": "CarbonFootprint", "tonnesCO2e": tonnes,
                      "hasReportingPeriod": f"ex:p-{name}"})  # fmt: skip
    footprints = [f"ex:f-{name}" for name in parts]
    assert (
        _violations(edited(with_nodes(_claim(), *nodes), ("ex:acme", "hasCarbonFootprint", footprints)), engine) == {}
    )
    more = edited(
        with_nodes(_claim(), *nodes), ("ex:acme", "hasCarbonFootprint", footprints), ("ex:f-h2", "tonnesCO2e", "9000.0")
    )
    assert "CN-BAL-01" in _violations(more, engine)


# ---- a folder: an ontology file beside the claims ----


def test_an_owl_ontology_beside_the_claims_is_not_an_input(tmp_path: Path, cli: Any) -> None:
    (tmp_path / "claim.jsonld").write_bytes(CLAIM.read_bytes())
    (tmp_path / "ours.owl").write_text(
        "<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'></rdf:RDF>\n"
    )
    run: Run = cli("-q", tmp_path)
    assert run.code == 0 and "1 input(s)" in run.out, run.out + run.err


# ---- the outputs people sign or file ----

MARKET = EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld"


def _one_instrument_two_claims(tmp_path: Path) -> Path:
    path = tmp_path / "two-claims.jsonld"
    path.write_text(
        json.dumps(one_instrument_two_claims(json.loads(MARKET.read_text(encoding="utf-8")))), encoding="utf-8"
    )
    return path


@pytest.mark.rule("CN-AUDIT-ELEC-01")
def test_an_audit_found_within_one_input_is_a_failing_testcase_and_a_violated_row(tmp_path: Path, cli: Any) -> None:
    # Before: exit 1, yet JUnit said failures="0" with no testcase for the rule, and the dossier's table "0 violated".
    path = _one_instrument_two_claims(tmp_path)
    junit: Run = cli("-q", "-f", "junit", path)
    assert junit.code == 1 and 'failures="0"' not in junit.out and "AUDIT-ELEC-01" in junit.out
    page = tmp_path / "dossier.html"
    html: Run = cli("-q", "-f", "html", "-o", page, path)
    assert html.code == 1
    text = page.read_text(encoding="utf-8")
    assert "0 violated" not in text and "CN-AUDIT-ELEC-01" in text


def test_a_bidi_control_in_a_label_is_escaped_in_the_dossiers_charts(tmp_path: Path, cli: Any) -> None:
    # Before: a right-to-left override in the subject's label reached the SVG chart titles raw.
    document = edited(_claim(), ("ex:acme", "label", "Acme \u202eMROFNOC TON SEOD\u202c GmbH"))
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    page = tmp_path / "dossier.html"
    cli("-q", "-f", "html", "-o", page, path)
    text = page.read_text(encoding="utf-8")
    assert "\u202e" not in text and "\\u202e" in text
    junit: Run = cli("-q", "-f", "junit", path)
    assert "\u202e" not in junit.out


def test_a_share_just_short_of_the_footprint_is_not_shown_as_100_percent(tmp_path: Path, cli: Any) -> None:
    document = edited(_claim(), ("ex:footprint-2024", "tonnesCO2e", "12501.0"))
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    page = tmp_path / "dossier.html"
    cli("-q", "-f", "html", "-o", page, path)
    text = page.read_text(encoding="utf-8")
    assert "99.9 % of the footprint" in text and "100 % of the footprint" not in text


@pytest.mark.rule("CN-BAL-01")
def test_the_dossiers_balance_does_not_say_covered_when_cn_bal_01_is_violated(tmp_path: Path, cli: Any) -> None:
    # Before: "The credits cover the footprint" beside a CN-BAL-01 violation (the subject's 20450 t footprint).
    page = tmp_path / "dossier.html"
    cli("-q", "-f", "html", "-o", page, EXAMPLES / "violations" / "cn-bal-01-subject-footprint-larger.jsonld")
    text = page.read_text(encoding="utf-8")
    assert "The credits cover the footprint (net zero or less)." not in text
    assert "but CN-BAL-01 is violated" in text


def test_an_unreadable_input_is_a_sarif_result_and_not_conforming_in_turtle(tmp_path: Path, cli: Any) -> None:
    # Before: SARIF gave no result for it (code scanning showed the file clean), and the Turtle report had no
    # sh:conforms for it, so a batch's only sh:conforms was the readable input's true.
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@context": "https://comet.carbon/ext/iso14068/context.jsonld", "@graph": [', encoding="utf-8")
    sarif: Run = cli("-q", "-f", "sarif", broken, CLAIM)
    assert sarif.code == 2
    assert [r["ruleId"] for r in sarif.json()["runs"][0]["results"]] == ["CN-INPUT-ERROR"]
    turtle: Run = cli("-q", "-f", "turtle", broken, CLAIM)
    from rdflib import Graph
    from rdflib.namespace import SH

    graph = Graph().parse(data=turtle.out, format="turtle")
    assert sorted(str(value) for value in graph.objects(None, SH.conforms)) == ["false", "true"]
