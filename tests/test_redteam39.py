"""Red team 39 (red team 38's fixes attacked; the plan and the report): each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule

CLAIM = EXAMPLES / "conforming-claim.jsonld"
EVENT = EXAMPLES / "annex-b" / "event-claim.jsonld"
NIL: dict[str, Any] = {"@list": []}


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# ---- CN-INPUT-04: an empty list names nothing ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("node", "key"),
    [("ex:opinion-2024", "verifiedBy"), ("ex:pathway", "scienceBasedReference"), ("ex:plan", "responsibleForDelivery")],
)
def test_an_empty_list_as_a_value_is_refused(engine: str, node: str, key: str) -> None:
    # Before: {"@list": []} is rdf:nil, an IRI, and a verifier or a science-based reference "given" as it passed.
    messages = violations_by_rule(edited(_read(CLAIM), (node, key, NIL)), engine).get("CN-INPUT-04", [])
    assert any("is an empty list, which names nothing" in m for m in messages), messages


# ---- CN-BAL-01: units with notes ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["t CO2e (GWP100, unit: tonne)", "t CO2e (12 months to 31 March 2025)", "t CO2e (United Kingdom operations)",
     "t CO2e (ISO 14067 product carbon footprint)", "t CO2e (headquarters)", "t CO2e (network total)",
     "t CO2e (base year 2000)", "tCO2e (IPCC AR6, 100-year GWP)"],
)  # fmt: skip
def test_tonnes_with_an_ordinary_note_conform(engine: str, text: str) -> None:
    # Before: a deny list matched parts of words ("unit", "head", "product", "k t"), and these were refused.
    assert violations_by_rule(edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text)), engine) == {}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    ["t CO2e (x1000)", "t CO2e (x 1,000)", "t CO2e (×10³)", "t CO2e (in k)", "t CO2e (per FTE)", "t CO2e, per FTE",
     "t CO2e (per m² floor area)", "t CO2e [per participant]", "t CO2e (per MWh)"],
)  # fmt: skip
def test_tonnes_in_thousands_or_per_something_are_refused(engine: str, text: str) -> None:
    # Before: these notes were set aside and 12,450 thousand tonnes, or tonnes per FTE, read as tonnes.
    assert "CN-BAL-01" in violations_by_rule(edited(_read(CLAIM), ("ex:credit-wind", "schema:unitText", text)), engine)


# ---- CN-FI-01: a bank's claim for an event ----


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_banks_event_claim_needs_no_financed_emissions(engine: str) -> None:
    # Before: a bank claiming its one-off summit was refused for having no financed-emissions account.
    document = _read(EVENT)
    claim = next(n for n in document["@graph"] if "claimedBy" in n)
    claimant = next(n for n in document["@graph"] if n["@id"] == claim["claimedBy"])
    claimant["@type"] = "FinancialInstitution"
    assert "CN-FI-01" not in violations_by_rule(document, engine)
