"""Red-team round 14: claims written from the digest that conformed although a rule was broken.

Each case changes the conforming example where one rule looks, next to a twin that differs only there and
conforms; both are checked on both SHACL engines, with reasoning (OWL 2 RL) and without.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

import comet_cn
from tests.conftest import ENGINES, EXAMPLES, checked, edited, rule_messages, violated_rules

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    return violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning)


# --- CN-UNITS-02: a stated unit range that cannot be read leaves the block's units unknown (§11.1, §11.3 g) ----


def _ranges(cookstove_first: Any, cookstove_last: Any) -> dict[str, Any]:
    """Wind holds units 1-6000 of one block, the cookstoves the units given (6001-10500 keeps them apart)."""
    edits: list[tuple[str, str, Any]] = [
        ("ex:credit-wind", "issuanceBlock", "WINDBLK"),
        ("ex:credit-wind", "firstUnit", 1),
        ("ex:credit-wind", "lastUnit", 6000),
        ("ex:credit-cookstoves", "issuanceBlock", "WINDBLK"),
        ("ex:credit-cookstoves", "firstUnit", cookstove_first),
        ("ex:credit-cookstoves", "lastUnit", cookstove_last),
    ]
    return edited(BASE, *edits)


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_range_written_backwards_cannot_hide_units_retired_twice(engine: str, reasoning: str) -> None:
    assert violated(_ranges(6001, 10500), engine, reasoning) == set()
    # Units 1-4500 forwards overlap wind's: CN-UNITS-01. Backwards, the range was read as none, and it conformed.
    assert violated(_ranges(1, 4500), engine, reasoning) == {"CN-UNITS-01"}
    assert violated(_ranges(4500, 1), engine, reasoning) == {"CN-UNITS-02"}
    [message] = rule_messages(_ranges(4500, 1), engine, "CN-UNITS-02", as_of=AS_OF, reasoning=reasoning)
    assert "firstUnit 4500 is after lastUnit 1" in message


@pytest.mark.rule("CN-UNITS-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (6001, None, "lastUnit is missing"),
        ("+6001", 10500, "firstUnit '+6001' is not a whole number"),
        ([6001, 1], 10500, "firstUnit has 2 values ('1', '6001')"),
        ([1, 6001], 10500, "firstUnit has 2 values ('1', '6001')"),
    ],
)
def test_a_stated_range_that_cannot_be_read_is_a_violation_whatever_the_order_of_its_values(
    engine: str, first: Any, last: Any, problem: str
) -> None:
    # (A JSON number 6001.0 is the integer 6001 under the context's xsd:integer, as JSON-LD says: a whole number.)
    claim = _ranges(first, last)
    assert violated(claim, engine) == {"CN-UNITS-02"}
    [message] = rule_messages(claim, engine, "CN-UNITS-02", as_of=AS_OF)
    assert problem in message


@pytest.mark.rule("CN-UNITS-02")
def test_the_finding_names_the_credit_block() -> None:
    report = checked(_ranges(4500, 1), "pyshacl", as_of=AS_OF)
    [result] = [r for r in report.violations if r.rule_id == "CN-UNITS-02"]
    assert result.focus_node.endswith("credit-cookstoves")


@pytest.mark.rule("CN-UNITS-02")
def test_a_unit_number_with_a_decimal_point_is_not_a_whole_number_on_either_engine() -> None:
    # "6001.0" is an ill-typed xsd:integer, so the turbo engine hands the claim to pySHACL; the finding is the same.
    claim = _ranges("6001.0", 10500)
    for engine in ("pyshacl", "turbo"):
        report = comet_cn.validate(claim, parameters=comet_cn.RuleParameters(as_of=AS_OF), shacl_engine=engine)  # type: ignore[arg-type]
        assert {r.rule_id for r in report.violations} == {"CN-UNITS-02"}
        assert any("firstUnit '6001.0' is not a whole number" in r.message for r in report.violations)


# --- CN-FI-02: a financed-emissions account must show its activities support the transition (Annex B.3.1) --------

FI: dict[str, Any] = json.loads((EXAMPLES / "financial-institution-claim.jsonld").read_text(encoding="utf-8"))


@pytest.mark.rule("CN-FI-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_account_that_does_not_say_it_supports_the_transition_is_not_shown_to(engine: str, reasoning: str) -> None:
    assert violated(FI, engine, reasoning) == set()
    silent = edited(FI, ("ex:financed-mortgages", "supportsTransition", None))
    assert violated(silent, engine, reasoning) == {"CN-FI-02"}
    [message] = rule_messages(silent, engine, "CN-FI-02", as_of=AS_OF, reasoning=reasoning)
    assert "supportsTransition must be true" in message


# --- CN-ELEC-03: an instrument's generation period lies close to the consumption period (Annex B.4) -------------

ELECTRICITY: dict[str, Any] = json.loads(
    (EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld").read_text(encoding="utf-8")
)


def _generated(start: str, end: str) -> dict[str, Any]:
    return edited(
        ELECTRICITY,
        ("ex:go-2024-hydro", "generationPeriodStart", start),
        ("ex:go-2024-hydro", "generationPeriodEnd", end),
    )


@pytest.mark.rule("CN-ELEC-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_generation_period_reaching_years_back_is_not_close_to_consumption(engine: str, reasoning: str) -> None:
    # A 2024 footprint; by default electricity generated from January 2023 to December 2025 is close.
    assert violated(_generated("2023-01-01", "2023-12-31"), engine, reasoning) == set()
    assert violated(_generated("2023-01-01", "2025-12-31"), engine, reasoning) == set()
    # Overlapping the window by one month was enough: nine years of generation counted as close.
    assert violated(_generated("2014-01-01", "2023-01-31"), engine, reasoning) == {"CN-ELEC-03"}
    assert violated(_generated("2024-06-01", "2026-01-31"), engine, reasoning) == {"CN-ELEC-03"}
    [message] = rule_messages(_generated("2014-01-01", "2023-01-31"), engine, "CN-ELEC-03", as_of=AS_OF)
    assert "from 2014-01-01 to 2023-01-31, not all of it within 12 months" in message


# --- Engine parity: a date-time where the shapes take a date gets the reference's findings ----------------------


def test_a_date_time_period_end_gets_the_same_findings_from_either_engine() -> None:
    end = {"@value": "2024-12-31T00:00:00", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
    claim = edited(BASE, ("ex:period-2024", "reportingPeriodEnd", end))
    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    reference = comet_cn.validate(claim, parameters=parameters, shacl_engine="pyshacl")
    fast = comet_cn.validate(claim, parameters=parameters, shacl_engine="turbo")
    # pyshacl-turbo compared the date-time with dates and drew CN-HIER-04 and CN-REV-01 besides; the claim now goes
    # to the reference, and the report says so.
    assert fast.shacl_engine == "pyshacl"
    assert [(r.rule_id, r.focus_node) for r in fast.results] == [(r.rule_id, r.focus_node) for r in reference.results]
    assert {r.rule_id for r in reference.violations} == {"CN-CLAIM-02"}


# --- CN-PLAN-03: the base period is not the reporting period itself (§3.2.14) -----------------------------------


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_the_reporting_period_named_as_the_base_period_compares_nothing(engine: str, reasoning: str) -> None:
    itself = edited(BASE, ("ex:baseline-2019", "hasBasePeriod", "ex:period-2024"))
    assert violated(itself, engine, reasoning) == {"CN-PLAN-03"}
    # (It also has no basePeriodEnd, which CN-PLAN-03 reports on its own.)
    messages = rule_messages(itself, engine, "CN-PLAN-03", as_of=AS_OF, reasoning=reasoning)
    assert any("is the claim's reporting period itself" in message for message in messages)


@pytest.mark.rule("CN-PLAN-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reporting_period_declared_the_same_as_the_base_period_is_not_historical(engine: str) -> None:
    # owl:sameAs makes one node of the two, carrying both periods' dates, so comparing the dates alone passed.
    same = edited(BASE, ("ex:period-2024", "owl:sameAs", {"@id": "ex:base-period-2019"}))
    assert violated(same, engine) == {"CN-PLAN-03"}
    assert violated(BASE, engine) == set()
