"""A claim written with the iso14068: IRIs or COMET class IRIs instead of comet-cn terms gets the same verdict
with reasoning on: the owl:equivalentClass bridges of the merge map work."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import comet_cn
from tests.conftest import EXAMPLES

ISO = "https://www.iso.org/standard/14068-1#"
# Convenience term of our context -> the ISO 14068 IRI the bridges make equivalent to the COMET class.
BRIDGED = {
    "Organization": ISO + "Organization",
    "TopManagement": ISO + "TopManagement",
    "CarbonFootprint": ISO + "CarbonFootprint",
    "Scope1Emission": ISO + "DirectGHGEmission",
    "IndirectGHGEmission": ISO + "IndirectGHGEmission",
    "GHGRemoval": ISO + "GHGRemoval",
    "CarbonCredit": ISO + "CarbonCredit",
    "CreditingProgramme": ISO + "CarbonCreditingProgramme",
    "PublicRegistry": ISO + "PublicRegistry",
}


def _iso_version(path: str) -> dict[str, Any]:
    document = json.loads((EXAMPLES / path).read_text(encoding="utf-8"))
    rewritten = copy.deepcopy(document)
    count = 0
    for node in rewritten["@graph"]:
        types = node.get("@type")
        types = [types] if isinstance(types, str) else types or []
        if any(t in BRIDGED for t in types):
            node["@type"] = [BRIDGED.get(t, t) for t in types]
            count += 1
    assert count >= 10
    return rewritten


@pytest.mark.parametrize(
    "path",
    [
        "conforming-claim.jsonld",
        "violations/cn-vint-01-old-vintage.jsonld",
        "violations/cn-claim-01-no-commitment.jsonld",
        "violations/cn-bal-01-credits-short.jsonld",
        "violations/cn-reg-01-no-serial-number.jsonld",
    ],
)
@pytest.mark.parametrize("reasoning", ["none", pytest.param("rdfs", marks=pytest.mark.slow), "owlrl"])
def test_iso_iris_get_the_same_verdict_as_comet_cn_terms(path: str, reasoning: str) -> None:
    ours = comet_cn.validate(EXAMPLES / path, reasoning=reasoning)  # type: ignore[arg-type]
    theirs = comet_cn.validate(_iso_version(path), reasoning=reasoning)  # type: ignore[arg-type]
    assert theirs.conforms is ours.conforms
    assert theirs.rule_ids == ours.rule_ids


def test_an_unbridged_class_is_not_accepted_in_place_of_a_comet_class() -> None:
    """Control: the bridges, not a lax check, make the ISO IRIs pass."""
    document = _iso_version("conforming-claim.jsonld")
    for node in document["@graph"]:
        if node.get("@type") == [ISO + "PublicRegistry"]:
            node["@type"] = ["https://example.org/NotARegistry"]
    assert comet_cn.validate(document).rule_ids == {"CN-REG-01"}
