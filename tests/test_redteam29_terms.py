"""Red team 29a: the Responsible Steel terms CN-CLAIM-06 reads were not checked as terms, so redefining or misspelling
``hasNonConformity`` hid a major non-conformity and the claim conformed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, violations_by_rule

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAIM = EXAMPLES / "conforming-claim.jsonld"
MISSPELT = EXAMPLES / "violations" / "cn-input-02-responsible-steel-term-misspelt.jsonld"


_findings = violations_by_rule


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("engine", ENGINES)
def test_the_example_is_a_violation_of_cn_input_02_alone(engine: str, reasoning: str) -> None:
    assert set(_findings(MISSPELT, engine, reasoning)) == {"CN-INPUT-02"}


# ---- CN-INPUT-02 and CN-CLAIM-06: the Responsible Steel terms CN-CLAIM-06 reads ----


def _with_nonconformity(key: str, context: dict[str, str] | None = None, scoped: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    (opinion,) = [node for node in document["@graph"] if node["@id"] == "ex:opinion-2024"]
    opinion[key] = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Footprint misstated"}
    if context and scoped:
        opinion["@context"] = context
    elif context:
        document["@context"][1].update(context)
    return document


@pytest.mark.rule("CN-INPUT-02", "CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("scoped", [False, True])
def test_redefining_has_non_conformity_is_found(scoped: bool, engine: str) -> None:
    # Before: "hasNonConformity": "https://example.org/terms#hasNonConformity" in the document's (or the opinion
    # node's) own context took a major non-conformity out of CN-CLAIM-06's sight, and the claim conformed.
    document = _with_nonconformity("hasNonConformity", {"hasNonConformity": "https://example.org/terms#hasNC"}, scoped)
    messages = _findings(document, engine)["CN-INPUT-02"]
    assert any("hasNonConformity" in message and "redefined" in message for message in messages), messages


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_misspelt_responsible_steel_term_is_named_with_the_right_one(engine: str) -> None:
    messages = _findings(_with_nonconformity("comet-rs:hasNonConformty"), engine)["CN-INPUT-02"]
    assert any("hasNonConformity" in message for message in messages), messages


@pytest.mark.rule("CN-INPUT-02", "CN-CLAIM-06")
def test_a_misspelt_responsible_steel_term_in_turtle_is_found(tmp_path: Path) -> None:
    from comet_cn import load

    turtle = load(CLAIM).serialize(format="turtle")
    turtle += (
        "\n<https://example.org/acme/opinion-2024> <https://comet.carbon/ext/responsiblesteel#hasNonconformity> [\n"
        "    a <https://comet.carbon/ext/responsiblesteel#NonConformity> ;\n"
        '    <https://comet.carbon/ext/responsiblesteel#nonConformitySeverity> "major" ] .\n'
    )
    path = tmp_path / "claim.ttl"
    path.write_text(turtle, encoding="utf-8")
    assert "CN-INPUT-02" in _findings(path)


@pytest.mark.rule("CN-CLAIM-06")
def test_the_responsible_steel_terms_as_the_context_defines_them_are_known() -> None:
    # The fix counts the bundled context's comet-rs terms as defined: a major non-conformity written with them is
    # CN-CLAIM-06's finding, and a minor one conforms, with no unknown-term finding either way.
    major = _findings(_with_nonconformity("hasNonConformity"))
    assert set(major) == {"CN-CLAIM-06"}
    minor = _with_nonconformity("hasNonConformity")
    (opinion,) = [node for node in minor["@graph"] if node["@id"] == "ex:opinion-2024"]
    opinion["hasNonConformity"]["nonConformitySeverity"] = "minor"
    assert _findings(minor) == {}
