"""Red team 36 (credits and retirement timing written by hand): each test names what a user saw before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, violations_by_rule

CLAIM = EXAMPLES / "conforming-claim.jsonld"


def _claim() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


@pytest.mark.rule("CN-EXPOST-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_a_retired_credit_without_its_issuance_year_is_refused(engine: str, reasoning: str) -> None:
    # Before: without issuanceYear the checks of issuance before the vintage and after the retirement were skipped
    # without a word, and the claim conformed.
    document = edited(_claim(), ("ex:credit-cookstoves", "issuanceYear", None))
    messages = violations_by_rule(document, engine, reasoning).get("CN-EXPOST-01", [])
    assert any("does not state its issuance year" in m for m in messages), messages
    assert violations_by_rule(_claim(), engine, reasoning) == {}
