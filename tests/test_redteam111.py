"""Red team 111a: a recurring event was held to its reference edition by its total only. An event is one product
(Annex B.2.2) whose reductions are per functional or declared unit (Annex B.2): an edition with fewer participants
whose footprint per participant-day rose conformed, and one with more participants and less per participant-day
was refused. Where both figures are stated per unit, in a unit not stated differently, they are compared.

Red team 111b: the dossier said less than the text report: a green CONFORMS under --strict for a claim with
warnings (exit 1), an audit finding placed in an input but not about its claim node left unnamed on its page, and
credits retired for two claims of one input said to cover each claim's footprint beside CN-UNITS-01."""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, example, rule_messages

AS_OF = date(2026, 12, 1)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
UNIT = "one participant-day of the summit, all four event phases included"


def _edition(
    base: str, base_per_unit: str | None, total: str, per_unit: str | None, base_unit: str | None = None
) -> dict[str, Any]:
    """The bundled recurring summit with its reference baseline and footprint given these figures."""
    document = example("annex-b/recurring-event-claim.jsonld")
    for node in document["@graph"]:
        if node.get("referenceEvent") == "ex:summit-2019":
            node["tonnesCO2e"] = base
            if base_per_unit is not None:
                node["tonnesCO2ePerUnit"] = base_per_unit
            if base_unit is not None:
                node["functionalUnit"] = base_unit
        if node.get("@type") == "CarbonFootprint" and node.get("tonnesCO2e") == "12450.0":
            node["tonnesCO2e"], node["functionalUnit"] = total, UNIT
            if per_unit is not None:
                node["tonnesCO2ePerUnit"] = per_unit
    return document


@pytest.mark.rule("CN-EVENT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_fewer_participants_with_more_per_participant_is_no_reduction(engine: str, reasoning: str) -> None:
    # 13,000 t over 4,000 participant-days, then 12,450 t over 3,600: the total fell 4 %, per unit it rose 6 %.
    document = _edition("13000.0", "3.25", "12450.0", "3.458", UNIT)
    messages = rule_messages(document, engine, "CN-EVENT-04", as_of=AS_OF, reasoning=reasoning)
    assert any("3.458 t CO2e per unit" in message and "3.25" in message for message in messages), messages


@pytest.mark.rule("CN-EVENT-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_more_participants_with_less_per_participant_is_a_reduction(engine: str) -> None:
    # 12,000 t over 3,000 participant-days, then 12,450 t over 3,600: the total rose, per unit it fell 13 %.
    assert not rule_messages(_edition("12000.0", "4.0", "12450.0", "3.458", UNIT), engine, "CN-EVENT-04", as_of=AS_OF)


@pytest.mark.rule("CN-EVENT-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("base_per_unit", "per_unit", "base_unit"),
    [
        (None, "3.458", UNIT),  # the baseline states no figure per unit: totals
        ("4.0", "3.458", "one attendee, event phase only"),  # per units stated differently: totals
    ],
)
def test_without_two_comparable_per_unit_figures_the_totals_are_compared(
    engine: str, base_per_unit: str | None, per_unit: str, base_unit: str
) -> None:
    messages = rule_messages(
        _edition("12000.0", base_per_unit, "12450.0", per_unit, base_unit), engine, "CN-EVENT-04", as_of=AS_OF
    )
    assert any("12450.0 t CO2e, not below the 12000.0" in message for message in messages), messages


# ---- Red team 111b: the dossier said less than the other reports ----


def _page(cli: Any, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "dossier.html"
    cli("--as-of", "2026-12-01", "-f", "html", "-o", str(out), *args)
    return html.unescape(out.read_text(encoding="utf-8"))


def test_a_conforming_claim_with_warnings_checked_strictly_is_said_to_fail_strict(cli: Any, tmp_path: Path) -> None:
    warned = str(EXAMPLES / "plan-without-responsible-person.jsonld")
    page = _page(cli, tmp_path, "--strict", warned)
    assert "CONFORMS to ISO 14068-1, but FAILS --strict on its warnings" in page
    page = _page(cli, tmp_path, "--strict", warned, str(EXAMPLES / "conforming-claim.jsonld"))
    assert "CONFORMS: all 2 input(s) conform to ISO 14068-1, but 1 FAIL --strict on their warnings" in page
    assert "FAILS --strict" not in _page(cli, tmp_path, warned)  # without --strict the warnings fail nothing


def test_an_audit_finding_placed_in_an_input_is_named_on_its_page(cli: Any, tmp_path: Path) -> None:
    # CN-AUDIT-IMPROVE-01's node is the 2023 period, not the claim: the other reports place it in acme-2023.jsonld.
    page = _page(cli, tmp_path, "--audits", str(EXAMPLES / "multi-period"))
    assert "(CN-AUDIT-DOUBLE-01, CN-AUDIT-IMPROVE-01 about this input's claim)" in page


def test_credits_retired_for_two_claims_of_an_input_are_not_said_to_cover(cli: Any, tmp_path: Path) -> None:
    document = example("conforming-claim.jsonld")
    claim = next(node for node in document["@graph"] if node["@id"] == "ex:claim-2024")
    document["@graph"].append({**claim, "@id": "ex:claim-2024b"})  # the same credits, for a second claim
    path = tmp_path / "two.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    page = _page(cli, tmp_path, str(path))
    assert "The credits cover the footprint" not in page
    assert page.count("or are retired for another claim too (CN-UNITS-01") == 2


# ---- Red team 112a: a reduction's figure per unit written as a JSON number was also said to be missing ----


@pytest.mark.rule("CN-PROD-04")
def test_a_per_unit_figure_in_the_wrong_form_is_reported_as_such_not_as_missing() -> None:
    engine = "pyshacl"  # an ill-typed decimal is one the turbo engine hands back to pySHACL
    document = example("annex-b/product-claim.jsonld")
    reduction = next(node for node in document["@graph"] if "tonnesCO2ePerUnit" in node and "achievementDate" in node)
    reduction["tonnesCO2ePerUnit"] = 0.0015  # a JSON number: read as the double 1.5E-3
    messages = rule_messages(document, engine, "CN-PROD-04", as_of=AS_OF)
    assert any("a non-negative plain decimal" in message for message in messages), messages
    assert not any("is not expressed per functional or declared unit" in message for message in messages), messages
