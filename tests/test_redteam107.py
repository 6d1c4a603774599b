"""Red team 107b: a market-based footprint reported its purchased-electricity figures as its market-based and
location-based results. CN-ELEC-01 read only that both were present and that the total was not below them, so a
claim whose location-based footprint no reader could learn conformed (Annex B.4). A result is the whole footprint
under a method: it is not below the direct emissions, which both methods count, less the removals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, edited, example, rule_messages, violated_rules

AS_OF = date(2026, 12, 1)
CLAIM = "annex-b/market-based-electricity-claim.jsonld"  # direct emissions 8,200 t, removals 400 t


def _results(market: str, location: str) -> dict[str, Any]:
    return edited(
        example(CLAIM),
        ("ex:footprint-2024", "marketBasedTonnesCO2e", market),
        ("ex:footprint-2024", "locationBasedTonnesCO2e", location),
    )


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("engine", ENGINES)
def test_results_below_the_direct_emissions_less_removals_are_not_the_footprints(engine: str, reasoning: str) -> None:
    assert violated_rules(example(CLAIM), engine, as_of=AS_OF, reasoning=reasoning) == set()
    shipped = example("annex-b/cn-elec-01-electricity-figures-as-results.jsonld")
    assert violated_rules(shipped, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-ELEC-01"}
    messages = rule_messages(shipped, engine, "CN-ELEC-01", as_of=AS_OF, reasoning=reasoning)
    assert len(messages) == 2 and all("less than its own direct emissions less its removals" in m for m in messages)


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("market", "location", "failing"),
    [
        ("7800.0", "7800.0", 0),  # exactly the direct emissions less the removals: possible, if unusual
        ("12450.0", "7799.9", 1),  # a tenth of a tonne under
        ("12450.0", "13380.0", 0),  # the example's own results
    ],
)
def test_a_result_is_compared_with_the_direct_emissions_at_the_boundary(
    engine: str, market: str, location: str, failing: int
) -> None:
    document = _results(market, location)
    assert len(rule_messages(document, engine, "CN-ELEC-01", as_of=AS_OF)) == failing


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_direct_emission_typed_twice_is_counted_once(engine: str) -> None:
    # Scope1Emission and the ISO-side DirectGHGEmission: one emission of 8,200 t, not 16,400.
    document = _results("12450.0", "13380.0")
    emission = next(node for node in document["@graph"] if node["@id"] == "ex:emission-scope1")
    emission["@type"] = ["Scope1Emission", "https://www.iso.org/standard/14068-1#DirectGHGEmission"]
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- Red team 107a: the claimant's alias lists the claim the public extension's way ----


@pytest.mark.rule("CN-CLAIM-04")
@pytest.mark.parametrize("reasoning", ["none", "rdfs", "owlrl"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_claimant_alias_listing_the_claim_is_the_same_claimant(engine: str, reasoning: str) -> None:
    # Before: with -i none the alias's hasClaim was read as a second claimedBy, and CN-CLAIM-04 found two claimants.
    document = example("conforming-claim.jsonld")
    document["@graph"].append(
        {
            "@id": "ex:acme-gmbh",
            "@type": ["Entity", "Organization"],
            "owl:sameAs": {"@id": "ex:acme"},
            "hasClaim": "ex:claim-2024",
        }
    )
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == set()
    # A second entity that is not the claimant's alias is a second claimant in every mode.
    document["@graph"][-1].pop("owl:sameAs")
    assert "CN-CLAIM-04" in violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning)
