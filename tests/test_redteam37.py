"""Red team 37 (credits counted twice across claims, the newest checks attacked): each test names what a user saw
before."""

from __future__ import annotations

from pathlib import Path

import pytest

from comet_cn.audits import run_audits
from tests.conftest import EXAMPLES

MULTI = EXAMPLES / "multi-period"
DOUBLE = "CN-AUDIT-DOUBLE-01"
BIOCHAR = "EXR-2023-BIOC-000001-002000"  # retired for claim-2023 and, again, for claim-2024


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("spelling", ["EXR 2023 BIOC 001001-003000", "EXR-2023-BIOC: 001001/003000"])
def test_units_retired_again_under_a_pdf_spelling_of_the_serial_are_found(tmp_path: Path, spelling: str) -> None:
    # Before: the 2024 claim's copy of the 2023 batch, spaces in its prefix, was an unread serial compared whole,
    # and units 1001-2000 retired for both claims passed the audit.
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    assert later.count(BIOCHAR) == 1
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, spelling), encoding="utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    findings = [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]
    assert findings, "the units retired twice were not found"


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_next_units_of_the_batch_in_a_pdf_spelling_are_not_counted_twice(tmp_path: Path) -> None:
    later = (MULTI / "acme-2024.jsonld").read_text(encoding="utf-8")
    (tmp_path / "acme-2024.jsonld").write_text(later.replace(BIOCHAR, "EXR 2023 BIOC 002001-004000"), "utf-8")
    (tmp_path / "acme-2023.jsonld").write_text((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"), "utf-8")
    assert not [f for f in run_audits(sorted(tmp_path.iterdir()), backend="rdflib") if f.rule_id == DOUBLE]
