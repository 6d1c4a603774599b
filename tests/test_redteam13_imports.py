"""Red-team round 13: registry records that were imported as offsetting events although their own fields said
otherwise. Each case is a one-field edit of a fixture, next to the fixture itself."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from tests.conftest import ROOT

IMPORTS = ROOT / "tests" / "fixtures" / "imports"


def _events(result: Any) -> int:
    return sum(node.get("@type") == "OffsettingEvent" for node in result.nodes)


# ---- CAD Trust: one field given under both of its names, with different values ----


def _cad_units() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((IMPORTS / "cad-trust" / "units.json").read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize(
    ("field", "other", "value"),
    [
        ("unitStatus", "unit_status", "Cancelled"),
        ("unitCount", "unit_count", 1),
        ("unitVintageYear", "unit_vintage_year", "2012"),
    ],
)
def test_a_cad_trust_record_that_gives_a_field_twice_with_different_values_is_left_out(
    tmp_path: Path, field: str, other: str, value: object
) -> None:
    document = _cad_units()
    first = document["unit"][0]
    assert field in first and other not in first
    before = import_records("cad-trust", IMPORTS / "cad-trust" / "units.json")
    same = json.loads(json.dumps(document))
    same["unit"][0][other] = first[field]  # the same value under both names: read as before
    (tmp_path / "same.json").write_text(json.dumps(same), encoding="utf-8")
    assert _events(import_records("cad-trust", tmp_path / "same.json")) == _events(before)
    document["unit"][0][other] = value
    (tmp_path / "twice.json").write_text(json.dumps(document), encoding="utf-8")
    result = import_records("cad-trust", tmp_path / "twice.json")
    assert any(f"{field} " in reason and f"{other} " in reason and "disagree" in reason for reason in result.excluded)
    assert _events(result) < _events(before)
    assert len(result.excluded) == len(before.excluded) + 1


# ---- ART TREES: a contribution to the host country's NDC, however the reason is worded ----


@pytest.mark.parametrize(
    "reason",
    [
        "Contribution towards host-country NDC",
        "Contribution Towards Corporate Climate Pledge AND Host Country Nationally Determined Contribution",
        "contribution toward host country  NDC",
    ],
)
def test_an_art_retirement_for_the_host_countrys_ndc_is_no_offsetting_event(tmp_path: Path, reason: str) -> None:
    source = IMPORTS / "art-trees" / "retirements.csv"
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    assert rows[0]["Retirement Reason"] == "Contribution Towards Corporate Climate Pledge"
    before = import_records("art-trees", source)
    rows[0]["Retirement Reason"] = reason
    changed = tmp_path / source.name
    with changed.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    result = import_records("art-trees", changed)
    assert any("host country's NDC" in excluded for excluded in result.excluded)
    assert len(result.excluded) == len(before.excluded) + 1
