"""Red team 106b: a claim that names its claimant the public COMET extension's way round (the entity's
``hasClaim``, not the claim's ``claimedBy``) was refused with -i none and -i rdfs: CN-CLAIM-04 said it names no
entity, and it hid the rule the claim breaks (CN-RET-02 here). The extension's classes were read in every mode, its
inverse property only by OWL 2 RL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, Run, example, rule_messages, violated_rules

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


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("https://www.iso.org/standard/14068#Organization", "https://www.iso.org/standard/14068-1#Organization"),
        ("http://www.iso.org/standard/14068#Organization", "https://www.iso.org/standard/14068-1#Organization"),
        ("https://www.iso.org/standard/14068_1#Organization", "https://www.iso.org/standard/14068-1#Organization"),
    ],
)
def test_a_type_in_the_iso_namespace_without_its_part_number_is_an_unknown_term(written: str, meant: str) -> None:
    # Red team 106b: .../standard/14068# for .../standard/14068-1# is another IRI, which no rule reads; it was not
    # named, and only the rules that lost the type's node (when any did) refused the claim.
    document = example("conforming-claim.jsonld")
    entity = next(node for node in document["@graph"] if node["@id"] == "ex:acme")
    entity["@type"] = [*entity["@type"], written]
    messages = rule_messages(document, "pyshacl", "CN-INPUT-02", as_of=AS_OF)
    assert len(messages) == 1 and written in messages[0] and repr(meant) in messages[0]


# ---- Red team 106a: the JSON report names the user's own shapes and ontology ----


def test_a_json_report_names_the_shapes_and_ontology_added_to_the_bundled_ones(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    # A verdict under a user's own shapes is not one under the bundled rules alone; the archived report says so.
    import jsonschema

    from comet_cn.ci_formats import report_schema

    shapes = tmp_path / "house-rules.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/house#> .\n"
        "ex:Nothing a sh:NodeShape ; sh:targetNode ex:none ; sh:nodeKind sh:IRI .\n",
        encoding="utf-8",
    )
    ontology = tmp_path / "house-terms.ttl"
    ontology.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/house> a owl:Ontology .\n",
        encoding="utf-8",
    )
    claim = EXAMPLES / "conforming-claim.jsonld"
    plain = cli(claim, "--as-of", "2026-12-01", "-f", "json").json()["checked"]
    assert (plain["extra_shapes"], plain["extra_ontology"]) == ([], [])
    run = cli(claim, "--as-of", "2026-12-01", "-f", "json", "-s", shapes, "--ontology", ontology)
    document = run.json()
    jsonschema.validate(document, report_schema())
    assert document["conforms"] is True
    assert (document["checked"]["extra_shapes"], document["checked"]["extra_ontology"]) == (
        [str(shapes)],
        [str(ontology)],
    )
