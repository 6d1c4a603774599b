"""Red team 90: the top management that stated a claim's commitment is the claimant's own side, and cannot be the
verifier of its claim (CN-CLAIM-06, §13; ISO 14064-3 has the verifier independent of what it verifies)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, edited, example, rule_messages, violated_rules, with_nodes

AS_OF = date(2026, 12, 1)
TEAM = {"@id": "ex:team", "@type": "Organization", "label": "Acme Ceramics sustainability team"}


def _subsidiary(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    # The plan is delivered by a team, not by the board that stated the commitment: the board is then named by
    # nothing CN-CLAIM-06 read before (the plan's responsible body was, and still is).
    document = with_nodes(example("annex-b/subsidiary-claim.jsonld"), TEAM)
    return edited(document, ("ex:plan", "responsibleForDelivery", "ex:team"), *edits)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_independent_verifier_conforms(engine: str) -> None:
    assert violated_rules(_subsidiary(), engine, as_of=AS_OF) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_board_that_stated_the_commitment_does_not_verify_the_claim(engine: str) -> None:
    document = _subsidiary(("ex:opinion-2024", "verifiedBy", "ex:board"))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any("stated the claim's commitment" in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
def test_the_board_named_by_its_name_does_not_verify_the_claim_either(engine: str) -> None:
    named = {"@id": "ex:board-by-name", "@type": "Organization", "label": "ACME Ceramics Management Board"}
    document = with_nodes(_subsidiary(("ex:opinion-2024", "verifiedBy", "ex:board-by-name")), named)
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any("ex:board" in message or "/board" in message for message in messages), messages
