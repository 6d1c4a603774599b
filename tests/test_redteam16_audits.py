"""Red-team round 16: sets of claims whose cross-claim audits missed what one claim's rules find.

CN-AUDIT-DOUBLE-01 reads serials as CN-UNITS-01 does: the same units retired by another entity, written with the
generic grammar's zero padding in one claim and without it in the other, are a second use (§11.1).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from comet_cn.audits import run_audits
from tests.conftest import EXAMPLES, edited

ACME: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))


def _beta(wind_serial: str) -> dict[str, Any]:
    """Another entity's claim (its own IRIs and serials), retiring the wind block written as ``wind_serial``."""
    beta = edited(
        ACME,
        ("ex:credit-wind", "serialNumber", wind_serial),
        ("ex:credit-cookstoves", "serialNumber", "EXR-2021-COOK-900001-904500"),
        ("ex:credit-biochar", "serialNumber", "EXR-2023-BIOC-900001-902000"),
    )
    beta["@context"] = [ACME["@context"][0], {"ex": "https://example.org/beta/"}]
    return beta


def _double(*claims: dict[str, Any], backend: str) -> list[str]:
    return [f.message for f in run_audits(list(claims), backend=backend) if f.rule_id == "CN-AUDIT-DOUBLE-01"]


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_units_retired_by_another_entity_are_found_however_the_serial_is_padded(backend: str) -> None:
    # Acme's wind block is EXR-2022-WIND-000001-006000, units 1-6000.
    assert _double(ACME, _beta("EXR-2022-WIND-006001-012000"), backend=backend) == []
    assert _double(ACME, _beta("EXR-2022-WIND-6001-12000"), backend=backend) == []
    [message] = _double(ACME, _beta("EXR-2022-WIND-1-6000"), backend=backend)
    assert "units 1-6000" in message and "EXR-2022-WIND-1-6000" in message
    [message] = _double(ACME, _beta("EXR-2022-WIND-3001-9000"), backend=backend)
    assert "units 3001-6000" in message


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_two_unpadded_serials_are_one_use_when_they_name_the_same_units(backend: str) -> None:
    acme = edited(ACME, ("ex:credit-wind", "serialNumber", "EXR-2022-WIND-1-6000"))
    assert len(_double(acme, _beta("EXR-2022-WIND-01-6000"), backend=backend)) == 1
    # Two loose readings are not compared for a partial overlap (too loose: "…-2020-2024" may be years), as in
    # CN-UNITS-01; stating the range (issuanceBlock, firstUnit, lastUnit) makes it comparable.
    assert _double(acme, _beta("EXR-2022-WIND-6001-12000"), backend=backend) == []


def test_what_a_rule_does_not_check_yet_is_listed_on_the_rules_page() -> None:
    """A gap a red team found and that is not closed is said where users read what each rule checks."""
    page = (EXAMPLES.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    limits = page.split("## Known limits", 1)[1]
    for rule_id, words in [
        ("CN-EVENT-04", "not with the edition before it"),
        ("CN-AUDIT-IMPROVE-01", "whatever their length"),
        ("CN-UNITS-01", "only for the very same units"),
    ]:
        assert f"- **{rule_id}:**" in limits and words in limits
