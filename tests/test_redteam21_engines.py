"""Red-team round 21 (differential fuzzing): pyshacl-turbo and pySHACL gave different findings on a claim whose
date or order value had another datatype (a period end written as a plain string).

Both engines report the datatype, so the verdict was the same, but turbo added CN-HIER-04 and CN-REV-01 where the
reference did not, or the reference reported a rule twice where turbo did once. The turbo path promises the
reference's findings, so such a claim now runs on the reference.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest

import comet_cn
from comet_cn.shacl_engines import ordinary_values, turbo_available
from tests.conftest import EXAMPLES, edited

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
PARAMETERS = comet_cn.RuleParameters(as_of=date(2026, 12, 1))

MISTYPED = [
    ("ex:period-2024", "reportingPeriodEnd", {"@value": "2024-12-31"}),
    ("ex:action-heat-pumps", "plannedDate", {"@value": "2023-06-30"}),
    ("ex:base-period-2019", "basePeriodStart", {"@value": "2019-01-01"}),
    ("ex:base-period-2019", "basePeriodEnd", {"@value": "2019-12-31"}),
    ("ex:action-heat-pumps", "actionOrder", {"@value": "1"}),
    ("ex:period-2024", "reportingPeriodEnd", {"@value": "2024-12-31", "@language": "en"}),
    # An xsd:integer year is read as the year since red team 61a (Turtle's 2022, as JSON-LD's 2022 always was).
    ("ex:credit-wind", "vintageEndYear", {"@value": "2022", "@type": "xsd:decimal"}),
]

IDS = [f"{key}-{index}" for index, (_, key, _) in enumerate(MISTYPED)]


def _findings(document: dict[str, Any], engine: str) -> tuple[str, Counter[str]]:
    report = comet_cn.validate(document, parameters=PARAMETERS, shacl_engine=engine)  # type: ignore[arg-type]
    return report.shacl_engine, Counter(result.rule_id for result in report.violations)


@pytest.mark.parametrize(("node", "key", "value"), MISTYPED, ids=IDS)
def test_a_value_of_another_datatype_gets_the_references_findings_on_either_engine(
    node: str, key: str, value: Any
) -> None:
    claim = edited(BASE, (node, key, value))
    engine, reference = _findings(claim, "pyshacl")
    assert engine == "pyshacl" and reference  # the datatype is reported
    requested, found = _findings(claim, "turbo")
    assert requested == "pyshacl"  # turbo was not asked to run it
    assert found == reference


def test_the_datatype_check_reads_the_shapes() -> None:
    from comet_cn.loading import load_claim

    assert ordinary_values(load_claim(BASE).graph)
    assert not ordinary_values(load_claim(edited(BASE, MISTYPED[0])).graph)


@pytest.mark.skipif(not turbo_available(), reason="pyshacl-turbo not installed")
def test_the_well_typed_twin_still_runs_on_turbo() -> None:
    engine, found = _findings(BASE, "turbo")
    assert engine == "pyshacl-turbo" and not found
