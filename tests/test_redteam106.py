"""Red team 106b: a claim that names its claimant the public COMET extension's way round (the entity's
``hasClaim``, not the claim's ``claimedBy``) was refused with -i none and -i rdfs: CN-CLAIM-04 said it names no
entity, and it hid the rule the claim breaks (CN-RET-02 here). The extension's classes were read in every mode, its
inverse property only by OWL 2 RL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, example, violated_rules

AS_OF = date(2026, 12, 1)


def _the_extensions_way_round(name: str) -> dict[str, Any]:
    """The example with its claim's claimedBy written as the claimant's hasClaim."""
    document = example(name)
    claim = next(node for node in document["@graph"] if "claimedBy" in node)
    claimant = claim.pop("claimedBy")
    entity = next(node for node in document["@graph"] if node["@id"] == claimant)
    entity["hasClaim"] = claim["@id"]
    return document


@pytest.mark.parametrize("reasoning", ["none", "rdfs", "owlrl"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_claim_its_claimant_lists_with_has_claim_conforms_in_every_mode(engine: str, reasoning: str) -> None:
    assert violated_rules(example("conforming-claim.jsonld"), engine, as_of=AS_OF, reasoning=reasoning) == set()
    document = _the_extensions_way_round("conforming-claim.jsonld")
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == set()


@pytest.mark.parametrize("reasoning", ["none", "rdfs", "owlrl"])
@pytest.mark.parametrize("engine", ENGINES)
def test_written_so_a_claim_still_breaks_only_its_own_rule(engine: str, reasoning: str) -> None:
    document = _the_extensions_way_round("violations/cn-ret-02-retired-for-another-entity.jsonld")
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-RET-02"}
