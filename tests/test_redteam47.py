"""Red team 47 and the follow-ups of red teams 45/46: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES

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
