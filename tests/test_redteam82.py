"""Red team 82: one claim written by two tools is one claim (CN-AUDIT-ID-01)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn import run_audits
from tests.conftest import example


def _with_credit_tonnes(tonnes: Any) -> dict[str, Any]:
    document = example("conforming-claim.jsonld")
    (credit,) = [node for node in document["@graph"] if node.get("@id") == "ex:credit-biochar"]
    assert credit["tonnesCO2e"] == "2000.0"  # the value rewritten below
    credit["tonnesCO2e"] = tonnes
    return document


def _audit_ids(tmp_path: Path, *documents: dict[str, Any]) -> list[str]:
    paths = []
    for number, document in enumerate(documents):
        path = tmp_path / f"claim-{number}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    return [finding.rule_id for finding in run_audits(paths)]


@pytest.mark.parametrize(
    "written",
    ["2000", "+2000.00", {"@value": "2000", "@type": "xsd:integer"}, {"@value": "2.0E3", "@type": "xsd:double"}],
    ids=str,
)
def test_a_number_written_otherwise_is_the_same_claim(tmp_path: Path, written: Any) -> None:
    # An Oxigraph export writes 2000.0 as 2000: the same claim given twice is no CN-AUDIT-ID-01 finding.
    assert "CN-AUDIT-ID-01" not in _audit_ids(tmp_path, _with_credit_tonnes("2000.0"), _with_credit_tonnes(written))


def test_another_number_under_one_claim_iri_is_still_found(tmp_path: Path) -> None:
    assert "CN-AUDIT-ID-01" in _audit_ids(tmp_path, _with_credit_tonnes("2000.0"), _with_credit_tonnes("2000.5"))
