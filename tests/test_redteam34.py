"""Red team 34 (the subject's boundary, the hierarchy, and red team 33's fixes attacked): each test names what a user
saw before."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"
PRODUCT = EXAMPLES / "annex-b" / "product-claim.jsonld"
SUBSIDIARY = EXAMPLES / "annex-b" / "subsidiary-claim.jsonld"

_violations = violations_by_rule


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# ---- CN-BAL-01: a part of the subject emits no more than the whole ----


def _site(tonnes: str, period: str = "ex:period-2024") -> list[dict[str, Any]]:
    return [
        {"@id": "ex:plant-nord", "@type": "Organization", "label": "Acme plant Nord", "partOfOrganization": "ex:acme",
         "hasCarbonFootprint": "ex:plant-nord-footprint"},
        {"@id": "ex:plant-nord-footprint", "@type": "CarbonFootprint", "tonnesCO2e": tonnes,
         "hasReportingPeriod": period},
    ]  # fmt: skip


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_site_of_the_subject_with_a_larger_footprint_than_the_whole_is_refused(engine: str) -> None:
    # Before: a site declared part of Acme with 15,800 t for 2024 beside Acme's claimed 12,450 t conformed.
    messages = _violations(with_nodes(_read(CLAIM), *_site("15800.0")), engine).get("CN-BAL-01", [])
    assert any("plant-nord" in m and "a part of the subject" in m for m in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("tonnes", ["9000.0", "12800.0"])
def test_a_site_emitting_less_than_the_subject_before_removals_conforms(engine: str, tonnes: str) -> None:
    # 12,800 t is above the claim's 12,450 t net but below its 12,850 t of emissions (400 t removed elsewhere).
    assert _violations(with_nodes(_read(CLAIM), *_site(tonnes)), engine) == {}


@pytest.mark.rule("CN-BAL-01")
def test_a_sites_footprint_for_another_period_is_not_compared() -> None:
    extra = [*_site("15800.0", "ex:period-2023"),
             {"@id": "ex:period-2023", "@type": "ReportingPeriod", "reportingPeriodStart": "2023-01-01",
              "reportingPeriodEnd": "2023-12-31"}]  # fmt: skip
    assert "CN-BAL-01" not in _violations(with_nodes(_read(CLAIM), *extra))


# ---- CN-BAL-01: the claim's footprint is its subject's ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "owner",
    [
        {"@id": "ex:nova-tile", "@type": "Product", "label": "Acme Nova wall tile"},  # another product
        {"@id": "ex:acme"},  # the maker's whole organization
    ],
)
def test_a_product_claimed_with_a_footprint_another_gives_as_its_own_is_refused(
    engine: str, owner: dict[str, Any]
) -> None:
    # Before: the Terra tile's claim was balanced against a footprint the data gave as the Nova tile's (or Acme's).
    document = _read(PRODUCT)
    nodes = {node["@id"]: node for node in document["@graph"]}
    if owner["@id"] in nodes:
        nodes[owner["@id"]]["hasCarbonFootprint"] = "ex:footprint-2024"
    else:
        document = with_nodes(document, {**owner, "hasCarbonFootprint": "ex:footprint-2024"})
    messages = _violations(document, engine).get("CN-BAL-01", [])
    assert any(owner["@id"].removeprefix("ex:") in m and "not its subject's" in m for m in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_subjects_own_listing_of_its_footprint_conforms(engine: str) -> None:
    document = edited(_read(PRODUCT), ("ex:terra-tile", "hasCarbonFootprint", "ex:footprint-2024"))
    assert _violations(document, engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_subsidiary_claimed_with_its_groups_footprint_is_refused(engine: str) -> None:
    # Before: the same node as the claim's footprint and its largerOrganizationFootprint conformed.
    document = edited(_read(SUBSIDIARY), ("ex:claim-2024", "largerOrganizationFootprint", "ex:footprint-2024"))
    messages = _violations(document, engine).get("CN-BAL-01", [])
    assert any("larger organization's footprint" in m for m in messages), messages


# ---- CN-PROD-03: any footprint declared partial gives its rationale ----


@pytest.mark.rule("CN-PROD-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_organizations_footprint_declared_partial_without_a_rationale_is_refused(engine: str) -> None:
    # Before: lifeCycleScope PartialLifeCycle on an organization's footprint needed no rationale.
    document = edited(_read(CLAIM), ("ex:footprint-2024", "lifeCycleScope", "PartialLifeCycle"))
    messages = _violations(document, engine).get("CN-PROD-03", [])
    assert any("does not document why" in m for m in messages), messages
    explained = edited(document, ("ex:footprint-2024", "partialSystemRationale", "Scope 3 category 11 excluded: …"))
    assert "CN-PROD-03" not in _violations(explained, engine)


# ---- cn-import pact: exempted emissions ----


def _pact(tmp_path: Path, exempted: object) -> Path:
    footprint = {
        "id": "7c1e0a52-0000-4000-8000-0000000000c4",
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": "Example Packaging GmbH",
        "productIds": ["urn:example:product:tray-98834"],
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": "0.4",
            "fossilGhgEmissions": "0.4",
            "exemptedEmissionsPercent": exempted,
            "exemptedEmissionsDescription": "Packaging of spare parts",
        },
    }
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(footprint), encoding="utf-8")
    return path


@pytest.mark.parametrize(("exempted", "said"), [("3", "exempts 3 % of its emissions"), (40, "outside PACT's 0 to 5")])
def test_a_pact_footprint_exempting_emissions_is_warned_about_and_kept(
    tmp_path: Path, exempted: object, said: str
) -> None:
    # Before: exemptedEmissionsPercent (even 40) was dropped without a word.
    result = import_records("pact", _pact(tmp_path, exempted), quantity=Decimal(1000))
    assert any(said in w for w in result.warnings), result.warnings
    (footprint,) = [n for n in result.nodes if n.get("@type") == "CarbonFootprint"]
    assert any("exemptedEmissionsPercent" in c for c in footprint["comment"])


def test_a_pact_footprint_exempting_nothing_is_not_warned_about(tmp_path: Path) -> None:
    result = import_records("pact", _pact(tmp_path, "0"), quantity=Decimal(1000))
    assert not any("exempt" in w for w in result.warnings)
