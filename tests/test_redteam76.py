"""Red team 76a: one subject under two spellings of its web address (a claim copied from the year before with its
prefix changed from https:// to http://) escaped the continual-improvement audits: its periods were two series."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.audits import web_address
from comet_cn.importers import import_records, merge
from comet_cn.importers.building import merge_mapping
from tests.conftest import ENGINES, EXAMPLES, checked, example, verdict_and_messages
from tests.registry_headers import ACR_HEADER

AS_OF = date(2026, 12, 6)


def _acme(year: str, prefix: str = "https://example.org/acme/") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text("utf-8"))
    document["@context"][1]["ex"] = prefix
    return document


def _series(tmp_path: Path, prefix_2023: str) -> list[Path]:
    paths = []
    for year in ("2022", "2023", "2024"):
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(json.dumps(_acme(year, prefix_2023 if year == "2023" else "https://example.org/acme/")))
        paths.append(path)
    return paths


def _audit_rules(cli: Callable[..., Any], paths: list[Path]) -> dict[str, list[str]]:
    report = json.loads(cli("--audits", "--as-of", "2026-06-01", "-f", "json", *paths).out)
    found: dict[str, list[str]] = {}
    for result in report["results"]:
        if result["rule"].startswith("CN-AUDIT-"):
            found.setdefault(result["rule"], []).append(result["message"])
    return found


def test_a_subject_spelt_http_in_one_year_is_one_subject_named_two_ways(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    assert "CN-AUDIT-ID-02" not in _audit_rules(cli, _series(tmp_path, "https://example.org/acme/"))
    spellings = (
        "http://example.org/acme/",
        "https://EXAMPLE.org/acme/",
        "https://example.org:443/acme/",  # red team 78a: the default port, www., a dot segment, a trailing dot,
        "https://www.example.org/acme/",  # an unreserved character percent-encoded
        "https://example.org/acme/./",
        "https://example.org./acme/",
        "https://example.org/%61cme/",
    )
    for spelling in spellings:
        found = _audit_rules(cli, _series(tmp_path, spelling))
        (message,) = found["CN-AUDIT-ID-02"]
        assert "another spelling of the same web address" in message and spelling + "acme " in message


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("https://example.org/acme/acme", "http://EXAMPLE.org:80/acme/acme/", True),
        ("https://example.org/acme/acme", "https://example.org/acme/acme#", True),
        ("https://example.org/acme/acme", "https://example.org/acme/x/../acme", True),
        ("https://example.org/acme/acme", "https://example.org/acme/Acme", False),  # a path's case is its own
        ("https://example.org/acme/acme", "https://example.org/acme/acme?site=1", False),
        ("https://example.org/acme/acme", "https://example.org/acme/acme#site", False),
        ("https://example.org/acme/acme", "https://example.org:8443/acme/acme", False),
        # Red team 79a: the default port is the scheme's own; user information keeps its case; an IRI is its URI.
        ("http://example.org/acme", "http://example.org:443/acme", False),
        ("https://example.org/acme", "https://example.org:80/acme", False),
        ("https://example.org/acme", "https://example.org:443/acme", True),
        ("https://alice@example.org/acme", "https://Alice@example.org/acme", False),
        ("https://alice@example.org/acme", "https://alice@EXAMPLE.org/acme", True),
        ("https://example.org/m\u00fcller", "https://example.org/m%C3%BCller", True),
        ("https://example.org/m%c3%bcller", "https://example.org/m%C3%BCller", True),
        ("https://example.org/a%2fb", "https://example.org/a%2Fb", True),
        ("https://example.org/a%2Fb", "https://example.org/a/b", False),
        ("https://m\u00fcller.example/acme", "https://xn--mller-kva.example/acme", True),
        ("https://[::1]/acme", "https://[::2]/acme", False),
        ("https://[::1]:443/acme", "https://[::1]/acme", True),
    ],
)
def test_a_web_address_is_one_however_it_is_spelt(one: str, other: str, same: bool) -> None:
    assert (web_address(one) == web_address(other)) is same


def test_a_path_that_only_begins_alike_is_another_subject(cli: Callable[..., Any], tmp_path: Path) -> None:
    found = _audit_rules(cli, _series(tmp_path, "https://example.org/acme/acme-"))  # subject .../acme/acme-acme
    assert "CN-AUDIT-ID-02" not in found


def test_within_one_input_the_two_spellings_are_found_too() -> None:
    older, newer = _acme("2023"), _acme("2024")
    (claim,) = [node for node in newer["@graph"] if node.get("@id") == "ex:claim-2024"]
    claim["hasSubject"] = "http://example.org/acme/acme"
    subject = next(node for node in older["@graph"] if node.get("@id") == "ex:acme")
    newer["@graph"].append({**subject, "@id": claim["hasSubject"]})
    both = {"@context": older["@context"], "@graph": older["@graph"] + newer["@graph"]}
    report = comet_cn.validate(both)
    messages = [r.message for r in report.results if r.rule_id == "CN-AUDIT-ID-02"]
    assert not report.conforms and len(messages) == 1 and "another spelling" in messages[0]


# ---- Red team 76b: the claimant's own IRI written as the verifier's name ----


@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_named_by_the_claimants_own_iri_as_text_is_the_claimant(engine: str) -> None:
    document = example("conforming-claim.jsonld")
    (opinion,) = [node for node in document["@graph"] if node.get("@type") == "VerificationOpinion"]
    claimant = "https://example.org/acme/acme"
    for written in ({"@value": claimant}, {"@value": f"  {claimant} "}):
        opinion["verifiedBy"] = written
        conforms, messages = verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
        assert not conforms and len(messages) == 1 and "the name or IRI of " + claimant in messages[0]
    # Red team 78a: the same address spelt otherwise, as text or as a node.
    for written in (
        {"@value": "http://example.org/acme/acme"},
        {"@value": "HTTPS://WWW.EXAMPLE.ORG/acme/acme/"},
        {"@value": "<https://example.org:443/acme/acme>"},
        {"@value": "example.org/acme/acme"},
        "http://example.org/acme/acme",
        "https://EXAMPLE.org/acme/acme/",
    ):
        opinion["verifiedBy"] = written
        conforms, messages = verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
        assert not conforms and len(messages) == 1 and "the name or IRI of " + claimant in messages[0], written
    for other in ("https://example.org/verifiers/nordic-assurance", "https://example.org/acme/acme-audit-partners"):
        opinion["verifiedBy"] = {"@value": other}  # another body's address, as text
        assert verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF) == (True, [])


# ---- Red team 77b: an import merged again into a claim that already holds it ----


def _acr_export(tmp_path: Path) -> Path:
    row = [
        "98803", "ACR-US-98803-2024-3101-40001 to 52500", "5/14/2025 3:02:11 PM", "2024", "1/1/2024", "12/31/2024",
        "12500", "Acme Ceramics GmbH", "2/3/2026 10:15:42 AM", "", "Environmental Benefit", "", "ACR98803",
        "Example Landfill Gas Project", "Landfill Gas", "LFG", "Version 2.0", "Example County", "OHIO", "US", "No",
        "No", "No", "", "", "", "", "13: Climate Action", "", "View", "4",
    ]  # fmt: skip
    lines = [",".join(f'"{value}"' for value in r) + "," for r in [ACR_HEADER.split(","), row]]
    path = tmp_path / "acr.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_merging_an_import_again_says_nothing_differs_when_nothing_does(tmp_path: Path) -> None:
    imported = import_records("acr", _acr_export(tmp_path), corresponding_adjustment=False)
    once = merge(EXAMPLES / "conforming-claim.jsonld", [imported], for_claimant=True)
    # As a workbook or another tool writes it back: the unit numbers as JSON numbers, not text.
    for node in once["@graph"]:
        for key in ("firstUnit", "lastUnit"):
            if isinstance(node.get(key), str):
                node[key] = int(node[key])
    assert any(isinstance(node.get("firstUnit"), int) for node in once["@graph"])
    warnings: list[str] = []
    twice = merge(once, [imported], for_claimant=True, warnings=warnings)
    assert not [w for w in warnings if "both values kept" in w], warnings
    credits = [node for node in twice["@graph"] if "firstUnit" in node]
    assert credits and all(not isinstance(node["firstUnit"], list) for node in credits)


def test_a_unit_number_that_differs_is_still_said_to_differ() -> None:
    node: dict[str, Any] = {"@id": "ex:credit", "firstUnit": 40001, "tonnesCO2e": "12500"}
    assert merge_mapping(node, {"@id": "ex:credit", "firstUnit": "40001", "tonnesCO2e": "12500"}) == []
    assert merge_mapping(node, {"@id": "ex:credit", "firstUnit": "40002"}) == ["firstUnit"]
    assert sorted(map(str, node["firstUnit"])) == ["40001", "40002"]


# ---- Red team 77a: a report on another subject ----


@pytest.mark.rule("CN-CLAIM-05")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_report_a_claim_rests_on_is_about_the_claims_subject(engine: str) -> None:
    document = example("conforming-claim.jsonld")
    (report,) = [node for node in document["@graph"] if node.get("@id") == "ex:report-2024"]
    report["hasSubject"] = "ex:acme"  # its own subject, said: conforms
    assert verdict_and_messages(document, engine, "CN-CLAIM-05", as_of=AS_OF) == (True, [])
    report["hasSubject"] = "ex:acme-register"  # a name declared the same: still its own subject
    document["@graph"].append({"@id": "ex:acme-register", "owl:sameAs": {"@id": "ex:acme"}})
    assert verdict_and_messages(document, engine, "CN-CLAIM-05", as_of=AS_OF) == (True, [])
    report["hasSubject"] = "ex:acme-logistics"
    document["@graph"].append({"@id": "ex:acme-logistics", "@type": "Organization", "label": "Acme Logistics GmbH"})
    conforms, messages = verdict_and_messages(document, engine, "CN-CLAIM-05", as_of=AS_OF)
    assert not conforms and len(messages) == 1 and "is about https://example.org/acme/acme-logistics" in messages[0]


# ---- Red team 78b: scope 2 and 3 in short form; a footprint of nothing but zeros ----


@pytest.mark.parametrize("engine", ENGINES)
def test_indirect_emissions_typed_scope2_and_scope3_in_short_form_conform(engine: str) -> None:
    # Before: "Scope2Emission" was an undefined term (CN-INPUT-02, "did you mean 'Scope1Emission'?") and the claim
    # listed no indirect emission (CN-ORG-01), though comet-pcf:Scope2Emission, written in full, conformed.
    document = example("conforming-claim.jsonld")
    indirect = [node for node in document["@graph"] if node.get("@type") == "IndirectGHGEmission"]
    assert indirect
    for node in indirect:
        node["@type"] = "Scope2Emission"
    report = checked(document, engine, as_of=AS_OF)
    assert report.conforms, [r.message for r in report.results]
    for node in indirect:
        node["@type"] = "Scope3Emission"
    assert checked(document, engine, as_of=AS_OF).conforms


@pytest.mark.rule("CN-CTYPE-01")
def test_a_footprint_of_zeros_is_not_said_to_hold_only_residual_emissions() -> None:
    document = example("conforming-claim.jsonld")
    (claim,) = [node for node in document["@graph"] if node.get("@type") == "CarbonNeutralityClaim"]
    footprint = next(node for node in document["@graph"] if node.get("@id") == claim["hasCarbonFootprint"])
    emissions = {e if isinstance(e, str) else e["@id"] for e in footprint["hasEmission"]}
    for node in document["@graph"]:
        if node.get("@id") in emissions:
            node["tonnesCO2e"] = "0.0"
    conforms, messages = verdict_and_messages(document, "pyshacl", "CN-CTYPE-01", as_of=AS_OF)
    assert not conforms and messages == []  # CN-BAL-01 and others report it, not a false reason
