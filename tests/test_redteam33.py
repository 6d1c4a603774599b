"""Red team 33 (the claim's verification, units and inputs checked together): each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.audits import run_audits
from comet_cn.loading import JSONLD_BASE
from comet_cn.queries import query_info
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"
MAJOR = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Scope 3 purchased goods omitted"}


def _claim() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


_violations = violations_by_rule


# ---- CN-CLAIM-06: who verified the claim ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("verifier", [{}, {"@type": "Organization"}, {"@type": "Organization", "label": " "}])
def test_a_verifier_node_without_a_name_names_no_one(engine: str, verifier: dict[str, Any]) -> None:
    # Before: any blank node passed as the verifier, so "verifiedBy": {} conformed.
    document = edited(_claim(), ("ex:opinion-2024", "verifiedBy", verifier))
    messages = _violations(document, engine).get("CN-CLAIM-06", [])
    assert any("who verified the claim" in m for m in messages), messages


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name_key", ["label", "prefLabel", "schema:name"])
def test_a_verifier_node_with_a_name_conforms(engine: str, name_key: str) -> None:
    verifier = {"@type": "Organization", name_key: "Example Verification AG"}
    assert _violations(edited(_claim(), ("ex:opinion-2024", "verifiedBy", verifier)), engine) == {}


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("written", ["[TBD]", "(none)", "–", "…", "k.A.", "'n/a'"])
def test_a_verifier_placeholder_in_brackets_or_punctuation_is_refused(engine: str, written: str) -> None:
    # Before: only spaces, dots, slashes, underscores and hyphens were set aside, so "[TBD]" or "–" named the verifier.
    messages = _violations(edited(_claim(), ("ex:opinion-2024", "verifiedBy", written)), engine).get("CN-INPUT-04", [])
    assert any(repr(written) in m for m in messages), messages


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_node_named_only_by_a_placeholder_is_refused(engine: str) -> None:
    # Before: the verifier ex:verifier labelled "TBD" (or a blank node labelled "(tbd)") named the verifier.
    named_tbd = edited(_claim(), ("ex:verifier", "label", "TBD"))
    messages = _violations(named_tbd, engine).get("CN-INPUT-04", [])
    assert any("verifier" in m and "'TBD'" in m and "CN-CLAIM-06" in m for m in messages), messages
    blank_tbd = edited(_claim(), ("ex:opinion-2024", "verifiedBy", {"@type": "Organization", "label": "(tbd)"}))
    assert "CN-INPUT-04" in _violations(blank_tbd, engine)


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("written", ["Ö", "KA Prüfgesellschaft (Nord) mbH", "TÜV-Süd"])
def test_a_short_or_bracketed_real_name_is_no_placeholder(written: str) -> None:
    document = edited(_claim(), ("ex:verifier", "label", written))
    assert _violations(document) == {}


# ---- CN-CLAIM-06: a non-conformity on what the verification examined ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("holder", ["ex:claim-2024", "ex:report-2024", "ex:footprint-2024", "ex:plan"])
def test_a_major_non_conformity_on_the_claim_or_its_report_footprint_or_plan_is_refused(
    engine: str, holder: str
) -> None:
    # Before: only non-conformities on the verification opinion were read; COMET records them on the audited object.
    document = edited(_claim(), (holder, "hasNonConformity", MAJOR))
    messages = _violations(document, engine).get("CN-CLAIM-06", [])
    assert any(holder.replace("ex:", "") in m and "severity major" in m for m in messages), messages


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_minor_non_conformity_on_the_report_conforms(engine: str) -> None:
    minor = {**MAJOR, "nonConformitySeverity": "minor"}
    assert _violations(edited(_claim(), ("ex:report-2024", "hasNonConformity", minor)), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
def test_a_non_conformity_on_a_node_the_verification_did_not_examine_is_left_alone() -> None:
    # A steel site's own certification audit, beside the claim, is not the claim's verification.
    site = {"@id": "ex:site-audit", "@type": "CertificationAudit", "hasNonConformity": MAJOR}
    assert _violations(with_nodes(_claim(), site)) == {}


# ---- CN-CLAIM-06: the opinion's review ----


def _reviewed(decision: str | None, audited: str = "ex:opinion-2024") -> dict[str, Any]:
    review: dict[str, Any] = {"@id": "ex:panel-review", "@type": "AssurancePanelReview", "reviewsAudit": audited}
    if decision is not None:
        review["panelDecision"] = decision
    return with_nodes(_claim(), review)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("decision", "shown"), [("rejected", '"rejected"'), ("deferred", '"deferred"'), (None, "not stated")]
)
def test_an_opinion_its_review_did_not_approve_is_refused(engine: str, decision: str | None, shown: str) -> None:
    # Before: a review panel's "rejected" of the opinion was read by no rule.
    messages = _violations(_reviewed(decision), engine).get("CN-CLAIM-06", [])
    assert any("panel-review" in m and shown in m for m in messages), messages


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("decision", ["approved", "Accepted.", " upheld "])
def test_an_opinion_its_review_approved_conforms(engine: str, decision: str) -> None:
    assert _violations(_reviewed(decision), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
def test_a_rejected_review_of_the_report_is_refused_too() -> None:
    assert "CN-CLAIM-06" in _violations(_reviewed("rejected", audited="ex:report-2024"))


# ---- CN-AUDIT-ID-03: relative @ids are the same in every input ----


def _company(name: str, *, relative: bool) -> dict[str, Any]:
    """The example claim as ``name``'s, its @ids relative to no @base, or absolute under the company's own IRI."""
    text = CLAIM.read_text(encoding="utf-8").replace("Acme Ceramics GmbH", name)
    if relative:
        text = text.replace('"ex:', '"')
    else:
        text = text.replace("https://example.org/acme/", f"https://example.org/{name.split()[0].lower()}/")
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.mark.rule("CN-AUDIT-ID-03")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_two_companies_writing_relative_ids_are_not_merged_silently(backend: str, tmp_path: Path) -> None:
    # Before: both files' "claim-2024" and "acme" resolved against pyld's placeholder base, so the two companies were
    # one subject and the credits both retired were not seen as retired twice: the set conformed.
    if backend == "oxigraph":
        pytest.importorskip("pyoxigraph")
    files = []
    for name in ("Acme Ceramics GmbH", "Beta Tiles Ltd"):
        path = tmp_path / f"{name.split()[0].lower()}.jsonld"
        path.write_text(json.dumps(_company(name, relative=True)), encoding="utf-8")
        files.append(path)
    findings = run_audits(files, backend=backend)  # type: ignore[arg-type]
    relative = [f for f in findings if f.rule_id == "CN-AUDIT-ID-03" and f.severity == "Violation"]
    assert relative, findings
    assert all("relative" in f.message and "base other inputs share" in f.message for f in relative), findings
    assert relative[0].focus_node == JSONLD_BASE + "claim-2024"


@pytest.mark.rule("CN-AUDIT-ID-03")
def test_two_companies_with_their_own_iris_get_the_double_count_not_the_relative_id(tmp_path: Path) -> None:
    files = []
    for name in ("Acme Ceramics GmbH", "Beta Tiles Ltd"):
        path = tmp_path / f"{name.split()[0].lower()}.jsonld"
        path.write_text(json.dumps(_company(name, relative=False)), encoding="utf-8")
        files.append(path)
    rules = {f.rule_id for f in run_audits(files, backend="rdflib")}
    assert "CN-AUDIT-DOUBLE-01" in rules and "CN-AUDIT-ID-03" not in rules


def test_the_query_names_the_base_pyld_resolves_against() -> None:
    # The query spells the placeholder base out; it must be the one the loader's JSON-LD processor uses.
    assert JSONLD_BASE in query_info("blank-subjects").text


# ---- CN-BAL-01: a quantity is in tonnes, whatever unit the node states ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("node", "unit", "shown"),
    [
        ("ex:credit-wind", {"qudt:hasUnit": {"@id": "unit:KiloGM"}}, "KiloGM"),
        ("ex:footprint-2024", {"qudt:hasUnit": {"@id": "unit:KiloTONNE"}}, "KiloTONNE"),
        ("ex:emission-scope1", {"schema:unitCode": "KGM"}, "KGM"),
        ("ex:emission-scope2", {"schema:unitText": "kt CO2e"}, "kt CO2e"),
    ],
)
def test_a_quantity_stated_in_another_unit_is_refused(engine: str, node: str, unit: dict[str, Any], shown: str) -> None:
    # Before: the credits' unit:KiloGM was read by no rule, and 12,500 kg of credits covered a 12,450 t footprint.
    document = _claim()
    next(n for n in document["@graph"] if n["@id"] == node).update(unit)
    messages = _violations(document, engine).get("CN-BAL-01", [])
    assert any("states its unit as" in m and shown in m for m in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "unit",
    [
        {"qudt:hasUnit": {"@id": "unit:TONNE"}},
        {"qudt:unit": {"@id": "unit:TON_Metric"}},
        {"schema:unitCode": "TNE"},
        {"schema:unitText": "t CO2e"},
        {"schema:unitText": "tonnes of CO2-eq"},
    ],
)
def test_a_quantity_stated_in_tonnes_conforms(engine: str, unit: dict[str, Any]) -> None:
    document = _claim()
    next(n for n in document["@graph"] if n["@id"] == "ex:credit-wind").update(unit)
    assert _violations(document, engine) == {}


# ---- CN-INPUT-02: the comet-cn namespace under its version IRI, or with %23 ----


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize(
    "key",
    [
        "https://comet.carbon/ext/iso14068/0.2.0#hasNonConformity",
        "https://comet.carbon/ext/iso14068%23hasNonConformity",
        "https://comet.carbon/ext/iso14068/v1#hasNonConformity",
    ],
)
def test_a_term_under_the_version_iri_or_with_an_encoded_hash_is_unknown(key: str) -> None:
    # Before: a property under the ontology's version IRI (or with "%23" for "#") was another vocabulary, read by no
    # rule and reported by none: a claim could carry its own facts under it unchecked.
    document = edited(_claim(), ("ex:opinion-2024", key, "major"))
    messages = _violations(document).get("CN-INPUT-02", [])
    assert any("written otherwise than the comet namespace" in m for m in messages), messages
