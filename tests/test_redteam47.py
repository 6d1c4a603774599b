"""Red team 47 and the follow-ups of red teams 45/46: each test names what a user saw before."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, rule_messages, violated_rules

MULTI = EXAMPLES / "multi-period"
AUDITED = ("CN-AUDIT-ID-05", "CN-AUDIT-ID-06")


def _second_claim(tmp_path: Path, start: str, end: str) -> Path:
    """A second claim for Acme's subject with its own claim and period IRIs, for the period given."""
    text = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(
        text.replace("ex:claim-2024", "ex:claim-2024-bis").replace("ex:period-2024", "ex:p-bis")
    )
    for node in document["@graph"]:
        if node["@id"] == "ex:p-bis":
            node["reportingPeriodStart"], node["reportingPeriodEnd"] = start, end
    path = tmp_path / f"second-{start}-{end}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ---- CN-AUDIT-ID-05: one year written with an exclusive end ----
# Before: a second 2024 claim whose period ran "2024-01-01 to 2025-01-01" (the day after the year, as many systems
# write an end) was only CN-AUDIT-ID-06's overlap warning, so two accounts of one year passed the audits.


@pytest.mark.rule("CN-AUDIT-ID-05")
@pytest.mark.parametrize(("start", "end"), [("2024-01-01", "2025-01-01"), ("2024-01-01", "2024-12-30")])
def test_one_year_written_with_an_end_a_day_apart_is_the_same_period(tmp_path: Path, start: str, end: str) -> None:
    from comet_cn.audits import run_audits

    findings = [f for f in run_audits([MULTI / "acme-2024.jsonld", _second_claim(tmp_path, start, end)])]
    assert [(f.rule_id, f.severity) for f in findings if f.rule_id in AUDITED] == [("CN-AUDIT-ID-05", "Violation")]
    message = next(f.message for f in findings if f.rule_id == "CN-AUDIT-ID-05")
    assert "written by the other as ending" in message


@pytest.mark.rule("CN-AUDIT-ID-06")
@pytest.mark.parametrize(("start", "end"), [("2024-01-02", "2025-01-01"), ("2024-01-01", "2025-01-02")])
def test_periods_more_than_an_end_day_apart_stay_an_overlap(tmp_path: Path, start: str, end: str) -> None:
    from comet_cn.audits import run_audits

    findings = run_audits([MULTI / "acme-2024.jsonld", _second_claim(tmp_path, start, end)])
    assert [(f.rule_id, f.severity) for f in findings if f.rule_id in AUDITED] == [("CN-AUDIT-ID-06", "Warning")]


# ---- CN-BAL-01: the subject's own reduction sold as credits, left out of the claim ----
# Before: an in-boundary reduction retired as credits for another company was caught only while the claim still
# counted it (CN-CRIT-01); a claim that dropped the link, as CRIT-01's fix said, kept the lower footprint the
# reduction gave and conformed with credits short of the tonnes it sold (Annex A Table A.1 note a).


def _sold(kind: str, party: str) -> dict[str, Any]:
    """The example claim with its green-electricity reduction (or woodland enhancement) sold as credits to ``party``
    by an offsetting event the claim does not link; the claim no longer counts it."""
    document: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    sold = "ex:reduction-green-electricity" if kind == "reduction" else "ex:enhancement-woodland"
    nodes = {node["@id"]: node for node in document["@graph"]}
    claim = nodes["ex:claim-2024"]
    if kind == "reduction":
        claim["hasEmissionReduction"] = ["ex:reduction-kiln-heat-pumps"]
        nodes[sold]["@type"] = ["GHGEmissionReduction", "CarbonCredit"]
    else:
        # The footprint's own removal stays subtracted, as a claimant who sold the enhancement might leave it.
        del claim["hasRemovalEnhancement"], claim["hasRemovalReversal"]
        nodes[sold]["@type"] = ["GHGRemovalEnhancement", "CarbonCredit"]
    nodes[sold].update({"serialNumber": "EXR-2024-ACME-000001-000400", "issuedByProgramme": "ex:programme"})
    document["@graph"].append({"@id": "ex:customer", "@type": ["Entity", "Organization"], "label": "Customer Ltd"})
    document["@graph"].append(
        {"@id": "ex:sale-retirement", "@type": "OffsettingEvent", "retirementDate": "2025-02-01",
         "hasReportingPeriod": "ex:period-2024", "inRegistry": "ex:registry", "retiredOnBehalfOf": party,
         "retiresCredit": sold}
    )  # fmt: skip
    return document


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize(("kind", "tonnes"), [("reduction", "1500"), ("enhancement", "400")])
def test_own_mitigation_sold_as_credits_is_added_to_the_credits_needed(
    engine: str, reasoning: str, kind: str, tonnes: str
) -> None:
    as_of = date(2026, 12, 5)
    messages = rule_messages(_sold(kind, "ex:customer"), engine, "CN-BAL-01", as_of=as_of, reasoning=reasoning)
    assert len(messages) == 1
    # Engines write a decimal's fraction differently (400.0, 400).
    assert re.search(rf"not the {tonnes}(\.0)? t CO2e", messages[0]) and "sold as credits" in messages[0]
    # The same retirement made for the claimant itself sells nothing.
    assert "CN-BAL-01" not in violated_rules(_sold(kind, "ex:acme"), engine, as_of=as_of, reasoning=reasoning)


# ---- CN-UNITS-01: a Gold Standard retirement and CAD Trust's record of it ----
# Before: only CAD Trust records of Verra projects spelt "VCS98801-2023" were compared with the registry's own
# ranges; a Gold Standard export merged with CAD Trust's record of the same retirement counted the units twice.


def _gold_standard_and_its_mirror(cad_serial: str, block: str, first: int, last: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    nodes = {node["@id"]: node for node in document["@graph"]}
    nodes["ex:credit-wind"]["serialNumber"] = "GS1-1-IN-GS98842-12-2022-40201-1-6000"
    mirror = dict(nodes["ex:credit-wind"], **{"@id": "ex:credit-wind-cad", "serialNumber": cad_serial})
    mirror.update(issuanceBlock=block, firstUnit=str(first), lastUnit=str(last), tonnesCO2e=f"{last - first + 1}.0")
    document["@graph"].append(mirror)
    nodes["ex:retirement-2025-03"]["retiresCredit"].append("ex:credit-wind-cad")
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_cad_trusts_record_of_a_gold_standard_retirement_is_the_same_units(engine: str) -> None:
    as_of = date(2026, 12, 5)
    document = _gold_standard_and_its_mirror("GS98842-2022-1-6000", "CAD-TRUST:GS98842-2022", 1, 6000)
    messages = rule_messages(document, engine, "CN-UNITS-01", as_of=as_of)
    assert len(messages) == 1 and "units 1-6000 of Gold Standard project GS98842, vintage 2022" in messages[0]
    # Another vintage of the project, or another project, is other units.
    for serial, block in (
        ("GS98842-2023-1-6000", "CAD-TRUST:GS98842-2023"),
        ("GS98843-2022-1-6000", "CAD-TRUST:GS98843-2022"),
    ):
        other = _gold_standard_and_its_mirror(serial, block, 1, 6000)
        assert "CN-UNITS-01" not in violated_rules(other, engine, as_of=as_of)
