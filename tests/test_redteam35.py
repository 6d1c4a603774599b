"""Red team 35 (red team 33 and 34's fixes attacked, above all for claims they wrongly refused): each test names what
a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.claim_checks import _placeholder
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"
PRODUCT = EXAMPLES / "annex-b" / "product-claim.jsonld"
RESIDUAL = EXAMPLES / "residual-only-claim.jsonld"
MAJOR = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Scope 3 omitted"}

_violations = violations_by_rule


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# ---- CN-CLAIM-06 ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_major_non_conformity_on_the_product_claimed_is_refused(engine: str) -> None:
    # Before: the subject was never read, although a product (unlike an organization) is what was verified.
    document = edited(_read(PRODUCT), ("ex:terra-tile", "hasNonConformity", MAJOR))
    messages = _violations(document, engine).get("CN-CLAIM-06", [])
    assert any("terra-tile" in m and "severity major" in m for m in messages), messages


def _reissued(old_opinion: dict[str, Any], link: str) -> dict[str, Any]:
    """The example whose opinion replaces (``link``) an earlier one, ``old_opinion``, which the claim does not link."""
    document = edited(_read(CLAIM), ("ex:opinion-2024", link, {"@id": "ex:opinion-2024-v1"}))
    return with_nodes(document, {"@id": "ex:opinion-2024-v1", **old_opinion})


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("link", ["dcterms:replaces", "prov:wasRevisionOf"])
def test_an_opinion_reissued_after_its_non_conformity_or_rejection_conforms(engine: str, link: str) -> None:
    # Before: the superseded first opinion's major non-conformity (or its panel's rejection) was still read.
    old = {"@type": "VerificationOpinion", "verificationStandard": "ISO_14064_3", "verifiedBy": "ex:verifier",
           "verificationDate": "2025-04-10", "hasNonConformity": MAJOR}  # fmt: skip
    assert _violations(_reissued(old, link), engine) == {}
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024-v1",
              "panelDecision": "rejected"}  # fmt: skip
    rejected = with_nodes(_reissued({k: v for k, v in old.items() if k != "hasNonConformity"}, link), review)
    assert _violations(rejected, engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
def test_a_superseded_opinion_the_claim_still_links_is_read() -> None:
    document = edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", MAJOR))
    document = with_nodes(document, {"@id": "ex:opinion-2024-v2", "@type": "VerificationOpinion",
                                     "dcterms:replaces": {"@id": "ex:opinion-2024"}})  # fmt: skip
    assert "CN-CLAIM-06" in _violations(document)


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "decision", ["Approved 2025-05-02", "Approved - no further action", "accepted with conditions"]
)
def test_an_approval_with_a_note_conforms(engine: str, decision: str) -> None:
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024",
              "panelDecision": decision}  # fmt: skip
    assert _violations(with_nodes(_read(CLAIM), review), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("decision", ["not approved", "Approved, then withdrawn", "approval pending"])
def test_a_decision_that_is_no_approval_is_refused(decision: str) -> None:
    review = {"@id": "ex:panel", "@type": "AssurancePanelReview", "reviewsAudit": "ex:opinion-2024",
              "panelDecision": decision}  # fmt: skip
    assert "CN-CLAIM-06" in _violations(with_nodes(_read(CLAIM), review))


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("severity", ["Major (closed)", "major - resolved", "Observation", "immaterial misstatement"])
def test_a_closed_non_conformity_or_an_observation_conforms(engine: str, severity: str) -> None:
    noted = {**MAJOR, "nonConformitySeverity": severity}
    assert _violations(edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", noted)), engine) == {}


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("severity", ["Major (open)", "major - unresolved", "major, closure pending"])
def test_a_non_conformity_still_open_is_refused(severity: str) -> None:
    noted = {**MAJOR, "nonConformitySeverity": severity}
    assert "CN-CLAIM-06" in _violations(edited(_read(CLAIM), ("ex:opinion-2024", "hasNonConformity", noted)))


# ---- CN-BAL-01 ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_opinion_naming_the_footprint_it_verified_conforms(engine: str) -> None:
    # Before: the opinion's link made the claim's footprint "not its subject's".
    document = edited(_read(CLAIM), ("ex:opinion-2024", "hasCarbonFootprint", "ex:footprint-2024"))
    assert _violations(document, engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["tonnes CO2e (AR5)", "t CO2e (100-year GWP)", "t CO2 equiv.", "tonnes (CO2e)", "tCO2e/yr", "t CO2-Äq."],
)
def test_a_unit_of_tonnes_with_a_note_conforms(engine: str, text: str) -> None:
    document = edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text))
    assert _violations(document, engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("text", ["kt CO2e (AR5)", "short tons", "kg CO2e/yr"])
def test_another_unit_with_a_note_is_still_refused(text: str) -> None:
    assert "CN-BAL-01" in _violations(edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text)))


# ---- CN-CRIT-01 ----


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "value"), [("serialNumber", "WCC-PIU-2024-000001-000400"), ("issuedByProgramme", {"@id": "ex:programme"})]
)
def test_the_subjects_own_registered_enhancement_never_sold_conforms(engine: str, key: str, value: Any) -> None:
    # Before: a serial or a programme alone made the subject's own registered woodland "a carbon credit".
    assert _violations(edited(_read(CLAIM), ("ex:enhancement-woodland", key, value)), engine) == {}


# ---- CN-CTYPE-01 ----


@pytest.mark.rule("CN-CTYPE-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_residual_only_claim_whose_later_targets_come_from_planned_removals_conforms(engine: str) -> None:
    # Before: a net target lowered by planned in-boundary removals was read as further emission cuts.
    lowered = (("ex:target-2030", "tonnesCO2e", "11450.0"), ("ex:target-2045", "tonnesCO2e", "11450.0"))
    document = edited(_read(RESIDUAL), *lowered)
    assert "CN-CTYPE-01" in _violations(document, engine)  # the removals are not stated
    action = {"@id": "ex:action-hedges", "@type": "PlanAction", "label": "Plant hedgerows on company land",
              "hierarchyStep": "Enhance_Removal_Inside_Boundary", "actionOrder": 4, "plannedDate": "2027-03-31",
              "tonnesCO2e": "1000.0"}  # fmt: skip
    # Offsetting stays the plan's last step (CN-HIER-02), after the new removal action.
    document = edited(with_nodes(document, action), ("ex:action-offset", "actionOrder", 5),
                      ("ex:action-offset", "plannedDate", "2027-06-30"))  # fmt: skip
    plan = next(n for n in document["@graph"] if n["@id"] == "ex:plan")
    plan["hasAction"] = [*plan["hasAction"], "ex:action-hedges"]
    assert _violations(document, engine) == {}


# ---- CN-INPUT-04 ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    "text",
    [
        "<https://example.org/acme/evidence/claim-summary.pdf>",
        "[1] SBTi Corporate Net-Zero Standard [p. 21]",
        "NN (Nordic Nemko) Certification AS",
        "KA - Kiwa Assurance",
        "X, Y & Z Verifiers LLP",
        "x.pdf",
    ],
)
def test_real_texts_that_look_like_placeholders_are_not(text: str) -> None:
    # Before: a link in angle brackets, a citation in brackets and names with short codes were placeholders.
    assert not _placeholder(text)


@pytest.mark.rule("CN-INPUT-04")
def test_a_science_reference_with_citations_conforms() -> None:
    text = "[1] SBTi cross-sector 1.5 °C pathway (IPCC AR6 WGIII C1) [p. 21]"
    assert _violations(edited(_read(CLAIM), ("ex:pathway", "scienceBasedReference", text))) == {}


# ---- the dossier reads the claim as the verdict did ----


def _sameas_credit() -> dict[str, Any]:
    """The example whose retirement names the wind credit by an alias declared owl:sameAs the credit."""
    document = _read(CLAIM)
    event = next(n for n in document["@graph"] if n["@id"] == "ex:retirement-2025-03")
    event["retiresCredit"] = ["ex:wind-alias" if c == "ex:credit-wind" else c for c in event["retiresCredit"]]
    return with_nodes(document, {"@id": "ex:wind-alias", "owl:sameAs": {"@id": "ex:credit-wind"}})


def test_the_dossier_balance_counts_a_credit_named_by_an_alias(cli: Any, tmp_path: Path) -> None:
    # Before: the page read the claim as loaded and said the credits fell short by 5,950 t of a claim that conforms.
    path = tmp_path / "alias.jsonld"
    path.write_text(json.dumps(_sameas_credit()), encoding="utf-8")
    assert cli(path).code == 0
    page = cli("-f", "html", path).out
    assert "The credits cover the footprint" in page and "fall short" not in page


def test_the_dossier_names_a_claimant_given_by_has_claim(cli: Any, tmp_path: Path) -> None:
    # Before: "Entity making the claim: not stated" beside "One claiming entity: met" on the same page.
    document = edited(_read(CLAIM), ("ex:claim-2024", "claimedBy", None), ("ex:acme", "hasClaim", "ex:claim-2024"))
    path = tmp_path / "has-claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cli(path).code == 0
    page = cli("-f", "html", path).out
    assert "Entity making the claim</strong></td><td>Acme Ceramics GmbH" in page
