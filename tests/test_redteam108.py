"""Red team 108b: a generic serial with dots between its prefix fields and a space, a hyphen or a colon before its
range (``EXR.2022.WIND 000101-000200``) kept the dots in its block, so it was another block than the same units
written ``EXR-2022-WIND-…`` or ``EXR.2022.WIND.…``: the same units retired twice conformed (CN-UNITS-01), and across
claims went unreported (CN-AUDIT-DOUBLE-01)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn.serials import parse_serial
from tests.conftest import ENGINES, example, rule_messages, violated_rules

AS_OF = date(2026, 12, 1)
SPELLINGS = [
    "EXR.2022.WIND 000101-000200",
    "EXR.2022.WIND-000101-000200",
    "EXR.2022.WIND: 000101-000200",
    "EXR.2022.WIND.000101-000200",
]


@pytest.mark.parametrize("serial", SPELLINGS)
def test_dots_between_the_prefix_fields_separate_them_as_everywhere_else(serial: str) -> None:
    assert parse_serial(serial) == parse_serial("EXR-2022-WIND-000101-000200")
    assert parse_serial("EXR.2022.WIND.000101.000200") == parse_serial("EXR-2022-WIND-000101-000200")


def _retired_again(serial: str) -> dict[str, Any]:
    """The conforming claim with units 101-200 of its wind block retired again, in a second event, as ``serial``."""
    document = example("conforming-claim.jsonld")
    claim = next(node for node in document["@graph"] if node["@id"] == "ex:claim-2024")
    wind = next(node for node in document["@graph"] if node["@id"] == "ex:credit-wind")
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-2025-03")
    again = {**wind, "@id": "ex:credit-wind-b", "serialNumber": serial, "tonnesCO2e": "100.0"}
    second = {
        **event,
        "@id": "ex:retirement-2025-04",
        "retirementDate": "2025-04-10",
        "retiresCredit": ["ex:credit-wind-b"],
    }
    events = claim["hasOffsettingEvent"]
    claim["hasOffsettingEvent"] = [*(events if isinstance(events, list) else [events]), "ex:retirement-2025-04"]
    document["@graph"] += [again, second]
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("serial", SPELLINGS[:1] + SPELLINGS[2:3])
def test_the_same_units_retired_again_under_a_dotted_serial_are_counted_twice(engine: str, serial: str) -> None:
    assert "CN-UNITS-01" in violated_rules(_retired_again(serial), engine, as_of=AS_OF)
    messages = rule_messages(_retired_again(serial), engine, "CN-UNITS-01", as_of=AS_OF)
    assert any("credit-wind-b" in message for message in messages), messages


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_across_claims_the_dotted_spelling_is_the_same_units(tmp_path: Path) -> None:
    import json

    import comet_cn

    beta = example("conforming-claim.jsonld")
    beta["@context"][1]["ex"] = "https://example.org/beta/"
    wind = next(node for node in beta["@graph"] if node["@id"] == "ex:credit-wind")
    wind["serialNumber"] = "EXR.2022.WIND 000001-006000"
    path = tmp_path / "beta.jsonld"
    path.write_text(json.dumps(beta), encoding="utf-8")
    acme = Path(__file__).resolve().parents[1] / "examples" / "conforming-claim.jsonld"
    assert "CN-AUDIT-DOUBLE-01" in {finding.rule_id for finding in comet_cn.run_audits([acme, path])}
