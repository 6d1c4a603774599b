"""Red team 38 (red team 37's fixes attacked; Annex B and reporting periods): each test names what a user saw
before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule, with_nodes

CLAIM = EXAMPLES / "conforming-claim.jsonld"
BANK = EXAMPLES / "financial-institution-claim.jsonld"


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _period(identifier: str, start: str, end: str) -> dict[str, Any]:
    return {"@id": identifier, "@type": "ReportingPeriod", "reportingPeriodStart": start, "reportingPeriodEnd": end}


# ---- CN-BAL-01: one footprint of the subject for part of the period ----


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("tonnes", "violated"), [("13000.0", True), ("6000.0", False)])
def test_one_half_year_footprint_above_the_years_is_refused(engine: str, tonnes: str, violated: bool) -> None:
    # Before: footprints for parts of the period were added up only when there were two or more, and a single
    # half-year of 13,000 t beside the year's 12,450 t conformed.
    half = {"@id": "ex:footprint-2024-h2", "@type": "CarbonFootprint", "tonnesCO2e": tonnes,
            "hasReportingPeriod": "ex:period-2024-h2"}  # fmt: skip
    document = with_nodes(
        edited(_read(CLAIM), ("ex:acme", "hasCarbonFootprint", "ex:footprint-2024-h2")),
        half,
        _period("ex:period-2024-h2", "2024-07-01", "2024-12-31"),
    )
    assert ("CN-BAL-01" in violations_by_rule(document, engine)) is violated


# ---- CN-CLAIM-02: what the footprint counts is for the claim's period ----


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("start", "end", "violated"),
    [("2021-01-01", "2021-12-31", True), ("2024-10-01", "2024-12-31", False), ("2024-01-01", "2024-12-31", False)],
)
def test_an_emission_of_another_year_counted_in_the_footprint_is_refused(
    engine: str, start: str, end: str, violated: bool
) -> None:
    # Before: a scope 3 emission stating the 2021 period, counted in the 2024 footprint, conformed.
    document = with_nodes(
        edited(_read(CLAIM), ("ex:emission-scope3", "hasReportingPeriod", "ex:period-other")),
        _period("ex:period-other", start, end),
    )
    messages = violations_by_rule(document, engine).get("CN-CLAIM-02", [])
    assert bool([m for m in messages if "which the claim's footprint counts" in m]) is violated, messages


@pytest.mark.rule("CN-CLAIM-02")
def test_a_financed_account_of_another_year_is_refused() -> None:
    document = with_nodes(
        edited(_read(BANK), ("ex:financed-mortgages", "hasReportingPeriod", "ex:period-2021")),
        _period("ex:period-2021", "2021-01-01", "2021-12-31"),
    )
    assert "CN-CLAIM-02" in violations_by_rule(document)


# ---- CN-FI-01: financed emissions of 0 t ----


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_bank_whose_only_financed_account_is_zero_is_refused(engine: str) -> None:
    # Before: a mortgage book of 0 t was the bank's financed emissions, and the claim conformed.
    document = edited(_read(BANK), ("ex:financed-mortgages", "tonnesCO2e", "0"))
    messages = violations_by_rule(document, engine).get("CN-FI-01", [])
    assert any("no financed-emissions account above 0 t" in m for m in messages), messages
    assert violations_by_rule(_read(BANK), engine) == {}
