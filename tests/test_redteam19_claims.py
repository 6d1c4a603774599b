"""Red-team round 19: claims written from the digest that conformed although a rule was broken.

Each case changes the conforming example where one rule looks, next to a twin that differs only there and
conforms; both are checked on both SHACL engines, with reasoning (OWL 2 RL) and without.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, violated_rules, with_nodes

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    return violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning)


# --- CN-UNITS-01: a stated block written with spaces or slashes is the serial's block (§11.1, §11.3 g) ----------


def _stated(block: str, first: int, last: int) -> dict[str, Any]:
    """The cookstove credit states units of a block; the wind credit's serial is EXR-2022-WIND-000001-006000."""
    return edited(
        BASE,
        ("ex:credit-cookstoves", "issuanceBlock", block),
        ("ex:credit-cookstoves", "firstUnit", first),
        ("ex:credit-cookstoves", "lastUnit", last),
    )


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize(
    "block",
    ["EXR 2022 WIND", "EXR/2022/WIND", "exr.2022.wind", "EXR - 2022 - WIND", "EXR / 2022 / WIND", "EXR-2022 WIND",
     "EXR 2022.WIND", "EXR|2022|WIND", "EXR\\2022\\WIND", "EXR, 2022, WIND"],
)  # fmt: skip
def test_a_stated_block_written_with_other_separators_cannot_count_the_serials_units_twice(
    engine: str, reasoning: str, block: str
) -> None:
    # Units 6001-10500 of the wind block are not the wind credit's: the twin conforms.
    assert violated(_stated(block, 6001, 10500), engine, reasoning) == set()
    # Units 1-4500 are: the same tonnes counted twice. With the spaces deleted ("EXR2022WIND") they conformed.
    assert violated(_stated(block, 1, 4500), engine, reasoning) == {"CN-UNITS-01"}


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_another_block_written_with_spaces_stays_another_block(engine: str) -> None:
    assert violated(_stated("EXR 2022 SOLAR", 1, 4500), engine) == set()
    assert violated(_stated("EXR 2023 WIND", 1, 4500), engine) == set()


# --- CN-BAL-01: a footprint that lists no emission cannot be checked against what it was quantified from ---------


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_footprint_with_no_emission_listed_is_a_violation(engine: str, reasoning: str) -> None:
    assert violated(BASE, engine, reasoning) == set()
    # 0 t, with nothing under it and no credits at all: it conformed.
    zero = edited(
        BASE,
        ("ex:footprint-2024", "tonnesCO2e", "0.0"),
        ("ex:footprint-2024", "hasEmission", None),
        ("ex:footprint-2024", "hasRemoval", None),
    )
    messages = rule_messages(zero, engine, "CN-BAL-01", as_of=AS_OF, reasoning=reasoning)
    assert any("lists no emission" in message for message in messages)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_removals_only_footprint_is_a_violation_and_one_emission_is_enough(engine: str) -> None:
    removals_only = edited(BASE, ("ex:footprint-2024", "hasEmission", None))
    assert any(
        "lists no emission" in message for message in rule_messages(removals_only, engine, "CN-BAL-01", as_of=AS_OF)
    )
    one = edited(BASE, ("ex:footprint-2024", "hasEmission", ["ex:emission-scope1", "ex:emission-reversal-2024"]))
    assert not any("lists no emission" in message for message in rule_messages(one, engine, "CN-BAL-01", as_of=AS_OF))


# --- CN-INPUT-02: a key holding white space is dropped by every JSON-LD processor --------------------------------


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", ["electricity Accounting Method", "electricityAccountingMethod\n(market)", "a\tb"])
def test_a_key_holding_white_space_is_reported_not_dropped(engine: str, key: str) -> None:
    claim = edited(BASE, ("ex:footprint-2024", key, "MarketBasedMethod"))
    assert violated(claim, engine) == {"CN-INPUT-02"}
    [message] = rule_messages(claim, engine, "CN-INPUT-02", as_of=AS_OF)
    assert repr(key) in message and "white space" in message


@pytest.mark.rule("CN-INPUT-02")
def test_the_nearest_term_is_suggested_for_a_spaced_key() -> None:
    claim = edited(BASE, ("ex:footprint-2024", "electricity Accounting Method", "MarketBasedMethod"))
    [message] = rule_messages(claim, "pyshacl", "CN-INPUT-02", as_of=AS_OF)
    assert "did you mean 'electricityAccountingMethod'" in message


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_term_the_document_defines_may_hold_white_space(engine: str) -> None:
    claim = edited(BASE, ("ex:footprint-2024", "internal note", "checked by the controller"))
    claim["@context"] = [*claim["@context"], {"internal note": "https://example.org/ns/internalNote"}]
    assert violated(claim, engine) == set()


# --- CN-CLAIM-05: a footprint linked from the report only is told as such, not as "another footprint" -----------


@pytest.mark.rule("CN-CLAIM-05")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_footprint_linked_from_the_report_only_says_the_claim_links_none(engine: str) -> None:
    report_only = edited(
        BASE,
        ("ex:claim-2024", "hasCarbonFootprint", None),
        ("ex:report-2024", "hasCarbonFootprint", "ex:footprint-2024"),
    )
    assert violated(report_only, engine) == {"CN-BAL-01", "CN-CLAIM-05"}
    [message] = rule_messages(report_only, engine, "CN-CLAIM-05", as_of=AS_OF)
    assert "linked from the report only" in message
    # No footprint, so none that "lists no emission": CN-BAL-01 says the claim links none.
    assert not any("lists no emission" in m for m in rule_messages(report_only, engine, "CN-BAL-01", as_of=AS_OF))
    both = edited(BASE, ("ex:report-2024", "hasCarbonFootprint", "ex:footprint-2024"))
    assert violated(both, engine) == set()


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_zero_emission_or_the_footprint_itself_does_not_count_as_an_emission_listed(engine: str) -> None:
    zero = with_nodes(
        edited(
            BASE,
            ("ex:footprint-2024", "tonnesCO2e", "-400.0"),
            ("ex:footprint-2024", "hasEmission", "ex:emission-nil"),
        ),
        {"@id": "ex:emission-nil", "@type": "GHGEmission", "tonnesCO2e": "0.0"},
    )
    itself = edited(BASE, ("ex:footprint-2024", "hasEmission", "ex:footprint-2024"))
    for claim in (zero, itself):
        messages = rule_messages(claim, engine, "CN-BAL-01", as_of=AS_OF)
        assert any("lists no emission with a positive quantity" in m for m in messages)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_financed_emissions_account_counts_as_an_emission_listed(engine: str) -> None:
    financed = with_nodes(
        edited(
            BASE,
            ("ex:footprint-2024", "hasEmission", None),
            ("ex:footprint-2024", "hasFinancedEmissions", "ex:financed-mortgages"),
        ),
        {"@id": "ex:financed-mortgages", "@type": "FinancedEmissionsAccount", "tonnesCO2e": "3200.0"},
    )
    messages = rule_messages(financed, engine, "CN-BAL-01", as_of=AS_OF)
    assert not any("lists no emission" in m for m in messages)


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_spaced_term_a_sibling_node_defines_is_not_defined_here(engine: str) -> None:
    claim = edited(BASE, ("ex:footprint-2024", "electricity Accounting Method", "MarketBasedMethod"))
    for node in claim["@graph"]:
        if node["@id"] == "ex:claim-2024":
            node["@context"] = {"electricity Accounting Method": "comet-cn:electricityAccountingMethod"}
    assert violated(claim, engine) == {"CN-INPUT-02"}
    # On the footprint's own node the same definition holds, and the method is read (CN-ELEC-01: no totals).
    for node in claim["@graph"]:
        node.pop("@context", None)
        if node["@id"] == "ex:footprint-2024":
            node["@context"] = {
                "electricity Accounting Method": {"@id": "comet-cn:electricityAccountingMethod", "@type": "@vocab"}
            }
    assert violated(claim, engine) == {"CN-ELEC-01"}


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize(
    "key", ["@electricityAccountingMethod ", " @electricityAccountingMethod", "@electricity\tmethod"]
)
def test_a_spaced_key_starting_with_at_is_reported(key: str) -> None:
    claim = edited(BASE, ("ex:footprint-2024", key, "MarketBasedMethod"))
    assert violated(claim, "pyshacl") == {"CN-INPUT-02"}
