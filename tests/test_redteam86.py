"""Red team 86: a CAD Trust vintage the importer cannot read is not replaced by a later year from the serial id; a
product baseline's unit agrees with the life-cycle scope it states (CN-PROD-02); a one-off event offsets after its
reduction efforts (CN-EVENT-06, Annex B.2.2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from tests.conftest import ENGINES, edited, example, rule_messages, violated_rules
from tests.test_import_beneficiaries import ACME

AS_OF = date(2026, 12, 1)


# ---- CAD Trust: a stated vintage that is not a four-digit year ----
# Before: unitVintageYear "2015-12-31" was not read, and the serial id's year 2024 was written as the vintage, with a
# warning that the record "states no unit_vintage_year": a 2015 credit passed CN-VINT-01 for a 2024 period.


def _cad_vintages(tmp_path: Path, stated: Any) -> tuple[list[Any], tuple[str, ...]]:
    unit = {
        "cadTrustUnitId": "u-1", "unitSerialId": "VCS98822-2024-500001-501000", "unitStartBlock": "500001",
        "unitEndBlock": "501000", "unitCount": 1000, "unitStatus": "Retired", "unitStatusDate": "10/03/2025",
        "unitMetric": "tCO2e", "unitRetirementBeneficiary": ACME, "unitStatusReason": "Voluntary offsetting",
    }  # fmt: skip
    if stated is not None:
        unit["unitVintageYear"] = stated
    path = tmp_path / "cad.json"
    path.write_text(json.dumps({"unit": [unit]}), encoding="utf-8")
    result = import_records("cad-trust", path, beneficiary=ACME)
    credits = [node for node in result.nodes if node.get("@type") == "CarbonCredit"]
    return [credit.get("vintageEndYear") for credit in credits], result.warnings


@pytest.mark.parametrize("stated", ["2015-12-31", "FY2015", "15"])
def test_a_cad_trust_vintage_that_cannot_be_read_is_not_taken_from_the_serial(tmp_path: Path, stated: str) -> None:
    vintages, warnings = _cad_vintages(tmp_path, stated)
    assert vintages == [None]  # no vintage: CN-VINT-01 asks for one, rather than passing on the serial's 2024
    assert any(repr(stated) in warning and "not read" in warning for warning in warnings), warnings
    assert not any("states no unit_vintage_year" in warning for warning in warnings), warnings


def test_a_cad_trust_record_without_a_vintage_still_takes_the_serials_year(tmp_path: Path) -> None:
    vintages, warnings = _cad_vintages(tmp_path, None)
    assert [str(v) for v in vintages] == ["2024"]
    assert any("states no unit_vintage_year" in warning for warning in warnings), warnings


def test_a_cad_trust_vintage_read_as_a_year_is_kept(tmp_path: Path) -> None:
    vintages, _ = _cad_vintages(tmp_path, 2015)
    assert [str(v) for v in vintages] == ["2015"]  # the earlier of the record's and the serial's years
